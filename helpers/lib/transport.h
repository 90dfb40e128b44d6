/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration transport: an authenticated connection between two nodes'
 * ferry processes, bound to both nodes' names, that carries framed control
 * messages and one libxl migration stream. Every byte after the handshake
 * travels in TLS records: encrypted and authenticated (TLS 1.3, the
 * default), or authenticated only (TLS 1.2 with the NULL cipher and
 * HMAC-SHA256 records, "plain" mode for a trusted network).
 *
 * Wire format (all integers big endian):
 *
 *   client -> server  hello   "FRRY" u16 version u8 mode(1 plain, 2 tls) u8 0
 *   server -> client  reply   "FRRY" u16 version u8 status u8 0
 *                             status 0 ok, 1 bad magic, 2 bad version,
 *                             3 encryption required, 4 unknown mode
 *   then a TLS handshake with a pre-shared key:
 *     tls:   TLS 1.3, (EC)DHE-PSK, AES-128-GCM or CHACHA20-POLY1305
 *     plain: TLS 1.2, ECDHE-PSK, NULL cipher, HMAC-SHA256 (no secrecy,
 *            every record's integrity and order protected)
 *     PSK identity "ferry2 KEYID CLIENT SERVER": the cluster key's id
 *            (authkey_id) and both node names; the PSK is
 *            HKDF-SHA256(cluster key, salt "ferry transport v2",
 *            info "psk" 0 mode 0 CLIENT 0 SERVER), so the session proves
 *            that both ends hold the key *for these two names and this
 *            mode*. The server refuses an identity that does not name it,
 *            or whose client its admit() callback refuses (not a cluster
 *            member, or an address of another node).
 *   frames (inside TLS): u16 type, u16 flags (0), u32 length, payload.
 *           User types are 0..TRANSPORT_TYPE_MAX; 0xF001 STREAM_DATA and
 *           0xF002 STREAM_END carry the libxl stream.
 *
 * Errors (negative errno, see also transport_strerror()):
 *   -EACCES           the peer holds none of our cluster keys (its key id
 *                     is not one of ours)
 *   -EPERM            the peer's identity was refused: it did not name
 *                     the node it reached, it is not a cluster member, or
 *                     it came from another node's address
 *   -EBADMSG          the handshake failed after the key matched: a
 *                     replayed, tampered-with or corrupted handshake
 *   -EPROTO           not a ferry peer, protocol version mismatch, or a
 *                     malformed frame
 *   -EPROTONOSUPPORT  the mode was refused (the target requires encryption)
 *   -ETIMEDOUT        a blocking step took longer than its timeout
 *   -ECONNRESET       the peer closed the connection
 *   -EMSGSIZE         a message larger than the caller's buffer (the frame
 *                     is consumed; the connection stays usable) or than
 *                     TRANSPORT_MSG_MAX on send
 *   -EBUSY            a control message while the stream is open
 *   -EINVAL           bad arguments or calls out of order
 *
 * kTLS: after the handshake of a TLS 1.3 session, the transport hands the
 * record layer to the kernel (transport_ktls.c) when it has the "tls"
 * module, and logs which path each connection takes. The wire is the same
 * either way, so an end with kTLS talks to one without. GnuTLS's own kTLS
 * (ktls = true in its system config) never engages: the transport has its
 * own push/pull callbacks.
 *
 * Threads and signals: one thread uses a transport; the transport runs its
 * own pump thread between transport_stream_begin() and
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

/** Protocol version spoken by this build (2: identities, plain mode in TLS). */
#define TRANSPORT_VERSION 2
/** Largest control message payload (enough for a domain config JSON). */
#define TRANSPORT_MSG_MAX (1024 * 1024)
/** Highest message type available to callers. */
#define TRANSPORT_TYPE_MAX 0xEFFF
/** Longest node name in an identity, NUL included. Names are 1..63
 * printable ASCII characters without spaces. */
#define TRANSPORT_NAME_MAX 64

struct transport;

/** Server: may node @node, connecting from address @addr ("198.18.1.1"),
 * be served? 0, or -EPERM with the reason in @why. */
typedef int (*transport_admit_fn)(void *arg, const char *node, const char *addr, char *why,
				  size_t len);

struct transport_opts {
	/** Client: the key to connect with. Server: the key accepted when
	 * @ring is NULL. */
	const struct authkey *key;
	/** Server: every key accepted (current, next, previous of a rollover). */
	const struct authkey_ring *ring;
	/** This node's cluster name (both sides). */
	const char *self;
	/** Client: the node dialled; the connection succeeds only if the
	 * server authenticates as that node. Server: unused. */
	const char *peer;
	/** Server: the membership check (NULL: any name is admitted). */
	transport_admit_fn admit;
	void *admit_arg;
	/** Client: TLS 1.3 with encryption. Server: refuse clients that do
	 * not. false = trusted network: every record authenticated, nothing
	 * encrypted (a server with encrypt=false still accepts TLS clients). */
	bool encrypt;
	/** Bound on every blocking step after authentication: one control
	 * message, the longest silence inside the stream. Also sets TCP
	 * keepalive/user timeout. Must be > 0. */
	int timeout_ms;
	/** Bound on the whole of hello and handshake together, so an
	 * unauthenticated peer holds a connection at most this long
	 * (0: timeout_ms). */
	int auth_timeout_ms;
	/** Receiving a stream: the longest wait for its next frame (0:
	 * timeout_ms). A source is silent while libxl suspends the guest
	 * (libxl gives the guest a minute to acknowledge); a dead peer is
	 * still noticed within timeout_ms by TCP keepalive. */
	int stream_idle_ms;
	/** Keep the record layer in GnuTLS even where the kernel has kTLS. */
	bool no_ktls;
	/** Client: cap on the stream it sends, bytes per second (0: none). */
	uint64_t stream_rate;
};

struct transport_stats {
	uint64_t stream_bytes; /**< stream payload through stream_begin..end */
	uint64_t wire_tx;      /**< bytes written to the socket (TLS overhead
				    included) */
	uint64_t wire_rx;      /**< bytes read from the socket */
	bool encrypted;        /**< TLS 1.3 with an AEAD; false: integrity only */
	bool ktls;             /**< the kernel does the record layer (both ways) */
	bool ktls_tx, ktls_rx; /**< ... for sending, for receiving */
	uint64_t stream_rate;  /**< the cap on the stream sent, bytes/s (0: none) */
	const char *cipher;    /**< AEAD name, "NULL" in plain mode */
	const char *mac;       /**< "AEAD", or "SHA256" in plain mode */
	char key_id[AUTHKEY_ID_LEN + 1]; /**< the cluster key in use */
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
 * sends after the handshake is read until the client has proven the key
 * and its identity was admitted. Every refusal is logged with the peer's
 * address and what happened.
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
 * *fd is a blocking, close-on-exec end of a socketpair whose other end a
 * pump thread carries through TLS as STREAM_DATA frames (both modes: plain
 * mode's records are authenticated too); if the pump fails (peer gone,
 * timeout, a forged record) it closes its end, so libxl sees EOF / EPIPE
 * instead of hanging. The fd stays owned by the transport: do not close
 * it. One stream per transport.
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

/** The peer's authenticated node name (the PSK identity's), "" before. */
const char *transport_peer_node(const struct transport *t);

/**
 * Give up on the connection after a protocol error above the transport:
 * every later call fails with @err, and the socket is shut down so the
 * peer sees the close at once. NULL is a no-op.
 */
void transport_abort(struct transport *t, int err);

/** A sentence for a transport error code, e.g. "target requires
 * encryption" for -EPROTONOSUPPORT; falls back to strerror(). */
const char *transport_strerror(int err);

/** Close the connection, stop and join the pump, wipe keys. NULL is a no-op. */
void transport_free(struct transport *t);

#endif
