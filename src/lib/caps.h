/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cap.drop / cap.keep: the capability bounding set of the container's init. */
#ifndef MGR_CAPS_H
#define MGR_CAPS_H

#include <stddef.h>

#include "conf.h"

/* Drop from the bounding set what cap.drop names, or everything cap.keep
 * does not; clears the ambient set.  Called in the child just before exec. */
int caps_apply(const struct mgr_conf *conf, char *err, size_t errlen);
/* Read the kernel's last capability now, so that a caps_apply() after a
 * fork needs no stdio (call it before forking). */
void caps_prepare(void);

#endif
