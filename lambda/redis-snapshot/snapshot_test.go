// Tests for the redis-snapshot Lambda.
//
// Most tests use fakeElastiCache below. TestAgainstMoto additionally runs Run
// against moto_server (moto 5.2.1), which implements CreateReplicationGroup,
// CreateSnapshot, DescribeSnapshots and DeleteSnapshot. What moto lacks,
// relative to ElastiCache:
//   - DescribeSnapshots does not paginate: MaxRecords is ignored, all matches
//     come back in one page, and the request Marker is echoed back unchanged.
//   - Snapshots carry no NodeSnapshots, so there is no SnapshotCreateTime; Run
//     falls back to the timestamp in the snapshot name (which is what makes a
//     "future" now usable in that test).
//   - Snapshots are "available" at once and are never created automatically.
//   - SnapshotSource filtering is honoured ("user"/"manual", "system"/"automated").
package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/smile/infra/internal/moto"
)

const group = "cache-rg"

var (
	now = time.Date(2025, 3, 14, 9, 30, 45, 0, time.UTC)
	cfg = Config{ReplicationGroupID: group, SnapshotPrefix: "redis-6h", Retention: 48 * time.Hour}
)

// fakeElastiCache keeps snapshots in order and behaves like ElastiCache for
// the three calls Run uses.
type fakeElastiCache struct {
	snaps      []types.Snapshot
	pageSize   int              // 0: everything in one page
	ignoreFilt bool             // simulate an API that ignores the request filters
	createdAt  time.Time        // node snapshot time given to created snapshots
	createErr  error            // returned by CreateSnapshot
	listErr    error            // returned by DescribeSnapshots
	fixedMark  string           // if set, always returned as the next marker
	deleteErr  map[string]error // per snapshot name

	ops       []string // "create NAME", "describe MARKER", "delete NAME"
	describes []elasticache.DescribeSnapshotsInput
}

func (f *fakeElastiCache) CreateSnapshot(_ context.Context, in *elasticache.CreateSnapshotInput, _ ...func(*elasticache.Options)) (*elasticache.CreateSnapshotOutput, error) {
	f.ops = append(f.ops, "create "+aws.ToString(in.SnapshotName))
	if f.createErr != nil {
		return nil, f.createErr
	}
	if in.CacheClusterId != nil {
		return nil, errors.New("fake: unexpected CacheClusterId")
	}
	s := snap(aws.ToString(in.SnapshotName), "manual")
	s.ReplicationGroupId = in.ReplicationGroupId
	s.SnapshotStatus = aws.String("creating")
	if !f.createdAt.IsZero() {
		s.NodeSnapshots = []types.NodeSnapshot{{SnapshotCreateTime: aws.Time(f.createdAt)}}
	}
	f.snaps = append(f.snaps, s)
	return &elasticache.CreateSnapshotOutput{Snapshot: &s}, nil
}

func (f *fakeElastiCache) DescribeSnapshots(_ context.Context, in *elasticache.DescribeSnapshotsInput, _ ...func(*elasticache.Options)) (*elasticache.DescribeSnapshotsOutput, error) {
	f.ops = append(f.ops, "describe "+aws.ToString(in.Marker))
	f.describes = append(f.describes, *in)
	if f.listErr != nil {
		return nil, f.listErr
	}
	want := map[string]string{"": "", "user": "manual", "system": "automated"}
	src, ok := want[aws.ToString(in.SnapshotSource)]
	if !ok {
		return nil, fmt.Errorf("fake: invalid SnapshotSource %q", aws.ToString(in.SnapshotSource))
	}
	var match []types.Snapshot
	for _, s := range f.snaps {
		if !f.ignoreFilt && (aws.ToString(s.ReplicationGroupId) != aws.ToString(in.ReplicationGroupId) ||
			(src != "" && aws.ToString(s.SnapshotSource) != src)) {
			continue
		}
		match = append(match, s)
	}
	start := 0
	if in.Marker != nil {
		var err error
		if start, err = strconv.Atoi(*in.Marker); err != nil {
			return nil, fmt.Errorf("fake: bad marker %q", *in.Marker)
		}
	}
	end := len(match)
	if f.pageSize > 0 {
		end = min(start+f.pageSize, len(match))
	}
	out := &elasticache.DescribeSnapshotsOutput{Snapshots: match[start:end]}
	if end < len(match) {
		out.Marker = aws.String(strconv.Itoa(end))
	}
	if f.fixedMark != "" {
		out.Marker = aws.String(f.fixedMark)
	}
	return out, nil
}

func (f *fakeElastiCache) DeleteSnapshot(_ context.Context, in *elasticache.DeleteSnapshotInput, _ ...func(*elasticache.Options)) (*elasticache.DeleteSnapshotOutput, error) {
	name := aws.ToString(in.SnapshotName)
	f.ops = append(f.ops, "delete "+name)
	if err := f.deleteErr[name]; err != nil {
		return nil, err
	}
	i := slices.IndexFunc(f.snaps, func(s types.Snapshot) bool { return aws.ToString(s.SnapshotName) == name })
	if i < 0 {
		return nil, fmt.Errorf("fake: SnapshotNotFoundFault: %s", name)
	}
	s := f.snaps[i]
	f.snaps = slices.Delete(f.snaps, i, i+1)
	return &elasticache.DeleteSnapshotOutput{Snapshot: &s}, nil
}

func (f *fakeElastiCache) names() []string {
	var n []string
	for _, s := range f.snaps {
		n = append(n, aws.ToString(s.SnapshotName))
	}
	return n
}

func (f *fakeElastiCache) deleted() []string {
	var d []string
	for _, op := range f.ops {
		if name, ok := strings.CutPrefix(op, "delete "); ok {
			d = append(d, name)
		}
	}
	return d
}

// snap is a snapshot of group with the given name and source.
func snap(name, source string) types.Snapshot {
	return types.Snapshot{
		SnapshotName:       aws.String(name),
		SnapshotSource:     aws.String(source),
		SnapshotStatus:     aws.String("available"),
		ReplicationGroupId: aws.String(group),
	}
}

// at gives s one node snapshot per time.
func at(s types.Snapshot, times ...time.Time) types.Snapshot {
	for _, t := range times {
		s.NodeSnapshots = append(s.NodeSnapshots, types.NodeSnapshot{SnapshotCreateTime: aws.Time(t)})
	}
	return s
}

func ago(d time.Duration) time.Time { return now.Add(-d) }

func TestRunCreatesSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name, prefix, want string
		now                time.Time
	}{
		{"utc minute", "redis-6h", "redis-6h-20250314-0930", now},
		{"non-UTC now is converted", "redis-6h", "redis-6h-20250314-0930", now.In(time.FixedZone("WIB", 7*3600))},
		{"prefix lower-cased like ElastiCache stores it", "Redis-6H", "redis-6h-20250314-0930", now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeElastiCache{}
			c := cfg
			c.SnapshotPrefix = tc.prefix
			res, err := Run(t.Context(), f, c, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != tc.want {
				t.Errorf("Created = %q, want %q", res.Created, tc.want)
			}
			if got := f.names(); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("snapshots = %q, want just %q", got, tc.want)
			}
			if len(f.describes) != 1 {
				t.Fatalf("DescribeSnapshots called %d times, want 1", len(f.describes))
			}
			d := f.describes[0]
			if aws.ToString(d.ReplicationGroupId) != group || aws.ToString(d.SnapshotSource) != "user" {
				t.Errorf("DescribeSnapshots filter = group %q source %q, want %q and \"user\"",
					aws.ToString(d.ReplicationGroupId), aws.ToString(d.SnapshotSource), group)
			}
			if res.Deleted == nil || len(res.Deleted) != 0 {
				t.Errorf("Deleted = %#v, want empty non-nil slice (logs as [])", res.Deleted)
			}
		})
	}
}

func TestRunPrunes(t *testing.T) {
	const keep = "redis-6h-20250314-0000" // 9.5h old by name
	for _, tc := range []struct {
		name       string
		snaps      []types.Snapshot
		ignoreFilt bool
		createdAt  time.Time
		want       []string // deleted, in order
	}{
		{
			name: "older than retention deleted, newer kept",
			snaps: []types.Snapshot{
				at(snap("redis-6h-20250310-0000", "manual"), ago(100*time.Hour)),
				at(snap(keep, "manual"), ago(10*time.Hour)),
				at(snap("redis-6h-20250311-0000", "manual"), ago(49*time.Hour)),
			},
			want: []string{"redis-6h-20250310-0000", "redis-6h-20250311-0000"},
		},
		{
			name: "exactly at retention is kept",
			snaps: []types.Snapshot{
				at(snap("redis-6h-20250312-0930", "manual"), ago(48*time.Hour)),
				at(snap("redis-6h-20250312-0929", "manual"), ago(48*time.Hour+time.Second)),
			},
			want: []string{"redis-6h-20250312-0929"},
		},
		{
			name: "earliest node snapshot time decides, not the name",
			snaps: []types.Snapshot{
				// Name says recent, but one node snapshot is old.
				at(snap("redis-6h-20250314-0600", "manual"), ago(time.Hour), ago(60*time.Hour)),
				// Name says old, but the nodes say recent.
				at(snap("redis-6h-20250101-0000", "manual"), ago(2*time.Hour), ago(3*time.Hour)),
			},
			want: []string{"redis-6h-20250314-0600"},
		},
		{
			name: "no node snapshot time: age from the name",
			snaps: []types.Snapshot{
				snap("redis-6h-20250312-0929", "manual"), // 48h01m45s
				snap("redis-6h-20250312-0931", "manual"), // 47h59m45s
				func() types.Snapshot { // node entry without a time
					s := snap("redis-6h-20250101-0000", "manual")
					s.NodeSnapshots = []types.NodeSnapshot{{}}
					return s
				}(),
			},
			want: []string{"redis-6h-20250312-0929", "redis-6h-20250101-0000"},
		},
		{
			name: "other prefixes and names are never touched",
			snaps: []types.Snapshot{
				at(snap("other-20240101-0000", "manual"), ago(1000*time.Hour)),
				at(snap("redis-6h-prod-20240101-0000", "manual"), ago(1000*time.Hour)),
				at(snap("redis-6h-20240101-0000-copy", "manual"), ago(1000*time.Hour)),
				at(snap("redis-6h-before-upgrade", "manual"), ago(1000*time.Hour)),
				at(snap("redis-6h20240101-0000", "manual"), ago(1000*time.Hour)),
				at(snap("redis-6h-20240101-0000", "manual"), ago(1000*time.Hour)),
			},
			want: []string{"redis-6h-20240101-0000"},
		},
		{
			name:       "automatic snapshots, other groups and deleting ones are skipped even if the API ignores filters",
			ignoreFilt: true,
			snaps: []types.Snapshot{
				at(snap("automatic.cache-rg-2024-01-01-00-00", "automated"), ago(1000*time.Hour)),
				at(snap("redis-6h-20240101-0100", "automated"), ago(1000*time.Hour)),
				func() types.Snapshot {
					s := at(snap("redis-6h-20240101-0200", "manual"), ago(1000*time.Hour))
					s.ReplicationGroupId = aws.String("another-rg")
					return s
				}(),
				func() types.Snapshot {
					s := at(snap("redis-6h-20240101-0300", "manual"), ago(1000*time.Hour))
					s.SnapshotStatus = aws.String("deleting")
					return s
				}(),
				at(snap("redis-6h-20240101-0400", "manual"), ago(1000*time.Hour)),
			},
			want: []string{"redis-6h-20240101-0400"},
		},
		{
			name:      "the snapshot just created is never deleted",
			createdAt: ago(1000 * time.Hour), // e.g. a clock gone wrong
			snaps:     []types.Snapshot{at(snap("redis-6h-20240101-0000", "manual"), ago(1000*time.Hour))},
			want:      []string{"redis-6h-20240101-0000"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeElastiCache{snaps: slices.Clone(tc.snaps), ignoreFilt: tc.ignoreFilt, createdAt: tc.createdAt}
			res, err := Run(t.Context(), f, cfg, now)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Deleted, tc.want) {
				t.Errorf("Result.Deleted = %q, want %q", res.Deleted, tc.want)
			}
			if got := f.deleted(); !slices.Equal(got, tc.want) {
				t.Errorf("DeleteSnapshot calls = %q, want %q", got, tc.want)
			}
			if !slices.Contains(f.names(), res.Created) {
				t.Errorf("created snapshot %q is gone; left: %q", res.Created, f.names())
			}
		})
	}
}

func TestRunPaginates(t *testing.T) {
	f := &fakeElastiCache{pageSize: 2}
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("redis-6h-2025010%d-0000", i+1)
		f.snaps = append(f.snaps, at(snap(name, "manual"), ago(time.Duration(100+i)*time.Hour)))
		want = append(want, name)
	}
	f.snaps = append(f.snaps, at(snap("redis-6h-20250314-0300", "manual"), ago(6*time.Hour)))

	res, err := Run(t.Context(), f, cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, want) {
		t.Errorf("Deleted = %q, want %q", res.Deleted, want)
	}
	// 7 snapshots (6 + the new one) in pages of 2; every page is read before
	// the first delete so deletes cannot shift the marker.
	wantOps := []string{"create redis-6h-20250314-0930", "describe ", "describe 2", "describe 4", "describe 6"}
	for _, n := range want {
		wantOps = append(wantOps, "delete "+n)
	}
	if !slices.Equal(f.ops, wantOps) {
		t.Errorf("calls:\n got %q\nwant %q", f.ops, wantOps)
	}
	for i, d := range f.describes {
		if aws.ToString(d.ReplicationGroupId) != group || aws.ToString(d.SnapshotSource) != "user" {
			t.Errorf("page %d lost its filters: %+v", i+1, d)
		}
	}
}

func TestRunErrors(t *testing.T) {
	boom := errors.New("boom")
	old := func() []types.Snapshot {
		return []types.Snapshot{
			at(snap("redis-6h-20250101-0000", "manual"), ago(1000*time.Hour)),
			at(snap("redis-6h-20250102-0000", "manual"), ago(900*time.Hour)),
			at(snap("redis-6h-20250103-0000", "manual"), ago(800*time.Hour)),
		}
	}
	for _, tc := range []struct {
		name        string
		f           *fakeElastiCache
		cfg         Config
		wantErr     []string // substrings
		wantDeleted []string
		wantOps     int // number of API calls
	}{
		{
			name: "failed delete is reported, the others still happen",
			f: &fakeElastiCache{snaps: old(), deleteErr: map[string]error{
				"redis-6h-20250102-0000": boom,
			}},
			cfg:         cfg,
			wantErr:     []string{"DeleteSnapshot", `"redis-6h-20250102-0000"`, group, "boom"},
			wantDeleted: []string{"redis-6h-20250101-0000", "redis-6h-20250103-0000"},
			wantOps:     5,
		},
		{
			name: "every failed delete is reported",
			f: &fakeElastiCache{snaps: old(), deleteErr: map[string]error{
				"redis-6h-20250101-0000": boom,
				"redis-6h-20250103-0000": boom,
			}},
			cfg:         cfg,
			wantErr:     []string{`"redis-6h-20250101-0000"`, `"redis-6h-20250103-0000"`},
			wantDeleted: []string{"redis-6h-20250102-0000"},
			wantOps:     5,
		},
		{
			name:    "failed create stops before pruning",
			f:       &fakeElastiCache{snaps: old(), createErr: boom},
			cfg:     cfg,
			wantErr: []string{"CreateSnapshot", `"redis-6h-20250314-0930"`, group, "boom"},
			wantOps: 1,
		},
		{
			name:    "failed list deletes nothing",
			f:       &fakeElastiCache{snaps: old(), listErr: boom},
			cfg:     cfg,
			wantErr: []string{"DescribeSnapshots", group, "page 1", "boom"},
			wantOps: 2,
		},
		{
			name:    "repeating marker is caught, not looped on",
			f:       &fakeElastiCache{snaps: old(), fixedMark: "1"},
			cfg:     cfg,
			wantErr: []string{"marker", "repeated"},
			wantOps: 3,
		},
		{
			name:    "zero config is refused before any call",
			f:       &fakeElastiCache{snaps: old()},
			cfg:     Config{},
			wantErr: []string{"ReplicationGroupID", "SnapshotPrefix", "Retention"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(t.Context(), tc.f, tc.cfg, now)
			if err == nil {
				t.Fatalf("Run succeeded, want error; result %+v", res)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if tc.f.deleteErr != nil || tc.f.createErr != nil || tc.f.listErr != nil {
				if !errors.Is(err, boom) {
					t.Errorf("error %q does not wrap the API error", err)
				}
			}
			if !slices.Equal(res.Deleted, tc.wantDeleted) {
				t.Errorf("Deleted = %q, want %q", res.Deleted, tc.wantDeleted)
			}
			if len(tc.f.ops) != tc.wantOps {
				t.Errorf("made %d calls %q, want %d", len(tc.f.ops), tc.f.ops, tc.wantOps)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	full := map[string]string{
		"REPLICATION_GROUP_ID": "cache-rg",
		"SNAPSHOT_PREFIX":      "redis-6h",
		"RETENTION_HOURS":      "72",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range full {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr []string
	}{
		{name: "all set", env: full, want: Config{"cache-rg", "redis-6h", 72 * time.Hour}},
		{name: "whitespace trimmed", env: map[string]string{
			"REPLICATION_GROUP_ID": " cache-rg\n", "SNAPSHOT_PREFIX": " redis-6h ", "RETENTION_HOURS": " 1 ",
		}, want: Config{"cache-rg", "redis-6h", time.Hour}},
		{name: "nothing set names every variable", env: map[string]string{},
			wantErr: []string{"REPLICATION_GROUP_ID is not set", "SNAPSHOT_PREFIX is not set", "RETENTION_HOURS is not set"}},
		{name: "blank group", env: with("REPLICATION_GROUP_ID", "  "), wantErr: []string{"REPLICATION_GROUP_ID"}},
		{name: "zero hours", env: with("RETENTION_HOURS", "0"), wantErr: []string{`RETENTION_HOURS="0"`}},
		{name: "negative hours", env: with("RETENTION_HOURS", "-24"), wantErr: []string{`RETENTION_HOURS="-24"`}},
		{name: "fractional hours", env: with("RETENTION_HOURS", "1.5"), wantErr: []string{`RETENTION_HOURS="1.5"`}},
		{name: "duration syntax", env: with("RETENTION_HOURS", "72h"), wantErr: []string{`RETENTION_HOURS="72h"`}},
		{name: "overflowing hours", env: with("RETENTION_HOURS", "9999999999"), wantErr: []string{`RETENTION_HOURS="9999999999"`}},
		{name: "missing and bad together", env: map[string]string{"RETENTION_HOURS": "x"},
			wantErr: []string{"REPLICATION_GROUP_ID", "SNAPSHOT_PREFIX", `RETENTION_HOURS="x"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %+v, want error", got)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

// TestAgainstMoto runs Run against moto_server's ElastiCache emulation; see
// the file comment for what moto does not emulate.
func TestAgainstMoto(t *testing.T) {
	endpoint := moto.Start(t)

	api := elasticache.NewFromConfig(aws.Config{
		Region:      "ap-southeast-3",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}, func(o *elasticache.Options) { o.BaseEndpoint = aws.String(endpoint) })
	ctx := t.Context()

	if _, err := api.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId:          aws.String(group),
		ReplicationGroupDescription: aws.String("redis-snapshot test"),
		Engine:                      aws.String("redis"),
		CacheNodeType:               aws.String("cache.t4g.micro"),
		NumCacheClusters:            aws.Int32(1),
	}); err != nil {
		t.Fatalf("CreateReplicationGroup: %v", err)
	}
	// A manual snapshot someone else made, ancient by its name: must survive.
	const foreign = "other-20200101-0000"
	if _, err := api.CreateSnapshot(ctx, &elasticache.CreateSnapshotInput{
		SnapshotName: aws.String(foreign), ReplicationGroupId: aws.String(group),
	}); err != nil {
		t.Fatalf("CreateSnapshot %s: %v", foreign, err)
	}

	first, err := Run(ctx, api, cfg, now)
	if err != nil {
		t.Fatalf("first Run: %v", err)
	}
	if len(first.Deleted) != 0 {
		t.Errorf("first Run deleted %q, want nothing", first.Deleted)
	}
	second, err := Run(ctx, api, cfg, now.Add(cfg.Retention+6*time.Hour))
	if err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if !slices.Equal(second.Deleted, []string{first.Created}) {
		t.Errorf("second Run deleted %q, want [%q]", second.Deleted, first.Created)
	}

	out, err := api.DescribeSnapshots(ctx, &elasticache.DescribeSnapshotsInput{ReplicationGroupId: aws.String(group)})
	if err != nil {
		t.Fatalf("DescribeSnapshots: %v", err)
	}
	var left []string
	for _, s := range out.Snapshots {
		left = append(left, aws.ToString(s.SnapshotName))
	}
	slices.Sort(left)
	if want := []string{foreign, second.Created}; !slices.Equal(left, want) {
		t.Errorf("snapshots left = %q, want %q", left, want)
	}
}
