#!/usr/bin/env python3
"""Shows what a smile-dev deployment looks like to the emulator, in one process (one boto3
session instead of twenty `aws` CLI starts): subnets, clusters and node groups, the bastion,
the image repositories and the request path.
Usage: emulator-show.py ENDPOINT VPC_ID HOSTED_ZONE_ID
"""
import sys

import boto3


def main():
    endpoint, vpc_id, zone_id = sys.argv[1:4]
    session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="ap-southeast-3")
    client = lambda name: session.client(name, endpoint_url=endpoint)
    ec2, eks = client("ec2"), client("eks")

    print("The VPC's subnets, as the emulator reports them:")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    for s in sorted(subnets, key=lambda s: s["CidrBlock"]):
        name = next((t["Value"] for t in s.get("Tags", []) if t["Key"] == "Name"), "-")
        print(f"  {name:24} {s['CidrBlock']:16} {s['AvailabilityZone']}")

    print("\nThe EKS clusters and their node groups, as the emulator reports them:")
    for name in sorted(eks.list_clusters()["clusters"]):
        c = eks.describe_cluster(name=name)["cluster"]
        logs = ",".join(c["logging"]["clusterLogging"][0]["types"])
        print(f"  {name}  Kubernetes {c['version']}  public endpoint: {c['resourcesVpcConfig']['endpointPublicAccess']}  logs: {logs}")
        for group in sorted(eks.list_nodegroups(clusterName=name)["nodegroups"]):
            g = eks.describe_nodegroup(clusterName=name, nodegroupName=group)["nodegroup"]
            scaling = g["scalingConfig"]
            print(f"    {group:26} {g['amiType']:24} {','.join(g['instanceTypes']):12} {scaling['minSize']}-{scaling['maxSize']} nodes")

    print("\nBastion and image repositories:")
    for r in ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["smile5-dev-bastion"]}])["Reservations"]:
        for i in r["Instances"]:
            print(f"  {i['InstanceId']}  {i['InstanceType']}  {i['PrivateIpAddress']}  {i.get('PublicIpAddress', 'no public address')}")
    for repo in client("ecr").describe_repositories()["repositories"]:
        print(f"  {repo['repositoryName']}  {repo['imageTagMutability']}  {repo['encryptionConfiguration']['encryptionType']}")

    print("\nThe request path: CloudFront, the internal load balancer and its weighted rule, the API:")
    for d in client("cloudfront").list_distributions()["DistributionList"].get("Items") or []:
        print(f"  CloudFront {d['Id']}  {d['DomainName']}")
    elbv2 = client("elbv2")
    for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
        print(f"  ALB {lb['LoadBalancerName']}  {lb['Scheme']}  {lb['DNSName']}")
        for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                for action in rule["Actions"]:
                    for tg in action.get("ForwardConfig", {}).get("TargetGroups", []):
                        print(f"    rule {rule['Priority']}: weight {tg['Weight']:3}%  {tg['TargetGroupArn'].split('/')[-2]}")
    for api in client("apigatewayv2").get_apis()["Items"]:
        print(f"  HTTP API {api['Name']}  {api['ProtocolType']}  execute-api endpoint disabled: {api.get('DisableExecuteApiEndpoint')}")
    for rr in client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]:
        if "AliasTarget" in rr:
            print(f"  alias {rr['Type']:4} {rr['Name']:30} -> {rr['AliasTarget']['DNSName']}")


if __name__ == "__main__":
    main()
