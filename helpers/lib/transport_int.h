/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the transport's files (not part of the API). */
#ifndef FERRY_TRANSPORT_INT_H
#define FERRY_TRANSPORT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <linux/tls.h>

#include "ratelimit.h"
#include "transport.h"
#include "transport_log.h"

#define HELLO_MAGIC "FRRY"
#define HELLO_LEN 8
#define MODE_PLAIN 1
#define MODE_TLS 2

enum hello_status {
	HELLO_OK = 0,
	HELLO_BAD_MAGIC = 1,
	HELLO_BAD_VERSION = 2,
	HELLO_NEED_TLS = 3,
	HELLO_BAD_MODE = 4,
};

#define FRAME_HDR 8
#define FRAME_STREAM_DATA 0xF001
#define FRAME_STREAM_END 0xF002
/* Stream chunk per DATA frame: large enough to amortise the header and
 * the syscalls, small enough to keep the pump's buffer modest. */
#define STREAM_CHUNK (256 * 1024)

#define KEY_LEN 32 /* derived PSKs: HKDF-SHA256 output */

enum stream_state { STREAM_IDLE, STREAM_ACTIVE, STREAM_DONE };

struct transport {
	int fd;
	bool server;
	int timeout_ms;
	int stream_idle_ms; /* next stream frame, receiving (transport.h) */
	char peer[64];           /* "address:port", for logs */
	char peer_ip[48];        /* the address alone, for admit() */
	int broken;              /* sticky error once framing is lost */

	/* Authentication. */
	const struct transport_opts *o; /* valid during transport_client/server */
	bool plain;              /* integrity-only mode (TLS 1.2, NULL cipher) */
	int64_t auth_deadline;   /* hello + handshake together */
	char self[TRANSPORT_NAME_MAX];
	char peer_node[TRANSPORT_NAME_MAX]; /* the identity's other name */
	char key_id[AUTHKEY_ID_LEN + 1];
	int auth_err;            /* server: why the identity was refused */
	char auth_why[256];
	bool identity_ok;        /* server: the PSK was found for the identity */

	gnutls_session_t sess;
	gnutls_psk_client_credentials_t ccred;
	gnutls_psk_server_credentials_t scred;
	bool tls_up;             /* handshake done: I/O goes through TLS */
	bool ktls_tx, ktls_rx;   /* the kernel seals / opens the records */

	/* Counters the pump updates while the caller may read stats. */
	_Atomic uint64_t wire_tx, wire_rx;
	int sock_err;            /* errno of the last failed push/pull */

	/* The stream. */
	enum stream_state stream;
	int app_fd;              /* libxl's end of the socketpair */
	int pump_fd;             /* the pump's end */
	int stop_fd;             /* eventfd: tells the pump to give up */
	int done_fd;             /* eventfd: libxl is done with its end */
	pthread_t pump;
	bool pump_started;
	atomic_bool stopping;    /* the owner is tearing the pump down */
	int pump_rc;
	_Atomic uint64_t stream_bytes;
	uint8_t *chunk;          /* pump buffer: header + STREAM_CHUNK */
	struct ratelimit rate;   /* the source's speed cap (rate 0: none) */
};

/* transport_io.c: bounded-time I/O on the socket, through TLS once it is up. */
int64_t io_deadline(int timeout_ms);
int io_wait(int fd, short events, int stop_fd, int64_t deadline);
int io_send(struct transport *t, const void *buf, size_t len, int stop_fd, int64_t deadline);
int io_recv(struct transport *t, void *buf, size_t len, size_t *got, int stop_fd, int64_t deadline);
int io_tls_errno(const struct transport *t, int gnutls_rc);
void io_tls_transport(struct transport *t);
int io_tcp_bytes(int fd, uint64_t *tx, uint64_t *rx);

/* transport_frame.c: type + length frames. */
void frame_hdr_put(uint8_t *h, uint16_t type, uint32_t len);
/* Decodes a header: 0, or -EPROTO for unknown flags. Pure. */
int frame_hdr_decode(const uint8_t *h, uint16_t *type, uint32_t *len);
/* Is this header acceptable as a control message (0) / in the stream
 * (0, or 1 for the end mark)? -EPROTO otherwise. Pure. */
int frame_check_msg(uint16_t type, uint32_t len);
int frame_check_stream(uint16_t type, uint32_t len);
int frame_send(struct transport *t, uint16_t type, const void *buf, size_t len, int stop_fd,
	       int64_t deadline);
int frame_recv_hdr(struct transport *t, uint16_t *type, uint32_t *len, bool *partial,
		   int stop_fd, int64_t first_deadline);
int frame_recv_body(struct transport *t, void *buf, size_t len, int stop_fd);

/* transport_hello.c: the cleartext hello before the handshake. Pure. */
void hello_put(uint8_t *b, uint8_t mode_or_status);
unsigned hello_version(const uint8_t *b);
/* The server's verdict on a client's hello: HELLO_OK (and *mode), or the
 * status to answer with. */
enum hello_status hello_judge(const uint8_t *hello, bool require_tls, uint8_t *mode);

/* transport_identity.c: the PSK identity and the key derived for it. */
struct identity {
	char key_id[AUTHKEY_ID_LEN + 1];
	char client[TRANSPORT_NAME_MAX];
	char server[TRANSPORT_NAME_MAX];
};
/* A node name fit for an identity: 1..63 printable ASCII, no spaces. */
bool identity_name_ok(const char *name);
/* "ferry2 KEYID CLIENT SERVER" into buf; -EINVAL for a bad name. */
int identity_format(const struct identity *id, char *buf, size_t len);
/* Parses exactly that form (any deviation: -EPROTO). Pure. */
int identity_parse(const uint8_t *buf, size_t len, struct identity *id);
/* The connection's PSK for this key, mode and pair of names. */
int identity_psk(const struct authkey *key, bool plain, const struct identity *id,
		 uint8_t *psk);

/* transport_auth.c: the TLS handshake with the derived PSK. */
/* The GnuTLS priority string in use for TLS mode: auth_tls_priority when
 * set (the benchmark compares AEADs with it), else chosen by this CPU. */
extern const char *auth_tls_priority;
const char *auth_priority(bool plain);
int auth_client(struct transport *t);
int auth_server(struct transport *t);

/* transport_ktls.c: the kernel's record layer after the handshake. */
union ktls_info {
	struct tls12_crypto_info_aes_gcm_128 aes128;
	struct tls12_crypto_info_aes_gcm_256 aes256;
	struct tls12_crypto_info_chacha20_poly1305 chacha;
};
/* The kernel's crypto info for a TLS 1.3 direction: key, static IV and
 * sequence number as gnutls_record_get_state() gives them. 0 and *size,
 * -EOPNOTSUPP for a cipher the kernel has no kTLS for, -EINVAL for sizes
 * that do not fit it. Pure. */
int ktls_info(gnutls_cipher_algorithm_t cipher, const gnutls_datum_t *iv,
	      const gnutls_datum_t *key, const uint8_t seq[8], union ktls_info *info,
	      size_t *size);
/* Hands the session's records to the kernel right after the handshake:
 * 0 when at least one direction is the kernel's (t->ktls_tx, t->ktls_rx;
 * @why says if only one), else -errno and why not. */
int ktls_start(struct transport *t, char *why, size_t len);

/* transport_stream.c */
void stream_stop(struct transport *t);

#endif
