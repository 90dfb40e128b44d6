/* ferryctl's documentation, made from the command tables (command.h):
 * every --help, the lines bash completion reads (--list) and the man
 * page's COMMANDS and EXIT STATUS sections (--man). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

#define COL 26 /* where an option's or a command's description starts */

static void option_line(FILE *f, const struct cmd_option *o)
{
	char left[128];
	int n;

	n = snprintf(left, sizeof(left), "  %s%c%s--%s%s%s", o->letter ? "-" : "",
		     o->letter ? o->letter : ' ', o->letter ? ", " : "  ", o->name,
		     o->type == CMD_FLAG ? "" : " ", o->type == CMD_FLAG ? "" : o->value);
	if (!o->letter) /* "      --name": aligned under "  -x, --name" */
		n = snprintf(left, sizeof(left), "      --%s%s%s", o->name,
			     o->type == CMD_FLAG ? "" : " ", o->type == CMD_FLAG ? "" : o->value);
	if (n < COL)
		fprintf(f, "%s%*s", left, COL - n, "");
	else /* a long option: its help on the next line */
		fprintf(f, "%s\n%*s", left, COL, "");
	for (const char *h = o->help ? o->help : ""; *h; h++) { /* continued under itself */
		if (*h == '\n')
			fprintf(f, "\n%*s", COL, "");
		else
			fputc(*h, f);
	}
	if (o->type == CMD_INT)
		fprintf(f, " (%lld..%lld)", o->min, o->max);
	if (o->repeat > 1)
		fprintf(f, " (up to %d times)", o->repeat);
	fprintf(f, "\n");
}

static void options(FILE *f, const struct cmd_option *list)
{
	for (const struct cmd_option *o = list; o && o->name; o++)
		option_line(f, o);
}

void cmd_usage_line(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	fprintf(f, "usage: ferryctl %s%s%s%s%s [OPTIONS]\n", g->name, e->name ? " " : "",
		e->name ? e->name : "", e->operands && e->operands[0] ? " " : "",
		e->operands ? e->operands : "");
}

/* What only this command says: usage, what it does, its options. */
static void entry_part(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	cmd_usage_line(f, g, e);
	fprintf(f, "  %s.\n", e->summary);
	if (e->help)
		fprintf(f, "%s", e->help);
	static const struct cmd_option help = {"help", 'h', CMD_FLAG, .help = "this help"};

	fprintf(f, "\noptions:\n");
	options(f, e->options);
	options(f, g->options);
	option_line(f, &help);
}

/* What the group says about every command: notes and exit codes. */
static void group_part(FILE *f, const struct cmd_group *g)
{
	if (g->help)
		fprintf(f, "\n%s", g->help);
	if (g->exits)
		fprintf(f, "\n%s", g->exits);
}

void cmd_entry_help(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	entry_part(f, g, e);
	group_part(f, g);
}

void cmd_group_help(FILE *f, const struct cmd_group *g)
{
	char left[160];

	if (!g->entries[0].name) {
		cmd_entry_help(f, g, &g->entries[0]);
		return;
	}
	fprintf(f, "usage: ferryctl %s COMMAND [ARGS] [OPTIONS]\n  %s.\n\ncommands:\n", g->name,
		g->summary);
	for (size_t i = 0; i < g->n; i++) {
		const struct cmd_entry *e = &g->entries[i];
		int n = snprintf(left, sizeof(left), "  %s%s%s", e->name,
				 e->operands && e->operands[0] ? " " : "", e->operands ? e->operands : "");

		if (n >= COL)
			fprintf(f, "%s\n%*s%s\n", left, COL, "", e->summary);
		else
			fprintf(f, "%s%*s%s\n", left, COL - n, "", e->summary);
	}
	if (g->options) {
		fprintf(f, "\noptions of every command:\n");
		options(f, g->options);
	}
	group_part(f, g);
	fprintf(f, "\n'ferryctl %s COMMAND --help' describes a command and its options.\n", g->name);
}

void cmd_list_print(FILE *f, const struct cmd_group *const *groups, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < groups[i]->n; k++) {
			const struct cmd_entry *e = &groups[i]->entries[k];

			fprintf(f, "%s%s%s", groups[i]->name, e->name ? " " : "", e->name ? e->name : "");
			for (const struct cmd_option *o = e->options; o && o->name; o++)
				fprintf(f, " --%s", o->name);
			for (const struct cmd_option *o = groups[i]->options; o && o->name; o++)
				fprintf(f, " --%s", o->name);
			fprintf(f, " --help\n");
		}
}

/* @text for roff: '\' as \e, '-' as \-, a leading '.' or '\'' guarded. */
static void roff(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		if ((p == text || p[-1] == '\n') && (*p == '.' || *p == '\''))
			fputs("\\&", f);
		if (*p == '\\')
			fputs("\\e", f);
		else if (*p == '-')
			fputs("\\-", f);
		else
			fputc(*p, f);
	}
}

/* A text as printed, indented, in roff. */
static void verbatim(FILE *f, void (*print)(FILE *, const struct cmd_group *,
					     const struct cmd_entry *),
		     const struct cmd_group *g, const struct cmd_entry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		abort();
	print(m, g, e);
	fclose(m);
	fputs(".RS 4\n.nf\n", f);
	roff(f, buf);
	fputs(".fi\n.RE\n", f);
	free(buf);
}

static void print_group(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	(void)e;
	cmd_group_help(f, g);
}

static void print_exits(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	(void)e;
	fputs(g->exits, f);
}

void cmd_man_print(FILE *f, const struct cmd_group *const *groups, size_t n)
{
	fputs(".SH COMMANDS\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct cmd_group *g = groups[i];

		fputs(".SS \"ferryctl ", f);
		roff(f, g->name);
		fputs("\"\n", f);
		roff(f, g->summary);
		fputs(".\n.PP\n", f);
		verbatim(f, print_group, g, NULL);
		for (size_t k = 0; g->entries[0].name && k < g->n; k++) {
			fputs(".PP\n", f);
			verbatim(f, entry_part, g, &g->entries[k]);
		}
	}
	fputs(".SH \"EXIT STATUS\"\n"
	      "Every command exits 0 when it succeeded, 1 on an error and 2 on bad usage\n"
	      "(an unknown command too); the reason of a failure is the last line on\n"
	      "standard error, and in syslog (ident ferryctl). Each command group's own\n"
	      "codes:\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		fputs(".TP\n.B ", f);
		roff(f, groups[i]->name);
		fputc('\n', f);
		if (groups[i]->exits)
			verbatim(f, print_exits, groups[i], NULL);
		else
			fputs("No codes of its own: 0 success, any other a failure.\n", f);
	}
}
