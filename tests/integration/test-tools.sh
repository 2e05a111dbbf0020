#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What the read commands show, the console log, and namespace choices.

. "$(dirname "$0")/lib.sh"

listing() {
	assert_succeeds t_mgr create -n web1 -t busybox
	assert_succeeds t_mgr create -n web2 -t busybox
	assert_succeeds t_mgr create -n db1 -t busybox
	echo "mgr.group = web,prod" >>"$T_PATH/web1/config"
	echo "mgr.start.auto = 1" >>"$T_PATH/web1/config"
	assert_succeeds t_mgr start -n web1
	assert_eq "db1
web1
web2" "$(t_mgr ls -1)"
	assert_eq "web1" "$(t_mgr ls -1 --running)"
	assert_eq "db1
web2" "$(t_mgr ls -1 --stopped)"
	assert_eq "web1" "$(t_mgr ls -1 -g web)"
	assert_eq "web1
web2" "$(t_mgr ls -1 --filter 'web.*')"
	local json
	json=$(t_mgr ls --json)
	python3 - "$json" "$(t_mgr info -n web1 -p -H)" <<-'EOF2'
	import json, sys
	rows = {r["name"]: r for r in json.loads(sys.argv[1])}
	assert set(rows) == {"db1", "web1", "web2"}, rows
	assert rows["web1"]["state"] == "RUNNING", rows["web1"]
	assert str(rows["web1"]["pid"]) == sys.argv[2], rows["web1"]
	assert rows["db1"]["state"] == "STOPPED", rows["db1"]
	assert "web" in rows["web1"]["groups"], rows["web1"]
	EOF2
	assert_contains "$(t_mgr ls -f)" "web1"
	assert_succeeds t_mgr stop -n web1 -k
	assert_no_leftovers
}

info() {
	assert_succeeds t_mgr create -n inf -t busybox
	assert_succeeds t_mgr start -n inf
	local out pid
	pid=$(t_mgr info -n inf -p -H)
	out=$(t_mgr info -n inf)
	assert_contains "$out" "RUNNING"
	assert_contains "$out" "$pid"
	assert_eq "4" "$(t_mgr info -n inf -c mgr.tty.max -H)"
	assert_eq "SIGUSR1" "$(t_mgr info -n inf -c lxc.signal.halt -H)"
	python3 - "$(t_mgr info -n inf --json)" "$pid" <<-'EOF2'
	import json, sys
	d = json.loads(sys.argv[1])
	assert d["name"] == "inf" and d["state"] == "RUNNING", d
	assert str(d["pid"]) == sys.argv[2], d
	EOF2
	assert_fails t_mgr info -n inf -c mgr.no.such.key
	assert_succeeds t_mgr stop -n inf -k
	assert_eq STOPPED "$(t_mgr info -n inf -s -H)"
	assert_no_leftovers inf
}

console_log() {
	assert_succeeds t_mgr create -n con -t busybox
	echo "mgr.console.logfile = $T_WORK/console.log" >>"$T_PATH/con/config"
	assert_succeeds t_mgr start -n con -L "$T_WORK/start.log"
	for _ in $(seq 50); do
		grep -q "login:" "$T_WORK/start.log" 2>/dev/null && break
		sleep 0.1
	done
	assert_contains "$(cat "$T_WORK/start.log")" "con login:"
	assert_succeeds t_mgr stop -n con -k
	assert_succeeds t_mgr start -n con
	for _ in $(seq 50); do
		grep -q "login:" "$T_WORK/console.log" 2>/dev/null && break
		sleep 0.1
	done
	assert_contains "$(cat "$T_WORK/console.log")" "con login:"
	assert_succeeds t_mgr stop -n con -k
	assert_no_leftovers con
}

namespace_keep() {
	assert_succeeds t_mgr create -n hostnet -t busybox
	printf "mgr.net =\nmgr.namespace.keep = net\n" >>"$T_PATH/hostnet/config"
	assert_succeeds t_mgr start -n hostnet
	local pid
	pid=$(t_mgr info -n hostnet -p -H)
	assert_eq "$(readlink /proc/self/ns/net)" "$(readlink /proc/"$pid"/ns/net)" "network namespace"
	[[ $(readlink /proc/self/ns/uts) != $(readlink /proc/"$pid"/ns/uts) ]] || t_fail "uts namespace shared"
	assert_succeeds t_mgr stop -n hostnet -k
	echo "mgr.net.0.type = none" >"$T_WORK/none.conf"
	assert_succeeds t_mgr create -n none -t busybox -f "$T_WORK/none.conf"
	assert_succeeds t_mgr start -n none
	pid=$(t_mgr info -n none -p -H)
	assert_eq "$(readlink /proc/self/ns/net)" "$(readlink /proc/"$pid"/ns/net)" "net.0.type = none"
	assert_succeeds t_mgr stop -n none -k
	assert_no_leftovers hostnet none
}

t_case "mgr-ls lists, filters and speaks JSON" listing
t_case "mgr-info shows state, pid, config keys and JSON" info
t_case "the console log holds the boot output" console_log
t_case "namespace.keep and net type none share the host's network" namespace_keep
