# SPDX-License-Identifier: LGPL-2.1-or-later
"""The type stubs (python/mgr.pyi) say what the module really has."""

import os
import subprocess
import sys

import mgr

STUBS = os.path.join(os.path.dirname(__file__), "..", "..", "python")


def test_stubs_match_the_module():
    """mypy's stubtest finds no name, argument or default that differs."""
    env = dict(os.environ, MYPYPATH=os.path.abspath(STUBS))
    done = subprocess.run([sys.executable, "-m", "mypy.stubtest", "mgr"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_public_name_has_a_docstring():
    names = [n for n in dir(mgr) if not n.startswith("_")]
    for name in names:
        obj = getattr(mgr, name)
        if callable(obj):
            assert obj.__doc__, f"mgr.{name} has no docstring"
    for name in dir(mgr.Container):
        if not name.startswith("_"):
            assert getattr(mgr.Container, name).__doc__, f"Container.{name} has no docstring"
