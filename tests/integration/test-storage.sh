#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Storage: full copies and overlay snapshots with mgr-copy, what a copy
# keeps, the identity a clone gets, and what destroy and an interrupted
# copy leave.

. "$(dirname "$0")/lib.sh"

# listed NAME...: exactly these of the containers are listed by mgr-ls
# (in sorted order), among those of the other cases.
listed() {
	local want
	want=$(printf '%s\n' "$@" | sort | xargs)
	assert_eq "$want" "$(t_mgr ls | tr ' ' '\n' | grep -xE "$(IFS='|'; echo "${L_NAMES[*]}")" | xargs)" \
		"mgr-ls"
}

make_ct() {
	assert_succeeds t_mgr create -n "$1" -t busybox -f "${2:-$T_LO_CONF}"
}

# One line per file of the tree: path, type, links, mode, owner, device
# numbers, xattrs and capabilities; inode numbers as the file each first
# appeared at, so that hard links show.
tree_listing() {
	local root=$1
	(cd "$root" && find . -path ./proc -prune -o -print0 | sort -z |
		xargs -0 stat -c '%n %F %h %a %u %g %t %T %i') |
		awk '{ if (!($NF in first)) first[$NF] = $1; $NF = first[$NF]; print }'
	(cd "$root" && getfattr -R -h -d -m - . 2>/dev/null)
	(cd "$root" && getcap -r . 2>/dev/null | sort)
}

full_copy_keeps_files() {
	command -v setfattr >/dev/null || t_skip "setfattr (attr) is not installed"
	command -v setcap >/dev/null || t_skip "setcap (libcap2-bin) is not installed"
	make_ct src
	local r=$T_PATH/src/rootfs
	ln "$r/bin/busybox" "$r/bin/hardlinked"
	mknod "$r/dev/mynull" c 1 3
	mknod "$r/dev/myblk" b 7 200
	mkfifo "$r/fifo"
	chown 1234:567 "$r/fifo"
	chmod 4755 "$r/bin/hardlinked"
	echo data >"$r/xattr-file"
	setfattr -n user.x -v hello "$r/xattr-file"
	cp "$r/bin/busybox" "$r/bin/ping-cap"
	setcap cap_net_raw+ep "$r/bin/ping-cap"
	if command -v setfacl >/dev/null; then
		setfacl -m u:4321:r "$r/xattr-file"
	fi
	truncate -s 50M "$r/sparse"
	echo tail >>"$r/sparse"

	assert_succeeds t_mgr copy -n src -N dst
	local a b
	a=$(tree_listing "$r" | grep -v '^\./etc/hostname\|^\./etc/hosts')
	b=$(tree_listing "$T_PATH/dst/rootfs" | grep -v '^\./etc/hostname\|^\./etc/hosts')
	[[ $a == "$b" ]] || t_fail "the copy differs:
$(diff <(echo "$a") <(echo "$b"))"
	assert_contains "$a" "user.x=\"hello\""
	assert_contains "$a" "cap_net_raw=ep"
	assert_eq "2" "$(stat -c %h "$T_PATH/dst/rootfs/bin/hardlinked")" "hard links of the copy"
	[[ $(du -k "$T_PATH/dst/rootfs/sparse" | cut -f1) -lt 1024 ]] ||
		t_fail "the sparse file was filled: $(du -k "$T_PATH/dst/rootfs/sparse")"
	assert_eq "$(stat -c %s "$r/sparse")" "$(stat -c %s "$T_PATH/dst/rootfs/sparse")" "size"
	L_NAMES=(src dst)
	listed src dst
	assert_no_leftovers
}

clone_identity() {
	local conf=$T_WORK/veth.conf
	printf 'mgr.net =\nmgr.net.0.type = veth\nmgr.net.0.link = mgrbr-none\n' >"$conf"
	make_ct orig "$conf"
	local mac
	mac=$(grep '^mgr.net.0.hwaddr' "$T_PATH/orig/config" | tail -1)
	[[ $mac != *x* ]] || t_fail "create left a MAC pattern: $mac"
	assert_succeeds t_mgr copy -n orig -N twin
	local twin_mac
	twin_mac=$(grep '^mgr.net.0.hwaddr' "$T_PATH/twin/config" | tail -1)
	[[ $twin_mac != "$mac" && $twin_mac == "mgr.net.0.hwaddr = 00:16:3e:"* ]] ||
		t_fail "the clone's MAC: $twin_mac (source: $mac)"
	assert_eq "twin" "$(cat "$T_PATH/twin/rootfs/etc/hostname")"
	assert_contains "$(cat "$T_PATH/twin/rootfs/etc/hosts")" "twin"
	assert_not_contains "$(cat "$T_PATH/twin/rootfs/etc/hosts")" "orig"
	assert_eq "orig" "$(cat "$T_PATH/orig/rootfs/etc/hostname")" "the source's hostname"
	# A guest's /etc/hosts that links out of the rootfs is not followed.
	echo "127.0.1.1 linked" >"$T_WORK/host-hosts"
	make_ct linked
	ln -sf "$T_WORK/host-hosts" "$T_PATH/linked/rootfs/etc/hosts"
	assert_succeeds t_mgr copy -n linked -N linked2
	assert_eq "127.0.1.1 linked" "$(cat "$T_WORK/host-hosts")" "the host file behind the link"
	[[ -L $T_PATH/linked2/rootfs/etc/hosts ]] || t_fail "the clone's /etc/hosts link was replaced"
	assert_succeeds t_mgr copy -n orig -N same -K -M
	assert_eq "$mac" "$(grep '^mgr.net.0.hwaddr' "$T_PATH/same/config" | tail -1)" "-M"
	assert_eq "orig" "$(cat "$T_PATH/same/rootfs/etc/hostname")" "-K"

	# The clone runs under its own name (with only a loopback).
	assert_succeeds t_mgr copy -n orig -N runner
	assert_succeeds t_mgr start -n runner -s mgr.net= -s mgr.net.0.type=empty
	assert_eq "runner" "$(in_ct runner hostname)"
	assert_succeeds t_mgr stop -n runner -k
	assert_fails -e "already exists" t_mgr copy -n orig -N twin
	assert_fails -e "not available in this build" t_mgr copy -n orig -N x -B zfs
	assert_fails -e "Unknown storage backend \"bogus\"" t_mgr copy -n orig -N x -B bogus
	assert_fails -e "cannot be a snapshot" t_mgr copy -n orig -N x -s -B dir
	assert_fails -e "invalid filesystem size" t_mgr copy -n orig -N x -L lots
	[[ ! -e $T_PATH/x ]] || t_fail "a refused copy left $T_PATH/x"
	assert_no_leftovers
}

snapshot_cow() {
	make_ct base
	echo original >"$T_PATH/base/rootfs/file"
	assert_succeeds t_mgr copy -n base -N snap -s
	assert_contains "$(cat "$T_PATH/snap/config")" "mgr.rootfs.path = overlay:$T_PATH/base/rootfs:"
	assert_succeeds t_mgr start -n snap
	assert_eq "snap" "$(in_ct snap hostname)"
	in_ct snap sh -c 'echo changed >/file; echo new >/newfile; rm /bin/ls'
	assert_succeeds t_mgr stop -n snap -k
	assert_eq "original" "$(cat "$T_PATH/base/rootfs/file")" "the source's file"
	[[ ! -e $T_PATH/base/rootfs/newfile && -e $T_PATH/base/rootfs/bin/ls ]] ||
		t_fail "the snapshot's writes reached the source"
	assert_eq "base" "$(cat "$T_PATH/base/rootfs/etc/hostname")"
	assert_no_leftovers
	# A second start sees its own changes.
	assert_succeeds t_mgr start -n snap
	assert_eq "changed" "$(in_ct snap cat /file)"
	assert_fails -e "a snapshot needs it stopped" t_mgr copy -n snap -N snap2 -s -a
	assert_succeeds t_mgr stop -n snap -k
	# A snapshot of a snapshot shares the lower and starts from a copy of
	# the upper: later writes on either side stay on that side.
	assert_succeeds t_mgr copy -n snap -N snap2 -s
	assert_contains "$(cat "$T_PATH/snap2/config")" "mgr.rootfs.path = overlay:$T_PATH/base/rootfs:$T_PATH/snap2/"
	assert_succeeds t_mgr start -n snap2
	assert_eq "changed" "$(in_ct snap2 cat /file)"
	in_ct snap2 sh -c 'echo third >/file'
	assert_succeeds t_mgr stop -n snap2 -k
	assert_succeeds t_mgr start -n snap
	assert_eq "changed" "$(in_ct snap cat /file)" "snap after snap2 wrote"
	assert_succeeds t_mgr stop -n snap -k
	# Both are snapshots of base, which keeps them from losing their lower.
	assert_fails -e "has snapshots: $T_PATH/snap, $T_PATH/snap2" t_mgr destroy -n base
	assert_succeeds t_mgr destroy -n snap2
	# A full copy of a snapshot copies what it sees.
	assert_succeeds t_mgr copy -n snap -N flat
	assert_eq "changed" "$(cat "$T_PATH/flat/rootfs/file")"
	[[ ! -e $T_PATH/flat/rootfs/bin/ls ]] || t_fail "the copy has the deleted /bin/ls"
	assert_eq "flat" "$(cat "$T_PATH/flat/rootfs/etc/hostname")"
	assert_no_leftovers
}

destroy_with_snapshots() {
	make_ct lower
	assert_succeeds t_mgr copy -n lower -N s1 -s
	assert_succeeds t_mgr copy -n lower -N s2 -s
	assert_fails -e "has snapshots: $T_PATH/s1, $T_PATH/s2" t_mgr destroy -n lower
	assert_fails -e "has snapshots" t_mgr copy -n lower -N moved -R
	L_NAMES=(lower s1 s2 moved)
	listed lower s1 s2
	assert_succeeds t_mgr destroy -n s1
	assert_fails -e "has snapshots: $T_PATH/s2;" t_mgr destroy -n lower
	assert_succeeds t_mgr destroy -n lower -s
	listed
	[[ ! -e $T_PATH/lower && ! -e $T_PATH/s2 && ! -e $T_PATH/moved ]] ||
		t_fail "left in $T_PATH: $(ls "$T_PATH")"
	assert_no_leftovers
}

rename() {
	local conf=$T_WORK/veth.conf
	printf 'mgr.net =\nmgr.net.0.type = veth\nmgr.net.0.link = mgrbr-none\n' >"$conf"
	make_ct old "$conf"
	local mac inode
	mac=$(grep '^mgr.net.0.hwaddr' "$T_PATH/old/config" | tail -1)
	inode=$(stat -c %i "$T_PATH/old/rootfs/bin/busybox")
	local ssh_key=$T_PATH/old/rootfs/etc/ssh/ssh_host_ed25519_key
	mkdir -p "${ssh_key%/*}" && echo key >"$ssh_key"
	assert_succeeds t_mgr copy -n old -N new -R
	L_NAMES=(old new)
	listed new
	# In place: the same files, not a copy; the same machine.
	assert_eq "$inode" "$(stat -c %i "$T_PATH/new/rootfs/bin/busybox")" "inode of a file"
	assert_contains "$(cat "$T_PATH/new/config")" "mgr.rootfs.path = dir:$T_PATH/new/rootfs"
	assert_contains "$(cat "$T_PATH/new/config")" "mgr.uts.name = new"
	assert_eq "$mac" "$(grep '^mgr.net.0.hwaddr' "$T_PATH/new/config" | tail -1)" "the MAC"
	assert_eq "key" "$(cat "$T_PATH/new/rootfs/etc/ssh/ssh_host_ed25519_key")" "host key"
	assert_eq "new" "$(cat "$T_PATH/new/rootfs/etc/hostname")"
	assert_succeeds t_mgr start -n new -s mgr.net= -s mgr.net.0.type=empty
	assert_eq "new" "$(in_ct new hostname)"
	assert_fails -e "stop it first" t_mgr copy -n new -N other -R
	assert_succeeds t_mgr stop -n new -k
	assert_fails -e "takes only -N" t_mgr copy -n new -N other -R -s
	assert_fails -e "already exists" t_mgr copy -n new -N new -R

	# An overlay snapshot renamed stays its lower's snapshot.
	assert_succeeds t_mgr copy -n new -N rsnap -s
	assert_fails -e "has snapshots" t_mgr copy -n new -N other -R
	assert_succeeds t_mgr copy -n rsnap -N snapped -R
	assert_contains "$(cat "$T_PATH/snapped/config")" "mgr.rootfs.path = overlay:$T_PATH/new/rootfs:$T_PATH/snapped/overlay/upper"
	assert_succeeds t_mgr start -n snapped -s mgr.net= -s mgr.net.0.type=empty
	assert_eq "snapped" "$(in_ct snapped hostname)"
	assert_succeeds t_mgr stop -n snapped -k
	assert_fails -e "has snapshots: $T_PATH/snapped" t_mgr destroy -n new
	assert_succeeds t_mgr destroy -n new -s
	[[ ! -e $T_PATH/snapped ]] || t_fail "destroy -s left the renamed snapshot"
	assert_no_leftovers
}

ephemeral() {
	make_ct gold
	echo gold >"$T_PATH/gold/rootfs/file"
	assert_succeeds t_mgr copy -n gold -N eph -e
	assert_eq "RUNNING" "$(t_mgr info -n eph -s -H)"
	assert_contains "$(cat "$T_PATH/eph/config")" "mgr.ephemeral = 1"
	assert_eq "gold" "$(in_ct eph cat /file)"
	in_ct eph sh -c 'echo eph >/file'
	assert_succeeds t_mgr stop -n eph -k
	[[ ! -e $T_PATH/eph ]] || t_fail "the ephemeral container is still there after stop"
	assert_eq "gold" "$(cat "$T_PATH/gold/rootfs/file")" "the source's file"
	# Without -N it gets a name of its own, printed; a halt inside ends it too.
	local name
	name=$(t_mgr copy -n gold -e)
	[[ $name =~ ^gold-[a-z0-9]{6}$ ]] || t_fail "generated name: \"$name\""
	assert_eq "RUNNING" "$(t_mgr info -n "$name" -s -H)"
	in_ct "$name" halt
	assert_succeeds t_mgr wait -n "$name" -s STOPPED -t 10
	local i
	for i in $(seq 50); do [[ -e $T_PATH/$name ]] || break; sleep 0.1; done
	[[ ! -e $T_PATH/$name ]] || t_fail "$name is still there after halt"
	# One that cannot start is not kept.
	{ cat "$T_LO_CONF"; echo "mgr.init.cmd = /nonexistent"; } >"$T_WORK/badinit.conf"
	make_ct badinit "$T_WORK/badinit.conf"
	assert_fails -e "nonexistent" t_mgr copy -n badinit -N eph2 -e
	[[ ! -e $T_PATH/eph2 ]] || t_fail "an ephemeral copy that did not start was kept"
	assert_no_leftovers
}

copy_running() {
	make_ct live
	assert_succeeds t_mgr start -n live
	assert_fails -e "stop it first or copy it frozen (-a)" t_mgr copy -n live -N c1
	assert_succeeds t_mgr copy -n live -N c1 -a
	assert_eq RUNNING "$(t_mgr info -n live -s -H)" "the source runs on, thawed"
	assert_eq "c1" "$(cat "$T_PATH/c1/rootfs/etc/hostname")"
	assert_succeeds t_mgr stop -n live -k
	assert_no_leftovers
}

interrupted_copy() {
	make_ct big
	dd if=/dev/urandom of="$T_PATH/big/rootfs/big" bs=1M count=300 status=none
	echo half >>"$T_WORK/names"
	mgr-copy -P "$T_PATH" -n big -N half &
	local pid=$! i
	for ((i = 0; i < 100; i++)); do
		[[ -e $T_PATH/half/rootfs/big ]] && break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	sleep 0.5
	[[ -e $T_PATH/half/.creating ]] || t_skip "the copy ended before it could be killed"
	L_NAMES=(big half)
	listed big
	pgrep -x cp >/dev/null && ps -o pid,args -C cp | grep -F "$T_PATH" &&
		t_fail "cp goes on copying after mgr-copy was killed"
	assert_fails t_mgr start -n half
	# The name is free again: a new copy clears the half-made one.
	assert_succeeds t_mgr copy -n big -N half
	listed big half
	assert_no_leftovers
}

t_case "a full copy keeps links, devices, xattrs, capabilities, sparse files" full_copy_keeps_files
t_case "a clone gets its own hostname and MAC unless -K/-M" clone_identity
t_case "an overlay snapshot does not change its source" snapshot_cow
t_case "a source with snapshots is kept until destroy -s" destroy_with_snapshots
t_case "copy -R renames in place" rename
t_case "an ephemeral copy is destroyed when it stops" ephemeral
t_case "a running container is copied only frozen (-a)" copy_running
t_case "an interrupted copy leaves no container" interrupted_copy
