/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.profile, seccomp.allow_nesting and no_new_privs. */
#include "config.h"

#include "conf_keys.h"

STRING_KEY(seccomp_profile, seccomp_profile, conf_check_absolute_path)
NUMBER_KEY(seccomp_allow_nesting, seccomp_allow_nesting, 0, 1, 0)
NUMBER_KEY(no_new_privs, no_new_privs, 0, 1, 0)
