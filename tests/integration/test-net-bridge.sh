#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mgr-net, the default network: a bridge with NAT, and dnsmasq for DHCP and
# for DNS of the containers' names.  Every case works on a test bridge
# (mgrtbrPID) with a free 10.x network of its own, never on mgrbr0, and
# nothing leaves the machine: the clients are network namespaces and
# containers on that bridge.
#
# The container cases need the library's veth support; until the config
# parser takes "mgr.net.0.type = veth" they are skipped.  The Debian guest
# uses the rootfs cache $MGR_TEST_CACHE (see test-debian.sh).

. "$(dirname "$0")/lib.sh"

if [[ -z ${MGR_TEST_CACHE:-} ]]; then
	MGR_TEST_CACHE=$(mktemp -d /tmp/mgrtest-cache.XXXXXX) || exit 1
	T_OWN_CACHE=yes
fi
export MGR_CACHE_PATH=$MGR_TEST_CACHE

NET_BRIDGE=mgrtbr$$
NET_DOMAIN=mgrt
NET_RUN=$T_RUNTIME_DIR/net/$NET_BRIDGE
NET_CONF=$T_WORK/net.conf
NS_PREFIX=mgrtns$$

# --- the test network ----------------------------------------------------------

# True if the IPv4 prefix $1 shares an address with a route of the host.
route_overlaps() {
	local net=${1%/*} p=${1#*/} dst q a b c d m n1 n2
	while read -r dst; do
		[[ $dst == */* ]] || dst=$dst/32
		q=${dst#*/}
		((q < p)) && m=$q || m=$p
		IFS=. read -r a b c d <<<"${dst%/*}"
		n1=$(((a << 24 | b << 16 | c << 8 | d) >> (32 - m)))
		IFS=. read -r a b c d <<<"$net"
		n2=$(((a << 24 | b << 16 | c << 8 | d) >> (32 - m)))
		((n1 == n2)) && return 0
	done < <(ip -4 route show table all | awk '
		$1 ~ /^(local|broadcast|unicast|unreachable|prohibit|blackhole|throw|anycast|multicast)$/ { $1 = $2 }
		$1 ~ /^[0-9.]+(\/[0-9]+)?$/ { print $1 }')
	return 1
}

NET_NETWORK=''
for _n in $(seq 200 250); do
	_c=10.$_n.$(($$ % 250)).0/24
	if ! route_overlaps "$_c"; then
		NET_NETWORK=$_c
		break
	fi
done
unset _n _c
[[ -n $NET_NETWORK ]] || { echo "no free 10.x network for the test bridge" >&2; exit 1; }
NET_ADDR=${NET_NETWORK%.0/24}.1
NET_PREFIX3=${NET_NETWORK%.0/24}.
# A ULA prefix of the same kind for the IPv6 case.
NET_IPV6=fd6d:6772:$(printf '%x' $(($$ % 65536)))::/64
NET_ADDR6=${NET_IPV6%/64}1

cat >"$NET_CONF" <<EOF
# The test network of test-net-bridge.sh
MGR_BRIDGE=$NET_BRIDGE
MGR_NETWORK=$NET_NETWORK
MGR_DOMAIN=$NET_DOMAIN
EOF

# A DHCP client event script for busybox udhcpc: sets up the interface and
# writes the name servers to $RESOLV_CONF (default /etc/resolv.conf).
DHCP_SCRIPT=$T_WORK/udhcpc.script
cat >"$DHCP_SCRIPT" <<'EOF'
#!/bin/sh
case $1 in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set dev "$interface" up
	;;
bound|renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface"
	{
		[ -z "$domain" ] || echo "search $domain"
		for s in $dns; do echo "nameserver $s"; done
	} >"${RESOLV_CONF:-/etc/resolv.conf}"
	;;
esac
exit 0
EOF
chmod 755 "$DHCP_SCRIPT"

net() {
	mgr-net -c "$NET_CONF" "$@"
}

# Starts the test network unless it is up.
net_up() {
	if ! net status >/dev/null 2>&1; then
		net stop >/dev/null 2>&1 || true
		assert_succeeds net start
	fi
}

# What the firewall holds: the nftables ruleset and the iptables rules.
firewall_dump() {
	if command -v nft >/dev/null; then
		nft list ruleset
	fi
	local c
	for c in iptables ip6tables; do
		if command -v "$c-save" >/dev/null; then
			"$c-save" | grep -E '^-A' || true
		fi
	done
}

# The pids of the running (not zombie) dnsmasq processes of the test bridge.
net_dnsmasq_pids() {
	local p stat
	for p in /proc/[0-9]*; do
		stat=$(cat "$p/stat" 2>/dev/null) || continue
		stat=${stat##*) }
		[[ ${stat%% *} == Z ]] && continue
		if tr '\0' '\n' <"$p/cmdline" 2>/dev/null | t_grep -x -F -- "--pid-file=$NET_RUN/dnsmasq.pid"; then
			echo "${p#/proc/}"
		fi
	done
}

# Another mgr-net network up on this machine (mgrbr0 for instance)?
other_networks_up() {
	local s
	for s in "$T_RUNTIME_DIR"/net/*/state; do
		[[ -e $s && $s != "$NET_RUN/state" ]] && return 0
	done
	return 1
}

bridge_ports() {
	local p
	for p in "/sys/class/net/$NET_BRIDGE/brif"/*; do
		[[ ! -e $p ]] || echo "${p##*/}"
	done
}

# wait_links_gone NAMES...: until none of the links exists (a namespace's
# devices go away shortly after it does).
wait_links_gone() {
	local l left
	for _ in $(seq 100); do
		left=()
		for l in "$@"; do
			[[ -e /sys/class/net/$l ]] && left+=("$l")
		done
		[[ ${#left[@]} -eq 0 ]] && return 0
		sleep 0.1
	done
	t_fail "links left: ${left[*]}"
}

# The address the lease file gives NAME.
lease_of() {
	awk -v n="$1" '$4 == n { print $3 }' "$NET_RUN/dnsmasq.leases" 2>/dev/null
}

# --- namespace clients ------------------------------------------------------------

# ns_client NAME: a network namespace $NS_PREFIX-NAME whose eth0 is
# plugged into the test bridge (host end: NAME's veth, mgrtv$$NAME).
ns_client() {
	local ns=$NS_PREFIX-$1 host=mgrtv$$$1
	ip netns add "$ns"
	ip link add "$host" type veth peer name eth0 netns "$ns"
	ip link set dev "$host" master "$NET_BRIDGE" up
	ip -n "$ns" link set dev lo up
	ip -n "$ns" link set dev eth0 up
}

ns_del() {
	local ns
	for ns in $(ip netns list | awk -v p="$NS_PREFIX-" 'index($1, p) == 1 { print $1 }'); do
		ip netns del "$ns"
	done
}

# in_ns NAME CMD...: CMD in NAME's namespace, with its own resolv.conf
# bound on /etc/resolv.conf in a private mount namespace.
in_ns() {
	local name=$1
	shift
	[[ -f $T_WORK/$name.resolv ]] || : >"$T_WORK/$name.resolv"
	# shellcheck disable=SC2016
	ip netns exec "$NS_PREFIX-$name" unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$T_WORK/$name.resolv" "$@"
}

ns_dhcp() {
	RESOLV_CONF=$T_WORK/$1.resolv ip netns exec "$NS_PREFIX-$1" \
		busybox udhcpc -i eth0 -f -q -n -t 10 -T 1 -s "$DHCP_SCRIPT" -x "hostname:$1"
}

# --- veth support in the library ------------------------------------------------------

NET0_CONF=$T_WORK/net0.conf
cat >"$NET0_CONF" <<EOF
mgr.net.0.type = veth
mgr.net.0.link = $NET_BRIDGE
mgr.net.0.flags = up
mgr.net.0.hwaddr = 00:16:3e:xx:xx:xx
EOF

# Empty if the parser takes the veth keys, else why the container cases
# are skipped.
VETH_WHY=''
probe_veth() {
	local d=$T_WORK/veth-probe out
	mkdir -p "$d"
	if out=$(mgr-create -P "$d" -n probe -t busybox -f "$NET0_CONF" 2>&1); then
		mgr-destroy -P "$d" -n probe >/dev/null 2>&1
	elif [[ $out == *net.0.* ]]; then
		VETH_WHY="the library does not take the veth keys yet (${out##*: })"
	fi
	rm -rf "$d"
}
probe_veth

# --- cases --------------------------------------------------------------------------------

FW_BEFORE=$T_WORK/firewall.before
firewall_dump >"$FW_BEFORE"
FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)
FORWARD6_BEFORE=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || echo none)

starts() {
	assert_succeeds net start
	assert_contains "$T_OUT" "$NET_BRIDGE up: $NET_ADDR/24"
	[[ -d /sys/class/net/$NET_BRIDGE/bridge ]] || t_fail "$NET_BRIDGE is not a bridge"
	assert_contains "$(ip -4 -o addr show dev "$NET_BRIDGE")" "inet $NET_ADDR/24 "
	assert_contains "$(ip -o link show dev "$NET_BRIDGE")" ",UP"
	assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)" "net.ipv4.ip_forward"
	if [[ $T_OUT == *"NAT nftables"* ]]; then
		assert_contains "$(nft list table inet "mgr_$NET_BRIDGE")" \
			"ip saddr $NET_NETWORK ip daddr != $NET_NETWORK masquerade"
	else
		assert_contains "$(iptables-save -t nat)" "-A POSTROUTING -s $NET_NETWORK ! -d $NET_NETWORK"
	fi
	local pids
	pids=$(net_dnsmasq_pids)
	assert_eq "$(cat "$NET_RUN/dnsmasq.pid")" "$pids" "the one dnsmasq of $NET_BRIDGE"
	assert_succeeds test -f "$NET_RUN/dnsmasq.leases"
	# DNS (UDP and TCP) on the bridge's address and DHCP on the bridge,
	# nothing else.
	local socks
	socks=$({ ss -H -lnup | sed 's/^/udp /'; ss -H -lntp | sed 's/^/tcp /'; } |
		grep -F "pid=$pids," | awk '{ print $1, $5 }' | sort)
	assert_eq "tcp $NET_ADDR:53
udp 0.0.0.0%$NET_BRIDGE:67
udp $NET_ADDR:53" "$socks" "dnsmasq's sockets"
	# It answers: a name of the domain that no container has is not
	# forwarded but unknown.
	assert_fails busybox nslookup nosuchname.$NET_DOMAIN "$NET_ADDR"
	assert_contains "$T_OUT" "NXDOMAIN"
}

start_again_is_a_no_op() {
	net_up
	local before pid
	before=$(firewall_dump)
	pid=$(net_dnsmasq_pids)
	assert_succeeds net start
	assert_contains "$T_OUT" "up already"
	assert_eq "$before" "$(firewall_dump)" "the firewall after a second start"
	assert_eq "$pid" "$(net_dnsmasq_pids)" "dnsmasq after a second start"
	assert_eq 1 "$(ip -4 -o addr show dev "$NET_BRIDGE" | grep -c inet)" "addresses on $NET_BRIDGE"
}

status_reports() {
	net_up
	assert_succeeds net status
	assert_contains "$T_OUT" "$NET_BRIDGE is up: $NET_ADDR/24"
	# dnsmasq gone: partly up; start brings it back.
	kill "$(net_dnsmasq_pids)"
	for _ in $(seq 50); do
		[[ -z $(net_dnsmasq_pids) ]] && break
		sleep 0.1
	done
	assert_fails net status
	assert_eq 1 "$T_RC" "status of a partly up network"
	assert_contains "$T_OUT" "dnsmasq is not running"
	assert_succeeds net start
	assert_contains "$T_OUT" "repaired"
	assert_succeeds net status
	# Down.
	assert_succeeds net stop
	assert_fails net status
	assert_eq 3 "$T_RC" "status of a stopped network"
	assert_contains "$T_OUT" "$NET_BRIDGE is down"
}

namespaces_get_leases() {
	trap ns_del EXIT
	net_up
	ns_client c1
	ns_client c2
	local start=$SECONDS ip1 ip2
	assert_succeeds ns_dhcp c1
	assert_succeeds ns_dhcp c2
	echo "two leases in $((SECONDS - start)) s"
	ip1=$(lease_of c1)
	ip2=$(lease_of c2)
	[[ $ip1 == "$NET_PREFIX3"* && $ip2 == "$NET_PREFIX3"* && $ip1 != "$ip2" ]] ||
		t_fail "leases: c1 \"$ip1\", c2 \"$ip2\" in $NET_NETWORK"
	assert_contains "$(ip -n "$NS_PREFIX-c1" -4 -o addr show dev eth0)" "inet $ip1/24"
	assert_eq "search $NET_DOMAIN
nameserver $NET_ADDR" "$(cat "$T_WORK/c1.resolv")" "what DHCP told c1"
	# By address, the bridge and each other.
	assert_succeeds in_ns c1 busybox ping -c 1 -W 2 "$NET_ADDR"
	assert_succeeds in_ns c1 busybox ping -c 1 -W 2 "$ip2"
	# By name, bare and in the domain.
	assert_succeeds in_ns c1 busybox ping -c 1 -W 2 c2
	assert_contains "$T_OUT" "($ip2)"
	assert_succeeds in_ns c2 busybox ping -c 1 -W 2 "c1.$NET_DOMAIN"
	assert_contains "$T_OUT" "($ip1)"
	assert_succeeds in_ns c2 busybox nslookup c1 "$NET_ADDR"
	assert_contains "$T_OUT" "Address: $ip1"
	# mgr-net status lists them.
	assert_succeeds net status
	assert_contains "$T_OUT" "mgrtv$$c1 mgrtv$$c2"
	assert_contains "$T_OUT" "$ip1"
	# A restart keeps the ports and the leases.
	assert_succeeds net restart
	assert_eq "mgrtv$$c1 mgrtv$$c2" "$(bridge_ports | sort | tr '\n' ' ' | sed 's/ $//')" "ports after a restart"
	assert_eq "$ip2" "$(lease_of c2)" "c2's lease after a restart"
	assert_succeeds in_ns c1 busybox ping -c 1 -W 2 c2
	ns_del
	wait_links_gone "mgrtv$$c1" "mgrtv$$c2"
	assert_eq "" "$(bridge_ports)" "ports of $NET_BRIDGE"
}

# A busybox container on the test bridge, with an event script for udhcpc.
make_busybox() {
	assert_succeeds t_mgr create -n "$1" -t busybox -f "$NET0_CONF"
	mkdir -p "$T_PATH/$1/rootfs/etc/udhcpc"
	install -m 755 "$DHCP_SCRIPT" "$T_PATH/$1/rootfs/etc/udhcpc/default.script"
}

containers_get_leases() {
	[[ -z $VETH_WHY ]] || t_skip "$VETH_WHY"
	net_up
	local c ips=() ports start
	for c in bb1 bb2; do
		make_busybox "$c"
		assert_succeeds t_mgr start -n "$c"
		assert_succeeds t_mgr wait -n "$c" -s RUNNING -t 10
	done
	ports=$(bridge_ports)
	assert_eq 2 "$(wc -w <<<"$ports")" "ports of $NET_BRIDGE with two containers"
	start=$SECONDS
	for c in bb1 bb2; do
		# The guest registers its own hostname.
		# shellcheck disable=SC2016
		assert_succeeds in_ct "$c" sh -c 'udhcpc -i eth0 -f -q -n -t 10 -T 1 -s /etc/udhcpc/default.script -x hostname:$(hostname)'
		ips+=("$(lease_of "$c")")
	done
	echo "two container leases in $((SECONDS - start)) s"
	[[ ${ips[0]} == "$NET_PREFIX3"* && ${ips[1]} == "$NET_PREFIX3"* ]] ||
		t_fail "leases: ${ips[*]}"
	assert_contains "$(in_ct bb1 ip -4 -o addr show dev eth0)" "inet ${ips[0]}/24"
	assert_succeeds in_ct bb1 ping -c 1 -W 2 "$NET_ADDR"
	assert_succeeds in_ct bb1 ping -c 1 -W 2 "${ips[1]}"
	assert_succeeds in_ct bb1 ping -c 1 -W 2 bb2
	assert_contains "$T_OUT" "(${ips[1]})"
	assert_succeeds in_ct bb2 ping -c 1 -W 2 "bb1.$NET_DOMAIN"
	assert_contains "$T_OUT" "(${ips[0]})"
	assert_succeeds in_ct bb2 nslookup bb1 "$NET_ADDR"
	assert_contains "$T_OUT" "Address: ${ips[0]}"

	# After stop and destroy: no veth, no port; after mgr-net stop: no
	# rule, no lease.
	for c in bb1 bb2; do
		assert_succeeds t_mgr stop -n "$c" -k
		assert_succeeds t_mgr destroy -n "$c"
	done
	# shellcheck disable=SC2086
	wait_links_gone $ports
	assert_eq "" "$(bridge_ports)" "ports of $NET_BRIDGE"
	assert_succeeds net stop
	assert_eq "$(cat "$FW_BEFORE")" "$(firewall_dump)" "the firewall after stop"
	[[ ! -e $NET_RUN ]] || t_fail "$NET_RUN is left: $(ls -A "$NET_RUN")"
	assert_no_leftovers bb1 bb2
}

debian_gets_a_lease() {
	[[ -z $VETH_WHY ]] || t_skip "$VETH_WHY"
	net_up
	assert_succeeds t_mgr create -n deb1 -t debian -f "$NET0_CONF" -- -r bookworm
	[[ -f $T_PATH/deb1/rootfs/etc/systemd/network/50-mgr-dhcp.network ]] ||
		t_fail "the template wrote no DHCP setup for eth0"
	assert_succeeds t_mgr start -n deb1
	local ports ip='' start=$SECONDS
	systemd_running deb1
	for _ in $(seq 60); do
		ip=$(lease_of deb1)
		[[ -n $ip ]] && break
		sleep 0.5
	done
	echo "lease $ip $((SECONDS - start)) s after the start"
	[[ $ip == "$NET_PREFIX3"* ]] || t_fail "no lease for deb1: $(cat "$NET_RUN/dnsmasq.leases")"
	assert_eq active "$(in_ct deb1 systemctl is-active systemd-networkd.service)" "systemd-networkd"
	assert_eq "" "$(in_ct deb1 systemctl --failed --no-legend --plain)" "failed units"
	assert_contains "$(in_ct deb1 ip -4 -o addr show dev eth0)" "inet $ip/24"
	assert_succeeds in_ct deb1 ping -c 1 -W 2 "$NET_ADDR"
	# Its name through dnsmasq, from inside.
	assert_succeeds in_ct deb1 getent hosts "deb1.$NET_DOMAIN"
	assert_contains "$T_OUT" "$ip"

	ports=$(bridge_ports)
	assert_succeeds t_mgr stop -n deb1 -t 30
	assert_succeeds t_mgr destroy -n deb1
	# shellcheck disable=SC2086
	wait_links_gone $ports
	assert_eq "" "$(bridge_ports)" "ports of $NET_BRIDGE"
	assert_no_leftovers deb1
}

stop_removes_everything() {
	net_up
	local pid
	pid=$(net_dnsmasq_pids)
	assert_succeeds net stop
	assert_contains "$T_OUT" "$NET_BRIDGE stopped"
	[[ ! -e /sys/class/net/$NET_BRIDGE ]] || t_fail "$NET_BRIDGE is still there"
	assert_eq "$(cat "$FW_BEFORE")" "$(firewall_dump)" "the firewall after stop"
	assert_eq "" "$(net_dnsmasq_pids)" "dnsmasq after stop (was $pid)"
	[[ ! -e $NET_RUN ]] || t_fail "$NET_RUN is left: $(ls -A "$NET_RUN")"
	if ! other_networks_up; then
		assert_eq "$FORWARD_BEFORE" "$(cat /proc/sys/net/ipv4/ip_forward)" "net.ipv4.ip_forward after stop"
	fi
	# Stopping again has nothing to do.
	assert_succeeds net stop
	assert_contains "$T_OUT" "$NET_BRIDGE is not up"
}

iptables_fallback() {
	command -v iptables >/dev/null || t_skip "iptables is not installed"
	command -v ip6tables >/dev/null || t_skip "ip6tables is not installed"
	[[ -d /proc/sys/net/ipv6 ]] || t_skip "no IPv6 on this host"
	net stop >/dev/null
	local conf=$T_WORK/net-iptables.conf before tag="mgr-net:$NET_BRIDGE" tables t
	{ cat "$NET_CONF"; echo MGR_FIREWALL=iptables; echo "MGR_IPV6=$NET_IPV6"; } >"$conf"
	before=$(firewall_dump)
	tables=$(nft list tables 2>/dev/null || true)
	assert_succeeds mgr-net -c "$conf" start
	assert_contains "$T_OUT" "NAT iptables"
	assert_contains "$(iptables-save -t nat)" "-A POSTROUTING -s $NET_NETWORK ! -d $NET_NETWORK"
	assert_contains "$(ip6tables-save -t nat)" "-A POSTROUTING -s $NET_IPV6 ! -d $NET_IPV6"
	assert_eq 6 "$(iptables-save | grep -c -F "$tag")" "IPv4 rules"
	assert_eq 6 "$(ip6tables-save | grep -c -F "$tag")" "IPv6 rules"
	assert_succeeds mgr-net -c "$conf" start
	assert_eq 6 "$(iptables-save | grep -c -F "$tag")" "IPv4 rules after a second start"
	assert_eq 6 "$(ip6tables-save | grep -c -F "$tag")" "IPv6 rules after a second start"
	assert_succeeds mgr-net -c "$conf" stop
	assert_eq 0 "$(iptables-save | grep -c -F "$tag" || true)" "IPv4 rules after stop"
	assert_eq 0 "$(ip6tables-save | grep -c -F "$tag" || true)" "IPv6 rules after stop"
	# iptables-nft leaves the tables it made for the rules, empty: they
	# are iptables' own and stay, but this test made them and drops them.
	if command -v nft >/dev/null; then
		nft list tables | while read -r t; do
			grep -q -x -F "$t" <<<"$tables" && continue
			case $t in
			"table ip nat"|"table ip filter"|"table ip6 nat"|"table ip6 filter")
				# shellcheck disable=SC2086
				nft delete $t ;;
			esac
		done
	fi
	assert_eq "$before" "$(firewall_dump)" "the firewall after stop"
	[[ ! -e /sys/class/net/$NET_BRIDGE ]] || t_fail "$NET_BRIDGE is still there"
}

ipv6_slaac() {
	[[ -d /proc/sys/net/ipv6 ]] || t_skip "no IPv6 on this host"
	trap ns_del EXIT
	net stop >/dev/null
	local conf=$T_WORK/net-ipv6.conf addr6='' before
	before=$(firewall_dump)
	{ cat "$NET_CONF"; echo "MGR_IPV6=$NET_IPV6"; } >"$conf"
	assert_succeeds mgr-net -c "$conf" start
	assert_contains "$(ip -6 -o addr show dev "$NET_BRIDGE")" "inet6 $NET_ADDR6/64"
	assert_eq 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" "IPv6 forwarding"
	if [[ $T_OUT == *"NAT nftables"* ]]; then
		assert_contains "$(nft list table inet "mgr_$NET_BRIDGE")" \
			"ip6 saddr $NET_IPV6 ip6 daddr != $NET_IPV6 masquerade"
	fi
	ns_client v6
	assert_succeeds ns_dhcp v6
	# Router advertisements: an address of the prefix and a default route.
	for _ in $(seq 60); do
		addr6=$(ip -n "$NS_PREFIX-v6" -6 -o addr show dev eth0 scope global -tentative |
			awk '{ print $4 }')
		[[ -n $addr6 ]] && break
		sleep 0.25
	done
	[[ $addr6 == "${NET_IPV6%::/64}":* ]] || t_fail "no SLAAC address of $NET_IPV6: \"$addr6\""
	assert_contains "$(ip -n "$NS_PREFIX-v6" -6 route show default)" "proto ra"
	assert_succeeds in_ns v6 busybox ping -6 -c 1 -W 2 "$NET_ADDR6"
	ns_del
	wait_links_gone "mgrtv$$v6"
	assert_succeeds mgr-net -c "$conf" stop
	if ! other_networks_up; then
		assert_eq "$FORWARD6_BEFORE" "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" "IPv6 forwarding after stop"
	fi
	assert_eq "$before" "$(firewall_dump)" "the firewall after stop"
}

bad_settings() {
	local conf=$T_WORK/bad.conf
	printf 'MGR_BRIDGE=%s\nMGR_NETWORK=10.1.2.3/24\n' "$NET_BRIDGE" >"$conf"
	assert_fails -e "has host bits set" mgr-net -c "$conf" start
	printf 'MGR_BRIDGE=%s\nMGR_NETWROK=10.1.2.0/24\n' "$NET_BRIDGE" >"$conf"
	assert_fails -e "unknown setting \"MGR_NETWROK\"" mgr-net -c "$conf" start
	printf 'MGR_BRIDGE=%s\nMGR_NETWORK=%s\nMGR_DHCP_RANGE=%s1,%s9\n' "$NET_BRIDGE" "$NET_NETWORK" \
		"$NET_PREFIX3" "$NET_PREFIX3" >"$conf"
	assert_fails -e "holds the bridge's address" mgr-net -c "$conf" start
	assert_fails -e "cannot read" mgr-net -c "$T_WORK/no-such.conf" start
	[[ ! -e /sys/class/net/$NET_BRIDGE && ! -e $NET_RUN ]] ||
		t_fail "a refused start left $NET_BRIDGE or $NET_RUN behind"
}

net_cleanup() {
	ns_del
	mgr-net -c "$NET_CONF" stop >/dev/null 2>&1
	if [[ -e /sys/class/net/$NET_BRIDGE || -e $NET_RUN ]]; then
		echo "not ok - $T_FILE: cleanup: $NET_BRIDGE or $NET_RUN is left"
		T_FAILED=$((T_FAILED + 1))
	fi
	[[ ${T_OWN_CACHE:-no} == no ]] || rm -rf --one-file-system "$MGR_TEST_CACHE"
}
trap 'net_cleanup; t_exit' EXIT

t_case "start brings up the bridge, NAT and dnsmasq on the bridge alone" starts
t_case "start again is a no-op" start_again_is_a_no_op
t_case "status tells up, partly up and down" status_reports
t_case "clients in namespaces get leases and find each other by name" namespaces_get_leases
t_case "two busybox containers get leases and find each other by name" containers_get_leases
t_case "a Debian guest gets a lease at boot through systemd-networkd" debian_gets_a_lease
t_case "stop removes the bridge, the rules, dnsmasq and its leases" stop_removes_everything
t_case "without nft: iptables rules, tagged, removed at stop" iptables_fallback
t_case "IPv6: router advertisements, SLAAC and NAT66" ipv6_slaac
t_case "bad settings are refused before anything is set up" bad_settings
