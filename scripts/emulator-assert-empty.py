#!/usr/bin/env python3
"""Asserts, through the AWS APIs, that the emulator holds nothing of the platform after a
destroy (issue 11: a destroy is proven by what is left, not by trusting it): no VPC, subnet,
security group, NAT gateway, address, instance, endpoint, cluster, role, policy, key alias,
enabled key, log group, bucket, queue, topic, database, file system, load balancer, function,
repository, parameter, zone, distribution, web ACL, certificate, API, backup vault, trail,
recorder, detector, alarm, dashboard, runner project, schedule or secret (the inventory in
emulator_inventory.py). What moto starts with does not count; a key pending deletion and a
secret scheduled for deletion are what a destroy leaves in AWS too. Two kinds moto itself
keeps (KEPT_BY_MOTO) are listed but do not fail. Exit 1 lists every other leftover.

With STACK_DIR (a deployed stack), the same inventory may hold exactly what the stack's
state records: anything else is a duplicate or an orphan, e.g. what an interrupted deploy
created but did not record and the next deploy created again.
Usage: emulator-assert-empty.py ENDPOINT [STACK_DIR]
"""
import sys

from emulator_inventory import Emulator, beyond_state, state_values

# moto 5.2.1 deletes these by name only and silently ignores an ARN, which is what the
# provider sends (the resources' IDs are their ARNs): the destroy asked, real AWS deletes.
KEPT_BY_MOTO = {
    "trail": "DeleteTrail with the trail's ARN",
    "CodeBuild project": "DeleteProject with the project's ARN",
}


def main():
    endpoint = sys.argv[1]
    held = state_values(sys.argv[2]) if len(sys.argv) > 2 else set()
    found, unchecked, checked = beyond_state(Emulator(endpoint), held)
    leftovers = []
    for kind, item in found:
        if kind in KEPT_BY_MOTO and not held:
            print(f"moto keeps {kind} {item}: it ignores {KEPT_BY_MOTO[kind]} (real AWS deletes it)")
            continue
        leftovers.append(f"{kind}: {item}")
    if unchecked:
        print("not checkable in the emulator: " + ", ".join(unchecked))
    if leftovers:
        what = "the state does not hold" if held else "the destroy left"
        print(f"{what} {len(leftovers)} resources in the emulator:")
        for item in leftovers:
            print("  " + item)
        sys.exit(1)
    if held:
        print(f"the emulator holds what the state records and nothing else: {checked} kinds of resource checked through the AWS APIs")
    else:
        print(f"the emulator is empty: {checked} kinds of resource checked through the AWS APIs, none left")


if __name__ == "__main__":
    main()
