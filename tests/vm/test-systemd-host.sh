#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# On a host whose PID 1 is systemd and whose cgroup hierarchy is pure v2
# (tests/run's VM section boots one): mgr-net.service and mgr.service as
# the build makes them, and a user's own container in a cgroup systemd
# delegates to it (Delegate=yes).  The units run the build tree's
# programs; they are put in /run/systemd/system for the case and taken
# out after it.

. "$(dirname "$0")/../integration/lib.sh"

UNITS=/run/systemd/system
BUILD=$(dirname "$(command -v mgr-start)")
USER_SCOPE=mgrtest-user-$$.scope

need_systemd() {
	[[ -d /run/systemd/system && $(cat /proc/1/comm) == systemd ]] ||
		t_skip "systemd is not PID 1 here"
}

# The environment the tests run mgr with, for a unit's programs.
mgr_environment() {
	local v
	for v in MGR_TEMPLATE_DIR MGR_INIT_PATH MGR_MONITOR_PATH MGR_GLOBAL_CONFIG \
		MGR_CONFIG_DIR MGR_SUBUID_FILE MGR_SUBGID_FILE ASAN_OPTIONS UBSAN_OPTIONS; do
		[[ -z ${!v:-} ]] || echo "$v=${!v}"
	done
}

# unit_install UNIT [VAR=VALUE...]: UNIT as the build made it, its programs
# taken from the build tree, with the tests' environment and VAR=VALUE.
unit_install() {
	local unit=$1 e
	shift
	sed -E "s|^(Exec[A-Za-z]*=)[^ ]*/(mgr-[a-z]+)|\1$BUILD/\2|" "$BUILD/$unit" >"$UNITS/$unit" ||
		t_fail "cannot install $unit"
	mkdir -p "$UNITS/$unit.d"
	{
		echo "[Service]"
		while read -r e; do echo "Environment=\"$e\""; done < <(mgr_environment)
		for e in "$@"; do echo "Environment=\"$e\""; done
	} >"$UNITS/$unit.d/test.conf"
	systemctl daemon-reload
}

unit_remove() {
	systemctl stop "$1" 2>/dev/null || true
	rm -rf "${UNITS:?}/$1" "$UNITS/$1.d"
	systemctl daemon-reload
}

net_service() {
	need_systemd
	trap 'unit_remove mgr-net.service' EXIT
	local bridge=mgrtsd$$ conf=$T_WORK/net.conf
	printf 'MGR_BRIDGE=%s\nMGR_NETWORK=10.211.%d.0/24\n' "$bridge" $(($$ % 200)) >"$conf"
	unit_install mgr-net.service "MGR_NET_CONFIG=$conf"
	assert_succeeds systemd-analyze verify --man=no "$UNITS/mgr-net.service"
	systemctl start mgr-net.service ||
		t_fail "mgr-net.service failed: $(journalctl -u mgr-net.service --no-pager -q | tail -n 20)"
	assert_eq active "$(systemctl is-active mgr-net.service)"
	assert_succeeds env MGR_NET_CONFIG="$conf" mgr-net status
	assert_contains "$T_OUT" "$bridge is up"
	[[ -d /sys/class/net/$bridge/bridge ]] || t_fail "no bridge $bridge"
	assert_succeeds systemctl stop mgr-net.service
	[[ ! -e /sys/class/net/$bridge ]] || t_fail "$bridge is still there after the stop"
	T_RC=0
	env MGR_NET_CONFIG="$conf" mgr-net status >/dev/null 2>&1 || T_RC=$?
	assert_eq 3 "$T_RC" "mgr-net status after the stop"
}

# mgr.service starts the containers marked to start at boot and stops
# them cleanly; the containers are not its processes to kill.
boot_service() {
	need_systemd
	trap 'unit_remove mgr.service' EXIT
	local name pid
	for name in sd1 sd2; do
		assert_succeeds t_mgr create -n "$name" -t busybox
		sed -i '/^mgr\.net/d' "$T_PATH/$name/config"
		printf 'mgr.net.0.type = empty\nmgr.start.auto = 1\n' >>"$T_PATH/$name/config"
	done
	echo "mgr.start.order = 10" >>"$T_PATH/sd2/config"
	unit_install mgr.service "MGR_PATH=$T_PATH"
	assert_succeeds systemd-analyze verify --man=no "$UNITS/mgr.service"
	systemctl start mgr.service ||
		t_fail "mgr.service failed: $(journalctl -u mgr.service --no-pager -q | tail -n 20)"
	assert_eq active "$(systemctl is-active mgr.service)"
	for name in sd1 sd2; do
		assert_eq RUNNING "$(t_mgr info -n "$name" -s -H)" "$name after mgr.service started"
	done
	pid=$(t_mgr info -n sd1 -p -H)
	echo "init of sd1: $(cat "/proc/$pid/cgroup")"
	assert_contains "$(cat "/proc/$pid/cgroup")" "/mgr.payload.sd1"
	# A restart of systemd's view of the unit does not touch them.
	assert_succeeds systemctl daemon-reload
	assert_eq "$pid" "$(t_mgr info -n sd1 -p -H)" "init of sd1 after daemon-reload"
	assert_succeeds systemctl stop mgr.service
	for name in sd1 sd2; do
		assert_eq STOPPED "$(t_mgr info -n "$name" -s -H)" "$name after mgr.service stopped"
		assert_contains "$(t_mgr info -n "$name")" "asked to stop"
	done
	assert_no_leftovers sd1 sd2
}

# nobody, with a home of its own, running what it is given in the scope
# systemd delegates a cgroup to.
as_user() {
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		env -u MGR_SUBUID_FILE -u MGR_SUBGID_FILE -u MGR_PATH HOME="$T_WORK/home" \
		XDG_RUNTIME_DIR="$T_WORK/home/run" MGR_GLOBAL_CONFIG="$T_WORK/user.conf" "$@"
}

user_delegated() {
	need_systemd
	trap 'systemctl stop "$USER_SCOPE" 2>/dev/null || true' EXIT
	mkdir -p "$T_WORK/home"
	chown 65534:65534 "$T_WORK/home"
	chmod 755 "$T_WORK"
	printf 'mgr.net.0.type = empty\nmgr.mount.auto = proc:mixed sys:mixed cgroup:mixed\nmgr.autodev = 1\n' \
		>"$T_WORK/user.conf"
	assert_succeeds as_user mgr-create -n sdu -t busybox -U
	# Started, and attached to, in a scope systemd delegates to the user.
	assert_succeeds systemd-run --quiet --scope --unit="$USER_SCOPE" -p Delegate=yes \
		-p User=nobody -- \
		setpriv --reuid 65534 --regid 65534 --clear-groups \
		env HOME="$T_WORK/home" XDG_RUNTIME_DIR="$T_WORK/home/run" \
		MGR_GLOBAL_CONFIG="$T_WORK/user.conf" \
		sh -c 'mgr-start -n sdu && mgr-attach -n sdu -- id -u && mgr-attach -n sdu -- cat /proc/self/cgroup'
	assert_eq "0
0::/" "$T_OUT" "what the attached commands printed"
	assert_eq RUNNING "$(as_user mgr-info -n sdu -s -H)"
	local pid
	pid=$(as_user mgr-info -n sdu -p -H)
	assert_contains "$(cat "/proc/$pid/cgroup")" "/$USER_SCOPE/"
	assert_eq 65534 "$(stat -c %u "/sys/fs/cgroup$(cut -d: -f3 "/proc/$pid/cgroup")")" \
		"the owner of init's cgroup"
	# Its statistics and limits are found from anywhere; cgroup v2 lets
	# no process of the user in from outside the delegation, and says so.
	assert_succeeds as_user mgr-info -n sdu -S
	assert_contains "$T_OUT" "CPU use"
	assert_fails -e "from outside the cgroup delegated to uid 65534" as_user mgr-attach -n sdu -- true
	assert_succeeds as_user mgr-stop -n sdu
	assert_succeeds as_user mgr-destroy -n sdu
	for _ in $(seq 50); do
		systemctl is-active -q "$USER_SCOPE" || break
		sleep 0.2
	done
	systemctl is-active -q "$USER_SCOPE" &&
		t_fail "$USER_SCOPE is still active: $(systemd-cgls --no-pager -u "$USER_SCOPE")"
	[[ -z $(ls -A "$T_WORK/home/.local/share/mgr") ]] || t_fail "files were left"
	assert_no_leftovers sdu
}

t_case "mgr-net.service brings the default network up and takes it down" net_service
t_case "mgr.service starts the containers marked to start at boot and stops them" boot_service
t_case "a user's container in a cgroup systemd delegates (Delegate=yes)" user_delegated
