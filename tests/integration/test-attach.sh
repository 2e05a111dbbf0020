#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-attach: commands inside a running busybox container.

. "$(dirname "$0")/lib.sh"

# A running busybox container; extra config lines from the arguments.
running_ct() {
	local name=$1 line
	shift
	assert_succeeds t_mgr create -n "$name" -t busybox
	for line in "$@"; do
		echo "$line" >>"$T_PATH/$name/config"
	done
	assert_succeeds t_mgr start -n "$name"
}

stop_ct() {
	assert_succeeds t_mgr stop -n "$1" -k
	assert_no_leftovers "$1"
}

# The processes inside, as "PID COMMAND" lines of busybox ps.
ps_inside() {
	t_mgr attach -n "$1" -- ps -o pid,args
}

exit_codes() {
	running_ct ex
	local rc want
	for want in 0 1 42; do
		rc=0
		t_mgr attach -n ex -- sh -c "exit $want" || rc=$?
		assert_eq "$want" "$rc" "exit code of 'exit $want'"
	done
	for want in 9 15; do
		rc=0
		t_mgr attach -n ex -- sh -c "kill -$want \$\$" || rc=$?
		assert_eq $((128 + want)) "$rc" "death by signal $want"
	done
	rc=0
	t_mgr attach -n ex -- /no/such/command 2>err || rc=$?
	assert_eq 127 "$rc" "a missing command"
	assert_contains "$(cat err)" 'Failed to execute "/no/such/command"'
	rc=0
	t_mgr attach -n ex -- /etc/passwd 2>err || rc=$?
	assert_eq 126 "$rc" "a command that is not executable"
	stop_ct ex
}

stdio_passes_through() {
	running_ct io
	head -c 3M /dev/urandom >data
	t_mgr attach -n io -- cat <data | cmp - data
	# stderr is a stream of its own, as binary-safe.
	t_mgr attach -n io -- sh -c 'cat >&2' <data >out 2>err
	cmp err data
	[[ ! -s out ]] || t_fail "stdout got what went to stderr"
	t_mgr attach -n io -- sh -c 'echo to-out; echo to-err >&2' >out 2>err
	assert_eq to-out "$(cat out)"
	assert_eq to-err "$(cat err)"
	assert_eq x "$(echo x | t_mgr attach -n io -- cat)"
	# An archive of the container's /etc, byte for byte what tar made.
	t_mgr attach -n io -- tar c /etc >etc.tar 2>/dev/null
	assert_contains "$(tar tf etc.tar)" "etc/passwd"
	t_mgr attach -n io -- cat /etc/hostname >hostname
	cmp hostname "$T_PATH/io/rootfs/etc/hostname"
	stop_ct io
}

DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The caller's environment in these cases: a secret, a PATH and a session
# of the host, a HOME and a "container" of its own.
caller_env() {
	export MGR_SECRET=xyz MGR_OTHER=abc PATH=/host/only/bin:$PATH \
		XDG_RUNTIME_DIR=/run/user/0 HOME=/host-home USER=operator LOGNAME=operator \
		SHELL=/bin/host-shell container=host TERM=xterm-caller
}

# attach_env NAME ARGS...: the sorted environment of "mgr-attach ARGS -- env".
attach_env() {
	local name=$1
	shift
	t_mgr attach -n "$name" "$@" -- env | sort
}

env_default_is_clean() {
	running_ct envd
	caller_env
	assert_eq "HOME=/root
LOGNAME=root
PATH=$DEFAULT_PATH
SHELL=/bin/sh
TERM=xterm-caller
USER=root
container=mgr" "$(attach_env envd)" "the default environment of root"
	# Without a TERM of the caller's: what init gets.
	assert_contains "$(unset TERM; attach_env envd)" "TERM=linux"
	assert_contains "$(TERM='' attach_env envd)" "TERM=linux" "an empty TERM"
	# Also the user's login shell (no command) sees none of it.
	assert_eq "" "$(echo 'env | grep -e MGR_ -e /host; true' | t_mgr attach -n envd)" \
		"the shell's environment"
	stop_ct envd
}

env_of_other_users() {
	running_ct envu
	local rootfs=$T_PATH/envu/rootfs
	echo "user:x:1001:1002:A user:/home/user:/bin/ash" >>"$rootfs/etc/passwd"
	mkdir -p "$rootfs/home/user"
	caller_env
	assert_eq "HOME=/home/user
LOGNAME=user
PATH=$DEFAULT_PATH
SHELL=/bin/ash
TERM=xterm-caller
USER=user
container=mgr" "$(attach_env envu -u 1001)" "a user listed in /etc/passwd"
	# A user not listed: HOME is /, no names, no shell.
	assert_eq "HOME=/
PATH=$DEFAULT_PATH
TERM=xterm-caller
container=mgr" "$(attach_env envu -u 1000)" "a user not listed"
	stop_ct envu
}

env_keep_env() {
	running_ct envk
	local out
	caller_env
	out=$(attach_env envk --keep-env)
	# Every variable of the caller's (but "_", which bash sets for each
	# command; the build tree's libtool wrappers add some of theirs),
	# container=mgr over its own.
	assert_eq "" "$(comm -23 <(env | grep -v -e '^container=' -e '^_=' | sort) - <<<"$out")" \
		"caller's variables --keep-env did not pass"
	assert_contains "$out" "container=mgr"
	assert_contains "$out" "MGR_SECRET=xyz"
	assert_contains "$out" "PATH=/host/only/bin:"
	assert_contains "$out" "HOME=/host-home"
	stop_ct envk
}

env_set_and_keep_var() {
	running_ct envv
	local base out
	caller_env
	base=$(attach_env envv)
	# --keep-var: that variable and nothing else of the caller's.
	assert_eq "$(sort <<<"$base
MGR_SECRET=xyz")" "$(attach_env envv --keep-var MGR_SECRET)" "--keep-var MGR_SECRET"
	out=$(attach_env envv --keep-var PATH --keep-var HOME)
	assert_contains "$out" "PATH=/host/only/bin:" "--keep-var PATH over the default"
	assert_contains "$out" "HOME=/host-home"
	assert_not_contains "$out" "MGR_"
	# One the caller does not have: nothing, or the default.
	assert_eq "$base" "$(attach_env envv --keep-var MGR_UNSET)" "--keep-var of an unset variable"
	assert_eq "$base" "$(env -u PATH "$(command -v mgr-attach)" -P "$T_PATH" -n envv \
		--keep-var PATH -- env | sort)" "--keep-var PATH without a PATH"
	# -v: that variable, over any other value.
	assert_eq "$(sort <<<"$base
FOO=with space")" "$(attach_env envv -v 'FOO=with space')" "-v FOO"
	out=$(attach_env envv -v HOME=/elsewhere -v container=other -v MGR_SECRET=changed \
		--keep-var MGR_SECRET)
	assert_contains "$out" "HOME=/elsewhere" "-v wins over the identity"
	assert_contains "$out" "container=other" "-v wins over container=mgr"
	assert_contains "$out" "MGR_SECRET=changed" "-v wins over --keep-var"
	assert_not_contains "$out" "MGR_OTHER"
	assert_fails -e "VAR=VALUE" t_mgr attach -n envv -v NOEQUALS -- true
	assert_fails -e "invalid variable name" t_mgr attach -n envv --keep-var A=B -- true
	stop_ct envv
}

env_clear_env() {
	running_ct envc
	caller_env
	assert_eq "$(attach_env envc)" "$(attach_env envc --clear-env)" "--clear-env is the default"
	assert_eq "HOME=/root
LOGNAME=root
MGR_OTHER=abc
PATH=$DEFAULT_PATH
SHELL=/bin/sh
TERM=xterm-caller
USER=root
X=1
container=mgr" "$(attach_env envc --clear-env --keep-var MGR_OTHER -v X=1)" \
		"--clear-env with --keep-var and -v"
	assert_fails -e "--clear-env and --keep-env" t_mgr attach -n envc --clear-env --keep-env -- true
	stop_ct envc
}

identity() {
	running_ct who
	local rootfs=$T_PATH/who/rootfs
	echo "user:x:1001:1002:A user:/home/user:/bin/sh" >>"$rootfs/etc/passwd"
	mkdir -p "$rootfs/home/user"
	assert_eq "0 0" "$(t_mgr attach -n who -- sh -c 'echo $(id -u) $(id -g)')"
	assert_eq "1000 0" "$(t_mgr attach -n who -u 1000 -- sh -c 'echo $(id -u) $(id -g)')"
	assert_eq "1000 1000" "$(t_mgr attach -n who -u 1000 -g 1000 -- sh -c 'echo $(id -u) $(id -g)')"
	assert_eq "0 7" "$(t_mgr attach -n who -g 7 -- sh -c 'echo $(id -u) $(id -g)')"
	# A user listed in /etc/passwd: its group, home and names.
	assert_eq "1001 1002 /home/user user /home/user" \
		"$(t_mgr attach -n who -u 1001 -- sh -c 'echo $(id -u) $(id -g) $HOME $USER $PWD')"
	assert_eq "/tmp" "$(t_mgr attach -n who --cwd /tmp -- pwd)"
	assert_eq "/" "$(t_mgr attach -n who -u 1000 -- pwd)" "no home: /"
	assert_fails -e '"/no/such/dir"' t_mgr attach -n who --cwd /no/such/dir -- true
	stop_ct who
}

namespaces() {
	running_ct ns "mgr.net =" "mgr.net.0.type = empty"
	local host_net
	host_net=$(ls /sys/class/net)
	assert_eq "ns" "$(t_mgr attach -n ns -- hostname)"
	assert_eq "lo" "$(t_mgr attach -n ns -- ls /sys/class/net)"
	# Only the UTS namespace: the container's name, the host's network
	# (and files: /sys/class/net is the host's).
	assert_eq "ns" "$(t_mgr attach -n ns -s UTSNAME -- hostname)"
	assert_eq "$host_net" "$(t_mgr attach -n ns -s UTSNAME -- ls /sys/class/net)"
	assert_eq "$(hostname)" "$(t_mgr attach -n ns -s 'NETWORK|MOUNT' -- hostname)"
	assert_eq "lo" "$(t_mgr attach -n ns -s 'NETWORK|MOUNT' -- ls /sys/class/net)"
	assert_eq "1" "$(t_mgr attach -n ns -s 'PID|MOUNT' -- sh -c 'ps -o pid,args | grep -c "^ *1 init"')"
	assert_fails -e "invalid namespaces" t_mgr attach -n ns -s 'MOUNT|TIME' -- true
	# USER is accepted; a container without a user namespace of its own has
	# none to join.
	assert_succeeds t_mgr attach -n ns -s 'MOUNT|USER' -- true
	# In the container's cgroup, seen from inside its cgroup namespace.
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		assert_eq "0::/" "$(t_mgr attach -n ns -- cat /proc/self/cgroup)"
	else
		assert_contains "$(t_mgr attach -n ns -- cat /proc/self/cgroup)" "pids:/"
	fi
	stop_ct ns
}

# The host pids of the processes in the container's pids cgroup.
# As a guest's systemd does: init moves itself into a cgroup of its own
# below the container's (init.scope), in every hierarchy; on cgroup2 with
# controllers enabled the container's cgroup then takes no process.  An
# attached command goes where init is, and never above the container.
joins_init_cgroup() {
	running_ct leaf
	local dir cg
	assert_succeeds t_mgr attach -n leaf -- sh -c '
		for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
			[ -w "$d/cgroup.procs" ] || continue
			mkdir -p "$d/init.scope" && echo 1 > "$d/init.scope/cgroup.procs"
		done'
	cg=$(t_mgr attach -n leaf -- cat /proc/self/cgroup)
	assert_contains "$cg" "/init.scope"
	# (Not every hierarchy takes it: a new cpuset has no CPUs.)
	assert_eq "$(t_mgr attach -n leaf -- cat /proc/1/cgroup)" "$cg" "init's cgroups and the command's"
	# Seen from the host, below the container's own.
	assert_contains "$(cat "/proc/$(t_mgr info -n leaf -p -H)/cgroup")" "mgr.payload.leaf/init.scope"
	stop_ct leaf
}

cgroup_procs() {
	cat /sys/fs/cgroup/pids/mgr.payload."$1"/cgroup.procs 2>/dev/null ||
		cat /sys/fs/cgroup/mgr.payload."$1"/cgroup.procs
}

visible_inside() {
	running_ct vis
	local pid i sleeper
	# Not through t_mgr: $! must be mgr-attach itself.
	mgr-attach -P "$T_PATH" -n vis -- sleep 1000 &
	pid=$!
	for i in $(seq 50); do
		ps_inside vis | t_grep "sleep 1000" && break
		sleep 0.1
	done
	assert_contains "$(ps_inside vis)" "sleep 1000" "the command in ps inside"
	sleeper=$(pgrep -x -f 'sleep 1000')
	assert_eq "$pid" "$(awk '$1 == "PPid:" { print $2 }' "/proc/$sleeper/status")" \
		"the command is mgr-attach's own child"
	cgroup_procs vis | t_grep -x "$sleeper" || t_fail "the command is not in the container's cgroup"
	# Nothing but mgr-attach and the command: the helper that joined is gone.
	assert_eq "$pid" "$(pgrep -f "mgr-attach -P $T_PATH -n vis" | tr '\n' ' ' | xargs)" "mgr-attach processes"
	# Killing mgr-attach kills the command.
	kill "$pid"
	wait "$pid" || true
	for i in $(seq 50); do
		[[ -d /proc/$sleeper ]] || break
		sleep 0.1
	done
	[[ ! -d /proc/$sleeper ]] || t_fail "the command outlived mgr-attach"
	# A command that exits leaves nothing, in the container or on the host.
	i=$(t_mgr attach -n vis -- sh -c 'echo $$')
	[[ -n $i ]] || t_fail "no pid from inside"
	ps_inside vis | awk '{ print $1 }' | t_grep -x "$i" && t_fail "pid $i is still inside"
	[[ -z $(pgrep -f "mgr-attach -P $T_PATH -n vis") ]] || t_fail "mgr-attach processes left"
	stop_ct vis
}

capabilities() {
	# Privileged, so that the caller's bounding set is the one -e keeps
	# (a joiner of a user namespace gets that namespace's full set).
	assert_succeeds t_mgr create -n caps -t busybox --privileged
	echo "mgr.cap.drop = sys_time mknod" >>"$T_PATH/caps/config"
	assert_succeeds t_mgr start -n caps
	local init attached elevated
	init=$(t_mgr attach -n caps -- grep CapBnd /proc/1/status)
	attached=$(t_mgr attach -n caps -- grep CapBnd /proc/self/status)
	elevated=$(t_mgr attach -n caps -e -- grep CapBnd /proc/self/status)
	assert_eq "$init" "$attached" "the bounding set of init"
	assert_eq "$(grep CapBnd /proc/self/status)" "$elevated" "-e keeps the caller's"
	[[ $init != "$elevated" ]] || t_fail "cap.drop took nothing away"
	assert_eq "$elevated" "$(t_mgr attach -n caps -eCAP -- grep CapBnd /proc/self/status)"
	# -e CGROUP: outside the container's cgroup.
	assert_not_contains "$(t_mgr attach -n caps -eCGROUP -s PID -- cat /proc/self/cgroup)" \
		mgr.payload.caps
	stop_ct caps
	# Unprivileged: an attached command gets init's bounding set too.
	running_ct ucaps "mgr.cap.drop = sys_time mknod"
	assert_eq "$(t_mgr attach -n ucaps -- grep CapBnd /proc/1/status)" \
		"$(t_mgr attach -n ucaps -- grep CapBnd /proc/self/status)" "init's bounding set, unprivileged"
	stop_ct ucaps
}

refusals() {
	assert_succeeds t_mgr create -n off -t busybox
	assert_fails -e "not running" t_mgr attach -n off -- true
	assert_eq 2 "$T_RC"
	assert_fails -e "not defined" t_mgr attach -n never -- true
	assert_eq 2 "$T_RC"
	# A frozen container would freeze the command on its way in.
	assert_succeeds t_mgr start -n off
	local freezer=/sys/fs/cgroup/freezer/mgr.payload.off
	local unified=/sys/fs/cgroup/unified/mgr.payload.off
	[[ -d $unified ]] || unified=/sys/fs/cgroup/mgr.payload.off
	if [[ -f $freezer/freezer.state ]]; then
		echo FROZEN >"$freezer/freezer.state"
		assert_fails -e "frozen" t_mgr attach -n off -- true
		echo THAWED >"$freezer/freezer.state"
	elif [[ -f $unified/cgroup.freeze ]]; then
		echo 1 >"$unified/cgroup.freeze"
		assert_fails -e "frozen" t_mgr attach -n off -- true
		echo 0 >"$unified/cgroup.freeze"
	fi
	assert_succeeds t_mgr attach -n off -- true
	stop_ct off
	assert_no_leftovers off never
}

# tmux on a server of the test's own.
tmux() {
	command tmux -S "$T_WORK/tmux.sock" "$@"
}

# tmux_wait SESSION TEXT: until TEXT shows in the pane (5 s at most).
tmux_wait() {
	local i
	for i in $(seq 50); do
		tmux capture-pane -p -t "$1" | t_grep -F -- "$2" && return 0
		sleep 0.1
	done
	t_fail "\"$2\" did not show in the pane:
$(tmux capture-pane -p -t "$1")"
}

interactive() {
	command -v tmux >/dev/null || t_skip "tmux is not installed"
	running_ct tty
	local s=attach i
	# The pane runs mgr-attach between two snapshots of its terminal.
	rm -f rc stty.before stty.after pty.log
	cat >pane.sh <<EOF
stty -a >stty.before
$(command -v mgr-attach) -P "$T_PATH" -n tty -L pty.log
echo \$? >rc
stty -a >stty.after
EOF
	tmux new-session -d -s $s -x 100 -y 30 "cd $T_WORK && bash pane.sh; sleep 60"
	tmux_wait $s "/root #"
	tmux send-keys -t $s 'echo hi-$((6*7)); tty; stty size' Enter
	tmux_wait $s "hi-42"
	assert_contains "$(tmux capture-pane -p -t $s)" "/dev/pts/0" "a pty of the container"
	assert_contains "$(tmux capture-pane -p -t $s)" "30 100" "the window size"
	# A new size reaches the pty inside.
	tmux resize-window -t $s -x 90 -y 25
	tmux send-keys -t $s 'clear; stty size' Enter
	tmux_wait $s "25 90"
	tmux send-keys -t $s 'exit 3' Enter
	for i in $(seq 50); do
		[[ -s stty.after ]] && break
		sleep 0.1
	done
	tmux kill-server || true
	assert_eq 3 "$(cat rc)" "the pane's command exit code"
	# The same settings as before, but for the size changed meanwhile.
	diff <(grep -v rows stty.before) <(grep -v rows stty.after) ||
		t_fail "the terminal was not restored"
	assert_contains "$(cat pty.log)" "hi-42" "the pty log"
	stop_ct tty
}

# mgr-attach killed while the pane is in raw mode: the command gets a
# hangup, the terminal its settings back.
interactive_killed() {
	command -v tmux >/dev/null || t_skip "tmux is not installed"
	running_ct hup
	local s=killed i pid
	rm -f rc stty.before stty.after
	cat >pane.sh <<EOF
stty -a >stty.before
$(command -v mgr-attach) -P "$T_PATH" -n hup
echo \$? >rc
stty -a >stty.after
EOF
	tmux new-session -d -s $s -x 100 -y 30 "cd $T_WORK && bash pane.sh; sleep 60"
	tmux_wait $s "/root #"
	pid=$(pgrep -f "mgr-attach -P $T_PATH -n hup")
	[[ $pid =~ ^[0-9]+$ ]] || t_fail "no single mgr-attach: $pid"
	kill -TERM "$pid"
	for i in $(seq 50); do
		[[ -s stty.after ]] && break
		sleep 0.1
	done
	tmux kill-server || true
	assert_eq $((128 + 1)) "$(cat rc)" "the shell died of the hangup"
	diff stty.before stty.after || t_fail "the terminal was not restored"
	stop_ct hup
}

t_case "mgr-attach returns the command's exit code" exit_codes
t_case "mgr-attach passes stdin, stdout and stderr through" stdio_passes_through
t_case "mgr-attach passes nothing of the caller's environment by default" env_default_is_clean
t_case "mgr-attach environment of a user other than root" env_of_other_users
t_case "mgr-attach --keep-env passes the caller's environment" env_keep_env
t_case "mgr-attach -v and --keep-var pass just those variables" env_set_and_keep_var
t_case "mgr-attach --clear-env is the default" env_clear_env
t_case "mgr-attach -u, -g and --cwd" identity
t_case "mgr-attach joins the namespaces asked for" namespaces
t_case "the attached command shows inside and leaves nothing" visible_inside
t_case "mgr-attach applies the container's bounding set unless -e" capabilities
t_case "mgr-attach joins init's cgroup, a leaf below the container's" joins_init_cgroup
t_case "mgr-attach refuses stopped, undefined and frozen containers" refusals
t_case "mgr-attach in a terminal: a pty inside the container" interactive
t_case "mgr-attach killed in a terminal restores it" interactive_killed
