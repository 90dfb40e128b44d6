/* The migration history: one JSON object per line, appended by the source
 * of every migration, listed by `ferryctl migrations`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

/* Domain and node names are validated names; reasons may hold anything. */
static void json_escape(char *dst, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(dst + o, len - o, "\\u%04x", c);
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

int migrate_history_append(const struct migrate_metrics *m)
{
	char why[2 * PEER_WHY_MAX], line[4096];
	int fd, n, rc = 0;

	json_escape(why, sizeof(why), m->why);
	/* The phases of the downtime: suspend -> the stream's last byte sent
	 * (suspend_sent), -> the target's RECEIVED (restore: the rest of the
	 * stream in flight, libxl's restore, the disks attached), -> GO sent
	 * (received_go: renaming our copy), -> the unpause RESULT (go_unpause:
	 * the ledger's commit and the unpause there). */
	n = snprintf(line, sizeof(line),
		     "{\"time_ms\": %lld, \"domain\": \"%s\", \"source\": \"%s\", \"target\": \"%s\", "
		     "\"result\": \"%s\", \"live\": %s, \"total_ms\": %lld, \"downtime_ms\": %lld, "
		     "\"bytes\": %llu, \"mib_per_s\": %.1f, \"encrypted\": %s, \"cipher\": \"%s\", "
		     "\"ktls\": %s, \"speed_mib_s\": %u, \"suspend_sent_ms\": %lld, "
		     "\"restore_ms\": %lld, \"received_go_ms\": %lld, \"go_unpause_ms\": %lld, "
		     "\"why\": \"%s\"}\n",
		     (long long)m->started, m->domain, m->source, m->target,
		     migrate_result_name(m->result), m->live ? "true" : "false",
		     (long long)m->total_ms, (long long)m->downtime_ms, (unsigned long long)m->bytes,
		     m->mib_per_s, m->encrypted ? "true" : "false", m->cipher,
		     m->ktls ? "true" : "false", m->speed_mib_s,
		     phase_ms(m->t_suspended, m->t_sent), phase_ms(m->t_sent, m->t_received),
		     phase_ms(m->t_received, m->t_go), phase_ms(m->t_go, m->t_unpaused), why);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENOSPC;
	mkdir(HISTORY_DIR, 0700);
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
