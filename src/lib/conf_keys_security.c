/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.profile, seccomp.allow_nesting, no_new_privs, and the LSM keys
 * apparmor.* and selinux.*. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "conf_keys.h"

/* The longest label the kernel's attr files are given here. */
#define LSM_LABEL_MAX 255

static bool has_space_or_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return true;
	return false;
}

/* A profile name as apparmor_parser and /proc/PID/attr take it, or one
 * of the words "generated" and "unconfined". */
static int check_apparmor_profile(const char *s, const char **ret_why)
{
	if (strlen(s) > LSM_LABEL_MAX)
		*ret_why = "longer than 255 characters";
	else if (has_space_or_control(s))
		*ret_why = "a profile name has no white space";
	else if (strchr(s, '"'))
		*ret_why = "a profile name has no quotes";
	else
		return 0;
	return -EINVAL;
}

/* USER:ROLE:TYPE with an optional :LEVEL (which may itself hold colons). */
static int check_selinux_context(const char *s, const char **ret_why)
{
	const char *p = s;
	int fields = 1;

	if (strlen(s) > LSM_LABEL_MAX) {
		*ret_why = "longer than 255 characters";
		return -EINVAL;
	}
	if (has_space_or_control(s)) {
		*ret_why = "a context has no white space";
		return -EINVAL;
	}
	for (; (p = strchr(p, ':')); p++)
		fields++;
	if (fields < 3 || *s == ':' || strstr(s, "::")) {
		*ret_why = "expected USER:ROLE:TYPE[:LEVEL]";
		return -EINVAL;
	}
	return 0;
}

STRING_KEY(seccomp_profile, seccomp_profile, conf_check_absolute_path)
NUMBER_KEY(seccomp_allow_nesting, seccomp_allow_nesting, 0, 1, 0)
NUMBER_KEY(no_new_privs, no_new_privs, 0, 1, 0)
STRING_KEY(apparmor_profile, apparmor_profile, check_apparmor_profile)
NUMBER_KEY(apparmor_allow_nesting, apparmor_allow_nesting, 0, 1, 0)
NUMBER_KEY(apparmor_allow_incomplete, apparmor_allow_incomplete, 0, 1, 0)
STRING_KEY(selinux_context, selinux_context, check_selinux_context)
NUMBER_KEY(selinux_allow_incomplete, selinux_allow_incomplete, 0, 1, 0)
