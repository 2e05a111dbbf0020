/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LSM keys: which backend a host gets, what each apparmor.profile and
 * selinux.context asks for with and without an active LSM (and the
 * message when it cannot be had), the generated AppArmor profile's name
 * and text, and, where apparmor_parser is installed, that the text
 * compiles (without loading anything into the kernel).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "lsm/lsm.h"
#include "storage/storage.h"
#include "tap.h"
#include "util/fileio.h"
#include "util/macro.h"

/* --- the backend ------------------------------------------------------------ */

static enum lsm_kind probe_active;

static bool probe(const struct lsm_ops *ops)
{
	return ops->kind == probe_active;
}

static void test_backend_choice(void)
{
	probe_active = LSM_NONE;
	ok(lsm_backend_choose(probe) == &lsm_nop_ops, "neither LSM active: the no-op backend");
	probe_active = LSM_APPARMOR;
	ok(lsm_backend_choose(probe) ==
		   (lsm_apparmor_ops.built ? &lsm_apparmor_ops : &lsm_nop_ops),
	   "AppArmor active: %s", lsm_apparmor_ops.built ? "AppArmor" : "no-op (not built)");
	probe_active = LSM_SELINUX;
	ok(lsm_backend_choose(probe) == (lsm_selinux_ops.built ? &lsm_selinux_ops : &lsm_nop_ops),
	   "SELinux active: %s", lsm_selinux_ops.built ? "SELinux" : "no-op (not built)");
	ok(lsm_host() == lsm_host(), "the host's backend is chosen once");
	diag("this host: %s", lsm_host()->name);
}

/* --- the decision ---------------------------------------------------------------- */

struct plan_case {
	const char *what;
	const char *profile, *context;
	int nesting, aa_incomplete, se_incomplete;
	bool not_root;        /* a caller that may not load profiles */
	const struct lsm_ops *active;
	int ret;              /* 0, -EOPNOTSUPP or -EPERM */
	enum lsm_kind labels; /* which backend labels init */
	const char *label;
	bool generate;
	const char *message;  /* part of the refusal */
};

static void plan_check(const struct plan_case *t)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	struct lsm_plan plan = { .ops = &lsm_nop_ops };
	char err[512] = "";
	int r;

	conf->apparmor_profile = t->profile ? strdup(t->profile) : NULL;
	conf->selinux_context = t->context ? strdup(t->context) : NULL;
	conf->apparmor_allow_nesting = t->nesting;
	conf->apparmor_allow_incomplete = t->aa_incomplete;
	conf->selinux_allow_incomplete = t->se_incomplete;
	r = lsm_plan_make(conf, t->active, !t->not_root, &plan, err, sizeof(err));
	is_int(r, t->ret, "%s: %s", t->what, r < 0 ? err : "accepted");
	if (r < 0) {
		ok(strstr(err, t->message), "%s: the message says \"%s\"", t->what, t->message);
		return;
	}
	is_int(plan.ops ? plan.ops->kind : LSM_NONE, t->labels, "%s: the labelling backend",
	       t->what);
	is_str(plan.label, t->label, "%s: the label", t->what);
	is_int(plan.generate, t->generate, "%s: generated", t->what);
	if (t->generate)
		is_int(plan.nesting, t->nesting, "%s: nesting", t->what);
}

static void test_plan(void)
{
	const char *aa_missing = lsm_apparmor_ops.built ? "which is not enabled on this host"
							: "built without libapparmor";
	const char *se_missing = lsm_selinux_ops.built ? "which is not enabled on this host"
						       : "built without libselinux";
	const struct plan_case cases[] = {
		{ "nothing set, no LSM", .active = &lsm_nop_ops },
		{ "nothing set, AppArmor", .active = &lsm_apparmor_ops, .labels = LSM_APPARMOR,
		  .label = "generated", .generate = true },
		{ "nothing set, AppArmor, nesting", .nesting = 1, .active = &lsm_apparmor_ops,
		  .labels = LSM_APPARMOR, .label = "generated", .generate = true },
		{ "nothing set, SELinux", .active = &lsm_selinux_ops },
		{ "nothing set, AppArmor, not root: the user's own confinement", .not_root = true,
		  .active = &lsm_apparmor_ops },
		{ "generated, AppArmor, not root", .profile = "generated", .not_root = true,
		  .active = &lsm_apparmor_ops, .ret = -EPERM,
		  .message = "apparmor.profile \"generated\" is loaded by root alone" },
		{ "a named profile, AppArmor, not root", .profile = "web", .not_root = true,
		  .active = &lsm_apparmor_ops, .labels = LSM_APPARMOR, .label = "web" },
		{ "generated, AppArmor", .profile = "generated", .active = &lsm_apparmor_ops,
		  .labels = LSM_APPARMOR, .label = "generated", .generate = true },
		{ "a named profile, AppArmor", .profile = "lxc-container-default",
		  .nesting = 1, .active = &lsm_apparmor_ops, .labels = LSM_APPARMOR,
		  .label = "lxc-container-default" },
		{ "unconfined, AppArmor", .profile = "unconfined", .active = &lsm_apparmor_ops,
		  .labels = LSM_APPARMOR, .label = "unconfined" },
		{ "unconfined, no LSM", .profile = "unconfined", .active = &lsm_nop_ops },
		{ "generated, no LSM", .profile = "generated", .active = &lsm_nop_ops,
		  .ret = -EOPNOTSUPP, .message = "apparmor.profile \"generated\" needs AppArmor" },
		{ "generated, no LSM: the cause", .profile = "generated", .active = &lsm_nop_ops,
		  .ret = -EOPNOTSUPP, .message = aa_missing },
		{ "generated, no LSM: the way out", .profile = "generated",
		  .active = &lsm_nop_ops, .ret = -EOPNOTSUPP,
		  .message = "(set apparmor.allow_incomplete = 1 to start unconfined)" },
		{ "a named profile, no LSM", .profile = "web", .active = &lsm_nop_ops,
		  .ret = -EOPNOTSUPP, .message = "apparmor.profile \"web\" needs AppArmor" },
		{ "a named profile, SELinux", .profile = "web", .active = &lsm_selinux_ops,
		  .ret = -EOPNOTSUPP, .message = "apparmor.profile \"web\" needs AppArmor" },
		{ "generated, no LSM, allow_incomplete", .profile = "generated", .aa_incomplete = 1,
		  .active = &lsm_nop_ops },
		{ "a named profile, no LSM, allow_incomplete", .profile = "web",
		  .aa_incomplete = 1, .active = &lsm_nop_ops },
		{ "a context, SELinux", .context = "system_u:system_r:container_t:s0",
		  .active = &lsm_selinux_ops, .labels = LSM_SELINUX,
		  .label = "system_u:system_r:container_t:s0" },
		{ "a context, no LSM", .context = "system_u:system_r:container_t:s0",
		  .active = &lsm_nop_ops, .ret = -EOPNOTSUPP,
		  .message = "selinux.context \"system_u:system_r:container_t:s0\" needs SELinux" },
		{ "a context, no LSM: the cause", .context = "u:r:t", .active = &lsm_nop_ops,
		  .ret = -EOPNOTSUPP, .message = se_missing },
		{ "a context, no LSM: the way out", .context = "u:r:t", .active = &lsm_nop_ops,
		  .ret = -EOPNOTSUPP,
		  .message = "(set selinux.allow_incomplete = 1 to start without it)" },
		{ "a context, AppArmor", .context = "u:r:t", .active = &lsm_apparmor_ops,
		  .ret = -EOPNOTSUPP, .message = "needs SELinux" },
		{ "a context, AppArmor, selinux.allow_incomplete", .context = "u:r:t",
		  .se_incomplete = 1, .active = &lsm_apparmor_ops, .labels = LSM_APPARMOR,
		  .label = "generated", .generate = true },
		{ "a context, no LSM, selinux.allow_incomplete", .context = "u:r:t",
		  .se_incomplete = 1, .active = &lsm_nop_ops },
		{ "apparmor.allow_incomplete does not cover selinux.context", .context = "u:r:t",
		  .aa_incomplete = 1, .active = &lsm_nop_ops, .ret = -EOPNOTSUPP,
		  .message = "selinux.allow_incomplete" },
		{ "a context and a profile, SELinux, apparmor.allow_incomplete",
		  .profile = "web", .aa_incomplete = 1, .context = "u:r:t",
		  .active = &lsm_selinux_ops, .labels = LSM_SELINUX, .label = "u:r:t" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		plan_check(&cases[i]);
}

/* --- the generated profile -------------------------------------------------------- */

static void test_profile_name(void)
{
	char a[256], b[256], c[256];

	is_int(lsm_profile_name("web1", "/var/lib/mgr/web1", a, sizeof(a)), 0, "a profile name");
	ok(strncmp(a, "mgr-web1_", 9) == 0 && strlen(a) == 9 + 16, "it is mgr-web1_HASH: %s", a);
	lsm_profile_name("web1", "/srv/mgr/web1", b, sizeof(b));
	ok(!streq(a, b), "another container path, another name: %s", b);
	lsm_profile_name("web1", "/var/lib/mgr/web1", c, sizeof(c));
	is_str(c, a, "the same container, the same name");
	lsm_profile_name("we\"b *1", "/var/lib/mgr/we\"b *1", c, sizeof(c));
	ok(strncmp(c, "mgr-we_b__1_", 12) == 0, "quotes, blanks and globs become '_': %s", c);
	is_int(lsm_profile_name("web1", "/x", c, 12), -ENAMETOOLONG, "a short buffer is refused");
}

static char *template_read(void)
{
	const char *srcdir = getenv("top_srcdir");
	_cleanup_free_ char *path = NULL;
	char *text = NULL;

	if (asprintf(&path, "%s/config/apparmor-profile.in", srcdir ? srcdir : "..") < 0)
		abort();
	if (read_file(path, &text, NULL) < 0)
		diag("cannot read %s", path);
	return text;
}

static void test_profile_text(const char *template)
{
	static const char *const denied[] = {
		"deny @{mgr_proc}/sysrq-trigger rwklx,",
		"deny /sys/kernel/security{,/**} rwklx,",
		"deny @{mgr_proc}/sys/kernel/[^dhms]*{,/**} wklx,",
		"deny @{mgr_proc}/sys/[^kn]*{,/**} wklx,",
		"deny @{mgr_proc}/{kcore,kmem,mem,kallsyms} rwklx,",
		"deny mount /dev/{sd*,",
		"deny mount fstype=(debugfs,tracefs,securityfs,",
	};
	_cleanup_free_ char *plain = NULL, *nested = NULL;

	is_int(lsm_profile_render(template, "mgr-web1_0123456789abcdef", "web1", false, &plain), 0,
	       "the profile renders");
	is_int(lsm_profile_render(template, "mgr-web1_0123456789abcdef", "web1", true, &nested), 0,
	       "the nesting profile renders");
	if (!plain || !nested)
		return;
	ok(strstr(plain, "profile \"mgr-web1_0123456789abcdef\" flags=(attach_disconnected,"),
	   "it declares the named profile");
	ok(strstr(plain, "# container: web1\n"), "it names the container");
	ok(!strstr(plain, "@PROFILE@") && !strstr(plain, "@NAME@") && !strstr(plain, "@nesting@"),
	   "no placeholder is left");
	ok(!strstr(nested, "@nesting@"), "no nesting marker is left in the nesting profile");
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		ok(strstr(plain, denied[i]), "it has \"%s\"", denied[i]);
		ok(strstr(nested, denied[i]), "nesting keeps \"%s\"", denied[i]);
	}
	ok(strstr(plain, "mount fstype=proc -> @{mgr_proc}/,"), "proc may be mounted on /proc and systemd's private ones");
	ok(strstr(plain, "@{mgr_proc}=/proc /run/systemd/namespace-*"),
	   "the deny rules cover systemd's private procfs too");
	ok(strstr(plain, "mount options=(ro,remount,bind,nosuid,nodev,noexec) -> /{,**},"), "bind remounts, as systemd's sandboxing makes");
	ok(!strstr(plain, "mount fstype=proc -> /**,"), "... but not elsewhere without nesting");
	ok(!strstr(plain, "pivot_root,"), "no pivot_root without nesting");
	ok(!strstr(plain, "change_profile"), "no change_profile without nesting");
	ok(strstr(nested, "\n  mount fstype=proc -> /**,\n"), "nesting: proc anywhere");
	ok(strstr(nested, "\n  pivot_root,\n"), "nesting: pivot_root");
	ok(strstr(nested, "\n  change_profile -> \"mgr-*\",\n"), "nesting: nested profiles");
	ok(strlen(nested) > strlen(plain), "the nesting profile only adds");
}

static void test_render_edges(void)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

	is_int(lsm_profile_render("x @NAME@@PROFILE@ @ @@ @nesting@\n@nesting@y\nz", "P", "N",
				  false, &a),
	       0, "edges render");
	is_str(a, "x NP @ @@ @nesting@\nz", "markers only at a line's start; stray @ kept");
	lsm_profile_render("@nesting@y\n@nesting@", "P", "N", true, &b);
	is_str(b, "y\n", "nesting lines kept without the marker");
	lsm_profile_render("", "P", "N", true, &c);
	is_str(c, "", "an empty template");
}

/* apparmor_parser -Q: parse and compile, never load into the kernel; -K:
 * no cache; -M: the feature set of a current kernel, shipped with the
 * parser, so that this host's kernel (without AppArmor) does not matter. */
static void test_profile_parses(const char *template)
{
	static const char features[] = "/usr/share/apparmor-features/features";
	char path[] = "/tmp/mgr-test-lsm.XXXXXX";
	const char *parser = "/usr/sbin/apparmor_parser";
	int fd, r;

	if (access(parser, X_OK) < 0)
		parser = "/sbin/apparmor_parser";
	if (access(parser, X_OK) < 0) {
		skip("apparmor_parser is not installed (Debian: apparmor): profile syntax not checked");
		skip("apparmor_parser is not installed (Debian: apparmor): nesting profile syntax not checked");
		return;
	}
	if (access(features, R_OK) < 0) {
		skip("no feature set for apparmor_parser (/usr/share/apparmor-features)");
		skip("no feature set for apparmor_parser (/usr/share/apparmor-features)");
		return;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		ok(false, "a temporary file: %s", strerror(errno));
		return;
	}
	close(fd);
	for (int nesting = 0; nesting <= 1; nesting++) {
		_cleanup_free_ char *text = NULL, *out = NULL;
		char *argv[] = { (char *)parser, (char *)"-Q", (char *)"-K", (char *)"-M",
				 (char *)features, (char *)"--", path, NULL };

		if (lsm_profile_render(template, "mgr-web1_0123456789abcdef", "web1", nesting,
				       &text) < 0 ||
		    write_file_atomic(path, text, 0600) < 0) {
			ok(false, "write the profile to %s", path);
			continue;
		}
		r = storage_run(argv, NULL, 0, &out);
		if (!ok(r == 0, "apparmor_parser compiles the %s profile",
			nesting ? "nesting" : "plain"))
			diag("%s", out ? out : "(no output)");
	}
	unlink(path);
}

int main(void)
{
	_cleanup_free_ char *template = NULL;

	test_backend_choice();
	test_plan();
	test_profile_name();
	test_render_edges();
	template = template_read();
	if (ok(template, "the template config/apparmor-profile.in is read")) {
		test_profile_text(template);
		test_profile_parses(template);
	}
	ok(lsm_exec_apply(NULL, NULL, 0) == 0, "no label: nothing to apply");
	return done();
}
