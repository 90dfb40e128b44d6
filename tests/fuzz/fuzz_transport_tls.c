/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection after the handshake: a real client and server (GnuTLS on
 * both ends, over a socketpair) authenticate, then the fuzzer's bytes reach
 * the server as:
 *   - bit 1 of the first byte clear: the authenticated peer's application
 *     data (sent through the client's TLS session), so the server's framing,
 *     message limits and, with bit 2 set, the stream pump (to libxl's end
 *     of the socketpair) parse them;
 *   - bit 1 set: raw bytes on the socket after the handshake, as an
 *     attacker on the path would inject them: TLS records that must never
 *     deliver a byte to the application.
 * Bit 0 picks the mode: TLS 1.3 (clear) or plain, integrity-only TLS 1.2.
 * Then the client closes; the server reads until the connection ends.
 */
#include "fuzz_transport_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_key_init();
	return 0;
}

static void client_send(struct transport *c, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = gnutls_record_send(c->sess, p, n);

		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
			if (io_wait(c->fd, POLLOUT, -1, io_deadline(1000)))
				return;
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void server_drain(struct transport *s, bool stream)
{
	static uint8_t buf[TRANSPORT_MSG_MAX];
	uint16_t type;
	size_t len;
	int fd;

	if (stream && transport_stream_begin(s, &fd) == 0) {
		while (read(fd, buf, 65536) > 0)
			;
		transport_stream_end(s);
	}
	for (int i = 0; i < 10000; i++)
		if (transport_recv_msg(s, &type, buf, sizeof(buf), &len, 100) &&
		    transport_recv_msg(s, &type, buf, sizeof(buf), &len, 0) != -EMSGSIZE)
			break;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transport *c, *s;
	uint8_t mode;

	if (size < 1 || size > 32768)
		return 0;
	mode = data[0];
	if (fuzz_pair(!(mode & 1), &c, &s))
		return 0;
	if (mode & 2) {
		if (write(c->fd, data + 1, size - 1) < 0)
			(void)0;
	} else {
		client_send(c, data + 1, size - 1);
	}
	shutdown(c->fd, SHUT_WR);
	server_drain(s, (mode & 6) == 4);
	transport_free(s);
	transport_free(c);
	return 0;
}
