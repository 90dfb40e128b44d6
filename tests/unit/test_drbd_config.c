/* drbd_config_*: `drbdadm dump-xml` and `drbdsetup show` outputs recorded in
 * the lab (tests/unit/data/drbd/). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drbd.h"

static char *slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "tests/unit/data/drbd/%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void test_dump_xml(void **state)
{
	struct drbd_config c;
	size_t len;
	char *xml = slurp("dump-xml.xml", &len);

	(void)state;
	assert_int_equal(drbd_config_parse(xml, len, "rec", &c), 0);
	assert_string_equal(c.name, "rec");
	assert_string_equal(c.protocol, "C");
	assert_int_equal(c.nhosts, 2);
	assert_string_equal(c.hosts[0].name, "node1");
	assert_string_equal(c.hosts[0].address, "198.18.1.1");
	assert_int_equal(c.hosts[0].port, 7795);
	assert_int_equal(c.hosts[1].volumes[0].minor, 5);
	assert_string_equal(c.hosts[1].volumes[0].device, "/dev/drbd5");
	assert_string_equal(c.hosts[1].volumes[0].disk, "/dev/vg0/rec");
	assert_string_equal(drbd_config_peer(&c, "node1")->name, "node2");
	assert_string_equal(drbd_config_host(&c, "node2")->address, "198.18.1.2");
	assert_null(drbd_config_host(&c, "node3"));
	assert_false(c.two_primaries_in_config);
	assert_int_equal(drbd_config_parse(xml, len, "other", &c), -ENOENT);
	free(xml);
}

static void test_dump_xml_protocol_and_fencing(void **state)
{
	static const char xml[] =
		"<config><resource name=\"r1\">"
		"<host name=\"a\"><volume vnr=\"0\"><device minor=\"1\">/dev/drbd1</device>"
		"<disk>/dev/vg/x</disk></volume><address family=\"ipv4\" port=\"7000\">10.0.0.1</address></host>"
		"<host name=\"b\"><address family=\"ipv4\" port=\"7000\">10.0.0.2</address></host>"
		"<section name=\"net\"><option name=\"protocol\" value=\"A\"/>"
		"<option name=\"after-sb-2pri\" value=\"disconnect\"/></section>"
		"<section name=\"disk\"><option name=\"fencing\" value=\"resource-and-stonith\"/></section>"
		"</resource></config>";
	struct drbd_config c;

	(void)state;
	assert_int_equal(drbd_config_parse(xml, sizeof(xml) - 1, "r1", &c), 0);
	assert_string_equal(c.protocol, "A");
	assert_string_equal(c.fencing, "resource-and-stonith");
	assert_string_equal(c.after_sb_2pri, "disconnect");
	assert_int_equal(drbd_config_parse("<config>", 8, "r1", &c), -EINVAL);
	assert_int_equal(drbd_config_parse("not xml at all", 14, "r1", &c), -EINVAL);
}

/* Names and numbers in dump-xml are taken whole or not at all. */
static void test_dump_xml_whole_names_strict_numbers(void **state)
{
	char xml[1024], longname[80];
	struct drbd_config c;

	(void)state;
	/* A resource whose name only begins like ours is not ours (it was,
	 * when the name was cut to 63 bytes before comparing). */
	memset(longname, 'r', 70);
	longname[70] = '\0';
	snprintf(xml, sizeof(xml),
		 "<config><resource name=\"%s\"><host name=\"a\"/></resource></config>", longname);
	longname[63] = '\0';
	assert_int_equal(drbd_config_parse(xml, strlen(xml), longname, &c), -ENOENT);
	/* A host name longer than a node name may be could match another node
	 * once cut: the configuration is refused. */
	memset(longname, 'h', 70);
	longname[70] = '\0';
	snprintf(xml, sizeof(xml),
		 "<resource name=\"r0\"><host name=\"%s\"/><host name=\"b\"/></resource>",
		 longname);
	assert_int_equal(drbd_config_parse(xml, strlen(xml), "r0", &c), -EINVAL);
	/* Numbers: what atoi took. */
	static const char *const bad[] = {"port=\"70000\"", "port=\"-1\"", "port=\"7789x\"",
					  "port=\"\""};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(xml, sizeof(xml),
			 "<resource name=\"r0\"><host name=\"a\"><address %s>10.0.0.1</address>"
			 "</host></resource>",
			 bad[k]);
		assert_int_equal(drbd_config_parse(xml, strlen(xml), "r0", &c), -EINVAL);
	}
	snprintf(xml, sizeof(xml),
		 "<resource name=\"r0\"><host name=\"a\"><volume vnr=\"0\">"
		 "<device minor=\"1048576\">/dev/drbd0</device></volume></host></resource>");
	assert_int_equal(drbd_config_parse(xml, strlen(xml), "r0", &c), -EINVAL);
	/* An absent port stays 0 (unknown). */
	snprintf(xml, sizeof(xml),
		 "<resource name=\"r0\"><host name=\"a\"><address>10.0.0.1</address></host>"
		 "</resource>");
	assert_int_equal(drbd_config_parse(xml, strlen(xml), "r0", &c), 0);
	assert_int_equal(c.hosts[0].port, 0);
}

static void test_show_two_primaries(void **state)
{
	bool allowed = true;
	char *open = slurp("show-window-open.txt", NULL), *closed = slurp("show-window-closed.txt", NULL);

	(void)state;
	assert_int_equal(drbd_show_two_primaries(open, &allowed), 0);
	assert_true(allowed);
	assert_int_equal(drbd_show_two_primaries(closed, &allowed), 0);
	assert_false(allowed);
	assert_int_equal(drbd_show_two_primaries("resource r { }", &allowed), -ENOENT);
	free(open);
	free(closed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_xml),
		cmocka_unit_test(test_dump_xml_protocol_and_fencing),
		cmocka_unit_test(test_dump_xml_whole_names_strict_numbers),
		cmocka_unit_test(test_show_two_primaries),
	};
	return cmocka_run_group_tests_name("drbd_config", tests, NULL, NULL);
}
