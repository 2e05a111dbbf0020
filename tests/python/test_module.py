# SPDX-License-Identifier: LGPL-2.1-or-later
"""The module itself: its attributes, functions and error type, and
Container handles of containers that do not exist."""

import errno
import os
import subprocess

import pytest

import mgr


def test_version():
    assert isinstance(mgr.version, str) and mgr.version
    out = subprocess.run(["mgr-ls", "--version"], capture_output=True, text=True,
                         check=True).stdout
    assert mgr.version in out


def test_states():
    assert isinstance(mgr.STATES, tuple)
    assert mgr.STATES[0] == "STOPPED"
    for state in ("STARTING", "RUNNING", "STOPPING", "ABORTING", "FREEZING",
                  "FROZEN", "THAWED"):
        assert state in mgr.STATES
    assert len(set(mgr.STATES)) == len(mgr.STATES)


def test_default_config_path():
    assert isinstance(mgr.default_config_path, str)
    assert os.path.isabs(mgr.default_config_path)


def test_config_keys():
    keys = mgr.config_keys()
    assert isinstance(keys, list)
    assert all(isinstance(k, str) for k in keys)
    assert "mgr.uts.name" in keys
    assert "mgr.net.N.type" in keys
    assert "mgr.include" in keys
    assert len(set(keys)) == len(keys)


def test_error_type():
    assert issubclass(mgr.Error, OSError)


def test_parse_size():
    assert mgr.parse_size("100") == 100
    assert mgr.parse_size("64K") == 64 << 10
    assert mgr.parse_size("10G") == 10 << 30
    assert mgr.parse_size("2TiB") == 2 << 40
    with pytest.raises(mgr.Error) as e:
        mgr.parse_size("lots")
    assert e.value.errno == errno.EINVAL


def test_name_check():
    assert mgr.name_check("py-good") is None
    for bad in ("a/b", "", "x" * 100, ".hidden", "-dash", "..", "with space"):
        with pytest.raises(mgr.Error) as e:
            mgr.name_check(bad)
        assert e.value.errno == errno.EINVAL, bad


@pytest.mark.parametrize("name, why", [("a/b", "/"), ("", "empty"), ("x" * 100, "64")],
                         ids=["slash", "empty", "long"])
def test_bad_container_name(cpath, name, why):
    with pytest.raises(mgr.Error) as e:
        mgr.Container(name, cpath.path)
    assert isinstance(e.value, OSError)
    assert e.value.errno == errno.EINVAL
    # The message names the name and says what is wrong with it.
    assert f'"{name}"' in str(e.value)
    assert why in e.value.strerror
    assert os.listdir(cpath.path) == []


def test_undefined_container(cpath):
    c = cpath.container("py-ghost")
    assert c.name == "py-ghost"
    assert c.config_path == cpath.path
    assert c.config_file_name == os.path.join(cpath.path, "py-ghost", "config")
    assert c.defined is False
    assert c.running is False
    assert c.state == "STOPPED"
    assert c.init_pid == -1
    assert c.uptime is None
    assert mgr.list_containers(cpath.path) == []
    assert mgr.list_containers(cpath.path, active=True) == []


def test_start_undefined(cpath):
    c = cpath.container("py-ghost2")
    with pytest.raises(mgr.Error) as e:
        c.start()
    assert e.value.errno == errno.ENOENT
    assert "py-ghost2" in str(e.value)
    assert not os.path.exists(os.path.join(cpath.path, "py-ghost2"))


def test_default_path_handle():
    c = mgr.Container("py-nowhere-0f3a")
    assert c.config_path == mgr.default_config_path
    assert c.defined is False
