/* LVM activation through lvm2's commands (see lvm.h). Names go after "--"
 * and are checked with name_check() first: `vgchange -ay --config=...`
 * would otherwise be an option. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "lvm.h"
#include "names.h"
#include "proc.h"

#define LVM_TIMEOUT 60000

/* "VG" or "VG/LV" into @target, both names checked (the backstop under
 * every entry point's own check). */
static int lvm_target(const char *vg, const char *lv, char *target, size_t len)
{
	char why[400];

	if (name_check(NAME_VG, vg, why, sizeof(why)) ||
	    (lv && name_check(NAME_LV, lv, why, sizeof(why)))) {
		flog(FLOG_LVM, LOG_ERR, "lvm: refused: %s", why);
		return -EINVAL;
	}
	if (snprintf(target, len, lv ? "%s/%s" : "%s", vg, lv) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int lvm_change(const char *vg, const char *lv, bool on)
{
	char target[256];
	char *lvchange[] = {"lvchange", "-q", on ? "-ay" : "-an", "--", target, NULL};
	char *vgchange[] = {"vgchange", "-q", on ? "-ay" : "-an", "--", target, NULL};
	struct proc_result r;
	int rc = lvm_target(vg, lv, target, sizeof(target));

	if (rc)
		return rc;
	rc = proc_run(lv ? lvchange : vgchange, LVM_TIMEOUT, &r);
	if (rc == 0 && proc_exit_code(&r) != 0) {
		flog(FLOG_LVM, LOG_ERR, "lvm: %s %s failed: %s", on ? "activating" : "deactivating", target,
		       proc_err_tail(&r));
		rc = -EIO;
	}
	if (rc == 0)
		flog(FLOG_LVM, LOG_INFO, "lvm: %s %s", target, on ? "active" : "inactive");
	proc_result_free(&r);
	return rc;
}

int lvm_activate(const char *vg, const char *lv)
{
	return lvm_change(vg, lv, true);
}

int lvm_deactivate(const char *vg, const char *lv)
{
	return lvm_change(vg, lv, false);
}

int lvm_attr_active(const char *out, bool *active)
{
	while (*out && isspace((unsigned char)*out))
		out++;
	/* lv_attr: 10 characters, the 5th is the state: 'a' active. */
	if (strlen(out) < 5 || isspace((unsigned char)out[4]))
		return -EINVAL;
	*active = out[4] == 'a';
	return 0;
}

/* One field of lvm2's report on VG/LV (lvs), or on VG (vgs, @lv NULL), into
 * @out: 0, -ENOENT when there is no such LV or VG, or -errno. */
static int report(const char *vg, const char *lv, const char *field, char *out, size_t len)
{
	char target[256];
	char *lvs[] = {"lvs", "--noheadings", "-o", (char *)field, "--", target, NULL};
	char *vgs[] = {"vgs", "--noheadings", "--units", "s", "--nosuffix", "-o", (char *)field,
		       "--", target, NULL};
	struct proc_result r;
	int rc = lvm_target(vg, lv, target, sizeof(target));

	if (rc)
		return rc;
	rc = proc_run(lv ? lvs : vgs, LVM_TIMEOUT, &r);
	if (rc == 0 && proc_exit_code(&r) != 0)
		rc = -ENOENT;
	if (rc == 0)
		snprintf(out, len, "%s", r.out ? r.out : "");
	proc_result_free(&r);
	return rc;
}

int lvm_is_active(const char *vg, const char *lv, bool *active)
{
	char out[256];
	int rc = lv ? report(vg, lv, "lv_attr", out, sizeof(out)) : -EINVAL;

	return rc ? rc : lvm_attr_active(out, active);
}

/* Runs an lvm2 command that changes metadata; -EIO (logged) when it fails. */
static int lvm_run(char *const argv[], const char *what, const char *target)
{
	struct proc_result r;
	int rc = proc_run(argv, LVM_TIMEOUT, &r);

	if (rc == 0 && proc_exit_code(&r) != 0) {
		flog(FLOG_LVM, LOG_ERR, "lvm: %s %s failed: %s", what, target, proc_err_tail(&r));
		rc = -EIO;
	}
	if (rc == 0)
		flog(FLOG_LVM, LOG_NOTICE, "lvm: %s %s", what, target);
	proc_result_free(&r);
	return rc;
}

int lvm_retire(const char *vg, const char *lv)
{
	char target[256];
	char *argv[] = {"lvchange", "-q", "-an", "--addtag", LVM_STALE_TAG, "--", target, NULL};
	int rc = lv ? lvm_target(vg, lv, target, sizeof(target)) : -EINVAL;

	return rc ? rc : lvm_run(argv, "kept, inactive and tagged " LVM_STALE_TAG ":", target);
}

int lvm_is_stale(const char *vg, const char *lv, bool *stale)
{
	char out[1024];
	int rc = lv ? report(vg, lv, "lv_tags", out, sizeof(out)) : -EINVAL;

	if (rc == 0)
		*stale = lvm_tags_have(out, LVM_STALE_TAG);
	return rc;
}

bool lvm_tags_have(const char *out, const char *tag)
{
	size_t n = strlen(tag);

	/* "  tag1,tag2\n": the tag whole, between separators */
	for (const char *p = out; (p = strstr(p, tag)); p += n)
		if ((p == out || strchr(" ,\t", p[-1])) && strchr(" ,\t\n", p[n]))
			return true;
	return false;
}

int lvm_vg_free(const char *vg, uint64_t *sectors)
{
	char out[256];
	unsigned long long n;
	int rc = report(vg, NULL, "vg_free", out, sizeof(out));

	if (rc == 0)
		rc = lvm_parse_sectors(out, &n);
	if (rc == 0)
		*sectors = n;
	return rc;
}

int lvm_parse_sectors(const char *out, unsigned long long *n)
{
	char *end;

	while (*out == ' ' || *out == '\t')
		out++;
	if (!isdigit((unsigned char)*out))
		return -EINVAL;
	errno = 0;
	*n = strtoull(out, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return errno || *end ? -EINVAL : 0;
}


int lvm_create(const char *vg, const char *lv, uint64_t sectors)
{
	char target[256], size[32];
	char *argv[] = {"lvcreate", "-q", "-y", "-Zy", "-Wy", "-L", size, "-n", (char *)lv,
			"--", (char *)vg, NULL};
	bool active;
	int rc = lvm_target(vg, lv, target, sizeof(target));

	if (rc)
		return rc;
	if (sectors == 0)
		return -EINVAL;
	rc = lvm_is_active(vg, lv, &active);
	if (rc != -ENOENT)
		return rc ? rc : -EEXIST;
	snprintf(size, sizeof(size), "%" PRIu64 "s", sectors);
	return lvm_run(argv, "created", target);
}

int lvm_remove(const char *vg, const char *lv)
{
	char target[256];
	char *argv[] = {"lvremove", "-q", "-y", "--", target, NULL};
	bool active;
	int rc = lv ? lvm_target(vg, lv, target, sizeof(target)) : -EINVAL;

	if (rc)
		return rc;
	rc = lvm_is_active(vg, lv, &active);
	if (rc)
		return rc;
	return lvm_run(argv, "removed", target);
}
