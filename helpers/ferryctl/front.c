/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryctl, the program agents and administrators call. It is a front:
 * the commands that run every few seconds on every node — the XenDomain
 * agent's monitor, and the storage agent's `drbd check` — are answered
 * here, in one IPC round trip to ferryd, by a binary linked with libqb
 * alone. Every other command, and a monitor that
 * ferryd cannot answer, runs in ferryctl-full (libxl, GnuTLS, libxml2,
 * corosync), which this program execs with the same arguments.
 *
 * Why two binaries: loading ferryctl-full's ~45 shared libraries costs more
 * than the whole monitor (about 0.4-2 s per exec on the lab's emulated
 * hosts, against about 0.1 s for this one); see README, "The monitor".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drbd_check.h"
#include "names.h"
#include "resource.h"
#include "resource_args.h"

#ifndef FERRY_LIBEXECDIR
#define FERRY_LIBEXECDIR "/usr/lib/ferry"
#endif
#define FULL_NAME "ferryctl-full"

/* ferryctl-full: next to this binary (the build tree, a relocated
 * install), else where `make install` puts it. */
static void exec_full(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + sizeof(FULL_NAME)];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, FULL_NAME);
			execv(path, argv);
		}
	}
	snprintf(path, sizeof(path), "%s/%s", FERRY_LIBEXECDIR, FULL_NAME);
	execv(path, argv);
	fprintf(stderr, "ferryctl: cannot run %s: %s\n", path, strerror(errno));
	exit(1);
}

/* `resource monitor ...` answered by ferryd; -1: let ferryctl-full do it. */
static int monitor(int argc, char **argv)
{
	struct resource_result res = {0};
	struct resource_args_error perr;
	struct ferry_ipc_monitor m;
	const char *target = NULL, *source = NULL;
	struct resource r;
	int rc;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return -1;
	if (resource_args_parse(argc, argv, &r, &target, &source, &perr))
		return -1; /* ferryctl-full explains the bad arguments */
	if (resource_monitor_ask(&r, &m) < 0 || (!m.xen && m.status == FERRY_OK))
		return -1; /* ferryd cannot answer: judge by libxl there */
	rc = resource_monitor_verdict(&r, &m, &res);
	if (res.info[0])
		printf("%s: %s\n", m.name[0] ? m.name : "resource", res.info);
	if (rc != OCF_SUCCESS && rc != OCF_NOT_RUNNING)
		fprintf(stderr, "ferryctl: %s\n", res.why[0] ? res.why : "failed");
	return rc;
}

/* `drbd check RES...` answered by ferryd; -1: let ferryctl-full do it
 * (help, a bad name, ferryd away or not knowing yet). */
static int drbd_check(int argc, char **argv)
{
	struct ferry_ipc_monitor m;

	if (argc < 1 || argc > DRBD_CHECK_MAX)
		return -1;
	for (int i = 0; i < argc; i++)
		if (argv[i][0] == '-' || name_check(NAME_DRBD, argv[i], NULL, 0))
			return -1;
	if (drbd_check_ask(argv, argc, &m) < 0)
		return -1;
	return drbd_check_print(&m) ? DRBD_CHECK_EXIT_NOT_UP : 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	while (i < argc && (!strcmp(argv[i], "-v") || !strcmp(argv[i], "-d")))
		i++;
	if (i + 1 < argc && !strcmp(argv[i], "resource") && !strcmp(argv[i + 1], "monitor")) {
		int rc = monitor(argc - i - 1, argv + i + 1);

		if (rc >= 0)
			return rc;
	}
	if (i + 1 < argc && !strcmp(argv[i], "drbd") && !strcmp(argv[i + 1], "check")) {
		int rc = drbd_check(argc - i - 2, argv + i + 2);

		if (rc >= 0)
			return rc;
	}
	exec_full(argv);
	return 1;
}
