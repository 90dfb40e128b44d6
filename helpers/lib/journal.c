/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text journals (see journal.h): create, append, read back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "flog.h"
#include "journal.h"

int journal_create(const char *path, const char *header)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char line[JOURNAL_LINE_MAX + 2];
	int n, rc;

	if (fd < 0)
		return -errno;
	n = snprintf(line, sizeof(line), "%s\n", header);
	rc = n > 0 && (size_t)n < sizeof(line) ? fdio_write_all(fd, line, (size_t)n) : -EINVAL;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int journal_append(const char *path, const struct journal_verb *verb, const char *value)
{
	char line[JOURNAL_LINE_MAX + 2], why[400];
	int fd, n, rc = 0;

	if (verb->kind != JOURNAL_WORD &&
	    name_check((enum name_kind)verb->kind, value, why, sizeof(why))) {
		flog(FLOG_MAIN, LOG_ERR, "journal %s: not noting %s: %s", path, verb->word, why);
		return -EINVAL;
	}
	if (verb->kind == JOURNAL_WORD && (!value[0] || strpbrk(value, " \t\r\n")))
		return -EINVAL;
	n = snprintf(line, sizeof(line), "%s %s\n", verb->word, value);
	if (n < 0 || (size_t)n > JOURNAL_LINE_MAX + 1)
		return -ENAMETOOLONG;
	/* One write() of the whole record to an O_APPEND file: a reader sees
	 * it whole or not at all (a cut one has no newline). */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		ssize_t w = write(fd, line, (size_t)n);

		rc = w == n ? 0 : w < 0 ? -errno : -EIO;
		close(fd);
	}
	if (rc)
		flog(FLOG_MAIN, LOG_ERR, "journal %s: %s", path, strerror(-rc));
	return rc;
}

const char journal_cut_short[] = "cut short (no newline)";

static void refused(struct journal_reader *r, unsigned line, const char *why)
{
	r->refused++;
	if (r->refuse)
		r->refuse(line, why, r->arg);
}

/* One record, @n bytes without the newline: NULL or why it is refused. */
static const char *record(struct journal_reader *r, const char *p, size_t n, char *why,
			  size_t wlen)
{
	const char *sp = memchr(p, ' ', n);
	char value[JOURNAL_LINE_MAX + 1];
	size_t vlen, len, v;

	if (n > JOURNAL_LINE_MAX)
		return "longer than any record";
	if (memchr(p, '\0', n))
		return "holds a NUL byte";
	if (!sp)
		return "not VERB VALUE";
	vlen = (size_t)(sp - p);
	for (v = 0; v < r->nverbs; v++)
		if (strlen(r->verbs[v].word) == vlen && !memcmp(p, r->verbs[v].word, vlen))
			break;
	if (v == r->nverbs)
		return "unknown verb";
	len = n - vlen - 1;
	memcpy(value, sp + 1, len);
	value[len] = '\0';
	if (r->verbs[v].kind == JOURNAL_WORD) {
		if (!len || strpbrk(value, " \t\r"))
			return "not one word";
	} else if (name_check((enum name_kind)r->verbs[v].kind, value, why, wlen)) {
		return why;
	}
	return r->record(r->obj, v, value);
}

int journal_read(struct journal_reader *r, const char *buf, size_t len)
{
	const size_t hlen = strlen(r->header);
	const char *p, *end = buf + len;
	unsigned line = 1;
	char why[400], no_header[160];

	r->refused = 0;
	if (len < hlen + 1 || memcmp(buf, r->header, hlen) || buf[hlen] != '\n') {
		snprintf(no_header, sizeof(no_header), "no '%s' header: not this journal",
			 r->header);
		refused(r, 1, no_header);
		return -EINVAL;
	}
	for (p = buf + hlen + 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *bad;

		if (!nl) {
			refused(r, line + 1, journal_cut_short);
			break;
		}
		bad = record(r, p, (size_t)(nl - p), why, sizeof(why));
		if (bad)
			refused(r, line + 1, bad);
		p = nl + 1;
	}
	return 0;
}

int journal_load(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char extra;
	ssize_t n;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	*buf = malloc(max ? max : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	n = fdio_read_full(fd, *buf, max);
	if (n >= 0 && (size_t)n == max && fdio_read_full(fd, &extra, 1) == 1)
		flog(FLOG_MAIN, LOG_ERR, "journal %s: longer than %zu bytes, the rest is ignored",
		     path, max);
	close(fd);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
		return (int)n;
	}
	*len = (size_t)n;
	return 0;
}
