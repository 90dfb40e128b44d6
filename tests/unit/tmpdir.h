/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A private scratch directory for a test case: tmpdir_make creates
 * /tmp/ferry-TAG-XXXXXX, tmpdir_remove removes it with all it holds. */
#ifndef FERRY_TEST_TMPDIR_H
#define FERRY_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static inline int tmpdir_make(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/tmp/ferry-%s-XXXXXX", tag);
	return mkdtemp(dir) ? 0 : -1;
}

static inline int tmpdir_remove(const char *dir)
{
	char cmd[128];

	if (!dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

#endif
