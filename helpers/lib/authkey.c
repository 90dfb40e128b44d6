/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "authkey.h"
#include "fdio.h"
#include "transport_log.h"

void authkey_clear(struct authkey *key)
{
	gnutls_memset(key, 0, sizeof(*key));
}

/* Smallest p <= len/2 with v[i] == v[i + p] for every i, or 0. */
static size_t period_of(const uint8_t *v, size_t len)
{
	for (size_t p = 1; p <= len / 2; p++) {
		size_t i = 0;

		while (i + p < len && v[i] == v[i + p])
			i++;
		if (i + p == len)
			return p;
	}
	return 0;
}

int authkey_quality(const uint8_t *data, size_t len, char *why, size_t wlen)
{
	uint8_t diff[AUTHKEY_MAX];
	unsigned count[256] = { 0 };
	double bits = 0;
	size_t p;

	if (len < 2 || len > AUTHKEY_MAX) {
		snprintf(why, wlen, "%zu bytes", len);
		return -EKEYREJECTED;
	}
	for (size_t i = 0; i < len; i++)
		count[data[i]]++;
	for (int b = 0; b < 256; b++)
		if (count[b])
			bits -= count[b] * log2((double)count[b] / (double)len);
	if (bits < AUTHKEY_MIN_BITS) {
		int distinct = 0;

		for (int b = 0; b < 256; b++)
			distinct += count[b] != 0;
		snprintf(why, wlen, "%d distinct byte values in %zu bytes carry about %.0f bits, "
			 "need %d", distinct, len, bits, AUTHKEY_MIN_BITS);
		return -EKEYREJECTED;
	}
	p = period_of(data, len);
	if (p) {
		snprintf(why, wlen, "it repeats every %zu bytes", p);
		return -EKEYREJECTED;
	}
	for (size_t i = 0; i + 1 < len; i++)
		diff[i] = (uint8_t)(data[i + 1] - data[i]);
	p = period_of(diff, len - 1);
	gnutls_memset(diff, 0, sizeof(diff));
	if (p) {
		snprintf(why, wlen, "it is a counter or ramp (its steps repeat every %zu bytes)", p);
		return -EKEYREJECTED;
	}
	gnutls_memset(count, 0, sizeof(count));
	return 0;
}

void authkey_id(const struct authkey *key, char *id)
{
	static const char label[] = "ferry key id v1";
	uint8_t mac[32];

	/* A one-way name: it tells keys apart, it does not help guess one. */
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key->data, key->len, label, sizeof(label) - 1,
			     mac) < 0)
		memset(mac, 0, sizeof(mac));
	for (int i = 0; i < AUTHKEY_ID_LEN / 2; i++)
		snprintf(id + 2 * i, 3, "%02x", mac[i]);
	id[AUTHKEY_ID_LEN] = '\0';
}

static int check_mode(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode)) {
		tlog(LOG_ERR, "authkey %s: not a regular file (mode %06o), refusing",
		     path, (unsigned)st->st_mode);
		return -EPERM;
	}
	/* Another name for the same inode may live where the key's
	 * directory permissions do not protect it. */
	if (st->st_nlink != 1) {
		tlog(LOG_ERR, "authkey %s: has %lu hard links, refusing (a key file must have "
		     "exactly one name)", path, (unsigned long)st->st_nlink);
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

		n = fdio_read_full(fd, buf, sizeof(buf));
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
	} else {
		char why[160];

		rc = authkey_quality(key->data, key->len, why, sizeof(why));
		if (rc)
			tlog(LOG_ERR, "authkey %s: refusing a key of low quality: %s (make one with "
			     "'ferryctl key generate')", path, why);
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

/* Fills a fresh temp file next to the key: the key, 0400, root. */
static int tmp_write(int fd, const struct authkey *key)
{
	int rc = fdio_write_all(fd, key->data, key->len);

	if (!rc && fchown(fd, 0, 0) < 0)
		rc = -errno;
	if (!rc && fchmod(fd, 0400) < 0)
		rc = -errno;
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

int authkey_store(const char *path, const struct authkey *key, bool force)
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
	rc = tmp_write(fd, key);
	close(fd);
	if (!rc) {
		/* RENAME_NOREPLACE fails with EEXIST atomically, and unlike
		 * link() never gives the key a second name, even briefly. */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, force ? 0 : RENAME_NOREPLACE) < 0)
			rc = -errno;
	}
	if (rc)
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
	return 0;
}

int authkey_generate(const char *path, bool force)
{
	struct authkey k = { .len = AUTHKEY_GENERATED };
	char why[160];
	int rc;

	/* Checked like any key: a broken random source must not yield one. */
	rc = gnutls_rnd(GNUTLS_RND_KEY, k.data, k.len);
	if (rc < 0) {
		tlog(LOG_ERR, "authkey: gnutls_rnd: %s", gnutls_strerror(rc));
		rc = -EIO;
	} else if ((rc = authkey_quality(k.data, k.len, why, sizeof(why)))) {
		tlog(LOG_ERR, "authkey: the random source gave a key of low quality: %s", why);
	} else {
		rc = authkey_store(path, &k, force);
	}
	authkey_clear(&k);
	if (!rc)
		tlog(LOG_NOTICE, "authkey %s: new key written", path);
	return rc;
}

/* ---- the keys of a rollover ---- */

const char *authkey_slot_name(enum authkey_slot slot)
{
	static const char *const names[AUTHKEY_SLOTS] = { "current", "next", "previous" };

	return slot < AUTHKEY_SLOTS ? names[slot] : "?";
}

int authkey_slot_path(const char *path, enum authkey_slot slot, char *buf, size_t len)
{
	static const char *const suffix[AUTHKEY_SLOTS] = { "", ".next", ".prev" };

	if (slot >= AUTHKEY_SLOTS)
		return -EINVAL;
	return snprintf(buf, len, "%s%s", path, suffix[slot]) >= (int)len ? -ENAMETOOLONG : 0;
}

int authkey_ring_load(const char *path, struct authkey_ring *r)
{
	char p[PATH_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	rc = authkey_load(path, &r->key[AUTHKEY_CURRENT]);
	if (rc)
		return rc;
	r->have[AUTHKEY_CURRENT] = true;
	for (int s = AUTHKEY_NEXT; s < AUTHKEY_SLOTS; s++) {
		if (authkey_slot_path(path, s, p, sizeof(p)) || access(p, F_OK) != 0)
			continue;
		/* authkey_load has logged why; the current key still works. */
		if (authkey_load(p, &r->key[s]) == 0)
			r->have[s] = true;
		else
			tlog(LOG_WARNING, "authkey %s: the %s key is not used", p,
			     authkey_slot_name(s));
	}
	for (int s = 0; s < AUTHKEY_SLOTS; s++)
		if (r->have[s])
			authkey_id(&r->key[s], r->id[s]);
	return 0;
}

int authkey_ring_find(const struct authkey_ring *r, const char *id)
{
	for (int s = 0; s < AUTHKEY_SLOTS; s++)
		if (r->have[s] && !strcmp(r->id[s], id))
			return s;
	return -ENOENT;
}

void authkey_ring_clear(struct authkey_ring *r)
{
	gnutls_memset(r, 0, sizeof(*r));
}
