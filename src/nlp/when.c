/*
 * when.c: time expressions in English and Russian; see when.h.
 *
 * The parser is a loop over small component parsers, each of which recognises one kind of phrase
 * at the cursor: a relative offset ("in 2 hours 30 minutes", "через 3 дня"), a named day
 * ("tomorrow", "послезавтра"), a weekday ("next friday", "в пятницу"), a date ("12 june 2027",
 * "12.06.2027"), a time of day ("at 6pm", "в 9 утра", "18:30") or a part of the day ("in the
 * evening", "утром"). Components combine in any order ("at 9 tomorrow", "завтра в 9 утра") but
 * each slot is filled once: one day (offset, named day, weekday or date), one time of day, one
 * part of the day, and an offset in seconds excludes a time of day. Matching is greedy and
 * without backtracking, which keeps it linear and easy to fuzz; the price is that a phrase must
 * read left to right without lookahead beyond a few words.
 *
 * Every word is read through at(), which returns NULL past the end of the span, so no
 * component can read out of bounds whatever the words are.
 *
 * Resolution puts the zone in force for the call (sym_clock_zone_enter, base/clock.h) and lets
 * mktime() do the calendar arithmetic (day and month overflow, DST).
 */
#include "nlp/when.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "nlp/text.h"

#define MAX_AMOUNT 10000 /* the largest number of units an offset may have */

/* Slots a component fills; a second component for the same slot ends the expression. */
enum {
    SLOT_DAY = 1,  /* a named day, weekday, date or offset */
    SLOT_SECS = 2, /* an offset in seconds ("in 10 minutes"): no time of day with it */
    SLOT_TIME = 4, /* a time of day */
    SLOT_HINT = 8, /* a part of the day */
};

enum hint { HINT_NONE, HINT_AM, HINT_PM, HINT_NIGHT };

struct state {
    struct sym_when w;
    unsigned slots;
    enum hint hint;
    int hint_hour; /* the hour a part of the day stands for when no hour is said */
};

/* A span of words [pos, end) and where the expression began. */
struct cur {
    const struct sym_words *w;
    size_t first, pos, end;
};

/* The word k places after the cursor, or NULL past the end of the span. */
static const char *at(const struct cur *c, size_t k)
{
    if (c->pos >= c->end || k >= c->end - c->pos)
        return NULL;
    return c->w->word[c->pos + k];
}

static bool eq(const char *s, const char *word)
{
    return s && !strcmp(s, word);
}

/* Index of s in a NULL-terminated list, or -1. */
static int find(const char *s, const char *const *list)
{
    int i;

    if (!s)
        return -1;
    for (i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return i;
    return -1;
}

static bool in_list(const char *s, const char *const *list)
{
    return find(s, list) >= 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read 1..maxd ASCII digits at *s into *v, advancing *s. */
static bool digits(const char **s, int maxd, int *v)
{
    int n = 0, val = 0;

    while (is_digit(**s) && n < maxd) {
        val = val * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    if (n == 0 || is_digit(**s))
        return false;
    *v = val;
    return true;
}

/* A whole word of 1..maxd digits. */
static bool number_word(const char *s, int maxd, int *v)
{
    return s && digits(&s, maxd, v) && *s == '\0';
}

/* ---- vocabulary ---- */

static const char *const en_months[] = {"january",  "february", "march",  "april",     "may",
                                        "june",     "july",     "august", "september", "october",
                                        "november", "december", NULL};
static const char *const en_months3[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                         "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const ru_months_gen[] = {"января", "февраля", "марта",   "апреля",   "мая",
                                            "июня",   "июля",    "августа", "сентября", "октября",
                                            "ноября", "декабря", NULL};
static const char *const ru_months_nom[] = {"январь", "февраль", "март",   "апрель",   "май",
                                            "июнь",   "июль",    "август", "сентябрь", "октябрь",
                                            "ноябрь", "декабрь", NULL};

/* 1..12, or 0 when s names no month. */
static int month_of(const char *s)
{
    const char *const *lists[] = {en_months, en_months3, ru_months_gen, ru_months_nom};
    size_t i;

    if (eq(s, "sept"))
        return 9;
    for (i = 0; i < sizeof lists / sizeof *lists; i++) {
        int m = find(s, lists[i]);
        if (m >= 0)
            return m + 1;
    }
    return 0;
}

static const struct {
    const char *word;
    int wday;
} weekdays[] = {
    {"sunday", 0},
    {"monday", 1},
    {"tuesday", 2},
    {"wednesday", 3},
    {"thursday", 4},
    {"friday", 5},
    {"saturday", 6},
    {"воскресенье", 0},
    {"воскресение", 0},
    {"понедельник", 1},
    {"вторник", 2},
    {"среда", 3},
    {"среду", 3},
    {"четверг", 4},
    {"пятница", 5},
    {"пятницу", 5},
    {"суббота", 6},
    {"субботу", 6},
    /* genitive, as in "до пятницы", "до понедельника" */
    {"воскресенья", 0},
    {"понедельника", 1},
    {"вторника", 2},
    {"среды", 3},
    {"четверга", 4},
    {"пятницы", 5},
    {"субботы", 6},
};

/* 0 (Sunday) .. 6, or -1. */
static int weekday_of(const char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof weekdays / sizeof *weekdays; i++)
        if (!strcmp(s, weekdays[i].word))
            return weekdays[i].wday;
    return -1;
}

enum unit { UNIT_SEC, UNIT_MIN, UNIT_HOUR, UNIT_DAY, UNIT_WEEK, UNIT_MONTH, UNIT_YEAR };

static const struct {
    const char *word;
    enum unit unit;
    int halves; /* > 0: the word carries its own amount, in halves ("полчаса": 1) */
} units[] = {
    {"second", UNIT_SEC, 0},   {"seconds", UNIT_SEC, 0},    {"sec", UNIT_SEC, 0},
    {"secs", UNIT_SEC, 0},     {"minute", UNIT_MIN, 0},     {"minutes", UNIT_MIN, 0},
    {"min", UNIT_MIN, 0},      {"mins", UNIT_MIN, 0},       {"hour", UNIT_HOUR, 0},
    {"hours", UNIT_HOUR, 0},   {"hr", UNIT_HOUR, 0},        {"hrs", UNIT_HOUR, 0},
    {"day", UNIT_DAY, 0},      {"days", UNIT_DAY, 0},       {"week", UNIT_WEEK, 0},
    {"weeks", UNIT_WEEK, 0},   {"month", UNIT_MONTH, 0},    {"months", UNIT_MONTH, 0},
    {"year", UNIT_YEAR, 0},    {"years", UNIT_YEAR, 0},     {"секунду", UNIT_SEC, 0},
    {"секунды", UNIT_SEC, 0},  {"секунд", UNIT_SEC, 0},     {"секунда", UNIT_SEC, 0},
    {"сек", UNIT_SEC, 0},      {"минуту", UNIT_MIN, 0},     {"минуты", UNIT_MIN, 0},
    {"минут", UNIT_MIN, 0},    {"минута", UNIT_MIN, 0},     {"мин", UNIT_MIN, 0},
    {"час", UNIT_HOUR, 0},     {"часа", UNIT_HOUR, 0},      {"часов", UNIT_HOUR, 0},
    {"день", UNIT_DAY, 0},     {"дня", UNIT_DAY, 0},        {"дней", UNIT_DAY, 0},
    {"сутки", UNIT_DAY, 0},    {"суток", UNIT_DAY, 0},      {"неделю", UNIT_WEEK, 0},
    {"недели", UNIT_WEEK, 0},  {"недель", UNIT_WEEK, 0},    {"неделя", UNIT_WEEK, 0},
    {"месяц", UNIT_MONTH, 0},  {"месяца", UNIT_MONTH, 0},   {"месяцев", UNIT_MONTH, 0},
    {"год", UNIT_YEAR, 0},     {"года", UNIT_YEAR, 0},      {"лет", UNIT_YEAR, 0},
    {"полчаса", UNIT_HOUR, 1}, {"полминуты", UNIT_MIN, 1},  {"полдня", UNIT_DAY, 1},
    {"полгода", UNIT_YEAR, 1}, {"fortnight", UNIT_WEEK, 4},
};

static int unit_of(const char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof units / sizeof *units; i++)
        if (!strcmp(s, units[i].word))
            return (int)i;
    return -1;
}

static const struct {
    const char *word;
    int value;
} numbers[] = {
    {"one", 1},         {"two", 2},           {"three", 3},         {"four", 4},
    {"five", 5},        {"six", 6},           {"seven", 7},         {"eight", 8},
    {"nine", 9},        {"ten", 10},          {"eleven", 11},       {"twelve", 12},
    {"thirteen", 13},   {"fourteen", 14},     {"fifteen", 15},      {"sixteen", 16},
    {"seventeen", 17},  {"eighteen", 18},     {"nineteen", 19},     {"twenty", 20},
    {"thirty", 30},     {"forty", 40},        {"fifty", 50},        {"sixty", 60},
    {"один", 1},        {"одна", 1},          {"одну", 1},          {"одно", 1},
    {"два", 2},         {"две", 2},           {"три", 3},           {"четыре", 4},
    {"пять", 5},        {"шесть", 6},         {"семь", 7},          {"восемь", 8},
    {"девять", 9},      {"десять", 10},       {"одиннадцать", 11},  {"двенадцать", 12},
    {"тринадцать", 13}, {"четырнадцать", 14}, {"пятнадцать", 15},   {"шестнадцать", 16},
    {"семнадцать", 17}, {"восемнадцать", 18}, {"девятнадцать", 19}, {"двадцать", 20},
    {"тридцать", 30},   {"сорок", 40},        {"пятьдесят", 50},    {"шестьдесят", 60},
};

static int number_of(const char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof numbers / sizeof *numbers; i++)
        if (!strcmp(s, numbers[i].word))
            return numbers[i].value;
    return -1;
}

/*
 * A whole number at word k: digits, or number words with a compound ("twenty five",
 * "двадцать пять"). Returns the words used (0: none) and the value in *v.
 */
static size_t parse_int(const struct cur *c, size_t k, int *v)
{
    int n = number_of(at(c, k)), unit;

    if (number_word(at(c, k), 5, v))
        return 1;
    if (n < 0)
        return 0;
    *v = n;
    unit = number_of(at(c, k + 1));
    if (n >= 20 && n % 10 == 0 && unit >= 1 && unit <= 9) {
        *v = n + unit;
        return 2;
    }
    return 1;
}

/*
 * An amount of units at word k, in halves so "half an hour", "полтора часа" and "1.5 hours"
 * need no floating point. Returns the words used (0: none).
 */
static size_t parse_amount(const struct cur *c, size_t k, int *halves)
{
    const char *s = at(c, k);
    size_t n;
    int v;

    if (!s)
        return 0;
    if (eq(s, "half") || eq(s, "пол")) {
        *halves = 1;
        return eq(s, "half") && (eq(at(c, k + 1), "a") || eq(at(c, k + 1), "an")) ? 2 : 1;
    }
    if (eq(s, "a") || eq(s, "an")) {
        if (eq(at(c, k + 1), "couple") && eq(at(c, k + 2), "of")) {
            *halves = 4;
            return 3;
        }
        *halves = 2;
        return 1;
    }
    if (eq(s, "couple") && eq(at(c, k + 1), "of")) {
        *halves = 4;
        return 2;
    }
    if (eq(s, "пару") || eq(s, "пара")) {
        *halves = 4;
        return 1;
    }
    if (eq(s, "полтора") || eq(s, "полторы")) {
        *halves = 3;
        return 1;
    }
    if (digits(&s, 5, &v) && *s == '.' && s[1] == '5' && s[2] == '\0' && v <= MAX_AMOUNT) {
        *halves = 2 * v + 1; /* "1.5" */
        return 1;
    }
    n = parse_int(c, k, &v);
    if (!n || v > MAX_AMOUNT)
        return 0;
    *halves = 2 * v;
    return n;
}

/* Add halves of unit u to the offsets in w. False when the unit cannot take that amount. */
static bool add_units(struct sym_when *w, enum unit u, int halves)
{
    switch (u) {
    case UNIT_SEC:
        if (halves % 2)
            return false;
        w->seconds += halves / 2;
        break;
    case UNIT_MIN:
        w->seconds += 30LL * halves;
        break;
    case UNIT_HOUR:
        w->seconds += 1800LL * halves;
        break;
    case UNIT_DAY:
        w->days += halves / 2;
        w->seconds += halves % 2 ? 43200 : 0;
        break;
    case UNIT_WEEK:
        w->days += halves * 7 / 2;
        w->seconds += halves * 7 % 2 ? 43200 : 0;
        break;
    case UNIT_MONTH:
        w->months += halves / 2;
        w->days += halves % 2 ? 15 : 0;
        break;
    case UNIT_YEAR:
        w->years += halves / 2;
        w->months += halves % 2 ? 6 : 0;
        break;
    }
    return true;
}

/* Claim slots for a component; false when one is taken or they cannot go together. */
static bool claim(struct state *st, unsigned slots)
{
    unsigned all = st->slots | slots;

    if (st->slots & slots)
        return false;
    if ((all & SLOT_SECS) && (all & (SLOT_TIME | SLOT_HINT)))
        return false;
    st->slots = all;
    return true;
}

/* ---- components: each returns the words it used (0: not its phrase) ---- */

/*
 * One "amount unit" item of an offset at word k. implicit: a bare unit means one of it
 * ("через час"). Units already used (bit mask *used) end the list.
 */
static size_t offset_item(const struct cur *c, size_t k, bool implicit, unsigned *used,
                          struct sym_when *w)
{
    int halves = 0, u;
    size_t n = parse_amount(c, k, &halves);

    u = unit_of(at(c, k + n));
    if (u < 0)
        return 0;
    if (units[u].halves) {
        if (n)
            return 0; /* "2 полчаса" */
        halves = units[u].halves;
    } else if (!n) {
        if (!implicit)
            return 0;
        halves = 2;
    }
    n++;
    if (halves % 2 == 0 && eq(at(c, k + n), "and") && eq(at(c, k + n + 1), "a") &&
        eq(at(c, k + n + 2), "half")) {
        halves++;
        n += 3;
    } else if (halves % 2 == 0 && eq(at(c, k + n), "с") && eq(at(c, k + n + 1), "половиной")) {
        halves++;
        n += 2;
    }
    if (*used & (1u << units[u].unit))
        return 0;
    *used |= 1u << units[u].unit;
    return add_units(w, units[u].unit, halves) ? n : 0;
}

/* "in 2 hours 30 minutes", "after 5 minutes", "через полчаса", "10 minutes from now". */
static size_t comp_offset(const struct cur *c, struct state *st)
{
    static const char *const prefixes[] = {"in", "after", "через", NULL};
    struct sym_when w = st->w;
    unsigned used = 0, slots = SLOT_DAY;
    bool prefix = in_list(at(c, 0), prefixes);
    bool ru = eq(at(c, 0), "через");
    size_t k = prefix, n;

    n = offset_item(c, k, ru, &used, &w);
    if (!n)
        return 0;
    k += n;
    for (;;) {
        size_t conj = eq(at(c, k), "and") || eq(at(c, k), "и");
        n = offset_item(c, k + conj, false, &used, &w);
        if (!n)
            break;
        k += conj + n;
    }
    if (!prefix) {
        if (eq(at(c, k), "from") && eq(at(c, k + 1), "now"))
            k += 2;
        else if (eq(at(c, k), "later"))
            k++;
        else
            return 0;
    }
    if (w.seconds)
        slots |= SLOT_SECS;
    if (!claim(st, slots))
        return 0;
    st->w = w;
    st->w.dated = w.days || w.months || w.years;
    return k;
}

/* "today", "tomorrow", "the day after tomorrow", "послезавтра", "вчера". */
static size_t comp_day(const struct cur *c, struct state *st)
{
    static const struct {
        const char *word;
        int days;
    } days[] = {{"today", 0},  {"tomorrow", 1}, {"yesterday", -1},  {"сегодня", 0},
                {"завтра", 1}, {"вчера", -1},   {"послезавтра", 2}, {"позавчера", -2}};
    size_t i, k = eq(at(c, 0), "the");

    for (i = 0; i < sizeof days / sizeof *days; i++) {
        if (eq(at(c, 0), days[i].word)) {
            k = 1;
            break;
        }
    }
    if (i == sizeof days / sizeof *days) {
        /* "(the) day after tomorrow", "(the) day before yesterday" */
        if (!eq(at(c, k), "day"))
            return 0;
        if (eq(at(c, k + 1), "after") && eq(at(c, k + 2), "tomorrow"))
            st->w.days = 2;
        else if (eq(at(c, k + 1), "before") && eq(at(c, k + 2), "yesterday"))
            st->w.days = -2;
        else
            return 0;
        k += 3;
    } else {
        st->w.days = days[i].days;
    }
    if (!claim(st, SLOT_DAY))
        return 0;
    st->w.dated = true;
    return k;
}

/* "monday", "on monday", "next friday", "в пятницу", "во вторник", "в следующую среду". */
static size_t comp_weekday(const struct cur *c, struct state *st)
{
    static const char *const prefixes[] = {"on", "в", "во", NULL};
    static const char *const qualifiers[] = {
        "next", "this", "coming",    "следующий", "следующую", "следующее", "следующая", "эту",
        "этот", "это",  "ближайший", "ближайшую", "ближайшее", "ближайшая", NULL};
    size_t k = in_list(at(c, 0), prefixes);
    int wd;

    if (eq(at(c, k), "the") && eq(at(c, k + 1), "next"))
        k++;
    k += in_list(at(c, k), qualifiers);
    wd = weekday_of(at(c, k));
    if (wd < 0 || !claim(st, SLOT_DAY))
        return 0;
    st->w.weekday = wd;
    st->w.dated = true;
    return k + 1;
}

/* A day of the month: "12", "12th", "1st"; "12 го" (from "12-го") takes the next word too. */
static size_t parse_mday(const struct cur *c, size_t k, int *d)
{
    static const char *const suffixes[] = {"st", "nd", "rd", "th", NULL};
    const char *s = at(c, k);

    if (!s || !digits(&s, 2, d) || *d < 1 || *d > 31)
        return 0;
    if (*s && !in_list(s, suffixes))
        return 0;
    return eq(at(c, k + 1), "го") ? 2 : 1;
}

/* An optional year at word k: "2027", "2027 года", "2027 г". */
static size_t parse_year(const struct cur *c, size_t k, int *y)
{
    static const char *const suffixes[] = {"года", "году", "г", NULL};

    if (!number_word(at(c, k), 4, y) || *y < 1000)
        return 0;
    return 1 + in_list(at(c, k + 1), suffixes);
}

/* "12.06.2027", "12.06.27", "12.06": day, month and year from one word. */
static bool dotted_date(const char *s, int *d, int *m, int *y)
{
    if (!s || !digits(&s, 2, d) || *s++ != '.' || !digits(&s, 2, m))
        return false;
    *y = 0;
    if (*s == '.') {
        const char *p = ++s;
        if (!digits(&s, 4, y) || (s - p != 2 && s - p != 4))
            return false;
        if (s - p == 2)
            *y += 2000;
    }
    return *s == '\0' && *d >= 1 && *d <= 31 && *m >= 1 && *m <= 12;
}

/* "12 june 2027", "june 12", "on the 12th of june", "12 июня", "12.06.2027", "2027 06 12". */
static size_t comp_date(const struct cur *c, struct state *st)
{
    static const char *const prefixes[] = {"on", "на", NULL};
    size_t k = in_list(at(c, 0), prefixes), n;
    int d = 0, m = 0, y = 0;

    k += eq(at(c, k), "the");
    if (dotted_date(at(c, k), &d, &m, &y)) {
        k++;
    } else if (number_word(at(c, k), 4, &y) && y >= 1000 && number_word(at(c, k + 1), 2, &m) &&
               m >= 1 && m <= 12 && number_word(at(c, k + 2), 2, &d) && d >= 1 && d <= 31) {
        k += 3; /* "2027-06-12" normalised */
    } else if ((n = parse_mday(c, k, &d)) != 0) {
        k += n;
        k += eq(at(c, k), "of");
        m = month_of(at(c, k));
        if (!m)
            return 0;
        k++;
        y = 0;
        k += parse_year(c, k, &y);
    } else if ((m = month_of(at(c, k))) != 0) {
        k++;
        k += eq(at(c, k), "the");
        n = parse_mday(c, k, &d);
        if (!n)
            return 0;
        k += n;
        y = 0;
        k += parse_year(c, k, &y);
    } else {
        return 0;
    }
    if (!claim(st, SLOT_DAY))
        return 0;
    st->w.year = y;
    st->w.month = m;
    st->w.day = d;
    st->w.dated = true;
    return k;
}

/* A meridiem word at k: "am", "pm", "a m", "утра", "вечера", "ночи"; "дня" only after "в". */
static size_t parse_meridiem(const struct cur *c, size_t k, bool prefixed, enum hint *h)
{
    const char *s = at(c, k);

    if (eq(s, "am") || eq(s, "утра") || eq(s, "утром")) {
        *h = HINT_AM;
        return 1;
    }
    if (eq(s, "pm") || eq(s, "вечера") || eq(s, "вечером") || (prefixed && eq(s, "дня"))) {
        *h = HINT_PM;
        return 1;
    }
    if (eq(s, "ночи")) {
        *h = HINT_NIGHT;
        return 1;
    }
    if ((eq(s, "a") || eq(s, "p")) && eq(at(c, k + 1), "m")) {
        *h = eq(s, "a") ? HINT_AM : HINT_PM;
        return 2;
    }
    return 0;
}

/* Turn a part-of-the-day meridiem into am/pm for an hour 0..12 said with it. */
static enum sym_meridiem meridiem_for(enum hint h, int hour)
{
    switch (h) {
    case HINT_AM:
        return SYM_MERIDIEM_AM;
    case HINT_PM:
        return SYM_MERIDIEM_PM;
    case HINT_NIGHT: /* "11 at night" is 23:00, "2 ночи" 02:00, "12 ночи" midnight */
        return (hour >= 6 && hour <= 11) || hour > 12 ? SYM_MERIDIEM_PM : SYM_MERIDIEM_AM;
    case HINT_NONE:
        break;
    }
    return SYM_MERIDIEM_NONE;
}

/*
 * A clock reading in one word: "18:30", "9:30am", "6pm", "6", and with dot "9.30" when dot is
 * allowed. *kind: 1 a bare hour, 2 with minutes, 3 with an attached am/pm.
 */
static bool clock_word(const char *s, bool dot, int *h, int *m, enum hint *mer, int *kind)
{
    if (!s || !digits(&s, 2, h))
        return false;
    *m = -1;
    *kind = 1;
    if (*s == ':' || (dot && *s == '.')) {
        const char *p = ++s;
        if (!digits(&s, 2, m) || s - p != 2)
            return false;
        *kind = 2;
    }
    if (!strcmp(s, "am") || !strcmp(s, "pm")) {
        *mer = *s == 'a' ? HINT_AM : HINT_PM;
        *kind = 3;
        return true;
    }
    return *s == '\0';
}

/* "at 6", "at 6pm", "at 9:30 am", "18:30", "at noon", "в 9 утра", "в 2 часа ночи", "в полдень". */
static size_t comp_time(const struct cur *c, struct state *st)
{
    static const char *const prefixes[] = {"at", "в", "во", "к", "by", NULL};
    static const char *const oclock[] = {"oclock", "час", "часа", "часов", NULL};
    static const char *const minutes[] = {"минут", "минуты", "минуту", "минута", NULL};
    bool prefix = in_list(at(c, 0), prefixes);
    size_t k = prefix, n;
    enum hint mer = HINT_NONE;
    int h, m, kind = 1;
    const char *s = at(c, k);

    if (eq(s, "noon") || eq(s, "midday") || eq(s, "полдень")) {
        h = 12;
        m = 0;
        mer = HINT_PM;
        k++;
        goto done;
    }
    if (eq(s, "midnight") || eq(s, "полночь")) {
        h = 0;
        m = 0;
        k++;
        goto done;
    }
    if (prefix && eq(s, "час")) { /* "в час дня": one o'clock */
        h = 1;
        m = -1;
        k++;
    } else if (clock_word(s, prefix, &h, &m, &mer, &kind)) {
        if (kind == 1 && h > 24)
            return 0;
        k++;
    } else if (prefix && (n = parse_int(c, k, &h)) != 0 && h <= 24) {
        m = -1;
        kind = 1;
        k += n;
    } else {
        return 0;
    }
    if (m < 0 && mer == HINT_NONE && in_list(at(c, k), oclock)) {
        k++;
        if (number_word(at(c, k), 2, &m) && in_list(at(c, k + 1), minutes))
            k += 2; /* "в 9 часов 30 минут" */
        else
            m = -1;
    }
    if (mer == HINT_NONE)
        k += parse_meridiem(c, k, prefix, &mer);
    if (!prefix && m < 0 && mer == HINT_NONE)
        return 0; /* a bare number is not a time */
done:
    if (!claim(st, SLOT_TIME))
        return 0;
    st->w.hour = h;
    st->w.minute = m;
    st->w.meridiem = meridiem_for(mer, h);
    return k;
}

/* "in the morning", "at night", "tonight", "this evening", "утром", "вечером". */
static size_t comp_hint(const struct cur *c, struct state *st)
{
    static const struct {
        const char *word;
        enum hint hint;
        int hour;
        bool alone; /* may start an expression by itself */
    } parts[] = {
        {"morning", HINT_AM, 9, false},  {"afternoon", HINT_PM, 14, false},
        {"evening", HINT_PM, 19, false}, {"night", HINT_NIGHT, 23, false},
        {"tonight", HINT_PM, 20, true},  {"утром", HINT_AM, 9, true},
        {"днем", HINT_PM, 14, true},     {"вечером", HINT_PM, 19, true},
        {"ночью", HINT_NIGHT, 23, true},
    };
    size_t i, k = 0;
    const char *s;

    if (eq(at(c, 0), "in") && eq(at(c, 1), "the"))
        k = 2;
    else if (eq(at(c, 0), "at") || eq(at(c, 0), "this"))
        k = 1;
    s = at(c, k);
    for (i = 0; i < sizeof parts / sizeof *parts; i++)
        if (eq(s, parts[i].word))
            break;
    if (i == sizeof parts / sizeof *parts)
        return 0;
    /* a bare "morning" only after another part: "tomorrow morning" */
    if (k == 0 && !parts[i].alone && c->pos == c->first)
        return 0;
    if (!claim(st, SLOT_HINT))
        return 0;
    st->hint = parts[i].hint;
    st->hint_hour = parts[i].hour;
    return k + 1;
}

static void when_clear(struct sym_when *w)
{
    memset(w, 0, sizeof *w);
    w->weekday = -1;
    w->hour = -1;
    w->minute = -1;
}

bool sym_when_parse(const struct sym_words *w, size_t first, size_t count, struct sym_when *out)
{
    static size_t (*const comps[])(const struct cur *, struct state *) = {
        comp_offset, comp_day, comp_weekday, comp_date, comp_time, comp_hint};
    struct state st;
    struct cur c;
    size_t i;

    memset(&st, 0, sizeof st);
    when_clear(&st.w);
    if (out)
        *out = st.w;
    if (!w || !out || first >= w->n || count > w->n - first)
        return false;
    c.w = w;
    c.first = first;
    c.pos = first;
    c.end = count ? first + count : w->n;
    while (c.pos < c.end) {
        for (i = 0; i < sizeof comps / sizeof *comps; i++) {
            struct state next = st;
            size_t n = comps[i](&c, &next);
            if (n) {
                st = next;
                c.pos += n;
                break;
            }
        }
        if (i == sizeof comps / sizeof *comps)
            break;
    }
    if (c.pos == first || (count && c.pos != c.end))
        return false;
    if (st.hint != HINT_NONE) {
        if (st.w.hour < 0) {
            st.w.hour = st.hint_hour;
            st.w.minute = 0;
            st.w.meridiem = meridiem_for(st.hint, st.hint_hour);
        } else if (st.w.meridiem == SYM_MERIDIEM_NONE && st.w.hour <= 12) {
            st.w.meridiem = meridiem_for(st.hint, st.w.hour);
        }
    }
    st.w.found = true;
    st.w.first = first;
    st.w.count = c.pos - first;
    *out = st.w;
    return true;
}

bool sym_when_parse_text(const char *norm, struct sym_when *out)
{
    struct sym_words w;
    bool ok;

    if (out)
        when_clear(out);
    if (!norm || sym_words_split(norm, &w))
        return false;
    ok = w.n && sym_when_parse(&w, 0, w.n, out);
    sym_words_free(&w);
    return ok;
}

/* ---- resolution ---- */

static bool leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The moment of date y-m-d (m may be any, d may overflow: mktime normalises) at h:mi:s in the
 * zone in force. */
static bool make_time(long y, int m, int d, int h, int mi, int s, time_t *out)
{
    struct tm tm;

    if (y - 1900 < INT_MIN / 2 || y - 1900 > INT_MAX / 2)
        return false;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = (int)(y - 1900);
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    *out = mktime(&tm);
    return *out != (time_t)-1;
}

/* The day a dated expression names, from today's date; false when there is no such day. */
static bool resolve_day(const struct sym_when *w, const struct tm *now, long *y, int *m, int *d)
{
    if (w->month) {
        int tries;

        if (w->year) {
            *y = w->year;
            *m = w->month;
            *d = w->day;
            return w->day <= month_days(*y, *m);
        }
        *y = now->tm_year + 1900L;
        if (w->month < now->tm_mon + 1 || (w->month == now->tm_mon + 1 && w->day < now->tm_mday))
            (*y)++;
        for (tries = 0; tries < 8 && w->day > month_days(*y, w->month); tries++)
            (*y)++; /* 29 February: the next leap year */
        *m = w->month;
        *d = w->day;
        return w->day <= month_days(*y, w->month);
    }
    *y = now->tm_year + 1900L;
    *m = now->tm_mon + 1;
    *d = now->tm_mday;
    if (w->weekday >= 0) {
        int ahead = (w->weekday - now->tm_wday + 7) % 7;
        *d += ahead ? ahead : 7;
        return true;
    }
    if (w->years || w->months) {
        long months = *y * 12L + (*m - 1) + w->years * 12L + w->months;
        *y = months >= 0 ? months / 12 : -((-months + 11) / 12);
        *m = (int)(months - *y * 12) + 1;
        if (*d > month_days(*y, *m))
            *d = month_days(*y, *m); /* 31 January + 1 month: the end of February */
    }
    *d += w->days;
    return true;
}

/* The 24-hour readings of w's hour: one, or two for a bare 1..12 ("at 6"). 0 when invalid. */
static int readings(const struct sym_when *w, int h24[2])
{
    int h = w->hour;

    if (w->minute > 59 || w->minute < -1 || h < 0 || h > 23)
        return 0;
    switch (w->meridiem) {
    case SYM_MERIDIEM_AM:
        if (h > 12)
            return 0;
        h24[0] = h % 12;
        return 1;
    case SYM_MERIDIEM_PM:
        if (h == 0)
            return 0;
        h24[0] = h < 12 ? h + 12 : h;
        return 1;
    case SYM_MERIDIEM_NONE:
        break;
    }
    if (h >= 1 && h <= 12 && w->minute < 0) {
        h24[0] = h % 12;
        h24[1] = h % 12 + 12;
        return 2;
    }
    h24[0] = h;
    return 1;
}

/* Field ranges a hand-made struct could break; the parser never produces these. */
static bool sane(const struct sym_when *w)
{
    return w->found && w->days > -400000 && w->days < 400000 && w->months > -100000 &&
           w->months < 100000 && w->years > -10000 && w->years < 10000 && w->year >= 0 &&
           w->year <= 9999 && w->month >= 0 && w->month <= 12 && w->day >= 0 && w->day <= 31 &&
           (w->month == 0) == (w->day == 0) && w->weekday >= -1 && w->weekday <= 6 &&
           w->seconds > -1000000000000LL && w->seconds < 1000000000000LL;
}

enum sym_when_result sym_when_resolve(const struct sym_when *w, time_t now, const char *tz,
                                      time_t *at_out)
{
    enum sym_when_result rc = SYM_WHEN_INVALID;
    struct sym_zone_scope z;
    struct tm tm;
    time_t t[2], dummy;
    int h24[2] = {0, 0}, n, i, mi;
    long y;
    int m, d;
    bool dated;

    if (!at_out)
        at_out = &dummy;
    *at_out = now;
    if (!w || !sane(w) || !sym_clock_zone_enter(&z, tz))
        return SYM_WHEN_INVALID;
    if (!localtime_r(&now, &tm))
        goto out;
    dated = w->dated || w->month || w->weekday >= 0 || w->days || w->months || w->years;
    if (!resolve_day(w, &tm, &y, &m, &d))
        goto out;
    if (w->hour < 0) {
        if (w->minute >= 0)
            goto out;
        if (!dated) {
            *at_out = now + (time_t)w->seconds;
        } else {
            if (!make_time(y, m, d, tm.tm_hour, tm.tm_min, tm.tm_sec, at_out))
                goto out;
            *at_out += (time_t)w->seconds;
        }
        rc = *at_out < now ? SYM_WHEN_PAST : SYM_WHEN_OK;
        goto out;
    }
    n = readings(w, h24);
    if (!n)
        goto out;
    mi = w->minute < 0 ? 0 : w->minute;
    for (i = 0; i < n; i++) {
        if (!make_time(y, m, d, h24[i], mi, 0, &t[i]))
            goto out;
        if (!dated && t[i] < now && !make_time(y, m, d + 1, h24[i], mi, 0, &t[i]))
            goto out;
        t[i] += (time_t)w->seconds;
    }
    if (n == 2 && t[1] < t[0]) {
        time_t tmp = t[0];
        t[0] = t[1];
        t[1] = tmp;
    }
    if (t[n - 1] < now) {
        *at_out = t[0];
        rc = SYM_WHEN_PAST;
    } else if (n == 2 && t[0] >= now && t[1] - now <= 24 * 3600) {
        *at_out = t[0];
        rc = SYM_WHEN_AMBIGUOUS;
    } else {
        *at_out = t[0] >= now ? t[0] : t[n - 1];
        rc = SYM_WHEN_OK;
    }
out:
    sym_clock_zone_leave(&z);
    return rc;
}

/* ---- periods in the past: what a question about memories means by "when" ---- */

static const char *const ru_months_prep[] = {"январе", "феврале", "марте",   "апреле",   "мае",
                                             "июне",   "июле",    "августе", "сентябре", "октябре",
                                             "ноябре", "декабре", NULL};

/* A month in any of the forms above, 1..12, or 0. "may" only counts next to a year or after "in"
 * or "last" (the caller decides): it is also a modal verb. */
static int period_month(const char *s)
{
    int m = month_of(s);

    if (!m && s)
        m = find(s, ru_months_prep) + 1;
    return m;
}

/* 0 winter, 1 spring, 2 summer, 3 autumn; -1 when s names no season. */
static int season_of(const char *s)
{
    static const struct {
        const char *word;
        int season;
    } seasons[] = {
        {"winter", 0}, {"spring", 1}, {"summer", 2}, {"autumn", 3}, {"fall", 3},
        {"зима", 0},   {"зимой", 0},  {"зиму", 0},   {"зимы", 0},   {"весна", 1},
        {"весной", 1}, {"весну", 1},  {"весны", 1},  {"лето", 2},   {"летом", 2},
        {"лета", 2},   {"осень", 3},  {"осенью", 3}, {"осени", 3},
    };
    size_t i;

    for (i = 0; s && i < sizeof seasons / sizeof *seasons; i++)
        if (!strcmp(s, seasons[i].word))
            return seasons[i].season;
    return -1;
}

/* "last", "past", "previous", "прошлый" in its forms: 1; "this", "этот" in its forms: 0; -1. */
static int period_which(const char *s)
{
    static const char *const last[] = {"last",     "past",    "previous", "прошлый",
                                       "прошлом",  "прошлой", "прошлым",  "прошлую",
                                       "прошлого", "прошлая", "прошлое",  NULL};
    static const char *const this_[] = {"this", "этот", "этом",  "этой",    "этим",
                                        "эту",  "это",  "этого", "текущем", NULL};

    return in_list(s, last) ? 1 : in_list(s, this_) ? 0 : -1;
}

/* The unit s names, also in the Russian prepositional ("в прошлом году", "месяце", "неделе");
 * -1 for none. */
static int period_unit(const char *s)
{
    int u = unit_of(s);

    if (u >= 0)
        return (int)units[u].unit;
    return eq(s, "году")     ? UNIT_YEAR
           : eq(s, "месяце") ? UNIT_MONTH
           : eq(s, "неделе") ? UNIT_WEEK
                             : -1;
}

/* A year as a word: 1900..2199. */
static bool year_word(const char *s, int *y)
{
    return number_word(s, 4, y) && strlen(s) == 4 && *y >= 1900 && *y < 2200;
}

/* A calendar span: [y-m-1 .. y-m2-1) in the zone in force. */
static bool span(long y, int m, long y2, int m2, time_t *from, time_t *to)
{
    return make_time(y, m, 1, 0, 0, 0, from) && make_time(y2, m2, 1, 0, 0, 0, to);
}

/* The season's span in year y (winter: December of y - 1 to February of y). */
static bool season_span(long y, int season, time_t *from, time_t *to)
{
    int m = season * 3; /* winter 0: December of the year before, as month 0 */

    return span(y, m, y, m + 3, from, to);
}

/* The period at word k of c (whose span is the whole text), resolved against now (tm, the zone in
 * force): the words used, 0 when none starts there. */
static size_t period_at(const struct cur *c, size_t k, time_t now, const struct tm *tm,
                        time_t *from, time_t *to)
{
    const char *s = at(c, k);
    long y = tm->tm_year + 1900L;
    int cur_m = tm->tm_mon + 1, v = 1, m, season, which, u, yr;
    size_t n;

    if (!s)
        return 0;
    /* "yesterday", "вчера", "позавчера" */
    if (eq(s, "yesterday") || eq(s, "вчера") || eq(s, "позавчера")) {
        int back = eq(s, "позавчера") ? 2 : 1;

        return make_time(y, cur_m, tm->tm_mday - back, 0, 0, 0, from) &&
                       make_time(y, cur_m, tm->tm_mday - back + 1, 0, 0, 0, to)
                   ? 1
                   : 0;
    }
    /* "two weeks ago", "a month ago", "3 дня назад", "неделю назад" */
    n = parse_int(c, k, &v);
    if (eq(s, "a") || eq(s, "an") || eq(s, "one"))
        n = 1, v = 1;
    u = unit_of(at(c, k + n));
    if (u >= 0 && units[u].unit >= UNIT_DAY &&
        (eq(at(c, k + n + 1), "ago") || eq(at(c, k + n + 1), "назад")) && v > 0 && v <= 1000) {
        static const long unit_days[] = {0, 0, 0, 1, 7, 30, 365};
        long d = unit_days[units[u].unit];
        time_t centre = now - (time_t)(v * d * 86400);

        *from = centre - (time_t)(d * 86400);
        *to = centre + (time_t)(d * 86400);
        return n + 2;
    }
    /* "last year", "в прошлом месяце", "на прошлой неделе", "this year", "last summer",
     * "last July" */
    which = period_which(s);
    if (which >= 0) {
        const char *next = at(c, k + 1);

        u = period_unit(next);
        if (u == UNIT_YEAR)
            return span(y - which, 1, y - which + 1, 1, from, to) ? 2 : 0;
        if (u == UNIT_MONTH)
            return span(y, cur_m - which, y, cur_m - which + 1, from, to) ? 2 : 0;
        if (u == UNIT_WEEK) {
            int monday = (tm->tm_wday + 6) % 7; /* days since Monday */

            return make_time(y, cur_m, tm->tm_mday - monday - 7 * which, 0, 0, 0, from) &&
                           make_time(y, cur_m, tm->tm_mday - monday - 7 * which + 7, 0, 0, 0, to)
                       ? 2
                       : 0;
        }
        season = season_of(next);
        if (season >= 0) {
            /* The season under way is "this"; "last" is the one before it of that name. */
            int now_season = cur_m % 12 / 3;
            long sy = cur_m == 12 ? y + 1 : y; /* December belongs to next year's winter */

            if (season > now_season || which)
                sy--;
            if (which && season < now_season)
                sy++;
            return season_span(sy, season, from, to) ? 2 : 0;
        }
        m = period_month(next);
        if (m && which)
            return span(m < cur_m ? y : y - 1, m, m < cur_m ? y : y - 1, m + 1, from, to) ? 2 : 0;
        return 0;
    }
    /* "summer 2024", "летом 2024 года", "in summer", "летом" */
    season = season_of(s);
    if (season >= 0) {
        int now_season = cur_m % 12 / 3;

        if (year_word(at(c, k + 1), &yr))
            return season_span(season ? yr : yr + 1, season, from, to)
                       ? 2 + (eq(at(c, k + 2), "года") || eq(at(c, k + 2), "году"))
                       : 0;
        if (eq(s, "fall") || eq(s, "spring"))
            return 0; /* a verb or a thing, unless a year or "last" says otherwise */
        return season_span(season > now_season ? y - 1 : (cur_m == 12 ? y + 1 : y), season, from,
                           to)
                   ? 1
                   : 0;
    }
    /* "July 2022", "в июле 2022 года", "in July", "в мае" */
    m = period_month(s);
    if (m) {
        bool may = eq(s, "may") || eq(s, "mar") || eq(s, "jun") || eq(s, "jan") || eq(s, "sep");

        if (year_word(at(c, k + 1), &yr))
            return span(yr, m, yr, m + 1, from, to)
                       ? 2 + (eq(at(c, k + 2), "года") || eq(at(c, k + 2), "году"))
                       : 0;
        if (may && !(k > c->first && (eq(at(c, k - 1), "in") || eq(at(c, k - 1), "в"))))
            return 0;
        return span(m <= cur_m ? y : y - 1, m, m <= cur_m ? y : y - 1, m + 1, from, to) ? 1 : 0;
    }
    /* "2022", "в 2022 году", "in 2022" */
    if (year_word(s, &yr))
        return span(yr, 1, yr + 1, 1, from, to)
                   ? 1 + (eq(at(c, k + 1), "году") || eq(at(c, k + 1), "год") ||
                          eq(at(c, k + 1), "года"))
                   : 0;
    return 0;
}

bool sym_when_period(const struct sym_words *w, time_t now, const char *tz, time_t *from,
                     time_t *to, size_t *first, size_t *count)
{
    struct sym_zone_scope z;
    struct cur c = {w, 0, 0, w->n};
    struct tm tm;
    size_t k, n = 0;

    if (!sym_clock_zone_enter(&z, tz))
        return false;
    if (localtime_r(&now, &tm))
        for (k = 0; k < w->n && !n; k++) {
            n = period_at(&c, k, now, &tm, from, to);
            if (n) {
                *first = k;
                *count = n;
            }
        }
    sym_clock_zone_leave(&z);
    return n > 0 && *from < *to;
}
