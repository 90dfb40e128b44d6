/* SPDX-License-Identifier: GPL-2.0-or-later */
/* make bench-transport: pushes a stream through the transport over
 * 127.0.0.1 in each mode and prints throughput and the CPU time of both
 * ends together (they share this process). Prints, never asserts.
 *
 *   bench_transport [MiB]      (default 256)
 *
 * Modes: plain (the pump, TLS 1.2 with the NULL cipher: HMAC-SHA256
 * integrity, no encryption), tls (the pump, AEAD chosen for this CPU,
 * records by the kernel where it has kTLS), tls-chacha20 and tls-aes128gcm
 * (that AEAD forced, for the choice), and where the kernel has kTLS the
 * same three with GnuTLS doing the records (-gnutls), for the difference.
 * Each line says whether kTLS carried the stream (ktls=yes|no|tx|rx).
 * To see the ciphers without AES-NI/PCLMUL, as on a CPU without them, run
 * it with GNUTLS_CPUID_OVERRIDE=0x1 NETTLE_FAT_OVERRIDE=none (then "tls"
 * still picks by the real CPU). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <qb/qblog.h>

#include "transport_int.h"
#include "transport_peer.h"

#define BUF (1 << 20)

struct bench {
	uint64_t bytes;
	int rc;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Target: read exactly the announced bytes, like libxl, then answer. */
static int target(struct side *s, struct transport *t)
{
	struct bench *b = s->arg;
	uint8_t *buf = malloc(BUF);
	uint64_t left = b->bytes;
	int fd, rc = buf ? transport_stream_begin(t, &fd) : -ENOMEM;

	while (!rc && left > 0) {
		size_t n = left < BUF ? (size_t)left : BUF;

		rc = fd_read_all(fd, buf, n);
		left -= n;
	}
	free(buf);
	if (!rc)
		rc = transport_stream_end(t);
	if (!rc)
		rc = transport_send_msg(t, 1, "done", 4);
	return rc;
}

static int source(struct side *s, struct transport *t)
{
	struct bench *b = s->arg;
	uint8_t *buf = malloc(BUF), reply[8];
	uint64_t left = b->bytes, x = 42;
	uint16_t type;
	size_t len;
	int fd, rc = buf ? transport_stream_begin(t, &fd) : -ENOMEM;

	if (buf)
		gen_fill(&x, buf, BUF);
	while (!rc && left > 0) {
		size_t n = left < BUF ? (size_t)left : BUF;

		rc = fd_write_all(fd, buf, n);
		left -= n;
	}
	free(buf);
	if (!rc)
		rc = transport_stream_end(t);
	if (!rc)
		rc = transport_recv_msg(t, &type, reply, sizeof(reply), &len, -1);
	return rc;
}

static const char *ktls_name(const struct transport_stats *st)
{
	return st->ktls ? "yes" : st->ktls_tx ? "tx" : st->ktls_rx ? "rx" : "no";
}

/* Returns whether the source sent with kTLS. */
static bool run(const char *mode, bool enc, bool no_ktls, uint64_t bytes)
{
	struct authkey key;
	struct bench b = { .bytes = bytes };
	struct side cli = { .arg = &b, .script = source }, srv = { .server = true, .arg = &b,
								      .script = target };
	double t0, c0, wall, cpu;

	key_fill(&key, 7);
	if (tcp_pair(&cli.fd, &srv.fd)) {
		printf("# %s: error %s\n", mode, strerror(errno));
		return false;
	}
	cli.o = (struct transport_opts){ .key = &key, .self = "bench-a", .peer = "bench-b",
					 .encrypt = enc, .timeout_ms = 30000, .no_ktls = no_ktls };
	srv.o = (struct transport_opts){ .key = &key, .self = "bench-b", .encrypt = enc,
					 .timeout_ms = 30000, .no_ktls = no_ktls };
	t0 = now_s();
	c0 = cpu_s();
	if (side_start(&srv) || side_start(&cli)) {
		printf("# %s: error: no thread\n", mode);
		exit(1);
	}
	side_join(&cli);
	side_join(&srv);
	wall = now_s() - t0;
	cpu = cpu_s() - c0;
	if (cli.rc || srv.rc || cli.script_rc || srv.script_rc) {
		printf("# %s: error: %s\n", mode,
		       transport_strerror(cli.rc ? cli.rc : srv.rc ? srv.rc :
					  cli.script_rc ? cli.script_rc : srv.script_rc));
		return false;
	}
	printf("transport: mode=%s MiB_per_s=%.0f cpu_s=%.2f ktls=%s\n", mode,
	       (double)bytes / (1 << 20) / wall, cpu, ktls_name(&cli.stats));
	printf("# %s: cipher %s, MAC %s, %.1f MiB on the wire, target ktls=%s\n", mode,
	       cli.stats.cipher, cli.stats.mac, (double)cli.stats.wire_tx / (1 << 20),
	       ktls_name(&srv.stats));
	fflush(stdout);
	return cli.stats.ktls_tx;
}

/* Why kTLS is not there: the kernel's "tls" TCP upper layer protocol
 * (CONFIG_TLS, tls.ko) is missing, or something else (the log says). */
static void ktls_why_not(void)
{
	int c, s, rc = 0;

	if (tcp_pair(&c, &s) == 0) {
		if (setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) < 0)
			rc = errno;
		close(c);
		close(s);
	}
	printf("# ktls: not used: %s%s\n",
	       rc ? "this kernel has no TLS ULP (tls.ko): TCP_ULP tls: " :
		    "the kernel has the TLS ULP but refused the keys (FERRY_TEST_LOG=1 says why)",
	       rc ? strerror(rc) : "");
}

static const struct {
	const char *mode, *name;
} aeads[] = {
	{ "chacha20", "CHACHA20-POLY1305" },
	{ "aes128gcm", "AES-128-GCM" },
};

int main(int argc, char **argv)
{
	uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 256;
	bool ktls;

	signal(SIGPIPE, SIG_IGN);
	if (!mib)
		mib = 256;
	if (getenv("FERRY_TEST_LOG")) {
		qb_log_init("bench_transport", LOG_USER, LOG_DEBUG);
		qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  LOG_DEBUG);
		qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	run("plain", false, false, mib << 20);
	ktls = run("tls", true, false, mib << 20);
	for (int pass = 0; pass < (ktls ? 2 : 1); pass++) {
		if (pass)
			run("tls-gnutls", true, true, mib << 20);
		for (size_t i = 0; i < sizeof(aeads) / sizeof(aeads[0]); i++) {
			char mode[64], prio[256];

			snprintf(mode, sizeof(mode), "tls-%s%s", aeads[i].mode,
				 pass ? "-gnutls" : "");
			snprintf(prio, sizeof(prio), "NONE:+VERS-TLS1.3:+AEAD:+SIGN-ALL:"
				 "+GROUP-X25519:+ECDHE-PSK:+DHE-PSK:+CTYPE-ALL:+%s", aeads[i].name);
			auth_tls_priority = prio;
			run(mode, true, pass, mib << 20);
		}
		auth_tls_priority = NULL;
	}
	if (!ktls)
		ktls_why_not();
	return 0;
}
