// Package moto runs the local AWS emulator, moto_server, for a Go test: on a free loopback
// port, answering before the test goes on, stopped when the test ends, its output shown
// when the test fails. The Lambda's, the preflight's and the drills' tests share it; the
// emulator scripts start theirs with scripts/lib/emulator.sh, the same way.
package moto

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Install is how to get the pinned moto_server, for error messages.
const Install = "install it with: pip install 'moto[server]==5.2.1'"

// Start starts moto_server for t and returns its endpoint (http://127.0.0.1:PORT). The
// emulator loads AWS's managed IAM policies (MOTO_IAM_LOAD_MANAGED_POLICIES, as the
// deployments attach them); env adds or overrides moto's settings ("NAME=value").
func Start(t testing.TB, env ...string) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatalf("moto_server is not on PATH: %s", Install)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()

	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	cmd.Env = append(append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true"), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("moto_server output:\n%s", logs.String())
		}
	})

	endpoint := "http://127.0.0.1:" + port
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := client.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		select {
		case <-exited:
			t.Fatalf("moto_server exited at start:\n%s", logs.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within 30 s: %v", endpoint, err)
		}
	}
}
