# SPDX-License-Identifier: LGPL-2.1-or-later
"""attach_wait: commands run inside a running container, their exit codes,
environment, user, directory and namespaces."""

import errno
import os

import pytest

import mgr


@pytest.fixture
def running(busybox):
    c = busybox("py-att1")
    c.start()
    yield c
    if c.running:
        c.stop()


def sh(c, script, **kw):
    return c.attach_wait(["sh", "-c", script], **kw)


def test_exit_codes(running):
    assert running.attach_wait(["true"]) == 0
    assert running.attach_wait(["false"]) == 1
    assert sh(running, "exit 7") == 7
    assert sh(running, "kill -9 $$") == 128 + 9
    assert running.attach_wait(("sh", "-c", "exit 0")) == 0


def test_inside(running):
    assert sh(running, 'test "$(hostname)" = py-att1') == 0
    assert sh(running, "test $$ -gt 1 && test -e /proc/1/cmdline") == 0
    assert sh(running, 'test "$(cat /proc/1/comm)" = init') == 0
    assert sh(running, "test -e /bin/busybox") == 0


def test_env(running):
    assert sh(running, 'test "$FOO" = bar', env={"FOO": "bar"}) == 0
    assert sh(running, 'test "$A" = 1 && test "$B" = "two words"',
              env={"A": "1", "B": "two words"}) == 0
    os.environ["MGRTEST_HOST_VAR"] = "from-host"
    try:
        assert sh(running, 'test -z "$MGRTEST_HOST_VAR"') == 0
        assert sh(running, 'test "$MGRTEST_HOST_VAR" = from-host', env_policy="keep") == 0
        assert sh(running, 'test -z "$MGRTEST_HOST_VAR"', env_policy="clear") == 0
        assert sh(running, 'test "$MGRTEST_HOST_VAR" = from-host',
                  keep_env=["MGRTEST_HOST_VAR"]) == 0
        assert sh(running, 'test "$MGRTEST_HOST_VAR" = from-host', env_policy="clear",
                  keep_env=["MGRTEST_HOST_VAR"]) == 0
        assert sh(running, 'test "$FOO" = bar', env_policy="clear", env={"FOO": "bar"}) == 0
    finally:
        del os.environ["MGRTEST_HOST_VAR"]
    with pytest.raises((ValueError, TypeError)):
        running.attach_wait(["true"], env_policy="sometimes")


def attached_env(c, capfd, **kw):
    """The environment of "env" attached to c, as a dict."""
    capfd.readouterr()
    assert c.attach_wait(["env"], **kw) == 0
    return dict(line.split("=", 1) for line in capfd.readouterr().out.splitlines())


def test_default_env_has_nothing_of_ours(running, capfd, monkeypatch):
    monkeypatch.setenv("MGRTEST_SECRET", "xyz")
    monkeypatch.setenv("PATH", "/host/only/bin:" + os.environ["PATH"])
    monkeypatch.setenv("HOME", "/host-home")
    monkeypatch.setenv("TERM", "xterm-caller")
    assert attached_env(running, capfd) == {
        "container": "mgr",
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM": "xterm-caller",
        "HOME": "/root",
        "USER": "root",
        "LOGNAME": "root",
        "SHELL": "/bin/sh",
    }
    kept = attached_env(running, capfd, env_policy="keep")
    assert kept["MGRTEST_SECRET"] == "xyz"
    assert kept["HOME"] == "/host-home"
    assert kept["container"] == "mgr"
    monkeypatch.delenv("TERM")
    assert attached_env(running, capfd, uid=1000)["TERM"] == "linux"


def test_user_and_cwd(running):
    assert sh(running, "test $(id -u) = 0") == 0
    assert sh(running, "test $(id -u) = 1000", uid=1000) == 0
    assert sh(running, "test $(id -u) = 1000 && test $(id -g) = 1001", uid=1000, gid=1001) == 0
    assert sh(running, 'test "$(pwd)" = /tmp', cwd="/tmp") == 0
    assert sh(running, 'test "$(pwd)" = /etc', cwd="/etc", uid=1000) == 0


def test_namespaces(running):
    # Only the UTS namespace: the container's hostname, the host's files.
    marker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conftest.py")
    assert sh(running, f'test "$(hostname)" = py-att1 && test -e "{marker}"',
              namespaces=["uts"]) == 0
    assert sh(running, f'test -e "{marker}"') == 1
    assert sh(running, "test true", namespaces=["mount", "pid", "uts", "ipc", "net"],
              elevated=True) == 0


def test_missing_command(running):
    with pytest.raises(mgr.Error) as e:
        running.attach_wait(["/no/such/command"])
    assert e.value.errno == errno.ENOENT
    assert "/no/such/command" in str(e.value)
    assert running.running is True


def test_not_running(busybox):
    c = busybox("py-att2")
    with pytest.raises(mgr.Error) as e:
        c.attach_wait(["true"])
    assert e.value.errno == errno.ESRCH
    with pytest.raises(mgr.Error) as e:
        mgr.Container("py-att3", c.config_path).attach_wait(["true"])
    assert e.value.errno == errno.ENOENT
