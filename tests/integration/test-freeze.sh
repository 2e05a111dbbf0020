#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Freezing and thawing busybox containers, with either freezer: what a
# frozen container's processes do (nothing), the states watchers see, many
# rounds under load, and attach, stop and destroy of a frozen container.

. "$(dirname "$0")/lib.sh"

V1_FREEZER=$(awk '$3 == "cgroup" && $4 ~ /(^|,)freezer(,|$)/ { print $2; exit }' /proc/self/mounts)
UNIFIED=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# A busybox container, started with the freezer of MGR_CGROUP_FREEZER (for
# its monitor), whose clean shutdown leaves a mark in its rootfs.
make_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox
	echo "::shutdown:/bin/touch /halted" >>"$T_PATH/$1/rootfs/etc/inittab"
	assert_succeeds t_mgr start -n "$1"
}

# ct_file NAME FILE: the contents of FILE in the running container NAME.
ct_file() {
	local pid
	pid=$(t_mgr info -n "$1" -p -H)
	cat "/proc/$pid/root/$2" 2>/dev/null || true
}

# start_counter NAME: a loop inside that counts in /count, run by
# mgr-attach in the background; waits until it has counted.
start_counter() {
	t_mgr attach -n "$1" -- sh -c 'i=0; while :; do i=$((i+1)); echo $i >/count.new; mv /count.new /count; usleep 10000; done' \
		>/dev/null 2>&1 &
	local _
	for _ in $(seq 100); do
		[[ -n $(ct_file "$1" count) ]] && return 0
		sleep 0.05
	done
	t_fail "the counter in $1 did not start"
}

# assert_frozen_counter NAME: the counter does not move while frozen, and
# moves again after the thaw.
assert_frozen_counter() {
	local a b
	a=$(ct_file "$1" count)
	sleep 0.5
	b=$(ct_file "$1" count)
	assert_eq "$a" "$b" "the counter while frozen"
	assert_succeeds t_mgr unfreeze -n "$1"
	assert_eq RUNNING "$(t_mgr info -n "$1" -s -H)"
	sleep 0.3
	b=$(ct_file "$1" count)
	[[ $b -gt $a ]] || t_fail "the counter did not go on after the thaw ($a, then $b)"
}

need_v2() {
	[[ -n $UNIFIED ]] || t_skip "no cgroup2 hierarchy"
}

frozen_makes_no_progress() {
	make_ct frz
	start_counter frz
	assert_succeeds t_mgr freeze -n frz
	assert_eq FROZEN "$(t_mgr info -n frz -s -H)"
	if [[ -n $V1_FREEZER ]]; then
		assert_eq FROZEN "$(cat "$V1_FREEZER/mgr.payload.frz/freezer.state")" "v1 freezer.state"
	fi
	assert_succeeds t_mgr freeze -n frz # frozen already: fine
	assert_frozen_counter frz
	assert_succeeds t_mgr unfreeze -n frz # running already: fine
	assert_succeeds t_mgr stop -n frz -k
	wait
	assert_no_leftovers frz
}

v2_freezer() {
	need_v2
	MGR_CGROUP_FREEZER=v2 make_ct frz2
	start_counter frz2
	assert_succeeds t_mgr freeze -n frz2
	assert_eq FROZEN "$(t_mgr info -n frz2 -s -H)"
	assert_eq 1 "$(cat "$UNIFIED/mgr.payload.frz2/cgroup.freeze")" "cgroup.freeze"
	assert_contains "$(cat "$UNIFIED/mgr.payload.frz2/cgroup.events")" "frozen 1"
	if [[ -n $V1_FREEZER ]]; then
		assert_eq THAWED "$(cat "$V1_FREEZER/mgr.payload.frz2/freezer.state")" "the v1 freezer, unused"
	fi
	assert_fails -e "FROZEN" t_mgr attach -n frz2 -- true
	assert_frozen_counter frz2
	assert_eq 0 "$(cat "$UNIFIED/mgr.payload.frz2/cgroup.freeze")" "cgroup.freeze after the thaw"
	# Kill and clean stop of a frozen container with this freezer too.
	assert_succeeds t_mgr freeze -n frz2
	assert_succeeds t_mgr stop -n frz2 -k
	assert_eq STOPPED "$(t_mgr info -n frz2 -s -H)"
	MGR_CGROUP_FREEZER=v2 assert_succeeds t_mgr start -n frz2
	assert_succeeds t_mgr freeze -n frz2
	assert_succeeds t_mgr stop -n frz2 -t 20
	[[ -e $T_PATH/frz2/rootfs/halted ]] || t_fail "the frozen container was not halted cleanly"
	wait
	assert_no_leftovers frz2
}

states_reach_watchers() {
	make_ct st
	t_mgr monitor -n st -t 30 >"$T_WORK/mon.out" &
	local mon=$!
	sleep 0.3
	assert_succeeds t_mgr freeze -n st
	assert_succeeds t_mgr wait -n st -s FROZEN -t 5
	assert_succeeds t_mgr unfreeze -n st
	assert_succeeds t_mgr wait -n st -s RUNNING -t 5
	sleep 0.3
	kill "$mon" 2>/dev/null || true
	wait "$mon" 2>/dev/null || true
	local out
	out=$(cat "$T_WORK/mon.out")
	assert_contains "$out" "'st' changed state to [FREEZING]
'st' changed state to [FROZEN]
'st' changed state to [THAWED]
'st' changed state to [RUNNING]"
	assert_succeeds t_mgr stop -n st -k
	assert_no_leftovers st
}

# rounds NAME: freeze and thaw 100 times, each round within 2 s.
rounds() {
	local i t0 ms
	for i in $(seq 100); do
		t0=$(date +%s%N)
		assert_succeeds timeout 10 mgr-freeze -P "$T_PATH" -n "$1" -t 5
		if ((i % 10 == 0)); then
			assert_eq FROZEN "$(t_mgr info -n "$1" -s -H)" "round $i"
		fi
		assert_succeeds timeout 10 mgr-unfreeze -P "$T_PATH" -n "$1"
		ms=$((($(date +%s%N) - t0) / 1000000))
		[[ $ms -lt 2000 ]] || t_fail "round $i took $ms ms"
	done
	assert_eq RUNNING "$(t_mgr info -n "$1" -s -H)"
}

hundred_rounds_under_load() {
	make_ct load
	local k
	for k in 1 2; do
		t_mgr attach -n load -- sh -c 'while :; do :; done' >/dev/null 2>&1 &
	done
	start_counter load
	rounds load
	if [[ -n $UNIFIED ]]; then
		assert_succeeds t_mgr stop -n load -k
		MGR_CGROUP_FREEZER=v2 assert_succeeds t_mgr start -n load
		for k in 1 2; do
			t_mgr attach -n load -- sh -c 'while :; do :; done' >/dev/null 2>&1 &
		done
		rounds load
	fi
	assert_succeeds t_mgr stop -n load -k
	wait
	assert_no_leftovers load
}

attach_refused() {
	make_ct att
	assert_succeeds t_mgr freeze -n att
	assert_fails -e "FROZEN" t_mgr attach -n att -- true
	assert_eq FROZEN "$(t_mgr info -n att -s -H)"
	assert_succeeds t_mgr unfreeze -n att
	assert_succeeds t_mgr attach -n att -- true
	assert_succeeds t_mgr stop -n att -k
	assert_no_leftovers att
}

stop_frozen() {
	make_ct k
	start_counter k
	assert_succeeds t_mgr freeze -n k
	assert_succeeds timeout 20 mgr-stop -P "$T_PATH" -n k -k
	assert_eq STOPPED "$(t_mgr info -n k -s -H)"
	[[ ! -e $T_PATH/k/rootfs/halted ]] || t_fail "-k ran the shutdown actions"
	wait
	assert_no_leftovers k

	make_ct clean
	assert_succeeds t_mgr freeze -n clean
	assert_succeeds timeout 30 mgr-stop -P "$T_PATH" -n clean -t 20
	assert_eq STOPPED "$(t_mgr info -n clean -s -H)"
	[[ -e $T_PATH/clean/rootfs/halted ]] || t_fail "the frozen container was not halted cleanly"
	assert_no_leftovers clean

	make_ct gone
	assert_succeeds t_mgr freeze -n gone
	assert_succeeds timeout 20 mgr-destroy -P "$T_PATH" -n gone -f
	[[ ! -e $T_PATH/gone ]] || t_fail "destroy -f left the directory"
	assert_no_leftovers gone
}

refusals() {
	assert_succeeds t_mgr create -n idle -t busybox
	assert_fails -e "not running" t_mgr freeze -n idle
	[[ $T_RC -eq 2 ]] || t_fail "mgr-freeze of a stopped container: exit $T_RC, not 2"
	assert_fails -e "not running" t_mgr unfreeze -n idle
	assert_fails -e "not defined" t_mgr freeze -n nosuch
	assert_fails -e "invalid timeout" t_mgr freeze -n idle -t soon
	assert_succeeds t_mgr freeze --help
	assert_contains "$T_OUT" "--timeout"
	assert_no_leftovers idle
}

t_case "a frozen container makes no progress until thawed" frozen_makes_no_progress
t_case "cgroup.freeze (MGR_CGROUP_FREEZER=v2) freezes the same" v2_freezer
t_case "FREEZING, FROZEN, THAWED, RUNNING reach mgr-monitor and mgr-wait" states_reach_watchers
t_case "100 freeze/thaw rounds under load, each within 2 s" hundred_rounds_under_load
t_case "attach to a frozen container is refused" attach_refused
t_case "stop -k, stop and destroy -f of a frozen container" stop_frozen
t_case "freeze and unfreeze of a stopped or unknown container" refusals
