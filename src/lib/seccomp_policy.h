/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp.profile: a policy file in LXC's format, compiled with libseccomp
 * once per start (in the monitor, before clone) and loaded by the child as
 * the last step before exec; mgr-attach loads the same filter.
 *
 *   2                       version (1: a list of allowed syscall numbers)
 *   denylist [ACTION]       or allowlist [ACTION] (blacklist/whitelist too);
 *                           ACTION is the default for what is not listed
 *   reject_force_umount     umount2(MNT_FORCE) fails with EACCES
 *   [all]                   rules for every architecture; [x86_64],
 *                           [i386], [x32], [arm64], ... for one
 *   SYSCALL [ACTION] [ARG]...
 *
 * ACTION: kill, kill_process, trap, allow, log or errno N; a rule without
 * one kills in a denylist and allows in an allowlist.  ARG:
 * [INDEX,VALUE,OP] or [INDEX,VALUE,OP,VALUE2], OP one of SCMP_CMP_NE
 * SCMP_CMP_LT SCMP_CMP_LE SCMP_CMP_EQ SCMP_CMP_GE SCMP_CMP_GT
 * SCMP_CMP_MASKED_EQ (or ne lt le eq ge gt masked_eq, != < <= == >= >).
 */
#ifndef MGR_SECCOMP_POLICY_H
#define MGR_SECCOMP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct seccomp_policy;

/* Parse path and build the filter; -EINVAL with err naming the file and
 * line, -EOPNOTSUPP when mgr was built without libseccomp. */
int seccomp_policy_compile(const char *path, struct seccomp_policy **ret, char *err,
			   size_t errlen);
/* Load it into the calling process (the child, just before exec).  Unless
 * allow_nesting, a process already under a seccomp filter (a nested
 * container) is left as it is. */
int seccomp_policy_load(struct seccomp_policy *p, bool allow_nesting);
void seccomp_policy_free(struct seccomp_policy *p);

#endif
