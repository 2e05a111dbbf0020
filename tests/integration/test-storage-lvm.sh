#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The lvm backend, on a volume group of its own over a loop device: plain
# and thin volumes, their snapshots (a plain one depends on its origin, a
# thin one does not), full copies, and what destroy and a failed create
# leave.  Needs the LVM tools and device-mapper in the kernel.

. "$(dirname "$0")/lib.sh"

VG=mgrtest$$
POOL=pool

# The test's own LVM commands, without udev where none runs (mgr finds
# that out by itself).
t_lvm() {
	if [[ -e /run/udev/control ]]; then
		LVM_SUPPRESS_FD_WARNINGS=1 "$@"
	else
		LVM_SUPPRESS_FD_WARNINGS=1 DM_DISABLE_UDEV=1 "$@"
	fi
}

# Why LVM cannot be tested here, or nothing.
lvm_unusable() {
	local t
	for t in pvcreate vgcreate lvcreate lvs thin_check mkfs.ext4; do
		command -v "$t" >/dev/null || { echo "$t is not installed"; return; }
	done
	grep -qw device-mapper /proc/misc || { echo "the kernel has no device-mapper"; return; }
}

LVM_WHY=$(lvm_unusable)
if [[ -z $LVM_WHY ]]; then
	PV=$(t_loop_device 1G)
	if ! out=$(t_lvm pvcreate -q "$PV" 2>&1 && t_lvm vgcreate -q "$VG" "$PV" 2>&1 &&
		t_lvm lvcreate -q -y -L 400M -T "$VG/$POOL" 2>&1); then
		LVM_WHY="cannot make a volume group with a thin pool: $out"
	fi
fi

need_lvm() {
	[[ -z $LVM_WHY ]] || t_skip "$LVM_WHY"
}

# lv_field LV FIELD: an lvs field of VG/LV, or nothing.
lv_field() {
	t_lvm lvs --noheadings --units b --nosuffix -o "$2" "$VG/$1" 2>/dev/null | xargs
}

# The LVs of the VG but the pool's, sorted.
lvs_of_vg() {
	t_lvm lvs --noheadings -o lv_name,lv_attr "$VG" 2>/dev/null |
		awk '$2 !~ /^t/ && $1 !~ /^\[/ { print $1 }' | sort | xargs
}

make_lvm_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -B lvm --vgname "$VG" --fssize 100M \
		-f "$T_LO_CONF" "${@:2}"
}

# The source of the mount on / in the running container $1.
root_source() {
	in_ct "$1" cat /proc/self/mounts | awk '$2 == "/" { src = $1 } END { print src }'
}

# lv_cat LV FILE: FILE of the filesystem on VG/LV, mounted read-only for a
# moment (the LV's container must be stopped).
lv_cat() {
	local m=$T_WORK/lvmnt
	mkdir -p "$m"
	mount -o ro "/dev/$VG/$1" "$m"
	cat "$m/$2" || true
	umount "$m"
}

# start_write NAME TEXT: start NAME, write TEXT to /file in it, stop it.
# Made the default way, it is unprivileged: the host side mounted its LV
# (idmapped) and its root is not the host's.
start_write() {
	assert_succeeds t_mgr start -n "$1"
	[[ $(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n "$1" -p -H)/status") -ne 0 ]] ||
		t_fail "$1 runs as the host's root"
	in_ct "$1" sh -c "echo $2 >/file"
	assert_succeeds t_mgr stop -n "$1"
}

plain_volume() {
	need_lvm
	make_lvm_ct lvplain
	local dev=/dev/$VG/lvplain
	assert_contains "$(cat "$T_PATH/lvplain/config")" "mgr.rootfs.path = lvm:$dev"
	[[ -b $dev ]] || t_fail "$dev is not a block device: $(ls -la "/dev/$VG" 2>&1)"
	assert_eq "$((100 * 1024 * 1024))" "$(lv_field lvplain lv_size)" "the LV's size"
	assert_eq "ext4" "$(blkid -o value -s TYPE "$dev")"

	assert_succeeds t_mgr start -n lvplain
	assert_eq "$dev" "$(root_source lvplain)" "the container's root"
	assert_eq "" "$(findmnt -rn -S "$dev" -o TARGET || true)" "host mounts of $dev"
	in_ct lvplain sh -c 'echo kept >/file'
	assert_succeeds t_mgr stop -n lvplain
	assert_succeeds t_mgr start -n lvplain
	assert_eq "kept" "$(in_ct lvplain cat /file)" "a write of the last run"
	assert_succeeds t_mgr stop -n lvplain -k

	assert_succeeds t_mgr destroy -n lvplain
	assert_eq "" "$(lvs_of_vg)" "LVs after destroy"
	[[ ! -e $dev ]] || t_fail "destroy left $dev"
	assert_no_leftovers
}

thin_volume() {
	need_lvm
	make_lvm_ct lvthin --thinpool "$POOL"
	assert_eq "$POOL" "$(lv_field lvthin pool_lv)" "the thin volume's pool"
	assert_eq "thin" "$(lv_field lvthin segtype)"
	start_write lvthin kept
	assert_succeeds t_mgr start -n lvthin
	assert_eq "kept" "$(in_ct lvthin cat /file)"
	assert_succeeds t_mgr stop -n lvthin -k
	assert_succeeds t_mgr destroy -n lvthin
	assert_eq "" "$(lvs_of_vg)" "LVs after destroy"
	assert_no_leftovers
}

# A snapshot of a plain LV is a plain snapshot, which the origin keeps
# from being destroyed.
thick_snapshot() {
	need_lvm
	make_lvm_ct lvorig
	start_write lvorig original
	assert_succeeds t_mgr copy -n lvorig -N lvsnap -s
	assert_contains "$(cat "$T_PATH/lvsnap/config")" "mgr.rootfs.path = lvm:/dev/$VG/lvsnap"
	assert_eq "lvorig" "$(lv_field lvsnap origin)" "the snapshot's origin"
	[[ $(lv_field lvsnap lv_attr) == s* ]] || t_fail "not a snapshot: $(lv_field lvsnap lv_attr)"
	# Room for all the origin's blocks to change.
	assert_eq "$(lv_field lvorig lv_size)" "$(lv_field lvsnap lv_size)" "the snapshot's size"

	assert_succeeds t_mgr start -n lvsnap
	assert_eq "lvsnap" "$(in_ct lvsnap hostname)"
	assert_eq "original" "$(in_ct lvsnap cat /file)"
	in_ct lvsnap sh -c 'echo changed >/file'
	assert_succeeds t_mgr stop -n lvsnap
	assert_eq "original" "$(lv_cat lvorig file)" "the origin's file"
	assert_eq "lvorig" "$(lv_cat lvorig etc/hostname)" "the origin's hostname"

	assert_fails -e "\"lvorig\" has snapshots: $T_PATH/lvsnap" t_mgr destroy -n lvorig
	assert_eq "lvorig lvsnap" "$(lvs_of_vg)"
	assert_succeeds t_mgr destroy -n lvsnap
	assert_succeeds t_mgr destroy -n lvorig
	assert_eq "" "$(lvs_of_vg)" "LVs after destroy"
	assert_no_leftovers
}

# A snapshot of a thin LV is a thin LV of the same pool, active, that
# outlives its origin.
thin_snapshot() {
	need_lvm
	make_lvm_ct lvtorig --thinpool "$POOL"
	start_write lvtorig original
	assert_succeeds t_mgr copy -n lvtorig -N lvtsnap -s
	assert_eq "lvtorig" "$(lv_field lvtsnap origin)" "the snapshot's origin"
	assert_eq "thin" "$(lv_field lvtsnap segtype)"
	assert_eq "$POOL" "$(lv_field lvtsnap pool_lv)"
	[[ -b /dev/$VG/lvtsnap ]] || t_fail "the thin snapshot is not active"

	assert_succeeds t_mgr start -n lvtsnap
	assert_eq "original" "$(in_ct lvtsnap cat /file)"
	in_ct lvtsnap sh -c 'echo changed >/file'
	assert_succeeds t_mgr stop -n lvtsnap
	assert_eq "original" "$(lv_cat lvtorig file)" "the origin's file"

	# Nothing keeps the origin.
	assert_succeeds t_mgr destroy -n lvtorig
	assert_eq "lvtsnap" "$(lvs_of_vg)"
	assert_succeeds t_mgr start -n lvtsnap
	assert_eq "changed" "$(in_ct lvtsnap cat /file)"
	assert_succeeds t_mgr stop -n lvtsnap -k
	assert_succeeds t_mgr destroy -n lvtsnap
	assert_eq "" "$(lvs_of_vg)" "LVs after destroy"
	assert_no_leftovers
}

full_copies() {
	need_lvm
	make_lvm_ct lvsrc
	start_write lvsrc original
	# Another LV of the same size.
	assert_succeeds t_mgr copy -n lvsrc -N lvcopy -B lvm
	assert_contains "$(cat "$T_PATH/lvcopy/config")" "mgr.rootfs.path = lvm:/dev/$VG/lvcopy"
	assert_eq "" "$(lv_field lvcopy origin)" "a full copy's origin"
	assert_eq "$(lv_field lvsrc lv_size)" "$(lv_field lvcopy lv_size)" "the copy's size"
	assert_eq "original" "$(lv_cat lvcopy file)"
	assert_eq "lvcopy" "$(lv_cat lvcopy etc/hostname)"
	# To a directory, and from one into a thin volume.
	assert_succeeds t_mgr copy -n lvsrc -N lvdir -B dir
	assert_eq "original" "$(cat "$T_PATH/lvdir/rootfs/file")"
	assert_succeeds t_mgr copy -n lvdir -N lvtcopy -B lvm --vgname "$VG" --thinpool "$POOL" -L 64M
	assert_eq "$POOL" "$(lv_field lvtcopy pool_lv)"
	assert_eq "original" "$(lv_cat lvtcopy file)"
	assert_succeeds t_mgr start -n lvtcopy
	assert_eq "lvtcopy" "$(in_ct lvtcopy hostname)"
	assert_succeeds t_mgr stop -n lvtcopy -k
	local n
	for n in lvsrc lvcopy lvdir lvtcopy; do
		assert_succeeds t_mgr destroy -n "$n"
	done
	assert_eq "" "$(lvs_of_vg)" "LVs after destroy"
	assert_no_leftovers
}

bad_options() {
	need_lvm
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/nosuch$VG/lvbad\": No such file or directory" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "nosuch$VG" --fssize 100M -f "$T_LO_CONF"
	[[ ! -e $T_PATH/lvbad ]] || t_fail "a failed create left $T_PATH/lvbad"
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/$VG/lvbad\": No such file or directory" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "$VG" --thinpool nosuchpool -f "$T_LO_CONF"
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/$VG/lvbad\": Package not installed" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "$VG" --fssize 100M --fstype nosuchfs \
		-f "$T_LO_CONF"
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/$VG/lvbad\": No space left on device" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "$VG" --fssize 100G -f "$T_LO_CONF"
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/-$VG/lvbad\": Invalid argument" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "-$VG" -f "$T_LO_CONF"
	assert_fails -e "Failed to create the rootfs \"lvm:/dev/$VG/$POOL\": File exists" \
		t_mgr create -n lvbad -t busybox -B lvm --vgname "$VG" --lvname "$POOL" -f "$T_LO_CONF"
	[[ ! -e $T_PATH/lvbad ]] || t_fail "a failed create left $T_PATH/lvbad"
	assert_eq "" "$(lvs_of_vg)" "LVs after failed creates"
	assert_no_leftovers
}

t_case "a container on a plain LV starts, keeps its writes, goes with destroy" plain_volume
t_case "a container on a thin LV" thin_volume
t_case "a snapshot of a plain LV: copy-on-write, keeps its origin" thick_snapshot
t_case "a snapshot of a thin LV: copy-on-write, outlives its origin" thin_snapshot
t_case "full copies to and from LVs" full_copies
t_case "a failed lvm create leaves nothing" bad_options
