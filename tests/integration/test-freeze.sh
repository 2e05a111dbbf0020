#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Freezing and thawing busybox containers, with either freezer: what a
# frozen container's processes do (nothing), the states watchers see, many
# rounds under load, and attach, stop and destroy of a frozen container.
# Then what containers use: mgr-info -S and mgr-top.

. "$(dirname "$0")/lib.sh"

V1_FREEZER=$(awk '$3 == "cgroup" && $4 ~ /(^|,)freezer(,|$)/ { print $2; exit }' /proc/self/mounts)
UNIFIED=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# A busybox container with only a loopback (-n: on the default network),
# started with the freezer of MGR_CGROUP_FREEZER (for its monitor), whose
# clean shutdown leaves a mark in its rootfs.
make_ct() {
	if [[ $1 == -n ]]; then
		shift
		assert_succeeds t_mgr create -n "$1" -t busybox
	else
		assert_succeeds t_mgr create -n "$1" -t busybox -f "$T_LO_CONF"
	fi
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

# stat NAME KEY: one figure of mgr-info -S --json.
stat() {
	python3 -c 'import json, sys; print(json.loads(sys.argv[1])["stats"][sys.argv[2]])' \
		"$(t_mgr info -n "$1" -S --json)" "$2"
}

accounting() {
	# With the default network where it is up: an eth0 to count too.
	local net_opt=()
	ip link show mgrbr0 >/dev/null 2>&1 && net_opt=(-n)
	make_ct "${net_opt[@]}" acct
	local cpu1 cpu2 mem1 mem2 peak tasks dir
	cpu1=$(stat acct cpu_ns)
	t_mgr attach -n acct -- sh -c 'while :; do :; done' >/dev/null 2>&1 &
	sleep 1
	cpu2=$(stat acct cpu_ns)
	((cpu2 - cpu1 >= 500000000)) || t_fail "a second of a busy loop: CPU time from $cpu1 to $cpu2 ns"

	mem1=$(stat acct memory_bytes)
	assert_succeeds t_mgr attach -n acct -- dd if=/dev/zero of=/run/big bs=1M count=50
	mem2=$(stat acct memory_bytes)
	((mem2 - mem1 >= 40 << 20)) || t_fail "a 50 MiB tmpfs file: memory from $mem1 to $mem2"
	peak=$(stat acct memory_peak_bytes)
	((peak >= mem2)) || t_fail "memory peak $peak below the use $mem2"
	assert_succeeds t_mgr attach -n acct -- rm /run/big
	assert_succeeds t_mgr attach -n acct -- sh -c 'head -c 60000000 /dev/zero | tail >/dev/null'
	peak=$(stat acct memory_peak_bytes)
	((peak >= 55000000)) || t_fail "tail held 60 MB: the peak is only $peak"

	# Tasks: as many as the pids controller's directory lists.
	dir=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/self/mounts)
	if [[ -n $dir ]]; then
		tasks=$(cat "$dir/mgr.payload.acct/tasks" | wc -l)
	else
		tasks=$(cat "$UNIFIED/mgr.payload.acct/cgroup.threads" | wc -l)
	fi
	assert_eq "$tasks" "$(stat acct pids)" "pids"

	local net
	net=$(t_mgr info -n acct -S --json)
	python3 - "$net" "${#net_opt[@]}" <<-'EOF2'
	import json, sys
	s = json.loads(sys.argv[1])["stats"]
	names = [d["name"] for d in s["net"]]
	assert "lo" in names, s
	for d in s["net"]:
	    assert isinstance(d["rx_bytes"], int) and isinstance(d["tx_bytes"], int), s
	if sys.argv[2] == "1":
	    eth0 = [d for d in s["net"] if d["name"] == "eth0"]
	    assert eth0 and eth0[0]["tx_bytes"] > 0, s  # its DHCP requests at least
	assert isinstance(s["blkio_read_bytes"], int), s
	EOF2
	local out
	out=$(t_mgr info -n acct -S)
	assert_contains "$out" "CPU use:"
	assert_contains "$out" "Memory use:"
	assert_contains "$out" "Net lo:"
	[[ $(t_mgr info -n acct -S -H | awk '/^PIDs:/ { print $2 }') =~ ^[0-9]+$ ]] ||
		t_fail "mgr-info -S -H: PIDs is not a number"
	assert_succeeds t_mgr stop -n acct -k
	wait
	assert_eq "null" "$(python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["stats"]))' "$(t_mgr info -n acct -S --json)")"
	assert_no_leftovers acct
}

top_batch() {
	make_ct top1
	make_ct top2
	local out
	out=$(t_mgr top -b -n 1)
	assert_contains "$out" "NAME"
	[[ $out =~ top1\ +RUNNING ]] || t_fail "top1 is not in the table: $out"
	[[ $out =~ top2\ +RUNNING ]] || t_fail "top2 is not in the table: $out"
	assert_eq "top1 top2" "$(t_mgr top -b -n 1 -s name | awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }')"
	t_mgr attach -n top2 -- sh -c 'while :; do :; done' >/dev/null 2>&1 &
	out=$(t_mgr top -b -n 2 -d 0.5 -s cpu)
	assert_eq 2 "$(grep -c '^NAME' <<<"$out")" "tables in -n 2"
	assert_eq top2 "$(tail -n 2 <<<"$out" | head -n 1 | awk '{ print $1 }')" "the busy one first by CPU"
	assert_succeeds t_mgr freeze -n top2
	assert_contains "$(t_mgr top -b -n 1)" "FROZEN"
	assert_succeeds t_mgr stop -n top2 -k
	out=$(t_mgr top -b -n 1)
	assert_not_contains "$out" "top2"
	assert_fails -e "invalid sort key" t_mgr top -b -s size
	assert_succeeds t_mgr stop -n top1 -k
	wait
	assert_no_leftovers top1 top2
}

top_terminal() {
	command -v tmux >/dev/null || t_skip "tmux is not installed"
	. "$(dirname "$0")/terminal.sh"
	make_ct tt
	pane top mgr-top -P "$T_PATH"
	see top "tt"
	see top "by cpu"
	keys top n
	see top "by name"
	keys top q
	assert_eq 0 "$(ended top)"
	assert_tty_restored top
	pane top2 mgr-top -P "$T_PATH" -d 0.2
	see top2 "tt"
	keys top2 C-c
	assert_eq 0 "$(ended top2)"
	assert_tty_restored top2
	panes_end
	assert_succeeds t_mgr stop -n tt -k
	assert_no_leftovers tt
}

t_case "a frozen container makes no progress until thawed" frozen_makes_no_progress
t_case "cgroup.freeze (MGR_CGROUP_FREEZER=v2) freezes the same" v2_freezer
t_case "FREEZING, FROZEN, THAWED, RUNNING reach mgr-monitor and mgr-wait" states_reach_watchers
t_case "100 freeze/thaw rounds under load, each within 2 s" hundred_rounds_under_load
t_case "attach to a frozen container is refused" attach_refused
t_case "stop -k, stop and destroy -f of a frozen container" stop_frozen
t_case "freeze and unfreeze of a stopped or unknown container" refusals
t_case "mgr-info -S: CPU, memory, tasks, block I/O and network figures" accounting
t_case "mgr-top --batch shows the running containers" top_batch
t_case "mgr-top on a terminal: keys sort, q and Ctrl-C quit" top_terminal
