# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the mgr module's tests.

Every test gets its own throwaway container path.  At teardown, even after
a failure, every container in it is killed and destroyed and the path
removed; then nothing of them may be left on the host (mounts, cgroups,
processes, sockets, runtime files, network devices, sanitizer reports),
or the test ends in an error.
"""

import gc
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile

import pytest

import mgr

RUNTIME_DIR = "/run/mgr"
LOOPBACK_ONLY = "mgr.net =\nmgr.net.0.type = empty\n"


def pytest_collection_modifyitems(config, items):
    """T_FILTER: only the tests whose id "python/FILE::NAME" matches."""
    pattern = os.environ.get("T_FILTER", "")
    if not pattern:
        return
    regex = re.compile(pattern)
    keep, drop = [], []
    for item in items:
        test_id = f"python/{item.path.name}::{item.name}"
        (keep if regex.search(test_id) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# --- what is on the host ---------------------------------------------------


def host_links(kind=None):
    """The names of the host's network devices (of type kind: "veth")."""
    out = subprocess.run(["ip", "-o", "link", "show"] + (["type", kind] if kind else []),
                         capture_output=True, text=True, check=True).stdout
    return {line.split(": ")[1].split("@")[0] for line in out.splitlines()}


def runtime_files():
    found = set()
    for top, dirs, files in os.walk(RUNTIME_DIR):
        found.update(os.path.join(top, n) for n in dirs + files)
    return found


def sanitizer_reports():
    where = os.environ.get("MGR_TEST_SANITIZER_DIR")
    return sorted(glob.glob(os.path.join(where, "sanitizer.*"))) if where else []


def payload_cgroups(name):
    """The cgroup directories of container name, on every hierarchy."""
    found = []
    for top, dirs, _ in os.walk("/sys/fs/cgroup"):
        depth = top.count("/") - "/sys/fs/cgroup".count("/")
        if depth >= 4:
            dirs[:] = []
        found += [os.path.join(top, d) for d in dirs if d == f"mgr.payload.{name}"]
    return found


def pids_using(path):
    """Processes whose root, cwd, an open file or command line is in path."""
    path = path.rstrip("/")
    me = os.getpid()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        links = [] if int(pid) == me else ["root", "cwd"]
        try:
            links += ["fd/" + fd for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            pass
        for link in links:
            try:
                target = os.readlink(f"/proc/{pid}/{link}")
                if target == path or target.startswith(path + "/"):
                    found.append(int(pid))
                    break
            except OSError:
                pass
        else:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if path.encode() in f.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def mounts_under(path):
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f
                if line.split()[4].startswith(path.rstrip("/") + "/")]


# --- the container path of a test ------------------------------------------


class ContainerPath:
    """A throwaway container path (path) and a scratch directory (work);
    names lists the containers the test made there."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="/tmp/mgrtest.py.")
        os.chmod(self.path, 0o755)
        self.work = tempfile.mkdtemp(prefix="/tmp/mgrtest.py.work.")
        self.names = set()
        # Veths only: a bridge (mgr-net's) may come and go meanwhile.
        self.links_before = host_links("veth")
        self.runtime_before = runtime_files()
        self.reports_before = set(sanitizer_reports())

    def container(self, name, config_path=None):
        """mgr.Container(name, this path), its name kept for the cleanup."""
        self.names.add(name)
        return mgr.Container(name, config_path or self.path)

    def config_file(self, text, name="extra.conf"):
        file = os.path.join(self.work, name)
        with open(file, "w") as f:
            f.write(text)
        return file

    def busybox(self, name, *lines):
        """A new busybox container with only a loopback and the config lines."""
        c = self.container(name)
        conf = self.config_file(LOOPBACK_ONLY + "".join(line + "\n" for line in lines),
                                name + ".conf")
        c.create("busybox", config=conf, quiet=True)
        return c

    def all_names(self):
        names = set(self.names)
        try:
            names.update(mgr.list_containers(self.path))
        except mgr.Error:
            pass
        if os.path.isdir(self.path):
            names.update(n for n in os.listdir(self.path)
                         if os.path.isdir(os.path.join(self.path, n)))
        return sorted(names)

    def cleanup(self):
        """Kill and destroy every container; returns what went wrong."""
        problems = []
        names = self.all_names()
        for name in names:
            try:
                c = mgr.Container(name, self.path)
                if c.running:
                    c.stop()
                if c.defined:
                    c.destroy(force=True, snapshots=True)
            except Exception as e:  # noqa: BLE001 - reported, and on to the next
                problems.append(f"cleanup of {name}: {e!r}")
        gc.collect()
        return names, problems

    def leftovers(self, names):
        found = []
        with open("/proc/self/mountinfo") as f:
            for line in f:
                if self.path in line or any(f"mgr.payload.{n}" in line for n in names):
                    found.append("mount: " + line.strip())
        for n in names:
            found += ["cgroup: " + d for d in payload_cgroups(n)]
        found += [f"process {p}: {cmdline(p)}" for p in pids_using(self.path)]
        with open("/proc/net/unix") as f:
            found += ["socket: " + line.strip() for line in f if self.path in line]
        for file in sorted(runtime_files() - self.runtime_before):
            base = os.path.basename(file)
            if any(base == n or base.startswith(n + ".") for n in names):
                found.append("runtime file: " + file)
        found += ["network device: " + d for d in sorted(host_links("veth") - self.links_before)]
        for report in sorted(set(sanitizer_reports()) - self.reports_before):
            with open(report, errors="replace") as f:
                found.append(f"sanitizer report {report}:\n{f.read()}")
            os.unlink(report)
        return found

    def force_cleanup(self, names):
        """After leftovers: take down by hand what the library left."""
        for n in names:
            for d in payload_cgroups(n):
                for file, value in (("freezer.state", "THAWED"), ("cgroup.freeze", "0"),
                                    ("cgroup.kill", "1")):
                    try:
                        with open(os.path.join(d, file), "w") as f:
                            f.write(value)
                    except OSError:
                        pass
        for pid in pids_using(self.path):
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for n in names:
            for d in payload_cgroups(n):
                subprocess.run(["find", d, "-depth", "-type", "d", "-exec", "rmdir", "{}", "+"],
                               stderr=subprocess.DEVNULL, check=False)
        for mnt in sorted(mounts_under(self.path), key=len, reverse=True):
            subprocess.run(["umount", "-l", mnt], stderr=subprocess.DEVNULL, check=False)

    def finish(self):
        names, problems = self.cleanup()
        try:
            found = self.leftovers(names)
        finally:
            self.force_cleanup(names)
            if not mounts_under(self.path):
                shutil.rmtree(self.path, ignore_errors=True)
            shutil.rmtree(self.work, ignore_errors=True)
        problems += found
        if problems:
            pytest.fail(f"cleanup of {self.path}:\n  " + "\n  ".join(problems),
                        pytrace=False)


@pytest.fixture
def cpath():
    """The test's throwaway container path (a ContainerPath)."""
    place = ContainerPath()
    yield place
    place.finish()


@pytest.fixture
def busybox(cpath):
    """busybox(name, *config_lines): a new busybox container with only a
    loopback in the test's container path."""
    return cpath.busybox
