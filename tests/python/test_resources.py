# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a running container has and uses: freezing, cgroup settings,
statistics, addresses and network devices."""

import errno
import os
import time

import pytest

import mgr

from conftest import host_links


def cgroup_file(pid, controller, file):
    """The path of a cgroup file of process pid: in the v1 hierarchy of
    controller, or (controller None) in the cgroup2 one; None if absent."""
    with open("/proc/self/mounts") as f:
        mounts = [line.split() for line in f]
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            v1 = controller is not None and controller in controllers.split(",")
            v2 = controller is None and controllers == ""
            if not (v1 or v2):
                continue
            for m in mounts:
                if (v1 and m[2] == "cgroup" and controller in m[3].split(",")) or \
                        (v2 and m[2] == "cgroup2"):
                    candidate = m[1] + path + "/" + file
                    if os.path.exists(candidate):
                        return candidate
    return None


def read(path):
    with open(path) as f:
        return f.read().strip()


def freezer_state(pid):
    """"FROZEN", "THAWED" from the freezer in use, or None without one."""
    v1 = cgroup_file(pid, "freezer", "freezer.state")
    v2 = cgroup_file(pid, None, "cgroup.freeze")
    if v1 and read(v1) != "THAWED":
        return read(v1)
    if v2:
        return "FROZEN" if read(v2) == "1" else "THAWED"
    return read(v1) if v1 else None


def test_freeze(busybox):
    c = busybox("py-frz")
    c.start()
    pid = c.init_pid
    try:
        c.freeze()
    except mgr.Error as e:
        if e.errno == errno.EOPNOTSUPP:
            pytest.skip(f"no freezer: {e}")
        raise
    assert c.state == "FROZEN"
    assert c.running is True
    state = freezer_state(pid)
    if state is None:
        pytest.skip("no freezer file in the container's cgroups")
    assert state == "FROZEN"
    with pytest.raises(mgr.Error) as e:
        c.attach_wait(["true"])
    assert e.value.errno == errno.EBUSY
    c.freeze()  # frozen already: fine
    assert c.wait("FROZEN", timeout=1) == "FROZEN"

    c.unfreeze()
    assert c.state == "RUNNING"
    assert freezer_state(pid) == "THAWED"
    c.unfreeze()  # running already: fine
    assert c.attach_wait(["true"]) == 0

    c.freeze(timeout=5)
    c.stop()  # kills a frozen container too
    assert c.state == "STOPPED"
    with pytest.raises(mgr.Error) as e:
        c.freeze()
    assert e.value.errno == errno.ESRCH
    with pytest.raises(mgr.Error) as e:
        c.unfreeze()
    assert e.value.errno == errno.ESRCH


def test_freeze_v2(busybox, monkeypatch):
    # MGR_CGROUP_FREEZER=v2 (read by the container's monitor): cgroup.freeze
    # even where the v1 freezer is mounted.
    monkeypatch.setenv("MGR_CGROUP_FREEZER", "v2")
    c = busybox("py-frz2")
    c.start()
    pid = c.init_pid
    freeze = cgroup_file(pid, None, "cgroup.freeze")
    if freeze is None:
        c.stop()
        pytest.skip("no cgroup.freeze (cgroup2) for the container")
    c.freeze()
    assert c.state == "FROZEN"
    assert read(freeze) == "1"
    assert "frozen 1" in read(os.path.join(os.path.dirname(freeze), "cgroup.events"))
    v1 = cgroup_file(pid, "freezer", "freezer.state")
    if v1:
        assert read(v1) == "THAWED"
    c.unfreeze()
    assert c.state == "RUNNING"
    assert read(freeze) == "0"
    c.stop()


def test_cgroup_items(busybox):
    c = busybox("py-cg", "mgr.limits.pids = 50")
    with pytest.raises(mgr.Error) as e:
        c.get_cgroup_item("pids.max")
    assert e.value.errno == errno.ESRCH
    c.start()
    pid = c.init_pid
    assert c.get_cgroup_item("pids.max") == "50"
    c.set_cgroup_item("pids.max", "100")
    assert c.get_cgroup_item("pids.max") == "100"
    assert c.get_cgroup_item("limits.pids") == "100"
    pids_max = cgroup_file(pid, "pids", "pids.max") or cgroup_file(pid, None, "pids.max")
    if pids_max:
        assert read(pids_max) == "100"

    assert c.get_cgroup_item("limits.memory") == "max"
    c.set_cgroup_item("limits.memory", "64M")
    assert c.get_cgroup_item("mgr.limits.memory") == "64M"
    try:
        raw = c.get_cgroup_item("memory.limit_in_bytes")
    except mgr.Error as e:
        assert e.errno == errno.ENOENT
        raw = c.get_cgroup_item("memory.max")
    assert raw == str(64 << 20)
    assert c.get_stats().get("memory_limit_bytes", 64 << 20) == 64 << 20

    with pytest.raises(mgr.Error) as e:
        c.set_cgroup_item("limits.memory", "lots")
    assert e.value.errno == errno.EINVAL
    with pytest.raises(mgr.Error) as e:
        c.get_cgroup_item("nosuch.file")
    assert e.value.errno == errno.ENOENT
    # The config is not touched.
    assert c.get_config_item("mgr.limits.pids") == "50"
    c.stop()


def test_stats(busybox):
    c = busybox("py-stats")
    with pytest.raises(mgr.Error) as e:
        c.get_stats()
    assert e.value.errno == errno.ESRCH
    c.start()
    known = {"cpu_ns", "memory_bytes", "memory_peak_bytes", "memory_limit_bytes", "pids",
             "blkio_read_bytes", "blkio_write_bytes", "net"}
    stats = c.get_stats()
    assert isinstance(stats, dict)
    assert set(stats) <= known, set(stats) - known
    if "cpu_ns" not in stats or "memory_bytes" not in stats:
        pytest.skip(f"the host gives no CPU or memory accounting: {sorted(stats)}")
    for key, value in stats.items():
        if key == "memory_limit_bytes" and value is None:
            continue  # no limit
        if key != "net":
            assert type(value) is int and value >= 0, (key, value)
    assert stats.get("memory_limit_bytes") is None
    assert stats["memory_bytes"] > 0
    if "pids" in stats:
        assert stats["pids"] >= 1
    if "memory_peak_bytes" in stats:
        assert stats["memory_peak_bytes"] >= stats["memory_bytes"] // 2

    net = stats.get("net")
    assert isinstance(net, dict) and "lo" in net
    for name, counters in net.items():
        assert isinstance(name, str)
        assert len(counters) == 2 and all(type(n) is int for n in counters)

    busy = "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"
    assert c.attach_wait(["sh", "-c", busy]) == 0
    later = c.get_stats()
    assert later["cpu_ns"] > stats["cpu_ns"]
    assert c.attach_wait(["ip", "link", "set", "lo", "up"]) == 0
    assert c.attach_wait(["ping", "-c", "1", "-W", "1", "127.0.0.1"]) == 0
    rx, tx = c.get_stats()["net"]["lo"]
    assert rx > net["lo"][0] and tx > net["lo"][1]
    c.stop()


def test_ips_and_interfaces(busybox):
    c = busybox("py-net", "mgr.net.0.type = veth", "mgr.net.0.flags = up",
                "mgr.net.0.ipv4.address = 10.213.7.2/24")
    with pytest.raises(mgr.Error) as e:
        c.get_ips()
    assert e.value.errno == errno.ESRCH
    c.start()
    assert c.get_ips() == ["10.213.7.2"]
    assert c.get_ips("inet") == ["10.213.7.2"]
    assert c.get_ips("inet6") == []
    links = c.get_interfaces()
    assert isinstance(links, list) and len(links) == 1
    assert links[0] in host_links()
    net = c.get_stats().get("net", {})
    assert "eth0" in net
    c.stop()
    assert links[0] not in host_links()


def test_no_network(busybox):
    c = busybox("py-lo")
    c.start()
    assert c.get_ips() == []
    assert c.get_interfaces() == []
    uptime = c.uptime
    time.sleep(0.2)
    assert c.uptime > uptime
    c.stop()
