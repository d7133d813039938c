#!/usr/bin/env python3
"""Empties the stack's versioned buckets in the emulator before destroy.

moto delivers S3 server access logs like S3 does, so the logs bucket has objects (and, being
versioned, object versions) by the time the stack is destroyed, and a bucket that is not
empty cannot be deleted. Logging is switched off first, then every bucket is emptied. The stack keeps force_destroy off on purpose: in a real account
nothing should delete data for Terraform's convenience. Usage:
    emulator-empty-buckets.py ENDPOINT BUCKET...
"""
import json
import os
import subprocess
import sys


def aws(endpoint, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    out = subprocess.run(["aws", "--endpoint-url", endpoint, "--region", "ap-southeast-3", "--output", "json", *args],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out) if out.strip() else {}


def empty(endpoint, bucket):
    # The bucket policy refuses every request without TLS, and moto evaluates that Deny
    # without its aws:SecureTransport condition (measured: it refuses TLS requests too), so
    # it refuses everything; destroy removes the policy next anyway.
    aws(endpoint, "s3api", "delete-bucket-policy", "--bucket", bucket)
    deleted = 0
    while True:
        listing = aws(endpoint, "s3api", "list-object-versions", "--bucket", bucket, "--max-keys", "1000")
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in (listing.get("Versions") or []) + (listing.get("DeleteMarkers") or [])]
        if not objects:
            return deleted
        # Dev's audit archive is under a governance-mode lock; only the emulator bypasses it.
        result = aws(endpoint, "s3api", "delete-objects", "--bucket", bucket, "--bypass-governance-retention",
                     "--delete", json.dumps({"Objects": objects, "Quiet": True}))
        if result.get("Errors"):
            first = result["Errors"][0]
            sys.exit(f"emulator-empty-buckets: {bucket}: {len(result['Errors'])} objects not deleted, e.g. {first['Key']}: {first['Code']} {first.get('Message', '')}")
        deleted += len(objects)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    endpoint = sys.argv[1]
    if not endpoint.startswith(("http://127.0.0.1:", "http://localhost:")):
        sys.exit(f"emulator-empty-buckets: {endpoint} is not a local emulator: refusing to delete anything")
    buckets = sys.argv[2:]
    # First stop access logging everywhere, or requests made while destroying would write
    # new logs into the logs bucket after it was emptied.
    for bucket in buckets:
        aws(endpoint, "s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status", "{}")
    for bucket in buckets:
        print(f"emptied {bucket}: {empty(endpoint, bucket)} object versions")


if __name__ == "__main__":
    main()
