/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State names and where a container's runtime files live. */
#ifndef MGR_STATE_H
#define MGR_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "mgr/mgr.h"

/* FNV-1a of a container path: short and stable, it names the path's
 * runtime directory (and what else must tell paths apart). */
uint64_t runtime_path_hash(const char *container_path);
/* RUNTIME/<hash of the container path>: one directory per container path,
 * holding NAME.sock, the control socket of each running container (and
 * NAME.apparmor, its generated AppArmor profile). */
int runtime_dir(const char *container_path, char *buf, size_t size);
int runtime_socket(const char *container_path, const char *name, char *buf, size_t size);
/* Remove the runtime directory if nothing is left in it. */
void runtime_dir_tidy(const char *container_path);

#endif
