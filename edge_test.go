package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/apigateway"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/cdn"
	"github.com/smile/infra/constructs/loadbalancer"
	"github.com/smile/infra/constructs/waf"
	"github.com/smile/infra/stacks"
)

const globalProvider = "aws." + stacks.GlobalProviderAlias

// list returns a nested block: a list of objects, or one object (a single nested block,
// which Terraform JSON may write without the list).
func list(v any) []map[string]any {
	if m, ok := v.(map[string]any); ok {
		return []map[string]any{m}
	}
	var out []map[string]any
	items, _ := v.([]any)
	for _, i := range items {
		out = append(out, i.(map[string]any))
	}
	return out
}

// edgeCertificate returns the validated ARN reference of the certificate for domain.
func edgeCertificate(t *testing.T, s *synthesized, domain string) (certificate resource, validatedArn string) {
	t.Helper()
	cert := where(t, s, "aws_acm_certificate", "domain_name", domain)
	for _, v := range s.resources("aws_acm_certificate_validation") {
		if v.str("certificate_arn") == cert.Ref("arn") {
			return cert, v.Ref("certificate_arn")
		}
	}
	t.Fatalf("%s: certificate for %s is never validated", s.name, domain)
	return resource{}, ""
}

// EDGE-1: the assets bucket is read only through origin access control, by this one
// distribution (SourceArn), under a key CloudFront may use for nothing but decryption.
func TestEDGE1OriginAccessControl(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		dist := s.single(t, "aws_cloudfront_distribution")
		oac := s.single(t, "aws_cloudfront_origin_access_control")
		if oac.str("origin_access_control_origin_type") != "s3" || oac.str("signing_behavior") != "always" || oac.str("signing_protocol") != "sigv4" {
			t.Errorf("%s: origin access control %v", name, oac.Attrs)
		}
		assets := where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-assets")
		origins := map[string]map[string]any{}
		for _, o := range list(dist.Attrs["origin"]) {
			origins[o["origin_id"].(string)] = o
		}
		if o := origins[cdn.AssetsOrigin]; o["domain_name"] != assets.Ref("bucket_regional_domain_name") || o["origin_access_control_id"] != oac.Ref("id") || o["s3_origin_config"] != nil {
			t.Errorf("%s: assets origin %v", name, o)
		}
		policy := where(t, s, "aws_s3_bucket_policy", "bucket", assets.Ref("id"))
		var reads []map[string]any
		for _, st := range policyStatements(t, s, policy.str("policy")) {
			if st["effect"] == "Allow" {
				reads = append(reads, st)
			}
		}
		want := []string{"StringEquals AWS:SourceArn " + dist.Ref("arn")}
		if len(reads) != 1 || !reflect.DeepEqual(principals(reads[0], "Service"), []string{"cloudfront.amazonaws.com"}) ||
			!reflect.DeepEqual(toStrings(reads[0]["actions"]), []string{"s3:GetObject"}) ||
			!reflect.DeepEqual(toStrings(reads[0]["resources"]), []string{assets.Ref("arn") + "/*"}) || !reflect.DeepEqual(conditions(reads[0]), want) {
			t.Errorf("%s: the assets bucket allows %v, want CloudFront's GetObject for this distribution only", name, reads)
		}
		// The assets key: CloudFront may decrypt for this account's distributions, nothing more.
		var cloudFront []map[string]any
		for _, st := range policyStatements(t, s, key(t, s, "assets").str("policy")) {
			if slices.Contains(principals(st, "Service"), "cloudfront.amazonaws.com") {
				cloudFront = append(cloudFront, st)
			}
		}
		if len(cloudFront) != 1 || !reflect.DeepEqual(toStrings(cloudFront[0]["actions"]), []string{"kms:Decrypt"}) ||
			!reflect.DeepEqual(conditions(cloudFront[0]), []string{"ArnLike AWS:SourceArn arn:aws:cloudfront::${data.aws_caller_identity.account.account_id}:distribution/*"}) {
			t.Errorf("%s: assets key grants CloudFront %v", name, cloudFront)
		}
		for _, st := range policyStatements(t, s, key(t, s, "data").str("policy")) {
			if slices.Contains(principals(st, "Service"), "cloudfront.amazonaws.com") {
				t.Errorf("%s: CloudFront may use the data key", name)
			}
		}
	}
}

func conditions(statement map[string]any) []string {
	var out []string
	for _, c := range list(statement["condition"]) {
		out = append(out, fmt.Sprintf("%s %s %s", c["test"], c["variable"], strings.Join(toStrings(c["values"]), ",")))
	}
	sort.Strings(out)
	return out
}

// EDGE-1: HTTPS only with TLS 1.2+ and the us-east-1 certificate, security headers on every
// response, the price class from config, and the API origin spoken to over TLS 1.2 only.
func TestEDGE1ViewerTLSAndHeaders(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		dist := s.single(t, "aws_cloudfront_distribution")
		cert, validated := edgeCertificate(t, s, env.Edge.Domain)
		if cert.str("provider") != globalProvider {
			t.Errorf("%s: the CloudFront certificate is not in us-east-1", name)
		}
		viewer := block(dist, "viewer_certificate")
		if viewer["acm_certificate_arn"] != validated || viewer["minimum_protocol_version"] != "TLSv1.2_2021" || viewer["ssl_support_method"] != "sni-only" {
			t.Errorf("%s: viewer certificate %v", name, viewer)
		}
		if !reflect.DeepEqual(dist.strs("aliases"), []string{env.Edge.Domain}) || dist.str("price_class") != env.Edge.PriceClass ||
			!slices.Contains([]string{config.PriceClass200, config.PriceClassAll}, dist.str("price_class")) {
			t.Errorf("%s: aliases %v price class %s", name, dist.strs("aliases"), dist.str("price_class"))
		}
		headers := s.single(t, "aws_cloudfront_response_headers_policy")
		sec := block(headers, "security_headers_config")
		hsts, _ := sec["strict_transport_security"].(map[string]any)
		if hsts["access_control_max_age_sec"].(float64) < 31536000 || hsts["include_subdomains"] != true || hsts["override"] != true {
			t.Errorf("%s: HSTS %v", name, hsts)
		}
		for header, want := range map[string]map[string]any{
			"content_type_options": {"override": true},
			"frame_options":        {"frame_option": "DENY", "override": true},
			"referrer_policy":      {"referrer_policy": "strict-origin-when-cross-origin", "override": true},
		} {
			if !reflect.DeepEqual(sec[header], want) {
				t.Errorf("%s: %s %v, want %v", name, header, sec[header], want)
			}
		}
		def := block(dist, "default_cache_behavior")
		api := list(dist.Attrs["ordered_cache_behavior"])
		if len(api) != 1 || api[0]["path_pattern"] != cdn.APIPathPattern || api[0]["target_origin_id"] != cdn.APIOrigin {
			t.Fatalf("%s: ordered behaviours %v, want /api/* to the API only", name, api)
		}
		if def["viewer_protocol_policy"] != "redirect-to-https" || api[0]["viewer_protocol_policy"] != "https-only" {
			t.Errorf("%s: viewer protocol policies %v / %v", name, def["viewer_protocol_policy"], api[0]["viewer_protocol_policy"])
		}
		for _, b := range []map[string]any{def, api[0]} {
			if b["response_headers_policy_id"] != headers.Ref("id") {
				t.Errorf("%s: behaviour for %v has no security headers", name, b["target_origin_id"])
			}
		}
		if api[0]["cache_policy_id"] != cdn.CachingDisabled {
			t.Errorf("%s: the API is cached (%v)", name, api[0]["cache_policy_id"])
		}
		for _, o := range list(dist.Attrs["origin"]) {
			if o["origin_id"] != cdn.APIOrigin {
				continue
			}
			custom := o["custom_origin_config"].(map[string]any)
			if o["domain_name"] != "api."+env.Edge.Domain || custom["origin_protocol_policy"] != "https-only" || !reflect.DeepEqual(toStrings(custom["origin_ssl_protocols"]), []string{"TLSv1.2"}) {
				t.Errorf("%s: API origin %v", name, o)
			}
		}
	}
}

// EDGE-1: the SPA fallback rewrites the app's routes on the S3 behaviour only; no
// distribution-wide error page turns the API's 403/404 into index.html.
func TestEDGE1SpaFallbackOnAssetsOnly(t *testing.T) {
	for name, s := range synthReal(t) {
		dist := s.single(t, "aws_cloudfront_distribution")
		fn := s.single(t, "aws_cloudfront_function")
		want := []map[string]any{{"event_type": "viewer-request", "function_arn": fn.Ref("arn")}}
		if got := list(block(dist, "default_cache_behavior")["function_association"]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: assets behaviour functions %v, want %v", name, got, want)
		}
		for _, b := range list(dist.Attrs["ordered_cache_behavior"]) {
			if b["function_association"] != nil {
				t.Errorf("%s: %v has a function", name, b["path_pattern"])
			}
		}
		if dist.Attrs["custom_error_response"] != nil {
			t.Errorf("%s: custom_error_response applies to /api/* too", name)
		}
		if fn.str("code") != cdn.SpaFallback || fn.str("runtime") != "cloudfront-js-2.0" || !fn.boolean("publish") {
			t.Errorf("%s: SPA function %v", name, fn.Attrs)
		}
	}
}

// EDGE-1, RES-2: CloudFront's access logs land in the Jakarta logs bucket under
// cloudfront/, delivered by CloudWatch Logs, which the bucket policy allows.
func TestEDGE1AccessLogs(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		dist := s.single(t, "aws_cloudfront_distribution")
		source, destination, delivery := s.single(t, "aws_cloudwatch_log_delivery_source"), s.single(t, "aws_cloudwatch_log_delivery_destination"), s.single(t, "aws_cloudwatch_log_delivery")
		logs := where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-logs")
		target := list(destination.Attrs["delivery_destination_configuration"])
		if source.str("log_type") != "ACCESS_LOGS" || source.str("resource_arn") != dist.Ref("arn") ||
			len(target) != 1 || target[0]["destination_resource_arn"] != logs.Ref("arn")+"/"+buckets.CloudFrontLogPrefix ||
			delivery.str("delivery_source_name") != source.Ref("name") || delivery.str("delivery_destination_arn") != destination.Ref("arn") {
			t.Errorf("%s: CloudFront log delivery %v -> %v", name, source.Attrs, destination.Attrs)
		}
		policy := where(t, s, "aws_s3_bucket_policy", "bucket", logs.Ref("id"))
		allowed := false
		for _, st := range policyStatements(t, s, policy.str("policy")) {
			if slices.Contains(principals(st, "Service"), "delivery.logs.amazonaws.com") &&
				reflect.DeepEqual(toStrings(st["resources"]), []string{logs.Ref("arn") + "/" + buckets.CloudFrontLogPrefix + "/*"}) {
				allowed = true
			}
		}
		if !allowed {
			t.Errorf("%s: the logs bucket does not let CloudWatch Logs deliver under cloudfront/", name)
		}
	}
}

// SEC-6, EDGE-1, EDGE-3: a CLOUDFRONT web ACL (us-east-1) on the distribution and a
// REGIONAL one on the load balancer, each with the managed rule groups and the rate limit
// from config; the regional one logs to a KMS log group with credentials redacted.
func TestSEC6WebAcls(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		acls := map[string]resource{}
		for _, acl := range s.resources("aws_wafv2_web_acl") {
			acls[acl.str("scope")] = acl
			var groups []string
			rate := 0
			for _, r := range list(acl.Attrs["rule"]) {
				st := r["statement"].(map[string]any)
				if g, ok := st["managed_rule_group_statement"].(map[string]any); ok && g["vendor_name"] == "AWS" {
					groups = append(groups, g["name"].(string))
					if !reflect.DeepEqual(r["override_action"], map[string]any{"none": map[string]any{}}) {
						t.Errorf("%s: %s overrides %s's actions", name, acl.str("name"), g["name"])
					}
				}
				if rb, ok := st["rate_based_statement"].(map[string]any); ok && rb["aggregate_key_type"] == "IP" &&
					reflect.DeepEqual(r["action"], map[string]any{"block": map[string]any{}}) {
					rate = int(rb["limit"].(float64))
				}
			}
			sort.Strings(groups)
			if !reflect.DeepEqual(groups, waf.ManagedRuleGroups) || rate != env.Edge.WafRateLimitPer5Min {
				t.Errorf("%s: %s has groups %v and rate limit %d", name, acl.str("name"), groups, rate)
			}
		}
		cf, regional := acls[waf.ScopeCloudFront], acls[waf.ScopeRegional]
		if cf.str("provider") != globalProvider || regional.str("provider") != "" {
			t.Errorf("%s: web ACL providers %q / %q", name, cf.str("provider"), regional.str("provider"))
		}
		if got := s.single(t, "aws_cloudfront_distribution").str("web_acl_id"); got != cf.Ref("arn") {
			t.Errorf("%s: distribution web ACL %s", name, got)
		}
		if block(cf, "visibility_config")["sampled_requests_enabled"] != false {
			t.Errorf("%s: the CloudFront ACL keeps sampled requests in us-east-1 (RES-2)", name)
		}
		assoc := s.single(t, "aws_wafv2_web_acl_association")
		if assoc.str("web_acl_arn") != regional.Ref("arn") || assoc.str("resource_arn") != s.single(t, "aws_lb").Ref("arn") {
			t.Errorf("%s: regional ACL association %v", name, assoc.Attrs)
		}
		logging := s.single(t, "aws_wafv2_web_acl_logging_configuration")
		group := where(t, s, "aws_cloudwatch_log_group", "name", "aws-waf-logs-"+env.Prefix()+"-alb")
		var redacted []string
		for _, f := range list(logging.Attrs["redacted_fields"]) {
			redacted = append(redacted, f["single_header"].(map[string]any)["name"].(string))
		}
		if logging.str("resource_arn") != regional.Ref("arn") || !reflect.DeepEqual(logging.strs("log_destination_configs"), []string{group.Ref("arn")}) ||
			!reflect.DeepEqual(redacted, []string{"authorization", "cookie"}) {
			t.Errorf("%s: WAF logging %v", name, logging.Attrs)
		}
		if group.str("kms_key_id") != key(t, s, "logs").Ref("arn") || group.num("retention_in_days") != env.Observability.LogRetentionDays {
			t.Errorf("%s: WAF log group %v", name, group.Attrs)
		}
	}
}

// RES-2: only the resource types of stacks.UsEast1Resources use the us-east-1 provider, in
// every environment and variant, and nothing else lives outside Jakarta.
func TestRES2UsEast1AllowList(t *testing.T) {
	allowed := map[string]bool{}
	for _, r := range stacks.UsEast1Resources {
		if r.Reason == "" {
			t.Errorf("%s is allowed in us-east-1 without a reason", r.Type)
		}
		allowed[r.Type] = true
	}
	all := []*synthesized{}
	for _, s := range synthReal(t) {
		all = append(all, s)
	}
	for _, s := range synthVariants(t) {
		all = append(all, s)
	}
	for _, s := range all {
		used := map[string]bool{}
		for _, kind := range []string{"resource", "data"} {
			byType, _ := s.doc[kind].(map[string]any)
			for typ := range byType {
				for _, r := range s.block(kind, typ) {
					p := r.str("provider")
					switch {
					case p == "":
					// A cluster's own providers reach that cluster, in Jakarta.
					case strings.HasPrefix(p, "kubernetes.") || strings.HasPrefix(p, "helm."):
					case p == globalProvider && kind == "resource" && allowed[typ]:
						used[typ] = true
					default:
						t.Errorf("%s: %s %s.%s uses provider %q, which RES-2 does not allow", s.name, kind, typ, r.Name, p)
					}
				}
			}
		}
		for typ := range allowed {
			if !used[typ] {
				t.Errorf("%s: %s is allowed in us-east-1 but not used there: shorten the list", s.name, typ)
			}
		}
	}
}

// EDGE-2: the zone (created, or looked up by ID from config), alias records for the
// frontend, the API and the load balancer, and a validation record per certificate.
func TestEDGE2Route53(t *testing.T) {
	check := func(s *synthesized, env config.Environment, zoneRef string) {
		dist := s.single(t, "aws_cloudfront_distribution")
		lb := s.single(t, "aws_lb")
		domain := s.single(t, "aws_apigatewayv2_domain_name")
		want := map[string]string{
			"A " + env.Edge.Domain:        dist.Ref("domain_name") + " " + dist.Ref("hosted_zone_id"),
			"AAAA " + env.Edge.Domain:     dist.Ref("domain_name") + " " + dist.Ref("hosted_zone_id"),
			"A api." + env.Edge.Domain:    domain.Ref("domain_name_configuration[0].target_domain_name") + " " + domain.Ref("domain_name_configuration[0].hosted_zone_id"),
			"AAAA api." + env.Edge.Domain: domain.Ref("domain_name_configuration[0].target_domain_name") + " " + domain.Ref("domain_name_configuration[0].hosted_zone_id"),
			"A alb." + env.Edge.Domain:    lb.Ref("dns_name") + " " + lb.Ref("zone_id"),
		}
		got := map[string]string{}
		validations := 0
		for _, r := range s.resources("aws_route53_record") {
			if r.str("zone_id") != zoneRef {
				t.Errorf("%s: record %s is not in the environment's zone", s.name, r.Name)
			}
			if alias := block(r, "alias"); alias != nil {
				got[r.str("type")+" "+r.str("name")] = fmt.Sprint(alias["name"], " ", alias["zone_id"])
				continue
			}
			validations++
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: alias records\n got %v\nwant %v", s.name, got, want)
		}
		certs := s.resources("aws_acm_certificate")
		if validations != len(certs) || len(certs) != 3 || len(s.resources("aws_acm_certificate_validation")) != 3 {
			t.Errorf("%s: %d validation records for %d certificates", s.name, validations, len(certs))
		}
		for _, c := range certs {
			if c.str("validation_method") != "DNS" {
				t.Errorf("%s: certificate %s is not DNS-validated", s.name, c.str("domain_name"))
			}
		}
	}
	for name, s := range synthReal(t) {
		env := envOf(name)
		zone := s.single(t, "aws_route53_zone")
		if zone.str("name") != env.Edge.Domain {
			t.Errorf("%s: zone %s", name, zone.str("name"))
		}
		check(s, env, zone.Ref("zone_id"))
	}
	prod := synthVariants(t)["smile-prod"]
	if len(prod.resources("aws_route53_zone")) != 0 {
		t.Errorf("smile-prod variant: creates a zone although Edge.HostedZoneID is set")
	}
	lookup := prod.block("data", "aws_route53_zone")
	if len(lookup) != 1 || lookup[0].str("zone_id") != variantHostedZoneID {
		t.Fatalf("smile-prod variant: zone lookup %v", lookup)
	}
	env := config.Prod()
	check(prod, env, fmt.Sprintf("${data.aws_route53_zone.%s.zone_id}", lookup[0].Name))
}

// EDGE-3: one internal load balancer: HTTPS only with the TLS 1.3/1.2 policy and a regional
// certificate, invalid headers dropped, strictest desync mitigation, access logs to the
// logs bucket, deletion protection in prod. There is no listener on 80: nothing could reach
// it (the only client is the VPC link), so there is no plain-HTTP path to redirect.
func TestEDGE3LoadBalancer(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		lb := s.single(t, "aws_lb")
		logs := where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-logs")
		logsPolicy := where(t, s, "aws_s3_bucket_policy", "bucket", logs.Ref("id"))
		access := block(lb, "access_logs")
		if !lb.boolean("internal") || lb.str("load_balancer_type") != "application" || !lb.boolean("drop_invalid_header_fields") ||
			lb.str("desync_mitigation_mode") != "strictest" || lb.boolean("enable_deletion_protection") != env.Edge.LoadBalancerDeletionProtection ||
			access["bucket"] != logs.Ref("bucket") || access["prefix"] != buckets.LoadBalancerLogPrefix || access["enabled"] != true {
			t.Errorf("%s: load balancer %v", name, lb.Attrs)
		}
		if !slices.Contains(lb.strs("depends_on"), logsPolicy.address()) {
			t.Errorf("%s: the load balancer does not wait for the logs bucket policy: %v", name, lb.strs("depends_on"))
		}
		if !reflect.DeepEqual(lb.strs("subnets"), subnetRefs(t, s, "private")) {
			t.Errorf("%s: load balancer subnets %v", name, lb.strs("subnets"))
		}
		if env.Name == "prod" && !lb.boolean("enable_deletion_protection") {
			t.Errorf("prod: load balancer without deletion protection")
		}
		_, validated := edgeCertificate(t, s, "alb."+env.Edge.Domain)
		listeners := s.resources("aws_lb_listener")
		if len(listeners) != 1 {
			t.Fatalf("%s: %d listeners, want the HTTPS one only", name, len(listeners))
		}
		l := listeners[0]
		if l.num("port") != 443 || l.str("protocol") != "HTTPS" || l.str("ssl_policy") != loadbalancer.TLSPolicy ||
			l.str("ssl_policy") != "ELBSecurityPolicy-TLS13-1-2-2021-06" || l.str("certificate_arn") != validated {
			t.Errorf("%s: listener %v", name, l.Attrs)
		}
	}
}

// EDGE-4: blue and green IP target groups health-checked on 8080 at the configured path,
// and one rule forwarding by the configured weights (90/10 with stickiness in the variant).
func TestEDGE4WeightedForward(t *testing.T) {
	cases := map[string]config.Traffic{}
	for _, n := range config.Names() {
		env, _ := config.Lookup(n)
		cases[env.StackName()] = env.Edge.Traffic
	}
	check := func(s *synthesized, traffic config.Traffic) {
		env := envOf(s.name)
		refs := map[string]string{}
		for _, colour := range loadbalancer.Colours {
			tg := where(t, s, "aws_lb_target_group", "name", env.Prefix()+"-alb-"+colour)
			hc := block(tg, "health_check")
			if tg.str("target_type") != "ip" || tg.str("protocol") != "HTTPS" || tg.num("port") != 443 ||
				hc["port"] != "8080" || hc["protocol"] != "HTTP" || hc["path"] != traffic.HealthCheckPath {
				t.Errorf("%s: %s target group %v", s.name, colour, tg.Attrs)
			}
			refs[tg.Ref("arn")] = colour
		}
		rule := s.single(t, "aws_lb_listener_rule")
		actions := list(rule.Attrs["action"])
		if len(actions) != 1 || actions[0]["type"] != "forward" {
			t.Fatalf("%s: rule actions %v", s.name, actions)
		}
		fwd := actions[0]["forward"].(map[string]any)
		weights := map[string]int{}
		for _, tg := range list(fwd["target_group"]) {
			weights[refs[tg["arn"].(string)]] = int(tg["weight"].(float64))
		}
		if want := map[string]int{"blue": traffic.BlueWeight, "green": traffic.GreenWeight}; !reflect.DeepEqual(weights, want) {
			t.Errorf("%s: weights %v, want %v", s.name, weights, want)
		}
		sticky := fwd["stickiness"].(map[string]any)
		if sticky["enabled"] != (traffic.StickinessSeconds > 0) || (traffic.StickinessSeconds > 0 && int(sticky["duration"].(float64)) != traffic.StickinessSeconds) {
			t.Errorf("%s: stickiness %v, want %d s", s.name, sticky, traffic.StickinessSeconds)
		}
		if rule.str("listener_arn") != s.single(t, "aws_lb_listener").Ref("arn") {
			t.Errorf("%s: rule not on the HTTPS listener", s.name)
		}
	}
	for name, s := range synthReal(t) {
		check(s, cases[name])
	}
	variant := config.Prod().Edge.Traffic
	variant.BlueWeight, variant.GreenWeight = 90, 10
	check(synthVariants(t)["smile-prod"], variant)
}

// EDGE-4: a canary is a one-line config change, and in the synthesized JSON it changes the
// listener rule's weights and nothing else, so `cdktf diff` shows one in-place update.
func TestEDGE4TrafficShiftTouchesOnlyTheListenerRule(t *testing.T) {
	before := deepCopyDoc(synthReal(t)["smile-dev"].doc)
	after := deepCopyDoc(synthCanary(t).doc)
	var changed []string
	diffPaths("", before, after, &changed)
	for _, path := range changed {
		if !strings.HasPrefix(path, "/resource/aws_lb_listener_rule/") || !strings.HasSuffix(path, "/weight") {
			t.Errorf("the canary also changes %s", path)
		}
	}
	if len(changed) != 2 {
		t.Errorf("the canary changes %v, want the blue and green weights", changed)
	}
}

// diffPaths records every path at which two JSON values differ.
func diffPaths(path string, a, b any, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, path)
			return
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		for k := range keys {
			diffPaths(path+"/"+k, av[k], bv[k], out)
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			*out = append(*out, path)
			return
		}
		for i := range av {
			diffPaths(fmt.Sprintf("%s/%d", path, i), av[i], bv[i], out)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, path)
		}
	}
}

// EDGE-5: the HTTP API reaches the load balancer's HTTPS listener through a VPC link in the
// private subnets, verifying its certificate; the stage logs JSON to a KMS log group and
// throttles from config; only the custom domain answers, with a regional TLS 1.2 certificate.
func TestEDGE5ApiGateway(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		api := s.single(t, "aws_apigatewayv2_api")
		if api.str("protocol_type") != "HTTP" || !api.boolean("disable_execute_api_endpoint") {
			t.Errorf("%s: API %v", name, api.Attrs)
		}
		link := s.single(t, "aws_apigatewayv2_vpc_link")
		sg := s.one(t, "aws_security_group", env.Prefix()+"-vpc-link")
		if !reflect.DeepEqual(link.strs("subnet_ids"), subnetRefs(t, s, "private")) || !reflect.DeepEqual(link.strs("security_group_ids"), []string{sg.Ref("id")}) {
			t.Errorf("%s: VPC link %v", name, link.Attrs)
		}
		integ := s.single(t, "aws_apigatewayv2_integration")
		if integ.str("integration_type") != "HTTP_PROXY" || integ.str("connection_type") != "VPC_LINK" || integ.str("connection_id") != link.Ref("id") ||
			integ.str("integration_uri") != s.single(t, "aws_lb_listener").Ref("arn") ||
			block(integ, "tls_config")["server_name_to_verify"] != "alb."+env.Edge.Domain {
			t.Errorf("%s: integration %v", name, integ.Attrs)
		}
		route := s.single(t, "aws_apigatewayv2_route")
		if route.str("route_key") != "$default" || route.str("target") != "integrations/"+integ.Ref("id") {
			t.Errorf("%s: route %v", name, route.Attrs)
		}
		stage := s.single(t, "aws_apigatewayv2_stage")
		logs := block(stage, "access_log_settings")
		group := where(t, s, "aws_cloudwatch_log_group", "name", env.Prefix()+"-api-access")
		var format map[string]string
		if err := json.Unmarshal([]byte(logs["format"].(string)), &format); err != nil || !reflect.DeepEqual(format, apigateway.AccessLogFields) || format["requestId"] != "$context.requestId" {
			t.Errorf("%s: access log format %v is not the JSON of AccessLogFields (%v)", name, logs["format"], err)
		}
		if logs["destination_arn"] != group.Ref("arn") || group.str("kms_key_id") != key(t, s, "logs").Ref("arn") {
			t.Errorf("%s: access logs to %v", name, logs["destination_arn"])
		}
		throttle := block(stage, "default_route_settings")
		if int(throttle["throttling_burst_limit"].(float64)) != env.Edge.Api.ThrottlingBurstLimit || throttle["throttling_rate_limit"] != env.Edge.Api.ThrottlingRateLimit {
			t.Errorf("%s: throttling %v, want %+v", name, throttle, env.Edge.Api)
		}
		domain := s.single(t, "aws_apigatewayv2_domain_name")
		cert, validated := edgeCertificate(t, s, "api."+env.Edge.Domain)
		dc := block(domain, "domain_name_configuration")
		if domain.str("domain_name") != "api."+env.Edge.Domain || dc["certificate_arn"] != validated ||
			dc["endpoint_type"] != "REGIONAL" || dc["security_policy"] != "TLS_1_2" || cert.str("provider") != "" {
			t.Errorf("%s: custom domain %v", name, domain.Attrs)
		}
		mapping := s.single(t, "aws_apigatewayv2_api_mapping")
		if mapping.str("api_id") != api.Ref("id") || mapping.str("domain_name") != "api."+env.Edge.Domain || mapping.str("stage") != stage.Ref("id") ||
			!slices.Contains(mapping.strs("depends_on"), domain.address()) {
			t.Errorf("%s: API mapping %v", name, mapping.Attrs)
		}
	}
}

// The emulator leaves the API's custom domain out; only the records aliasing it get a
// placeholder target, the others keep theirs (stacks/emulator.go).
func TestEmulatorRedirectsOnlyAliasesOfSkippedTargets(t *testing.T) {
	s := synthVariants(t)["smile-dev"]
	for _, r := range s.resources("aws_route53_record") {
		alias := block(r, "alias")
		if alias == nil {
			continue
		}
		placeholder := alias["name"] == "skipped-target.emulator.invalid"
		if api := strings.HasPrefix(r.str("name"), "api."); api != placeholder {
			t.Errorf("emulator record %s %s aliases %v", r.str("type"), r.str("name"), alias["name"])
		}
	}
}
