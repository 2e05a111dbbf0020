# SPDX-License-Identifier: LGPL-2.1-or-later
"""A busybox container through its life: create, start, wait, stop in
every way, reboot, rename, destroy, and the refusals on the way."""

import errno
import os
import signal
import subprocess
import time

import pytest

import mgr


def halt_mark(c):
    """Make a clean halt of busybox container c leave /halted in its rootfs;
    returns that file's path on the host."""
    rootfs = os.path.join(c.config_path, c.name, "rootfs")
    with open(os.path.join(rootfs, "etc/inittab"), "a") as f:
        f.write("::shutdown:/bin/touch /halted\n")
    return os.path.join(rootfs, "halted")


def init_ready(c, timeout=10):
    """Start busybox container c and wait until its init has started a
    child: by then it blocks the halt and reboot signals (it takes them
    with sigtimedwait), so one sent from now on is not lost."""
    c.start()
    pid = c.init_pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            if f.read().strip():
                return pid
        time.sleep(0.05)
    pytest.fail("busybox init has started nothing")


def cpath_of(c):
    """The directory of container c."""
    return os.path.join(c.config_path, c.name)


def test_create_missing_template(cpath):
    c = cpath.container("py-notmpl")
    with pytest.raises(mgr.Error) as e:
        c.create("no-such-template", quiet=True)
    assert "no-such-template" in str(e.value)
    assert c.defined is False
    assert not os.path.exists(os.path.join(cpath.path, "py-notmpl"))
    assert mgr.list_containers(cpath.path) == []


def test_create_twice(busybox):
    c = busybox("py-twice")
    with pytest.raises(mgr.Error) as e:
        c.create("busybox", quiet=True)
    assert e.value.errno == errno.EEXIST
    assert c.defined is True


def test_start_stop(busybox):
    c = busybox("py-life1")
    assert c.defined is True
    assert os.path.isfile(c.config_file_name)
    assert c.state == "STOPPED"
    assert c.running is False
    assert c.init_pid == -1
    assert c.uptime is None

    assert c.start() is None
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    assert c.state == "RUNNING"
    assert c.running is True
    pid = c.init_pid
    assert pid > 0
    assert os.path.isdir(f"/proc/{pid}")
    with open(f"/proc/{pid}/comm") as f:
        assert f.read().strip() == "init"
    assert 0 <= c.uptime < 60

    with pytest.raises(mgr.Error) as e:
        c.start()
    assert e.value.errno == errno.EBUSY
    assert c.init_pid == pid

    c.stop()
    assert c.state == "STOPPED"
    assert c.running is False
    assert c.init_pid == -1
    assert not os.path.exists(f"/proc/{pid}")

    with pytest.raises(mgr.Error) as e:
        c.stop()
    assert e.value.errno == errno.ESRCH
    assert "py-life1" in str(e.value)


def test_stop_nowait(busybox):
    c = busybox("py-nowait")
    c.start()
    c.stop(nowait=True)
    assert c.wait("STOPPED", timeout=10) == "STOPPED"
    assert c.running is False


def test_shutdown(busybox):
    c = busybox("py-halt")
    halted = halt_mark(c)
    init_ready(c)
    c.shutdown(timeout=10)
    assert c.state == "STOPPED"
    assert os.path.exists(halted), "busybox init did not halt cleanly"

    with pytest.raises(mgr.Error) as e:
        c.shutdown(timeout=5)
    assert e.value.errno == errno.ESRCH


def test_shutdown_timeout_kills(busybox):
    # An init that ignores the halt signal is killed after the timeout.
    c = busybox("py-stubborn", "mgr.signal.halt = SIGWINCH")
    halted = halt_mark(c)
    c.start()
    t0 = time.monotonic()
    c.shutdown(timeout=2)
    assert c.state == "STOPPED"
    assert time.monotonic() - t0 >= 1.5
    assert not os.path.exists(halted)


def test_reboot(busybox):
    c = busybox("py-reboot")
    pid = init_ready(c)
    c.reboot()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if c.state == "RUNNING" and c.init_pid not in (-1, pid):
            break
        time.sleep(0.2)
    assert c.state == "RUNNING"
    assert c.init_pid not in (-1, pid)
    c.stop()


@pytest.fixture
def sigmask():
    """The signal mask of this thread before the test; restored after it,
    so that what a test changes does not reach the next ones."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    yield before
    signal.pthread_sigmask(signal.SIG_SETMASK, before)


def test_foreground_application(busybox, sigmask):
    c = busybox("py-app")
    code = c.start(foreground=True, init=["sh", "-c", "exit 3"], use_init=True)
    assert code == 3
    assert c.state == "STOPPED"
    assert c.start(True, ["true"], use_init=True) == 0
    assert c.running is False


def test_foreground_keeps_signal_mask(busybox, sigmask):
    # The monitor ran in this process: the caller's signals are its own
    # again afterwards (Ctrl-C works, children start with nothing blocked).
    c = busybox("py-appsig")
    assert c.start(True, ["true"], use_init=True) == 0
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == sigmask
    if not sigmask:
        status = subprocess.run(["cat", "/proc/self/status"], capture_output=True,
                                text=True, check=True).stdout
        assert "SigBlk:\t0000000000000000" in status


def test_wait(busybox):
    c = busybox("py-wait")
    assert c.wait("STOPPED", timeout=1) == "STOPPED"
    t0 = time.monotonic()
    with pytest.raises(mgr.Error) as e:
        c.wait("RUNNING", timeout=1)
    assert e.value.errno == errno.ETIMEDOUT
    assert time.monotonic() - t0 >= 0.9

    c.start()
    assert c.wait(["FROZEN", "RUNNING"], timeout=5) == "RUNNING"
    assert c.wait(("STOPPED", "RUNNING")) == "RUNNING"
    assert c.wait({"RUNNING"}, timeout=5) == "RUNNING"
    with pytest.raises((mgr.Error, ValueError)):
        c.wait("NO-SUCH-STATE", timeout=1)
    c.stop()
    assert c.wait("STOPPED", timeout=5) == "STOPPED"


def test_destroy(busybox):
    c = busybox("py-gone")
    c.destroy()
    assert c.defined is False
    assert not os.path.exists(cpath_of(c))
    with pytest.raises(mgr.Error) as e:
        c.destroy()
    assert e.value.errno == errno.ENOENT


def test_destroy_running(busybox):
    c = busybox("py-busy")
    c.start()
    with pytest.raises(mgr.Error) as e:
        c.destroy()
    assert e.value.errno == errno.EBUSY
    assert "py-busy" in str(e.value)
    assert c.defined is True
    assert c.running is True
    c.destroy(force=True)
    assert c.defined is False
    assert c.running is False
    assert not os.path.exists(cpath_of(c))


def test_rename(cpath, busybox):
    c = busybox("py-ren1")
    cpath.names.add("py-ren2")
    c.rename("py-ren2")
    assert c.name == "py-ren2"
    assert c.defined is True
    assert c.config_file_name == os.path.join(cpath.path, "py-ren2", "config")
    assert c.get_config_item("mgr.uts.name") == "py-ren2"
    assert not os.path.exists(os.path.join(cpath.path, "py-ren1"))
    assert mgr.Container("py-ren1", cpath.path).defined is False
    assert mgr.list_containers(cpath.path) == ["py-ren2"]
    c.start()
    assert c.wait("RUNNING", timeout=10) == "RUNNING"
    with pytest.raises(mgr.Error) as e:
        c.rename("py-ren3")
    assert e.value.errno == errno.EBUSY
    c.stop()
    with pytest.raises(mgr.Error) as e:
        c.rename("a/b")
    assert e.value.errno == errno.EINVAL


def test_rename_then_save(cpath, busybox):
    # The handle keeps the (renamed) config: saving it keeps every key.
    c = busybox("py-rens1")
    cpath.names.add("py-rens2")
    c.rename("py-rens2")
    c.set_config_item("mgr.start.delay", "3")
    c.save_config()
    again = mgr.Container("py-rens2", cpath.path)
    assert again.get_config_item("mgr.start.delay") == "3"
    assert again.get_config_item("mgr.uts.name") == "py-rens2"
    assert again.get_config_item("mgr.rootfs.path").endswith("/py-rens2/rootfs")
    again.start()
    assert again.running is True
    again.stop()


def test_list_containers(busybox, cpath):
    a = busybox("py-lsa")
    busybox("py-lsb")
    a.start()
    assert mgr.list_containers(cpath.path) == ["py-lsa", "py-lsb"]
    assert mgr.list_containers(cpath.path, active=True) == ["py-lsa"]
    objects = mgr.list_containers(cpath.path, as_object=True)
    assert [type(o) for o in objects] == [mgr.Container, mgr.Container]
    assert [o.name for o in objects] == ["py-lsa", "py-lsb"]
    assert all(o.config_path == cpath.path for o in objects)
    assert [o.running for o in objects] == [True, False]
    active = mgr.list_containers(cpath.path, active=True, as_object=True)
    assert [(o.name, o.state) for o in active] == [("py-lsa", "RUNNING")]
    a.stop()
    assert mgr.list_containers(cpath.path, active=True) == []


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_monitor_is_not_a_copy_of_the_interpreter(busybox):
    """The background monitor is mgr-monitord: it keeps none of this
    process's memory, however much it holds, and ps shows what it is."""
    c = busybox("py-mem")
    ballast = b"m" * (256 << 20)
    c.start()
    monitor = int(open(f"/proc/{c.init_pid}/stat").read().rsplit(")", 1)[1].split()[1])
    assert os.readlink(f"/proc/{monitor}/exe") == os.path.realpath(os.environ["MGR_MONITOR_PATH"])
    with open(f"/proc/{monitor}/cmdline", "rb") as f:
        assert f.read().split(b"\0")[:3] == [b"mgr-monitord", b"py-mem", c.config_path.encode()]
    assert rss_kib(os.getpid()) > 256 << 10
    assert rss_kib(monitor) < 64 << 10, f"the monitor holds {rss_kib(monitor)} KiB"
    del ballast
    c.stop()
