#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mgr against LXC with systemd guests: Debian bookworm from each one's own
debian template, measured side by side in one run.

  create from a warm cache   (each template's cache is filled first)
  start until systemd says "running"
  clean stop (systemd halts)
  memory of an idle booted guest: its memory cgroup and its monitor

Run by bench/run --debian as root; prints a table and writes it to
bench/results/debian.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from benchlib import memory_kib, parent_of, run, timed, write_table

RELEASE = "bookworm"


def wait_running(attach):
    """Until systemd inside answers "running"; returns when it did."""
    deadline = time.time() + 120
    while time.time() < deadline:
        r = run(*attach, "systemctl", "is-system-running", "--wait", check=False)
        if r.stdout.strip() in ("running", "degraded"):
            return r.stdout.strip()
        time.sleep(0.05)
    raise RuntimeError("systemd never got to running")


def cgroup_memory_mib(name):
    with open(f"/sys/fs/cgroup/memory/{name}/memory.usage_in_bytes") as f:
        return int(f.read()) / 2**20


class Mgr:
    label = "mgr"

    def __init__(self, path, cache):
        self.path, self.env = path, dict(os.environ, MGR_CACHE_PATH=cache)

    def create(self, name):
        subprocess.run(["mgr-create", "-P", self.path, "-n", name, "-t", "debian", "--",
                        "-r", RELEASE], check=True, env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self, name):
        # --grace 0: back once RUNNING, as lxc-start -d is (no check that init lives on).
        return ("mgr-start", "-P", self.path, "-n", name, "--grace", "0")

    def stop(self, name):
        return ("mgr-stop", "-P", self.path, "-n", name, "-t", "60")

    def attach(self, name):
        return ("mgr-attach", "-P", self.path, "-n", name, "--")

    def init_pid(self, name):
        return int(run("mgr-info", "-P", self.path, "-n", name, "-p", "-H").stdout)

    cgroup = "mgr.payload.{}"

    def destroy(self, name):
        run("mgr-destroy", "-P", self.path, "-n", name, "-f", check=False)


class Lxc:
    label = "lxc"

    def __init__(self, path, conf):
        self.path, self.conf = path, conf

    def create(self, name):
        run("lxc-create", "-P", self.path, "-n", name, "-f", self.conf, "-t", "debian", "--",
            "-r", RELEASE)

    def start(self, name):
        return ("lxc-start", "-P", self.path, "-n", name)

    def stop(self, name):
        return ("lxc-stop", "-P", self.path, "-n", name, "-t", "60")

    def attach(self, name):
        return ("lxc-attach", "-P", self.path, "-n", name, "--")

    def init_pid(self, name):
        return int(run("lxc-info", "-P", self.path, "-n", name, "-p", "-H").stdout)

    cgroup = "lxc.payload.{}"

    def destroy(self, name):
        run("lxc-stop", "-P", self.path, "-n", name, "-k", check=False)
        run("lxc-destroy", "-P", self.path, "-n", name, check=False)


def measure(tool, rounds):
    tool.create("warm")                  # fills the template's cache
    tool.destroy("warm")
    creates = []
    for i in range(rounds):
        t = time.perf_counter()
        tool.create(f"d{i}")
        creates.append(time.perf_counter() - t)
    starts, stops = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        run(*tool.start("d0"))
        wait_running(tool.attach("d0"))
        starts.append(time.perf_counter() - t)
        stops.append(timed(*tool.stop("d0")))
    run(*tool.start("d0"))
    wait_running(tool.attach("d0"))
    time.sleep(10)                       # let the boot's work settle
    pid = tool.init_pid("d0")
    memory = cgroup_memory_mib(tool.cgroup.format("d0"))
    monitor = memory_kib(parent_of(pid))[0] / 1024
    run(*tool.stop("d0"))
    for i in range(rounds):
        tool.destroy(f"d{i}")
    return dict(create=statistics.median(creates), start=statistics.median(starts),
                stop=statistics.median(stops), memory=memory, monitor=monitor)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                  "debian.md"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mgrbench.")
    try:
        conf = os.path.join(work, "lxc.conf")
        with open(conf, "w") as f:
            f.write("lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n")
        os.makedirs(os.path.join(work, "lxc"))
        rows = {}
        for tool in (Mgr(os.path.join(work, "mgr"), os.path.join(work, "cache")),
                     Lxc(os.path.join(work, "lxc"), conf)):
            rows[tool.label] = measure(tool, a.rounds)
        m, l = rows["mgr"], rows["lxc"]
        write_table(a.out, f"mgr vs LXC ({run('lxc-start', '--version').stdout.strip()}), Debian "
                    f"{RELEASE} guests from each one's debian template",
                    f"Medians of {a.rounds} rounds; memory of an idle guest 10 s after boot.", [
                        ("create from a warm cache, s", m["create"], l["create"], ".2f"),
                        ("start until systemd is running, s", m["start"], l["start"], ".2f"),
                        ("clean stop, s", m["stop"], l["stop"], ".2f"),
                        ("idle guest, memory cgroup MiB", m["memory"], l["memory"], ".1f"),
                        ("its monitor, RSS MiB", m["monitor"], l["monitor"], ".2f"),
                    ])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
