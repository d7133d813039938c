package backup

import "testing"

// An incomplete config is an error before any resource exists, so a wiring mistake stops
// synth with a message instead of a half-built stack (ENV-3).
func TestNewRejectsIncompleteConfig(t *testing.T) {
	if out, err := New(nil, "backup", Config{}); err == nil || out != nil {
		t.Errorf("New(empty config) = %v, %v; want an error", out, err)
	}
}
