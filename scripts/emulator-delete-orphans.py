#!/usr/bin/env python3
"""Emulator only: delete what the emulator holds of the platform but the state does not
record, so the next apply creates it again, recorded.

Two things leave such orphans. moto 5.2.1 under load answers a create late, the AWS SDK
retries it, and moto rejects the retry of what it has just created (seen: KMS aliases,
launch templates). And a deploy stopped part-way (SIGINT: the interrupted-deploy drill):
the provider abandons the calls in flight, some of which AWS has carried out (seen: an SSM
parameter). Either way the next apply fails on "already exists", or for an unnamed kind
would create a second one. Security group rules are emulator-revoke-orphan-sg-rules.py's.

The inventory (emulator_inventory.py) is compared with every string the state holds; what
the state does not name is deleted, kind by kind. A kind without a deleter (clusters,
zones, distributions, web ACLs) is listed for deletion by hand, and the exit is 1.
Usage: emulator-delete-orphans.py STACK_DIR ENDPOINT
"""
import sys

from emulator_inventory import DELETE, Emulator, beyond_state, state_values


def main():
    stack_dir, endpoint = sys.argv[1:3]
    aws = Emulator(endpoint)
    orphans, _, _ = beyond_state(aws, state_values(stack_dir))
    by_hand = []
    # Children before their parents (a subnet before its VPC): the inventory lists parents first.
    for kind, item in reversed(orphans):
        if kind not in DELETE:
            by_hand.append(f"{kind}: {item}")
            continue
        DELETE[kind](aws, item)
        print(f"deleted {kind} {item}: the emulator held it, the state does not")
    print(f"{len(orphans) - len(by_hand)} orphan(s) deleted")
    if by_hand:
        print("delete these by hand, no deleter knows their kind:")
        for item in by_hand:
            print("  " + item)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
