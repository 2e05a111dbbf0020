# SPDX-License-Identifier: LGPL-2.1-or-later
"""The console: the output the monitor keeps, and sessions on a tty
through plain descriptors."""

import errno
import os
import threading
import time

import pytest

import mgr


def console_log_with(c, text, timeout=10):
    """c.console_log() once it contains text (bytes)."""
    deadline = time.monotonic() + timeout
    while True:
        log = c.console_log()
        if text in log or time.monotonic() > deadline:
            return log
        time.sleep(0.1)


def test_console_log(busybox):
    c = busybox("py-clog")
    c.start()
    log = console_log_with(c, b"login:")
    assert isinstance(log, bytes)
    assert b"py-clog login:" in log
    c.stop()


def test_console_log_off(busybox):
    c = busybox("py-clog0", "mgr.console.buffer.size = 0")
    c.start()
    with pytest.raises(mgr.Error) as e:
        c.console_log()
    assert e.value.errno == errno.ENODATA
    c.stop()


def test_console_log_file(busybox, cpath):
    c = busybox("py-clogf")
    file = os.path.join(cpath.work, "console.log")
    c.start(console_log=file)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(file, "rb") as f:
            if b"login:" in f.read():
                break
        time.sleep(0.1)
    with open(file, "rb") as f:
        assert b"py-clogf login:" in f.read()
    c.stop()


def test_console_session(busybox, cpath):
    c = busybox("py-tty")
    c.start()
    r, w = os.pipe()
    out = os.open(os.path.join(cpath.work, "tty1.out"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        # Ctrl-a q detaches, from another thread while console() blocks.
        timer = threading.Timer(1.0, os.write, (w, b"\x01q"))
        timer.start()
        t0 = time.monotonic()
        assert c.console(1, r, out) is False
        assert time.monotonic() - t0 >= 0.9
        timer.join()

        # The container stopping ends the session too.
        stopper = threading.Timer(1.0, mgr.Container(c.name, c.config_path).stop)
        stopper.start()
        assert c.console(1, r, out) is True
        stopper.join()
        assert c.state == "STOPPED"

        with pytest.raises(mgr.Error) as e:
            c.console(1, r, out)
        assert e.value.errno == errno.ESRCH
    finally:
        for fd in (r, w, out):
            os.close(fd)
