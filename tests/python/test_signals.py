# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the interpreter does with signals stays in the interpreter.

Python ignores SIGPIPE and SIGXFSZ; programs the library runs for it (a
template, the container's init, attached commands) must get the default
dispositions and no blocked signals, or a pipeline like "yes | head" in a
template would not end the way it should.
"""

import os
import signal
import stat


def signal_masks(path):
    """{"SigIgn": int, "SigBlk": int} from a copy of /proc/PID/status."""
    masks = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("SigIgn", "SigBlk"):
                masks[key] = int(value, 16)
    return masks


# The signals the interpreter ignores; whatever ignored others before it
# (a CI harness, say) is not the library's to undo.
PYTHON_IGNORES = (1 << (signal.SIGPIPE - 1)) | (1 << (signal.SIGXFSZ - 1))


def test_the_interpreter_ignores_sigpipe():
    """The premise: otherwise the other tests prove nothing."""
    assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN


def test_template_gets_default_signals(cpath):
    template = os.path.join(cpath.work, "signals-template")
    with open(template, "w") as f:
        f.write('#!/bin/sh\nmkdir -p "$MGR_ROOTFS"\n'
                'cat /proc/self/status >"$MGR_ROOTFS/status"\n')
    os.chmod(template, stat.S_IRWXU)
    conf = cpath.config_file("mgr.net =\nmgr.net.0.type = empty\n")
    c = cpath.container("py-sigtpl")
    c.create(template, config=conf, quiet=True)
    rootfs = os.path.join(cpath.path, "py-sigtpl", "rootfs")
    masks = signal_masks(os.path.join(rootfs, "status"))
    assert masks["SigIgn"] & PYTHON_IGNORES == 0, f"ignored: {masks['SigIgn']:#x}"
    assert masks["SigBlk"] == 0


def test_init_and_attached_commands_get_default_signals(busybox):
    c = busybox("py-sigrun")
    c.start()
    c.wait("RUNNING", timeout=10)
    assert c.attach_wait(["cp", "/proc/self/status", "/tmp/attached-status"]) == 0
    pid = c.init_pid
    attached = signal_masks(f"/proc/{pid}/root/tmp/attached-status")
    assert attached["SigIgn"] & PYTHON_IGNORES == 0, f"ignored: {attached['SigIgn']:#x}"
    assert attached["SigBlk"] == 0
    # Busybox's init catches and blocks signals of its own, but ignores
    # none that Python ignores.
    assert signal_masks(f"/proc/{pid}/status")["SigIgn"] & PYTHON_IGNORES == 0
    c.stop()
