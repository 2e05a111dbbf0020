#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The VM the tests of tests/run's VM section run in (tests/vm/run) is what
# they are meant to meet there: a host whose cgroup hierarchy is pure v2,
# and on which modprobe loads what the tests load.  Only meaningful inside
# that VM: tests/run runs it there, never on the host.

. "$(dirname "$0")/../integration/lib.sh"

pure_cgroup_v2() {
	local fstype v1 name hier
	fstype=$(stat -f -c %T /sys/fs/cgroup)
	assert_eq cgroup2fs "$fstype" "the filesystem on /sys/fs/cgroup"
	v1=$(awk '$3 == "cgroup" { print $2 " (" $4 ")" }' /proc/self/mounts)
	[[ -z $v1 ]] || t_fail "cgroup v1 hierarchies are mounted: $v1"
	# Not even hidden ones: every controller is on the unified hierarchy (0).
	while read -r name hier _; do
		[[ $name == \#* ]] && continue
		[[ $hier -eq 0 ]] || t_fail "controller $name is on v1 hierarchy $hier"
	done </proc/cgroups
	assert_eq 1 "$(wc -l </proc/self/cgroup)" "lines of /proc/self/cgroup"
	assert_contains "$(cat /proc/self/cgroup)" "0::/"
	local c controllers
	controllers=$(cat /sys/fs/cgroup/cgroup.controllers)
	for c in cpu cpuset io memory pids; do
		[[ " $controllers " == *" $c "* ]] || t_fail "the $c controller is missing: $controllers"
	done
	assert_contains "$(cat /proc/cmdline)" "cgroup_no_v1=all"
}

modules_load() {
	local m
	for m in veth bridge loop overlay btrfs dm_mod 8021q ipvlan macvlan; do
		modprobe "$m" || t_fail "modprobe $m failed"
	done
}

t_case "pure cgroup v2: /sys/fs/cgroup is cgroup2, no v1 hierarchy is mounted" pure_cgroup_v2
t_case "modprobe loads the modules the tests use" modules_load
