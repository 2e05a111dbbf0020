#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Resource limits and device access of busybox containers: each limit is
# enforced, not only written; mgr-cgroup reads and changes them on a
# running container; bad values and limits the host cannot apply fail the
# start with the key named and nothing left behind.

. "$(dirname "$0")/lib.sh"

# The host's cgroup layout: pure v2, or v1 controllers (maybe with an
# empty cgroup2 next to them, a hybrid host).
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
	V2=yes UNIFIED=/sys/fs/cgroup
else
	V2=no UNIFIED=
	grep -q " /sys/fs/cgroup/unified cgroup2 " /proc/mounts && UNIFIED=/sys/fs/cgroup/unified
fi

# cg_file NAME CONTROLLER FILE: the file of container NAME's cgroup.
cg_file() {
	if [[ $V2 == yes ]]; then
		echo "/sys/fs/cgroup/mgr.payload.$1/$3"
	else
		echo "/sys/fs/cgroup/$2/mgr.payload.$1/$3"
	fi
}


inside() {
	local name=$1
	shift
	t_mgr attach -n "$name" -- sh -c "$*"
}

memory() {
	t_ct_with mem limits.memory=64M
	assert_succeeds t_mgr start -n mem
	local out
	# tail keeps all of a line without end: 200 MiB of it does not fit.
	out=$(inside mem 'head -c 209715200 /dev/zero | tail | wc -c' 2>&1) || true
	if [[ $V2 == yes ]]; then
		assert_eq 67108864 "$(cat "$(cg_file mem memory memory.max)")" "memory.max"
		grep -q "^oom_kill [1-9]" "$(cg_file mem memory memory.events)" ||
			t_fail "no OOM kill: $(cat "$(cg_file mem memory memory.events)")"
		[[ $(cat "$(cg_file mem memory memory.peak)" 2>/dev/null || echo 0) -le 67108864 ]] ||
			t_fail "memory.peak above the limit"
	else
		assert_eq 67108864 "$(cat "$(cg_file mem memory memory.limit_in_bytes)")" "limit_in_bytes"
		[[ $(cat "$(cg_file mem memory memory.max_usage_in_bytes)") -le 67108864 ]] ||
			t_fail "max usage $(cat "$(cg_file mem memory memory.max_usage_in_bytes)") above 64M"
		[[ $(cat "$(cg_file mem memory memory.failcnt)") -gt 0 ]] || t_fail "failcnt is 0"
		grep -q "^oom_kill [1-9]" "$(cg_file mem memory memory.oom_control)" ||
			t_fail "no OOM kill: $(cat "$(cg_file mem memory memory.oom_control)")"
	fi
	assert_contains "$out" "Killed" "the hog was killed"
	[[ $out != *209715200* ]] || t_fail "the hog got all its memory: $out"
	assert_eq ok "$(inside mem 'echo ok')" "the container lives on"
	assert_succeeds t_mgr stop -n mem -k
	assert_no_leftovers mem
}

# A guest that sees only its cgroup2 cgroup (as a systemd that dropped v1
# needs) on a v1 or hybrid host; its limits stay in the v1 hierarchies.
unified_view() {
	[[ $V2 == no && -n $UNIFIED ]] || t_skip "not a hybrid host (pure v2 guests see cgroup2 anyway)"
	t_ct_with uview cgroup.view=unified limits.pids=20
	assert_succeeds t_mgr start -n uview
	assert_contains "$(inside uview grep "' /sys/fs/cgroup '" /proc/self/mountinfo)" " - cgroup2 "
	assert_contains "$(inside uview cat /sys/fs/cgroup/cgroup.procs)" "1"
	assert_fails inside uview ls /sys/fs/cgroup/pids
	# Root inside makes cgroups of its own in it.
	assert_succeeds inside uview 'mkdir /sys/fs/cgroup/child && echo $$ > /sys/fs/cgroup/child/cgroup.procs'
	local out
	out=$(inside uview 'for i in $(seq 40); do sleep 5 & echo $i; done' 2>&1) || true
	assert_contains "$out" "can't fork" "limits.pids from the v1 hierarchy"
	assert_succeeds t_mgr stop -n uview -k
	# legacy: the host's layout, whatever the guest.
	echo "mgr.cgroup.view = legacy" >>"$T_PATH/uview/config"
	assert_succeeds t_mgr start -n uview
	assert_contains "$(inside uview grep "' /sys/fs/cgroup '" /proc/self/mountinfo)" " - tmpfs "
	assert_succeeds t_mgr stop -n uview -k
	echo "mgr.cgroup.view = v3" >>"$T_PATH/uview/config"
	assert_fails -e "mgr.cgroup.view" t_mgr start -n uview
	assert_no_leftovers uview
}

pids() {
	t_ct_with pids limits.pids=20
	assert_succeeds t_mgr start -n pids
	local out last events
	# Each fork that worked prints its number; the failed one ends the shell.
	out=$(inside pids 'for i in $(seq 40); do sleep 5 & echo $i; done' 2>&1) || true
	assert_contains "$out" "can't fork"
	last=$(grep -x '[0-9]*' <<<"$out" | tail -n 1)
	[[ -n $last && $last -lt 20 ]] || t_fail "the loop forked ${last:-0} of 40: $out"
	events=$(cat "$(cg_file pids pids pids.events)")
	[[ $events =~ max\ [1-9] ]] || t_fail "pids.events: $events"
	assert_eq 20 "$(cat "$(cg_file pids pids pids.max)")"
	assert_succeeds t_mgr stop -n pids -k
	assert_no_leftovers pids
}

# CPU seconds the container used, from the accounting of its cgroup.
cpu_usage_usec() {
	if [[ $V2 == yes ]]; then
		awk '$1 == "usage_usec" { print $2 }' "$(cg_file "$1" cpu cpu.stat)"
	else
		echo $(($(cat "$(cg_file "$1" cpuacct cpuacct.usage)") / 1000))
	fi
}

cpu() {
	t_ct_with cpu limits.cpu=0.5
	assert_succeeds t_mgr start -n cpu
	local a b used
	# Two spinners would use two CPUs (or all the host has) unlimited.
	inside cpu 'for i in 1 2; do (while :; do :; done) & done; sleep 4' &
	sleep 1
	a=$(cpu_usage_usec cpu)
	sleep 2
	b=$(cpu_usage_usec cpu)
	used=$(((b - a) / 2))
	wait
	echo "used $used usec per second"
	[[ $used -gt 200000 ]] || t_fail "the spinners did not run: $used usec/s"
	[[ $used -lt 750000 ]] || t_fail "limits.cpu = 0.5 let $used usec/s through"
	assert_succeeds t_mgr stop -n cpu -k
	assert_no_leftovers cpu
}

cpuset() {
	t_ct_with cpuset limits.cpuset=0
	assert_succeeds t_mgr start -n cpuset
	assert_eq "0" "$(inside cpuset 'grep Cpus_allowed_list /proc/self/status' | awk '{print $2}')"
	local pid
	pid=$(t_mgr info -n cpuset -p -H)
	assert_eq "0" "$(awk '/Cpus_allowed_list/ {print $2}' /proc/"$pid"/status)" "init's CPUs"
	assert_succeeds t_mgr stop -n cpuset -k
	assert_no_leftovers cpuset
}

# MAJ:MIN of a block device of the host (the one holding /).
host_disk() {
	local dev
	dev=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
	[[ $dev == 0:* ]] && dev=$(lsblk -dno MAJ:MIN 2>/dev/null | head -n 1 | tr -d ' ')
	echo "${dev:-8:0}"
}

devices() {
	local disk
	disk=$(host_disk)
	t_ct_with dev
	assert_succeeds t_mgr start -n dev
	assert_eq ok "$(inside dev 'echo x >/dev/null && head -c 1 /dev/zero >/dev/null && echo ok')"
	# mknod is allowed; opening the node is not.
	assert_fails -e "Operation not permitted" inside dev "mknod /tmp/disk b ${disk/:/ } && head -c 1 /tmp/disk"
	assert_fails -e "Operation not permitted" inside dev "mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem"
	assert_succeeds t_mgr stop -n dev -k
	assert_no_leftovers dev
}

# A host disk bound in with mount.entry cannot be opened either.
devices_bind() {
	local disk node
	disk=$(host_disk)
	node=$(readlink -f "/dev/block/$disk" 2>/dev/null) || true
	[[ -b $node ]] || node=/dev/$(basename "$(readlink -f "/sys/dev/block/$disk")")
	[[ -b $node ]] || t_skip "no node for the host's disk $disk"
	# Privileged: the device rules alone stand between it and the disk (in
	# a user namespace the node's owner, the host's root, refuses first).
	t_ct_with --privileged devbind "mount.entry=$node dev/hostdisk none bind,create=file 0 0"
	assert_succeeds t_mgr start -n devbind
	assert_fails -e "Operation not permitted" inside devbind 'head -c 1 /dev/hostdisk'
	assert_succeeds t_mgr stop -n devbind -k
	assert_no_leftovers devbind
}

devices_replaced() {
	# The console and the ttys are ptys (and /dev/console): allowed again.
	t_ct_with devonly "cgroup.devices.deny=a" "cgroup.devices.allow=c 1:3 rwm" \
		"cgroup.devices.allow=c 136:* rwm" "cgroup.devices.allow=c 5:1 rwm"
	assert_succeeds t_mgr start -n devonly
	assert_eq ok "$(inside devonly 'echo x >/dev/null && echo ok')"
	assert_fails -e "Operation not permitted" inside devonly 'head -c 1 /dev/zero'
	if [[ $V2 == no ]]; then
		assert_eq "c 1:3 rwm c 136:* rwm c 5:1 rwm" \
			"$(tr '\n' ' ' <"$(cg_file devonly devices devices.list)" | sed 's/ $//')" \
			"v1 devices.list"
	fi
	assert_succeeds t_mgr stop -n devonly -k
	assert_no_leftovers devonly
}

# Only a device program can deny /dev/zero inside an allowed c 1:*: on a
# hybrid host this shows that the program on the cgroup2 directory is
# attached and enforced next to the v1 controller.
devices_program() {
	[[ -n $UNIFIED ]] || t_skip "no cgroup2 hierarchy for a device program"
	t_ct_with devbpf "cgroup2.devices.allow=c 1:* rwm" "cgroup2.devices.deny=c 1:5 rwm"
	assert_succeeds t_mgr start -n devbpf
	assert_eq ok "$(inside devbpf 'echo x >/dev/null && head -c 1 /dev/urandom >/dev/null && echo ok')"
	assert_fails -e "Operation not permitted" inside devbpf 'head -c 1 /dev/zero'
	if [[ $V2 == no ]]; then
		grep -qx "c 1:\* rwm" "$(cg_file devbpf devices devices.list)" ||
			t_fail "v1 alone would allow /dev/zero: $(cat "$(cg_file devbpf devices devices.list)")"
	fi
	assert_succeeds t_mgr stop -n devbpf -k
	assert_no_leftovers devbpf
}

mgr_cgroup() {
	t_ct_with live limits.pids=20 limits.memory=64M
	assert_fails -e "not running" t_mgr cgroup -n live pids.max
	assert_eq 2 "$T_RC" "the exit status for a stopped container"
	assert_succeeds t_mgr start -n live
	assert_eq 20 "$(t_mgr cgroup -n live pids.max)"
	assert_eq 20 "$(t_mgr cgroup -n live limits.pids)"
	assert_eq 64M "$(t_mgr cgroup -n live limits.memory)"
	assert_succeeds t_mgr cgroup -n live pids.max 12
	assert_eq 12 "$(cat "$(cg_file live pids pids.max)")"
	local out last
	out=$(inside live 'for i in $(seq 40); do sleep 5 & echo $i; done' 2>&1) || true
	assert_contains "$out" "can't fork"
	last=$(grep -x '[0-9]*' <<<"$out" | tail -n 1)
	[[ -n $last && $last -lt 12 ]] || t_fail "forked ${last:-0} past pids.max 12: $out"
	assert_succeeds t_mgr cgroup -n live limits.memory 32M
	assert_eq 32M "$(t_mgr cgroup -n live limits.memory)"
	if [[ $V2 == yes ]]; then
		assert_eq 33554432 "$(cat "$(cg_file live memory memory.max)")"
	else
		assert_eq 33554432 "$(cat "$(cg_file live memory memory.limit_in_bytes)")"
	fi
	assert_succeeds t_mgr cgroup -n live limits.cpu 1.5
	assert_eq 1.5 "$(t_mgr cgroup -n live limits.cpu)"
	assert_fails -e 'bad value "lots" for "limits.memory"' t_mgr cgroup -n live limits.memory lots
	assert_fails -e '"no.such_file"' t_mgr cgroup -n live no.such_file 1
	assert_fails -e "Invalid argument" t_mgr cgroup -n live pids.max lots
	assert_succeeds t_mgr stop -n live -k
	assert_no_leftovers live
}

bad_values() {
	t_ct_with bad
	assert_fails -e 'bad value "lots" for "mgr.limits.memory"' t_mgr start -n bad -s limits.memory=lots
	assert_fails -e 'bad value "fast" for "mgr.limits.cpu"' t_mgr start -n bad -s mgr.limits.cpu=fast
	echo "mgr.limits.cpu.weight = 0" >>"$T_PATH/bad/config"
	assert_fails -e '"mgr.limits.cpu.weight"' t_mgr start -n bad
	assert_contains "$T_OUT" "out of range"
	sed -i '$d' "$T_PATH/bad/config"
	echo "mgr.cgroup.devices.allow = c 1:3 rwx" >>"$T_PATH/bad/config"
	assert_fails -e 'bad value "c 1:3 rwx" for "mgr.cgroup.devices.allow"' t_mgr start -n bad
	assert_eq STOPPED "$(t_mgr info -n bad -s -H)"
	assert_no_leftovers bad
}

cannot_apply() {
	t_ct_with nope
	assert_fails -e '"mgr.cgroup.nonexistent.file = 1"' t_mgr start -n nope -s cgroup.nonexistent.file=1
	assert_eq STOPPED "$(t_mgr info -n nope -s -H)"
	assert_no_leftovers nope
	assert_fails -e '"mgr.limits.io.read_bps = /dev/nonexistent 1M": "/dev/nonexistent": No such file' \
		t_mgr start -n nope -s "limits.io.read_bps=/dev/nonexistent 1M"
	assert_no_leftovers nope
	assert_fails -e '"mgr.limits.cpuset = 8191"' t_mgr start -n nope -s limits.cpuset=8191
	assert_no_leftovers nope
	if [[ $V2 == no ]]; then
		# The host's cgroup2 has no controllers: nothing to write memory.max to.
		assert_fails -e '"mgr.cgroup2.memory.max = 1G"' t_mgr start -n nope -s cgroup2.memory.max=1G
		assert_no_leftovers nope
	else
		assert_fails -e '"mgr.cgroup.memory.limit_in_bytes = 1G"' \
			t_mgr start -n nope -s cgroup.memory.limit_in_bytes=1G
		assert_no_leftovers nope
	fi
	# And the container still starts without them.
	assert_succeeds t_mgr start -n nope
	assert_succeeds t_mgr stop -n nope -k
	assert_no_leftovers nope
}

# Reads from a loop device at a limited rate (direct I/O, no page cache).
io() {
	command -v losetup >/dev/null || t_skip "no losetup"
	local img loop majmin start elapsed
	img=$T_WORK/disk.img
	truncate -s 16M "$img"
	loop=$(losetup -f --show "$img" 2>/dev/null) || t_skip "no loop device"
	# Detached when the case ends, whichever way (freed once unused).
	# shellcheck disable=SC2064 # $loop is local: expanded now
	trap "losetup -d '$loop' 2>/dev/null" EXIT
	majmin=$(lsblk -dno MAJ:MIN "$loop" | tr -d ' ')
	# Privileged, to read the host's device node.
	t_ct_with --privileged io "limits.io.read_bps=$loop 1M" "cgroup.devices.allow=b $majmin r" \
		"mount.entry=$loop dev/disk none bind,create=file 0 0"
	assert_succeeds t_mgr start -n io
	if [[ $V2 == yes ]]; then
		grep -q "^$majmin rbps=1048576" "$(cg_file io io io.max)" || t_fail "io.max: $(cat "$(cg_file io io io.max)")"
	else
		assert_eq "$majmin 1048576" "$(cat "$(cg_file io blkio blkio.throttle.read_bps_device)")"
	fi
	start=$(date +%s%N)
	assert_succeeds inside io 'dd if=/dev/disk of=/dev/null bs=64k count=48 iflag=direct'
	elapsed=$((($(date +%s%N) - start) / 1000000))
	assert_succeeds t_mgr stop -n io -k
	echo "3 MiB at 1 MiB/s took $elapsed ms"
	[[ $elapsed -ge 1500 ]] || t_fail "3 MiB were read in $elapsed ms at 1 MiB/s"
	assert_no_leftovers io
}

t_case "cgroup.view = unified: cgroup2 alone inside, limits still enforced" unified_view
t_case "limits.memory: a hog is OOM-killed at the limit" memory
t_case "limits.pids: forks fail at the limit" pids
t_case "limits.cpu: spinners are held to half a CPU" cpu
t_case "limits.cpuset: pinned to CPU 0" cpuset
t_case "devices: the defaults work, a host disk node cannot be opened" devices
t_case "devices: a host disk bound in cannot be opened" devices_bind
t_case "devices: deny = a replaces the default list" devices_replaced
t_case "devices: the cgroup2 device program is enforced" devices_program
t_case "mgr-cgroup reads and changes a running container's limits" mgr_cgroup
t_case "bad values are refused with the key named" bad_values
t_case "limits the host cannot apply fail the start cleanly" cannot_apply
t_case "limits.io.read_bps throttles direct reads" io
