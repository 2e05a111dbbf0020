#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Unprivileged containers: mgr-create --unprivileged picks a range of
# root's subordinate ids, shifts the rootfs into it, and init runs as the
# root of a user namespace that owns its other namespaces.
#
# The subordinate ids come from files of the test's own
# (MGR_SUBUID_FILE, MGR_SUBGID_FILE), not from the host's /etc/subuid.

. "$(dirname "$0")/lib.sh"

export MGR_SUBUID_FILE=$T_WORK/subuid MGR_SUBGID_FILE=$T_WORK/subgid
echo "root:2000000:1000000" >"$MGR_SUBUID_FILE"
echo "root:2000000:1000000" >"$MGR_SUBGID_FILE"

# These cases check files shifted on disk (mgr.rootfs.idmapped = 0);
# test-privilege has the idmapped ones, the default.
T_SHIFTED_CONF=$T_WORK/shifted.conf
printf 'mgr.net =\nmgr.net.0.type = empty\nmgr.rootfs.idmapped = 0\n' >"$T_SHIFTED_CONF"

# The host uid that NAME's config maps the container's root to.
host_root() {
	awk '$1 ~ /idmap$/ && $3 == "u" && $4 == 0 { print $5 }' "$T_PATH/$1/config"
}

unprivileged_boots() {
	assert_succeeds t_mgr create -n un1 -t busybox -f "$T_SHIFTED_CONF" -U
	local base
	base=$(host_root un1)
	assert_eq 2031616 "$base" "the first 65536-aligned range inside root's"
	assert_contains "$(cat "$T_PATH/un1/config")" "mgr.idmap = g 0 2031616 65536"
	assert_not_contains "$(cat "$T_PATH/un1/config")" "idmap = auto"
	# On the host the files belong to the range.
	assert_eq "$base:$base" "$(stat -c %u:%g "$T_PATH/un1/rootfs/bin/busybox")"
	assert_eq "$base" "$(stat -c %u "$T_PATH/un1/rootfs")"
	assert_succeeds t_mgr start -n un1
	local pid
	pid=$(t_mgr info -n un1 -p -H)
	assert_eq "0 $base 65536" "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")"
	assert_eq "0 $base 65536" "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")"
	assert_eq "$base" "$(awk '/^Uid:/{print $2}' "/proc/$pid/status")" "init's uid on the host"
	# Its other namespaces belong to its user namespace.
	[[ $(readlink "/proc/$pid/ns/user") != "$(readlink /proc/self/ns/user)" ]] ||
		t_fail "init is in the host's user namespace"
	# Inside, root is 0 and owns its files.
	assert_eq "0 0" "$(t_mgr attach -n un1 -- sh -c 'echo $(id -u) $(id -g)')"
	assert_eq "0:0" "$(t_mgr attach -n un1 -- stat -c %u:%g /bin/busybox)"
	assert_succeeds t_mgr attach -n un1 -- sh -c 'echo hi > /root/made; chown 1000:1000 /root/made'
	assert_eq "$((base + 1000)):$((base + 1000))" "$(stat -c %u:%g "$T_PATH/un1/rootfs/root/made")"
	# Its console and ttys are its root's.
	assert_eq "0" "$(t_mgr attach -n un1 -- stat -c %u /dev/console)"
	assert_eq "0" "$(t_mgr attach -n un1 -- stat -c %u /dev/tty1)"
	# Its cgroup is delegated: root inside makes a child cgroup.
	local hier
	for hier in pids memory unified systemd; do
		[[ -d /sys/fs/cgroup/$hier/mgr.payload.un1 ]] || continue
		assert_eq "$base" "$(stat -c %u "/sys/fs/cgroup/$hier/mgr.payload.un1")"
	done
	if [[ -d /sys/fs/cgroup/pids/mgr.payload.un1 ]]; then
		assert_succeeds t_mgr attach -n un1 -- mkdir /sys/fs/cgroup/pids/child
		assert_succeeds t_mgr attach -n un1 -- sh -c 'echo $$ > /sys/fs/cgroup/pids/child/cgroup.procs'
		# ... but cannot raise its own limits.
		assert_fails t_mgr attach -n un1 -- sh -c 'echo max > /sys/fs/cgroup/pids/pids.max'
	fi
	# Its UTS and network namespaces are its own: root changes them.
	assert_succeeds t_mgr attach -n un1 -- hostname renamed
	assert_eq renamed "$(t_mgr attach -n un1 -- hostname)"
	# Joining one of its namespaces joins its user namespace with it.
	assert_eq renamed "$(t_mgr attach -n un1 -s UTSNAME -- hostname)"
	assert_succeeds t_mgr attach -n un1 -- ip link set lo mtu 1500
	# The bounding set without what default.conf drops, no ambient set,
	# as init itself sees them.
	local st bnd
	st=$(t_mgr attach -n un1 -- cat /proc/1/status)
	bnd=$(awk '/^CapBnd/{print $2}' <<<"$st")
	assert_eq 0000000000000000 "$(awk '/^CapAmb/{print $2}' <<<"$st")" "init's ambient set"
	(( (0x$bnd >> 16) & 1 )) && t_fail "cap_sys_module is in init's bounding set ($bnd)"
	(( (0x$bnd >> 17) & 1 )) && t_fail "cap_sys_rawio is in init's bounding set ($bnd)"
	(( (0x$bnd >> 21) & 1 )) || t_fail "cap_sys_admin (over its namespaces) was dropped ($bnd)"
	# Capabilities count only in its own namespaces.
	assert_fails t_mgr attach -n un1 -- sh -c 'echo 1 > /proc/sys/kernel/panic'
	assert_fails t_mgr attach -n un1 -- mknod /tmp/blk b 7 0
	assert_succeeds t_mgr stop -n un1
	assert_no_leftovers un1
}

# cap.keep: exactly those, in the bounding set inside.
caps_kept() {
	assert_succeeds t_mgr create -n keep1 -t busybox -f "$T_LO_CONF" -U
	# After the template's include of common.conf, which drops some.
	printf 'mgr.cap.drop =\nmgr.cap.keep = chown setuid setgid\n' >>"$T_PATH/keep1/config"
	assert_succeeds t_mgr start -n keep1
	assert_eq "00000000000000c1" "$(t_mgr attach -n keep1 -- awk '/^CapBnd/{print $2}' /proc/1/status)"
	assert_eq "00000000000000c1" "$(t_mgr attach -n keep1 -- awk '/^CapBnd/{print $2}' /proc/self/status)" \
		"an attached command's"
	assert_fails t_mgr attach -n keep1 -- hostname other
	assert_succeeds t_mgr stop -n keep1 -k
	# "idmap = auto" from a config file (as from /etc/mgr/default.conf).
	printf 'mgr.net.0.type = empty\nmgr.idmap = auto\n' >"$T_WORK/auto.conf"
	assert_succeeds t_mgr create -n auto1 -t busybox -f "$T_WORK/auto.conf"
	assert_contains "$(cat "$T_PATH/auto1/config")" "mgr.idmap = u 0 "
	assert_not_contains "$(grep -v '^#' "$T_PATH/auto1/config")" "idmap = auto"
	assert_no_leftovers keep1 auto1
}

ranges_are_disjoint() {
	assert_succeeds t_mgr create -n un2 -t busybox -f "$T_LO_CONF" -U
	assert_succeeds t_mgr create -n un3 -t busybox -f "$T_LO_CONF" -U
	local a b
	a=$(host_root un2)
	b=$(host_root un3)
	[[ -n $a && -n $b && $a != "$b" ]] || t_fail "un2 and un3 got the ranges \"$a\" and \"$b\""
	[[ $(((a > b ? a - b : b - a))) -ge 65536 ]] || t_fail "the ranges $a and $b overlap"
	# Both run at once, each seeing only its own files as root's.
	assert_succeeds t_mgr start -n un2
	assert_succeeds t_mgr start -n un3
	assert_eq "$b" "$(awk '/^Uid:/{print $2}' "/proc/$(t_mgr info -n un3 -p -H)/status")"
	assert_succeeds t_mgr stop -n un2 -k
	assert_succeeds t_mgr stop -n un3 -k
	assert_succeeds t_mgr destroy -n un2
	assert_succeeds t_mgr destroy -n un3
	assert_no_leftovers un2 un3
}

copies_get_their_own_range() {
	assert_succeeds t_mgr create -n cp1 -t busybox -f "$T_SHIFTED_CONF" -U
	echo inside >"$T_PATH/cp1/rootfs/root/mine"
	chown "$(host_root cp1)":"$(host_root cp1)" "$T_PATH/cp1/rootfs/root/mine"
	echo theirs >"$T_PATH/cp1/rootfs/root/user-file"
	chown "$(($(host_root cp1) + 1000))" "$T_PATH/cp1/rootfs/root/user-file"
	assert_succeeds t_mgr copy -n cp1 -N cp2
	local a b
	a=$(host_root cp1)
	b=$(host_root cp2)
	[[ -n $b && $a != "$b" ]] || t_fail "the copy kept the range $a"
	assert_eq "$b:$b" "$(stat -c %u:%g "$T_PATH/cp2/rootfs/root/mine")"
	assert_eq "$((b + 1000))" "$(stat -c %u "$T_PATH/cp2/rootfs/root/user-file")"
	# /etc/hostname, rewritten for the copy, is its root's.
	assert_eq "$b cp2" "$(stat -c %u "$T_PATH/cp2/rootfs/etc/hostname") $(cat "$T_PATH/cp2/rootfs/etc/hostname")"
	assert_eq "$a" "$(stat -c %u "$T_PATH/cp1/rootfs/root/mine")" "the source is untouched"
	assert_succeeds t_mgr start -n cp2
	assert_eq "0 inside" "$(t_mgr attach -n cp2 -- sh -c 'echo $(stat -c %u /root/mine) $(cat /root/mine)')"
	assert_succeeds t_mgr stop -n cp2 -k
	# An overlay snapshot reads the source's files: it keeps their range.
	assert_succeeds t_mgr copy -n cp1 -N cp3 -s
	assert_eq "$a" "$(host_root cp3)"
	assert_succeeds t_mgr start -n cp3
	assert_eq "0" "$(t_mgr attach -n cp3 -- stat -c %u /root/mine)"
	assert_succeeds t_mgr stop -n cp3 -k
	assert_succeeds t_mgr destroy -n cp3
	assert_succeeds t_mgr destroy -n cp2
	assert_no_leftovers cp1 cp2 cp3
}

# A template of the test's own: a setuid binary, file capabilities and an
# ACL naming a user follow the shift.
shift_keeps_special_bits() {
	command -v setcap >/dev/null && command -v setfacl >/dev/null ||
		t_skip "setcap (libcap2-bin) or setfacl (acl) is not installed"
	local tpl=$T_WORK/special-template
	cat >"$tpl" <<-'EOF'
		#!/bin/sh
		set -e
		for a in "$@"; do case $a in --rootfs=*) r=${a#--rootfs=} ;; esac; done
		mkdir -p "$r/bin"
		cp /bin/busybox "$r/bin/" 2>/dev/null || cp "$(command -v busybox)" "$r/bin/"
		cp "$r/bin/busybox" "$r/bin/suid"; chmod 4755 "$r/bin/suid"
		cp "$r/bin/busybox" "$r/bin/sgid"; chmod 2755 "$r/bin/sgid"
		cp "$r/bin/busybox" "$r/bin/capped"; setcap cap_net_raw=ep "$r/bin/capped"
		touch "$r/acl"; setfacl -m u:1000:rw,g:33:r "$r/acl"
		chown 1000:33 "$r/acl"
	EOF
	chmod +x "$tpl"
	assert_succeeds t_mgr create -n sp1 -t "$tpl" -f "$T_SHIFTED_CONF" -U
	local base r=$T_PATH/sp1/rootfs
	base=$(host_root sp1)
	assert_eq "4755 $base" "$(stat -c '%a %u' "$r/bin/suid")" "setuid bit and owner"
	assert_eq "2755 $base" "$(stat -c '%a %g' "$r/bin/sgid")" "setgid bit and group"
	# Revision 3 capabilities whose root is the container's root.
	local caps
	caps=$(getfattr --absolute-names -e hex -n security.capability "$r/bin/capped" | sed -n 's/^security.capability=0x//p')
	[[ ${caps:0:8} == 01000003 ]] || t_fail "capabilities are not revision 3: $caps"
	assert_eq "$(printf '%08x' "$base" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')" "${caps:40:8}" "rootid"
	local acl
	acl=$(getfacl -n "$r/acl" 2>/dev/null)
	assert_contains "$acl" "user:$((base + 1000)):rw-"
	assert_contains "$acl" "group:$((base + 33)):r--"
	assert_eq "$((base + 1000)):$((base + 33))" "$(stat -c %u:%g "$r/acl")"
	assert_no_leftovers sp1
}

no_subordinate_ids() {
	: >"$T_WORK/empty"
	assert_fails -e "root has no subordinate uids" \
		env MGR_SUBUID_FILE="$T_WORK/empty" mgr-create -P "$T_PATH" -n nosub -t busybox -U
	assert_contains "$T_OUT" "$T_WORK/empty"
	[[ ! -e $T_PATH/nosub ]] || t_fail "a half-made container was left"
	# A range that is full.
	echo "root:3014656:65536" >"$T_WORK/small"
	assert_succeeds env MGR_SUBUID_FILE="$T_WORK/small" MGR_SUBGID_FILE="$T_WORK/small" \
		mgr-create -P "$T_PATH" -n fits -t busybox -U
	echo fits >>"$T_WORK/names"
	assert_fails -e "No free range of 65536 ids" \
		env MGR_SUBUID_FILE="$T_WORK/small" MGR_SUBGID_FILE="$T_WORK/small" \
		mgr-create -P "$T_PATH" -n full -t busybox -U
	[[ ! -e $T_PATH/full ]] || t_fail "a half-made container was left"
	assert_no_leftovers fits full nosub
}

bad_maps_refused() {
	assert_succeeds t_mgr create -n bad1 -t busybox -f "$T_LO_CONF" --privileged
	local cfg=$T_PATH/bad1/config
	sed -i '/^mgr.privileged/d' "$cfg"
	cp "$cfg" "$T_WORK/config.orig"
	# Not shifted: the rootfs is still the host root's.
	printf 'mgr.idmap = u 0 2500000 65536\nmgr.idmap = g 0 2500000 65536\n' >>"$cfg"
	assert_fails -e "were not shifted" t_mgr start -n bad1
	assert_eq STOPPED "$(t_mgr info -n bad1 -s -H)"
	# Maps without root, overlapping lines, bad lines.
	cp "$T_WORK/config.orig" "$cfg"
	printf 'mgr.idmap = u 1 2500000 65536\nmgr.idmap = g 0 2500000 65536\n' >>"$cfg"
	assert_fails -e "maps the container's uid 0" t_mgr start -n bad1
	cp "$T_WORK/config.orig" "$cfg"
	printf 'mgr.idmap = u 0 2500000 65536\nmgr.idmap = u 10 2600000 10\nmgr.idmap = g 0 2500000 65536\n' >>"$cfg"
	assert_fails -e "overlap" t_mgr start -n bad1
	cp "$T_WORK/config.orig" "$cfg"
	echo 'mgr.idmap = x 0 2500000 65536' >>"$cfg"
	assert_fails -e "expected \"u\" or \"g\"" t_mgr start -n bad1
	assert_contains "$T_OUT" "config:"
	cp "$T_WORK/config.orig" "$cfg"
	echo 'mgr.idmap = auto' >>"$cfg"
	assert_fails -e "has no range yet" t_mgr start -n bad1
	assert_no_leftovers bad1
}

# A user other than root, in a container path of its own, is told which
# piece the host does not give it; nothing is left behind.
other_user_told_what_is_missing() {
	local p=$T_WORK/nobody-path
	mkdir -p "$p/nu1/rootfs"
	printf 'mgr.rootfs.path = dir:%s/nu1/rootfs\nmgr.net.0.type = empty\n' "$p" >"$p/nu1/config"
	chown -R 65534:65534 "$p"
	chmod 755 "$T_WORK"
	as_nobody() {
		setpriv --reuid 65534 --regid 65534 --clear-groups \
			env HOME=/nonexistent XDG_RUNTIME_DIR="$p/run" mgr-start -P "$p" -n nu1
	}
	assert_fails -e "Only root can start a container without a user namespace" as_nobody
	printf 'mgr.idmap = u 0 2700000 65536\nmgr.idmap = g 0 2700000 65536\n' >>"$p/nu1/config"
	echo 'mgr.net.0.type = veth' >>"$p/nu1/config"
	assert_fails -e "mgr.net.0.type = veth needs root" as_nobody
	echo 'mgr.net.0.type = empty' >>"$p/nu1/config"
	assert_fails -e "\"/etc/subuid\" does not give uid 65534 the host uids 2700000-2765535" as_nobody
	# Its own ids need no delegation; the cgroup is what this host lacks.
	sed -i '/idmap/d' "$p/nu1/config"
	printf 'mgr.idmap = u 0 65534 1\nmgr.idmap = g 0 65534 1\n' >>"$p/nu1/config"
	# (It runs in the test's cgroup, root's: not delegated to it.)
	assert_fails -e "No cgroup is delegated to uid 65534" as_nobody
	[[ ! -e $p/run ]] || t_fail "a runtime directory was made: $(ls -R "$p/run")"
	assert_no_leftovers nu1
}

# What systemd's Delegate=yes gives a user: a cgroup of its own in every
# hierarchy, which its processes are in.  T_DELEGATED lists them.
delegate_cgroups_to_nobody() {
	local h d
	T_DELEGATED=()
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		h=${h%/}
		[[ -f $h/cgroup.procs ]] || continue
		d=$h/mgrtest-nobody.$$
		mkdir "$d" || return 1
		if [[ -f $h/cpuset.cpus ]]; then
			cat "$h/cpuset.cpus" >"$d/cpuset.cpus"
			cat "$h/cpuset.mems" >"$d/cpuset.mems"
			echo 1 >"$d/cgroup.clone_children"
		fi
		chown -R 65534:65534 "$d"
		T_DELEGATED+=("$d")
	done
}

undelegate_cgroups() {
	local d
	for d in "${T_DELEGATED[@]}"; do
		[[ -d $d ]] || continue
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" || t_fail "the delegated cgroup $d is not empty: $(find "$d" -mindepth 1 -type d)"
	done
}

# nobody, with a home of its own; the test's tree as it is.
as_user() {
	setpriv --reuid 65534 --regid 65534 --clear-groups env -u MGR_SUBUID_FILE -u MGR_SUBGID_FILE HOME="$T_WORK/home" \
		XDG_RUNTIME_DIR="$T_WORK/home/run" MGR_GLOBAL_CONFIG="$T_WORK/user.conf" "$@"
}

# A user's own container: created, booted, attached to, stopped and
# destroyed as that user, in ~/.local/share/mgr, inside a cgroup root gave
# it.  With subordinate ids of its own (a range in /etc/subuid, added for
# the case and removed after it) and without (its own ids only).
other_user_runs_its_own() {
	mkdir -p "$T_WORK/home"
	chown 65534:65534 "$T_WORK/home"
	chmod 755 "$T_WORK"
	printf 'mgr.net.0.type = empty\nmgr.mount.auto = proc:mixed sys:mixed cgroup:mixed\nmgr.autodev = 1\n' \
		>"$T_WORK/user.conf"
	delegate_cgroups_to_nobody || t_fail "could not delegate a cgroup to nobody"
	local subid
	for subid in /etc/subuid /etc/subgid; do
		sed -i '/^nobody:3538944:/d' "$subid"
	done
	local rc=0
	(
		for d in "${T_DELEGATED[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
		user_container nu2 65534 1
		for subid in /etc/subuid /etc/subgid; do echo "nobody:3538944:65536" >>"$subid"; done
		user_container nu3 3538944 65536
	) || rc=$?
	for subid in /etc/subuid /etc/subgid; do
		sed -i '/^nobody:3538944:/d' "$subid"
	done
	undelegate_cgroups
	[[ $rc -eq 0 ]] || t_fail "the user's container failed"
	[[ -z $(ls -A "$T_WORK/home/.local/share/mgr") ]] || t_fail "files were left"
	assert_no_leftovers nu2 nu3
}

# user_container NAME BASE COUNT: the whole life of one, as nobody.
user_container() {
	local name=$1 base=$2 count=$3 dir=$T_WORK/home/.local/share/mgr/$1
	assert_succeeds as_user mgr-create -n "$name" -t busybox -U
	assert_contains "$(cat "$dir/config")" "mgr.idmap = u 0 $base $count"
	# The template ran as the container's root: no shift needed.
	assert_eq "$base:$base" "$(stat -c %u:%g "$dir/rootfs/bin/busybox")"
	assert_succeeds as_user mgr-start -n "$name"
	assert_eq RUNNING "$(as_user mgr-info -n "$name" -s -H)"
	local pid
	pid=$(as_user mgr-info -n "$name" -p -H)
	assert_eq "$base" "$(awk '/^Uid:/{print $2}' "/proc/$pid/status")"
	assert_eq "0 $base $count" "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")"
	# In the delegated cgroup, not at the top.
	grep -q "mgrtest-nobody.$$/mgr.payload.$name" "/proc/$pid/cgroup" ||
		t_fail "init is not below the delegated cgroup: $(cat "/proc/$pid/cgroup")"
	assert_eq "0" "$(as_user mgr-attach -n "$name" -- id -u)"
	assert_contains "$(as_user mgr-attach -n "$name" -- ip link show lo)" "UP"
	assert_eq "0" "$(as_user mgr-attach -n "$name" -- stat -c %u /dev/console)"
	assert_succeeds as_user mgr-attach -n "$name" -- sh -c 'echo made > /root/file'
	assert_eq "$base" "$(stat -c %u "$dir/rootfs/root/file")"
	# Root's tools do not see it: it is the user's.
	assert_not_contains "$(mgr-ls -1 2>/dev/null)" "$name"
	assert_succeeds as_user mgr-stop -n "$name"
	assert_succeeds as_user mgr-destroy -n "$name"
	[[ ! -e $dir ]] || t_fail "$dir is left"
}

t_case "an unprivileged container boots as root of its own user namespace" unprivileged_boots
t_case "two unprivileged containers get disjoint ranges" ranges_are_disjoint
t_case "cap.keep bounds init and attached commands; idmap = auto from a file" caps_kept
t_case "a copy gets a range of its own, an overlay snapshot shares it" copies_get_their_own_range
t_case "the shift keeps setuid bits, file capabilities and ACLs" shift_keeps_special_bits
t_case "no or no free subordinate ids: a clear error, nothing made" no_subordinate_ids
t_case "bad or unshifted maps fail the start with a reason" bad_maps_refused
t_case "a user other than root is told what the host lacks" other_user_told_what_is_missing
t_case "a user other than root runs its own container in a cgroup given to it" other_user_runs_its_own
