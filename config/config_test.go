package config

import (
	"strings"
	"testing"
)

// ENV-1, ENV table: the three environments are valid as shipped and sized as the spec says.
func TestShippedEnvironmentsAreValid(t *testing.T) {
	for _, name := range Names() {
		env, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if env.Prefix() != "smile5-"+name || env.StackName() != "smile-"+name {
			t.Errorf("%s: prefix %q stack %q", name, env.Prefix(), env.StackName())
		}
	}
}

func TestENVTableSizing(t *testing.T) {
	cases := []struct {
		env                                  Environment
		class                                string
		storage, maxStorage, backupDays, min int
		multiAZ, singleNat, autoscaling      bool
	}{
		{Dev(), "db.t3.micro", 20, 20, 0, 1, false, true, false},
		{Staging(), "db.t3.medium", 100, 100, 7, 2, false, false, false},
		{Prod(), "db.r5.large", 500, 1000, 30, 3, true, false, true},
	}
	for _, c := range cases {
		d := c.env.Database
		if d.InstanceClass != c.class || d.AllocatedStorageGiB != c.storage || d.MaxAllocatedStorageGiB != c.maxStorage ||
			d.BackupRetentionDays != c.backupDays || d.MultiAZ != c.multiAZ {
			t.Errorf("%s: database %+v", c.env.Name, d)
		}
		if c.env.Network.SingleNatGateway != c.singleNat { // NET-3
			t.Errorf("%s: SingleNatGateway %v, want %v", c.env.Name, c.env.Network.SingleNatGateway, c.singleNat)
		}
		if c.env.Services.MinReplicas != c.min || c.env.Services.Autoscaling != c.autoscaling {
			t.Errorf("%s: services %+v", c.env.Name, c.env.Services)
		}
		if c.env.Region != "ap-southeast-3" || len(c.env.AvailabilityZones) != 3 { // RES-1
			t.Errorf("%s: region %s zones %v", c.env.Name, c.env.Region, c.env.AvailabilityZones)
		}
	}
}

// ENV-3: each invalid config and the message it must produce. Every case must also name
// the field, and one Validate call reports all problems at once.
func TestValidateRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Environment)
		want   []string
	}{
		{"region outside Jakarta", func(e *Environment) { e.Region = "ap-southeast-1" },
			[]string{`Region: "ap-southeast-1" is not allowed`, "RES-1"}},
		{"two zones", func(e *Environment) { e.AvailabilityZones = e.AvailabilityZones[:2] },
			[]string{"AvailabilityZones: has 2 zones, needs exactly 3", "Network.PublicSubnetCidrs: has 3 CIDRs for 2 availability zones"}},
		{"zone of another region", func(e *Environment) { e.AvailabilityZones[2] = "us-east-1a" },
			[]string{`AvailabilityZones: "us-east-1a" is not a zone of ap-southeast-3`}},
		{"duplicate zone", func(e *Environment) { e.AvailabilityZones[2] = "ap-southeast-3a" },
			[]string{`"ap-southeast-3a" is listed twice`}},
		{"overlapping CIDRs", func(e *Environment) { e.Network.DatabaseSubnetCidrs[0] = "10.0.33.0/24" },
			[]string{`Network.DatabaseSubnetCidrs[0]: "10.0.33.0/24" overlaps Network.PrivateSubnetCidrs[0] (10.0.32.0/19)`}},
		{"subnet outside the VPC", func(e *Environment) { e.Network.PublicSubnetCidrs[1] = "10.1.4.0/22" },
			[]string{`Network.PublicSubnetCidrs[1]: "10.1.4.0/22" is outside the VPC 10.0.0.0/16`}},
		{"malformed CIDR", func(e *Environment) { e.Network.PrivateSubnetCidrs[2] = "10.0.96.0/33" },
			[]string{`Network.PrivateSubnetCidrs[2]: "10.0.96.0/33" is not an IPv4 network`}},
		{"public VPC range", func(e *Environment) { e.Network.VpcCidr = "8.8.0.0/16" },
			[]string{`Network.VpcCidr: "8.8.0.0/16" is not a private (RFC 1918) range`}},
		{"VPC too large", func(e *Environment) { e.Network.VpcCidr = "10.0.0.0/8" },
			[]string{`Network.VpcCidr: "10.0.0.0/8" has a /8 mask`}},
		{"unknown ALB ingress", func(e *Environment) { e.Network.AlbIngress = "vpn" },
			[]string{`Network.AlbIngress: "vpn" is not allowed`}},
		{"min replicas above max", func(e *Environment) { e.Services.MinReplicas, e.Services.MaxReplicas = 4, 2 },
			[]string{"Services.MinReplicas: 4 is greater than Services.MaxReplicas 2"}},
		{"unknown instance class", func(e *Environment) { e.Database.InstanceClass = "db.x9.huge" },
			[]string{`Database.InstanceClass: "db.x9.huge" is not a supported RDS MySQL class`}},
		{"max storage below allocated", func(e *Environment) { e.Database.MaxAllocatedStorageGiB = 10 },
			[]string{"Database.MaxAllocatedStorageGiB: 10 is below AllocatedStorageGiB 20"}},
		{"log retention below the floor", func(e *Environment) { e.Observability.LogRetentionDays = 14 },
			[]string{"Observability.LogRetentionDays: 14 is not allowed", "OBS-1"}},
		{"log retention CloudWatch does not offer", func(e *Environment) { e.Observability.LogRetentionDays = 45 },
			[]string{"Observability.LogRetentionDays: 45 is not allowed"}},
		{"emulator endpoint not on loopback", func(e *Environment) { e.Deployment.EmulatorEndpoint = "http://moto.internal:5000" },
			[]string{`Deployment.EmulatorEndpoint: "http://moto.internal:5000" is not a local emulator address`}},
		{"emulator with remote state", func(e *Environment) {
			e.Deployment.EmulatorEndpoint = "http://127.0.0.1:5000"
			e.Deployment.StateBucket = "smile-state"
		}, []string{"Deployment.StateBucket: is set together with the emulator endpoint"}},
		{"bad state bucket", func(e *Environment) { e.Deployment.StateBucket = "Smile_State" },
			[]string{`Deployment.StateBucket: "Smile_State" is not a valid S3 bucket name`}},
		{"bad name", func(e *Environment) { e.Name = "Dev-1" },
			[]string{`Name: "Dev-1" must be 2-12 lowercase letters or digits`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := Dev()
			c.mutate(&env)
			err := env.Validate()
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if !strings.HasPrefix(err.Error(), `environment "`) {
				t.Errorf("error does not start by naming the environment:\n%v", err)
			}
		})
	}
}

// ENV-3, NET-3, DB-1: what prod and staging must never be.
func TestValidateProductionRules(t *testing.T) {
	prod := Prod()
	prod.Database.MultiAZ = false
	prod.Database.DeletionProtection = false
	prod.Database.BackupRetentionDays = 7
	prod.Network.SingleNatGateway = true
	prod.Services.MinReplicas = 2
	err := prod.Validate()
	if err == nil {
		t.Fatal("Validate accepted a prod without Multi-AZ")
	}
	for _, w := range []string{
		"Database.MultiAZ: must be true in prod",
		"Database.DeletionProtection: must be true in prod",
		"Database.BackupRetentionDays: 7 is below 30 in prod",
		"Network.SingleNatGateway: must be false in prod",
		"Services: prod needs at least 3 replicas",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := strings.Count(err.Error(), "\n  - "); n != 5 {
		t.Errorf("want all 5 problems reported at once, got %d:\n%v", n, err)
	}

	staging := Staging()
	staging.Database.BackupRetentionDays = 0
	if err := staging.Validate(); err == nil || !strings.Contains(err.Error(), "DR-1") {
		t.Errorf("staging without point-in-time recovery: %v", err)
	}
}

func TestLoad(t *testing.T) {
	envs, err := Load("", Deployment{})
	if err != nil || len(envs) != 3 || envs[0].Name != "dev" || envs[2].Name != "prod" {
		t.Fatalf("Load all: %v %v", envs, err)
	}
	envs, err = Load(" prod ,dev,prod", Deployment{StateBucket: "smile-state"})
	if err != nil || len(envs) != 2 || envs[0].Name != "prod" || envs[1].Deployment.StateBucket != "smile-state" {
		t.Fatalf("Load subset: %v %v", envs, err)
	}
	_, err = Load("dev,qa,uat", Deployment{})
	if err == nil || !strings.Contains(err.Error(), `unknown environment "qa"`) || !strings.Contains(err.Error(), `unknown environment "uat"`) {
		t.Fatalf("Load unknown: %v", err)
	}
	if !strings.Contains(err.Error(), "SMILE_ENVIRONMENTS") {
		t.Errorf("the unknown-environment error does not say how to fix it: %v", err)
	}
}
