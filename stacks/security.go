package stacks

import (
	"strings"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/audit"
	"github.com/smile/infra/constructs/baseline"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/network"
	"github.com/smile/infra/constructs/observability"
	"github.com/smile/infra/constructs/parameters"
	"github.com/smile/infra/constructs/patching"
)

// bastionPatchGroup is the patch group the bastion is tagged with and Patch Manager patches.
func bastionPatchGroup(env config.Environment) string { return env.Prefix() + "-bastion" }

// security is the audit trail, the account baseline, patching and the parameters other
// teams read (SEC-4 … SEC-7, OBS-4).
func (b *builder) security(net *network.Output, k *keys, c *clusters, d *data, e *edge, o *observability.Output) {
	if !b.ok() {
		return
	}
	env := b.env
	archive := d.buckets.Buckets[buckets.Audit]
	trailCfg := audit.Config{
		Name: env.Prefix() + "-trail", Region: env.Region, AccountID: k.accountID,
		BucketName: archive.Name, BucketArn: archive.Arn, BucketReady: archive.Policy,
		KeyArn: k.cloudTrail.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.AuditLogRetentionDays,
		DataEventBucketArns: []*string{d.buckets.Buckets[buckets.Documents].Arn},
	}
	// SEC-5: the trail writes into the 7-year object-locked audit archive.
	b.fail(d.buckets.AllowInPolicy(buckets.Audit, trailCfg.BucketStatements()...))
	trail, err := audit.New(b.stack, "trail", trailCfg)
	if err != nil {
		b.fail(err)
		return
	}
	if env.Security.OwnsAccountBaseline {
		_, err := baseline.New(b.stack, "account-baseline", baseline.Config{
			Name: env.Prefix(), Region: env.Region, AccountID: k.accountID,
			DataKeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, AuditBucketName: archive.Name, AuditBucketArn: archive.Arn,
			CostAllocationTags: costAllocationTags, AnomalyTopicArn: o.TopicArn, AnomalyAlertUSD: float64(env.Cost.AnomalyAlertUSD),
		})
		b.fail(err)
	}
	_, err = patching.New(b.stack, "patching", patching.Config{Name: env.Prefix() + "-bastion-patching", PatchGroup: bastionPatchGroup(env)})
	b.fail(err)

	// SEC-4: what the applications and other teams look up, by stable names.
	values := map[string]*string{
		"network/vpc-id":                 net.VpcID,
		"network/private-subnet-ids":     jsii.String(strings.Join(derefs(net.PrivateSubnetIDs), ",")),
		"eks/app-cluster-name":           c.app.Name,
		"eks/data-cluster-name":          c.data.Name,
		"eks/app-cluster-oidc-provider":  c.app.OIDC.ProviderArn,
		"eks/data-cluster-oidc-provider": c.data.OIDC.ProviderArn,
		"database/endpoint":              d.database.Endpoint,
		"database/master-secret-arn":     d.database.MasterSecretArn,
		"cache/replication-group-id":     d.cache.ReplicationGroupID,
		"queues/events-url":              d.queues.Events.URL,
		"queues/events-fifo-url":         d.queues.FifoEvents.URL,
		"efs/file-system-id":             d.files.FileSystemID,
		"edge/frontend-url":              jsii.String("https://" + env.Edge.Domain),
		"edge/api-url":                   jsii.String("https://api." + env.Edge.Domain),
		"edge/target-group-blue-arn":     e.alb.TargetGroupArns["blue"],
		"edge/target-group-green-arn":    e.alb.TargetGroupArns["green"],
		"observability/alarm-topic-arn":  o.TopicArn,
		"audit/trail-arn":                trail.Arn,
	}
	for _, purpose := range buckets.Purposes {
		values["buckets/"+purpose] = d.buckets.Buckets[purpose].Name
	}
	_, err = parameters.New(b.stack, "parameters", parameters.Config{Path: "/smile5/" + env.Name, Values: values})
	b.fail(err)
	b.output("cloudtrail_arn", trail.Arn)
	b.output("cloudtrail_log_group", trail.LogGroupName)
}

func derefs(list []*string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = *s
	}
	return out
}
