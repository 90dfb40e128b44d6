/* xl config files to libxl_domain_config. xl's parser is not exported, so
 * `xl -N create -f FILE` (a dry run that prints libxl's JSON) does the
 * parsing and applies xl.conf's defaults exactly as xl create would. This is
 * the only xl subprocess ferry runs.
 *
 * The file is the argument of -f, not an operand: xl create reads every
 * operand holding '=' as an extra config line (`xl create vm.cfg memory=1`),
 * even after "--", and an operand beginning with '-' as options. The
 * argument of -f is taken whole, whatever it holds. */
#include <errno.h>
#include <libxlutil.h>
#include <stdlib.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"

#include "ledger.h"
#include "proc.h"
#include "xen.h"

#define XL_TIMEOUT_MS 30000


int xen_config_load(struct xen *x, const char *path, libxl_domain_config *cfg)
{
	char *argv[] = {"xl", "-N", "create", "-f", (char *)path, NULL};
	struct proc_result r;
	int rc;

	if (!*path) {
		flog(FLOG_XEN, LOG_ERR, "config: no file name");
		return -EINVAL;
	}
	if (access(path, R_OK)) {
		rc = -errno;
		flog(FLOG_XEN, LOG_ERR, "config %s: %s", path, strerror(errno));
		return rc;
	}
	rc = proc_run(argv, XL_TIMEOUT_MS, &r);
	if (rc == 0 && (proc_exit_code(&r) != 0 || !r.out_len)) {
		flog(FLOG_XEN, LOG_ERR, "config %s is not valid for xl: %s", path, proc_err_tail(&r));
		rc = -EINVAL;
	}
	if (rc == 0 && libxl_domain_config_from_json(xen_ctx(x), cfg, r.out)) {
		flog(FLOG_XEN, LOG_ERR, "config %s: libxl rejects xl's JSON", path);
		rc = -EINVAL;
	}
	if (rc == 0 && (!cfg->c_info.name || !*cfg->c_info.name)) {
		flog(FLOG_XEN, LOG_ERR, "config %s has no domain name", path);
		rc = -EINVAL;
	}
	proc_result_free(&r);
	return rc;
}

/* ferry-block: next to this binary (ferryctl-full and ferry-block share
 * a directory, in the build tree and once installed). */
static bool block_script(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0 || (size_t)n + sizeof("/ferry-block") > len)
		return false;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return false;
	*slash = '\0';
	memcpy(buf, self, strlen(self));
	strcpy(buf + strlen(self), "/ferry-block");
	return access(buf, X_OK) == 0;
}

void xen_disks_fast_hotplug(libxl_domain_config *cfg)
{
	char script[PATH_MAX + 16];

	if (!block_script(script, sizeof(script)))
		return; /* Xen's own script then */
	for (int i = 0; i < cfg->num_disks; i++) {
		libxl_device_disk *d = &cfg->disks[i];
		const char *old = d->script;

		if (!d->pdev_path || strncmp(d->pdev_path, "/dev/", 5) ||
		    (d->backend != LIBXL_DISK_BACKEND_PHY && d->backend != LIBXL_DISK_BACKEND_UNKNOWN) ||
		    (d->format != LIBXL_DISK_FORMAT_RAW && d->format != LIBXL_DISK_FORMAT_UNKNOWN))
			continue;
		/* an administrator's own script stays; ours is this node's */
		if (old && strcmp(strrchr(old, '/') ? strrchr(old, '/') + 1 : old, "ferry-block"))
			continue;
		free(d->script);
		d->script = strdup(script);
	}
}

int xen_config_name(const char *path, char *name, size_t len, char *why, size_t wlen)
{
	char *report = NULL;
	size_t rlen = 0;
	FILE *rf = open_memstream(&report, &rlen);
	XLU_Config *cfg = xlu_cfg_init(rf ? rf : stderr, path);
	const char *v = NULL;
	int rc = -EINVAL;

	if (!cfg) {
		snprintf(why, wlen, "cannot parse %s: out of memory", path);
		rc = -ENOMEM;
	} else if (xlu_cfg_readfile(cfg, path)) {
		if (rf)
			fflush(rf);
		snprintf(why, wlen, "%s is not a valid xl config%s%.160s", path,
			 report && report[0] ? ": " : "", report ? report : "");
	} else if (xlu_cfg_get_string(cfg, "name", &v, 0) || !v || !v[0]) {
		snprintf(why, wlen, "%s has no domain name", path);
	} else if (strlen(v) >= len || !ledger_name_valid(v)) {
		snprintf(why, wlen, "%s: '%.64s' is not a valid domain name", path, v);
	} else {
		snprintf(name, len, "%s", v);
		rc = 0;
	}
	if (cfg)
		xlu_cfg_destroy(cfg);
	if (rf)
		fclose(rf);
	free(report);
	/* libxlutil's report ends in a newline: keep the reason one line */
	for (char *p = why; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return rc;
}
