/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server's side of hello and authentication (transport_server) with
 * arbitrary client bytes: the hello, then GnuTLS parsing a ClientHello (TLS
 * 1.3 or, in plain mode, 1.2), the PSK identity (ferry's parser, the key
 * lookup, the node checks) and whatever follows, up to the refusal. The
 * input is everything the client sends; then it closes its side.
 *
 * Seeds: real clients' first flights and whole handshakes, both modes,
 * recorded with the harness's key (so the binder of a recorded TLS 1.3
 * ClientHello verifies and the fuzzer starts beyond it). Regenerate with
 *   FERRY_FUZZ_RECORD=tests/fuzz/corpus/transport_handshake \
 *       build/fuzz/fuzz_transport_handshake
 */
#include "fuzz_transport_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A relay between a real client and a real server that records what the
 * client sends, and where its first two writes (hello, ClientHello) end. */
struct relay {
	int cli, srv;
	uint8_t rec[65536];
	size_t nrec, first;
	int reads;
};

static void *relay_run(void *arg)
{
	struct relay *r = arg;
	struct pollfd p[2] = { { .fd = r->cli, .events = POLLIN }, { .fd = r->srv, .events = POLLIN } };
	uint8_t buf[16384];

	while (poll(p, 2, 2000) > 0) {
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0)
				return NULL;
			if (i == 0 && r->nrec + (size_t)n <= sizeof(r->rec)) {
				memcpy(r->rec + r->nrec, buf, (size_t)n);
				r->nrec += (size_t)n;
				if (++r->reads == 2)
					r->first = r->nrec;
			}
			if (write(i == 0 ? r->srv : r->cli, buf, (size_t)n) != n)
				return NULL;
		}
	}
	return NULL;
}

static void record(const char *dir, bool enc, const char *name)
{
	struct transport_opts so = fuzz_server_opts();
	struct fuzz_client c = { .enc = enc };
	static struct relay r;
	struct transport *s = NULL;
	pthread_t th, rt;
	char file[64];
	int a[2], b[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) || socketpair(AF_UNIX, SOCK_STREAM, 0, b))
		exit(1);
	memset(&r, 0, sizeof(r));
	r.cli = a[1];
	r.srv = b[1];
	c.fd = a[0];
	pthread_create(&rt, NULL, relay_run, &r);
	pthread_create(&th, NULL, fuzz_client_run, &c);
	if (transport_server(b[0], &so, &s) == 0) {
		uint16_t type;
		size_t len;
		uint8_t buf[64];

		pthread_join(th, NULL);
		if (c.rc == 0) {
			transport_send_msg(c.t, 2, "ping", 4);
			transport_recv_msg(s, &type, buf, sizeof(buf), &len, -1);
			transport_free(c.t);
		}
		transport_free(s);
	} else {
		pthread_join(th, NULL);
	}
	pthread_join(rt, NULL);
	snprintf(file, sizeof(file), "%s-session", name);
	fuzz_seed_write(dir, file, r.rec, r.nrec);
	snprintf(file, sizeof(file), "%s-first-flight", name);
	fuzz_seed_write(dir, file, r.rec, r.first ? r.first : r.nrec);
	close(a[1]);
	close(b[1]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FERRY_FUZZ_RECORD");

	(void)argc;
	(void)argv;
	fuzz_key_init();
	if (dir) {
		record(dir, true, "tls");
		record(dir, false, "plain");
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transport_opts so = fuzz_server_opts();
	struct transport *t = NULL;
	int sv[2], big = 1 << 20;

	if (size > 65536)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return 0;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (size && write(sv[0], data, size) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	if (transport_server(sv[1], &so, &t) == 0)
		transport_free(t);
	else
		close(sv[1]);
	close(sv[0]);
	return 0;
}
