/* A DRBD resource's configuration: `drbdadm dump-xml RES` parsed with
 * libxml2 (hosts, addresses, devices, protocol, fencing), and the run-time
 * allow-two-primaries flag from `drbdsetup show --show-defaults RES`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include "flog.h"

#include "drbd.h"
#include "names.h"
#include "numparse.h"
#include "proc.h"

#define DRBDADM_TIMEOUT 30000

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Copies attribute @attr of @n into @dst (size @len); "" when absent. */
static void attr(const xmlNode *n, const char *a, char *dst, size_t len)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)a);
	snprintf(dst, len, "%s", v ? (const char *)v : "");
	xmlFree(v);
}

static void text(const xmlNode *n, char *dst, size_t len)
{
	xmlChar *v = xmlNodeGetContent(n);
	snprintf(dst, len, "%s", v ? (const char *)v : "");
	xmlFree(v);
}

/* Copies @src into @dst (size @len), truncating. */
static void set(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* <section name="net"><option name="protocol" value="C"/> ... */
static void section_options(const xmlNode *sec, struct drbd_config *c)
{
	char sname[32], oname[64], val[64];

	attr(sec, "name", sname, sizeof(sname));
	for (const xmlNode *o = sec->children; o; o = o->next) {
		if (!is(o, "option"))
			continue;
		attr(o, "name", oname, sizeof(oname));
		attr(o, "value", val, sizeof(val));
		if (!strcmp(sname, "net") && !strcmp(oname, "protocol"))
			set(c->protocol, sizeof(c->protocol), val);
		else if (!strcmp(sname, "net") && !strcmp(oname, "allow-two-primaries"))
			c->two_primaries_in_config = !strcmp(val, "yes");
		else if ((!strcmp(sname, "disk") || !strcmp(sname, "net")) &&
			 !strcmp(oname, "fencing"))
			set(c->fencing, sizeof(c->fencing), val);
		else if (!strcmp(sname, "net") && !strcmp(oname, "after-sb-2pri"))
			set(c->after_sb_2pri, sizeof(c->after_sb_2pri), val);
	}
}

/* A number attribute: absent leaves @out alone; present, it must be a
 * number in [0, max] (false otherwise: the configuration is not usable). */
static bool num_attr(const xmlNode *n, const char *a, int max, int *out)
{
	char v[32];
	xmlChar *x = xmlGetProp(n, (const xmlChar *)a);
	bool ok = true;

	if (!x)
		return true;
	if (strlen((const char *)x) >= sizeof(v))
		ok = false;
	else {
		snprintf(v, sizeof(v), "%s", (const char *)x);
		ok = num_parse_int(a, v, 0, max, out, NULL, 0) == 0;
	}
	xmlFree(x);
	return ok;
}

/* false: a number in it is not one. */
static bool host_parse(const xmlNode *h, struct drbd_config *c)
{
	struct drbd_host *host;

	if (c->nhosts == DRBD_MAX_PEERS + 1)
		return true;
	host = &c->hosts[c->nhosts++];
	memset(host, 0, sizeof(*host));
	xmlChar *name = xmlGetProp(h, (const xmlChar *)"name");
	bool fits = !name || strlen((const char *)name) < sizeof(host->name);
	xmlFree(name);
	if (!fits) /* a host name cut short could match another node */
		return false;
	attr(h, "name", host->name, sizeof(host->name));
	for (const xmlNode *n = h->children; n; n = n->next) {
		if (is(n, "address")) {
			text(n, host->address, sizeof(host->address));
			if (!num_attr(n, "port", 65535, &host->port))
				return false;
		} else if (is(n, "volume") && host->nvolumes < DRBD_MAX_VOLUMES) {
			struct drbd_config_volume *v = &host->volumes[host->nvolumes++];
			/* DRBD's limits: volumes 0..65535, minors 0..2^20-1. */
			if (!num_attr(n, "vnr", 65535, &v->volume))
				return false;
			for (const xmlNode *d = n->children; d; d = d->next) {
				if (is(d, "device")) {
					if (!num_attr(d, "minor", (1 << 20) - 1, &v->minor))
						return false;
					text(d, v->device, sizeof(v->device));
				} else if (is(d, "disk")) {
					text(d, v->disk, sizeof(v->disk));
				}
			}
		}
	}
	return true;
}

int drbd_config_parse(const char *xml, size_t len, const char *res, struct drbd_config *c)
{
	xmlDoc *doc;
	const xmlNode *root;
	int rc = -ENOENT;

	memset(c, 0, sizeof(*c));
	snprintf(c->protocol, sizeof(c->protocol), "C"); /* DRBD's default */
	doc = xmlReadMemory(xml, (int)len, "dump-xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
								    XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	/* One <resource> at the top, or several inside <config>. */
	for (const xmlNode *r = root && is(root, "resource") ? root : root ? root->children : NULL;
	     r; r = r->next) {
		xmlChar *name;
		bool match;

		if (!is(r, "resource"))
			continue;
		/* The whole attribute: a longer name never matches by its prefix. */
		name = xmlGetProp(r, (const xmlChar *)"name");
		match = name && !strcmp((const char *)name, res);
		xmlFree(name);
		if (!match)
			continue;
		snprintf(c->name, sizeof(c->name), "%s", res);
		rc = 0;
		for (const xmlNode *n = r->children; n && rc == 0; n = n->next) {
			if (is(n, "host"))
				rc = host_parse(n, c) ? 0 : -EINVAL;
			else if (is(n, "section"))
				section_options(n, c);
			else if (is(n, "connection"))
				for (const xmlNode *s = n->children; s; s = s->next)
					if (is(s, "section"))
						section_options(s, c);
		}
		if (rc == 0 && !c->nhosts)
			rc = -EINVAL;
		break;
	}
	xmlFreeDoc(doc);
	return rc;
}

int drbd_config_load(const char *res, struct drbd_config *c)
{
	char *argv[] = {"drbdadm", "dump-xml", "--", (char *)res, NULL};
	struct proc_result r;
	char why[400];
	int rc;

	if (name_check(NAME_DRBD, res, why, sizeof(why))) {
		flog(FLOG_DRBD, LOG_ERR, "drbd: refused: %s", why);
		return -EINVAL;
	}
	rc = proc_run(argv, DRBDADM_TIMEOUT, &r);

	if (rc == 0 && proc_exit_code(&r) != 0) {
		flog(FLOG_DRBD, LOG_ERR, "drbd: resource %s is not configured: %s", res, proc_err_tail(&r));
		rc = -ENOENT;
	}
	if (rc == 0)
		rc = drbd_config_parse(r.out ? r.out : "", r.out_len, res, c);
	if (rc == -EINVAL)
		flog(FLOG_DRBD, LOG_ERR, "drbd: cannot read the configuration of %s", res);
	proc_result_free(&r);
	return rc;
}

const struct drbd_host *drbd_config_host(const struct drbd_config *c, const char *host)
{
	for (int i = 0; i < c->nhosts; i++)
		if (!strcmp(c->hosts[i].name, host))
			return &c->hosts[i];
	return NULL;
}

const struct drbd_host *drbd_config_peer(const struct drbd_config *c, const char *self)
{
	const struct drbd_host *peer = NULL;

	for (int i = 0; i < c->nhosts; i++) {
		if (!strcmp(c->hosts[i].name, self))
			continue;
		if (peer)
			return NULL; /* more than one: ferry moves between two */
		peer = &c->hosts[i];
	}
	return peer;
}

int drbd_show_two_primaries(const char *show, bool *allowed)
{
	const char *p = show;

	/* `drbdsetup show --show-defaults` always prints the option's line. */
	while ((p = strstr(p, "allow-two-primaries"))) {
		const char *v = p + strlen("allow-two-primaries");
		if (*v == ' ' || *v == '\t') {
			while (*v == ' ' || *v == '\t')
				v++;
			if (!strncmp(v, "yes;", 4) || !strncmp(v, "no;", 3)) {
				*allowed = v[0] == 'y';
				return 0;
			}
		}
		p = v;
	}
	return -ENOENT;
}
