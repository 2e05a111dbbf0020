#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The debootstrap templates (mgr-debian, mgr-ubuntu): argument errors, help,
# real creates from a verified rootfs cache, the setup of the guest, and a
# damaged cache that must not be used.  The Ubuntu template runs against a
# Debian mirror and release, which exercises everything but the Ubuntu
# archive itself.
#
# The rootfs caches live in $MGR_TEST_CACHE, shared by every case of a run;
# when it is not set, one is made for this file and removed at its end.  The
# first create of each distribution downloads it (about a minute); a case
# that needs the network skips when deb.debian.org cannot be reached and
# nothing is cached.

. "$(dirname "$0")/lib.sh"

TPL_DIR=${MGR_TEMPLATE_DIR:-/usr/share/mgr/templates}
MIRROR=http://deb.debian.org/debian
t_use_test_cache

# t_create ARGS...: t_mgr create with the shared cache.
t_create() {
	MGR_CACHE_PATH=$MGR_TEST_CACHE t_mgr create "$@"
}

# t_create_in CACHE ARGS...: t_mgr create with another cache.
t_create_in() {
	local cache=$1
	shift
	MGR_CACHE_PATH=$cache t_mgr create "$@"
}

# Skips the case unless the mirror answers or CACHE (DIST/RELEASE-ARCH) is
# complete already.
need_mirror_or_cache() {
	[[ -f $MGR_TEST_CACHE/$1/rootfs.sum ]] && return 0
	command -v debootstrap >/dev/null || t_skip "debootstrap is not installed"
	wget -q --spider --tries=1 --timeout=15 "$MIRROR/dists/bookworm/Release" ||
		t_skip "$MIRROR cannot be reached and $1 is not cached"
}

host_arch() {
	dpkg --print-architecture
}

help_output() {
	local t
	for t in debian ubuntu; do
		assert_succeeds "$TPL_DIR/mgr-$t" --help
		assert_contains "$T_OUT" "--release"
		assert_contains "$T_OUT" "--auth-key"
		assert_contains "$T_OUT" "--flush-cache"
	done
	assert_succeeds "$TPL_DIR/mgr-debian" -h
	assert_contains "$T_OUT" "default: trixie"
	assert_succeeds "$TPL_DIR/mgr-ubuntu" --help
	assert_contains "$T_OUT" "default: resolute"
	assert_contains "$T_OUT" '"ubuntu"'
	# What logs in by default, and how to change it.
	for t in debian ubuntu; do
		assert_succeeds "$TPL_DIR/mgr-$t" --help
		assert_contains "$T_OUT" "no account has a password"
		assert_contains "$T_OUT" "--password=PW gives"
		assert_not_contains "$T_OUT" 'password "'
	done
	assert_succeeds "$TPL_DIR/mgr-busybox" --help
	assert_contains "$T_OUT" "root has an empty password"
	assert_contains "$T_OUT" "Nothing listens on the network"
}

argument_errors() {
	assert_fails -e 'unknown option "--bogus"' t_create -n badopt -t debian -- --bogus
	assert_fails -e 'unknown variant "huge"' t_create -n badvar -t debian -- --variant huge
	assert_fails -e '"Bob" is not a user name' t_create -n baduser -t ubuntu -- --user Bob
	assert_fails -e "cannot read the key file" t_create -n badkey -t debian -- \
		--auth-key "$T_WORK/none.pub"
	assert_fails -e '"-r" needs a value' t_create -n noval -t debian -- -r
	assert_fails -e "not a mirror URL" t_create -n badurl -t debian -- --mirror deb.debian.org
	assert_eq "" "$(ls -A "$T_PATH")" "contents of the container path"
}

bad_release() {
	wget -q --spider --tries=1 --timeout=15 "$MIRROR/dists/bookworm/Release" ||
		t_skip "$MIRROR cannot be reached"
	assert_fails -e 'release "nosuchrelease" not found on' \
		t_create -n badrel -t debian -- -r nosuchrelease
	assert_contains "$T_OUT" "$MIRROR"
	assert_fails -e "cannot reach the mirror http://nosuchhost.invalid/debian" \
		t_create -n badmirror -t debian -- --no-cache --mirror http://nosuchhost.invalid/debian
	assert_eq "" "$(ls -A "$T_PATH")" "contents of the container path"
	[[ ! -e $MGR_TEST_CACHE/debian/nosuchrelease-$(host_arch) ]] ||
		t_fail "a bad release left a cache directory"
}

# Checks the setup of guest NAME made with tty.max TTYS.
check_guest() {
	local name=$1 ttys=$2 r=$T_PATH/$1/rootfs i u
	assert_eq "$name" "$(chroot "$r" cat /etc/hostname)" "/etc/hostname"
	assert_contains "$(cat "$r/etc/hosts")" "127.0.1.1	$name"
	[[ -f $r/etc/machine-id && ! -s $r/etc/machine-id ]] || t_fail "/etc/machine-id is not empty"
	assert_eq /etc/machine-id "$(readlink "$r/var/lib/dbus/machine-id")" "dbus machine-id"
	assert_eq "LANG=C.UTF-8" "$(cat "$r/etc/default/locale")" "locale"
	[[ -e $r/etc/localtime ]] || t_fail "no /etc/localtime"
	[[ -s $r/etc/ssh/ssh_host_ed25519_key && -s $r/etc/ssh/ssh_host_rsa_key ]] ||
		t_fail "no ssh host keys"
	for ((i = 1; i <= ttys; i++)); do
		[[ -L $r/etc/systemd/system/getty.target.wants/getty@tty$i.service ]] ||
			t_fail "getty@tty$i is not enabled"
	done
	[[ ! -e $r/etc/systemd/system/getty.target.wants/getty@tty$((ttys + 1)).service ]] ||
		t_fail "getty@tty$((ttys + 1)) is enabled beyond tty.max"
	[[ -L $r/etc/systemd/system/getty.target.wants/console-getty.service ]] ||
		t_fail "console-getty is not enabled"
	assert_contains "$(cat "$r/etc/systemd/system/getty@.service.d/mgr-container.conf")" \
		"ConditionPathExists=/dev/%I"
	for u in getty@.service console-getty.service getty.target; do
		[[ ! -L $r/etc/systemd/system/$u ]] || t_fail "$u is masked"
	done
	for u in systemd-udevd.service systemd-udev-trigger.service sys-kernel-debug.mount; do
		assert_eq /dev/null "$(readlink "$r/etc/systemd/system/$u")" "$u masked"
	done
	assert_succeeds chroot "$r" systemctl is-enabled ssh.service
}

# The password field of ACCOUNT in ROOTFS's /etc/shadow.
shadow_field() {
	awk -F: -v u="$2" '$1 == u { print $2 }' "$1/etc/shadow"
}

# No account of ROOTFS but those named has a password: every field of
# /etc/shadow is locked ("!...") or "*", none is empty or a hash.
assert_no_passwords() {
	local r=$1 user field found=""
	shift
	while IFS=: read -r user field _; do
		[[ " $* " == *" $user "* ]] && continue
		case ${field:0:1} in
		'!'|'*') ;;
		*) found+="$user:$field " ;;
		esac
	done <"$r/etc/shadow"
	assert_eq "" "$found" "accounts with a password or an empty one"
}

debian_from_cache() {
	local cache start took
	cache=debian/trixie-$(host_arch)
	need_mirror_or_cache "$cache"
	# First create: fills the cache unless an earlier run did.
	assert_succeeds t_create -n deb1 -t debian
	[[ -f $MGR_TEST_CACHE/$cache/rootfs.sum ]] || t_fail "no rootfs.sum in the cache"
	assert_contains "$(cat "$MGR_TEST_CACHE/$cache/rootfs.sum")" " "

	echo "mgr.tty.max = 2" >"$T_WORK/tty2.conf"
	start=$(date +%s%N)
	assert_succeeds t_create -n deb2 -t debian -f "$T_WORK/tty2.conf"
	took=$((($(date +%s%N) - start) / 1000000))
	echo "create from the cache: $took ms"
	[[ $took -lt 15000 ]] || t_fail "a create from the cache took $took ms"

	check_guest deb1 4
	check_guest deb2 2
	# No --password: root is locked, and so is every other account.
	assert_no_passwords "$T_PATH/deb1/rootfs"
	assert_eq '!' "$(shadow_field "$T_PATH/deb1/rootfs" root | cut -c1)" "root's password locked"
	assert_contains "$(chroot "$T_PATH/deb1/rootfs" passwd -S root)" "root L "
	# Host keys are made per container and never cached.
	if cmp -s "$T_PATH/deb1/rootfs/etc/ssh/ssh_host_ed25519_key" \
		"$T_PATH/deb2/rootfs/etc/ssh/ssh_host_ed25519_key"; then
		t_fail "two containers share their ssh host key"
	fi
	[[ -z $(find "$MGR_TEST_CACHE/$cache/rootfs/etc/ssh" -name 'ssh_host_*') ]] ||
		t_fail "the cache holds ssh host keys"
	[[ ! -s $MGR_TEST_CACHE/$cache/rootfs/etc/machine-id ]] || t_fail "the cache holds a machine-id"
	# default.conf's eth0 on the default network: DHCP through networkd.
	assert_succeeds chroot "$T_PATH/deb1/rootfs" systemctl is-enabled systemd-networkd.service
	assert_contains "$(cat "$T_PATH/deb1/rootfs/etc/systemd/network/50-mgr-dhcp.network")" "DHCP=yes"

	local cfg
	cfg=$(cat "$T_PATH/deb1/config")
	assert_contains "$cfg" "mgr.include = "
	assert_contains "$cfg" "/debian.common.conf"
	assert_contains "$cfg" "mgr.arch = $(host_arch)"
	assert_contains "$cfg" "mgr.tty.max = 4"
	cfg=$(cat "$T_PATH/deb2/config")
	[[ $(grep -c 'tty\.max' <<<"$cfg") -eq 1 ]] || t_fail "tty.max added although the config has it"
	assert_eq STOPPED "$(t_mgr info -n deb2 -s -H)"
	assert_succeeds t_mgr destroy -n deb1
	assert_succeeds t_mgr destroy -n deb2
	assert_no_leftovers deb1 deb2
}

# A cache whose files do not match its sum, or without a sum, is never
# copied: the create tries to rebuild it (here against a mirror that cannot
# be reached, so it fails) and the bad tree is gone.
damaged_cache() {
	local cache scratch=$T_WORK/cache
	cache=debian/trixie-$(host_arch)
	[[ -f $MGR_TEST_CACHE/$cache/rootfs.sum ]] || t_skip "nothing cached (the create case did not run)"
	mkdir -p "$scratch/debian"
	cp -a --reflink=auto "$MGR_TEST_CACHE/$cache" "$scratch/debian/"
	echo corrupt >>"$scratch/$cache/rootfs/etc/debian_version"
	assert_fails -e "is incomplete or damaged: rebuilding it" \
		t_create_in "$scratch" -n dmg -t debian -- --mirror http://nosuchhost.invalid/debian
	assert_contains "$T_OUT" "cannot reach the mirror"
	[[ ! -e $scratch/$cache/rootfs ]] || t_fail "the damaged cache was kept"

	mkdir -p "$scratch/debian"
	cp -a --reflink=auto "$MGR_TEST_CACHE/$cache" "$scratch/debian/"
	rm "$scratch/$cache/rootfs.sum"
	assert_fails -e "is incomplete or damaged" \
		t_create_in "$scratch" -n half -t debian -- --mirror http://nosuchhost.invalid/debian
	assert_eq "" "$(ls -A "$T_PATH")" "contents of the container path"
}

ubuntu_via_debian_mirror() {
	local cache r home
	cache=ubuntu/bookworm-$(host_arch)
	need_mirror_or_cache "$cache"
	ssh-keygen -q -t ed25519 -N '' -C test@mgr -f "$T_WORK/key" ||
		t_skip "ssh-keygen is not installed"
	assert_succeeds t_create -n ubu1 -t ubuntu -- --release bookworm --mirror "$MIRROR" \
		--user bob --password pw --auth-key "$T_WORK/key.pub"
	r=$T_PATH/ubu1/rootfs
	check_guest ubu1 4
	assert_contains "$(cat "$T_PATH/ubu1/config")" "/ubuntu.common.conf"
	assert_contains "$(grep '^sudo:' "$r/etc/group")" bob
	! grep -q '^ubuntu:' "$r/etc/passwd" || t_fail "user ubuntu made although --user was given"
	home=$r/home/bob
	assert_eq "700 1000" "$(stat -c '%a %u' "$home/.ssh")" ".ssh mode and owner"
	assert_eq "600 1000" "$(stat -c '%a %u' "$home/.ssh/authorized_keys")" "authorized_keys"
	assert_eq "$(cat "$T_WORK/key.pub")" "$(cat "$home/.ssh/authorized_keys")" "authorized key"
	assert_succeeds chroot "$r" su -s /bin/sh bob -c id
	assert_contains "$T_OUT" "(sudo)"
	# bob has the password given; root has none.
	[[ $(shadow_field "$r" bob) == '$'* ]] || t_fail "bob's password is not a hash"
	assert_no_passwords "$r" bob
	[[ ! -e $r/etc/sudoers.d/mgr-bob ]] || t_fail "bob, who has a password, may sudo without it"

	# Defaults from the cache: the user "ubuntu", with no password (not
	# "ubuntu"), sudo without one, reached by mgr-attach only.
	assert_succeeds t_create -n ubu2 -t ubuntu -- --release bookworm --mirror "$MIRROR"
	r=$T_PATH/ubu2/rootfs
	assert_contains "$(grep '^sudo:' "$r/etc/group")" ubuntu
	assert_no_passwords "$r"
	assert_eq '!' "$(shadow_field "$r" ubuntu | cut -c1)" "ubuntu's password locked"
	assert_contains "$(chroot "$r" passwd -S ubuntu)" "ubuntu L "
	assert_eq "ubuntu ALL=(ALL:ALL) NOPASSWD: ALL" "$(cat "$r/etc/sudoers.d/mgr-ubuntu")"
	[[ ! -s $r/home/ubuntu/.ssh/authorized_keys ]] || t_fail "ubuntu has ssh keys"

	# A key and no password: "*", which no password matches but which
	# sshd takes as not locked, so the key logs in.
	assert_succeeds t_create -n ubu3 -t ubuntu -- --release bookworm --mirror "$MIRROR" \
		--auth-key "$T_WORK/key.pub"
	r=$T_PATH/ubu3/rootfs
	assert_eq '*' "$(shadow_field "$r" ubuntu)" "ubuntu's password with only a key"
	assert_no_passwords "$r"
	assert_eq "$(cat "$T_WORK/key.pub")" "$(cat "$r/home/ubuntu/.ssh/authorized_keys")"
	for name in ubu1 ubu2 ubu3; do
		assert_succeeds t_mgr destroy -n $name
	done
	assert_no_leftovers ubu1 ubu2 ubu3
}

# debian, which makes no user: root gets the --password or the --auth-key
# keys, and has no password otherwise.
debian_root_logins() {
	local cache r
	cache=debian/trixie-$(host_arch)
	need_mirror_or_cache "$cache"
	ssh-keygen -q -t ed25519 -N '' -C test@mgr -f "$T_WORK/rootkey" ||
		t_skip "ssh-keygen is not installed"
	assert_succeeds t_create -n debpw -t debian -- --password 'a secret'
	r=$T_PATH/debpw/rootfs
	[[ $(shadow_field "$r" root) == '$'* ]] || t_fail "root's password is not a hash"
	assert_no_passwords "$r" root
	assert_succeeds t_create -n debkey -t debian -- --auth-key "$T_WORK/rootkey.pub"
	r=$T_PATH/debkey/rootfs
	assert_eq '*' "$(shadow_field "$r" root)" "root's password with only a key"
	assert_no_passwords "$r"
	assert_eq "$(cat "$T_WORK/rootkey.pub")" "$(cat "$r/root/.ssh/authorized_keys")"
	# A user and no password: both locked.
	assert_succeeds t_create -n debuser -t debian -- --user carol
	r=$T_PATH/debuser/rootfs
	assert_no_passwords "$r"
	assert_eq '!!' "$(shadow_field "$r" root | cut -c1)$(shadow_field "$r" carol | cut -c1)" \
		"root and carol locked"
	for r in debpw debkey debuser; do
		assert_succeeds t_mgr destroy -n $r
	done
	assert_no_leftovers debpw debkey debuser
}

# busybox: root's empty password serves the console and ttys, which only
# mgr-console reaches; nothing of the container listens on the network.
busybox_no_network_login() {
	assert_succeeds t_mgr create -n bbnet -t busybox -f "$T_LO_CONF"
	local r=$T_PATH/bbnet/rootfs listening
	assert_eq "" "$(shadow_field "$r" root)" "root's password"
	assert_not_contains "$(cat "$r/etc/inittab" "$r/etc/init.d/rcS")" "telnetd"
	assert_succeeds t_mgr start -n bbnet
	sleep 1
	# Listening TCP sockets (state 0A) of the container's network namespace.
	listening=$(t_mgr attach -n bbnet -- sh -c 'cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; true' |
		awk '$4 == "0A"')
	assert_eq "" "$listening" "listening sockets in the container"
	assert_succeeds t_mgr stop -n bbnet -k
	assert_succeeds t_mgr destroy -n bbnet
	assert_no_leftovers bbnet
}

t_case "templates print their help" help_output
t_case "templates refuse bad arguments and leave nothing" argument_errors
t_case "a bad release or mirror fails clearly and leaves nothing" bad_release
t_case "debian: a second create copies the verified cache, guest set up" debian_from_cache
t_case "a damaged or half-written cache is never used" damaged_cache
t_case "ubuntu template against a Debian mirror: user, password, key" ubuntu_via_debian_mirror
t_case "debian: root has a password or key only when given" debian_root_logins
t_case "busybox: no login reachable over the network" busybox_no_network_login
