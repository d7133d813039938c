package kubeplatform

import (
	"testing"

	"github.com/smile/infra/config"
)

// EKS-7: the envelope of the API and worker classes admits both and defaults to a worker;
// a single class is its own envelope.
func TestEKS7EnvelopeOf(t *testing.T) {
	got := EnvelopeOf([]config.PodClass{config.APIPods, config.WorkerPods})
	want := Envelope{
		Min: config.Resources{MilliCPU: 250, MemoryMiB: 256}, Max: config.Resources{MilliCPU: 2000, MemoryMiB: 4096},
		DefaultRequest: config.Resources{MilliCPU: 250, MemoryMiB: 256}, DefaultLimit: config.Resources{MilliCPU: 1000, MemoryMiB: 2048},
	}
	if got != want {
		t.Errorf("API+workers: %+v, want %+v", got, want)
	}
	etl := EnvelopeOf([]config.PodClass{config.ETLPods})
	if etl.Min != config.ETLPods.Min || etl.Max != config.ETLPods.Max || etl.DefaultRequest != config.ETLPods.Min || etl.DefaultLimit != config.ETLPods.Max {
		t.Errorf("ETL: %+v", etl)
	}
}

func TestSplitImage(t *testing.T) {
	for image, want := range map[string][2]string{
		"public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1": {"public.ecr.aws/aws-observability/aws-otel-collector", "v0.45.1"},
		"localhost:5000/collector":                                    {"localhost:5000/collector", ""},
	} {
		if r, tag := splitImage(image); r != want[0] || tag != want[1] {
			t.Errorf("splitImage(%q) = %q, %q", image, r, tag)
		}
	}
}
