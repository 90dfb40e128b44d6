/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "authkey.h"
#include "transport_log.h"

void authkey_clear(struct authkey *key)
{
	gnutls_memset(key, 0, sizeof(*key));
}

/* Reads exactly len bytes unless EOF comes first; returns bytes read. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int check_mode(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode)) {
		tlog(LOG_ERR, "authkey %s: not a regular file (mode %06o), refusing",
		     path, (unsigned)st->st_mode);
		return -EPERM;
	}
	if (st->st_uid != 0) {
		tlog(LOG_ERR, "authkey %s: owned by uid %u, not root (mode %04o), refusing",
		     path, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		tlog(LOG_ERR, "authkey %s: mode %04o lets group/other in, refusing (chmod 0400)",
		     path, (unsigned)(st->st_mode & 07777));
		return -EACCES;
	}
	return 0;
}

int authkey_load(const char *path, struct authkey *key)
{
	struct stat st;
	ssize_t n;
	int fd, rc;

	authkey_clear(key);
	/* O_NOFOLLOW + fstat: judge the file we actually read, not a link. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ELOOP) {
			tlog(LOG_ERR, "authkey %s: is a symbolic link, refusing", path);
			return -EPERM;
		}
		tlog(LOG_ERR, "authkey %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	rc = check_mode(path, &st);
	if (rc)
		goto out;
	if (st.st_size < AUTHKEY_MIN || st.st_size > AUTHKEY_MAX) {
		tlog(LOG_ERR, "authkey %s: %lld bytes, need %d..%d",
		     path, (long long)st.st_size, AUTHKEY_MIN, AUTHKEY_MAX);
		rc = -EINVAL;
		goto out;
	}
	/* Read one byte more than allowed to notice a file that grew. */
	{
		uint8_t buf[AUTHKEY_MAX + 1];

		n = read_full(fd, buf, sizeof(buf));
		if (n >= AUTHKEY_MIN && n <= AUTHKEY_MAX) {
			memcpy(key->data, buf, (size_t)n);
			key->len = (size_t)n;
		}
		gnutls_memset(buf, 0, sizeof(buf));
	}
	if (n < 0) {
		rc = (int)n;
		tlog(LOG_ERR, "authkey %s: read: %s", path, strerror(-rc));
	} else if (n < AUTHKEY_MIN || n > AUTHKEY_MAX) {
		tlog(LOG_ERR, "authkey %s: read %zd bytes, need %d..%d",
		     path, n, AUTHKEY_MIN, AUTHKEY_MAX);
		rc = -EINVAL;
	}
out:
	close(fd);
	if (rc)
		authkey_clear(key);
	return rc;
}

/* Creates the key's directory (mode 0700) when it is missing. */
static int dir_ensure(const char *path, char *dir, size_t dirsz)
{
	char tmp[PATH_MAX];

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	if (snprintf(dir, dirsz, "%s", dirname(tmp)) >= (int)dirsz)
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int rc = -errno;

		tlog(LOG_ERR, "authkey: mkdir %s: %s", dir, strerror(-rc));
		return rc;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Fills a fresh temp file next to the key: random bytes, 0400, root. */
static int tmp_write(int fd)
{
	uint8_t buf[AUTHKEY_GENERATED];
	int rc;

	rc = gnutls_rnd(GNUTLS_RND_KEY, buf, sizeof(buf));
	if (rc < 0) {
		tlog(LOG_ERR, "authkey: gnutls_rnd: %s", gnutls_strerror(rc));
		rc = -EIO;
	} else {
		rc = write_full(fd, buf, sizeof(buf));
	}
	gnutls_memset(buf, 0, sizeof(buf));
	if (!rc && fchown(fd, 0, 0) < 0)
		rc = -errno;
	if (!rc && fchmod(fd, 0400) < 0)
		rc = -errno;
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

int authkey_generate(const char *path, bool force)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	int fd, dfd, rc;

	rc = dir_ensure(path, dir, sizeof(dir));
	if (rc)
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		tlog(LOG_ERR, "authkey: create %s: %s", tmp, strerror(-rc));
		return rc;
	}
	rc = tmp_write(fd);
	close(fd);
	if (!rc) {
		/* link() fails with EEXIST atomically; rename() replaces. */
		if (force ? rename(tmp, path) < 0 : link(tmp, path) < 0)
			rc = -errno;
	}
	if (rc || !force)
		unlink(tmp);
	if (rc) {
		if (rc == -EEXIST)
			tlog(LOG_ERR, "authkey %s: exists, not overwriting", path);
		else
			tlog(LOG_ERR, "authkey %s: %s", path, strerror(-rc));
		return rc;
	}
	/* Make the new name durable too. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	tlog(LOG_NOTICE, "authkey %s: new key written", path);
	return 0;
}
