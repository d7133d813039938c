package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smile/infra/internal/golden"
)

// complianceFile is the SOC 2 control map (SEC-7), generated from complianceMap by
// `go test . -run TestSEC7ComplianceMap -update` (make snapshots).
const complianceFile = "docs/compliance.md"

// control is one row of the map: a SOC 2 criterion or a line of the source document, the
// requirements and resources that satisfy it, and the tests that prove it.
type control struct {
	Criterion, Means, Requirements, Resources string
	Tests                                     []string
}

var complianceMap = []control{
	{"CC6.1 Logical access", "Access to data and infrastructure is limited to authorised roles",
		"SEC-1, SEC-2, EKS-5, EKS-6, CACHE-2, DB-2",
		"KMS keys per purpose with explicit policies; IAM roles per service (IRSA); EKS access entries to one admin role; Redis RBAC with IAM auth; RDS IAM auth",
		[]string{"TestSEC1EveryEncryptedResourceNamesItsKey", "TestSEC2NoWildcardPolicies", "TestEKS5AccessEntries", "TestEKS6AddonsAndIrsa", "TestCACHE1Redis", "TestDB2DatabaseProtection"}},
	{"CC6.6 Boundary protection", "Traffic from outside is filtered; internal tiers are isolated",
		"NET-1 … NET-7, EDGE-1, EDGE-3, EDGE-5, SEC-6",
		"Three subnet tiers with NACLs and security groups; private EKS endpoints; internal load balancer behind the VPC link; WAF on CloudFront and the load balancer; bastion without inbound rules",
		[]string{"TestNET4NetworkAcls", "TestNET5SecurityGroups", "TestNET5LoadBalancerOnlyBehindVpcLink", "TestSEC6WebAcls", "TestEKS5ControlPlane", "TestCMP1Bastion"}},
	{"CC6.7 Data in transit", "Data moving over networks is encrypted",
		"RES-3, EDGE-1, EDGE-3, EDGE-5",
		"TLS 1.2+ at CloudFront, API Gateway and the load balancer; TLS-only policies on buckets, queues and the file system; Redis and MySQL require TLS",
		[]string{"TestEDGE1ViewerTLSAndHeaders", "TestEDGE3LoadBalancer", "TestEDGE5ApiGateway", "TestS3Buckets", "TestMQ1Queues", "TestEFS1FileSystem", "TestCACHE1Redis"}},
	{"CC6.8 Malicious software", "Unauthorised or malicious software is prevented or detected",
		"CMP-2, SEC-7",
		"ECR scan on push and immutable tags; GuardDuty with EKS audit logs and EBS malware protection",
		[]string{"TestCMP2Ecr", "TestSEC7AccountBaseline"}},
	{"CC7.1 Configuration monitoring", "Changes to configurations and new vulnerabilities are detected",
		"SEC-7",
		"AWS Config recorder; Security Hub with AWS Foundational Security Best Practices; the policy suite and tfsec on every change",
		[]string{"TestSEC7AccountBaseline", "TestPolicySuite", "TestTfsecScan"}},
	{"CC7.2 Anomaly monitoring", "System components are monitored for anomalies and attacks",
		"SEC-5, OBS-2, OBS-4, NET-7",
		"Multi-region CloudTrail with data events on documents; GuardDuty; flow logs; WAF logs; metric alarms on every tier",
		[]string{"TestSEC5CloudTrail", "TestNET7FlowLogs", "TestSEC6WebAcls", "TestOBS2Alarms"}},
	{"CC7.3 Evaluation of events", "Security events are evaluated and reach the responsible people",
		"OBS-1, OBS-2, OBS-3",
		"Encrypted alarm topic with on-call subscriptions; one dashboard per environment; log retention per environment; X-Ray traces",
		[]string{"TestOBS2Alarms", "TestOBS1LogGroups", "TestOBS3Tracing"}},
	{"CC8.1 Change management", "Infrastructure changes are designed, reviewed, tested and approved",
		"ENV-1, ENV-3, EDGE-4, CICD-1",
		"Typed config validated before synth; golden snapshots in every pull request; traffic shifts as one reviewed listener-rule change; emulator adjustments never in real synths",
		[]string{"TestSnapshots", "TestBadConfigStopsSynth", "TestEDGE4TrafficShiftTouchesOnlyTheListenerRule", "TestEmulatorAdjustmentsStayInEmulatorMode"}},
	{"A1.2 Recovery infrastructure", "Backups and redundancy support the recovery objectives",
		"DR-1, DB-1, NET-3, CACHE-1",
		"AWS Backup with a locked vault; RDS Multi-AZ and point-in-time recovery in prod; NAT per zone; Redis replicas with failover",
		[]string{"TestDR1Backups", "TestDB1Database", "TestNET3NatGateways", "TestCACHE1Redis"}},
	{"C1.1 Confidential information", "Confidential data is identified and protected",
		"RES-2, RES-3, SEC-1, EDGE-1",
		"Customer-managed keys on every store; private assets bucket read only by its distribution; nothing outside Jakarta but CloudFront's control objects",
		[]string{"TestSEC1EveryEncryptedResourceNamesItsKey", "TestEDGE1OriginAccessControl", "TestRES2UsEast1AllowList"}},
	{"C1.2 Disposal", "Confidential data is retained and disposed of as required",
		"S3-2",
		"Lifecycle rules per bucket; audit archive under 7-year object lock",
		[]string{"TestS3Buckets"}},
	{"Source: data residency", "All data stays in Indonesia (Jakarta)",
		"RES-1, RES-2",
		"One provider in ap-southeast-3; the us-east-1 alias limited to CloudFront's certificate, web ACL and log-delivery configuration",
		[]string{"TestProviderRegionAndDefaultTags", "TestRES2UsEast1AllowList"}},
	{"Source: encryption", "Encryption at rest with customer keys and in transit",
		"RES-3, SEC-1",
		"Every encrypted resource names its purpose's key; keys rotate",
		[]string{"TestSEC1EveryEncryptedResourceNamesItsKey", "TestPolicySuite"}},
	{"Source: audit retention", "Audit records kept 7 years",
		"SEC-5, S3-2",
		"CloudTrail into the audit bucket under COMPLIANCE object lock for 2557 days",
		[]string{"TestSEC5CloudTrail", "TestS3Buckets"}},
}

func renderCompliance() string {
	var b strings.Builder
	b.WriteString("# SOC 2 control map\n\n")
	b.WriteString("Generated from `complianceMap` in `compliance_test.go` (`make snapshots`); `TestSEC7ComplianceMap`\n")
	b.WriteString("fails when this file is stale or names a test that does not exist. Each row: the criterion\n")
	b.WriteString("(or a line of the source document), what it asks, the requirements of `../shared/SPEC.md`,\n")
	b.WriteString("the resources that satisfy it, and the tests that prove it on every environment's synthesized\n")
	b.WriteString("stack. Exceptions are in `policy_test.go` (`policyExceptions`) and `policy/tfsec-ignore.json`,\n")
	b.WriteString("each with its reason.\n\n")
	b.WriteString("| criterion | means | requirements | resources | tests |\n|---|---|---|---|---|\n")
	for _, c := range complianceMap {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Criterion, c.Means, c.Requirements, c.Resources, "`"+strings.Join(c.Tests, "`, `")+"`")
	}
	return b.String()
}

// SEC-7: the control map is current and every test it cites exists.
func TestSEC7ComplianceMap(t *testing.T) {
	files, _ := filepath.Glob("*_test.go")
	var source strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		source.Write(raw)
	}
	for _, c := range complianceMap {
		for _, test := range c.Tests {
			if !regexp.MustCompile(`(?m)^func ` + test + `\(t \*testing\.T\)`).MatchString(source.String()) {
				t.Errorf("%s cites %s, which does not exist", c.Criterion, test)
			}
		}
	}
	golden.Check(t, complianceFile, []byte(renderCompliance()))
}
