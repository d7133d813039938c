package stacks

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/loadbalancer"
	"github.com/smile/infra/constructs/observability"
	"github.com/smile/infra/constructs/queues"
)

// Comparisons and missing-data rules of the alarms.
const (
	above        = "GreaterThanOrEqualToThreshold"
	below        = "LessThanThreshold"
	quiet        = "notBreaching"
	silenceIsBad = "breaching"
	fiveMinutes  = 300
)

// observability is the alarm topic, the alarms on every tier, the dashboard built from
// them, and trace sampling (OBS-2, OBS-3).
func (b *builder) observability(k *keys, c *clusters, d *data, e *edge) *observability.Output {
	if !b.ok() {
		return nil
	}
	env := b.env
	t := env.Observability.Alarms
	dims := func(kv ...any) map[string]*string {
		m := map[string]*string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(*string)
		}
		return m
	}
	metric := func(namespace, name string, kv ...any) *observability.Metric {
		return &observability.Metric{Namespace: namespace, Name: name, Dimensions: dims(kv...)}
	}
	alarm := func(id, description string, m *observability.Metric, statistic, comparison string, threshold float64, periods int, missing string) observability.Alarm {
		return observability.Alarm{ID: id, Description: description, Metric: m, Statistic: statistic, Comparison: comparison,
			Threshold: threshold, PeriodSeconds: fiveMinutes, EvaluationPeriods: periods, TreatMissingData: missing}
	}

	db := d.database.Identifier
	alarms := []observability.Alarm{
		alarm("database-cpu", fmt.Sprintf("RDS CPU at or above %g%%", t.DatabaseCPUPercent),
			metric("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", db), "Average", above, t.DatabaseCPUPercent, 3, quiet),
		alarm("database-free-storage", fmt.Sprintf("RDS free storage below %g GiB", t.DatabaseFreeStorageGiB),
			metric("AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", db), "Minimum", below, t.DatabaseFreeStorageGiB*(1<<30), 1, quiet),
		alarm("database-connections", fmt.Sprintf("RDS connections at or above %g", t.DatabaseConnections),
			metric("AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", db), "Maximum", above, t.DatabaseConnections, 3, quiet),
	}

	// ElastiCache reports per node: <group>-<shard>-<node>. The alarm watches the busiest.
	var cacheNodes []*string
	for shard := 1; shard <= env.Cache.Shards; shard++ {
		for node := 1; node <= 1+env.Cache.ReplicasPerShard; node++ {
			cacheNodes = append(cacheNodes, jsii.String(fmt.Sprintf("%s-%04d-%03d", *d.cache.ReplicationGroupID, shard, node)))
		}
	}
	for _, m := range []struct {
		id, name, what string
		threshold      float64
	}{
		{"cache-cpu", "CPUUtilization", "CPU", t.CacheCPUPercent},
		{"cache-engine-cpu", "EngineCPUUtilization", "engine CPU", t.CacheEngineCPUPercent},
		{"cache-memory", "DatabaseMemoryUsagePercentage", "memory", t.CacheMemoryPercent},
	} {
		var metrics []observability.Metric
		for _, node := range cacheNodes {
			metrics = append(metrics, *metric("AWS/ElastiCache", m.name, "CacheClusterId", node))
		}
		alarms = append(alarms, observability.Alarm{
			ID: m.id, Description: fmt.Sprintf("Redis %s at or above %g%% on the busiest node", m.what, m.threshold),
			Metrics: metrics, Statistic: "Maximum", Comparison: above, Threshold: m.threshold,
			PeriodSeconds: fiveMinutes, EvaluationPeriods: 3, TreatMissingData: quiet,
		})
	}

	for _, q := range []struct {
		id    string
		queue queues.Queue
	}{{"events-dlq", d.queues.EventsDLQ}, {"events-fifo-dlq", d.queues.FifoEventsDLQ}, {"redis-snapshot-dlq", d.snapshots.DeadLetterQueue}} {
		alarms = append(alarms, alarm(q.id+"-depth", fmt.Sprintf("%s holds %g or more messages", q.id, t.DeadLetterMessages),
			metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.queue.Name), "Maximum", above, t.DeadLetterMessages, 1, quiet))
	}
	for _, q := range []struct {
		id    string
		queue queues.Queue
	}{{"events", d.queues.Events}, {"events-fifo", d.queues.FifoEvents}} {
		alarms = append(alarms, alarm(q.id+"-oldest", fmt.Sprintf("%s's oldest message waits %g s or more", q.id, t.QueueOldestMessageSeconds),
			metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.queue.Name), "Maximum", above, t.QueueOldestMessageSeconds, 2, quiet))
	}

	lb := e.alb.ArnSuffix
	alarms = append(alarms, observability.Alarm{
		ID: "alb-5xx", Description: fmt.Sprintf("%g or more 5xx answers in 5 minutes (load balancer and pods)", t.LoadBalancer5xxPer5Min),
		Metrics: []observability.Metric{
			*metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb),
			*metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", lb),
		},
		Combine: "SUM", Statistic: "Sum", Comparison: above, Threshold: t.LoadBalancer5xxPer5Min,
		PeriodSeconds: fiveMinutes, EvaluationPeriods: 1, TreatMissingData: quiet,
	}, alarm("alb-latency-p95", fmt.Sprintf("p95 response time of the pods at or above %g s", t.TargetResponseSecondsP95),
		metric("AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb), "p95", above, t.TargetResponseSecondsP95, 3, quiet))
	for _, colour := range loadbalancer.Colours {
		alarms = append(alarms, alarm("alb-unhealthy-"+colour, fmt.Sprintf("%g or more unhealthy %s targets", t.UnhealthyTargets, colour),
			metric("AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", lb, "TargetGroup", e.alb.TargetGroupArnSuffixes[colour]),
			"Maximum", above, t.UnhealthyTargets, 2, quiet))
	}

	// Container Insights (the CloudWatch agent add-on) counts the nodes that report; fewer
	// than the node groups' minimum, or none at all, is an outage in the making.
	for _, cl := range []struct {
		id      string
		name    *string
		minimum int
	}{{"app", c.app.Name, minimumNodes(env.Compute.Application.ActiveNodeGroups())}, {"data", c.data.Name, minimumNodes(env.Compute.Data.ActiveNodeGroups())}} {
		alarms = append(alarms, alarm("eks-"+cl.id+"-nodes", fmt.Sprintf("fewer than %d nodes report in the %s cluster", cl.minimum, cl.id),
			metric("ContainerInsights", "cluster_node_count", "ClusterName", cl.name), "Minimum", below, float64(cl.minimum), 2, silenceIsBad))
	}

	fn := d.snapshots.FunctionName
	alarms = append(alarms,
		alarm("redis-snapshot-errors", fmt.Sprintf("the Redis snapshot function failed %g or more times", t.FunctionErrors),
			metric("AWS/Lambda", "Errors", "FunctionName", fn), "Sum", above, t.FunctionErrors, 1, quiet),
		alarm("redis-snapshot-throttles", fmt.Sprintf("the Redis snapshot function was throttled %g or more times", t.FunctionThrottles),
			metric("AWS/Lambda", "Throttles", "FunctionName", fn), "Sum", above, t.FunctionThrottles, 1, quiet),
	)

	out, err := observability.New(b.stack, "observability", observability.Config{
		Name: env.Prefix(), Region: env.Region, AccountID: k.accountID, TopicKeyArn: k.sns.Arn,
		ServicePublishers: costAlertServices,
		Emails:            env.Observability.AlarmEmails, Alarms: alarms, SamplingRate: env.Observability.TraceSamplingRate,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	b.output("alarm_topic_arn", out.TopicArn)
	b.output("dashboard", out.Dashboard)
	return out
}

func minimumNodes(groups []config.NodeGroup) int {
	n := 0
	for _, g := range groups {
		n += g.MinSize
	}
	return n
}
