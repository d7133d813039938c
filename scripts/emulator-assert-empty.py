#!/usr/bin/env python3
"""Asserts, through the AWS APIs, that the emulator holds nothing of the platform after a
destroy (issue 11: a destroy is proven by what is left, not by trusting it): no VPC, subnet,
security group, NAT gateway, address, instance, endpoint, cluster, role, policy, key alias,
enabled key, log group, bucket, queue, topic, database, file system, load balancer, function,
repository, parameter, zone, distribution, web ACL, certificate, API, backup vault, trail,
recorder, detector, alarm, dashboard, runner project, schedule or secret. What moto starts
with (the default VPC and its parts, AWS managed policies, /aws/ parameters) does not count;
a key pending deletion and a secret scheduled for deletion are what a destroy leaves in AWS
too. Two kinds moto itself keeps (KEPT_BY_MOTO) are listed but do not fail. Exit 1 lists
every other leftover.
Usage: emulator-assert-empty.py ENDPOINT
"""
import sys

import boto3

REGION, GLOBAL = "ap-southeast-3", "us-east-1"

# moto 5.2.1 deletes these by name only and silently ignores an ARN, which is what the
# provider sends (the resources' IDs are their ARNs): the destroy asked, real AWS deletes.
KEPT_BY_MOTO = {
    "trail": "DeleteTrail with the trail's ARN",
    "CodeBuild project": "DeleteProject with the project's ARN",
}


def main():
    endpoint = sys.argv[1]
    session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)

    def client(name, region=REGION):
        return session.client(name, endpoint_url=endpoint, region_name=region)

    ec2, iam = client("ec2"), client("iam")
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]}

    checks = {
        "VPC": lambda: [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "subnet": lambda: [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] not in default_vpcs],
        "security group": lambda: [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["VpcId"] not in default_vpcs],
        "NAT gateway": lambda: [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")],
        "Elastic IP": lambda: [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]],
        "instance": lambda: [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                             if i["State"]["Name"] not in ("terminated", "shutting-down")],
        "launch template": lambda: [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]],
        "VPC endpoint": lambda: [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["State"].lower() != "deleted"],
        "flow log": lambda: [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]],
        "EKS cluster": lambda: client("eks").list_clusters()["clusters"],
        "IAM role": lambda: [r["RoleName"] for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")],
        "IAM policy": lambda: [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "instance profile": lambda: [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]],
        "OIDC provider": lambda: [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]],
        "KMS alias": lambda: [a["AliasName"] for a in client("kms").list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")],
        "enabled KMS key": lambda: enabled_keys(client("kms")),
        "log group": lambda: [g["logGroupName"] for g in client("logs").describe_log_groups()["logGroups"]],
        "bucket": lambda: [b["Name"] for b in client("s3").list_buckets()["Buckets"]],
        "queue": lambda: client("sqs").list_queues().get("QueueUrls", []),
        "topic": lambda: [t["TopicArn"] for t in client("sns").list_topics()["Topics"]],
        "database": lambda: [d["DBInstanceIdentifier"] for d in client("rds").describe_db_instances()["DBInstances"]],
        "DB subnet group": lambda: [g["DBSubnetGroupName"] for g in client("rds").describe_db_subnet_groups()["DBSubnetGroups"]],
        "file system": lambda: [f["FileSystemId"] for f in client("efs").describe_file_systems()["FileSystems"]],
        "load balancer": lambda: [lb["LoadBalancerName"] for lb in client("elbv2").describe_load_balancers()["LoadBalancers"]],
        "target group": lambda: [g["TargetGroupName"] for g in client("elbv2").describe_target_groups()["TargetGroups"]],
        "function": lambda: [f["FunctionName"] for f in client("lambda").list_functions()["Functions"]],
        "repository": lambda: [r["repositoryName"] for r in client("ecr").describe_repositories()["repositories"]],
        "parameter": lambda: [p["Name"] for p in client("ssm").describe_parameters()["Parameters"] if not p["Name"].startswith("/aws/")],
        "maintenance window": lambda: [w["Name"] for w in client("ssm").describe_maintenance_windows()["WindowIdentities"]],
        "hosted zone": lambda: [z["Name"] for z in client("route53").list_hosted_zones()["HostedZones"]],
        "distribution": lambda: [d["Id"] for d in client("cloudfront", GLOBAL).list_distributions()["DistributionList"].get("Items", [])],
        "web ACL (regional)": lambda: [a["Name"] for a in client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"]],
        "web ACL (CloudFront)": lambda: [a["Name"] for a in client("wafv2", GLOBAL).list_web_acls(Scope="CLOUDFRONT")["WebACLs"]],
        "certificate": lambda: [c["DomainName"] for region in (REGION, GLOBAL)
                                for c in client("acm", region).list_certificates()["CertificateSummaryList"]],
        "HTTP API": lambda: [a["Name"] for a in client("apigatewayv2").get_apis()["Items"]],
        "backup vault": lambda: [v["BackupVaultName"] for v in client("backup").list_backup_vaults()["BackupVaultList"]],
        "backup plan": lambda: [p["BackupPlanName"] for p in client("backup").list_backup_plans()["BackupPlansList"]],
        "trail": lambda: [t["Name"] for t in client("cloudtrail").describe_trails()["trailList"]],
        "config recorder": lambda: [r["name"] for r in client("config").describe_configuration_recorders()["ConfigurationRecorders"]],
        "GuardDuty detector": lambda: client("guardduty").list_detectors()["DetectorIds"],
        "alarm": lambda: [a["AlarmName"] for a in client("cloudwatch").describe_alarms()["MetricAlarms"]],
        "dashboard": lambda: [d["DashboardName"] for d in client("cloudwatch").list_dashboards()["DashboardEntries"]],
        "CodeBuild project": lambda: client("codebuild").list_projects()["projects"],
        "schedule": lambda: [s["Name"] for s in client("scheduler").list_schedules()["Schedules"]],
        "secret": lambda: [s["Name"] for s in client("secretsmanager").list_secrets()["SecretList"] if not s.get("DeletedDate")],
    }
    leftovers, unchecked = [], []
    for kind, check in checks.items():
        try:
            found = check()
        except Exception as e:  # an API moto does not serve
            unchecked.append(f"{kind} ({type(e).__name__})")
            continue
        if kind in KEPT_BY_MOTO:
            for item in found:
                print(f"moto keeps {kind} {item}: it ignores {KEPT_BY_MOTO[kind]} (real AWS deletes it)")
            continue
        leftovers += [f"{kind}: {item}" for item in found]
    if unchecked:
        print("not checkable in the emulator: " + ", ".join(unchecked))
    if leftovers:
        print(f"the destroy left {len(leftovers)} resources in the emulator:")
        for item in leftovers:
            print("  " + item)
        sys.exit(1)
    print(f"the emulator is empty: {len(checks) - len(unchecked)} kinds of resource checked through the AWS APIs, none left")


def enabled_keys(kms):
    keys = []
    for k in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        if meta["KeyState"] != "PendingDeletion" and meta.get("KeyManager") != "AWS":
            keys.append(k["KeyId"])
    return keys


if __name__ == "__main__":
    main()
