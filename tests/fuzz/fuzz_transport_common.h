/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the transport harnesses share: a fixed cluster key (so recorded
 * seeds stay valid), both ends' options, a connected pair run to the end of
 * its handshake, and the recorder that writes seeds. */
#ifndef FERRY_FUZZ_TRANSPORT_COMMON_H
#define FERRY_FUZZ_TRANSPORT_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transport_int.h"

static struct authkey fuzz_key;

static inline void fuzz_key_init(void)
{
	/* Any fixed key of good quality: seeds recorded with it keep their
	 * PSK binders valid, so the fuzzer starts past the key check. */
	static const char hex[] = "8d1f3a5c7e90b2d4f6183a5c7e90b2d4c3e5071a3c5e7092b4d6f8102a4c6e81";

	fuzz_key.len = 32;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		fuzz_key.data[i] = (uint8_t)v;
	}
}

static inline int fuzz_admit(void *arg, const char *node, const char *addr, char *why, size_t len)
{
	(void)arg;
	(void)addr;
	if (!strcmp(node, "alpha"))
		return 0;
	snprintf(why, len, "not a member");
	return -EPERM;
}

static inline struct transport_opts fuzz_client_opts(bool enc)
{
	return (struct transport_opts){ .key = &fuzz_key, .self = "alpha", .peer = "beta",
					.encrypt = enc, .timeout_ms = 1000 };
}

static inline struct transport_opts fuzz_server_opts(void)
{
	return (struct transport_opts){ .key = &fuzz_key, .self = "beta", .admit = fuzz_admit,
					.encrypt = false, .timeout_ms = 1000,
					.auth_timeout_ms = 1000 };
}

struct fuzz_client {
	int fd;
	bool enc;
	struct transport *t;
	int rc;
};

static inline void *fuzz_client_run(void *arg)
{
	struct fuzz_client *c = arg;
	struct transport_opts o = fuzz_client_opts(c->enc);

	c->rc = transport_client(c->fd, &o, &c->t);
	return NULL;
}

/* A client and a server over a socketpair, both authenticated: 0, or the
 * first failure (then nothing is left open). */
static inline int fuzz_pair(bool enc, struct transport **cli, struct transport **srv)
{
	struct transport_opts so = fuzz_server_opts();
	struct fuzz_client c = { .enc = enc };
	pthread_t th;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	c.fd = sv[0];
	if (pthread_create(&th, NULL, fuzz_client_run, &c)) {
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	rc = transport_server(sv[1], &so, srv);
	pthread_join(th, NULL);
	if (rc || c.rc) {
		if (!rc)
			transport_free(*srv);
		else
			close(sv[1]);
		if (!c.rc)
			transport_free(c.t);
		else
			close(sv[0]);
		return rc ? rc : c.rc;
	}
	*cli = c.t;
	return 0;
}

/* Writes a seed file. */
static inline void fuzz_seed_write(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, len, f) != len) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fclose(f);
	fprintf(stderr, "seed %s: %zu bytes\n", path, len);
}

#endif
