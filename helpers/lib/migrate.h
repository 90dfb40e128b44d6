/* Live migration of a Xen domain to another node's ferry, with the ledger's
 * hand-off: the source's MIGRATE_BEGIN before the stream; after "go", the
 * target's MIGRATE_COMMIT, and only once it is granted does the target
 * unpause. If the source gives up instead, its MIGRATE_ABORT races the
 * commit in the ledger's agreed order and exactly one wins. Phases as xl's:
 * ready, stream, received, go, unpause result (see peer_proto.h). */
#ifndef FERRY_MIGRATE_H
#define FERRY_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "peer.h"
#include "xen.h"

/** How a migration ended, from the source's point of view. */
enum migrate_result {
	MIGRATE_OK = 0,       /**< runs on the target, gone from here */
	MIGRATE_REFUSED,      /**< nothing happened: preflight or connection refused */
	MIGRATE_ROLLED_BACK,  /**< failed before the target's commit: runs here, target cleaned up */
	MIGRATE_UNCERTAIN,    /**< failed after the target's commit: check both nodes (see why) */
};

struct migrate_metrics {
	char domain[PEER_NAME_MAX];
	char source[PEER_NAME_MAX];
	char target[PEER_NAME_MAX];
	int64_t started;       /**< wall clock, ms since the epoch */
	int64_t total_ms;      /**< connect to unpause result */
	int64_t downtime_ms;   /**< source suspended until the target unpaused */
	uint64_t bytes;        /**< stream bytes sent */
	double mib_per_s;      /**< stream bytes / stream time */
	bool live;
	bool encrypted;
	bool ktls;             /**< the kernel sealed the stream's records */
	unsigned speed_mib_s;  /**< the stream's cap (0: none) */
	char cipher[32];
	/* Phases, clock_ms() (0: not reached): the source saw its domain
	 * suspended, sent the stream's last byte, read RECEIVED (the target
	 * restored it), sent GO, read the unpause RESULT. The history keeps
	 * the durations between them. */
	int64_t t_suspended, t_sent, t_received, t_go, t_unpaused;
	enum migrate_result result;
	char why[PEER_WHY_MAX];
};

/**
 * Called on the source once the target is ready and before MIGRATE_BEGIN:
 * the choreography opens the dual-primary window here. Non-zero aborts.
 */
typedef int (*migrate_hook)(struct peer *p, void *arg, char *why, size_t len);

struct migrate_opts {
	bool live;                /**< false: suspend, copy, resume there (non-live) */
	migrate_hook before_stream; /**< may be NULL */
	/** Called once the target holds the received copy and our domain is
	 * suspended, before GO: a storage=local move's target detaches its
	 * LV here. Non-zero aborts (the domain resumes here). May be NULL. */
	migrate_hook before_go;
	void *hook_arg;
	/** The domain's xl config file, for the target's pre-flight (NULL:
	 * the path ferry recorded when it created the domain here). */
	const char *config;
	/** A VG above DRBD that before_stream activates on the target. */
	const char *late_vg;
};

/** Names of results, for logs and JSON ("ok", "refused", ...). */
const char *migrate_result_name(enum migrate_result r);

/**
 * Migrates domain @name from this node to the node @p is connected to.
 * Fills @m (also on failure) and appends it to the migration history.
 */
enum migrate_result migrate_send(struct xen *x, struct peer *p, const char *name,
				 const struct migrate_opts *o, struct migrate_metrics *m);

struct peer_server;

/**
 * Target side of one migration, after @offer arrived in the conversation
 * @srv serves. Runs the migration to its end (READY, the storage requests,
 * the stream, RECEIVED, then GO and RESULT or ABORT and its REPLY, each
 * echoing its request's id); on any failure before "go" nothing is left
 * here. Returns 0 when the domain runs here.
 */
int migrate_receive(struct xen *x, struct peer_server *srv, const struct peer_offer *offer);

/**
 * Preflight on either side: can this hypervisor migrate a domain of @type
 * live? PV needs shadow paging, which Debian's Xen is built without.
 */
int migrate_check_live(struct xen *x, libxl_domain_type type, char *why, size_t len);

/** Longest history record, its newline included. */
#define MIGRATE_HISTORY_LINE_MAX 4096

/** Appends @m to the history (/var/lib/ferry/migrations.log, one JSON per line). */
int migrate_history_append(const struct migrate_metrics *m);
/**
 * Formats @m as one history record: a JSON object of printable ASCII (every
 * string escaped) and a newline. Its length, or -ENOSPC.
 */
int migrate_history_format(const struct migrate_metrics *m, char *buf, size_t len);
/** Is @line (@len bytes, no newline) a record as migrate_history_format writes it? */
bool migrate_history_record_valid(const char *line, size_t len);

typedef void (*migrate_history_emit)(const char *record, size_t len, void *arg);
/**
 * Reads a history from @f (seekable) and calls @emit for each of the last
 * @last records, oldest first. Lines that are not records (a write cut
 * short, an over-long line, bytes that are not ferry's) are skipped and
 * counted in *@skipped (may be NULL). 0 or -errno.
 */
int migrate_history_tail(FILE *f, unsigned last, migrate_history_emit emit, void *arg,
			 unsigned *skipped);
/** Path of the history file. */
const char *migrate_history_path(void);

#endif
