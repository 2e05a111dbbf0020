/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the key table (conf_keys.c) and its groups of keys, not by the
 * rest of libmgr, which goes through conf_key_lookup() and conf_key_table().
 *
 * Every key "a.b" has key_set_a_b, key_get_a_b and key_clear_a_b, with the
 * signatures of struct conf_key; indexed and prefix keys also have
 * key_instances_*.  They are declared here, grouped by the file that
 * defines them, so that the table can name them all.
 */
#ifndef MGR_CONF_KEYS_H
#define MGR_CONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "conf.h"

/* ---- conf_keys.c: key names */
/* key without its "mgr." or "lxc." prefix, key itself when it has none. */
const char *conf_key_bare(const char *key);
/* "N.rest": N in 0..CONF_NET_MAX-1 without leading zeros; *ret_rest = "rest". */
int conf_key_parse_index(const char *s, unsigned *ret_index, const char **ret_rest);

/* ---- conf_keys_field.c: one field of struct mgr_conf */
/* *ret = a copy of s, NULL when s is NULL. */
int conf_key_dup(const char *s, char **ret);
/* *field = a copy of value, NULL when value is empty. */
int conf_key_replace_string(char **field, const char *value);
/* The same after check(value) (when given) accepts a non-empty value. */
int conf_key_set_string(const char *key, const char *value, char **field,
			int (*check)(const char *, const char **), struct conf_error *err);
/* The words of v, one per line; NULL for none. */
int conf_key_get_strv(char *const *v, char **ret);
/* Append line to *text (NULL: none yet), after a newline if not the first. */
int conf_key_add_line(char **text, const char *line);
void conf_key_clear_strv(char ***v);
/* A number in min..max, or -EINVAL with err naming the key. */
int conf_key_parse_number(const char *key, const char *value, long long min, long long max,
			  long long *ret, struct conf_error *err);
/* v as text; NULL when it equals unset. */
int conf_key_format_number(long long v, long long unset, char **ret);
/* Add the words not yet in *v; takes nothing from words. */
int conf_key_merge_words(char ***v, char *const *words);
/* key = value lists (sysctl.*, cgroup.*), kept in the order written. */
struct conf_pair *conf_pairs_find(struct conf_pair *v, size_t n, const char *key);
/* Remove key, keeping the order; the array is freed when it empties. */
void conf_pairs_remove(struct conf_pair **v, size_t *n, const char *key);
/* Replace key's value in place, or append it. */
int conf_pairs_set(struct conf_pair **v, size_t *n, const char *key, const char *value);
void conf_pairs_free(struct conf_pair **v, size_t *n);
/* The keys, each after prefix, as a NULL-terminated list. */
int conf_pairs_keys(const struct conf_pair *v, size_t n, const char *prefix, char ***ret);

/* A key with a string field and an optional check. */
#define STRING_KEY(id, field, check)                                                         \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err)                                             \
	{                                                                                    \
		return conf_key_set_string(key, value, &conf->field, check, err);            \
	}                                                                                    \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret)           \
	{                                                                                    \
		return conf_key_dup(conf->field, ret);                                       \
	}                                                                                    \
	int key_clear_##id(const char *key, struct mgr_conf *conf)                           \
	{                                                                                    \
		free(conf->field);                                                           \
		conf->field = NULL;                                                          \
		return 0;                                                                    \
	}

/* A key with an integer field in min..max, unset when equal to unset. */
#define NUMBER_KEY(id, field, min, max, unset)                                               \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err)                                             \
	{                                                                                    \
		long long v = (unset);                                                       \
		int r;                                                                       \
                                                                                             \
		if (*value) {                                                                \
			r = conf_key_parse_number(key, value, (min), (max), &v, err);        \
			if (r < 0)                                                           \
				return r;                                                    \
		}                                                                            \
		conf->field = (__typeof__(conf->field))v;                                    \
		return 0;                                                                    \
	}                                                                                    \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret)           \
	{                                                                                    \
		return conf_key_format_number((long long)conf->field, (unset), ret);         \
	}                                                                                    \
	int key_clear_##id(const char *key, struct mgr_conf *conf)                           \
	{                                                                                    \
		conf->field = (__typeof__(conf->field))(unset);                              \
		return 0;                                                                    \
	}

/* A key whose set, get and clear are shared functions taking one more
 * argument, arg, that tells which field they work on. */
#define FORWARD_KEY(id, arg, set_fn, get_fn, clear_fn)                                       \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err)                                             \
	{                                                                                    \
		return set_fn(key, value, conf, arg, err);                                   \
	}                                                                                    \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret)           \
	{                                                                                    \
		return get_fn(key, conf, arg, ret);                                          \
	}                                                                                    \
	int key_clear_##id(const char *key, struct mgr_conf *conf)                           \
	{                                                                                    \
		return clear_fn(key, conf, arg);                                             \
	}

/* ---- the keys */
#define DECLARE_KEY(id)                                                                      \
	int key_set_##id(const char *key, const char *value, struct mgr_conf *conf,          \
			 struct conf_error *err);                                            \
	int key_get_##id(const char *key, const struct mgr_conf *conf, char **ret);          \
	int key_clear_##id(const char *key, struct mgr_conf *conf)
#define DECLARE_KEY_MANY(id)                                                                 \
	DECLARE_KEY(id);                                                                     \
	int key_instances_##id(const struct mgr_conf *conf, char ***ret)

/* conf_keys_rootfs.c */
DECLARE_KEY(rootfs_path);
DECLARE_KEY(rootfs_mount);
DECLARE_KEY(rootfs_options);
DECLARE_KEY(mount_entry);
DECLARE_KEY(mount_fstab);
DECLARE_KEY(mount_auto);
DECLARE_KEY(autodev);
DECLARE_KEY(tty_max);
DECLARE_KEY(tty_dir);
DECLARE_KEY(pty_max);
DECLARE_KEY(console_path);
DECLARE_KEY(console_logfile);
DECLARE_KEY(console_size);
DECLARE_KEY(console_buffer_size);

/* conf_keys_exec.c */
DECLARE_KEY(uts_name);
DECLARE_KEY(arch);
DECLARE_KEY(init_cmd);
DECLARE_KEY(init_cwd);
DECLARE_KEY(init_uid);
DECLARE_KEY(init_gid);
DECLARE_KEY(environment);
DECLARE_KEY(signal_halt);
DECLARE_KEY(signal_reboot);
DECLARE_KEY(signal_stop);
DECLARE_KEY(cap_drop);
DECLARE_KEY(cap_keep);
DECLARE_KEY(namespace_clone);
DECLARE_KEY(namespace_keep);

/* conf_keys_security.c */
DECLARE_KEY(idmap);
DECLARE_KEY(privileged);
DECLARE_KEY(rootfs_idmapped);
DECLARE_KEY(seccomp_profile);
DECLARE_KEY(seccomp_allow_nesting);
DECLARE_KEY(no_new_privs);
DECLARE_KEY(apparmor_profile);
DECLARE_KEY(apparmor_allow_nesting);
DECLARE_KEY(apparmor_allow_incomplete);
DECLARE_KEY(selinux_context);
DECLARE_KEY(selinux_allow_incomplete);

/* conf_keys_net.c */
DECLARE_KEY(net);
DECLARE_KEY_MANY(net_type);
DECLARE_KEY_MANY(net_link);
DECLARE_KEY_MANY(net_flags);
DECLARE_KEY_MANY(net_name);
DECLARE_KEY_MANY(net_hwaddr);
DECLARE_KEY_MANY(net_mtu);
DECLARE_KEY_MANY(net_ipv4_address);
DECLARE_KEY_MANY(net_ipv4_gateway);
DECLARE_KEY_MANY(net_ipv6_address);
DECLARE_KEY_MANY(net_ipv6_gateway);
DECLARE_KEY_MANY(net_veth_pair);
DECLARE_KEY_MANY(net_macvlan_mode);
DECLARE_KEY_MANY(net_ipvlan_mode);
DECLARE_KEY_MANY(net_vlan_id);
DECLARE_KEY_MANY(net_script_up);
DECLARE_KEY_MANY(net_script_down);

/* conf_keys_manage.c */
DECLARE_KEY(log_file);
DECLARE_KEY(log_level);
DECLARE_KEY(start_auto);
DECLARE_KEY(ephemeral);
DECLARE_KEY(start_delay);
DECLARE_KEY(start_order);
DECLARE_KEY(group);

/* conf_keys_hooks.c */
DECLARE_KEY(hook_pre_start);
DECLARE_KEY(hook_pre_mount);
DECLARE_KEY(hook_mount);
DECLARE_KEY(hook_autodev);
DECLARE_KEY(hook_start);
DECLARE_KEY(hook_stop);
DECLARE_KEY(hook_post_stop);
DECLARE_KEY(hook_clone);
DECLARE_KEY(hook_destroy);

/* conf_keys_kernel.c */
DECLARE_KEY_MANY(prlimit);
DECLARE_KEY_MANY(sysctl);

/* conf_keys_limits.c */
DECLARE_KEY(limits_memory);
DECLARE_KEY(limits_memory_swap);
DECLARE_KEY(limits_cpu);
DECLARE_KEY(limits_cpu_weight);
DECLARE_KEY(limits_cpuset);
DECLARE_KEY(limits_pids);
DECLARE_KEY(limits_io_read_bps);
DECLARE_KEY(limits_io_write_bps);
DECLARE_KEY(limits_io_read_iops);
DECLARE_KEY(limits_io_write_iops);

/* conf_keys_cgroup.c */
DECLARE_KEY(cgroup_view);
DECLARE_KEY(cgroup_devices_allow);
DECLARE_KEY(cgroup_devices_deny);
DECLARE_KEY(cgroup2_devices_allow);
DECLARE_KEY(cgroup2_devices_deny);
DECLARE_KEY_MANY(cgroup);
DECLARE_KEY_MANY(cgroup2);

#endif
