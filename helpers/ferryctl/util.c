/* What every ferryctl command group shares: logging, dispatch, JSON strings. */
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

int ferryctl_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

int ferryctl_dispatch(const char *group, const struct ferryctl_command *table, size_t n,
		      const char *help, int argc, char **argv)
{
	FILE *f = stdout;

	if (argc >= 2 && strcmp(argv[1], "-h") && strcmp(argv[1], "--help")) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(argv[1], table[i].name))
				return table[i].run(argc - 1, argv + 1);
		fprintf(stderr, "ferryctl %s: unknown subcommand '%s'\n", group, argv[1]);
		f = stderr;
	} else if (argc < 2) {
		f = stderr;
	}
	fprintf(f, "usage: ferryctl %s SUBCOMMAND [ARGS]\n\n", group);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-14s %s\n", table[i].name, table[i].summary);
	if (help)
		fprintf(f, "\n%s", help);
	return f == stdout ? FERRYCTL_EXIT_OK : FERRYCTL_EXIT_USAGE;
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
