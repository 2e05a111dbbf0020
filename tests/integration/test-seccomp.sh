#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seccomp.profile and no_new_privs reach init and attached commands.

. "$(dirname "$0")/lib.sh"
T_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)


policy_applies() {
	printf '2\ndenylist\nreject_force_umount\n[all]\nmkdir errno 38\nmkdirat errno 38\nkexec_load errno 1\n' \
		>"$T_WORK/deny.seccomp"
	assert_succeeds t_mgr create -n sc -t busybox
	echo "mgr.seccomp.profile = $T_WORK/deny.seccomp" >>"$T_PATH/sc/config"
	assert_succeeds t_mgr start -n sc
	local pid
	pid=$(t_mgr info -n sc -p -H)
	assert_eq 2 "$(awk '/^Seccomp:/{print $2}' /proc/"$pid"/status)" "init's seccomp mode"
	assert_eq 0 "$(awk '/^NoNewPrivs:/{print $2}' /proc/"$pid"/status)" "init's no_new_privs"
	# An attached command gets the same filter, unless elevated.
	assert_fails -e "not implemented" t_mgr attach -n sc -- mkdir /made-inside
	assert_succeeds t_mgr attach -n sc -e -- mkdir /made-elevated
	[[ -d $T_PATH/sc/rootfs/made-elevated && ! -e $T_PATH/sc/rootfs/made-inside ]] ||
		t_fail "mkdir was not filtered as configured"
	# Processes started by init inherit it.
	assert_eq 2 "$(awk '/^Seccomp:/{print $2}' /proc/"$(pgrep -P "$pid" syslogd | head -1)"/status)" \
		"a child of init"
	assert_succeeds t_mgr stop -n sc -k
	assert_no_leftovers sc
}

no_new_privs() {
	assert_succeeds t_mgr create -n nnp -t busybox
	echo "mgr.no_new_privs = 1" >>"$T_PATH/nnp/config"
	assert_succeeds t_mgr start -n nnp
	local pid
	pid=$(t_mgr info -n nnp -p -H)
	assert_eq 1 "$(awk '/^NoNewPrivs:/{print $2}' /proc/"$pid"/status)"
	assert_eq 1 "$(t_mgr attach -n nnp -- sh -c 'grep NoNewPrivs /proc/self/status' | awk '{print $2}')"
	assert_succeeds t_mgr stop -n nnp -k
	assert_no_leftovers nnp
}

bad_policy() {
	assert_succeeds t_mgr create -n bad -t busybox
	printf '2\ndenylist\nno_such_syscall errno 1\n' >"$T_WORK/bad.seccomp"
	echo "mgr.seccomp.profile = $T_WORK/bad.seccomp" >>"$T_PATH/bad/config"
	assert_fails -e "$T_WORK/bad.seccomp:3" t_mgr start -n bad
	assert_contains "$T_OUT" "no_such_syscall"
	assert_eq STOPPED "$(t_mgr info -n bad -s -H)"
	echo "mgr.seccomp.profile = $T_WORK/missing.seccomp" >>"$T_PATH/bad/config"
	assert_fails -e "missing.seccomp" t_mgr start -n bad
	assert_no_leftovers bad
}

shipped_policy() {
	local policy=$T_SRCDIR/config/common.seccomp
	[[ -f $policy ]] || t_skip "config/common.seccomp is not in this tree"
	assert_succeeds t_mgr create -n ship -t busybox
	echo "mgr.seccomp.profile = $policy" >>"$T_PATH/ship/config"
	assert_succeeds t_mgr start -n ship
	assert_eq 2 "$(awk '/^Seccomp:/{print $2}' /proc/"$(t_mgr info -n ship -p -H)"/status)"
	assert_succeeds t_mgr attach -n ship -- sh -c 'echo ok > /tmp/x && cat /tmp/x'
	assert_succeeds t_mgr stop -n ship -k
	assert_no_leftovers ship
}

t_case "a seccomp policy filters init and attached commands" policy_applies
t_case "no_new_privs reaches init and attached commands" no_new_privs
t_case "a bad or missing policy fails the start with file and line" bad_policy
t_case "the shipped common.seccomp boots a container" shipped_policy
