/* Parser of `drbdsetup events2` lines: "<action> <object> key:value ...".
 * Pure code (no I/O), so unit tests replay outputs recorded in the lab. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drbd.h"
#include "numparse.h"

#define LINE_MAX_WORDS 48

struct kv {
	char *key;
	char *val;
};

/* Splits a copy of the line into action, object and key:value words. */
static int split(char *buf, char **action, char **object, struct kv *kv, int *nkv)
{
	char *save = NULL, *w;
	int n = 0;

	*action = strtok_r(buf, " \t\r\n", &save);
	*object = strtok_r(NULL, " \t\r\n", &save);
	if (!*action || !*object)
		return -EINVAL;
	while ((w = strtok_r(NULL, " \t\r\n", &save))) {
		char *colon = strchr(w, ':');
		if (!colon || colon == w || n == LINE_MAX_WORDS)
			return -EINVAL;
		*colon = '\0';
		kv[n].key = w;
		kv[n].val = colon + 1;
		n++;
	}
	*nkv = n;
	return 0;
}

static const char *get(const struct kv *kv, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].val;
	return NULL;
}

static int get_int(const struct kv *kv, int n, const char *key, int *out)
{
	const char *v = get(kv, n, key);

	if (!v)
		return -ENOENT;
	/* node ids, volumes, minors: all below 2^20 in DRBD */
	return num_parse_int(key, v, 0, 1 << 20, out, NULL, 0) ? -EINVAL : 0;
}

/* A size in KiB (--statistics), -1 when absent or not a number. */
static long long get_kib(const struct kv *kv, int n, const char *key)
{
	const char *v = get(kv, n, key);
	uint64_t k;

	if (!v || num_parse(key, v, 0, 1ULL << 50, &k, NULL, 0))
		return -1;
	return (long long)k;
}

static void copy_word(char *dst, const char *src)
{
	if (src)
		snprintf(dst, DRBD_WORD_MAX, "%s", src);
}

static struct drbd_peer *peer_find(struct drbd_resource *r, int node_id, bool create)
{
	for (int i = 0; i < r->npeers; i++)
		if (r->peers[i].node_id == node_id)
			return &r->peers[i];
	if (!create || r->npeers == DRBD_MAX_PEERS)
		return NULL;
	struct drbd_peer *p = &r->peers[r->npeers++];
	memset(p, 0, sizeof(*p));
	p->node_id = node_id;
	return p;
}

static struct drbd_peer_volume *peer_volume_find(struct drbd_peer *p, int volume)
{
	for (int i = 0; i < p->nvolumes; i++)
		if (p->volumes[i].volume == volume)
			return &p->volumes[i];
	if (p->nvolumes == DRBD_MAX_VOLUMES)
		return NULL;
	struct drbd_peer_volume *v = &p->volumes[p->nvolumes++];
	memset(v, 0, sizeof(*v));
	v->volume = volume;
	v->done = -1;
	return v;
}

static struct drbd_volume *volume_find(struct drbd_resource *r, int volume)
{
	for (int i = 0; i < r->nvolumes; i++)
		if (r->volumes[i].volume == volume)
			return &r->volumes[i];
	if (r->nvolumes == DRBD_MAX_VOLUMES)
		return NULL;
	struct drbd_volume *v = &r->volumes[r->nvolumes++];
	memset(v, 0, sizeof(*v));
	v->volume = volume;
	v->minor = -1;
	return v;
}

static void peer_remove(struct drbd_resource *r, struct drbd_peer *p)
{
	int i = (int)(p - r->peers);
	memmove(p, p + 1, (size_t)(r->npeers - i - 1) * sizeof(*p));
	r->npeers--;
}

int drbd_events_line(const char *line, const char *name, struct drbd_resource *r)
{
	char buf[2048], *action, *object;
	struct kv kv[LINE_MAX_WORDS];
	int nkv = 0, node_id = 0, volume = 0;
	const char *res;
	bool destroy;

	if (strlen(line) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, strlen(line) + 1);
	if (split(buf, &action, &object, kv, &nkv))
		return -EINVAL;
	if (!strcmp(object, "-"))
		return !strcmp(action, "exists") ? 1 : 0;
	if (strcmp(action, "exists") && strcmp(action, "create") && strcmp(action, "change") &&
	    strcmp(action, "destroy"))
		return 0; /* call/response/helper lines carry no state */
	res = get(kv, nkv, "name");
	if (!res)
		return -EINVAL;
	if (strcmp(res, name))
		return 0;
	destroy = !strcmp(action, "destroy");
	snprintf(r->name, sizeof(r->name), "%s", name);

	if (!strcmp(object, "resource")) {
		r->exists = !destroy;
		if (destroy)
			return 0;
		copy_word(r->role, get(kv, nkv, "role"));
		if (get(kv, nkv, "suspended"))
			r->suspended = strcmp(get(kv, nkv, "suspended"), "no") != 0;
		return 0;
	}
	if (!strcmp(object, "connection") || !strcmp(object, "peer-device")) {
		if (get_int(kv, nkv, "peer-node-id", &node_id))
			return -EINVAL;
		if (!strcmp(object, "peer-device") && get_int(kv, nkv, "volume", &volume))
			return -EINVAL;
		struct drbd_peer *p = peer_find(r, node_id, !destroy);
		if (!p)
			return destroy ? 0 : -ENOSPC;
		if (!strcmp(object, "connection")) {
			if (destroy) {
				peer_remove(r, p);
				return 0;
			}
			if (get(kv, nkv, "conn-name"))
				snprintf(p->name, sizeof(p->name), "%s", get(kv, nkv, "conn-name"));
			copy_word(p->connection, get(kv, nkv, "connection"));
			copy_word(p->role, get(kv, nkv, "role"));
			return 0;
		}
		struct drbd_peer_volume *v = peer_volume_find(p, volume);
		if (!v)
			return -ENOSPC;
		copy_word(v->replication, get(kv, nkv, "replication"));
		copy_word(v->peer_disk, get(kv, nkv, "peer-disk"));
		const char *done = get(kv, nkv, "done");
		char *end = NULL;
		v->done = done ? strtod(done, &end) : -1;
		if (done && (end == done || *end || !(v->done >= 0 && v->done <= 100)))
			v->done = -1; /* a percentage, or unknown */
		v->out_of_sync_kib = get_kib(kv, nkv, "out-of-sync");
		return 0;
	}
	if (!strcmp(object, "device")) {
		if (get_int(kv, nkv, "volume", &volume))
			return -EINVAL;
		struct drbd_volume *v = volume_find(r, volume);
		if (!v)
			return -ENOSPC;
		get_int(kv, nkv, "minor", &v->minor);
		copy_word(v->disk, get(kv, nkv, "disk"));
		v->size_kib = get_kib(kv, nkv, "size");
		return 0;
	}
	return 0; /* path, helper, ...: nothing ferry needs */
}

double drbd_sync_percent(const struct drbd_resource *r)
{
	const struct drbd_peer_volume *p;

	if (!r->npeers || !r->peers[0].nvolumes)
		return -1;
	p = &r->peers[0].volumes[0];
	if (p->done >= 0)
		return p->done;
	if (p->out_of_sync_kib < 0 || !r->nvolumes || r->volumes[0].size_kib <= 0 ||
	    p->out_of_sync_kib > r->volumes[0].size_kib)
		return -1;
	return 100.0 * (double)(r->volumes[0].size_kib - p->out_of_sync_kib) /
	       (double)r->volumes[0].size_kib;
}

int drbd_events_parse(const char *text, const char *name, struct drbd_resource *r)
{
	const char *p = text;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];

		if (len >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, len);
		line[len] = '\0';
		if (len) {
			int rc = drbd_events_line(line, name, r);
			if (rc < 0)
				return rc;
			if (rc == 1)
				return 0;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

void drbd_events_stream_init(struct drbd_events_stream *s, const char *name,
			     struct drbd_resource *r)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->r = r;
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
}

/* One complete line of the stream (without its newline). */
static void stream_line(struct drbd_events_stream *s)
{
	int rc;

	s->line[s->used] = '\0';
	if (memchr(s->line, '\0', s->used)) {
		s->bad++;
		return;
	}
	if (!s->used)
		return;
	rc = drbd_events_line(s->line, s->name, s->r);
	if (rc == 1)
		s->dumped = true;
	else if (rc < 0)
		s->bad++;
}

void drbd_events_feed(struct drbd_events_stream *s, const char *buf, size_t n)
{
	while (n) {
		const char *nl = memchr(buf, '\n', n);
		size_t span = nl ? (size_t)(nl - buf) : n;

		if (!s->dropping) {
			if (s->used + span > DRBD_EVENTS_LINE_MAX) {
				s->bad++; /* longer than any DRBD prints: dropped whole */
				s->dropping = true;
				s->used = 0;
			} else {
				memcpy(s->line + s->used, buf, span);
				s->used += span;
			}
		}
		if (!nl)
			return;
		if (s->dropping)
			s->dropping = false; /* its end: the next line is read again */
		else
			stream_line(s);
		s->used = 0;
		buf = nl + 1;
		n -= span + 1;
	}
}

bool drbd_is_primary(const struct drbd_resource *r)
{
	return r->exists && !strcmp(r->role, "Primary");
}

bool drbd_peer_is_primary(const struct drbd_resource *r)
{
	for (int i = 0; i < r->npeers; i++)
		if (!strcmp(r->peers[i].role, "Primary"))
			return true;
	return false;
}

bool drbd_local_uptodate(const struct drbd_resource *r)
{
	if (!r->exists || !r->nvolumes)
		return false;
	for (int i = 0; i < r->nvolumes; i++)
		if (strcmp(r->volumes[i].disk, "UpToDate"))
			return false;
	return true;
}

bool drbd_healthy(const struct drbd_resource *r, char *why, int len)
{
	char dummy[8];

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (!r->exists) {
		snprintf(why, (size_t)len, "resource %s is not up", r->name);
		return false;
	}
	if (!r->npeers) {
		snprintf(why, (size_t)len, "resource %s has no peer", r->name);
		return false;
	}
	if (!r->nvolumes) {
		snprintf(why, (size_t)len, "resource %s has no volume", r->name);
		return false;
	}
	for (int i = 0; i < r->nvolumes; i++)
		if (strcmp(r->volumes[i].disk, "UpToDate")) {
			snprintf(why, (size_t)len, "local disk of %s/%d is %s", r->name,
				 r->volumes[i].volume, r->volumes[i].disk);
			return false;
		}
	for (int i = 0; i < r->npeers; i++) {
		const struct drbd_peer *p = &r->peers[i];
		if (strcmp(p->connection, "Connected")) {
			snprintf(why, (size_t)len, "connection of %s to peer %d is %s", r->name,
				 p->node_id, p->connection);
			return false;
		}
		if (p->nvolumes < r->nvolumes) {
			snprintf(why, (size_t)len, "peer %d of %s reports %d of %d volumes", p->node_id,
				 r->name, p->nvolumes, r->nvolumes);
			return false;
		}
		for (int k = 0; k < p->nvolumes; k++) {
			const struct drbd_peer_volume *v = &p->volumes[k];
			if (strcmp(v->replication, "Established")) {
				snprintf(why, (size_t)len, "%s/%d replication is %s", r->name,
					 v->volume, v->replication);
				return false;
			}
			if (strcmp(v->peer_disk, "UpToDate")) {
				snprintf(why, (size_t)len, "peer disk of %s/%d is %s", r->name,
					 v->volume, v->peer_disk);
				return false;
			}
		}
	}
	return true;
}
