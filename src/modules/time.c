/*
 * time.c: the time module: the time here or in a place (/time), today's date (/date), the day of
 * the week of a date (/weekday) and the days left until a date or a holiday (/until), in English
 * and Russian.
 *
 * Everything is computed from sym_clock_now() (base/clock.h), so tests fix the clock. Dates are
 * worked on as day numbers (days since 1970-01-01 in the proleptic Gregorian calendar): "how many
 * days until" is a subtraction of calendar days in the local zone, which a DST change cannot
 * skew, and the weekday of any date follows from its day number without touching TZ. Places come
 * from nlp/places.h, time expressions from nlp/when.h, holidays from the table below (fixed dates,
 * plus Western and Orthodox Easter by their computus). "Christmas" is 25 December and "Рождество"
 * 7 January: each name means what its speakers celebrate.
 *
 * A command reads what it needs from its argument text (normalised, small leading words such as
 * "in", "в", "until", "до" dropped); an unknown place or date gets an answer that says so and
 * shows an example, never an error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/module.h"
#include "nlp/places.h"
#include "nlp/ru.h"
#include "nlp/text.h"
#include "nlp/when.h"

/* A calendar date. */
struct date {
    int y, m, d;
};

static const char *const weekday_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
static const char *const weekday_ru[7] = {"воскресенье", "понедельник", "вторник", "среда",
                                          "четверг",     "пятница",     "суббота"};
/* The past tense of "to be" that agrees with each weekday's gender: был понедельник, была среда. */
static const char *const weekday_was_ru[7] = {"было", "был", "был", "была", "был", "была", "была"};
static const char *const month_en[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
static const char *const month_ru_gen[12] = {"января",   "февраля", "марта",  "апреля",
                                             "мая",      "июня",    "июля",   "августа",
                                             "сентября", "октября", "ноября", "декабря"};

/* Days since 1970-01-01 of a Gregorian date (Howard Hinnant's days_from_civil). */
static long long day_number(struct date dt)
{
    long long y = dt.y - (dt.m <= 2), era, yoe, doy;

    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The inverse of day_number (civil_from_days). */
static struct date from_day_number(long long z)
{
    struct date dt;
    long long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    dt.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    dt.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    dt.y = (int)(yoe + era * 400 + (dt.m <= 2));
    return dt;
}

/* 0 = Sunday .. 6 = Saturday. 1970-01-01 was a Thursday. */
static int weekday_of(long long day)
{
    return (int)(((day + 4) % 7 + 7) % 7);
}

static struct date date_of_tm(const struct tm *tm)
{
    struct date dt = {tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday};

    return dt;
}

/* Today in the local zone, as a day number. */
static bool today(long long *day)
{
    struct tm tm;

    if (!sym_clock_local(sym_clock_now(), NULL, &tm))
        return false;
    *day = day_number(date_of_tm(&tm));
    return true;
}

/* Append a date: "Saturday, 12 June 2027" / "суббота, 12 июня 2027 года", with or without the
 * weekday and the year. */
static enum sym_status put_date(struct sym_buf *out, enum sym_lang lang, long long day,
                                bool weekday, bool year)
{
    struct date dt = from_day_number(day);
    int wd = weekday_of(day);
    enum sym_status rc = SYM_OK;

    if (weekday)
        rc = sym_buf_printf(out, "%s, ", lang == SYM_LANG_RU ? weekday_ru[wd] : weekday_en[wd]);
    if (!rc)
        rc = sym_buf_printf(out, "%d %s", dt.d,
                            lang == SYM_LANG_RU ? month_ru_gen[dt.m - 1] : month_en[dt.m - 1]);
    if (!rc && year)
        rc = sym_buf_printf(out, SYM_TR(lang, " %d", " %d года"), dt.y);
    return rc;
}

/* The same, as a string in buf (for the middle of a sentence). */
static const char *date_str(char *buf, size_t size, enum sym_lang lang, long long day, bool weekday,
                            bool year)
{
    struct sym_buf b = {0};

    buf[0] = '\0';
    if (!put_date(&b, lang, day, weekday, year))
        snprintf(buf, size, "%s", sym_buf_str(&b));
    sym_buf_free(&b);
    return buf;
}

/* "1 day", "2 days" / "1 день", "2 дня", "5 дней". */
static const char *days_word(enum sym_lang lang, long long n)
{
    if (lang == SYM_LANG_RU)
        return sym_ru_plural(n, "день", "дня", "дней");
    return n == 1 || n == -1 ? "day" : "days";
}

/* The argument text normalised, with leading filler words from `drop` (space-separated) removed.
 * NULL on allocation failure; "" when nothing is left. Caller frees. */
static char *argument(const char *args, const char *drop)
{
    char *norm = sym_normalize(args ? args : "");
    char *p = norm;
    bool again = true;

    while (norm && again) {
        size_t n = strcspn(p, " ");
        const char *d = drop;

        again = false;
        while (*d && n) {
            size_t dn = strcspn(d, " ");

            if (dn == n && !strncmp(d, p, n)) {
                p += n + (p[n] == ' ');
                again = true;
                break;
            }
            d += dn + (d[dn] == ' ');
        }
    }
    if (norm && p != norm)
        memmove(norm, p, strlen(p) + 1);
    return norm;
}

/* What the user named, as typed: the slot the intent matcher cut out for a natural-language
 * line (slot may be NULL: nothing named), the argument text for a slash command. Never NULL. */
static const char *typed(const struct sym_call *call, const char *slot)
{
    if (call->parse->natural)
        return slot ? slot : "";
    return call->parse->args ? call->parse->args : "";
}

/* ---- /time and /date ---- */

/* Resolve the place named in the arguments. *place = NULL when none was named (the local zone);
 * *unknown = true when one was named but is not in the table. */
static enum sym_status find_place(const struct sym_call *call, const struct sym_place **place,
                                  bool *unknown)
{
    char *name = argument(typed(call, call->parse->slots.place),
                          "in at for now today в во на по сейчас сегодня");

    *place = NULL;
    *unknown = false;
    if (!name)
        return SYM_ERR_NOMEM;
    if (*name) {
        *place = sym_place_find(name);
        *unknown = !*place;
    }
    free(name);
    return SYM_OK;
}

/* A zone name rather than a place: "UTC", "GMT" read as "14:05 UTC", "по UTC". */
static bool is_zone_name(const struct sym_place *p)
{
    return !strncmp(p->zone, "Etc/", 4);
}

static enum sym_status unknown_place(const struct sym_call *call)
{
    return sym_buf_printf(call->out,
                          SYM_TR(call->lang,
                                 "I don't know a place called \"%s\", so I can't tell its time. "
                                 "Try the nearest big city, for example /time Tokyo.",
                                 "Я не знаю места «%s» и не могу сказать, сколько там времени. "
                                 "Назовите ближайший крупный город, например: /time Токио."),
                          typed(call, call->parse->slots.place));
}

/* "В Токио" / "Во Владивостоке": the sentence-initial "in PLACE" in Russian. */
static enum sym_status put_in_ru(struct sym_buf *out, const struct sym_place *p)
{
    const char *in = sym_ru_in(p->name_in_ru);

    if (is_zone_name(p))
        return sym_buf_printf(out, "По %s", p->name_in_ru);
    return sym_buf_printf(out, "%s %s", !strcmp(in, "во") ? "Во" : "В", p->name_in_ru);
}

static enum sym_status cmd_time(struct sym_call *call, bool date_only)
{
    const struct sym_place *place;
    enum sym_lang l = call->lang;
    struct sym_buf *out = call->out;
    bool unknown;
    struct tm tm;
    long long day;
    enum sym_status rc;

    rc = find_place(call, &place, &unknown);
    if (rc || unknown)
        return rc ? rc : unknown_place(call);
    if (!sym_clock_local(sym_clock_now(), place ? place->zone : NULL, &tm)) {
        sym_assistant_set_error(call->assistant, "cannot read the time zone %s",
                                place ? place->zone : "(local)");
        return SYM_ERR_IO;
    }
    day = day_number(date_of_tm(&tm));
    if (date_only) {
        if (!place)
            rc = sym_buf_puts(out, SYM_TR(l, "Today is ", "Сегодня "));
        else if (l == SYM_LANG_RU)
            rc = put_in_ru(out, place);
        else
            rc = sym_buf_printf(out, "In %s it is ", place->name[SYM_LANG_EN]);
        if (!rc && place && l == SYM_LANG_RU)
            rc = sym_buf_puts(out, " сейчас ");
        if (!rc)
            rc = put_date(out, l, day, true, true);
        return rc ? rc : sym_buf_puts(out, ".");
    }
    if (l == SYM_LANG_RU) {
        rc = place ? put_in_ru(out, place) : sym_buf_puts(out, "Сейчас");
        if (!rc)
            rc = sym_buf_printf(out, place ? " сейчас %02d:%02d (" : " %02d:%02d (", tm.tm_hour,
                                tm.tm_min);
    } else if (!place) {
        rc = sym_buf_printf(out, "It is %02d:%02d (", tm.tm_hour, tm.tm_min);
    } else {
        rc = sym_buf_printf(
            out, is_zone_name(place) ? "It is %02d:%02d %s (" : "It is %02d:%02d in %s (",
            tm.tm_hour, tm.tm_min, place->name[SYM_LANG_EN]);
    }
    if (!rc)
        rc = put_date(out, l, day, true, false);
    return rc ? rc : sym_buf_puts(out, ").");
}

/* ---- /weekday ---- */

/* The date a time expression names, as a day number: the parser's when slot for a natural-
 * language line, else the argument text with the words in drop skipped. *what: 0 = understood,
 * 1 = no date said, 2 = no such date. *relative: said as an offset ("in 3 days"). */
static enum sym_status find_date(const struct sym_call *call, const char *drop, long long *day,
                                 int *what, bool *relative)
{
    char *text = NULL;
    struct sym_when w;
    enum sym_when_result r;
    time_t at;
    struct tm tm;
    bool found;

    *what = 1;
    *relative = false;
    if (call->parse->natural) {
        w = call->parse->slots.when;
        found = w.found;
    } else {
        text = argument(typed(call, NULL), drop);
        if (!text)
            return SYM_ERR_NOMEM;
        found = *text && sym_when_parse_text(text, &w) && w.found;
    }
    if (found) {
        r = sym_when_resolve(&w, sym_clock_now(), NULL, &at);
        /* An explicit date must come back as itself: 31 February is no date, not 3 March. */
        if (r == SYM_WHEN_INVALID || !sym_clock_local(at, NULL, &tm) ||
            (w.day && tm.tm_mday != w.day) || (w.month && tm.tm_mon + 1 != w.month)) {
            *what = 2;
        } else {
            *what = 0;
            *day = day_number(date_of_tm(&tm));
            *relative = !w.month && !w.day && w.weekday < 0;
        }
    }
    free(text);
    return SYM_OK;
}

static enum sym_status not_a_date(const struct sym_call *call, int what, const char *example_en,
                                  const char *example_ru)
{
    const char *said = call->parse->natural && !call->parse->slots.event
                           ? call->input
                           : typed(call, call->parse->slots.event);

    if (what == 2)
        return sym_buf_printf(
            call->out,
            SYM_TR(call->lang, "There is no such date: \"%s\".", "Такой даты нет: «%s»."), said);
    return sym_buf_printf(call->out,
                          SYM_TR(call->lang,
                                 "I don't understand the date \"%s\". Try, for "
                                 "example, %s.",
                                 "Не понимаю дату «%s». Попробуйте, например: %s."),
                          said, call->lang == SYM_LANG_RU ? example_ru : example_en);
}

static enum sym_status cmd_weekday(struct sym_call *call)
{
    enum sym_lang l = call->lang;
    long long now, day, diff;
    char date[96];
    bool relative;
    int what, wd;
    enum sym_status rc;

    if (!today(&now))
        return SYM_ERR_IO;
    day = now;
    if (call->parse->natural ? call->parse->slots.when.found : *typed(call, NULL) != '\0') {
        rc = find_date(call, "on of is was будет был была было", &day, &what, &relative);
        if (rc || what)
            return rc ? rc
                      : not_a_date(call, what, "/weekday 12 June 2027", "/weekday 12 июня 2027");
    } else {
        relative = true;
    }
    wd = weekday_of(day);
    diff = day - now;
    date_str(date, sizeof date, l, day, false, true);
    if (diff == 0)
        return sym_buf_printf(call->out, SYM_TR(l, "Today is %s, %s.", "Сегодня %s, %s."),
                              l == SYM_LANG_RU ? weekday_ru[wd] : weekday_en[wd], date);
    if (l == SYM_LANG_EN) {
        if (!relative)
            return sym_buf_printf(call->out, diff > 0 ? "%s is a %s." : "%s was a %s.", date,
                                  weekday_en[wd]);
        if (diff == 1 || diff == -1)
            return sym_buf_printf(call->out,
                                  diff > 0 ? "Tomorrow is %s, %s." : "Yesterday was %s, %s.",
                                  weekday_en[wd], date);
        if (diff > 0)
            return sym_buf_printf(call->out, "In %lld days it will be %s, %s.", diff,
                                  weekday_en[wd], date);
        return sym_buf_printf(call->out, "%lld days ago it was %s, %s.", -diff, weekday_en[wd],
                              date);
    }
    if (!relative) {
        if (diff > 0)
            return sym_buf_printf(call->out, "%s — %s.", date, weekday_ru[wd]);
        return sym_buf_printf(call->out, "%s %s %s.", date, weekday_was_ru[wd], weekday_ru[wd]);
    }
    if (diff == 1)
        return sym_buf_printf(call->out, "Завтра %s, %s.", weekday_ru[wd], date);
    if (diff == -1)
        return sym_buf_printf(call->out, "Вчера %s %s, %s.", weekday_was_ru[wd], weekday_ru[wd],
                              date);
    if (diff > 0)
        return sym_buf_printf(call->out, "Через %lld %s будет %s, %s.", diff, days_word(l, diff),
                              weekday_ru[wd], date);
    return sym_buf_printf(call->out, "%lld %s назад %s %s, %s.", -diff, days_word(l, -diff),
                          weekday_was_ru[wd], weekday_ru[wd], date);
}

/* ---- /until ---- */

enum easter { NOT_EASTER, EASTER_WESTERN, EASTER_ORTHODOX };

struct holiday {
    int month, day;      /* a fixed date; 0 for Easter */
    enum easter easter;  /* which Easter, when the date moves */
    const char *name_en; /* "New Year" */
    const char *name_ru; /* "Новый год" */
    const char *gen_ru;  /* genitive, for "до ...": "Нового года" */
    const char *forms;   /* normalised forms, '|'-separated */
};

/* clang-format off */
static const struct holiday holidays[] = {
    {1, 1, NOT_EASTER, "New Year", "Новый год", "Нового года",
     "new year|new years|new years day|the new year|новый год|нового года|новому году|нг"},
    {12, 31, NOT_EASTER, "New Year's Eve", "Канун Нового года", "кануна Нового года",
     "new years eve|канун нового года|кануна нового года"},
    {12, 25, NOT_EASTER, "Christmas", "Католическое Рождество", "католического Рождества",
     "christmas|xmas|christmas day|католическое рождество|католического рождества"},
    {1, 7, NOT_EASTER, "Orthodox Christmas", "Рождество", "Рождества",
     "orthodox christmas|рождество|рождества|рождеству|православное рождество|"
     "православного рождества"},
    {2, 14, NOT_EASTER, "Valentine's Day", "День святого Валентина", "Дня святого Валентина",
     "valentines day|valentines|valentine|st valentines day|saint valentines day|"
     "день святого валентина|дня святого валентина|день влюбленных|дня влюбленных|"
     "валентинов день|валентинова дня"},
    {2, 23, NOT_EASTER, "Defender of the Fatherland Day", "23 Февраля", "23 Февраля",
     "defender of the fatherland day|23 февраля|день защитника отечества|"
     "дня защитника отечества"},
    {3, 8, NOT_EASTER, "International Women's Day", "8 Марта", "8 Марта",
     "womens day|international womens day|8 марта|восьмое марта|восьмого марта|женский день|"
     "женского дня|международный женский день|международного женского дня"},
    {0, 0, EASTER_WESTERN, "Easter", "Католическая Пасха", "католической Пасхи",
     "easter|easter sunday|католическая пасха|католической пасхи"},
    {0, 0, EASTER_ORTHODOX, "Orthodox Easter", "Пасха", "Пасхи",
     "orthodox easter|пасха|пасхи|пасхе|православная пасха|православной пасхи"},
    {5, 9, NOT_EASTER, "Victory Day", "День Победы", "Дня Победы",
     "victory day|день победы|дня победы|дню победы|9 мая"},
    {6, 12, NOT_EASTER, "Russia Day", "День России", "Дня России",
     "russia day|день россии|дня россии"},
    {9, 1, NOT_EASTER, "Knowledge Day", "День знаний", "Дня знаний",
     "knowledge day|день знаний|дня знаний"},
    {10, 31, NOT_EASTER, "Halloween", "Хэллоуин", "Хэллоуина",
     "halloween|хэллоуин|хеллоуин|хэллоуина|хеллоуина"},
    {11, 4, NOT_EASTER, "Unity Day", "День народного единства", "Дня народного единства",
     "unity day|national unity day|день народного единства|дня народного единства"},
};
/* clang-format on */

#define N_HOLIDAYS (sizeof holidays / sizeof holidays[0])

/* The holiday with the normalised name, or NULL. */
static const struct holiday *find_holiday(const char *name)
{
    size_t i;

    for (i = 0; i < N_HOLIDAYS; i++) {
        const char *f = holidays[i].forms;

        while (*f) {
            size_t n = strcspn(f, "|");

            if (n == strlen(name) && !strncmp(f, name, n))
                return &holidays[i];
            f += n + (f[n] == '|');
        }
    }
    return NULL;
}

/* Easter Sunday of year y as a day number: the Gregorian computus (Anonymous/Meeus), or the
 * Julian one moved to the Gregorian calendar (+13 days, right for 1900-2099). */
static long long easter(int y, enum easter which)
{
    struct date dt;

    if (which == EASTER_WESTERN) {
        int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
        int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;

        dt.y = y;
        dt.m = (h + l - 7 * m + 114) / 31;
        dt.d = (h + l - 7 * m + 114) % 31 + 1;
        return day_number(dt);
    }
    {
        int a = y % 4, b = y % 7, c = y % 19, d = (19 * c + 15) % 30;
        int e = (2 * a + 4 * b - d + 34) % 7;

        dt.y = y;
        dt.m = (d + e + 114) / 31;
        dt.d = (d + e + 114) % 31 + 1;
        return day_number(dt) + 13;
    }
}

/* The next day (today included) on which holiday h falls. */
static long long next_holiday(const struct holiday *h, long long now)
{
    int y = from_day_number(now).y;
    int k;

    for (k = 0; k < 2; k++) {
        struct date dt = {y + k, h->month, h->day};
        long long day = h->easter ? easter(y + k, h->easter) : day_number(dt);

        if (day >= now)
            return day;
    }
    return now; /* not reached: every holiday comes once a year */
}

static enum sym_status cmd_until(struct sym_call *call)
{
    enum sym_lang l = call->lang;
    const struct holiday *h;
    long long now, day = 0, diff;
    char *name, date[96];
    bool relative;
    int what = 1;
    enum sym_status rc;

    if (!today(&now))
        return SYM_ERR_IO;
    name = argument(typed(call, call->parse->slots.event), "until till til to the до");
    if (!name)
        return SYM_ERR_NOMEM;
    h = *name ? find_holiday(name) : NULL;
    free(name);
    if (h) {
        day = next_holiday(h, now);
    } else {
        rc = find_date(call, "until till til to the до", &day, &what, &relative);
        if (rc || what)
            return rc ? rc
                      : not_a_date(call, what, "/until New Year or /until 31 December",
                                   "/until Новый год или /until 31 декабря");
    }
    diff = day - now;
    if (h) {
        if (diff == 0)
            return sym_buf_printf(call->out, SYM_TR(l, "%s is today!", "%s — сегодня!"),
                                  l == SYM_LANG_RU ? h->name_ru : h->name_en);
        date_str(date, sizeof date, l, day, true, true);
        if (l == SYM_LANG_RU)
            return sym_buf_printf(call->out, "До %s %lld %s: %s.", h->gen_ru, diff,
                                  days_word(l, diff), date);
        return sym_buf_printf(call->out, "%s is in %lld %s: %s.", h->name_en, diff,
                              days_word(l, diff), date);
    }
    date_str(date, sizeof date, l, day, false, true);
    if (diff == 0)
        return sym_buf_printf(call->out, SYM_TR(l, "%s is today!", "%s — сегодня!"), date);
    if (diff > 0)
        return sym_buf_printf(
            call->out, SYM_TR(l, "%s is in %lld %s (a %s).", "До %s %lld %s (%s)."), date, diff,
            days_word(l, diff),
            l == SYM_LANG_RU ? weekday_ru[weekday_of(day)] : weekday_en[weekday_of(day)]);
    if (l == SYM_LANG_RU)
        return sym_buf_printf(call->out, "С %s %s %lld %s.", date,
                              sym_ru_plural(-diff, "прошёл", "прошло", "прошло"), -diff,
                              days_word(l, -diff));
    return sym_buf_printf(call->out, "%s was %lld %s ago.", date, -diff, days_word(l, -diff));
}

static enum sym_status time_handle(struct sym_call *call)
{
    const char *name = call->command->name;

    if (!strcmp(name, "time"))
        return cmd_time(call, false);
    if (!strcmp(name, "date"))
        return cmd_time(call, true);
    if (!strcmp(name, "weekday"))
        return cmd_weekday(call);
    return cmd_until(call);
}

/* The commands' arguments as tools (core/module.h). */
static const struct sym_arg place_arg[] = {
    {"place", SYM_ARG_STRING, 0,
     "a city, country or time zone, e.g. \"Tokyo\" or \"UTC\"; omit for the user's own zone"},
    {0},
};
static const struct sym_arg weekday_args[] = {
    {"date", SYM_ARG_STRING, 0,
     "a date, absolute or relative: \"12 June 2027\", \"in 3 days\"; omit for today"},
    {0},
};
static const struct sym_arg until_args[] = {
    {"date", SYM_ARG_STRING, 1,
     "a date (\"31 December\", \"12 June 2027\") or a holiday (\"New Year\", \"Easter\")"},
    {0},
};

static const struct sym_command time_commands[] = {
    {"time",
     "время",
     "/time [PLACE]",
     {"the time here or in a city or country", "время здесь или в городе, стране"},
     "/time\n/time Tokyo\n/time New York\n/время в Москве",
     SYM_TOOL_READS,
     place_arg},
    {"date",
     "дата",
     "/date [PLACE]",
     {"today's date and day of the week", "сегодняшняя дата и день недели"},
     "/date\n/date Sydney",
     SYM_TOOL_READS,
     place_arg},
    {"weekday",
     "деньнедели",
     "/weekday [DATE]",
     {"the day of the week of a date", "день недели для даты"},
     "/weekday 12 June 2027\n/weekday in 3 days\n/weekday через 3 дня",
     SYM_TOOL_READS,
     weekday_args},
    {"until",
     "до",
     "/until DATE|HOLIDAY",
     {"how many days are left until a date or a holiday",
      "сколько дней осталось до даты или праздника"},
     "/until New Year\n/until 31 December\n/until Нового года\n/until 8 марта",
     SYM_TOOL_READS,
     until_args},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_time = {
    "time",        {"time, dates and days until holidays", "время, даты и дни до праздников"},
    time_commands, time_handle,
    NULL,          NULL,
};
