/* The one parser of ferryctl's command lines, driven by the command tables
 * (command.h): options through getopt_long, every value and operand
 * checked by its declared type (names.c, numparse.c). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "ferryctl.h"
#include "numparse.h"

static const char *label(const struct cmd_option *o, char *buf, size_t len)
{
	if (o->label)
		return o->label;
	if (o->letter) /* either spelling may be the one typed */
		snprintf(buf, len, "-%c/--%s", o->letter, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
	return buf;
}

/* Is @word one of the '|'-separated words of @choices? */
static bool choice_has(const char *choices, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = choices; p && *p;) {
		const char *end = strchr(p, '|');
		size_t k = end ? (size_t)(end - p) : strlen(p);

		if (k == n && !strncmp(p, word, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static int value_check(const struct cmd_option *o, const char *v, long long *num, char *why,
		       size_t len)
{
	char l[64], buf[400];
	int rc;

	switch (o->type) {
	case CMD_INT: {
		uint64_t u;

		rc = num_parse(label(o, l, sizeof(l)), v, (uint64_t)o->min, (uint64_t)o->max, &u, why,
			       len);
		if (rc == 0)
			*num = (long long)u;
		return rc;
	}
	case CMD_CHOICE:
		if (choice_has(o->value, v))
			return 0;
		snprintf(buf, sizeof(buf), "must be one of %s", o->value);
		for (char *p = buf; *p; p++)
			if (*p == '|')
				*p = ',';
		snprintf(why, len, "%s %s", label(o, l, sizeof(l)), buf);
		return -EINVAL;
	case CMD_NAME:
		if (name_check(o->kind, v, buf, sizeof(buf)) == 0)
			return 0;
		snprintf(why, len, "%s: %s", label(o, l, sizeof(l)), buf);
		return -EINVAL;
	default:
		return 0;
	}
}

/* One operand word of the usage, checked by what it is called. */
static int operand_check(const char *word, const char *v, char *why, size_t len)
{
	char w[64], vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1];
	enum name_kind kind;

	snprintf(w, sizeof(w), "%s", word + (word[0] == '['));
	w[strcspn(w, "].")] = '\0'; /* "[RES]", "RES...": a RES */
	if (!strcmp(w, "DOMAIN"))
		kind = NAME_DOMAIN;
	else if (!strcmp(w, "NODE") || !strcmp(w, "TARGET_NODE"))
		kind = NAME_NODE;
	else if (!strcmp(w, "RES"))
		kind = NAME_DRBD;
	else if (!strcmp(word, "VG[/LV]"))
		return name_split_vg_lv(v, vg, lv, why, len);
	else if (strchr(w, '|')) {
		if (choice_has(w, v))
			return 0;
		snprintf(why, len, "'%s' is not one of %s", v, w);
		return -EINVAL;
	} else
		return 0;
	return name_check(kind, v, why, len);
}

/* The operand words of @e: their count, and how many are required. */
static int operand_words(const struct cmd_entry *e, char words[][64], int max, int *required)
{
	char buf[256];
	int n = 0;

	*required = 0;
	snprintf(buf, sizeof(buf), "%s", e->operands ? e->operands : "");
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && n < max;
	     t = strtok_r(NULL, " ", &save)) {
		snprintf(words[n++], 64, "%s", t);
		if (t[0] != '[')
			(*required)++;
	}
	return n;
}

/* Declares the options of @list in @a and @lo (getopt's table). */
static void declare(struct cmd_args *a, const struct cmd_option *list, struct option *lo, int *n,
		    char *shorts, size_t *ns)
{
	for (const struct cmd_option *o = list; o && o->name; o++) {
		if (a->nopt >= CMD_OPTIONS_MAX - 1 || o->repeat > CMD_REPEAT_MAX)
			abort(); /* a table beyond CMD_OPTIONS_MAX or CMD_REPEAT_MAX: raise it */
		a->opt[a->nopt].o = o;
		lo[*n] = (struct option){o->name, o->type == CMD_FLAG ? no_argument : required_argument,
					 NULL, 256 + a->nopt};
		if (o->letter) {
			shorts[(*ns)++] = (char)o->letter;
			if (o->type != CMD_FLAG)
				shorts[(*ns)++] = ':';
		}
		a->nopt++;
		(*n)++;
	}
}

enum cmd_parsed cmd_parse(const struct cmd_group *g, const struct cmd_entry *e, int argc,
			  char **argv, struct cmd_args *a, char *why, size_t len)
{
	struct option lo[CMD_OPTIONS_MAX + 1];
	char shorts[2 * CMD_OPTIONS_MAX + 4] = ":h", words[16][64], l[64];
	size_t ns = 2;
	int n = 0, c, nwords, required;
	bool more;

	memset(a, 0, sizeof(*a));
	a->group = g;
	a->entry = e;
	declare(a, e->options, lo, &n, shorts, &ns);
	declare(a, g->options, lo, &n, shorts, &ns);
	lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
	lo[n] = (struct option){0};
	shorts[ns] = '\0';

	optind = 1;
	opterr = 0; /* the reason is ours, one line */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int i = c >= 256 ? c - 256 : -1;

		if (c == 'h')
			return CMD_HELP;
		/* a short option is named by optopt: inside a cluster ("-bad")
		 * optind has not moved past its word yet */
		if (c == ':') {
			if (optopt > 0 && optopt < 256)
				snprintf(why, len, "option -%c needs a value", optopt);
			else
				snprintf(why, len, "option %s needs a value", argv[optind - 1]);
			return CMD_BAD_USAGE;
		}
		if (c == '?') {
			if (optopt > 0 && optopt < 256)
				snprintf(why, len, "unknown option -%c", optopt);
			else
				snprintf(why, len, "unknown option %s", argv[optind - 1]);
			return CMD_BAD_USAGE;
		}
		for (int k = 0; i < 0 && k < a->nopt; k++) /* a short option */
			if (a->opt[k].o->letter == c)
				i = k;
		if (i < 0 || i >= a->nopt)
			abort();
		const struct cmd_option *o = a->opt[i].o;
		const char *v = optarg ? optarg : "";
		if (value_check(o, v, &a->opt[i].num, why, len))
			return CMD_BAD_VALUE;
		if (o->repeat > 1 && a->opt[i].n >= o->repeat) {
			snprintf(why, len, "%s: more than %d %s (ferry's limit)", label(o, l, sizeof(l)),
				 o->repeat, o->items ? o->items : "values");
			return CMD_BAD_VALUE;
		}
		a->opt[i].v[o->repeat > 1 ? a->opt[i].n : 0] = v;
		a->opt[i].n++;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	nwords = operand_words(e, words, 16, &required);
	/* a last word "RES..." takes one or more operands of its kind */
	more = nwords > 0 && strstr(words[nwords - 1], "...") != NULL;
	if (a->argc < required || (a->argc > nwords && !more)) {
		if (a->argc > nwords)
			snprintf(why, len, "unexpected argument '%s'", a->argv[nwords]);
		else
			snprintf(why, len, "%s is missing", words[a->argc]);
		return CMD_BAD_USAGE;
	}
	for (int i = 0; i < a->argc; i++)
		if (operand_check(words[i < nwords ? i : nwords - 1], a->argv[i], why, len))
			return CMD_BAD_VALUE;
	return CMD_OK;
}

/* The slot of option @name, or -1. */
static int slot(const struct cmd_args *a, const char *name)
{
	for (int i = 0; i < a->nopt; i++)
		if (!strcmp(a->opt[i].o->name, name))
			return i;
	return -1;
}

bool cmd_declares(const struct cmd_args *a, const char *name)
{
	return slot(a, name) >= 0;
}

/* The slot of option @name; a name no table declares is a bug. */
static int find(const struct cmd_args *a, const char *name)
{
	int i = slot(a, name);

	if (i >= 0)
		return i;
	fprintf(stderr, "ferryctl: internal error: option --%s is not declared\n", name);
	abort();
}

bool cmd_has(const struct cmd_args *a, const char *name)
{
	return a->opt[find(a, name)].n > 0;
}

const char *cmd_text(const struct cmd_args *a, const char *name, const char *dflt)
{
	int i = find(a, name);

	return a->opt[i].n ? a->opt[i].v[a->opt[i].o->repeat > 1 ? a->opt[i].n - 1 : 0] : dflt;
}

long long cmd_int(const struct cmd_args *a, const char *name, long long dflt)
{
	int i = find(a, name);

	return a->opt[i].n ? a->opt[i].num : dflt;
}

int cmd_list(const struct cmd_args *a, const char *name, const char *const **v)
{
	int i = find(a, name);

	*v = a->opt[i].v;
	return a->opt[i].o->repeat > 1 ? a->opt[i].n : a->opt[i].n > 0;
}
