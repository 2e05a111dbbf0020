/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The AppArmor backend, on libapparmor; profiles are loaded and removed
 * with apparmor_parser. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lsm/lsm.h"
#include "storage/storage.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>

static const char *const current_attrs[] = { "attr/apparmor/current", "attr/current", NULL };
static const char *const exec_attrs[] = { "attr/apparmor/exec", "attr/exec", NULL };

static bool apparmor_enabled(void)
{
	return aa_is_enabled() == 1;
}

static int apparmor_exec_text(const char *label, char *buf, size_t size)
{
	int n = snprintf(buf, size, "exec %s", label);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int apparmor_change_text(const char *label, char *buf, size_t size)
{
	int n = snprintf(buf, size, "changeprofile %s", label);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* "NAME (MODE)\n" or "unconfined\n" to NAME, or "" for unconfined. */
static void apparmor_label_from_current(char *text)
{
	size_t n = strcspn(text, "\n");
	char *label, *mode = NULL;

	text[n] = 0;
	label = aa_splitcon(text, &mode);
	if (!label || streq(label, LSM_PROFILE_UNCONFINED)) {
		text[0] = 0;
		return;
	}
	memmove(text, label, strlen(label) + 1);
}

/* apparmor_parser, saying why it failed in err.  The generated profile
 * changes with every start of a changed config, so it is compiled each
 * time and never written to the system's cache (-K). */
static int parser_run(const char *op, const char *file, char *err, size_t errlen)
{
	char *argv[] = { (char *)"apparmor_parser", (char *)op, (char *)"-K", (char *)"--",
			 (char *)file, NULL };
	_cleanup_free_ char *out = NULL;
	int r;

	r = storage_run(argv, NULL, 0, &out);
	if (r == -ENOEXEC)
		snprintf(err, errlen, "apparmor_parser could not be run (the apparmor package)");
	else if (r < 0)
		snprintf(err, errlen, "apparmor_parser %s failed: %s", op,
			 out && *out ? out : "no reason given");
	return r;
}

static int apparmor_profile_load(const char *file, char *err, size_t errlen)
{
	return parser_run("-r", file, err, errlen);
}

static int apparmor_profile_unload(const char *file)
{
	char err[256];

	return parser_run("-R", file, err, sizeof(err));
}

const struct lsm_ops lsm_apparmor_ops = {
	.kind = LSM_APPARMOR,
	.name = "AppArmor",
	.library = "libapparmor",
	.built = true,
	.enabled = apparmor_enabled,
	.current_attrs = current_attrs,
	.exec_attrs = exec_attrs,
	.exec_text = apparmor_exec_text,
	.change_text = apparmor_change_text,
	.label_from_current = apparmor_label_from_current,
	.profile_load = apparmor_profile_load,
	.profile_unload = apparmor_profile_unload,
};

#else

static bool apparmor_enabled(void)
{
	return false;
}

const struct lsm_ops lsm_apparmor_ops = {
	.kind = LSM_APPARMOR,
	.name = "AppArmor",
	.library = "libapparmor",
	.built = false,
	.enabled = apparmor_enabled,
};

#endif
