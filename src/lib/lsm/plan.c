/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the LSM keys ask for, decided against the host's active backend
 * (see lsm.h for what each value means). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lsm/lsm.h"

/* Why the LSM of ops cannot label anything here. */
static const char *missing_why(const struct lsm_ops *ops, char *buf, size_t size)
{
	if (ops->built)
		snprintf(buf, size, "which is not enabled on this host");
	else
		snprintf(buf, size, "but mgr was built without %s", ops->library);
	return buf;
}

static int plan_apparmor(const struct mgr_conf *conf, const struct lsm_ops *active,
			 bool may_load, struct lsm_plan *ret, char *err, size_t errlen)
{
	const char *profile = conf->apparmor_profile;
	char why[128];

	if (active->kind == LSM_APPARMOR) {
		/* A user other than root loads no profile: unset, the
		 * container keeps the user's own confinement. */
		if (!may_load && !profile)
			return 0;
		if (!may_load && streq(profile, LSM_PROFILE_GENERATED)) {
			snprintf(err, errlen,
				 "apparmor.profile \"%s\" is loaded by root alone "
				 "(unset, the container keeps this user's own confinement)",
				 profile);
			return -EPERM;
		}
		*ret = (struct lsm_plan){
			.ops = active,
			.label = profile ? profile : LSM_PROFILE_GENERATED,
		};
		ret->generate = streq(ret->label, LSM_PROFILE_GENERATED);
		ret->nesting = ret->generate && conf->apparmor_allow_nesting;
		return 0;
	}
	/* No AppArmor: unset and "unconfined" are what the host gives anyway. */
	if (!profile || streq(profile, LSM_PROFILE_UNCONFINED) || conf->apparmor_allow_incomplete)
		return 0;
	snprintf(err, errlen,
		 "apparmor.profile \"%s\" needs AppArmor, %s "
		 "(set apparmor.allow_incomplete = 1 to start unconfined)",
		 profile, missing_why(&lsm_apparmor_ops, why, sizeof(why)));
	return -EOPNOTSUPP;
}

static int plan_selinux(const struct mgr_conf *conf, const struct lsm_ops *active,
			struct lsm_plan *ret, char *err, size_t errlen)
{
	char why[128];

	if (!conf->selinux_context)
		return 0;
	if (active->kind == LSM_SELINUX) {
		*ret = (struct lsm_plan){ .ops = active, .label = conf->selinux_context };
		return 0;
	}
	if (conf->selinux_allow_incomplete)
		return 0;
	snprintf(err, errlen,
		 "selinux.context \"%s\" needs SELinux, %s "
		 "(set selinux.allow_incomplete = 1 to start without it)",
		 conf->selinux_context, missing_why(&lsm_selinux_ops, why, sizeof(why)));
	return -EOPNOTSUPP;
}

int lsm_plan_make(const struct mgr_conf *conf, const struct lsm_ops *active, bool may_load,
		  struct lsm_plan *ret, char *err, size_t errlen)
{
	struct lsm_plan aa = { 0 }, se = { 0 };
	int r;

	/* Both keys are checked: a host has one LSM, and a key for the
	 * other one is refused even when the active one has a label. */
	r = plan_apparmor(conf, active, may_load, &aa, err, errlen);
	if (r == 0)
		r = plan_selinux(conf, active, &se, err, errlen);
	if (r < 0)
		return r;
	*ret = aa.ops ? aa : se;
	return 0;
}
