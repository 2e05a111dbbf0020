/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The key table: for every key a set, get and clear function over its
 * field in struct mgr_conf, in the order the keys are listed and written.
 * The functions live with their group in conf_keys_*.c; values are checked
 * with the parsers in conf_values.c and a bad value leaves the field as it
 * was.  Here: the table itself, the key names, and finding a key.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "mgr/mgr.h"
#include "util/macro.h"

const char *conf_key_strip_prefix(const char *key)
{
	if (strncmp(key, "mgr.", 4) == 0 || strncmp(key, "lxc.", 4) == 0)
		return key + 4;
	return NULL;
}

const char *conf_key_bare(const char *key)
{
	const char *s = conf_key_strip_prefix(key);

	return s ? s : key;
}

/* "N.rest": N in 0..CONF_NET_MAX-1 without leading zeros; *ret_rest = "rest". */
int conf_key_parse_index(const char *s, unsigned *ret_index, const char **ret_rest)
{
	size_t n = strspn(s, "0123456789");
	unsigned v = 0;

	if (n == 0 || n > 4 || s[n] != '.' || (n > 1 && *s == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (v >= CONF_NET_MAX)
		return -EINVAL;
	*ret_index = v;
	*ret_rest = s + n + 1;
	return 0;
}

/* ------------------------------------------------------------ the table */

#define KEY(n, id, fl) { n, key_set_##id, key_get_##id, key_clear_##id, fl, NULL }
#define KEY_MANY(n, id, fl) { n, key_set_##id, key_get_##id, key_clear_##id, fl, key_instances_##id }

static const struct conf_key keys[] = {
	KEY("uts.name", uts_name, 0),
	KEY("arch", arch, 0),
	KEY("rootfs.path", rootfs_path, 0),
	KEY("rootfs.mount", rootfs_mount, 0),
	KEY("rootfs.options", rootfs_options, 0),
	KEY("mount.entry", mount_entry, CONF_KEY_LIST),
	KEY("mount.fstab", mount_fstab, 0),
	KEY("mount.auto", mount_auto, CONF_KEY_LIST),
	KEY("autodev", autodev, 0),
	KEY("tty.max", tty_max, 0),
	KEY("tty.dir", tty_dir, 0),
	KEY("pty.max", pty_max, 0),
	KEY("console.path", console_path, 0),
	KEY("console.logfile", console_logfile, 0),
	KEY("console.size", console_size, 0),
	KEY("console.buffer.size", console_buffer_size, 0),
	KEY("init.cmd", init_cmd, 0),
	KEY("init.cwd", init_cwd, 0),
	KEY("init.uid", init_uid, 0),
	KEY("init.gid", init_gid, 0),
	KEY("environment", environment, CONF_KEY_LIST),
	KEY("signal.halt", signal_halt, 0),
	KEY("signal.reboot", signal_reboot, 0),
	KEY("signal.stop", signal_stop, 0),
	KEY("cap.drop", cap_drop, CONF_KEY_LIST),
	KEY("cap.keep", cap_keep, CONF_KEY_LIST),
	KEY("namespace.clone", namespace_clone, CONF_KEY_LIST),
	KEY("namespace.keep", namespace_keep, CONF_KEY_LIST),
	KEY("idmap", idmap, CONF_KEY_LIST),
	KEY("privileged", privileged, 0),
	KEY("rootfs.idmapped", rootfs_idmapped, 0),
	KEY("seccomp.profile", seccomp_profile, 0),
	KEY("seccomp.allow_nesting", seccomp_allow_nesting, 0),
	KEY("no_new_privs", no_new_privs, 0),
	KEY("apparmor.profile", apparmor_profile, 0),
	KEY("apparmor.allow_nesting", apparmor_allow_nesting, 0),
	KEY("apparmor.allow_incomplete", apparmor_allow_incomplete, 0),
	KEY("selinux.context", selinux_context, 0),
	KEY("selinux.allow_incomplete", selinux_allow_incomplete, 0),
	KEY("net", net, CONF_KEY_CLEAR_ONLY),
	KEY_MANY("net.N.type", net_type, 0),
	KEY_MANY("net.N.link", net_link, 0),
	KEY_MANY("net.N.flags", net_flags, 0),
	KEY_MANY("net.N.name", net_name, 0),
	KEY_MANY("net.N.hwaddr", net_hwaddr, 0),
	KEY_MANY("net.N.mtu", net_mtu, 0),
	KEY_MANY("net.N.ipv4.address", net_ipv4_address, CONF_KEY_LIST),
	KEY_MANY("net.N.ipv4.gateway", net_ipv4_gateway, 0),
	KEY_MANY("net.N.ipv6.address", net_ipv6_address, CONF_KEY_LIST),
	KEY_MANY("net.N.ipv6.gateway", net_ipv6_gateway, 0),
	KEY_MANY("net.N.veth.pair", net_veth_pair, 0),
	KEY_MANY("net.N.macvlan.mode", net_macvlan_mode, 0),
	KEY_MANY("net.N.ipvlan.mode", net_ipvlan_mode, 0),
	KEY_MANY("net.N.vlan.id", net_vlan_id, 0),
	KEY_MANY("net.N.script.up", net_script_up, 0),
	KEY_MANY("net.N.script.down", net_script_down, 0),
	KEY("log.file", log_file, 0),
	KEY("log.level", log_level, 0),
	KEY("start.auto", start_auto, 0),
	KEY("start.delay", start_delay, 0),
	KEY("start.order", start_order, 0),
	KEY("ephemeral", ephemeral, 0),
	KEY("group", group, CONF_KEY_LIST),
	KEY("hook.pre-start", hook_pre_start, CONF_KEY_LIST),
	KEY("hook.pre-mount", hook_pre_mount, CONF_KEY_LIST),
	KEY("hook.mount", hook_mount, CONF_KEY_LIST),
	KEY("hook.autodev", hook_autodev, CONF_KEY_LIST),
	KEY("hook.start", hook_start, CONF_KEY_LIST),
	KEY("hook.stop", hook_stop, CONF_KEY_LIST),
	KEY("hook.post-stop", hook_post_stop, CONF_KEY_LIST),
	KEY("hook.clone", hook_clone, CONF_KEY_LIST),
	KEY("hook.destroy", hook_destroy, CONF_KEY_LIST),
	KEY_MANY("prlimit.", prlimit, 0),
	KEY_MANY("sysctl.", sysctl, 0),
	KEY("limits.memory", limits_memory, 0),
	KEY("limits.memory.swap", limits_memory_swap, 0),
	KEY("limits.cpu", limits_cpu, 0),
	KEY("limits.cpu.weight", limits_cpu_weight, 0),
	KEY("limits.cpuset", limits_cpuset, 0),
	KEY("limits.pids", limits_pids, 0),
	KEY("limits.io.read_bps", limits_io_read_bps, CONF_KEY_LIST),
	KEY("limits.io.write_bps", limits_io_write_bps, CONF_KEY_LIST),
	KEY("limits.io.read_iops", limits_io_read_iops, CONF_KEY_LIST),
	KEY("limits.io.write_iops", limits_io_write_iops, CONF_KEY_LIST),
	/* before the prefix keys, which would take them too */
	KEY("cgroup.view", cgroup_view, 0),
	KEY("cgroup.devices.allow", cgroup_devices_allow, CONF_KEY_LIST),
	KEY("cgroup.devices.deny", cgroup_devices_deny, CONF_KEY_LIST),
	KEY("cgroup2.devices.allow", cgroup2_devices_allow, CONF_KEY_LIST),
	KEY("cgroup2.devices.deny", cgroup2_devices_deny, CONF_KEY_LIST),
	KEY_MANY("cgroup.", cgroup, 0),
	KEY_MANY("cgroup2.", cgroup2, 0),
};

/* Every key with its "mgr." prefix, in table order, then include; a prefix
 * key "sysctl." is listed as "mgr.sysctl.*".  Made from the table once. */
static const char **key_names;

static void key_names_make(void)
{
	const char **v = calloc(ARRAY_SIZE(keys) + 2, sizeof(char *));
	size_t n = 0;

	if (!v)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *name = keys[i].name;
		bool prefix = name[strlen(name) - 1] == '.';
		char *s;

		if (asprintf(&s, "mgr.%s%s", name, prefix ? "*" : "") < 0) {
			while (n > 0)
				free((char *)v[--n]);
			free(v);
			return;
		}
		v[n++] = s;
	}
	v[n] = "mgr.include";
	key_names = v;
}

_public_ const char *const *mgr_config_keys(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, key_names_make);
	return key_names;
}

const struct conf_key *conf_key_table(size_t *ret_n)
{
	*ret_n = ARRAY_SIZE(keys);
	return keys;
}

static bool key_matches(const struct conf_key *k, const char *key)
{
	const char *n = strstr(k->name, ".N.");
	size_t len = strlen(k->name);

	if (n) {
		size_t head = (size_t)(n - k->name) + 1;
		const char *rest;
		unsigned index;

		return strncmp(key, k->name, head) == 0 &&
		       conf_key_parse_index(key + head, &index, &rest) == 0 && streq(rest, n + 3);
	}
	if (k->name[len - 1] == '.')
		return strncmp(key, k->name, len) == 0 && key[len];
	return streq(key, k->name);
}

const struct conf_key *conf_key_lookup(const char *key)
{
	key = conf_key_bare(key);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (key_matches(&keys[i], key))
			return &keys[i];
	return NULL;
}
