#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A busybox container through its life: create, start, inspect, stop in
# every way, reboot, destroy; and the refusals on the way.

. "$(dirname "$0")/lib.sh"

# A busybox container whose shutdown leaves a mark in its rootfs, so a
# clean halt can be told from a kill.
make_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -f "$T_LO_CONF"
	echo "::shutdown:/bin/touch /halted" >>"$T_PATH/$1/rootfs/etc/inittab"
}

lifecycle() {
	make_ct life
	assert_eq STOPPED "$(t_mgr info -n life -s -H)"
	assert_succeeds t_mgr start -n life
	assert_eq RUNNING "$(t_mgr info -n life -s -H)"
	local pid
	pid=$(t_mgr info -n life -p -H)
	assert_eq "/bin/busybox" "$(readlink /proc/"$pid"/exe)" "init's executable, in its own root"
	assert_eq "init" "$(in_ct life cat /proc/1/comm)" "PID 1 inside"
	assert_contains "$(in_ct life ps)" "syslogd"
	assert_eq "container=mgr" "$(tr '\0' '\n' </proc/"$pid"/environ | grep '^container=')"
	assert_succeeds t_mgr stop -n life -t 20
	assert_eq STOPPED "$(t_mgr info -n life -s -H)"
	[[ -e $T_PATH/life/rootfs/halted ]] || t_fail "the container was not halted cleanly"
	[[ ! -d /proc/$pid ]] || t_fail "init $pid still exists"
	assert_no_leftovers life
	assert_succeeds t_mgr destroy -n life
	[[ ! -e $T_PATH/life ]] || t_fail "the container directory is still there"
	assert_no_leftovers life
}

namespaces() {
	make_ct ns
	assert_succeeds t_mgr start -n ns
	local host_name host_net_ns pid
	host_name=$(hostname)
	pid=$(t_mgr info -n ns -p -H)
	assert_eq ns "$(in_ct ns hostname)" "hostname inside"
	assert_eq "$host_name" "$(hostname)" "host's hostname"
	assert_eq "lo" "$(in_ct ns ls /sys/class/net)" "network devices inside"
	for ns in pid mnt uts ipc net cgroup; do
		[[ $(readlink /proc/$pid/ns/$ns) != $(readlink /proc/self/ns/$ns) ]] ||
			t_fail "the container shares the host's $ns namespace"
	done
	# The container's cgroup is the root of its cgroup namespace.
	assert_contains "$(in_ct ns cat /proc/1/cgroup)" "pids:/"
	grep -q "mgr.payload.ns" /proc/"$pid"/cgroup || t_fail "init is not in mgr.payload.ns: $(cat /proc/$pid/cgroup)"
	assert_succeeds t_mgr stop -n ns -k
	assert_no_leftovers ns
}

stop_kill() {
	make_ct kill
	assert_succeeds t_mgr start -n kill
	local pid
	pid=$(t_mgr info -n kill -p -H)
	assert_succeeds t_mgr stop -n kill -k
	assert_eq STOPPED "$(t_mgr info -n kill -s -H)"
	[[ ! -e $T_PATH/kill/rootfs/halted ]] || t_fail "-k ran the shutdown actions"
	[[ ! -d /proc/$pid ]] || t_fail "init $pid still exists"
	assert_no_leftovers kill
}

stop_timeout_kills() {
	make_ct slow
	# An init that ignores the halt signal: the stop must kill it after -t.
	assert_succeeds t_mgr start -n slow -s mgr.signal.halt=SIGCONT
	local start=$SECONDS
	assert_succeeds t_mgr stop -n slow -t 1
	assert_eq STOPPED "$(t_mgr info -n slow -s -H)"
	[[ $((SECONDS - start)) -lt 10 ]] || t_fail "stop -t 1 took $((SECONDS - start)) s"
	assert_no_leftovers slow
}

stop_nowait() {
	make_ct nowait
	assert_succeeds t_mgr start -n nowait
	assert_succeeds t_mgr stop -n nowait -W
	assert_succeeds t_mgr wait -n nowait -s STOPPED -t 20
	[[ -e $T_PATH/nowait/rootfs/halted ]] || t_fail "not halted cleanly"
	assert_no_leftovers nowait
}

# A container whose init dies at once is a failed start; afterwards
# mgr-info says why each stop happened, mgr-console --log shows what the
# last run printed, and the container's own log has the story.
why_stopped() {
	make_ct why
	echo 'mgr.init.cmd = /bin/sh -c "echo oops-from-init; echo its last words; sleep 0.2; exit 3"' \
		>>"$T_PATH/why/config"
	assert_fails -e "init exited with status 3" t_mgr start -n why
	assert_contains "$T_OUT" "its last words"
	assert_eq STOPPED "$(t_mgr info -n why -s -H)"
	assert_contains "$(t_mgr info -n why)" "init ended by itself; init exited with status 3"
	assert_contains "$(t_mgr info -n why --json)" '"last_stop":{"time":'
	assert_contains "$(t_mgr info -n why --json)" '"requested":"none","exit_status":3,"signal":null'
	assert_contains "$(t_mgr console -n why --log)" "oops-from-init"
	assert_contains "$(cat "$T_PATH/why/mgr.log")" "exited (status 0x300)"
	# --grace 0: back at once, as before.
	assert_succeeds t_mgr start -n why --grace 0
	assert_fails -e "bad grace period" t_mgr start -n why --grace soon
	for _ in $(seq 50); do
		[[ $(t_mgr info -n why -s -H) == STOPPED ]] && break
		sleep 0.1
	done
	# Stopped and killed on request.
	sed -i '/^mgr.init.cmd/d' "$T_PATH/why/config"
	assert_succeeds t_mgr start -n why
	assert_succeeds t_mgr stop -n why
	assert_contains "$(t_mgr info -n why)" "asked to stop"
	assert_contains "$(t_mgr info -n why --json)" '"requested":"stop"'
	assert_succeeds t_mgr start -n why
	assert_succeeds t_mgr stop -n why -k
	assert_contains "$(t_mgr info -n why)" "killed; init killed by signal 9 (SIGKILL)"
	assert_contains "$(t_mgr info -n why --json)" '"requested":"kill","exit_status":null,"signal":"KILL"'
	# A container that never ran has nothing to say.
	make_ct never
	assert_not_contains "$(t_mgr info -n never)" "Last stop"
	assert_contains "$(t_mgr info -n never --json)" '"last_stop":null'
	assert_fails -e "left no console output" t_mgr console -n never --log
	assert_no_leftovers why never
}

reboot() {
	make_ct reb
	assert_succeeds t_mgr start -n reb
	local pid1 pid2
	pid1=$(t_mgr info -n reb -p -H)
	assert_succeeds t_mgr stop -n reb -r
	# mgr-stop -r returns once a new init runs: the next command needs
	# no wait of its own.
	assert_eq RUNNING "$(t_mgr info -n reb -s -H)"
	pid2=$(t_mgr info -n reb -p -H)
	[[ -n $pid2 && $pid2 != "$pid1" ]] || t_fail "no new init when mgr-stop -r returned"
	assert_eq reb "$(in_ct reb hostname)"
	# -W: the signal only; the new init comes later.
	assert_succeeds t_mgr stop -n reb -r -W
	for _ in $(seq 150); do
		pid1=$(t_mgr info -n reb -p -H 2>/dev/null || true)
		[[ -n $pid1 && $pid1 != "$pid2" ]] && break
		sleep 0.1
	done
	[[ -n $pid1 && $pid1 != "$pid2" ]] || t_fail "no new init after mgr-stop -r -W"
	# A container whose reboot signal halts it: -r says it stopped.
	assert_succeeds t_mgr stop -n reb -k
	echo "mgr.signal.reboot = SIGUSR1" >>"$T_PATH/reb/config"
	assert_succeeds t_mgr start -n reb
	assert_fails -e "stopped instead of rebooting" t_mgr stop -n reb -r -t 10
	assert_eq STOPPED "$(t_mgr info -n reb -s -H)"
	assert_no_leftovers reb
}

start_twice() {
	make_ct twice
	assert_succeeds t_mgr start -n twice
	local pid
	pid=$(t_mgr info -n twice -p -H)
	assert_fails -e "already" t_mgr start -n twice
	assert_eq RUNNING "$(t_mgr info -n twice -s -H)"
	assert_eq "$pid" "$(t_mgr info -n twice -p -H)" "init after the second start"
	assert_succeeds t_mgr stop -n twice -k
	assert_no_leftovers twice
}

destroy_running() {
	make_ct busy
	assert_succeeds t_mgr start -n busy
	assert_fails -e "RUNNING" t_mgr destroy -n busy
	[[ -d $T_PATH/busy/rootfs/etc ]] || t_fail "a refused destroy removed files"
	assert_eq RUNNING "$(t_mgr info -n busy -s -H)"
	assert_succeeds t_mgr destroy -n busy -f
	[[ ! -e $T_PATH/busy ]] || t_fail "destroy -f left the directory"
	assert_no_leftovers busy
}

foreground() {
	make_ct fg
	t_mgr start -n fg -F </dev/null >"$T_WORK/fg.out" 2>&1 &
	local bg=$!
	assert_succeeds t_mgr wait -n fg -s RUNNING -t 10
	assert_succeeds t_mgr stop -n fg -t 20
	local rc=0
	wait "$bg" || rc=$?
	[[ $rc -lt 126 ]] || t_fail "mgr-start -F ended with $rc"
	assert_no_leftovers fg
}

monitor_and_wait() {
	make_ct mon
	t_mgr monitor -n mon -t 30 >"$T_WORK/mon.out" &
	local mon=$!
	sleep 0.3
	assert_succeeds t_mgr start -n mon
	assert_succeeds t_mgr wait -n mon -s "RUNNING|FROZEN" -t 5
	assert_succeeds t_mgr stop -n mon -k
	assert_succeeds t_mgr wait -n mon -s STOPPED -t 5
	sleep 0.3
	kill "$mon" 2>/dev/null || true
	wait "$mon" 2>/dev/null || true
	local out
	out=$(cat "$T_WORK/mon.out")
	assert_contains "$out" "'mon' changed state to [STARTING]"
	assert_contains "$out" "'mon' changed state to [RUNNING]"
	assert_contains "$out" "'mon' changed state to [STOPPED]"
	assert_fails t_mgr wait -n mon -s RUNNING -t 1
	assert_no_leftovers mon
}

mount_entries_and_caps() {
	make_ct mnt
	mkdir -p "$T_WORK/shared"
	echo hello >"$T_WORK/shared/file"
	cat >>"$T_PATH/mnt/config" <<-EOF2
	lxc.mount.entry = $T_WORK/shared mnt/shared none bind,ro,create=dir 0 0
	mgr.mount.entry = tmpfs tmp tmpfs size=1m 0 0
	mgr.cap.drop = sys_module sys_time
	mgr.environment = GREETING=hi
	mgr.sysctl.net.ipv4.ip_forward = 1
	mgr.prlimit.nofile = 1000:2000
	EOF2
	# The container's root, an ordinary user on the host, walks the path
	# to the bind mount's source.
	chmod 755 "$T_WORK"
	assert_succeeds t_mgr start -n mnt
	local pid
	pid=$(t_mgr info -n mnt -p -H)
	assert_eq hello "$(in_ct mnt cat /mnt/shared/file)"
	assert_fails in_ct mnt touch /mnt/shared/new
	assert_contains "$(in_ct mnt mount)" "tmpfs on /tmp type tmpfs"
	[[ ! -e $T_PATH/mnt/rootfs/mnt/shared/file ]] || t_fail "the bind mount is visible on the host"
	local bnd
	bnd=$(awk '/^CapBnd/{print $2}' /proc/"$pid"/status)
	(( (0x$bnd >> 16) & 1 )) && t_fail "cap_sys_module is still in the bounding set ($bnd)"
	(( (0x$bnd >> 25) & 1 )) && t_fail "cap_sys_time is still in the bounding set ($bnd)"
	(( (0x$bnd >> 21) & 1 )) || t_fail "cap_sys_admin was dropped ($bnd)"
	assert_eq "GREETING=hi" "$(tr '\0' '\n' </proc/"$pid"/environ | grep GREETING)"
	assert_eq 1 "$(in_ct mnt cat /proc/sys/net/ipv4/ip_forward)"
	assert_contains "$(grep 'Max open files' /proc/"$pid"/limits)" "1000                 2000"
	assert_fails in_ct mnt sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
	assert_succeeds t_mgr stop -n mnt -k
	assert_no_leftovers mnt
}

# The daemonized monitor is mgr-monitord, with the container's name in its
# command line, and not a copy of the program that started it; without
# mgr-monitord it goes on in the copy (and says so in the log).
monitor_program() {
	make_ct daemon
	echo "mgr.log.file = $T_WORK/daemon.log" >>"$T_PATH/daemon/config"
	echo "mgr.log.level = warn" >>"$T_PATH/daemon/config"
	assert_succeeds t_mgr start -n daemon
	local monitor
	monitor=$(awk '{print $4}' /proc/"$(t_mgr info -n daemon -p -H)"/stat)
	assert_eq "$(readlink -f "$MGR_MONITOR_PATH")" "$(readlink /proc/"$monitor"/exe)" \
		"the monitor's program"
	assert_eq "mgr-monitord" "$(cat /proc/"$monitor"/comm)"
	assert_contains "$(tr '\0' ' ' </proc/"$monitor"/cmdline)" "mgr-monitord daemon $T_PATH "
	assert_eq 1 "$(awk '{print $4}' /proc/"$monitor"/stat)" "the monitor's parent"
	assert_succeeds t_mgr attach -n daemon -- true
	assert_succeeds t_mgr stop -n daemon -k
	[[ ! -s $T_WORK/daemon.log ]] || t_fail "warnings: $(cat "$T_WORK/daemon.log")"

	MGR_MONITOR_PATH=/nonexistent/mgr-monitord assert_succeeds t_mgr start -n daemon
	monitor=$(awk '{print $4}' /proc/"$(t_mgr info -n daemon -p -H)"/stat)
	assert_contains "$(cat /proc/"$monitor"/comm)" "mgr-start"
	assert_contains "$(cat "$T_WORK/daemon.log")" 'Failed to execute "/nonexistent/mgr-monitord"'
	assert_succeeds t_mgr stop -n daemon -k
	assert_no_leftovers daemon
}

t_case "create, start, halt cleanly, destroy" lifecycle
t_case "the monitor is mgr-monitord" monitor_program
t_case "own namespaces, hostname and only lo" namespaces
t_case "stop -k kills at once" stop_kill
t_case "stop -t kills an init that ignores the halt signal" stop_timeout_kills
t_case "stop -W returns at once" stop_nowait
t_case "stop -r reboots into a new init" reboot
t_case "why it stopped: mgr-start's grace, mgr-info, the last console, the log" why_stopped
t_case "a second start is refused" start_twice
t_case "destroy of a running container needs -f" destroy_running
t_case "start -F stays in the foreground" foreground
t_case "mgr-monitor and mgr-wait see the states" monitor_and_wait
t_case "mount entries, capabilities, environment, sysctl, prlimit" mount_entries_and_caps
