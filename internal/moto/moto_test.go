package moto

import (
	"net/http"
	"testing"
)

// The emulator answers at the endpoint Start returns, and is gone when the test ends.
func TestStartAnswersAndStops(t *testing.T) {
	var endpoint string
	t.Run("running", func(t *testing.T) {
		endpoint = Start(t)
		resp, err := http.Get(endpoint + "/moto-api/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if resp, err := http.Get(endpoint + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Errorf("moto_server still answers on %s after its test ended", endpoint)
	}
}
