/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's half of flood protection: a classic BPF socket filter on
 * the listening socket (SO_ATTACH_FILTER). TCP runs a listener's filter on
 * every SYN before it answers (tcp_filter() in tcp_v4_rcv, ahead of the
 * listen state), so a dropped SYN costs the node one short filter run: no
 * SYN-ACK, no accept, no wake-up of ferryd. The stranger's connect() is
 * left to its own SYN retransmissions, seconds apart.
 *
 * SYNs from the given addresses and networks always pass; others pass one
 * in @sample (SKF_AD_RANDOM), so ferryd still sees, counts and logs a
 * sample of what it refuses. IPv4 listeners only: an IPv6 listener keeps
 * the accept-and-close refusal.
 */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ferryd.h"
#include "synfilter.h"

#define PASS 0xffffffffu /* keep the whole packet */
#define DROP 0

static void put(struct sock_filter *f, int *n, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	f[*n] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
	(*n)++;
}

static bool v4_mapped(const struct in6_addr *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a->s6_addr, prefix, sizeof(prefix));
}

static uint32_t v4_of(const struct in6_addr *a)
{
	return (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
	       (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
}

int synfilter_attach(int fd, const struct synfilter_rule *rules, size_t n, unsigned sample)
{
	struct sock_fprog prog;
	struct sock_filter *f;
	int len = 0, rc = 0;

	if (sample == 0 || (sample & (sample - 1)))
		return -EINVAL;
	/* Each rule: load, (mask,) compare, and a PASS right after it, so no
	 * jump is longer than one instruction, however many rules. */
	f = calloc(n * 4 + 8, sizeof(*f));
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t mask;

		if (!v4_mapped(&rules[i].addr) || rules[i].bits < 96)
			continue;
		mask = rules[i].bits >= 128 ? 0xffffffffu :
					      ~(0xffffffffu >> (rules[i].bits - 96));
		put(f, &len, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(SKF_NET_OFF + 12));
		if (mask != 0xffffffffu)
			put(f, &len, BPF_ALU | BPF_AND | BPF_K, 0, 0, mask);
		put(f, &len, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, v4_of(&rules[i].addr) & mask);
		put(f, &len, BPF_RET | BPF_K, 0, 0, PASS);
	}
	put(f, &len, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM));
	put(f, &len, BPF_ALU | BPF_AND | BPF_K, 0, 0, sample - 1);
	put(f, &len, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
	put(f, &len, BPF_RET | BPF_K, 0, 0, PASS);
	put(f, &len, BPF_RET | BPF_K, 0, 0, DROP);
	prog = (struct sock_fprog){ .len = (unsigned short)len, .filter = f };
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		rc = -errno;
	free(f);
	return rc;
}

int synfilter_detach(int fd)
{
	int dummy = 0;

	return setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy)) < 0 ? -errno : 0;
}
