/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules every name in ferry follows (see names.h), and why.
 *
 * All kinds: 1..max bytes of a small ASCII set, never beginning with '-'.
 * No blank, newline, quote, '/', '=', ',' or glob character is ever
 * allowed: ferry passes names as separate argv words (never through a
 * shell), but they also end up in drbdadm/lvm2/xl operands, in the serve
 * journal ("VERB NAME" lines), in JSON and log lines, in file names under
 * /run/ferry and in the agent's comma/blank-separated drbd_resource list.
 * A leading '-' would make the name an option of the tool it is given to
 * (`vgchange -ay --config=...`, `drbdadm primary --force`); ferry also puts
 * `--` before operands, but drbdadm hands names on to drbdsetup without it.
 *
 * domain  [A-Za-z0-9._:+@-], at most 63 (the ledger's historical set).
 *         Not all digits: xl reads an all-digit argument as a domid.
 *         Not "Domain-0": Xen's name for dom0. Not "." or "..": domains
 *         name files (/run/ferry/supervise/NAME.rebooting). Never containing
 *         "--incoming" or "--migratedaway": ferry names a migration's copies
 *         NAME--incoming and NAME--migratedaway and finds them by that.
 * drbd    [A-Za-z0-9._-], at most 63: what drbd.conf takes unquoted
 *         (drbdadm's scanner: [a-zA-Z0-9/._-]) without '/', which drbdadm
 *         reads as RES/VOLUME; ':' (RES:PEER) is not in the set either.
 *         Not "all" (drbdadm: every resource), not "minor-..." (drbdadm: a
 *         device minor), not "." or "..".
 * vg, lv  [A-Za-z0-9+_.-] (lvm2's set, lvm(8) "VALID NAMES"); a VG at most
 *         63 (it crosses the peer protocol), an LV at most 127 (lvm2's
 *         NAME_LEN). Not "." or "..". An LV does not begin with "snapshot"
 *         or "pvmove" and does not contain lvm2's internal suffixes
 *         (_rimage, _tmeta, ...): those are lvm2's own hidden volumes.
 * node    [A-Za-z0-9._:-], at most 63: host names, and the IPv4/IPv6
 *         addresses corosync uses when a node has no name; nodeids are
 *         digits. It reaches stonith_admin and crm_attribute as an argument.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

struct rules {
	const char *text;  /* "domain name" */
	size_t max;
	const char *extra; /* allowed besides letters and digits */
	const char *set;   /* the set, for messages */
	const char *tool;  /* what reads a leading '-' as an option */
};

static const struct rules rules[] = {
	[NAME_DOMAIN] = {"domain name", NAME_DOMAIN_MAX, "._:+@-", "letters, digits and ._:+@-",
			 "xl and ferryctl"},
	[NAME_DRBD] = {"DRBD resource name", NAME_DRBD_MAX, "._-", "letters, digits and ._-",
		       "drbdadm"},
	[NAME_VG] = {"volume group name", NAME_VG_MAX, "+_.-", "letters, digits and +_.-", "lvm2"},
	[NAME_LV] = {"logical volume name", NAME_LV_MAX, "+_.-", "letters, digits and +_.-", "lvm2"},
	[NAME_NODE] = {"node name", NAME_NODE_MAX, "._:-", "letters, digits and ._:-",
		       "stonith_admin and crm_attribute"},
};

#define NKINDS (sizeof(rules) / sizeof(rules[0]))

static const struct rules *rules_of(enum name_kind kind)
{
	return (unsigned)kind < NKINDS ? &rules[kind] : NULL;
}

size_t name_max(enum name_kind kind)
{
	const struct rules *r = rules_of(kind);
	return r ? r->max : 0;
}

const char *name_kind_text(enum name_kind kind)
{
	const struct rules *r = rules_of(kind);
	return r ? r->text : "name";
}

char *name_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0, shown = 0;

	if (!len)
		return buf;
	for (; s && *s && o + 8 < len; s++, shown++) {
		unsigned char c = (unsigned char)*s;

		if (shown == 48) {
			o += (size_t)snprintf(buf + o, len - o, "...");
			break;
		}
		if (c == '\\' || c == '\'')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, len - o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* "a blank", "'*'", "a control character (\x01)": what a character is. */
static void char_text(unsigned char c, char *buf, size_t len)
{
	if (c == ' ')
		snprintf(buf, len, "a blank");
	else if (c == '\n' || c == '\r')
		snprintf(buf, len, "a line break");
	else if (c == '\t')
		snprintf(buf, len, "a tab");
	else if (c < 0x20 || c == 0x7f)
		snprintf(buf, len, "a control character (\\x%02x)", c);
	else if (c >= 0x80)
		snprintf(buf, len, "a non-ASCII byte (\\x%02x)", c);
	else
		snprintf(buf, len, "'%c'", c);
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool is_dots(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..");
}

/* A kind's reserved names: the reason, or NULL. */
static const char *reserved(enum name_kind kind, const char *s)
{
	static const char *const lv_infixes[] = {
		"_cdata", "_cmeta", "_corig", "_iorig", "_mimage", "_mlog", "_pmspare",
		"_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig",
	};

	if (is_dots(s))
		return "'.' and '..' name directories";
	switch (kind) {
	case NAME_DOMAIN:
		if (all_digits(s))
			return "xl reads an all-digit name as a domain id";
		if (!strcmp(s, "Domain-0"))
			return "it is Xen's name for dom0";
		if (strstr(s, "--incoming") || strstr(s, "--migratedaway"))
			return "ferry names a migration's copies NAME--incoming and NAME--migratedaway";
		return NULL;
	case NAME_DRBD:
		if (!strcmp(s, "all"))
			return "drbdadm reads 'all' as every resource";
		if (!strncmp(s, "minor-", 6))
			return "drbdadm reads minor-N as a device minor";
		return NULL;
	case NAME_LV:
		if (!strncmp(s, "snapshot", 8) || !strncmp(s, "pvmove", 6))
			return "lvm2 reserves names beginning with snapshot or pvmove";
		for (size_t i = 0; i < sizeof(lv_infixes) / sizeof(lv_infixes[0]); i++)
			if (strstr(s, lv_infixes[i]))
				return "lvm2 reserves it for its internal volumes";
		return NULL;
	default:
		return NULL;
	}
}

/* -EINVAL with "<kind> '<name>' <rule>" in @why. */
static int refuse(const struct rules *r, const char *name, char *why, size_t len, const char *rule)
{
	char q[256];

	if (why && len)
		snprintf(why, len, "%s '%s' %s", r->text, name_quote(name, q, sizeof(q)), rule);
	return -EINVAL;
}

int name_check(enum name_kind kind, const char *name, char *why, size_t len)
{
	const struct rules *r = rules_of(kind);
	const char *res;
	char c[64], rule[192];
	size_t n;

	if (!r) {
		if (why && len)
			snprintf(why, len, "unknown kind of name %d", (int)kind);
		return -EINVAL;
	}
	if (!name || !*name) {
		if (why && len)
			snprintf(why, len, "%s is empty", r->text);
		return -EINVAL;
	}
	n = strnlen(name, r->max + 1);
	if (n > r->max) {
		snprintf(rule, sizeof(rule), "is longer than %zu bytes", r->max);
		return refuse(r, name, why, len, rule);
	}
	if (name[0] == '-') {
		snprintf(rule, sizeof(rule), "begins with '-': %s would read it as an option",
			 r->tool);
		return refuse(r, name, why, len, rule);
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr(r->extra, ch))
			continue;
		char_text(ch, c, sizeof(c));
		snprintf(rule, sizeof(rule), "contains %s (allowed: %s)", c, r->set);
		return refuse(r, name, why, len, rule);
	}
	res = reserved(kind, name);
	if (res) {
		snprintf(rule, sizeof(rule), "is reserved: %s", res);
		return refuse(r, name, why, len, rule);
	}
	return 0;
}

int name_check_field(enum name_kind kind, const char *field, size_t size, char *why, size_t len)
{
	const char *end = field ? memchr(field, '\0', size) : NULL;
	const struct rules *r = rules_of(kind);

	if (!end) {
		if (why && len)
			snprintf(why, len, "%s does not end within its %zu-byte field",
				 r ? r->text : "name", size);
		return -EINVAL;
	}
	for (const char *p = end; p < field + size; p++)
		if (*p) {
			if (why && len)
				snprintf(why, len, "%s field has bytes after the name's end",
					 r ? r->text : "name");
			return -EINVAL;
		}
	return name_check(kind, field, why, len);
}

int name_split_vg_lv(const char *target, char *vg, char *lv, char *why, size_t len)
{
	const char *slash;
	size_t nvg;
	int rc;

	vg[0] = lv[0] = '\0';
	if (!target || !*target) {
		if (why && len)
			snprintf(why, len, "no volume group given (VG or VG/LV)");
		return -EINVAL;
	}
	slash = strchr(target, '/');
	nvg = slash ? (size_t)(slash - target) : strlen(target);
	if (nvg > NAME_VG_MAX)
		nvg = NAME_VG_MAX + 1; /* enough for name_check to say "too long" */
	memcpy(vg, target, nvg);
	vg[nvg] = '\0';
	rc = name_check(NAME_VG, vg, why, len);
	if (rc || !slash)
		return rc;
	if (strnlen(slash + 1, NAME_LV_MAX + 1) > NAME_LV_MAX)
		return name_check(NAME_LV, slash + 1, why, len);
	snprintf(lv, NAME_LV_MAX + 1, "%s", slash + 1);
	return name_check(NAME_LV, lv, why, len);
}

void names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}
