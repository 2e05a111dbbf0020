#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Safe by default: a container made without options is unprivileged (a
# range of subordinate ids of its own, its rootfs idmapped where the
# kernel allows and shifted elsewhere), a privileged one is made only on
# request and says so, every backend works unprivileged, and mgr-shift
# turns one kind into the other.
#
# The subordinate ids come from a file of the test's own.

. "$(dirname "$0")/lib.sh"

export MGR_SUBUID_FILE=$T_WORK/subuid MGR_SUBGID_FILE=$T_WORK/subuid
echo "root:6000000:10000000" >"$MGR_SUBUID_FILE"

# The host uid that NAME's config maps the container's root to.
host_root() {
	awk '$1 ~ /idmap$/ && $3 == "u" && $4 == 0 { print $5 }' "$T_PATH/$1/config"
}

config_value() {
	awk -v k="$2" '$1 == k { v = $3 } END { print v }' "$T_PATH/$1/config"
}

# assert_runs_unprivileged NAME: init runs as the config's host root (not
# 0), root inside owns / and can write there, and cannot make devices.
assert_runs_unprivileged() {
	local name=$1 base pid
	base=$(host_root "$name")
	[[ -n $base && $base != 0 ]] || t_fail "$name has no range of its own: \"$base\""
	pid=$(t_mgr info -n "$name" -p -H)
	assert_eq "$base" "$(awk '/^Uid:/{print $2}' "/proc/$pid/status")" "init's uid on the host"
	assert_eq "0 $base 65536" "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")"
	assert_eq "0:0" "$(t_mgr attach -n "$name" -- stat -c %u:%g / /bin/busybox | sort -u)"
	assert_succeeds t_mgr attach -n "$name" -- sh -c 'echo x > /made-inside'
	assert_fails t_mgr attach -n "$name" -- mknod /tmp/blk b 7 0
}

default_is_unprivileged() {
	assert_succeeds t_mgr create -n d1 -t busybox -f "$T_LO_CONF"
	assert_not_contains "$T_OUT" "privileged"
	local base
	base=$(host_root d1)
	assert_eq 6029312 "$base" "the first 65536-aligned range in the subuid file"
	assert_eq 1 "$(config_value d1 mgr.rootfs.idmapped)" "an idmapped rootfs on this kernel"
	assert_not_contains "$(grep -v "^#" "$T_PATH/d1/config")" "mgr.privileged"
	# Idmapped: nothing was rewritten, the files keep the host's ids.
	assert_eq "0:0" "$(stat -c %u:%g "$T_PATH/d1/rootfs/bin/busybox")"
	assert_contains "$(t_mgr info -n d1)" "no: root in it is uid $base on the host"
	assert_contains "$(t_mgr info -n d1 --json)" '"privileged":false,"host_root_uid":'"$base"
	assert_succeeds t_mgr start -n d1
	assert_runs_unprivileged d1
	assert_contains "$(t_mgr attach -n d1 -- cat /proc/self/mountinfo)" "idmapped"
	# What root inside writes is root's on disk, a user's that user's.
	assert_succeeds t_mgr attach -n d1 -- sh -c 'touch /u1000; chown 1000:1000 /u1000'
	assert_eq "0:0" "$(stat -c %u:%g "$T_PATH/d1/rootfs/made-inside")"
	assert_eq "1000:1000" "$(stat -c %u:%g "$T_PATH/d1/rootfs/u1000")"
	assert_succeeds t_mgr stop -n d1 -k
	assert_succeeds t_mgr destroy -n d1
	assert_no_leftovers d1
}

# Its rootfs mounted on the host side and cloned from a shared mount is
# shared too, and pivot_root refuses a shared new root.
on_shared_mount() {
	local dir=$T_WORK/shared
	mkdir -p "$dir"
	mount --bind "$dir" "$dir" || t_fail "cannot bind $dir"
	trap "umount -l '$dir'" EXIT
	mount --make-shared "$dir"
	assert_succeeds mgr-create -P "$dir" -n sh1 -t busybox -f "$T_LO_CONF"
	assert_eq 1 "$(awk '$1 == "mgr.rootfs.idmapped" { print $3 }' "$dir/sh1/config")"
	assert_succeeds mgr-start -P "$dir" -n sh1
	assert_eq RUNNING "$(mgr-info -P "$dir" -n sh1 -s -H)"
	assert_succeeds mgr-stop -P "$dir" -n sh1 -k
	assert_succeeds mgr-destroy -P "$dir" -n sh1
	assert_eq "$dir" "$(findmnt -rn -o TARGET | grep "^$dir" | sort -u)" "mounts under $dir"
}

shifted_where_asked() {
	printf 'mgr.net.0.type = empty\nmgr.rootfs.idmapped = 0\n' >"$T_WORK/shifted.conf"
	assert_succeeds t_mgr create -n sh1 -t busybox -f "$T_WORK/shifted.conf"
	local base
	base=$(host_root sh1)
	assert_eq 0 "$(config_value sh1 mgr.rootfs.idmapped)"
	assert_eq "$base:$base" "$(stat -c %u:%g "$T_PATH/sh1/rootfs/bin/busybox")"
	assert_succeeds t_mgr start -n sh1
	assert_runs_unprivileged sh1
	assert_not_contains "$(t_mgr attach -n sh1 -- cat /proc/self/mountinfo)" "idmapped"
	assert_eq "$base:$base" "$(stat -c %u:%g "$T_PATH/sh1/rootfs/made-inside")"
	assert_succeeds t_mgr stop -n sh1 -k
	assert_no_leftovers sh1
}

privileged_on_request() {
	assert_succeeds t_mgr create -n p1 -t busybox -f "$T_LO_CONF" --privileged
	assert_contains "$T_OUT" "warning: \"p1\" is privileged: root in it is root on the host"
	assert_eq 1 "$(config_value p1 mgr.privileged)"
	assert_eq "" "$(host_root p1)"
	assert_contains "$(t_mgr info -n p1)" "yes: root in it is root on the host"
	assert_contains "$(t_mgr info -n p1 --json)" '"privileged":true,"host_root_uid":0'
	assert_succeeds t_mgr start -n p1
	assert_eq 0 "$(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n p1 -p -H)/status")"
	assert_succeeds t_mgr stop -n p1 -k
	# The same from a config file (as from /etc/mgr/default.conf).
	printf 'mgr.net.0.type = empty\nmgr.privileged = 1\n' >"$T_WORK/priv.conf"
	assert_succeeds t_mgr create -n p2 -t busybox -f "$T_WORK/priv.conf"
	assert_contains "$T_OUT" "is privileged"
	assert_eq "" "$(host_root p2)"
	assert_no_leftovers p1 p2
}

contradictions_refused() {
	printf 'mgr.net.0.type = empty\nmgr.idmap = u 0 15000000 65536\nmgr.idmap = g 0 15000000 65536\n' \
		>"$T_WORK/maps.conf"
	assert_fails -e "mgr.privileged = 1 or --privileged) but the config gives it a user namespace" \
		t_mgr create -n x1 -t busybox -f "$T_WORK/maps.conf" --privileged
	[[ ! -e $T_PATH/x1 ]] || t_fail "a refused create left $T_PATH/x1"
	assert_fails -e "cannot be both privileged and unprivileged" \
		t_mgr create -n x2 -t busybox -f "$T_LO_CONF" --privileged -U
	[[ ! -e $T_PATH/x2 ]] || t_fail "a refused create left $T_PATH/x2"
	# A range another container maps already.
	assert_succeeds t_mgr create -n x4 -t busybox -f "$T_LO_CONF"
	local taken
	taken=$(host_root x4)
	printf 'mgr.net.0.type = empty\nmgr.idmap = u 0 %s 65536\nmgr.idmap = g 0 %s 65536\n' \
		"$taken" "$taken" >"$T_WORK/taken.conf"
	assert_fails -e "are mapped by container \"x4\" too" \
		t_mgr create -n x5 -t busybox -f "$T_WORK/taken.conf"
	[[ ! -e $T_PATH/x5 ]] || t_fail "a refused create left $T_PATH/x5"
	printf 'mgr.privileged = 2\n' >"$T_WORK/bad.conf"
	assert_fails -e "mgr.privileged" t_mgr create -n x3 -t busybox -f "$T_WORK/bad.conf"
	[[ ! -e $T_PATH/x3 ]] || t_fail "a refused create left $T_PATH/x3"
	assert_no_leftovers x1 x2 x3 x4 x5
}

no_subordinate_ids() {
	: >"$T_WORK/empty"
	assert_fails -e "no subordinate uids in \"$T_WORK/empty\"" env MGR_SUBUID_FILE="$T_WORK/empty" MGR_SUBGID_FILE="$T_WORK/empty" \
		mgr-create -P "$T_PATH" -n nosub -t busybox -f "$T_LO_CONF"
	assert_contains "$T_OUT" "usermod"
	[[ ! -e $T_PATH/nosub ]] || t_fail "the refused create left $T_PATH/nosub"
	# A privileged container needs none.
	assert_succeeds env MGR_SUBUID_FILE="$T_WORK/empty" MGR_SUBGID_FILE="$T_WORK/empty" \
		mgr-create -P "$T_PATH" -n nosub -t busybox -f "$T_LO_CONF" --privileged
	echo nosub >>"$T_WORK/names"
	assert_no_leftovers nosub
}

loop_unprivileged() {
	assert_succeeds t_mgr create -n lp1 -t busybox -f "$T_LO_CONF" -B loop --fssize 64M
	assert_eq 1 "$(config_value lp1 mgr.rootfs.idmapped)"
	assert_succeeds t_mgr start -n lp1
	assert_runs_unprivileged lp1
	assert_contains "$(t_mgr attach -n lp1 -- cat /proc/self/mountinfo)" "idmapped - ext4 /dev/loop"
	# The host's mount namespace never had it.
	assert_not_contains "$(cat /proc/self/mountinfo)" "$T_PATH/lp1"
	assert_succeeds t_mgr stop -n lp1
	assert_no_leftovers lp1
	# Shifted instead, by choice: the walk goes through the image.
	printf 'mgr.net.0.type = empty\nmgr.rootfs.idmapped = 0\n' >"$T_WORK/shifted.conf"
	assert_succeeds t_mgr create -n lp2 -t busybox -f "$T_WORK/shifted.conf" -B loop --fssize 64M
	assert_succeeds t_mgr start -n lp2
	assert_runs_unprivileged lp2
	assert_succeeds t_mgr stop -n lp2 -k
	assert_no_leftovers lp2
}

copies_and_snapshots() {
	assert_succeeds t_mgr create -n o1 -t busybox -f "$T_LO_CONF"
	assert_succeeds t_mgr copy -n o1 -N o2
	local a b c
	a=$(host_root o1)
	b=$(host_root o2)
	[[ -n $b && $a != "$b" ]] || t_fail "the copy got the range \"$b\" (its origin's: $a)"
	assert_eq 1 "$(config_value o2 mgr.rootfs.idmapped)"
	assert_eq "0:0" "$(stat -c %u:%g "$T_PATH/o2/rootfs/bin/busybox")" "a copy is not walked"
	# An overlay snapshot of an idmapped container gets a range of its own.
	assert_succeeds t_mgr copy -n o1 -N o3 -s -B overlay
	c=$(host_root o3)
	[[ -n $c && $c != "$a" && $c != "$b" ]] || t_fail "the snapshot got the range \"$c\""
	assert_succeeds t_mgr start -n o2
	assert_succeeds t_mgr start -n o3
	assert_runs_unprivileged o2
	assert_runs_unprivileged o3
	# Its writes land in its upper layer, as the host's root's.
	local made
	made=$(find "$T_PATH/o3" -name made-inside -not -path '*/merged/*' | head -1)
	[[ -n $made ]] || t_fail "the snapshot's write is not in its upper layer"
	assert_eq "0:0" "$(stat -c %u:%g "$made")"
	assert_succeeds t_mgr stop -n o2 -k
	assert_succeeds t_mgr stop -n o3 -k
	assert_succeeds t_mgr destroy -n o3
	assert_no_leftovers o1 o2 o3
}

shift_round_trip() {
	assert_succeeds t_mgr create -n s1 -t busybox -f "$T_LO_CONF" --privileged
	local root=$T_PATH/s1/rootfs base
	echo data >"$root/owned"
	chown 1000:1001 "$root/owned"
	cp "$root/bin/busybox" "$root/suid"
	chmod 4755 "$root/suid"
	# Idmapped: nothing on disk changes.
	assert_succeeds t_mgr shift -n s1
	base=$(host_root s1)
	[[ -n $base ]] || t_fail "no range after mgr-shift"
	assert_eq 1 "$(config_value s1 mgr.rootfs.idmapped)"
	assert_not_contains "$(grep -v "^#" "$T_PATH/s1/config")" "mgr.privileged"
	assert_eq "1000:1001" "$(stat -c %u:%g "$root/owned")"
	assert_succeeds t_mgr start -n s1
	assert_runs_unprivileged s1
	assert_eq "1000:1001" "$(t_mgr attach -n s1 -- stat -c %u:%g /owned)"
	# Refused while it runs; the config stays as it was.
	cp "$T_PATH/s1/config" "$T_WORK/s1.config"
	assert_fails -e "stop it first" t_mgr shift -n s1 --privileged
	cmp -s "$T_PATH/s1/config" "$T_WORK/s1.config" || t_fail "a refused shift changed the config"
	assert_succeeds t_mgr stop -n s1 -k
	assert_fails -e "unprivileged already" t_mgr shift -n s1
	# Back, then unprivileged with the files rewritten.
	assert_succeeds t_mgr shift -n s1 --privileged
	assert_eq 1 "$(config_value s1 mgr.privileged)"
	assert_eq "" "$(host_root s1)"
	assert_fails -e "privileged already" t_mgr shift -n s1 --privileged
	assert_succeeds t_mgr shift -n s1 --chown
	base=$(host_root s1)
	assert_eq 0 "$(config_value s1 mgr.rootfs.idmapped)"
	assert_eq "$((base + 1000)):$((base + 1001))" "$(stat -c %u:%g "$root/owned")"
	assert_eq "$base 4755" "$(stat -c '%u %a' "$root/suid")" "the setuid bit survives the chown"
	assert_succeeds t_mgr start -n s1
	assert_runs_unprivileged s1
	assert_eq "1000:1001" "$(t_mgr attach -n s1 -- stat -c %u:%g /owned)"
	assert_succeeds t_mgr stop -n s1 -k
	assert_succeeds t_mgr shift -n s1 --privileged
	assert_eq "1000:1001" "$(stat -c %u:%g "$root/owned")"
	assert_eq "0 4755" "$(stat -c '%u %a' "$root/suid")"
	assert_eq "0:0" "$(stat -c %u:%g "$root/made-inside")"
	assert_succeeds t_mgr start -n s1
	assert_eq 0 "$(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n s1 -p -H)/status")"
	assert_succeeds t_mgr stop -n s1 -k
	assert_no_leftovers s1
}

shift_refusals() {
	assert_fails -e "not defined" t_mgr shift -n nosuch
	assert_fails -e "--chown makes a container unprivileged" t_mgr shift -n nosuch --privileged --chown
	# An overlay over another container's files cannot be rewritten.
	assert_succeeds t_mgr create -n r1 -t busybox -f "$T_LO_CONF" --privileged
	assert_succeeds t_mgr copy -n r1 -N r2 -s -B overlay
	assert_fails -e "overlay over another container's files" t_mgr shift -n r2 --chown
	assert_eq "" "$(host_root r2)" "a refused shift left maps"
	assert_eq "0:0" "$(stat -c %u:%g "$T_PATH/r1/rootfs/bin/busybox")"
	# ... but it can be idmapped: nothing is rewritten.
	assert_succeeds t_mgr shift -n r2
	assert_succeeds t_mgr start -n r2
	assert_runs_unprivileged r2
	assert_succeeds t_mgr stop -n r2 -k
	assert_succeeds t_mgr destroy -n r2
	assert_no_leftovers r1 r2
}

t_case "a container made the default way is unprivileged and idmapped" default_is_unprivileged
t_case "on a shared mount (as systemd shares them) it starts too" on_shared_mount
t_case "mgr.rootfs.idmapped = 0 shifts the files instead" shifted_where_asked
t_case "privileged only on request, with a warning and in mgr-info" privileged_on_request
t_case "contradicting requests are refused and leave nothing" contradictions_refused
t_case "no subordinate ids: a clear error, nothing left" no_subordinate_ids
t_case "a loop rootfs mounted by the host side for a user namespace" loop_unprivileged
t_case "copies and overlay snapshots get ranges of their own" copies_and_snapshots
t_case "mgr-shift there and back, idmapped and chowned" shift_round_trip
t_case "mgr-shift refuses what it cannot do" shift_refusals
t_exit
