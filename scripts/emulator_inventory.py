"""What the emulator holds of the platform, asked through the AWS APIs (issue 11), shared by
emulator-assert-empty.py (nothing left after a destroy; nothing beyond the state after a
deploy) and emulator-delete-orphans.py (delete what the state does not record).

Each kind is listed by the identifier the state records for it (a name, an ID or an ARN), so
an object is the stack's exactly when that string appears somewhere in the state. What moto
starts with (the default VPC and its parts, AWS managed policies and keys, /aws/
parameters, service-linked roles) is not listed.
"""
import json
import subprocess

import boto3

REGION, GLOBAL = "ap-southeast-3", "us-east-1"


class Emulator:
    """boto3 clients for the emulator at endpoint, made once per service and region."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
        self.clients = {}

    def __call__(self, service, region=REGION):
        key = (service, region)
        if key not in self.clients:
            self.clients[key] = self.session.client(service, endpoint_url=self.endpoint, region_name=region)
        return self.clients[key]


def inventory(aws):
    """{kind: listing}: each listing returns the identifiers of that kind in the emulator."""
    ec2, iam = aws("ec2"), aws("iam")
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]}
    return {
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
        "EKS cluster": lambda: aws("eks").list_clusters()["clusters"],
        "IAM role": lambda: [r["RoleName"] for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")],
        "IAM policy": lambda: [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "instance profile": lambda: [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]],
        "OIDC provider": lambda: [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]],
        "KMS alias": lambda: [a["AliasName"] for a in aws("kms").list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")],
        "enabled KMS key": lambda: enabled_keys(aws("kms")),
        "log group": lambda: [g["logGroupName"] for g in aws("logs").describe_log_groups()["logGroups"]],
        "bucket": lambda: [b["Name"] for b in aws("s3").list_buckets()["Buckets"]],
        "queue": lambda: aws("sqs").list_queues().get("QueueUrls", []),
        "topic": lambda: [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]],
        "database": lambda: [d["DBInstanceIdentifier"] for d in aws("rds").describe_db_instances()["DBInstances"]],
        "DB subnet group": lambda: [g["DBSubnetGroupName"] for g in aws("rds").describe_db_subnet_groups()["DBSubnetGroups"]],
        "file system": lambda: [f["FileSystemId"] for f in aws("efs").describe_file_systems()["FileSystems"]],
        "load balancer": lambda: [lb["LoadBalancerArn"] for lb in aws("elbv2").describe_load_balancers()["LoadBalancers"]],
        "target group": lambda: [g["TargetGroupArn"] for g in aws("elbv2").describe_target_groups()["TargetGroups"]],
        "function": lambda: [f["FunctionName"] for f in aws("lambda").list_functions()["Functions"]],
        "repository": lambda: [r["repositoryName"] for r in aws("ecr").describe_repositories()["repositories"]],
        "parameter": lambda: [p["Name"] for p in aws("ssm").describe_parameters()["Parameters"] if not p["Name"].startswith("/aws/")],
        "maintenance window": lambda: [w["WindowId"] for w in aws("ssm").describe_maintenance_windows()["WindowIdentities"]],
        "hosted zone": lambda: [z["Id"].removeprefix("/hostedzone/") for z in aws("route53").list_hosted_zones()["HostedZones"]],
        "distribution": lambda: [d["Id"] for d in aws("cloudfront", GLOBAL).list_distributions()["DistributionList"].get("Items", [])],
        "web ACL (regional)": lambda: [a["ARN"] for a in aws("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"]],
        "web ACL (CloudFront)": lambda: [a["ARN"] for a in aws("wafv2", GLOBAL).list_web_acls(Scope="CLOUDFRONT")["WebACLs"]],
        "certificate": lambda: [c["CertificateArn"] for region in (REGION, GLOBAL)
                                for c in aws("acm", region).list_certificates()["CertificateSummaryList"]],
        "HTTP API": lambda: [a["ApiId"] for a in aws("apigatewayv2").get_apis()["Items"]],
        "backup vault": lambda: [v["BackupVaultName"] for v in aws("backup").list_backup_vaults()["BackupVaultList"]],
        "backup plan": lambda: [p["BackupPlanId"] for p in aws("backup").list_backup_plans()["BackupPlansList"]],
        "trail": lambda: [t["Name"] for t in aws("cloudtrail").describe_trails()["trailList"]],
        "config recorder": lambda: [r["name"] for r in aws("config").describe_configuration_recorders()["ConfigurationRecorders"]],
        "GuardDuty detector": lambda: aws("guardduty").list_detectors()["DetectorIds"],
        "alarm": lambda: [a["AlarmName"] for a in aws("cloudwatch").describe_alarms()["MetricAlarms"]],
        "dashboard": lambda: [d["DashboardName"] for d in aws("cloudwatch").list_dashboards()["DashboardEntries"]],
        "CodeBuild project": lambda: aws("codebuild").list_projects()["projects"],
        "schedule": lambda: [s["Name"] for s in aws("scheduler").list_schedules()["Schedules"]],
        # By ARN: the state holds the database's RDS-managed secret by its ARN only.
        "secret": lambda: [s["ARN"] for s in aws("secretsmanager").list_secrets()["SecretList"] if not s.get("DeletedDate")],
    }


def enabled_keys(kms):
    keys = []
    for k in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        if meta["KeyState"] != "PendingDeletion" and meta.get("KeyManager") != "AWS":
            keys.append(k["KeyId"])
    return keys


def delete_role(iam, name):
    for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
    for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=p)
    for p in iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=p["InstanceProfileName"], RoleName=name)
    iam.delete_role(RoleName=name)


def delete_nat_gateway(ec2, nat_id):
    """Deletes a NAT gateway as AWS does: its Elastic IP disassociated, its network interface
    gone. moto only marks the gateway deleted and leaves the address associated with the
    interface, so the gateway the next apply creates with that address fails on
    Resource.AlreadyAssociated (seen after the interrupted-deploy drill abandoned one)."""
    gateway = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
    ec2.delete_nat_gateway(NatGatewayId=nat_id)
    for address in gateway.get("NatGatewayAddresses", []):
        eni = address.get("NetworkInterfaceId")
        if not eni:
            continue
        for held in ec2.describe_addresses(Filters=[{"Name": "network-interface-id", "Values": [eni]}])["Addresses"]:
            ec2.disassociate_address(AssociationId=held["AssociationId"])
        ec2.delete_network_interface(NetworkInterfaceId=eni)


def delete_instance_profile(iam, name):
    for r in iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=r["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=name)


# How to delete one object of a kind, given its identifier. The kinds without an entry
# (clusters, zones, distributions, web ACLs) take several dependent calls; an orphan of
# those is reported for deletion by hand.
DELETE = {
    "VPC": lambda aws, i: aws("ec2").delete_vpc(VpcId=i),
    "subnet": lambda aws, i: aws("ec2").delete_subnet(SubnetId=i),
    "security group": lambda aws, i: aws("ec2").delete_security_group(GroupId=i),
    "NAT gateway": lambda aws, i: delete_nat_gateway(aws("ec2"), i),
    "Elastic IP": lambda aws, i: aws("ec2").release_address(AllocationId=i),
    "instance": lambda aws, i: aws("ec2").terminate_instances(InstanceIds=[i]),
    "launch template": lambda aws, i: aws("ec2").delete_launch_template(LaunchTemplateName=i),
    "VPC endpoint": lambda aws, i: aws("ec2").delete_vpc_endpoints(VpcEndpointIds=[i]),
    "flow log": lambda aws, i: aws("ec2").delete_flow_logs(FlowLogIds=[i]),
    "IAM role": lambda aws, i: delete_role(aws("iam"), i),
    "IAM policy": lambda aws, i: aws("iam").delete_policy(PolicyArn=i),
    "instance profile": lambda aws, i: delete_instance_profile(aws("iam"), i),
    "OIDC provider": lambda aws, i: aws("iam").delete_open_id_connect_provider(OpenIDConnectProviderArn=i),
    "KMS alias": lambda aws, i: aws("kms").delete_alias(AliasName=i),
    "enabled KMS key": lambda aws, i: aws("kms").schedule_key_deletion(KeyId=i, PendingWindowInDays=7),
    "log group": lambda aws, i: aws("logs").delete_log_group(logGroupName=i),
    "bucket": lambda aws, i: aws("s3").delete_bucket(Bucket=i),
    "queue": lambda aws, i: aws("sqs").delete_queue(QueueUrl=i),
    "topic": lambda aws, i: aws("sns").delete_topic(TopicArn=i),
    "database": lambda aws, i: aws("rds").delete_db_instance(DBInstanceIdentifier=i, SkipFinalSnapshot=True, DeleteAutomatedBackups=True),
    "DB subnet group": lambda aws, i: aws("rds").delete_db_subnet_group(DBSubnetGroupName=i),
    "file system": lambda aws, i: aws("efs").delete_file_system(FileSystemId=i),
    "load balancer": lambda aws, i: aws("elbv2").delete_load_balancer(LoadBalancerArn=i),
    "target group": lambda aws, i: aws("elbv2").delete_target_group(TargetGroupArn=i),
    "function": lambda aws, i: aws("lambda").delete_function(FunctionName=i),
    "repository": lambda aws, i: aws("ecr").delete_repository(repositoryName=i, force=True),
    "parameter": lambda aws, i: aws("ssm").delete_parameter(Name=i),
    "maintenance window": lambda aws, i: aws("ssm").delete_maintenance_window(WindowId=i),
    "certificate": lambda aws, i: aws("acm", i.split(":")[3]).delete_certificate(CertificateArn=i),
    "HTTP API": lambda aws, i: aws("apigatewayv2").delete_api(ApiId=i),
    "backup vault": lambda aws, i: aws("backup").delete_backup_vault(BackupVaultName=i),
    "backup plan": lambda aws, i: aws("backup").delete_backup_plan(BackupPlanId=i),
    "trail": lambda aws, i: aws("cloudtrail").delete_trail(Name=i),
    "config recorder": lambda aws, i: aws("config").delete_configuration_recorder(ConfigurationRecorderName=i),
    "GuardDuty detector": lambda aws, i: aws("guardduty").delete_detector(DetectorId=i),
    "alarm": lambda aws, i: aws("cloudwatch").delete_alarms(AlarmNames=[i]),
    "dashboard": lambda aws, i: aws("cloudwatch").delete_dashboards(DashboardNames=[i]),
    "CodeBuild project": lambda aws, i: aws("codebuild").delete_project(name=i),
    "schedule": lambda aws, i: aws("scheduler").delete_schedule(Name=i),
    "secret": lambda aws, i: aws("secretsmanager").delete_secret(SecretId=i, ForceDeleteWithoutRecovery=True),
}


def state_resources(stack_dir):
    """The resources of the stack's state (terraform show -json), each with its type,
    address and values; child modules' too."""
    state = json.loads(subprocess.run(["terraform", "show", "-json"], cwd=stack_dir, check=True,
                                      capture_output=True, text=True).stdout)
    out = []

    def module(m):
        out.extend(m.get("resources", []))
        for child in m.get("child_modules", []):
            module(child)

    module(state.get("values", {}).get("root_module", {}))
    return out


def state_values(stack_dir):
    """Every string in the stack's state (IDs, names, ARNs, URLs, nested ones too)."""
    out = set()

    def walk(v):
        if isinstance(v, str):
            out.add(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for r in state_resources(stack_dir):
        walk(r.get("values", {}))
    return out


def beyond_state(aws, held):
    """(objects the held strings do not name, as (kind, identifier); the kinds the emulator
    does not serve; how many kinds were checked)."""
    found, unchecked = [], []
    kinds = inventory(aws)
    for kind, listing in kinds.items():
        try:
            items = listing()
        except Exception as e:  # an API moto does not serve
            unchecked.append(f"{kind} ({type(e).__name__})")
            continue
        found += [(kind, item) for item in items if item not in held]
    return found, unchecked, len(kinds) - len(unchecked)
