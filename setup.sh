#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Set up a Debian 12 machine for mgr: install the build dependencies, build
# and install mgr (prefix /usr), bring up the default network (mgr-net:
# the bridge mgrbr0, NAT, DHCP and DNS), then create and boot a first
# container.  Run as root from the source tree.  Running it again only
# redoes what is missing.
#
#   ./setup.sh [--deps-only] [--no-container]
#
#   --deps-only      only install the missing build and test dependencies
#                    (tests/run uses this)
#   --no-container   build, install and start the network, but do not
#                    create or start "first"

set -euo pipefail

# Everything building and testing mgr needs, as Debian packages.
DEPS=(
	autoconf automake libtool pkg-config make gcc libc6-dev
	libcap-dev libseccomp-dev libapparmor-dev libselinux1-dev
	libgnutls28-dev libnl-3-dev libnl-route-3-dev libbtrfsutil-dev libblkid-dev
	busybox-static debootstrap tmux
	debian-archive-keyring wget openssh-client
	iproute2 nftables dnsmasq-base
	attr acl libcap2-bin uidmap apparmor
	e2fsprogs btrfs-progs lvm2 thin-provisioning-tools
	python3-dev python3-pytest python3-mypy
)

CONTAINER=first
CONTAINER_PATH=/var/lib/mgr

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deps_only=no
container=yes

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '4,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

for arg in "$@"; do
	case $arg in
	--deps-only) deps_only=yes ;;
	--no-container) container=no ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown option \"$arg\" (see --help)" ;;
	esac
done

[[ $EUID -eq 0 ]] || die "run me as root (sudo ./setup.sh)"

install_deps() {
	local missing=() pkg

	if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
		echo "setup.sh: not a Debian system; make sure the equivalents of these are installed:" >&2
		echo "  ${DEPS[*]}" >&2
		return 0
	fi
	for pkg in "${DEPS[@]}"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
			missing+=("$pkg")
		fi
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		say "Build dependencies: all installed"
		return 0
	fi
	say "Installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

build_and_install() {
	local build=$srcdir/build

	cd "$srcdir"
	if [[ ! -x configure || configure.ac -nt configure || Makefile.am -nt configure ]]; then
		say "Generating the build system (autogen.sh)"
		./autogen.sh
	fi
	mkdir -p "$build"
	cd "$build"
	if [[ ! -f config.status || ../configure -nt config.status ]]; then
		say "Configuring in $build"
		../configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var
	fi
	say "Building"
	make -j"$(nproc)"
	say "Installing"
	make install
	ldconfig
}

# mgr-net.service where systemd runs the machine, else mgr-net by hand.
default_network() {
	if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
		say "Enabling and starting the default network (mgr-net.service)"
		systemctl daemon-reload
		systemctl enable --now mgr-net.service
	else
		say "Starting the default network (mgr-net start; no systemd to run it at boot)"
		mgr-net start
	fi
}

# Subordinate ids for unprivileged containers (mgr-create -U): root gets a
# range of its own unless it has one.
subordinate_ids() {
	local f
	for f in /etc/subuid /etc/subgid; do
		if ! grep -qE '^(root|0):' "$f" 2>/dev/null; then
			say "Giving root the ids 1000000-1000999999 in $f (unprivileged containers)"
			echo "root:1000000:1000000000" >>"$f"
		fi
	done
}

container_state() {
	mgr-info -n "$CONTAINER" -s -H 2>/dev/null || true
}

first_container() {
	if [[ -f $CONTAINER_PATH/$CONTAINER/config ]]; then
		say "Container \"$CONTAINER\" exists already"
	else
		say "Creating container \"$CONTAINER\" from the busybox template"
		mgr-create -n "$CONTAINER" -t busybox
	fi

	if [[ $(container_state) == RUNNING ]]; then
		say "Container \"$CONTAINER\" is running already"
	else
		say "Starting container \"$CONTAINER\""
		mgr-start -n "$CONTAINER"
		mgr-wait -n "$CONTAINER" -s RUNNING -t 10
	fi

	echo
	mgr-info -n "$CONTAINER"
	echo
	mgr-ls -f
	cat <<EOF

"$CONTAINER" is running.  Its files are in $CONTAINER_PATH/$CONTAINER.
  mgr-info -n $CONTAINER            state, PID and uptime
  mgr-stop -n $CONTAINER            stop it (busybox init halts on SIGUSR1)
  mgr-start -n $CONTAINER -F        start it in the foreground, console on this terminal
  mgr-destroy -n $CONTAINER         delete it (add -f to stop it first)
EOF
}

install_deps
[[ $deps_only == yes ]] && exit 0
build_and_install
subordinate_ids
default_network
[[ $container == yes ]] && first_container
say "Done"
