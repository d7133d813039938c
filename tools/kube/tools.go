//go:build tools

// Package kube names the commands scripts/build-kube builds, so that go.mod and go.sum
// pin everything they need.
package kube

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
