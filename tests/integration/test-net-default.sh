#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The default network as shipped: default.conf puts eth0 on mgrbr0, the
# guest asks mgr-net's DHCP server at boot, and containers find each other
# by name.  tests/run brings mgrbr0 up for the run.

. "$(dirname "$0")/lib.sh"

BRIDGE=mgrbr0

# wait_ip NAME: until NAME has an IPv4 address; prints it.
wait_ip() {
	local ip=""
	for _ in $(seq 100); do
		ip=$(t_mgr info -n "$1" -i -H 2>/dev/null | head -1)
		[[ -n $ip ]] && break
		sleep 0.1
	done
	[[ -n $ip ]] || t_fail "$1 got no address on $BRIDGE"
	echo "$ip"
}

bridge_ports() {
	ip -o link show master "$BRIDGE" 2>/dev/null | wc -l
}

two_on_the_bridge() {
	ip link show "$BRIDGE" >/dev/null 2>&1 || t_skip "$BRIDGE is not up (tests/run starts mgr-net)"
	local ports ip1 ip2 bridge_ip
	ports=$(bridge_ports)
	assert_succeeds t_mgr create -n web1 -t busybox
	assert_succeeds t_mgr create -n web2 -t busybox
	assert_contains "$(cat "$T_PATH/web1/config")" "mgr.net.0.hwaddr = 00:16:3e:"
	assert_succeeds t_mgr start -n web1
	assert_succeeds t_mgr start -n web2
	ip1=$(wait_ip web1)
	ip2=$(wait_ip web2)
	[[ $ip1 != "$ip2" ]] || t_fail "both containers got $ip1"
	bridge_ip=$(ip -4 -o addr show dev "$BRIDGE" | awk '{print $4}' | cut -d/ -f1)
	assert_eq $((ports + 2)) "$(bridge_ports)" "ports on $BRIDGE"
	# By address, by name and by full name; and the bridge.
	assert_succeeds t_mgr attach -n web1 -- ping -c1 -W2 "$ip2"
	assert_succeeds t_mgr attach -n web1 -- ping -c1 -W2 web2
	assert_succeeds t_mgr attach -n web2 -- ping -c1 -W2 web1.mgr
	assert_succeeds t_mgr attach -n web1 -- ping -c1 -W2 "$bridge_ip"
	assert_contains "$(t_mgr ls -f)" "$ip1"
	assert_succeeds t_mgr stop -n web1 -k
	assert_succeeds t_mgr destroy -n web1
	assert_succeeds t_mgr destroy -n web2 -f
	assert_eq "$ports" "$(bridge_ports)" "ports on $BRIDGE after destroy"
	assert_no_leftovers web1 web2
}

t_case "default.conf: a DHCP address on mgrbr0 at boot, names resolve" two_on_the_bridge
