/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr-probe: tries one way out of a container and says whether it worked.
 * Built static, copied into a container's rootfs and run inside it (or on
 * the host for the exe probes) by tests/integration/test-escape.sh.
 *
 *   mgr-probe OP [ARG]...
 *
 * Each attempt prints one line, "WHAT: refused: ERRNO-NAME" or
 * "WHAT: ALLOWED: how far it got".  An attempt counts as allowed when the
 * call succeeded or failed only after the kernel's permission check (an
 * invalid argument that a permitted caller would have been told about).
 * Nothing is left changed: the arguments are chosen so that a permitted
 * call fails harmlessly, or what succeeded is undone.
 *
 * Exit status: 0 every attempt was refused, 1 at least one was allowed,
 * 2 the probe itself could not run (usage, setup).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int status;

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

static void refused(const char *what, int e)
{
	printf("%s: refused: %s\n", what, errname(e));
}

static void allowed(const char *what, const char *how)
{
	printf("%s: ALLOWED: %s\n", what, how);
	status = 1;
}

/* A call that failed: refused when errno is one of the listed ones (0
 * ends the list), else it got past the permission check. */
static void judge(const char *what, int e, const int *refusals)
{
	char how[128];

	for (const int *r = refusals; *r; r++)
		if (e == *r) {
			refused(what, e);
			return;
		}
	snprintf(how, sizeof(how), "past the permission check (%s)", errname(e));
	allowed(what, how);
}

static _Noreturn void die(const char *what)
{
	printf("%s: probe error: %s\n", what, errname(errno));
	exit(2);
}

/* --- kernel modules, kexec ------------------------------------------------- */

static const int perm[] = { EPERM, EACCES, ENOSYS, 0 };

static void probe_module(void)
{
	static const char image[] = "\177ELF";
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /proc/self/exe");
	/* A permitted caller is told ENOEXEC (no module), EINVAL (flags) or
	 * ENOENT (no such module). */
	if (syscall(SYS_init_module, image, sizeof(image) - 1, "") == 0)
		allowed("init_module", "loaded");
	else
		judge("init_module", errno, perm);
	if (syscall(SYS_finit_module, fd, "", 0x80000000) == 0)
		allowed("finit_module", "loaded");
	else
		judge("finit_module", errno, perm);
	if (syscall(SYS_delete_module, "mgr_probe_no_such_module", O_NONBLOCK) == 0)
		allowed("delete_module", "removed");
	else
		judge("delete_module", errno, perm);
	close(fd);
}

static void probe_kexec(void)
{
	/* More segments than the kernel takes / flags it does not know: EINVAL
	 * once permitted, before anything is loaded or unloaded. */
	if (syscall(SYS_kexec_load, 0UL, 1000UL, NULL, 0UL) == 0)
		allowed("kexec_load", "loaded");
	else
		judge("kexec_load", errno, perm);
	if (syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x80000000UL) == 0)
		allowed("kexec_file_load", "loaded");
	else
		judge("kexec_file_load", errno, perm);
}

/* --- open_by_handle_at ------------------------------------------------------ */

static void probe_handle(void)
{
	struct {
		struct file_handle h;
		unsigned char bytes[MAX_HANDLE_SZ];
	} fh = { .h.handle_bytes = MAX_HANDLE_SZ };
	int mnt, root, fd;

	root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die("open /");
	if (name_to_handle_at(AT_FDCWD, "/", &fh.h, &mnt, 0) < 0) {
		/* A filesystem without handles: a made-up one still meets the
		 * permission check first. */
		fh.h.handle_bytes = 8;
		fh.h.handle_type = 1;
	}
	/* Its own root by handle: refused or not, nothing leaves the root. */
	fd = open_by_handle_at(root, &fh.h, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		allowed("open_by_handle_at", "opened a file by its handle");
		close(fd);
	} else {
		judge("open_by_handle_at", errno, perm);
	}
	/* The filesystem's own root (inode 2 on ext*, generation 0), the way
	 * out of a rootfs that is a directory of a larger filesystem. */
	fh.h.handle_bytes = 8;
	fh.h.handle_type = 1; /* FILEID_INO32_GEN */
	memset(fh.bytes, 0, 8);
	fh.bytes[0] = 2;
	fd = open_by_handle_at(root, &fh.h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		allowed("open_by_handle_at(inode 2)", "opened the filesystem's root");
		close(fd);
	} else {
		const int also[] = { EPERM, EACCES, ENOSYS, ESTALE, EINVAL, EOPNOTSUPP, 0 };

		/* Other errors: the handle was wrong; the first call tells
		 * whether the way was open. */
		judge("open_by_handle_at(inode 2)", errno, also);
	}
	close(root);
}

/* --- devices and disks ------------------------------------------------------ */

#define NODE "/dev/.mgr-probe-node"
#define MOUNTPOINT "/.mgr-probe-mnt"

/* mknod TYPE MAJ:MIN, open it; with FSTYPE also mount it. */
static void probe_device(char type, unsigned maj, unsigned min, const char *fstype)
{
	char what[96];
	int fd;

	snprintf(what, sizeof(what), "open %c %u:%u", type, maj, min);
	(void)unlink(NODE);
	if (mknod(NODE, (type == 'b' ? S_IFBLK : S_IFCHR) | 0600, makedev(maj, min)) < 0) {
		/* No node at all is a refusal too. */
		refused("mknod", errno);
		return;
	}
	fd = open(NODE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char buf[512];

		allowed(what, read(fd, buf, sizeof(buf)) > 0 ? "read from it" : "opened it");
		close(fd);
	} else {
		judge(what, errno, perm);
	}
	if (fstype) {
		snprintf(what, sizeof(what), "mount %c %u:%u", type, maj, min);
		(void)mkdir(MOUNTPOINT, 0700);
		if (mount(NODE, MOUNTPOINT, fstype, MS_RDONLY, NULL) == 0) {
			allowed(what, "mounted it");
			(void)umount2(MOUNTPOINT, MNT_DETACH);
		} else {
			judge(what, errno, perm);
		}
		(void)rmdir(MOUNTPOINT);
	}
	(void)unlink(NODE);
}

/* --- files -------------------------------------------------------------------- */

static void probe_write(const char *path, const char *value)
{
	char what[300];
	int fd;
	const int ro[] = { EROFS, EPERM, EACCES, ENOENT, 0 };

	snprintf(what, sizeof(what), "write %s", path);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		judge(what, errno, ro);
		return;
	}
	if (write(fd, value, strlen(value)) >= 0)
		allowed(what, "written");
	else
		/* Opened for writing, but the kernel refused the value. */
		refused(what, errno);
	close(fd);
}

/* Read-only mounts a container could make writable again (remount). */
static void probe_remount(const char *path)
{
	char what[300];

	snprintf(what, sizeof(what), "remount %s read-write", path);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL) == 0) {
		allowed(what, "remounted");
		(void)mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	} else {
		refused(what, errno);
	}
}

/* --- processes ---------------------------------------------------------------- */

/* A process outside: not to be signalled, traced or looked at. */
static void probe_process(pid_t pid)
{
	const int gone[] = { ESRCH, ENOENT, EPERM, 0 };
	char what[64], path[64];
	int fd;

	snprintf(what, sizeof(what), "kill %d", (int)pid);
	if (kill(pid, SIGKILL) == 0)
		allowed(what, "signalled");
	else
		judge(what, errno, gone);
	snprintf(what, sizeof(what), "ptrace %d", (int)pid);
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
		allowed(what, "attached");
		(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else {
		judge(what, errno, gone);
	}
	snprintf(what, sizeof(what), "pidfd_open %d", (int)pid);
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		allowed(what, "opened");
		close(fd);
	} else {
		judge(what, errno, gone);
	}
	snprintf(what, sizeof(what), "open /proc/%d/root", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		allowed(what, "opened");
		close(fd);
	} else {
		judge(what, errno, gone);
	}
}

/* kill(-1): every process this one may signal, which must be its own
 * container's alone. */
static void probe_kill_all(void)
{
	if (kill(-1, SIGKILL) == 0)
		printf("kill -1: signalled the container's processes\n");
	else
		printf("kill -1: %s\n", errname(errno));
}

/* --- the exe of another process (mgr-attach) ----------------------------- */

/* Write the byte at offset 0 back as it is: no change even if allowed. */
static void try_write_same(const char *what, int fd)
{
	char byte;

	if (pread(fd, &byte, 1, 0) != 1)
		die("pread");
	if (pwrite(fd, &byte, 1, 0) == 1)
		allowed(what, "wrote to it");
	else
		refused(what, errno);
}

static void wait_exit(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0) {
		while (kill(pid, 0) == 0)
			usleep(10000);
		return;
	}
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	close(fd);
}

/* /proc/PID/exe: sealed, not writable now, and not after PID exited
 * through a reference kept from before (CVE-2019-5736). */
static void probe_exe(pid_t pid)
{
	char path[64], target[256], self[64];
	ssize_t n;
	int fd, seals, wfd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		die("readlink exe");
	target[n] = '\0';
	printf("exe: %s\n", target);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		die("open exe");
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	wfd = open(self, O_RDONLY | O_CLOEXEC);
	if (wfd < 0)
		die("reopen exe");
	seals = fcntl(wfd, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		printf("exe: sealed\n");
	else
		allowed("exe seals", "not sealed against writes");
	close(wfd);

	wfd = open(self, O_RDWR | O_CLOEXEC);
	if (wfd >= 0) {
		try_write_same("write exe while running", wfd);
		close(wfd);
	} else {
		refused("write exe while running", errno);
	}

	wait_exit(pid);
	wfd = open(self, O_RDWR | O_CLOEXEC);
	if (wfd >= 0) {
		try_write_same("write exe after exit", wfd);
		close(wfd);
	} else {
		refused("write exe after exit", errno);
	}
	close(fd);
}

/* --- main --------------------------------------------------------------------- */

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "mgr-probe: not a number: \"%s\"\n", s);
		exit(2);
	}
	return v;
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: mgr-probe module | kexec | handle\n"
			"       mgr-probe device b|c MAJ MIN [FSTYPE]\n"
			"       mgr-probe write PATH VALUE | remount PATH\n"
			"       mgr-probe process PID | kill-all | exe PID\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(op, "module") == 0 && argc == 2)
		probe_module();
	else if (strcmp(op, "kexec") == 0 && argc == 2)
		probe_kexec();
	else if (strcmp(op, "handle") == 0 && argc == 2)
		probe_handle();
	else if (strcmp(op, "device") == 0 && (argc == 5 || argc == 6) &&
		 (argv[2][0] == 'b' || argv[2][0] == 'c') && !argv[2][1])
		probe_device(argv[2][0], num(argv[3]), num(argv[4]), argc == 6 ? argv[5] : NULL);
	else if (strcmp(op, "write") == 0 && argc == 4)
		probe_write(argv[2], argv[3]);
	else if (strcmp(op, "remount") == 0 && argc == 3)
		probe_remount(argv[2]);
	else if (strcmp(op, "process") == 0 && argc == 3)
		probe_process((pid_t)num(argv[2]));
	else if (strcmp(op, "kill-all") == 0 && argc == 2)
		probe_kill_all();
	else if (strcmp(op, "exe") == 0 && argc == 3)
		probe_exe((pid_t)num(argv[2]));
	else
		usage();
	return status;
}
