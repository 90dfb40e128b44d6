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

/* DRBD 8.4's events2 --statistics (as a lab dom0 printed it mid-sync of a
 * storage=local move): no "done", but the size and what is out of sync. */
static void test_sync_percent_from_statistics(void **state)
{
	struct drbd_resource r;

	(void)state;
	assert_int_equal(drbd_events_parse(
				 "exists resource name:ferry-local-0 role:Primary suspended:no "
				 "write-ordering:flush\n"
				 "exists connection name:ferry-local-0 peer-node-id:0 conn-name:peer "
				 "connection:Connected role:Secondary congested:no\n"
				 "exists device name:ferry-local-0 volume:0 minor:1000 disk:UpToDate "
				 "size:131072 read:53160 written:1132 al-writes:9 bm-writes:0\n"
				 "exists peer-device name:ferry-local-0 peer-node-id:0 conn-name:peer "
				 "volume:0 replication:SyncSource peer-disk:Inconsistent "
				 "resync-suspended:no received:0 sent:54112 out-of-sync:77888\n"
				 "exists -\n",
				 "ferry-local-0", &r),
			 0);
	assert_true(r.volumes[0].size_kib == 131072);
	assert_true(r.peers[0].volumes[0].out_of_sync_kib == 77888);
	assert_true(drbd_sync_percent(&r) > 40.5 && drbd_sync_percent(&r) < 40.7);
	/* without --statistics: unknown */
	parse_file("connected-uptodate-primary.txt", "rec", &r);
	assert_true(drbd_sync_percent(&r) < 0);
	/* DRBD 9's own figure wins */
	assert_int_equal(drbd_events_line("change peer-device name:rec peer-node-id:0 "
					  "conn-name:peer volume:0 replication:SyncSource "
					  "done:42.50 out-of-sync:5",
					  "rec", &r),
			 0);
	assert_true(drbd_sync_percent(&r) > 42.4 && drbd_sync_percent(&r) < 42.6);
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

/* The followed stream (drbd_events_feed), cut at every byte boundary: the
 * same state as the whole dump. */
static void test_stream_any_cut(void **state)
{
	char *text = slurp("connected-uptodate-primary.txt");
	size_t len = strlen(text);
	struct drbd_resource whole, r;
	struct drbd_events_stream *s = malloc(sizeof(*s));

	(void)state;
	assert_int_equal(drbd_events_parse(text, "rec", &whole), 0);
	for (size_t cut = 0; cut <= len; cut++) {
		drbd_events_stream_init(s, "rec", &r);
		drbd_events_feed(s, text, cut);
		drbd_events_feed(s, text + cut, len - cut);
		assert_true(s->dumped);
		assert_int_equal(s->bad, 0);
		assert_true(r.exists);
		assert_string_equal(r.role, whole.role);
		assert_int_equal(r.npeers, whole.npeers);
		assert_string_equal(r.peers[0].connection, whole.peers[0].connection);
		assert_int_equal(r.volumes[0].minor, whole.volumes[0].minor);
	}
	free(s);
	free(text);
}

/* A line longer than any DRBD prints is dropped whole: its tail is not
 * read as a line of its own (it was, before drbd_events_feed). */
static void test_stream_overlong_line(void **state)
{
	struct drbd_events_stream *s = malloc(sizeof(*s));
	struct drbd_resource r;
	char *junk = malloc(3 * DRBD_EVENTS_LINE_MAX);
	const char tail[] = " change resource name:rec role:Primary";
	size_t n = 2 * DRBD_EVENTS_LINE_MAX;

	(void)state;
	memset(junk, 'x', n);
	memcpy(junk + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	junk[n++] = '\n';
	drbd_events_stream_init(s, "rec", &r);
	drbd_events_feed(s, "exists resource name:rec role:Secondary\n", 40);
	drbd_events_feed(s, junk, n);
	assert_string_equal(r.role, "Secondary");
	assert_int_equal(s->bad, 1);
	/* The next line is read again. */
	drbd_events_feed(s, "exists -\n", 9);
	assert_true(s->dumped);
	/* A NUL byte in a line: dropped, counted. */
	drbd_events_feed(s, "change resource name:rec\0 role:Primary\n", 39);
	assert_string_equal(r.role, "Secondary");
	assert_int_equal(s->bad, 2);
	/* Exactly the longest line is still read. */
	drbd_events_stream_init(s, "rec", &r);
	memset(junk, ' ', DRBD_EVENTS_LINE_MAX);
	memcpy(junk, "exists resource name:rec role:Primary", 37);
	junk[DRBD_EVENTS_LINE_MAX] = '\n';
	drbd_events_feed(s, junk, DRBD_EVENTS_LINE_MAX + 1);
	assert_int_equal(s->bad, 0);
	assert_string_equal(r.role, "Primary");
	free(junk);
	free(s);
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
		cmocka_unit_test(test_sync_percent_from_statistics),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_stream_any_cut),
		cmocka_unit_test(test_stream_overlong_line),
	};
	return cmocka_run_group_tests_name("drbd_events", tests, NULL, NULL);
}
