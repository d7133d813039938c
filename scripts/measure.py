#!/usr/bin/env python3
"""Runs a command and prints its wall time and the peak memory of its whole process tree.

/usr/bin/time -v reports only the largest process it waited for; a cdktf synth is a Go
process plus the Node process of the jsii runtime (and, for the CLI, Node and go run), so
this samples the resident memory of every descendant every 50 ms and keeps the peak sum.
Usage: measure.py COMMAND... ; prints "wall_seconds peak_mib" on stderr's last line.
"""
import os
import subprocess
import sys
import time


def children_map():
    kids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(pid))
    return kids


def tree_rss_kib(root):
    kids, total, todo = children_map(), 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def main():
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.stderr.write(err)
        sys.exit(proc.returncode)
    print(f"{wall:.1f} {peak // 1024}")


if __name__ == "__main__":
    main()
