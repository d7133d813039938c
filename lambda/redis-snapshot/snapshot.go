// Command redis-snapshot is an AWS Lambda that takes a manual snapshot of an
// ElastiCache (Redis OSS / Valkey) replication group and prunes the manual
// snapshots it made earlier once they are past retention.
//
// Why it exists: ElastiCache takes automatic backups at most once a day, which
// does not meet the recovery point objective in CACHE-3 / CMP-3. EventBridge
// Scheduler invokes this function every 6 hours to close that gap. The daily
// automatic snapshots are left to ElastiCache's own SnapshotRetentionLimit;
// this function only ever deletes snapshots whose name has the exact shape it
// creates (<prefix>-YYYYMMDD-HHMM).
package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

// ElastiCache is the subset of *elasticache.Client that Run uses, so tests can
// substitute a fake.
type ElastiCache interface {
	CreateSnapshot(ctx context.Context, params *elasticache.CreateSnapshotInput, optFns ...func(*elasticache.Options)) (*elasticache.CreateSnapshotOutput, error)
	DescribeSnapshots(ctx context.Context, params *elasticache.DescribeSnapshotsInput, optFns ...func(*elasticache.Options)) (*elasticache.DescribeSnapshotsOutput, error)
	DeleteSnapshot(ctx context.Context, params *elasticache.DeleteSnapshotInput, optFns ...func(*elasticache.Options)) (*elasticache.DeleteSnapshotOutput, error)
}

var _ ElastiCache = (*elasticache.Client)(nil)

// Config says which replication group to snapshot and how long to keep the
// snapshots this function creates.
type Config struct {
	// ReplicationGroupID is the ElastiCache replication group to snapshot.
	ReplicationGroupID string
	// SnapshotPrefix names this function's snapshots: <prefix>-YYYYMMDD-HHMM.
	// Only snapshots with exactly that shape are ever deleted. ElastiCache
	// stores snapshot names in lower case, so the prefix is lower-cased too.
	SnapshotPrefix string
	// Retention is how long a snapshot is kept after it was taken.
	Retention time.Duration
}

// Environment variables read by ConfigFromEnv.
const (
	EnvReplicationGroupID = "REPLICATION_GROUP_ID"
	EnvSnapshotPrefix     = "SNAPSHOT_PREFIX"
	EnvRetentionHours     = "RETENTION_HOURS"
)

// nameTimeLayout is the UTC timestamp suffix of snapshot names. Minute
// precision keeps names short; runs are hours apart.
const nameTimeLayout = "20060102-1504"

// maxRetentionHours keeps Retention from overflowing time.Duration.
const maxRetentionHours = math.MaxInt64 / int64(time.Hour)

// ConfigFromEnv reads REPLICATION_GROUP_ID, SNAPSHOT_PREFIX and
// RETENTION_HOURS (a positive whole number of hours). It reports every missing
// or invalid variable in one error, so a misconfigured deployment is fixed in
// one go.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var problems []string
	cfg := Config{
		ReplicationGroupID: strings.TrimSpace(getenv(EnvReplicationGroupID)),
		SnapshotPrefix:     strings.TrimSpace(getenv(EnvSnapshotPrefix)),
	}
	if cfg.ReplicationGroupID == "" {
		problems = append(problems, EnvReplicationGroupID+" is not set")
	}
	if cfg.SnapshotPrefix == "" {
		problems = append(problems, EnvSnapshotPrefix+" is not set")
	}
	switch raw := strings.TrimSpace(getenv(EnvRetentionHours)); {
	case raw == "":
		problems = append(problems, EnvRetentionHours+" is not set")
	default:
		h, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || h <= 0 || h > maxRetentionHours {
			problems = append(problems, fmt.Sprintf("%s=%q is not a positive whole number of hours", EnvRetentionHours, raw))
			break
		}
		cfg.Retention = time.Duration(h) * time.Hour
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("redis-snapshot configuration: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}

// validate guards Run against a zero or partial Config: a zero Retention would
// otherwise delete every earlier snapshot.
func (c Config) validate() error {
	var problems []string
	if c.ReplicationGroupID == "" {
		problems = append(problems, "ReplicationGroupID is empty")
	}
	if c.SnapshotPrefix == "" {
		problems = append(problems, "SnapshotPrefix is empty")
	}
	if c.Retention <= 0 {
		problems = append(problems, fmt.Sprintf("Retention %s is not positive", c.Retention))
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid redis-snapshot config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Result is what one Run did.
type Result struct {
	// Created is the name of the snapshot requested in this run.
	Created string `json:"created"`
	// Deleted lists the expired snapshots that were deleted, in the order
	// they were deleted.
	Deleted []string `json:"deleted"`
}

// Run snapshots cfg.ReplicationGroupID as <prefix>-<now in UTC, YYYYMMDD-HHMM>
// and then deletes this function's earlier snapshots of the group that were
// taken before now-cfg.Retention.
//
// If the snapshot cannot be created, Run returns without pruning, so a failing
// backup never shrinks the set of backups that exist. A failed delete does not
// stop the other deletes; all delete failures are returned together.
//
// A snapshot's age is taken from the earliest NodeSnapshots[].SnapshotCreateTime,
// or, when ElastiCache reports none, from the timestamp in its name. The
// snapshot created in this run is never deleted, and neither is anything in
// the "deleting" state.
func Run(ctx context.Context, api ElastiCache, cfg Config, now time.Time) (Result, error) {
	if err := cfg.validate(); err != nil {
		return Result{}, err
	}
	prefix := strings.ToLower(cfg.SnapshotPrefix) + "-"
	name := prefix + now.UTC().Format(nameTimeLayout)
	res := Result{Created: name, Deleted: []string{}}

	if _, err := api.CreateSnapshot(ctx, &elasticache.CreateSnapshotInput{
		SnapshotName:       aws.String(name),
		ReplicationGroupId: aws.String(cfg.ReplicationGroupID),
	}); err != nil {
		return Result{}, fmt.Errorf("CreateSnapshot %q of replication group %q: %w", name, cfg.ReplicationGroupID, err)
	}

	expired, err := listExpired(ctx, api, cfg, prefix, name, now.Add(-cfg.Retention))
	if err != nil {
		return res, err
	}

	var errs []error
	for _, old := range expired {
		if _, err := api.DeleteSnapshot(ctx, &elasticache.DeleteSnapshotInput{SnapshotName: aws.String(old)}); err != nil {
			errs = append(errs, fmt.Errorf("DeleteSnapshot %q of replication group %q: %w", old, cfg.ReplicationGroupID, err))
			continue
		}
		res.Deleted = append(res.Deleted, old)
	}
	return res, errors.Join(errs...)
}

// listExpired lists every page before anything is deleted, so deletes cannot
// disturb the pagination marker.
func listExpired(ctx context.Context, api ElastiCache, cfg Config, prefix, justCreated string, cutoff time.Time) ([]string, error) {
	var expired []string
	var marker *string
	seen := map[string]bool{}
	for page := 1; ; page++ {
		out, err := api.DescribeSnapshots(ctx, &elasticache.DescribeSnapshotsInput{
			ReplicationGroupId: aws.String(cfg.ReplicationGroupID),
			// The request filter values are "user" (manual) and "system"
			// (automatic); the response field says "manual"/"automated".
			SnapshotSource: aws.String("user"),
			MaxRecords:     aws.Int32(100),
			Marker:         marker,
		})
		if err != nil {
			return nil, fmt.Errorf("DescribeSnapshots of replication group %q (page %d): %w", cfg.ReplicationGroupID, page, err)
		}
		for _, s := range out.Snapshots {
			n := aws.ToString(s.SnapshotName)
			if n == justCreated || !owned(s, cfg, prefix) {
				continue
			}
			taken, ok := takenAt(s, prefix)
			if ok && taken.Before(cutoff) {
				expired = append(expired, n)
			}
		}
		next := aws.ToString(out.Marker)
		if next == "" {
			return expired, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("DescribeSnapshots of replication group %q (page %d): marker %q repeated", cfg.ReplicationGroupID, page, next)
		}
		seen[next] = true
		marker = aws.String(next)
	}
}

// owned reports whether s is one of this function's snapshots of the group.
// The request already filters on group and source; these checks are repeated
// so an ignored filter can never lead to deleting someone else's snapshot.
func owned(s types.Snapshot, cfg Config, prefix string) bool {
	if src := aws.ToString(s.SnapshotSource); src != "" && src != "manual" {
		return false
	}
	if g := aws.ToString(s.ReplicationGroupId); g != "" && g != cfg.ReplicationGroupID {
		return false
	}
	if aws.ToString(s.SnapshotStatus) == "deleting" {
		return false
	}
	_, ok := nameTime(aws.ToString(s.SnapshotName), prefix)
	return ok
}

// nameTime parses the timestamp out of a <prefix>-YYYYMMDD-HHMM name. It is
// false for any other name, which is how other snapshots are left alone.
func nameTime(name, prefix string) (time.Time, bool) {
	suffix, ok := strings.CutPrefix(name, prefix)
	if !ok || len(suffix) != len(nameTimeLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(nameTimeLayout, suffix)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// takenAt is the earliest node snapshot time, falling back to the name.
func takenAt(s types.Snapshot, prefix string) (time.Time, bool) {
	var earliest time.Time
	for _, ns := range s.NodeSnapshots {
		if ns.SnapshotCreateTime != nil && (earliest.IsZero() || ns.SnapshotCreateTime.Before(earliest)) {
			earliest = *ns.SnapshotCreateTime
		}
	}
	if !earliest.IsZero() {
		return earliest, true
	}
	return nameTime(aws.ToString(s.SnapshotName), prefix)
}
