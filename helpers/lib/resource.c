/* The choreography of one XenDomain resource: the steps of the README's
 * "The agents and the choreography" (start, stop, monitor, live migration),
 * in that order, each undone in reverse when a later one fails. Every
 * action ends with an OCF exit code and, on failure, one line saying why. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "clock.h"
#include "drbd.h"
#include "ledger_lookup.h"
#include "local_move.h"
#include "local_recover.h"
#include "lvm.h"
#include "migrate.h"
#include "migrate_slots.h"
#include "nodemap.h"
#include "resource.h"
#include "supervise_mark.h"
#include "xen.h"

#define LEDGER_TIMEOUT_MS 30000
#define CLAIM_WAIT_MS     60000 /* for the fencing of an orphan's owner to be seen */
#define START_DEFAULT_MS  300000 /* without Pacemaker's timeout (by hand) */
#define STOP_DEFAULT_MS   180000 /* as cib-examples' stop timeout */
#define MIGRATE_DEFAULT_MS 600000 /* migrate_to's, as the agent's meta-data has it */
#define UNDO_MARGIN_MS    15000  /* time kept to undo a start that runs out */
#define CREATE_ATTEMPTS   3      /* creations a start tries on libxl's own timeouts */
#define CREATE_RETRY_MIN_MS 60000 /* start time left for one more creation attempt */
#define RELEASE_WAIT_MS   30000  /* for a restarting ferryd, at the end of a stop */
#define RELEASE_DIR       "/run/ferry/release" /* releases left to ferryd */

static int fail(struct resource_result *res, int ocf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct resource_result *res, int ocf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	res->ocf = ocf;
	flog(FLOG_RESOURCE, LOG_ERR, "%s", res->why);
	return ocf;
}

static int ok(struct resource_result *res)
{
	res->ocf = OCF_SUCCESS;
	return OCF_SUCCESS;
}

static void node_name(uint32_t id, char *buf, size_t len)
{
	const struct nodemap *m = nodemap_once();
	const char *n = m ? nodemap_name(m, id) : NULL;

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "node %u", id);
}

static uint32_t self_id(void)
{
	const struct nodemap *m = nodemap_once();
	uint32_t id = 0;

	if (m)
		nodemap_self(m, &id);
	return id;
}

/* The ledger's verdict as one line: "owned by node2", "no quorum", ... */
static void ledger_why(int rc, const struct ferry_ipc_reply *r, char *buf, size_t len)
{
	int st = ledger_client_verdict(rc, rc ? 0 : r->status);
	char owner[PEER_NAME_MAX];

	if (st == FERRY_E_OWNED || st == FERRY_E_NOTFENCED || st == FERRY_E_CONFLICT) {
		node_name(r->entry.owner, owner, sizeof(owner));
		snprintf(buf, len, "%s (%s)", ferry_status_text(st), owner);
	} else {
		snprintf(buf, len, "%s", ferry_status_text(st));
	}
}



/* A stopped domain whose release could not be sent: ferryd releases it
 * once it answers again and the domain does not run here (supervise.c). */
static void release_later(const char *name)
{
	char p[256];
	int fd;

	mkdir("/run/ferry", 0755);
	mkdir(RELEASE_DIR, 0755);
	snprintf(p, sizeof(p), RELEASE_DIR "/%s", name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void release_withdraw(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), RELEASE_DIR "/%s", name);
	unlink(p);
}

/* --- validate ----------------------------------------------------------- */

int resource_validate(struct resource *r, bool deep, struct resource_result *res)
{
	struct drbd_config dc;

	/* Node-local gaps are OCF_ERR_INSTALLED: Pacemaker then avoids this
	 * node only; OCF_ERR_CONFIGURED stops the resource everywhere. */
	if (!r->config || !*r->config)
		return fail(res, OCF_ERR_CONFIGURED, "the config parameter is not set");
	if (access(r->config, R_OK))
		return fail(res, OCF_ERR_INSTALLED, "config file %s is not readable on this node",
			    r->config);
	if (r->st.local && (!r->st.vg || !r->st.lv))
		return fail(res, OCF_ERR_CONFIGURED, "storage=local needs the volume_group and "
						     "logical_volume parameters (the disk /dev/VG/LV)");
	if (!r->st.shared && !r->st.ndrbd)
		return fail(res, OCF_ERR_CONFIGURED, "storage=drbd needs the drbd_resource parameter");
	if (r->st.stack == LVM_ABOVE && !r->st.vg)
		return fail(res, OCF_ERR_CONFIGURED, "lvm_stack=above needs the volume_group "
						     "parameter");
	for (int i = 0; !r->st.shared && i < r->st.ndrbd; i++) {
		int rc = drbd_config_load(r->st.drbd[i], &dc);
		if (rc == -ENOENT)
			return fail(res, OCF_ERR_INSTALLED, "DRBD resource %s is not configured on "
							    "this node",
				    r->st.drbd[i]);
		if (rc)
			return fail(res, OCF_ERR_INSTALLED, "cannot read the DRBD configuration of %s",
				    r->st.drbd[i]);
		if (strcmp(dc.protocol, "C"))
			return fail(res, OCF_ERR_CONFIGURED, "DRBD resource %s uses protocol %s: live "
							     "migration needs protocol C",
				    r->st.drbd[i], dc.protocol);
		if (dc.nhosts != 2)
			return fail(res, OCF_ERR_CONFIGURED, "DRBD resource %s has %d hosts: ferry "
							     "moves a domain between two",
				    r->st.drbd[i], dc.nhosts);
	}
	if (!deep && !r->name[0]) {
		/* The name only: libxlutil's parser, no `xl -N create` (the
		 * dry run costs seconds on a busy dom0, on every action). */
		char why[256];

		if (xen_config_name(r->config, r->name, sizeof(r->name), why, sizeof(why)))
			return fail(res, OCF_ERR_CONFIGURED, "%s", why);
		return ok(res);
	}
	if (deep) {
		struct xen *x;
		libxl_domain_config cfg;
		int rc;

		if (xen_open(&x))
			return fail(res, OCF_ERR_INSTALLED, "libxl is not available (not a Xen dom0?)");
		libxl_domain_config_init(&cfg);
		char nwhy[256];

		rc = xen_config_load(x, r->config, &cfg);
		/* The config's name enters ferry here: checked, never cut. */
		if (rc == 0 && name_check(NAME_DOMAIN, cfg.c_info.name, nwhy, sizeof(nwhy)))
			rc = -EBADMSG;
		if (rc == 0 && r->name[0] && strcmp(r->name, cfg.c_info.name))
			rc = -EXDEV;
		if (rc == 0 && !r->name[0])
			snprintf(r->name, sizeof(r->name), "%s", cfg.c_info.name);
		if (rc == -EBADMSG)
			fail(res, OCF_ERR_CONFIGURED, "config file %s: %s", r->config, nwhy);
		else if (rc == -EXDEV)
			fail(res, OCF_ERR_CONFIGURED, "domain_name %s differs from the name %s in %s",
			     r->name, cfg.c_info.name, r->config);
		else if (rc)
			fail(res, OCF_ERR_CONFIGURED, "config file %s is not a valid xl config",
			     r->config);
		libxl_domain_config_dispose(&cfg);
		xen_close(x);
		if (rc)
			return res->ocf;
	}
	return ok(res);
}

/* --- start -------------------------------------------------------------- */

/* The end of this action: Pacemaker's timeout less a margin in which the
 * action still undoes its work (a start killed by Pacemaker would leave a
 * half-built, paused domain behind). */
static int64_t action_deadline(const struct resource *r, int default_ms)
{
	int t = r->op_timeout_ms > 0 ? r->op_timeout_ms : default_ms;
	int margin = t / 10 > UNDO_MARGIN_MS ? t / 10 : UNDO_MARGIN_MS;

	return clock_ms() + (t > 2 * margin ? t - margin : t / 2);
}

static int left_ms(int64_t deadline)
{
	int64_t l = deadline - clock_ms();

	return l > 1000 ? (int)l : 1000;
}

/* libxl gives a device backend 10 s to appear and a hotplug script 40 s,
 * whatever the caller's timeout: on a loaded dom0 a creation can fail on
 * those alone (ERROR_TIMEDOUT, or EIO for a disk that did not attach) with
 * most of Pacemaker's start timeout left. libxl has destroyed what it
 * built by then; once dom0 has let go of it (its backends hold the disks),
 * the creation is tried again from the configuration file while a whole
 * attempt still fits. *@domid is the last attempt's, as xen_create's. */
static int create_retrying(struct xen *x, const struct resource *r, int64_t deadline,
			   uint32_t *domid)
{
	libxl_domain_config cfg;
	int rc;

	for (int attempt = 1;; attempt++) {
		*domid = XEN_NO_DOMID;
		libxl_domain_config_init(&cfg);
		rc = xen_config_load(x, r->config, &cfg);
		if (rc == 0)
			rc = xen_create(x, &cfg, r->config, false, left_ms(deadline), domid);
		libxl_domain_config_dispose(&cfg);
		if ((rc != -ETIMEDOUT && rc != -EIO) || attempt == CREATE_ATTEMPTS)
			return rc;
		if (*domid != XEN_NO_DOMID)
			xen_wait_released(x, *domid, deadline - CREATE_RETRY_MIN_MS);
		if (left_ms(deadline) <= CREATE_RETRY_MIN_MS)
			return rc;
		flog(FLOG_RESOURCE, LOG_WARNING, "%s: creating it failed on libxl's timeouts or a "
		     "device (%s), %d s of the start left: attempt %d of %d", r->name,
		     strerror(-rc), left_ms(deadline) / 1000, attempt + 1, CREATE_ATTEMPTS);
	}
}

/* Ledger CLAIM: no other node may run it. Already ours: no-op. After a
 * failover Pacemaker has fenced the old owner before this start, but
 * ferryd learns it from the fence history a moment later: an orphan whose
 * owner is not yet known fenced is asked again. A ferryd that is
 * restarting (a service restarted by its manager) is waited for too. */
static int claim(const struct resource *r, int64_t deadline, struct ferry_ipc_reply *lr)
{
	int64_t wait_until = clock_ms() + CLAIM_WAIT_MS;
	int rc;

	if (wait_until > deadline)
		wait_until = deadline;
	for (;;) {
		rc = ledger_client_claim(r->name, LEDGER_TIMEOUT_MS, lr);
		bool retry = rc == -ENOTCONN || rc == -ETIMEDOUT ||
			     (rc == 0 && lr->status == FERRY_E_NOTFENCED);
		if (!retry || clock_ms() > wait_until)
			return rc;
		flog(FLOG_RESOURCE, LOG_INFO, "%s: %s, waiting", r->name,
		     rc ? "ferryd does not answer yet" : "its old owner is not known fenced yet");
		sleep(2);
	}
}

/* storage=local: a move's journal left here (its runner died, or this node
 * rebooted mid-move) is recovered before the domain is started or stopped
 * here: 0, or -errno with the reason in res->why. */
static int local_settle(struct resource *r, struct resource_result *res)
{
	int rc = local_recover(r->name, res->why, sizeof(res->why));

	if (rc == -ENOENT) {
		res->why[0] = '\0';
		return 0;
	}
	if (rc)
		flog(FLOG_RESOURCE, LOG_CRIT, "%s: a half-done storage=local move here: %s", r->name,
		     res->why);
	else
		flog(FLOG_RESOURCE, LOG_WARNING, "%s: a half-done storage=local move here was settled",
		     r->name);
	return rc;
}

int resource_start(struct resource *r, struct resource_result *res)
{
	struct ferry_ipc_reply lr;
	struct xen_status st;
	struct xen *x;
	uint32_t domid = XEN_NO_DOMID;
	char why[256];
	int64_t deadline = action_deadline(r, START_DEFAULT_MS);
	int rc;

	if (resource_validate(r, false, res))
		return res->ocf;
	/* storage=local: a half-done move here settled first (the ledger says
	 * which way); then the disk, which lives on one node: said before the
	 * claim, as a node-local gap, so that Pacemaker looks elsewhere. */
	if (r->st.local && local_settle(r, res))
		return fail(res, OCF_ERR_GENERIC, "start of %s: %s", r->name, res->why);
	if (r->st.local) {
		bool active, stale = false;

		if (lvm_is_active(r->st.vg, r->st.lv, &active) == -ENOENT)
			return fail(res, OCF_ERR_INSTALLED, "storage=local: %s/%s does not exist on this "
				    "node (its disk lives on one node only)", r->st.vg, r->st.lv);
		if (lvm_is_stale(r->st.vg, r->st.lv, &stale) == 0 && stale)
			return fail(res, OCF_ERR_INSTALLED, "storage=local: %s/%s here is the stale copy "
				    "a move kept (tag " LVM_STALE_TAG "): not started from it; remove "
				    "it, or lvchange --deltag it if it is meant to run", r->st.vg,
				    r->st.lv);
		if (!active && lvm_activate(r->st.vg, r->st.lv))
			return fail(res, OCF_ERR_GENERIC, "storage=local: activating %s/%s failed",
				    r->st.vg, r->st.lv);
	}
	if (xen_open(&x))
		return fail(res, OCF_ERR_INSTALLED, "libxl is not available (not a Xen dom0?)");

	/* 1. Ledger CLAIM. A release left to ferryd by an earlier stop is
	 * withdrawn first, so that it can never follow this claim. */
	release_withdraw(r->name);
	rc = claim(r, deadline, &lr);
	if (ledger_client_verdict(rc, rc ? 0 : lr.status) != FERRY_OK) {
		ledger_why(rc, &lr, why, sizeof(why));
		xen_close(x);
		return fail(res, OCF_ERR_GENERIC, "start of %s refused by the ledger: %s", r->name,
			    why);
	}
	if (xen_status_get(x, r->name, &st))
		st.state = XEN_ABSENT;
	if (xen_status_alive(&st) && !st.migrating && !(st.state == XEN_PAUSED && !st.managed)) {
		xen_close(x);
		flog(FLOG_RESOURCE, LOG_INFO, "%s already runs here", r->name);
		return ok(res);
	}
	if (st.state == XEN_PAUSED && !st.managed && !st.migrating) {
		/* the half-built leftover of a start that was killed */
		flog(FLOG_RESOURCE, LOG_WARNING, "%s: destroying a half-created copy (domid %u)",
		     r->name, st.domid);
		xen_destroy(x, st.domid);
	}

	/* 2-3. Storage up and Primary here (refusing a Primary peer), LVM. */
	if (storage_up(&r->st, why, sizeof(why))) {
		fail(res, OCF_ERR_GENERIC, "%s", why);
		goto undo_storage;
	}

	/* 4. Create the domain and unpause it, within this action's time. */
	rc = create_retrying(x, r, deadline, &domid);
	if (rc) {
		fail(res, OCF_ERR_GENERIC, "creating domain %s failed: %s", r->name,
		     rc != -ETIMEDOUT ? strerror(-rc) :
		     left_ms(deadline) > 1000 ?
			"libxl's own timeout (a device backend or hotplug script too slow; "
			"see the log)" : "not done within the start's timeout");
		/* Its disks are held until dom0 lets go: the demote below
		 * needs them, and has the undo margin for it. */
		if (domid != XEN_NO_DOMID)
			xen_wait_released(x, domid, deadline + UNDO_MARGIN_MS / 2);
		goto undo_storage;
	}
	xen_close(x);
	flog(FLOG_RESOURCE, LOG_NOTICE, "%s started (domid %u)", r->name, domid);
	return ok(res);

undo_storage:
	storage_down(&r->st, why, sizeof(why));
	ledger_client_release(r->name, LEDGER_TIMEOUT_MS, &lr);
	xen_close(x);
	return res->ocf;
}

/* --- stop --------------------------------------------------------------- */

/* Release the domain if the ledger gives it to this node. A ferryd that is
 * restarting is waited for; one that stays away does not fail the stop
 * (a failed stop gets the node fenced): the release is left to ferryd,
 * which releases what does not run here when it is back (release marker). */
static int stop_release(struct resource *r, uint32_t me, struct resource_result *res)
{
	struct ledger_entry e;
	bool found = false;
	int64_t until = clock_ms() + RELEASE_WAIT_MS;
	int rc;

	while ((rc = ledger_lookup(r->name, &e, &found)) == -ENOTCONN || rc == -ETIMEDOUT) {
		if (clock_ms() > until)
			break;
		sleep(2);
	}
	if (rc) {
		release_later(r->name);
		flog(FLOG_RESOURCE, LOG_WARNING, "%s stopped; ferryd does not answer, so it releases "
						 "%s in the ledger when it is back",
		     r->name, r->name);
		return ok(res);
	}
	if (found && e.owner == me && e.state == LEDGER_RUNNING) {
		struct ferry_ipc_reply lr;
		char why[256];
		rc = ledger_client_release(r->name, LEDGER_TIMEOUT_MS, &lr);
		if (ledger_client_verdict(rc, rc ? 0 : lr.status) != FERRY_OK) {
			ledger_why(rc, &lr, why, sizeof(why));
			return fail(res, OCF_ERR_GENERIC, "%s stopped, but releasing it failed: %s",
				    r->name, why);
		}
	}
	flog(FLOG_RESOURCE, LOG_NOTICE, "%s stopped", r->name);
	return ok(res);
}

/* The domain started from @config here, found by the config path ferry
 * records with every domain it creates (xen_tag): how stop finds its
 * domain on a node where the config file is missing. */
static int name_by_config(struct xen *x, const char *config, char *name, size_t len)
{
	int nb = 0, rc = -ENOENT;
	libxl_dominfo *info = libxl_list_domain(xen_ctx(x), &nb);

	for (int i = 0; info && i < nb && rc; i++) {
		uint8_t *ud = NULL;
		int udlen = 0;
		char want[FERRY_IPC_PATH_MAX + 16];

		if (info[i].domid == 0 ||
		    libxl_userdata_retrieve(xen_ctx(x), info[i].domid, XEN_USERDATA_KEY, &ud, &udlen) ||
		    !ud)
			continue;
		snprintf(want, sizeof(want), "config=%s\n", config);
		if (memmem(ud, (size_t)udlen, want, strlen(want))) {
			char *n = libxl_domid_to_name(xen_ctx(x), info[i].domid);
			size_t k = n ? strlen(n) : 0;
			/* its in-flight names stop the same domain */
			if (k > strlen(XEN_INCOMING_SUFFIX) &&
			    !strcmp(n + k - strlen(XEN_INCOMING_SUFFIX), XEN_INCOMING_SUFFIX))
				n[k - strlen(XEN_INCOMING_SUFFIX)] = '\0';
			else if (k > strlen(XEN_MIGRATED_SUFFIX) &&
				 !strcmp(n + k - strlen(XEN_MIGRATED_SUFFIX), XEN_MIGRATED_SUFFIX))
				n[k - strlen(XEN_MIGRATED_SUFFIX)] = '\0';
			if (n && strlen(n) < len) {
				snprintf(name, len, "%s", n);
				rc = 0;
			}
			free(n);
		}
		free(ud);
	}
	if (info)
		libxl_dominfo_list_free(info, nb);
	return rc;
}

/* A guest reboot being handled by ferryd may take this long to end before
 * a stop goes on without it: within the cib-examples' stop timeout (180 s)
 * with the shutdown_timeout (60 s) after it. */
#define STOP_REBOOT_WAIT_MS (60 * 1000)

static int stop_named(struct xen *x, struct resource *r, uint32_t me, struct resource_result *res);

/* Shut down (destroy at the deadline) one copy. A paused copy cannot shut
 * down: the half-built leftover of a killed start is destroyed; a domain an
 * administrator paused is resumed first, then shut down cleanly. */
static int stop_copy(struct xen *x, struct resource *r, const char *n, uint32_t domid, bool main)
{
	struct xen_status st;

	if (!main)
		return xen_destroy(x, domid);
	if (xen_status_domid(x, domid, &st) == 0 && st.state == XEN_PAUSED) {
		if (!st.managed) {
			flog(FLOG_RESOURCE, LOG_WARNING, "%s (domid %u) is a half-created copy: "
							 "destroying it", n, domid);
			return xen_destroy(x, domid);
		}
		flog(FLOG_RESOURCE, LOG_NOTICE, "%s is paused: resuming it to shut it down", n);
		xen_unpause(x, domid);
	}
	return xen_shutdown(x, domid, r->shutdown_timeout_s * 1000, NULL);
}


int resource_stop(struct resource *r, struct resource_result *res)
{
	struct xen *x;
	uint32_t me = self_id();
	int rc;

	/* A demote refused while dom0's backends still hold a destroyed
	 * domain's disk (their teardown outlasts libxl's 10 s on a loaded
	 * host) waits for them with what is left of the stop, not 30 s: a
	 * failed stop fences the node (make cts: a guest's failed restart). */
	r->st.demote_until_ms = action_deadline(r, STOP_DEFAULT_MS);
	if (xen_open(&x)) {
		/* No libxl here: no domain can run here either. */
		flog(FLOG_RESOURCE, LOG_NOTICE, "libxl is not available: nothing runs here to stop");
		return ok(res);
	}
	if (!r->name[0] && (!r->config || access(r->config, R_OK))) {
		if (!r->config || name_by_config(x, r->config, r->name, sizeof(r->name))) {
			xen_close(x);
			flog(FLOG_RESOURCE, LOG_NOTICE, "config %s is missing here and no domain "
							"created from it runs: nothing to stop",
			     r->config ? r->config : "(none)");
			return ok(res);
		}
		flog(FLOG_RESOURCE, LOG_WARNING, "config %s is missing here: stopping %s, found by "
						 "its recorded config path", r->config, r->name);
	} else if (!r->name[0] && resource_validate(r, false, res)) {
		/* A gap of this node only (its DRBD resource not configured
		 * here): a start here failed on it, and Pacemaker stops what it
		 * tried. A failed stop fences the node, so stop whatever of the
		 * domain is here, found by its config's name (make cts: vm1
		 * placed on node3, outside its DRBD pair, got node3 fenced). */
		char nwhy[256];

		if (res->ocf != OCF_ERR_INSTALLED ||
		    xen_config_name(r->config, r->name, sizeof(r->name), nwhy, sizeof(nwhy))) {
			xen_close(x);
			return res->ocf == OCF_ERR_CONFIGURED ? res->ocf : OCF_ERR_GENERIC;
		}
		flog(FLOG_RESOURCE, LOG_WARNING, "%s: stopping whatever of %s is here all the same",
		     res->why, r->name);
		res->why[0] = '\0';
		ok(res);
	}
	/* A storage=local move left half-done here (its runner died): settled
	 * first, once the name is known, while the ledger still says where the
	 * domain is. Never a reason to fail a stop (that would fence the
	 * node). */
	if (r->st.local)
		local_settle(r, res);
	supervise_mark_set(r->name, "stopping", getpid());
	rc = stop_named(x, r, me, res);
	supervise_mark_clear(r->name, "stopping");
	return rc;
}

/* The stop of a domain whose name is known. A guest reboot that ferryd is
 * handling (destroy, then create from the same config) ends first, so
 * that the stop finds the new domain instead of racing its creation for
 * the disks: a demote that lost that race failed the stop and got the node
 * fenced (make cts: a guest's own reboot). The "stopping" marker keeps a
 * reboot from being restarted meanwhile. Closes @x. */
static int stop_named(struct xen *x, struct resource *r, uint32_t me, struct resource_result *res)
{
	static const char *const suffixes[] = {"", XEN_INCOMING_SUFFIX, XEN_MIGRATED_SUFFIX};
	struct ledger_entry e;
	bool found = false;
	char why[1024];
	int rc;

	if (supervise_mark_has(r->name, "rebooting")) {
		flog(FLOG_RESOURCE, LOG_NOTICE, "%s is rebooting (ferryd recreates it): waiting up to "
						"%d s for that before stopping it",
		     r->name, STOP_REBOOT_WAIT_MS / 1000);
		if (supervise_mark_wait_gone(r->name, "rebooting", STOP_REBOOT_WAIT_MS))
			flog(FLOG_RESOURCE, LOG_WARNING, "%s: its restart did not end in %d s: stopping "
							 "whatever of it is here now",
			     r->name, STOP_REBOOT_WAIT_MS / 1000);
	}
	rc = ledger_lookup(r->name, &e, &found);

	/* 1. Shut down (destroy at the deadline) whatever copy is here. */
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char n[PEER_NAME_MAX + 16];
		uint32_t domid;

		snprintf(n, sizeof(n), "%s%s", r->name, suffixes[i]);
		if (libxl_name_to_domid(xen_ctx(x), n, &domid))
			continue;
		if (i == 2 && (rc || !found || e.owner == me)) {
			/* Our half of a migration that failed after "go" and
			 * the ledger still gives it to us: it may be the only
			 * good copy. */
			xen_close(x);
			return fail(res, OCF_ERR_GENERIC, "%s is kept suspended after a failed "
							  "migration; resolve it by hand",
				    n);
		}
		rc = stop_copy(x, r, n, domid, i == 0);
		if (rc) {
			xen_close(x);
			return fail(res, OCF_ERR_GENERIC, "cannot stop %s: %s", n, strerror(-rc));
		}
	}
	xen_close(x);

	/* 2. LVM off, then DRBD Secondary: only "still Primary" fails. */
	if (storage_down(&r->st, why, sizeof(why)))
		return fail(res, OCF_ERR_GENERIC, "%s", why);
	storage_window_shut(&r->st);

	/* 3. Release, if the ledger gives it to this node. */
	return stop_release(r, me, res);
}

/* --- monitor ------------------------------------------------------------ */

/* ferryd cannot answer (stopped, restarting, hung): judge the domain by
 * libxl alone. A running guest stays "running" — a ferryd hiccup must
 * never make Pacemaker stop a domain — and the log says what was not
 * checked. */
static int monitor_local(struct resource *r, int why, struct resource_result *res)
{
	struct xen_status st;
	struct xen *x;
	int rc;

	if (r->probe && (!r->config || access(r->config, R_OK))) {
		res->ocf = OCF_NOT_RUNNING; /* probe on a node without the config */
		return res->ocf;
	}
	if (!r->name[0] && resource_validate(r, false, res))
		return res->ocf;
	if (xen_open(&x))
		return r->probe ? (res->ocf = OCF_NOT_RUNNING)
				: fail(res, OCF_ERR_GENERIC, "libxl is not available");
	rc = xen_status_get(x, r->name, &st);
	xen_close(x);
	if (rc)
		return fail(res, OCF_ERR_GENERIC, "cannot read the state of %s", r->name);
	if (st.state == XEN_ABSENT) {
		if (supervise_mark_has(r->name, "rebooting")) {
			snprintf(res->info, sizeof(res->info), "rebooting");
			return ok(res);
		}
		res->ocf = OCF_NOT_RUNNING;
		return res->ocf;
	}
	if (xen_status_rebooting(&st) ||
	    ((st.state == XEN_SHUTDOWN || st.state == XEN_DYING) &&
	     supervise_mark_has(r->name, "rebooting"))) {
		snprintf(res->info, sizeof(res->info), "rebooting");
		return ok(res);
	}
	if (!xen_status_alive(&st))
		return fail(res, OCF_ERR_GENERIC, "%s is %s here%s%s", r->name,
			    xen_state_name(st.state), st.state == XEN_SHUTDOWN ? ": " : "",
			    st.state == XEN_SHUTDOWN
				    ? libxl_shutdown_reason_to_string(st.shutdown_reason)
				    : "");
	flog(FLOG_RESOURCE, LOG_WARNING, "%s runs here; ferryd %s: ledger and DRBD not checked",
	     r->name, why == -ETIMEDOUT ? "does not answer" : "is not running");
	snprintf(res->info, sizeof(res->info), "ferryd %s: ledger and DRBD not checked",
		 why == -ETIMEDOUT ? "does not answer" : "is not running");
	return ok(res);
}

int resource_monitor(struct resource *r, struct resource_result *res)
{
	struct ferry_ipc_monitor m;
	int rc = resource_monitor_ask(r, &m);

	if (rc == 0 && (m.xen || m.status != FERRY_OK)) {
		rc = resource_monitor_verdict(r, &m, res);
		if (rc != OCF_SUCCESS && rc != OCF_NOT_RUNNING)
			flog(FLOG_RESOURCE, LOG_ERR, "%s", res->why);
		return rc;
	}
	return monitor_local(r, rc, res);
}

/* --- live migration ----------------------------------------------------- */


struct move_ctx {
	const struct storage *st;
	struct storage_move m;
	struct local_mover lm; /* storage=local */
};

/* Step 2, as migrate_send's hook: the window open, the target Primary. */
static int move_open(struct peer *p, void *arg, char *why, size_t len)
{
	struct move_ctx *c = arg;

	return storage_move_open(c->st, p, &c->m, why, len);
}

/* storage=local, step 2: the LV slipped over DRBD and synced to the target. */
static int local_prepare(struct peer *p, void *arg, char *why, size_t len)
{
	struct move_ctx *c = arg;

	return local_move_prepare(&c->lm, p, why, len);
}

/* storage=local, before go: the target's LV detached from DRBD. */
static int local_detach(struct peer *p, void *arg, char *why, size_t len)
{
	struct move_ctx *c = arg;

	return local_move_detach(&c->lm, p, why, len);
}

int resource_migrate_to(struct resource *r, const char *target, struct resource_result *res)
{
	struct move_ctx w = {.st = &r->st};
	struct migrate_opts mo = {.live = r->live, .config = r->config};
	struct migrate_slot slot;
	struct migrate_metrics m;
	struct ledger_entry e;
	struct peer *p;
	struct xen *x;
	char why[PEER_WHY_MAX] = "", tail[PEER_WHY_MAX] = "";
	bool found = false;
	int rc;

	if (resource_validate(r, false, res))
		return res->ocf;

	/* 1. Preflight: ours in the ledger, storage healthy, peer reachable. */
	rc = ledger_lookup(r->name, &e, &found);
	if (rc || !found || e.owner != self_id() || e.state != LEDGER_RUNNING)
		return fail(res, OCF_ERR_GENERIC, "migrate_to %s: the ledger does not give it to "
						  "this node",
			    r->name);
	if (storage_movable(&r->st, why, sizeof(why)))
		return fail(res, OCF_ERR_GENERIC, "migrate_to %s refused: %s", r->name, why);
	/* One of this node's outbound migration slots, for at most half the
	 * operation's timeout: a migration that starts later would likely be
	 * cut short by Pacemaker. The kernel frees it if we die. */
	rc = migrate_slot_take(r->name, clock_ms() + (r->op_timeout_ms > 0 ? r->op_timeout_ms :
						      MIGRATE_DEFAULT_MS) / 2,
			       &slot, why, sizeof(why));
	if (rc)
		return fail(res, OCF_ERR_GENERIC, "migrate_to %s refused: %s", r->name, why);
	if (xen_open(&x)) {
		migrate_slot_release(&slot);
		return fail(res, OCF_ERR_GENERIC, "libxl is not available");
	}
	rc = peer_connect(target, &r->peer, &p, why, sizeof(why));
	if (rc) {
		xen_close(x);
		migrate_slot_release(&slot);
		return fail(res, OCF_ERR_GENERIC, "migrate_to %s: %s", r->name, why);
	}

	/* storage=local: this node's pre-flight and the move's slot; its sync
	 * gets what is left of the operation's time, less a margin for the
	 * migration itself. */
	if (r->st.local) {
		rc = local_move_init(&w.lm, r->name, r->st.vg, r->st.lv, p->node, why, sizeof(why));
		if (rc) {
			peer_close(p);
			xen_close(x);
			migrate_slot_release(&slot);
			return fail(res, OCF_ERR_GENERIC, "migrate_to %s refused: %s", r->name, why);
		}
		w.lm.keep_source = r->st.keep_source;
		if (r->op_timeout_ms > 0)
			w.lm.sync_deadline = clock_ms() + r->op_timeout_ms * 6 / 10;
		mo.before_stream = local_prepare;
		mo.before_go = local_detach;
		mo.hook_arg = &w;
		mo.late_vg = r->st.vg; /* the target's LV is made by the move */
	}

	/* 2-5. Window, ledger begin, stream, commit, go (migrate.c). */
	if (!r->st.shared) {
		mo.before_stream = move_open;
		mo.hook_arg = &w;
		if (r->st.stack == LVM_ABOVE)
			mo.late_vg = r->st.vg; /* move_open activates it on the target */
	}
	enum migrate_result mr = migrate_send(x, p, r->name, &mo, &m);
	char sync_note[64] = "";
	xen_close(x);

	/* 6-7. Close the window; on failure also undo the target's storage. */
	if (!r->st.shared && mr != MIGRATE_UNCERTAIN)
		storage_move_close(&r->st, p, &w.m, mr == MIGRATE_OK, tail, sizeof(tail));
	if (r->st.local && local_move_finish(&w.lm, p, mr == MIGRATE_OK, mr == MIGRATE_UNCERTAIN,
					     tail, sizeof(tail)) && mr == MIGRATE_OK) {
		/* The domain runs on the target: the move succeeded, but not
		 * all of this node's cleanup. Said, not failed: failing
		 * migrate_to now would make Pacemaker recover a running domain. */
		flog(FLOG_RESOURCE, LOG_CRIT, "migrate_to %s: moved, but here: %s", r->name, tail);
	}
	peer_close(p);
	migrate_slot_release(&slot);
	if (r->st.local)
		snprintf(sync_note, sizeof(sync_note), " sync_ms=%lld disk_mib=%llu",
			 (long long)w.lm.sync_ms, (unsigned long long)(w.lm.r.sectors >> 11));
	if (mr != MIGRATE_OK)
		return fail(res, OCF_ERR_GENERIC, "migrate_to %s -> %s %s: %s%s", r->name, target,
			    mr == MIGRATE_UNCERTAIN ? "FAILED AFTER GO" :
			    mr == MIGRATE_REFUSED   ? "refused, nothing changed" : "failed",
			    m.why, tail);
	snprintf(res->info, sizeof(res->info),
		 "downtime_ms=%lld total_ms=%lld bytes=%llu mib_per_s=%.1f encrypted=%s ktls=%s%s",
		 (long long)m.downtime_ms, (long long)m.total_ms, (unsigned long long)m.bytes,
		 m.mib_per_s, m.encrypted ? "yes" : "no", m.ktls ? "yes" : "no", sync_note);
	return ok(res);
}

int resource_presync(struct resource *r, const char *target, bool cancel,
		     struct resource_result *res)
{
	struct local_mover lm;
	struct peer *p;
	char why[PEER_WHY_MAX] = "", tail[PEER_WHY_MAX] = "";
	int rc;

	if (resource_validate(r, false, res))
		return res->ocf;
	if (!r->st.local)
		return fail(res, OCF_ERR_CONFIGURED, "presync is for storage=local");
	rc = local_move_init(&lm, r->name, r->st.vg, r->st.lv, target, why, sizeof(why));
	if (rc == 0 && cancel && !lm.adopted)
		return fail(res, OCF_NOT_RUNNING, "no pre-sync of %s to %s here", r->name, target);
	if (rc)
		return fail(res, OCF_ERR_GENERIC, "presync %s: %s", r->name, why);
	rc = peer_connect(target, &r->peer, &p, why, sizeof(why));
	if (rc)
		return fail(res, OCF_ERR_GENERIC, "presync %s: %s", r->name, why);
	if (cancel) {
		rc = local_move_cancel(&lm, p, why, sizeof(why));
	} else {
		lm.hold = true;
		rc = local_move_prepare(&lm, p, why, sizeof(why));
		if (rc) {
			lm.hold = false;
			local_move_finish(&lm, p, false, false, tail, sizeof(tail));
		}
	}
	peer_close(p);
	if (rc)
		return fail(res, OCF_ERR_GENERIC, "presync %s -> %s%s: %s%s%s", r->name, target,
			    cancel ? " --cancel" : "", why, tail[0] ? "; " : "", tail);
	snprintf(res->info, sizeof(res->info), cancel ? "pre-sync to %s dropped" :
		 "pre-sync to %s under way over ferry-local-%u ('ferryctl drbd status "
		 "ferry-local-%u'); a move to %s takes it up", target, lm.r.slot, lm.r.slot, target);
	return ok(res);
}

int resource_migrate_from(struct resource *r, const char *source, struct resource_result *res)
{
	struct xen_status st;
	struct ledger_entry e;
	struct xen *x;
	char why[512];
	bool found = false;
	int rc;

	if (resource_validate(r, false, res))
		return res->ocf;
	if (xen_open(&x))
		return fail(res, OCF_ERR_GENERIC, "libxl is not available");
	rc = xen_status_get(x, r->name, &st);
	xen_close(x);
	/* migrate_to has returned by now: the outcome is final, no polling. */
	if (rc || !xen_status_alive(&st) || st.migrating)
		return fail(res, OCF_ERR_GENERIC, "migrate_from %s: the domain does not run here "
						  "after the migration from %s",
			    r->name, source ? source : "?");
	rc = ledger_lookup(r->name, &e, &found);
	if (rc || !found || e.owner != self_id() || e.state != LEDGER_RUNNING)
		return fail(res, OCF_ERR_GENERIC, "migrate_from %s: the ledger does not give it to "
						  "this node",
			    r->name);
	/* migrate_to could not close our end: do it now. While the source is
	 * still Primary (its backends held the disk past migrate_to) it must
	 * stay open, and the move has succeeded all the same: the domain runs
	 * here and only here. Failing would make Pacemaker see the domain
	 * "active on 2 nodes" and restart it (make cts, seed 1234). The
	 * source's stop demotes it and closes the window on both ends
	 * (storage_window_shut). If that stop fails, the source is fenced and
	 * this end stays open until the source's DRBD comes back up, which
	 * asks us to close it first (storage_replica_up; README,
	 * migrate_from). */
	if (storage_window_leftover(&r->st, why, sizeof(why)) == -EBUSY) {
		flog(FLOG_RESOURCE, LOG_WARNING, "migrate_from %s: the window stays open: %s; the "
						 "stop of the source closes it",
		     r->name, why);
		snprintf(res->info, sizeof(res->info), "source %s still Primary: window open",
			 source ? source : "?");
	}
	return ok(res);
}
