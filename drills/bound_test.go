package drills

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Issue 11: a drill over its time is stopped: its trap runs (it would destroy and stop the
// emulator), and nothing it started is left running.
func TestRunStopsADrillAtItsLimit(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "drill")
	// A drill that starts a long-running helper (like moto_server) and then waits.
	body := "#!/usr/bin/env bash\n" +
		"sleep 300 & echo $! > helper.pid\n" +
		"trap 'echo cleaned > trap.ran; kill $(cat helper.pid); exit 1' TERM\n" +
		"sleep 300 & wait $!\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	start := time.Now()
	err := Run(dir, script, nil, &out, time.Second)
	if !errors.Is(err, ErrTimedOut) {
		t.Fatalf("err = %v, want ErrTimedOut (output: %s)", err, out.String())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Run returned after %s, want soon after the 1 s limit", took)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "trap.ran")); !strings.Contains(string(b), "cleaned") {
		t.Error("the drill's trap did not run")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "helper.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	for deadline := time.Now().Add(5 * time.Second); running(pid) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if running(pid) {
		t.Errorf("the drill's helper (pid %d) still runs", pid)
	}
}

// running reports whether pid is a live process: not gone, and not a zombie (an exited
// helper of an exited parent lingers as one for a moment).
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(stat), ") Z ")
}

// Issue 11: a drill that fails reports its failure; one that passes, none.
func TestRunReportsTheDrillsResult(t *testing.T) {
	dir := t.TempDir()
	for name, code := range map[string]string{"pass": "exit 0", "fail": "echo broken >&2; exit 3"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/usr/bin/env bash\n"+code+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := Run(dir, "./pass", nil, &out, time.Minute); err != nil {
		t.Errorf("a passing drill: %v", err)
	}
	err := Run(dir, "./fail", nil, &out, time.Minute)
	if err == nil || errors.Is(err, ErrTimedOut) || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("a failing drill: err = %v, want its exit status 3", err)
	}
	if !strings.Contains(out.String(), "broken") {
		t.Errorf("the drill's output is lost: %q", out.String())
	}
}
