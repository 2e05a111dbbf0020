/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap: "u|g NSID HOSTID RANGE" lines, or "auto" for mgr-create;
 * privileged (no user namespace, on purpose) and rootfs.idmapped. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"
#include "util/macro.h"

int key_set_idmap(const char *key, const char *value, struct mgr_conf *conf,
		  struct conf_error *err)
{
	struct conf_idmap m, *v;
	const char *why;

	if (!*value)
		return key_clear_idmap(key, conf);
	if (streq(value, "auto")) {
		conf->idmap_auto = 1;
		return 0;
	}
	if (idmap_parse(value, &m, &why) < 0)
		return conf_bad_value(err, key, value, "%s", why);
	if (conf->n_idmaps >= 2 * IDMAP_MAX)
		return conf_bad_value(err, key, value, "too many idmap lines");
	v = realloc(conf->idmaps, (conf->n_idmaps + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[conf->n_idmaps++] = m;
	conf->idmaps = v;
	return 0;
}

int key_get_idmap(const char *key, const struct mgr_conf *conf, char **ret)
{
	char *text = NULL, line[80];
	int r = 0;

	if (conf->idmap_auto)
		r = conf_key_add_line(&text, "auto");
	for (size_t i = 0; i < conf->n_idmaps && r == 0; i++) {
		const struct conf_idmap *m = &conf->idmaps[i];

		snprintf(line, sizeof(line), "%c %lu %lu %lu", m->type, m->nsid, m->hostid, m->range);
		r = conf_key_add_line(&text, line);
	}
	if (r < 0) {
		free(text);
		return r;
	}
	*ret = text;
	return 0;
}

int key_clear_idmap(const char *key, struct mgr_conf *conf)
{
	free(conf->idmaps);
	conf->idmaps = NULL;
	conf->n_idmaps = 0;
	conf->idmap_auto = 0;
	return 0;
}

NUMBER_KEY(privileged, privileged, 0, 1, -1)
NUMBER_KEY(rootfs_idmapped, rootfs_idmapped, 0, 1, -1)
