/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's /dev. */
#ifndef MGR_DEV_H
#define MGR_DEV_H

#include "conf.h"
#include "terminal.h"

/* With autodev: a tmpfs on /dev with the standard nodes, a new devpts
 * instance and the usual links.  Always: the console and tty ptys bound
 * onto /dev/console and /dev/ttyN (or /dev/<tty.dir>/ttyN). */
int dev_setup(int rootfd, const struct mgr_conf *conf, const struct terminals *t, char *err,
	      size_t errlen);

#endif
