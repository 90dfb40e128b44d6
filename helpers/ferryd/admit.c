/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may open a connection to the migration port. Only cluster members
 * (every ring address in corosync's nodelist, re-read every 30 s) and the
 * networks given with --allow-peer (a dedicated migration network;
 * default: the subnet of --migration-address, when that is not a ring
 * address) get a peer server; everything else is closed at accept, before
 * anything is spawned. The listener adds its slot limits (listener.c).
 *
 * Refusals are logged without letting a flood flood syslog: the first
 * refusal of a source, then at most one line per source per minute and
 * ADMIT_LINES_PER_MIN lines overall; what was not logged is summed up in
 * one line a minute.
 *
 * A flood (FLOOD_PER_SEC refusals of non-members in each of two seconds
 * running: not the burst of half-open connections a flood leaves behind
 * when the filter goes) moves the
 * refusal into the kernel: a SYN filter on the listening socket
 * (synfilter.c) drops non-members' SYNs before any handshake, letting one
 * in FLOOD_SAMPLE through so the rate can still be measured and logged.
 * When not one sampled stranger arrives for FLOOD_QUIET_S seconds (a rate
 * below about FLOOD_SAMPLE / FLOOD_QUIET_S a second: a flood held off by
 * the filter retransmits its SYNs ever more slowly, but not that slowly),
 * the filter goes and every stranger is refused (and logged) at accept
 * again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "clock.h"
#include "ferryd.h"
#include "nodemap.h"
#include "synfilter.h"

#define REFRESH_MS          30000
#define ADMIT_LINES_PER_MIN 20
#define RECENT_SOURCES      64
#define FLOOD_PER_SEC       20
#define FLOOD_SAMPLE        64
#define FLOOD_QUIET_S       30

/* prefix length on the IPv6 (IPv4-mapped) form */
#define net synfilter_rule

static struct nodemap_addr *members;
static size_t nmembers;
static char members_sig[4096]; /* the ring strings they were resolved from */
static struct net *nets;
static int nnets;
static qb_loop_timer_handle refresh_timer, summary_timer;

/* The rate limit's memory. */
static struct recent {
	struct in6_addr ip;
	uint64_t last_ms;  /* last line logged for it */
	unsigned dropped;  /* refusals not logged since */
} recent[RECENT_SOURCES];
static unsigned lines_this_min, dropped_total;

/* The flood: refusals of non-members this second, the filter's state. */
static unsigned strangers_now, flood_quiet_s, flood_loud_s;
static uint64_t flood_refused, flood_since_ms;
static bool filtering;
static int listen_fd = -1;
static bool listen_v4;

static int filter_attach(int fd);

static bool net_contains(const struct net *n, const struct in6_addr *ip)
{
	int full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(&n->addr, ip, (size_t)full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (n->addr.s6_addr[full] & mask) == (ip->s6_addr[full] & mask);
}

/* "198.18.3.0/24", "fd00::/64", or an address alone (/32, /128). */
static int net_parse(const char *s, struct net *n)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	bool v4;
	long bits;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	v4 = strchr(buf, ':') == NULL;
	if (nodemap_ip_parse(buf, &n->addr))
		return -EINVAL;
	bits = v4 ? 32 : 128;
	if (slash) {
		char *end;

		bits = strtol(slash, &end, 10);
		if (*end || end == slash || bits < 0 || bits > (v4 ? 32 : 128))
			return -EINVAL;
	}
	n->bits = (int)bits + (v4 ? 96 : 0);
	return 0;
}

static int net_add(const struct net *n)
{
	struct net *v = realloc(nets, (size_t)(nnets + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	nets = v;
	nets[nnets++] = *n;
	return 0;
}

/* The subnet of the interface that holds @addr, if it has one. */
static int net_of_local(const char *addr, struct net *out)
{
	struct ifaddrs *ifs, *i;
	struct in6_addr want;
	int rc = -ENOENT;

	if (nodemap_ip_parse(addr, &want) || getifaddrs(&ifs))
		return -ENOENT;
	for (i = ifs; i && rc; i = i->ifa_next) {
		char a[INET6_ADDRSTRLEN];
		struct in6_addr have;
		const uint8_t *mask;
		int bits, mlen;

		if (!i->ifa_addr || !i->ifa_netmask ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
			mask = (const uint8_t *)&((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
			mlen = 4;
			bits = 96; /* the IPv4-mapped prefix */
		} else {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a));
			mask = ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr;
			mlen = 16;
			bits = 0;
		}
		if (nodemap_ip_parse(a, &have) || memcmp(&have, &want, sizeof(have)))
			continue;
		for (int b = 0; b < mlen * 8; b++)
			bits += (mask[b / 8] >> (7 - b % 8)) & 1;
		out->addr = want;
		out->bits = bits;
		rc = 0;
	}
	freeifaddrs(ifs);
	return rc;
}

/* Re-reads the nodelist; resolves the ring addresses again only when they
 * changed (a ring address given as a name costs a resolver call). */
static void members_load(void)
{
	struct nodemap m;
	struct nodemap_addr *v;
	char sig[sizeof(members_sig)] = "";
	size_t n;

	if (nodemap_load(&m))
		return; /* keep what we had */
	for (size_t i = 0; i < m.n; i++)
		for (int r = 0; r < NODEMAP_RINGS; r++)
			if (m.v[i].ring[r][0])
				snprintf(sig + strlen(sig), sizeof(sig) - strlen(sig), "%u=%s ",
					 m.v[i].nodeid, m.v[i].ring[r]);
	if (strcmp(sig, members_sig) && nodemap_addrs(&m, &v, &n) == 0) {
		free(members);
		members = v;
		nmembers = n;
		snprintf(members_sig, sizeof(members_sig), "%s", sig);
		flog(FLOG_PEER, LOG_INFO, "migration port: %zu member addresses from corosync's "
		     "nodelist", n);
		if (filtering && filter_attach(listen_fd))
			flog(FLOG_PEER, LOG_ERR, "migration port: cannot update the SYN filter");
	}
	nodemap_free(&m);
}

static void summary(void)
{
	unsigned sources = 0;

	for (int i = 0; i < RECENT_SOURCES; i++)
		if (recent[i].dropped) {
			sources++;
			recent[i].dropped = 0;
		}
	if (dropped_total)
		flog(FLOG_PEER, LOG_WARNING, "migration port: %u more connections refused in the "
		     "last minute from %u addresses (not logged one by one)", dropped_total,
		     sources ? sources : 1);
	dropped_total = 0;
	lines_this_min = 0;
}

static void on_summary(void *data)
{
	struct ferryd *d = data;

	summary();
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, 60000ull * QB_TIME_NS_IN_MSEC, d, on_summary,
			  &summary_timer);
}

static void on_refresh(void *data)
{
	struct ferryd *d = data;

	members_load();
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REFRESH_MS * QB_TIME_NS_IN_MSEC, d, on_refresh,
			  &refresh_timer);
}

int admit_address(const struct in6_addr *ip, uint32_t *nodeid)
{
	*nodeid = 0;
	for (size_t i = 0; i < nmembers; i++)
		if (!memcmp(&members[i].ip, ip, sizeof(*ip))) {
			*nodeid = members[i].nodeid;
			return 0;
		}
	for (int i = 0; i < nnets; i++)
		if (net_contains(&nets[i], ip))
			return 0;
	return -EPERM;
}

void admit_refused(const struct in6_addr *ip, const char *who, const char *why, bool stranger)
{
	uint64_t now = clock_ms();
	struct recent *r = NULL, *oldest = &recent[0];

	if (stranger)
		strangers_now++;
	for (int i = 0; i < RECENT_SOURCES; i++) {
		if (!memcmp(&recent[i].ip, ip, sizeof(*ip)) && recent[i].last_ms) {
			r = &recent[i];
			break;
		}
		if (recent[i].last_ms < oldest->last_ms)
			oldest = &recent[i];
	}
	if (r && now - r->last_ms < 60000) {
		r->dropped++;
		dropped_total++;
		return;
	}
	if (lines_this_min >= ADMIT_LINES_PER_MIN) {
		dropped_total++;
		if (r)
			r->dropped++;
		return;
	}
	if (!r) {
		r = oldest;
		r->ip = *ip;
		r->dropped = 0;
	}
	r->last_ms = now;
	lines_this_min++;
	flog(FLOG_PEER, LOG_WARNING, "migration port: refusing %s: %s%s", who, why,
	     lines_this_min == ADMIT_LINES_PER_MIN ? " (further refusals this minute are counted, "
						    "not logged)" : "");
}

int admit_start(struct ferryd *d, int fd, bool ipv4)
{
	struct net n;
	uint32_t id;

	listen_fd = fd;
	listen_v4 = ipv4;
	filtering = false;
	if (d->mig_port < 0)
		return 0;
	for (int i = 0; i < d->nallow_peer; i++) {
		if (net_parse(d->allow_peer[i], &n)) {
			flog(FLOG_PEER, LOG_ERR, "bad --allow-peer '%s' (an address or ADDRESS/BITS)",
			     d->allow_peer[i]);
			return -EINVAL;
		}
		if (net_add(&n))
			return -ENOMEM;
	}
	members_load();
	/* A dedicated migration network: its peers come from its subnet. */
	if (!d->nallow_peer && d->mig_address &&
	    (nodemap_ip_parse(d->mig_address, &n.addr) || admit_address(&n.addr, &id)) &&
	    net_of_local(d->mig_address, &n) == 0) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &n.addr, a, sizeof(a));
		flog(FLOG_PEER, LOG_NOTICE, "migration port: peers also accepted from %s/%d (the "
		     "network of --migration-address; --allow-peer overrides)", a, n.bits);
		if (net_add(&n))
			return -ENOMEM;
	}
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REFRESH_MS * QB_TIME_NS_IN_MSEC, d, on_refresh,
			  &refresh_timer);
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, 60000ull * QB_TIME_NS_IN_MSEC, d, on_summary,
			  &summary_timer);
	return 0;
}

/* The filter's rules: every member address, every allowed network. */
static int filter_attach(int fd)
{
	struct synfilter_rule *rules;
	size_t n = 0;
	int rc;

	if (!nmembers && !nnets)
		return -ENOENT; /* no nodelist yet: it would drop the members too */
	rules = calloc(nmembers + (size_t)nnets, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	for (size_t i = 0; i < nmembers; i++)
		rules[n++] = (struct synfilter_rule){ .addr = members[i].ip, .bits = 128 };
	for (int i = 0; i < nnets; i++)
		rules[n++] = nets[i];
	rc = synfilter_attach(fd, rules, n, FLOOD_SAMPLE);
	free(rules);
	return rc;
}

void admit_tick(void)
{
	uint64_t now = clock_ms();
	unsigned rate = strangers_now * (filtering ? FLOOD_SAMPLE : 1);
	int rc;

	strangers_now = 0;
	if (!filtering) {
		flood_loud_s = rate >= FLOOD_PER_SEC ? flood_loud_s + 1 : 0;
		if (flood_loud_s < 2 || !listen_v4)
			return;
		rc = filter_attach(listen_fd);
		if (rc) {
			flog(FLOG_PEER, LOG_ERR, "migration port: a flood of %u connections/s from "
			     "non-members, and the SYN filter could not be attached: %s", rate,
			     strerror(-rc));
			return;
		}
		filtering = true;
		flood_quiet_s = 0;
		flood_refused = rate;
		flood_since_ms = now;
		flog(FLOG_PEER, LOG_WARNING, "migration port: a flood of %u connections/s from "
		     "non-members: their SYNs are now dropped in the kernel (one in %d still "
		     "reaches ferryd, to measure)", rate, FLOOD_SAMPLE);
		return;
	}
	flood_refused += rate;
	flood_quiet_s = rate == 0 ? flood_quiet_s + 1 : 0;
	if (flood_quiet_s < FLOOD_QUIET_S)
		return;
	rc = synfilter_detach(listen_fd);
	if (rc)
		flog(FLOG_PEER, LOG_ERR, "migration port: cannot remove the SYN filter: %s",
		     strerror(-rc));
	filtering = false;
	flog(FLOG_PEER, LOG_NOTICE, "migration port: the flood from non-members is over (about "
	     "%llu connections refused in %llu s); SYN filter removed",
	     (unsigned long long)flood_refused, (unsigned long long)((now - flood_since_ms) / 1000));
}

void admit_stop(struct ferryd *d)
{
	if (d->mig_port >= 0) {
		qb_loop_timer_del(d->loop, refresh_timer);
		qb_loop_timer_del(d->loop, summary_timer);
	}
	free(members);
	members = NULL;
	nmembers = 0;
	free(nets);
	nets = NULL;
	nnets = 0;
	listen_fd = -1;
}
