/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The backend where the host runs neither AppArmor nor SELinux: no label
 * is ever applied (lsm_plan_make() refuses the keys that want one). */
#include "config.h"

#include "lsm/lsm.h"

static bool nop_enabled(void)
{
	return true;
}

const struct lsm_ops lsm_nop_ops = {
	.kind = LSM_NONE,
	.name = "none",
	.library = "nothing",
	.built = true,
	.enabled = nop_enabled,
};
