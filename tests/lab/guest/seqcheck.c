/* dom0 side of the disk writer: reads acknowledged sequence numbers
 * ("ack N" lines, from guest console logs) on stdin and checks that each one
 * is on DEVICE: its slot holds N or a larger number of the same slot.
 * Prints "seqcheck: ok acked=<n> max=<m>" or names the first lost write. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "seqrec.h"

int main(int argc, char **argv)
{
	static struct seqrec rec __attribute__((aligned(SEQ_SLOT)));
	uint64_t bytes = 0, slots, n, acked = 0, max = 0, lost = 0;
	char line[256];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: seqcheck DEVICE < console-logs\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
		perror(argv[1]);
		return 2;
	}
	slots = bytes / SEQ_SLOT;
	if (slots > SEQ_MAX_SLOTS)
		slots = SEQ_MAX_SLOTS;
	while (fgets(line, sizeof(line), stdin)) {
		unsigned long long v;
		if (sscanf(line, "ack %llu", &v) != 1)
			continue;
		n = v;
		acked++;
		if (n > max)
			max = n;
		if (pread(fd, &rec, SEQ_SLOT, (off_t)((n % slots) * SEQ_SLOT)) != SEQ_SLOT) {
			perror("seqcheck: read");
			return 2;
		}
		if (!seqrec_valid(&rec) || rec.seq < n || (rec.seq - n) % slots) {
			if (!lost++)
				printf("seqcheck: LOST seq=%llu slot holds %s%llu\n", v,
				       seqrec_valid(&rec) ? "" : "garbage/",
				       (unsigned long long)rec.seq);
		}
	}
	if (!acked) {
		printf("seqcheck: FAILED no acknowledged writes in the input\n");
		return 1;
	}
	if (lost) {
		printf("seqcheck: FAILED lost=%llu of acked=%llu\n", (unsigned long long)lost,
		       (unsigned long long)acked);
		return 1;
	}
	printf("seqcheck: ok acked=%llu max=%llu\n", (unsigned long long)acked,
	       (unsigned long long)max);
	return 0;
}
