# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the benchmarks share: running and timing commands, process memory,
a scratch btrfs, and the result table (printed and written to bench/results/)."""
import contextlib
import os
import subprocess
import time


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw)


def timed(*cmd, **kw):
    t = time.perf_counter()
    run(*cmd, **kw)
    return time.perf_counter() - t


def lxc_busybox(path, name, rootfs_src, net):
    """An LXC container at path/name on a copy of rootfs_src, configured as
    mgr's busybox template configures its own; net: its lxc.net lines."""
    d = os.path.join(path, name)
    os.makedirs(d)
    run("cp", "-a", rootfs_src, os.path.join(d, "rootfs"))
    with open(os.path.join(d, "config"), "w") as f:
        f.write(f"""lxc.uts.name = {name}
lxc.rootfs.path = dir:{d}/rootfs
lxc.signal.halt = SIGUSR1
lxc.signal.reboot = SIGTERM
lxc.tty.max = 4
lxc.pty.max = 1024
lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed
lxc.autodev = 1
lxc.apparmor.profile = unconfined
{net}
""")


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def memory_kib(pid):
    """RSS, PSS and private memory of a process, in KiB (smaps_rollup)."""
    got = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:", "Private_Clean:", "Private_Dirty:"):
                got[parts[0][:-1]] = int(parts[1])
    return got["Rss"], got["Pss"], got["Private_Clean"] + got["Private_Dirty"]


@contextlib.contextmanager
def btrfs_on_loop(work, size="3G"):
    """A fresh btrfs on a loop device over a sparse file in work, mounted on
    work/btrfs while the block runs; unmounted, detached and removed after,
    whatever happened inside.  The caller destroys what it made there
    first; a mount still busy is detached lazily."""
    image, mnt = os.path.join(work, "btrfs.img"), os.path.join(work, "btrfs")
    dev = None
    try:
        run("truncate", "-s", size, image)
        dev = run("losetup", "--find", "--show", image).stdout.strip()
        run("mkfs.btrfs", "-q", dev)
        os.makedirs(mnt, exist_ok=True)
        run("mount", dev, mnt)
        yield mnt
    finally:
        if os.path.ismount(mnt) and run("umount", mnt, check=False).returncode != 0:
            run("umount", "-l", mnt, check=False)
        if dev:
            run("losetup", "-d", dev, check=False)
        if os.path.exists(image):
            os.unlink(image)


def write_table(out, title, note, rows):
    """rows: (measure, mgr value, lxc value, format) -> a markdown table with
    the ratio, printed and written to out.  A value of None is one that could
    not be measured ("n/a"; the note says why)."""
    def cell(v, fmt):
        return "n/a" if v is None else f"{v:{fmt}}"

    lines = [f"# {title}", "", note, "", "| measure | mgr | lxc | mgr/lxc |", "|---|---|---|---|"]
    for measure, m, l, fmt in rows:
        ratio = "n/a" if m is None or l is None else f"{m / l:.2f}"
        lines.append(f"| {measure} | {cell(m, fmt)} | {cell(l, fmt)} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)


class Mgr:
    """mgr's side: busybox containers under path whose network is net (the
    lines that replace default.conf's)."""
    label = "mgr"

    def __init__(self, path, net="mgr.net.0.type = empty"):
        self.path, self.net = path, net

    def create(self, name, rootfs_src=None):
        os.makedirs(self.path, exist_ok=True)
        conf = os.path.join(self.path, f".{name}.net.conf")
        with open(conf, "w") as f:
            f.write(f"mgr.net =\n{self.net}\n")
        run("mgr-create", "-P", self.path, "-n", name, "-t", "busybox", "-f", conf)

    def start_cmd(self, name):
        # --grace 0: back once RUNNING, as lxc-start -d is (no check that init lives on).
        return ("mgr-start", "-P", self.path, "-n", name, "--grace", "0")

    def kill_cmd(self, name):
        return ("mgr-stop", "-P", self.path, "-n", name, "-k")

    def attach_cmd(self, name):
        return ("mgr-attach", "-P", self.path, "-n", name, "--", "true")

    def freeze_cmds(self, name):
        return (("mgr-freeze", "-P", self.path, "-n", name),
                ("mgr-unfreeze", "-P", self.path, "-n", name))

    def monitor_pid(self, name):
        return parent_of(int(run("mgr-info", "-P", self.path, "-n", name, "-p", "-H").stdout))

    def destroy(self, name):
        run("mgr-destroy", "-P", self.path, "-n", name, "-f", check=False)


class Lxc:
    """LXC's side: the same rootfs copied, configured as mgr's busybox
    template configures its own, with the lxc.net lines net."""
    label = "lxc"

    def __init__(self, path, net="lxc.net.0.type = empty"):
        self.path, self.net = path, net

    def create(self, name, rootfs_src):
        os.makedirs(self.path, exist_ok=True)
        lxc_busybox(self.path, name, rootfs_src, self.net)

    def start_cmd(self, name):
        # lxc-start -d returns once the container runs.
        return ("lxc-start", "-P", self.path, "-n", name)

    def kill_cmd(self, name):
        return ("lxc-stop", "-P", self.path, "-n", name, "-k")

    def attach_cmd(self, name):
        return ("lxc-attach", "-P", self.path, "-n", name, "--", "true")

    def freeze_cmds(self, name):
        return (("lxc-freeze", "-P", self.path, "-n", name),
                ("lxc-unfreeze", "-P", self.path, "-n", name))

    def monitor_pid(self, name):
        return parent_of(int(run("lxc-info", "-P", self.path, "-n", name, "-p", "-H").stdout))

    def destroy(self, name):
        run("lxc-stop", "-P", self.path, "-n", name, "-k", check=False)
        run("lxc-destroy", "-P", self.path, "-n", name, check=False)
