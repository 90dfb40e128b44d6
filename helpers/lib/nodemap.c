/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <corosync/cmap.h>

#include "nodemap.h"

static struct nodemap_entry *slot(struct nodemap *m, unsigned idx, unsigned *idxs)
{
	for (size_t i = 0; i < m->n; i++)
		if (idxs[i] == idx)
			return &m->v[i];
	return NULL;
}

int nodemap_load(struct nodemap *m)
{
	cmap_handle_t h;
	cmap_iter_handle_t it;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	unsigned *idxs = NULL;
	size_t vlen;
	cmap_value_types_t type;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (cmap_initialize(&h) != CS_OK)
		return -ENOTCONN;
	if (cmap_iter_init(h, "nodelist.node.", &it) != CS_OK) {
		cmap_finalize(h);
		return -ENOTCONN;
	}
	while (cmap_iter_next(h, it, key, &vlen, &type) == CS_OK) {
		unsigned idx;
		char field[64];
		struct nodemap_entry *e;
		char *s = NULL;

		if (sscanf(key, "nodelist.node.%u.%63s", &idx, field) != 2)
			continue;
		e = slot(m, idx, idxs);
		if (!e) {
			struct nodemap_entry *v = realloc(m->v, (m->n + 1) * sizeof(*v));
			unsigned *iv = realloc(idxs, (m->n + 1) * sizeof(*iv));

			if (v)
				m->v = v;
			if (iv)
				idxs = iv;
			if (!v || !iv) {
				rc = -ENOMEM;
				break;
			}
			e = &m->v[m->n];
			memset(e, 0, sizeof(*e));
			idxs[m->n++] = idx;
		}
		unsigned ring;
		char tail[8];

		if (strcmp(field, "nodeid") == 0) {
			cmap_get_uint32(h, key, &e->nodeid);
		} else if (sscanf(field, "ring%u_%7s", &ring, tail) == 2 && !strcmp(tail, "addr") &&
			   ring > 0 && ring < NODEMAP_RINGS && cmap_get_string(h, key, &s) == CS_OK) {
			snprintf(e->ring[ring], sizeof(e->ring[ring]), "%s", s);
			free(s);
			s = NULL;
		} else if (strcmp(field, "ring0_addr") == 0 &&
			   cmap_get_string(h, key, &s) == CS_OK) {
			snprintf(e->addr, sizeof(e->addr), "%s", s);
			snprintf(e->ring[0], sizeof(e->ring[0]), "%s", s);
			free(s);
			s = NULL;
			if (!e->name[0])
				snprintf(e->name, sizeof(e->name), "%s", e->addr);
		} else if (strcmp(field, "name") == 0) {
			if (cmap_get_string(h, key, &s) == CS_OK) {
				snprintf(e->name, sizeof(e->name), "%s", s);
				free(s);
			}
		}
	}
	cmap_iter_finalize(h, it);
	uint32_t pos;
	if (rc == 0 && cmap_get_uint32(h, "nodelist.local_node_pos", &pos) == CS_OK) {
		struct nodemap_entry *self = slot(m, pos, idxs);
		if (self)
			m->self = self->nodeid;
	}
	cmap_finalize(h);
	free(idxs);
	if (rc < 0)
		nodemap_free(m);
	return rc;
}

void nodemap_free(struct nodemap *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

const struct nodemap *nodemap_once(void)
{
	static struct nodemap m;
	static bool loaded;

	if (!loaded)
		loaded = nodemap_load(&m) == 0;
	return loaded ? &m : NULL;
}

const char *nodemap_name(const struct nodemap *m, uint32_t nodeid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].nodeid == nodeid && m->v[i].name[0])
			return m->v[i].name;
	return NULL;
}

int nodemap_resolve(const struct nodemap *m, const char *arg, uint32_t *nodeid)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].name[0] && strcmp(m->v[i].name, arg) == 0 && m->v[i].nodeid) {
			*nodeid = m->v[i].nodeid;
			return 0;
		}
	if (arg[0] < '0' || arg[0] > '9')
		return -ENOENT; /* strtoul would accept "-1" or " 1" */
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno == 0 && *end == '\0' && v > 0 && v <= UINT32_MAX) {
		*nodeid = (uint32_t)v;
		return 0;
	}
	return -ENOENT;
}

int nodemap_self(const struct nodemap *m, uint32_t *nodeid)
{
	if (!m->self)
		return -ENOENT;
	*nodeid = m->self;
	return 0;
}

const char *nodemap_addr(const struct nodemap *m, uint32_t nodeid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].nodeid == nodeid && m->v[i].addr[0])
			return m->v[i].addr;
	return NULL;
}

int nodemap_ip_parse(const char *ip, struct in6_addr *out)
{
	struct in_addr v4;

	if (inet_pton(AF_INET6, ip, out) == 1)
		return 0;
	if (inet_pton(AF_INET, ip, &v4) != 1)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], &v4, 4);
	return 0;
}

/* Appends every address @host resolves to. */
static int addrs_add(struct nodemap_addr **v, size_t *n, const char *host, uint32_t nodeid)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int rc = 0;

	if (getaddrinfo(host, NULL, &hints, &res))
		return 0; /* unresolvable: no address to match */
	for (ai = res; ai && !rc; ai = ai->ai_next) {
		char ip[INET6_ADDRSTRLEN];
		struct nodemap_addr *nv;
		const void *a = ai->ai_family == AF_INET ?
					(const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
					(const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    !inet_ntop(ai->ai_family, a, ip, sizeof(ip)))
			continue;
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv) {
			rc = -ENOMEM;
			break;
		}
		*v = nv;
		if (nodemap_ip_parse(ip, &nv[*n].ip) == 0) {
			nv[*n].nodeid = nodeid;
			(*n)++;
		}
	}
	freeaddrinfo(res);
	return rc;
}

int nodemap_addrs(const struct nodemap *m, struct nodemap_addr **out, size_t *n)
{
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < m->n && !rc; i++)
		for (int r = 0; r < NODEMAP_RINGS && !rc; r++)
			if (m->v[i].ring[r][0] && m->v[i].nodeid)
				rc = addrs_add(out, n, m->v[i].ring[r], m->v[i].nodeid);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int nodemap_addr_owner(const struct nodemap_addr *v, size_t n, const char *ip, uint32_t *nodeid)
{
	struct in6_addr a;

	if (nodemap_ip_parse(ip, &a))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!memcmp(&v[i].ip, &a, sizeof(a))) {
			*nodeid = v[i].nodeid;
			return 0;
		}
	return -ENOENT;
}
