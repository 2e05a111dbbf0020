#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hook.*: each runs at its moment, with its arguments and environment, in
# the namespaces of its stage; a failing one stops a start cleanly.

. "$(dirname "$0")/lib.sh"

T_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
LOG=$T_WORK/hooks.log

# A recording hook: one line per run, in $LOG, or in /hook.log of the
# container for the start hook (which runs inside it).
write_recorder() {
	cat >"$1" <<EOS
#!/bin/sh
log=$LOG
[ "\$MGR_HOOK_TYPE" = start ] && log=/hook.log
echo "\$3 args=\$* name=\$MGR_NAME lxc=\$LXC_NAME section=\$MGR_HOOK_SECTION lxctype=\$LXC_HOOK_TYPE cfg=\$MGR_CONFIG_FILE rootfs=\$MGR_ROOTFS_MOUNT src=\${MGR_SRC_NAME:-} lxcsrc=\${LXC_SRC_NAME:-} target=\${MGR_TARGET:-} mnt=\$(readlink /proc/self/ns/mnt) pidns=\$(readlink /proc/self/ns/pid) host=\$(cat /proc/sys/kernel/hostname)" >>"\$log"
if [ "\$3" = mount ]; then
	mkdir -p "\$MGR_ROOTFS_MOUNT/mnt/hooked"
	mount -t tmpfs hooktmp "\$MGR_ROOTFS_MOUNT/mnt/hooked"
	echo from-mount-hook >"\$MGR_ROOTFS_MOUNT/mnt/hooked/mark"
fi
if [ "\$3" = autodev ]; then
	[ -c "\$MGR_ROOTFS_MOUNT/dev/null" ] && echo "autodev sees dev/null" >>"\$log"
fi
if [ "\$3" = destroy ] && [ -d "\$MGR_ROOTFS_MOUNT/etc" ]; then
	echo "destroy sees the rootfs" >>"\$log"
fi
exit 0
EOS
	chmod 755 "$1"
}

# Privileged, so that the hooks that run in the container's namespaces may
# write the test's records on the host (see unprivileged_hooks).
make_ct() {
	rm -f "$LOG"
	assert_succeeds t_mgr create -n "$1" -t busybox -f "$T_LO_CONF" --privileged
}

line_of() {
	grep "^$1 " "$LOG" | head -n1
}

# The value of field NAME= in a recorded line.
field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

hooks_at_their_moments() {
	local name=hk-env rec=$T_WORK/rec.sh pid host_mnt line ct_mnt ct_pid
	make_ct $name
	write_recorder "$rec"
	cp "$rec" "$T_PATH/$name/rootfs/hook.sh"
	for t in pre-start pre-mount mount autodev stop post-stop; do
		echo "mgr.hook.$t = $rec" >>"$T_PATH/$name/config"
	done
	echo "lxc.hook.start = /hook.sh" >>"$T_PATH/$name/config"
	assert_succeeds t_mgr start -n $name
	pid=$(t_mgr info -n $name -p -H)
	host_mnt=$(readlink /proc/self/ns/mnt)
	ct_mnt=$(readlink /proc/"$pid"/ns/mnt)
	ct_pid=$(readlink /proc/"$pid"/ns/pid)

	assert_eq "pre-start pre-mount mount autodev" "$(grep -v '^autodev sees' "$LOG" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" "hooks run so far, in order"
	line=$(line_of pre-start)
	assert_contains "$line" "args=$name mgr pre-start name=$name lxc=$name section=mgr lxctype=pre-start"
	assert_contains "$line" "cfg=$T_PATH/$name/config"
	assert_eq "$host_mnt" "$(field "$line" mnt)" "pre-start runs in the host's mount namespace"
	line=$(line_of pre-mount)
	assert_eq "$ct_mnt" "$(field "$line" mnt)" "pre-mount runs in the container's mount namespace"
	line=$(line_of mount)
	assert_eq "$ct_mnt" "$(field "$line" mnt)" "mount runs in the container's mount namespace"
	[[ $(field "$line" rootfs) == /* ]] || t_fail "MGR_ROOTFS_MOUNT of the mount hook: $line"
	grep -q "^autodev sees dev/null" "$LOG" || t_fail "the autodev hook ran before /dev was populated"
	# The mount hook's mount is the container's, not the host's.
	assert_eq from-mount-hook "$(in_ct $name cat /mnt/hooked/mark)" "the mount hook's mount inside"
	! grep -q hooktmp /proc/self/mountinfo || t_fail "the mount hook's mount reached the host"

	line=$(cat "$T_PATH/$name/rootfs/hook.log")
	assert_contains "$line" "start args=$name mgr start name=$name"
	assert_eq "$ct_pid" "$(field "$line" pidns)" "the start hook runs in the container's PID namespace"
	assert_eq "$ct_mnt" "$(field "$line" mnt)" "the start hook runs in the container's mount namespace"
	assert_eq "$name" "$(field "$line" host)" "the start hook sees the container's hostname"

	! grep -q '^stop ' "$LOG" || t_fail "hook.stop ran before the stop"
	assert_succeeds t_mgr stop -n $name -k
	assert_eq "stop post-stop" "$(grep -E '^(stop|post-stop) ' "$LOG" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" "stop hooks in order"
	assert_eq "$host_mnt" "$(field "$(line_of stop)" mnt)" "hook.stop runs on the host"
	assert_eq stop "$(field "$(line_of post-stop)" target)" "MGR_TARGET"
	assert_no_leftovers $name
}

# A failing hook at each stage of the start: the start fails naming the
# hook and its status, with its output, and leaves nothing.
failing_hook() {
	local stage=$1 name=hk-fail-$1 hook=$2
	make_ct "$name"
	printf '#!/bin/sh\necho "%s hook says no" >&2\nexit 7\n' "$stage" >"$T_PATH/$name/rootfs/fail.sh"
	cp "$T_PATH/$name/rootfs/fail.sh" "$T_WORK/fail.sh"
	chmod 755 "$T_PATH/$name/rootfs/fail.sh" "$T_WORK/fail.sh"
	echo "mgr.hook.$stage = $hook" >>"$T_PATH/$name/config"
	echo "mgr.log.file = $T_WORK/$name.log" >>"$T_PATH/$name/config"
	assert_fails -e "hook.$stage \"$hook\" failed with exit status 7" t_mgr start -n "$name"
	assert_contains "$T_OUT" "$stage hook says no" "the hook's output in the error"
	assert_contains "$(cat "$T_WORK/$name.log")" "$stage hook says no" "the hook's output in the log"
	assert_eq STOPPED "$(t_mgr info -n "$name" -s -H)"
	assert_no_leftovers "$name"
}

fail_pre_start() { failing_hook pre-start "$T_WORK/fail.sh"; }
fail_pre_mount() { failing_hook pre-mount "$T_WORK/fail.sh"; }
fail_mount() { failing_hook mount "$T_WORK/fail.sh"; }
fail_start() { failing_hook start /fail.sh; }

# A failing stop hook is only logged: the container stops all the same.
fail_stop() {
	local name=hk-failstop
	make_ct $name
	printf '#!/bin/sh\necho "stop hook trouble"\nexit 3\n' >"$T_WORK/failstop.sh"
	chmod 755 "$T_WORK/failstop.sh"
	echo "mgr.hook.stop = $T_WORK/failstop.sh" >>"$T_PATH/$name/config"
	echo "mgr.log.file = $T_WORK/$name.log" >>"$T_PATH/$name/config"
	assert_succeeds t_mgr start -n $name
	assert_succeeds t_mgr stop -n $name -k
	assert_eq STOPPED "$(t_mgr info -n $name -s -H)"
	assert_contains "$(cat "$T_WORK/$name.log")" "hook.stop \"$T_WORK/failstop.sh\" failed with exit status 3: stop hook trouble"
	assert_no_leftovers $name
}

# Several commands for one hook run in order; an empty value clears.
hook_list() {
	local name=hk-list
	make_ct $name
	{
		echo "mgr.hook.pre-start = /bin/sh -c 'echo never >>$LOG'"
		echo "mgr.hook.pre-start ="
		echo "mgr.hook.pre-start = /bin/sh -c 'echo one >>$LOG'"
		echo "lxc.hook.pre-start = /bin/sh -c 'echo two >>$LOG'"
	} >>"$T_PATH/$name/config"
	assert_succeeds t_mgr start -n $name
	assert_eq "one two" "$(tr '\n' ' ' <"$LOG" | sed 's/ $//')" "the commands of a list key, in order"
	assert_succeeds t_mgr stop -n $name -k
	assert_no_leftovers $name
}

clone_and_destroy() {
	local rec=$T_WORK/rec.sh line
	write_recorder "$rec"
	make_ct hk-src
	echo "mgr.hook.clone = $rec" >>"$T_PATH/hk-src/config"
	echo "mgr.hook.destroy = $rec" >>"$T_PATH/hk-src/config"
	assert_succeeds t_mgr copy -n hk-src -N hk-dst
	line=$(line_of clone)
	assert_contains "$line" "args=hk-dst mgr clone name=hk-dst lxc=hk-dst"
	assert_contains "$line" "src=hk-src lxcsrc=hk-src"
	assert_contains "$line" "cfg=$T_PATH/hk-dst/config"
	assert_contains "$line" "rootfs=$T_PATH/hk-dst/rootfs"
	assert_succeeds t_mgr destroy -n hk-dst
	line=$(line_of destroy)
	assert_contains "$line" "args=hk-dst mgr destroy"
	grep -q "^destroy sees the rootfs" "$LOG" || t_fail "the destroy hook ran without the rootfs"
	[[ ! -e $T_PATH/hk-dst ]] || t_fail "hk-dst is still there"
	# A failing clone hook undoes the copy.
	sed -i "s|^mgr.hook.clone = .*|mgr.hook.clone = /bin/false|" "$T_PATH/hk-src/config"
	assert_fails -e 'hook.clone "/bin/false" failed with exit status 1' t_mgr copy -n hk-src -N hk-dst2
	[[ ! -e $T_PATH/hk-dst2 ]] || t_fail "a failed clone hook left hk-dst2"
	assert_no_leftovers hk-src hk-dst hk-dst2
}

clonehostname() {
	local hook=$T_SRCDIR/hooks/clonehostname
	make_ct hk-hn
	echo "mgr.hook.clone = $hook" >>"$T_PATH/hk-hn/config"
	printf '127.0.0.1 localhost\n127.0.1.1 hk-hn hk-hn.example hk-hnx\n' >"$T_PATH/hk-hn/rootfs/etc/hosts"
	echo hk-hn >"$T_PATH/hk-hn/rootfs/etc/hostname"
	# A symlink out of the rootfs is not followed.
	echo hk-hn >"$T_WORK/outside"
	ln -sf "$T_WORK/outside" "$T_PATH/hk-hn/rootfs/etc/mailname"
	# -K: the copy keeps the name; only the hook renames it.
	assert_succeeds t_mgr copy -n hk-hn -N hk-hn2 -K
	assert_eq hk-hn2 "$(cat "$T_PATH/hk-hn2/rootfs/etc/hostname")" "/etc/hostname of the copy"
	assert_eq "127.0.1.1 hk-hn2 hk-hn2.example hk-hnx" "$(sed -n 2p "$T_PATH/hk-hn2/rootfs/etc/hosts")" "/etc/hosts of the copy"
	assert_eq hk-hn "$(cat "$T_WORK/outside")" "the file behind a symlink"
	assert_eq hk-hn "$(cat "$T_PATH/hk-hn/rootfs/etc/hostname")" "the source's hostname"
	assert_no_leftovers hk-hn hk-hn2
}

# In a container made the default way, the hooks of the child (pre-mount,
# mount, autodev, start) run as the root of its user namespace: an
# ordinary user on the host, who reaches only what any user may.
unprivileged_hooks() {
	local name=hk-un dir=$T_WORK/hooks base
	mkdir -p "$dir/log"
	chmod 755 "$T_WORK" "$dir"
	chmod 1777 "$dir/log"
	cat >"$dir/rec.sh" <<EOS
#!/bin/sh
echo "\$3 uid=\$(cat /proc/self/uid_map | awk '{print \$2}') mnt=\$(readlink /proc/self/ns/mnt)" >>$dir/log/\$3
[ "\$3" != mount ] || { mkdir -p "\$MGR_ROOTFS_MOUNT/mnt/hooked" && mount -t tmpfs hooktmp "\$MGR_ROOTFS_MOUNT/mnt/hooked"; }
EOS
	chmod 755 "$dir/rec.sh"
	assert_succeeds t_mgr create -n $name -t busybox -f "$T_LO_CONF"
	base=$(awk '$1 ~ /idmap$/ && $3 == "u" && $4 == 0 { print $5 }' "$T_PATH/$name/config")
	for t in pre-start pre-mount mount autodev stop post-stop; do
		echo "mgr.hook.$t = $dir/rec.sh" >>"$T_PATH/$name/config"
	done
	assert_succeeds t_mgr start -n $name
	for t in pre-mount mount autodev; do
		assert_contains "$(cat "$dir/log/$t")" "$t uid=$base " "hook.$t runs as the container's root"
		assert_eq "$base" "$(stat -c %u "$dir/log/$t")" "hook.$t's file on the host"
	done
	assert_contains "$(cat "$dir/log/pre-start")" "pre-start uid=0 " "hook.pre-start runs on the host"
	assert_contains "$(in_ct $name cat /proc/self/mountinfo)" "hooktmp" "the mount hook's tmpfs inside"
	! grep -q hooktmp /proc/self/mountinfo || t_fail "the mount hook's mount reached the host"
	assert_succeeds t_mgr stop -n $name -k
	assert_contains "$(cat "$dir/log/post-stop")" "post-stop uid=0 "
	assert_no_leftovers $name
}

t_case "each hook runs at its moment, in its namespaces, with its environment" hooks_at_their_moments
t_case "the hooks of an unprivileged container run as its root" unprivileged_hooks
t_case "a failing pre-start hook aborts the start cleanly" fail_pre_start
t_case "a failing pre-mount hook aborts the start cleanly" fail_pre_mount
t_case "a failing mount hook aborts the start cleanly" fail_mount
t_case "a failing start hook aborts the start cleanly" fail_start
t_case "a failing stop hook is logged and the container stops" fail_stop
t_case "a hook key is a list; an empty value clears it" hook_list
t_case "clone and destroy hooks" clone_and_destroy
t_case "the clonehostname hook renames the copy" clonehostname
