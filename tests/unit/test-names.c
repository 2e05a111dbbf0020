/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container names, state names and fstab-style mount options. */
#include "config.h"

#include <errno.h>
#include <sys/mount.h>

#include "mgr/mgr.h"
#include "rootfs.h"
#include "tap.h"

static void test_names(void)
{
	const char *good[] = { "web1", "a", "db.prod-2", "x_y", "UPPER" };
	const char *bad[] = { "", ".", "..", ".hidden", "-x", "a/b", "a b", "tab\tx", "ctl\001" };
	char longname[MGR_NAME_MAX + 2];
	const char *why;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		is_int(mgr_name_check(good[i], NULL), 0, "\"%s\" is a valid name", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why = NULL;
		is_int(mgr_name_check(bad[i], &why), -EINVAL, "bad name %zu is refused", i);
		ok(why && *why, "with a reason: %s", why ? why : "(none)");
	}
	memset(longname, 'a', MGR_NAME_MAX);
	longname[MGR_NAME_MAX] = 0;
	is_int(mgr_name_check(longname, NULL), 0, "a name of %d characters is fine", MGR_NAME_MAX);
	longname[MGR_NAME_MAX] = 'a';
	longname[MGR_NAME_MAX + 1] = 0;
	is_int(mgr_name_check(longname, &why), -EINVAL, "one more is too long");
	ok(mgr_container_new("a/b", "/tmp") == NULL && errno == EINVAL,
	   "no handle for a bad name");
}

static void test_states(void)
{
	for (int s = 0; s < _MGR_STATE_MAX; s++)
		is_int(mgr_state_from_name(mgr_state_name(s)), s, "state %s round trips",
		       mgr_state_name(s));
	is_int(mgr_state_from_name("running"), MGR_RUNNING, "state names ignore case");
	is_int(mgr_state_from_name("SLEEPING"), -EINVAL, "unknown state");
	is_str(mgr_state_name(_MGR_STATE_MAX), "UNKNOWN", "out of range");
}

static void test_mount_opts(void)
{
	struct mount_opts o;

	is_int(mount_opts_parse("bind,ro,create=dir,optional", &o), 0, "bind options parse");
	ok(o.flags == (MS_BIND | MS_RDONLY), "bind,ro flags");
	is_int(o.create, BENEATH_CREATE_DIR, "create=dir");
	ok(o.optional, "optional");
	is_str(o.data, "", "no filesystem data");

	is_int(mount_opts_parse("rbind,nosuid,rslave,create=file", &o), 0, "rbind parses");
	ok(o.flags == (MS_BIND | MS_REC | MS_NOSUID), "rbind,nosuid flags");
	ok(o.propagation == (MS_SLAVE | MS_REC), "rslave propagation");
	is_int(o.create, BENEATH_CREATE_DIR | BENEATH_CREATE_FILE, "create=file");

	is_int(mount_opts_parse("size=1m,mode=755,noexec,ro,rw", &o), 0, "tmpfs options parse");
	ok(o.flags == MS_NOEXEC, "rw after ro clears it");
	is_str(o.data, "size=1m,mode=755", "the rest goes to the filesystem");

	is_int(mount_opts_parse("defaults", &o), 0, "defaults");
	ok(o.flags == 0 && !o.data[0], "defaults is nothing");
}

int main(void)
{
	test_names();
	test_states();
	test_mount_opts();
	return done();
}
