/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgr-monitord: a daemonized container monitor, executed by mgr_start() in
 * the process it forked, so that the monitor starts from a small program
 * and not from a copy of whatever started it.  Not for running by hand.
 */
#include "config.h"

#include "monitor.h"

int main(int argc, char **argv)
{
	return monitor_exec_main(argc, argv);
}
