/* DRBD through drbd-utils. State comes from `drbdsetup events2 --now RES`
 * (the same syntax from DRBD 9 and from the in-tree 8.4 module through
 * drbd-utils' 8.4 compatibility), parsed here; roles change with drbdadm. */
#ifndef FERRY_DRBD_H
#define FERRY_DRBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DRBD_NAME_MAX    64
#define DRBD_MAX_PEERS   4
#define DRBD_MAX_VOLUMES 8
#define DRBD_WORD_MAX    24

/** One volume as a peer sees it (events2 "peer-device"). */
struct drbd_peer_volume {
	int volume;
	char replication[DRBD_WORD_MAX]; /**< Established, SyncSource, SyncTarget, Off, ... */
	char peer_disk[DRBD_WORD_MAX];   /**< UpToDate, Inconsistent, Outdated, DUnknown, ... */
	double done;                     /**< resync percent, -1 when not reported */
	long long out_of_sync_kib;       /**< --statistics: KiB left to sync (-1: not reported) */
};

/** One connection (events2 "connection" plus its "peer-device" lines). */
struct drbd_peer {
	int node_id;
	char name[DRBD_NAME_MAX];          /**< conn-name, "" when not reported */
	char connection[DRBD_WORD_MAX];    /**< Connected, StandAlone, Connecting, ... */
	char role[DRBD_WORD_MAX];          /**< peer's role: Primary, Secondary, Unknown */
	int nvolumes;
	struct drbd_peer_volume volumes[DRBD_MAX_VOLUMES];
};

/** One local volume (events2 "device"). */
struct drbd_volume {
	int volume;
	int minor;
	char disk[DRBD_WORD_MAX]; /**< UpToDate, Inconsistent, Diskless, ... */
	long long size_kib;       /**< --statistics: the device's size (-1: not reported) */
};

struct drbd_resource {
	char name[DRBD_NAME_MAX];
	bool exists;                 /**< the kernel knows the resource (it is up) */
	char role[DRBD_WORD_MAX];    /**< local role */
	bool suspended;
	int npeers;
	struct drbd_peer peers[DRBD_MAX_PEERS];
	int nvolumes;
	struct drbd_volume volumes[DRBD_MAX_VOLUMES];
};

/**
 * Parses `drbdsetup events2 --now` output for resource @name (other
 * resources are skipped). Lines may be "exists ..." (the --now dump) or
 * "change ..."/"create ..." (the event stream): each updates @r in place, so
 * the same function follows a stream line by line. Unknown objects and keys
 * are ignored; malformed lines are rejected with -EINVAL without touching
 * @r. Returns 0, or 1 for the "exists -" end-of-dump marker.
 */
int drbd_events_line(const char *line, const char *name, struct drbd_resource *r);

/** Parses a whole `events2 --now` dump (several lines). */
int drbd_events_parse(const char *text, const char *name, struct drbd_resource *r);

/** Longest events2 line ferry reads (DRBD's are far shorter). */
#define DRBD_EVENTS_LINE_MAX 2047

/** A followed `drbdsetup events2 RES` stream: bytes in, state out. */
struct drbd_events_stream {
	const char *name;            /**< the resource followed */
	struct drbd_resource *r;     /**< the state, updated line by line */
	bool dumped;                 /**< the initial dump ended ("exists -") */
	bool dropping;               /**< inside an over-long line, up to its end */
	unsigned bad;                /**< malformed or over-long lines ignored */
	size_t used;
	char line[DRBD_EVENTS_LINE_MAX + 1];
};

/** Starts following resource @name into @r (cleared). */
void drbd_events_stream_init(struct drbd_events_stream *s, const char *name,
			     struct drbd_resource *r);
/**
 * Feeds @n bytes of the stream, cut anywhere: each complete line updates
 * the state (drbd_events_line). A line longer than DRBD_EVENTS_LINE_MAX or
 * holding a NUL byte is dropped whole and counted in s->bad, as is a
 * malformed one.
 */
void drbd_events_feed(struct drbd_events_stream *s, const char *buf, size_t n);

/** True when local role is Primary. */
bool drbd_is_primary(const struct drbd_resource *r);
/** True when some peer's role is Primary. */
bool drbd_peer_is_primary(const struct drbd_resource *r);
/** All local volumes UpToDate. */
bool drbd_local_uptodate(const struct drbd_resource *r);
/**
 * Healthy for a migration: every connection Connected, every volume
 * Established, local and peer disks UpToDate. On false, @why (if not NULL,
 * @len bytes) says what is missing, naming the first offending object.
 */
bool drbd_healthy(const struct drbd_resource *r, char *why, int len);

/* --- local operations (drbd.c): drbd-utils, state re-read after each ---- */

/** events2 --now for @res. A resource that is not up: r->exists false. */
int drbd_state(const char *res, struct drbd_resource *r);
/** The same with --statistics: sizes and what is left to sync, in KiB. */
int drbd_state_stats(const char *res, struct drbd_resource *r);
/** How far a resync of @r's first volume to its first peer is, in percent:
 * DRBD's "done" (9), or from out-of-sync and size (8.4's --statistics);
 * -1 when neither is reported. */
double drbd_sync_percent(const struct drbd_resource *r);
/** drbdadm up, unless already up. */
int drbd_up(const char *res);
/** drbdadm down, unless already down. */
int drbd_down(const char *res);
/**
 * A resource defined by a file of its own, @conf, not by drbd.conf (the
 * temporary resource of a storage=local move, drbd_local.h): unless it is
 * up already, drbdadm -c CONF create-md --force, then up; then, when
 * @primary, primary --force (this end's data is the truth: a new data
 * generation, and the peer's first connect is a full sync from here).
 */
int drbd_up_conf(const char *conf, const char *res, bool primary, char *why, size_t len);
/** drbdsetup down, which needs no configuration, unless already down. */
int drbd_setup_down(const char *res);
/**
 * Promotes to Primary (no-op when Primary). Refuses with the reason in @why:
 * -ENOENT not up, -ESTALE data not UpToDate, -EBUSY the peer is Primary and
 * the dual-primary window is closed.
 */
int drbd_promote(const char *res, char *why, size_t len);
/** Demotes to Secondary (no-op when Secondary); -EBUSY names who holds the
 * device open in @why. A device held by the kernel alone (a Xen block
 * backend being torn down) is retried for up to 30 s first. */
int drbd_demote(const char *res, char *why, size_t len);
/** drbd_demote, retrying a kernel-only holder until clock_ms() reaches
 * @until_ms instead (a stop gives it what is left of its timeout). */
int drbd_demote_until(const char *res, int64_t until_ms, char *why, size_t len);
/**
 * Marks this end's data Outdated (`drbdadm outdate`; on a resource that is
 * down, in its metadata), so that it cannot be promoted until a resync
 * mends it: the peer's fence-peer handler asks for it (DRBD's outdate-peer).
 * Refuses with -EBUSY, reason in @why, while Primary or still connected.
 */
int drbd_outdate(const char *res, char *why, size_t len);
/** Sets this end's run-time allow-two-primaries flag. */
int drbd_set_two_primaries(const char *res, bool allow);
/** This end of the dual-primary window: sets or clears allow-two-primaries,
 * refusing (-EBUSY, reason in @why) to clear it while both sides are Primary. */
int drbd_window_set(const char *res, bool open, char *why, size_t len);
/** Reads this end's run-time allow-two-primaries flag. */
int drbd_two_primaries(const char *res, bool *allowed);
/** Who holds @r's devices open here: device-mapper holders and processes,
 * named in @buf; returns how many were found (0: the kernel alone, e.g. a
 * Xen block backend). */
int drbd_openers(const struct drbd_resource *r, char *buf, size_t len);
/**
 * Follows `drbdsetup events2 RES` until the resource is healthy (connected,
 * UpToDate on both sides) or @timeout_ms passes, then re-reads the state:
 * 0 healthy, -ETIMEDOUT, -EAGAIN when the re-read state is not healthy.
 */
int drbd_wait_synced(const char *res, int timeout_ms, struct drbd_resource *r);

/* --- configuration (drbd_config.c) --------------------------------------- */

struct drbd_config_volume {
	int volume;
	int minor;
	char device[64];
	char disk[128];
};

struct drbd_host {
	char name[DRBD_NAME_MAX];  /**< the "on NAME" host: a cluster node name */
	char address[64];
	int port;
	int nvolumes;
	struct drbd_config_volume volumes[DRBD_MAX_VOLUMES];
};

struct drbd_config {
	char name[DRBD_NAME_MAX];
	char protocol[4];            /**< "C" when not configured (DRBD's default) */
	char fencing[32];            /**< e.g. resource-and-stonith, "" if unset */
	char after_sb_2pri[32];
	bool two_primaries_in_config; /**< allow-two-primaries set permanently */
	int nhosts;
	struct drbd_host hosts[DRBD_MAX_PEERS + 1];
};

/** Parses `drbdadm dump-xml` output for resource @res (libxml2).
 * -ENOENT when @res is not in it, -EINVAL when the XML is not usable. */
int drbd_config_parse(const char *xml, size_t len, const char *res, struct drbd_config *c);
/** Runs `drbdadm dump-xml RES` and parses it. -ENOENT: unknown resource. */
int drbd_config_load(const char *res, struct drbd_config *c);
/** The host section called @host, or NULL. */
const struct drbd_host *drbd_config_host(const struct drbd_config *c, const char *host);
/** The one host that is not @self, or NULL (none, or more than one). */
const struct drbd_host *drbd_config_peer(const struct drbd_config *c, const char *self);
/** Reads the run-time allow-two-primaries flag from `drbdsetup show
 * --show-defaults` output. -ENOENT when the output has no such line. */
int drbd_show_two_primaries(const char *show, bool *allowed);

#endif
