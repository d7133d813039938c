// Package queues builds the SQS queues of the data pipeline (MQ-1, MQ-2): a standard and a
// high-throughput FIFO queue, each with a dead-letter queue, 14-day retention, KMS and a
// policy that refuses anything but TLS.
package queues

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueuepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
)

// Config is the queues of one environment.
type Config struct {
	config.Queues
	// Prefix names the queues, e.g. smile5-dev (ENV-2).
	Prefix     string
	DataKeyArn *string
}

// Queue is one queue's identity.
type Queue struct {
	Name, Arn, URL *string
}

// Output is the four queues.
type Output struct {
	Events, EventsDLQ, FifoEvents, FifoEventsDLQ Queue
}

// New builds the pipeline's queues.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Prefix == "" || cfg.DataKeyArn == nil {
		return nil, fmt.Errorf("queues: Prefix and DataKeyArn are required (MQ-1)")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Output{}
	out.EventsDLQ = NewQueue(c, "events-dlq", QueueConfig{Name: cfg.Prefix + "-events-dlq", Queues: cfg.Queues, KeyArn: cfg.DataKeyArn})
	out.Events = NewQueue(c, "events", QueueConfig{Name: cfg.Prefix + "-events", Queues: cfg.Queues, KeyArn: cfg.DataKeyArn, DeadLetter: &out.EventsDLQ})
	out.FifoEventsDLQ = NewQueue(c, "fifo-events-dlq", QueueConfig{Name: cfg.Prefix + "-events-dlq.fifo", Fifo: true, Queues: cfg.Queues, KeyArn: cfg.DataKeyArn})
	out.FifoEvents = NewQueue(c, "fifo-events", QueueConfig{Name: cfg.Prefix + "-events.fifo", Fifo: true, Queues: cfg.Queues, KeyArn: cfg.DataKeyArn, DeadLetter: &out.FifoEventsDLQ})
	return out, nil
}

// QueueConfig is one encrypted queue.
type QueueConfig struct {
	config.Queues
	Name   string
	Fifo   bool
	KeyArn *string
	// DeadLetter receives a message after MaxReceiveCount failed receives.
	DeadLetter *Queue
}

// NewQueue creates one queue with its TLS-only policy.
func NewQueue(scope constructs.Construct, id string, cfg QueueConfig) Queue {
	q := &sqsqueue.SqsQueueConfig{
		Name:                    jsii.String(cfg.Name),
		MessageRetentionSeconds: jsii.Number(float64(cfg.RetentionDays * 24 * 3600)),
		ReceiveWaitTimeSeconds:  jsii.Number(20),
		// RES-3: the data key; a data key is reused for this long, which keeps KMS calls
		// (and their throttling) far below the message rate.
		KmsMasterKeyId:               cfg.KeyArn,
		KmsDataKeyReusePeriodSeconds: jsii.Number(float64(cfg.KmsDataKeyReuseSeconds)),
	}
	if cfg.Fifo {
		q.FifoQueue = jsii.Bool(true)
		// MQ-2: high-throughput mode: deduplication and the throughput limit apply per
		// message group, so throughput grows with the number of groups.
		q.DeduplicationScope = jsii.String("messageGroup")
		q.FifoThroughputLimit = jsii.String("perMessageGroupId")
	}
	if cfg.DeadLetter != nil {
		q.RedrivePolicy = cdktf.Fn_Jsonencode(map[string]any{
			"deadLetterTargetArn": cfg.DeadLetter.Arn,
			"maxReceiveCount":     cfg.MaxReceiveCount,
		})
	}
	queue := sqsqueue.NewSqsQueue(scope, jsii.String(id), q)
	out := Queue{Name: queue.Name(), Arn: queue.Arn(), URL: queue.Url()}
	sqsqueuepolicy.NewSqsQueuePolicy(scope, jsii.String(id+"-policy"), &sqsqueuepolicy.SqsQueuePolicyConfig{
		QueueUrl: out.URL,
		Policy:   iampolicy.Document(scope, id+"-policy-document", iampolicy.DenyInsecureTransport([]string{"sqs:*"}, out.Arn)),
	})
	return out
}
