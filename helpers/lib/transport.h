/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration transport: an authenticated (and by default encrypted)
 * connection between two nodes' ferry processes that carries framed
 * control messages and one libxl migration stream.
 *
 * Wire format (all integers big endian):
 *
 *   client -> server  hello   "FRRY" u16 version u8 mode(1 plain, 2 tls) u8 0
 *   server -> client  reply   "FRRY" u16 version u8 status u8 0
 *                             status 0 ok, 1 bad magic, 2 bad version,
 *                             3 encryption required, 4 unknown mode
 *   tls:    TLS 1.3 handshake, (EC)DHE-PSK, identity "ferry", PSK derived
 *           HMAC-SHA256(cluster key, "ferry transport v1 tls-psk");
 *           everything after runs inside TLS.
 *   plain:  C->S nonce_c[32]
 *           S->C nonce_s[32]
 *           C->S HMAC-SHA256(K, "ferry-client" hello reply nc ns)
 *           S->C verdict u8 (0 ok, 1 denied)
 *                HMAC-SHA256(K, "ferry-server" hello reply nc ns) (zeros
 *                when denied)
 *           K = HMAC-SHA256(cluster key, "ferry transport v1 plain-hmac")
 *   frames: u16 type, u16 flags (0), u32 length, payload. User types are
 *           0..TRANSPORT_TYPE_MAX; 0xF001 STREAM_DATA and 0xF002
 *           STREAM_END carry the libxl stream in TLS mode.
 *
 * Errors (negative errno, see also transport_strerror()):
 *   -EACCES           the peer does not hold the cluster key
 *   -EPROTO           not a ferry peer, protocol version mismatch, or a
 *                     malformed frame
 *   -EPROTONOSUPPORT  the mode was refused (the target requires encryption)
 *   -ETIMEDOUT        a blocking step took longer than timeout_ms
 *   -ECONNRESET       the peer closed the connection
 *   -EMSGSIZE         a message larger than the caller's buffer (the frame
 *                     is consumed; the connection stays usable) or than
 *                     TRANSPORT_MSG_MAX on send
 *   -EBUSY            a control message while the stream is open
 *   -EINVAL           bad arguments or calls out of order
 *
 * GnuTLS's own kTLS (ktls = true in its system config) never engages on
 * these sessions: the transport uses its own push/pull callbacks.
 *
 * Threads and signals: one thread uses a transport; in TLS mode the
 * transport runs its own pump thread between transport_stream_begin() and
 * transport_stream_end(). The caller must ignore SIGPIPE (libxl needs that
 * anyway): libxl writes to the stream fd, which fails with EPIPE when the
 * peer is gone. The transport's own sends use MSG_NOSIGNAL.
 */
#ifndef FERRY_TRANSPORT_H
#define FERRY_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authkey.h"

/** Protocol version spoken by this build. */
#define TRANSPORT_VERSION 1
/** Largest control message payload (enough for a domain config JSON). */
#define TRANSPORT_MSG_MAX (1024 * 1024)
/** Highest message type available to callers. */
#define TRANSPORT_TYPE_MAX 0xEFFF

struct transport;

struct transport_opts {
	const struct authkey *key; /**< cluster key (both sides) */
	/** Client: use TLS 1.3-PSK. Server: refuse clients that do not.
	 * false = trusted network: authenticated, not encrypted (a server
	 * with encrypt=false still accepts TLS clients). */
	bool encrypt;
	/** Bound on every blocking step: hello, authentication, one control
	 * message, and (TLS mode) the longest silence inside the stream. Also
	 * sets TCP keepalive/user timeout so a dead peer is noticed while
	 * libxl owns the socket in plain mode. Must be > 0. */
	int timeout_ms;
};

struct transport_stats {
	uint64_t stream_bytes; /**< stream payload through stream_begin..end */
	uint64_t wire_tx;      /**< bytes written to the socket (TLS overhead
				    included) */
	uint64_t wire_rx;      /**< bytes read from the socket */
	bool encrypted;        /**< TLS session */
	bool ktls;             /**< the kernel does the record layer */
	const char *cipher;    /**< AEAD name, "none" in plain mode */
};

/**
 * Connect as the migration SOURCE on a connected TCP socket: hello,
 * mutual authentication, TLS if o->encrypt.
 * @param fd  connected socket; owned by the transport on success, still
 *            the caller's (to close) on failure
 * @param o   options; o->key must stay valid until this returns
 * @param out the new transport
 * @return 0 or a negative errno from the table above
 */
int transport_client(int fd, const struct transport_opts *o, struct transport **out);

/**
 * Accept as the migration TARGET on an accepted socket. Nothing the client
 * sends after the authentication messages is read until the client has
 * proven the key. Every refusal is logged with the peer's address.
 * @param fd  accepted socket; ownership as for transport_client()
 * @param o   options (o->encrypt = refuse plain clients)
 * @param out the new transport
 * @return 0 or a negative errno from the table above
 */
int transport_server(int fd, const struct transport_opts *o, struct transport **out);

/**
 * Send one control message (blocks at most timeout_ms).
 * @param type 0..TRANSPORT_TYPE_MAX
 * @param buf  payload (may be NULL when len is 0)
 * @param len  at most TRANSPORT_MSG_MAX
 * @return 0 or -errno
 */
int transport_send_msg(struct transport *t, uint16_t type, const void *buf, size_t len);

/**
 * Receive one control message.
 * @param type       the message type
 * @param buf,cap    where the payload goes
 * @param len        payload length (also set on -EMSGSIZE: the size needed)
 * @param timeout_ms how long to wait for the message to start (<0: the
 *                   transport's timeout_ms); once it has started, the rest
 *                   must follow within the transport's timeout_ms
 * @return 0; -ETIMEDOUT with nothing consumed (the transport stays usable);
 *         -EMSGSIZE (frame skipped, usable); other errors are final
 */
int transport_recv_msg(struct transport *t, uint16_t *type, void *buf, size_t cap, size_t *len,
		       int timeout_ms);

/**
 * Start the migration stream.
 *
 * Plain mode: *fd is the socket itself (libxl reads exactly up to the
 * stream's END record; control messages continue afterwards, as with xl).
 * During the stream, libxl's blocking reads/writes on it give up after
 * timeout_ms of silence (SO_RCVTIMEO/SO_SNDTIMEO, lifted at stream_end).
 * TLS mode: *fd is a blocking, close-on-exec end of a socketpair whose
 * other end a pump thread carries through TLS as STREAM_DATA frames; if
 * the pump fails (peer gone, timeout) it closes its end, so libxl sees
 * EOF / EPIPE instead of hanging.
 * Either way the fd stays owned by the transport: do not close it. One
 * stream per transport.
 * @return 0 or -errno
 */
int transport_stream_begin(struct transport *t, int *fd);

/**
 * End the stream, after libxl returned.
 * Client: flushes what libxl wrote and sends the end mark.
 * Server: waits (bounded by timeout_ms) for the end mark; -EPROTO if libxl
 * left stream data unread.
 * @return 0, or the pump's error (e.g. -ECONNRESET, -ETIMEDOUT)
 */
int transport_stream_end(struct transport *t);

/** Fill *s with counters and the session's properties. @return 0 or -EINVAL */
int transport_stats(const struct transport *t, struct transport_stats *s);

/** The peer's address as "198.18.1.2:53122", for logs. */
const char *transport_peer(const struct transport *t);

/** A sentence for a transport error code, e.g. "target requires
 * encryption" for -EPROTONOSUPPORT; falls back to strerror(). */
const char *transport_strerror(int err);

/** Close the connection, stop and join the pump, wipe keys. NULL is a no-op. */
void transport_free(struct transport *t);

#endif
