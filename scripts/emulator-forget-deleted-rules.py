#!/usr/bin/env python3
"""Emulator only: forget rules that moto deleted but reported as failures.

Seen with moto 5.2.1: a delete is sometimes answered late; the AWS SDK retries it, and moto
answers the retry for what it has just removed with an error the provider does not accept:
- DeleteNetworkAclEntry: HTTP 500 (StopIteration in delete_network_acl_entry) instead of
  InvalidNetworkAclEntry.NotFound;
- RevokeSecurityGroupIngress/Egress by rule ID: InvalidPermission.NotFound instead of
  InvalidSecurityGroupRuleId.NotFound, which the provider treats as "already deleted".
The destroy then fails although the rule is gone.

For every rule the destroy log reports that way, this checks in the emulator that the rule
really is gone, and only then removes it from the Terraform state, so the destroy can be
run again. Anything else, or a rule that still exists, is left alone and reported.
Usage: emulator-forget-deleted-rules.py STACK_DIR ENDPOINT DESTROY_LOG
Exit status 0 when every failure was of these kinds and was forgotten, 1 otherwise.
"""
import re
import subprocess
import sys

from botocore.exceptions import ClientError

from emulator_inventory import Emulator, state_resources

NACL_500 = re.compile(r"deleting EC2 Network ACL Rule \((nacl-\d+)\)")
SG_RULE_NOT_FOUND = re.compile(r"deleting VPC Security Group Rule \((sgr-[0-9a-f]+)\)")


def failures(log):
    """The rule IDs of the two kinds, and every other error, from a destroy log."""
    # cdktf prints each diagnostic as a box: the summary after "Error: ", the detail below
    # it up to the box's end. Judge the distinct diagnostics, with their details.
    diagnostics = set(re.findall(r"Error: (.*?)(?:\n\s*╵|\Z)", log, re.S))
    nacls, sg_rules, other = set(), set(), []
    for d in diagnostics:
        flat = " ".join(re.sub(r"^\s*│", "", line).strip() for line in d.splitlines())
        if (m := NACL_500.search(flat)) and "StatusCode: 500" in flat:
            nacls.add(m.group(1))
        elif (m := SG_RULE_NOT_FOUND.search(flat)) and "InvalidPermission.NotFound" in flat:
            sg_rules.add(m.group(1))
        else:
            other.append(flat)
    return nacls, sg_rules, other


def nacl_entry_gone(ec2, values):
    # By ID, not by filter: moto has no network-acl-id filter.
    try:
        acls = ec2.describe_network_acls(NetworkAclIds=[values["network_acl_id"]])["NetworkAcls"]
    except ClientError as e:
        if "NotFound" not in e.response["Error"]["Code"]:
            raise
        return True  # the whole NACL is gone, and its entries with it
    return not any(e["RuleNumber"] == values["rule_number"] and e["Egress"] == values["egress"]
                   for acl in acls for e in acl.get("Entries", []))


def sg_rule_gone(ec2, values):
    try:
        ec2.describe_security_group_rules(SecurityGroupRuleIds=[values["id"]])
    except ClientError as e:
        if "NotFound" not in e.response["Error"]["Code"]:
            raise
        return True
    return False


def main():
    stack_dir, endpoint, log_path = sys.argv[1:4]
    log = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(log_path, encoding="utf-8", errors="replace").read())
    nacls, sg_rules, other = failures(log)
    if other or not (nacls or sg_rules):
        print("destroy failed for other reasons:", *other, sep="\n  ")
        return 1

    resources = state_resources(stack_dir)
    gone_check = {"aws_network_acl_rule": nacl_entry_gone,
                  "aws_vpc_security_group_ingress_rule": sg_rule_gone,
                  "aws_vpc_security_group_egress_rule": sg_rule_gone}
    in_state = {r["values"]["id"]: r for r in resources if r["type"] in gone_check}
    ec2 = Emulator(endpoint)("ec2")
    for rule_id in sorted(nacls | sg_rules):
        rule = in_state.get(rule_id)
        if rule is None:
            print(f"{rule_id}: not in the state")
            return 1
        if not gone_check[rule["type"]](ec2, rule["values"]):
            print(f"{rule['address']}: the rule still exists in the emulator; not forgetting it")
            return 1
        subprocess.run(["terraform", "state", "rm", rule["address"]], cwd=stack_dir, check=True, capture_output=True)
        print(f"{rule['address']}: already deleted in the emulator, removed from state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
