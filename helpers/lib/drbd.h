/* DRBD through drbd-utils. State comes from `drbdsetup events2 --now RES`
 * (the same syntax from DRBD 9 and from the in-tree 8.4 module through
 * drbd-utils' 8.4 compatibility), parsed here; roles change with drbdadm. */
#ifndef FERRY_DRBD_H
#define FERRY_DRBD_H

#include <stdbool.h>

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

#endif
