# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the benchmarks share: running and timing commands, process memory,
and the result table (printed and written to bench/results/)."""
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


def write_table(out, title, note, rows):
    """rows: (measure, mgr value, lxc value, format) -> a markdown table with
    the ratio, printed and written to out."""
    lines = [f"# {title}", "", note, "", "| measure | mgr | lxc | mgr/lxc |", "|---|---|---|---|"]
    for measure, m, l, fmt in rows:
        lines.append(f"| {measure} | {m:{fmt}} | {l:{fmt}} | {m / l:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
