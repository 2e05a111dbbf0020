# SPDX-License-Identifier: LGPL-2.1-or-later
"""New containers from old ones: clones, overlay snapshots, and the
snapshots a container keeps of itself."""

import errno
import os
import time

import pytest

import mgr


def rootfs(c, file=""):
    return os.path.join(c.config_path, c.name, "rootfs", file)


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path, text):
    with open(path, "w") as f:
        f.write(text + "\n")


def boots(c):
    c.start()
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    assert c.attach_wait(["sh", "-c", f'test "$(hostname)" = {c.name}']) == 0
    c.stop()
    assert c.state == "STOPPED"


def test_clone(busybox, cpath):
    c = busybox("py-orig")
    write(rootfs(c, "marker"), "from the original")
    cpath.names.add("py-copy")
    copy = c.clone("py-copy")
    assert type(copy) is mgr.Container
    assert copy.name == "py-copy"
    assert copy.config_path == cpath.path
    assert copy.defined is True
    assert copy.get_config_item("mgr.uts.name") == "py-copy"
    assert "py-copy" in copy.get_config_item("mgr.rootfs.path")
    assert read(rootfs(copy, "etc/hostname")) == "py-copy"
    assert read(rootfs(copy, "marker")) == "from the original"
    assert c.get_config_item("mgr.uts.name") == "py-orig"
    assert read(rootfs(c, "etc/hostname")) == "py-orig"
    assert mgr.list_containers(cpath.path) == ["py-copy", "py-orig"]
    boots(copy)

    with pytest.raises(mgr.Error) as e:
        c.clone("py-copy")
    assert e.value.errno == errno.EEXIST
    c.start()
    with pytest.raises(mgr.Error) as e:
        c.clone("py-copy2")
    assert e.value.errno == errno.EBUSY
    assert mgr.Container("py-copy2", cpath.path).defined is False
    c.stop()


def test_clone_keepname(busybox, cpath):
    c = busybox("py-kn")
    cpath.names.add("py-kn2")
    copy = c.clone("py-kn2", keepname=True)
    assert copy.get_config_item("mgr.uts.name") == "py-kn"
    assert read(rootfs(copy, "etc/hostname")) == "py-kn"


def test_clone_snapshot(busybox, cpath):
    c = busybox("py-base")
    cpath.names.add("py-over")
    over = c.clone("py-over", snapshot=True)
    assert over.name == "py-over" and over.defined is True
    assert over.get_config_item("mgr.uts.name") == "py-over"
    assert over.get_config_item("mgr.rootfs.path").startswith("overlay")
    boots(over)
    # The original's rootfs is the overlay's lower layer now.
    with pytest.raises(mgr.Error) as e:
        c.destroy()
    assert e.value.errno == errno.EBUSY
    assert c.defined is True
    over.destroy()
    c.destroy()
    assert mgr.list_containers(cpath.path) == []


def test_snapshots(busybox, cpath):
    c = busybox("py-snap")
    write(rootfs(c, "marker"), "before")
    t0 = int(time.time())
    assert c.snapshot_list() == []
    assert c.snapshot("the first") == "snap0"
    write(rootfs(c, "marker"), "after")
    assert c.snapshot() == "snap1"

    snaps = c.snapshot_list()
    assert [s.name for s in snaps] == ["snap0", "snap1"]
    first = snaps[0]
    assert isinstance(first, mgr.Snapshot) and isinstance(first, tuple)
    assert first.dir == os.path.join(cpath.path, "py-snap", "snaps", "snap0")
    assert os.path.isdir(first.dir)
    assert t0 - 5 <= first.time <= time.time() + 5
    assert first.comment == "the first"
    assert snaps[1].comment is None
    name, where, when, comment = snaps[1]
    assert (name, comment) == ("snap1", None)
    # Snapshots are not containers of the path.
    assert mgr.list_containers(cpath.path) == ["py-snap"]

    assert c.snapshot_restore("snap0") is None
    assert read(rootfs(c, "marker")) == "before"
    assert c.get_config_item("mgr.uts.name") == "py-snap"

    cpath.names.add("py-fromsnap")
    new = c.snapshot_restore("snap1", "py-fromsnap")
    assert type(new) is mgr.Container and new.name == "py-fromsnap"
    assert new.get_config_item("mgr.uts.name") == "py-fromsnap"
    assert read(rootfs(new, "marker")) == "after"
    boots(new)

    with pytest.raises(mgr.Error) as e:
        c.snapshot_restore("snap9")
    assert e.value.errno == errno.ENOENT
    with pytest.raises(mgr.Error) as e:
        c.snapshot_destroy("snap9")
    assert e.value.errno == errno.ENOENT
    c.snapshot_destroy("snap1")
    assert [s.name for s in c.snapshot_list()] == ["snap0"]
    assert c.snapshot("again") == "snap1"

    with pytest.raises(mgr.Error) as e:
        c.destroy()
    assert e.value.errno == errno.EBUSY
    assert "snap0" in str(e.value)
    c.start()
    with pytest.raises(mgr.Error) as e:
        c.snapshot_restore("snap0")
    assert e.value.errno == errno.EBUSY
    assert c.snapshot("while running") == "snap2"  # a full copy, frozen meanwhile
    assert c.state == "RUNNING"
    c.stop()
    assert c.snapshot_destroy_all() == 3
    assert c.snapshot_list() == []
    c.destroy()
    assert c.defined is False


def test_destroy_with_snapshots(busybox):
    c = busybox("py-snapd")
    c.snapshot()
    c.snapshot()
    c.destroy(snapshots=True)
    assert c.defined is False
    assert not os.path.exists(os.path.join(c.config_path, "py-snapd"))
