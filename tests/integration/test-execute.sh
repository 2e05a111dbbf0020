#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-execute: one command under mgr-init in a container of its own.

. "$(dirname "$0")/lib.sh"

setup_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -f "$T_LO_CONF"
}

exit_codes() {
	setup_ct ex
	local rc
	for want in 0 1 42; do
		rc=0
		t_mgr execute -n ex -- sh -c "exit $want" || rc=$?
		assert_eq "$want" "$rc" "exit code of 'exit $want'"
	done
	rc=0
	t_mgr execute -n ex -- sh -c 'kill -9 $$' || rc=$?
	assert_eq 137 "$rc" "death by SIGKILL"
	rc=0
	t_mgr execute -n ex -- /no/such/command 2>/dev/null || rc=$?
	assert_eq 127 "$rc" "a missing command"
	assert_eq STOPPED "$(t_mgr info -n ex -s -H)"
	assert_no_leftovers ex
}

runs_inside() {
	setup_ct in
	local out
	out=$(t_mgr execute -n in -- sh -c 'echo "$(hostname) $$ $container"; ls /sys/class/net')
	assert_eq "in 2 mgr
lo" "$out" "hostname, pid, environment and network inside"
	# stdin and stdout pass straight through.
	out=$(printf 'a\nb\n' | t_mgr execute -n in -- sort -r)
	assert_eq "b
a" "$out"
	# The process tree ends with the command: nothing stays behind.
	out=$(t_mgr execute -n in -- sh -c 'sleep 300 & echo started')
	assert_eq started "$out"
	assert_no_leftovers in
}

while_running_refused() {
	setup_ct busy
	assert_succeeds t_mgr start -n busy
	assert_fails -e "already" t_mgr execute -n busy -- true
	assert_succeeds t_mgr stop -n busy -k
	assert_no_leftovers busy
}

t_case "mgr-execute returns the command's exit code" exit_codes
t_case "mgr-execute runs inside the container, stdio passed through" runs_inside
t_case "mgr-execute refuses a running container" while_running_refused
