/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd's IPC server path with its real modules (ipc.c, requests.c,
 * sync.c, persist.c, the replica): clients that never read, malformed,
 * truncated and oversized requests, too many requests, a disconnect
 * mid-request. What a test process cannot have (libqb's server side of a
 * connection, corosync's CPG) is faked in fake_ferryd.h, which says how.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_ferryd.h"
#include "reply.h"

static struct ferryd d;
static char dir[] = "/tmp/ferry-ipc-test-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return fake_ferryd_start(&d, dir);
}

static int teardown(void **state)
{
	char p[200];

	(void)state;
	fake_ferryd_stop(&d);
	snprintf(p, sizeof(p), "%s/ledger.state", dir);
	unlink(p);
	rmdir(dir);
	strcpy(dir, "/tmp/ferry-ipc-test-XXXXXX");
	return 0;
}

static void req_init(struct ferry_ipc_req *r, int op, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->hdr.id = op;
	r->hdr.size = sizeof(*r);
	r->version = FERRY_IPC_VERSION;
	if (name)
		snprintf(r->name, sizeof(r->name), "%s", name);
}

static void send_op(struct fake_conn *f, int op, const char *name)
{
	struct ferry_ipc_req r;

	req_init(&r, op, name);
	fake_request(f, &r, sizeof(r));
}

/* A healthy client still gets answers: ferryd is neither blocked nor gone. */
static void assert_serving(void)
{
	struct fake_conn g;

	assert_int_equal(fake_connect(&g, FERRY_IPC_MAX_MSG, 0), 0);
	send_op(&g, FERRY_IPC_STATUS, NULL);
	assert_int_equal(g.replies, 1);
	assert_int_equal(g.last_status, FERRY_OK);
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&g);
	assert_true(g.destroyed);
}

/*
 * Regression (fault injection): a client that sends a request and never
 * reads its replies (a hung `ferryctl ledger show`). The reply does not fit
 * its response ring; reply_send() disconnected it on the spot, libqb called
 * connection_closed -> requests_forget(), which freed the SHOW request, and
 * requests_submit() freed it again.
 */
static void show_to_client_that_never_reads(void **state)
{
	struct fake_conn f;

	(void)state;
	assert_int_equal(fake_connect(&f, 0, 0), 0);
	send_op(&f, FERRY_IPC_SHOW, NULL);
	assert_int_equal(f.replies, 0);
	assert_false(f.down); /* not from inside the reply */
	send_op(&f, FERRY_IPC_STATUS, NULL); /* no more replies are tried */
	fake_loop_once(&d);
	assert_true(f.down);
	assert_true(f.destroyed);
	assert_int_equal(f.refs, 0);
	assert_serving();
}

/* The same when the reply that fails is a decision delivered later, and
 * when the client's other requests still wait. */
static void decision_to_client_that_never_reads(void **state)
{
	struct fake_conn f;
	struct replica_info info;

	(void)state;
	assert_int_equal(fake_connect(&f, 0, 0), 0);
	send_op(&f, FERRY_IPC_CLAIM, "vm1");
	send_op(&f, FERRY_IPC_CLAIM, "vm2");
	fake_pump(); /* decided: the first reply fails */
	assert_false(f.down);
	fake_loop_once(&d);
	assert_true(f.destroyed);
	/* the ledger has the outcome even though the client never heard it */
	assert_int_equal(ledger_find(replica_ledger(d.rep), "vm1")->owner, 1);
	assert_int_equal(ledger_find(replica_ledger(d.rep), "vm2")->owner, 1);
	replica_info_get(d.rep, &info);
	assert_true(info.synced);
	assert_serving();
}

/* A request multicast, then its client goes: decided, nobody answered. */
static void disconnect_mid_request(void **state)
{
	struct fake_conn f;

	(void)state;
	assert_int_equal(fake_connect(&f, FERRY_IPC_MAX_MSG, 0), 0);
	send_op(&f, FERRY_IPC_CLAIM, "vm3");
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&f); /* HUP */
	assert_true(f.destroyed);
	fake_pump();
	assert_int_equal(f.replies, 0);
	assert_non_null(ledger_find(replica_ledger(d.rep), "vm3"));
	assert_serving();
}

/* Malformed requests get "invalid" and nothing else happens. */
static void malformed_requests(void **state)
{
	struct fake_conn f;
	struct ferry_ipc_req r;
	uint8_t big[FERRY_IPC_MAX_MSG];
	size_t n = 0;

	(void)state;
	assert_int_equal(fake_connect(&f, 1 << 20, 0), 0);
	/* truncated: the header claims fewer bytes than a request */
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.hdr.size = 12;
	fake_request(&f, &r, 12);
	assert_int_equal(f.replies, ++n);
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	/* oversized and negative sizes */
	memset(big, 'a', sizeof(big));
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.hdr.size = sizeof(big);
	memcpy(big, &r, sizeof(r));
	fake_request(&f, big, sizeof(big));
	assert_int_equal(f.replies, ++n);
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	r.hdr.size = -1;
	fake_request(&f, &r, sizeof(r));
	assert_int_equal(f.replies, ++n);
	/* wrong version, unknown op, a name without its NUL, a bad name */
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.version = 99;
	fake_request(&f, &r, sizeof(r));
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	req_init(&r, 77, "vm");
	fake_request(&f, &r, sizeof(r));
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	req_init(&r, FERRY_IPC_CLAIM, NULL);
	memset(r.name, 'x', sizeof(r.name));
	fake_request(&f, &r, sizeof(r));
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	req_init(&r, FERRY_IPC_RELEASE, "../etc");
	fake_request(&f, &r, sizeof(r));
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	req_init(&r, FERRY_IPC_CONFIRM_DEAD, NULL);
	fake_request(&f, &r, sizeof(r)); /* node 0 */
	assert_int_equal(f.last_status, FERRY_E_INVAL);
	assert_int_equal(ledger_count(replica_ledger(d.rep)), 0);
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&f);
	assert_serving();
}

/* A client that sends and sends: at most 64 of its requests wait. */
static void too_many_requests_refused(void **state)
{
	struct fake_conn f;
	char name[32];
	size_t refused;

	(void)state;
	assert_int_equal(fake_connect(&f, 1 << 22, 0), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "many-%d", i);
		send_op(&f, FERRY_IPC_CLAIM, name);
	}
	refused = f.replies;
	assert_int_equal(refused, 100 - 64);
	assert_int_equal(f.last_status, FERRY_E_INTERNAL);
	fake_pump();
	assert_int_equal(f.replies, 100);
	assert_int_equal(f.last_status, FERRY_OK);
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&f);
}

/* Non-root clients are refused at accept. */
/* `ferryctl drbd check`: a MONITOR request with neither a domain nor a
 * config asks for its DRBD resources alone (the storage agent's monitor);
 * without any it is still refused. */
static void drbd_check_without_a_domain(void **state)
{
	struct ferry_ipc_monitor_req q;
	struct ferry_ipc_monitor m;
	struct fake_conn f;

	(void)state;
	assert_int_equal(fake_connect(&f, FERRY_IPC_MAX_MSG, 0), 0);
	memset(&q, 0, sizeof(q));
	req_init(&q.req, FERRY_IPC_MONITOR, NULL);
	q.req.hdr.size = sizeof(q);
	q.ndrbd = 2;
	strcpy(q.drbd[0], "r0");
	strcpy(q.drbd[1], "r1");
	fake_request(&f, &q, sizeof(q));
	assert_int_equal(f.replies, 1);
	assert_int_equal(fake_last_len, sizeof(m));
	memcpy(&m, fake_last, sizeof(m));
	assert_int_equal(m.status, FERRY_OK);
	assert_int_equal(m.ndrbd, 2);
	assert_string_equal(m.drbd[0].name, "r0");
	assert_string_equal(m.drbd[1].name, "r1");
	assert_int_equal(m.drbd[0].known, 0); /* no events2 stream in a test */
	assert_int_equal(m.xen, 0);
	q.ndrbd = 0;
	fake_request(&f, &q, sizeof(q));
	memcpy(&m, fake_last, sizeof(m));
	assert_int_equal(m.status, FERRY_E_INVAL);
	assert_non_null(strstr(m.reason, "neither a domain name nor a config file"));
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&f);
}

static void non_root_refused(void **state)
{
	struct fake_conn f;

	(void)state;
	assert_int_equal(fake_connect(&f, 1 << 20, 1000), -EACCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(show_to_client_that_never_reads),
		T(decision_to_client_that_never_reads),
		T(disconnect_mid_request),
		T(malformed_requests),
		T(too_many_requests_refused),
		T(non_root_refused),
		T(drbd_check_without_a_domain),
#undef T
	};

	return cmocka_run_group_tests_name("ferryd_ipc", tests, NULL, NULL);
}
