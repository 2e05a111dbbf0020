#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What being unprivileged costs: mgr-create of a Debian guest from a warm
cache, privileged, unprivileged with an idmapped rootfs (the default) and
unprivileged with its files shifted (mgr.rootfs.idmapped = 0), the three
taking turns round by round; then the start of each to "running".

Run by bench/run --privilege as root; prints a table and writes it to
bench/results/privilege.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from benchlib import run

RELEASE = "bookworm"
VARIANTS = (
    ("privileged (--privileged)", ["--privileged"], ""),
    ("unprivileged, idmapped rootfs (default)", [], ""),
    ("unprivileged, files shifted", [], "mgr.rootfs.idmapped = 0\n"),
)


def create(path, env, name, opts, conf):
    t = time.perf_counter()
    subprocess.run(["mgr-create", "-P", path, "-n", name, "-t", "debian", "-f", conf, *opts,
                    "--", "-r", RELEASE], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def boot(path, name):
    t = time.perf_counter()
    run("mgr-start", "-P", path, "-n", name, "--grace", "0")
    deadline = time.time() + 120
    while time.time() < deadline:
        r = run("mgr-attach", "-P", path, "-n", name, "--", "systemctl", "is-system-running",
                "--wait", check=False)
        if r.stdout.strip() in ("running", "degraded"):
            took = time.perf_counter() - t
            run("mgr-stop", "-P", path, "-n", name, "-k")
            return took
        time.sleep(0.05)
    raise RuntimeError(f"{name} never got to running")


def spread(v):
    return f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                  "privilege.md"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mgrbench.")
    path = os.path.join(work, "ct")
    os.makedirs(path)
    os.chmod(work, 0o755)
    subid = os.path.join(work, "subid")
    with open(subid, "w") as f:
        f.write("root:10000000:100000000\n")
    env = dict(os.environ, MGR_CACHE_PATH=os.path.join(work, "cache"),
               MGR_SUBUID_FILE=subid, MGR_SUBGID_FILE=subid)
    os.environ.update(MGR_SUBUID_FILE=subid, MGR_SUBGID_FILE=subid)
    try:
        confs = []
        for i, (_, _, extra) in enumerate(VARIANTS):
            conf = os.path.join(work, f"v{i}.conf")
            with open(conf, "w") as f:
                f.write("mgr.net =\nmgr.net.0.type = empty\n" + extra)
            confs.append(conf)
        create(path, env, "warm", [], confs[0])          # fills the cache
        creates = [[] for _ in VARIANTS]
        boots = [[] for _ in VARIANTS]
        for r in range(a.rounds):
            # Each kind goes first, second and third in turn; the writes of
            # the one before are on disk before a create is timed.
            for k in range(len(VARIANTS)):
                i = (r + k) % len(VARIANTS)
                opts = VARIANTS[i][1]
                name = f"v{i}r{r}"
                os.sync()
                creates[i].append(create(path, env, name, opts, confs[i]))
                if r < 3:
                    boots[i].append(boot(path, name))
        # Kept to the end: on an ext4 without a journal, creating files
        # just after a large tree was deleted is several times slower (see
        # RESULTS.md, copies), which would time the deletion, not the kind.
        base = statistics.median(creates[0])
        lines = [f"# What being unprivileged costs: Debian {RELEASE} guests", "",
                 f"mgr-create from a warm cache, the three kinds taking turns round by round, "
                 f"each first in turn ({a.rounds} rounds; median (min-max) in s), and the boot to \"running\" "
                 f"(3 rounds each).", "",
                 "| kind | create, s | create / privileged | boot to running, s |",
                 "|---|---|---|---|"]
        for i, (label, _, _) in enumerate(VARIANTS):
            lines.append(f"| {label} | {spread(creates[i])} | "
                         f"{statistics.median(creates[i]) / base:.2f} | {spread(boots[i])} |")
        text = "\n".join(lines) + "\n"
        print(text)
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        with open(a.out, "w") as f:
            f.write(text)
    finally:
        for d in os.listdir(path):
            run("mgr-destroy", "-P", path, "-n", d, "-f", check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
