#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-console on a real terminal (a tmux pane): logging in on a tty,
# detaching and coming back, one client per tty, the escape key, the console
# through the monitor, the console buffer and the log's rotation, and the
# console of mgr-start -F.

. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/terminal.sh"

# login TAG NAME: log in as root on the getty shown in TAG.
login() {
	keys "$1" Enter
	see "$1" "$2 login:"
	keys "$1" root Enter
	see "$1" "@$2:"
}

# start_ct NAME [OPTION]...: a busybox container NAME, started with OPTIONs.
start_ct() {
	local name=$1
	shift
	assert_succeeds t_mgr create -n "$name" -t busybox
	assert_succeeds t_mgr start -n "$name" "$@"
}

# finish NAME: close the terminals, kill NAME and check that nothing is left.
finish() {
	panes_end
	assert_succeeds t_mgr stop -n "$1" -k
	assert_no_leftovers "$1"
}

# --- cases ----------------------------------------------------------------------

tty_session() {
	trap panes_end EXIT
	start_ct con1
	pane a mgr-console -P "$T_PATH" -n con1 -t 1
	login a con1
	keys a 'hostname; echo marker-$((6*7))' Enter
	see a "marker-42"
	assert_contains "$(screen a)" $'\ncon1\n' "hostname"
	keys a C-a q
	assert_eq 0 "$(ended a)" "mgr-console after Ctrl-a q"
	assert_tty_restored a
	assert_eq RUNNING "$(t_mgr info -n con1 -s -H)"
	# The shell on tty1 is still there for the next client.
	pane b mgr-console -P "$T_PATH" -n con1 -t 1
	keys b 'echo again-$((6*7))' Enter
	see b "again-42"
	keys b C-a q
	assert_eq 0 "$(ended b)"
	finish con1
}

one_client_per_tty() {
	trap panes_end EXIT
	start_ct con2
	pane a mgr-console -P "$T_PATH" -n con2 -t 1
	see a "con2 login:"
	assert_fails -e 'tty1 of "con2" is in use' t_mgr console -n con2 -t 1
	# Without -t: the first tty no one holds.
	pane b mgr-console -P "$T_PATH" -n con2
	login b con2
	keys b 'tty' Enter
	see b "/dev/tty2"
	assert_fails -e 'has no tty9 (tty.max is 4)' t_mgr console -n con2 -t 9
	keys a C-a q
	assert_eq 0 "$(ended a)"
	# Free again once its client is gone (stdin at end of file detaches).
	assert_succeeds t_mgr console -n con2 -t 1
	keys b C-a q
	assert_eq 0 "$(ended b)"
	panes_end
	assert_succeeds t_mgr stop -n con2 -k
	assert_fails -e "is not running" t_mgr console -n con2 -t 1
	assert_eq 2 "$T_RC" "exit status for a stopped container"
	assert_no_leftovers con2
}

escape_key() {
	trap panes_end EXIT
	start_ct con3
	pane a mgr-console -P "$T_PATH" -n con3 -t 1 -e '^b'
	login a con3
	# Ctrl-a is an ordinary key now, and Ctrl-b Ctrl-b one Ctrl-b.
	keys a 'cat -v' Enter
	keys a C-a q C-b C-b Enter
	see a "^Aq^B"
	assert_not_contains "$(screen a)" "^B^B"
	keys a C-c
	sleep 0.3
	still_running a
	keys a C-b q
	assert_eq 0 "$(ended a)"
	assert_tty_restored a
	# With the default escape, Ctrl-a Ctrl-a is a literal Ctrl-a.
	pane b mgr-console -P "$T_PATH" -n con3 -t 1
	keys b 'cat -v' Enter
	keys b C-a C-a x Enter
	see b "^Ax"
	assert_not_contains "$(screen b)" "^A^A"
	keys b C-c C-a q
	assert_eq 0 "$(ended b)"
	assert_fails -e "invalid escape" t_mgr console -n con3 -e q
	assert_fails -e "invalid escape" t_mgr console -n con3 -e '^1'
	finish con3
}

signal_restores_terminal() {
	trap panes_end EXIT
	start_ct con4
	pane a mgr-console -P "$T_PATH" -n con4 -t 2
	see a "con4 login:"
	kill -TERM "$(cat "$T_WORK/a.pid")"
	assert_eq 1 "$(ended a)" "mgr-console after SIGTERM"
	assert_tty_restored a
	# The window size follows the terminal.
	pane b mgr-console -P "$T_PATH" -n con4 -t 2
	login b con4
	"${T_TMUX[@]}" resize-window -t b -x 90 -y 20
	keys b 'stty size' Enter
	see b "20 90"
	keys b C-a q
	assert_eq 0 "$(ended b)"
	finish con4
}

# The console goes through the monitor: what a client sees is in the buffer
# and the log as well.
console_through_monitor() {
	trap panes_end EXIT
	assert_succeeds t_mgr create -n con5 -t busybox
	echo "mgr.console.logfile = $T_WORK/con5.log" >>"$T_PATH/con5/config"
	assert_succeeds t_mgr start -n con5
	pane a mgr-console -P "$T_PATH" -n con5 -t 0
	login a con5
	assert_fails -e 'The console of "con5" is in use' t_mgr console -n con5 -t 0
	keys a 'echo via-console-$((6*7))' Enter
	see a "via-console-42"
	assert_contains "$(t_mgr console -n con5 --log)" "via-console-42" "console buffer"
	assert_contains "$(cat "$T_WORK/con5.log")" "via-console-42" "console log"
	keys a C-a q
	assert_eq 0 "$(ended a)"
	# Stopping the container ends a session with status 0.
	pane b mgr-console -P "$T_PATH" -n con5 -t 0
	keys b Enter
	see b "@con5:"
	assert_succeeds t_mgr stop -n con5 -t 20
	assert_eq 0 "$(ended b)" "mgr-console when the container stopped"
	assert_contains "$(screen b)" "The system is going down"
	panes_end
	assert_no_leftovers con5
}

# buffer_shows NAME TEXT: until mgr-console --log shows TEXT (5 s); prints
# what it showed last.
buffer_shows() {
	local out _
	for _ in $(seq 50); do
		out=$(t_mgr console -n "$1" --log)
		[[ $out == *"$2"* ]] && break
		sleep 0.1
	done
	printf '%s' "$out"
}

console_buffer() {
	start_ct con6
	assert_contains "$(buffer_shows con6 "con6 login:")" "con6 login:" "boot output in the buffer"
	assert_succeeds t_mgr stop -n con6 -k
	# Stopped: what the last run printed.
	assert_contains "$(t_mgr console -n con6 --log)" "con6 login:" "the last run's output"
	# A tiny buffer keeps only the tail.
	assert_succeeds t_mgr start -n con6 -s mgr.console.buffer.size=64
	assert_contains "$(buffer_shows con6 "login:")" "login:"
	in_ct con6 sh -c 'seq 1 2000 >/dev/console'
	local out
	out=$(buffer_shows con6 "2000")
	assert_contains "$out" "1999"$'\r\n'"2000"
	[[ ${#out} -le 64 ]] || t_fail "more than 64 bytes kept: $out"
	assert_not_contains "$out" "login:"
	assert_succeeds t_mgr stop -n con6 -k
	assert_succeeds t_mgr start -n con6 -s mgr.console.buffer.size=0
	assert_fails -e "console.buffer.size is 0" t_mgr console -n con6 --log
	assert_succeeds t_mgr stop -n con6 -k
	# A run that kept nothing leaves nothing, not an older run's output.
	assert_fails -e "left no console output" t_mgr console -n con6 --log
	assert_eq 2 "$T_RC" "exit status for a stopped container"
	assert_no_leftovers con6
}

console_log_rotation() {
	local log=$T_WORK/rot.log _
	assert_succeeds t_mgr create -n con7 -t busybox
	printf 'mgr.console.logfile = %s\nmgr.console.size = 4K\n' "$log" >>"$T_PATH/con7/config"
	assert_succeeds t_mgr start -n con7
	in_ct con7 sh -c 'seq 1 3000 >/dev/console'
	for _ in $(seq 50); do
		cat "$log" "$log.1" 2>/dev/null | t_grep '^3000' && break
		sleep 0.1
	done
	[[ -s $log && -s $log.1 ]] || t_fail "expected $log and $log.1, both non-empty: $(ls -l "$log"*)"
	[[ $(stat -c %s "$log") -le 4096 ]] || t_fail "$log is above console.size: $(stat -c %s "$log")"
	assert_eq 4096 "$(stat -c %s "$log.1")" "size of the rotated log"
	assert_contains "$(cat "$log.1" "$log")" "2999"$'\r\n'"3000"
	assert_succeeds t_mgr stop -n con7 -k
	assert_no_leftovers con7
}

foreground_console() {
	trap panes_end EXIT
	assert_succeeds t_mgr create -n con8 -t busybox
	pane a mgr-start -P "$T_PATH" -n con8 -F
	login a con8
	keys a 'stty size; echo fg-$((6*7))' Enter
	see a "fg-42"
	see a "30 100"
	assert_fails -e 'The console of "con8" is in use' t_mgr console -n con8 -t 0
	assert_contains "$(t_mgr console -n con8 --log)" "fg-42"
	keys a 'halt' Enter
	assert_eq 0 "$(ended a)" "mgr-start -F after a halt"
	assert_tty_restored a
	panes_end
	assert_no_leftovers con8
}

t_case "mgr-console logs in on tty1, detaches with Ctrl-a q and comes back" tty_session
t_case "a tty has one client at a time; without -t the first free one" one_client_per_tty
t_case "-e changes the escape key; the escape twice is sent once" escape_key
t_case "SIGTERM gives the terminal back; the window size follows" signal_restores_terminal
t_case "the console goes through the monitor into the buffer and the log" console_through_monitor
t_case "the console buffer keeps the boot output, or its last bytes" console_buffer
t_case "the console log rotates at console.size" console_log_rotation
t_case "mgr-start -F keeps the console on its terminal" foreground_console
