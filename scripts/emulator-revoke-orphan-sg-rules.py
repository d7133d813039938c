#!/usr/bin/env python3
"""Emulator only: revoke security group rules that moto created but the state never got.

Seen with moto 5.2.1 under load: an AuthorizeSecurityGroup{Ingress,Egress} is answered late,
the AWS SDK retries it, and moto rejects the retry of the rule it has just added as
InvalidPermission.Duplicate. The first apply fails with that rule outside the state, so a
second apply fails the same way. A deploy stopped part-way leaves such rules too: the
provider abandons the call, AWS has added the rule. For every group in the state, this revokes the rules the
emulator holds whose IDs no aws_vpc_security_group_*_rule in the state has; the next apply
creates them again, recorded. Groups and rules of the state are never touched.

Routes are the same kind of child: a deploy stopped part-way abandons a CreateRoute that
moto has carried out (seen in CI: the private default route of zone c), and the next apply
fails on "already exists". For every route table in the state, the routes it holds that no
aws_route in the state records (by table and destination) are deleted; the table's local
route and the routes of the state are never touched.
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
    ec2 = Emulator(endpoint)("ec2")
    deleted = revoke_orphan_routes(ec2, resources)
    if not groups:
        return 0
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
    print(f"{revoked} orphan rule(s) revoked, {deleted} orphan route(s) deleted")
    return 0


def revoke_orphan_routes(ec2, resources):
    """Deletes the routes of the state's route tables that no aws_route of the state records."""
    tables = sorted({r["values"]["id"] for r in resources if r["type"] == "aws_route_table"})
    known = {(r["values"]["route_table_id"], r["values"].get("destination_cidr_block") or r["values"].get("destination_ipv6_cidr_block"))
             for r in resources if r["type"] == "aws_route"}
    if not tables:
        return 0
    deleted = 0
    for table in ec2.describe_route_tables(RouteTableIds=tables)["RouteTables"]:
        for route in table.get("Routes", []):
            if route.get("GatewayId") == "local" or route.get("Origin") == "CreateRouteTable":
                continue
            destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
            if not destination or (table["RouteTableId"], destination) in known:
                continue
            if "DestinationIpv6CidrBlock" in route:
                ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationIpv6CidrBlock=destination)
            else:
                ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=destination)
            print(f"deleted the route to {destination} of {table['RouteTableId']} (not in the state)")
            deleted += 1
    return deleted


if __name__ == "__main__":
    sys.exit(main())
