/*
 * test_memory_module.c: the memory module through the real assistant with a temporary database:
 * /remember (and its duplicate), the natural "remember that ..." and "запомни, что ...",
 * /memories with and without a query, "what do you know about me", /forget by id, by text and
 * with an ambiguous or a near text (asked about, not deleted), a plan's event time from a fixed
 * clock, /pin and /unpin (and their Russian aliases), and no database at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assistant.h"
#include "base/clock.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"
#include "modules/registry.h"

#define NOW 1812790800 /* 2027-06-12T09:00:00Z */

static char dir[256], db[300];

static void say(struct sym_assistant *a, const char *input, char *out, size_t size)
{
    struct sym_turn t;

    if (sym_assistant_turn(a, input, NULL, &t))
        snprintf(out, size, "error: %s", sym_assistant_errmsg(a));
    else
        snprintf(out, size, "%s", t.answer ? t.answer : "");
    sym_turn_clear(&t);
}

static long long n_facts(struct sym_assistant *a)
{
    long long n = -1;

    if (sym_fact_count(sym_assistant_store(a), &n))
        return -1;
    return n;
}

static void test_commands(struct sym_assistant *a)
{
    char out[4096];

    say(a, "/remember my sister is Anna", out, sizeof out);
    CHECK_STR(out, "Remembered (#1): My sister is Anna.");
    say(a, "/remember My sister is Anna.", out, sizeof out);
    CHECK_STR(out, "I already know that (#1).");
    say(a, "/remember", out, sizeof out);
    CHECK_CONTAINS(out, "What should I remember?");
    CHECK(n_facts(a) == 1);

    say(a, "remember that I prefer green tea", out, sizeof out);
    CHECK_STR(out, "Remembered (#2): I prefer green tea.");
    say(a, "запомни, что я живу в Казани", out, sizeof out);
    CHECK_STR(out, "Запомнил (#3): Я живу в Казани.");
    say(a, "/запомни мой брат Олег", out, sizeof out);
    CHECK_STR(out, "Запомнил (#4): Мой брат Олег.");
    say(a, "/remember my brother is Oleg", out, sizeof out);
    CHECK_STR(out, "Remembered (#5): My brother is Oleg.");
    CHECK(n_facts(a) == 5);

    say(a, "/memories", out, sizeof out);
    CHECK_CONTAINS(out, "What I remember (5):");
    CHECK_CONTAINS(out, "#1  My sister is Anna");
    CHECK_CONTAINS(out, "#3  Я живу в Казани");
    say(a, "what do you know about me", out, sizeof out);
    CHECK_CONTAINS(out, "What I remember (5):");
    CHECK_CONTAINS(out, "#2  I prefer green tea");
    say(a, "что ты обо мне знаешь", out, sizeof out);
    CHECK_CONTAINS(out, "Что я помню (5):");
    say(a, "/memories sister", out, sizeof out);
    CHECK_CONTAINS(out, "What I remember about \"sister\":");
    CHECK_CONTAINS(out, "#1  My sister is Anna");
    CHECK(!strstr(out, "#2"));
    say(a, "/memories Казани", out, sizeof out);
    CHECK_CONTAINS(out, "#3  Я живу в Казани");
    say(a, "/memories zeppelin", out, sizeof out);
    CHECK_CONTAINS(out, "I don't remember anything about \"zeppelin\".");

    /* Forgetting: by id, by a clear text, and a question when the text is ambiguous. */
    say(a, "/forget 2", out, sizeof out);
    CHECK_STR(out, "Forgot #2: I prefer green tea.");
    say(a, "/forget #2", out, sizeof out);
    CHECK_STR(out, "There is no memory #2 (see /memories).");
    say(a, "/forget my brother is Oleg", out, sizeof out);
    CHECK_STR(out, "Forgot #5: My brother is Oleg.");
    say(a, "/remember my brother lives in Oslo", out, sizeof out);
    CHECK_STR(out, "Remembered (#5): My brother lives in Oslo.");
    say(a, "/remember my brother likes chess", out, sizeof out);
    CHECK_STR(out, "Remembered (#6): My brother likes chess.");
    say(a, "/forget brother", out, sizeof out);
    CHECK_CONTAINS(out, "Which one should I forget?");
    CHECK_CONTAINS(out, "#5  My brother lives in Oslo");
    CHECK_CONTAINS(out, "#6  My brother likes chess");
    CHECK_CONTAINS(out, "/forget ID");
    CHECK(n_facts(a) == 5);
    say(a, "/forget Oslo", out, sizeof out); /* one near match: asked about, not deleted */
    CHECK_CONTAINS(out, "Is this the one to forget?");
    CHECK_CONTAINS(out, "#5  My brother lives in Oslo");
    CHECK_CONTAINS(out, "Say /forget ID.");
    CHECK(n_facts(a) == 5);
    say(a, "/forget zeppelin", out, sizeof out);
    CHECK_CONTAINS(out, "I don't remember anything like \"zeppelin\".");
    say(a, "забудь, что я живу в Казани", out, sizeof out);
    CHECK_STR(out, "Забыл #3: Я живу в Казани.");
    say(a, "/forget", out, sizeof out);
    CHECK_CONTAINS(out, "Usage: /forget ID");
    CHECK(n_facts(a) == 4);

    /* Pinning: marked in /memories, undone by /unpin, Russian aliases. */
    say(a, "/pin 1", out, sizeof out);
    CHECK_STR(out, "Pinned #1.");
    say(a, "/memories", out, sizeof out);
    CHECK_CONTAINS(out, "#1  My sister is Anna (pinned)");
    CHECK(!strstr(out, "Oslo (pinned)"));
    say(a, "/memories sister", out, sizeof out);
    CHECK_CONTAINS(out, "#1  My sister is Anna (pinned)");
    say(a, "/unpin #1", out, sizeof out);
    CHECK_STR(out, "Unpinned #1.");
    say(a, "/memories", out, sizeof out);
    CHECK(!strstr(out, "(pinned)"));
    say(a, "/pin 99", out, sizeof out);
    CHECK_STR(out, "There is no memory #99 (see /memories).");
    say(a, "/pin", out, sizeof out);
    CHECK_CONTAINS(out, "Usage: /pin ID");
    say(a, "/unpin abc", out, sizeof out);
    CHECK_CONTAINS(out, "Usage: /unpin ID");
    say(a, "/закрепить 5", out, sizeof out);
    CHECK_STR(out, "Закрепил #5.");
    say(a, "/память", out, sizeof out);
    CHECK_CONTAINS(out, "#5  My brother lives in Oslo (закреплено)");
    say(a, "/открепить 5", out, sizeof out);
    CHECK_STR(out, "Открепил #5.");
}

/* A plan said in chat gets its time as the event time: "on Friday" from Saturday 2027-06-12 is
 * Friday 2027-06-18, in the local zone. */
static void test_plan_time(struct sym_assistant *a)
{
    struct sym_facts hits = {0};
    struct tm tm = {0};
    char out[1024];

    say(a, "I'm flying to Paris on Friday", out, sizeof out);
    CHECK(sym_fact_search(sym_assistant_store(a), "Paris", 1, &hits) == SYM_OK && hits.n == 1);
    if (hits.n == 1) {
        CHECK_CONTAINS(hits.items[0].text, "Paris");
        CHECK(hits.items[0].event_time > NOW);
        CHECK(sym_clock_local(hits.items[0].event_time, NULL, &tm));
        CHECK(tm.tm_year == 127 && tm.tm_mon == 5 && tm.tm_mday == 18 && tm.tm_wday == 5);
    }
    sym_facts_free(&hits);
}

static void test_no_store(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    char out[1024];

    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK) {
        say(a, "/remember my sister is Anna", out, sizeof out);
        CHECK_CONTAINS(out, "Memory is unavailable");
        say(a, "/memories", out, sizeof out);
        CHECK_CONTAINS(out, "Memory is unavailable");
        say(a, "/forget 1", out, sizeof out);
        CHECK_CONTAINS(out, "Memory is unavailable");
    }
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

int main(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    struct sym_store *s = NULL;
    char cmd[300], err[512];

    sym_clock_fix(NOW);
    snprintf(dir, sizeof dir, "%s/symbiot-memmod-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db, sizeof db, "%s/memory.db", dir);
    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK) {
        if (sym_store_open(&s, db, err, sizeof err))
            fprintf(stderr, "cannot open %s: %s\n", db, err);
        sym_assistant_set_store(a, s);
        if (sym_assistant_store(a))
            test_commands(a);
        if (sym_assistant_store(a))
            test_plan_time(a);
        else
            CHECK(!"store opened");
    }
    sym_assistant_free(a);
    sym_config_free(&cfg);
    test_no_store();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_report("test_memory_module");
}
