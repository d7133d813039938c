package config

import (
	"strings"

	"github.com/smile/infra/lifecycle"
)

// Versions is every engine and platform version an environment pins (LIFE-1): the
// Kubernetes minor with the add-ons and charts tested with it, and the database and cache
// engines. Each appears in the support calendar (lifecycle/calendar.go) with its end of
// standard support; `make lifecycle` warns 90 days before one ends.
type Versions struct {
	Kubernetes string
	Addons     map[string]string
	Charts     Charts
	// MySQL is the RDS for MySQL major version and ParameterGroupFamily's.
	MySQL string
	// CacheEngine is "valkey" or "redis" (Redis OSS), at CacheEngineVersion.
	CacheEngine, CacheEngineVersion string
}

// CurrentVersions are the defaults: each in standard support on the day it was chosen
// (dates and sources in lifecycle/calendar.go).
//   - Kubernetes 1.36, the newest minor EKS offers: standard support until 2027-08-02
//     (1.34 left it on 2026-12-02 and costs 0.60 instead of 0.10 USD per cluster-hour
//     since). The add-ons are the versions built for 1.36; `make preflight` confirms
//     each against DescribeAddonVersions before a deploy.
//   - MySQL 8.4, the LTS major: standard support until 2029-07-31 (8.0 left it on
//     2026-07-31). 8.4 turns mysql_native_password off: drivers must use
//     caching_sha2_password (Connector/J 8+, mysqlclient 2+, go-sql-driver 1.5+) or IAM
//     authentication, which SMILE's applications use (DB-2).
//   - Valkey 8.1 rather than Redis OSS 7.1: Redis OSS 7.1 is the last Redis OSS version
//     ElastiCache offers (a dead end: every newer engine is Valkey), Valkey is
//     wire-compatible with it (clients, cluster mode, RBAC users with IAM authentication,
//     the snapshot function), its nodes are listed below Redis OSS's, and Redis OSS to
//     Valkey is an in-place engine upgrade. 8.1: security fixes until 2028-03-31.
func CurrentVersions() Versions {
	return Versions{
		Kubernetes: "1.36",
		Addons: map[string]string{
			AddonVpcCni:                  "v1.22.4-eksbuild.3",
			AddonCoreDNS:                 "v1.14.3-eksbuild.3",
			AddonKubeProxy:               "v1.36.0-eksbuild.9",
			AddonEbsCsiDriver:            "v1.63.1-eksbuild.1",
			AddonEfsCsiDriver:            "v3.4.0-eksbuild.1",
			AddonCloudWatchObservability: "v5.3.0-eksbuild.1",
		},
		Charts:      charts("v1.36.1"),
		MySQL:       "8.4",
		CacheEngine: "valkey", CacheEngineVersion: "8.1",
	}
}

// PreviousVersions are the versions the defaults replaced: the upgrade drill deploys them
// and plans the move to CurrentVersions against that state (LIFE-3). Keep them one step
// behind the defaults.
func PreviousVersions() Versions {
	return Versions{
		Kubernetes: "1.35",
		Addons: map[string]string{
			AddonVpcCni:                  "v1.22.4-eksbuild.3",
			AddonCoreDNS:                 "v1.13.2-eksbuild.4",
			AddonKubeProxy:               "v1.35.3-eksbuild.2",
			AddonEbsCsiDriver:            "v1.57.1-eksbuild.1",
			AddonEfsCsiDriver:            "v2.1.15-eksbuild.1",
			AddonCloudWatchObservability: "v5.3.0-eksbuild.1",
		},
		Charts:      charts("v1.35.2"),
		MySQL:       "8.0",
		CacheEngine: "redis", CacheEngineVersion: "7.1",
	}
}

// WithVersions is the environment at the given versions.
func (e Environment) WithVersions(v Versions) Environment {
	e.Compute.KubernetesVersion = v.Kubernetes
	e.Compute.Addons = make(map[string]string, len(v.Addons))
	for name, version := range v.Addons {
		e.Compute.Addons[name] = version
	}
	e.Kubernetes.Charts = v.Charts
	e.Database.EngineVersion = v.MySQL
	e.Cache.Engine, e.Cache.EngineVersion = v.CacheEngine, v.CacheEngineVersion
	return e
}

// ParameterGroupFamily is the RDS parameter-group family of the MySQL major version.
func (d Database) ParameterGroupFamily() string { return "mysql" + d.EngineVersion }

// ParameterGroupFamily is the ElastiCache parameter-group family of the engine's major
// version (valkey8, redis7).
func (c Cache) ParameterGroupFamily() string {
	major, _, _ := strings.Cut(c.EngineVersion, ".")
	return c.Engine + major
}

// CalendarComponent is the cache engine's component in the support calendar.
func (c Cache) CalendarComponent() string {
	if c.Engine == "redis" {
		return lifecycle.RedisOSS
	}
	return lifecycle.Valkey
}
