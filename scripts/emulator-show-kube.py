"""Reads the platform's Kubernetes objects back from the local API servers and prints them.

usage: emulator-show-kube.py KUBE_DIR NAMESPACE CLUSTER...

Proof that the deploy reached the API servers: for each cluster the namespace, its
ResourceQuota with the status the controller-manager computed, the LimitRange, the
service accounts with their IRSA roles, the platform's PriorityClasses and the on-call
role. Exits non-zero, naming what is missing, if any of them is not there.
"""
import json
import os
import ssl
import sys
import urllib.error
import urllib.request


def client(kube_dir, cluster):
    d = os.path.join(kube_dir, cluster)
    host = open(os.path.join(d, "host")).read().strip()
    token = open(os.path.join(d, "token")).read().strip()
    context = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))

    def get(path):
        request = urllib.request.Request(host + path, headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    return get


def main():
    kube_dir, namespace, clusters = sys.argv[1], sys.argv[2], sys.argv[3:]
    missing = []
    for cluster in clusters:
        get = client(kube_dir, cluster)
        print(f"{cluster} cluster ({open(os.path.join(kube_dir, cluster, 'host')).read().strip()}):")
        ns = get(f"/api/v1/namespaces/{namespace}")
        if ns is None:
            missing.append(f"{cluster}: namespace {namespace}")
            continue
        labels = ns["metadata"].get("labels", {})
        print(f"  namespace {namespace}: {ns['status']['phase']}, pod security enforce={labels.get('pod-security.kubernetes.io/enforce')}")

        quotas = get(f"/api/v1/namespaces/{namespace}/resourcequotas")["items"]
        if not quotas or "hard" not in quotas[0].get("status", {}):
            missing.append(f"{cluster}: a ResourceQuota with status in {namespace}")
        for q in quotas:
            hard, used = q["status"].get("hard", {}), q["status"].get("used", {})
            print(f"  resourcequota {q['metadata']['name']}: " + ", ".join(f"{k} {used.get(k, '?')}/{v}" for k, v in sorted(hard.items())))

        ranges = get(f"/api/v1/namespaces/{namespace}/limitranges")["items"]
        if not ranges:
            missing.append(f"{cluster}: a LimitRange in {namespace}")
        for r in ranges:
            for limit in r["spec"]["limits"]:
                fmt = lambda k: "/".join(limit.get(k, {}).get(x, "-") for x in ("cpu", "memory"))
                print(f"  limitrange {r['metadata']['name']} ({limit['type']}): min {fmt('min')} max {fmt('max')} "
                      f"default request {fmt('defaultRequest')} default limit {fmt('default')}")

        accounts = 0
        for sa_ns in (namespace, "kube-system", "logging", "observability"):
            listed = get(f"/api/v1/namespaces/{sa_ns}/serviceaccounts")
            for sa in (listed or {}).get("items", []):
                role = sa["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn")
                if role:
                    accounts += 1
                    print(f"  serviceaccount {sa_ns}/{sa['metadata']['name']} -> {role}")
        if accounts == 0:
            missing.append(f"{cluster}: IRSA service accounts")

        classes = [c for c in get("/apis/scheduling.k8s.io/v1/priorityclasses")["items"] if c["metadata"]["name"].startswith("smile-")]
        if not classes:
            missing.append(f"{cluster}: the platform PriorityClasses")
        for c in classes:
            print(f"  priorityclass {c['metadata']['name']}: {c['value']}")

        role = get("/apis/rbac.authorization.k8s.io/v1/clusterroles/smile-oncall-view")
        binding = get("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/smile-oncall-view")
        if role is None or binding is None:
            missing.append(f"{cluster}: the on-call role and binding")
        else:
            verbs = sorted({v for rule in role["rules"] for v in rule["verbs"]})
            print(f"  clusterrole smile-oncall-view: verbs {', '.join(verbs)}, bound to {binding['subjects'][0]['kind']} {binding['subjects'][0]['name']}")
    if missing:
        print("missing in the local API servers: " + "; ".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
