/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hello and mutual authentication with the cluster key: TLS 1.3-PSK, or a
 * plain HMAC-SHA256 challenge-response for trusted networks. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "transport_int.h"

#define NONCE_LEN 32
#define PSK_IDENTITY "ferry"

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

const char *auth_priority(void)
{
	if (auth_tls_priority)
		return auth_tls_priority;
	return cpu_has_fast_aes() ? prio_aes : prio_chacha;
}

int auth_derive(struct transport *t, const struct authkey *key)
{
	/* Separate keys per use, so the TLS PSK and the plain-mode MAC key
	 * can never be played against each other. */
	static const char psk_label[] = "ferry transport v1 tls-psk";
	static const char mac_label[] = "ferry transport v1 plain-hmac";

	if (!key || key->len < AUTHKEY_MIN || key->len > AUTHKEY_MAX)
		return -EINVAL;
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key->data, key->len, psk_label,
			     sizeof(psk_label) - 1, t->psk) < 0 ||
	    gnutls_hmac_fast(GNUTLS_MAC_SHA256, key->data, key->len, mac_label,
			     sizeof(mac_label) - 1, t->mac_key) < 0)
		return -EIO;
	return 0;
}

/* ---- hello ---- */

static void hello_put(uint8_t *b, uint8_t mode_or_status)
{
	memcpy(b, HELLO_MAGIC, 4);
	b[4] = TRANSPORT_VERSION >> 8;
	b[5] = TRANSPORT_VERSION & 0xff;
	b[6] = mode_or_status;
	b[7] = 0;
}

static unsigned hello_version(const uint8_t *b)
{
	return (unsigned)b[4] << 8 | b[5];
}

/* Reads a fixed-size handshake message; names the step in the log. */
static int recv_step(struct transport *t, void *buf, size_t len, const char *what)
{
	size_t got;
	int rc = io_recv(t, buf, len, &got, -1, io_deadline(t->timeout_ms));

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
	return io_send(t, buf, len, -1, io_deadline(t->timeout_ms));
}

static int client_hello(struct transport *t, uint8_t mode, uint8_t *hello, uint8_t *reply)
{
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

/* Refusals are answered (best effort) so the client can say why. */
static int server_refuse(struct transport *t, uint8_t *reply, uint8_t status, int rc,
			 const char *why)
{
	tlog(LOG_WARNING, "transport %s: refused: %s", t->peer, why);
	hello_put(reply, status);
	io_send(t, reply, HELLO_LEN, -1, io_deadline(t->timeout_ms));
	return rc;
}

static int server_hello(struct transport *t, bool require_tls, uint8_t *hello, uint8_t *reply,
			bool *tls)
{
	int rc = recv_step(t, hello, HELLO_LEN, "hello from client");

	if (rc) {
		tlog(LOG_WARNING, "transport %s: refused: no valid hello", t->peer);
		return rc;
	}
	if (memcmp(hello, HELLO_MAGIC, 4))
		return server_refuse(t, reply, HELLO_BAD_MAGIC, -EPROTO,
				     "not a ferry client (bad magic)");
	if (hello_version(hello) != TRANSPORT_VERSION) {
		tlog(LOG_WARNING, "transport %s: client speaks protocol version %u, we speak %u",
		     t->peer, hello_version(hello), TRANSPORT_VERSION);
		return server_refuse(t, reply, HELLO_BAD_VERSION, -EPROTO,
				     "unsupported protocol version");
	}
	if (hello[6] != MODE_PLAIN && hello[6] != MODE_TLS)
		return server_refuse(t, reply, HELLO_BAD_MODE, -EPROTONOSUPPORT, "unknown mode");
	if (hello[6] == MODE_PLAIN && require_tls)
		return server_refuse(t, reply, HELLO_NEED_TLS, -EPROTONOSUPPORT,
				     "plain client, this target requires encryption");
	*tls = hello[6] == MODE_TLS;
	hello_put(reply, HELLO_OK);
	return send_step(t, reply, HELLO_LEN);
}

/* ---- plain mode: mutual HMAC challenge-response ---- */

/* HMAC over the whole exchange; the label keeps the two directions apart
 * so neither proof can be reflected back as the other. */
static int plain_mac(const struct transport *t, const char *label, const uint8_t *hello,
		     const uint8_t *reply, const uint8_t *nc, const uint8_t *ns, uint8_t *out)
{
	uint8_t msg[16 + 2 * HELLO_LEN + 2 * NONCE_LEN];
	size_t ll = strlen(label);

	memcpy(msg, label, ll);
	memcpy(msg + ll, hello, HELLO_LEN);
	memcpy(msg + ll + HELLO_LEN, reply, HELLO_LEN);
	memcpy(msg + ll + 2 * HELLO_LEN, nc, NONCE_LEN);
	memcpy(msg + ll + 2 * HELLO_LEN + NONCE_LEN, ns, NONCE_LEN);
	return gnutls_hmac_fast(GNUTLS_MAC_SHA256, t->mac_key, KEY_LEN, msg,
				ll + 2 * HELLO_LEN + 2 * NONCE_LEN, out) < 0 ? -EIO : 0;
}

/* The client proves first, so a client with the wrong key is refused by
 * the server (-EACCES on both sides); the server's proof then shows the
 * client it did not talk to an impostor that just says "ok". */
static int plain_client(struct transport *t, const uint8_t *hello, const uint8_t *reply)
{
	uint8_t nc[NONCE_LEN], ns[NONCE_LEN], mac[KEY_LEN], srv[1 + KEY_LEN];
	int rc;

	if (gnutls_rnd(GNUTLS_RND_RANDOM, nc, sizeof(nc)) < 0)
		return -EIO;
	rc = send_step(t, nc, sizeof(nc));
	if (!rc)
		rc = recv_step(t, ns, sizeof(ns), "challenge from target");
	if (!rc)
		rc = plain_mac(t, "ferry-client", hello, reply, nc, ns, mac);
	if (!rc)
		rc = send_step(t, mac, sizeof(mac));
	if (!rc)
		rc = recv_step(t, srv, sizeof(srv), "verdict from target");
	if (!rc)
		rc = plain_mac(t, "ferry-server", hello, reply, nc, ns, mac);
	if (rc)
		return rc;
	if (srv[0]) {
		tlog(LOG_ERR, "transport %s: target refused our cluster key", t->peer);
		return -EACCES;
	}
	if (gnutls_memcmp(mac, srv + 1, KEY_LEN)) {
		tlog(LOG_ERR, "transport %s: target does not hold the cluster key", t->peer);
		return -EACCES;
	}
	return 0;
}

static int plain_server(struct transport *t, const uint8_t *hello, const uint8_t *reply)
{
	uint8_t nc[NONCE_LEN], ns[NONCE_LEN], mac[KEY_LEN], cli[KEY_LEN], srv[1 + KEY_LEN] = { 0 };
	int rc;

	rc = recv_step(t, nc, sizeof(nc), "nonce from client");
	if (!rc && gnutls_rnd(GNUTLS_RND_RANDOM, ns, sizeof(ns)) < 0)
		rc = -EIO;
	if (!rc)
		rc = send_step(t, ns, sizeof(ns));
	if (!rc)
		rc = recv_step(t, cli, sizeof(cli), "proof from client");
	if (!rc)
		rc = plain_mac(t, "ferry-client", hello, reply, nc, ns, mac);
	if (rc) {
		tlog(LOG_WARNING, "transport %s: refused: authentication incomplete", t->peer);
		return rc;
	}
	if (gnutls_memcmp(mac, cli, KEY_LEN)) {
		srv[0] = 1;
		send_step(t, srv, sizeof(srv));
		tlog(LOG_WARNING, "transport %s: refused: wrong cluster key (plain mode)", t->peer);
		return -EACCES;
	}
	rc = plain_mac(t, "ferry-server", hello, reply, nc, ns, srv + 1);
	if (!rc)
		rc = send_step(t, srv, sizeof(srv));
	return rc;
}

/* ---- TLS 1.3-PSK ---- */

static int psk_lookup(gnutls_session_t s, const char *username, gnutls_datum_t *key)
{
	struct transport *t = gnutls_session_get_ptr(s);

	if (strcmp(username, PSK_IDENTITY))
		return -1;
	key->data = gnutls_malloc(KEY_LEN);
	if (!key->data)
		return -1;
	memcpy(key->data, t->psk, KEY_LEN);
	key->size = KEY_LEN;
	return 0;
}

static int tls_session(struct transport *t)
{
	const gnutls_datum_t psk = { .data = t->psk, .size = KEY_LEN };
	unsigned flags = (t->server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_TICKETS;
	int rc;

	rc = gnutls_init(&t->sess, flags);
	if (rc < 0)
		return io_tls_errno(t, rc);
	gnutls_session_set_ptr(t->sess, t);
	rc = gnutls_priority_set_direct(t->sess, auth_priority(), NULL);
	if (rc >= 0 && t->server) {
		rc = gnutls_psk_allocate_server_credentials(&t->scred);
		if (rc >= 0) {
			gnutls_psk_set_server_credentials_function(t->scred, psk_lookup);
			rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_PSK, t->scred);
		}
	} else if (rc >= 0) {
		rc = gnutls_psk_allocate_client_credentials(&t->ccred);
		if (rc >= 0)
			rc = gnutls_psk_set_client_credentials(t->ccred, PSK_IDENTITY, &psk,
							       GNUTLS_PSK_KEY_RAW);
		if (rc >= 0)
			rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_PSK, t->ccred);
	}
	if (rc < 0) {
		tlog(LOG_ERR, "transport %s: TLS setup: %s", t->peer, gnutls_strerror(rc));
		return io_tls_errno(t, rc);
	}
	io_tls_transport(t);
	return 0;
}

/* Handshake failures that mean "the other side has another key". */
static int handshake_errno(struct transport *t, int rc)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		switch (gnutls_alert_get(t->sess)) {
		case GNUTLS_A_DECRYPT_ERROR:
		case GNUTLS_A_BAD_RECORD_MAC:
		case GNUTLS_A_UNKNOWN_PSK_IDENTITY:
		case GNUTLS_A_ACCESS_DENIED:
			return -EACCES;
		default:
			return -EPROTO;
		}
	}
	/* A ferry client that got this far offered our identity; GnuTLS
	 * reports a PSK binder made with another key as an illegal
	 * parameter. */
	if (rc == GNUTLS_E_DECRYPTION_FAILED || rc == GNUTLS_E_INSUFFICIENT_CREDENTIALS ||
	    (t->server && rc == GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER))
		return -EACCES;
	return io_tls_errno(t, rc);
}

/* GnuTLS leaves the alert to us; tell the client why (RFC 8446: a binder
 * that does not validate is a decrypt_error). Best effort, no waiting. */
static void handshake_alert(struct transport *t, int rc, int err)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || io_tls_errno(t, rc) == -ECONNRESET)
		return;
	if (err == -EACCES)
		gnutls_alert_send(t->sess, GNUTLS_AL_FATAL, GNUTLS_A_DECRYPT_ERROR);
	else
		gnutls_alert_send_appropriate(t->sess, rc);
}

static int tls_handshake(struct transport *t)
{
	int64_t deadline = io_deadline(t->timeout_ms);
	int rc, err;

	rc = tls_session(t);
	if (rc)
		return rc;
	do {
		rc = gnutls_handshake(t->sess);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
			short ev = gnutls_record_get_direction(t->sess) ? POLLOUT : POLLIN;

			err = io_wait(t->fd, ev, -1, deadline);
			if (err) {
				tlog(LOG_ERR, "transport %s: TLS handshake timed out", t->peer);
				return err;
			}
		}
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		err = handshake_errno(t, rc);
		handshake_alert(t, rc, err);
		if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
			tlog(LOG_ERR, "transport %s: TLS handshake refused by peer: %s%s", t->peer,
			     gnutls_alert_get_name(gnutls_alert_get(t->sess)),
			     err == -EACCES ? " (wrong cluster key?)" : "");
		else
			tlog(LOG_ERR, "transport %s: TLS handshake failed: %s%s", t->peer,
			     gnutls_strerror(rc), err == -EACCES ? " (wrong cluster key)" : "");
		return err;
	}
	if (gnutls_protocol_get_version(t->sess) != GNUTLS_TLS1_3) {
		tlog(LOG_ERR, "transport %s: TLS session is not TLS 1.3", t->peer);
		return -EPROTO;
	}
	t->tls_up = true;
	tlog(LOG_INFO, "transport %s: TLS 1.3 %s %s", t->peer,
	     gnutls_kx_get_name(gnutls_kx_get(t->sess)),
	     gnutls_cipher_get_name(gnutls_cipher_get(t->sess)));
	return 0;
}

int auth_client(struct transport *t, bool encrypt)
{
	uint8_t hello[HELLO_LEN], reply[HELLO_LEN];
	int rc = client_hello(t, encrypt ? MODE_TLS : MODE_PLAIN, hello, reply);

	if (rc)
		return rc;
	return encrypt ? tls_handshake(t) : plain_client(t, hello, reply);
}

int auth_server(struct transport *t, bool require_tls)
{
	uint8_t hello[HELLO_LEN], reply[HELLO_LEN];
	bool tls = false;
	int rc = server_hello(t, require_tls, hello, reply, &tls);

	if (rc)
		return rc;
	rc = tls ? tls_handshake(t) : plain_server(t, hello, reply);
	if (rc && tls)
		tlog(LOG_WARNING, "transport %s: refused: TLS authentication failed", t->peer);
	return rc;
}
