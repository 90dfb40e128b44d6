/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hello and mutual authentication: a TLS handshake with a PSK derived from
 * the cluster key for this pair of nodes (transport_identity.c). TLS 1.3
 * with an AEAD by default; TLS 1.2 with GnuTLS's NULL cipher (HMAC-SHA256
 * on every record, nothing encrypted) in plain mode. Both go through the
 * same record path, so plain mode protects every frame's integrity too. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "transport_int.h"

/* GnuTLS keeps at most this much of a PSK identity (MAX_USERNAME_SIZE). */
#define IDENTITY_MAX 128

/* TLS 1.3 only, PSK with (EC)DHE so a leaked cluster key does not expose
 * recorded migrations. Both AEADs are always offered, so nodes with
 * different CPUs still agree; only the preference follows this CPU, and
 * GnuTLS (3.7) lets the client's preference win: the source's CPU picks.
 * bench-transport over loopback (both ends on one 2-core box):
 *   no AES-NI/PCLMUL: CHACHA20-POLY1305 ~330 MiB/s, AES-128-GCM ~160 MiB/s
 *   with them:        CHACHA20-POLY1305 ~320 MiB/s, AES-128-GCM ~1170 MiB/s
 * so ChaCha20 where AES would be software (the QEMU lab's dom0s, small
 * CPUs), AES-128-GCM where the CPU has it. */
#define TLS_BASE "NONE:+VERS-TLS1.3:+AEAD:+SIGN-ALL:+GROUP-X25519:+GROUP-SECP256R1:" \
		 "+ECDHE-PSK:+DHE-PSK:+CTYPE-ALL:"
static const char prio_chacha[] = TLS_BASE "+CHACHA20-POLY1305:+AES-128-GCM";
static const char prio_aes[] = TLS_BASE "+AES-128-GCM:+CHACHA20-POLY1305";
/* Plain mode: TLS 1.3 has no integrity-only suite in GnuTLS 3.7, TLS 1.2
 * has TLS_ECDHE_PSK_WITH_NULL_SHA256 (RFC 5489): records carry an
 * HMAC-SHA256 and a sequence number, payloads are not encrypted. */
static const char prio_plain[] = "NONE:+VERS-TLS1.2:+NULL:+SHA256:+ECDHE-PSK:+GROUP-X25519:"
				 "+GROUP-SECP256R1:+COMP-NULL:+CTYPE-ALL:+SIGN-ALL";

const char *auth_tls_priority;

static bool cpu_has_fast_aes(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul");
#else
	return false;
#endif
}

const char *auth_priority(bool plain)
{
	if (plain)
		return prio_plain;
	if (auth_tls_priority)
		return auth_tls_priority;
	return cpu_has_fast_aes() ? prio_aes : prio_chacha;
}

/* ---- hello ---- */

/* Reads a fixed-size handshake message; names the step in the log. */
static int recv_step(struct transport *t, void *buf, size_t len, const char *what)
{
	size_t got;
	int rc = io_recv(t, buf, len, &got, -1, t->auth_deadline);

	if (rc == -ECONNRESET && got > 0)
		rc = -EPROTO;
	if (rc)
		tlog(LOG_ERR, "transport %s: %s %s: %s", t->peer,
		     rc == -EPROTO ? "truncated" : "no", what,
		     rc == -ETIMEDOUT ? "timed out" : rc == -ECONNRESET ? "peer closed" : strerror(-rc));
	return rc;
}

static int send_step(struct transport *t, const void *buf, size_t len)
{
	return io_send(t, buf, len, -1, t->auth_deadline);
}

static int client_hello(struct transport *t, uint8_t mode)
{
	uint8_t hello[HELLO_LEN], reply[HELLO_LEN];
	int rc;

	hello_put(hello, mode);
	rc = send_step(t, hello, HELLO_LEN);
	if (!rc)
		rc = recv_step(t, reply, HELLO_LEN, "hello reply from target");
	if (rc)
		return rc;
	if (memcmp(reply, HELLO_MAGIC, 4)) {
		tlog(LOG_ERR, "transport %s: not a ferry migration listener", t->peer);
		return -EPROTO;
	}
	switch (reply[6]) {
	case HELLO_OK:
		return 0;
	case HELLO_BAD_VERSION:
		tlog(LOG_ERR, "transport %s: target speaks protocol version %u, we speak %u",
		     t->peer, hello_version(reply), TRANSPORT_VERSION);
		return -EPROTO;
	case HELLO_NEED_TLS:
		tlog(LOG_ERR, "transport %s: target requires encryption", t->peer);
		return -EPROTONOSUPPORT;
	case HELLO_BAD_MODE:
		tlog(LOG_ERR, "transport %s: target does not support our mode", t->peer);
		return -EPROTONOSUPPORT;
	default:
		tlog(LOG_ERR, "transport %s: target refused our hello (status %u)", t->peer, reply[6]);
		return -EPROTO;
	}
}

static int server_hello(struct transport *t, bool require_tls, uint8_t *mode)
{
	uint8_t hello[HELLO_LEN], reply[HELLO_LEN];
	enum hello_status st;
	int rc = recv_step(t, hello, HELLO_LEN, "hello from client");

	if (rc) {
		tlog(LOG_WARNING, "transport %s: refused: no valid hello", t->peer);
		return rc;
	}
	st = hello_judge(hello, require_tls, mode);
	hello_put(reply, (uint8_t)st);
	/* Refusals are answered too (best effort), so the client can say why. */
	rc = send_step(t, reply, HELLO_LEN);
	switch (st) {
	case HELLO_OK:
		return rc;
	case HELLO_BAD_MAGIC:
		tlog(LOG_WARNING, "transport %s: refused: not a ferry client (bad magic)", t->peer);
		return -EPROTO;
	case HELLO_BAD_VERSION:
		tlog(LOG_WARNING, "transport %s: refused: client speaks protocol version %u, we "
		     "speak %u", t->peer, hello_version(hello), TRANSPORT_VERSION);
		return -EPROTO;
	case HELLO_NEED_TLS:
		tlog(LOG_WARNING, "transport %s: refused: plain client, this target requires "
		     "encryption", t->peer);
		return -EPROTONOSUPPORT;
	default:
		tlog(LOG_WARNING, "transport %s: refused: unknown mode %u", t->peer, hello[6]);
		return -EPROTONOSUPPORT;
	}
}

/* ---- the server's view of a client's identity ---- */

static void refuse(struct transport *t, int err, const char *fmt, const char *a, const char *b)
{
	t->auth_err = err;
	snprintf(t->auth_why, sizeof(t->auth_why), fmt, a, b);
}

/* The key the identity names, or NULL (t->auth_why says which keys we hold). */
static const struct authkey *server_key(struct transport *t, const char *id)
{
	const struct transport_opts *o = t->o;
	char ours[AUTHKEY_SLOTS * (AUTHKEY_ID_LEN + 12)] = "", one[AUTHKEY_ID_LEN + 1];
	int s;

	if (o->ring) {
		s = authkey_ring_find(o->ring, id);
		if (s >= 0)
			return &o->ring->key[s];
		for (s = 0; s < AUTHKEY_SLOTS; s++)
			if (o->ring->have[s])
				snprintf(ours + strlen(ours), sizeof(ours) - strlen(ours), "%s%s %s",
					 ours[0] ? ", " : "", authkey_slot_name(s), o->ring->id[s]);
	} else {
		authkey_id(o->key, one);
		if (!strcmp(one, id))
			return o->key;
		snprintf(ours, sizeof(ours), "current %s", one);
	}
	refuse(t, -EACCES, "it offered cluster key %s; this node holds %s", id, ours);
	return NULL;
}

/* GnuTLS asks for the PSK of the identity the client offered: this is
 * where the client's names are judged, before any of its data is read. */
static int psk_lookup(gnutls_session_t s, const gnutls_datum_t *user, gnutls_datum_t *key)
{
	struct transport *t = gnutls_session_get_ptr(s);
	const struct transport_opts *o = t->o;
	const struct authkey *k;
	struct identity id;
	char why[200] = "";

	if (identity_parse(user->data, user->size, &id)) {
		refuse(t, -EPROTO, "%s%s", "malformed PSK identity (not a ferry peer of this "
		       "version)", "");
		return -1;
	}
	snprintf(t->peer_node, sizeof(t->peer_node), "%s", id.client);
	snprintf(t->key_id, sizeof(t->key_id), "%s", id.key_id);
	if (!(k = server_key(t, id.key_id)))
		return -1;
	if (strcmp(id.server, t->self)) {
		refuse(t, -EPERM, "the connection is meant for node %s, this is %s", id.server,
		       t->self);
		return -1;
	}
	if (o->admit && o->admit(o->admit_arg, id.client, t->peer_ip, why, sizeof(why))) {
		refuse(t, -EPERM, "node %s refused: %s", id.client, why);
		return -1;
	}
	key->data = gnutls_malloc(KEY_LEN);
	if (!key->data || identity_psk(k, t->plain, &id, key->data)) {
		gnutls_free(key->data);
		key->data = NULL;
		return -1;
	}
	key->size = KEY_LEN;
	t->identity_ok = true;
	return 0;
}

/* ---- the handshake ---- */

static int client_credentials(struct transport *t)
{
	const struct transport_opts *o = t->o;
	struct identity id = { 0 };
	char name[IDENTITY_MAX + 1];
	uint8_t psk[KEY_LEN];
	gnutls_datum_t user, key = { .data = psk, .size = KEY_LEN };
	int rc;

	authkey_id(o->key, id.key_id);
	snprintf(id.client, sizeof(id.client), "%s", t->self);
	snprintf(id.server, sizeof(id.server), "%s", o->peer);
	rc = identity_name_ok(o->self) && identity_name_ok(o->peer) ?
		     identity_format(&id, name, sizeof(name)) : -EINVAL;
	if (rc) {
		tlog(LOG_ERR, "transport %s: node names '%s' and '%s' do not fit an identity (1..63 "
		     "printable characters, no spaces, %d together with the key id)", t->peer,
		     t->self, o->peer, IDENTITY_MAX);
		return -EINVAL;
	}
	snprintf(t->peer_node, sizeof(t->peer_node), "%s", id.server);
	snprintf(t->key_id, sizeof(t->key_id), "%s", id.key_id);
	rc = identity_psk(o->key, t->plain, &id, psk);
	if (rc)
		return rc;
	user = (gnutls_datum_t){ .data = (void *)name, .size = (unsigned)strlen(name) };
	rc = gnutls_psk_allocate_client_credentials(&t->ccred);
	if (rc >= 0)
		rc = gnutls_psk_set_client_credentials2(t->ccred, &user, &key, GNUTLS_PSK_KEY_RAW);
	gnutls_memset(psk, 0, sizeof(psk));
	if (rc >= 0)
		rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_PSK, t->ccred);
	if (rc < 0) {
		tlog(LOG_ERR, "transport %s: TLS setup: %s", t->peer, gnutls_strerror(rc));
		return io_tls_errno(t, rc);
	}
	return 0;
}

static int tls_session(struct transport *t)
{
	unsigned flags = (t->server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_TICKETS;
	int rc;

	rc = gnutls_init(&t->sess, flags);
	if (rc < 0)
		return io_tls_errno(t, rc);
	gnutls_session_set_ptr(t->sess, t);
	rc = gnutls_priority_set_direct(t->sess, auth_priority(t->plain), NULL);
	if (rc >= 0 && t->server) {
		rc = gnutls_psk_allocate_server_credentials(&t->scred);
		if (rc >= 0) {
			gnutls_psk_set_server_credentials_function2(t->scred, psk_lookup);
			rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_PSK, t->scred);
		}
	} else if (rc >= 0) {
		int err = client_credentials(t);

		if (err)
			return err;
	}
	if (rc < 0) {
		tlog(LOG_ERR, "transport %s: TLS setup: %s", t->peer, gnutls_strerror(rc));
		return io_tls_errno(t, rc);
	}
	io_tls_transport(t);
	return 0;
}

/* What a failed handshake means. The server knows: the identity's verdict
 * (t->auth_err) if it refused one; after a matching key, any failure to
 * verify is a handshake that was not made by the key's holder for this
 * session (replayed, tampered with or corrupted). The client reads the
 * server's alert. */
static int handshake_errno(struct transport *t, int rc)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		switch (gnutls_alert_get(t->sess)) {
		case GNUTLS_A_UNKNOWN_PSK_IDENTITY:
			return -EACCES;
		case GNUTLS_A_ACCESS_DENIED:
			return -EPERM;
		case GNUTLS_A_DECRYPT_ERROR:
		case GNUTLS_A_BAD_RECORD_MAC:
			return -EBADMSG;
		default:
			return -EPROTO;
		}
	}
	if (t->server && t->auth_err)
		return t->auth_err;
	switch (io_tls_errno(t, rc)) {
	case -ECONNRESET:
	case -ETIMEDOUT:
		return io_tls_errno(t, rc);
	default:
		break;
	}
	if (t->server && t->identity_ok)
		return -EBADMSG;
	/* The client: the server's Finished (or records) did not verify
	 * with the key we derived for it. */
	if (!t->server && (rc == GNUTLS_E_DECRYPTION_FAILED || rc == GNUTLS_E_ERROR_IN_FINISHED_PACKET))
		return -EBADMSG;
	return io_tls_errno(t, rc);
}

/* GnuTLS leaves the alert to us; tell the other side why, so it can say
 * so. Best effort, no waiting. */
static void handshake_alert(struct transport *t, int rc, int err)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || err == -ECONNRESET || err == -ETIMEDOUT)
		return;
	switch (err) {
	case -EACCES:
		gnutls_alert_send(t->sess, GNUTLS_AL_FATAL, GNUTLS_A_UNKNOWN_PSK_IDENTITY);
		break;
	case -EPERM:
		gnutls_alert_send(t->sess, GNUTLS_AL_FATAL, GNUTLS_A_ACCESS_DENIED);
		break;
	case -EBADMSG:
		gnutls_alert_send(t->sess, GNUTLS_AL_FATAL, GNUTLS_A_DECRYPT_ERROR);
		break;
	default:
		gnutls_alert_send_appropriate(t->sess, rc);
	}
}

static void handshake_log(struct transport *t, int rc, int err)
{
	const char *who = t->peer_node[0] ? t->peer_node : "?";

	if (t->server) {
		switch (err) {
		case -EACCES:
		case -EPERM:
		case -EPROTO:
			if (t->auth_err) {
				tlog(LOG_WARNING, "transport %s: refused %s: %s", t->peer,
				     err == -EACCES ? "a peer with another cluster key" :
				     err == -EPERM ? "the peer's identity" : "a malformed handshake",
				     t->auth_why);
				return;
			}
			break;
		case -EBADMSG:
			tlog(LOG_WARNING, "transport %s: refused: the handshake claiming to be node %s "
			     "with key %s did not verify (%s): replayed, tampered with or corrupted, "
			     "not a wrong key", t->peer, who, t->key_id, gnutls_strerror(rc));
			return;
		case -ETIMEDOUT:
			tlog(LOG_WARNING, "transport %s: refused: no complete handshake within the "
			     "authentication deadline", t->peer);
			return;
		case -ECONNRESET:
			tlog(LOG_WARNING, "transport %s: refused: the peer closed during the handshake",
			     t->peer);
			return;
		}
		tlog(LOG_WARNING, "transport %s: refused: TLS handshake failed: %s", t->peer,
		     gnutls_strerror(rc));
		return;
	}
	switch (err) {
	case -EACCES:
		tlog(LOG_ERR, "transport %s: target %s does not hold our cluster key %s", t->peer,
		     who, t->key_id);
		break;
	case -EPERM:
		tlog(LOG_ERR, "transport %s: the target refused our identity (%s to %s): it is "
		     "not node %s, or does not count us as a cluster member", t->peer, t->self, who,
		     who);
		break;
	case -EBADMSG:
		tlog(LOG_ERR, "transport %s: the handshake with %s did not verify although the key "
		     "ids matched: tampered with in transit, or not node %s", t->peer, who, who);
		break;
	case -ETIMEDOUT:
		tlog(LOG_ERR, "transport %s: TLS handshake with %s timed out", t->peer, who);
		break;
	case -ECONNRESET:
		tlog(LOG_ERR, "transport %s: %s closed the connection during the handshake", t->peer,
		     who);
		break;
	default:
		tlog(LOG_ERR, "transport %s: TLS handshake failed: %s", t->peer,
		     rc == GNUTLS_E_FATAL_ALERT_RECEIVED ?
			     gnutls_alert_get_name(gnutls_alert_get(t->sess)) : gnutls_strerror(rc));
	}
}

/* The session must be what this mode asked for, whatever was negotiated. */
static int session_check(struct transport *t)
{
	gnutls_protocol_t v = gnutls_protocol_get_version(t->sess);
	gnutls_cipher_algorithm_t c = gnutls_cipher_get(t->sess);

	if (t->plain ? v != GNUTLS_TLS1_2 || c != GNUTLS_CIPHER_NULL ||
			       gnutls_mac_get(t->sess) != GNUTLS_MAC_SHA256
		     : v != GNUTLS_TLS1_3 || c == GNUTLS_CIPHER_NULL) {
		tlog(LOG_ERR, "transport %s: unexpected session %s %s for %s mode", t->peer,
		     gnutls_protocol_get_name(v), gnutls_cipher_get_name(c),
		     t->plain ? "plain" : "tls");
		return -EPROTO;
	}
	return 0;
}

/* Who seals and opens the records from here on, the kernel (kTLS) or
 * GnuTLS, and the one line that says so. */
static void record_layer(struct transport *t)
{
	const char *cipher = gnutls_cipher_get_name(gnutls_cipher_get(t->sess));
	char why[160] = "";

	if (t->o->no_ktls)
		snprintf(why, sizeof(why), "switched off");
	else if (ktls_start(t, why, sizeof(why)) == 0 && !why[0]) {
		tlog(LOG_INFO, "transport %s: records by the kernel (kTLS, %s)", t->peer, cipher);
		return;
	}
	if (t->ktls_tx || t->ktls_rx)
		tlog(LOG_INFO, "transport %s: records by the kernel (kTLS, %s) for %s, by GnuTLS "
		     "for %s: %s", t->peer, cipher, t->ktls_tx ? "sending" : "receiving",
		     t->ktls_tx ? "receiving" : "sending", why);
	else
		tlog(LOG_INFO, "transport %s: records by GnuTLS (%s; no kTLS: %s)", t->peer, cipher,
		     why);
}

static int tls_handshake(struct transport *t)
{
	int rc, err;

	rc = tls_session(t);
	if (rc)
		return rc;
	do {
		rc = gnutls_handshake(t->sess);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
			short ev = gnutls_record_get_direction(t->sess) ? POLLOUT : POLLIN;

			err = io_wait(t->fd, ev, -1, t->auth_deadline);
			if (err) {
				handshake_log(t, rc, err);
				return err;
			}
		}
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		err = handshake_errno(t, rc);
		handshake_alert(t, rc, err);
		handshake_log(t, rc, err);
		return err;
	}
	rc = session_check(t);
	if (rc)
		return rc;
	t->tls_up = true;
	tlog(LOG_INFO, "transport %s: %s %s %s%s, %s %s, key %s", t->peer,
	     gnutls_protocol_get_name(gnutls_protocol_get_version(t->sess)),
	     gnutls_kx_get_name(gnutls_kx_get(t->sess)),
	     gnutls_cipher_get_name(gnutls_cipher_get(t->sess)),
	     t->plain ? " (integrity only)" : "", t->server ? "client" : "target", t->peer_node,
	     t->key_id);
	record_layer(t);
	return 0;
}

int auth_client(struct transport *t)
{
	int rc;

	t->plain = !t->o->encrypt;
	if (!t->o->peer) {
		tlog(LOG_ERR, "transport %s: no node name for the target", t->peer);
		return -EINVAL;
	}
	rc = client_hello(t, t->plain ? MODE_PLAIN : MODE_TLS);
	return rc ? rc : tls_handshake(t);
}

int auth_server(struct transport *t)
{
	uint8_t mode = 0;
	int rc = server_hello(t, t->o->encrypt, &mode);

	if (rc)
		return rc;
	t->plain = mode == MODE_PLAIN;
	return tls_handshake(t);
}
