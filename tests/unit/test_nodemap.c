/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Node names <-> ids (the cmap reading itself needs corosync: cluster tier). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ferry_status.h"
#include "nodemap.h"

static void resolve_names_and_ids(void **state)
{
	struct nodemap_entry v[] = { { .nodeid = 1, .name = "alpha", .addr = "198.19.0.1" },
				     { .nodeid = 2, .name = "beta" }, { .nodeid = 7 } };
	struct nodemap m = { v, 3, 2 };
	uint32_t id = 0;

	(void)state;
	assert_int_equal(nodemap_resolve(&m, "beta", &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(nodemap_resolve(&m, "7", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(nodemap_resolve(&m, "42", &id), 0); /* ids need not be listed */
	assert_int_equal(id, 42);
	assert_int_equal(nodemap_resolve(&m, "gamma", &id), -ENOENT);
	assert_int_equal(nodemap_resolve(&m, "0", &id), -ENOENT);
	assert_int_equal(nodemap_resolve(&m, "-1", &id), -ENOENT);
	assert_int_equal(nodemap_resolve(&m, "99999999999", &id), -ENOENT);
	assert_int_equal(nodemap_resolve(&m, "", &id), -ENOENT);
	assert_string_equal(nodemap_name(&m, 1), "alpha");
	assert_null(nodemap_name(&m, 7)); /* no name configured */
	assert_null(nodemap_name(&m, 3));
	assert_string_equal(nodemap_addr(&m, 1), "198.19.0.1");
	assert_null(nodemap_addr(&m, 2)); /* no ring0 address configured */
	assert_int_equal(nodemap_self(&m, &id), 0);
	assert_int_equal(id, 2);
	m.self = 0;
	assert_int_equal(nodemap_self(&m, &id), -ENOENT);
}

/* Ring addresses to node ids: numeric addresses, IPv4 written either way,
 * a node with two rings, and addresses of nobody. */
static void addresses_to_nodes(void **state)
{
	struct nodemap_entry v[3] = { { .nodeid = 1, .name = "alpha" }, { .nodeid = 2, .name = "beta" },
				      { .nodeid = 3, .name = "gamma" } };
	struct nodemap m = { v, 3, 1 };
	struct nodemap_addr *a;
	size_t n;
	uint32_t id = 0;

	(void)state;
	strcpy(v[0].ring[0], "198.19.1.1");
	strcpy(v[0].ring[1], "10.99.0.1");
	strcpy(v[1].ring[0], "198.19.1.2");
	strcpy(v[2].ring[0], "fd00::3");
	assert_int_equal(nodemap_addrs(&m, &a, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(nodemap_addr_owner(a, n, "198.19.1.2", &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(nodemap_addr_owner(a, n, "10.99.0.1", &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(nodemap_addr_owner(a, n, "::ffff:198.19.1.1", &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(nodemap_addr_owner(a, n, "fd00::3", &id), 0);
	assert_int_equal(id, 3);
	assert_int_equal(nodemap_addr_owner(a, n, "198.19.1.200", &id), -ENOENT);
	assert_int_equal(nodemap_addr_owner(a, n, "not an address", &id), -EINVAL);
	free(a);
}

static void status_names_cover_every_status(void **state)
{
	(void)state;
	for (int s = 0; s < FERRY_STATUS_MAX; s++) {
		assert_string_not_equal(ferry_status_name(s), "unknown");
		assert_string_not_equal(ferry_status_text(s), "unknown status");
	}
	assert_string_equal(ferry_status_name(-1), "unknown");
	assert_string_equal(ferry_status_name(FERRY_STATUS_MAX), "unknown");
	assert_string_equal(ferry_status_text(FERRY_STATUS_MAX), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_names_and_ids),
		cmocka_unit_test(addresses_to_nodes),
		cmocka_unit_test(status_names_cover_every_status),
	};

	return cmocka_run_group_tests_name("nodemap", tests, NULL, NULL);
}
