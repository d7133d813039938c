#!/usr/bin/env python3
"""Emulator only: revoke security group rules that moto created but the state never got.

Seen with moto 5.2.1 under load: an AuthorizeSecurityGroup{Ingress,Egress} is answered late,
the AWS SDK retries it, and moto rejects the retry of the rule it has just added as
InvalidPermission.Duplicate. The first apply fails with that rule outside the state, so a
second apply fails the same way. A deploy stopped part-way leaves such rules too: the
provider abandons the call, AWS has added the rule. For every group in the state, this revokes the rules the
emulator holds whose IDs no aws_vpc_security_group_*_rule in the state has; the next apply
creates them again, recorded. Groups and rules of the state are never touched.
Usage: emulator-revoke-orphan-sg-rules.py STACK_DIR ENDPOINT
"""
import sys

from emulator_inventory import Emulator, state_resources


def main():
    stack_dir, endpoint = sys.argv[1:3]
    resources = state_resources(stack_dir)
    groups = sorted({r["values"]["id"] for r in resources if r["type"] == "aws_security_group"})
    known = {r["values"]["security_group_rule_id"] for r in resources
             if r["type"] in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")}
    if not groups:
        return 0
    ec2 = Emulator(endpoint)("ec2")
    revoked = 0
    for group in groups:
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
        for rule in rules:
            if rule["SecurityGroupRuleId"] in known:
                continue
            revoke = ec2.revoke_security_group_egress if rule["IsEgress"] else ec2.revoke_security_group_ingress
            revoke(GroupId=group, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
            print(f"revoked {rule['SecurityGroupRuleId']} of {group} (not in the state)")
            revoked += 1
    print(f"{revoked} orphan rule(s) revoked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
