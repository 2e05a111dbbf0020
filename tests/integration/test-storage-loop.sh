#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The loop backend: a container whose rootfs is a filesystem in a sparse
# image file, mounted through a loop device that only its mount namespace
# sees and that goes when the container stops; copies of it, what it
# refuses, and what destroy and a failed create leave.

. "$(dirname "$0")/lib.sh"

# The loop devices bound to the image file $1.
image_loops() {
	losetup --noheadings --output NAME --associated "$1" 2>/dev/null || true
}

make_loop_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -B loop --fssize 200M -f "$T_LO_CONF" "${@:2}"
}

# The source of the mount on / in the running container $1.
root_source() {
	in_ct "$1" cat /proc/self/mounts | awk '$2 == "/" { src = $1 } END { print src }'
}

create_start_stop() {
	make_loop_ct lpstart
	local img=$T_PATH/lpstart/rootdev dev
	[[ -f $img ]] || t_fail "no image $img"
	assert_eq "$((200 * 1024 * 1024))" "$(stat -c %s "$img")" "the image's size"
	# Sparse: the empty filesystem and busybox take a few MiB of 200.
	[[ $(du -k "$img" | cut -f1) -lt $((50 * 1024)) ]] ||
		t_fail "the image is not sparse: $(du -k "$img")"
	assert_contains "$(cat "$T_PATH/lpstart/config")" "mgr.rootfs.path = loop:$img"
	assert_eq "" "$(image_loops "$img")" "loop devices after create"

	assert_succeeds t_mgr start -n lpstart
	dev=$(image_loops "$img")
	[[ $dev == /dev/loop* && $dev != *$'\n'* ]] || t_fail "loop devices of the image: \"$dev\""
	assert_eq "$dev" "$(root_source lpstart)" "the container's root"
	# The mount is the container's only: the host sees none.
	assert_eq "" "$(findmnt -rn -S "$dev" -o TARGET || true)" "host mounts of $dev"
	in_ct lpstart sh -c 'echo kept >/written'
	assert_succeeds t_mgr stop -n lpstart
	assert_eq "" "$(image_loops "$img")" "loop devices after stop"

	assert_succeeds t_mgr start -n lpstart
	assert_eq "kept" "$(in_ct lpstart cat /written)" "a write of the last run"
	assert_succeeds t_mgr stop -n lpstart -k
	assert_eq "" "$(image_loops "$img")" "loop devices after stop -k"
	# What the container wrote is in the image's filesystem.
	assert_succeeds e2fsck -fn "$img"
	assert_contains "$(debugfs -R 'cat /written' "$img" 2>/dev/null)" "kept"
	assert_no_leftovers
}

copies() {
	make_loop_ct lporig
	assert_succeeds t_mgr start -n lporig
	in_ct lporig sh -c 'echo original >/file'
	assert_succeeds t_mgr stop -n lporig

	# A copy is another image of the same size, with the files.
	assert_succeeds t_mgr copy -n lporig -N lpcopy
	local img=$T_PATH/lpcopy/rootdev
	assert_contains "$(cat "$T_PATH/lpcopy/config")" "mgr.rootfs.path = loop:$img"
	assert_eq "$((200 * 1024 * 1024))" "$(stat -c %s "$img")" "the copy's size"
	assert_succeeds t_mgr start -n lpcopy
	assert_eq "original" "$(in_ct lpcopy cat /file)"
	assert_eq "lpcopy" "$(in_ct lpcopy hostname)"
	in_ct lpcopy sh -c 'echo changed >/file'
	assert_succeeds t_mgr stop -n lpcopy -k
	assert_contains "$(debugfs -R 'cat /file' "$T_PATH/lporig/rootdev" 2>/dev/null)" "original"

	# To a directory.
	assert_succeeds t_mgr copy -n lporig -N lpdir -B dir
	assert_contains "$(cat "$T_PATH/lpdir/config")" "mgr.rootfs.path = dir:$T_PATH/lpdir/rootfs"
	assert_eq "original" "$(cat "$T_PATH/lpdir/rootfs/file")"
	assert_eq "lpdir" "$(cat "$T_PATH/lpdir/rootfs/etc/hostname")"
	[[ -x $T_PATH/lpdir/rootfs/bin/busybox ]] || t_fail "the dir copy has no busybox"

	# And from a directory to an image of a given size.
	assert_succeeds t_mgr copy -n lpdir -N lpback -B loop -L 150M
	assert_eq "$((150 * 1024 * 1024))" "$(stat -c %s "$T_PATH/lpback/rootdev")" "-L"
	assert_contains "$(debugfs -R 'cat /file' "$T_PATH/lpback/rootdev" 2>/dev/null)" "original"

	# An image has no snapshots.
	assert_fails -e "is in a loop image, which has no snapshots" t_mgr copy -n lporig -N lpsnap -s
	assert_fails -e "cannot be a snapshot" t_mgr copy -n lporig -N lpsnap -s -B loop
	[[ ! -e $T_PATH/lpsnap ]] || t_fail "a refused snapshot left $T_PATH/lpsnap"
	assert_no_leftovers
}

# A copy of a running container goes through the loop device its rootfs
# is mounted from: the filesystem is never mounted twice.
copy_running() {
	make_loop_ct lplive
	assert_succeeds t_mgr start -n lplive
	# Enough to copy for a while.
	in_ct lplive sh -c 'echo live >/file; dd if=/dev/urandom of=/big bs=1M count=100 2>/dev/null'
	echo lpfrozen >>"$T_WORK/names"
	mgr-copy -P "$T_PATH" -n lplive -N lpfrozen -a >"$T_WORK/copy.log" 2>&1 &
	local pid=$! most=0 n rc=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$(image_loops "$T_PATH/lplive/rootdev" | wc -l)
		((n > most)) && most=$n
		sleep 0.02
	done
	wait "$pid" || rc=$?
	assert_eq 0 "$rc" "mgr-copy -a: $(cat "$T_WORK/copy.log")"
	assert_eq 1 "$most" "loop devices of the source's image during the copy"
	assert_eq RUNNING "$(t_mgr info -n lplive -s -H)"
	assert_succeeds t_mgr stop -n lplive
	assert_succeeds e2fsck -fn "$T_PATH/lplive/rootdev"
	assert_contains "$(debugfs -R 'cat /file' "$T_PATH/lpfrozen/rootdev" 2>/dev/null)" "live"
	assert_no_leftovers
}

# Another filesystem than ext4 is found at mount time.
other_fstype() {
	command -v mkfs.btrfs >/dev/null || t_skip "mkfs.btrfs (btrfs-progs) is not installed"
	grep -qw btrfs /proc/filesystems || t_skip "the kernel has no btrfs"
	make_loop_ct lpbtrfs --fstype btrfs
	assert_eq "btrfs" "$(blkid -o value -s TYPE "$T_PATH/lpbtrfs/rootdev")"
	assert_succeeds t_mgr start -n lpbtrfs
	assert_eq "btrfs" "$(in_ct lpbtrfs cat /proc/self/mounts | awk '$2 == "/" { t = $3 } END { print t }')"
	assert_succeeds t_mgr stop -n lpbtrfs -k
	assert_no_leftovers
}

bad_options() {
	assert_fails -e "Failed to create the rootfs \"loop:$T_PATH/lpbad/rootdev\": Package not installed" \
		t_mgr create -n lpbad -t busybox -B loop --fssize 100M --fstype nosuchfs -f "$T_LO_CONF"
	[[ ! -e $T_PATH/lpbad ]] || t_fail "a failed create left $T_PATH/lpbad: $(ls -la "$T_PATH/lpbad")"
	assert_fails -e "Failed to create the rootfs \"loop:$T_PATH/lpbad/rootdev\": Invalid argument" \
		t_mgr create -n lpbad -t busybox -B loop --fstype ../ext4 -f "$T_LO_CONF"
	[[ ! -e $T_PATH/lpbad ]] || t_fail "a failed create left $T_PATH/lpbad"
	# An image too small for the template fails it, and goes.
	assert_fails -e "No space left on device" \
		t_mgr create -n lpbad -t busybox -B loop --fssize 1M -f "$T_LO_CONF"
	[[ ! -e $T_PATH/lpbad ]] || t_fail "a failed create left $T_PATH/lpbad"
	assert_no_leftovers
}

destroy() {
	make_loop_ct lpgone
	assert_succeeds t_mgr start -n lpgone
	assert_fails -e "stop it first" t_mgr destroy -n lpgone
	assert_succeeds t_mgr destroy -n lpgone -f
	[[ ! -e $T_PATH/lpgone ]] || t_fail "destroy left $T_PATH/lpgone: $(ls -la "$T_PATH/lpgone")"
	assert_no_leftovers
}

t_case "a loop container starts from its image, keeps its writes, leaves no loop device" \
	create_start_stop
t_case "copies of a loop container: loop, dir, back; no snapshots" copies
t_case "a running loop container is copied through its own loop device" copy_running
t_case "the filesystem type of an image is probed" other_fstype
t_case "a failed loop create leaves nothing" bad_options
t_case "destroy removes the image" destroy
