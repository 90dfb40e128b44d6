/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-buffer writes to a blocking fd: the loop that EINTR and short
 * writes need, written once. */
#ifndef FERRY_FDIO_H
#define FERRY_FDIO_H

#include <stddef.h>

/** Write all @p len bytes of @p buf to @p fd. @return 0 or -errno (-EIO if
 *  write() returns 0) */
int fdio_write_all(int fd, const void *buf, size_t len);

#endif
