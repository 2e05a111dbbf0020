# SPDX-License-Identifier: LGPL-2.1-or-later
"""Unprivileged by default: create() makes a container with a user
namespace of its own unless asked for a privileged one; shift() turns one
kind into the other."""

import errno
import os

import pytest

import mgr


def host_root(c):
    for line in c.get_config_item("mgr.idmap").splitlines():
        kind, nsid, hostid, _ = line.split()
        if kind == "u" and nsid == "0":
            return int(hostid)
    return None


def init_uid(c):
    with open(f"/proc/{c.init_pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[1])
    raise AssertionError("no Uid line")


def test_default_is_unprivileged(busybox):
    c = busybox("py-unpriv")
    assert c.privileged is False
    base = host_root(c)
    assert base and base > 0
    assert c.get_config_item("mgr.rootfs.idmapped") == "1"
    c.start()
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    assert init_uid(c) == base
    assert c.attach_wait(["sh", "-c", "test $(id -u) = 0 && test $(stat -c %u /) = 0"]) == 0
    c.stop()


def test_privileged_on_request(cpath):
    c = cpath.container("py-priv")
    c.create("busybox", config=cpath.config_file("mgr.net.0.type = empty\n"), privileged=True,
             quiet=True)
    assert c.privileged is True
    assert c.get_config_item("mgr.privileged") == "1"
    assert c.get_config_item("mgr.idmap") == ""
    c.start()
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    assert init_uid(c) == 0
    c.stop()


def test_privileged_and_unprivileged_refused(cpath):
    c = cpath.container("py-both")
    with pytest.raises(mgr.Error) as e:
        c.create("busybox", privileged=True, unprivileged=True, quiet=True)
    assert e.value.errno == errno.EINVAL
    assert "both privileged and unprivileged" in str(e.value)
    assert not c.defined
    assert not os.path.exists(os.path.join(cpath.path, "py-both"))


def test_shift(cpath):
    c = cpath.container("py-shift")
    c.create("busybox", config=cpath.config_file("mgr.net.0.type = empty\n"), privileged=True,
             quiet=True)
    c.shift()
    assert c.privileged is False
    assert host_root(c)
    with pytest.raises(mgr.Error) as e:
        c.shift()
    assert e.value.errno == errno.EALREADY
    c.start()
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    with pytest.raises(mgr.Error) as e:
        c.shift(privileged=True)
    assert e.value.errno == errno.EBUSY
    c.stop()
    c.shift(privileged=True)
    assert c.privileged is True
