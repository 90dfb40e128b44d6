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
#include <string.h>
#include <unistd.h>

#include "flog.h"

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
