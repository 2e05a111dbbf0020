/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State names and where a container's runtime files live. */
#ifndef MGR_STATE_H
#define MGR_STATE_H

#include <stddef.h>

#include "mgr/mgr.h"

/* RUNTIME/<hash of the container path>: one directory per container path,
 * holding NAME.sock, the control socket of each running container. */
int runtime_dir(const char *container_path, char *buf, size_t size);
int runtime_socket(const char *container_path, const char *name, char *buf, size_t size);
/* Remove the runtime directory if nothing is left in it. */
void runtime_dir_tidy(const char *container_path);

#endif
