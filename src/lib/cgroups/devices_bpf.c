/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device rules as a cgroup device program (BPF_PROG_TYPE_CGROUP_DEVICE),
 * written out instruction by instruction: the kernel runs it on every
 * mknod and open of a device node by a process of the cgroup, with the
 * device's type, numbers and the access asked for, and allows the access
 * when it returns 1.
 *
 * The program: load the access, type, major and minor into r2..r5; then
 * for each rule in order, skip it unless type and numbers match, and
 *   deny rule:  return 0 if any of the access is in the rule;
 *   allow rule: return 1 if all of the access is in the rule;
 * at the end return 1 for the allow-all policy, else 0.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/limits.h"
#include "util/macro.h"

#define INSN(c, dst, src, o, i)                                                 \
	((struct bpf_insn){ .code = (c), .dst_reg = (dst), .src_reg = (src), .off = (o), \
			    .imm = (i) })
#define LOAD_U32(dst, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JSET_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JSET | BPF_K, dst, 0, off, imm)
#define JA(off) INSN(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum {
	REG_ACCESS = BPF_REG_2,
	REG_TYPE = BPF_REG_3,
	REG_MAJOR = BPF_REG_4,
	REG_MINOR = BPF_REG_5,
};

/* The instructions of one rule at out (room for 7). */
static size_t rule_block(const struct conf_device_rule *rule, struct bpf_insn *out)
{
	struct bpf_insn body[4];
	size_t nbody = 0, nchecks = 1 + (rule->major >= 0) + (rule->minor >= 0), n = 0;

	if (rule->allow) {
		/* any access outside the rule: next rule */
		body[nbody++] = JSET_IMM(REG_ACCESS, CONF_DEVICE_ALL & ~rule->access, 2);
		body[nbody++] = MOV_IMM(BPF_REG_0, 1);
		body[nbody++] = EXIT;
	} else {
		body[nbody++] = JSET_IMM(REG_ACCESS, rule->access, 1);
		body[nbody++] = JA(2);
		body[nbody++] = MOV_IMM(BPF_REG_0, 0);
		body[nbody++] = EXIT;
	}
	/* each check jumps past the rest of the block when it fails */
	out[n] = JNE_IMM(REG_TYPE, rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
			 (short)(nchecks - n - 1 + nbody));
	n++;
	if (rule->major >= 0) {
		out[n] = JNE_IMM(REG_MAJOR, rule->major, (short)(nchecks - n - 1 + nbody));
		n++;
	}
	if (rule->minor >= 0) {
		out[n] = JNE_IMM(REG_MINOR, rule->minor, (short)(nchecks - n - 1 + nbody));
		n++;
	}
	memcpy(out + n, body, nbody * sizeof(*body));
	return n + nbody;
}

int devices_bpf_program(const struct device_rules *r, struct bpf_insn **ret_insns, size_t *ret_n)
{
	struct bpf_insn *p = calloc(6 + 7 * r->n + 2, sizeof(*p));
	size_t n = 0;

	if (!p)
		return -ENOMEM;
	/* access_type is (access << 16) | type */
	p[n++] = LOAD_U32(REG_ACCESS, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[n++] = MOV_REG(REG_TYPE, REG_ACCESS);
	p[n++] = AND_IMM(REG_TYPE, 0xffff);
	p[n++] = RSH_IMM(REG_ACCESS, 16);
	p[n++] = LOAD_U32(REG_MAJOR, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[n++] = LOAD_U32(REG_MINOR, offsetof(struct bpf_cgroup_dev_ctx, minor));
	for (size_t i = 0; i < r->n; i++)
		n += rule_block(&r->rules[i], p + n);
	p[n++] = MOV_IMM(BPF_REG_0, r->allow_all ? 1 : 0);
	p[n++] = EXIT;
	*ret_insns = p;
	*ret_n = n;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct bpf_insn *insns, size_t n, char *log, size_t logsize)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.expected_attach_type = BPF_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = (uint32_t)logsize;
		attr.log_level = 1;
	}
	return bpf(BPF_PROG_LOAD, &attr);
}

int devices_bpf_attach(const char *dir, const struct bpf_insn *insns, size_t n, char *err,
		       size_t errlen)
{
	_cleanup_close_ int prog = -1, cgroup = -1;
	union bpf_attr attr;
	char log[1024] = "";

	prog = load(insns, n, NULL, 0);
	if (prog < 0) {
		int saved = errno;

		/* Again with the verifier's log, for the message. */
		if (saved == EINVAL || saved == EACCES)
			(void)load(insns, n, log, sizeof(log));
		log[strcspn(log, "\n")] = 0;
		snprintf(err, errlen, "Failed to load the device program: %s%s%s", strerror(saved),
			 log[0] ? ": " : "", log);
		return -saved;
	}
	cgroup = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0) {
		int r = negative_errno();

		snprintf(err, errlen, "Failed to open \"%s\": %s", dir, strerror(-r));
		return r;
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* Programs below (a nested manager's) run too, and must allow too. */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0) {
		int r = negative_errno();

		snprintf(err, errlen, "Failed to attach the device program to \"%s\": %s", dir,
			 strerror(-r));
		return r;
	}
	/* The cgroup holds the program now, until it is removed. */
	return 0;
}
