/* ippm catalogue --coverage [RFC]: which normative sentence of the RFCs the
 * catalogue grades is quoted by a case, which cannot be observed from
 * outside (an exception, with its reason), and which is a gap (issue 9).
 *
 * The sentences are compiled in from conformance/coverage/sentences.inc
 * (ci/coverage.py extracts them from the RFC text and keeps the .inc in
 * step with sentences.tsv); the quotes are read from the real catalogue
 * (ippm_catalogue()), so what this prints is what the cases quote now.
 *
 * A case covers a sentence when its section names the sentence's RFC
 * ("RFC 8972 §4.3") and, with runs of white space collapsed to one space
 * and both ends trimmed, the case's quote is a substring of the sentence or
 * the sentence a substring of the quote. The RFC must agree because short
 * sentences ("The value of the Length field MUST be equal to 8.") recur. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/ippm_conform.h"
#include "impl/commands.h"
#include "impl/core/cli.h"

struct sentence {
    const char *rfc;     /* "8762" */
    const char *section; /* "4.2.1" */
    /* "-": a case must quote it; "see": graded by the cases the reason
     * names ("ID[,ID]: note") under an equivalent sentence; "except":
     * cannot be observed from outside; "gap": could be, no case does */
    const char *status;
    const char *reason;
    const char *text;
};

static const struct sentence sentences[] = {
#include "conformance/coverage/sentences.inc"
};

#define N_SENTENCES (sizeof sentences / sizeof sentences[0])

/* The sentence list in use: the compiled-in one, or --sentences FILE's. */
struct sentence_list {
    const struct sentence *s;
    size_t n;
};
#define NORM_MAX 4096

enum cover { COVER_CASE, COVER_SEE, COVER_EXCEPT, COVER_GAP, COVER_NONE };

/* Copies s into out with white space runs collapsed and ends trimmed;
 * false when it does not fit (then nothing may match it). */
static bool norm_ws(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    bool space = false;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = n > 0;
            continue;
        }
        if (n + 2 >= cap)
            return false;
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = *s;
    }
    out[n] = '\0';
    return true;
}

/* see the matching rule at the top of this file */
static bool quote_covers(const char *quote, const char *sentence_norm)
{
    static char q[NORM_MAX];
    if (!quote || !norm_ws(quote, q, sizeof q) || q[0] == '\0')
        return false;
    return strstr(sentence_norm, q) != NULL || strstr(q, sentence_norm) != NULL;
}

/* True when section ("RFC 8972 §4.3") names RFC rfc ("8972"). */
static bool section_names_rfc(const char *section, const char *rfc)
{
    size_t n = strlen(rfc);
    return section && strncmp(section, "RFC ", 4) == 0 &&
           strncmp(section + 4, rfc, n) == 0 &&
           !(section[4 + n] >= '0' && section[4 + n] <= '9');
}

/* Writes the IDs of the cases quoting s into ids (comma-separated);
 * returns how many. */
static size_t cases_quoting(const struct sentence *s, char *ids, size_t cap)
{
    static char sn[NORM_MAX];
    size_t n_cases, found = 0, used = 0;
    const struct ippm_case *c = ippm_catalogue(&n_cases);
    ids[0] = '\0';
    if (!norm_ws(s->text, sn, sizeof sn))
        return 0;
    for (size_t i = 0; i < n_cases; i++) {
        if (!section_names_rfc(c[i].section, s->rfc) ||
            !quote_covers(c[i].quote, sn))
            continue;
        int w =
            snprintf(ids + used, cap - used, "%s%s", found ? "," : "", c[i].id);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
        found++;
    }
    return found;
}

/* For status "see": copies the case IDs before the reason's ':' into ids;
 * true when there is at least one and every one is in the catalogue. */
static bool see_cases_exist(const char *reason, char *ids, size_t cap)
{
    const char *end = strchr(reason, ':');
    size_t len = end ? (size_t)(end - reason) : 0;
    if (len == 0 || len >= cap)
        return false;
    memcpy(ids, reason, len);
    ids[len] = '\0';
    char id[64];
    for (const char *p = ids; *p;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof id)
            return false;
        memcpy(id, p, n);
        id[n] = '\0';
        if (!ippm_case_find(id))
            return false;
        p += n + (p[n] == ',');
    }
    return true;
}

static enum cover classify(const struct sentence *s, size_t n_quoting,
                           char *ids, size_t cap)
{
    if (n_quoting > 0)
        return COVER_CASE;
    if (strcmp(s->status, "see") == 0)
        return see_cases_exist(s->reason, ids, cap) ? COVER_SEE : COVER_NONE;
    if (strcmp(s->status, "except") == 0)
        return COVER_EXCEPT;
    if (strcmp(s->status, "gap") == 0)
        return COVER_GAP;
    return COVER_NONE;
}

struct totals {
    unsigned n[5]; /* by enum cover */
};

static void print_row(const struct sentence *s, enum cover k, const char *ids,
                      bool quiet)
{
    if (quiet && k != COVER_NONE)
        return;
    static const char *const what[] = {"covered", "see", "except", "GAP",
                                       "NONE"};
    printf("RFC %s §%-7s %-7s ", s->rfc, s->section, what[k]);
    if (k == COVER_CASE)
        printf("%s\n", ids);
    else if (k == COVER_NONE && strcmp(s->status, "see") == 0)
        printf("names a case not in the catalogue: %s\n", s->reason);
    else if (k == COVER_NONE)
        printf("no case quotes it and it has no exception or gap entry "
               "(conformance/coverage/sentences.tsv)\n");
    else
        printf("%s\n", s->reason);
    printf("    %s\n", s->text);
}

static void print_totals(const char *rfc, const struct totals *t)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof t->n / sizeof t->n[0]; i++)
        total += t->n[i];
    printf("RFC %s: %u covered (%u quoted, %u by an equivalent sentence), "
           "%u excepted, %u gaps, %u unlisted, %u total\n",
           rfc, t->n[COVER_CASE] + t->n[COVER_SEE], t->n[COVER_CASE],
           t->n[COVER_SEE], t->n[COVER_EXCEPT], t->n[COVER_GAP],
           t->n[COVER_NONE], total);
}

/* Prints the table for one RFC (NULL: all) and the totals; returns the
 * number of unlisted sentences, or -1 when rfc names none. */
static int coverage(const struct sentence_list *list, const char *rfc,
                    bool quiet)
{
    struct totals per[16] = {0}, all = {0};
    const char *names[16];
    size_t n_names = 0;
    char ids[1024];
    for (size_t i = 0; i < list->n; i++) {
        const struct sentence *s = &list->s[i];
        if (rfc && strcmp(rfc, s->rfc) != 0)
            continue;
        if (n_names == 0 || strcmp(names[n_names - 1], s->rfc) != 0) {
            if (n_names == sizeof names / sizeof names[0])
                break;
            names[n_names++] = s->rfc;
        }
        enum cover k =
            classify(s, cases_quoting(s, ids, sizeof ids), ids, sizeof ids);
        print_row(s, k, ids, quiet);
        per[n_names - 1].n[k]++;
        all.n[k]++;
    }
    if (n_names == 0)
        return -1;
    printf("\n");
    for (size_t i = 0; i < n_names; i++)
        print_totals(names[i], &per[i]);
    if (n_names > 1)
        print_totals("all", &all);
    if (all.n[COVER_GAP] > 0)
        printf("\n%u GAPS: sentences a case could grade but none does yet\n",
               all.n[COVER_GAP]);
    return (int)all.n[COVER_NONE];
}

/* Splits line (NUL-terminated, no newline) at its tabs into the five
 * fields of sentences.tsv; false when it does not have five. */
static bool parse_row(char *line, struct sentence *out)
{
    const char **field[] = {&out->rfc, &out->section, &out->status,
                            &out->reason, &out->text};
    for (size_t i = 0; i < 5; i++) {
        *field[i] = line;
        char *tab = strchr(line, '\t');
        if ((tab == NULL) != (i == 4))
            return false;
        if (tab) {
            *tab = '\0';
            line = tab + 1;
        }
    }
    return true;
}

/* Reads a sentences.tsv into *list (its strings point into *buf, which the
 * caller frees with list->s); -1 after one line on stderr. Lets a test run
 * the check on a copy with a sentence added. */
static int load_sentences(const char *path, struct sentence_list *list,
                          char **buf)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ippm_cli_error("catalogue: cannot read '%s'", path);
        return -1;
    }
    size_t len = 0, cap = 0, n = 0;
    char *text = NULL;
    for (int ch; (ch = fgetc(f)) != EOF;) {
        if (len + 2 > cap) {
            char *t = realloc(text, cap = cap ? cap * 2 : 65536);
            if (!t) {
                free(text);
                fclose(f);
                return -1;
            }
            text = t;
        }
        text[len++] = (char)ch;
        n += ch == '\n';
    }
    fclose(f);
    struct sentence *rows = calloc(n + 1, sizeof *rows);
    if (!text || !rows) {
        free(text);
        free(rows);
        ippm_cli_error("catalogue: '%s' is empty", path);
        return -1;
    }
    text[len] = '\0';
    list->n = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!parse_row(line, &rows[list->n])) {
            ippm_cli_error("catalogue: %s: not five tab-separated fields: "
                           "%.60s",
                           path, line);
            free(text);
            free(rows);
            return -1;
        }
        list->n++;
    }
    list->s = rows;
    *buf = text;
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: ippm catalogue --coverage [RFC] [--unlisted]\n"
          "  --coverage [RFC]  every normative sentence of RFC 8762, 8972, "
          "9503, 9534,\n"
          "                    4656, 5357, 5618, 5938, 6038, 7717, 7750, "
          "8186, 9533\n"
          "                    (or of RFC alone), the cases quoting it or "
          "its exception or\n"
          "                    gap, and totals per RFC; exits 1 when a "
          "sentence is unlisted\n"
          "  --unlisted        print only the unlisted rows (and the "
          "totals)\n"
          "  --sentences FILE  read the sentence list from FILE (the "
          "format of\n"
          "                    conformance/coverage/sentences.tsv) instead "
          "of the built-in one\n"
          "  --help            this text\n"
          "Exit status: 0 every sentence listed, 1 a sentence unlisted, 2 "
          "on a bad\ncommand line, 3 when --sentences cannot be read.\n",
          f);
}

/* see commands.h */
int cmd_catalogue(int argc, char **argv)
{
    enum { OPT_COVERAGE = 256, OPT_UNLISTED, OPT_SENTENCES, OPT_HELP };
    static const struct option longopts[] = {
        {"coverage", no_argument, NULL, OPT_COVERAGE},
        {"unlisted", no_argument, NULL, OPT_UNLISTED},
        {"sentences", required_argument, NULL, OPT_SENTENCES},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool want_coverage = false, quiet = false;
    const char *sentences_file = NULL;
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "", longopts, "catalogue", first)) !=
           -1) {
        first = 0;
        switch (c) {
        case OPT_COVERAGE:
            want_coverage = true;
            break;
        case OPT_UNLISTED:
            quiet = true;
            break;
        case OPT_SENTENCES:
            sentences_file = optarg;
            break;
        case OPT_HELP:
            usage(stdout);
            ippm_cli_short_usage(stdout, longopts);
            return IPPM_EXIT_OK;
        default:
            return IPPM_EXIT_USAGE;
        }
    }
    if (!want_coverage || argc - optind > 1) {
        usage(stderr);
        return IPPM_EXIT_USAGE;
    }
    const char *rfc = optind < argc ? argv[optind] : NULL;
    if (rfc && strncmp(rfc, "rfc", 3) == 0)
        rfc += 3;
    struct sentence_list list = {sentences, N_SENTENCES};
    char *buf = NULL;
    if (sentences_file && load_sentences(sentences_file, &list, &buf) != 0)
        return IPPM_EXIT_RUNTIME;
    int unlisted = coverage(&list, rfc, quiet);
    if (buf) {
        free(buf);
        free((void *)list.s);
    }
    if (unlisted < 0) {
        ippm_cli_error("catalogue: no normative sentences of RFC '%s' "
                       "(8762, 8972, 9503, 9534, 4656, 5357, 5618, 5938, 6038, 7717, 7750, 8186, 9533)",
                       rfc);
        return IPPM_EXIT_USAGE;
    }
    return unlisted > 0 ? IPPM_EXIT_FAIL : IPPM_EXIT_OK;
}
