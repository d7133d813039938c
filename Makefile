# The commands a newcomer needs; `make help` lists them. Every target runs in the
# environment of scripts/env.sh (Node 22, the offline Terraform CLI config).
SHELL := /bin/bash
ENV := . scripts/env.sh &&

.PHONY: help setup emulator drills emulator-bootstrap test lifecycle synth diff preflight snapshots scan bench clean

help:
	@cat help

setup: ## install the pinned tools and write the Terraform CLI config
	scripts/setup

emulator: setup ## deploy smile-dev to the local AWS emulator, re-plan clean, destroy
	scripts/emulator-deploy

drills: setup ## the reliability drills as Go tests, each bounded in time: make emulator plus the interrupted-deploy and drift drills, then make emulator-bootstrap's state drills
	$(ENV) go test -tags drills ./drills -run '^TestDrill' -count=1 -v -parallel 2 -timeout 60m

emulator-bootstrap: setup ## deploy smile-bootstrap to the emulator, its state bucket, lock and state drills, destroy
	scripts/emulator-bootstrap

test: setup ## the whole test suite
	$(ENV) go test ./...

lifecycle: setup ## every pinned version with its days of standard support left: warns within 90 days, fails past the end (LIFE-2)
	$(ENV) go run ./lifecycle/cmd/lifecycle

synth: setup ## synthesize every stack into cdktf.out/
	$(ENV) cdktf synth

diff: setup ## cdktf diff of STACK (default smile-dev) against its state
	$(ENV) stack=$${STACK:-smile-dev} && SMILE_ENVIRONMENTS=$${stack#smile-} cdktf synth && \
	  scripts/lock-providers $$stack && cdktf diff $$stack --skip-synth

preflight: ## read-only checks of the real account before the first deploy of STACK (SAFE-3); WITH=dev,staging when they share its account
	@test -n "$(STACK)" || { echo "make preflight: set STACK=smile-dev|smile-staging|smile-prod, e.g. AWS_PROFILE=<profile> make preflight STACK=smile-prod"; exit 2; }
	@$(ENV) go build -o .build/preflight ./preflight/cmd/preflight && .build/preflight -stack "$(STACK)" $(if $(WITH),-with "$(WITH)")

snapshots: setup ## refresh testdata/*.tf.json and the generated docs/ after an intended change
	$(ENV) go test . -run 'TestSnapshots|TestSAFE2StatefulAddressesAreAnInterface|TestSEC7ComplianceMap|TestDocs' -update
	$(ENV) go test ./config/configdoc -run TestConfigurationReference -update

scan: setup ## the policy suite and tfsec over every stack (SEC-7)
	$(ENV) go test . -count=1 -run 'TestPolicySuite|TestTfsecScan' -v

bench: setup ## measure synth time, test time and peak memory
	scripts/bench

clean:
	rm -rf cdktf.out .emulator
