// Package observability is what tells the on-call engineer that something is wrong
// (OBS-2, OBS-3): an encrypted SNS topic with the configured subscriptions, one metric
// alarm per Alarm with alarm and OK actions on it, a dashboard built from the same list,
// and the X-Ray sampling rule.
package observability

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/xraysamplingrule"

	"github.com/smile/infra/constructs/iampolicy"
)

// Metric is one CloudWatch metric.
type Metric struct {
	Namespace, Name string
	Dimensions      map[string]*string
}

// Alarm is one metric alarm. Either Metric, or Metrics whose highest value (MAX) is
// compared: the busiest node of a cluster.
type Alarm struct {
	// ID is unique in the stack, e.g. "database-cpu"; the alarm is <Name>-<ID>.
	ID          string
	Description string
	Metric      *Metric
	Metrics     []Metric
	// Combine is how Metrics become one series: MAX (the busiest node, the default) or SUM.
	Combine string
	// Statistic is Average, Sum, Maximum, Minimum or a percentile such as p95.
	Statistic string
	// Comparison: GreaterThanOrEqualToThreshold, LessThanThreshold, ...
	Comparison        string
	Threshold         float64
	PeriodSeconds     int
	EvaluationPeriods int
	// TreatMissingData: notBreaching (quiet when nothing happens) or breaching (silence is
	// the problem, e.g. no nodes reporting).
	TreatMissingData string
}

// Config is the alarms of one environment.
type Config struct {
	Name        string
	Region      string
	AccountID   *string
	TopicKeyArn *string
	// ServicePublishers are further service principals that may publish to the topic on
	// behalf of this account, e.g. the cost alerts of AWS Budgets and Cost Anomaly
	// Detection (COST-2).
	ServicePublishers []string
	Emails            []string
	Alarms            []Alarm
	SamplingRate      float64
}

// Output is the topic and the alarms by ID.
type Output struct {
	TopicArn  *string
	AlarmArns map[string]*string
	Dashboard string
}

// New builds the topic, the alarms, the dashboard and the sampling rule.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.TopicKeyArn == nil || len(cfg.Alarms) == 0 {
		return nil, fmt.Errorf("observability %s: Name, Region, AccountID, TopicKeyArn and alarms are required", id)
	}
	seen := map[string]bool{}
	for _, a := range cfg.Alarms {
		if a.ID == "" || seen[a.ID] || (a.Metric == nil) == (len(a.Metrics) == 0) || a.Statistic == "" || a.Comparison == "" ||
			a.PeriodSeconds <= 0 || a.EvaluationPeriods <= 0 || a.TreatMissingData == "" {
			return nil, fmt.Errorf("observability %s: alarm %q needs a unique ID, one of Metric or Metrics, a statistic, comparison, period, evaluation periods and missing-data rule", id, a.ID)
		}
		if len(a.Metrics) > 10 {
			return nil, fmt.Errorf("observability %s: alarm %q has %d metrics; an alarm's math takes at most 10", id, a.ID, len(a.Metrics))
		}
		seen[a.ID] = true
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	topic := snstopic.NewSnsTopic(c, jsii.String("topic"), &snstopic.SnsTopicConfig{
		Name: jsii.String(cfg.Name + "-alarms"), KmsMasterKeyId: cfg.TopicKeyArn,
	})
	alarmsOfThisAccount := fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", cfg.Region, *cfg.AccountID)
	topicArn := topic.Arn()
	statements := []iampolicy.Statement{{
		Sid:        "AlarmsOfThisAccountPublish",
		Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String("cloudwatch.amazonaws.com")}}},
		Actions:    []string{"sns:Publish"},
		Resources:  []*string{topicArn},
		Conditions: []iampolicy.Condition{{Test: "ArnLike", Variable: "aws:SourceArn", Values: []*string{jsii.String(alarmsOfThisAccount)}}},
	}}
	if len(cfg.ServicePublishers) > 0 {
		statements = append(statements, iampolicy.Statement{
			Sid:        "ServicesOfThisAccountPublish",
			Principals: []iampolicy.Principal{{Type: "Service", Identifiers: *jsii.Strings(cfg.ServicePublishers...)}},
			Actions:    []string{"sns:Publish"},
			Resources:  []*string{topicArn},
			Conditions: []iampolicy.Condition{{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{cfg.AccountID}}},
		})
	}
	statements = append(statements, iampolicy.DenyInsecureTransport([]string{"sns:Publish"}, topicArn))
	snstopicpolicy.NewSnsTopicPolicy(c, jsii.String("topic-policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Arn: topicArn, Policy: iampolicy.Document(c, "topic-policy-document", statements...),
	})
	for i, email := range cfg.Emails {
		snstopicsubscription.NewSnsTopicSubscription(c, jsii.String(fmt.Sprintf("email-%d", i)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: topicArn, Protocol: jsii.String("email"), Endpoint: jsii.String(email),
		})
	}

	out := &Output{TopicArn: topicArn, AlarmArns: map[string]*string{}}
	actions := &[]*string{topicArn}
	var widgets []map[string]any
	for i, a := range cfg.Alarms {
		name := cfg.Name + "-" + a.ID
		ac := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          jsii.String(name),
			AlarmDescription:   jsii.String(a.Description),
			ComparisonOperator: jsii.String(a.Comparison),
			Threshold:          jsii.Number(a.Threshold),
			EvaluationPeriods:  jsii.Number(float64(a.EvaluationPeriods)),
			TreatMissingData:   jsii.String(a.TreatMissingData),
			AlarmActions:       actions,
			OkActions:          actions,
		}
		if a.Metric != nil {
			ac.Namespace, ac.MetricName, ac.Dimensions = jsii.String(a.Metric.Namespace), jsii.String(a.Metric.Name), &a.Metric.Dimensions
			ac.Period = jsii.Number(float64(a.PeriodSeconds))
			if a.Statistic[0] == 'p' {
				ac.ExtendedStatistic = jsii.String(a.Statistic)
			} else {
				ac.Statistic = jsii.String(a.Statistic)
			}
		} else {
			var queries []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery
			var ids []string
			for j, m := range a.Metrics {
				dims := m.Dimensions
				mid := fmt.Sprintf("m%d", j)
				ids = append(ids, mid)
				queries = append(queries, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
					Id: jsii.String(mid), ReturnData: jsii.Bool(false),
					Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
						Namespace: jsii.String(m.Namespace), MetricName: jsii.String(m.Name), Dimensions: &dims,
						Period: jsii.Number(float64(a.PeriodSeconds)), Stat: jsii.String(a.Statistic),
					},
				})
			}
			queries = append(queries, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
				Id: jsii.String("busiest"), Label: jsii.String(a.Description), ReturnData: jsii.Bool(true),
				Expression: jsii.String(fmt.Sprintf("%s([%s])", combine(a.Combine), strings.Join(ids, ", "))),
			})
			ac.MetricQuery = queries
		}
		alarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, jsii.String(a.ID), ac)
		out.AlarmArns[a.ID] = alarm.Arn()
		// One widget per alarm: its metric, threshold and state, as the alarm sees them.
		widgets = append(widgets, map[string]any{
			"type": "metric", "width": 8, "height": 6, "x": (i % 3) * 8, "y": (i / 3) * 6,
			"properties": map[string]any{
				"title": a.Description, "region": cfg.Region, "view": "timeSeries",
				"annotations": map[string]any{"alarms": []string{*out.AlarmArns[a.ID]}},
			},
		})
	}
	body, err := json.Marshal(map[string]any{"widgets": widgets})
	if err != nil {
		return nil, err
	}
	cloudwatchdashboard.NewCloudwatchDashboard(c, jsii.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: jsii.String(cfg.Name), DashboardBody: jsii.String(string(body)),
	})
	out.Dashboard = cfg.Name

	// OBS-3: the first request each second, then SamplingRate of the rest.
	xraysamplingrule.NewXraySamplingRule(c, jsii.String("sampling"), &xraysamplingrule.XraySamplingRuleConfig{
		RuleName: jsii.String(cfg.Name), Priority: jsii.Number(1000), Version: jsii.Number(1),
		FixedRate: jsii.Number(cfg.SamplingRate), ReservoirSize: jsii.Number(1),
		ServiceName: jsii.String("*"), ServiceType: jsii.String("*"), Host: jsii.String("*"),
		HttpMethod: jsii.String("*"), UrlPath: jsii.String("*"), ResourceArn: jsii.String("*"),
	})
	return out, nil
}

func combine(c string) string {
	if c == "" {
		return "MAX"
	}
	return c
}
