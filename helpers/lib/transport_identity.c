/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who is talking to whom: the PSK identity "ferry2 KEYID CLIENT SERVER"
 * and the connection's PSK, derived from the cluster key for exactly that
 * mode and pair of names (HKDF-SHA256, RFC 5869, through GnuTLS). A
 * connection meant for one node cannot be completed by another honest
 * node, and the client's name is what the server checks against corosync's
 * nodelist. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "transport_int.h"

#define IDENTITY_TAG "ferry2"

bool identity_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (name[n] <= ' ' || name[n] > '~' || n >= TRANSPORT_NAME_MAX - 1)
			return false;
	return n > 0;
}

int identity_format(const struct identity *id, char *buf, size_t len)
{
	if (!identity_name_ok(id->client) || !identity_name_ok(id->server) ||
	    strlen(id->key_id) != AUTHKEY_ID_LEN)
		return -EINVAL;
	if (snprintf(buf, len, IDENTITY_TAG " %s %s %s", id->key_id, id->client, id->server) >=
	    (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* Copies the next space-delimited field (1..cap-1 printable bytes) out of
 * buf. Every byte is checked, not the C string it makes: a NUL inside a
 * field would otherwise cut it short, and two identities would mean one. */
static int field_take(const uint8_t **p, const uint8_t *end, char *out, size_t cap, bool last)
{
	size_t n = 0;

	while (*p + n < end && (*p)[n] != ' ') {
		if ((*p)[n] < '!' || (*p)[n] > '~')
			return -EPROTO;
		n++;
	}
	if (n == 0 || n >= cap)
		return -EPROTO;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	if (last)
		return *p == end ? 0 : -EPROTO;
	if (*p == end)
		return -EPROTO;
	(*p)++; /* the single space */
	return 0;
}

int identity_parse(const uint8_t *buf, size_t len, struct identity *id)
{
	const uint8_t *p = buf, *end = buf + len;
	char tag[sizeof(IDENTITY_TAG)];

	memset(id, 0, sizeof(*id));
	if (field_take(&p, end, tag, sizeof(tag), false) || strcmp(tag, IDENTITY_TAG) ||
	    field_take(&p, end, id->key_id, sizeof(id->key_id), false) ||
	    strlen(id->key_id) != AUTHKEY_ID_LEN ||
	    field_take(&p, end, id->client, sizeof(id->client), false) ||
	    field_take(&p, end, id->server, sizeof(id->server), true))
		return -EPROTO;
	for (int i = 0; i < AUTHKEY_ID_LEN; i++)
		if (!strchr("0123456789abcdef", id->key_id[i]))
			return -EPROTO;
	if (!identity_name_ok(id->client) || !identity_name_ok(id->server))
		return -EPROTO;
	return 0;
}

int identity_psk(const struct authkey *key, bool plain, const struct identity *id, uint8_t *psk)
{
	static const char salt[] = "ferry transport v2";
	const gnutls_datum_t ikm = { .data = (void *)key->data, .size = (unsigned)key->len };
	const gnutls_datum_t s = { .data = (void *)salt, .size = sizeof(salt) - 1 };
	uint8_t prk[32], info[4 + 6 + 2 * TRANSPORT_NAME_MAX];
	size_t cl = strlen(id->client), sl = strlen(id->server), n = 0;
	const char *mode = plain ? "plain" : "tls";
	gnutls_datum_t pd = { .data = prk, .size = sizeof(prk) }, in;
	int rc;

	if (!key->len || cl >= TRANSPORT_NAME_MAX || sl >= TRANSPORT_NAME_MAX)
		return -EINVAL;
	/* info = "psk" 0 mode 0 client 0 server: NUL never occurs in a name,
	 * so no two triples give the same bytes. */
	memcpy(info, "psk", 4);
	n = 4;
	memcpy(info + n, mode, strlen(mode) + 1);
	n += strlen(mode) + 1;
	memcpy(info + n, id->client, cl + 1);
	n += cl + 1;
	memcpy(info + n, id->server, sl);
	n += sl;
	in = (gnutls_datum_t){ .data = info, .size = (unsigned)n };
	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &ikm, &s, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &pd, &in, psk, KEY_LEN);
	gnutls_memset(prk, 0, sizeof(prk));
	return rc < 0 ? -EIO : 0;
}
