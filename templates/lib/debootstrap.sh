# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# The shared part of the debootstrap templates (mgr-debian, mgr-ubuntu).
# A template sets prog and tpl_dir (the directory it lives in), sources
# this file, describes its distribution and calls tpl_main "$@".  It sets:
#
#   DIST                 short name: the cache subdirectory and config fragment
#                        (DIST.common.conf)
#   DIST_NAME            for messages: "Debian"
#   DEFAULT_RELEASE      release built without --release
#   DEFAULT_RELEASE_WHAT what it is, for --help ("Debian 13, the current stable")
#   DEFAULT_COMPONENTS   archive components, comma separated
#   FALLBACK_SCRIPT      debootstrap script for releases newer than the
#                        installed debootstrap knows (sid, gutsy)
#   DEFAULT_USER         user created when --user is not given ("" for none);
#                        like every account, it has no password unless
#                        --password gives one
#
# and defines:
#
#   dist_mirror ARCH            the default archive mirror for ARCH
#   dist_security_mirror ARCH   the default security mirror (used when
#                               --mirror is not given either)
#   dist_packages RELEASE       packages of this release beyond VPS_PACKAGES
#   dist_sources_list           /etc/apt/sources.list for the guest, from
#                               $release $mirror $security_mirror $components
#
# Rootfs cache: ${MGR_CACHE_PATH:-/var/cache/mgr}/DIST/RELEASE-ARCH holds
#   lock         flock()ed while the cache is checked, built or copied
#   rootfs/      the debootstrapped tree, cleaned of per-machine files
#   rootfs.sum   "METHOD SHA256": written after rootfs/ is complete and
#                checked before each reuse; a tree that does not match it is
#                rebuilt, never copied
#   recipe       what was built (release, arch, variant, packages)
# A variant or package list other than the default gets its own cache,
# RELEASE-ARCH-HASH.  METHOD is "mgr-tree-sum" (the C helper, gnutls) or,
# where the helper was not built, "find-sha256sum": find(1) and
# sha256sum(1) over the same paths, types, modes, owners, link counts,
# sizes, symlink targets, device numbers and contents (without extended
# attributes).  A cache is verified with the method that recorded it.

# Packages a VPS needs on top of debootstrap's minbase, in every release.
VPS_PACKAGES=(
	systemd systemd-sysv dbus libpam-systemd
	iproute2 iputils-ping netbase ca-certificates openssh-server
	locales tzdata procps sudo less nano vim-tiny
)

# Units that cannot work or must not run in a container.
MASKED_UNITS=(
	# No udev: devices are the manager's business; /sys is read-only.
	systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
	systemd-udev-trigger.service systemd-udev-settle.service
	# Host kernel interfaces a guest has no business mounting.
	sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount
	sys-fs-fuse-connections.mount dev-hugepages.mount
	proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
	systemd-binfmt.service
	# The kernel audit socket belongs to the host.
	systemd-journald-audit.socket
	# Reads network settings from the kernel command line, which is the host's.
	systemd-network-generator.service
)

prog=${prog:-$(basename "$0")}
: "${tpl_dir:?the template must set tpl_dir before sourcing lib/debootstrap.sh}"

# --- messages ----------------------------------------------------------------

# Progress only on a terminal; warnings and errors always, on stderr.
say() {
	if [[ -t 1 ]]; then
		printf '%s: %s\n' "$prog" "$*"
	fi
}

warn() {
	printf '%s: warning: %s\n' "$prog" "$*" >&2
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

# --- options -------------------------------------------------------------------

tpl_usage() {
	local user_line who
	if [[ -n $DEFAULT_USER ]]; then
		user_line="user to create in group sudo (default: \"$DEFAULT_USER\")"
		who="\"$DEFAULT_USER\" (or the --user)"
	else
		user_line="user to create in group sudo (default: none)"
		who="root (or the --user)"
	fi
	cat <<EOF
Usage: $prog --path=DIR --name=NAME [--rootfs=ROOTFS] [OPTIONS]

Builds a $DIST_NAME system container with debootstrap in ROOTFS (default
DIR/rootfs) and adds its settings to DIR/config.  The first build of a
release downloads it into a cache (\$MGR_CACHE_PATH, default
/var/cache/mgr); later creates copy the cache after checking its SHA-256.

Options (after "--" on the mgr-create command line):
  -r, --release=NAME   release to install (default: $DEFAULT_RELEASE, $DEFAULT_RELEASE_WHAT)
  -a, --arch=ARCH      Debian architecture name (default: this host's,
                       $(host_arch))
      --mirror=URL     archive mirror (default: $(dist_mirror "$(host_arch)"))
      --security-mirror=URL
                       security updates mirror for the guest's apt sources
                       (default: $(dist_security_mirror "$(host_arch)"),
                       or the --mirror if one is given)
      --variant=NAME   debootstrap variant: minbase (default), buildd,
                       fakechroot or default
      --packages=A,B   more packages to install
      --keyring=FILE   keyring to check the archive's signature with
                       (default: the one debootstrap uses for the release)
      --flush-cache    rebuild the cache of this release first
      --no-cache       debootstrap straight into ROOTFS; no cache is used
      --user=NAME      $user_line
      --password=PW    the user's password (root's when there is no user);
                       a user without one logs in with its --auth-key
                       keys and may sudo without a password
      --auth-key=FILE  ssh public keys for the user (root's when there is
                       no user) to log in with
  -h, --help           show this help

Logins: by default no account has a password (each is locked in
/etc/shadow): no one logs in on the console, a tty or over ssh, and
"mgr-attach -n NAME" gives a root shell ("-- su -l USER": the user's).
--password=PW gives $who a password;
--auth-key=FILE lets the keys in FILE log in as that account over ssh.

Environment: MGR_CACHE_PATH (cache directory), MGR_CONFIG_DIR (config
fragments; default: ../config next to the templates directory).
EOF
}

host_arch() {
	dpkg --print-architecture 2>/dev/null || {
		case $(uname -m) in
		x86_64) echo amd64 ;;
		aarch64) echo arm64 ;;
		armv7l) echo armhf ;;
		i?86) echo i386 ;;
		ppc64le) echo ppc64el ;;
		*) uname -m ;;
		esac
	}
}

tpl_parse_args() {
	local opt val
	path='' name='' rootfs='' release='' arch='' mirror='' security_mirror=''
	variant=minbase packages='' keyring='' flush_cache=no use_cache=yes
	user='' user_given=no password='' password_given=no auth_key=''
	while [[ $# -gt 0 ]]; do
		opt=$1
		case $opt in
		--*=*)
			val=${opt#*=}
			opt=${opt%%=*}
			;;
		-r|-a|--path|--name|--rootfs|--release|--arch|--mirror|--security-mirror|\
		--variant|--packages|--keyring|--user|--password|--auth-key)
			[[ $# -ge 2 ]] || die "option \"$opt\" needs a value"
			val=$2
			shift
			;;
		-h|--help)
			tpl_usage
			exit 0
			;;
		--flush-cache) flush_cache=yes; shift; continue ;;
		--no-cache) use_cache=no; shift; continue ;;
		*)
			die "unknown option \"$opt\" (see --help)"
			;;
		esac
		shift
		case $opt in
		--path) path=$val ;;
		--name) name=$val ;;
		--rootfs) rootfs=$val ;;
		-r|--release) release=$val ;;
		-a|--arch) arch=$val ;;
		--mirror) mirror=${val%/} ;;
		--security-mirror) security_mirror=${val%/} ;;
		--variant) variant=$val ;;
		--packages) packages=$val ;;
		--keyring) keyring=$val ;;
		--user) user=$val; user_given=yes ;;
		--password) password=$val; password_given=yes ;;
		--auth-key) auth_key=$val ;;
		*) die "unknown option \"$opt\" (see --help)" ;;
		esac
	done
}

tpl_check_args() {
	[[ -n $path ]] || die "--path is required"
	[[ -n $name ]] || die "--name is required"
	[[ -n $rootfs ]] || rootfs=$path/rootfs
	config=$path/config

	release=${release:-$DEFAULT_RELEASE}
	[[ $release =~ ^[a-z][a-z0-9.-]*$ ]] || die "\"$release\" is not a release name"
	arch=${arch:-$(host_arch)}
	[[ $arch =~ ^[a-z0-9]+$ ]] || die "\"$arch\" is not a Debian architecture name"
	mirror_given=yes
	if [[ -z $mirror ]]; then
		mirror=$(dist_mirror "$arch")
		mirror_given=no
	fi
	if [[ -z $security_mirror ]]; then
		if [[ $mirror_given == yes ]]; then
			security_mirror=$mirror
		else
			security_mirror=$(dist_security_mirror "$arch")
		fi
	fi
	local m
	for m in "$mirror" "$security_mirror"; do
		[[ $m =~ ^(https?|ftp|file):/// ]] || [[ $m =~ ^(https?|ftp)://[^/]+ ]] ||
			die "\"$m\" is not a mirror URL (http://, https://, ftp:// or file:///)"
	done
	case $variant in
	minbase|buildd|fakechroot|default) ;;
	*) die "unknown variant \"$variant\" (minbase, buildd, fakechroot or default)" ;;
	esac
	if [[ -n $packages ]]; then
		local p list
		IFS=', ' read -r -a list <<<"$packages"
		for p in "${list[@]}"; do
			[[ $p =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || die "\"$p\" is not a package name"
		done
	fi
	if [[ -n $keyring && ! -r $keyring ]]; then
		die "cannot read the keyring \"$keyring\""
	fi
	if [[ $user_given == yes ]]; then
		[[ $user =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] ||
			die "\"$user\" is not a user name (lower case letters, digits, '_' and '-')"
	else
		user=$DEFAULT_USER
	fi
	if [[ $password_given == yes ]]; then
		[[ -n $password ]] || die "--password needs a password; leave it out for none"
		[[ $password != *$'\n'* ]] || die "a password cannot contain a newline"
	fi
	if [[ -n $auth_key ]]; then
		[[ -f $auth_key && -r $auth_key ]] || die "cannot read the key file \"$auth_key\""
		grep -q -E '^[[:space:]]*[^#[:space:]]' "$auth_key" ||
			die "\"$auth_key\" holds no key"
	fi
	[[ $EUID -eq 0 ]] || die "debootstrap needs root: run mgr-create as root"
	local cmd
	for cmd in debootstrap chroot wget flock sha256sum; do
		command -v "$cmd" >/dev/null || die "\"$cmd\" is not installed (apt-get install ${cmd/sha256sum/coreutils})"
	done
}

# --- the container's config ------------------------------------------------------

# The last value of KEY (mgr. or lxc. prefix) in the container's config.
config_get() {
	[[ -f $config ]] || return 0
	sed -n "s/^[[:space:]]*\\(mgr\\|lxc\\)\\.${1//./\\.}[[:space:]]*=[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$/\\2/p" \
		"$config" | tail -n 1
}

config_has() {
	[[ -f $config ]] &&
		grep -q -E "^[[:space:]]*(mgr|lxc)\\.${1//./\\.}[[:space:]]*=" "$config"
}

config_header_done=no
config_add() {
	if [[ $config_header_done == no ]]; then
		printf '\n# Added by the %s template\n' "$DIST" >>"$config" || die "cannot write \"$config\""
		config_header_done=yes
	fi
	echo "mgr.$1 = $2" >>"$config" || die "cannot write \"$config\""
}

# tty.max, and the network the container will have: "host" (it shares the
# host's), "lo" (only a loopback) or the interfaces it gets (eth0 ...).
read_container_config() {
	tty_max=$(config_get tty.max)
	tty_from_config=yes
	if [[ -z $tty_max ]]; then
		tty_max=4
		tty_from_config=no
	fi
	[[ $tty_max =~ ^[0-9]+$ ]] || die "$config: tty.max \"$tty_max\" is not a number"

	net_mode=lo
	net_ifaces=()
	[[ -f $config ]] || return 0
	if [[ " $(config_get namespace.keep) " == *" net "* || " $(config_get namespace.keep) " == *" network "* ]]; then
		net_mode=host
		return 0
	fi
	local idx type ifname
	while read -r idx; do
		type=$(config_get "net.$idx.type")
		case $type in
		none)
			net_mode=host
			return 0
			;;
		empty|'') ;;
		*)
			ifname=$(config_get "net.$idx.name")
			net_ifaces+=("${ifname:-eth$idx}")
			;;
		esac
	done < <(sed -n 's/^[[:space:]]*\(mgr\|lxc\)\.net\.\([0-9]\+\)\.type[[:space:]]*=.*/\2/p' "$config" | sort -un)
	[[ ${#net_ifaces[@]} -eq 0 ]] || net_mode=iface
}

# --- cleanup ---------------------------------------------------------------------

# Unmounts whatever is mounted below DIR (debootstrap mounts /proc and /sys
# in its target and may be interrupted), deepest first.
unmount_below() {
	local dir mnt
	dir=$(readlink -f "$1" 2>/dev/null) || return 0
	awk -v p="$dir/" 'index($5, p) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mnt; do
			umount -l "$mnt" 2>/dev/null || true
		done
}

remove_tree() {
	[[ -e $1 || -L $1 ]] || return 0
	unmount_below "$1"
	rm -rf --one-file-system "$1"
}

cleanup_paths=()
cache_dir='' lock_fd='' work='' child_pid=''

# On a signal: stop debootstrap first, then clean up as on any exit.
tpl_signal() {
	trap '' HUP INT TERM PIPE
	if [[ -n $child_pid ]]; then
		kill -TERM "$child_pid" 2>/dev/null
		wait "$child_pid" 2>/dev/null
	fi
	exit "$1"
}

tpl_cleanup() {
	local rc=$? p
	for p in "${cleanup_paths[@]}"; do
		remove_tree "$p"
	done
	# What debootstrap left mounted in a direct (--no-cache) build.
	[[ -n ${rootfs:-} ]] && unmount_below "$rootfs"
	# A first build that failed leaves no empty cache directory behind.
	[[ $rc -ne 0 && -n $lock_fd ]] && cache_drop_if_empty
	[[ -n $work ]] && rm -rf "$work"
	return 0
}

# --- the archive -------------------------------------------------------------------

# The debootstrap script for the release; releases newer than the installed
# debootstrap use its generic script for the distribution.
choose_script() {
	local dir=/usr/share/debootstrap/scripts
	if [[ -f $dir/$release ]]; then
		script=$dir/$release
	else
		script=$dir/$FALLBACK_SCRIPT
		[[ -f $script ]] || die "debootstrap has no script \"$FALLBACK_SCRIPT\" (is debootstrap installed?)"
		say "debootstrap does not know \"$release\"; using its \"$FALLBACK_SCRIPT\" script"
	fi
	if [[ -z $keyring ]]; then
		keyring=$(sed -n 's/^[[:space:]]*keyring[[:space:]]\+\([^[:space:]]\+\).*/\1/p' "$script" | head -n 1)
		if [[ -n $keyring && ! -f $keyring ]]; then
			local pkg=debian-archive-keyring
			[[ $keyring == *ubuntu* ]] && pkg=ubuntu-keyring
			die "cannot check the signature of $DIST_NAME \"$release\": the keyring $keyring is missing (install $pkg, or pass --keyring=FILE)"
		fi
	fi
}

# Fetches the release's Release file from the mirror: tells an unreachable
# mirror from a missing release before anything is downloaded, and gives
# the architectures and components the mirror has.
probe_mirror() {
	local url=$mirror/dists/$release/Release out=$work/Release err=$work/wget.err rc=0 why
	say "Checking $mirror for $DIST_NAME \"$release\""
	case $mirror in
	file://*)
		cp "${url#file://}" "$out" 2>"$err" || rc=8
		;;
	*)
		wget -nv --tries=2 --timeout=20 -O "$out" "$url" 2>"$err" || rc=$?
		;;
	esac
	if [[ $rc -ne 0 ]]; then
		# wget's reason without its time stamp and URL.
		why=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1 |
			sed -e 's/^wget: //' -e 's/^.*\(ERROR [0-9]*\): \(.*\)\.$/\1 \2/')
		case $rc in
		4) die "cannot reach the mirror $mirror: ${why:-network failure} (use --mirror=URL for another mirror, or check the network and proxy settings)" ;;
		5) die "cannot reach the mirror $mirror: TLS certificate check failed: $why" ;;
		8) die "$DIST_NAME release \"$release\" not found on $mirror (dists/$release/Release: ${why:-not found}); check --release, or --mirror for the distribution" ;;
		*) die "cannot download $url (wget exit status $rc): $why" ;;
		esac
	fi

	local have_arches have_comps c kept=()
	have_arches=$(sed -n 's/^Architectures:[[:space:]]*//p' "$out")
	if [[ -n $have_arches && " $have_arches " != *" $arch "* ]]; then
		die "$mirror has no \"$arch\" packages for \"$release\" (it has: $have_arches)"
	fi
	have_comps=$(sed -n 's/^Components:[[:space:]]*//p' "$out")
	if [[ -n $have_comps ]]; then
		local wanted
		IFS=',' read -r -a wanted <<<"$components"
		for c in "${wanted[@]}"; do
			if [[ " $have_comps " == *" $c "* || " $have_comps " == *"/$c "* ]]; then
				kept+=("$c")
			else
				warn "$mirror has no component \"$c\" for \"$release\": left out"
			fi
		done
		[[ ${#kept[@]} -gt 0 ]] || die "$mirror has none of the components $components for \"$release\""
		components=$(IFS=,; echo "${kept[*]}")
	fi
}

package_list() {
	local list=("${VPS_PACKAGES[@]}") extra
	# shellcheck disable=SC2207
	list+=($(dist_packages "$release"))
	if [[ -n $packages ]]; then
		IFS=', ' read -r -a extra <<<"$packages"
		list+=("${extra[@]}")
	fi
	printf '%s\n' "${list[@]}" | sed '/^$/d' | sort -u | paste -sd, -
}

# Runs debootstrap into TARGET: its output on a terminal, else in a log
# that is shown when it fails.
run_debootstrap() {
	local target=$1 log=$work/debootstrap.log rc=0 args
	args=(--arch="$arch" --components="$components" --include="$(package_list)"
	      --force-check-gpg)
	[[ $variant == default ]] || args+=(--variant="$variant")
	[[ -n $keyring ]] && args+=(--keyring="$keyring")
	args+=("$release" "$target" "$mirror" "$script")

	say "Running debootstrap for $DIST_NAME $release ($arch) from $mirror; this takes a minute or more"
	# In the background, so that a signal to this script ends it at once.
	local out_fd tee_pid=''
	if [[ -t 1 ]]; then
		exec {out_fd}> >(tee "$log")
		tee_pid=$!
	else
		exec {out_fd}>"$log"
	fi
	debootstrap "${args[@]}" >&"$out_fd" 2>&1 &
	child_pid=$!
	wait "$child_pid" || rc=$?
	child_pid=''
	exec {out_fd}>&-
	[[ -z $tee_pid ]] || wait "$tee_pid" || true
	[[ $rc -eq 0 ]] && return 0

	{
		echo "$prog: debootstrap of $DIST_NAME \"$release\" ($arch) from $mirror failed (exit status $rc):"
		if grep -q '^E:' "$log"; then
			grep '^E:' "$log"
		else
			tail -n 15 "$log"
		fi
		if grep -q 'debootstrap.log' "$log" && [[ -f $target/debootstrap/debootstrap.log ]]; then
			echo "Last lines of $target/debootstrap/debootstrap.log:"
			tail -n 10 "$target/debootstrap/debootstrap.log"
		fi
		if grep -q -i -E 'failed getting|couldn.t download|unable to resolve|connection (refused|timed out)|temporary failure' "$log"; then
			echo "Downloading from $mirror failed: check the mirror (--mirror=URL) and the network."
		fi
		if grep -q 'Unable to execute target architecture' "$log"; then
			echo "\"$arch\" programs cannot run on this $(host_arch) host: install qemu-user-static and binfmt-support, or build for $(host_arch)."
		fi
	} >&2
	exit 1
}

# Removes what belongs to one machine, not to a release, from a fresh tree.
clean_base() {
	local r=$1
	rm -f "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin
	find "$r/var/lib/apt/lists" -maxdepth 1 -type f -delete 2>/dev/null || true
	rm -f "$r"/etc/ssh/ssh_host_*
	rm -f "$r/etc/hostname"
	[[ -L $r/etc/resolv.conf ]] || rm -f "$r/etc/resolv.conf"
	rm -f "$r/etc/machine-id" "$r/var/lib/dbus/machine-id"
	: >"$r/etc/machine-id"
	chmod 444 "$r/etc/machine-id"
}

# --- tree sums -------------------------------------------------------------------

# The C helper: $MGR_TREE_SUM, $MGR_LIBEXEC_DIR, the installation this
# template belongs to (PREFIX/share/mgr/templates -> PREFIX/libexec/mgr),
# then $PATH (a build tree).
tree_sum_helper() {
	local c
	for c in "${MGR_TREE_SUM:-}" "${MGR_LIBEXEC_DIR:+$MGR_LIBEXEC_DIR/mgr-tree-sum}" \
		 "$tpl_dir/../../../libexec/mgr/mgr-tree-sum" "$(command -v mgr-tree-sum 2>/dev/null)"; do
		if [[ -n $c && -x $c && -f $c ]]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

tree_sum_method() {
	if tree_sum_helper >/dev/null; then
		echo mgr-tree-sum
	else
		echo find-sha256sum
	fi
}

# tree_sum METHOD DIR: prints the digest; fails if METHOD is not available.
tree_sum() {
	local helper
	case $1 in
	mgr-tree-sum)
		helper=$(tree_sum_helper) || return 1
		"$helper" "$2"
		;;
	find-sha256sum)
		(
			cd "$2" || exit 1
			export LC_ALL=C
			{
				find . -xdev -printf '%P\t%y %m %U %G %n %s\t%l\0' | sort -z
				find . -xdev \( -type b -o -type c \) -print0 | sort -z |
					xargs -0r stat -c '%n %t:%T'
				find . -xdev -type f -print0 | sort -z | xargs -0r sha256sum
			} | sha256sum | cut -d' ' -f1
		)
		;;
	*)
		return 1
		;;
	esac
}

# --- the cache -----------------------------------------------------------------------

# Takes the cache's lock (exclusive), waiting for another create if needed.
# The lock file is removed when a first build fails, so a waiter checks
# that the file it locked is still the one in place.
cache_lock() {
	local lock=$cache_dir/lock
	while :; do
		mkdir -p "$cache_dir" || die "cannot create the cache directory \"$cache_dir\""
		exec {lock_fd}>>"$lock" || die "cannot open \"$lock\""
		if ! flock -n -x "$lock_fd"; then
			say "Waiting for another create that is using the cache $cache_dir"
			flock -x "$lock_fd" || die "cannot lock \"$lock\""
		fi
		if [[ $(stat -c '%d:%i' "$lock" 2>/dev/null) == "$(stat -L -c '%d:%i' "/dev/fd/$lock_fd")" ]]; then
			return 0
		fi
		exec {lock_fd}>&-
		lock_fd=''
	done
}

cache_unlock() {
	exec {lock_fd}>&-
	lock_fd=''
}

# True if the cache is complete and matches its recorded sum.
cache_valid() {
	local method recorded actual
	[[ -d $cache_dir/rootfs && -f $cache_dir/rootfs.sum ]] || return 1
	read -r method recorded <"$cache_dir/rootfs.sum" || return 1
	[[ $recorded =~ ^[0-9a-f]{64}$ ]] || return 1
	if ! actual=$(tree_sum "$method" "$cache_dir/rootfs"); then
		warn "cannot check the cache $cache_dir with \"$method\""
		return 1
	fi
	[[ $actual == "$recorded" ]]
}

# Builds the cache (the lock is held): debootstrap into rootfs.new, clean
# it, record its sum, then move it in place and write rootfs.sum last.
cache_build() {
	local new=$cache_dir/rootfs.new method sum
	remove_tree "$new"
	cleanup_paths+=("$new")
	run_debootstrap "$new"
	clean_base "$new"
	method=$(tree_sum_method)
	sum=$(tree_sum "$method" "$new") || die "cannot compute the SHA-256 of \"$new\""
	mv "$new" "$cache_dir/rootfs" || die "cannot move \"$new\" into place"
	printf 'dist %s\nrelease %s\narch %s\nvariant %s\ncomponents %s\npackages %s\nbuilt %s from %s\n' \
		"$DIST" "$release" "$arch" "$variant" "$components" "$(package_list)" \
		"$(date -u +%FT%TZ)" "$mirror" >"$cache_dir/recipe"
	if ! printf '%s %s\n' "$method" "$sum" >"$cache_dir/rootfs.sum.new" ||
	   ! mv -f "$cache_dir/rootfs.sum.new" "$cache_dir/rootfs.sum"; then
		die "cannot write \"$cache_dir/rootfs.sum\""
	fi
	say "Cached $DIST_NAME $release ($arch) in $cache_dir ($method $sum)"
}

# Removes a cache directory that holds nothing but its lock (a first build
# that failed), so that a bad release leaves nothing behind.
cache_drop_if_empty() {
	[[ -d $cache_dir ]] || return 0
	[[ -e $cache_dir/rootfs || -e $cache_dir/rootfs.sum ]] && return 0
	rm -f "$cache_dir/lock" "$cache_dir/recipe" "$cache_dir/rootfs.sum.new"
	rmdir "$cache_dir" 2>/dev/null || true
	rmdir "${cache_dir%/*}" 2>/dev/null || true
}

# Copies SRC's contents into DST, with a progress line on a terminal.
copy_tree() {
	local src=$1 dst=$2 pid total done_mb start=$SECONDS
	if [[ ! -t 1 ]]; then
		cp -a --reflink=auto "$src/." "$dst/" || die "cannot copy \"$src\" to \"$dst\""
		return 0
	fi
	total=$(du -sm "$src" | cut -f1)
	cp -a --reflink=auto "$src/." "$dst/" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		done_mb=$(du -sm "$dst" 2>/dev/null | cut -f1)
		printf '\r%s: copying the cached rootfs: %s of %s MB ' "$prog" "${done_mb:-0}" "$total"
		sleep 0.5
	done
	wait "$pid" || { echo; die "cannot copy \"$src\" to \"$dst\""; }
	printf '\r%s: copied the cached rootfs: %s MB in %d s    \n' "$prog" "$total" $((SECONDS - start))
}

# The cache directory of this release, arch, variant and package set.
cache_dir_name() {
	local base=${MGR_CACHE_PATH:-/var/cache/mgr}/$DIST/$release-$arch
	if [[ $variant == minbase && -z $packages ]]; then
		echo "$base"
	else
		echo "$base-$(printf '%s %s %s' "$variant" "$(package_list)" "$components" |
			sha256sum | cut -c1-8)"
	fi
}

# Fills $rootfs from the cache, building or rebuilding the cache first if
# it is missing, incomplete or damaged.
rootfs_from_cache() {
	cache_dir=$(cache_dir_name)
	cache_lock
	if [[ $flush_cache == yes ]]; then
		say "Flushing the cache $cache_dir"
		remove_tree "$cache_dir/rootfs"
		rm -f "$cache_dir/rootfs.sum" "$cache_dir/recipe"
	fi
	if cache_valid; then
		say "Using the cache $cache_dir (SHA-256 checked)"
		# The components the mirror had when the cache was built.
		local c
		c=$(sed -n 's/^components //p' "$cache_dir/recipe" 2>/dev/null)
		[[ -z $c ]] || components=$c
	else
		if [[ -e $cache_dir/rootfs || -e $cache_dir/rootfs.sum ]]; then
			warn "the cache $cache_dir is incomplete or damaged: rebuilding it"
		fi
		remove_tree "$cache_dir/rootfs"
		rm -f "$cache_dir/rootfs.sum"
		probe_mirror
		choose_script
		cache_build
	fi
	# Others may read the cache while this create copies it.
	flock -s "$lock_fd" || die "cannot lock \"$cache_dir/lock\""
	copy_tree "$cache_dir/rootfs" "$rootfs"
	cache_unlock
}

rootfs_direct() {
	probe_mirror
	choose_script
	run_debootstrap "$rootfs"
	clean_base "$rootfs"
}

# --- guest setup: on the container's copy, never on the cache ---------------------

# The host path of PATH (absolute, inside the guest) whose parent directory
# must resolve inside the rootfs: a symlink in the tree must not send a
# write to the host.
in_root() {
	local dir parent
	dir=$(dirname "$1")
	parent=$(readlink -f "$rootfs$dir") || die "cannot resolve \"$dir\" in \"$rootfs\""
	[[ $parent == "$root_real" || $parent == "$root_real"/* ]] ||
		die "refusing to write \"$1\": \"$dir\" leads out of \"$rootfs\""
	echo "$parent/$(basename "$1")"
}

# write_guest_file PATH MODE < CONTENTS
write_guest_file() {
	local f
	f=$(in_root "$1")
	rm -f "$f"
	cat >"$f" || die "cannot write \"$f\""
	chmod "$2" "$f"
}

# The host path of the directory PATH, which must resolve inside the rootfs.
in_root_dir() {
	local d
	d=$(readlink -f "$rootfs$1") || die "cannot resolve \"$1\" in \"$rootfs\""
	[[ $d == "$root_real" || $d == "$root_real"/* ]] ||
		die "refusing to use \"$1\": it leads out of \"$rootfs\""
	echo "$d"
}

guest_mkdir() {
	local d
	d=$(in_root "$1")
	[[ -d $d && ! -L $d ]] || mkdir -m "$2" "$d" || die "cannot create \"$d\""
}

# Runs a program of the guest, with a clean environment.
in_chroot() {
	chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"
}

# True if the guest has the unit (for an instance: its template).
unit_exists() {
	local d u=$1
	[[ $u == *@?*.* ]] && u=${u%%@*}@.${u##*.}
	for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		[[ -e $rootfs$d/$u || -L $rootfs$d/$u ]] && return 0
	done
	return 1
}

# systemctl of the guest, offline, on the units that exist.
guest_systemctl() {
	local verb=$1 u units=()
	shift
	for u in "$@"; do
		unit_exists "$u" && units+=("$u")
	done
	[[ ${#units[@]} -eq 0 ]] && return 0
	in_chroot systemctl --quiet "$verb" "${units[@]}" ||
		die "systemctl $verb ${units[*]} failed in \"$rootfs\""
}

# Masks a unit unless the guest's /etc already has a unit file of that name.
mask_unit() {
	local f
	f=$(in_root "/etc/systemd/system/$1")
	[[ -e $f && ! -L $f ]] && return 0
	ln -sfn /dev/null "$f" || die "cannot mask \"$1\""
}

unmask_unit() {
	local f
	f=$(in_root "/etc/systemd/system/$1")
	if [[ -L $f && $(readlink "$f") == /dev/null ]]; then
		rm -f "$f"
	fi
}

setup_identity() {
	local aliases=$name
	[[ $name == *.* ]] && aliases="$name ${name%%.*}"
	echo "$name" | write_guest_file /etc/hostname 644
	write_guest_file /etc/hosts 644 <<EOT
127.0.0.1	localhost
127.0.1.1	$aliases
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOT
	# Empty: systemd makes up this machine's ID at its first boot.
	: | write_guest_file /etc/machine-id 444
	guest_mkdir /var/lib/dbus 755
	local dbus_id
	dbus_id=$(in_root /var/lib/dbus/machine-id)
	rm -f "$dbus_id"
	ln -s /etc/machine-id "$dbus_id"
	write_guest_file /etc/fstab 644 <<'EOT'
# The container's filesystems are mounted by the manager (mgr.mount.* in
# the container's config); nothing to do here.
EOT
}

# Normalized locale name: en_US.UTF-8 and en_US.utf8 are the same.
locale_key() {
	local l=${1,,}
	echo "${l//-/}"
}

host_has_locale() {
	local want line
	want=$(locale_key "$1")
	while read -r line; do
		[[ $(locale_key "$line") == "$want" ]] && return 0
	done < <(locale -a 2>/dev/null)
	return 1
}

# C.UTF-8, or the host's $LANG if the host has that locale and the guest
# can generate it.
setup_locale() {
	local lang=C.UTF-8 want=${LANG:-} line
	case $want in
	''|C|POSIX|C.UTF-8|C.utf8) ;;
	*)
		if host_has_locale "$want" && [[ -f $rootfs/etc/locale.gen ]]; then
			line=$(awk -v w="$want" '$1 == w { print; exit }' \
				"$rootfs/usr/share/i18n/SUPPORTED" 2>/dev/null)
			if [[ -n $line ]]; then
				echo "$line" >>"$(in_root /etc/locale.gen)"
				if in_chroot locale-gen >/dev/null 2>&1; then
					lang=$want
				else
					warn "could not generate the locale $want in the guest; using C.UTF-8"
				fi
			fi
		fi
		;;
	esac
	printf 'LANG=%s\n' "$lang" | write_guest_file /etc/default/locale 644
	guest_lang=$lang
}

# Etc/UTC, or the host's zone if the guest has it.
setup_timezone() {
	local tz=Etc/UTC host_tz='' link
	if [[ -s /etc/timezone ]]; then
		host_tz=$(head -n 1 /etc/timezone)
	elif link=$(readlink /etc/localtime 2>/dev/null); then
		host_tz=${link#*zoneinfo/}
	fi
	if [[ $host_tz =~ ^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$ &&
	      -f $rootfs/usr/share/zoneinfo/$host_tz ]]; then
		tz=$host_tz
	fi
	link=$(in_root /etc/localtime)
	rm -f "$link"
	ln -s "/usr/share/zoneinfo/$tz" "$link"
	echo "$tz" | write_guest_file /etc/timezone 644
	guest_tz=$tz
}

setup_apt() {
	dist_sources_list | write_guest_file /etc/apt/sources.list 644
}

# DHCP on the interfaces the container gets; with only a loopback, no
# network service at all (not even the resolver); sharing the host's
# network, nothing that would configure it.
setup_network() {
	local have_resolved=no resolv
	unit_exists systemd-resolved.service && have_resolved=yes
	case $net_mode in
	iface)
		guest_mkdir /etc/systemd/network 755
		write_guest_file /etc/systemd/network/50-mgr-dhcp.network 644 <<EOT
# Written by the $DIST template: DHCP on the container's interfaces.
[Match]
Name=${net_ifaces[*]}

[Network]
DHCP=yes

[DHCPv4]
# The DHCP server's domain becomes the search domain: other containers
# answer to their bare names where its DNS knows them (mgr-net's does).
UseDomains=yes
EOT
		guest_systemctl enable systemd-networkd.service
		;;
	lo)
		# Nothing to configure and nothing to resolve beyond /etc/hosts.
		guest_systemctl disable systemd-networkd.service systemd-networkd.socket \
			systemd-networkd-wait-online.service systemd-resolved.service
		have_resolved=no
		;;
	host)
		local u
		for u in systemd-networkd.service systemd-networkd.socket \
			 systemd-networkd-wait-online.service systemd-resolved.service; do
			mask_unit "$u"
		done
		have_resolved=no
		;;
	esac
	resolv=$(in_root /etc/resolv.conf)
	rm -f "$resolv"
	if [[ $have_resolved == yes ]]; then
		guest_systemctl enable systemd-resolved.service
		ln -s ../run/systemd/resolve/stub-resolv.conf "$resolv"
	else
		# The host's servers, as a starting point.
		grep -E '^[[:space:]]*(nameserver|search|domain|options)' /etc/resolv.conf 2>/dev/null |
			write_guest_file /etc/resolv.conf 644
	fi
}

# getty@ttyN on each of the tty.max terminals (ptys the manager binds on
# /dev/ttyN) and console-getty on /dev/console.
setup_gettys() {
	local i wants f u
	guest_mkdir /etc/systemd/system/getty@.service.d 755
	write_guest_file /etc/systemd/system/getty@.service.d/mgr-container.conf 644 <<'EOT'
# Written by the template.  In a container the ttys are ptys the manager
# binds on /dev/ttyN: there is no /dev/tty0 to require and no virtual
# console to deallocate.
[Unit]
ConditionPathExists=
ConditionPathExists=/dev/%I

[Service]
TTYVTDisallocate=no
EOT
	guest_mkdir /etc/systemd/system/getty.target.wants 755
	wants=$(in_root_dir /etc/systemd/system/getty.target.wants)
	for f in "$wants"/getty@tty*.service; do
		[[ -L $f ]] && rm -f "$f"
	done
	for u in getty@.service console-getty.service getty.target; do
		unmask_unit "$u"
	done
	for ((i = 1; i <= tty_max; i++)); do
		guest_systemctl enable "getty@tty$i.service"
	done
	guest_systemctl enable console-getty.service
}

setup_units() {
	local u
	for u in "${MASKED_UNITS[@]}"; do
		mask_unit "$u"
	done
}

# New host keys for this container: never shared through the cache.
setup_ssh() {
	local d
	[[ -d $rootfs/etc/ssh ]] || return 0
	d=$(in_root_dir /etc/ssh)
	rm -f "$d"/ssh_host_*
	if [[ -x $rootfs/usr/bin/ssh-keygen ]]; then
		in_chroot ssh-keygen -A >/dev/null || die "cannot generate the ssh host keys in \"$rootfs\""
		# A clone has its keys removed (mgr-copy): sshd makes new ones
		# before it starts.  ssh-keygen -A only makes the missing ones.
		guest_mkdir /etc/systemd/system/ssh.service.d 755
		write_guest_file /etc/systemd/system/ssh.service.d/mgr-host-keys.conf 644 <<'EOT'
# Written by the template: host keys are per container; make any missing
# before the unit's own configuration check.
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOT
	fi
}

# No password anyone could type: locked ("!"), or "*" for the account that
# logs in with the --auth-key keys (no hash matches "*" either, and sshd
# refuses keys to a "!" account when it does not use PAM).
lock_password() {
	local who=$1
	if [[ -n $auth_key && $who == "${user:-root}" ]]; then
		in_chroot usermod -p '*' "$who"
	else
		in_chroot usermod -L "$who"
	fi || die "cannot lock the password of \"$who\""
}

# The --user (or the distribution's default user), its password and key;
# root's when there is no user.  Only --password gives an account a
# password: root and the user are locked otherwise.
setup_users() {
	local who=${user:-root} entry uid gid home
	if [[ $who != root ]]; then
		if grep -q "^$who:" "$rootfs/etc/passwd"; then
			in_chroot usermod -a -G sudo "$who" || die "cannot add \"$who\" to group sudo"
		else
			in_chroot useradd --create-home --shell /bin/bash --groups sudo,adm \
				--comment "$who" "$who" || die "cannot create the user \"$who\""
		fi
		lock_password root
	fi
	if [[ -n $password ]]; then
		printf '%s:%s\n' "$who" "$password" | in_chroot chpasswd ||
			die "cannot set the password of \"$who\""
	else
		lock_password "$who"
		# No password to give sudo: key or mgr-attach logins only.
		if [[ $who != root ]]; then
			printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$who" |
				write_guest_file "/etc/sudoers.d/mgr-$who" 440
		fi
	fi
	[[ -n $auth_key ]] || return 0

	entry=$(grep "^$who:" "$rootfs/etc/passwd") || die "no user \"$who\" in the guest"
	IFS=: read -r _ _ uid gid _ home _ <<<"$entry"
	[[ $home == /* ]] || die "\"$who\" has no home directory"
	guest_mkdir "$home/.ssh" 700
	grep -E '^[[:space:]]*[^[:space:]]' "$auth_key" |
		write_guest_file "$home/.ssh/authorized_keys" 600
	chown "$uid:$gid" "$(in_root_dir "$home/.ssh")" "$(in_root "$home/.ssh/authorized_keys")" ||
		die "cannot give \"$home/.ssh\" to \"$who\""
}

guest_setup() {
	chroot "$rootfs" /bin/true 2>/dev/null ||
		die "cannot run the guest's programs (\"$arch\" on a $(host_arch) host needs qemu-user-static and binfmt-support)"
	say "Setting up \"$name\""
	setup_identity
	setup_locale
	setup_timezone
	setup_apt
	setup_units
	setup_network
	setup_gettys
	setup_ssh
	setup_users
	if declare -F dist_setup >/dev/null; then
		dist_setup
	fi
}

# --- the container's config ------------------------------------------------------

find_config_dir() {
	config_dir=${MGR_CONFIG_DIR:-$tpl_dir/../config}
	config_dir=$(readlink -f "$config_dir" 2>/dev/null) || config_dir=''
	local f
	for f in "$DIST.common.conf" common.conf common.seccomp; do
		[[ -n $config_dir && -f $config_dir/$f ]] ||
			die "cannot find the config fragment $f in \"${MGR_CONFIG_DIR:-$tpl_dir/../config}\" (set MGR_CONFIG_DIR)"
	done
}

finish_config() {
	[[ -f $config ]] || : >"$config" || die "cannot write \"$config\""
	config_add include "$config_dir/$DIST.common.conf"
	config_has seccomp.profile || config_add seccomp.profile "$config_dir/common.seccomp"
	if ! config_has arch; then
		case $arch in
		amd64|i386|arm64|armhf|armel|ppc64el|s390x|riscv64) config_add arch "$arch" ;;
		esac
	fi
	[[ $tty_from_config == yes ]] || config_add tty.max "$tty_max"
}

summary() {
	[[ -t 1 ]] || return 0
	local who=${user:-root}
	say "Created \"$name\": $DIST_NAME $release ($arch), locale $guest_lang, time zone $guest_tz"
	if [[ -n $password ]]; then
		say "Log in as \"$who\" with the password given${user:+ (in group sudo)}"
	elif [[ -n $auth_key ]]; then
		say "Log in as \"$who\" over ssh with the key from $auth_key (no password)"
	else
		say "No account has a password: get a shell with \"mgr-attach -n $name\""
	fi
}

tpl_main() {
	tpl_parse_args "$@"
	tpl_check_args
	find_config_dir
	read_container_config
	components=$DEFAULT_COMPONENTS
	guest_lang=C.UTF-8 guest_tz=Etc/UTC
	work=$(mktemp -d "${TMPDIR:-/tmp}/mgr-$DIST.XXXXXX") || die "cannot create a temporary directory"
	trap tpl_cleanup EXIT
	trap 'tpl_signal 129' HUP
	trap 'tpl_signal 130' INT
	trap 'tpl_signal 143' TERM
	# Output to a reader that went away must not kill us before the cleanup.
	trap 'tpl_signal 141' PIPE

	mkdir -p "$rootfs" || die "cannot create \"$rootfs\""
	[[ -z $(ls -A "$rootfs") ]] || die "\"$rootfs\" is not empty"
	root_real=$(readlink -f "$rootfs")

	if [[ $use_cache == yes ]]; then
		rootfs_from_cache
	else
		if [[ $flush_cache == yes ]]; then
			cache_dir=$(cache_dir_name)
			if [[ -d $cache_dir ]]; then
				cache_lock
				say "Flushing the cache $cache_dir"
				remove_tree "$cache_dir/rootfs"
				rm -f "$cache_dir/rootfs.sum" "$cache_dir/recipe"
				cache_drop_if_empty
				cache_unlock
			fi
		fi
		rootfs_direct
	fi
	guest_setup
	finish_config
	summary
}
