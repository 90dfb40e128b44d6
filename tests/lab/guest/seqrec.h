/* On-disk record shared by seqwriter (guest) and seqcheck (dom0). */
#ifndef SEQREC_H
#define SEQREC_H
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define SEQ_SLOT      4096
#define SEQ_MAX_SLOTS 8192 /* 32 MiB of the disk at most */
#define SEQ_MAGIC     0x46455252595345ULL /* "FERRYSE" */

struct seqrec {
	uint64_t magic;
	uint64_t seq;
	uint64_t inv;
	uint8_t pad[SEQ_SLOT - 24];
};

static inline void seqrec_fill(struct seqrec *r, uint64_t seq)
{
	memset(r, 0, sizeof(*r));
	r->magic = SEQ_MAGIC;
	r->seq = seq;
	r->inv = ~seq;
}

static inline int seqrec_valid(const struct seqrec *r)
{
	return r->magic == SEQ_MAGIC && r->inv == ~r->seq;
}

/* Largest valid sequence number on the device, 0 if none. Reads 1 MiB at
 * a time: one 4 KiB synchronous read per slot takes minutes under TCG. */
static inline uint64_t seqrec_scan_max(int fd, uint64_t slots)
{
	enum { CHUNK = 256 };
	static struct seqrec buf[CHUNK] __attribute__((aligned(SEQ_SLOT)));
	uint64_t max = 0;

	for (uint64_t i = 0; i < slots; i += CHUNK) {
		uint64_t n = slots - i < CHUNK ? slots - i : CHUNK;
		ssize_t got = pread(fd, buf, n * SEQ_SLOT, (off_t)(i * SEQ_SLOT));
		if (got <= 0)
			break;
		for (uint64_t j = 0; j < (uint64_t)got / SEQ_SLOT; j++)
			if (seqrec_valid(&buf[j]) && buf[j].seq > max)
				max = buf[j].seq;
	}
	return max;
}
#endif
