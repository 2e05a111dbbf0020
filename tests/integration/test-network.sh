#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The container's networks: veth pairs on a bridge, macvlan, vlan and
# ipvlan devices on a parent, phys devices moved in and given back, the
# addresses and routes inside, what mgr-info and mgr-ls show, and that a
# bad network config fails before anything is made.
#
# Every device here is made by this file, named with its prefix $N, and
# removed at the end; the addresses are 10.x and fd00:: ones on those
# devices and inside the containers only.  No dummy devices are needed:
# one end of a veth pair stands in for a host's network card.

. "$(dirname "$0")/lib.sh"

N=mt$(printf '%x' $$) # at most 8 characters: names up to 15
BR=${N}br

# The host's device names, sorted.
host_links() {
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# The devices of this file on the host (other tests may be adding and
# removing theirs meanwhile).
my_links() {
	host_links | grep "^$N" || true
}

# The host-side devices of a running container.
links_of() {
	t_mgr info -n "$1" | awk '/^Link:/ { print $2 }'
}

net_cleanup() {
	local dev
	for dev in $(host_links | grep "^$N"); do
		ip link del "$dev" 2>/dev/null
	done
}
trap 'net_cleanup; t_exit' EXIT

# A 10.A.B.0/24 the host has no address or route in: "10.A.B".
free_subnet() {
	local a b
	for a in 211 213 217 223 227 229 233; do
		for b in $(( $$ % 200 + 1 )) $(( $$ % 200 + 2 )); do
			if ! ip -4 route show | t_grep "^10\.$a\.$b\." &&
				! ip -4 addr show | t_grep "inet 10\.$a\.$b\."; then
				echo "10.$a.$b"
				return 0
			fi
		done
	done
	return 1
}

# The test bridge with SUBNET.1/24 and fd00:SUB::1/64 (SUB: "A:B" of the
# IPv4 subnet), up.
make_bridge() {
	local sub=$1 six=$2
	ip link add "$BR" type bridge
	ip addr add "$sub.1/24" dev "$BR"
	ip -6 addr add "$six::1/64" dev "$BR" nodad
	ip link set "$BR" up
}

# A veth pair NAME0/NAME1, both up: NAME0 plays a host's network card.
make_card() {
	ip link add "${1}0" type veth peer name "${1}1"
	ip link set "${1}0" up
	ip link set "${1}1" up
}

pid_of() {
	t_mgr info -n "$1" -p -H
}

# in_net NAME CMD...: a host command in the container's network namespace.
in_net() {
	local pid
	pid=$(pid_of "$1")
	shift
	nsenter -t "$pid" -n "$@"
}

# wait_ping NAME ping|ping6 ADDRESS: busybox ping inside, a few tries (IPv6
# addresses are usable once duplicate address detection is done).
wait_ping() {
	local name=$1 cmd=$2 addr=$3
	for _ in $(seq 40); do
		in_ct "$name" "$cmd" -c 1 -W 1 "$addr" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	t_fail "$name cannot $cmd $addr"
}

# A network config file for -f: every network of the defaults goes first.
net_conf() {
	local file=$T_WORK/$1.conf
	shift
	{
		echo "mgr.net ="
		printf '%s\n' "$@"
	} >"$file"
	echo "$file"
}

bridge_pair() {
	local sub six before link links
	sub=$(free_subnet) || t_skip "no free 10.x.y.0/24 on this host"
	six="fd00:${sub#10.}"
	six=${six//./:}
	make_bridge "$sub" "$six"
	before=$(my_links)
	for i in 2 3; do
		assert_succeeds t_mgr create -n "br$i" -t busybox -f "$(net_conf "br$i" \
			"mgr.net.0.type = veth" "mgr.net.0.link = $BR" "mgr.net.0.flags = up" \
			"mgr.net.0.ipv4.address = $sub.$i/24" "mgr.net.0.ipv4.gateway = auto" \
			"mgr.net.0.ipv6.address = $six::$i/64" "mgr.net.0.ipv6.gateway = $six::1")"
		assert_succeeds t_mgr start -n "br$i"
	done
	wait_ping br2 ping "$sub.3"
	wait_ping br3 ping "$sub.2"
	wait_ping br2 ping "$sub.1"
	wait_ping br2 ping6 "$six::3"
	wait_ping br3 ping6 "$six::1"

	assert_contains "$(in_net br2 ip -4 route show default)" "default via $sub.1 dev eth0"
	assert_contains "$(in_net br2 ip -6 route show default)" "default via $six::1 dev eth0"
	assert_contains "$(in_net br2 ip -o link show lo)" "UP"
	assert_contains "$(in_ct br2 ip route)" "default via $sub.1"

	# What the tools show.
	assert_eq "$sub.2
$six::2" "$(t_mgr info -n br2 -i -H)"
	assert_contains "$(t_mgr info -n br2)" "IP:             $sub.2"
	link=$(links_of br2)
	[[ -n $link ]] || t_fail "no Link: line in $(t_mgr info -n br2)"
	links="$link $(links_of br3)"
	assert_contains "$(ip -o link show "$link")" "master $BR"
	python3 - "$(t_mgr info -n br2 --json)" "$sub.2" "$six::2" "$link" <<-'EOF2'
	import json, sys
	d = json.loads(sys.argv[1])
	assert d["ips"] == [sys.argv[2], sys.argv[3]], d
	assert d["links"] == [sys.argv[4]], d
	EOF2
	local ls
	ls=$(t_mgr ls -f)
	assert_contains "$ls" "IPV4"
	assert_contains "$ls" "IPV6"
	assert_contains "$(grep '^br3 ' <<<"$ls")" "$sub.3"
	assert_contains "$(grep '^br3 ' <<<"$ls")" "$six::3"
	python3 - "$(t_mgr ls --json)" "$sub.3" "$six::3" <<-'EOF2'
	import json, sys
	rows = {r["name"]: r for r in json.loads(sys.argv[1])}
	assert rows["br3"]["ipv4"] == [sys.argv[2]], rows["br3"]
	assert rows["br3"]["ipv6"] == [sys.argv[3]], rows["br3"]
	EOF2

	assert_succeeds t_mgr stop -n br2 -t 10
	assert_succeeds t_mgr stop -n br3 -k
	for link in $links; do
		[[ ! -e /sys/class/net/$link ]] || t_fail "the host end $link is still there"
	done
	assert_eq "$before" "$(my_links)" "the host's devices after the stop"
	assert_eq "" "$(ip -o link show master "$BR")" "ports of the bridge"
	assert_eq "" "$(t_mgr info -n br2 -i -H)" "addresses of a stopped container"
	assert_succeeds t_mgr destroy -n br2
	assert_succeeds t_mgr destroy -n br3
	assert_no_leftovers br2 br3
}

hwaddr_and_pair() {
	ip link add "$BR" type bridge
	ip link set "$BR" up
	assert_succeeds t_mgr create -n hw -t busybox -f "$(net_conf hw \
		"mgr.net.0.type = veth" "mgr.net.0.link = $BR" "mgr.net.0.flags = up" \
		"mgr.net.0.veth.pair = ${N}vp" \
		"mgr.net.1.type = veth" "mgr.net.1.hwaddr = 02:AA:xx:xx:xx:xX")"
	local cfg=$T_PATH/hw/config mac0 mac1
	mac0=$(sed -n 's/^mgr\.net\.0\.hwaddr = //p' "$cfg")
	mac1=$(sed -n 's/^mgr\.net\.1\.hwaddr = //p' "$cfg")
	[[ $mac0 =~ ^00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$ ]] ||
		t_fail "no MAC address written for net.0: $(grep net "$cfg")"
	[[ $mac1 =~ ^02:aa:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$ ]] ||
		t_fail "the pattern of net.1 was not filled in: $(grep net "$cfg")"
	assert_eq 1 "$(grep -c 'net\.1\.hwaddr' "$cfg")" "net.1.hwaddr lines"
	for _ in 1 2; do
		assert_succeeds t_mgr start -n hw
		assert_contains "$(in_net hw ip -o link show eth0)" "link/ether $mac0"
		assert_contains "$(in_net hw ip -o link show eth1)" "link/ether $mac1"
		assert_contains "$(ip -o link show "${N}vp")" "master $BR"
		assert_eq "${N}vp" "$(t_mgr info -n hw | awk '/^Link:/ { print $2; exit }')"
		assert_succeeds t_mgr stop -n hw -k
		[[ ! -e /sys/class/net/${N}vp ]] || t_fail "${N}vp is still there after the stop"
	done
	assert_succeeds t_mgr destroy -n hw
	assert_no_leftovers hw
}

macvlan() {
	make_card "${N}m"
	if ! ip link add link "${N}m0" name "${N}mt" type macvlan mode bridge 2>/dev/null; then
		t_skip "the kernel has no macvlan"
	fi
	ip link del "${N}mt"
	local before i
	before=$(my_links)
	for i in 2 3; do
		assert_succeeds t_mgr create -n "mv$i" -t busybox -f "$(net_conf "mv$i" \
			"mgr.net.0.type = macvlan" "mgr.net.0.link = ${N}m0" \
			"mgr.net.0.macvlan.mode = bridge" "mgr.net.0.flags = up" \
			"mgr.net.0.ipv4.address = 10.42.$i.1/16")"
		assert_succeeds t_mgr start -n "mv$i"
	done
	assert_contains "$(in_net mv2 ip -o addr show eth0)" "inet 10.42.2.1/16"
	assert_contains "$(in_net mv2 ip -d link show eth0)" "macvlan mode bridge"
	wait_ping mv2 ping 10.42.3.1
	assert_succeeds t_mgr stop -n mv2 -k
	assert_succeeds t_mgr stop -n mv3 -t 10
	assert_eq "$before" "$(my_links)" "the host's devices after the stop"
	assert_no_leftovers mv2 mv3
}

phys() {
	make_card "${N}p"
	ip link set "${N}p0" down
	ip link set "${N}p0" mtu 1400
	local mac before pid1 pid2
	mac=$(cat /sys/class/net/${N}p0/address)
	before=$(my_links)
	assert_succeeds t_mgr create -n ph -t busybox -f "$(net_conf ph \
		"mgr.net.0.type = phys" "mgr.net.0.link = ${N}p0" "mgr.net.0.name = lan0" \
		"mgr.net.0.mtu = 1300" "mgr.net.0.flags = up" \
		"mgr.net.0.ipv4.address = 10.43.0.2/24")"
	for how in "-t 10" "-k" "-r"; do
		assert_succeeds t_mgr start -n ph
		[[ ! -e /sys/class/net/${N}p0 ]] || t_fail "${N}p0 is still on the host"
		assert_contains "$(in_net ph ip -o link show lan0)" "mtu 1300"
		assert_contains "$(in_net ph ip -o addr show lan0)" "inet 10.43.0.2/24"
		if [[ $how == -r ]]; then
			# A reboot gives it back and takes it again.
			pid1=$(pid_of ph)
			assert_succeeds t_mgr stop -n ph -r
			for _ in $(seq 100); do
				pid2=$(pid_of ph 2>/dev/null || true)
				[[ -n $pid2 && $pid2 != "$pid1" ]] && break
				sleep 0.1
			done
			assert_succeeds t_mgr wait -n ph -s RUNNING -t 10
			assert_contains "$(in_net ph ip -o addr show lan0)" "inet 10.43.0.2/24"
			how=-k
		fi
		# shellcheck disable=SC2086
		assert_succeeds t_mgr stop -n ph $how
		[[ -e /sys/class/net/${N}p0 ]] || t_fail "${N}p0 is not back after stop $how: $(host_links | tr '\n' ' ')"
		assert_eq 1400 "$(cat /sys/class/net/${N}p0/mtu)" "its MTU after stop $how"
		assert_eq "$mac" "$(cat /sys/class/net/${N}p0/address)" "its MAC after stop $how"
		assert_eq "$before" "$(my_links)" "the host's devices after stop $how"
	done
	assert_succeeds t_mgr destroy -n ph
	assert_no_leftovers ph
}

# vlan and ipvlan: devices of a type this kernel may lack.
on_parent() {
	local type=$1 key=$2 probe=$3 show=$4
	make_card "${N}v"
	# shellcheck disable=SC2086
	if ! ip link add link "${N}v0" name "${N}vt" type $type $probe 2>/dev/null; then
		t_skip "the kernel has no $type devices"
	fi
	ip link del "${N}vt"
	local before
	before=$(my_links)
	assert_succeeds t_mgr create -n "$type" -t busybox -f "$(net_conf "$type" \
		"mgr.net.0.type = $type" "mgr.net.0.link = ${N}v0" "mgr.net.0.$key" \
		"mgr.net.0.flags = up" "mgr.net.0.ipv4.address = 10.44.0.2/24")"
	assert_succeeds t_mgr start -n "$type"
	assert_contains "$(in_net "$type" ip -d link show eth0)" "$show"
	assert_contains "$(in_net "$type" ip -o addr show eth0)" "inet 10.44.0.2/24"
	assert_succeeds t_mgr stop -n "$type" -k
	assert_eq "$before" "$(my_links)" "the host's devices after the stop"
	assert_succeeds t_mgr destroy -n "$type"
	assert_no_leftovers "$type"
}

vlan() {
	on_parent vlan "vlan.id = 5" "id 5" "vlan protocol 802.1Q id 5"
}

ipvlan() {
	on_parent ipvlan "ipvlan.mode = l2" "mode l2" "ipvlan"
}

empty_lo_up() {
	assert_succeeds t_mgr create -n em -t busybox -f "$(net_conf em "mgr.net.0.type = empty")"
	assert_succeeds t_mgr start -n em
	assert_eq "lo" "$(in_ct em ls /sys/class/net)"
	assert_contains "$(in_net em ip -o link show lo)" ",UP"
	assert_eq "" "$(t_mgr info -n em -i -H)" "addresses besides lo's"
	assert_succeeds t_mgr stop -n em -k
	assert_no_leftovers em
}

scripts() {
	ip link add "$BR" type bridge
	cat >"$T_WORK/net-script" <<-'EOF2'
	#!/bin/sh
	echo "$* | $MGR_NAME $MGR_NET_TYPE $MGR_NET_LINK $MGR_NET_PEER $MGR_NET_NAME" >>"${0%/*}/script.log"
	[ "$3" = up ] && ip -o link show "$5" >>"${0%/*}/script.log"
	exit 0
	EOF2
	chmod 755 "$T_WORK/net-script"
	assert_succeeds t_mgr create -n sc -t busybox -f "$(net_conf sc \
		"mgr.net.0.type = veth" "mgr.net.0.link = $BR" "mgr.net.0.veth.pair = ${N}sc" \
		"mgr.net.0.script.up = $T_WORK/net-script" \
		"mgr.net.0.script.down = $T_WORK/net-script")"
	assert_succeeds t_mgr start -n sc
	assert_succeeds t_mgr stop -n sc -k
	local log
	log=$(cat "$T_WORK/script.log")
	assert_contains "$log" "sc net up veth ${N}sc | sc veth $BR ${N}sc eth0"
	assert_contains "$log" "${N}sc@"
	assert_contains "$log" "sc net down veth ${N}sc | sc veth $BR ${N}sc eth0"

	# A failing script.up fails the start and takes the device away again.
	local before
	before=$(my_links)
	printf '#!/bin/sh\nexit 3\n' >"$T_WORK/net-script"
	assert_fails -e "net.0.script.up \"$T_WORK/net-script\" failed (exit status 3)" \
		t_mgr start -n sc
	assert_eq STOPPED "$(t_mgr info -n sc -s -H)"
	assert_eq "$before" "$(my_links)" "the host's devices after the failed start"
	assert_no_leftovers sc
}

# refused TEXT LINE...: the container "bad", its good config with LINEs
# added, does not start, with TEXT in the message.
refused() {
	local text=$1
	shift
	cp "$T_WORK/good" "$T_PATH/bad/config"
	printf '%s\n' "$@" >>"$T_PATH/bad/config"
	assert_fails -e "$text" t_mgr start -n bad
}

bad_configs() {
	ip link add "$BR" type bridge
	local before
	before=$(my_links)
	assert_fails -e "unknown network type" t_mgr create -n bad -t busybox \
		-f "$(net_conf bad "mgr.net.0.type = bridge")"
	assert_fails -e "expected ADDRESS/PREFIX" t_mgr create -n bad -t busybox \
		-f "$(net_conf bad "mgr.net.0.type = veth" "mgr.net.0.ipv4.address = 10.0.0.300/24")"
	assert_fails -e "hwaddr" t_mgr create -n bad -t busybox \
		-f "$(net_conf bad "mgr.net.0.type = veth" "mgr.net.0.hwaddr = 00:16:3e:00:00")"
	assert_fails -e "out of range" t_mgr create -n bad -t busybox \
		-f "$(net_conf bad "mgr.net.0.type = vlan" "mgr.net.0.vlan.id = 4095")"
	[[ ! -e $T_PATH/bad ]] || t_fail "a refused create left $T_PATH/bad"

	# Host ends with names of this file, to see any that is left.
	assert_succeeds t_mgr create -n bad -t busybox -f "$(net_conf bad \
		"mgr.net.0.type = veth" "mgr.net.0.link = $BR" "mgr.net.0.veth.pair = ${N}b0" \
		"mgr.net.1.type = veth" "mgr.net.1.veth.pair = ${N}b1")"
	cp "$T_PATH/bad/config" "$T_WORK/good"
	make_card "${N}p"
	# net.1's link is missing: net.0's veth is not made either.
	refused "net.1.link \"${N}br9\" does not exist" "mgr.net.1.link = ${N}br9"
	refused "net.1.link \"${N}p0\" is not a bridge" "mgr.net.1.link = ${N}p0"
	refused "net.1.link \"${N}nope\" does not exist" \
		"mgr.net.1.type = macvlan" "mgr.net.1.link = ${N}nope"
	refused "cannot be combined with other networks" "mgr.net.2.type = none"
	refused "is also the name of network 0" "mgr.net.1.name = eth0" "mgr.net.0.name = eth0"
	refused "needs \"mgr.net.0.flags = up\"" "mgr.net.0.ipv4.gateway = 10.0.0.1"
	refused "net.1.veth.pair \"${N}p1\" exists already" "mgr.net.1.veth.pair = ${N}p1"

	assert_eq STOPPED "$(t_mgr info -n bad -s -H)"
	assert_eq "$(printf '%s\n' $before "${N}p0" "${N}p1" | sort)" "$(my_links)" \
		"the host's devices after the refusals"
	assert_eq "" "$(ip -o link show master "$BR")" "ports of the bridge"
	assert_no_leftovers bad
}

# Each case starts without devices of this file.
net_case() {
	net_cleanup
	t_case "$@"
}

net_case "two containers on a bridge: addresses, routes, ping, mgr-info, mgr-ls" bridge_pair
net_case "hwaddr written at create, stable across starts; veth.pair names the host end" hwaddr_and_pair
net_case "macvlan devices on a parent reach each other" macvlan
net_case "phys: moved in, renamed, given back on stop, stop -k and reboot" phys
net_case "vlan device on a parent" vlan
net_case "ipvlan device on a parent" ipvlan
net_case "empty: only lo, up" empty_lo_up
net_case "script.up and script.down" scripts
net_case "a bad network config fails clearly and leaves nothing" bad_configs
