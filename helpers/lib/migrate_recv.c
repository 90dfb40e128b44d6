/* Target side of a live migration (see migrate.h): preflight the offer,
 * receive the stream into a paused NAME--incoming, and unpause it under its
 * own name only after "go" and only when the ledger gives it to this node.
 * Whatever happens before that, the incoming copy is destroyed. These are
 * the hypervisor's actions; the conversation that calls them is
 * migrate_recv_conv.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "clock.h"
#include "ledger_client.h"
#include "migrate.h"
#include "migrate_conv.h"
#include "migrate_preflight.h"
#include "names.h"
#include "priority.h"
#include "serve_journal.h"
#include "storage_serve.h"

#define STREAM_TIMEOUT_MS (30 * 60 * 1000)
#define WAIT_GO_MS        (10 * 60 * 1000)

struct recv_state {
	struct xen *x;
	libxl_domain_config cfg;
	char name[NAME_DOMAIN_MAX + 1];
	char incoming[NAME_DOMAIN_MAX + sizeof(XEN_INCOMING_SUFFIX)];
	const char *peer_node;
	const char *self;
	char config[PEER_PATH_MAX]; /* the xl config file the source named */
	uint32_t domid;
	bool live;
	bool committed; /* the ledger gives the domain to this node */
};

/* Checks the (decoded) offer: the name is free here, the guest type can
 * be migrated this way, what it needs is here (config file, bridges,
 * disks: migrate_preflight.c), and the memory is there. */
static int recv_preflight(void *arg, const struct peer_offer *off, char *why, size_t wlen)
{
	struct recv_state *s = arg;
	struct xen_status st;
	uint64_t need = 0, have = 0;

	/* The domain's name enters this node here: checked before any use. */
	if (name_check(NAME_DOMAIN, off->name, why, wlen))
		return -EINVAL;
	snprintf(s->name, sizeof(s->name), "%s", off->name);
	snprintf(s->incoming, sizeof(s->incoming), "%s%s", s->name, XEN_INCOMING_SUFFIX);
	s->live = off->flags & PEER_MIG_LIVE;
	if (libxl_domain_config_from_json(xen_ctx(s->x), &s->cfg, off->json)) {
		snprintf(why, wlen, "the offered configuration of %s is not valid here", s->name);
		return -EINVAL;
	}
	if (!s->cfg.c_info.name || strcmp(s->cfg.c_info.name, s->name)) {
		char q[256];
		snprintf(why, wlen, "the offered configuration of %s names another domain ('%s')",
			 s->name, name_quote(s->cfg.c_info.name ? s->cfg.c_info.name : "", q,
					     sizeof(q)));
		return -EINVAL;
	}
	if (xen_status_get(s->x, s->name, &st) == 0 && st.state != XEN_ABSENT) {
		snprintf(why, wlen, "a domain %s already exists on %s (domid %u, %s)", st.name,
			 "this node", st.domid, st.migrating ? "in flight" : xen_state_name(st.state));
		return -EEXIST;
	}
	if (s->live && migrate_check_live(s->x, s->cfg.c_info.type, why, wlen))
		return -EOPNOTSUPP;
	if (off->flags & PEER_MIG_PLACE)
		snprintf(s->config, sizeof(s->config), "%s", off->config);
	if (migrate_preflight_place(off->json, s->config, off->late_vg, "", s->self, why, wlen))
		return -ENOENT;
	if (libxl_domain_need_memory(xen_ctx(s->x), &s->cfg, XEN_NO_DOMID, &need) == 0 &&
	    libxl_get_free_memory(xen_ctx(s->x), &have) == 0 && have < need) {
		snprintf(why, wlen, "not enough free memory for %s: need %llu MiB, %llu MiB free",
			 s->name, (unsigned long long)(need >> 10), (unsigned long long)(have >> 10));
		return -ENOMEM;
	}
	/* The copy is built under NAME--incoming until it is ours. */
	free(s->cfg.c_info.name);
	s->cfg.c_info.name = strdup(s->incoming);
	return s->cfg.c_info.name ? 0 : -ENOMEM;
}

/* The stream on @fd (the transport's), restored paused as NAME--incoming. */
static int recv_stream(void *arg, int fd, char *why, size_t wlen)
{
	struct recv_state *s = arg;
	libxl_domain_restore_params params;
	struct xen_ao ao;
	int64_t t0 = clock_ms();
	int rc;

	serve_journal_note(SERVE_J_INCOMING, s->name);
	xen_disks_fast_hotplug(&s->cfg); /* attaching is part of the downtime */
	libxl_domain_restore_params_init(&params);
	params.stream_version = 2;
	params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
	s->domid = XEN_NO_DOMID;
	xen_ao_init(&ao);
	rc = xen_ao_run(s->x, &ao,
			libxl_domain_create_restore(xen_ctx(s->x), &s->cfg, &s->domid, fd, -1,
						    &params, &ao.how, NULL),
			STREAM_TIMEOUT_MS);
	libxl_domain_restore_params_dispose(&params);
	if (rc)
		snprintf(why, wlen, "restoring %s failed: %s", s->name, strerror(-rc));
	else
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s: restored in %lld ms as %s",
		     s->name, (long long)(clock_ms() - t0), s->incoming);
	return rc;
}

/* Drops the incoming copy: the migration did not reach "go". */
static void recv_cleanup(void *arg, const char *why)
{
	struct recv_state *s = arg;

	if (s->domid != XEN_NO_DOMID) {
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s from %s: destroying the incoming copy (%s)",
		       s->name, s->peer_node, why);
		xen_destroy(s->x, s->domid);
		s->domid = XEN_NO_DOMID;
	}
}

/* "go": this node commits the migration in the ledger (the source may
 * still abort it: the agreed order picks one), and only then runs it.
 * -EPERM: the commit was refused, the domain is not ours. */
static int recv_commit(struct recv_state *s, uint64_t epoch, char *why, size_t wlen)
{
	struct ferry_ipc_reply r;
	int rc, st;

	rc = ledger_client_migrate_commit(s->name, epoch, 30000, &r);
	st = ledger_client_verdict(rc, rc ? 0 : r.status);
	if (st != FERRY_OK) {
		snprintf(why, wlen, "the ledger refused to give %s to this node: %s%s%s", s->name,
			 ferry_status_text(st), rc == 0 && r.reason[0] ? ": " : "",
			 rc == 0 ? r.reason : "");
		return -EPERM;
	}
	s->committed = true;
	serve_journal_note(SERVE_J_COMMITTED, s->name);
	if (libxl_domain_rename(xen_ctx(s->x), s->domid, s->incoming, s->name)) {
		snprintf(why, wlen, "renaming %s to %s failed", s->incoming, s->name);
		return -EIO;
	}
	/* ferry's tag, with the config file the source named, so that stop
	 * finds the domain here by its config path too. */
	xen_tag(s->x, s->domid, s->config[0] ? s->config : NULL);
	rc = xen_unpause(s->x, s->domid);
	if (rc)
		snprintf(why, wlen, "unpausing %s failed: %s", s->name, strerror(-rc));
	return rc;
}

/* "go" and what follows: running here, or, after the commit, a copy kept
 * for the operator rather than destroyed. */
static int recv_go(void *arg, uint64_t epoch, char *why, size_t wlen)
{
	struct recv_state *s = arg;
	int64_t t0 = clock_ms();
	int rc = recv_commit(s, epoch, why, wlen);

	if (rc == 0) {
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s from %s: running here (domid %u), "
					       "go to unpaused in %lld ms",
		     s->name, s->peer_node, s->domid, (long long)(clock_ms() - t0));
		s->domid = XEN_NO_DOMID;
	} else if (s->committed) {
		/* Ours in the ledger, but not running: keep the paused copy for
		 * the operator instead of destroying the only good one. */
		flog(FLOG_MIGRATE, LOG_CRIT, "migration of %s from %s: FAILED AFTER COMMIT: %s; the "
					     "incoming copy is kept paused as %s (domid %u)",
		     s->name, s->peer_node, why, s->incoming, s->domid);
		s->domid = XEN_NO_DOMID;
	}
	return rc;
}

static const struct migrate_target_ops xen_target = {
	.preflight = recv_preflight,
	.restore = recv_stream,
	.go = recv_go,
	.drop = recv_cleanup,
};

int migrate_receive(struct xen *x, struct peer_server *srv, const struct peer_offer *offer)
{
	struct recv_state s = {.x = x, .peer_node = srv->peer_node, .self = srv->self,
			       .domid = XEN_NO_DOMID};
	int rc;

	priority_background("the migration stream (target)");
	libxl_domain_config_init(&s.cfg);
	rc = migrate_target_run(srv, offer, &xen_target, &s, WAIT_GO_MS);
	libxl_domain_config_dispose(&s.cfg);
	return rc;
}
