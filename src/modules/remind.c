/*
 * remind.c: the reminders module: /remind WHEN TEXT (and the natural "remind me in 10 minutes to
 * check the oven"), /reminders, /cancel ID. Reminders live in the memory database
 * (memory/store.h), so they survive a restart; the front ends announce them when they fall due.
 *
 * A slash command's arguments carry the time and the text in one run of words, so the time is
 * looked for as the longest prefix of the words that is one time expression (nlp/when.h), else
 * the longest suffix ("/remind check the oven in 10 minutes"); the rest, cut from the arguments
 * as typed, is the text. The natural-language path gets both already split by the intent matcher.
 * Nothing is stored unless the moment is certain: an ambiguous hour, a moment in the past, or
 * no time or text at all get a question back instead.
 */
#include "modules/remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/module.h"
#include "nlp/text.h"

#define MAX_WHEN_WORDS 12 /* the longest time expression looked for */

static const char *const month_en[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
static const char *const month_ru[] = {"января",   "февраля", "марта",  "апреля",
                                       "мая",      "июня",    "июля",   "августа",
                                       "сентября", "октября", "ноября", "декабря"};
static const char *const weekday_en[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};
static const char *const weekday_ru[] = {"в воскресенье", "в понедельник", "во вторник", "в среду",
                                         "в четверг",     "в пятницу",     "в субботу"};

/* Days since 1970-01-01 of a Gregorian date, for counting calendar days between two moments. */
static long long day_number(const struct tm *tm)
{
    long long y = tm->tm_year + 1900L - (tm->tm_mon < 2);
    long long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int m = tm->tm_mon + 1;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + tm->tm_mday - 1;

    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

enum sym_status sym_remind_format_due(time_t due, time_t now, enum sym_lang lang,
                                      struct sym_buf *out)
{
    struct tm d, n;
    long long days;
    bool ru = lang == SYM_LANG_RU;
    char hm[8];

    if (!sym_clock_local(due, NULL, &d) || !sym_clock_local(now, NULL, &n))
        return sym_buf_printf(out, "@%lld", (long long)due);
    snprintf(hm, sizeof hm, "%02d:%02d", d.tm_hour % 100, d.tm_min % 100);
    days = day_number(&d) - day_number(&n);
    if (days == 0)
        return sym_buf_printf(out, "%s %s", ru ? "сегодня в" : "today at", hm);
    if (days == 1)
        return sym_buf_printf(out, "%s %s", ru ? "завтра в" : "tomorrow at", hm);
    if (days == -1)
        return sym_buf_printf(out, "%s %s", ru ? "вчера в" : "yesterday at", hm);
    if (days > 1 && days < 7)
        return ru ? sym_buf_printf(out, "%s в %s", weekday_ru[d.tm_wday], hm)
                  : sym_buf_printf(out, "on %s at %s", weekday_en[d.tm_wday], hm);
    if (d.tm_year == n.tm_year)
        return ru ? sym_buf_printf(out, "%d %s в %s", d.tm_mday, month_ru[d.tm_mon], hm)
                  : sym_buf_printf(out, "on %d %s at %s", d.tm_mday, month_en[d.tm_mon], hm);
    return ru ? sym_buf_printf(out, "%d %s %d в %s", d.tm_mday, month_ru[d.tm_mon],
                               d.tm_year + 1900, hm)
              : sym_buf_printf(out, "on %d %s %d at %s", d.tm_mday, month_en[d.tm_mon],
                               d.tm_year + 1900, hm);
}

static enum sym_lang lang_of(const char *code, enum sym_lang fallback)
{
    if (!strcmp(code, "ru"))
        return SYM_LANG_RU;
    if (!strcmp(code, "en"))
        return SYM_LANG_EN;
    return fallback;
}

enum sym_status sym_remind_announcement(const struct sym_reminder *r, time_t now, bool missed,
                                        enum sym_lang fallback, struct sym_buf *out)
{
    enum sym_lang lang = lang_of(r->lang, fallback);
    enum sym_status rc;

    if (!missed)
        return sym_buf_printf(out, "⏰ %s: %s", SYM_TR(lang, "Reminder", "Напоминание"), r->text);
    rc = sym_buf_printf(out, "⏰ %s",
                        SYM_TR(lang, "Reminder (missed while Symbiot was closed, due ",
                               "Напоминание (пропущено, пока Symbiot был закрыт; срок: "));
    if (!rc)
        rc = sym_remind_format_due(r->due, now, lang, out);
    if (!rc)
        rc = sym_buf_printf(out, "): %s", r->text);
    return rc;
}

/* ---- /remind ---- */

/* Words that join the time and the text: "remind me in 10 minutes to ...", "... о встрече". */
static bool is_connective(const char *word)
{
    static const char *const words[] = {"to",  "that", "about", "of", "чтобы",
                                        "что", "про",  "о",     "об", NULL};
    const char *const *p;

    for (p = words; *p; p++)
        if (!strcmp(*p, word))
            return true;
    return false;
}

/* Copy [from, to) of s, trimmed of spaces, into *out: NULL when nothing is left. */
static enum sym_status cut(const char *s, size_t from, size_t to, char **out)
{
    while (from < to && (s[from] == ' ' || s[from] == '\t'))
        from++;
    while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t'))
        to--;
    *out = NULL;
    if (from == to)
        return SYM_OK;
    *out = malloc(to - from + 1);
    if (!*out)
        return SYM_ERR_NOMEM;
    memcpy(*out, s + from, to - from);
    (*out)[to - from] = '\0';
    return SYM_OK;
}

/*
 * Split a slash command's arguments (joined, unquoted) into a time expression and the text.
 * when.found is false when no expression leads or ends the words; *text is NULL when no text is
 * left (or on allocation failure, with SYM_ERR_NOMEM).
 */
static enum sym_status split_args(const char *args, struct sym_when *when, char **text)
{
    struct sym_norm norm = {0};
    struct sym_words w = {0};
    size_t count, k, from = 0, to = strlen(args), first_text = 0, last_text = 0;
    enum sym_status rc;

    memset(when, 0, sizeof *when);
    *text = NULL;
    rc = sym_norm_init(&norm, args);
    if (!rc)
        rc = sym_words_split(norm.text, &w);
    if (rc)
        goto out;
    /* The longest prefix that is one expression ... */
    for (count = w.n < MAX_WHEN_WORDS ? w.n : MAX_WHEN_WORDS; count > 0; count--)
        if (sym_when_parse(&w, 0, count, when)) {
            first_text = count;
            last_text = w.n;
            if (count < w.n)
                from = norm.map[w.start[count]];
            else
                from = to;
            break;
        }
    /* ... else the longest suffix. */
    for (k = w.n > MAX_WHEN_WORDS ? w.n - MAX_WHEN_WORDS : 1; !when->found && k < w.n; k++)
        if (sym_when_parse(&w, k, w.n - k, when)) {
            first_text = 0;
            last_text = k;
            to = norm.map[w.start[k]];
        }
    if (!when->found) {
        first_text = 0;
        last_text = w.n;
    }
    /* "to check the oven": the connective belongs to neither. */
    if (first_text < last_text && last_text - first_text > 1 && is_connective(w.word[first_text]))
        from = norm.map[w.start[first_text + 1]];
    rc = cut(args, from, to, text);
out:
    sym_words_free(&w);
    sym_norm_free(&norm);
    return rc;
}

/* The arguments as the user meant them: argv joined by spaces (quotes and escapes removed). */
static char *join_argv(const struct sym_parse *p)
{
    struct sym_buf b = {0};
    int i;

    for (i = 0; i < p->argc; i++)
        if ((i && sym_buf_puts(&b, " ")) || sym_buf_puts(&b, p->argv[i])) {
            sym_buf_free(&b);
            return NULL;
        }
    return sym_buf_steal(&b);
}

static enum sym_status no_store(struct sym_call *call)
{
    return sym_buf_puts(call->out,
                        SYM_TR(call->lang,
                               "Reminders are unavailable: the memory database could not be "
                               "opened (see the message when Symbiot started).",
                               "Напоминания недоступны: не удалось открыть базу памяти (см. "
                               "сообщение при запуске Symbiot)."));
}

static enum sym_status store_error(struct sym_call *call, struct sym_store *store,
                                   enum sym_status rc)
{
    sym_assistant_set_error(call->assistant, "%s", sym_store_errmsg(store));
    return rc;
}

/* The answer for an hour that could be morning or evening. */
static enum sym_status ask_meridiem(struct sym_call *call, const struct sym_when *when,
                                    const char *text)
{
    int h = when->hour;

    if (h == 12)
        return sym_buf_printf(
            call->out,
            SYM_TR(call->lang, "At 12 noon or at midnight? Say e.g. 'remind me at noon to %s'.",
                   "В 12 дня или в полночь? Скажите, например: «напомни в 12 дня %s»."),
            text ? text : "…");
    return sym_buf_printf(
        call->out,
        SYM_TR(call->lang,
               "At %d in the morning or in the evening? Say e.g. 'remind me at %dpm to %s'.",
               "В %d утра или вечера? Скажите, например: «напомни в %d вечера %s»."),
        h, h, text ? text : "…");
}

/* Store text at the moment `when` names, or say why not. */
static enum sym_status remind(struct sym_call *call, const struct sym_when *when, const char *text)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    enum sym_lang l = call->lang;
    time_t now = sym_clock_now(), at = 0;
    enum sym_when_result res;
    enum sym_status rc;
    long long id;

    if (!store)
        return no_store(call);
    if (!when->found)
        return sym_buf_printf(
            call->out,
            SYM_TR(l, "When should I remind you%s%s? Say e.g. '/remind in 10 minutes %s'.",
                   "Когда напомнить%s%s? Скажите, например: «/remind через 10 минут %s»."),
            text ? SYM_TR(l, " to ", ": ") : "", text ? text : "", text ? text : "…");
    if (!text)
        return sym_buf_puts(call->out,
                            SYM_TR(l,
                                   "What should I remind you of? Say e.g. '/remind in 10 minutes "
                                   "check the oven'.",
                                   "О чём напомнить? Скажите, например: «/remind через 10 минут "
                                   "проверить духовку»."));
    res = sym_when_resolve(when, now, NULL, &at);
    if (res == SYM_WHEN_AMBIGUOUS)
        return ask_meridiem(call, when, text);
    if (res == SYM_WHEN_PAST) {
        rc = sym_buf_puts(call->out,
                          SYM_TR(l, "That time has already passed (", "Это время уже прошло ("));
        if (!rc)
            rc = sym_remind_format_due(at, now, l, call->out);
        if (!rc)
            rc = sym_buf_puts(call->out,
                              SYM_TR(l, "). When should I remind you?", "). Когда напомнить?"));
        return rc;
    }
    if (res != SYM_WHEN_OK)
        return sym_buf_puts(call->out,
                            SYM_TR(l,
                                   "I could not tell when that is. Say e.g. 'in 10 minutes', "
                                   "'tomorrow at 9am' or '12 June at 18:00'.",
                                   "Не понял, когда это. Скажите, например: «через 10 минут», "
                                   "«завтра в 9 утра» или «12 июня в 18:00»."));
    rc = sym_store_add_reminder(store, text, at, now, l == SYM_LANG_RU ? "ru" : "en", &id);
    if (rc)
        return store_error(call, store, rc);
    rc = sym_buf_puts(call->out, SYM_TR(l, "I'll remind you ", "Напомню "));
    if (!rc)
        rc = sym_remind_format_due(at, now, l, call->out);
    if (!rc)
        rc = sym_buf_printf(call->out, ": %s", text);
    if (!rc && !strchr(".!?", text[strlen(text) - 1]))
        rc = sym_buf_puts(call->out, ".");
    return rc;
}

static enum sym_status remind_command(struct sym_call *call)
{
    const struct sym_parse *p = call->parse;
    struct sym_when when;
    char *args = NULL, *text = NULL;
    enum sym_status rc;

    if (p->natural) {
        const char *t = p->slots.text && p->slots.text[0] ? p->slots.text : NULL;

        return remind(call, &p->slots.when, t);
    }
    args = join_argv(p);
    if (!args)
        return SYM_ERR_NOMEM;
    rc = split_args(args, &when, &text);
    if (!rc)
        rc = remind(call, &when, text);
    free(text);
    free(args);
    return rc;
}

/* ---- /reminders, /cancel ---- */

static enum sym_status list_reminders(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    struct sym_reminders list = {0};
    time_t now = sym_clock_now();
    enum sym_status rc;
    size_t i;

    if (!store)
        return no_store(call);
    rc = sym_store_pending_reminders(store, &list);
    if (rc)
        return store_error(call, store, rc);
    if (!list.n)
        rc = sym_buf_puts(call->out,
                          SYM_TR(call->lang,
                                 "No reminders. Add one with e.g. /remind in 10 minutes check "
                                 "the oven.",
                                 "Напоминаний нет. Добавить: например, /remind через 10 минут "
                                 "проверить духовку."));
    else
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "Reminders:", "Напоминания:"));
    for (i = 0; i < list.n && !rc; i++) {
        rc = sym_buf_printf(call->out, "\n  #%lld  ", list.items[i].id);
        if (!rc)
            rc = sym_remind_format_due(list.items[i].due, now, call->lang, call->out);
        if (!rc)
            rc = sym_buf_printf(call->out, "  %s", list.items[i].text);
    }
    if (!rc && list.n)
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "\n/cancel ID removes one.",
                                            "\n/cancel НОМЕР отменяет напоминание."));
    sym_reminders_free(&list);
    return rc;
}

static enum sym_status cancel(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    struct sym_reminders list = {0};
    const char *arg = call->parse->argc == 1 ? call->parse->argv[0] : "";
    const char *text = NULL;
    enum sym_status rc;
    bool found = false;
    long long id;
    char *end;
    size_t i;

    if (!store)
        return no_store(call);
    if (*arg == '#')
        arg++;
    id = strtoll(arg, &end, 10);
    if (!*arg || *end || id <= 0)
        return sym_buf_puts(call->out,
                            SYM_TR(call->lang, "Usage: /cancel ID (the number /reminders shows)",
                                   "Использование: /cancel НОМЕР (номер из /reminders)"));
    rc = sym_store_pending_reminders(store, &list);
    if (!rc)
        rc = sym_store_cancel_reminder(store, id, &found);
    if (rc) {
        sym_reminders_free(&list);
        return store_error(call, store, rc);
    }
    for (i = 0; i < list.n; i++)
        if (list.items[i].id == id)
            text = list.items[i].text;
    if (!found)
        rc = sym_buf_printf(call->out,
                            SYM_TR(call->lang,
                                   "There is no pending reminder #%lld (see /reminders).",
                                   "Напоминания #%lld нет среди ожидающих (см. /reminders)."),
                            id);
    else
        rc = sym_buf_printf(
            call->out,
            SYM_TR(call->lang, "Cancelled reminder #%lld: %s", "Напоминание #%lld отменено: %s"),
            id, text ? text : "");
    sym_reminders_free(&list);
    return rc;
}

static enum sym_status remind_handle(struct sym_call *call)
{
    const char *name = call->command->name;

    if (!strcmp(name, "reminders"))
        return list_reminders(call);
    if (!strcmp(name, "cancel"))
        return cancel(call);
    return remind_command(call);
}

/* The commands' arguments as tools (core/module.h). */
static const struct sym_arg remind_args[] = {
    {"when", SYM_ARG_STRING, 1,
     "when, as a person says it: \"in 10 minutes\", \"tomorrow at 9am\", \"12 June at 18:00\""},
    {"text", SYM_ARG_STRING, 1, "what to remind the user of"},
    {0},
};
static const struct sym_arg cancel_args[] = {
    {"id", SYM_ARG_INTEGER, 1, "the reminder's number, as the reminders tool lists it"},
    {0},
};

static const struct sym_command remind_commands[] = {
    {"remind",
     "напомни напомнить",
     "/remind WHEN TEXT",
     {"remind you of TEXT at a time: in 10 minutes, tomorrow at 9am, 12 June at 18:00",
      "напомнить о TEXT в срок: через 10 минут, завтра в 9 утра, 12 июня в 18:00"},
     "/remind in 10 minutes check the oven\n/remind \"tomorrow at 9am\" call Mum\n"
     "/remind через 2 часа позвонить маме\nremind me at 6pm to water the plants",
     SYM_TOOL_WRITES,
     remind_args},
    {"reminders",
     "напоминания",
     "/reminders",
     {"list the pending reminders", "список ожидающих напоминаний"},
     NULL,
     SYM_TOOL_READS,
     NULL},
    {"cancel",
     "отменить",
     "/cancel ID",
     {"cancel a reminder by the number /reminders shows",
      "отменить напоминание по номеру из /reminders"},
     "/cancel 3",
     SYM_TOOL_DESTROYS,
     cancel_args},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_remind = {
    "remind",
    {"reminders that survive a restart", "напоминания, которые переживут перезапуск"},
    remind_commands,
    remind_handle,
    NULL,
    NULL,
};
