package stackfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "smile-dev")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	snapshot := filepath.Join(t.TempDir(), "smile-prod.tf.json")
	if err := os.WriteFile(snapshot, []byte(`{"x":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{dir: "smile-dev", filepath.Join(dir, "cdk.tf.json"): "smile-dev", snapshot: "smile-prod"} {
		name, raw, err := Read(path)
		if err != nil || name != want || len(raw) == 0 {
			t.Errorf("Read(%s) = %q, %d bytes, %v; want %q", path, name, len(raw), err, want)
		}
	}
	if _, _, err := Read(filepath.Join(t.TempDir(), "nothing")); err == nil || !strings.Contains(err.Error(), "run `make synth` first") {
		t.Errorf("a missing stack: %v", err)
	}
}
