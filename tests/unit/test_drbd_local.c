/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drbd_local: the temporary DRBD resource of a storage=local move. Its
 * configuration is read back by the real drbdadm (drbd-utils, as on every
 * node; under a private UTS namespace so that the host name matches an
 * "on" section) and parsed from drbdadm's dump-xml by drbd_config.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "drbd.h"
#include "drbd_local.h"

static const struct drbd_local_res res = {
	.slot = 3,
	.domain = "vm1",
	.vg = "vg0",
	.lv = "web-1",
	.end = {{"node1", "198.18.1.1"}, {"node2", "198.18.1.2"}},
};

static void names_and_sizes(void **state)
{
	char b[32];

	(void)state;
	assert_int_equal(drbd_local_name(0, b, sizeof(b)), 0);
	assert_string_equal(b, "ferry-local-0");
	assert_int_equal(drbd_local_meta_lv(15, b, sizeof(b)), 0);
	assert_string_equal(b, "ferry-meta-15");
	assert_int_equal(drbd_local_name(DRBD_LOCAL_SLOTS, b, sizeof(b)), -EINVAL);
	assert_int_equal(drbd_local_name(1, b, 8), -ENAMETOOLONG);
	/* and back, strictly: sscanf's %u took "ferry-local-4294967296" for
	 * slot 0 (the journal's resource name is read back this way) */
	unsigned slot = 99;

	assert_int_equal(drbd_local_slot_of("ferry-local-15", &slot), 0);
	assert_int_equal(slot, 15);
	assert_int_equal(drbd_local_slot_of("ferry-local-0", &slot), 0);
	assert_int_equal(slot, 0);
	static const char *const bad[] = {"ferry-local-16", "ferry-local-4294967296",
					  "ferry-local-", "ferry-local--1", "ferry-local-+1",
					  "ferry-local- 1", "ferry-local-1x", "ferry-meta-1",
					  "ferry-local-18446744073709551617"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		slot = 99;
		assert_int_equal(drbd_local_slot_of(bad[i], &slot), -EINVAL);
		assert_int_equal(slot, 99);
	}
	/* DRBD's user guide: ceil(Cs / 2^18) * 8 + 72 sectors. */
	assert_int_equal(drbd_local_meta_sectors(0), 72);
	assert_int_equal(drbd_local_meta_sectors(1), 80);
	assert_int_equal(drbd_local_meta_sectors(2097152), 136);        /* 1 GiB */
	assert_int_equal(drbd_local_meta_sectors(2097153), 144);
	assert_int_equal(drbd_local_meta_sectors(1ull << 31), 65608);   /* 1 TiB */
}

static void refuses_what_drbdadm_would_misread(void **state)
{
	static const struct {
		const char *field, *value, *why;
	} bad[] = {
		{"vg", "-ff", "VG"},
		{"lv", "a b", "LV"},
		{"domain", "vm1;", "domain"},
		{"node", "node 2", "node"},
		{"ip", "node2", "numeric"},
		{"ip", "198.18.1.2:22", "numeric"},
		{"ip", "198.18.1.2; disk /dev/sda", "numeric"},
	};
	char buf[2048], why[400];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct drbd_local_res r = res;

		if (!strcmp(bad[i].field, "vg"))
			strcpy(r.vg, bad[i].value);
		else if (!strcmp(bad[i].field, "lv"))
			strcpy(r.lv, bad[i].value);
		else if (!strcmp(bad[i].field, "domain"))
			strcpy(r.domain, bad[i].value);
		else if (!strcmp(bad[i].field, "node"))
			strcpy(r.end[1].node, bad[i].value);
		else
			strcpy(r.end[1].ip, bad[i].value);
		print_message("%s=%s\n", bad[i].field, bad[i].value);
		why[0] = '\0';
		assert_int_equal(drbd_local_conf(&r, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, bad[i].why));
	}
	{
		struct drbd_local_res r = res;

		strcpy(r.end[1].node, "node1");
		assert_int_equal(drbd_local_conf(&r, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, "both ends"));
		r = res;
		r.slot = DRBD_LOCAL_SLOTS;
		assert_int_equal(drbd_local_conf(&r, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
	}
	assert_int_equal(drbd_local_conf(&res, buf, 64, why, sizeof(why)), -ENAMETOOLONG);
}

/* drbdadm dump-xml of the file, as host @host sees it. NULL if drbdadm
 * cannot be run here (not root: no UTS namespace). */
static char *drbdadm_dump(const char *conf, const char *host, const char *resname)
{
	char path[] = "/tmp/ferry-drbd-local-XXXXXX", cmd[512];
	char *out = calloc(1, 65536);
	size_t n = 0;
	FILE *f, *p;
	int fd = mkstemp(path);

	if (fd < 0 || !out)
		fail();
	f = fdopen(fd, "w");
	fputs(conf, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "unshare -u sh -c 'hostname %s && drbdadm -c %s dump-xml %s' 2>/dev/null", host,
		 path, resname);
	p = popen(cmd, "r");
	if (p) {
		n = fread(out, 1, 65535, p);
		if (pclose(p) != 0)
			n = 0;
	}
	unlink(path);
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

static void drbdadm_reads_it_back(void **state)
{
	struct drbd_local_res r6 = res;
	char buf[2048], why[400];
	struct drbd_config *c = malloc(sizeof(*c));
	const struct drbd_host *h;
	char *xml;

	(void)state;
	strcpy(r6.end[1].ip, "fd00::2");
	assert_int_equal(drbd_local_conf(&r6, buf, sizeof(buf), why, sizeof(why)), 0);
	assert_non_null(strstr(buf, "address ipv6 [fd00::2]:7903;"));
	assert_int_equal(drbd_local_conf(&res, buf, sizeof(buf), why, sizeof(why)), 0);
	if (geteuid() != 0) {
		free(c);
		skip(); /* unshare -u needs root; the lab tier runs it for real anyway */
	}
	xml = drbdadm_dump(buf, "node2", "ferry-local-3");
	assert_non_null(xml);
	assert_int_equal(drbd_config_parse(xml, strlen(xml), "ferry-local-3", c), 0);
	assert_string_equal(c->protocol, "C");
	assert_string_equal(c->after_sb_2pri, "disconnect");
	assert_int_equal(c->nhosts, 2);
	for (int i = 0; i < 2; i++) {
		h = drbd_config_host(c, res.end[i].node);
		assert_non_null(h);
		assert_string_equal(h->address, res.end[i].ip);
		assert_int_equal(h->port, DRBD_LOCAL_PORT_BASE + 3);
		assert_int_equal(h->nvolumes, 1);
		assert_int_equal(h->volumes[0].minor, DRBD_LOCAL_MINOR_BASE + 3);
		/* lvm2's dm name doubles the '-' of "web-1". */
		assert_string_equal(h->volumes[0].disk, "/dev/mapper/ferry-orig-vg0-web--1");
	}
	free(xml);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_sizes),
		cmocka_unit_test(refuses_what_drbdadm_would_misread),
		cmocka_unit_test(drbdadm_reads_it_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
