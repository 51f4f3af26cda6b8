/*
 * test_extract.c: personal-fact extraction, table-driven.
 *
 * Each line of tests/data/extract.tsv (path in argv[1]) is a message, the kind of the first fact
 * sym_extract() must find in it ("none" for no fact at all) and that fact's text. Every mismatch
 * is printed with its line number, then recall on the fact lines and precision on the "none"
 * lines, so a change to the rules shows what it gained and what it broke. The runner refuses a
 * table that has shrunk (fewer than MIN_LINES lines or MIN_NONE negatives).
 */
#include <stdlib.h>
#include <string.h>

#include "nlp/extract.h"
#include "test.h"

#define MIN_LINES 80
#define MIN_NONE 30
#define MAX_LINE 4096

static int lines, negatives, negatives_right, positives, positives_right;

static void check_line(const char *table, int lineno, char *line)
{
    char *kind = strchr(line, '\t'), *text;
    struct sym_extracted ex;
    bool ok;

    if (!kind) {
        printf("%s:%d: malformed line\n", table, lineno);
        CHECK(false);
        return;
    }
    *kind++ = '\0';
    text = strchr(kind, '\t');
    if (text)
        *text++ = '\0';
    else
        text = kind + strlen(kind);
    lines++;
    CHECK(sym_extract(line, &ex) == SYM_OK);
    if (!strcmp(kind, "none")) {
        negatives++;
        ok = ex.n == 0;
        negatives_right += ok;
    } else {
        positives++;
        ok = ex.n > 0 && !strcmp(sym_fact_kind_name(ex.fact[0].kind), kind) &&
             !strcmp(ex.fact[0].text, text);
        positives_right += ok;
    }
    CHECK(ok);
    if (!ok)
        printf("%s:%d: \"%s\": expected %s \"%s\", got %s \"%s\" (key \"%s\")\n", table, lineno,
               line, kind, text, ex.n ? sym_fact_kind_name(ex.fact[0].kind) : "none",
               ex.n ? ex.fact[0].text : "", ex.n ? ex.fact[0].key : "");
}

static void run_table(const char *table)
{
    FILE *f = fopen(table, "r");
    char line[MAX_LINE];
    int lineno = 0;

    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\r\n");

        lineno++;
        line[len] = '\0';
        if (!len || line[0] == '#')
            continue;
        check_line(table, lineno, line);
    }
    fclose(f);
    printf("extract: %d lines; facts found right %d/%d; negatives right (no false fact) %d/%d\n",
           lines, positives_right, positives, negatives_right, negatives);
    CHECK(lines >= MIN_LINES);
    CHECK(negatives >= MIN_NONE);
}

/* Keys and several facts in one message. */
static void test_keys(void)
{
    struct sym_extracted ex;

    CHECK(sym_extract("I live in Kazan and I work as a doctor. I love jazz!", &ex) == SYM_OK);
    CHECK(ex.n == 3);
    if (ex.n == 3) {
        CHECK_STR(ex.fact[0].key, "home");
        CHECK_STR(ex.fact[1].key, "work");
        CHECK_STR(ex.fact[1].text, "I work as a doctor");
        CHECK_STR(ex.fact[2].key, "likes:jazz");
    }
    CHECK(sym_extract("I don't like jazz", &ex) == SYM_OK && ex.n == 1);
    CHECK_STR(ex.fact[0].key, "likes:jazz"); /* supersedes "I love jazz" */
    CHECK(sym_extract("My mom's name is Linda", &ex) == SYM_OK && ex.n == 1);
    CHECK_STR(ex.fact[0].key, "family:mother");
    CHECK(sym_extract("Мою маму зовут Галина", &ex) == SYM_OK && ex.n == 1);
    CHECK_STR(ex.fact[0].key, "family:mother");
    CHECK(ex.fact[0].lang == SYM_LANG_RU);
    CHECK(sym_extract("Я переехал в Казань", &ex) == SYM_OK && ex.n == 1);
    CHECK_STR(ex.fact[0].key, "home");
    CHECK(sym_extract("I'm going to Paris on Friday", &ex) == SYM_OK && ex.n == 1);
    CHECK(ex.fact[0].has_when && ex.fact[0].when.weekday == 5);
    CHECK(sym_extract("", &ex) == SYM_OK && ex.n == 0);
    CHECK(sym_extract("...", &ex) == SYM_OK && ex.n == 0);
}

int main(int argc, char **argv)
{
    run_table(argc > 1 ? argv[1] : "extract.tsv");
    test_keys();
    return test_report("test_extract");
}
