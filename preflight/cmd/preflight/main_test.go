package main

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/smile/infra/internal/moto"
)

// TestPreflightAgainstMoto runs the command against moto_server holding the singletons an
// account may already have (SAFE-3): each must come back as a BLOCKER with the import that
// adopts it, and each call moto does not implement as a WARNING, never a crash (the
// docs/emulator.md's table of preflight emulator exceptions lists them).
func TestPreflightAgainstMoto(t *testing.T) {
	endpoint := moto.Start(t)
	ctx := t.Context()
	cfg := aws.Config{Region: "ap-southeast-3", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}

	detector, err := guardduty.NewFromConfig(cfg).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := securityhub.NewFromConfig(cfg).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := configservice.NewFromConfig(cfg).PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{
		ConfigurationRecorder: &cstypes.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::123456789012:role/config")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(cfg).CreateDocument(ctx, &ssm.CreateDocumentInput{
		Name: aws.String("SSM-SessionManagerRunShell"), DocumentType: ssmtypes.DocumentTypeSession,
		Content: aws.String(`{"schemaVersion":"1.0","description":"console","sessionType":"Standard_Stream","inputs":{}}`),
	}); err != nil {
		t.Fatal(err)
	}
	// The trail's bucket, created with a plain S3 request (path style).
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, endpoint+"/console-trail-logs",
		strings.NewReader(`<CreateBucketConfiguration><LocationConstraint>ap-southeast-3</LocationConstraint></CreateBucketConfiguration>`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %v %v", resp, err)
	}
	trail, err := cloudtrail.NewFromConfig(cfg).CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("smile5-prod-trail"), S3BucketName: aws.String("console-trail-logs")})
	if err != nil {
		t.Fatal(err)
	}
	zone, err := route53.NewFromConfig(cfg).CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("smile.example.org"), CallerReference: aws.String("preflight-test")})
	if err != nil {
		t.Fatal(err)
	}
	resolver := startDNS(t, "ns1.registrar.example")

	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-stack", "smile-prod", "-with", "dev,staging", "-endpoint", endpoint, "-resolver", resolver,
		"-synth", filepath.Join("..", "..", "..", "testdata", "smile-prod.tf.json")}, &stdout, &stderr)
	out := stdout.String()
	if code != 1 {
		t.Fatalf("exit %d, want 1 (blockers); stderr: %s\n%s", code, stderr.String(), out)
	}
	zoneServers := strings.Join(zone.DelegationSet.NameServers, ", ")
	for _, want := range []string{
		// Quotas summed over three environments in one account: 7 NAT gateways' addresses.
		"BLOCKER quota: EC2-VPC Elastic IPs (ec2 L-0263D0A3): need 7 (dev 1 + staging 3 + prod 3 NAT gateways + 0 Elastic IPs already in the account), the account allows 5",
		"--quota-code L-0263D0A3 --desired-value 7 --region ap-southeast-3",
		"OK      quota: VPCs per Region (vpc L-F678F1CE)",
		// moto's offerings are AWS's: no g5.xlarge in the second Jakarta zone, which the GPU
		// group leaves out (config.NodeGroup.Zones).
		"OK      offering: node group data/gpu: g5.xlarge is offered in ap-southeast-3a, ap-southeast-3c",
		"import 'aws_guardduty_detector.account-baseline_guardduty_74E24D54' '" + *detector.DetectorId + "'",
		"import 'aws_securityhub_account.account-baseline_security-hub_05D1B19E' '123456789012'",
		"import 'aws_config_configuration_recorder.account-baseline_config-recorder_9AF143BB' 'default'",
		"OK      singleton: no AWS Config delivery channel yet",
		"import 'aws_ssm_document.bastion_session-preferences_F65C79C8' 'SSM-SessionManagerRunShell'",
		"import 'aws_cloudtrail.trail_3987B402' '" + *trail.TrailARN + "'",
		"BLOCKER role: service-linked role AWSServiceRoleForAutoScaling (autoscaling.amazonaws.com)",
		"Fix: aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com",
		"public DNS answers NS [ns1.registrar.example], the zone's name servers are [" + zoneServers + "]",
		// The emulator exceptions: WARNINGs, not crashes.
		"WARNING quota: could not check Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (ec2 L-1216C47A)",
		"WARNING quota: could not check Running On-Demand G and VT instances (ec2 L-DB2E81BA)",
		"WARNING offering: could not check database instance class db.r5.large for MySQL 8.4 Multi-AZ: DescribeOrderableDBInstanceOptions lists no MySQL option at all",
		"WARNING offering: could not check cache node type cache.r6g.large (DescribeReservedCacheNodesOfferings)",
		"WARNING addon: could not check the pinned versions of",
		"preflight smile-prod: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "OK ") && !strings.HasPrefix(line, "WARNING ") && !strings.HasPrefix(line, "BLOCKER ") && !strings.HasPrefix(line, "preflight ") {
			t.Errorf("line %d is not a finding: %q", i+1, line)
		}
	}
}

// TestErrors: what stops the command before any check is one line naming the fix (SAFE-3).
func TestErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return "http://" + l.Addr().String()
	}()
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown stack", []string{"-stack", "smile-qa"}, []string{`unknown stack "smile-qa": known stacks are smile-dev, smile-staging, smile-prod`}},
		{"unknown shared environment", []string{"-stack", "smile-prod", "-with", "qa"}, []string{`unknown environment "qa" in -with`}},
		{"no credentials", []string{"-stack", "smile-dev", "-synth", "../../../testdata/smile-dev.tf.json"},
			[]string{"cannot call AWS as anyone", "Fix: AWS_PROFILE=<profile of the smile-dev account> make preflight STACK=smile-dev"}},
		{"no emulator", []string{"-stack", "smile-dev", "-synth", "../../../testdata/smile-dev.tf.json", "-endpoint", closed},
			[]string{"nothing answers at " + closed, "Fix: start the emulator there"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range map[string]string{"AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_PROFILE": "",
				"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_EC2_METADATA_DISABLED": "true",
				"SMILE_EMULATOR_ENDPOINT": "", "SMILE_PREFLIGHT_SHARED": ""} {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), c.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n"); lines != 0 {
				t.Errorf("%d lines, want one:\n%s", lines+1, stderr.String())
			}
			for _, want := range c.want {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}

// startDNS answers every NS question over UDP with the given name servers: the parent zone
// as the test wants it to delegate.
func startDNS(t *testing.T, servers ...string) string {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply := nsReply(buf[:n], servers); reply != nil {
				_, _ = conn.WriteTo(reply, from)
			}
		}
	}()
	return conn.LocalAddr().String()
}

// nsReply builds the answer to a DNS query (RFC 1035 4.1): the header with the query's ID,
// its one question, and an NS record per server pointing back at the question's name.
func nsReply(query []byte, servers []string) []byte {
	if len(query) < 12 {
		return nil
	}
	end := 12
	for end < len(query) && query[end] != 0 {
		end += int(query[end]) + 1
	}
	end += 5 // the root label, QTYPE, QCLASS
	if end > len(query) {
		return nil
	}
	reply := append([]byte{}, query[:2]...)
	reply = binary.BigEndian.AppendUint16(reply, 0x8180) // response, recursion desired and available
	reply = binary.BigEndian.AppendUint16(reply, 1)
	reply = binary.BigEndian.AppendUint16(reply, uint16(len(servers)))
	reply = append(reply, 0, 0, 0, 0)
	reply = append(reply, query[12:end]...)
	for _, s := range servers {
		var name []byte
		for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
			name = append(append(name, byte(len(label))), label...)
		}
		name = append(name, 0)
		reply = append(reply, 0xc0, 12)                   // the question's name
		reply = binary.BigEndian.AppendUint16(reply, 2)   // NS
		reply = binary.BigEndian.AppendUint16(reply, 1)   // IN
		reply = binary.BigEndian.AppendUint32(reply, 300) // TTL
		reply = binary.BigEndian.AppendUint16(reply, uint16(len(name)))
		reply = append(reply, name...)
	}
	return reply
}
