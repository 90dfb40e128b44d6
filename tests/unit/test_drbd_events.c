/* drbd_events_*: the events2 parser fed outputs recorded in the lab
 * (tests/unit/data/drbd/, DRBD 8.4.11 module through drbd-utils 9.22). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drbd.h"

#define DATA "tests/unit/data/drbd/"

static char *slurp(const char *name)
{
	char path[256];
	FILE *f;
	long n;
	char *buf;

	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void parse_file(const char *file, const char *res, struct drbd_resource *r)
{
	char *text = slurp(file);
	assert_int_equal(drbd_events_parse(text, res, r), 0);
	free(text);
}

static void test_connected_uptodate(void **state)
{
	struct drbd_resource r;
	char why[128];

	(void)state;
	parse_file("connected-uptodate-primary.txt", "rec", &r);
	assert_true(r.exists);
	assert_string_equal(r.role, "Primary");
	assert_int_equal(r.npeers, 1);
	assert_int_equal(r.peers[0].node_id, 0);
	assert_string_equal(r.peers[0].name, "peer");
	assert_string_equal(r.peers[0].connection, "Connected");
	assert_string_equal(r.peers[0].role, "Secondary");
	assert_int_equal(r.nvolumes, 1);
	assert_int_equal(r.volumes[0].minor, 5);
	assert_string_equal(r.volumes[0].disk, "UpToDate");
	assert_true(drbd_is_primary(&r));
	assert_false(drbd_peer_is_primary(&r));
	assert_true(drbd_healthy(&r, why, sizeof(why)));

	parse_file("connected-uptodate-secondary.txt", "rec", &r);
	assert_false(drbd_is_primary(&r));
	assert_true(drbd_peer_is_primary(&r));
	assert_true(drbd_healthy(&r, NULL, 0));
}

static void test_syncing(void **state)
{
	struct drbd_resource r;
	char why[128];

	(void)state;
	parse_file("syncing-source.txt", "rec", &r);
	assert_string_equal(r.peers[0].volumes[0].replication, "SyncSource");
	assert_string_equal(r.peers[0].volumes[0].peer_disk, "Inconsistent");
	assert_false(drbd_healthy(&r, why, sizeof(why)));
	assert_string_equal(why, "rec/0 replication is SyncSource");
	assert_true(drbd_local_uptodate(&r));

	parse_file("syncing-target.txt", "rec", &r);
	assert_false(drbd_local_uptodate(&r));
	assert_false(drbd_healthy(&r, why, sizeof(why)));
	assert_string_equal(why, "local disk of rec/0 is Inconsistent");

	/* --statistics adds keys the parser must ignore. */
	parse_file("syncing-source-statistics.txt", "rec", &r);
	assert_string_equal(r.peers[0].volumes[0].replication, "SyncSource");
	assert_string_equal(r.volumes[0].disk, "UpToDate");

	parse_file("connected-inconsistent.txt", "rec", &r);
	assert_false(drbd_local_uptodate(&r));
	assert_false(drbd_is_primary(&r));
}

static void test_standalone_and_disconnected(void **state)
{
	struct drbd_resource r;
	char why[128];

	(void)state;
	parse_file("standalone.txt", "rec", &r);
	assert_string_equal(r.peers[0].connection, "StandAlone");
	assert_string_equal(r.peers[0].name, ""); /* 8.4 omits conn-name there */
	assert_string_equal(r.peers[0].role, "Unknown");
	assert_false(drbd_healthy(&r, why, sizeof(why)));
	assert_string_equal(why, "connection of rec to peer 0 is StandAlone");

	parse_file("peer-disconnected.txt", "rec", &r);
	assert_string_equal(r.peers[0].connection, "Connecting");
	assert_string_equal(r.peers[0].volumes[0].peer_disk, "DUnknown");
	assert_true(drbd_local_uptodate(&r));
	assert_false(drbd_healthy(&r, NULL, 0));
}

static void test_diskless(void **state)
{
	struct drbd_resource r;
	char why[128];

	(void)state;
	parse_file("diskless.txt", "rec", &r);
	assert_string_equal(r.volumes[0].disk, "Diskless");
	assert_false(drbd_healthy(&r, why, sizeof(why)));
	assert_string_equal(why, "local disk of rec/0 is Diskless");

	parse_file("peer-diskless.txt", "rec", &r);
	assert_false(drbd_healthy(&r, why, sizeof(why)));
	assert_string_equal(why, "peer disk of rec/0 is Diskless");
}

static void test_dual_primary(void **state)
{
	struct drbd_resource r;

	(void)state;
	parse_file("dual-primary.txt", "rec", &r);
	assert_true(drbd_is_primary(&r));
	assert_true(drbd_peer_is_primary(&r));
	assert_true(drbd_healthy(&r, NULL, 0));
}

static void test_unknown_resource(void **state)
{
	struct drbd_resource r;

	(void)state;
	parse_file("unknown-resource.txt", "nosuchres", &r);
	assert_false(r.exists);
	assert_false(drbd_healthy(&r, NULL, 0));
	/* Another resource's lines are not ours. */
	parse_file("all-resources.txt", "other", &r);
	assert_false(r.exists);
	assert_int_equal(r.npeers, 0);
}

static void test_stream_changes(void **state)
{
	struct drbd_resource r;

	(void)state;
	parse_file("connected-uptodate-primary.txt", "rec", &r);
	/* events2 without --now streams changes in the same syntax. */
	assert_int_equal(drbd_events_line("change connection name:rec peer-node-id:0 "
					  "conn-name:peer connection:Connecting role:Unknown",
					  "rec", &r),
			 0);
	assert_string_equal(r.peers[0].connection, "Connecting");
	assert_int_equal(drbd_events_line("change peer-device name:rec peer-node-id:0 "
					  "conn-name:peer volume:0 replication:SyncSource "
					  "done:42.50",
					  "rec", &r),
			 0);
	assert_true(r.peers[0].volumes[0].done > 42.4 && r.peers[0].volumes[0].done < 42.6);
	assert_int_equal(drbd_events_line("destroy connection name:rec peer-node-id:0 "
					  "conn-name:peer",
					  "rec", &r),
			 0);
	assert_int_equal(r.npeers, 0);
	assert_int_equal(drbd_events_line("destroy resource name:rec", "rec", &r), 0);
	assert_false(r.exists);
}

static void test_malformed(void **state)
{
	struct drbd_resource r, before;
	char big[4096];

	(void)state;
	parse_file("connected-uptodate-primary.txt", "rec", &r);
	before = r;
	assert_int_equal(drbd_events_line("", "rec", &r), -EINVAL);
	assert_int_equal(drbd_events_line("exists", "rec", &r), -EINVAL);
	assert_int_equal(drbd_events_line("exists resource role:Primary", "rec", &r), -EINVAL);
	assert_int_equal(drbd_events_line("exists resource name:rec nocolon", "rec", &r), -EINVAL);
	assert_int_equal(drbd_events_line("exists connection name:rec role:Primary", "rec", &r),
			 -EINVAL);
	assert_int_equal(drbd_events_line("exists peer-device name:rec peer-node-id:7 "
					  "volume:x replication:Off",
					  "rec", &r),
			 -EINVAL);
	assert_int_equal(drbd_events_line("exists device name:rec volume:-1 disk:UpToDate", "rec",
					  &r),
			 -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(drbd_events_line(big, "rec", &r), -EINVAL);
	assert_memory_equal(&r, &before, sizeof(r));
	/* A dump with a broken line is an error, not a half state. */
	assert_int_equal(drbd_events_parse("exists resource name:rec role:Primary\nbroken\n",
					   "rec", &r),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connected_uptodate),
		cmocka_unit_test(test_syncing),
		cmocka_unit_test(test_standalone_and_disconnected),
		cmocka_unit_test(test_diskless),
		cmocka_unit_test(test_dual_primary),
		cmocka_unit_test(test_unknown_resource),
		cmocka_unit_test(test_stream_changes),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests_name("drbd_events", tests, NULL, NULL);
}
