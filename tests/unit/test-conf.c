/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The config parser and writer: lines, comments, prefixes, lists, includes,
 * error messages, editing the user's file and the canonical dump.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "tap.h"
#include "util/fileio.h"
#include "util/macro.h"
#include "util/strv.h"

static char tmpdir[] = "/tmp/mgr-test-conf.XXXXXX";

static char *path_in(const char *name)
{
	char *p = path_join(tmpdir, name);

	if (!p)
		abort();
	return p;
}

static void put(const char *name, const char *text)
{
	_cleanup_free_ char *p = path_in(name);
	FILE *f;

	if (strchr(name, '/')) {
		_cleanup_free_ char *dir = strdup(p);

		*strrchr(dir, '/') = 0;
		mkdir_p(dir, 0755);
	}
	f = fopen(p, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
}

static char *get(const struct mgr_conf *conf, const char *key)
{
	char *s = NULL;

	if (conf_get_item(conf, key, &s) < 0)
		return strdup("<error>");
	return s;
}

/* is_str on a key's value, freeing it. */
#define is_value(conf, key, expected, ...)                         \
	do {                                                       \
		_cleanup_free_ char *_v = get((conf), (key));      \
		is_str(_v, (expected), __VA_ARGS__);               \
	} while (0)

static char *written(const struct mgr_conf *conf, int (*fn)(const struct mgr_conf *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	if (fn(conf, f) < 0) {
		fclose(f);
		free(buf);
		return strdup("<error>");
	}
	fclose(f);
	return buf;
}

static int parse(const char *text, struct mgr_conf **ret, struct conf_error *err)
{
	struct mgr_conf *conf = conf_new();
	int r;

	if (!conf)
		abort();
	err->message[0] = 0;
	r = conf_read_string(conf, text, "test.conf", err);
	*ret = conf;
	return r;
}

/* ------------------------------------------------------------ parsing */

static void test_lines(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = NULL;
	struct conf_error err;
	int r;

	r = parse("# a comment\n"
		  "   # an indented comment = with an equals sign\n"
		  "\n"
		  "   \t\n"
		  "  lxc.uts.name   =   web1  \n"
		  "mgr.tty.max=4\n"
		  "\tmgr.environment = A=B=C\t\n"
		  "lxc.init.cmd = /sbin/init --log-level=debug\n"
		  "mgr.arch = amd64", /* no final newline */
		  &conf, &err);
	is_int(r, 0, "comments, blank lines and whitespace parse: %s", err.message);
	is_value(conf, "uts.name", "web1", "whitespace around key and value is trimmed");
	is_value(conf, "mgr.tty.max", "4", "no spaces around '='");
	is_value(conf, "environment", "A=B=C", "the value runs to the end of the line");
	is_value(conf, "init.cmd", "/sbin/init --log-level=debug", "'=' inside a value");
	is_value(conf, "arch", "amd64", "a last line without newline");
	is_int(strv_length(conf->unexpanded), 9, "all nine lines are kept as written");
	is_str(conf->unexpanded[4], "  lxc.uts.name   =   web1  ", "kept verbatim");
}

static void test_prefixes_and_lists(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = NULL;
	struct conf_error err;
	int r;

	r = parse("lxc.uts.name = first\n"
		  "mgr.uts.name = second\n"
		  "lxc.cap.drop = sys_admin\n"
		  "mgr.cap.drop = mknod sys_time\n"
		  "mgr.mount.entry = proc proc proc defaults 0 0\n"
		  "lxc.mount.entry = sysfs sys sysfs defaults\n"
		  "lxc.group = a\n"
		  "mgr.group =\n"
		  "mgr.group = b\n"
		  "lxc.tty.max = 2\n"
		  "lxc.tty.max =\n",
		  &conf, &err);
	is_int(r, 0, "lxc. and mgr. keys parse: %s", err.message);
	is_value(conf, "uts.name", "second", "a single key set again is replaced (lxc. = mgr.)");
	is_value(conf, "cap.drop", "sys_admin\nmknod\nsys_time", "a list accumulates across prefixes");
	is_value(conf, "mount.entry", "proc proc proc defaults 0 0\nsysfs sys sysfs defaults",
		 "mount entries accumulate in order");
	is_value(conf, "group", "b", "an empty value clears a list, later lines add again");
	is_value(conf, "tty.max", NULL, "an empty value clears a single key");
}

static void test_errors(void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "mgr.uts.name = a\n\nlxc.foo = 1\n", "test.conf:3: unknown key \"lxc.foo\"" },
		{ "# c\nmgr.tty.max = lots\n",
		  "test.conf:2: bad value \"lots\" for \"mgr.tty.max\": not a number" },
		{ "lxc.tty.max = 99\n",
		  "test.conf:1: bad value \"99\" for \"lxc.tty.max\": out of range (0 to 64)" },
		{ "mgr.uts.name = a\nmgr.uts.name\n", "test.conf:2: missing \"=\" after \"mgr.uts.name\"" },
		{ "uts.name = a\n",
		  "test.conf:1: unknown key \"uts.name\" (keys start with \"mgr.\" or \"lxc.\")" },
		{ " = a\n", "test.conf:1: missing key before \"=\"" },
		{ "lxc.net.0.type = tunnel\n",
		  "test.conf:1: bad value \"tunnel\" for \"lxc.net.0.type\": unknown network type" },
		{ "lxc.net.0.type = veth\nlxc.net.0.hwaddr = 00:16:3e:xx:xx\n",
		  "test.conf:2: bad value \"00:16:3e:xx:xx\" for \"lxc.net.0.hwaddr\": expected six pairs of hex digits (or x) separated by ':'" },
		{ "mgr.net.1.ipv4.address = 10.0.0.300/8\n",
		  "test.conf:1: bad value \"10.0.0.300/8\" for \"mgr.net.1.ipv4.address\": expected ADDRESS/PREFIX [BROADCAST]" },
		{ "lxc.rootfs.path = zfs:/a\n",
		  "test.conf:1: bad value \"zfs:/a\" for \"lxc.rootfs.path\": storage backend \"zfs\" is not available in this build" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_conf_free_ struct mgr_conf *conf = NULL;
		struct conf_error err;

		is_int(parse(cases[i].text, &conf, &err), -EINVAL, "error case %zu is -EINVAL", i);
		is_str(err.message, cases[i].message, "error case %zu message", i);
	}
}

/* ------------------------------------------------------------ includes */

static void test_includes(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *config = path_in("inc/config"), *abs = path_in("abs.conf");
	_cleanup_free_ char *text = NULL;
	struct conf_error err = { "" };
	int r;

	put("inc/common.conf", "lxc.uts.name = common\nmgr.cap.drop = mknod\n");
	put("inc/conf.d/20-b.conf", "mgr.uts.name = b\nmgr.cap.drop = sys_time\n");
	put("inc/conf.d/10-a.conf", "mgr.uts.name = a\nmgr.cap.drop = sys_module\nmgr.tty.max = 3\n");
	put("inc/conf.d/notes.txt", "this would not parse\n");
	put("inc/conf.d/.hidden.conf", "this would not parse either\n");
	put("abs.conf", "mgr.arch = arm64\n");
	if (asprintf(&text,
		     "# top\n"
		     "mgr.include = common.conf\n"
		     "lxc.include = conf.d\n"
		     "mgr.include = %s\n"
		     "mgr.pty.max = 10\n",
		     abs) < 0)
		abort();
	put("inc/config", text);

	r = conf_read_file(conf, config, &err);
	is_int(r, 0, "a file including a file, a directory and an absolute path: %s", err.message);
	is_value(conf, "uts.name", "b", "directory entries are read in sorted order");
	is_value(conf, "cap.drop", "mknod\nsys_module\nsys_time", "lists accumulate across includes");
	is_value(conf, "tty.max", "3", "values from the directory");
	is_value(conf, "arch", "arm64", "an absolute include");
	is_value(conf, "pty.max", "10", "the file's own keys");
	free(text);
	if (asprintf(&text, "common.conf\nconf.d\n%s", abs) < 0)
		abort();
	is_value(conf, "include", text, "the top file's includes as written");
	is_int(strv_length(conf->unexpanded), 5, "only the top file's lines are kept");
	ok(!conf->include_stack, "the include stack is empty afterwards");
}

static void test_include_errors(void)
{
	_cleanup_free_ char *config = path_in("bad/config"), *sub = path_in("bad/sub.conf");
	_cleanup_free_ char *a = path_in("loop/a.conf"), *self = path_in("loop/self.conf");
	_cleanup_free_ char *expect = NULL, *missing = path_in("nothing-here");
	struct conf_error err = { "" };
	int r;

	put("bad/config", "mgr.uts.name = x\nmgr.include = sub.conf\n");
	put("bad/sub.conf", "# sub\n\nmgr.tty.max = lots\n");
	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();

		r = conf_read_file(conf, config, &err);
		is_int(r, -EINVAL, "an error inside an include is -EINVAL");
		if (asprintf(&expect, "%s:3: bad value \"lots\" for \"mgr.tty.max\": not a number", sub) < 0)
			abort();
		is_str(err.message, expect, "it names the included file and its line");
	}

	put("bad/config", "mgr.uts.name = x\n\nmgr.include = missing.conf\n");
	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();

		r = conf_read_file(conf, config, &err);
		is_int(r, -EINVAL, "a missing include is -EINVAL");
		free(expect);
		if (asprintf(&expect, "%s:3: cannot read include \"", config) < 0)
			abort();
		ok(strncmp(err.message, expect, strlen(expect)) == 0 && strstr(err.message, "missing.conf"),
		   "it names the including file, line and include: %s", err.message);
	}

	put("loop/a.conf", "mgr.uts.name = a\nmgr.include = b.conf\n");
	put("loop/b.conf", "# b\nmgr.include = a.conf\n");
	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
		_cleanup_free_ char *real_a = realpath(a, NULL);

		r = conf_read_file(conf, a, &err);
		is_int(r, -ELOOP, "an include loop is -ELOOP");
		free(expect);
		if (asprintf(&expect, "include loop: %s -> ", real_a) < 0)
			abort();
		ok(strstr(err.message, expect) && strstr(err.message, "b.conf:2:") &&
			   strstr(err.message, "b.conf -> "),
		   "the message names the chain: %s", err.message);
		ok(!conf->include_stack, "the include stack is emptied after the error");
	}

	put("loop/self.conf", "mgr.include = self.conf\n");
	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();

		is_int(conf_read_file(conf, self, &err), -ELOOP, "a file including itself is -ELOOP");
	}

	put("loop/diamond.conf", "mgr.include = left.conf\nmgr.include = right.conf\n");
	put("loop/left.conf", "mgr.include = base.conf\n");
	put("loop/right.conf", "mgr.include = base.conf\n");
	put("loop/base.conf", "mgr.cap.drop = mknod\n");
	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
		_cleanup_free_ char *d = path_in("loop/diamond.conf");

		err.message[0] = 0;
		is_int(conf_read_file(conf, d, &err), 0, "one file included twice is not a loop: %s",
		       err.message);
	}

	{
		_cleanup_conf_free_ struct mgr_conf *conf = conf_new();

		is_int(conf_read_file(conf, missing, &err), -ENOENT, "a missing config is -ENOENT");
		ok(strstr(err.message, missing), "the message names it: %s", err.message);
	}
}

/* ------------------------------------------------------------ writing back */

static const char user_file[] =
	"# web1, written by hand\n"
	"lxc.uts.name = web1\n"
	"\n"
	"  # the shared bits\n"
	"mgr.include = shared.conf\n"
	"lxc.cap.drop = mknod\n"
	"lxc.tty.max = 2\n"
	"mgr.tty.max = 3\n"
	"mgr.arch = amd64\n"
	"mgr.start.delay = 1\n";

static void test_write_unchanged(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *config = path_in("w/config"), *out = NULL;
	struct conf_error err = { "" };

	put("w/shared.conf", "mgr.signal.halt = SIGRTMIN+3\nmgr.group = shared\nmgr.start.delay = 9\n");
	put("w/config", user_file);
	is_int(conf_read_file(conf, config, &err), 0, "read the user's file: %s", err.message);
	out = written(conf, conf_write);
	is_str(out, user_file, "written back unchanged: comments, blank lines, include kept");
	ok(!strstr(out, "SIGRTMIN"), "the include is not inlined");
}

static void test_write_edits(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new(), *again = conf_new();
	_cleanup_free_ char *config = path_in("w/config"), *wdir = path_in("w");
	_cleanup_free_ char *out = NULL, *out2 = NULL;
	_cleanup_free_ char *dump1 = NULL, *dump2 = NULL, *ondisk = NULL;
	struct conf_error err = { "" };
	size_t entries = 0;
	DIR *d;

	put("w/config", user_file);
	conf_read_file(conf, config, &err);

	is_int(conf_set_item(conf, "lxc.tty.max", "5", &err), 0, "set tty.max");
	is_int(conf_set_item(conf, "uts.name", "web2", &err), 0, "set uts.name");
	is_int(conf_set_item(conf, "cap.drop", "sys_time", &err), 0, "add to cap.drop");
	is_int(conf_set_item(conf, "mgr.arch", "", &err), 0, "set arch empty");
	is_int(conf_clear_item(conf, "lxc.signal.halt"), 0, "clear signal.halt from the include");
	is_int(conf_clear_item(conf, "group"), 0, "clear group from the include");
	is_int(conf_set_item(conf, "start.delay", "4", &err), 0, "set start.delay, also in the include");
	is_int(conf_set_item(conf, "init.cwd", "/srv", &err), 0, "set a new key");
	is_value(conf, "tty.max", "5", "the value is set");
	is_value(conf, "signal.halt", NULL, "the include's value is cleared");
	out = written(conf, conf_write);
	is_str(out,
	       "# web1, written by hand\n"
	       "mgr.uts.name = web2\n"
	       "\n"
	       "  # the shared bits\n"
	       "mgr.include = shared.conf\n"
	       "lxc.cap.drop = mknod\n"
	       "mgr.tty.max = 5\n"
	       "mgr.cap.drop = sys_time\n"
	       "mgr.signal.halt =\n"
	       "mgr.group =\n"
	       "mgr.start.delay = 4\n"
	       "mgr.init.cwd = /srv\n",
	       "edits in place: replaced, appended, removed, cleared after the include");

	is_int(conf_write_file(conf, config), 0, "atomic write");
	d = opendir(wdir);
	for (struct dirent *de; d && (de = readdir(d));)
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			entries++;
	if (d)
		closedir(d);
	is_int(entries, 2, "no temporary file is left next to the config");
	is_int(read_file(config, &ondisk, NULL), 0, "read the file back");
	is_str(ondisk, out, "the file holds the unexpanded text");

	is_int(conf_read_file(again, config, &err), 0, "re-read: %s", err.message);
	dump1 = written(conf, conf_dump);
	dump2 = written(again, conf_dump);
	is_str(dump2, dump1, "re-reading gives the same values");
	is_value(again, "start.delay", "4", "a key set after its include wins on re-read");
	is_value(again, "group", NULL, "a cleared include key stays cleared on re-read");
	is_value(again, "cap.drop", "mknod\nsys_time", "list lines kept");
	out2 = written(again, conf_write);
	is_str(out2, out, "and writes the same text again");
}

static void test_write_fresh(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *out = NULL;
	struct conf_error err = { "" };

	conf_set_item(conf, "lxc.uts.name", "a", &err);
	conf_set_item(conf, "environment", "X=1", &err);
	conf_set_item(conf, "environment", "Y=2", &err);
	conf_set_item(conf, "uts.name", "b", &err);
	conf_set_item(conf, "net.0.type", "empty", &err);
	conf_set_item(conf, "net.1.type", "none", &err);
	conf_set_item(conf, "environment", "", &err);
	out = written(conf, conf_write);
	is_str(out, "mgr.uts.name = b\nmgr.net.0.type = empty\nmgr.net.1.type = none\n",
	       "a config made with set only");
	conf_set_item(conf, "net", "", &err);
	free(out);
	out = written(conf, conf_write);
	is_str(out, "mgr.uts.name = b\n", "clearing net removes every net line");
	{
		char key[320] = "sysctl.";
		_cleanup_free_ char *line = NULL;

		memset(key + 7, 'k', 300);
		key[307] = 0;
		conf_set_item(conf, key, "1", &err);
		conf_set_item(conf, key, "2", &err);
		free(out);
		out = written(conf, conf_write);
		if (asprintf(&line, "mgr.uts.name = b\nmgr.%s = 2\n", key) < 0)
			abort();
		is_str(out, line, "a long key is replaced too");
		conf_clear_item(conf, key);
	}
	is_int(conf_set_item(conf, "tty.max", "x", &err), -EINVAL, "a refused set");
	free(out);
	out = written(conf, conf_write);
	is_str(out, "mgr.uts.name = b\n", "a refused set leaves the text alone");
}

static void test_set_include(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new();
	_cleanup_free_ char *inc = path_in("si/extra.conf"), *dir = path_in("si/d");
	_cleanup_free_ char *missing = path_in("si/none.conf"), *out = NULL, *expect = NULL;
	struct conf_error err = { "" };

	put("si/extra.conf", "mgr.tty.max = 6\nmgr.group = extra\n");
	put("si/d/b.conf", "mgr.start.order = 2\n");
	put("si/d/a.conf", "mgr.start.order = 1\nmgr.include = ../extra.conf\n");
	conf_set_item(conf, "uts.name", "si", &err);
	is_int(conf_set_item(conf, "mgr.include", inc, &err), 0, "set include reads the file: %s",
	       err.message);
	is_value(conf, "tty.max", "6", "the included value is there");
	is_int(conf_set_item(conf, "lxc.include", dir, &err), 0, "set include of a directory: %s",
	       err.message);
	is_value(conf, "start.order", "2", "directory entries in order");
	is_int(conf_set_item(conf, "include", missing, &err), -ENOENT,
	       "set include of a missing file is -ENOENT");
	ok(strstr(err.message, "none.conf"), "the message names it: %s", err.message);
	if (asprintf(&expect, "%s\n%s", inc, dir) < 0)
		abort();
	is_value(conf, "include", expect, "get include lists both");
	free(expect);
	if (asprintf(&expect, "mgr.uts.name = si\nmgr.include = %s\nmgr.include = %s\n", inc, dir) < 0)
		abort();
	out = written(conf, conf_write);
	is_str(out, expect, "an include line per include, contents not inlined");
	is_int(conf_clear_item(conf, "mgr.tty.max"), 0, "clear a key that came from an include");
	free(out);
	out = written(conf, conf_write);
	ok(strstr(out, "\nmgr.tty.max =\n"), "it is cleared after the includes");
	is_int(conf_clear_item(conf, "include"), 0, "clear include");
	is_value(conf, "include", NULL, "no includes left");
	free(out);
	out = written(conf, conf_write);
	is_str(out, "mgr.uts.name = si\nmgr.tty.max =\n", "the include lines are gone");
}

/* ------------------------------------------------------------ dump round trip */

static const char every_key[] =
	"lxc.uts.name = full\n"
	"lxc.arch = x86_64\n"
	"lxc.rootfs.path = dir:/var/lib/mgr/full/rootfs\n"
	"lxc.rootfs.mount = /usr/lib/mgr/rootfs\n"
	"lxc.rootfs.options = ro,nosuid\n"
	"lxc.mount.entry = proc proc proc nodev,noexec,nosuid 0 0\n"
	"lxc.mount.entry = /srv srv none bind,create=dir\n"
	"lxc.mount.fstab = /var/lib/mgr/full/fstab\n"
	"lxc.mount.auto = proc:rw sys\n"
	"lxc.mount.auto = cgroup:ro:force\n"
	"lxc.autodev = 0\n"
	"lxc.tty.max = 4\n"
	"lxc.tty.dir = lxc\n"
	"lxc.pty.max = 1024\n"
	"lxc.console.path = /dev/null\n"
	"lxc.console.logfile = /var/log/full.console\n"
	"lxc.console.size = 1M\n"
	"lxc.console.buffer.size = 0\n"
	"lxc.init.cmd = /bin/sh -c 'echo \"hi there\"' ''\n"
	"lxc.init.cwd = /root\n"
	"lxc.init.uid = 1000\n"
	"lxc.init.gid = 0\n"
	"lxc.environment = PATH=/bin:/usr/bin\n"
	"lxc.environment = TERM\n"
	"lxc.signal.halt = SIGPWR\n"
	"lxc.signal.reboot = 1\n"
	"lxc.signal.stop = RTMIN+4\n"
	"lxc.cap.drop = sys_admin mknod\n"
	"lxc.cap.keep = chown\n"
	"lxc.namespace.clone = mount pid uts ipc\n"
	"lxc.namespace.keep = user\n"
	"lxc.idmap = u 0 100000 65536\n"
	"lxc.idmap = g 0 100000 65536\n"
	"lxc.privileged = 0\n"
	"lxc.rootfs.idmapped = 1\n"
	"lxc.cgroup.view = unified\n"
	"lxc.seccomp.profile = /usr/share/mgr/config/common.seccomp\n"
	"lxc.seccomp.allow_nesting = 1\n"
	"lxc.no_new_privs = 1\n"
	"lxc.apparmor.profile = lxc-container-default-with-nesting\n"
	"lxc.apparmor.allow_nesting = 1\n"
	"lxc.apparmor.allow_incomplete = 1\n"
	"lxc.selinux.context = system_u:system_r:container_t:s0:c10,c20\n"
	"lxc.selinux.allow_incomplete = 1\n"
	"lxc.net.2.type = empty\n"
	"lxc.net.0.type = empty\n"
	"lxc.net.1.type = veth\n"
	"lxc.net.1.link = br0\n"
	"lxc.net.1.flags = up\n"
	"lxc.net.1.name = eth1\n"
	"lxc.net.1.hwaddr = 00:16:3e:12:34:56\n"
	"lxc.net.1.mtu = 1400\n"
	"lxc.net.1.ipv4.address = 10.0.3.5/24\n"
	"lxc.net.1.ipv4.address = 10.0.4.5/24 10.0.4.255\n"
	"lxc.net.1.ipv4.gateway = auto\n"
	"lxc.net.1.ipv6.address = fd00::5/64\n"
	"lxc.net.1.ipv6.gateway = fd00::1\n"
	"lxc.net.1.veth.pair = veth-full\n"
	"lxc.net.1.script.up = /usr/share/mgr/hooks/up\n"
	"lxc.net.1.script.down = /usr/share/mgr/hooks/down\n"
	"lxc.net.3.type = macvlan\n"
	"lxc.net.3.link = eth0\n"
	"lxc.net.3.macvlan.mode = bridge\n"
	"lxc.net.4.type = ipvlan\n"
	"lxc.net.4.link = eth0\n"
	"lxc.net.4.ipvlan.mode = l2\n"
	"lxc.net.5.type = vlan\n"
	"lxc.net.5.link = eth0\n"
	"lxc.net.5.vlan.id = 10\n"
	"lxc.log.file = /var/log/full.log\n"
	"lxc.log.level = 1\n"
	"lxc.start.auto = 1\n"
	"lxc.start.delay = 10\n"
	"lxc.start.order = -3\n"
	"lxc.ephemeral = 1\n"
	"lxc.group = web,db onboot\n"
	"lxc.hook.pre-start = /usr/share/mgr/hooks/check \"two words\"\n"
	"lxc.hook.pre-start = /bin/true\n"
	"lxc.hook.pre-mount = /bin/true\n"
	"lxc.hook.mount = /bin/true\n"
	"lxc.hook.autodev = /bin/true\n"
	"lxc.hook.start = /bin/true\n"
	"lxc.hook.stop = /bin/true\n"
	"lxc.hook.post-stop = /bin/true\n"
	"lxc.hook.clone = /usr/share/mgr/hooks/clonehostname\n"
	"lxc.hook.destroy = /bin/true\n"
	"lxc.prlimit.nofile = 1024:65536\n"
	"lxc.prlimit.core = unlimited\n"
	"lxc.limits.memory = 512M\n"
	"lxc.limits.memory.swap = 0\n"
	"lxc.limits.cpu = 1.5\n"
	"lxc.limits.cpu.weight = 50\n"
	"lxc.limits.cpuset = 0-1\n"
	"lxc.limits.pids = 100\n"
	"lxc.limits.io.read_bps = /dev/vda 10M\n"
	"lxc.limits.io.write_bps = 8:0 5M\n"
	"lxc.limits.io.read_iops = 8:0 1000\n"
	"lxc.limits.io.write_iops = /dev/vda 500\n"
	"lxc.cgroup.devices.deny = a\n"
	"lxc.cgroup.devices.allow = c 1:3 rwm\n"
	"lxc.cgroup.devices.allow = c 136:* rw\n"
	"lxc.cgroup2.devices.allow = c 10:200 rwm\n"
	"lxc.cgroup2.devices.deny = b 8:* rwm\n"
	"lxc.cgroup.memory.swappiness = 10\n"
	"lxc.cgroup2.memory.high = 256M\n"
	"lxc.sysctl.net.ipv4.ip_forward = 1\n"
	"lxc.sysctl.kernel.shmmax = 1 2 3\n";

/* Every full key the conf has a value for. */
static char **value_keys(const struct mgr_conf *conf)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	const struct conf_key *table;
	size_t n;

	table = conf_key_table(&n);
	for (size_t i = 0; i < n && v; i++) {
		_cleanup_strv_free_ char **inst = NULL;

		if (!table[i].instances) {
			_cleanup_free_ char *val = NULL;

			if (table[i].get(table[i].name, conf, &val) == 0 && val)
				strv_append(&v, table[i].name);
			continue;
		}
		if (table[i].instances(conf, &inst) == 0)
			STRV_FOREACH(k, inst)
				strv_append(&v, *k);
	}
	return TAKE_PTR(v);
}

static void test_dump_round_trip(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = NULL, *again = NULL;
	_cleanup_free_ char *dump = NULL, *dump2 = NULL;
	_cleanup_strv_free_ char **keys = NULL;
	const struct conf_key *table;
	struct conf_error err;
	size_t n, n_keys;

	is_int(parse(every_key, &conf, &err), 0, "a config with every key: %s", err.message);
	dump = written(conf, conf_dump);
	ok(strstr(dump, "mgr.init.cmd = /bin/sh -c \"echo \\\"hi there\\\"\" \"\"\n"),
	   "init.cmd is quoted so it splits the same");
	ok(strstr(dump, "mgr.mount.auto = proc:rw sys:mixed cgroup:ro:force\n"),
	   "mount.auto is canonical");
	ok(strstr(dump, "mgr.net.0.type = empty\nmgr.net.1.type = veth\nmgr.net.2.type = empty\n"),
	   "nets sorted");
	ok(strstr(dump, "mgr.net.1.ipv4.address = 10.0.3.5/24\nmgr.net.1.ipv4.address = 10.0.4.5/24 10.0.4.255\n"),
	   "the addresses of a net in order");

	table = conf_key_table(&n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *needle = NULL;

		if (table[i].flags & CONF_KEY_CLEAR_ONLY)
			continue;
		if (asprintf(&needle, "\nmgr.%s", table[i].name) < 0)
			abort();
		if (strstr(needle, ".N."))
			strstr(needle, ".N.")[1] = 0;
		ok(strstr(dump, needle) || strncmp(dump, needle + 1, strlen(needle + 1)) == 0,
		   "the full config sets %s", table[i].name);
	}

	is_int(parse(dump, &again, &err), 0, "the dump parses again: %s", err.message);
	dump2 = written(again, conf_dump);
	is_str(dump2, dump, "and dumps the same");
	keys = value_keys(conf);
	n_keys = strv_length(keys);
	STRV_FOREACH(k, keys) {
		_cleanup_free_ char *a = get(conf, *k), *b = get(again, *k);

		is_str(b, a, "%s is the same after the round trip", *k);
	}
	strv_free(keys);
	keys = value_keys(again);
	is_int(strv_length(keys), n_keys, "the same keys have values");
}

/* A value set for net.N must still hold after a later "net =" line. */
static void test_write_after_net_clear(void)
{
	_cleanup_conf_free_ struct mgr_conf *conf = conf_new(), *again = conf_new();
	_cleanup_free_ char *out = NULL, *value = NULL;
	struct conf_error err = { "" };

	is_int(conf_read_string(conf,
				"mgr.net.0.type = empty\n"
				"mgr.net =\n"
				"mgr.net.0.type = empty\n",
				"net.conf", &err),
	       0, "read a config that clears the networks: %s", err.message);
	is_int(conf_set_item(conf, "mgr.net.0.type", "none", &err), 0, "set net.0.type");
	out = written(conf, conf_write);
	is_int(conf_read_string(again, out, "net.conf", &err), 0, "read it back: %s", err.message);
	conf_get_item(again, "net.0.type", &value);
	is_str(value, "none", "the value comes after the \"net =\" line: %s", out);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_lines();
	test_prefixes_and_lists();
	test_errors();
	test_includes();
	test_include_errors();
	test_write_unchanged();
	test_write_edits();
	test_write_fresh();
	test_write_after_net_clear();
	test_set_include();
	test_dump_round_trip();
	rm_rf(tmpdir);
	return done();
}
