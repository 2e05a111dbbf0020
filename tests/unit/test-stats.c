/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the accounting figures out of cgroup files and /proc/PID/net/dev. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "stats.h"
#include "tap.h"

static void numbers(void)
{
	uint64_t v = 0;

	is_int(stats_parse_u64("123456\n", &v), 0, "a number with a newline");
	ok(v == 123456, "its value");
	is_int(stats_parse_u64("max\n", &v), 0, "\"max\"");
	ok(v == UINT64_MAX, "is UINT64_MAX");
	ok(stats_parse_u64("", &v) < 0, "empty is refused");
	ok(stats_parse_u64("12 34\n", &v) < 0, "two numbers are refused");
	ok(stats_parse_u64("-1\n", &v) < 0, "a negative number is refused");

	is_int(stats_parse_keyed("usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n", "usage_usec",
				 &v),
	       0, "cpu.stat usage_usec");
	ok(v == 2500, "its value");
	is_int(stats_parse_keyed("user_usec 2000\nusage_usec 7\n", "usage_usec", &v), 0,
	       "a key on a later line");
	ok(v == 7, "its value");
	ok(stats_parse_keyed("usage_usec_x 1\n", "usage_usec", &v) < 0,
	   "a longer key does not match");
}

static void block_io(void)
{
	uint64_t rd = 1, wr = 1;

	is_int(stats_parse_blkio("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 8192\n8:0 Async 4096\n"
				 "8:0 Discard 0\n8:0 Total 12288\n8:16 Read 100\n8:16 Write 1\n"
				 "Total 12389\n",
				 &rd, &wr),
	       0, "v1 io_service_bytes");
	ok(rd == 4196 && wr == 8193, "read and write summed over devices (%llu, %llu)",
	   (unsigned long long)rd, (unsigned long long)wr);
	is_int(stats_parse_blkio("Total 0\n", &rd, &wr), 0, "v1 with no device");
	ok(rd == 0 && wr == 0, "nothing read or written");

	is_int(stats_parse_io_stat("8:0 rbytes=1024 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n"
				   "253:1 rbytes=1 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n",
				   &rd, &wr),
	       0, "v2 io.stat");
	ok(rd == 1025 && wr == 2048, "read and write summed over devices");
	is_int(stats_parse_io_stat("", &rd, &wr), 0, "an empty io.stat");
	ok(rd == 0 && wr == 0, "nothing read or written");
}

static void net_dev(void)
{
	const char *text =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
		"errs drop fifo colls carrier compressed\n"
		"    lo:    5531      62    0    0    0     0          0         0     5531      62"
		"    0    0    0     0       0          0\n"
		"  eth0: 123456789 1000    0    0    0     0          0         0 987654      900"
		"    0    0    0     0       0          0\n";
	struct mgr_net_stats *devs = NULL;
	size_t n = 0;

	is_int(stats_parse_net_dev(text, &devs, &n), 0, "/proc/net/dev");
	is_int((int)n, 2, "two devices");
	if (n == 2) {
		is_str(devs[0].name, "lo", "the first is lo");
		ok(devs[0].rx_bytes == 5531 && devs[0].tx_bytes == 5531, "lo's bytes");
		is_str(devs[1].name, "eth0", "then eth0");
		ok(devs[1].rx_bytes == 123456789 && devs[1].tx_bytes == 987654, "eth0's bytes");
	}
	free(devs);
	devs = NULL;
	is_int(stats_parse_net_dev("Inter-|\n face |\n", &devs, &n), 0, "only the headers");
	is_int((int)n, 0, "no device");
	free(devs);
	ok(stats_parse_net_dev("  eth0: 1 2 3\n", &devs, &n) < 0, "a short line is refused");
}

int main(void)
{
	numbers();
	block_io();
	net_dev();
	return done();
}
