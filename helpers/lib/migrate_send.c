/* Source side of a live migration (see migrate.h). The steps, in order:
 *   offer -> ready -> [hook: storage] -> ledger MIGRATE_BEGIN -> stream
 *   -> received -> rename to NAME--migratedaway -> go -> (the target
 *   commits in the ledger and unpauses) -> unpause result -> destroy ours.
 * Any failure before the target's commit resumes the domain here, drops the
 * target's copy and aborts the ledger's migration. The ledger's agreed order
 * decides between the target's COMMIT and our ABORT: exactly one wins, so
 * the domain never runs on both nodes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "flog.h"

#include "clock.h"
#include "ledger_client.h"
#include "migrate.h"
#include "migrate_conv.h"
#include "priority.h"
#include "nodemap.h"

#define LEDGER_TIMEOUT_MS   30000
#define STREAM_TIMEOUT_MS   (30 * 60 * 1000)
#define RECEIVED_TIMEOUT_MS (10 * 60 * 1000)
#define RESULT_TIMEOUT_MS   120000
#define PROGRESS_EVERY_MS   5000

int migrate_check_live(struct xen *x, libxl_domain_type type, char *why, size_t len)
{
	libxl_physinfo pi;
	bool shadow;

	if (type != LIBXL_DOMAIN_TYPE_PV)
		return 0;
	libxl_physinfo_init(&pi);
	if (libxl_get_physinfo(xen_ctx(x), &pi)) {
		libxl_physinfo_dispose(&pi);
		return -EIO;
	}
	shadow = pi.cap_shadow;
	libxl_physinfo_dispose(&pi);
	if (shadow)
		return 0;
	snprintf(why, len, "this hypervisor cannot migrate a PV guest live: Xen was built "
			   "without shadow paging (log-dirty for PV needs it); use --suspend "
			   "(migration=suspend) for a non-live migration");
	return -EOPNOTSUPP;
}

static int64_t wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Ledger call whose verdict must be FERRY_OK; the reason goes to @why. */
static int ledger_ok(int rc, const struct ferry_ipc_reply *r, const char *what, char *why,
		     size_t len)
{
	int st = ledger_client_verdict(rc, rc ? 0 : r->status);

	if (st == FERRY_OK)
		return 0;
	snprintf(why, len, "ledger %s refused: %s%s%s", what, ferry_status_text(st),
		 rc == 0 && r->reason[0] ? ": " : "", rc == 0 ? r->reason : "");
	return -EPERM;
}

struct send_state {
	struct xen *x;
	struct peer *p;
	struct migrate_source c; /* the conversation with the target */
	struct migrate_metrics *m;
	uint32_t domid;
	uint64_t epoch;
	bool begun;      /* ledger MIGRATE_BEGIN granted */
	bool renamed;    /* our copy is NAME--migratedaway */
	int64_t suspended_at;
	char config[4096];
};

/* Undo everything before "go": resume here, drop the target's copy, abort
 * the ledger's migration. */
static void send_rollback(struct send_state *s)
{
	struct ferry_ipc_reply r;
	struct xen_status st;
	struct xen_ao ao;
	char tmp[PEER_WHY_MAX];

	/* The target hears ABORT only if it still holds a copy waiting for
	 * go; either way the conversation stays in step for the storage
	 * requests that follow, or is closed. */
	migrate_source_abort(&s->c, s->p->timeout_ms * 4, tmp, sizeof(tmp));
	if (s->renamed) {
		char away[PEER_NAME_MAX + sizeof(XEN_MIGRATED_SUFFIX)];
		snprintf(away, sizeof(away), "%s%s", s->m->domain, XEN_MIGRATED_SUFFIX);
		libxl_domain_rename(xen_ctx(s->x), s->domid, away, s->m->domain);
		s->renamed = false;
	}
	if (xen_status_domid(s->x, s->domid, &st) == 0 && st.state == XEN_SHUTDOWN &&
	    st.shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
		xen_ao_init(&ao);
		int rc = xen_ao_run(s->x, &ao, libxl_domain_resume(xen_ctx(s->x), s->domid, 1,
								   &ao.how),
				    60000);
		if (rc)
			flog(FLOG_MIGRATE, LOG_CRIT, "migration of %s: resuming it here FAILED (%s): the domain "
					 "is suspended on this node",
			       s->m->domain, strerror(-rc));
		else
			flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s: resumed here", s->m->domain);
	}
	if (s->begun &&
	    ledger_ok(ledger_client_migrate_abort(s->m->domain, s->epoch, LEDGER_TIMEOUT_MS, &r), &r,
		      "MIGRATE_ABORT", s->m->why + strlen(s->m->why),
		      sizeof(s->m->why) - strlen(s->m->why)))
		flog(FLOG_MIGRATE, LOG_ERR, "migration of %s: ledger abort failed", s->m->domain);
}

/* The stream: libxl suspends the domain live into the transport. Notes when
 * the domain was suspended, for the downtime. */
static int send_stream(struct send_state *s, bool live)
{
	struct transport_stats ts;
	struct xen_ao ao;
	int64_t start = clock_ms(), last_log = start, deadline = start + STREAM_TIMEOUT_MS;
	int fd, rc;

	rc = transport_stream_begin(s->p->t, &fd);
	if (rc)
		return rc;
	xen_ao_init(&ao);
	rc = xen_errno(libxl_domain_suspend(xen_ctx(s->x), s->domid, fd, live ? LIBXL_SUSPEND_LIVE : 0,
					    &ao.how));
	while (rc == 0 && !ao.done) {
		struct xen_status st;

		if (clock_ms() > deadline) {
			libxl_ao_abort(xen_ctx(s->x), &ao.how);
			deadline = INT64_MAX;
		}
		xen_poll(s->x, 20);
		if (!s->suspended_at && xen_status_domid(s->x, s->domid, &st) == 0 &&
		    st.state == XEN_SHUTDOWN)
			s->suspended_at = clock_ms();
		if (clock_ms() - last_log >= PROGRESS_EVERY_MS) {
			last_log = clock_ms();
			transport_stats(s->p->t, &ts);
			flog(FLOG_MIGRATE, LOG_INFO, "migration of %s: %llu MiB sent in %lld s%s", s->m->domain,
			       (unsigned long long)(ts.stream_bytes >> 20),
			       (long long)((last_log - start) / 1000),
			       s->suspended_at ? ", domain suspended" : "");
		}
	}
	if (rc == 0)
		rc = xen_errno(ao.rc);
	int end = transport_stream_end(s->p->t);
	if (rc == 0)
		rc = end;
	s->m->t_sent = clock_ms();
	transport_stats(s->p->t, &ts);
	s->m->bytes = ts.stream_bytes;
	s->m->encrypted = ts.encrypted;
	s->m->ktls = ts.ktls_tx;
	s->m->speed_mib_s = (unsigned)(ts.stream_rate >> 20);
	snprintf(s->m->cipher, sizeof(s->m->cipher), "%s", ts.cipher ? ts.cipher : "");
	int64_t took = clock_ms() - start;
	s->m->mib_per_s = took > 0 ? (double)ts.stream_bytes / 1048576.0 / ((double)took / 1000) : 0;
	if (!s->suspended_at)
		s->suspended_at = clock_ms();
	s->m->t_suspended = s->suspended_at;
	return rc;
}

static int send_offer(struct send_state *s, bool live)
{
	char *json = NULL;
	int rc;

	rc = xen_config_to_json(s->x, s->domid, &json);
	if (rc) {
		snprintf(s->m->why, sizeof(s->m->why), "cannot read the configuration of %s",
			 s->m->domain);
		return rc;
	}
	/* For the target's pre-flight: the config file (as the agent has it,
	 * or as ferry recorded it when it created the domain here). */
	if (!s->c.config) {
		xen_tag_config(s->x, s->domid, s->config, sizeof(s->config));
		s->c.config = s->config;
	}
	rc = migrate_source_offer(&s->c, s->m->domain, live, json, s->m->why, sizeof(s->m->why));
	free(json);
	return rc;
}

/* After "go" failed (a refusal or a lost connection): if the ledger still
 * has the migration open, our ABORT closes it and we may resume; if the
 * target's COMMIT won, we must not. Returns 0 when we may roll back. */
static int send_settle(struct send_state *s)
{
	struct ferry_ipc_reply r;
	int rc = ledger_client_migrate_abort(s->m->domain, s->epoch, LEDGER_TIMEOUT_MS, &r);

	if (ledger_client_verdict(rc, rc ? 0 : r.status) != FERRY_OK)
		return -EPERM;
	s->begun = false; /* aborted: nothing left to abort */
	return 0;
}

static enum migrate_result send_fail(struct send_state *s, enum migrate_result res)
{
	flog(FLOG_MIGRATE, LOG_ERR, "migration of %s to %s %s: %s", s->m->domain, s->m->target,
	       res == MIGRATE_REFUSED ? "refused" : "failed, rolled back", s->m->why);
	if (res == MIGRATE_ROLLED_BACK)
		send_rollback(s);
	return res;
}

static enum migrate_result send_run(struct send_state *s, const struct migrate_opts *o)
{
	struct migrate_metrics *m = s->m;
	struct ferry_ipc_reply r;
	struct xen_status st;
	char away[sizeof(m->domain) + sizeof(XEN_MIGRATED_SUFFIX)];
	const struct nodemap *nm = nodemap_once();
	uint32_t target;
	int rc;

	/* Preflight here: a live domain, not in flight, migratable live. */
	if (xen_status_get(s->x, m->domain, &st) || !xen_status_alive(&st) || st.migrating) {
		snprintf(m->why, sizeof(m->why), "%s is not running on this node%s", m->domain,
			 st.migrating ? " (it is in flight)" : "");
		return MIGRATE_REFUSED;
	}
	s->domid = st.domid;
	if (o->live && migrate_check_live(s->x, st.type, m->why, sizeof(m->why)))
		return MIGRATE_REFUSED;
	rc = nm ? nodemap_resolve(nm, s->p->node, &target) : -ENOTCONN;
	if (rc) {
		snprintf(m->why, sizeof(m->why), "node %s is not in corosync's nodelist", s->p->node);
		return MIGRATE_REFUSED;
	}

	/* 1. Offer: the target checks name, memory and guest type. */
	flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s to %s: %s, %s", m->domain, m->target,
	       o->live ? "live" : "suspended (non-live)", s->p->addr);
	if ((rc = send_offer(s, o->live)))
		return send_fail(s, MIGRATE_REFUSED);

	/* 2. The choreography's storage steps (dual-primary window). */
	if (o->before_stream && (rc = o->before_stream(s->p, o->hook_arg, m->why, sizeof(m->why))))
		return send_fail(s, MIGRATE_REFUSED);

	/* 3. Ledger: the domain is migrating to the target. */
	rc = ledger_client_migrate_begin(m->domain, target, LEDGER_TIMEOUT_MS, &r);
	if (ledger_ok(rc, &r, "MIGRATE_BEGIN", m->why, sizeof(m->why)))
		return send_fail(s, MIGRATE_REFUSED);
	s->begun = true;
	s->epoch = r.entry.epoch;

	/* 4. The stream. */
	rc = migrate_source_stream(&s->c, s->epoch, m->why, sizeof(m->why));
	if (rc == 0)
		rc = send_stream(s, o->live);
	if (rc) {
		snprintf(m->why, sizeof(m->why), "sending the domain failed: %s",
			 transport_strerror(rc));
		return send_fail(s, MIGRATE_ROLLED_BACK);
	}
	flog(FLOG_MIGRATE, LOG_INFO, "migration of %s: stream sent (%llu MiB), +%lld ms after the "
				     "suspend; waiting for the target",
	     m->domain, (unsigned long long)(m->bytes >> 20), (long long)(clock_ms() - s->suspended_at));
	rc = migrate_source_received(&s->c, RECEIVED_TIMEOUT_MS, m->why, sizeof(m->why));
	if (rc)
		return send_fail(s, MIGRATE_ROLLED_BACK);
	m->t_received = clock_ms();

	flog(FLOG_MIGRATE, LOG_INFO, "migration of %s: received by the target, +%lld ms", m->domain,
	     (long long)(clock_ms() - s->suspended_at));

	if (o->before_go && (rc = o->before_go(s->p, o->hook_arg, m->why, sizeof(m->why))))
		return send_fail(s, MIGRATE_ROLLED_BACK);

	/* 5. Go: the target commits in the ledger, then unpauses. */
	snprintf(away, sizeof(away), "%s%s", m->domain, XEN_MIGRATED_SUFFIX);
	if (libxl_domain_rename(xen_ctx(s->x), s->domid, m->domain, away) == 0)
		s->renamed = true;
	else
		flog(FLOG_MIGRATE, LOG_WARNING, "migration of %s: could not rename our copy to %s",
		     m->domain, away);
	m->t_go = clock_ms();
	rc = migrate_source_go(&s->c, s->epoch, RESULT_TIMEOUT_MS, m->why, sizeof(m->why));
	if (rc && send_settle(s) == 0)
		return send_fail(s, MIGRATE_ROLLED_BACK);
	if (rc) {
		/* The ledger gave it to the target: ours must never run again. */
		flog(FLOG_MIGRATE, LOG_CRIT, "migration of %s: FAILED AFTER GO: %s. The ledger gives "
					     "%s to %s; our suspended copy is kept as %s (domid %u). "
					     "Check %s with 'ferryctl domain status %s' first.",
		     m->domain, m->why, m->domain, m->target, away, s->domid, m->target, m->domain);
		return MIGRATE_UNCERTAIN;
	}
	m->t_unpaused = clock_ms();
	m->downtime_ms = m->t_unpaused - s->suspended_at;
	xen_destroy(s->x, s->domid);
	return MIGRATE_OK;
}

enum migrate_result migrate_send(struct xen *x, struct peer *p, const char *name,
				 const struct migrate_opts *o, struct migrate_metrics *m)
{
	struct send_state s = {.x = x, .p = p, .c = {.p = p, .config = o->config,
						       .late_vg = o->late_vg}, .m = m};
	int64_t start = clock_ms();

	memset(m, 0, sizeof(*m));
	snprintf(m->domain, sizeof(m->domain), "%s", name);
	snprintf(m->target, sizeof(m->target), "%s", p->node);
	peer_self_name(m->source, sizeof(m->source));
	m->started = wall_ms();
	m->live = o->live;
	m->downtime_ms = -1;
	priority_background("the migration stream (source)");
	m->result = send_run(&s, o);
	m->total_ms = clock_ms() - start;
	if (m->result == MIGRATE_OK)
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s to %s done: total %lld ms, downtime %lld ms, "
				   "%llu MiB at %.1f MiB/s%s",
		       m->domain, m->target, (long long)m->total_ms, (long long)m->downtime_ms,
		       (unsigned long long)(m->bytes >> 20), m->mib_per_s,
		       m->encrypted ? ", encrypted" : "");
	migrate_history_append(m);
	return m->result;
}
