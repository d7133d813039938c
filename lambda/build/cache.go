package build

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Cached is Zip that skips the build when nothing the build reads has changed since the
// zip at outZip was made: the Go toolchain and its settings, the flags, and every package
// the Lambda is built from (a module dependency by its version, which go.sum pins; a
// package of this repository, or a replaced one, by the content of its files). The key
// of the last build is kept beside the zip in outZip+".inputs". Because Zip is
// reproducible, a skipped build returns what a build would have produced.
//
// A warm synth saves the ~2 s of `go build` and linking this way, at the cost of one
// `go env` and one `go list` (~0.2 s). rebuilt reports whether the build ran.
func Cached(moduleRoot, pkg, outZip, goarch string) (sha256hex string, rebuilt bool, err error) {
	if err := checkArch(pkg, goarch); err != nil {
		return "", false, err
	}
	goBin, err := lookGo(pkg)
	if err != nil {
		return "", false, err
	}
	// A package go list cannot load has no key: the build runs and says what is wrong.
	key, keyErr := inputsKey(goBin, moduleRoot, pkg, goarch)
	if keyErr == nil {
		if last, err := os.ReadFile(outZip + ".inputs"); err == nil && string(last) == key {
			if sum, err := fileSHA256(outZip); err == nil {
				return sum, false, nil
			}
		}
	}
	sum, err := zipWith(goBin, moduleRoot, pkg, outZip, goarch)
	if err != nil {
		return "", true, err
	}
	if keyErr == nil {
		// Without the key file the next synth builds again; that is slower, not wrong.
		_ = replaceFile(outZip+".inputs", func(w io.Writer) error { _, err := io.WriteString(w, key); return err })
	}
	return sum, true, nil
}

// zipFormat names the archive writeZip makes; change it with writeZip's output (entry name,
// mode, time, compression), so zips cached before the change are not taken for new ones.
const zipFormat = "bootstrap 0755 1980-01-01 deflate-9"

// listFormat prints, per package the build reads, what identifies its content.
const listFormat = `{{.ImportPath}}|{{.Standard}}|{{with .Module}}{{.Path}}@{{.Version}}{{end}}|{{with .Module}}{{.Main}}{{end}}|{{with .Module}}{{if .Replace}}replaced{{end}}{{end}}|{{.Dir}}|{{join .GoFiles ","}}|{{join .EmbedFiles ","}}`

// inputsKey is the hex SHA-256 of everything the build of pkg reads.
func inputsKey(goBin, moduleRoot, pkg, goarch string) (string, error) {
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = moduleRoot
		cmd.Env = buildEnv(goarch)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go %s: %w: %s", args[0], err, stderr.String())
		}
		return out, nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "zip %s\nflags %q\ngoarch %s\n", zipFormat, buildFlags, goarch)
	toolchain, err := run("env", "GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOARM64", "GOAMD64", "GOROOT")
	if err != nil {
		return "", err
	}
	h.Write(toolchain)
	for _, f := range []string{"go.mod", "go.sum"} {
		sum, err := fileSHA256(filepath.Join(moduleRoot, f))
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		fmt.Fprintf(h, "%s %s\n", f, sum)
	}
	listArgs := append(append([]string{"list", "-deps", "-f", listFormat}, buildFlags...), pkg)
	deps, err := run(listArgs...)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(deps))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) != 8 {
			return "", fmt.Errorf("go list: unexpected line %q", sc.Text())
		}
		importPath, standard, modVersion, mainModule, replaced, dir := f[0], f[1], f[2], f[3], f[4], f[5]
		switch {
		case standard == "true":
			// The toolchain's version above covers the standard library.
			fmt.Fprintf(h, "std %s\n", importPath)
		case modVersion != "" && mainModule == "false" && replaced == "":
			fmt.Fprintf(h, "mod %s %s\n", importPath, modVersion)
		default:
			fmt.Fprintf(h, "src %s\n", importPath)
			for _, list := range f[6:8] {
				for _, name := range strings.Split(list, ",") {
					if name == "" {
						continue
					}
					sum, err := fileSHA256(filepath.Join(dir, name))
					if err != nil {
						return "", err
					}
					fmt.Fprintf(h, "file %s %s\n", name, sum)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileSHA256 is the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
