#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-autostart: which containers (start.auto, groups, -a, -A), in which
# order (start.order, start.delay), and stopping, killing and listing them.

. "$(dirname "$0")/lib.sh"

LOG=$T_WORK/starts.log

# make_ct NAME KEY=VALUE...: a busybox container with these config lines,
# whose start is recorded in $LOG with the time.
make_ct() {
	t_ct_with "$@" "hook.pre-start=/bin/sh -c 'echo \"\$MGR_NAME \$(date +%s.%N)\" >>$LOG'"
}

started() {
	cut -d' ' -f1 "$LOG" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

state() {
	t_mgr info -n "$1" -s -H
}

setup() {
	local n
	rm -f "$LOG"
	for n in as-a as-b as-c as-off as-web; do
		[[ ! -e $T_PATH/$n ]] || assert_succeeds t_mgr destroy -n $n -f
	done
	make_ct as-a start.auto=1 start.order=2
	make_ct as-b start.auto=1 start.order=1 start.delay=2
	make_ct as-c start.auto=1 start.order=3
	make_ct as-off start.order=0
	make_ct as-web start.auto=1 group=web
}

order_and_delay() {
	setup
	assert_succeeds mgr-autostart -P "$T_PATH" -L
	assert_eq "as-b 2
as-a 0
as-c 0" "$T_OUT" "-L: the start order and delays"
	assert_eq "" "$(started)" "-L starts nothing"
	assert_succeeds mgr-autostart -P "$T_PATH"
	assert_eq "as-b as-a as-c" "$(started)" "started by start.order"
	local tb ta
	tb=$(awk '$1 == "as-b" { print $2 }' "$LOG")
	ta=$(awk '$1 == "as-a" { print $2 }' "$LOG")
	awk -v a="$ta" -v b="$tb" 'BEGIN { exit !(a - b >= 2) }' ||
		t_fail "as-a started $ta, less than start.delay=2 s after as-b ($tb)"
	for n in as-a as-b as-c; do assert_eq RUNNING "$(state $n)" "$n"; done
	assert_eq STOPPED "$(state as-off)" "without start.auto"
	assert_eq STOPPED "$(state as-web)" "in a group, not asked for"
	# Running ones are left alone.
	assert_succeeds mgr-autostart -P "$T_PATH"
	assert_eq "as-b as-a as-c" "$(started)" "a second run starts nothing again"

	assert_succeeds mgr-autostart -P "$T_PATH" -s -L
	assert_eq "as-c
as-a
as-b" "$T_OUT" "-s -L: stopped the other way round"
	assert_succeeds mgr-autostart -P "$T_PATH" -s -t 10
	for n in as-a as-b as-c as-off as-web; do assert_eq STOPPED "$(state $n)" "$n after -s"; done
	assert_no_leftovers
}

groups() {
	setup
	assert_succeeds mgr-autostart -P "$T_PATH" -g web -L
	assert_eq "as-web 0" "$T_OUT" "-g web"
	assert_succeeds mgr-autostart -P "$T_PATH" -g web,NULL -L
	assert_eq "as-web 0
as-b 2
as-a 0
as-c 0" "$T_OUT" "-g web,NULL: group by group"
	assert_succeeds mgr-autostart -P "$T_PATH" -g "" -g web -L
	assert_eq "as-b 2
as-a 0
as-c 0
as-web 0" "$T_OUT" "-g '' -g web"
	assert_succeeds mgr-autostart -P "$T_PATH" -a -L
	assert_eq "as-web 0
as-b 2
as-a 0
as-c 0" "$T_OUT" "-a: every group, by order (as-web's is 0) then name"
	assert_succeeds mgr-autostart -P "$T_PATH" -a -A -L
	assert_eq "as-off 0
as-web 0
as-b 2
as-a 0
as-c 0" "$T_OUT" "-A: also without start.auto"
	assert_succeeds mgr-autostart -P "$T_PATH" -g web
	assert_eq "as-web" "$(started)" "-g web starts only its group"
	assert_eq RUNNING "$(state as-web)"
	assert_succeeds mgr-autostart -P "$T_PATH" -g web -k
	assert_eq STOPPED "$(state as-web)" "-k"
	assert_no_leftovers
}

kill_and_ignore_auto() {
	setup
	assert_succeeds mgr-autostart -P "$T_PATH" -a -A
	for n in as-a as-b as-c as-off as-web; do assert_eq RUNNING "$(state $n)" "$n after -a -A"; done
	assert_succeeds mgr-autostart -P "$T_PATH" -a -k
	for n in as-a as-b as-c as-web; do assert_eq STOPPED "$(state $n)" "$n after -a -k"; done
	assert_eq RUNNING "$(state as-off)" "-k without -A leaves as-off"
	assert_succeeds mgr-autostart -P "$T_PATH" -a -A -s -t 0
	assert_eq STOPPED "$(state as-off)"
	assert_no_leftovers
}

usage() {
	assert_fails -e "cannot be used together" mgr-autostart -P "$T_PATH" -s -k
	assert_succeeds mgr-autostart --help
	assert_contains "$T_OUT" "--ignore-auto"
}

t_case "start by start.order with start.delay; stop the other way round" order_and_delay
t_case "groups, -a and -A select the containers" groups
t_case "-k kills, -A takes the others too" kill_and_ignore_auto
t_case "usage" usage
