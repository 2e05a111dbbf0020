#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The btrfs storage backend: containers whose rootfs is a subvolume of a
# btrfs filesystem made on a loop device, full copies and btrfs snapshots
# with mgr-copy, nested subvolumes at destroy, and a non-btrfs path.
#
# The btrfs containers live in their own container path, $B_PATH, a
# directory of the mounted filesystem; b_mgr runs a tool there.

. "$(dirname "$0")/lib.sh"

B_MNT=$T_WORK/btrfs
B_PATH=$B_MNT/containers
B_SKIP='' B_BROKEN=''

b_prepare() {
	local dev
	if ! command -v mkfs.btrfs >/dev/null; then
		B_SKIP="mkfs.btrfs (btrfs-progs) is not installed"
		return 0
	fi
	modprobe btrfs 2>/dev/null
	if ! grep -qw btrfs /proc/filesystems; then
		B_SKIP="the kernel has no btrfs"
		return 0
	fi
	if ! dev=$(t_loop_device 300M) || ! mkfs.btrfs -q "$dev" >"$T_WORK/mkfs.log" 2>&1 ||
		! mkdir "$B_MNT" || ! mount -t btrfs "$dev" "$B_MNT" || ! mkdir -m 755 "$B_PATH"; then
		B_BROKEN="could not make a btrfs filesystem on a loop device: $(cat "$T_WORK/mkfs.log")"
	fi
}

# Destroy what is left in $B_PATH and unmount the filesystem, before
# lib.sh's cleanup releases the loop device.
b_release() {
	local d
	if mountpoint -q "$B_MNT"; then
		for d in "$B_PATH"/*/; do
			[[ -f $d/config ]] || continue
			timeout 20 mgr-stop -P "$B_PATH" -n "$(basename "$d")" -k >/dev/null 2>&1
			timeout 20 mgr-destroy -P "$B_PATH" -n "$(basename "$d")" -f >/dev/null 2>&1
		done
		umount "$B_MNT" 2>/dev/null || umount -l "$B_MNT"
	fi
	t_exit
}
trap 'b_release' EXIT

# In each case, first: skip or fail when there is no btrfs to test on.
b_require() {
	[[ -z $B_BROKEN ]] || t_fail "$B_BROKEN"
	[[ -z $B_SKIP ]] || t_skip "$B_SKIP"
}

b_mgr() {
	T_PATH=$B_PATH t_mgr "$@"
}

b_in_ct() {
	T_PATH=$B_PATH in_ct "$@"
}

b_no_leftovers() {
	T_PATH=$B_PATH assert_no_leftovers "$@"
}

# b_create NAME: a busybox container on btrfs, with only a loopback.
b_create() {
	T_RC=0
	T_OUT=$(b_mgr create -n "$1" -B btrfs -t busybox -f "$T_LO_CONF" 2>&1) || T_RC=$?
	if [[ $T_RC -ne 0 && $T_OUT == *"not available in this build"* ]]; then
		t_skip "mgr was built without libbtrfsutil"
	fi
	[[ $T_RC -eq 0 ]] || t_fail "mgr-create -B btrfs $1 failed (exit $T_RC):
$T_OUT"
}

# The "Name: value" line NAME of btrfs subvolume show PATH.
subvol_field() {
	btrfs subvolume show "$2" | sed -n "s/^[[:space:]]*$1:[[:space:]]*//p"
}

assert_subvolume() {
	btrfs subvolume show "$1" >/dev/null 2>&1 || t_fail "$1 is not a btrfs subvolume:
$(btrfs subvolume show "$1" 2>&1)"
}

# The subvolumes of the filesystem whose paths contain TEXT.
subvols_matching() {
	btrfs subvolume list "$B_MNT" | grep -F -- "$1" || true
}

create_start_attach() {
	b_require
	b_create bt-c1
	local r=$B_PATH/bt-c1/rootfs
	assert_subvolume "$r"
	assert_eq "-" "$(subvol_field 'Parent UUID' "$r")" "a new subvolume's parent UUID"
	assert_contains "$(cat "$B_PATH/bt-c1/config")" "mgr.rootfs.path = btrfs:$r"
	assert_eq "755" "$(stat -c %a "$r")" "the mode of the rootfs"
	[[ -x $r/bin/busybox ]] || t_fail "the template did not fill $r"
	assert_succeeds b_mgr start -n bt-c1
	assert_eq RUNNING "$(b_mgr info -n bt-c1 -s -H)"
	assert_eq "bt-c1" "$(b_in_ct bt-c1 hostname)"
	assert_eq "bt-c1" "$(b_mgr attach -n bt-c1 -- cat /etc/hostname)" "mgr-attach"
	b_mgr attach -n bt-c1 -- sh -c 'echo from-inside >/written'
	assert_eq "from-inside" "$(cat "$r/written")" "a write inside, seen in the subvolume"
	assert_succeeds b_mgr stop -n bt-c1 -k
	b_no_leftovers bt-c1
	assert_succeeds b_mgr destroy -n bt-c1
	[[ ! -e $B_PATH/bt-c1 ]] || t_fail "destroy left $(ls -a "$B_PATH/bt-c1")"
	assert_eq "" "$(subvols_matching containers/bt-c1/)" "subvolumes left by destroy"
	b_no_leftovers bt-c1
}

full_copy() {
	b_require
	command -v setfattr >/dev/null || t_skip "setfattr (attr) is not installed"
	b_create bt-src
	local r=$B_PATH/bt-src/rootfs
	ln "$r/bin/busybox" "$r/bin/hardlinked"
	echo data >"$r/xattr-file"
	setfattr -n user.x -v hello "$r/xattr-file"
	assert_succeeds b_mgr copy -n bt-src -N bt-dst
	local d=$B_PATH/bt-dst/rootfs
	assert_subvolume "$d"
	assert_eq "-" "$(subvol_field 'Parent UUID' "$d")" "a full copy is not a snapshot"
	assert_contains "$(cat "$B_PATH/bt-dst/config")" "mgr.rootfs.path = btrfs:$d"
	assert_eq "2" "$(stat -c %h "$d/bin/hardlinked")" "hard links of the copy"
	assert_eq "hello" "$(getfattr -n user.x --only-values "$d/xattr-file")" "the copy's xattr"
	assert_eq "bt-dst" "$(cat "$d/etc/hostname")"
	assert_eq "bt-src" "$(cat "$r/etc/hostname")" "the source's hostname"
	diff -r --no-dereference -x hostname -x hosts "$r" "$d" >/dev/null ||
		t_fail "the copy differs: $(diff -rq --no-dereference "$r" "$d")"
	assert_succeeds b_mgr start -n bt-dst
	assert_eq "bt-dst" "$(b_in_ct bt-dst hostname)"
	assert_succeeds b_mgr stop -n bt-dst -k
	# A rename moves the subvolume with its directory.
	assert_succeeds b_mgr copy -n bt-dst -N bt-moved -R
	assert_subvolume "$B_PATH/bt-moved/rootfs"
	assert_contains "$(cat "$B_PATH/bt-moved/config")" "mgr.rootfs.path = btrfs:$B_PATH/bt-moved/rootfs"
	assert_eq "bt-moved" "$(cat "$B_PATH/bt-moved/rootfs/etc/hostname")"

	# From a dir container: a full copy into a new subvolume; a btrfs
	# snapshot of a directory is refused and leaves nothing.
	assert_succeeds t_mgr create -n bt-plaindir -t busybox -f "$T_LO_CONF"
	assert_succeeds t_mgr copy -n bt-plaindir -N bt-fromdir -p "$B_PATH" -B btrfs
	assert_subvolume "$B_PATH/bt-fromdir/rootfs"
	assert_eq "bt-fromdir" "$(cat "$B_PATH/bt-fromdir/rootfs/etc/hostname")"
	assert_fails -e "A btrfs snapshot of \"bt-plaindir\" (dir:$T_PATH/bt-plaindir/rootfs) is not possible" \
		t_mgr copy -n bt-plaindir -N bt-snapdir -p "$B_PATH" -s -B btrfs
	[[ ! -e $B_PATH/bt-snapdir ]] || t_fail "a refused snapshot left $B_PATH/bt-snapdir"
	b_no_leftovers
	assert_no_leftovers
}

snapshot() {
	b_require
	b_create bt-base
	local r=$B_PATH/bt-base/rootfs s=$B_PATH/bt-snap/rootfs
	echo original >"$r/file"
	assert_succeeds b_mgr copy -n bt-base -N bt-snap -s
	assert_subvolume "$s"
	assert_contains "$(cat "$B_PATH/bt-snap/config")" "mgr.rootfs.path = btrfs:$s"
	assert_eq "$(subvol_field UUID "$r")" "$(subvol_field 'Parent UUID' "$s")" \
		"the snapshot's parent UUID"
	assert_eq "ro=false" "$(btrfs property get -ts "$s" ro)" "the snapshot's read-only flag"
	assert_eq "bt-snap" "$(cat "$s/etc/hostname")"
	assert_eq "bt-base" "$(cat "$r/etc/hostname")" "the source's hostname"

	assert_succeeds b_mgr start -n bt-snap
	assert_eq "bt-snap" "$(b_in_ct bt-snap hostname)"
	b_in_ct bt-snap sh -c 'echo changed >/file; echo new >/newfile; rm /bin/ls'
	assert_succeeds b_mgr stop -n bt-snap -k
	assert_eq "original" "$(cat "$r/file")" "the source's file"
	[[ ! -e $r/newfile && -e $r/bin/ls ]] || t_fail "the snapshot's writes reached the source"

	# Independent: the source goes first, the snapshot still starts.
	[[ ! -e $B_PATH/bt-base/snapshots ]] || t_fail "a btrfs snapshot was recorded as dependent"
	assert_succeeds b_mgr destroy -n bt-base
	[[ ! -e $B_PATH/bt-base ]] || t_fail "destroy left $B_PATH/bt-base"
	assert_eq "" "$(subvols_matching containers/bt-base/)" "the source's subvolume"
	assert_succeeds b_mgr start -n bt-snap
	assert_eq "changed" "$(b_in_ct bt-snap cat /file)"
	assert_succeeds b_mgr stop -n bt-snap -k
	b_no_leftovers bt-base bt-snap

	# A snapshot into a path that is not on btrfs cannot be made.
	assert_fails -e "Failed to snapshot \"btrfs:$s\" to \"btrfs:$T_PATH/bt-elsewhere/rootfs\": not on a btrfs filesystem" \
		b_mgr copy -n bt-snap -N bt-elsewhere -p "$T_PATH" -s
	[[ ! -e $T_PATH/bt-elsewhere ]] || t_fail "a failed snapshot left $T_PATH/bt-elsewhere"
	b_no_leftovers
}

nested_destroy() {
	b_require
	b_create bt-nest
	local r=$B_PATH/bt-nest/rootfs
	mkdir -p "$r/var/lib"
	btrfs subvolume create "$r/var/lib/machines" >/dev/null
	btrfs subvolume create "$r/var/lib/machines/inner" >/dev/null
	echo deep >"$r/var/lib/machines/inner/file"
	assert_eq "2" "$(subvols_matching containers/bt-nest/rootfs/var/lib/machines | wc -l)" \
		"nested subvolumes made"
	# A snapshot has an empty directory where a nested subvolume was.
	assert_succeeds b_mgr copy -n bt-nest -N bt-nestsnap -s
	[[ -d $B_PATH/bt-nestsnap/rootfs/var/lib/machines ]] ||
		t_fail "no var/lib/machines in the snapshot"
	assert_eq "" "$(ls -A "$B_PATH/bt-nestsnap/rootfs/var/lib/machines")" \
		"the snapshot's var/lib/machines"
	assert_succeeds b_mgr start -n bt-nestsnap
	assert_succeeds b_mgr stop -n bt-nestsnap -k
	assert_succeeds b_mgr destroy -n bt-nest
	[[ ! -e $B_PATH/bt-nest ]] || t_fail "destroy left $B_PATH/bt-nest"
	assert_eq "" "$(subvols_matching containers/bt-nest/)" "subvolumes left by destroy"
	assert_succeeds b_mgr destroy -n bt-nestsnap
	[[ ! -e $B_PATH/bt-nestsnap ]] || t_fail "destroy left $B_PATH/bt-nestsnap"
	assert_eq "" "$(subvols_matching containers/bt-nestsnap/)" "subvolumes left by destroy"
	b_no_leftovers bt-nest bt-nestsnap
}

not_a_subvolume() {
	b_require
	b_create bt-gone
	local r=$B_PATH/bt-gone/rootfs
	btrfs subvolume delete "$r" >/dev/null
	assert_fails -e "The rootfs \"btrfs:$r\" is missing" b_mgr start -n bt-gone
	mkdir "$r"
	assert_fails -e "The rootfs \"btrfs:$r\" is not usable" b_mgr start -n bt-gone
	assert_fails -e "A btrfs snapshot of \"bt-gone\" (btrfs:$r) is not possible" \
		b_mgr copy -n bt-gone -N bt-gonesnap -s
	[[ ! -e $B_PATH/bt-gonesnap ]] || t_fail "a refused snapshot left $B_PATH/bt-gonesnap"
	assert_succeeds b_mgr destroy -n bt-gone
	[[ ! -e $B_PATH/bt-gone ]] || t_fail "destroy left $B_PATH/bt-gone"
	b_no_leftovers bt-gone bt-gonesnap
}

not_on_btrfs() {
	b_require
	[[ $(stat -f -c %T "$T_PATH") != btrfs ]] || t_skip "$T_PATH is itself on btrfs"
	T_RC=0
	T_OUT=$(t_mgr create -n bt-plain -B btrfs -t busybox -f "$T_LO_CONF" 2>&1) || T_RC=$?
	if [[ $T_OUT == *"not available in this build"* ]]; then
		t_skip "mgr was built without libbtrfsutil"
	fi
	[[ $T_RC -ne 0 ]] || t_fail "mgr-create -B btrfs succeeded on $T_PATH"
	# Not on btrfs: said so.
	assert_contains "$T_OUT" "mgr-create: bt-plain: Failed to create the rootfs \"btrfs:$T_PATH/bt-plain/rootfs\": not on a btrfs filesystem"
	[[ ! -e $T_PATH/bt-plain ]] || t_fail "a failed create left $T_PATH/bt-plain"
	# A full copy from a dir container onto that path: the same.
	assert_succeeds t_mgr create -n bt-plain2 -t busybox -f "$T_LO_CONF"
	assert_fails -e "Failed to copy \"dir:$T_PATH/bt-plain2/rootfs\" to \"btrfs:$T_PATH/bt-plaincopy/rootfs\": not on a btrfs filesystem" \
		t_mgr copy -n bt-plain2 -N bt-plaincopy -B btrfs
	[[ ! -e $T_PATH/bt-plaincopy ]] || t_fail "a failed copy left $T_PATH/bt-plaincopy"
	assert_no_leftovers
}

all_gone() {
	b_require
	local d
	for d in "$B_PATH"/*/; do
		[[ -d $d ]] || continue
		assert_succeeds b_mgr destroy -n "$(basename "$d")" -f
	done
	assert_eq "" "$(ls -A "$B_PATH")" "left in $B_PATH"
	assert_eq "" "$(btrfs subvolume list "$B_MNT")" "subvolumes left"
	b_no_leftovers
	umount "$B_MNT"
	assert_no_leftovers
}

b_prepare
t_case "a container on a btrfs subvolume starts, is attached to and destroyed" create_start_attach
t_case "a full copy of a btrfs container is a subvolume with the files" full_copy
t_case "a btrfs snapshot is writable and independent of its source" snapshot
t_case "destroy removes nested subvolumes" nested_destroy
t_case "a btrfs rootfs that is not a subvolume does not start and is destroyed" not_a_subvolume
t_case "btrfs storage on a path that is not btrfs fails and leaves nothing" not_on_btrfs
t_case "nothing is left on the btrfs filesystem" all_gone
