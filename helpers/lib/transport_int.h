/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the transport's files (not part of the API). */
#ifndef FERRY_TRANSPORT_INT_H
#define FERRY_TRANSPORT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

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

#define KEY_LEN 32 /* derived keys: HMAC-SHA256 output */

enum stream_state { STREAM_IDLE, STREAM_ACTIVE, STREAM_DONE };

struct transport {
	int fd;
	bool server;
	int timeout_ms;
	char peer[64];
	int broken;              /* sticky error once framing is lost */

	gnutls_session_t sess;   /* NULL in plain mode */
	gnutls_psk_client_credentials_t ccred;
	gnutls_psk_server_credentials_t scred;
	bool tls_up;             /* handshake done: I/O goes through TLS */
	bool ktls;
	uint8_t psk[KEY_LEN];    /* TLS PSK, derived from the cluster key */
	uint8_t mac_key[KEY_LEN]; /* plain-mode HMAC key, derived likewise */

	/* Counters the pump updates while the caller may read stats. */
	_Atomic uint64_t wire_tx, wire_rx;
	int sock_err;            /* errno of the last failed push/pull */

	/* The stream. */
	enum stream_state stream;
	int app_fd;              /* libxl's end of the socketpair (TLS) */
	int pump_fd;             /* the pump's end */
	int stop_fd;             /* eventfd: tells the pump to give up */
	int done_fd;             /* eventfd: libxl is done with its end */
	pthread_t pump;
	bool pump_started;
	atomic_bool stopping;    /* the owner is tearing the pump down */
	int pump_rc;
	_Atomic uint64_t stream_bytes;
	uint64_t tcp_base;       /* plain mode: socket byte count at begin */
	uint8_t *chunk;          /* pump buffer: header + STREAM_CHUNK */
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
int frame_send(struct transport *t, uint16_t type, const void *buf, size_t len, int stop_fd,
	       int64_t deadline);
int frame_recv_hdr(struct transport *t, uint16_t *type, uint32_t *len, bool *partial,
		   int stop_fd, int64_t first_deadline);
int frame_recv_body(struct transport *t, void *buf, size_t len, int stop_fd);

/* transport_auth.c: hello, key derivation, plain challenge-response, TLS. */
/* The GnuTLS priority string in use: auth_tls_priority when set (the
 * benchmark compares AEADs with it), else chosen by this CPU. */
extern const char *auth_tls_priority;
const char *auth_priority(void);
int auth_derive(struct transport *t, const struct authkey *key);
int auth_client(struct transport *t, bool encrypt);
int auth_server(struct transport *t, bool require_tls);

/* transport_stream.c */
void stream_stop(struct transport *t);

#endif
