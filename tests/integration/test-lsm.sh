#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# apparmor.profile and selinux.context: a label the host cannot give fails
# the start cleanly unless allow_incomplete says otherwise; where the LSM
# is active, init and attached commands get the label.

. "$(dirname "$0")/lib.sh"
T_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
export MGR_CONFIG_DIR=${MGR_CONFIG_DIR:-$T_SRCDIR/config}

apparmor_active() {
	[[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]]
}

selinux_active() {
	[[ -e /sys/fs/selinux/enforce ]]
}

need_no_apparmor() {
	! apparmor_active || t_skip "AppArmor is active on this host: the start would get its label"
}

need_no_selinux() {
	! selinux_active || t_skip "SELinux is active on this host"
}


# refused NAME KEY VALUE CAUSE: the start fails naming the key, value and
# cause, and leaves nothing behind, in the background and the foreground.
refused() {
	local name=$1 key=$2 value=$3 cause=$4
	assert_fails -e "Failed to start \"$name\": $key \"$value\" needs $cause" \
		t_mgr start -n "$name"
	assert_contains "$T_OUT" "which is not enabled on this host"
	assert_contains "$T_OUT" "allow_incomplete = 1"
	assert_eq STOPPED "$(t_mgr info -n "$name" -s -H)"
	assert_no_leftovers "$name"
	assert_fails -e "$key \"$value\" needs $cause" t_mgr start -n "$name" -F -- /bin/true
	assert_eq STOPPED "$(t_mgr info -n "$name" -s -H)"
	assert_no_leftovers "$name"
}

# runs NAME: it starts, an attached command works, it stops, nothing is left.
runs() {
	local name=$1
	assert_succeeds t_mgr start -n "$name"
	assert_eq RUNNING "$(t_mgr info -n "$name" -s -H)"
	assert_eq hello "$(t_mgr attach -n "$name" -- echo hello)"
	assert_eq hello "$(t_mgr attach -n "$name" -eLSM -- echo hello)"
	assert_succeeds t_mgr stop -n "$name" -k
	assert_no_leftovers "$name"
}

generated_refused() {
	need_no_apparmor
	t_ct_with lsm-gen apparmor.profile=generated
	refused lsm-gen apparmor.profile generated AppArmor
}

named_refused() {
	need_no_apparmor
	t_ct_with lsm-named apparmor.profile=lsm-web-profile
	refused lsm-named apparmor.profile lsm-web-profile AppArmor
	# Given for one start only, the same.
	t_ct_with lsm-define
	assert_fails -e "apparmor.profile \"generated\" needs AppArmor" \
		t_mgr start -n lsm-define -s mgr.apparmor.profile=generated
	assert_no_leftovers lsm-define
}

apparmor_incomplete() {
	need_no_apparmor
	t_ct_with lsm-aa-inc apparmor.profile=generated apparmor.allow_incomplete=1 \
		apparmor.allow_nesting=1
	runs lsm-aa-inc
	t_ct_with lsm-aa-inc2 apparmor.profile=lsm-web-profile apparmor.allow_incomplete=1
	runs lsm-aa-inc2
}

apparmor_unconfined_or_unset() {
	need_no_apparmor
	t_ct_with lsm-unconf apparmor.profile=unconfined
	runs lsm-unconf
	t_ct_with lsm-unset
	runs lsm-unset
}

selinux_refused() {
	need_no_selinux
	t_ct_with lsm-se selinux.context=system_u:system_r:container_t:s0
	refused lsm-se selinux.context system_u:system_r:container_t:s0 SELinux
	# apparmor.allow_incomplete is not the SELinux key.
	echo "mgr.apparmor.allow_incomplete = 1" >>"$T_PATH/lsm-se/config"
	assert_fails -e "selinux.allow_incomplete = 1" t_mgr start -n lsm-se
	assert_no_leftovers lsm-se
}

selinux_incomplete() {
	need_no_selinux
	t_ct_with lsm-se-inc selinux.context=system_u:system_r:container_t:s0 \
		selinux.allow_incomplete=1
	runs lsm-se-inc
}

bad_values() {
	t_ct_with lsm-bad
	assert_fails -e "white space" t_mgr start -n lsm-bad -s 'mgr.apparmor.profile=a b'
	assert_fails -e "USER:ROLE:TYPE" t_mgr start -n lsm-bad -s mgr.selinux.context=container_t
	assert_no_leftovers lsm-bad
}

# Where AppArmor is active: init runs in the generated profile, attached
# commands too (not with -e LSM), and the profile goes with the container.
apparmor_applied() {
	apparmor_active || t_skip "AppArmor is not active on this host"
	command -v apparmor_parser >/dev/null || t_skip "apparmor_parser is not installed"
	t_ct_with lsm-aa
	assert_succeeds t_mgr start -n lsm-aa
	local pid label
	pid=$(t_mgr info -n lsm-aa -p -H)
	label=$(cat /proc/"$pid"/attr/current)
	assert_contains "$label" "mgr-lsm-aa_"
	assert_contains "$(t_mgr attach -n lsm-aa -- cat /proc/self/attr/current)" "${label%% *}"
	assert_not_contains "$(t_mgr attach -n lsm-aa -eLSM -- cat /proc/self/attr/current)" \
		"${label%% *}"
	assert_fails t_mgr attach -n lsm-aa -- sh -c 'echo b > /proc/sysrq-trigger'
	assert_succeeds t_mgr stop -n lsm-aa -k
	if grep -qF "${label%% *}" /sys/kernel/security/apparmor/profiles 2>/dev/null; then
		t_fail "the profile ${label%% *} is still loaded"
	fi
	assert_no_leftovers lsm-aa
}

t_case "apparmor.profile = generated without AppArmor fails the start cleanly" generated_refused
t_case "a named apparmor.profile without AppArmor fails the start cleanly" named_refused
t_case "apparmor.allow_incomplete starts it unconfined" apparmor_incomplete
t_case "unconfined or no apparmor.profile starts without AppArmor" apparmor_unconfined_or_unset
t_case "selinux.context without SELinux fails the start cleanly" selinux_refused
t_case "selinux.allow_incomplete starts it unlabelled" selinux_incomplete
t_case "bad apparmor.profile and selinux.context values are refused" bad_values
t_case "init and attached commands get the generated AppArmor profile" apparmor_applied
