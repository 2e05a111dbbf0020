#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Smoke test: the shipped pieces work, and a busybox container goes through
# its whole life once.

. "$(dirname "$0")/lib.sh"

template_builds_rootfs() {
	local dir=$T_WORK/tpl

	assert_succeeds "$MGR_TEMPLATE_DIR/mgr-busybox" --path="$dir" --name=tpl --rootfs="$dir/rootfs"
	assert_succeeds chroot "$dir/rootfs" /bin/sh -c 'cat /etc/hostname; ls /usr/bin/env /sbin/init'
	assert_contains "$T_OUT" tpl
	assert_contains "$(cat "$dir/config")" "mgr.signal.halt = SIGUSR1"
	assert_fails -e "unknown option" "$MGR_TEMPLATE_DIR/mgr-busybox" --path="$dir" --name=tpl --nonsense
}

init_passes_exit_status() {
	local rc=0
	"$MGR_INIT_PATH" -- sh -c 'exit 42' || rc=$?
	assert_eq 42 "$rc" "exit code"
	rc=0
	"$MGR_INIT_PATH" -- sh -c 'kill -9 $$' || rc=$?
	assert_eq 137 "$rc" "death by SIGKILL"
	rc=0
	"$MGR_INIT_PATH" -- /nonexistent 2>/dev/null || rc=$?
	assert_eq 127 "$rc" "command not found"
}

init_ends_orphans_as_pid1() {
	local rc=0 start=$SECONDS
	unshare --pid --fork --mount-proc "$MGR_INIT_PATH" -- sh -c 'sleep 100 & exit 3' || rc=$?
	assert_eq 3 "$rc" "exit code"
	[[ $((SECONDS - start)) -lt 5 ]] || t_fail "took $((SECONDS - start)) s to end the orphan"
}

busybox_lifecycle() {
	assert_succeeds t_mgr create -n smoke -t busybox
	assert_succeeds t_mgr start -n smoke
	assert_succeeds t_mgr wait -n smoke -s RUNNING -t 10
	assert_eq RUNNING "$(t_mgr info -n smoke -s -H)"
	assert_succeeds t_mgr stop -n smoke -t 10
	assert_eq STOPPED "$(t_mgr info -n smoke -s -H)"
	assert_succeeds t_mgr destroy -n smoke
	[[ ! -e $T_PATH/smoke ]] || t_fail "$T_PATH/smoke still exists after destroy"
	assert_no_leftovers smoke
}

t_case "busybox template builds a rootfs" template_builds_rootfs
t_case "mgr-init passes the command's exit status" init_passes_exit_status
t_case "mgr-init as PID 1 ends orphans" init_ends_orphans_as_pid1
t_case "busybox container: create, start, stop, destroy" busybox_lifecycle
