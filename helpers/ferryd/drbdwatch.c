/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * This node's DRBD state, kept from one long-running `drbdsetup events2
 * all` stream: its initial dump, then every change, parsed line by line
 * (drbd_events.c) into one record per resource. The XenDomain monitor reads
 * it through ferryd (monitor.c) instead of forking drbdsetup on every call.
 * When the stream ends (drbd-utils upgraded, module reloaded, drbdsetup
 * killed) the state is unknown until a new stream has dumped again; the
 * stream is restarted with a growing pause, so a missing drbdsetup costs a
 * log line, not a busy loop.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "drbd.h"
#include "drbd_sendpage.h"
#include "drbdwatch.h"
#include "ferryd.h"

#define RESTART_MIN_MS 1000
#define RESTART_MAX_MS 30000
/* More resources than a node can sensibly run: a runaway stream. */
#define MAX_RESOURCES 1024

struct dres {
	struct dres *next;
	struct drbd_resource r;
};

/* The loop the stream's pipe and restart timer are on. */
static qb_loop_t *loop;
static struct dres *all;
static size_t nall;
static pid_t child = -1;
static int fd = -1;
static bool dumped;     /* the current stream has delivered its dump */
static bool running;    /* started and not stopping */
static char buf[16384]; /* partial line */
static size_t buflen;
static unsigned restart_ms = RESTART_MIN_MS;
static qb_loop_timer_handle restart_timer;
static bool restart_armed;

static struct dres *find(const char *name, bool create)
{
	struct dres *d;

	for (d = all; d; d = d->next)
		if (!strcmp(d->r.name, name))
			return d;
	if (!create || nall >= MAX_RESOURCES || !(d = calloc(1, sizeof(*d))))
		return NULL;
	snprintf(d->r.name, sizeof(d->r.name), "%s", name);
	d->next = all;
	all = d;
	nall++;
	return d;
}

static void forget_all(void)
{
	while (all) {
		struct dres *d = all;

		all = d->next;
		free(d);
	}
	nall = 0;
}

/* The value of the line's "name:" key. */
static bool line_name(const char *line, char *name, size_t len)
{
	const char *p = strstr(line, " name:");
	size_t n;

	if (!p)
		return false;
	p += strlen(" name:");
	n = strcspn(p, " \t");
	if (n == 0 || n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

static void line_feed(const char *line)
{
	char name[DRBD_NAME_MAX];
	struct dres *d;

	if (!strcmp(line, "exists -")) {
		if (!dumped)
			flog(FLOG_DRBD, LOG_INFO, "DRBD event stream: %zu resource(s) up", nall);
		dumped = true;
		restart_ms = RESTART_MIN_MS;
		return;
	}
	if (!line_name(line, name, sizeof(name)))
		return; /* helper calls and the like carry no resource state */
	if (!strncmp(line, "destroy resource ", strlen("destroy resource "))) {
		d = find(name, false);
		if (d) {
			memset(&d->r, 0, sizeof(d->r));
			snprintf(d->r.name, sizeof(d->r.name), "%s", name);
		}
		return;
	}
	d = find(name, true);
	if (!d) {
		flog(FLOG_DRBD, LOG_WARNING, "DRBD event stream: too many resources, %s ignored", name);
		return;
	}
	if (drbd_events_line(line, name, &d->r) < 0)
		flog(FLOG_DRBD, LOG_DEBUG, "DRBD event stream: cannot parse '%s'", line);
}

static void stream_start(void *data);

static void stream_end(const char *why)
{
	if (fd >= 0) {
		qb_loop_poll_del(loop, fd);
		close(fd);
		fd = -1;
	}
	if (child > 0)
		kill(child, SIGTERM); /* reaped by children.c */
	child = -1;
	dumped = false;
	buflen = 0;
	forget_all();
	if (!running)
		return;
	flog(FLOG_DRBD, restart_ms == RESTART_MIN_MS ? LOG_WARNING : LOG_DEBUG,
	     "DRBD event stream ended (%s): DRBD state unknown, restarting in %u ms", why,
	     restart_ms);
	if (qb_loop_timer_add(loop, QB_LOOP_LOW, restart_ms * 1000000ull, NULL, stream_start,
			      &restart_timer) == 0)
		restart_armed = true;
	restart_ms = restart_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : restart_ms * 2;
}

static int32_t on_readable(int32_t rfd, int32_t revents, void *data)
{
	ssize_t n;
	char *nl;

	(void)data;
	(void)revents;
	n = read(rfd, buf + buflen, sizeof(buf) - 1 - buflen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		stream_end(n == 0 ? "end of stream" : strerror(errno));
		return 0; /* stream_end() removed the poll entry */
	}
	buflen += (size_t)n;
	buf[buflen] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		line_feed(buf);
		buflen -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, buflen + 1);
	}
	if (buflen == sizeof(buf) - 1) {
		stream_end("a line longer than 16 KiB");
		return 0;
	}
	return 0;
}

static void stream_exited(pid_t pid, int status, void *arg)
{
	(void)arg;
	if (pid != child)
		return; /* an earlier stream, already replaced */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		flog(FLOG_DRBD, LOG_ERR, "cannot run drbdsetup (is drbd-utils installed?)");
	else
		flog(FLOG_DRBD, LOG_DEBUG, "drbdsetup events2 (pid %d) exited with status %d",
		     (int)pid, status);
}

static void stream_start(void *data)
{
	char *argv[] = {"drbdsetup", "events2", "all", NULL};
	int rc;

	(void)data;
	restart_armed = false;
	if (!running)
		return;
	/* Here, not only in drbd_up: the module may have been (re)loaded
	 * outside ferry, and a stream restarts after a reload. */
	drbd_sendpage_off(DRBD_SENDPAGE_PARAM);
	rc = children_spawn_reader(argv, &fd, stream_exited, NULL, &child);
	if (rc < 0) {
		fd = -1;
		stream_end(strerror(-rc));
		return;
	}
	if (qb_loop_poll_add(loop, QB_LOOP_MED, fd, POLLIN, NULL, on_readable) != 0) {
		close(fd);
		fd = -1;
		stream_end("cannot watch its pipe");
		return;
	}
	flog(FLOG_DRBD, LOG_DEBUG, "DRBD event stream started (drbdsetup pid %d)", (int)child);
}

int drbdwatch_start(struct ferryd *d)
{
	loop = d->loop;
	if (d->inventory_dir) {
		/* the test seam stands in for a node without Xen and DRBD */
		flog(FLOG_DRBD, LOG_INFO, "test inventory: no DRBD event stream");
		return 0;
	}
	running = true;
	stream_start(NULL);
	return 0;
}

void drbdwatch_stop(struct ferryd *d)
{
	(void)d;
	running = false;
	if (restart_armed)
		qb_loop_timer_del(loop, restart_timer);
	restart_armed = false;
	stream_end("ferryd stops");
}

int drbdwatch_get(const char *name, struct drbd_resource *out)
{
	struct dres *d;

	if (!dumped)
		return -EAGAIN;
	d = find(name, false);
	if (d) {
		*out = d->r;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0; /* not up here */
}
