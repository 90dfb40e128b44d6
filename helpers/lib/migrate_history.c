/* The migration history: one JSON object per line, appended by the source
 * of every migration, listed by `ferryctl migrations`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "migrate.h"

const char *migrate_result_name(enum migrate_result r)
{
	static const char *const n[] = {"ok", "refused", "rolled-back", "uncertain"};
	return r <= MIGRATE_UNCERTAIN ? n[r] : "unknown";
}

#define HISTORY_DIR  "/var/lib/ferry"
#define HISTORY_FILE HISTORY_DIR "/migrations.log"

const char *migrate_history_path(void)
{
	return HISTORY_FILE;
}

/* Any string as JSON string content, on one line, in ASCII: quotes and
 * backslashes escaped, control characters as \u00XX, bytes beyond ASCII as
 * '?' (a reason may carry anything a peer or libxl said). */
static void json_escape(char *dst, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(dst + o, len - o, "\\u%04x", c);
		} else if (c >= 0x80) {
			dst[o++] = '?';
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
}

/* Milliseconds from phase @a to phase @b, -1 when either was not reached. */
static long long phase_ms(int64_t a, int64_t b)
{
	return a && b && b >= a ? (long long)(b - a) : -1;
}

int migrate_history_format(const struct migrate_metrics *m, char *buf, size_t len)
{
	char why[2 * PEER_WHY_MAX], domain[7 * sizeof(m->domain)], source[7 * sizeof(m->source)],
		target[7 * sizeof(m->target)], cipher[7 * sizeof(m->cipher)];
	int n;

	/* Every string escaped, names too: a node name comes from the peer. */
	json_escape(why, sizeof(why), m->why);
	json_escape(domain, sizeof(domain), m->domain);
	json_escape(source, sizeof(source), m->source);
	json_escape(target, sizeof(target), m->target);
	json_escape(cipher, sizeof(cipher), m->cipher);
	/* The phases of the downtime: suspend -> the stream's last byte sent
	 * (suspend_sent), -> the target's RECEIVED (restore: the rest of the
	 * stream in flight, libxl's restore, the disks attached), -> GO sent
	 * (received_go: renaming our copy), -> the unpause RESULT (go_unpause:
	 * the ledger's commit and the unpause there). */
	n = snprintf(buf, len,
		     "{\"time_ms\": %lld, \"domain\": \"%s\", \"source\": \"%s\", \"target\": \"%s\", "
		     "\"result\": \"%s\", \"live\": %s, \"total_ms\": %lld, \"downtime_ms\": %lld, "
		     "\"bytes\": %llu, \"mib_per_s\": %.1f, \"encrypted\": %s, \"cipher\": \"%s\", "
		     "\"ktls\": %s, \"speed_mib_s\": %u, \"suspend_sent_ms\": %lld, "
		     "\"restore_ms\": %lld, \"received_go_ms\": %lld, \"go_unpause_ms\": %lld, "
		     "\"why\": \"%s\"}\n",
		     (long long)m->started, domain, source, target, migrate_result_name(m->result),
		     m->live ? "true" : "false", (long long)m->total_ms, (long long)m->downtime_ms,
		     (unsigned long long)m->bytes, m->mib_per_s, m->encrypted ? "true" : "false",
		     cipher, m->ktls ? "true" : "false", m->speed_mib_s,
		     phase_ms(m->t_suspended, m->t_sent), phase_ms(m->t_sent, m->t_received),
		     phase_ms(m->t_received, m->t_go), phase_ms(m->t_go, m->t_unpaused), why);
	if (n < 0 || (size_t)n >= len || (size_t)n > MIGRATE_HISTORY_LINE_MAX)
		return -ENOSPC;
	return n;
}

int migrate_history_append(const struct migrate_metrics *m)
{
	char line[MIGRATE_HISTORY_LINE_MAX + 1];
	int fd, n, rc = 0;

	n = migrate_history_format(m, line, sizeof(line));
	if (n < 0)
		return n;
	mkdir(HISTORY_DIR, 0700);
	/* One write of one whole line: O_APPEND keeps records whole. */
	fd = open(HISTORY_FILE, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		rc = -errno;
		flog(FLOG_MIGRATE, LOG_WARNING, "cannot record the migration in %s: %s", HISTORY_FILE,
		       strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

bool migrate_history_record_valid(const char *line, size_t len)
{
	/* What migrate_history_format writes: one JSON object on one line of
	 * printable ASCII. Anything else is a write cut short or not ours. */
	if (len < 2 || len >= MIGRATE_HISTORY_LINE_MAX || line[0] != '{' || line[len - 1] != '}')
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			return false;
	return true;
}

/* Lines of a FILE, read in blocks (a history can be long). */
struct line_reader {
	FILE *f;
	size_t pos, len;
	bool eof;
	char block[8192];
};

/* One line into @buf (@cap bytes): 1, or 0 at the end. A line longer than
 * @cap - 1 is read to its end but marked @overlong; NUL bytes are kept. */
static int read_line(struct line_reader *r, char *buf, size_t cap, size_t *len, bool *newline,
		     bool *overlong)
{
	size_t n = 0;
	bool any = false;

	*newline = *overlong = false;
	for (;;) {
		if (r->pos == r->len) {
			r->pos = 0;
			r->len = r->eof ? 0 : fread(r->block, 1, sizeof(r->block), r->f);
			if (!r->len) {
				r->eof = true;
				break;
			}
		}
		const char *p = r->block + r->pos;
		size_t avail = r->len - r->pos;
		const char *nl = memchr(p, '\n', avail);
		size_t span = nl ? (size_t)(nl - p) : avail, room = cap - 1 - n;

		any = true;
		if (span > room) {
			*overlong = true;
			span = room;
		}
		memcpy(buf + n, p, span);
		n += span;
		r->pos += nl ? (size_t)(nl - p) + 1 : avail;
		if (nl) {
			*newline = true;
			break;
		}
	}
	buf[n] = '\0';
	*len = n;
	return any;
}

static bool next_record(struct line_reader *r, char *buf, size_t cap, size_t *len,
			unsigned *skipped, bool *eof)
{
	bool newline, overlong;

	*eof = !read_line(r, buf, cap, len, &newline, &overlong);
	if (*eof)
		return false;
	/* The last line without its newline: a write cut short. */
	if (newline && !overlong && migrate_history_record_valid(buf, *len))
		return true;
	if (skipped)
		(*skipped)++;
	return false;
}

int migrate_history_tail(FILE *f, unsigned last, migrate_history_emit emit, void *arg,
			 unsigned *skipped)
{
	struct line_reader rd, *r = &rd;
	char buf[MIGRATE_HISTORY_LINE_MAX + 1];
	unsigned long total = 0, i = 0;
	size_t len;
	bool eof = false;

	if (skipped)
		*skipped = 0;
	/* Two passes: count the records, then emit the last ones (only one
	 * line is ever held in memory). */
	*r = (struct line_reader){.f = f};
	while (!eof)
		if (next_record(r, buf, MIGRATE_HISTORY_LINE_MAX + 1, &len, skipped, &eof))
			total++;
	if (fseek(f, 0, SEEK_SET))
		return -errno;
	*r = (struct line_reader){.f = f};
	eof = false;
	while (!eof && i < total)
		if (next_record(r, buf, MIGRATE_HISTORY_LINE_MAX + 1, &len, NULL, &eof) &&
		    i++ + last >= total)
			emit(buf, len, arg);
	return 0;
}
