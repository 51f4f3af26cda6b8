/*
 * test_intents.c: the natural-language intents, table-driven.
 *
 * Each line of the table (tests/data/intents.tsv, path in argv[1]) is an input as a user types
 * it, the intent sym_parse() must find in it ("chat" for none) and the slots it must carry; the
 * table's header describes the format. Every mismatch is printed with its line number, then
 * precision and recall per intent and language, so a change to the matcher shows what it gained
 * and what it broke, not only that something did. Slots are compared only where the intent is
 * right: a wrong intent is one error, not one per slot.
 *
 * The table is a specification, so the runner also refuses a table that has shrunk (fewer than
 * MIN_LINES lines or MIN_CHAT chat lines, an intent missing in a language) or that it cannot
 * read exactly (an unknown intent or slot key, a malformed number).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "nlp/parse.h"
#include "test.h"

#define MIN_LINES 320
#define MIN_CHAT 90
#define MAX_LINE 4096

/* The intents the matcher knows, then "chat" (no intent) and any other name it might return. */
static const char *const intents[] = {"time", "date",     "weekday", "until",    "remind",
                                      "help", "remember", "forget",  "memories", "chat"};
#define N_INTENTS (sizeof intents / sizeof intents[0] - 1)
#define CHAT N_INTENTS
#define OTHER (N_INTENTS + 1)
#define N_CLASSES (N_INTENTS + 2)

static const char *const lang_names[SYM_N_LANGS] = {"en", "ru"};

struct tally {
    int lines;
    int expected[N_CLASSES];  /* lines whose expected class is c */
    int predicted[N_CLASSES]; /* lines the parser put in class c */
    int right[N_CLASSES];     /* both */
    int slots, slots_right;   /* slot assertions on lines whose intent is right */
    int wrong_lines;          /* lines with any mismatch */
};

static struct tally by_lang[SYM_N_LANGS], total;
static int malformed;
static const char *table = "intents.tsv"; /* the file's name in messages */

static size_t class_of(const char *name)
{
    size_t i;

    if (!name)
        return CHAT;
    for (i = 0; i < N_INTENTS; i++)
        if (!strcmp(name, intents[i]))
            return i;
    return OTHER;
}

/* The expected-intent column: a known intent or "chat"; anything else is a typo in the table. */
static bool expected_class(const char *name, size_t *c)
{
    size_t i;

    for (i = 0; i <= N_INTENTS; i++)
        if (!strcmp(name, intents[i])) {
            *c = i;
            return true;
        }
    return false;
}

/* One field of a time expression by its table name ("when.days"); false for an unknown name. */
static bool when_field(const struct sym_when *w, const char *key, long long *v)
{
    if (!strcmp(key, "when.seconds"))
        *v = w->seconds;
    else if (!strcmp(key, "when.days"))
        *v = w->days;
    else if (!strcmp(key, "when.hour"))
        *v = w->hour;
    else if (!strcmp(key, "when.minute"))
        *v = w->minute;
    else if (!strcmp(key, "when.day"))
        *v = w->day;
    else if (!strcmp(key, "when.month"))
        *v = w->month;
    else if (!strcmp(key, "when.year"))
        *v = w->year;
    else if (!strcmp(key, "when.weekday"))
        *v = w->weekday;
    else
        return false;
    return true;
}

/* The string slot a table key names ("text", "place", "event"); NULL for any other key. */
static char *const *text_slot(const struct sym_slots *s, const char *key)
{
    if (!strcmp(key, "text"))
        return &s->text;
    if (!strcmp(key, "place"))
        return &s->place;
    if (!strcmp(key, "event"))
        return &s->event;
    return NULL;
}

static void bad_line(int lineno, const char *why, const char *what)
{
    malformed++;
    printf("%s:%d: malformed line: %s%s%s\n", table, lineno, why, what ? ": " : "",
           what ? what : "");
}

/* One slot assertion of the table's third column. */
struct slot {
    const char *key, *value; /* into the line */
    bool is_when;
    long long want; /* for a when.* key */
};
#define MAX_SLOTS 16

/*
 * Split the slots column ("key=value;key=value") into s[]; returns how many, or -1 (reported)
 * when the column is malformed: no '=', an unknown key, a time field that is not a number.
 */
static int read_slots(int lineno, char *spec, struct slot *s)
{
    static const struct sym_slots probe;
    char *pair, *next;
    int n = 0;

    for (pair = spec; pair && *pair; pair = next) {
        char *eq, *end;
        long long unused;

        next = strchr(pair, ';');
        if (next)
            *next++ = '\0';
        eq = strchr(pair, '=');
        if (!eq || n == MAX_SLOTS) {
            bad_line(lineno, eq ? "too many slots" : "slot without '='", pair);
            return -1;
        }
        *eq = '\0';
        s[n].key = pair;
        s[n].value = eq + 1;
        s[n].is_when = when_field(&probe.when, pair, &unused);
        if (s[n].is_when) {
            errno = 0;
            s[n].want = strtoll(s[n].value, &end, 10);
            if (!*s[n].value || *end || errno) {
                bad_line(lineno, "not a number", pair);
                return -1;
            }
        } else if (!text_slot(&probe, pair)) {
            bad_line(lineno, "unknown slot", pair);
            return -1;
        }
        n++;
    }
    return n;
}

/* Compare the parse with the n slot assertions; print each that fails, return how many hold. */
static int check_slots(int lineno, const char *input, const struct slot *s, int n,
                       const struct sym_parse *p)
{
    int i, ok = 0;

    for (i = 0; i < n; i++) {
        const char *key = s[i].key, *value = s[i].value;

        if (s[i].is_when) {
            long long got = 0;

            when_field(&p->slots.when, key, &got);
            if (!p->slots.when.found)
                printf("%s:%d: \"%s\": expected %s=%lld, got no time expression\n", table, lineno,
                       input, key, s[i].want);
            else if (got != s[i].want)
                printf("%s:%d: \"%s\": expected %s=%lld, got %s=%lld\n", table, lineno, input, key,
                       s[i].want, key, got);
            else
                ok++;
        } else {
            const char *got = *text_slot(&p->slots, key);

            if (!*value ? !got : got && !strcmp(got, value))
                ok++;
            else if (!*value)
                printf("%s:%d: \"%s\": expected no %s, got %s=\"%s\"\n", table, lineno, input, key,
                       key, got);
            else if (!got)
                printf("%s:%d: \"%s\": expected %s=\"%s\", got no %s\n", table, lineno, input, key,
                       value, key);
            else
                printf("%s:%d: \"%s\": expected %s=\"%s\", got %s=\"%s\"\n", table, lineno, input,
                       key, value, key, got);
        }
    }
    return ok;
}

static void count(struct tally *t, size_t want, size_t got, int slots, int slots_ok, bool wrong)
{
    t->lines++;
    t->expected[want]++;
    t->predicted[got]++;
    if (want == got)
        t->right[want]++;
    t->slots += slots;
    t->slots_right += slots_ok;
    t->wrong_lines += wrong;
}

/* One table line (without its newline). */
static void run_line(int lineno, char *line)
{
    char *input = line, *name, *spec;
    struct slot slots[MAX_SLOTS];
    struct sym_parse p;
    enum sym_lang lang;
    size_t want, got;
    int n = 0, ok = 0;

    name = strchr(input, '\t');
    if (!name) {
        bad_line(lineno, "no TAB after the input", NULL);
        return;
    }
    *name++ = '\0';
    spec = strchr(name, '\t');
    if (spec)
        *spec++ = '\0';
    if (spec && strchr(spec, '\t')) {
        bad_line(lineno, "more than three columns", NULL);
        return;
    }
    if (!expected_class(name, &want)) {
        bad_line(lineno, "unknown intent", name);
        return;
    }
    if (!*input || !sym_utf8_valid(input, strlen(input))) {
        bad_line(lineno, "empty input or invalid UTF-8", NULL);
        return;
    }
    if (spec && *spec && want == CHAT) {
        bad_line(lineno, "slots on a chat line", spec);
        return;
    }
    if (spec && (n = read_slots(lineno, spec, slots)) < 0)
        return;
    lang = sym_detect_lang(input, SYM_LANG_EN);

    if (sym_parse(input, SYM_LANG_EN, &p) != SYM_OK) {
        printf("%s:%d: \"%s\": sym_parse failed\n", table, lineno, input);
        CHECK(!"sym_parse failed");
        return;
    }
    got = class_of(p.command);
    if (got != want) {
        printf("%s:%d: \"%s\": expected %s, got %s\n", table, lineno, input, intents[want],
               p.command ? p.command : "chat");
        n = 0; /* slots of a wrong intent mean nothing */
    } else {
        ok = check_slots(lineno, input, slots, n, &p);
    }
    sym_parse_clear(&p);

    count(&by_lang[lang], want, got, n, ok, got != want || ok != n);
    count(&total, want, got, n, ok, got != want || ok != n);
}

static void print_ratio(const char *label, int num, int den)
{
    if (den)
        printf("  %s %3d/%-3d %.2f", label, num, den, (double)num / den);
    else
        printf("  %s   -/0   -   ", label);
}

/* Precision and recall of every class, then the line that sums the language up. */
static void summarise(const char *name, const struct tally *t)
{
    int tp = 0, predicted = 0, expected = 0;
    size_t c;

    for (c = 0; c < N_CLASSES; c++) {
        if (c == OTHER && !t->predicted[c])
            continue;
        printf("%-5s %-9s", name, c == OTHER ? "(other)" : intents[c]);
        print_ratio("P", t->right[c], t->predicted[c]);
        print_ratio("R", t->right[c], t->expected[c]);
        printf("\n");
        if (c != CHAT) {
            tp += t->right[c];
            predicted += t->predicted[c];
            expected += t->expected[c];
        }
    }
    printf("%-5s summary: %d lines, %d wrong; intents P %d/%d %.2f R %d/%d %.2f; chat kept %d/%d; "
           "slots %d/%d\n",
           name, t->lines, t->wrong_lines, tp, predicted, predicted ? (double)tp / predicted : 0.0,
           tp, expected, expected ? (double)tp / expected : 0.0, t->right[CHAT], t->expected[CHAT],
           t->slots_right, t->slots);
}

int main(int argc, char **argv)
{
    char line[MAX_LINE];
    int lineno = 0, missing = 0, l;
    size_t c;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: %s intents.tsv\n", argv[0]);
        return 2;
    }
    table = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
    f = fopen(argv[1], "r");
    CHECK(f != NULL);
    if (!f) {
        perror(argv[1]);
        return test_report("test_intents");
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);

        lineno++;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f)) {
            bad_line(lineno, "longer than the buffer", NULL);
            while (fgets(line, sizeof line, f) && !strchr(line, '\n'))
                ;
            continue;
        }
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (!len || line[0] == '#')
            continue;
        run_line(lineno, line);
    }
    CHECK(!ferror(f));
    fclose(f);

    for (l = 0; l < SYM_N_LANGS; l++)
        summarise(lang_names[l], &by_lang[l]);
    summarise("total", &total);

    for (l = 0; l < SYM_N_LANGS; l++)
        for (c = 0; c <= N_INTENTS; c++)
            if (!by_lang[l].expected[c]) {
                printf("%s: no %s line for %s\n", table, lang_names[l], intents[c]);
                missing++;
            }
    fflush(stdout); /* CHECK writes to stderr: keep the report in one piece */

    /* The table itself: readable, and not shrunk below what it must cover. */
    CHECK(malformed == 0);
    CHECK(total.lines >= MIN_LINES);
    CHECK(total.expected[CHAT] >= MIN_CHAT);
    CHECK(missing == 0);
    /* The matcher: every line as the table says. */
    CHECK(total.wrong_lines == 0);
    return test_report("test_intents");
}
