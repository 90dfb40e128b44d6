/* Guest heartbeat: one line every 100 ms on the console.
 *
 *   tick <boot-id> <seq> <boottime-ms> <realtime-ms>
 *
 * CLOCK_BOOTTIME, not CLOCK_MONOTONIC: a migrated Xen guest goes through
 * suspend/resume and Linux keeps the suspended interval out of MONOTONIC, so
 * only BOOTTIME shows the migration's downtime as a gap between two ticks.
 * REALTIME only orders ticks of different boots. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int main(int argc, char **argv)
{
	const char *boot_id = argc > 1 ? argv[1] : "0";
	struct timespec next;
	char line[128];
	uint64_t seq = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		int n = snprintf(line, sizeof(line), "tick %s %llu %llu %llu\n", boot_id,
				 (unsigned long long)seq++,
				 (unsigned long long)now_ms(CLOCK_BOOTTIME),
				 (unsigned long long)now_ms(CLOCK_REALTIME));
		/* One write per line so lines from the writer never interleave. */
		if (write(STDOUT_FILENO, line, (size_t)n) < 0)
			return 1;
		next.tv_nsec += 100 * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}
