#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input gets a clear message naming the problem, a non-zero exit, and
# leaves nothing behind.

. "$(dirname "$0")/lib.sh"

bad_names() {
	local name why
	while IFS='|' read -r name why; do
		assert_fails -e "$why" t_mgr create -n "$name" -t busybox
	done <<-EOF2
	a/b|'/'
	..|are not names
	-x|starts with '-'
	$(printf 'a%.0s' {1..65})|longer than 64
	a b|white space
	$(printf 'bad\001name')|control character
	|empty
	EOF2
	assert_eq "" "$(ls -A "$T_PATH")" "contents of the container path"
}

bad_configs() {
	assert_succeeds t_mgr create -n cfg -t busybox
	local cfg=$T_PATH/cfg/config
	cp "$cfg" "$T_WORK/good"

	echo "mgr.no.such.key = 1" >>"$cfg"
	assert_fails -e "$cfg:" t_mgr start -n cfg
	assert_contains "$T_OUT" "mgr.no.such.key"
	cp "$T_WORK/good" "$cfg"

	echo "lxc.tty.max = lots" >>"$cfg"
	assert_fails -e "lxc.tty.max" t_mgr start -n cfg
	assert_contains "$T_OUT" "lots"
	local line
	line=$(wc -l <"$cfg")
	assert_contains "$T_OUT" "$cfg:$line"
	cp "$T_WORK/good" "$cfg"

	echo "mgr.include = $T_WORK/missing.conf" >>"$cfg"
	assert_fails -e "missing.conf" t_mgr start -n cfg
	cp "$T_WORK/good" "$cfg"

	echo "mgr.include = $T_WORK/loop1.conf" >>"$cfg"
	echo "mgr.include = $T_WORK/loop2.conf" >"$T_WORK/loop1.conf"
	echo "mgr.include = $T_WORK/loop1.conf" >"$T_WORK/loop2.conf"
	assert_fails -e "loop1.conf" t_mgr start -n cfg
	cp "$T_WORK/good" "$cfg"

	echo "this line has no equals sign" >>"$cfg"
	assert_fails -e "$cfg:" t_mgr start -n cfg
	cp "$T_WORK/good" "$cfg"

	# Nothing was started by any of them.
	assert_eq STOPPED "$(t_mgr info -n cfg -s -H)"
	assert_no_leftovers cfg
	# And the good config still starts.
	assert_succeeds t_mgr start -n cfg
	assert_succeeds t_mgr stop -n cfg -k
	assert_no_leftovers cfg
}

missing_rootfs() {
	assert_succeeds t_mgr create -n nofs -t busybox
	rm -rf "$T_PATH/nofs/rootfs"
	assert_fails -e "rootfs" t_mgr start -n nofs
	assert_contains "$T_OUT" "$T_PATH/nofs/rootfs"
	assert_no_leftovers nofs
	# A rootfs whose init cannot run fails the start with the reason.
	assert_succeeds t_mgr create -n noinit -t busybox
	rm "$T_PATH/noinit/rootfs/sbin/init"
	assert_fails -e "/sbin/init" t_mgr start -n noinit
	assert_eq STOPPED "$(t_mgr info -n noinit -s -H)"
	assert_no_leftovers noinit
}

failed_template() {
	printf '#!/bin/sh\necho "template: broken on purpose" >&2\nexit 3\n' >"$T_WORK/bad-template"
	chmod +x "$T_WORK/bad-template"
	assert_fails -e "exit status 3" t_mgr create -n tpl -t "$T_WORK/bad-template"
	[[ ! -e $T_PATH/tpl ]] || t_fail "a failed template left $T_PATH/tpl"
	assert_fails -e "no-such-template" t_mgr create -n tpl -t no-such-template
	[[ ! -e $T_PATH/tpl ]] || t_fail "a missing template left $T_PATH/tpl"
	# A template killed half way: the next create of that name starts over.
	printf '#!/bin/sh\nmkdir -p "$4"; kill -9 $PPID; sleep 5\n' >"$T_WORK/killer"
	chmod +x "$T_WORK/killer"
	t_mgr create -n half -t "$T_WORK/killer" >/dev/null 2>&1 || true
	assert_not_contains "$(t_mgr ls -1)" "half"
	assert_succeeds t_mgr create -n half -t busybox
	assert_contains "$(t_mgr ls -1)" "half"
}

not_defined() {
	assert_fails -e "nope" t_mgr start -n nope
	assert_fails -e "nope" t_mgr stop -n nope
	assert_fails -e "nope" t_mgr destroy -n nope
	assert_fails t_mgr info -n nope
	assert_succeeds t_mgr create -n dup -t busybox
	assert_fails -e "already exists" t_mgr create -n dup -t busybox
	assert_fails -e "not running" t_mgr stop -n dup
	assert_fails -e "zfs" t_mgr create -n other -B zfs -t busybox
	[[ ! -e $T_PATH/other ]] || t_fail "a refused backend left a directory"
}

t_case "bad names are refused" bad_names
t_case "bad configs are refused with file, line and key" bad_configs
t_case "a missing rootfs or init fails the start cleanly" missing_rootfs
t_case "a failed template leaves no container" failed_template
t_case "undefined and duplicate containers" not_defined
