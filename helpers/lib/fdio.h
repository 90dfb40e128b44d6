/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-buffer reads and writes on a blocking fd: the loops that EINTR,
 * short reads and short writes need, written once. */
#ifndef FERRY_FDIO_H
#define FERRY_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/** Write all @p len bytes of @p buf to @p fd. @return 0 or -errno (-EIO if
 *  write() returns 0) */
int fdio_write_all(int fd, const void *buf, size_t len);

/** Read into @p buf until @p len bytes or end of file, whichever comes
 *  first. @return the number of bytes read (less than @p len only at end of
 *  file) or -errno */
ssize_t fdio_read_full(int fd, void *buf, size_t len);

#endif
