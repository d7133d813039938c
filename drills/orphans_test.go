//go:build drills

package drills

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smile/infra/internal/moto"
)

// Issue 11: the recovery the interrupted-deploy drill relies on deletes exactly what the
// emulator holds and the state does not record. In moto: two log groups, two parameters,
// a VPC with a subnet and a security group; the state records one log group (by name,
// nested in a value) and nothing else. The sweep (scripts/emulator-delete-orphans.py)
// deletes the other six, children before their VPC, and keeps the recorded one; the
// inventory check then finds the emulator holding only what the state records.
func TestDrillOrphanSweepDeletesOnlyWhatTheStateDoesNotRecord(t *testing.T) {
	root, endpoint := sweepTest(t)
	// A state recording the kept log group's name, as a resource's value would.
	stack := recordingState(t, map[string]string{"group": "/smile/kept"})

	python(t, root, "-c", `
import boto3, sys
kw = dict(endpoint_url=sys.argv[1], region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test")
logs, ssm, ec2 = (boto3.client(s, **kw) for s in ("logs", "ssm", "ec2"))
for g in ("/smile/kept", "/smile/orphan"):
    logs.create_log_group(logGroupName=g)
for p in ("/smile5/dev/a", "/smile5/dev/b"):
    ssm.put_parameter(Name=p, Value="v", Type="String")
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")
ec2.create_security_group(GroupName="orphan", Description="orphan", VpcId=vpc)
`, endpoint)

	out := python(t, root, "scripts/emulator-delete-orphans.py", stack, endpoint)
	for _, want := range []string{"log group /smile/orphan", "parameter /smile5/dev/a", "parameter /smile5/dev/b", "deleted VPC vpc-", "deleted subnet subnet-"} {
		if !strings.Contains(out, want) {
			t.Errorf("the sweep did not delete %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/smile/kept") {
		t.Errorf("the sweep deleted the log group the state records:\n%s", out)
	}
	out = python(t, root, "scripts/emulator-assert-empty.py", endpoint, stack)
	if !strings.Contains(out, "holds what the state records and nothing else") {
		t.Errorf("after the sweep the emulator holds more than the state records:\n%s", out)
	}
	python(t, root, "-c", `
import boto3, sys
logs = boto3.client("logs", endpoint_url=sys.argv[1], region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test")
assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/smile/kept"], "the kept log group is gone"
`, endpoint)
}

// sweepTest starts a sweep test: in parallel with the others, each with a moto of its own;
// it returns the repository root and moto's endpoint.
func sweepTest(t *testing.T) (root, endpoint string) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root, moto.Start(t)
}

// recordingState writes, in a new stack directory, a Terraform state whose one resource (a
// terraform_data) records values, as a resource's attributes would record what the sweep
// must keep; it returns the directory.
func recordingState(t *testing.T, values map[string]string) string {
	t.Helper()
	types := map[string]string{}
	for k := range values {
		types[k] = "string"
	}
	value := map[string]any{"value": values, "type": []any{"object", types}}
	state, err := json.Marshal(map[string]any{
		"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "3f1c2b9e-0000-4000-8000-000000000001", "outputs": map[string]any{},
		"resources": []any{map[string]any{
			"mode": "managed", "type": "terraform_data", "name": "kept", "provider": `provider["terraform.io/builtin/terraform"]`,
			"instances": []any{map[string]any{"schema_version": 0, "sensitive_attributes": []any{},
				"attributes": map[string]any{"id": "x", "input": value, "output": value, "triggers_replace": nil}}},
		}},
		"check_results": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), state, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// python runs python3 with args in the repository root (a script, or -c and a program)
// and returns its output; a failure fails the test.
func python(t *testing.T, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command("python3", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 %s: %v\n%s", args[0], err, out)
	}
	return string(out)
}

// Issue 11 (seen in CI): a deploy stopped part-way abandons a CreateRoute moto has carried
// out, and the next apply fails on "already exists". The sweep deletes the routes of the
// state's route tables that no aws_route of the state records, and keeps the recorded route
// and the table's local route.
func TestDrillOrphanRouteSweepKeepsRecordedAndLocalRoutes(t *testing.T) {
	root, endpoint := sweepTest(t)
	out := python(t, root, "-c", `
import boto3, importlib.util, sys
sys.path.insert(0, "scripts")
spec = importlib.util.spec_from_file_location("sweep", "scripts/emulator-revoke-orphan-sg-rules.py")
sweep = importlib.util.module_from_spec(spec); spec.loader.exec_module(sweep)
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test")
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.create_route(RouteTableId=table, DestinationCidrBlock="192.168.0.0/16", GatewayId=igw)
state = [{"type": "aws_route_table", "values": {"id": table}},
         {"type": "aws_route", "values": {"route_table_id": table, "destination_cidr_block": "0.0.0.0/0"}}]
print("deleted", sweep.revoke_orphan_routes(ec2, state))
left = sorted(r["DestinationCidrBlock"] for r in ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"])
print("left", left)
`, endpoint)
	if !strings.Contains(out, "deleted the route to 192.168.0.0/16") || !strings.Contains(out, "deleted 1\n") {
		t.Errorf("the sweep did not delete the one route the state does not record:\n%s", out)
	}
	if !strings.Contains(out, "left ['0.0.0.0/0', '10.9.0.0/16']") {
		t.Errorf("the sweep touched the recorded or the local route:\n%s", out)
	}
}

// Issue 11 (seen in CI): a deploy stopped part-way abandons a CreateNatGateway moto has
// carried out; the next apply creates the gateway again with the recorded Elastic IP and
// fails on "Resource.AlreadyAssociated". The sweep deletes the gateway the state does not
// record the way AWS does, its address disassociated and its interface gone, so the same
// address takes a new gateway; the recorded address, subnet and VPC stay.
func TestDrillOrphanNatGatewaySweepFreesItsAddress(t *testing.T) {
	root, endpoint := sweepTest(t)
	out := python(t, root, "-c", `
import boto3, json, sys
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test")
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
try:
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
    print("a second gateway took the address before the sweep")
except ec2.exceptions.ClientError as e:
    print("before the sweep:", e.response["Error"]["Code"])
print(json.dumps({"vpc": vpc, "subnet": subnet, "eip": eip}))
`, endpoint)
	if !strings.Contains(out, "before the sweep: Resource.AlreadyAssociated") {
		t.Fatalf("moto no longer refuses the address an abandoned gateway holds; the sweep's extra steps may be unneeded:\n%s", out)
	}
	// The state records the VPC, the subnet and the address, not the gateway.
	var kept map[string]string
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &kept); err != nil {
		t.Fatalf("the setup did not print what it created: %v\n%s", err, out)
	}
	stack := recordingState(t, kept)
	sweep := python(t, root, "scripts/emulator-delete-orphans.py", stack, endpoint)
	if !strings.Contains(sweep, "deleted NAT gateway nat-") {
		t.Errorf("the sweep did not delete the gateway the state does not record:\n%s", sweep)
	}
	for _, kept := range []string{"deleted Elastic IP", "deleted subnet", "deleted VPC"} {
		if strings.Contains(sweep, kept) {
			t.Errorf("the sweep %s the state records:\n%s", kept, sweep)
		}
	}
	python(t, root, "-c", `
import boto3, sys
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test")
subnet, eip = sys.argv[2:]
assert [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]] == [eip], "the recorded address is gone"
ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
`, endpoint, kept["subnet"], kept["eip"])
}
