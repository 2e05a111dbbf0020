/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SELinux backend, on libselinux. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lsm/lsm.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>

static const char *const current_attrs[] = { "attr/current", NULL };
static const char *const exec_attrs[] = { "attr/exec", NULL };

static bool selinux_enabled(void)
{
	return is_selinux_enabled() == 1;
}

static int selinux_exec_text(const char *label, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s", label);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static void selinux_label_from_current(char *text)
{
	text[strcspn(text, "\n")] = 0;
}

static int selinux_label_check(const char *label, char *err, size_t errlen)
{
	if (security_check_context(label) == 0)
		return 0;
	snprintf(err, errlen, "selinux.context \"%s\" is not a valid context in the loaded policy",
		 label);
	return -EINVAL;
}

const struct lsm_ops lsm_selinux_ops = {
	.kind = LSM_SELINUX,
	.name = "SELinux",
	.library = "libselinux",
	.built = true,
	.enabled = selinux_enabled,
	.current_attrs = current_attrs,
	.exec_attrs = exec_attrs,
	.exec_text = selinux_exec_text,
	.label_from_current = selinux_label_from_current,
	.label_check = selinux_label_check,
};

#else

static bool selinux_enabled(void)
{
	return false;
}

const struct lsm_ops lsm_selinux_ops = {
	.kind = LSM_SELINUX,
	.name = "SELinux",
	.library = "libselinux",
	.built = false,
	.enabled = selinux_enabled,
};

#endif
