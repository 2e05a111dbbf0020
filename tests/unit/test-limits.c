/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Limits beyond the key samples: the value parsers (sizes, CPU fractions,
 * counts, CPU lists, I/O limits, device rules), the translation of the
 * limits.* and raw keys into v1 and v2 cgroup writes, and the device
 * program, run here on a small interpreter of the instructions it uses.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/limits.h"
#include "conf.h"
#include "tap.h"
#include "util/macro.h"

static void test_sizes_and_counts(void)
{
	unsigned long long v = 7;
	const char *why = NULL;
	char *s = NULL;

	is_int(conf_limit_size("64M", false, &v, &why), 0, "64M");
	ok(v == 64ULL << 20, "64M is 64 MiB");
	is_int(conf_limit_size("max", false, &v, &why), 0, "max");
	ok(v == CONF_LIMIT_MAX, "max is CONF_LIMIT_MAX");
	is_int(conf_limit_size("unlimited", false, &v, &why), 0, "unlimited");
	ok(v == CONF_LIMIT_MAX, "unlimited is max");
	v = 7;
	is_int(conf_limit_size("lots", false, &v, &why), -EINVAL, "lots is refused");
	ok(v == 7 && why && strstr(why, "not a size"), "as not a size: %s", why);
	is_int(conf_limit_size("0", false, &v, &why), -EINVAL, "0 is refused for memory");
	is_int(conf_limit_size("0", true, &v, &why), 0, "0 is fine for swap");
	is_int(conf_limit_size("9999999T", false, &v, &why), -EINVAL, "9999999T is too large");
	conf_limit_size_format(1ULL << 30, &s);
	is_str(s, "1G", "1 GiB formats as 1G");
	free(s);
	conf_limit_size_format(CONF_LIMIT_MAX, &s);
	is_str(s, "max", "max formats as max");
	free(s);

	is_int(conf_limit_count("20", 4194304, &v, &why), 0, "20 processes");
	ok(v == 20, "is 20");
	is_int(conf_limit_count("0", 4194304, &v, &why), -EINVAL, "0 processes is refused");
	is_int(conf_limit_count("4194305", 4194304, &v, &why), -EINVAL, "above the maximum");
	is_int(conf_limit_count("-1", 4194304, &v, &why), -EINVAL, "negative");
	is_int(conf_limit_count("max", 4194304, &v, &why), 0, "max processes");
}

static void test_cpus(void)
{
	static const struct {
		const char *s, *canonical;
		unsigned long long v;
	} good[] = {
		{ "1.5", "1.5", 150000 },   { "0.5", "0.5", 50000 }, { "2", "2", 200000 },
		{ ".25", "0.25", 25000 },   { "0.01", "0.01", 1000 }, { "1.00001", "1.00001", 100001 },
		{ "65536", "65536", 65536ULL * 100000 }, { "3.10", "3.1", 310000 },
	};
	static const char *const bad[] = { "",	   "abc",   "1.5x",   "0.001",  "0",  "-1",
					   "1.123456", "65537", "1..5",  "1,5",   ".",   "1.5 " };
	unsigned long long v;
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char *s = NULL;

		v = 0;
		is_int(conf_limit_cpu(good[i].s, &v, &why), 0, "%s CPUs", good[i].s);
		ok(v == good[i].v, "%s CPUs is %llu usec per period (got %llu)", good[i].s,
		   good[i].v, v);
		conf_limit_cpu_format(v, &s);
		is_str(s, good[i].canonical, "and formats back");
		free(s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 7;
		ok(conf_limit_cpu(bad[i], &v, &why) == -EINVAL && v == 7, "\"%s\" CPUs is refused",
		   bad[i]);
	}
	ok(conf_limit_cpu("0.001", &v, &why) < 0 && strstr(why, "0.01"), "too small: %s", why);

	is_int(conf_check_cpu_list("0", &why), 0, "CPU list 0");
	is_int(conf_check_cpu_list("0-3,6,8-9", &why), 0, "CPU list 0-3,6,8-9");
	is_int(conf_check_cpu_list("8191", &why), 0, "CPU 8191");
	for (size_t i = 0; i < 8; i++) {
		static const char *const lists[] = { "", "3-1", "0,", ",0", "a", "0-", "8192", "0 1" };

		is_int(conf_check_cpu_list(lists[i], &why), -EINVAL, "CPU list \"%s\" is refused",
		       lists[i]);
	}
}

static void test_io(void)
{
	static const char *const bad[] = { "vda 10M", "/dev/vda", "/dev/vda 10M x", "8:x 1M",
					   "8 1M", "/dev/vda lots", "/dev/vda 0", "" };
	struct conf_io_limit l = { 0 };
	const char *why;
	char *s = NULL;

	is_int(conf_io_limit_parse("/dev/vda  10M", true, &l.device, &l.value, &why), 0,
	       "/dev/vda 10M");
	is_str(l.device, "/dev/vda", "the device");
	ok(l.value == 10 << 20, "10 MiB per second");
	conf_io_limit_format(&l, true, &s);
	is_str(s, "/dev/vda 10M", "formats back");
	free(s);
	free(l.device);
	is_int(conf_io_limit_parse("8:0 100", false, &l.device, &l.value, &why), 0, "8:0 100 iops");
	ok(l.value == 100, "100 operations");
	conf_io_limit_format(&l, false, &s);
	is_str(s, "8:0 100", "formats back");
	free(s);
	free(l.device);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Called before ok(): its arguments are evaluated in any order. */
		int r;

		l.device = NULL;
		why = "";
		r = conf_io_limit_parse(bad[i], true, &l.device, &l.value, &why);
		ok(r == -EINVAL && !l.device, "\"%s\" is refused: %s", bad[i], why);
	}
}

static void test_device_rules(void)
{
	static const char *const bad[] = { "x 1:3 r", "c 1:3",	"c 1:3 rx", "c 1 r", "a",
					   "c 1:3 r w", "c4:1 r", "c 4096:0 r", "b *:1048576 m", "" };
	struct conf_device_rule r = { 0 };
	const char *why;
	char *s = NULL;

	is_int(conf_device_rule_parse("c 1:3 mwr", &r, &why), 0, "c 1:3 mwr");
	ok(r.type == 'c' && r.major == 1 && r.minor == 3 && r.access == CONF_DEVICE_ALL,
	   "char 1:3, all access");
	conf_device_rule_format(&r, &s);
	is_str(s, "c 1:3 rwm", "canonical order rwm");
	free(s);
	is_int(conf_device_rule_parse("b *:* m", &r, &why), 0, "b *:* m");
	ok(r.type == 'b' && r.major == -1 && r.minor == -1 && r.access == CONF_DEVICE_MKNOD,
	   "any block device, mknod");
	is_int(conf_device_rule_parse("c\t136:*  rw", &r, &why), 0, "tabs and spaces");
	conf_device_rule_format(&r, &s);
	is_str(s, "c 136:* rw", "formats with single spaces");
	free(s);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		is_int(conf_device_rule_parse(bad[i], &r, &why), -EINVAL, "rule \"%s\" is refused",
		       bad[i]);
}

/* ------------------------------------------------------------ translation */

/* A host: "v1" has the usual controllers in v1 hierarchies plus an empty
 * cgroup2; "v2" has its controllers in cgroup2; "bare" has none. */
static int fake_version(const char *controller, void *userdata)
{
	static const char *const v1[] = { "cpu", "cpuacct", "cpuset", "memory", "devices",
					  "freezer", "blkio", "pids" };
	static const char *const v2[] = { "cpu", "cpuset", "memory", "io", "pids" };
	const char *host = userdata;

	if (!*controller)
		return 2;
	for (size_t i = 0; streq(host, "v1") && i < ARRAY_SIZE(v1); i++)
		if (streq(controller, v1[i]))
			return 1;
	for (size_t i = 0; streq(host, "v2") && i < ARRAY_SIZE(v2); i++)
		if (streq(controller, v2[i]))
			return 2;
	return 0;
}

static struct mgr_conf *parse(const char *text)
{
	struct mgr_conf *conf = conf_new();
	struct conf_error err = { "" };

	if (!conf || conf_read_string(conf, text, "test", &err) < 0) {
		printf("Bail out! %s\n", err.message);
		exit(1);
	}
	return conf;
}

/* The plan as "V file=value" lines. */
static char *plan_text(const char *config, const char *host, int *ret, char *err, size_t errlen)
{
	_cleanup_conf_free_ struct mgr_conf *conf = parse(config);
	struct limit_plan plan = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*ret = limits_plan(conf, fake_version, (void *)host, &plan, err, errlen);
	f = open_memstream(&text, &len);
	for (size_t i = 0; f && i < plan.n; i++)
		fprintf(f, "%d %s=%s\n", plan.w[i].version, plan.w[i].file, plan.w[i].value);
	if (f)
		fclose(f);
	limits_plan_free(&plan);
	return text;
}

static void test_plan(void)
{
	static const char *const config = "mgr.limits.memory = 64M\n"
					  "mgr.limits.memory.swap = 0\n"
					  "mgr.limits.cpu = 1.5\n"
					  "mgr.limits.cpu.weight = 200\n"
					  "mgr.limits.cpuset = 0-1\n"
					  "mgr.limits.pids = 20\n"
					  "mgr.limits.io.read_bps = 8:0 1M\n"
					  "mgr.limits.io.write_iops = 8:16 max\n";
	char err[512] = "";
	char *text;
	int r;

	text = plan_text(config, "v1", &r, err, sizeof(err));
	is_int(r, 0, "v1 plan: %s", err);
	is_str(text,
	       "1 cpuset.cpus=0-1\n"
	       "1 pids.max=20\n"
	       "1 memory.limit_in_bytes=67108864\n"
	       "1 memory.memsw.limit_in_bytes=67108864\n"
	       "1 cpu.cfs_period_us=100000\n"
	       "1 cpu.cfs_quota_us=150000\n"
	       "1 cpu.shares=2048\n"
	       "1 blkio.throttle.read_bps_device=8:0 1048576\n"
	       "1 blkio.throttle.write_iops_device=8:16 0\n",
	       "the limits on a v1 host");
	free(text);
	text = plan_text(config, "v2", &r, err, sizeof(err));
	is_int(r, 0, "v2 plan: %s", err);
	is_str(text,
	       "2 cpuset.cpus=0-1\n"
	       "2 pids.max=20\n"
	       "2 memory.max=67108864\n"
	       "2 memory.swap.max=0\n"
	       "2 cpu.max=150000 100000\n"
	       "2 cpu.weight=200\n"
	       "2 io.max=8:0 rbps=1048576\n"
	       "2 io.max=8:16 wiops=max\n",
	       "the limits on a v2 host");
	free(text);

	text = plan_text("mgr.limits.memory = max\nmgr.limits.memory.swap = max\n"
			 "mgr.limits.cpu = max\nmgr.limits.cpu.weight = 1\nmgr.limits.pids = max\n",
			 "v1", &r, err, sizeof(err));
	is_str(text,
	       "1 pids.max=max\n"
	       "1 memory.limit_in_bytes=-1\n"
	       "1 memory.memsw.limit_in_bytes=-1\n"
	       "1 cpu.cfs_period_us=100000\n"
	       "1 cpu.cfs_quota_us=-1\n"
	       "1 cpu.shares=10\n",
	       "no limits on v1, and the smallest weight");
	free(text);
	text = plan_text("mgr.limits.memory = max\nmgr.limits.cpu = max\n"
			 "mgr.limits.cpu.weight = 10000\n",
			 "v2", &r, err, sizeof(err));
	is_str(text, "2 memory.max=max\n2 cpu.max=max 100000\n2 cpu.weight=10000\n",
	       "no limits on v2, and the largest weight");
	free(text);

	text = plan_text("mgr.cgroup.memory.swappiness = 10\nlxc.cgroup2.memory.high = 32M\n"
			 "mgr.cgroup.pids.max = 5\n",
			 "v1", &r, err, sizeof(err));
	is_str(text, "1 memory.swappiness=10\n2 memory.high=32M\n1 pids.max=5\n",
	       "raw keys as written, in order");
	free(text);
}

static void plan_fails(const char *config, const char *host, int want, const char *needle)
{
	char err[512] = "";
	int r;
	char *text = plan_text(config, host, &r, err, sizeof(err));

	is_int(r, want, "refused on %s: %s", host, config);
	ok(strstr(err, needle) != NULL, "the message has \"%s\": %s", needle, err);
	free(text);
}

static void test_plan_errors(void)
{
	plan_fails("mgr.limits.memory = 64M\n", "bare", -EOPNOTSUPP,
		   "Cannot apply \"mgr.limits.memory = 64M\": the host has no memory controller");
	plan_fails("mgr.limits.memory.swap = 1G\n", "v1", -EOPNOTSUPP, "\"mgr.limits.memory.swap = 1G\"");
	plan_fails("mgr.limits.pids = 5\n", "bare", -EOPNOTSUPP, "no pids controller");
	plan_fails("mgr.cgroup.nonexistent.file = 1\n", "v1", -EOPNOTSUPP,
		   "\"mgr.cgroup.nonexistent.file = 1\": the host has no cgroup v1 hierarchy with "
		   "the \"nonexistent\" controller");
	plan_fails("mgr.cgroup.memory.limit_in_bytes = 1M\n", "v2", -EOPNOTSUPP, "cgroup v1");
	plan_fails("mgr.limits.io.read_bps = /dev/nonexistent 1M\n", "v1", -ENOENT,
		   "\"mgr.limits.io.read_bps = /dev/nonexistent 1M\": \"/dev/nonexistent\": No such");
	plan_fails("mgr.limits.io.write_bps = /dev/null 1M\n", "v2", -ENOTBLK,
		   "\"/dev/null\" is not a block device");
	plan_fails("mgr.limits.io.read_iops = 8:0 10\n", "bare", -EOPNOTSUPP,
		   "no blkio or io controller");
}

/* ------------------------------------------------------------ the device program */

enum { B = BPF_DEVCG_DEV_BLOCK, C = BPF_DEVCG_DEV_CHAR };
enum { M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE };

/* The kernel's verdict on the program, for the instructions it uses; -1
 * for any other instruction or a jump out of the program. */
static int run(const struct bpf_insn *p, size_t n, unsigned type, unsigned access,
	       unsigned major, unsigned minor)
{
	const uint32_t ctx[3] = { access << 16 | type, major, minor };
	uint64_t reg[11] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t imm = (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1 || i->off % 4 || i->off > 8)
				return -1;
			reg[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			reg[i->dst_reg] = reg[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			reg[i->dst_reg] = imm;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			reg[i->dst_reg] &= imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			reg[i->dst_reg] >>= imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += reg[i->dst_reg] != imm ? (size_t)(ssize_t)i->off : 0;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += reg[i->dst_reg] & imm ? (size_t)(ssize_t)i->off : 0;
			break;
		case BPF_JMP | BPF_JA:
			pc += (size_t)(ssize_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)reg[0];
		default:
			return -1;
		}
	}
	return -1;
}

struct check {
	unsigned type, access, major, minor;
	int allowed;
};

static void check_program(const char *name, const char *config, const struct check *checks,
			  size_t n)
{
	_cleanup_conf_free_ struct mgr_conf *conf = parse(config);
	struct device_rules rules = { 0 };
	struct bpf_insn *insns = NULL;
	size_t ninsns = 0;

	is_int(devices_effective(&conf->devices, &rules), 0, "%s: the rules", name);
	is_int(devices_bpf_program(&rules, &insns, &ninsns), 0, "%s: the program", name);
	for (size_t i = 0; i < n; i++) {
		const struct check *c = &checks[i];

		is_int(run(insns, ninsns, c->type, c->access, c->major, c->minor), c->allowed,
		       "%s: %c %u:%u access %u is %s", name, c->type == B ? 'b' : 'c', c->major,
		       c->minor, c->access, c->allowed ? "allowed" : "denied");
	}
	free(insns);
	device_rules_free(&rules);
}

static void test_device_program(void)
{
	static const struct check defaults[] = {
		{ C, R | W, 1, 3, 1 },	   { C, M, 1, 3, 1 },	  { C, R, 1, 9, 1 },
		{ C, R | W, 5, 2, 1 },	   { C, R | W, 136, 7, 1 }, { C, R | W, 10, 229, 1 },
		{ B, R, 8, 0, 0 },	   { B, M, 8, 0, 1 },	  { C, M, 4, 1, 1 },
		{ C, R, 4, 1, 0 },	   { C, R | W, 10, 200, 0 }, { B, R, 1, 3, 0 },
		{ C, R | W | M, 1, 5, 1 },
	};
	static const struct check only_null[] = {
		{ C, R | W, 1, 3, 1 }, { C, R, 1, 5, 0 }, { C, M, 4, 1, 0 }, { B, M, 8, 0, 0 },
	};
	static const struct check narrower_deny[] = {
		{ C, R, 1, 5, 0 }, { C, W, 1, 5, 0 }, { C, R | W, 1, 3, 1 }, { C, R, 1, 200, 1 },
		{ C, R, 4, 1, 0 },
	};
	static const struct check allow_all[] = {
		{ B, R, 8, 0, 0 }, { B, R, 8, 16, 0 }, { B, R, 9, 0, 1 }, { C, R | W, 4, 1, 1 },
	};
	static const struct check partial[] = {
		{ C, R, 1, 3, 1 }, { C, W, 1, 3, 0 }, { C, R | W, 1, 3, 0 },
		{ C, R, 4, 1, 1 }, { C, R | W, 4, 1, 0 }, { C, R, 4, 2, 0 },
	};

	check_program("default", "", defaults, ARRAY_SIZE(defaults));
	check_program("deny a", "lxc.cgroup.devices.deny = a\nlxc.cgroup.devices.allow = c 1:3 rwm\n",
		      only_null, ARRAY_SIZE(only_null));
	check_program("deny a, cgroup2 keys",
		      "mgr.cgroup2.devices.allow = c 1:3 rwm\nmgr.cgroup2.devices.deny = a\n",
		      only_null, ARRAY_SIZE(only_null));
	check_program("narrower deny",
		      "mgr.cgroup.devices.allow = c 1:* rwm\nmgr.cgroup.devices.deny = c 1:5 rwm\n",
		      narrower_deny, ARRAY_SIZE(narrower_deny));
	check_program("allow a", "mgr.cgroup.devices.allow = a\nmgr.cgroup.devices.deny = b 8:* rwm\n",
		      allow_all, ARRAY_SIZE(allow_all));
	check_program("partial access",
		      "mgr.cgroup.devices.deny = c 1:3 w\nmgr.cgroup.devices.allow = c 4:1 r\n",
		      partial, ARRAY_SIZE(partial));
}

static void test_device_keys(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = parse("mgr.cgroup.devices.allow = c 4:1 r\n"
							  "mgr.cgroup.devices.allow = c 4:1 w\n"
							  "mgr.cgroup.devices.deny = a\n"
							  "mgr.cgroup2.devices.allow = b 8:0 m\n");
	char *s = NULL;

	conf_get_item(conf, "cgroup.devices.allow", &s);
	is_str(s, "c 4:1 rw", "rules for the same devices add up");
	free(s);
	conf_get_item(conf, "cgroup.devices.deny", &s);
	is_str(s, "a", "deny = a reads back");
	free(s);
	conf_get_item(conf, "cgroup2.devices.allow", &s);
	is_str(s, "b 8:0 m", "cgroup2 rules are their own key");
	free(s);
	ok(conf->devices.policy == CONF_DEVICES_DENY_ALL, "deny = a drops the default list");
	conf_clear_item(conf, "cgroup2.devices.deny");
	ok(conf->devices.policy == CONF_DEVICES_DENY_ALL, "clearing the other version's key keeps it");
	conf_clear_item(conf, "cgroup.devices.deny");
	ok(conf->devices.policy == CONF_DEVICES_DEFAULT, "clearing deny brings the default back");
	ok(conf->devices.n_rules == 2, "and keeps the allow rules");
}

int main(void)
{
	test_sizes_and_counts();
	test_cpus();
	test_io();
	test_device_rules();
	test_plan();
	test_plan_errors();
	test_device_program();
	test_device_keys();
	return done();
}
