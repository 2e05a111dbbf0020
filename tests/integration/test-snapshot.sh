#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-snapshot: snapshots in a container's directory (DIR/snaps/snapN),
# listed with their time and comment, restored in place or as a new
# container, destroyed one by one or all, and what mgr-destroy makes of
# them; for dir containers, overlay snapshots and btrfs subvolumes.

. "$(dirname "$0")/lib.sh"

make_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -f "${2:-$T_LO_CONF}"
}

# snap NAME ARGS...: take a snapshot of NAME, its name in $SNAP.
snap() {
	assert_succeeds t_mgr snapshot -n "$@"
	SNAP=$T_OUT
}

# The names mgr-snapshot -L lists, on one line.
snap_names() {
	t_mgr snapshot -n "$1" -L | awk '{ print $1 }' | xargs
}

# A veth network (never started here) gives the container a MAC address.
veth_conf() {
	printf 'mgr.net =\nmgr.net.0.type = veth\nmgr.net.0.link = mgrbr-none\n' >"$T_WORK/veth.conf"
	echo "$T_WORK/veth.conf"
}

mac_of() {
	grep '^mgr.net.0.hwaddr' "$1/config" | tail -1
}

create_and_list() {
	make_ct c1
	local before after
	before=$(date -u +%s)
	snap c1
	assert_eq "snap0" "$SNAP" "the first snapshot's name"
	printf 'before the upgrade\nsecond line\n' >"$T_WORK/comment"
	snap c1 -c "$T_WORK/comment"
	assert_eq "snap1" "$SNAP"
	snap c1 --message "one-liner"
	assert_eq "snap2" "$SNAP"
	after=$(date -u +%s)
	[[ -f $T_PATH/c1/snaps/snap1/config && -d $T_PATH/c1/snaps/snap1/rootfs ]] ||
		t_fail "snap1 is not a container in $T_PATH/c1/snaps: $(ls -R "$T_PATH/c1/snaps" | head)"
	assert_eq "before the upgrade
second line" "$(cat "$T_PATH/c1/snaps/snap1/comment")" "the comment file"
	[[ ! -e $T_PATH/c1/snaps/snap0/comment ]] || t_fail "snap0 has a comment"

	assert_succeeds t_mgr snapshot -n c1 -L
	assert_eq "snap0 snap1 snap2" "$(echo "$T_OUT" | awk '{ print $1 }' | xargs)" "-L"
	[[ $(echo "$T_OUT" | head -1) =~ ^snap0\ \ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] ||
		t_fail "-L line: $(echo "$T_OUT" | head -1)"
	assert_not_contains "$T_OUT" "upgrade"
	assert_succeeds t_mgr snapshot -n c1 -L -C
	assert_contains "$T_OUT" "snap1"
	assert_contains "$T_OUT" "    before the upgrade
    second line"
	assert_contains "$T_OUT" "    one-liner"

	assert_succeeds t_mgr snapshot -n c1 -L --json
	local check
	check=$(echo "$T_OUT" | python3 -c '
import json, sys, calendar, time
snaps = json.load(sys.stdin)
lo, hi = int(sys.argv[1]), int(sys.argv[2])
for s in snaps:
    t = calendar.timegm(time.strptime(s["timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
    assert lo - 1 <= t <= hi + 1, (s, lo, hi)
print(" ".join(s["name"] for s in snaps), repr(snaps[0]["comment"]), repr(snaps[1]["comment"]),
      repr(snaps[2]["comment"]), snaps[2]["path"])
' "$before" "$after")
	assert_eq "snap0 snap1 snap2 None 'before the upgrade\\nsecond line\\n' 'one-liner' $T_PATH/c1/snaps/snap2" "$check" "--json"

	# Numbering goes on from the highest snapshot; it restarts once none
	# is left.
	assert_succeeds t_mgr snapshot -n c1 -d snap1
	snap c1
	assert_eq "snap3" "$SNAP" "after snap1 went"
	assert_eq "snap0 snap2 snap3" "$(snap_names c1)"
	# snap10 sorts after snap9.
	for _ in 4 5 6 7 8 9 10; do snap c1; done
	assert_eq "snap10" "$SNAP"
	assert_eq "snap9 snap10" "$(snap_names c1 | awk '{ print $(NF-1), $NF }')" "the order"
	assert_succeeds t_mgr snapshot -n c1 -d ALL
	assert_eq "" "$(snap_names c1)" "after -d ALL"
	snap c1
	assert_eq "snap0" "$SNAP" "after -d ALL"

	# Snapshots are not containers of the container path.
	assert_eq "c1" "$(t_mgr ls | tr ' ' '\n' | grep -x -e c1 -e 'snap[0-9]*' | xargs)" "mgr-ls"
	assert_no_leftovers
}

keeps_identity() {
	make_ct web "$(veth_conf)"
	local r=$T_PATH/web/rootfs mac
	mkdir -p "$r/etc/ssh"
	echo key >"$r/etc/ssh/ssh_host_ed25519_key"
	echo 0123456789abcdef0123456789abcdef >"$r/etc/machine-id"
	echo data >"$r/data"
	mac=$(mac_of "$T_PATH/web")
	snap web
	local s=$T_PATH/web/snaps/$SNAP
	assert_eq "$mac" "$(mac_of "$s")" "the snapshot's MAC"
	assert_eq "web" "$(grep '^mgr.uts.name' "$s/config" | tail -1 | sed 's/.*= //')" "uts.name"
	assert_eq "mgr.rootfs.path = dir:$s/rootfs" "$(grep '^mgr.rootfs.path' "$s/config" | tail -1)"
	assert_eq "web" "$(cat "$s/rootfs/etc/hostname")"
	assert_eq "$(cat "$r/etc/hosts")" "$(cat "$s/rootfs/etc/hosts")" "/etc/hosts"
	assert_eq "key" "$(cat "$s/rootfs/etc/ssh/ssh_host_ed25519_key")" "the host key"
	assert_eq "0123456789abcdef0123456789abcdef" "$(cat "$s/rootfs/etc/machine-id")"
	assert_eq "data" "$(cat "$s/rootfs/data")"
	assert_no_leftovers
}

restore_in_place() {
	make_ct db
	local r=$T_PATH/db/rootfs
	echo v1 >"$r/version"
	snap db -m "v1"
	echo v2 >"$r/version"
	echo new >"$r/added-later"
	rm "$r/bin/ls"
	echo 'mgr.start.auto = 1' >>"$T_PATH/db/config"
	snap db -m "v2"
	echo v3 >"$r/version"

	# A restore that fails leaves the container as it was.
	local config
	config=$(cat "$T_PATH/db/config")
	echo in-the-way >"$r.restoring"
	assert_fails -e "Failed to make \"dir:$r.restoring\" from snapshot \"snap0\"" \
		t_mgr snapshot -n db -r snap0
	assert_eq "v3" "$(cat "$r/version")" "after a failed restore"
	assert_eq "$config" "$(cat "$T_PATH/db/config")" "the config after a failed restore"
	assert_eq "in-the-way" "$(cat "$r.restoring")"
	rm "$r.restoring"

	assert_succeeds t_mgr snapshot -n db -r snap0
	assert_eq "v1" "$(cat "$r/version")" "after restoring snap0"
	[[ ! -e $r/added-later && -e $r/bin/ls ]] || t_fail "the rootfs is not snap0's"
	assert_not_contains "$(cat "$T_PATH/db/config")" "start.auto" "the config of snap0"
	assert_contains "$(cat "$T_PATH/db/config")" "mgr.rootfs.path = dir:$r"
	assert_eq "db" "$(cat "$r/etc/hostname")"
	[[ ! -e $r.restoring ]] || t_fail "the old rootfs is left at $r.restoring"
	assert_eq "snap0 snap1" "$(snap_names db)" "restoring keeps the snapshots"
	assert_succeeds t_mgr snapshot -n db -r snap1
	assert_eq "v2" "$(cat "$r/version")" "after restoring snap1"
	assert_contains "$(cat "$T_PATH/db/config")" "mgr.start.auto = 1"
	sed -i '/start.auto/d' "$T_PATH/db/config"

	# The restored container starts, as itself.
	assert_succeeds t_mgr start -n db
	assert_eq "db" "$(in_ct db hostname)"
	assert_eq "v2" "$(in_ct db cat /version)"
	assert_fails -e "is RUNNING; stop it before a restore" t_mgr snapshot -n db -r snap0
	assert_eq "v2" "$(cat "$r/version")" "a refused restore"
	assert_succeeds t_mgr stop -n db -k
	assert_no_leftovers
}

restore_new() {
	make_ct orig "$(veth_conf)"
	local mac
	mac=$(mac_of "$T_PATH/orig")
	echo 0123456789abcdef0123456789abcdef >"$T_PATH/orig/rootfs/etc/machine-id"
	echo old >"$T_PATH/orig/rootfs/state"
	snap orig
	echo newer >"$T_PATH/orig/rootfs/state"
	assert_succeeds t_mgr snapshot -n orig -r snap0 -N twin
	local n=$T_PATH/twin
	assert_eq "old" "$(cat "$n/rootfs/state")"
	assert_eq "newer" "$(cat "$T_PATH/orig/rootfs/state")" "the container itself"
	assert_eq "twin" "$(cat "$n/rootfs/etc/hostname")"
	assert_contains "$(cat "$n/rootfs/etc/hosts")" "twin"
	assert_not_contains "$(cat "$n/rootfs/etc/hosts")" "orig"
	assert_eq "twin" "$(grep '^mgr.uts.name' "$n/config" | tail -1 | sed 's/.*= //')" "uts.name"
	assert_eq "mgr.rootfs.path = dir:$n/rootfs" "$(grep '^mgr.rootfs.path' "$n/config" | tail -1)"
	local twin_mac
	twin_mac=$(mac_of "$n")
	[[ $twin_mac != "$mac" && $twin_mac == "mgr.net.0.hwaddr = 00:16:3e:"* ]] ||
		t_fail "the new container's MAC: $twin_mac (the snapshot's: $mac)"
	[[ ! -s $n/rootfs/etc/machine-id ]] || t_fail "the machine ID was kept"
	assert_eq "orig twin" "$(t_mgr ls | tr ' ' '\n' | grep -x -e orig -e twin -e 'snap[0-9]*' | xargs)" \
		"mgr-ls"
	assert_fails -e "already exists" t_mgr snapshot -n orig -r snap0 -N twin
	assert_fails -e "already exists" t_mgr snapshot -n orig -r snap0 -N orig
	assert_succeeds t_mgr start -n twin -s mgr.net= -s mgr.net.0.type=empty
	assert_eq "twin" "$(in_ct twin hostname)"
	assert_eq "old" "$(in_ct twin cat /state)"
	assert_succeeds t_mgr stop -n twin -k
	assert_no_leftovers
}

destroy_snapshots() {
	make_ct d1
	snap d1
	snap d1
	snap d1
	assert_succeeds t_mgr snapshot -n d1 -d snap1
	assert_eq "snap0 snap2" "$(snap_names d1)"
	[[ ! -e $T_PATH/d1/snaps/snap1 ]] || t_fail "snap1's directory is left"
	assert_fails -e "has snapshots: $T_PATH/d1/snaps/snap0, $T_PATH/d1/snaps/snap2;" \
		t_mgr destroy -n d1
	assert_eq "snap0 snap2" "$(snap_names d1)" "a refused destroy"
	assert_fails -e "has snapshots" t_mgr copy -n d1 -N d1moved -R
	assert_succeeds t_mgr destroy -n d1 -s
	[[ ! -e $T_PATH/d1 ]] || t_fail "left of d1: $(ls -R "$T_PATH/d1" | head)"

	make_ct d2
	snap d2
	snap d2
	assert_succeeds t_mgr snapshot -n d2 -d ALL
	assert_eq "" "$(snap_names d2)"
	assert_succeeds t_mgr snapshot -n d2 -d ALL
	assert_succeeds t_mgr destroy -n d2
	assert_no_leftovers
}

bad_requests() {
	make_ct e1
	snap e1
	assert_fails -e "\"e1\" has no snapshot \"snap7\"" t_mgr snapshot -n e1 -r snap7
	assert_eq 1 "$T_RC"
	assert_fails -e "\"e1\" has no snapshot \"snap7\"" t_mgr snapshot -n e1 -r snap7 -N e2
	assert_fails -e "\"e1\" has no snapshot \"snap7\"" t_mgr snapshot -n e1 -d snap7
	assert_fails -e "Bad snapshot name \"../e1\"" t_mgr snapshot -n e1 -d ../e1
	assert_fails -e "Bad snapshot name \"\"" t_mgr snapshot -n e1 -r ""
	assert_fails -e "container is not defined" t_mgr snapshot -n nosuch
	assert_eq 2 "$T_RC"
	assert_fails -e "container is not defined" t_mgr snapshot -n nosuch -L
	assert_fails -e "exclude each other" t_mgr snapshot -n e1 -L -d snap0
	assert_fails -e "-N goes with -r" t_mgr snapshot -n e1 -N x
	assert_fails -e "--json goes with -L" t_mgr snapshot -n e1 --json
	assert_fails -e "goes with a new snapshot only" t_mgr snapshot -n e1 -L -m hi
	assert_fails -e "cannot read the comment file" t_mgr snapshot -n e1 -c "$T_WORK/none"
	assert_eq "snap0" "$(snap_names e1)" "after the refused requests"
	[[ ! -e $T_PATH/e2 && ! -e $T_PATH/x ]] || t_fail "left in $T_PATH: $(ls "$T_PATH")"
	assert_no_leftovers
}

running_container() {
	make_ct live
	assert_succeeds t_mgr start -n live
	in_ct live sh -c 'echo running >/mark'
	snap live
	assert_eq RUNNING "$(t_mgr info -n live -s -H)" "the container runs on, thawed"
	assert_eq "running" "$(cat "$T_PATH/live/snaps/$SNAP/rootfs/mark")"
	assert_succeeds t_mgr stop -n live -k
	assert_no_leftovers
}

overlay_container() {
	make_ct base
	echo base >"$T_PATH/base/rootfs/file"
	assert_succeeds t_mgr copy -n base -N ov -s
	assert_succeeds t_mgr start -n ov
	in_ct ov sh -c 'echo one >/file'
	assert_succeeds t_mgr stop -n ov -k
	# An overlay snapshot needs the container stopped.
	assert_succeeds t_mgr start -n ov
	assert_fails -e "a snapshot needs it stopped" t_mgr snapshot -n ov
	assert_succeeds t_mgr stop -n ov -k
	snap ov
	local s=$T_PATH/ov/snaps/$SNAP
	assert_eq "mgr.rootfs.path = overlay:$T_PATH/base/rootfs:$s/overlay/upper" \
		"$(grep '^mgr.rootfs.path' "$s/config" | tail -1)" "the snapshot shares the lower"
	assert_eq "one" "$(cat "$s/overlay/upper/file")" "a copy of the upper"
	assert_eq "ov" "$(cat "$T_PATH/ov/rootfs/etc/hostname" 2>/dev/null ||
		cat "$T_PATH/ov/overlay/upper/etc/hostname")"

	assert_succeeds t_mgr start -n ov
	in_ct ov sh -c 'echo two >/file; echo more >/later'
	assert_succeeds t_mgr stop -n ov -k
	assert_succeeds t_mgr snapshot -n ov -r "$SNAP"
	assert_contains "$(cat "$T_PATH/ov/config")" "mgr.rootfs.path = overlay:$T_PATH/base/rootfs:$T_PATH/ov/overlay/upper"
	[[ ! -e $T_PATH/ov/overlay.restoring ]] || t_fail "overlay.restoring is left"
	assert_succeeds t_mgr start -n ov
	assert_eq "one" "$(in_ct ov cat /file)" "after the restore"
	in_ct ov test ! -e /later || t_fail "/later survived the restore"
	assert_eq "ov" "$(in_ct ov hostname)"
	assert_succeeds t_mgr stop -n ov -k
	assert_eq "base" "$(cat "$T_PATH/base/rootfs/file")" "the lower"

	# A new container from it is an overlay of the same lower.
	assert_succeeds t_mgr snapshot -n ov -r "$SNAP" -N ov2
	assert_contains "$(cat "$T_PATH/ov2/config")" "mgr.rootfs.path = overlay:$T_PATH/base/rootfs:$T_PATH/ov2/overlay/upper"
	assert_eq "ov2" "$(cat "$T_PATH/ov2/overlay/upper/etc/hostname")"

	# They all read base's rootfs: base is not restored in place nor
	# destroyed while they exist.
	snap base
	assert_fails -e "restore the snapshot as a new container (-N)" t_mgr snapshot -n base -r "$SNAP"
	assert_fails -e "has snapshots: $T_PATH/ov, $T_PATH/ov/snaps/snap0, $T_PATH/ov2, $T_PATH/base/snaps/snap0;" \
		t_mgr destroy -n base
	assert_fails -e "has snapshots: $T_PATH/ov/snaps/snap0;" t_mgr destroy -n ov
	assert_succeeds t_mgr destroy -n base -s
	[[ ! -e $T_PATH/base && ! -e $T_PATH/ov && ! -e $T_PATH/ov2 ]] ||
		t_fail "left in $T_PATH: $(ls "$T_PATH")"
	assert_no_leftovers
}

# b_mgr TOOL ARGS...: mgr-TOOL on the containers of the btrfs filesystem.
b_mgr() {
	local tool=$1
	shift
	"mgr-$tool" -P "$B_PATH" "$@"
}

btrfs_container() {
	command -v mkfs.btrfs >/dev/null || t_skip "mkfs.btrfs (btrfs-progs) is not installed"
	modprobe btrfs 2>/dev/null || true
	grep -qw btrfs /proc/filesystems || t_skip "the kernel has no btrfs"
	local dev mnt=$T_WORK/btrfs
	dev=$(t_loop_device 400M)
	mkfs.btrfs -q "$dev" >"$T_WORK/mkfs.log" 2>&1 || t_fail "mkfs.btrfs: $(cat "$T_WORK/mkfs.log")"
	mkdir "$mnt"
	mount -t btrfs "$dev" "$mnt"
	B_PATH=$mnt/containers
	mkdir -m 755 "$B_PATH"
	assert_succeeds b_mgr create -n bt -t busybox -B btrfs -f "$T_LO_CONF"
	local r=$B_PATH/bt/rootfs
	echo v1 >"$r/v"
	assert_succeeds b_mgr snapshot -n bt
	btrfs subvolume show "$B_PATH/bt/snaps/snap0/rootfs" >/dev/null ||
		t_fail "snap0's rootfs is not a subvolume"
	echo v2 >"$r/v"
	assert_succeeds b_mgr snapshot -n bt -r snap0
	assert_eq "v1" "$(cat "$r/v")" "after the restore"
	btrfs subvolume show "$r" >/dev/null || t_fail "the restored rootfs is not a subvolume"
	[[ ! -e $r.restoring ]] || t_fail "the old subvolume is left"
	assert_succeeds b_mgr snapshot -n bt -r snap0 -N bt2
	btrfs subvolume show "$B_PATH/bt2/rootfs" >/dev/null || t_fail "bt2's rootfs is not a subvolume"
	assert_eq "bt2" "$(cat "$B_PATH/bt2/rootfs/etc/hostname")"
	assert_fails -e "has snapshots: $B_PATH/bt/snaps/snap0;" b_mgr destroy -n bt
	assert_succeeds b_mgr destroy -n bt -s
	assert_succeeds b_mgr destroy -n bt2
	assert_eq "" "$(btrfs subvolume list "$mnt")" "subvolumes left"
	umount "$mnt"
	assert_no_leftovers
}

t_case "snapshots are numbered, timed, commented and listed" create_and_list
t_case "a snapshot keeps hostname, MAC, host keys, machine ID and files" keeps_identity
t_case "restore puts a snapshot's rootfs and config back, stopped only" restore_in_place
t_case "restore -N makes a new container with its own identity" restore_new
t_case "snapshots are destroyed one by one, all, or with the container (-s)" destroy_snapshots
t_case "bad snapshot names and option mixes are refused" bad_requests
t_case "a running dir container is snapshotted frozen" running_container
t_case "an overlay container's snapshots share its lower" overlay_container
t_case "a btrfs container's snapshots are subvolumes" btrfs_container
