/*
 * test_remind.c: reminders through the real assistant with a fixed clock and a temporary
 * database: /remind in both languages and both quoting styles (and the natural phrasing once the
 * intent matcher is there), /reminders, /cancel, the questions instead of a reminder (ambiguous
 * hour, a past moment, no time, no text), no database, and a restart after which the overdue
 * reminder is announced once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assistant.h"
#include "base/clock.h"
#include "memory/store.h"
#include "modules/remind.h"
#include "test.h"
#include "modules/registry.h"

/* 2027-06-12T09:00:00Z: 12:00 in Moscow, a Saturday. */
#define NOW 1812790800

static char dir[256], db[300];

static struct sym_store *open_store(void)
{
    struct sym_store *s = NULL;
    char err[512];

    if (sym_store_open(&s, db, err, sizeof err))
        fprintf(stderr, "cannot open %s: %s\n", db, err);
    return s;
}

/* Run one input; the answer (or the error) into out. */
static void say(struct sym_assistant *a, const char *input, char *out, size_t size)
{
    struct sym_turn t;

    if (sym_assistant_turn(a, input, NULL, &t))
        snprintf(out, size, "error: %s", sym_assistant_errmsg(a));
    else
        snprintf(out, size, "%s", t.answer ? t.answer : "");
    sym_turn_clear(&t);
}

static size_t n_pending(struct sym_assistant *a)
{
    struct sym_reminders list = {0};
    size_t n = 0;

    if (!sym_store_pending_reminders(sym_assistant_store(a), &list))
        n = list.n;
    sym_reminders_free(&list);
    return n;
}

static void test_commands(struct sym_assistant *a)
{
    struct sym_parse p;
    char out[2048];

    say(a, "/remind in 10 minutes check the oven", out, sizeof out);
    CHECK_STR(out, "I'll remind you today at 12:10: check the oven.");
    say(a, "/remind \"in 10 minutes\" check the oven", out, sizeof out);
    CHECK_STR(out, "I'll remind you today at 12:10: check the oven.");
    say(a, "/remind через 2 часа проверить духовку", out, sizeof out);
    CHECK_STR(out, "Напомню сегодня в 14:00: проверить духовку.");
    say(a, "/remind to call Mum tomorrow at 9am", out, sizeof out);
    CHECK_STR(out, "I'll remind you tomorrow at 09:00: call Mum.");
    CHECK(n_pending(a) == 4);

    /* The natural phrasing needs the intent matcher (sym_parse filling slots). */
    memset(&p, 0, sizeof p);
    if (!sym_parse("remind me in 10 minutes to check the oven", SYM_LANG_EN, &p) && p.command &&
        !strcmp(p.command, "remind")) {
        say(a, "remind me in 10 minutes to check the oven", out, sizeof out);
        CHECK_STR(out, "I'll remind you today at 12:10: check the oven.");
        CHECK(n_pending(a) == 5);
        say(a, "/cancel 5", out, sizeof out);
    } else {
        printf("test_remind: the intent matcher is not merged yet; natural phrasing not tested\n");
    }
    sym_parse_clear(&p);

    say(a, "/reminders", out, sizeof out);
    CHECK_CONTAINS(out, "#1  today at 12:10  check the oven");
    CHECK_CONTAINS(out, "#3  today at 14:00  проверить духовку");
    CHECK_CONTAINS(out, "#4  tomorrow at 09:00  call Mum");
    CHECK(strstr(out, "#1") < strstr(out, "#3") && strstr(out, "#3") < strstr(out, "#4"));
    say(a, "/reminders напоминания", out, sizeof out);
    CHECK_CONTAINS(out, "#4  завтра в 09:00  call Mum");

    say(a, "/cancel 2", out, sizeof out);
    CHECK_STR(out, "Cancelled reminder #2: check the oven");
    say(a, "/cancel #2", out, sizeof out);
    CHECK_STR(out, "There is no pending reminder #2 (see /reminders).");
    say(a, "/cancel soon", out, sizeof out);
    CHECK_CONTAINS(out, "Usage: /cancel ID");
    CHECK(n_pending(a) == 3);

    /* Questions instead of reminders: nothing is stored. */
    say(a, "/remind at 6 water the plants", out, sizeof out);
    CHECK_STR(out, "At 6 in the morning or in the evening? Say e.g. 'remind me at 6pm to water "
                   "the plants'.");
    say(a, "/remind в 6 полить цветы", out, sizeof out);
    CHECK_CONTAINS(out, "В 6 утра или вечера?");
    say(a, "/remind 12 June 2020 at 10:00 pay the rent", out, sizeof out);
    CHECK_CONTAINS(out, "That time has already passed");
    say(a, "/remind check the oven", out, sizeof out);
    CHECK_CONTAINS(out, "When should I remind you to check the oven?");
    say(a, "/remind", out, sizeof out);
    CHECK_CONTAINS(out, "When should I remind you?");
    say(a, "/remind in 10 minutes", out, sizeof out);
    CHECK_CONTAINS(out, "What should I remind you of?");
    say(a, "/remind через 10 минут", out, sizeof out);
    CHECK_CONTAINS(out, "О чём напомнить?");
    CHECK(n_pending(a) == 3);
}

static void test_no_store(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    char out[1024];

    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK) {
        say(a, "/remind in 10 minutes check the oven", out, sizeof out);
        CHECK_CONTAINS(out, "Reminders are unavailable");
        say(a, "/reminders", out, sizeof out);
        CHECK_CONTAINS(out, "Reminders are unavailable");
        say(a, "/cancel 1", out, sizeof out);
        CHECK_CONTAINS(out, "Reminders are unavailable");
    }
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

/* Close and reopen: still there; 11 minutes later the first one is due, and announced once. */
static void test_restart(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    struct sym_reminders due = {0};
    struct sym_buf line = {0};
    struct sym_store *s;

    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules))
        goto out;
    sym_assistant_set_store(a, open_store());
    s = sym_assistant_store(a);
    CHECK(s != NULL);
    if (!s)
        goto out;
    CHECK(n_pending(a) == 3);
    CHECK(sym_store_due_reminders(s, sym_clock_now(), &due) == SYM_OK && due.n == 0);
    sym_clock_fix(NOW + 11 * 60);
    CHECK(sym_store_due_reminders(s, sym_clock_now(), &due) == SYM_OK && due.n == 1);
    CHECK(sym_store_take_due(s, sym_clock_now(), &due) == SYM_OK && due.n == 1);
    if (due.n == 1) {
        CHECK_STR(due.items[0].text, "check the oven");
        CHECK(sym_remind_announcement(&due.items[0], sym_clock_now(), true, SYM_LANG_EN, &line) ==
              SYM_OK);
        CHECK_STR(sym_buf_str(&line), "⏰ Reminder (missed while Symbiot was closed, due today at "
                                      "12:10): check the oven");
        sym_buf_reset(&line);
        sym_remind_announcement(&due.items[0], sym_clock_now(), false, SYM_LANG_EN, &line);
        CHECK_STR(sym_buf_str(&line), "⏰ Reminder: check the oven");
    }
    CHECK(sym_store_take_due(s, sym_clock_now(), &due) == SYM_OK && due.n == 0);
    CHECK(n_pending(a) == 2);
    /* Two hours on: the Russian one, announced in Russian. */
    sym_clock_fix(NOW + 2 * 3600);
    CHECK(sym_store_take_due(s, sym_clock_now(), &due) == SYM_OK && due.n == 1);
    if (due.n == 1) {
        sym_buf_reset(&line);
        sym_remind_announcement(&due.items[0], sym_clock_now(), false, SYM_LANG_EN, &line);
        CHECK_STR(sym_buf_str(&line), "⏰ Напоминание: проверить духовку");
    }
out:
    sym_buf_free(&line);
    sym_reminders_free(&due);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    sym_clock_fix(NOW);
}

int main(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    char cmd[300];

    setenv("TZ", "Europe/Moscow", 1);
    tzset();
    sym_clock_fix(NOW);
    snprintf(dir, sizeof dir, "%s/symbiot-remind-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db, sizeof db, "%s/memory.db", dir);
    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK) {
        sym_assistant_set_store(a, open_store());
        if (sym_assistant_store(a))
            test_commands(a);
        else
            CHECK(!"store opened");
    }
    sym_assistant_free(a); /* closes the store: a restart follows */
    sym_config_free(&cfg);
    test_no_store();
    test_restart();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_report("test_remind");
}
