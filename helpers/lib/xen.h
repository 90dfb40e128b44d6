/* ferry's use of libxenlight: one context per process, domain state, and the
 * lifecycle operations the agents and ferryd need. Every function returns 0
 * or -errno and logs the detail through qb_log (subsystem "xen"). */
#ifndef FERRY_XEN_H
#define FERRY_XEN_H

#include <stdbool.h>
#include <stdint.h>
#include <libxl.h>
#include <libxl_utils.h>

#include "clock.h"
#include "names.h"

/* A domain's name: ferry's one limit (names.h), plus the in-flight suffixes. */
#define XEN_NAME_MAX         NAME_DOMAIN_MAX
#define XEN_INCOMING_SUFFIX  "--incoming"
#define XEN_MIGRATED_SUFFIX  "--migratedaway"
/** libxl userdata key that marks a domain as ferry-managed. */
#define XEN_USERDATA_KEY     "ferry"
/** INVALID_DOMID as the uint32_t libxl hands back. */
#define XEN_NO_DOMID         ((uint32_t)INVALID_DOMID)

struct xen;

/** Opens a libxl context: ferry's logger, SIGCHLD left to the application
 * except for libxl's own children (selective reap), SIGPIPE ignored. */
int xen_open(struct xen **out);
/**
 * Opens a context whose events run in the caller's event loop (@hooks,
 * which must outlive the context) and whose children are handled as
 * @children says. For a daemon; xen_poll() and the xen_ao helpers, which
 * poll on their own, must not be used with it.
 */
int xen_open_evented(struct xen **out, const libxl_osevent_hooks *hooks, void *user,
		     const libxl_childproc_hooks *children);
/** Frees the context (NULL is fine). */
void xen_close(struct xen *x);
/** The underlying libxl context. */
libxl_ctx *xen_ctx(struct xen *x);

/**
 * Runs libxl's events for at most @timeout_ms (poll on libxl's fds), then
 * returns. Async operations started with xen_ao() complete from here.
 * Returns 0, or -errno when polling fails.
 */
int xen_poll(struct xen *x, int timeout_ms);

/** An asynchronous libxl operation's completion, for libxl's ao_how. */
struct xen_ao {
	libxl_asyncop_how how;
	bool done;
	int rc; /**< libxl's ERROR_* code once done */
};
/** Prepares @ao so that passing &ao->how to libxl runs the operation async. */
void xen_ao_init(struct xen_ao *ao);
/** Polls until @ao is done or @deadline_ms (CLOCK_MONOTONIC ms) passes:
 * 0 when done (check ao->rc), -ETIMEDOUT otherwise. */
int xen_ao_wait(struct xen *x, struct xen_ao *ao, int64_t deadline_ms);

/**
 * Completes an async operation: @start_rc is what the libxl call that was
 * given &ao->how returned. Waits up to @timeout_ms. Returns 0 or -errno.
 */
int xen_ao_run(struct xen *x, struct xen_ao *ao, int start_rc, int timeout_ms);

/** libxl ERROR_* code to a negative errno. */
int xen_errno(int libxl_rc);

enum xen_state {
	XEN_ABSENT,
	XEN_RUNNING,
	XEN_BLOCKED,
	XEN_PAUSED,
	XEN_SHUTDOWN,
	XEN_DYING,
};

enum xen_flight {
	XEN_FLIGHT_NONE,
	XEN_FLIGHT_INCOMING,     /**< NAME--incoming: a migration's target copy */
	XEN_FLIGHT_MIGRATEDAWAY, /**< NAME--migratedaway: a migration's source copy */
};

struct xen_status {
	enum xen_state state;
	uint32_t domid;
	char name[XEN_NAME_MAX + sizeof(XEN_MIGRATED_SUFFIX)]; /**< the name found */
	/** In flight: the name found had the --incoming or --migratedaway suffix. */
	enum xen_flight migrating;
	libxl_shutdown_reason shutdown_reason; /**< valid when state == XEN_SHUTDOWN */
	libxl_domain_type type;
	bool managed;       /**< carries ferry's userdata tag */
	uint64_t mem_kb;
	uint64_t cpu_ns;
};

/** State names as ferryctl prints them ("running", "shutdown", ...). */
const char *xen_state_name(enum xen_state s);
/** True when the domain is alive: exists, not shut down, not dying. */
bool xen_status_alive(const struct xen_status *st);
/** True when the guest rebooted itself: shut down for a reboot, or dying
 * on the way to its restart (the old domain is destroyed before the new
 * one exists, and is dying for seconds on a loaded dom0). */
bool xen_status_rebooting(const struct xen_status *st);

/**
 * State of the domain called @name, or of its in-flight copy
 * (@name--incoming or @name--migratedaway) when @name itself is absent.
 * XEN_ABSENT with return 0 when none exists.
 */
int xen_status_get(struct xen *x, const char *name, struct xen_status *st);
/** Status of domain @domid. -ENOENT when it does not exist. */
int xen_status_domid(struct xen *x, uint32_t domid, struct xen_status *st);
/** Every domain but dom0; *list is malloc()ed. */
int xen_list(struct xen *x, struct xen_status **list, int *n);

/** Domains on this node using block device @dev as a disk, described in
 * @buf ("domain g1 (domid 3, xvda)"). Returns how many, or -errno. */
int xen_disk_users(struct xen *x, const char *dev, char *buf, size_t len);

/**
 * Loads an xl config file into @cfg: `xl -N create FILE` (the only xl
 * subprocess ferry runs) turns it into libxl's JSON, with xl.conf's defaults
 * applied as xl applies them. @cfg must be initialised by the caller.
 */
int xen_config_load(struct xen *x, const char *path, libxl_domain_config *cfg);

/**
 * The domain name of xl config file @p path, read with libxlutil's own
 * parser: no `xl` process, no libxl context (what a monitor or a
 * migrate_from needs, where xen_config_load's dry run would be too slow).
 * @return 0, -EINVAL with the reason in @p why, -ENOMEM
 */
int xen_config_name(const char *path, char *name, size_t len, char *why, size_t wlen);

/**
 * Gives @cfg's phy: disks (block devices) ferry's own hotplug script,
 * ferry-block, instead of Xen's generic one: one small exec per disk
 * (helpers/hotplug/block.c). An administrator's own script is kept.
 */
void xen_disks_fast_hotplug(libxl_domain_config *cfg);

/**
 * Creates the domain from @cfg, tags it as ferry-managed (recording
 * @cfg_path), and unpauses it unless @paused. Checks free memory first.
 * @timeout_ms bounds libxl's part (0: 120 s); at the bound the creation is
 * aborted and libxl destroys what it had built: nothing is left paused.
 * *@domid is the new domain's id, or on failure the id the failed attempt
 * had (destroyed since; XEN_NO_DOMID if none), whose release
 * (xen_wait_released) a retry waits for.
 */
int xen_create(struct xen *x, libxl_domain_config *cfg, const char *cfg_path, bool paused,
	       int timeout_ms, uint32_t *domid);

/** Tags @domid as ferry-managed, recording @cfg_path (may be NULL). */
int xen_tag(struct xen *x, uint32_t domid, const char *cfg_path);
/** The config path xen_tag() recorded for @domid ("" if none). */
void xen_tag_config(struct xen *x, uint32_t domid, char *buf, size_t len);

/**
 * Clean shutdown within @timeout_ms: a PV shutdown request, or the ACPI
 * power button for guests without PV drivers, then destroy at the deadline.
 * Never blocks past the deadline (plus the destroy itself).
 * *how (optional): 0 clean via PV, 1 clean via ACPI, 2 destroyed.
 */
int xen_shutdown(struct xen *x, uint32_t domid, int timeout_ms, int *how);
int xen_destroy(struct xen *x, uint32_t domid);
int xen_pause(struct xen *x, uint32_t domid);
int xen_unpause(struct xen *x, uint32_t domid);

/** libxl's full config of running domain @domid, as JSON (malloc()ed). */
int xen_config_to_json(struct xen *x, uint32_t domid, char **json);

/** Saves @domid to @path (the domain is gone afterwards). */
int xen_save(struct xen *x, uint32_t domid, const char *path);
/** Restores a domain saved by xen_save and unpauses it. */
int xen_restore(struct xen *x, const char *path, bool paused, uint32_t *domid);

/**
 * Carries out what @domid's config says for the reason it shut down
 * (on_reboot, on_poweroff, on_crash, on_watchdog): destroy, restart,
 * rename-restart, preserve, coredump-*. Restarts only if @may_restart
 * (the ledger gives the domain to this node). @done says what was done.
 */
int xen_on_shutdown(struct xen *x, uint32_t domid, bool may_restart, char *done, size_t len);

/** Waits until @domid shuts down, dies or vanishes, up to @deadline_ms. */
int xen_wait_gone(struct xen *x, uint32_t domid, int64_t deadline_ms);

/**
 * Waits until destroyed @domid is released: gone from the hypervisor (not
 * even dying) and without a kernel backend in dom0 (xen_backends.c), up to
 * @deadline_ms. Until then its disks are held: a new domain cannot attach
 * them and DRBD cannot demote. 0, or -ETIMEDOUT (logged with what is left).
 */
int xen_wait_released(struct xen *x, uint32_t domid, int64_t deadline_ms);

#endif
