#!/usr/bin/env python3
"""Emulator only: delete what moto created but the state never got.

Seen with moto 5.2.1 under load (CI): a create call is answered late, the AWS SDK retries
it, and moto rejects the retry of what it has just created as already existing: KMS aliases
(AlreadyExistsException) and launch templates (InvalidLaunchTemplateName.AlreadyExists).
The first apply fails with that object outside the state, so a second apply would fail the
same way. This deletes exactly the objects the deploy log names in those errors and the
state does not hold; the next apply creates them again, recorded.
Usage: emulator-delete-orphans.py STACK_DIR ENDPOINT DEPLOY_LOG
"""
import json
import re
import subprocess
import sys

import boto3


def main():
    stack_dir, endpoint, log = sys.argv[1:4]
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(log, encoding="utf-8", errors="replace").read())
    aliases = set(re.findall(r"An alias with the name arn:aws:kms:[^:]+:\d+:(alias/[A-Za-z0-9/_-]+) already exists", text))
    templates = set(re.findall(r"creating EC2 Launch Template \(([A-Za-z0-9._-]+)\):.*InvalidLaunchTemplateName\.AlreadyExists", text))
    if not aliases and not templates:
        return 0
    state = json.loads(subprocess.run(["terraform", "show", "-json"], cwd=stack_dir, check=True,
                                      capture_output=True, text=True).stdout)
    resources = state.get("values", {}).get("root_module", {}).get("resources", [])
    held = lambda typ: {r["values"]["name"] for r in resources if r["type"] == typ}
    client = lambda name: boto3.client(name, endpoint_url=endpoint, region_name="ap-southeast-3",
                                       aws_access_key_id="test", aws_secret_access_key="test")
    for alias in sorted(aliases - held("aws_kms_alias")):
        client("kms").delete_alias(AliasName=alias)
        print(f"deleted KMS alias {alias}: moto created it, the state does not hold it")
    for template in sorted(templates - held("aws_launch_template")):
        client("ec2").delete_launch_template(LaunchTemplateName=template)
        print(f"deleted launch template {template}: moto created it, the state does not hold it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
