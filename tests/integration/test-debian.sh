#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A Debian guest from the debian template boots systemd to "running" with
# no failed unit, and behaves like a small VM: journald, hostnamectl, a
# login on tty1 through mgr-console, a clean shutdown, a reboot from inside.
#
# The rootfs cache is $MGR_TEST_CACHE (shared by the run, see
# test-templates.sh); the first create downloads bookworm (about a minute).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/terminal.sh"

t_use_test_cache

# In tests/run's VM section there is no network: a release comes from
# the run's cache, which this file fills on the host first.
need_release() {
	[[ $T_ID_PREFIX == vm/* ]] || return 0
	[[ -f $MGR_TEST_CACHE/debian/$1-$(dpkg --print-architecture)/rootfs.sum ]] ||
		t_skip "no cache of Debian $1 from the host's run (the VM has no network)"
}

# On a pure cgroup v2 host, an attached command joins init's cgroup, a
# leaf: systemd has enabled controllers in the container's own.
attach_joins_init_scope() {
	[[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]] || return 0
	assert_eq "0::/init.scope" "$(t_mgr attach -n "$1" -- cat /proc/self/cgroup)"
	assert_eq "$1" "$(t_mgr attach -n "$1" -- hostname)"
}

# A Debian container NAME with a user "op" (password "op"), its console
# logged to $T_WORK/NAME.console.
make_guest() {
	need_release bookworm
	assert_succeeds t_mgr create -n "$1" -t debian -- -r bookworm --user op --password op
	echo "mgr.console.logfile = $T_WORK/$1.console" >>"$T_PATH/$1/config"
}

boots_cleanly() {
	make_guest deb1
	assert_succeeds t_mgr start -n deb1
	systemd_running deb1
	assert_eq "" "$(in_ct deb1 systemctl --failed --no-legend --plain)" "failed units"
	# Made the default way: unprivileged, its rootfs idmapped.
	assert_eq 1 "$(awk '$1 == "mgr.rootfs.idmapped" { print $3 }' "$T_PATH/deb1/config")"
	[[ $(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n deb1 -p -H)/status") -ne 0 ]] ||
		t_fail "init of a default Debian guest runs as the host's root"
	assert_eq deb1 "$(in_ct deb1 hostnamectl hostname)"
	attach_joins_init_scope deb1
	assert_succeeds in_ct deb1 systemd-detect-virt --container
	assert_eq mgr "$(in_ct deb1 cat /run/host/container-manager)"
	assert_eq "$(. /etc/os-release; echo "$ID")" "$(in_ct deb1 sh -c '. /run/host/os-release; echo $ID')"
	# journald takes messages and hands them back.
	assert_succeeds in_ct deb1 sh -c 'echo marker-journal | systemd-cat -t mgrtest'
	local found=""
	for _ in $(seq 20); do
		found=$(in_ct deb1 journalctl -t mgrtest --no-pager -q 2>/dev/null || true)
		[[ $found == *marker-journal* ]] && break
		sleep 0.2
	done
	assert_contains "$found" "marker-journal"
	# What the container interface keeps read-only.
	assert_fails in_ct deb1 sh -c 'echo 1 > /proc/sys/kernel/panic'
	assert_fails in_ct deb1 touch /sys/kernel/mgrtest
	# Its own machine id, generated at first boot.
	local id
	id=$(in_ct deb1 cat /etc/machine-id)
	[[ $id =~ ^[0-9a-f]{32}$ ]] || t_fail "machine-id is \"$id\""
	# A clean shutdown: systemd halts, nothing is killed.
	local start=$SECONDS
	assert_succeeds t_mgr stop -n deb1 -t 30
	[[ $((SECONDS - start)) -lt 10 ]] || t_fail "the shutdown took $((SECONDS - start)) s"
	assert_contains "$(cat "$T_WORK/deb1.console")" "Halting system"
	assert_no_leftovers deb1
}

reboots_from_inside() {
	[[ -d $T_PATH/deb1 ]] || make_guest deb1
	assert_succeeds t_mgr start -n deb1
	systemd_running deb1
	local pid1 pid2=""
	pid1=$(t_mgr info -n deb1 -p -H)
	in_ct deb1 systemctl reboot || true
	for _ in $(seq 150); do
		pid2=$(t_mgr info -n deb1 -p -H 2>/dev/null || true)
		[[ -n $pid2 && $pid2 != "$pid1" ]] && break
		sleep 0.2
	done
	[[ -n $pid2 && $pid2 != "$pid1" ]] || t_fail "no new init after systemctl reboot"
	systemd_running deb1
	assert_eq RUNNING "$(t_mgr info -n deb1 -s -H)"
	assert_succeeds t_mgr stop -n deb1 -t 30
	assert_no_leftovers deb1
}

console_login() {
	trap panes_end EXIT
	[[ -d $T_PATH/deb1 ]] || make_guest deb1
	assert_succeeds t_mgr start -n deb1
	systemd_running deb1
	pane a mgr-console -P "$T_PATH" -n deb1 -t 1
	keys a Enter
	see a "deb1 login:"
	keys a op Enter
	see a "Password:"
	keys a op Enter
	see a "op@deb1"
	keys a 'echo marker-$((6*7)); id -un' Enter
	see a "marker-42"
	keys a C-a q
	assert_eq 0 "$(ended a)" "mgr-console's exit status"
	assert_eq RUNNING "$(t_mgr info -n deb1 -s -H)"
	panes_end
	assert_succeeds t_mgr stop -n deb1 -t 30
	assert_no_leftovers deb1
}

cached_create_is_fast() {
	# The first create filled the cache; this one only copies.
	[[ -d $T_PATH/deb1 ]] || make_guest deb1
	local start=$SECONDS
	assert_succeeds t_mgr create -n deb2 -t debian -- -r bookworm
	[[ $((SECONDS - start)) -lt 15 ]] || t_fail "a create from the cache took $((SECONDS - start)) s"
	# Its own host keys, not the first container's.
	local k1 k2
	k1=$(cat "$T_PATH"/deb1/rootfs/etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null || echo none1)
	k2=$(cat "$T_PATH"/deb2/rootfs/etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null || echo none2)
	[[ $k1 != "$k2" ]] || t_fail "two containers share an SSH host key"
	assert_succeeds t_mgr destroy -n deb2
	assert_no_leftovers deb2
}

clone_boots() {
	# A copy gets its own host keys at first boot and no failed unit.
	[[ -d $T_PATH/deb1 ]] || make_guest deb1
	assert_succeeds t_mgr copy -n deb1 -N deb3
	[[ -z $(ls "$T_PATH"/deb3/rootfs/etc/ssh/ssh_host_* 2>/dev/null) ]] ||
		t_fail "the copy kept the host keys"
	assert_succeeds t_mgr start -n deb3
	systemd_running deb3
	assert_eq deb3 "$(in_ct deb3 hostnamectl hostname)"
	local ssh=""
	for _ in $(seq 50); do
		ssh=$(in_ct deb3 systemctl is-active ssh.service || true)
		[[ $ssh == activating ]] || break
		sleep 0.2
	done
	assert_eq active "$ssh" "ssh.service in the copy"
	local k1 k3
	k1=$(cat "$T_PATH"/deb1/rootfs/etc/ssh/ssh_host_ed25519_key.pub)
	k3=$(in_ct deb3 cat /etc/ssh/ssh_host_ed25519_key.pub)
	[[ $k1 != "$k3" ]] || t_fail "the copy has the source's host key"
	assert_succeeds t_mgr stop -n deb3 -t 30
	assert_succeeds t_mgr destroy -n deb3
	assert_no_leftovers deb3
}

unprivileged_boots() {
	# In a user namespace, its ids from the test's own subordinate ranges,
	# its files shifted (every other case here is idmapped, the default).
	export MGR_SUBUID_FILE=$T_WORK/subuid MGR_SUBGID_FILE=$T_WORK/subgid
	echo "root:3000000:1000000" | tee "$MGR_SUBUID_FILE" >"$MGR_SUBGID_FILE"
	echo "mgr.rootfs.idmapped = 0" >"$T_WORK/shifted.conf"
	assert_succeeds t_mgr create -n debu -U -t debian -f "$T_WORK/shifted.conf" -- -r bookworm
	local base
	base=$(awk '$1 ~ /idmap$/ && $3 == "u" { print $5 }' "$T_PATH/debu/config")
	[[ $base -ge 3000000 ]] || t_fail "no range from the test's subuid file: \"$base\""
	assert_eq "$base" "$(stat -c %u "$T_PATH/debu/rootfs/etc/passwd")"
	assert_eq "4755" "$(stat -c %a "$T_PATH/debu/rootfs/usr/bin/passwd")" "setuid kept"
	assert_succeeds t_mgr start -n debu
	systemd_running debu
	assert_eq "" "$(in_ct debu systemctl --failed --no-legend --plain)" "failed units"
	assert_eq "$base" "$(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n debu -p -H)/status")"
	assert_eq 0 "$(t_mgr attach -n debu -- id -u)"
	assert_eq "0 42" "$(t_mgr attach -n debu -- stat -c '%u %g' /etc/shadow)" "owner and group shadow"
	# journald and logind's ways of running services work as root inside.
	assert_succeeds t_mgr attach -n debu -- systemd-run --wait -q -p DynamicUser=yes true
	assert_succeeds t_mgr stop -n debu -t 30
	assert_succeeds t_mgr destroy -n debu
	assert_no_leftovers debu
}

# Debian trixie, the template's default release.
trixie_boots() {
	need_release trixie
	assert_succeeds t_mgr create -n debtrx -t debian
	assert_contains "$(cat "$T_PATH/debtrx/rootfs/etc/debian_version")" "13."
	assert_succeeds t_mgr start -n debtrx
	systemd_running debtrx
	assert_eq "" "$(in_ct debtrx systemctl --failed --no-legend --plain)" "failed units"
	attach_joins_init_scope debtrx
	assert_succeeds t_mgr stop -n debtrx -t 30
	assert_succeeds t_mgr destroy -n debtrx
	assert_no_leftovers debtrx
}

# Debian sid: a systemd (258 and later) that no longer runs on cgroup v1.
# On a v1 or hybrid host it sees its cgroup2 cgroup alone; with the
# legacy view forced it refuses to run, and mgr-start's error or the
# console says so.
sid_boots() {
	need_release sid
	assert_succeeds t_mgr create -n debsid -t debian -- -r sid
	local v
	v=$(ls "$T_PATH/debsid/rootfs/usr/lib/"*/systemd/libsystemd-shared-*.so 2>/dev/null |
		sed -n 's/.*libsystemd-shared-\([0-9]*\).*/\1/p' | head -n1)
	[[ -n $v ]] || t_fail "no systemd in the sid guest"
	echo "mgr.console.logfile = $T_WORK/debsid.console" >>"$T_PATH/debsid/config"
	assert_succeeds t_mgr start -n debsid
	systemd_running debsid
	assert_eq "" "$(in_ct debsid systemctl --failed --no-legend --plain)" "failed units"
	assert_contains "$(in_ct debsid grep ' /sys/fs/cgroup ' /proc/self/mountinfo)" " - cgroup2 "
	assert_contains "$(t_mgr attach -n debsid -- cat /proc/self/cgroup)" "0::/init.scope"
	assert_succeeds t_mgr stop -n debsid -t 30
	if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		assert_succeeds t_mgr destroy -n debsid
		return
	fi
	echo "mgr.cgroup.view = legacy" >>"$T_PATH/debsid/config"
	t_mgr start -n debsid || true
	for _ in $(seq 50); do
		[[ $(t_mgr info -n debsid -s -H) == STOPPED ]] && break
		sleep 0.2
	done
	assert_eq STOPPED "$(t_mgr info -n debsid -s -H)" "systemd $v on the legacy view"
	assert_contains "$(cat "$T_WORK/debsid.console")" "cgroup v1"
	assert_succeeds t_mgr destroy -n debsid
	assert_no_leftovers debsid
}

t_case "a Debian guest boots systemd to running and halts cleanly" boots_cleanly
t_case "systemctl reboot inside brings it back" reboots_from_inside
t_case "a login on tty1 through mgr-console" console_login
t_case "a second create comes from the cache in seconds" cached_create_is_fast
t_case "a copy of a guest boots with its own host keys" clone_boots
t_case "an unprivileged Debian guest with shifted files boots to running" unprivileged_boots
t_case "a Debian trixie guest (the default release) boots to running" trixie_boots
t_case "a Debian sid guest (systemd without cgroup v1) boots to running" sid_boots
