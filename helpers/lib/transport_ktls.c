/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kTLS: once the handshake is done, the kernel's TLS layer (the "tls" TCP
 * upper layer protocol, CONFIG_TLS, Debian's tls.ko) takes over the record
 * layer of a TLS 1.3 session with AES-GCM or ChaCha20-Poly1305. The pump
 * then hands whole 256 KiB frames to one send() and the kernel seals them
 * into records in place: one user-space copy and the per-record loop less.
 *
 * GnuTLS 3.7 offers kTLS only through its system-wide config (ktls = true),
 * only for sessions without custom push/pull functions (ferry has them:
 * bounded, counted, non-blocking I/O), and 3.7.9 leaves a ChaCha20 session
 * with kTLS flags but no keys in the kernel, i.e. unencrypted. So ferry
 * hands the keys over itself, as GnuTLS's own lib/system/ktls.c does:
 * gnutls_record_get_state() gives each direction's key, static IV and
 * sequence number, and setsockopt(SOL_TLS, TLS_TX/TLS_RX) installs them.
 * After that the direction never goes through GnuTLS again (its sequence
 * numbers would disagree with the kernel's); a direction the kernel refused
 * stays with GnuTLS, so either end may use kTLS or not, independently.
 *
 * Plain mode stays with GnuTLS: the kernel has no integrity-only (NULL
 * cipher) TLS. Linux 6.1 (Debian 12) cannot follow a TLS 1.3 KeyUpdate: a
 * GnuTLS sender without kTLS would send one after 2^24 records (256 GiB in
 * one session), and a kTLS receiver then ends the stream as an error. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/crypto.h>
#include <linux/tls.h>

#include "transport_int.h"

#ifndef TLS_RX_EXPECT_NO_PAD
#define TLS_RX_EXPECT_NO_PAD 4 /* Linux 6.0: decrypt straight into the caller's buffer */
#endif

int ktls_info(gnutls_cipher_algorithm_t cipher, const gnutls_datum_t *iv,
	      const gnutls_datum_t *key, const uint8_t seq[8], union ktls_info *info,
	      size_t *size)
{
	memset(info, 0, sizeof(*info));
	switch (cipher) {
	case GNUTLS_CIPHER_AES_128_GCM:
		/* TLS 1.3's 12-byte static IV is the kernel's salt (4) and iv (8). */
		if (key->size != TLS_CIPHER_AES_GCM_128_KEY_SIZE ||
		    iv->size != TLS_CIPHER_AES_GCM_128_SALT_SIZE + TLS_CIPHER_AES_GCM_128_IV_SIZE)
			return -EINVAL;
		info->aes128.info.version = TLS_1_3_VERSION;
		info->aes128.info.cipher_type = TLS_CIPHER_AES_GCM_128;
		memcpy(info->aes128.salt, iv->data, TLS_CIPHER_AES_GCM_128_SALT_SIZE);
		memcpy(info->aes128.iv, iv->data + TLS_CIPHER_AES_GCM_128_SALT_SIZE,
		       TLS_CIPHER_AES_GCM_128_IV_SIZE);
		memcpy(info->aes128.key, key->data, TLS_CIPHER_AES_GCM_128_KEY_SIZE);
		memcpy(info->aes128.rec_seq, seq, TLS_CIPHER_AES_GCM_128_REC_SEQ_SIZE);
		*size = sizeof(info->aes128);
		return 0;
	case GNUTLS_CIPHER_AES_256_GCM:
		if (key->size != TLS_CIPHER_AES_GCM_256_KEY_SIZE ||
		    iv->size != TLS_CIPHER_AES_GCM_256_SALT_SIZE + TLS_CIPHER_AES_GCM_256_IV_SIZE)
			return -EINVAL;
		info->aes256.info.version = TLS_1_3_VERSION;
		info->aes256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
		memcpy(info->aes256.salt, iv->data, TLS_CIPHER_AES_GCM_256_SALT_SIZE);
		memcpy(info->aes256.iv, iv->data + TLS_CIPHER_AES_GCM_256_SALT_SIZE,
		       TLS_CIPHER_AES_GCM_256_IV_SIZE);
		memcpy(info->aes256.key, key->data, TLS_CIPHER_AES_GCM_256_KEY_SIZE);
		memcpy(info->aes256.rec_seq, seq, TLS_CIPHER_AES_GCM_256_REC_SEQ_SIZE);
		*size = sizeof(info->aes256);
		return 0;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		/* No salt: the whole 12-byte IV. */
		if (key->size != TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE ||
		    iv->size != TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE)
			return -EINVAL;
		info->chacha.info.version = TLS_1_3_VERSION;
		info->chacha.info.cipher_type = TLS_CIPHER_CHACHA20_POLY1305;
		memcpy(info->chacha.iv, iv->data, TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE);
		memcpy(info->chacha.key, key->data, TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE);
		memcpy(info->chacha.rec_seq, seq, TLS_CIPHER_CHACHA20_POLY1305_REC_SEQ_SIZE);
		*size = sizeof(info->chacha);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* One direction's keys into the kernel: 0, or -errno. */
static int ktls_direction(struct transport *t, bool tx)
{
	gnutls_datum_t mac, iv, key;
	union ktls_info info;
	uint8_t seq[8];
	size_t size;
	int rc;

	if (gnutls_record_get_state(t->sess, tx ? 0 : 1, &mac, &iv, &key, seq) < 0)
		return -EINVAL;
	rc = ktls_info(gnutls_cipher_get(t->sess), &iv, &key, seq, &info, &size);
	if (!rc && setsockopt(t->fd, SOL_TLS, tx ? TLS_TX : TLS_RX, &info, (socklen_t)size) < 0)
		rc = -errno;
	gnutls_memset(&info, 0, sizeof(info));
	return rc;
}

int ktls_start(struct transport *t, char *why, size_t len)
{
	int rc, one = 1;

	t->ktls_tx = t->ktls_rx = false;
	if (t->plain) {
		snprintf(why, len, "the kernel has no integrity-only TLS");
		return -EOPNOTSUPP;
	}
	if (gnutls_protocol_get_version(t->sess) != GNUTLS_TLS1_3) {
		snprintf(why, len, "not TLS 1.3");
		return -EOPNOTSUPP;
	}
	/* Everything GnuTLS read so far was handshake (it reads records
	 * exactly, never ahead); decrypted data still held would be lost. */
	if (gnutls_record_check_pending(t->sess)) {
		snprintf(why, len, "data already buffered by GnuTLS");
		return -EAGAIN;
	}
	if (setsockopt(t->fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) < 0) {
		rc = -errno;
		snprintf(why, len, "%s", rc == -ENOENT ? "the kernel has no TLS module (tls.ko)" :
				   rc == -EOPNOTSUPP ? "not a TCP connection" : strerror(-rc));
		return rc;
	}
	/* A socket with the tls layer but no keys passes bytes through
	 * unchanged, so a direction that fails here stays GnuTLS's. */
	rc = ktls_direction(t, true);
	t->ktls_tx = rc == 0;
	if (ktls_direction(t, false) == 0) {
		t->ktls_rx = true;
		/* Neither end pads records: decrypt into our buffer directly. */
		setsockopt(t->fd, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one, sizeof(one));
	} else if (!rc) {
		rc = -EOPNOTSUPP;
	}
	if (!t->ktls_tx && !t->ktls_rx)
		snprintf(why, len, "the kernel refused the %s keys: %s",
			 gnutls_cipher_get_name(gnutls_cipher_get(t->sess)), strerror(-rc));
	else if (!t->ktls_tx || !t->ktls_rx)
		snprintf(why, len, "the kernel took the %s keys for %s only",
			 gnutls_cipher_get_name(gnutls_cipher_get(t->sess)),
			 t->ktls_tx ? "sending" : "receiving");
	return t->ktls_tx || t->ktls_rx ? 0 : rc;
}
