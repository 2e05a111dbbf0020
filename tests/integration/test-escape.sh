#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Ways out of a running container, tried from inside by a static probe
# (probe/mgr-probe.c): each must be refused, and the host must be as it was
# afterwards.  The probes against one container are registered by
# escape_probes NAME [PEER], so that other kinds of container (a user
# namespace) can go through the same set.  Containers are named esc-*.

. "$(dirname "$0")/lib.sh"
T_BUILDDIR=$(dirname "$(command -v mgr-attach)")
T_PROBE=$T_BUILDDIR/tests/integration/probe/mgr-probe

# The Debian and Ubuntu guests come from the run's cache.
t_use_test_cache

# Unprivileged containers take their ids from the test's own files.
export MGR_SUBUID_FILE=$T_WORK/subuid MGR_SUBGID_FILE=$T_WORK/subgid
echo "root:4000000:1000000" | tee "$MGR_SUBUID_FILE" >"$MGR_SUBGID_FILE"

# esc_ct NAME [CREATE OPTION]...: a running container with the probe as
# /mgr-probe, made by mgr-create with these options (default: from the
# busybox template, nothing else: as a customer gets it).
esc_ct() {
	local name=$1
	shift
	[[ $# -gt 0 ]] || set -- -t busybox
	assert_succeeds t_mgr create -n "$name" "$@"
	# Bound in read-only, whatever the storage (a loop image too), from a
	# place the container's root may walk to.
	mkdir -p "$T_WORK/probe"
	install -m 0755 "$T_PROBE" "$T_WORK/probe/mgr-probe"
	chmod 755 "$T_WORK" "$T_WORK/probe"
	echo "mgr.mount.entry = $T_WORK/probe/mgr-probe mgr-probe none bind,ro,create=file 0 0" \
		>>"$T_PATH/$name/config"
	assert_succeeds t_mgr start -n "$name"
	assert_succeeds t_mgr wait -n "$name" -s RUNNING -t 10
}

# probe NAME ARGS...: the probe as a process of the container (its
# capabilities, seccomp policy, cgroup and namespaces); output in T_OUT,
# exit status in T_RC.  Status 2 (the probe could not run) ends the case.
probe() {
	local name=$1
	shift
	T_RC=0
	T_OUT=$(t_mgr attach -n "$name" -- /mgr-probe "$@" 2>&1) || T_RC=$?
	printf '%s\n' "$T_OUT"
	[[ $T_RC -le 1 ]] || t_fail "the probe could not run (exit $T_RC): $*
$T_OUT"
}

# assert_refused [ERRNO-NAMES]: every attempt of the last probe was
# refused; with ERRNO-NAMES (a regex: "ESRCH|ENOENT"), each with one of
# these errors.
assert_refused() {
	assert_not_contains "$T_OUT" "ALLOWED" "the probe got through"
	assert_eq 0 "$T_RC" "the probe's exit status"
	if [[ -n ${1:-} ]]; then
		local line
		while read -r line; do
			[[ $line == *": refused: "* ]] || continue
			[[ $line =~ :\ refused:\ ($1)$ ]] || t_fail "expected $1: $line"
		done <<<"$T_OUT"
	fi
}

running() {
	assert_eq RUNNING "$(t_mgr info -n "$1" -s -H)" "the state of $1"
}

# --- the probes ------------------------------------------------------------------

escape_module() {
	local before
	before=$(cat /proc/modules 2>/dev/null || true)
	probe "$1" module
	assert_refused EPERM
	assert_eq "$before" "$(cat /proc/modules 2>/dev/null || true)" "the host's modules"
}

escape_kexec() {
	local before
	before=$(cat /sys/kernel/kexec_loaded 2>/dev/null || true)
	probe "$1" kexec
	assert_refused EPERM
	assert_eq "$before" "$(cat /sys/kernel/kexec_loaded 2>/dev/null || true)" "kexec_loaded"
}

escape_handle() {
	probe "$1" handle
	assert_refused
	assert_contains "$T_OUT" "open_by_handle_at: refused: EPERM"
}

# The host's root disk, by its number, made inside, and /dev/mem: not
# opened.
escape_disk() {
	local dev
	dev=$(mountpoint -d /)
	probe "$1" device b "${dev%:*}" "${dev#*:}"
	assert_refused 'EPERM|EACCES'
	probe "$1" device c 1 1
	assert_refused 'EPERM|EACCES'
}

# Is the container's root the host's root (no user namespace)?
host_root_inside() {
	[[ $(awk '$1 == 0 { print $2 }' "/proc/$(t_mgr info -n "$1" -p -H)/uid_map") == 0 ]]
}

# No LSM on the host: nothing confines the mounts of a container whose
# root is the host's root (it keeps CAP_SYS_ADMIN), only a user namespace
# or an LSM policy would.
no_mount_confinement() {
	host_root_inside "$1" &&
		! grep -qs '^Y' /sys/module/apparmor/parameters/enabled &&
		[[ ! -e /sys/fs/selinux/enforce ]]
}

# Nor mounted: the kernel hands out the host's mounted superblock for the
# device's number without asking the device controller.
escape_disk_mount() {
	local dev fstype
	dev=$(mountpoint -d /)
	fstype=$(findmnt -no FSTYPE /)
	probe "$1" device b "${dev%:*}" "${dev#*:}" "$fstype"
	assert_not_contains "$(t_mgr attach -n "$1" -- cat /proc/self/mountinfo)" "mgr-probe-mnt"
	if [[ $T_RC -ne 0 ]] && no_mount_confinement "$1"; then
		t_skip "the host's disk can be mounted from a container of the host's root: no user namespace and no LSM policy confine its mounts"
	fi
	assert_refused
}

# Global sysctls, through /proc/sys and /proc/sysrq-trigger.
escape_proc_sys() {
	local core host
	core=$(cat /proc/sys/kernel/core_pattern)
	host=$(hostname)
	probe "$1" write /proc/sys/kernel/core_pattern "|/mgr-probe-escaped"
	local out=$T_OUT rc=$T_RC
	probe "$1" write /proc/sys/kernel/hostname "mgr-probe-escaped"
	T_OUT+=$'\n'$out
	[[ $rc -eq 0 ]] || T_RC=$rc
	if [[ -e /proc/sysrq-trigger ]]; then
		out=$T_OUT rc=$T_RC
		# Even if it got through: 0 changes nothing but the console loglevel.
		probe "$1" write /proc/sysrq-trigger "0"
		T_OUT+=$'\n'$out
		[[ $rc -eq 0 ]] || T_RC=$rc
	fi
	if [[ $(cat /proc/sys/kernel/core_pattern) != "$core" ]]; then
		printf '%s\n' "$core" >/proc/sys/kernel/core_pattern
		t_fail "the host's core_pattern was changed"
	fi
	assert_eq "$host" "$(hostname)" "the host's hostname"
	assert_refused
}

# Host settings under /sys, written with the value they have (harmless if
# it went through).
escape_sys() {
	local f disk tried=0 value out='' rc=0
	disk=$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" 2>/dev/null || true)
	[[ -n $disk ]] || disk=$(basename "$(findmnt -no SOURCE /)")
	for f in /sys/kernel/uevent_helper /sys/block/"$disk"/queue/read_ahead_kb \
		/sys/kernel/mm/ksm/run /sys/module/printk/parameters/time; do
		[[ -w $f ]] || continue
		value=$(cat "$f")
		probe "$1" write "$f" "${value:-}"$'\n'
		out+=$T_OUT$'\n'
		[[ $T_RC -eq 0 ]] || rc=$T_RC
		assert_eq "$value" "$(cat "$f")" "$f on the host"
		tried=$((tried + 1))
	done
	[[ $tried -gt 0 ]] || t_fail "no writable host setting under /sys to try"
	T_OUT=$out T_RC=$rc
	assert_refused
}

# A process of another container: not seen, signalled, traced or opened.
escape_peer() {
	local name=$1 peer=$2 pid
	pid=$(t_mgr info -n "$peer" -p -H)
	t_mgr attach -n "$peer" -- sleep 3737 &
	for _ in $(seq 50); do
		[[ $(t_mgr attach -n "$peer" -- ps -o args) == *"sleep 3737"* ]] && break
		sleep 0.1
	done
	probe "$name" process "$pid"
	assert_refused 'ESRCH|ENOENT'
	assert_not_contains "$(t_mgr attach -n "$name" -- ps -o args)" "sleep 3737" \
		"$peer's processes seen from $name"
	running "$peer"
	assert_eq "$pid" "$(t_mgr info -n "$peer" -p -H)" "$peer's init"
	pkill -f 'sleep 3737' || true
	wait
}

# A host process: not signalled, traced or opened; nor by kill(-1), which
# reaches only the container's own processes.
escape_host_process() {
	local name=$1 host_pid init
	init=$(t_mgr info -n "$name" -p -H)
	setsid sleep 600 </dev/null >/dev/null 2>&1 &
	host_pid=$!
	probe "$name" process "$host_pid"
	local out=$T_OUT rc=$T_RC
	probe "$name" kill-all
	T_OUT=$out T_RC=$rc
	kill -0 "$host_pid" 2>/dev/null || t_fail "the host's process $host_pid was killed"
	kill "$host_pid"
	assert_refused 'ESRCH|ENOENT'
	running "$name"
	assert_eq "$init" "$(t_mgr info -n "$name" -p -H)" "$name's init after kill -1"
}

# mgr-attach runs from a sealed copy of itself: the process that enters
# the container has no writable host binary behind /proc/PID/exe, neither
# while it runs nor through a reference kept after it exited.
escape_exe() {
	local name=$1 attach pid i bins=() sums
	attach=$(command -v mgr-attach)
	bins=("$attach")
	for i in "$T_BUILDDIR"/.libs/mgr-attach "$T_BUILDDIR"/.libs/lt-mgr-attach; do
		[[ -f $i ]] && bins+=("$i")
	done
	sums=$(sha256sum "${bins[@]}")
	"$attach" -P "$T_PATH" -n "$name" -- sleep 2 &
	pid=$!
	for _ in $(seq 50); do
		[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == /memfd:* ]] && break
		sleep 0.1
	done
	T_RC=0
	T_OUT=$("$T_PROBE" exe "$pid" 2>&1) || T_RC=$?
	printf '%s\n' "$T_OUT"
	wait "$pid" || t_fail "mgr-attach from its sealed copy failed"
	assert_contains "$T_OUT" "exe: /memfd:"
	assert_contains "$T_OUT" "exe: sealed"
	assert_refused
	assert_eq "$sums" "$(sha256sum "${bins[@]}")" "the host's mgr-attach"
}

# The read-only /proc/sys and /sys stay read-only only as long as nothing
# lets the container remount them: a user namespace or an LSM policy.
escape_remount() {
	if ! host_root_inside "$1"; then
		# The root of a user namespace may remount what it mounted itself
		# (its own read-only flag is not locked), but global settings
		# stay the host root's: writing them fails all the same.
		local core
		core=$(cat /proc/sys/kernel/core_pattern)
		t_mgr attach -n "$1" -- mount -o remount,bind,rw /proc/sys >/dev/null 2>&1 || true
		probe "$1" write /proc/sys/kernel/core_pattern "|/mgr-probe-escaped"
		t_mgr attach -n "$1" -- mount -o remount,bind,ro /proc/sys >/dev/null 2>&1 || true
		assert_refused
		assert_eq "$core" "$(cat /proc/sys/kernel/core_pattern)" "the host's core_pattern"
		return
	fi
	probe "$1" remount /proc/sys
	local out=$T_OUT rc=$T_RC
	probe "$1" remount /sys
	T_OUT+=$'\n'$out
	[[ $rc -eq 0 ]] || T_RC=$rc
	if [[ $T_RC -ne 0 ]] && no_mount_confinement "$1"; then
		t_skip "a container of the host's root may remount /proc/sys and /sys read-write: no user namespace and no LSM policy confine its mounts"
	fi
	assert_refused
}

# escape_probes NAME [PEER]: the cases for the running container NAME,
# which has the probe as /mgr-probe (esc_ct); with PEER, another running
# container whose processes NAME must not reach.
escape_probes() {
	local name=$1 peer=${2:-}
	t_case "$name: no kernel module is loaded or removed" escape_module "$name"
	t_case "$name: no kexec" escape_kexec "$name"
	t_case "$name: no open_by_handle_at" escape_handle "$name"
	t_case "$name: the host's disk is not opened" escape_disk "$name"
	t_case "$name: the host's disk is not mounted" escape_disk_mount "$name"
	t_case "$name: no global sysctl through /proc" escape_proc_sys "$name"
	t_case "$name: no host setting under /sys" escape_sys "$name"
	t_case "$name: /proc/sys and /sys give no host setting, remounted or not" escape_remount "$name"
	[[ -z $peer ]] ||
		t_case "$name: the processes of $peer are out of reach" escape_peer "$name" "$peer"
	t_case "$name: host processes are out of reach, even of kill -1" \
		escape_host_process "$name"
	t_case "$name: mgr-attach leaves no writable host binary inside" escape_exe "$name"
}

# --- the cases --------------------------------------------------------------------

# assert_user_namespace NAME: NAME's root is not the host's.
assert_user_namespace() {
	local pid
	pid=$(t_mgr info -n "$1" -p -H)
	[[ $(awk '$1 == 0 { print $2 }' "/proc/$pid/uid_map") -ge 4000000 ]] ||
		t_fail "$1 has no user namespace: $(cat "/proc/$pid/uid_map")"
}

# Containers made the default way: busybox, and a second one beside it.
default_containers() {
	[[ -x $T_PROBE ]] || t_fail "no probe at $T_PROBE (make builds it)"
	esc_ct esc-default
	esc_ct esc-peer
	assert_user_namespace esc-default
	assert_user_namespace esc-peer
}

# The same on a loop device, which the host side mounts for it.
loop_container() {
	esc_ct esc-loop -t busybox -B loop --fssize 64M
	assert_user_namespace esc-loop
}

stop_loop_container() {
	assert_succeeds t_mgr stop -n esc-loop -k
	assert_no_leftovers esc-loop
}

# A Debian guest made the default way (from the cache test-debian filled,
# or downloaded now).
debian_container() {
	esc_ct esc-deb -t debian -- -r bookworm
	assert_user_namespace esc-deb
}

# A guest of the ubuntu template made the default way: from the Ubuntu
# archive where MGR_TEST_UBUNTU_MIRROR names one, else (as test-templates
# does) the template's own code over Debian bookworm.
ubuntu_container() {
	if [[ -n ${MGR_TEST_UBUNTU_MIRROR:-} ]]; then
		esc_ct esc-ubu -t ubuntu -- --mirror "$MGR_TEST_UBUNTU_MIRROR"
	else
		esc_ct esc-ubu -t ubuntu -- --release bookworm --mirror http://deb.debian.org/debian
	fi
	assert_user_namespace esc-ubu
	# The template's default user has no password to log in with.
	assert_eq '!' "$(t_mgr attach -n esc-ubu -- awk -F: '$1 == "ubuntu" { print substr($2, 1, 1) }' /etc/shadow)"
}

# A privileged container (on request): the documented exceptions skip.
privileged_container() {
	esc_ct esc-priv -t busybox --privileged
}

# The control socket answers root and the container's owner only, also to
# a process of another uid that may bypass file permissions.
control_socket_peers() {
	local pid nobody
	pid=$(t_mgr info -n esc-default -p -H)
	nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups
		--inh-caps +dac_override,+dac_read_search
		--ambient-caps +dac_override,+dac_read_search)
	"${nobody[@]}" cat "$T_PATH/esc-default/config" >/dev/null 2>&1 ||
		t_skip "setpriv cannot give uid 65534 CAP_DAC_OVERRIDE here"
	T_OUT=$("${nobody[@]}" mgr-info -P "$T_PATH" -n esc-default -p -H 2>&1) || true
	assert_not_contains "$T_OUT" "$pid" "uid 65534 got init's pid"
	"${nobody[@]}" mgr-stop -P "$T_PATH" -n esc-default -k >/dev/null 2>&1 || true
	running esc-default
	assert_eq "$pid" "$(t_mgr info -n esc-default -p -H)" "root's answer"
}

# mount.entry targets in the rootfs that are symlinks to host paths (to a
# scratch directory, to / and to /etc, absolute and relative) are
# resolved beneath the rootfs: the mounts land inside, the host is as it
# was.
symlinked_mount_target() {
	local name=esc-link rootfs inside
	mkdir -p "$T_WORK/host-dir" "$T_WORK/host-dir2"
	echo host >"$T_WORK/host-dir/marker"
	assert_succeeds t_mgr create -n "$name" -t busybox
	rootfs=$T_PATH/$name/rootfs
	# Where the links lead within the rootfs, so that the container starts.
	mkdir -p "$rootfs$T_WORK/host-dir"
	ln -s "$T_WORK/host-dir" "$rootfs/abs-link"
	ln -s "$(printf '../%.0s' {1..16})${T_WORK#/}/host-dir" "$rootfs/rel-link"
	ln -s / "$rootfs/root-link"
	ln -s /etc "$rootfs/etc-link"
	cat >>"$T_PATH/$name/config" <<-EOF
	mgr.mount.entry = tmpfs abs-link tmpfs size=1m,create=dir 0 0
	mgr.mount.entry = tmpfs rel-link tmpfs size=1m,create=dir 0 0
	mgr.mount.entry = tmpfs root-link$T_WORK/host-dir2 tmpfs size=1m,create=dir 0 0
	mgr.mount.entry = tmpfs etc-link/mgr-esc-probe tmpfs size=1m,create=dir 0 0
	EOF
	t_mgr start -n "$name" || true
	if findmnt -rn -o TARGET | t_grep -e "^$T_WORK/host-dir" -e "^/etc/mgr-esc-probe"; then
		t_fail "a mount.entry landed on the host: $(findmnt -rn -o TARGET |
			grep -e "^$T_WORK/host-dir" -e "^/etc/mgr-esc-probe")"
	fi
	if [[ -e /etc/mgr-esc-probe ]]; then
		rmdir /etc/mgr-esc-probe
		t_fail "a mount.entry created /etc/mgr-esc-probe on the host"
	fi
	[[ ! -e $T_WORK/host-dir2/* ]] || t_fail "something was made in the host's $T_WORK/host-dir2"
	assert_eq host "$(cat "$T_WORK/host-dir/marker")" "the host's file"
	assert_eq RUNNING "$(t_mgr info -n "$name" -s -H)" "the state of $name"
	# Inside, each tmpfs is where its link leads within the rootfs.
	inside=$(t_mgr attach -n "$name" -- cat /proc/self/mountinfo)
	assert_contains "$inside" " $T_WORK/host-dir "
	assert_contains "$inside" " $T_WORK/host-dir2 "
	assert_contains "$inside" " /etc/mgr-esc-probe "
	assert_succeeds t_mgr stop -n "$name" -k
	assert_no_leftovers "$name"
}

stop_all() {
	local name
	for name in esc-default esc-peer esc-loop esc-deb esc-ubu esc-priv; do
		[[ $(t_mgr info -n "$name" -s -H 2>/dev/null) != RUNNING ]] ||
			assert_succeeds t_mgr stop -n "$name" -k
	done
	assert_no_leftovers
}

# Every probe is refused by containers made the default way, from each
# shipped template and on a block device; a privileged one (on request)
# is refused all but the documented exceptions.
t_case "busybox containers made the default way, with the probe" default_containers
escape_probes esc-default esc-peer
t_case "a default busybox container on a loop device, with the probe" loop_container
escape_probes esc-loop esc-peer
t_case "esc-loop stops and its loop device goes" stop_loop_container
t_case "a Debian guest made the default way, with the probe" debian_container
escape_probes esc-deb esc-peer
t_case "a guest of the ubuntu template made the default way, with the probe" ubuntu_container
[[ ! -d $T_PATH/esc-ubu ]] || escape_probes esc-ubu esc-peer
t_case "a privileged busybox container (on request), with the probe" privileged_container
escape_probes esc-priv esc-peer
t_case "the control socket refuses other users" control_socket_peers
t_case "a symlinked mount.entry target does not reach the host" symlinked_mount_target
t_case "the containers stop and leave nothing" stop_all
t_exit
