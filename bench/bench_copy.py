#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mgr-copy against lxc-copy, side by side in one run, from the same trees:

  full copy of a Debian bookworm rootfs (dir backend)
  overlay snapshot of a dir container, from a Debian and from a busybox source
  btrfs snapshot, the same two sources on a btrfs made on a loop device

The Debian tree comes from mgr's debian template (its cache, MGR_CACHE_PATH
or /var/cache/mgr, is kept for the next run), the busybox tree from mgr's
busybox template; each tool's source containers are made from them by one
template that copies a tree.  The tools take turns in every round, after one
untimed copy each; every copy is checked (its backend; on btrfs, that it is
a snapshot of its source) and destroyed before the next (full copies: after
the last), and the page cache is synced before each timed command.

Run by bench/run --copy as root; prints a table and writes it to
bench/results/copy.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import btrfs_on_loop, run, timed, write_table

RELEASE = "bookworm"
SOURCES = ("debian", "busybox")
SHOWN = {"debian": "Debian", "busybox": "busybox"}

# Both tools call a template given as a path with --rootfs=DIR among their
# arguments, and pass it what follows "--".
COPY_TEMPLATE = """#!/bin/sh
# Fills --rootfs with a copy of the tree --from.
for a; do
	case $a in
	--rootfs=*) rootfs=${a#--rootfs=} ;;
	--from=*) from=${a#--from=} ;;
	esac
done
exec cp -a "$from/." "$rootfs/"
"""


def config_value(path, key):
    """The last value given to key in the config file at path."""
    value = None
    with open(path) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep and k.strip() == key:
                value = v.strip()
    return value


def subvolume_field(path, field):
    for line in run("btrfs", "subvolume", "show", path).stdout.splitlines():
        k, sep, v = line.strip().partition(":")
        if sep and k.strip() == field:
            return v.strip()
    return None


class Mgr:
    label = "mgr"

    def __init__(self, path, conf):
        self.path, self.conf = path, conf

    def create(self, name, template, tree, backend):
        run("mgr-create", "-P", self.path, "-n", name, "-B", backend, "-f", self.conf,
            "-t", template, "--", f"--from={tree}")

    def copy_cmd(self, name, new):
        return ("mgr-copy", "-P", self.path, "-n", name, "-N", new)

    def snapshot_cmd(self, name, new):
        # An overlay for a dir source, a btrfs snapshot for a btrfs one.
        return (*self.copy_cmd(name, new), "-s")

    def rootfs(self, name):
        return config_value(os.path.join(self.path, name, "config"), "mgr.rootfs.path")

    def destroy(self, name):
        run("mgr-destroy", "-P", self.path, "-n", name, "-f", check=False)


class Lxc:
    label = "lxc"

    def __init__(self, path, conf):
        self.path, self.conf = path, conf

    def create(self, name, template, tree, backend):
        os.makedirs(self.path, exist_ok=True)
        run("lxc-create", "-P", self.path, "-n", name, "-B", backend, "-f", self.conf,
            "-t", template, "--", f"--from={tree}")

    def copy_cmd(self, name, new):
        return ("lxc-copy", "-P", self.path, "-n", name, "-N", new)

    def snapshot_cmd(self, name, new):
        # lxc-copy keeps the source's backend unless told: a dir source
        # needs -B overlay for a snapshot, a btrfs one snapshots as it is.
        cmd = (*self.copy_cmd(name, new), "-s")
        return (*cmd, "-B", "overlay") if self.rootfs(name).startswith("dir:") else cmd

    def rootfs(self, name):
        return config_value(os.path.join(self.path, name, "config"), "lxc.rootfs.path")

    def destroy(self, name):
        run("lxc-destroy", "-P", self.path, "-n", name, check=False)


def check(tool, src, new, kind):
    """That new is what we meant to time: a kind copy of src."""
    spec = tool.rootfs(new) or ""
    if not spec.startswith(kind + ":"):
        raise RuntimeError(f"{tool.label}: {new}'s rootfs is {spec!r}, not {kind}")
    if kind == "btrfs":
        made, orig = spec.split(":", 1)[1], tool.rootfs(src).split(":", 1)[1]
        if subvolume_field(made, "Parent UUID") != subvolume_field(orig, "UUID"):
            raise RuntimeError(f"{tool.label}: {made} is not a snapshot of {orig}")
    elif kind == "dir" and not os.path.isdir(os.path.join(spec.split(":", 1)[1], "etc")):
        raise RuntimeError(f"{tool.label}: {new}'s rootfs has no /etc")


def medians(tools, src, op, kind, rounds, keep=False):
    """Median seconds of rounds copies (op: "copy" or "snapshot") of src by
    each tool, after one untimed copy each.  Each copy is destroyed before
    the next unless keep: then all of them after the last."""
    times = {t.label: [] for t in tools}
    made = []
    for i in range(rounds + 1):
        for t in tools:
            new = f"{op[0]}{i}"
            cmd = getattr(t, f"{op}_cmd")(src, new)
            run("sync")
            took = timed(*cmd)
            check(t, src, new, kind)
            made.append((t, new))
            if not keep:
                t.destroy(new)
            if i:
                times[t.label].append(took)
    if keep:
        for t, new in made:
            t.destroy(new)
    return {label: statistics.median(v) for label, v in times.items()}


def destroy_all(tools):
    """Copies first: a source with overlay snapshots cannot go before them."""
    for t in tools:
        if os.path.isdir(t.path):
            names = sorted(os.listdir(t.path), key=lambda n: n in SOURCES)
            for name in names:
                if os.path.isfile(os.path.join(t.path, name, "config")):
                    t.destroy(name)


def tree_size(path):
    files = sum(len(f) + len(d) for _, d, f in os.walk(path))
    mb = int(run("du", "-sm", path).stdout.split()[0])
    return mb, files


def make_trees(seed, conf, cache):
    """The Debian and busybox trees the sources are copied from."""
    run("mgr-create", "-P", seed, "-n", "debian", "-f", conf, "-t", "debian", "--",
        "-r", RELEASE, env=dict(os.environ, MGR_CACHE_PATH=cache))
    run("mgr-create", "-P", seed, "-n", "busybox", "-f", conf, "-t", "busybox")
    return {s: os.path.join(seed, s, "rootfs") for s in SOURCES}


def on_btrfs(mnt, confs, template, trees, a):
    """The btrfs snapshot medians per source; a tool whose btrfs sources
    cannot be made is left out, with its reason in missing."""
    tools, missing = [], {}
    for cls, conf in zip((Mgr, Lxc), confs):
        t = cls(os.path.join(mnt, cls.label), conf)
        try:
            for s in SOURCES:
                t.create(s, template, trees[s], "btrfs")
            tools.append(t)
        except subprocess.CalledProcessError as e:
            missing[t.label] = (e.stderr.strip().splitlines() or ["failed"])[-1]
            destroy_all([t])
    try:
        got = {s: medians(tools, s, "snapshot", "btrfs", a.rounds) for s in SOURCES}
    finally:
        destroy_all(tools)
    return got, missing


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full-rounds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=10, help="rounds of each snapshot")
    ap.add_argument("--cache", default=os.environ.get("MGR_CACHE_PATH", "/var/cache/mgr"),
                    help="mgr's template cache, kept between runs")
    ap.add_argument("--workdir", default=None, help="where the containers go (default: TMPDIR)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                  "copy.md"))
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="mgrbench.", dir=a.workdir)
    confs = (os.path.join(work, "mgr.conf"), os.path.join(work, "lxc.conf"))
    tools = (Mgr(os.path.join(work, "mgr"), confs[0]), Lxc(os.path.join(work, "lxc"), confs[1]))
    try:
        with open(confs[0], "w") as f:
            f.write("mgr.net =\nmgr.net.0.type = empty\n")
        with open(confs[1], "w") as f:
            f.write("lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n")
        template = os.path.join(work, "copy-template")
        with open(template, "w") as f:
            f.write(COPY_TEMPLATE)
        os.chmod(template, 0o755)
        trees = make_trees(os.path.join(work, "seed"), confs[0], a.cache)
        sizes = {s: tree_size(trees[s]) for s in SOURCES}
        fstype = run("findmnt", "-no", "FSTYPE", "-T", work).stdout.strip()

        for t in tools:
            for s in SOURCES:
                t.create(s, template, trees[s], "dir")
        # Full copies are kept until the last: ext4 without a journal passes
        # over inodes freed in the last minute (five while their inode table
        # block is unwritten) when it allocates one, and a copy made right
        # after another was deleted spent seconds in that search.
        full = medians(tools, "debian", "copy", "dir", a.full_rounds, keep=True)
        overlay = {s: medians(tools, s, "snapshot", "overlay", a.rounds) for s in SOURCES}
        destroy_all(tools)

        with btrfs_on_loop(work) as mnt:
            btrfs, missing = on_btrfs(mnt, confs, template, trees, a)
    except subprocess.CalledProcessError as e:
        sys.exit(f"bench: {' '.join(e.cmd)}: {(e.stderr or '').strip()}")
    finally:
        destroy_all(tools)
        shutil.rmtree(work, ignore_errors=True)

    def ms(got, label):
        return got[label] * 1000 if label in got else None

    def size_ratio(got, label):
        return got["debian"][label] / got["busybox"][label] if label in got["debian"] else None

    rows = [("full copy, Debian rootfs (dir), s", full["mgr"], full["lxc"], ".2f")]
    for kind, got in (("overlay", overlay), ("btrfs", btrfs)):
        for s in SOURCES:
            rows.append((f"{kind} snapshot, {SHOWN[s]} source, ms",
                         ms(got[s], "mgr"), ms(got[s], "lxc"), ".1f"))
        rows.append((f"{kind} snapshot, Debian time / busybox time",
                     size_ratio(got, "mgr"), size_ratio(got, "lxc"), ".2f"))
    deb, bb = sizes["debian"], sizes["busybox"]
    note = (f"Medians: full copies of {a.full_rounds} rounds, snapshots of {a.rounds}, "
            f"after one untimed copy each, the tools taking turns, sync before each; "
            f"snapshots destroyed after each round, full copies after the last. "
            f"Debian {RELEASE} rootfs {deb[0]} MB in {deb[1]} files, busybox rootfs "
            f"{bb[0]} MB in {bb[1]} files; dir and overlay on {fstype}, btrfs on a loop device.")
    for label, why in missing.items():
        note += f" No btrfs figure for {label}: its btrfs source could not be made ({why})."
    write_table(a.out, f"mgr-copy vs lxc-copy ({run('lxc-copy', '--version').stdout.strip()})",
                note, rows)


if __name__ == "__main__":
    main()
