#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Unprivileged busybox containers (a user namespace of 65536 subordinate
ids), mgr against LXC in one run: start, kill and attach, and the one-time
cost of mgr-create -U (its shift of the rootfs) against a plain create.

Run as root through bench/run --userns.  LXC's container runs on a copy of
mgr's shifted rootfs with the same lxc.idmap lines.  The table goes to
bench/results/userns.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import Lxc, Mgr, run, timed, write_table

ROUNDS = 20


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "userns.md"))
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="mgrbench.")
    os.chmod(work, 0o755)
    subid = os.path.join(work, "subid")
    with open(subid, "w") as f:
        f.write("root:5000000:1000000\n")
    os.environ["MGR_SUBUID_FILE"] = os.environ["MGR_SUBGID_FILE"] = subid
    mgr, lxc = Mgr(os.path.join(work, "mgr")), Lxc(os.path.join(work, "lxc"))
    try:
        os.makedirs(mgr.path)
        conf = os.path.join(work, "net.conf")
        with open(conf, "w") as f:
            f.write("mgr.net =\nmgr.net.0.type = empty\n")
        create = lambda n, *extra: timed("mgr-create", "-P", mgr.path, "-n", n, "-t", "busybox",
                                         "-f", conf, *extra)
        plain = statistics.median(create(f"p{i}") for i in range(5))
        shifted = statistics.median(create(f"u{i}", "-U") for i in range(5))
        for i in range(5):
            run("mgr-destroy", "-P", mgr.path, "-n", f"p{i}")
            if i:
                run("mgr-destroy", "-P", mgr.path, "-n", f"u{i}")
        maps = [l for l in open(os.path.join(mgr.path, "u0", "config")) if "idmap =" in l]
        lxc.net = "lxc.net.0.type = empty\n" + "".join(l.replace("mgr.", "lxc.") for l in maps)
        lxc.create("u0", os.path.join(mgr.path, "u0", "rootfs"))

        rows = {}
        for tool in (mgr, lxc):
            starts, kills = [], []
            for _ in range(a.rounds):
                starts.append(timed(*tool.start_cmd("u0")))
                kills.append(timed(*tool.kill_cmd("u0")))
            run(*tool.start_cmd("u0"))
            attach = [timed(*tool.attach_cmd("u0"), stdin=subprocess.DEVNULL)
                      for _ in range(a.rounds)]
            uid = run(*tool.attach_cmd("u0")[:-1], "id", "-u").stdout.strip()
            assert uid == "0", f"{tool.label}: root inside is {uid}"
            run(*tool.kill_cmd("u0"))
            rows[tool.label] = dict(start=statistics.median(starts) * 1000,
                                    kill=statistics.median(kills) * 1000,
                                    attach=statistics.median(attach) * 1000)
        m, l = rows["mgr"], rows["lxc"]
        write_table(a.out, f"Unprivileged containers: mgr vs LXC "
                    f"({run('lxc-start', '--version').stdout.strip()}), busybox rootfs",
                    f"{a.rounds} rounds for the medians; maps {maps[0].split('=')[1].strip()} "
                    f"and its g twin; create: median of 5, mgr only (the shift is mgr's).", [
                        ("start to RUNNING, median ms", m["start"], l["start"], ".1f"),
                        ("kill-stop, median ms", m["kill"], l["kill"], ".1f"),
                        ("attach -- true, median ms", m["attach"], l["attach"], ".1f"),
                        ("mgr-create busybox, ms", plain * 1000, None, ".1f"),
                        ("mgr-create -U busybox (with the shift), ms", shifted * 1000, None, ".1f"),
                    ])
    finally:
        mgr.destroy("u0")
        lxc.destroy("u0")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
