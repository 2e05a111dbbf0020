# SPDX-License-Identifier: LGPL-2.1-or-later
"""Config items: reading, changing, clearing and saving them."""

import errno

import pytest

import mgr


def read(path):
    with open(path) as f:
        return f.read()


def test_get_config_item(busybox):
    c = busybox("py-conf1")
    assert c.get_config_item("mgr.uts.name") == "py-conf1"
    assert c.get_config_item("uts.name") == "py-conf1"
    assert c.get_config_item("lxc.uts.name") == "py-conf1"
    assert c.get_config_item("mgr.signal.halt") in ("SIGUSR1", "USR1", "10")
    assert c.get_config_item("mgr.net.0.type") == "empty"
    assert isinstance(c.get_config_item("mgr.init.cwd"), str)


def test_round_trip(busybox, cpath):
    c = busybox("py-conf2")
    c.set_config_item("mgr.uts.name", "py-other-host")
    c.set_config_item("mgr.environment", "ALPHA=1")
    c.set_config_item("mgr.environment", "BETA=2")
    assert c.get_config_item("mgr.uts.name") == "py-other-host"
    assert c.get_config_item("mgr.environment").splitlines() == ["ALPHA=1", "BETA=2"]
    # Not written before save_config.
    assert "py-other-host" not in read(c.config_file_name)
    assert mgr.Container("py-conf2", cpath.path).get_config_item("uts.name") == "py-conf2"

    c.save_config()
    text = read(c.config_file_name)
    assert "uts.name = py-other-host" in text
    assert "ALPHA=1" in text and "BETA=2" in text
    again = mgr.Container("py-conf2", cpath.path)
    assert again.get_config_item("mgr.uts.name") == "py-other-host"
    assert again.get_config_item("environment").splitlines() == ["ALPHA=1", "BETA=2"]

    # The saved config is the one the container starts with.
    again.start()
    pid = again.init_pid
    with open(f"/proc/{pid}/environ", "rb") as f:
        environ = f.read().split(b"\0")
    assert b"ALPHA=1" in environ and b"BETA=2" in environ
    again.stop()


def test_clear_config_item(busybox, cpath):
    c = busybox("py-conf3")
    c.set_config_item("mgr.environment", "GAMMA=3")
    c.clear_config_item("mgr.environment")
    assert c.get_config_item("mgr.environment") == ""
    c.set_config_item("mgr.start.delay", "5")
    c.set_config_item("mgr.start.delay", "")  # an empty value clears too
    assert c.get_config_item("mgr.start.delay") in ("", "0")
    c.clear_config_item("mgr.signal.halt")
    c.save_config()
    assert "signal.halt" not in read(c.config_file_name)
    assert mgr.Container("py-conf3", cpath.path).get_config_item("signal.halt") in ("", "SIGPWR")


def test_unknown_key(busybox):
    c = busybox("py-conf4")
    for call, args in ((c.get_config_item, ()), (c.set_config_item, ("1",)),
                       (c.clear_config_item, ())):
        with pytest.raises(mgr.Error) as e:
            call("mgr.no.such.key", *args)
        assert e.value.errno == errno.EINVAL
        assert "no.such.key" in str(e.value)


def test_bad_value(busybox):
    c = busybox("py-conf5")
    with pytest.raises(mgr.Error) as e:
        c.set_config_item("mgr.signal.halt", "SIGNOPE")
    assert e.value.errno == errno.EINVAL
    assert c.get_config_item("mgr.signal.halt") in ("SIGUSR1", "USR1", "10")


def test_load_config(busybox, cpath):
    c = busybox("py-conf6")
    other = cpath.config_file("mgr.uts.name = py-loaded\nmgr.environment = DELTA=4\n")
    c.load_config(other)
    assert c.get_config_item("uts.name") == "py-loaded"
    assert c.get_config_item("environment") == "DELTA=4"
    c.load_config()
    assert c.get_config_item("uts.name") == "py-conf6"

    bad = cpath.config_file("mgr.no.such.key = 1\n", "bad.conf")
    with pytest.raises(mgr.Error) as e:
        c.load_config(bad)
    assert e.value.errno == errno.EINVAL
    assert "bad.conf" in str(e.value)


def test_config_of_undefined(cpath):
    c = cpath.container("py-conf7")
    with pytest.raises(mgr.Error) as e:
        c.load_config()
    assert e.value.errno == errno.ENOENT
