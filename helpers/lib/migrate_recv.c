/* Target side of a live migration (see migrate.h): preflight the offer,
 * receive the stream into a paused NAME--incoming, and unpause it under its
 * own name only after "go" and only when the ledger gives it to this node.
 * Whatever happens before that, the incoming copy is destroyed. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "clock.h"
#include "ledger_client.h"
#include "migrate.h"
#include "names.h"
#include "serve_journal.h"
#include "storage_serve.h"

#define STREAM_TIMEOUT_MS (30 * 60 * 1000)
#define WAIT_GO_MS        (10 * 60 * 1000)

struct recv_state {
	struct xen *x;
	struct transport *t;
	libxl_domain_config cfg;
	char name[NAME_DOMAIN_MAX + 1];
	char incoming[NAME_DOMAIN_MAX + sizeof(XEN_INCOMING_SUFFIX)];
	const char *peer_node;
	uint32_t domid;
	bool live;
	bool committed; /* the ledger gives the domain to this node */
};

/* Decodes and checks the offer: the name is free here, the guest type can
 * be migrated this way, and the memory is there. */
static int recv_preflight(struct recv_state *s, const void *buf, size_t len, char *why,
			  size_t wlen)
{
	const struct peer_offer *off = buf;
	struct xen_status st;
	uint64_t need = 0, have = 0;
	uint32_t jl;
	const char *json;

	if (len < sizeof(*off)) {
		snprintf(why, wlen, "malformed offer");
		return -EPROTO;
	}
	jl = be32toh(off->json_len);
	json = (const char *)(off + 1);
	if (jl < 2 || jl != len - sizeof(*off) || json[jl - 1] != '\0') {
		snprintf(why, wlen, "malformed offer");
		return -EPROTO;
	}
	/* The domain's name enters this node here: checked in its field. */
	if (name_check_field(NAME_DOMAIN, off->name, sizeof(off->name), why, wlen))
		return -EINVAL;
	snprintf(s->name, sizeof(s->name), "%s", off->name);
	snprintf(s->incoming, sizeof(s->incoming), "%s%s", s->name, XEN_INCOMING_SUFFIX);
	s->live = be32toh(off->flags) & PEER_MIG_LIVE;
	if (libxl_domain_config_from_json(xen_ctx(s->x), &s->cfg, json)) {
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

static int recv_stream(struct recv_state *s, char *why, size_t wlen)
{
	libxl_domain_restore_params params;
	struct xen_ao ao;
	int fd, rc, end;

	rc = transport_stream_begin(s->t, &fd);
	if (rc) {
		snprintf(why, wlen, "stream: %s", transport_strerror(rc));
		return rc;
	}
	serve_journal_note(SERVE_J_INCOMING, s->name);
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
	end = transport_stream_end(s->t);
	if (rc)
		snprintf(why, wlen, "restoring %s failed: %s", s->name, strerror(-rc));
	else if (end) {
		snprintf(why, wlen, "stream of %s: %s", s->name, transport_strerror(end));
		rc = end;
	}
	return rc;
}

/* Drops the incoming copy: the migration did not reach "go". */
static void recv_cleanup(struct recv_state *s, const char *why)
{
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
static int recv_go(struct recv_state *s, uint64_t epoch, char *why, size_t wlen)
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
	xen_tag(s->x, s->domid, NULL);
	rc = xen_unpause(s->x, s->domid);
	if (rc)
		snprintf(why, wlen, "unpausing %s failed: %s", s->name, strerror(-rc));
	return rc;
}

int migrate_receive(struct xen *x, struct transport *t, const void *offer, size_t len,
		    const char *self, const char *peer_node)
{
	struct recv_state s = {.x = x, .t = t, .peer_node = peer_node, .domid = XEN_NO_DOMID};
	char why[PEER_WHY_MAX] = "";
	union {
		struct peer_go go;
		struct peer_request req;
	} msg;
	uint16_t type;
	size_t got;
	int rc;

	libxl_domain_config_init(&s.cfg);
	rc = recv_preflight(&s, offer, len, why, sizeof(why));
	peer_send_reply(t, PEER_MSG_MIG_READY, rc, why);
	if (rc) {
		flog(FLOG_MIGRATE, LOG_WARNING, "migration offer from %s refused: %s", peer_node, why);
		goto out;
	}
	flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s from %s to %s: ready (%s)", s.name, peer_node, self,
	       s.live ? "live" : "non-live");

	/* Storage steps of the choreography, then the stream. */
	for (;;) {
		rc = transport_recv_msg(t, &type, &msg, sizeof(msg), &got, WAIT_GO_MS);
		if (rc) {
			snprintf(why, sizeof(why), "source went away: %s", transport_strerror(rc));
			goto out;
		}
		if (type == PEER_MSG_REQUEST && got == sizeof(msg.req)) {
			storage_serve_request(t, &msg.req);
			continue;
		}
		if (type == PEER_MSG_MIG_STREAM && got == sizeof(msg.go))
			break;
		snprintf(why, sizeof(why), "unexpected message %u before the stream", type);
		rc = -EPROTO;
		goto out;
	}
	int64_t t0 = clock_ms();
	rc = recv_stream(&s, why, sizeof(why));
	peer_send_reply(t, PEER_MSG_MIG_RECEIVED, rc, why);
	if (rc)
		goto out;
	flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s: received in %lld ms, paused as %s, waiting for go",
	       s.name, (long long)(clock_ms() - t0), s.incoming);

	rc = transport_recv_msg(t, &type, &msg, sizeof(msg), &got, WAIT_GO_MS);
	if (rc || type != PEER_MSG_MIG_GO || got != sizeof(msg.go)) {
		snprintf(why, sizeof(why), "%s",
			 rc ? transport_strerror(rc)
			    : type == PEER_MSG_MIG_ABORT ? "the source aborted" : "no go");
		rc = rc ? rc : -ECANCELED;
		goto out;
	}
	t0 = clock_ms();
	rc = recv_go(&s, be64toh(msg.go.epoch), why, sizeof(why));
	peer_send_reply(t, PEER_MSG_MIG_RESULT, rc, why);
	if (rc == 0) {
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s from %s: running here (domid %u), "
					       "go to unpaused in %lld ms",
		     s.name, peer_node, s.domid, (long long)(clock_ms() - t0));
		s.domid = XEN_NO_DOMID;
	} else if (s.committed) {
		/* Ours in the ledger, but not running: keep the paused copy for
		 * the operator instead of destroying the only good one. */
		flog(FLOG_MIGRATE, LOG_CRIT, "migration of %s from %s: FAILED AFTER COMMIT: %s; the "
					     "incoming copy is kept paused as %s (domid %u)",
		     s.name, peer_node, why, s.incoming, s.domid);
		s.domid = XEN_NO_DOMID;
	}
out:
	if (rc)
		recv_cleanup(&s, why);
	libxl_domain_config_dispose(&s.cfg);
	return rc;
}
