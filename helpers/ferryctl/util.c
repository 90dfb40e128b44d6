/* What every ferryctl command group shares: logging, JSON strings. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "flog.h"

#include "ferryctl.h"

void ferryctl_log_init(int verbosity)
{
	/* syslog with subsystem tags (flog), and stderr without decoration
	 * at the verbosity asked for: warnings and errors by default. */
	flog_init("ferryctl", false, verbosity >= LOG_DEBUG);
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_REMOVE, QB_LOG_FILTER_FILE, "*", LOG_TRACE);
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", verbosity);
	qb_log_format_set(QB_LOG_STDERR, "ferryctl: %b");
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
