# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Real terminals for the integration tests: tmux panes that a test types
# into and reads from.  Sourced after lib.sh; a file without tmux skips.

command -v tmux >/dev/null || {
	echo "skip - $T_FILE: tmux is not installed"
	exit 0
}

# Each case has its own tmux server; a pane runs one command through
# $T_WORK/pane.sh, which keeps the command's pid, stderr and exit status and
# the terminal's settings before and after it in $T_WORK/TAG.*.

T_TMUX=(tmux -S "$T_WORK/tmux.sock")

cat >"$T_WORK/pane.sh" <<'EOF'
#!/bin/bash
out=$1 tag=$2
shift 2
stty -g >"$out/$tag.before"
bash -c 'echo $$ >"$0"; exec "$@"' "$out/$tag.pid" "$@" 2>"$out/$tag.err"
echo $? >"$out/$tag.rc"
stty -g >"$out/$tag.after"
exec sleep 600
EOF
chmod +x "$T_WORK/pane.sh"

# pane TAG CMD...: run CMD in a new 100x30 terminal named TAG, and wait
# until it has put the terminal in raw mode (mgr-console: once it holds the
# tty), so that what is typed next is not echoed by the terminal itself.
pane() {
	local tag=$1 tty _
	shift
	rm -f "$T_WORK/$tag".*
	"${T_TMUX[@]}" new-session -d -s "$tag" -x 100 -y 30 \
		"$(printf '%q ' "$T_WORK/pane.sh" "$T_WORK" "$tag" "$@")"
	wait_for "$T_WORK/$tag.pid" "the command in pane $tag to start"
	tty=$("${T_TMUX[@]}" display-message -p -t "$tag" '#{pane_tty}')
	for _ in $(seq 100); do
		[[ $(stty -g -F "$tty") != "$(cat "$T_WORK/$tag.before")" ]] && return 0
		[[ -e $T_WORK/$tag.rc ]] && t_fail "pane $tag: $* ended: $(cat "$T_WORK/$tag.err")"
		sleep 0.1
	done
	t_fail "pane $tag: $* did not take the terminal"
}

# wait_for FILE WHAT: until FILE exists (10 s).
wait_for() {
	local _
	for _ in $(seq 100); do
		[[ -e $1 ]] && return 0
		sleep 0.1
	done
	t_fail "timed out waiting for $2"
}

screen() {
	"${T_TMUX[@]}" capture-pane -p -J -S - -t "$1"
}

# see TAG TEXT: until the terminal TAG shows TEXT (10 s).
see() {
	local _
	for _ in $(seq 100); do
		[[ $(screen "$1") == *"$2"* ]] && return 0
		sleep 0.1
	done
	t_fail "pane $1 does not show \"$2\":
$(screen "$1")"
}

keys() {
	"${T_TMUX[@]}" send-keys -t "$@"
}

# ended TAG: the exit status of TAG's command, once it has ended (10 s).
ended() {
	wait_for "$T_WORK/$1.rc" "the command in pane $1 to end"
	cat "$T_WORK/$1.rc"
}

still_running() {
	[[ ! -e $T_WORK/$1.rc ]] || t_fail "the command in pane $1 ended: $(cat "$T_WORK/$1.err")"
}

# The terminal was given back as it was.
assert_tty_restored() {
	assert_eq "$(cat "$T_WORK/$1.before")" "$(cat "$T_WORK/$1.after")" "terminal settings of $1"
}

panes_end() {
	local _
	"${T_TMUX[@]}" kill-server 2>/dev/null || true
	for _ in $(seq 20); do
		[[ -e $T_WORK/tmux.sock ]] || break
		sleep 0.1
	done
	rm -f "$T_WORK/tmux.sock"
}

