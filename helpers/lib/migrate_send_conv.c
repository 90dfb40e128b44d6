/* The source's half of the migration conversation (see migrate_conv.h):
 * every request's reply is read before the next request goes out, and a
 * rollback tells the target exactly what it still needs to hear. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "migrate_conv.h"

int migrate_source_offer(struct migrate_source *c, const char *name, bool live, const char *json,
			 char *why, size_t len)
{
	struct peer_offer o = { .flags = live ? PEER_MIG_LIVE : 0, .json = json };
	size_t jl = strlen(json) + 1;
	uint8_t *buf;
	int rc;

	if (c->config || c->late_vg) {
		o.flags |= PEER_MIG_PLACE;
		if (snprintf(o.config, sizeof(o.config), "%s", c->config ? c->config : "") >=
		    (int)sizeof(o.config)) {
			snprintf(why, len, "the config path of %s is longer than %d bytes", name,
				 PEER_PATH_MAX - 1);
			return -ENAMETOOLONG;
		}
		snprintf(o.late_vg, sizeof(o.late_vg), "%s", c->late_vg ? c->late_vg : "");
	}
	if (jl > TRANSPORT_MSG_MAX - PEER_OFFER_HDR - PEER_OFFER_PLACE) {
		snprintf(why, len, "the configuration of %s is too large to offer (%zu bytes)", name,
			 jl);
		return -EMSGSIZE;
	}
	buf = malloc(PEER_OFFER_HDR + jl + PEER_OFFER_PLACE);
	if (!buf)
		return -ENOMEM;
	o.id = peer_next_id(c->p);
	o.json_len = (uint32_t)jl;
	snprintf(o.name, sizeof(o.name), "%s", name);
	rc = peer_send(c->p, PEER_MSG_MIG_OFFER, buf, peer_encode_offer(buf, &o), why, len);
	free(buf);
	return rc ? rc : peer_wait(c->p, PEER_MSG_MIG_READY, o.id, c->p->timeout_ms * 4, why, len);
}

int migrate_source_stream(struct migrate_source *c, uint64_t epoch, char *why, size_t len)
{
	struct peer_go g = { .id = peer_next_id(c->p), .epoch = epoch };
	uint8_t buf[PEER_GO_LEN];
	int rc = peer_send(c->p, PEER_MSG_MIG_STREAM, buf, peer_encode_go(buf, &g), why, len);

	/* Even if the send failed half way, the target may answer it. */
	c->stream_id = g.id;
	return rc;
}

int migrate_source_received(struct migrate_source *c, int timeout_ms, char *why, size_t len)
{
	int rc;

	if (!c->stream_id)
		return -EINVAL;
	rc = peer_wait(c->p, PEER_MSG_MIG_RECEIVED, c->stream_id, timeout_ms, why, len);
	c->stream_id = 0;
	c->target_holds = rc == 0;
	return rc;
}

int migrate_source_go(struct migrate_source *c, uint64_t epoch, int timeout_ms, char *why,
		      size_t len)
{
	struct peer_go g = { .id = peer_next_id(c->p), .epoch = epoch };
	uint8_t buf[PEER_GO_LEN];
	int rc;

	/* From here on the target decides (it commits): never ABORT. */
	c->target_holds = false;
	rc = peer_send(c->p, PEER_MSG_MIG_GO, buf, peer_encode_go(buf, &g), why, len);
	return rc ? rc : peer_wait(c->p, PEER_MSG_MIG_RESULT, g.id, timeout_ms, why, len);
}

int migrate_source_abort(struct migrate_source *c, int timeout_ms, char *why, size_t len)
{
	uint8_t buf[PEER_ID_LEN];
	char tmp[PEER_WHY_MAX];
	uint32_t id;
	int rc;

	/* Our stream failed: the target still answers the STREAM. Read it,
	 * or the reply would be taken for the next request's. */
	if (c->stream_id) {
		rc = migrate_source_received(c, timeout_ms, tmp, sizeof(tmp));
		if (rc == -ETIMEDOUT) {
			/* What the target holds is unknown: end the conversation,
			 * its end then drops whatever it received. */
			transport_abort(c->p->t, -ETIMEDOUT);
			snprintf(why, len, "%s", tmp);
			return rc;
		}
		if (rc)
			flog(FLOG_MIGRATE, LOG_INFO, "migration to %s: the target holds no copy: %s",
			     c->p->node, tmp);
	}
	if (!c->target_holds)
		return 0;
	c->target_holds = false;
	id = peer_next_id(c->p);
	rc = peer_send(c->p, PEER_MSG_MIG_ABORT, buf, peer_encode_id(buf, id), why, len);
	if (!rc)
		rc = peer_wait(c->p, PEER_MSG_REPLY, id, timeout_ms, why, len);
	if (rc)
		flog(FLOG_MIGRATE, LOG_WARNING, "migration to %s: ABORT not confirmed (%s); the target "
			"destroys its copy when the connection ends", c->p->node,
			why ? why : transport_strerror(rc));
	else
		flog(FLOG_MIGRATE, LOG_NOTICE, "migration to %s: the target dropped its copy", c->p->node);
	return rc;
}
