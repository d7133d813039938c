package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"
)

// sharedProviders runs each provider binary once, in the debug mode every provider built
// on Terraform's plugin SDKs has (`-debug`), and hands its address to every terraform
// command through TF_REATTACH_PROVIDERS. Without it each `terraform validate` starts its
// own provider processes, one per provider configuration plus one for the schemas: three
// AWS providers of ~550 MB that take ~2.5 s each to start, so the five validations spent
// most of their ~45 s starting providers. Attached, the same binaries answer the same
// calls: validation never configures a provider (no credentials, no endpoint), so one
// process can serve every configuration of every stack.
type sharedProviders struct {
	procs []*exec.Cmd
	// reattach is the value of TF_REATTACH_PROVIDERS: provider address → how to reach it.
	reattach string
}

var reattachLine = regexp.MustCompile(`TF_REATTACH_PROVIDERS='([^']+)'`)

// startSharedProviders starts every provider binary terraform init put in the plugin
// cache and waits for each to print its address.
func startSharedProviders(pluginCache string) (*sharedProviders, error) {
	binaries, err := filepath.Glob(filepath.Join(pluginCache, "registry.terraform.io", "*", "*", "*", "*", "terraform-provider-*"))
	if err != nil || len(binaries) == 0 {
		return nil, fmt.Errorf("no provider binaries in the plugin cache %s (terraform init fills it)", pluginCache)
	}
	s := &sharedProviders{}
	all := map[string]json.RawMessage{}
	for _, binary := range binaries {
		cmd := exec.Command(binary, "-debug")
		out, err := cmd.StdoutPipe()
		if err != nil {
			s.stop()
			return nil, err
		}
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			s.stop()
			return nil, fmt.Errorf("start %s -debug: %w", binary, err)
		}
		s.procs = append(s.procs, cmd)
		found := make(chan string, 1)
		go func() {
			lines := bufio.NewScanner(out)
			lines.Buffer(make([]byte, 64<<10), 1<<20)
			sent := false
			for lines.Scan() {
				if m := reattachLine.FindStringSubmatch(lines.Text()); m != nil && !sent {
					found <- m[1]
					sent = true
				}
			}
			if !sent {
				close(found)
			}
		}()
		select {
		case value, ok := <-found:
			if !ok {
				s.stop()
				return nil, fmt.Errorf("%s -debug exited without printing TF_REATTACH_PROVIDERS", binary)
			}
			var one map[string]json.RawMessage
			if err := json.Unmarshal([]byte(value), &one); err != nil {
				s.stop()
				return nil, fmt.Errorf("%s -debug printed TF_REATTACH_PROVIDERS %q: %w", binary, value, err)
			}
			for address, how := range one {
				all[address] = how
			}
		case <-time.After(60 * time.Second):
			s.stop()
			return nil, fmt.Errorf("%s -debug printed no address within 60 s", binary)
		}
	}
	raw, err := json.Marshal(all)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.reattach = string(raw)
	return s, nil
}

// env is the environment entry that attaches a terraform command to the providers.
func (s *sharedProviders) env() string { return "TF_REATTACH_PROVIDERS=" + s.reattach }

// stop ends the provider processes.
func (s *sharedProviders) stop() {
	for _, cmd := range s.procs {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	s.procs = nil
}

// providerSchemas is `terraform providers schema -json` in dir (~3 s: Terraform decodes
// and re-encodes every schema of the AWS provider), kept in the user's cache under the
// hash of the Terraform version and of dir's lock file, which names each provider's
// version and package hashes: the schemas are a function of those binaries alone.
func providerSchemas(dir string, run func(dir string, args ...string) ([]byte, error)) ([]byte, error) {
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		return nil, err
	}
	version, err := run(dir, "version", "-json")
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(append(version, lock...))
	cache := ""
	if base, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(base, "smile-infra", "provider-schemas-"+hex.EncodeToString(key[:8])+".json")
		if out, err := os.ReadFile(cache); err == nil {
			return out, nil
		}
	}
	out, err := run(dir, "providers", "schema", "-json")
	if err != nil || cache == "" {
		return out, err
	}
	// A cache that cannot be written costs the next run 3 s, nothing else.
	// A file of its own first: two suites may write the same entry at once.
	if os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		if tmp, err := os.CreateTemp(filepath.Dir(cache), "provider-schemas-*.tmp"); err == nil {
			_, werr := tmp.Write(out)
			if cerr := tmp.Close(); werr == nil && cerr == nil {
				_ = os.Rename(tmp.Name(), cache)
			}
			os.Remove(tmp.Name())
		}
	}
	return out, nil
}
