/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last steps before exec in a child: clean signal state, and a PATH
 * search that uses no memory of its own (safe after fork/clone). */
#ifndef MGR_EXEC_H
#define MGR_EXEC_H

/* PATH for what runs in a container when nothing else says. */
#define EXEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Every signal to its default action, none blocked. */
void exec_signals_reset(void);
/* execve(argv[0]), a bare name looked up in path (NULL: the PATH in env,
 * else EXEC_DEFAULT_PATH).  Returns -errno only; as the shells do, EACCES
 * from any candidate wins over ENOENT. */
int exec_search(char *const argv[], char *const env[], const char *path);

#endif
