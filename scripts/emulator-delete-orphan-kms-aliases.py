#!/usr/bin/env python3
"""Emulator only: delete KMS aliases that moto created but the state never got.

Seen with moto 5.2.1 under load (CI): a CreateAlias is answered late, the AWS SDK retries
it, and moto rejects the retry of the alias it has just created with AlreadyExistsException.
The first apply fails with that alias outside the state, so a second apply would fail the
same way. This deletes exactly the aliases the deploy log names in that error and the state
does not hold; the next apply creates them again, recorded.
Usage: emulator-delete-orphan-kms-aliases.py STACK_DIR ENDPOINT DEPLOY_LOG
"""
import json
import re
import subprocess
import sys

import boto3


def main():
    stack_dir, endpoint, log = sys.argv[1:4]
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(log, encoding="utf-8", errors="replace").read())
    named = set(re.findall(r"An alias with the name arn:aws:kms:[^:]+:\d+:(alias/[A-Za-z0-9/_-]+) already exists", text))
    if not named:
        return 0
    state = json.loads(subprocess.run(["terraform", "show", "-json"], cwd=stack_dir, check=True,
                                      capture_output=True, text=True).stdout)
    resources = state.get("values", {}).get("root_module", {}).get("resources", [])
    held = {r["values"]["name"] for r in resources if r["type"] == "aws_kms_alias"}
    kms = boto3.client("kms", endpoint_url=endpoint, region_name="ap-southeast-3",
                       aws_access_key_id="test", aws_secret_access_key="test")
    for alias in sorted(named - held):
        kms.delete_alias(AliasName=alias)
        print(f"deleted {alias}: moto created it, the state does not hold it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
