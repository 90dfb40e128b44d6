/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Supervision of the ferry-managed domains on this node. libxl never
 * restarts a domain (xl's forked monitor does that for xl), so ferryd does:
 *   reboot    -> recreated from its own libxl config ("rebooting" marker,
 *                so the agent's monitor never sees a failure)
 *   poweroff  -> destroyed, and recorded
 *   crash     -> the config's on_crash (destroy, restart, preserve, ...)
 *   suspend   -> nothing: a migration or a save in progress
 * The work (destroy, create) runs in `ferryctl domain supervise`, a child,
 * so the loop never waits for libxl. A ferry-managed domain that runs here
 * while the ledger gives it to another node is REPORTed: the ledger marks
 * it CONFLICT, logged at error level, and it is left alone unless
 * --destroy-conflicts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "ferryd.h"
#include "requests.h"
#include "supervise.h"
#include "supervise_mark.h"
#include "xen.h"
#include "xenloop.h"

/* New domains (created by xl, or restored) are found by this scan; deaths
 * and shutdowns come at once as libxl events. Every scan lists the domains
 * through hypercalls, which cost on a busy or emulated dom0. */
#define SCAN_MS      5000
#define RELEASE_DIR  "/run/ferry/release" /* written by resource_stop */
#define EVENTS_LOG   "/var/lib/ferry/domain-events.log"

struct watched {
	struct watched *next;
	uint32_t domid;
	char name[LEDGER_NAME_MAX + 1];
	libxl_evgen_domain_death *evgen;
	bool seen;     /* in the last scan */
	bool busy;     /* a supervise child is working on it */
	bool reported; /* REPORTed as not ours */
};

static struct xen *x;
static struct watched *watched;
static qb_loop_timer_handle scan_timer;
static char ferryctl[PATH_MAX];

static struct watched *find(uint32_t domid)
{
	for (struct watched *w = watched; w; w = w->next)
		if (w->domid == domid)
			return w;
	return NULL;
}

static void forget(struct watched *w)
{
	struct watched **pp;

	for (pp = &watched; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (w->evgen)
		libxl_evdisable_domain_death(xen_ctx(x), w->evgen);
	free(w);
}

/* The fact, for the record: /var/lib/ferry/domain-events.log. */
static void record(const char *name, uint32_t domid, const char *event, const char *action)
{
	struct timeval tv;
	char line[512];
	int fd, n;

	gettimeofday(&tv, NULL);
	n = snprintf(line, sizeof(line),
		     "{\"time_ms\": %lld, \"domain\": \"%s\", \"domid\": %u, \"event\": \"%s\", "
		     "\"action\": \"%s\"}\n",
		     (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000, name, domid, event, action);
	mkdir("/var/lib/ferry", 0700);
	fd = open(EVENTS_LOG, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			flog(FLOG_SUPERVISE, LOG_WARNING, "cannot record to %s", EVENTS_LOG);
		close(fd);
	}
}

struct job {
	uint32_t domid;
	char name[LEDGER_NAME_MAX + 1];
	char event[16];
	bool rebooting;
};

static void on_job_done(pid_t pid, int status, void *arg)
{
	struct job *j = arg;
	struct watched *w = find(j->domid);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	(void)pid;
	if (w)
		w->busy = false;
	if (j->rebooting)
		supervise_mark_clear(j->name, "rebooting");
	flog(FLOG_SUPERVISE, ok ? LOG_NOTICE : LOG_ERR, "%s: handling its %s %s", j->name, j->event,
	     ok ? "done" : "FAILED (see the log of ferryctl)");
	free(j);
}

/* Is @name ours (or migrating to or from us) in this node's ledger copy? */
static bool ledger_ours(const struct ferryd *d, const char *name)
{
	const struct ledger_entry *e = ledger_find(replica_ledger(d->rep), name);

	return e && (e->owner == d->nodeid ||
		     (e->state == LEDGER_MIGRATING && e->peer == d->nodeid));
}

static void handle_shutdown(struct ferryd *d, struct watched *w, libxl_shutdown_reason reason)
{
	const char *event = libxl_shutdown_reason_to_string(reason);
	char domid[16], *argv[] = {ferryctl, "domain", "supervise", domid, (char *)event, NULL};
	struct job *j;
	char *name = libxl_domid_to_name(xen_ctx(x), w->domid);
	bool in_flight = name && (strstr(name, XEN_INCOMING_SUFFIX) || strstr(name, XEN_MIGRATED_SUFFIX));
	pid_t child;
	int rc;

	free(name);
	if (reason == LIBXL_SHUTDOWN_REASON_SUSPEND || in_flight) {
		flog(FLOG_SUPERVISE, LOG_INFO, "%s (domid %u) suspended: a migration or save", w->name,
		     w->domid);
		return;
	}
	if (w->busy)
		return;
	record(w->name, w->domid, event ? event : "unknown", "handled by ferryctl domain supervise");
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->domid = w->domid;
	snprintf(j->name, sizeof(j->name), "%s", w->name);
	snprintf(j->event, sizeof(j->event), "%s", event ? event : "shutdown");
	/* A guest reboot (or a crash with on_crash=restart) recreates the
	 * domain; only the owner in the ledger may. */
	j->rebooting = reason != LIBXL_SHUTDOWN_REASON_POWEROFF && ledger_ours(d, w->name);
	/* Held by ferryd until the child runs, then by the child: a restart
	 * that outlives a crashed ferryd is still covered, and a marker
	 * whose holder died is stale (supervise_mark.h). */
	if (j->rebooting)
		supervise_mark_set(w->name, "rebooting", getpid());
	snprintf(domid, sizeof(domid), "%u", w->domid);
	flog(FLOG_SUPERVISE, LOG_NOTICE, "%s (domid %u): guest %s", w->name, w->domid, j->event);
	rc = children_spawn(argv, -1, on_job_done, j, &child);
	if (rc) {
		flog(FLOG_SUPERVISE, LOG_ERR, "%s: cannot run ferryctl domain supervise: %s", w->name,
		     strerror(-rc));
		if (j->rebooting)
			supervise_mark_clear(w->name, "rebooting");
		free(j);
		return;
	}
	if (j->rebooting)
		supervise_mark_set(w->name, "rebooting", child);
	w->busy = true;
}

static void event_occurs(void *user, libxl_event *ev)
{
	struct watched *w = find(ev->domid);

	if (w && ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
		handle_shutdown(user, w, ev->u.domain_shutdown.shutdown_reason);
	else if (w && ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH)
		forget(w);
	libxl_event_free(xen_ctx(x), ev);
}

static void disaster(void *user, libxl_event_type type, const char *msg, int errnoval)
{
	(void)user;
	flog(FLOG_SUPERVISE, LOG_CRIT, "libxl event disaster (%d): %s: %s", type, msg,
	     strerror(errnoval));
}

static const libxl_event_hooks event_hooks = {
	.event_occurs_mask = LIBXL_EVENTMASK_ALL,
	.event_occurs = event_occurs,
	.disaster = disaster,
};

/* A domain running here that the ledger gives to another node. */
static void check_ownership(struct ferryd *d, struct watched *w)
{
	const struct ledger_entry *e;

	if (w->reported || w->busy || !replica_synced(d->rep))
		return;
	e = ledger_find(replica_ledger(d->rep), w->name);
	if (e && ledger_ours(d, w->name))
		return;
	/* REPORT it: adopted when free, CONFLICT when another node owns it. */
	char **names = malloc(sizeof(*names));
	if (!names || !(names[0] = strdup(w->name))) {
		free(names);
		return;
	}
	bool other = e && e->state != LEDGER_FREE;
	flog(FLOG_SUPERVISE, other ? LOG_ERR : LOG_NOTICE, "%s runs here (domid %u) but the ledger %s",
	     w->name, w->domid,
	     other ? "gives it to another node: reporting the CONFLICT"
		   : "has no owner for it: reporting it (this node adopts it)");
	requests_report(d, names, 1);
	w->reported = true;
	if (other && d->destroy_conflicts) {
		char *argv[] = {ferryctl, "domain", "destroy", w->name, NULL};
		flog(FLOG_SUPERVISE, LOG_WARNING, "%s: destroying the conflicting copy here "
						  "(--destroy-conflicts)",
		     w->name);
		children_spawn(argv, -1, NULL, NULL, NULL);
	}
}

static bool runs_here(const char *name)
{
	for (struct watched *w = watched; w; w = w->next)
		if (!strcmp(w->name, name))
			return true;
	return false;
}

/* A stop that could not reach ferryd left the release to us: send it once
 * the domain does not run here and the ledger still gives it to us. The
 * agent's start removes the marker before it claims, so a release sent
 * from here always precedes that claim in the agreed order. */
static void releases_pending(struct ferryd *d)
{
	DIR *dh;
	struct dirent *de;

	if (!replica_synced(d->rep) || !(dh = opendir(RELEASE_DIR)))
		return;
	while ((de = readdir(dh))) {
		const struct ledger_entry *e;
		char p[PATH_MAX];

		if (de->d_name[0] == '.' || !ledger_name_valid(de->d_name))
			continue;
		e = ledger_find(replica_ledger(d->rep), de->d_name);
		if (!e || e->owner != d->nodeid || e->state != LEDGER_RUNNING ||
		    runs_here(de->d_name)) {
			snprintf(p, sizeof(p), RELEASE_DIR "/%s", de->d_name);
			unlink(p); /* done, or superseded by a new start */
			continue;
		}
		requests_release(d, de->d_name);
	}
	closedir(dh);
}

static void scan(void *data)
{
	struct ferryd *d = data;
	libxl_dominfo *info;
	int nb = 0;

	for (struct watched *w = watched; w; w = w->next)
		w->seen = false;
	info = libxl_list_domain(xen_ctx(x), &nb);
	for (int i = 0; info && i < nb; i++) {
		struct watched *w = find(info[i].domid);
		uint8_t *ud = NULL;
		int len = 0;

		if (info[i].domid == 0)
			continue;
		if (w) {
			w->seen = true;
			if (!info[i].shutdown && !info[i].dying)
				check_ownership(d, w);
			continue;
		}
		if (libxl_userdata_retrieve(xen_ctx(x), info[i].domid, XEN_USERDATA_KEY, &ud,
					    &len) ||
		    !ud)
			continue; /* not ferry's */
		free(ud);
		char *name = libxl_domid_to_name(xen_ctx(x), info[i].domid);
		if (!name)
			continue;
		w = calloc(1, sizeof(*w));
		if (!w) {
			free(name);
			continue;
		}
		w->domid = info[i].domid;
		w->seen = true;
		snprintf(w->name, sizeof(w->name), "%s", name);
		free(name);
		if (libxl_evenable_domain_death(xen_ctx(x), w->domid, 0, &w->evgen)) {
			free(w);
			continue;
		}
		w->next = watched;
		watched = w;
		flog(FLOG_SUPERVISE, LOG_INFO, "watching %s (domid %u)", w->name, w->domid);
	}
	if (info)
		libxl_dominfo_list_free(info, nb);
	for (struct watched *w = watched, *next; w; w = next) {
		next = w->next;
		if (!w->seen && !w->busy)
			forget(w);
	}
	releases_pending(d);
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, SCAN_MS * 1000000ULL, d, scan, &scan_timer);
}

int supervise_inventory(struct ferryd *d, char ***names, size_t *n)
{
	size_t k = 0;
	char **v;

	*names = NULL;
	*n = 0;
	if (!x)
		return -ENOTSUP;
	scan(d);
	qb_loop_timer_del(d->loop, scan_timer);
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, SCAN_MS * 1000000ULL, d, scan, &scan_timer);
	for (struct watched *w = watched; w; w = w->next)
		k++;
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	k = 0;
	for (struct watched *w = watched; w; w = w->next) {
		struct xen_status st;
		/* In-flight copies are the migration's business, not REPORT's. */
		if (xen_status_domid(x, w->domid, &st) || !xen_status_alive(&st) || st.migrating)
			continue;
		if (!(v[k] = strdup(w->name)))
			break;
		k++;
	}
	*names = v;
	*n = k;
	return 0;
}

int supervise_domain(const char *name, struct xen_status *st, bool *rebooting)
{
	int rc;

	if (!x)
		return -ENODEV;
	rc = xen_status_get(x, name, st);
	if (rc < 0)
		return rc;
	*rebooting = xen_status_rebooting(st) || supervise_mark_has(name, "rebooting");
	return 0;
}

int supervise_start(struct ferryd *d)
{
	int rc;

	if (d->inventory_dir) {
		flog(FLOG_SUPERVISE, LOG_INFO, "inventory from %s (test seam): no libxl supervision",
		     d->inventory_dir);
		return 0;
	}
	rc = xenloop_open(d, &x);
	if (rc) {
		flog(FLOG_SUPERVISE, LOG_WARNING, "no Xen on this node: domain supervision is off");
		x = NULL;
		return 0;
	}
	children_ferryctl(d->ferryctl, ferryctl, sizeof(ferryctl));
	libxl_event_register_callbacks(xen_ctx(x), &event_hooks, d);
	mkdir("/run/ferry", 0755);
	scan(d);
	flog(FLOG_SUPERVISE, LOG_NOTICE, "supervising ferry-managed domains (actions by %s)",
	     ferryctl);
	return 0;
}

void supervise_stop(struct ferryd *d)
{
	if (!x)
		return;
	qb_loop_timer_del(d->loop, scan_timer);
	while (watched)
		forget(watched);
	xenloop_close();
	x = NULL;
}
