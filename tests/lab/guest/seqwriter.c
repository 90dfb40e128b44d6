/* Guest disk writer: writes increasing sequence numbers to a block device
 * with O_DIRECT, fdatasync()s each one and only then prints
 *
 *   ack <seq>
 *
 * Sequence n goes to slot n % slots; a slot holds SEQ_MAGIC, n and ~n, so a
 * checker can tell a written record from garbage. Every acknowledged n must
 * later be found in its slot, or overwritten by a larger n of the same slot. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <time.h>
#include <unistd.h>

#include "seqrec.h"

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/xvda";
	long interval_ms = argc > 2 ? atol(argv[2]) : 50;
	uint64_t bytes = 0, slots, seq = 0;
	struct seqrec *rec;
	char line[64];
	int fd;

	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
		perror(dev);
		return 1;
	}
	slots = bytes / SEQ_SLOT;
	if (slots > SEQ_MAX_SLOTS)
		slots = SEQ_MAX_SLOTS;
	if (posix_memalign((void **)&rec, SEQ_SLOT, SEQ_SLOT))
		return 1;
	/* Continue after the largest sequence already on disk, so a rebooted
	 * guest never writes a smaller number over an acknowledged one. */
	seq = seqrec_scan_max(fd, slots) + 1;
	for (;; seq++) {
		seqrec_fill(rec, seq);
		if (pwrite(fd, rec, SEQ_SLOT, (off_t)((seq % slots) * SEQ_SLOT)) != SEQ_SLOT ||
		    fdatasync(fd) < 0) {
			perror("seqwriter: write");
			sleep(1);
			continue;
		}
		int n = snprintf(line, sizeof(line), "ack %llu\n", (unsigned long long)seq);
		if (write(STDOUT_FILENO, line, (size_t)n) < 0)
			return 1;
		struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}
