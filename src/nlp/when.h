/*
 * when.h: time expressions in English and Russian: "in 10 minutes", "через 2 часа", "tomorrow at
 * 9", "завтра в 9 утра", "at 6pm", "12 June 2027", "12 июня", "on Monday", "в пятницу",
 * "через 3 дня", "in 2 weeks", "today", "послезавтра", "at noon", "в полдень", "9:30".
 *
 * sym_when_parse() reads words of normalised text (nlp/text.h) and says what was said, without
 * knowing the clock: relative offsets, a date, a time of day. sym_when_resolve() turns that into
 * a moment, given "now" and a time zone; it also says when the expression is ambiguous ("at 6":
 * morning or evening?) or lies in the past ("12 June 2020" as a reminder time).
 */
#ifndef SYM_WHEN_H
#define SYM_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum sym_meridiem {
    SYM_MERIDIEM_NONE = 0,
    SYM_MERIDIEM_AM, /* am, morning, утра, ночи */
    SYM_MERIDIEM_PM, /* pm, evening, afternoon, вечера, дня */
};

struct sym_when {
    bool found;        /* an expression was recognised */
    long long seconds; /* relative offset in seconds: "in 10 minutes" = 600, "через час" */
    int days;          /* relative offset in days: tomorrow = 1, "через 3 дня" = 3,
                          "in 2 weeks" = 14, yesterday = -1 */
    bool dated; /* a day was named (today, tomorrow, a weekday, a date, "через 3 дня"):
                   a time of day on it stays on that day, even when it has passed */
    int months, years;    /* relative offsets: "in 2 months", "через год" */
    int year, month, day; /* an explicit date; 0 = not said (year 0: the next such date) */
    int weekday; /* -1, or 0 = Sunday .. 6 = Saturday: "on Monday", "в понедельник" */
    int hour, minute; /* an explicit time of day as said ("6pm": 6, PM); -1 = not said: "at 6"
                         has minute -1, "at 6:00" minute 0 */
    enum sym_meridiem meridiem;
    size_t first, count; /* the words the expression covers */
};

/*
 * Look for a time expression that covers exactly words [first, first + count) of w (count 0:
 * as many words as it can from first). Returns true and fills out when those words are one
 * expression. Never reads past w->n.
 */
struct sym_words;
bool sym_when_parse(const struct sym_words *w, size_t first, size_t count, struct sym_when *out);

/* Convenience: parse a whole normalised string as one expression. */
bool sym_when_parse_text(const char *norm, struct sym_when *out);

enum sym_when_result {
    SYM_WHEN_OK,        /* *at is the moment */
    SYM_WHEN_AMBIGUOUS, /* an hour 1..12 without am/pm that could be either, both still ahead */
    SYM_WHEN_PAST,      /* the moment has already passed */
    SYM_WHEN_INVALID,   /* no such date (31 February) or nothing to resolve */
};

/*
 * Resolve w against now in time zone tz (an IANA name such as "Europe/Moscow"; NULL = local).
 * A time of day without a date means the next such time (today or tomorrow); a date without a
 * year the next such date (this year unless that day has passed); a weekday the next such day
 * (today excluded). Day offsets use the calendar of the zone, so "через 3 дня" keeps the
 * wall-clock time across a DST change; a day without a time of day keeps now's wall-clock time
 * (the caller sees hour == -1 and may ask). An hour 1..12 with neither am/pm nor minutes ("at
 * 6") is AMBIGUOUS when both readings lie within the next 24 hours. *at gets the moment (also
 * for AMBIGUOUS: the earlier reading; PAST: the moment in the past). Not thread-safe: the zone
 * is switched through TZ for the call.
 */
enum sym_when_result sym_when_resolve(const struct sym_when *w, time_t now, const char *tz,
                                      time_t *at);

/*
 * A period in the past named in the words of w, as a question about memories names one: "in July
 * 2022", "July", "в июле 2022 года", "in 2022", "в 2022 году", "last summer", "летом 2024",
 * "last year", "в прошлом месяце", "на прошлой неделе", "this year", "last July", "two weeks
 * ago", "3 дня назад", "yesterday", "вчера". Resolved against now in time zone tz (NULL =
 * local): [*from, *to), a calendar month, season, year or week; "N units ago" is the span of one
 * unit either side of that moment. A month or season without a year is the latest one that has
 * begun ("July" in March 2026: July 2025). "May" counts as a month only after "in" or before a
 * year, "fall" and "spring" only with "last" or a year. *first and *count: the words it covers.
 * The first period found counts; false when there is none. Not thread-safe (TZ, as resolve).
 */
bool sym_when_period(const struct sym_words *w, time_t now, const char *tz, time_t *from,
                     time_t *to, size_t *first, size_t *count);

#endif
