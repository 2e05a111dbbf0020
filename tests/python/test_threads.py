# SPDX-License-Identifier: LGPL-2.1-or-later
"""Containers from several threads: blocking calls let other threads run,
and a signal interrupts a wait."""

import errno
import signal
import subprocess
import sys
import threading
import time

import mgr


def in_thread(func, *args, **kw):
    """Run func in a new thread; returns (thread, result) where result is
    a dict that gets "value" or "error"."""
    result = {}

    def run():
        try:
            result["value"] = func(*args, **kw)
        except BaseException as e:  # noqa: B902 - handed to the test
            result["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, result


def ticks_while(thread):
    """Timestamps taken by this thread every 10 ms until thread ends."""
    ticks = []
    while thread.is_alive():
        ticks.append(time.monotonic())
        time.sleep(0.01)
    thread.join()
    return ticks


def test_concurrent_starts(busybox, cpath):
    a, b = busybox("py-thr1"), busybox("py-thr2")
    runs = [in_thread(mgr.Container(c.name, cpath.path).start) for c in (a, b)]
    for t, result in runs:
        t.join(60)
        assert not t.is_alive()
        assert "error" not in result, result
    for c in (a, b):
        assert c.wait("RUNNING", timeout=10) == "RUNNING"
        assert c.init_pid > 0
    assert a.init_pid != b.init_pid
    assert mgr.list_containers(cpath.path, active=True) == ["py-thr1", "py-thr2"]

    stops = [in_thread(mgr.Container(c.name, cpath.path).stop) for c in (a, b)]
    for t, result in stops:
        t.join(60)
        assert "error" not in result, result
    assert a.state == b.state == "STOPPED"


def test_wait_releases_gil(busybox):
    c = busybox("py-gil1")
    c.start()
    t0 = time.monotonic()
    t, result = in_thread(c.wait, "STOPPED", timeout=2)
    ticks = ticks_while(t)
    t1 = time.monotonic()
    assert isinstance(result.get("error"), mgr.Error), result
    assert result["error"].errno == errno.ETIMEDOUT
    assert t1 - t0 >= 1.5
    # Ticks all along the wait, not only before and after it.
    during = [x for x in ticks if t0 + 0.3 < x < t1 - 0.3]
    assert len(during) > 20, f"{len(during)} ticks in {t1 - t0:.1f} s of wait"
    c.stop()


def test_wait_sees_stop_from_other_thread(busybox):
    c = busybox("py-gil2")
    c.start()
    t, result = in_thread(c.wait, "STOPPED", timeout=30)
    time.sleep(0.5)
    assert t.is_alive()
    mgr.Container(c.name, c.config_path).stop()
    t.join(30)
    assert result == {"value": "STOPPED"}


def test_attach_releases_gil(busybox):
    c = busybox("py-gil3")
    c.start()
    t0 = time.monotonic()
    t, result = in_thread(c.attach_wait, ["sleep", "2"])
    ticks = ticks_while(t)
    t1 = time.monotonic()
    assert result == {"value": 0}
    during = [x for x in ticks if t0 + 0.3 < x < t1 - 0.3]
    assert len(during) > 20, f"{len(during)} ticks in {t1 - t0:.1f} s of attach"
    c.stop()


WAITER = """
import sys, time, mgr
c = mgr.Container(sys.argv[1], sys.argv[2])
print("waiting", flush=True)
t0 = time.monotonic()
try:
    c.wait("STOPPED")
    print("returned", flush=True)
except KeyboardInterrupt:
    print(f"interrupted after {time.monotonic() - t0:.1f}", flush=True)
"""


def test_wait_interrupted(busybox):
    c = busybox("py-sigint")
    c.start()
    waiter = subprocess.Popen([sys.executable, "-c", WAITER, c.name, c.config_path],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert waiter.stdout.readline().strip() == "waiting"
        time.sleep(0.5)
        t0 = time.monotonic()
        waiter.send_signal(signal.SIGINT)
        out, _ = waiter.communicate(timeout=10)
        assert time.monotonic() - t0 < 3
        assert out.startswith("interrupted after"), out
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.wait()
    assert c.running is True
    c.stop()
