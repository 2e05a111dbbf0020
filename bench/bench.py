#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Side-by-side timings of mgr and LXC on the same busybox rootfs, in one run.

Run as root after a build: bench/run (it puts the build tree first in PATH,
installs LXC if missing and calls this script).  Prints a table of medians
and ratios and writes it to bench/results/latest.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import Lxc, Mgr, memory_kib, run, timed, write_table

ROUNDS = 20


def measure(tool, name, rounds):
    starts, kills = [], []
    for _ in range(rounds):
        starts.append(timed(*tool.start_cmd(name)))
        kills.append(timed(*tool.kill_cmd(name)))
    return starts, kills


def attach_times(tool, name, rounds):
    """A command in the running container; no terminal, so neither makes a pty."""
    return [timed(*tool.attach_cmd(name), stdin=subprocess.DEVNULL) for _ in range(rounds)]


def freeze_times(tool, name, rounds):
    """Freeze, then thaw the running container: each returns once done
    (FROZEN, then RUNNING again)."""
    freeze, thaw = tool.freeze_cmds(name)
    return [timed(*freeze) + timed(*thaw) for _ in range(rounds)]


def sequential(tool, name, count):
    t = time.perf_counter()
    for _ in range(count):
        run(*tool.start_cmd(name))
        run(*tool.kill_cmd(name))
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("--sequential", type=int, default=100)
    ap.add_argument("--freeze-rounds", type=int, default=100)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "latest.md"))
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="mgrbench.")
    try:
        mgr = Mgr(os.path.join(work, "mgr"))
        lxc = Lxc(os.path.join(work, "lxc"))
        mgr.create("b", None)
        lxc.create("b", os.path.join(mgr.path, "b", "rootfs"))

        rows = {}
        for tool in (mgr, lxc):
            s, k = measure(tool, "b", a.rounds)
            run(*tool.start_cmd("b"))
            time.sleep(0.5)
            rss, pss, private = memory_kib(tool.monitor_pid("b"))
            attach = attach_times(tool, "b", a.rounds)
            freeze = freeze_times(tool, "b", a.freeze_rounds)
            run(*tool.kill_cmd("b"))
            seq = sequential(tool, "b", a.sequential)
            rows[tool.label] = dict(start=statistics.median(s) * 1000,
                                    kill=statistics.median(k) * 1000,
                                    attach=statistics.median(attach) * 1000,
                                    freeze=statistics.median(freeze) * 1000,
                                    freeze_max=max(freeze) * 1000,
                                    seq=seq, rss=rss / 1024, pss=pss / 1024,
                                    private=private / 1024)

        m, l = rows["mgr"], rows["lxc"]
        write_table(a.out, f"mgr vs LXC ({run('lxc-start', '--version').stdout.strip()}), busybox rootfs",
                    f"{a.rounds} rounds for the medians; {a.sequential} sequential start+kill; "
                    f"{a.freeze_rounds} freeze+thaw rounds of the idle container.", [
                        ("start to RUNNING, median ms", m["start"], l["start"], ".1f"),
                        ("kill-stop, median ms", m["kill"], l["kill"], ".1f"),
                        ("attach -- true, median ms", m["attach"], l["attach"], ".1f"),
                        ("freeze+thaw round trip, median ms", m["freeze"], l["freeze"], ".1f"),
                        (f"freeze+thaw round trip, max of {a.freeze_rounds}, ms",
                         m["freeze_max"], l["freeze_max"], ".1f"),
                        (f"{a.sequential} sequential start+kill, s", m["seq"], l["seq"], ".2f"),
                        ("monitor RSS, MiB", m["rss"], l["rss"], ".2f"),
                        ("monitor PSS, MiB", m["pss"], l["pss"], ".2f"),
                        ("monitor private, MiB", m["private"], l["private"], ".2f"),
                    ])
    finally:
        for tool in (Mgr(os.path.join(work, "mgr")), Lxc(os.path.join(work, "lxc"))):
            tool.destroy("b")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
