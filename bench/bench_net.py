#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mgr against LXC with a veth on a bridge: start to RUNNING of one
container, and 50 containers each with a veth (start all, then stop all),
in one run on the same busybox rootfs.  The bridge is made for the run and
removed after; nothing is sent anywhere.

Run by bench/run --net as root; writes bench/results/net.md.
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time

from benchlib import Lxc, Mgr, run, timed, write_table

BRIDGE = "mgrbench0"


def measure(tool, rootfs, rounds, many):
    tool.create("one", rootfs)
    starts = []
    for _ in range(rounds):
        starts.append(timed(*tool.start_cmd("one")))
        run(*tool.kill_cmd("one"))
    names = [f"c{i}" for i in range(many)]
    for n in names:
        tool.create(n, rootfs)
    t = time.perf_counter()
    for n in names:
        run(*tool.start_cmd(n))
    start_all = time.perf_counter() - t
    t = time.perf_counter()
    for n in names:
        run(*tool.kill_cmd(n))
    stop_all = time.perf_counter() - t
    for n in names + ["one"]:
        tool.destroy(n)
    return dict(start=statistics.median(starts) * 1000, start_all=start_all, stop_all=stop_all)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--many", type=int, default=50)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "net.md"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mgrbench.")
    run("ip", "link", "add", BRIDGE, "type", "bridge")
    run("ip", "link", "set", BRIDGE, "up")
    try:
        mgr = Mgr(os.path.join(work, "mgr"), f"mgr.net.0.type = veth\nmgr.net.0.link = {BRIDGE}\n"
                  "mgr.net.0.flags = up")
        lxc = Lxc(os.path.join(work, "lxc"), f"lxc.net.0.type = veth\nlxc.net.0.link = {BRIDGE}\n"
                  "lxc.net.0.flags = up")
        run("mgr-create", "-P", work, "-n", "src", "-t", "busybox")
        rootfs = os.path.join(work, "src", "rootfs")
        rows = {t.label: measure(t, rootfs, a.rounds, a.many) for t in (mgr, lxc)}
        run("mgr-destroy", "-P", work, "-n", "src")
        m, l = rows["mgr"], rows["lxc"]
        write_table(a.out, f"mgr vs LXC ({run('lxc-start', '--version').stdout.strip()}), "
                    "busybox with a veth on a bridge",
                    f"{a.rounds} rounds for the median; {a.many} containers for start all / stop all.", [
                        ("start to RUNNING, median ms", m["start"], l["start"], ".1f"),
                        (f"start {a.many}, s", m["start_all"], l["start_all"], ".2f"),
                        (f"kill {a.many}, s", m["stop_all"], l["stop_all"], ".2f"),
                    ])
    finally:
        run("ip", "link", "del", BRIDGE, check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
