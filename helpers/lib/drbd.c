/* Local DRBD operations through drbd-utils: up, promote, demote, the
 * dual-primary flag, waiting for sync. Each step re-reads the state from
 * events2 rather than trusting a command's exit code.
 *
 * Every resource name is an operand after "--" (drbdadm and drbdsetup
 * parse options with getopt_long, which stops there), and is checked with
 * name_check() first: drbdadm passes it on to drbdsetup without "--", and
 * reads "all", "minor-N", "RES/VOL" and "RES:PEER" its own way. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"

#include "clock.h"
#include "drbd.h"
#include "drbd_sendpage.h"
#include "names.h"
#include "proc.h"

#define DRBD_TIMEOUT 60000

/* The backstop under every entry point's own check: a name that is not a
 * DRBD resource name never reaches drbd-utils. */
static int res_ok(const char *res, char *why, size_t len)
{
	char w[400];

	if (name_check(NAME_DRBD, res, w, sizeof(w)) == 0)
		return 0;
	flog(FLOG_DRBD, LOG_ERR, "drbd: refused: %s", w);
	if (why && len)
		snprintf(why, len, "%s", w);
	return -EINVAL;
}

/* "drbdadm primary -- r0": a command line for logs. */
static void argv_text(char *const argv[], char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
}

/* Runs a drbd-utils command; on failure logs its stderr and copies the
 * last line to @why. */
static int drbd_run(char *const argv[], char *why, size_t len)
{
	struct proc_result r;
	int rc = proc_run(argv, DRBD_TIMEOUT, &r);

	/* A drbdadm killed at the timeout (a promotion waiting for the
	 * fence-peer handler) says nothing on stderr: say that it hung. */
	if (rc || proc_exit_code(&r) != 0) {
		char cmd[256], fail[512];

		argv_text(argv, cmd, sizeof(cmd));
		proc_failure(rc, DRBD_TIMEOUT, &r, fail, sizeof(fail));
		flog(FLOG_DRBD, LOG_ERR, "drbd: %s failed: %s", cmd, fail);
		if (why && rc)
			snprintf(why, len, "%s %s", cmd, fail);
		else if (why)
			snprintf(why, len, "%s", fail);
		rc = rc ? rc : -EIO;
	}
	proc_result_free(&r);
	return rc;
}

static int state_of(const char *res, bool stats, struct drbd_resource *r)
{
	char *plain[] = {"drbdsetup", "events2", "--now", "--", (char *)res, NULL};
	char *with[] = {"drbdsetup", "events2", "--now", "--statistics", "--", (char *)res, NULL};
	char **argv = stats ? with : plain;
	struct proc_result pr;
	int rc = res_ok(res, NULL, 0);

	if (rc)
		return rc;
	rc = proc_run(argv, DRBD_TIMEOUT, &pr);

	if (rc == 0 && proc_exit_code(&pr) != 0) {
		/* An unknown resource still prints "exists -" and exits 0;
		 * a failure here means drbd-utils itself could not run. */
		flog(FLOG_DRBD, LOG_ERR, "drbd: events2 for %s failed: %s", res, proc_err_tail(&pr));
		rc = -EIO;
	}
	if (rc == 0)
		rc = drbd_events_parse(pr.out ? pr.out : "", res, r);
	proc_result_free(&pr);
	return rc;
}

int drbd_state(const char *res, struct drbd_resource *r)
{
	return state_of(res, false, r);
}

int drbd_state_stats(const char *res, struct drbd_resource *r)
{
	return state_of(res, true, r);
}

int drbd_up(const char *res)
{
	char *argv[] = {"drbdadm", "up", "--", (char *)res, NULL};
	struct drbd_resource r;
	int rc = drbd_state(res, &r);

	if (rc == 0 && !r.exists && (rc = drbd_run(argv, NULL, 0)) == 0)
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is up", res);
	if (rc == 0) /* the module is loaded now (drbdadm up loads it) */
		drbd_sendpage_off(DRBD_SENDPAGE_PARAM);
	return rc;
}

int drbd_down(const char *res)
{
	char *argv[] = {"drbdadm", "down", "--", (char *)res, NULL};
	struct drbd_resource r;
	int rc = drbd_state(res, &r);

	if (rc || !r.exists)
		return rc;
	return drbd_run(argv, NULL, 0);
}

int drbd_up_conf(const char *conf, const char *res, bool primary, char *why, size_t len)
{
	char *create[] = {"drbdadm", "-c", (char *)conf, "create-md", "--force", "--", (char *)res,
			  NULL};
	char *up[] = {"drbdadm", "-c", (char *)conf, "up", "--", (char *)res, NULL};
	char *promote[] = {"drbdadm", "-c", (char *)conf, "primary", "--force", "--",
			   (char *)res, NULL};
	struct drbd_resource r;
	int rc = res_ok(res, why, len);

	if (rc == 0)
		rc = drbd_state(res, &r);
	if (rc == 0 && !r.exists) {
		rc = drbd_run(create, why, len);
		if (rc == 0)
			rc = drbd_run(up, why, len);
	}
	if (rc == 0 && primary)
		rc = drbd_run(promote, why, len);
	if (rc == 0) {
		drbd_sendpage_off(DRBD_SENDPAGE_PARAM);
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is up (%s)%s", res, conf,
		     primary ? ", Primary: its data is the truth" : "");
	}
	return rc;
}

int drbd_setup_down(const char *res)
{
	char *argv[] = {"drbdsetup", "down", "--", (char *)res, NULL};
	struct drbd_resource r;
	int rc = res_ok(res, NULL, 0);

	if (rc == 0)
		rc = drbd_state(res, &r);
	if (rc || !r.exists)
		return rc;
	rc = drbd_run(argv, NULL, 0);
	if (rc == 0)
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is down", res);
	return rc;
}

int drbd_two_primaries(const char *res, bool *allowed)
{
	char *argv[] = {"drbdsetup", "show", "--show-defaults", "--", (char *)res, NULL};
	struct proc_result pr;
	int rc = res_ok(res, NULL, 0);

	if (rc)
		return rc;
	rc = proc_run(argv, DRBD_TIMEOUT, &pr);

	if (rc == 0 && proc_exit_code(&pr) != 0)
		rc = -ENOENT;
	if (rc == 0)
		rc = drbd_show_two_primaries(pr.out ? pr.out : "", allowed);
	proc_result_free(&pr);
	return rc;
}

int drbd_set_two_primaries(const char *res, bool allow)
{
	char *argv[] = {"drbdadm", "net-options",
			allow ? "--allow-two-primaries=yes" : "--allow-two-primaries=no", "--",
			(char *)res, NULL};
	char why[256] = "";
	int rc = res_ok(res, NULL, 0);

	if (rc)
		return rc;
	rc = drbd_run(argv, why, sizeof(why));

	if (rc == 0)
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s allow-two-primaries=%s", res, allow ? "yes" : "no");
	return rc;
}

/* drbd_state() of a resource that must be up: -ENOENT with why if not. */
static int drbd_state_up(const char *res, struct drbd_resource *r, char *why, size_t len)
{
	int rc = drbd_state(res, r);

	if (rc == 0 && !r->exists) {
		snprintf(why, len, "resource %s is not up", res);
		rc = -ENOENT;
	}
	return rc;
}

int drbd_window_set(const char *res, bool open, char *why, size_t len)
{
	struct drbd_resource r;
	int rc = drbd_state_up(res, &r, why, len);

	if (rc)
		return rc;
	/* DRBD cannot clear the flag while both sides are Primary. */
	if (!open && drbd_is_primary(&r) && drbd_peer_is_primary(&r)) {
		snprintf(why, len, "both sides of %s are Primary: demote one first", res);
		return -EBUSY;
	}
	rc = drbd_set_two_primaries(res, open);
	if (rc)
		snprintf(why, len, "drbdadm net-options on %s failed", res);
	return rc;
}

int drbd_promote(const char *res, char *why, size_t len)
{
	char *argv[] = {"drbdadm", "primary", "--", (char *)res, NULL};
	struct drbd_resource r;
	bool window = false;
	int rc = drbd_state_up(res, &r, why, len);

	if (rc)
		return rc;
	if (drbd_is_primary(&r))
		return 0;
	for (int i = 0; i < r.nvolumes; i++)
		if (strcmp(r.volumes[i].disk, "UpToDate")) {
			snprintf(why, len, "data of %s/%d is not UpToDate (disk: %s)", res,
				 r.volumes[i].volume, r.volumes[i].disk);
			return -ESTALE;
		}
	if (drbd_peer_is_primary(&r)) {
		drbd_two_primaries(res, &window);
		if (!window) {
			snprintf(why, len, "the peer is Primary and the dual-primary window of %s is "
					   "closed",
				 res);
			return -EBUSY;
		}
	}
	rc = drbd_run(argv, why, len);
	if (rc == 0 && (rc = drbd_state(res, &r)) == 0 && !drbd_is_primary(&r)) {
		snprintf(why, len, "%s did not become Primary", res);
		rc = -EIO;
	}
	if (rc == 0)
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is Primary here", res);
	return rc;
}

/* How long a demote waits for a kernel-only opener to let go. */
#define DEMOTE_SETTLE_MS 30000

/* drbdadm secondary, then the state re-read into @r: 0 when Secondary. */
static int demote_once(char *const argv[], const char *res, struct drbd_resource *r, char *why,
		       size_t len)
{
	int rc = drbd_run(argv, why, len);

	if (rc == 0 && (rc = drbd_state(res, r)) == 0 && drbd_is_primary(r))
		rc = -EIO;
	return rc;
}

int drbd_demote(const char *res, char *why, size_t len)
{
	return drbd_demote_until(res, clock_ms() + DEMOTE_SETTLE_MS, why, len);
}

int drbd_demote_until(const char *res, int64_t until_ms, char *why, size_t len)
{
	char *argv[] = {"drbdadm", "secondary", "--", (char *)res, NULL};
	struct drbd_resource r;
	int rc = drbd_state(res, &r);

	if (rc || !r.exists || !drbd_is_primary(&r))
		return rc;
	char who[512];
	rc = demote_once(argv, res, &r, why, len);
	/* Held by the kernel alone, no process and no holder: the block
	 * backend of a Xen domain just destroyed, which lets go when its
	 * teardown ends, seconds later on a loaded host. Waited for, because
	 * a stop that fails here gets the node fenced. */
	if (rc && r.exists && drbd_openers(&r, who, sizeof(who)) == 0) {
		flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is held by the kernel alone (a Xen block backend "
					    "being torn down?): retrying for up to %lld s",
		     res, (long long)(until_ms - clock_ms()) / 1000);
		while (rc && clock_ms() < until_ms) {
			sleep(2);
			rc = demote_once(argv, res, &r, why, len);
			if (rc && (!r.exists || drbd_openers(&r, who, sizeof(who)) > 0))
				break;
		}
	}
	if (rc) {
		drbd_openers(&r, who, sizeof(who));
		snprintf(why, len, "%s is still Primary: held open by %s", res, who);
		flog(FLOG_DRBD, LOG_ERR, "drbd: %s", why);
		return -EBUSY;
	}
	flog(FLOG_DRBD, LOG_NOTICE, "drbd: %s is Secondary here", res);
	return 0;
}

int drbd_outdate(const char *res, char *why, size_t len)
{
	char *argv[] = {"drbdadm", "outdate", "--", (char *)res, NULL};
	struct drbd_resource r;
	int rc = drbd_state(res, &r);

	if (rc) {
		snprintf(why, len, "cannot read the state of %s here", res);
		return rc;
	}
	/* DRBD refuses these too; saying why here names the case. */
	if (r.exists && drbd_is_primary(&r)) {
		snprintf(why, len, "%s is Primary here", res);
		return -EBUSY;
	}
	for (int i = 0; r.exists && i < r.npeers; i++)
		if (!strcmp(r.peers[i].connection, "Connected")) {
			snprintf(why, len, "%s is still connected to its peer here", res);
			return -EBUSY;
		}
	/* Up: a state change; down: drbdmeta marks the metadata. */
	rc = drbd_run(argv, why, len);
	if (rc == 0)
		flog(FLOG_DRBD, LOG_WARNING,
		     "drbd: %s marked Outdated here: it cannot be promoted until a resync "
		     "from its peer mends it",
		     res);
	return rc;
}

/* Appends "what, " to buf. */
static void add(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);
	if (n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", what);
}

int drbd_openers(const struct drbd_resource *r, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX], what[PATH_MAX + 64];
	struct dirent *d, *f;
	DIR *dir;
	int found = 0;

	buf[0] = '\0';
	for (int v = 0; v < r->nvolumes; v++) {
		int minor = r->volumes[v].minor;
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/drbd%d", minor);
		/* Device-mapper on top (LVM stacked on DRBD). */
		snprintf(path, sizeof(path), "/sys/block/drbd%d/holders", minor);
		if ((dir = opendir(path))) {
			while ((d = readdir(dir)))
				if (d->d_name[0] != '.') {
					snprintf(what, sizeof(what), "holder %s", d->d_name);
					add(buf, len, what);
					found++;
				}
			closedir(dir);
		}
		/* Processes with the device open. */
		if (!(dir = opendir("/proc")))
			continue;
		while ((d = readdir(dir))) {
			DIR *fds;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
			if (!(fds = opendir(path)))
				continue;
			while ((f = readdir(fds))) {
				char fdp[PATH_MAX + 300];
				ssize_t n;
				snprintf(fdp, sizeof(fdp), "%s/%s", path, f->d_name);
				n = readlink(fdp, link, sizeof(link) - 1);
				if (n <= 0)
					continue;
				link[n] = '\0';
				if (strcmp(link, dev))
					continue;
				char comm[64] = "?";
				snprintf(fdp, sizeof(fdp), "/proc/%s/comm", d->d_name);
				FILE *c = fopen(fdp, "r");
				if (c) {
					if (fgets(comm, sizeof(comm), c))
						comm[strcspn(comm, "\n")] = '\0';
					fclose(c);
				}
				snprintf(what, sizeof(what), "process %s (pid %s)", comm, d->d_name);
				add(buf, len, what);
				found++;
				break;
			}
			closedir(fds);
		}
		closedir(dir);
	}
	if (!buf[0])
		snprintf(buf, len, "no process or holder found here (a Xen domain's disk?)");
	return found;
}

int drbd_wait_synced(const char *res, int timeout_ms, struct drbd_resource *r)
{
	char *argv[] = {"drbdsetup", "events2", "--", (char *)res, NULL};
	struct drbd_events_stream *es;
	int64_t deadline;
	char buf[4096];
	pid_t pid;
	int fd, rc = res_ok(res, NULL, 0);

	if (rc)
		return rc;
	es = malloc(sizeof(*es));
	if (!es)
		return -ENOMEM;
	/* Follow the event stream instead of polling; then re-read with
	 * --now, since a dropped link can look like "done" to wait-sync. */
	rc = proc_spawn_reader(argv, &pid, &fd);
	if (rc) {
		free(es);
		return rc;
	}
	drbd_events_stream_init(es, res, r);
	deadline = clock_ms() + timeout_ms;
	rc = -ETIMEDOUT;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - clock_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			rc = -EIO;
			break;
		}
		drbd_events_feed(es, buf, (size_t)n);
		/* Judge only once the initial dump is complete. */
		if (es->dumped && r->exists && drbd_healthy(r, NULL, 0)) {
			rc = 0;
			break;
		}
	}
	free(es);
	proc_stop(pid, fd);
	if (rc == 0 && (rc = drbd_state(res, r)) == 0 && !drbd_healthy(r, NULL, 0))
		rc = -EAGAIN;
	return rc;
}
