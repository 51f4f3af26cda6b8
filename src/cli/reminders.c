/*
 * reminders.c: the CLI's side of reminders: the `symbiot reminders` subcommand (text or a JSON
 * array) and announcing reminders that fall due (stderr, so piped output stays the answers alone).
 *
 * Announcing takes the due reminders out of the store in one transaction (sym_store_take_due),
 * so a reminder is announced once even with two sessions open on one database.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "memory/store.h"
#include "modules/remind.h"

/* The offset is worked out from the broken-down time (tm_gmtoff is not POSIX). */
void cli_iso_local(time_t t, char *out, size_t size)
{
    struct tm tm;
    long off;

    if (!sym_clock_local(t, NULL, &tm)) {
        snprintf(out, size, "%lld", (long long)t);
        return;
    }
    off = (long)(cli_civil_days(&tm) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec -
                 (long long)t);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
             labs(off) / 3600, labs(off) / 60 % 60);
}

static const char *status_name(enum sym_reminder_status s)
{
    return s == SYM_REMINDER_DONE ? "done" : s == SYM_REMINDER_CANCELLED ? "cancelled" : "pending";
}

static int print_json(struct sym_store *store)
{
    struct sym_reminders list = {0};
    cJSON *arr = NULL;
    char *text = NULL, when[64];
    int code = CLI_EXIT_FAIL;
    size_t i;

    if (sym_store_pending_reminders(store, &list)) {
        cli_error("%s", sym_store_errmsg(store));
        goto out;
    }
    arr = cJSON_CreateArray();
    for (i = 0; arr && i < list.n; i++) {
        cJSON *o = cJSON_CreateObject();

        if (!o || !cJSON_AddItemToArray(arr, o))
            goto nomem;
        cli_iso_local(list.items[i].due, when, sizeof when);
        if (!cJSON_AddNumberToObject(o, "id", (double)list.items[i].id) ||
            !cJSON_AddStringToObject(o, "text", list.items[i].text) ||
            !cJSON_AddStringToObject(o, "due", when) ||
            !cJSON_AddStringToObject(o, "status", status_name(list.items[i].status)))
            goto nomem;
    }
    text = arr ? cJSON_PrintUnformatted(arr) : NULL;
    if (!text)
        goto nomem;
    puts(text);
    code = CLI_EXIT_OK;
    goto out;
nomem:
    cli_error("out of memory");
out:
    free(text);
    cJSON_Delete(arr);
    sym_reminders_free(&list);
    return code;
}

int cli_reminders(struct cli *cli, struct sym_assistant *a)
{
    struct sym_turn turn;
    int code = CLI_EXIT_OK;

    if (cli->json)
        return print_json(sym_assistant_store(a));
    if (sym_assistant_turn(a, "/reminders", NULL, &turn)) {
        cli_error("%s", sym_assistant_errmsg(a));
        return CLI_EXIT_FAIL;
    }
    if (turn.answer)
        puts(turn.answer);
    sym_turn_clear(&turn);
    return code;
}

int cli_announce_due(struct sym_assistant *a, bool missed, enum sym_lang lang)
{
    struct sym_store *store = sym_assistant_store(a);
    struct sym_reminders list = {0};
    struct sym_buf line = {0};
    time_t now = sym_clock_now();
    size_t i;
    int n = 0;

    if (!store)
        return 0;
    if (sym_store_take_due(store, now, &list)) {
        cli_error("%s", sym_store_errmsg(store));
        return 0;
    }
    for (i = 0; i < list.n; i++) {
        sym_buf_reset(&line);
        if (sym_remind_announcement(&list.items[i], now, missed, lang, &line))
            continue;
        fputs(cli_color("\033[1;33m"), stderr);
        cli_write_text(stderr, sym_buf_str(&line), line.len);
        fprintf(stderr, "%s\n", cli_color("\033[0m"));
        n++;
    }
    fflush(stderr);
    sym_buf_free(&line);
    sym_reminders_free(&list);
    return n;
}

bool cli_next_due(struct sym_assistant *a, time_t *at)
{
    struct sym_store *store = sym_assistant_store(a);
    bool found = false;

    return store && !sym_store_next_due(store, at, &found) && found;
}
