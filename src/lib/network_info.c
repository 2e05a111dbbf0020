/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a running container's networks look like from outside: its
 * addresses (read in its network namespace) and its host-side devices
 * (from the monitor, which made them). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "network.h"
#include "util/fileio.h"
#include "util/strv.h"

/* The network namespace of c's init, checked to be the init the monitor
 * still knows after it was opened. */
static int init_netns(struct mgr_container *c)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	pid_t pid, again;
	int r;

	r = mgr_get_init_pid(c, &pid);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return container_error(c, errno == ENOENT ? -ESRCH : -errno,
				       "Failed to open the network namespace of \"%s\"", c->name);
	r = mgr_get_init_pid(c, &again);
	if (r < 0)
		return r;
	if (again != pid)
		return container_error_msg(c, -ESRCH, "The container restarted meanwhile");
	return TAKE_FD(fd);
}

/* The addresses of family as text, one family after the other. */
static int addrs_format(const struct net_addr *v, size_t n, int family, char ***ret)
{
	_cleanup_strv_free_ char **list = calloc(1, sizeof(char *));
	const int order[] = { AF_INET, AF_INET6 };

	if (!list)
		return -ENOMEM;
	for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
		if (family != AF_UNSPEC && family != order[k])
			continue;
		for (size_t i = 0; i < n; i++) {
			char text[INET6_ADDRSTRLEN];

			if (v[i].family != order[k])
				continue;
			if (!inet_ntop(v[i].family, v[i].addr, text, sizeof(text)) ||
			    strv_append(&list, text) < 0)
				return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(list);
	return 0;
}

_public_ int mgr_get_ips(struct mgr_container *c, const char *family, char ***ret)
{
	_cleanup_free_ struct net_addr *v = NULL;
	_cleanup_close_ int netns = -1;
	struct nlconn nl = { 0 };
	char **list = NULL;
	int fam, r;
	size_t n = 0;

	if (!family)
		fam = AF_UNSPEC;
	else if (streq(family, "inet"))
		fam = AF_INET;
	else if (streq(family, "inet6"))
		fam = AF_INET6;
	else
		return container_error(c, 0, "Unknown address family \"%s\" (inet or inet6)", family);
	/* A container of a user other than root has only a loopback (and
	 * the user could not enter its network namespace from here). */
	if (geteuid() != 0) {
		*ret = calloc(1, sizeof(char *));
		return *ret ? 0 : container_error(c, -ENOMEM, "Failed to list the addresses");
	}
	netns = init_netns(c);
	if (netns < 0)
		return netns;
	r = nlconn_open(&nl, netns);
	if (r < 0)
		return container_error(c, r, "Failed to enter the network namespace of \"%s\"",
				       c->name);
	r = addr_list(&nl, fam, 0, &v, &n);
	nlconn_close(&nl);
	if (r == 0)
		r = addrs_format(v, n, fam, &list);
	if (r < 0)
		return container_error(c, r, "Failed to read the addresses of \"%s\"", c->name);
	*ret = list;
	return (int)strv_length(list);
}

_public_ int mgr_get_net_links(struct mgr_container *c, char ***ret)
{
	struct cmd_req req = { .cmd = CMD_GET_NET_LINKS };
	_cleanup_close_ int sock = -1;
	_cleanup_free_ char *text = NULL;
	char **list = NULL;
	struct cmd_rsp rsp;
	int r;

	sock = cmd_call_open(c->path, c->name, &req, &rsp, NULL);
	if (cmd_no_monitor(sock))
		return container_error(c, -ESRCH, "\"%s\" is not running", c->name);
	if (sock < 0)
		return container_error(c, sock, "Failed to reach the monitor of \"%s\"", c->name);
	if (rsp.ret < 0)
		return container_error(c, rsp.ret, "Failed to get the network devices of \"%s\"",
				       c->name);
	if (rsp.value64 < 0 || rsp.value64 > 1 << 20)
		return container_error(c, -EPROTO, "Bad answer from the monitor of \"%s\"", c->name);
	text = calloc(1, (size_t)rsp.value64 + 1);
	if (!text)
		return container_error(c, -ENOMEM, "Failed to get the network devices");
	r = read_all(sock, text, (size_t)rsp.value64);
	if (r == 0)
		r = strv_split(text, "\n", &list);
	if (r < 0)
		return container_error(c, r, "Failed to get the network devices of \"%s\"", c->name);
	*ret = list;
	return (int)strv_length(list);
}
