/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The key table: every key has set, get and clear; a sample value of each
 * survives set -> get -> clear; a bad value is refused naming the key; the
 * public key list matches the table.  A key without a sample here fails
 * the test, so a new key must come with one.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "mgr/mgr.h"
#include "tap.h"
#include "util/macro.h"
#include "util/strv.h"

struct sample {
	const char *name;      /* table name */
	const char *key;       /* a concrete key, without prefix */
	const char *value;     /* a valid value ... */
	const char *canonical; /* ... and what get gives back for it */
	const char *bad_value; /* refused */
	const char *bad_key;   /* refused with bad_value (NULL: key) */
	const char *why;       /* part of the refusal message */
};

static const struct sample samples[] = {
	{ "uts.name", "uts.name", "web-1.example", "web-1.example", "-web", NULL, "start" },
	{ "arch", "arch", "amd64", "amd64", "vax", NULL, "architecture" },
	{ "rootfs.path", "rootfs.path", "dir:/var/lib/mgr/web1/rootfs",
	  "dir:/var/lib/mgr/web1/rootfs", "zfs:/a", NULL,
	  "storage backend \"zfs\" is not available in this build" },
	{ "rootfs.mount", "rootfs.mount", "/usr/lib/mgr/rootfs", "/usr/lib/mgr/rootfs", "rootfs",
	  NULL, "absolute" },
	{ "rootfs.options", "rootfs.options", "ro,nodev,nosuid", "ro,nodev,nosuid", "ro,bogus",
	  NULL, "mount option" },
	{ "mount.entry", "mount.entry", "proc proc proc nodev,noexec,nosuid 0 0",
	  "proc proc proc nodev,noexec,nosuid 0 0", "only three fields", NULL, "SOURCE" },
	{ "mount.fstab", "mount.fstab", "/var/lib/mgr/web1/fstab", "/var/lib/mgr/web1/fstab",
	  "fstab", NULL, "absolute" },
	{ "mount.auto", "mount.auto", "proc sys:ro cgroup:rw:force",
	  "proc:mixed sys:ro cgroup:rw:force", "proc:wrong", NULL, "unknown word" },
	{ "autodev", "autodev", "1", "1", "2", NULL, "out of range" },
	{ "seccomp.profile", "seccomp.profile", "/usr/share/mgr/config/common.seccomp",
	  "/usr/share/mgr/config/common.seccomp", "common.seccomp", NULL, "absolute" },
	{ "seccomp.allow_nesting", "seccomp.allow_nesting", "1", "1", "yes", NULL, "not a number" },
	{ "no_new_privs", "no_new_privs", "1", "1", "2", NULL, "out of range" },
	{ "apparmor.profile", "apparmor.profile", "generated", "generated", "web profile", NULL,
	  "white space" },
	{ "apparmor.allow_nesting", "apparmor.allow_nesting", "1", "1", "2", NULL, "out of range" },
	{ "apparmor.allow_incomplete", "apparmor.allow_incomplete", "1", "1", "on", NULL,
	  "not a number" },
	{ "selinux.context", "selinux.context", "system_u:system_r:container_t:s0:c1,c2",
	  "system_u:system_r:container_t:s0:c1,c2", "container_t", NULL, "USER:ROLE:TYPE" },
	{ "selinux.allow_incomplete", "selinux.allow_incomplete", "1", "1", "-1", NULL,
	  "out of range" },
	{ "tty.max", "tty.max", "4", "4", "lots", NULL, "not a number" },
	{ "tty.dir", "tty.dir", "lxc", "lxc", "a/b", NULL, "directory" },
	{ "pty.max", "pty.max", "1024", "1024", "-1", NULL, "out of range" },
	{ "console.path", "console.path", "none", "none", "ttyS0", NULL, "absolute" },
	{ "console.logfile", "console.logfile", "/var/log/mgr/web1.console",
	  "/var/log/mgr/web1.console", "console.log", NULL, "absolute" },
	{ "console.size", "console.size", "1MiB", "1M", "lots", NULL, "not a size" },
	{ "console.buffer.size", "console.buffer.size", "64k", "64K", "12Q", NULL, "not a size" },
	{ "init.cmd", "init.cmd", "/bin/sh -c 'echo hi'", "/bin/sh -c \"echo hi\"",
	  "/bin/sh -c 'echo", NULL, "unterminated quote" },
	{ "init.cwd", "init.cwd", "/root", "/root", "root", NULL, "absolute" },
	{ "init.uid", "init.uid", "1000", "1000", "4294967295", NULL, "out of range" },
	{ "init.gid", "init.gid", "0", "0", "x", NULL, "not a number" },
	{ "environment", "environment", "TERM=linux", "TERM=linux", "1BAD=x", NULL, "variable" },
	{ "signal.halt", "signal.halt", "PWR", "SIGPWR", "SIGFOO", NULL, "unknown signal" },
	{ "signal.reboot", "signal.reboot", "RTMIN+3", "SIGRTMIN+3", "RTMIN+999", NULL,
	  "unknown signal" },
	{ "signal.stop", "signal.stop", "9", "SIGKILL", "0", NULL, "unknown signal" },
	{ "cap.drop", "cap.drop", "CAP_SYS_ADMIN mknod 16", "sys_admin\nmknod\nsys_module",
	  "cap_flying", NULL, "unknown capability \"cap_flying\"" },
	{ "cap.keep", "cap.keep", "none", "none", "none chown", NULL, "alone" },
	{ "namespace.clone", "namespace.clone", "pid mount network", "mnt net pid", "bogus", NULL,
	  "unknown namespace \"bogus\"" },
	{ "namespace.keep", "namespace.keep", "user time", "time user", "net2", NULL,
	  "unknown namespace" },
	{ "idmap", "idmap", "u 0 100000 65536", "u 0 100000 65536", "x 0 1 2", NULL,
	  "expected \"u\" or \"g\"" },
	{ "privileged", "privileged", "1", "1", "yes", NULL, "not a number" },
	{ "cgroup.view", "cgroup.view", "unified", "unified", "v3", NULL, "expected \"auto\"" },
	{ "rootfs.idmapped", "rootfs.idmapped", "1", "1", "2", NULL, "out of range" },
	/* only an empty value: set clears, get gives nothing */
	{ "net", "net", "", NULL, "x", NULL, "empty" },
	{ "net.N.type", "net.3.type", "veth", "veth", "tunnel", NULL, "unknown network type" },
	{ "net.N.link", "net.0.link", "br0", "br0", "br/0", NULL, "interface name" },
	{ "net.N.flags", "net.0.flags", "up", "up", "down", NULL, "expected \"up\"" },
	{ "net.N.name", "net.1.name", "eth1", "eth1", "sixteen-chars-ab", NULL,
	  "1 to 15 characters" },
	{ "net.N.hwaddr", "net.0.hwaddr", "00:16:3E:xx:XX:xx", "00:16:3e:xx:xx:xx",
	  "01:00:5e:00:00:01", NULL, "multicast" },
	{ "net.N.mtu", "net.0.mtu", "9000", "9000", "65536", NULL, "out of range" },
	{ "net.N.ipv4.address", "net.0.ipv4.address", "10.0.3.5/24  10.0.3.255",
	  "10.0.3.5/24 10.0.3.255", "10.0.3.5/33", NULL, "prefix length" },
	{ "net.N.ipv4.gateway", "net.0.ipv4.gateway", "auto", "auto", "10.0.3", NULL,
	  "IPv4 address" },
	{ "net.N.ipv6.address", "net.0.ipv6.address", "FD00:0:0::2/64", "fd00::2/64", "fd00::2",
	  NULL, "ADDRESS/PREFIX" },
	{ "net.N.ipv6.gateway", "net.0.ipv6.gateway", "fd00:0::1", "fd00::1", "10.0.3.1", NULL,
	  "IPv6 address" },
	{ "net.N.veth.pair", "net.0.veth.pair", "veth-web1", "veth-web1", "veth web1", NULL,
	  "white space" },
	{ "net.N.macvlan.mode", "net.0.macvlan.mode", "passthru", "passthru", "vepa2", NULL,
	  "expected private" },
	{ "net.N.ipvlan.mode", "net.0.ipvlan.mode", "l3s", "l3s", "l4", NULL, "expected l2" },
	{ "net.N.vlan.id", "net.0.vlan.id", "100", "100", "4095", NULL, "out of range" },
	{ "net.N.script.up", "net.2.script.up", "/usr/share/mgr/hooks/net-up",
	  "/usr/share/mgr/hooks/net-up", "net-up", NULL, "absolute" },
	{ "net.N.script.down", "net.2.script.down", "/usr/share/mgr/hooks/net-down",
	  "/usr/share/mgr/hooks/net-down", "hooks/net-down", NULL, "absolute" },
	{ "log.file", "log.file", "/var/log/mgr/web1.log", "/var/log/mgr/web1.log", "web1.log",
	  NULL, "absolute" },
	{ "log.level", "log.level", "WARN", "warn", "9", NULL, "expected" },
	{ "start.auto", "start.auto", "1", "1", "yes", NULL, "not a number" },
	{ "start.delay", "start.delay", "5", "5", "-1", NULL, "out of range" },
	{ "start.order", "start.order", "-10", "-10", "1x", NULL, "not a number" },
	{ "ephemeral", "ephemeral", "1", "1", "2", NULL, "out of range" },
	{ "group", "group", "web, db", "web\ndb", "bad/name", NULL, "group name" },
	{ "hook.pre-start", "hook.pre-start", "/usr/share/mgr/hooks/check \"a b\"",
	  "/usr/share/mgr/hooks/check \"a b\"", "/bin/hook 'open", NULL, "unterminated quote" },
	{ "hook.pre-mount", "hook.pre-mount", "/bin/true", "/bin/true", "\"\"", NULL,
	  "empty command" },
	{ "hook.mount", "hook.mount", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "hook.autodev", "hook.autodev", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "hook.start", "hook.start", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "hook.stop", "hook.stop", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "hook.post-stop", "hook.post-stop", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "hook.clone", "hook.clone", "/usr/share/mgr/hooks/clonehostname",
	  "/usr/share/mgr/hooks/clonehostname", "'", NULL, "unterminated" },
	{ "hook.destroy", "hook.destroy", "/bin/true", "/bin/true", "'", NULL, "unterminated" },
	{ "prlimit.", "prlimit.nofile", "1024:4096", "1024:4096", "4096:1024", NULL,
	  "soft limit" },
	{ "sysctl.", "sysctl.net.ipv4.ip_forward", "1", "1", "1", "sysctl.Net.ipv4", "sysctl name" },
	{ "limits.memory", "limits.memory", "64m", "64M", "lots", NULL, "not a size" },
	{ "limits.memory.swap", "limits.memory.swap", "0", "0", "-1", NULL, "not a size" },
	{ "limits.cpu", "limits.cpu", "1.50", "1.5", "0.001", NULL, "less than 0.01" },
	{ "limits.cpu.weight", "limits.cpu.weight", "100", "100", "10001", NULL, "out of range" },
	{ "limits.cpuset", "limits.cpuset", "0-3,6", "0-3,6", "3-1", NULL, "low to high" },
	{ "limits.pids", "limits.pids", "unlimited", "max", "0", NULL, "out of range" },
	{ "limits.io.read_bps", "limits.io.read_bps", "/dev/vda 1048576", "/dev/vda 1M",
	  "/dev/vda", NULL, "expected DEVICE BYTES" },
	{ "limits.io.write_bps", "limits.io.write_bps", "8:0 10M", "8:0 10M", "8:0 fast", NULL,
	  "not a size" },
	{ "limits.io.read_iops", "limits.io.read_iops", "8:0 100", "8:0 100", "8:0 1K", NULL,
	  "not a number" },
	{ "limits.io.write_iops", "limits.io.write_iops", "/dev/sda max", "/dev/sda max", "sda 100",
	  NULL, "absolute path" },
	{ "cgroup.devices.allow", "cgroup.devices.allow", "c 1:3 mwr", "c 1:3 rwm", "c 1:3 x", NULL,
	  "made of r, w and m" },
	{ "cgroup.devices.deny", "cgroup.devices.deny", "a", "a", "z", NULL, "expected" },
	{ "cgroup2.devices.allow", "cgroup2.devices.allow", "b *:* m", "b *:* m", "b 1:2", NULL,
	  "expected" },
	{ "cgroup2.devices.deny", "cgroup2.devices.deny", "c 10:200 rw", "c 10:200 rw", "c 10:200",
	  NULL, "TYPE" },
	{ "cgroup.", "cgroup.memory.limit_in_bytes", "64M", "64M", "1", "cgroup.memory",
	  "CONTROLLER.FILE" },
	{ "cgroup2.", "cgroup2.memory.max", "max", "max", "1", "cgroup2.memory..max",
	  "single dots" },
};

static const struct sample *find_sample(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++)
		if (streq(samples[i].name, name))
			return &samples[i];
	return NULL;
}

static char *with_prefix(const char *prefix, const char *key)
{
	char *s;

	if (asprintf(&s, "%s%s", prefix, key) < 0)
		abort();
	return s;
}

static void test_table_functions(void)
{
	const struct conf_key *table;
	size_t n;

	table = conf_key_table(&n);
	ok(n > 30, "the table has %zu keys", n);
	for (size_t i = 0; i < n; i++) {
		ok(table[i].name && table[i].set && table[i].get && table[i].clear,
		   "%s has set, get and clear", table[i].name);
		ok(find_sample(table[i].name), "%s has a sample in this test", table[i].name);
		for (size_t j = 0; j < i; j++)
			if (streq(table[i].name, table[j].name))
				ok(false, "%s is in the table twice", table[i].name);
	}
}

/* Through the table entry, with both prefixes. */
static void test_sample_direct(const struct conf_key *k, const struct sample *s)
{
	static const char *const prefixes[] = { "mgr.", "lxc." };

	for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
		_cleanup_free_ char *key = with_prefix(prefixes[p], s->key);
		_cleanup_free_ char *got = NULL, *after = NULL;
		struct conf_error err = { "" };
		char *sentinel = (char *)"untouched";

		is_int(k->set(key, s->value, conf, &err), 0, "%s = %s is accepted", key, s->value);
		is_int(k->get(key, conf, &got), 0, "%s get", key);
		is_str(got, s->canonical, "%s gives its canonical value", key);
		is_int(k->clear(key, conf), 0, "%s clear", key);
		is_int(k->get(key, conf, &after), 0, "%s get after clear", key);
		is_str(after, NULL, "%s is unset after clear", key);
		if (s->canonical) {
			/* an empty value clears too */
			free(after);
			after = sentinel;
			k->set(key, s->value, conf, &err);
			is_int(k->set(key, "", conf, &err), 0, "%s = (empty) is accepted", key);
			is_int(k->get(key, conf, &after), 0, "%s get after empty set", key);
			is_str(after, NULL, "%s is unset after an empty value", key);
		}
	}
}

/* Through the item interface, and the refusal of the bad sample. */
static void test_sample_items(const struct sample *s)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *key = with_prefix("lxc.", s->key);
	_cleanup_free_ char *bad_key = with_prefix("lxc.", s->bad_key ? s->bad_key : s->key);
	_cleanup_free_ char *got = NULL, *again = NULL, *quoted_key = NULL, *quoted_value = NULL;
	struct conf_error err = { "" };
	int r;

	is_int(conf_set_item(conf, s->key, s->value, &err), 0, "set item %s (no prefix)", s->key);
	is_int(conf_get_item(conf, key, &got), 0, "get item %s", key);
	is_str(got, s->canonical, "get item %s gives the canonical value", key);

	r = conf_set_item(conf, bad_key, s->bad_value, &err);
	is_int(r, -EINVAL, "%s = %s is refused", bad_key, s->bad_value);
	quoted_key = with_prefix("\"", bad_key);
	ok(strstr(err.message, quoted_key), "the message names %s: %s", bad_key, err.message);
	if (!s->bad_key) {
		if (asprintf(&quoted_value, "\"%s\"", s->bad_value) < 0)
			abort();
		ok(strstr(err.message, quoted_value), "the message has the value: %s", err.message);
	}
	ok(strstr(err.message, s->why), "the message says why (%s): %s", s->why, err.message);
	is_int(conf_get_item(conf, key, &again), 0, "get item %s after the refusal", key);
	is_str(again, s->canonical, "a refused value leaves %s as it was", key);

	is_int(conf_clear_item(conf, key), 0, "clear item %s", key);
	free(again);
	again = NULL;
	is_int(conf_get_item(conf, key, &again), 0, "get item %s after clear", key);
	is_str(again, NULL, "clear item %s unsets it", key);
}

static void test_samples(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		const struct conf_key *k = conf_key_lookup(s->key);

		if (!ok(k && streq(k->name, s->name), "sample key %s is the table's %s", s->key,
			s->name))
			continue;
		test_sample_direct(k, s);
		test_sample_items(s);
	}
}

static void test_lookup(void)
{
	static const char *const unknown[] = {
		"foo",          "mgr.foo",          "lxc.uts",          "uts.name.x",
		"net.01.type",  "net.1024.type",    "net.0.links",      "net.x.type",
		"net.0",        "sysctl.",          "prlimit.",         "mgr.",
		"lxc.net.type", "mgr.tty.max.more", "MGR.tty.max",      "",
	};
	const struct conf_key *a = conf_key_lookup("lxc.uts.name");

	ok(a && a == conf_key_lookup("mgr.uts.name") && a == conf_key_lookup("uts.name"),
	   "lxc.uts.name, mgr.uts.name and uts.name are the same key");
	ok(conf_key_lookup("lxc.net.1023.type") == conf_key_lookup("net.0.type"),
	   "net.1023.type is an indexed key");
	ok(conf_key_lookup("mgr.prlimit.nofile") && conf_key_lookup("sysctl.kernel.shmmax"),
	   "prefix keys are found");
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		ok(!conf_key_lookup(unknown[i]), "\"%s\" is not a key", unknown[i]);
	is_str(conf_key_strip_prefix("lxc.a.b"), "a.b", "strip lxc.");
	is_str(conf_key_strip_prefix("mgr.a"), "a", "strip mgr.");
	ok(!conf_key_strip_prefix("a.b"), "no prefix to strip");
}

/* The public name of a table key: "mgr.uts.name", "mgr.sysctl.*". */
static char *public_name(const char *name)
{
	char *s;

	if (asprintf(&s, "mgr.%s%s", name, name[strlen(name) - 1] == '.' ? "*" : "") < 0)
		abort();
	return s;
}

static void test_public_list(void)
{
	const char *const *list = mgr_config_keys();
	const struct conf_key *table;
	size_t n, listed = 0;

	table = conf_key_table(&n);
	ok(list, "mgr_config_keys() returns a list");
	while (list && list[listed])
		listed++;
	is_int(listed, n + 1, "the list has every table key and mgr.include");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *want = public_name(table[i].name);
		bool found = false;

		for (size_t j = 0; j < listed && !found; j++)
			found = streq(list[j], want);
		ok(found, "%s is listed as %s", table[i].name, want);
	}
	for (size_t j = 0; j < listed; j++) {
		bool found = streq(list[j], "mgr.include");

		for (size_t i = 0; i < n && !found; i++) {
			_cleanup_free_ char *name = public_name(table[i].name);

			found = streq(name, list[j]);
		}
		ok(found, "%s is a table key", list[j]);
	}
}

static void test_values(void)
{
	static const struct {
		const char *s;
		unsigned long long v;
	} sizes[] = {
		{ "0", 0 },         { "100", 100 },        { "100B", 100 },
		{ "64K", 65536 },   { "64k", 65536 },      { "1KiB", 1024 },
		{ "1kb", 1024 },    { "1M", 1048576 },     { "2G", 2147483648ULL },
		{ "1t", 1ULL << 40 },
	};
	static const char *const bad_sizes[] = { "", "K", "1X", "-1", " 1", "1 K", "1Ki", "1KK",
						 "99999999999999999999", "99999999999T" };
	unsigned long long v;
	char *s = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		v = 7;
		is_int(conf_size_from_string(sizes[i].s, &v), 0, "size \"%s\" parses", sizes[i].s);
		ok(v == sizes[i].v, "size \"%s\" is %llu (got %llu)", sizes[i].s, sizes[i].v, v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		v = 7;
		ok(conf_size_from_string(bad_sizes[i], &v) < 0 && v == 7,
		   "size \"%s\" is refused, ret untouched", bad_sizes[i]);
	}
	is_int(conf_size_format(3 << 20, &s), 0, "size format");
	is_str(s, "3M", "3 MiB formats as 3M");
	free(s);
	conf_size_format(3072, &s);
	is_str(s, "3K", "3072 formats as 3K");
	free(s);
	conf_size_format(1536, &s);
	is_str(s, "1536", "1536 is not a whole number of K");
	free(s);
	conf_size_format(1000, &s);
	is_str(s, "1000", "1000 has no unit");
	free(s);

	is_int(conf_signal_from_name("SIGTERM"), SIGTERM, "SIGTERM");
	is_int(conf_signal_from_name("term"), SIGTERM, "term (case-insensitive, no SIG)");
	is_int(conf_signal_from_name("15"), 15, "15");
	is_int(conf_signal_from_name("SIGRTMIN+3"), SIGRTMIN + 3, "SIGRTMIN+3");
	is_int(conf_signal_from_name("RTMAX-1"), SIGRTMAX - 1, "RTMAX-1");
	is_int(conf_signal_from_name("SIGRTMIN-1"), -EINVAL, "SIGRTMIN-1 is refused");
	is_int(conf_signal_from_name("65"), -EINVAL, "65 is refused");
	is_int(conf_signal_from_name("SIG"), -EINVAL, "SIG alone is refused");
	conf_signal_name(SIGRTMIN + 5, &s);
	is_str(s, "SIGRTMIN+5", "real-time signals are named SIGRTMIN+N");
	free(s);
	conf_signal_name(SIGIO, &s);
	is_str(s, "SIGIO", "canonical name before aliases");
	free(s);
	s = (char *)"x";
	ok(conf_signal_name(0, &s) == -EINVAL && streq(s, "x"), "signal 0 has no name");

	is_int(conf_capability_from_name("CAP_SYS_ADMIN"), 21, "CAP_SYS_ADMIN");
	is_int(conf_capability_from_name("cap_chown"), 0, "cap_chown");
	is_int(conf_capability_from_name("Net_Admin"), 12, "Net_Admin");
	is_int(conf_capability_from_name("40"), 40, "40");
	is_int(conf_capability_from_name("cap_"), -EINVAL, "cap_ alone");
	is_int(conf_capability_from_name("63"), -EINVAL, "63 is not a capability");
	is_int(conf_capability_from_name("all"), -EINVAL, "all is not a capability");
	is_str(conf_capability_name(21), "sys_admin", "capability 21 is sys_admin");

	is_int(conf_namespace_from_name("mount"), CLONE_NEWNS, "mount is mnt");
	is_int(conf_namespace_from_name("time"), 0x80, "time is CLONE_NEWTIME");
	is_int(conf_namespace_from_name("bogus"), -EINVAL, "bogus namespace");
	is_str(conf_namespace_name(CLONE_NEWNET), "net", "CLONE_NEWNET is net");
}

/* Behaviour of single keys beyond the samples. */
static void test_key_details(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };
	char *s = NULL;

	conf_set_item(conf, "mount.auto", "proc:rw sys", &err);
	conf_set_item(conf, "mount.auto", "proc cgroup-full:ro:force", &err);
	conf_get_item(conf, "mount.auto", &s);
	is_str(s, "proc:mixed sys:mixed cgroup-full:ro:force", "mount.auto words accumulate and replace");
	free(s);
	ok(conf->mount_auto & MOUNT_AUTO_CGROUP_FORCE, "cgroup :force sets the force flag");
	conf_set_item(conf, "mount.auto", "cgroup", &err);
	ok(!(conf->mount_auto & MOUNT_AUTO_CGROUP_FORCE), "a later cgroup word drops :force");

	conf_set_item(conf, "cap.keep", "none", &err);
	conf_set_item(conf, "cap.keep", "chown kill", &err);
	conf_get_item(conf, "cap.keep", &s);
	is_str(s, "chown\nkill", "names after none replace it");
	free(s);
	conf_set_item(conf, "cap.keep", "kill setuid", &err);
	conf_get_item(conf, "cap.keep", &s);
	is_str(s, "chown\nkill\nsetuid", "cap lists accumulate without duplicates");
	free(s);

	conf_set_item(conf, "environment", "A=1", &err);
	conf_set_item(conf, "environment", "HOME", &err);
	conf_set_item(conf, "environment", "A=2", &err);
	conf_get_item(conf, "environment", &s);
	is_str(s, "A=2\nHOME", "a variable set again replaces the earlier value");
	free(s);

	conf_set_item(conf, "net.5.type", "none", &err);
	conf_set_item(conf, "net.1.type", "empty", &err);
	conf_set_item(conf, "net.3.type", "empty", &err);
	ok(conf->n_nets == 3 && conf->nets[0].index == 1 && conf->nets[1].index == 3 &&
		   conf->nets[2].index == 5,
	   "nets are kept sorted by index");
	conf_get_item(conf, "net", &s);
	is_str(s, "1\n3\n5", "get net lists the indices");
	free(s);
	is_int(conf_set_item(conf, "net.0.type", "tunnel", &err), -EINVAL, "tunnel is refused");
	ok(strstr(err.message, "unknown network type"), "unknown network type: %s", err.message);
	conf_set_item(conf, "net.3.type", "", &err);
	ok(conf->n_nets == 2 && conf->nets[1].index == 5, "an empty type removes that net");
	conf_set_item(conf, "lxc.net", "", &err);
	ok(conf->n_nets == 0 && !conf->nets, "net = (empty) removes every net");

	conf_set_item(conf, "prlimit.core", "unlimited", &err);
	conf_set_item(conf, "prlimit.nofile", "100:unlimited", &err);
	conf_get_item(conf, "prlimit.core", &s);
	is_str(s, "unlimited", "prlimit unlimited");
	free(s);
	conf_get_item(conf, "prlimit.nofile", &s);
	is_str(s, "100:unlimited", "prlimit soft:unlimited");
	free(s);
	is_int(conf_set_item(conf, "prlimit.bogus", "1", &err), -EINVAL, "unknown prlimit");
	ok(strstr(err.message, "prlimit.bogus"), "names the key: %s", err.message);

	conf_set_item(conf, "sysctl.kernel.msgmax", "100", &err);
	conf_set_item(conf, "sysctl.kernel.msgmnb", "200", &err);
	conf_set_item(conf, "sysctl.kernel.msgmax", "300", &err);
	ok(conf->n_sysctls == 2 && streq(conf->sysctls[0].value, "300"),
	   "a sysctl set again replaces its value");

	is_int(conf_set_item(conf, "rootfs.path", "zfs:/x", &err), -EINVAL, "zfs: refused");
	ok(strstr(err.message, "storage backend \"zfs\" is not available"), "%s", err.message);
	is_int(conf_set_item(conf, "rootfs.path", "bogus:/x", &err), -EINVAL, "bogus: refused");
	ok(strstr(err.message, "unknown storage backend \"bogus\""), "%s", err.message);
	is_int(conf_set_item(conf, "rootfs.path", "/srv/root", &err), 0, "a plain path");
	is_int(conf_set_item(conf, "rootfs.path", "overlay:/srv/a:/srv/b/upper", &err), 0,
	       "overlay:LOWER:UPPER");
	is_int(conf_set_item(conf, "rootfs.path", "overlay:/srv/a", &err), -EINVAL,
	       "overlay without an upper: refused");
	ok(strstr(err.message, "overlay:LOWER:UPPER"), "%s", err.message);
	is_int(conf_set_item(conf, "rootfs.path", "lvm:/dev/vg/x", &err), 0, "lvm:/dev/VG/LV");
	is_int(conf_set_item(conf, "rootfs.path", "loop:/srv/x/rootdev", &err), 0, "loop:FILE");
	is_int(conf_set_item(conf, "rootfs.path", "loop:rootdev", &err), -EINVAL,
	       "a relative loop image: refused");
	is_int(conf_set_item(conf, "rootfs.path", "dir:relative", &err), -EINVAL,
	       "a relative dir: refused");
	is_int(conf_set_item(conf, "console.size", "auto", &err), 0, "console.size auto");
	conf_get_item(conf, "console.size", &s);
	is_str(s, "auto", "console.size gives auto back");
	free(s);
	is_int(conf_set_item(conf, "console.buffer.size", "0", &err), 0, "buffer size 0");
	conf_get_item(conf, "console.buffer.size", &s);
	is_str(s, "0", "a buffer size of 0 is a value, not unset");
	free(s);
	is_int(conf_set_item(conf, "console.size", "0", &err), -EINVAL, "console.size 0 refused");
	is_int(conf_set_item(conf, "uts.name", "a234567890123456789012345678901234567890123456789012345678901234",
			     &err), 0, "a 64-character host name");
	is_int(conf_set_item(conf, "uts.name", "a2345678901234567890123456789012345678901234567890123456789012345",
			     &err), -EINVAL, "a 65-character host name");
	is_int(conf_set_item(conf, "uts.name", "a b", &err), -EINVAL, "a host name with a space");
	is_int(conf_set_item(conf, "init.cmd", "\"\"", &err), 0, "a command of one empty word");
	is_int(conf_set_item(conf, "init.cmd", "   ", &err), 0, "blank init.cmd clears");
	ok(!conf->init_cmd, "init.cmd is unset");
	is_int(conf_set_item(conf, "uts.name", "a\nb", &err), -EINVAL, "a value with a newline");
	is_int(conf_set_item(conf, "mgr.nothing", "x", &err), -EINVAL, "unknown key");
	is_str(err.message, "unknown key \"mgr.nothing\"", "unknown key message");
	is_int(conf_set_item(conf, "tty.max", "lots", &err), -EINVAL, "tty.max lots");
	is_str(err.message, "bad value \"lots\" for \"mgr.tty.max\": not a number",
	       "bad value message");
	is_int(conf_get_item(conf, "mgr.nothing", &s), -EINVAL, "get of an unknown key");
	is_int(conf_clear_item(conf, "mgr.nothing"), -EINVAL, "clear of an unknown key");
}

static void test_validate(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };

	is_int(conf_validate(conf, &err), 0, "an empty config is valid");
	conf_set_item(conf, "cap.drop", "sys_admin", &err);
	is_int(conf_validate(conf, &err), 0, "cap.drop alone is valid");
	conf_set_item(conf, "cap.keep", "chown", &err);
	is_int(conf_validate(conf, &err), -EINVAL, "cap.drop with cap.keep is refused");
	ok(strstr(err.message, "cap.drop") && strstr(err.message, "cap.keep"), "%s", err.message);
	conf_clear_item(conf, "cap.drop");

	conf_set_item(conf, "namespace.clone", "pid uts", &err);
	conf_set_item(conf, "namespace.keep", "ipc", &err);
	is_int(conf_validate(conf, &err), 0, "different namespaces cloned and kept");
	conf_set_item(conf, "namespace.keep", "uts", &err);
	is_int(conf_validate(conf, &err), -EINVAL, "uts both cloned and kept is refused");
	ok(strstr(err.message, "\"uts\""), "%s", err.message);
	conf_clear_item(conf, "namespace.keep");

	conf_set_item(conf, "net.0.type", "none", &err);
	is_int(conf_validate(conf, &err), 0, "net none without a net namespace");
	conf_set_item(conf, "namespace.clone", "net", &err);
	is_int(conf_validate(conf, &err), -EINVAL, "net none with namespace.clone net is refused");
	ok(strstr(err.message, "net.0.type"), "%s", err.message);
}

static void test_validate_privilege(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };

	conf_set_item(conf, "privileged", "1", &err);
	is_int(conf_validate(conf, &err), 0, "privileged alone is valid");
	conf_set_item(conf, "idmap", "u 0 100000 65536", &err);
	conf_set_item(conf, "idmap", "g 0 100000 65536", &err);
	is_int(conf_validate(conf, &err), -EINVAL, "privileged with maps is refused");
	ok(strstr(err.message, "mgr.privileged = 1") && strstr(err.message, "mgr.idmap"), "%s",
	   err.message);
	conf_set_item(conf, "privileged", "0", &err);
	conf_set_item(conf, "rootfs.idmapped", "1", &err);
	is_int(conf_validate(conf, &err), 0, "maps with an idmapped rootfs");
	conf_clear_item(conf, "idmap");
	is_int(conf_validate(conf, &err), -EINVAL, "an idmapped rootfs without maps is refused");
	ok(strstr(err.message, "rootfs.idmapped"), "%s", err.message);
}

int main(void)
{
	test_table_functions();
	test_samples();
	test_lookup();
	test_public_list();
	test_values();
	test_key_details();
	test_validate();
	test_validate_privilege();
	return done();
}
