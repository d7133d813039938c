#!/usr/bin/env python3
"""Emulator only: forget NACL rules that moto deleted but reported as failures.

Seen with moto 5.2.1: a DeleteNetworkAclEntry is sometimes answered late; the AWS SDK
retries it, and moto answers the retry for the entry it has just removed with HTTP 500
(StopIteration in delete_network_acl_entry) instead of InvalidNetworkAclEntry.NotFound,
which the provider would accept. The destroy then fails although the entry is gone.

For every rule the destroy log reports that way, this checks in the emulator that the entry
really is gone, and only then removes it from the Terraform state, so the destroy can be
run again. Anything else, or an entry that still exists, is left alone and reported.
Usage: emulator-forget-deleted-nacl-rules.py STACK_DIR ENDPOINT DESTROY_LOG
Exit status 0 when every failure was of this kind and was forgotten, 1 otherwise.
"""
import json
import re
import subprocess
import sys

import boto3
from botocore.exceptions import ClientError


def main():
    stack_dir, endpoint, log_path = sys.argv[1:4]
    log = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(log_path, encoding="utf-8", errors="replace").read())
    # cdktf prints each error more than once; judge the distinct messages.
    errors = set(re.findall(r"Error: ([^\n]*)", log))
    nacl_500 = re.compile(r"deleting EC2 Network ACL Rule \((nacl-\d+)\).*StatusCode: 500")
    other = [e for e in errors if not nacl_500.search(e)]
    failed_ids = {nacl_500.search(e).group(1) for e in errors if nacl_500.search(e)}
    if other or not failed_ids:
        print("destroy failed for other reasons:", *other, sep="\n  ")
        return 1

    state = json.loads(subprocess.run(["terraform", "show", "-json"], cwd=stack_dir, check=True,
                                      capture_output=True, text=True).stdout)
    resources = state.get("values", {}).get("root_module", {}).get("resources", [])
    rules = {r["values"]["id"]: r for r in resources if r["type"] == "aws_network_acl_rule"}
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="ap-southeast-3",
                       aws_access_key_id="test", aws_secret_access_key="test")
    for rule_id in sorted(failed_ids):
        rule = rules.get(rule_id)
        if rule is None:
            print(f"{rule_id}: not in the state")
            return 1
        v = rule["values"]
        # By ID, not by filter: moto has no network-acl-id filter.
        try:
            acls = ec2.describe_network_acls(NetworkAclIds=[v["network_acl_id"]])["NetworkAcls"]
        except ClientError as e:
            if "NotFound" not in e.response["Error"]["Code"]:
                raise
            acls = []  # the whole NACL is gone, and its entries with it
        still_there = any(e["RuleNumber"] == v["rule_number"] and e["Egress"] == v["egress"]
                          for acl in acls for e in acl.get("Entries", []))
        if still_there:
            print(f"{rule['address']}: the entry still exists in the emulator; not forgetting it")
            return 1
        subprocess.run(["terraform", "state", "rm", rule["address"]], cwd=stack_dir, check=True, capture_output=True)
        print(f"{rule['address']}: already deleted in the emulator, removed from state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
