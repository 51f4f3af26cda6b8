/*
 * test_when.c: time expressions in English and Russian: a table of phrases with the fields the
 * parser must give, spans inside longer text, phrases it must refuse, garbage that must not
 * crash it, and resolution against a fixed "now" in several zones (DST, the turn of the year,
 * ambiguous, past and invalid moments).
 */
#include <stdlib.h>

#include "nlp/text.h"
#include "nlp/when.h"
#include "test.h"

#define AM SYM_MERIDIEM_AM
#define PM SYM_MERIDIEM_PM
#define NO SYM_MERIDIEM_NONE

struct expect {
    const char *text;
    long long seconds;
    int days, months, years;
    int year, month, day, weekday;
    int hour, minute;
    enum sym_meridiem meridiem;
};

/* text, seconds, days, months, years, year, month, day, weekday, hour, minute, meridiem */
static const struct expect table[] = {
    /* relative, English */
    {"in 10 minutes", 600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in an hour", 3600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in a minute", 60, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in half an hour", 1800, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 2 hours 30 minutes", 9000, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 2 hours and 30 minutes", 9000, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in an hour and a half", 5400, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 1.5 hours", 5400, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 3 days", 0, 3, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 2 weeks", 0, 14, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in a month", 0, 0, 1, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in a year", 0, 0, 0, 1, 0, 0, 0, -1, -1, -1, NO},
    {"in 2 months", 0, 0, 2, 0, 0, 0, 0, -1, -1, -1, NO},
    {"after 5 minutes", 300, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 30 seconds", 30, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in ten minutes", 600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in twenty five minutes", 1500, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in two hours", 7200, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in a couple of hours", 7200, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 5 mins", 300, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"10 minutes from now", 600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"2 hours later", 7200, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"in 3 days at 10 am", 0, 3, 0, 0, 0, 0, 0, -1, 10, -1, AM},
    /* relative, Russian */
    {"через 10 минут", 600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через минуту", 60, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через час", 3600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через полчаса", 1800, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через пол часа", 1800, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через полтора часа", 5400, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 2 часа", 7200, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 2 часа 30 минут", 9000, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через час с половиной", 5400, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 3 дня", 0, 3, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через день", 0, 1, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через неделю", 0, 7, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 2 недели", 0, 14, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через месяц", 0, 0, 1, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через год", 0, 0, 0, 1, 0, 0, 0, -1, -1, -1, NO},
    {"через полгода", 0, 0, 6, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 5 секунд", 5, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через пять минут", 300, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через одну минуту", 60, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через две недели", 0, 14, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через двадцать пять минут", 1500, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через тридцать секунд", 30, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через пару часов", 7200, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 10 мин", 600, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"через 3 дня в 10 утра", 0, 3, 0, 0, 0, 0, 0, -1, 10, -1, AM},
    /* named days */
    {"today", 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"tomorrow", 0, 1, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"yesterday", 0, -1, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"the day after tomorrow", 0, 2, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"day after tomorrow", 0, 2, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"tonight", 0, 0, 0, 0, 0, 0, 0, -1, 20, 0, PM},
    {"tomorrow morning", 0, 1, 0, 0, 0, 0, 0, -1, 9, 0, AM},
    {"сегодня", 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"завтра", 0, 1, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"послезавтра", 0, 2, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"вчера", 0, -1, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"позавчера", 0, -2, 0, 0, 0, 0, 0, -1, -1, -1, NO},
    {"завтра утром", 0, 1, 0, 0, 0, 0, 0, -1, 9, 0, AM},
    {"сегодня вечером", 0, 0, 0, 0, 0, 0, 0, -1, 19, 0, PM},
    /* weekdays */
    {"on monday", 0, 0, 0, 0, 0, 0, 0, 1, -1, -1, NO},
    {"monday", 0, 0, 0, 0, 0, 0, 0, 1, -1, -1, NO},
    {"next friday", 0, 0, 0, 0, 0, 0, 0, 5, -1, -1, NO},
    {"on sunday", 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, NO},
    {"в понедельник", 0, 0, 0, 0, 0, 0, 0, 1, -1, -1, NO},
    {"во вторник", 0, 0, 0, 0, 0, 0, 0, 2, -1, -1, NO},
    {"в среду", 0, 0, 0, 0, 0, 0, 0, 3, -1, -1, NO},
    {"в четверг", 0, 0, 0, 0, 0, 0, 0, 4, -1, -1, NO},
    {"в пятницу", 0, 0, 0, 0, 0, 0, 0, 5, -1, -1, NO},
    {"в субботу", 0, 0, 0, 0, 0, 0, 0, 6, -1, -1, NO},
    {"в воскресенье", 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, NO},
    {"в следующую пятницу", 0, 0, 0, 0, 0, 0, 0, 5, -1, -1, NO},
    {"в следующий понедельник", 0, 0, 0, 0, 0, 0, 0, 1, -1, -1, NO},
    {"среда", 0, 0, 0, 0, 0, 0, 0, 3, -1, -1, NO},
    {"пятница", 0, 0, 0, 0, 0, 0, 0, 5, -1, -1, NO},
    {"next friday at 6pm", 0, 0, 0, 0, 0, 0, 0, 5, 6, -1, PM},
    /* time of day */
    {"at 6", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, NO},
    {"at 6pm", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, PM},
    {"at 6 pm", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, PM},
    {"at 6 p.m.", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, PM},
    {"at 18:30", 0, 0, 0, 0, 0, 0, 0, -1, 18, 30, NO},
    {"at 9:30 am", 0, 0, 0, 0, 0, 0, 0, -1, 9, 30, AM},
    {"at 9:30pm", 0, 0, 0, 0, 0, 0, 0, -1, 9, 30, PM},
    {"at noon", 0, 0, 0, 0, 0, 0, 0, -1, 12, 0, PM},
    {"at midnight", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, NO},
    {"at 9 in the morning", 0, 0, 0, 0, 0, 0, 0, -1, 9, -1, AM},
    {"at 7 in the evening", 0, 0, 0, 0, 0, 0, 0, -1, 7, -1, PM},
    {"at 11 at night", 0, 0, 0, 0, 0, 0, 0, -1, 11, -1, PM},
    {"at five", 0, 0, 0, 0, 0, 0, 0, -1, 5, -1, NO},
    {"at 6 o'clock", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, NO},
    {"9:30", 0, 0, 0, 0, 0, 0, 0, -1, 9, 30, NO},
    {"6pm", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, PM},
    {"6 am", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, AM},
    {"in the evening", 0, 0, 0, 0, 0, 0, 0, -1, 19, 0, PM},
    {"в 6", 0, 0, 0, 0, 0, 0, 0, -1, 6, -1, NO},
    {"в 18:30", 0, 0, 0, 0, 0, 0, 0, -1, 18, 30, NO},
    {"в 18.30", 0, 0, 0, 0, 0, 0, 0, -1, 18, 30, NO},
    {"в 9 утра", 0, 0, 0, 0, 0, 0, 0, -1, 9, -1, AM},
    {"в 7 вечера", 0, 0, 0, 0, 0, 0, 0, -1, 7, -1, PM},
    {"в 3 дня", 0, 0, 0, 0, 0, 0, 0, -1, 3, -1, PM},
    {"в 2 ночи", 0, 0, 0, 0, 0, 0, 0, -1, 2, -1, AM},
    {"в 11 ночи", 0, 0, 0, 0, 0, 0, 0, -1, 11, -1, PM},
    {"в час дня", 0, 0, 0, 0, 0, 0, 0, -1, 1, -1, PM},
    {"в 9 часов", 0, 0, 0, 0, 0, 0, 0, -1, 9, -1, NO},
    {"в 9 часов 30 минут", 0, 0, 0, 0, 0, 0, 0, -1, 9, 30, NO},
    {"в 2 часа ночи", 0, 0, 0, 0, 0, 0, 0, -1, 2, -1, AM},
    {"в полдень", 0, 0, 0, 0, 0, 0, 0, -1, 12, 0, PM},
    {"в полночь", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, NO},
    {"в пять", 0, 0, 0, 0, 0, 0, 0, -1, 5, -1, NO},
    {"утром", 0, 0, 0, 0, 0, 0, 0, -1, 9, 0, AM},
    {"вечером", 0, 0, 0, 0, 0, 0, 0, -1, 19, 0, PM},
    {"вечером в 8", 0, 0, 0, 0, 0, 0, 0, -1, 8, -1, PM},
    {"9 утра", 0, 0, 0, 0, 0, 0, 0, -1, 9, -1, AM},
    /* dates */
    {"12 june 2027", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"june 12 2027", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"June 12, 2027", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"june 12", 0, 0, 0, 0, 0, 6, 12, -1, -1, -1, NO},
    {"12 june", 0, 0, 0, 0, 0, 6, 12, -1, -1, -1, NO},
    {"on the 12th of june", 0, 0, 0, 0, 0, 6, 12, -1, -1, -1, NO},
    {"on june 1st", 0, 0, 0, 0, 0, 6, 1, -1, -1, -1, NO},
    {"2nd feb", 0, 0, 0, 0, 0, 2, 2, -1, -1, -1, NO},
    {"3rd of march 2028", 0, 0, 0, 0, 2028, 3, 3, -1, -1, -1, NO},
    {"sept 9", 0, 0, 0, 0, 0, 9, 9, -1, -1, -1, NO},
    {"12.06.2027", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"12.06.27", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"12.06", 0, 0, 0, 0, 0, 6, 12, -1, -1, -1, NO},
    {"2027-06-12", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"12 июня 2027", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"12 июня 2027 года", 0, 0, 0, 0, 2027, 6, 12, -1, -1, -1, NO},
    {"12 июня", 0, 0, 0, 0, 0, 6, 12, -1, -1, -1, NO},
    {"1 января", 0, 0, 0, 0, 0, 1, 1, -1, -1, -1, NO},
    {"31 декабря", 0, 0, 0, 0, 0, 12, 31, -1, -1, -1, NO},
    {"9 мая", 0, 0, 0, 0, 0, 5, 9, -1, -1, -1, NO},
    {"15-го марта", 0, 0, 0, 0, 0, 3, 15, -1, -1, -1, NO},
    {"на 5 августа", 0, 0, 0, 0, 0, 8, 5, -1, -1, -1, NO},
    {"1 сентябрь", 0, 0, 0, 0, 0, 9, 1, -1, -1, -1, NO},
    {"31 february", 0, 0, 0, 0, 0, 2, 31, -1, -1, -1, NO}, /* parses; resolve says INVALID */
    /* combinations */
    {"tomorrow at 9", 0, 1, 0, 0, 0, 0, 0, -1, 9, -1, NO},
    {"at 9 tomorrow", 0, 1, 0, 0, 0, 0, 0, -1, 9, -1, NO},
    {"tomorrow at 9:15pm", 0, 1, 0, 0, 0, 0, 0, -1, 9, 15, PM},
    {"завтра в 9 утра", 0, 1, 0, 0, 0, 0, 0, -1, 9, -1, AM},
    {"послезавтра в 18:00", 0, 2, 0, 0, 0, 0, 0, -1, 18, 0, NO},
    {"в пятницу в 18:00", 0, 0, 0, 0, 0, 0, 0, 5, 18, 0, NO},
    {"12 june at 10", 0, 0, 0, 0, 0, 6, 12, -1, 10, -1, NO},
    {"12 июня в 10 утра", 0, 0, 0, 0, 0, 6, 12, -1, 10, -1, AM},
    {"on monday at noon", 0, 0, 0, 0, 0, 0, 0, 1, 12, 0, PM},
    {"tomorrow evening at 8", 0, 1, 0, 0, 0, 0, 0, -1, 8, -1, PM},
    {"завтра в 7 вечера", 0, 1, 0, 0, 0, 0, 0, -1, 7, -1, PM},
    {"сегодня в 23:59", 0, 0, 0, 0, 0, 0, 0, -1, 23, 59, NO},
    {"Завтра, в 9 утра!", 0, 1, 0, 0, 0, 0, 0, -1, 9, -1, AM},
};

static void test_table(void)
{
    size_t i;

    for (i = 0; i < sizeof table / sizeof *table; i++) {
        const struct expect *e = &table[i];
        char *norm = sym_normalize(e->text);
        struct sym_when w;
        bool ok = sym_when_parse_text(norm, &w);

        test_checks++;
        if (!ok || w.seconds != e->seconds || w.days != e->days || w.months != e->months ||
            w.years != e->years || w.year != e->year || w.month != e->month || w.day != e->day ||
            w.weekday != e->weekday || w.hour != e->hour || w.minute != e->minute ||
            w.meridiem != e->meridiem) {
            test_failures++;
            fprintf(stderr,
                    "when \"%s\": ok=%d seconds=%lld days=%d months=%d years=%d date=%d-%d-%d "
                    "weekday=%d time=%d:%d meridiem=%d\n",
                    e->text, ok, w.seconds, w.days, w.months, w.years, w.year, w.month, w.day,
                    w.weekday, w.hour, w.minute, (int)w.meridiem);
        }
        free(norm);
    }
}

/* Phrases that are not time expressions (as a whole). */
static void test_refused(void)
{
    static const char *const texts[] = {
        "",
        "hello",
        "at",
        "in",
        "in the",
        "через",
        "в",
        "6",
        "buy 6 eggs",
        "3 дня",
        "на 3 дня",
        "monday monday",
        "at 6 at 7",
        "in 2 hours at 5",
        "32 june",
        "12.13.2027",
        "may",
        "в 2027",
        "tomorrow today",
        "in 10 apples",
        "morning",
        "2 полчаса",
        "через 10",
        "12 of",
        "at 99",
    };
    size_t i;

    for (i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *norm = sym_normalize(texts[i]);
        struct sym_when w;
        bool ok = sym_when_parse_text(norm, &w);

        test_checks++;
        if (ok || w.found) {
            test_failures++;
            fprintf(stderr, "when \"%s\" should not parse\n", texts[i]);
        }
        free(norm);
    }
}

/* A span inside a longer text: count 0 takes as many words as it can; count > 0 exactly. */
static void test_spans(void)
{
    struct sym_words w;
    struct sym_when t;
    char *norm = sym_normalize("Remind me tomorrow at 9 to call Mum in 2 hours");

    CHECK(sym_words_split(norm, &w) == SYM_OK);
    CHECK(!sym_when_parse(&w, 0, 0, &t) && !t.found);
    CHECK(sym_when_parse(&w, 2, 0, &t));
    CHECK(t.found && t.first == 2 && t.count == 3 && t.days == 1 && t.hour == 9);
    CHECK(sym_when_parse(&w, 2, 1, &t) && t.count == 1 && t.days == 1 && t.hour == -1);
    CHECK(!sym_when_parse(&w, 2, 4, &t)); /* "tomorrow at 9 to" */
    CHECK(sym_when_parse(&w, 8, 0, &t) && t.count == 3 && t.seconds == 7200);
    CHECK(sym_when_parse(&w, 8, 3, &t));
    CHECK(!sym_when_parse(&w, 8, 4, &t)); /* past the end */
    CHECK(!sym_when_parse(&w, 9, 0, &t)); /* "2 hours" without "in" */
    CHECK(!sym_when_parse(&w, 11, 0, &t));
    CHECK(!sym_when_parse(&w, 100, 1, &t));
    CHECK(!sym_when_parse(&w, 1, (size_t)-1, &t));
    CHECK(!sym_when_parse(NULL, 0, 0, &t));
    sym_words_free(&w);
    free(norm);

    norm = sym_normalize("напомни завтра в 9 утра позвонить маме");
    CHECK(sym_words_split(norm, &w) == SYM_OK);
    CHECK(sym_when_parse(&w, 1, 0, &t) && t.first == 1 && t.count == 4);
    CHECK(t.days == 1 && t.hour == 9 && t.meridiem == AM);
    sym_words_free(&w);
    free(norm);
}

/* Garbage must neither crash nor read out of bounds (valgrind and ASan watch this test). */
static void test_garbage(void)
{
    static const char *const texts[] = {
        "in in in in in",
        "через через через",
        "at at at 9:",
        "9:",
        ":30",
        "99:99",
        "1.",
        "12.06.",
        "12.06.2",
        "99999999999999999999 minutes",
        "in 99999 years",
        "in 10001 days",
        "the day after",
        "the day before",
        "on the",
        "a couple of",
        "in an hour and a",
        "через час с",
        "at 9 in the",
        "в 9 часов 30",
        "2027 06",
        "june",
        "12th",
        "\xD0",
        "пол",
        "and and",
        "1st 2nd 3rd",
        "tomorrow at",
        "в следующую",
        "the next",
    };
    struct sym_words w;
    struct sym_when t;
    size_t i, first, count;

    for (i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *norm = sym_normalize(texts[i]);

        CHECK(norm && sym_words_split(norm, &w) == SYM_OK);
        for (first = 0; first <= w.n; first++)
            for (count = 0; count <= w.n + 1; count++)
                (void)sym_when_parse(&w, first, count, &t);
        sym_words_free(&w);
        free(norm);
    }
    CHECK(!sym_when_parse_text(NULL, &t));
    CHECK(!sym_when_parse_text("in 99999 years", &t)); /* more than MAX_AMOUNT */
}

/* Local time "YYYY-MM-DD HH:MM" in zone tz as a moment, for readable expectations. */
static time_t local(const char *tz, int y, int mo, int d, int h, int mi)
{
    struct sym_when w = {0};
    time_t t = 0;

    /* an explicit date and time resolved against the epoch is never ambiguous nor past */
    w.found = true;
    w.weekday = -1;
    w.year = y;
    w.month = mo;
    w.day = d;
    w.hour = h;
    w.minute = mi;
    CHECK(sym_when_resolve(&w, 0, tz, &t) == SYM_WHEN_OK);
    return t;
}

static enum sym_when_result resolve(const char *text, time_t now, const char *tz, time_t *at)
{
    char *norm = sym_normalize(text);
    struct sym_when w;
    enum sym_when_result rc = SYM_WHEN_INVALID;

    *at = 0;
    if (sym_when_parse_text(norm, &w))
        rc = sym_when_resolve(&w, now, tz, at);
    else
        fprintf(stderr, "resolve: \"%s\" does not parse\n", text);
    free(norm);
    return rc;
}

#define CHECK_AT(text, now, tz, want_rc, want_at)                                                  \
    do {                                                                                           \
        time_t at_;                                                                                \
        enum sym_when_result rc_ = resolve(text, now, tz, &at_);                                   \
        CHECK(rc_ == (want_rc));                                                                   \
        CHECK(at_ == (want_at));                                                                   \
        if (rc_ != (want_rc) || at_ != (want_at))                                                  \
            fprintf(stderr, "  resolving \"%s\" in %s: rc %d at %lld, expected %lld\n", text, tz,  \
                    (int)rc_, (long long)at_, (long long)(want_at));                               \
    } while (0)

static void test_resolve_moscow(void)
{
    const char *tz = "Europe/Moscow";
    time_t now = local(tz, 2027, 6, 10, 14, 0); /* Thursday 10 June 2027, 14:00 */

    CHECK(now == 1812625200); /* 11:00 UTC */
    CHECK_AT("через 10 минут", now, tz, SYM_WHEN_OK, now + 600);
    CHECK_AT("через 2 часа 30 минут", now, tz, SYM_WHEN_OK, now + 9000);
    CHECK_AT("завтра в 9 утра", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 9, 0));
    CHECK_AT("завтра", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 14, 0));
    CHECK_AT("в 18:30", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 10, 18, 30));
    CHECK_AT("в 9:30", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 9, 30));
    CHECK_AT("в 7 вечера", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 10, 19, 0));
    CHECK_AT("в 3 дня", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 10, 15, 0));
    CHECK_AT("в полдень", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 12, 0));
    CHECK_AT("в полночь", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 0, 0));
    CHECK_AT("в 6", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 6, 10, 18, 0));
    CHECK_AT("в 3", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 6, 10, 15, 0));
    CHECK_AT("в 12", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 6, 11, 0, 0));
    CHECK_AT("сегодня в 9", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 10, 21, 0));
    CHECK_AT("сегодня в 9:30", now, tz, SYM_WHEN_PAST, local(tz, 2027, 6, 10, 9, 30));
    CHECK_AT("в пятницу в 18:00", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 11, 18, 0));
    CHECK_AT("в четверг", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 17, 14, 0)); /* today excluded */
    CHECK_AT("в понедельник в 10 утра", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 14, 10, 0));
    CHECK_AT("12 июня", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 12, 14, 0));
    CHECK_AT("12 июня в 10", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 12, 10, 0));
    CHECK_AT("1 июня", now, tz, SYM_WHEN_OK, local(tz, 2028, 6, 1, 14, 0)); /* passed: next year */
    CHECK_AT("10 июня в 9:00", now, tz, SYM_WHEN_PAST, local(tz, 2027, 6, 10, 9, 0));
    CHECK_AT("12.06.2027 в 10:00", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 12, 10, 0));
    CHECK_AT("12 июня 2020", now, tz, SYM_WHEN_PAST, local(tz, 2020, 6, 12, 14, 0));
    CHECK_AT("вчера", now, tz, SYM_WHEN_PAST, now - 86400);
    CHECK_AT("через месяц", now, tz, SYM_WHEN_OK, local(tz, 2027, 7, 10, 14, 0));
    CHECK_AT("через год", now, tz, SYM_WHEN_OK, local(tz, 2028, 6, 10, 14, 0));
    CHECK_AT("29 февраля", now, tz, SYM_WHEN_OK, local(tz, 2028, 2, 29, 14, 0));
    CHECK_AT("31 февраля", now, tz, SYM_WHEN_INVALID, now);
    CHECK_AT("31.04.2028", now, tz, SYM_WHEN_INVALID, now);
    CHECK_AT("в 25:00", now, tz, SYM_WHEN_INVALID, now);
    CHECK_AT("в 10:75", now, tz, SYM_WHEN_INVALID, now);
    CHECK_AT("в 18 утра", now, tz, SYM_WHEN_INVALID, now);
}

static void test_resolve_new_york(void)
{
    const char *tz = "America/New_York";
    /* Saturday 13 March 2027, 10:00 EST; the clocks go forward on Sunday 14 March at 2:00 */
    time_t now = local(tz, 2027, 3, 13, 10, 0);

    CHECK(now == 1804950000); /* 15:00 UTC: EST is UTC-5 */
    CHECK_AT("tomorrow at 9", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 14, 9, 0));
    CHECK(local(tz, 2027, 3, 14, 9, 0) - now == 22 * 3600); /* 23 h of wall clock, 22 of time */
    CHECK_AT("tomorrow at 9am", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 14, 9, 0));
    CHECK_AT("tomorrow", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 14, 10, 0));
    CHECK(local(tz, 2027, 3, 14, 10, 0) - now == 23 * 3600);
    CHECK_AT("in 3 days", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 16, 10, 0));
    CHECK_AT("in 24 hours", now, tz, SYM_WHEN_OK, now + 86400);
    CHECK_AT("at 9", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 3, 13, 21, 0));
    CHECK_AT("at 6", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 3, 13, 18, 0));
    CHECK_AT("at 6pm", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 13, 18, 0));
    CHECK_AT("at 9:30", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 14, 9, 30));
    CHECK_AT("on monday at noon", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 15, 12, 0));
    CHECK_AT("12 june 2027 at 10", now, tz, SYM_WHEN_OK, local(tz, 2027, 6, 12, 10, 0));
    CHECK_AT("tonight", now, tz, SYM_WHEN_OK, local(tz, 2027, 3, 13, 20, 0));
    CHECK_AT("yesterday at 9", now, tz, SYM_WHEN_PAST, local(tz, 2027, 3, 12, 9, 0));
    CHECK_AT("12 june 2020", now, tz, SYM_WHEN_PAST, local(tz, 2020, 6, 12, 10, 0));
}

static void test_resolve_tokyo(void)
{
    const char *tz = "Asia/Tokyo";
    time_t now = local(tz, 2027, 1, 15, 8, 0); /* Friday */

    CHECK(now == 1799967600); /* 23:00 UTC the day before */
    CHECK_AT("at 9", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 1, 15, 9, 0));
    CHECK_AT("at 9 in the morning", now, tz, SYM_WHEN_OK, local(tz, 2027, 1, 15, 9, 0));
    CHECK_AT("at 7", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2027, 1, 15, 19, 0));
    CHECK_AT("tomorrow at 7", now, tz, SYM_WHEN_OK, local(tz, 2027, 1, 16, 7, 0));
    CHECK_AT("at 21:00", now, tz, SYM_WHEN_OK, local(tz, 2027, 1, 15, 21, 0));
    CHECK_AT("next friday", now, tz, SYM_WHEN_OK, local(tz, 2027, 1, 22, 8, 0));
    CHECK_AT("in a month", now, tz, SYM_WHEN_OK, local(tz, 2027, 2, 15, 8, 0));
    CHECK_AT("in 2 weeks", now, tz, SYM_WHEN_OK, local(tz, 2027, 1, 29, 8, 0));
    CHECK_AT("31 february", now, tz, SYM_WHEN_INVALID, now);
}

static void test_resolve_new_year(void)
{
    const char *tz = "Europe/Moscow";
    time_t now = local(tz, 2027, 12, 31, 22, 0), at = 0;
    struct sym_when w;

    CHECK_AT("через 3 дня", now, tz, SYM_WHEN_OK, local(tz, 2028, 1, 3, 22, 0));
    CHECK_AT("1 января", now, tz, SYM_WHEN_OK, local(tz, 2028, 1, 1, 22, 0));
    CHECK_AT("1 января в 10 утра", now, tz, SYM_WHEN_OK, local(tz, 2028, 1, 1, 10, 0));
    CHECK_AT("31 декабря", now, tz, SYM_WHEN_OK, now);
    /* both 09:00 and 21:00 tomorrow lie within 24 hours */
    CHECK_AT("завтра в 9", now, tz, SYM_WHEN_AMBIGUOUS, local(tz, 2028, 1, 1, 9, 0));
    CHECK_AT("в 23:30", now, tz, SYM_WHEN_OK, local(tz, 2027, 12, 31, 23, 30));
    CHECK_AT("в 8 утра", now, tz, SYM_WHEN_OK, local(tz, 2028, 1, 1, 8, 0));
    CHECK_AT("через месяц", now, tz, SYM_WHEN_OK, local(tz, 2028, 1, 31, 22, 0));

    /* 31 January + 1 month: the end of February */
    now = local(tz, 2027, 1, 31, 12, 0);
    CHECK_AT("in a month", now, tz, SYM_WHEN_OK, local(tz, 2027, 2, 28, 12, 0));

    /* nothing to resolve, an unknown zone, a hand-made struct out of range */
    memset(&w, 0, sizeof w);
    w.weekday = -1;
    w.hour = w.minute = -1;
    CHECK(sym_when_resolve(&w, now, tz, &at) == SYM_WHEN_INVALID);
    w.found = true;
    w.seconds = 60;
    CHECK(sym_when_resolve(&w, now, tz, &at) == SYM_WHEN_OK && at == now + 60);
    CHECK(sym_when_resolve(&w, now, "Nowhere/Atlantis", &at) == SYM_WHEN_INVALID);
    CHECK(sym_when_resolve(&w, now, "../../etc/passwd", &at) == SYM_WHEN_INVALID);
    w.month = 13;
    w.day = 1;
    CHECK(sym_when_resolve(&w, now, tz, &at) == SYM_WHEN_INVALID);
    CHECK(sym_when_resolve(NULL, now, tz, &at) == SYM_WHEN_INVALID);
}

/* The period in text, read on now in UTC, as "YYYY-MM-DD..YYYY-MM-DD" (to exclusive), or "". */
static const char *period(const char *text, time_t now)
{
    static char out[64];
    struct sym_words w = {0};
    struct tm a, b;
    time_t from, to;
    size_t first, count;
    char *norm = sym_normalize(text);

    out[0] = '\0';
    if (norm && !sym_words_split(norm, &w) &&
        sym_when_period(&w, now, "UTC", &from, &to, &first, &count) && gmtime_r(&from, &a) &&
        gmtime_r(&to, &b))
        snprintf(out, sizeof out, "%04d-%02d-%02d..%04d-%02d-%02d", a.tm_year + 1900, a.tm_mon + 1,
                 a.tm_mday, b.tm_year + 1900, b.tm_mon + 1, b.tm_mday);
    sym_words_free(&w);
    free(norm);
    return out;
}

static void test_periods(void)
{
    const time_t sep = 1757000000; /* 2025-09-04T15:33:20Z, a Thursday */
    const time_t feb = 1770000000; /* 2026-02-02, a Monday */

    CHECK_STR(period("What did Maya do in June 2025?", sep), "2025-06-01..2025-07-01");
    CHECK_STR(period("Что было в июле 2022 года", sep), "2022-07-01..2022-08-01");
    CHECK_STR(period("in July", sep), "2025-07-01..2025-08-01");
    CHECK_STR(period("in November", sep), "2024-11-01..2024-12-01"); /* the latest begun */
    CHECK_STR(period("what happened in 2022", sep), "2022-01-01..2023-01-01");
    CHECK_STR(period("Что я делал в 2024 году?", sep), "2024-01-01..2025-01-01");
    CHECK_STR(period("last year", sep), "2024-01-01..2025-01-01");
    CHECK_STR(period("в прошлом году", sep), "2024-01-01..2025-01-01");
    CHECK_STR(period("в прошлом месяце", sep), "2025-08-01..2025-09-01");
    CHECK_STR(period("на прошлой неделе", sep), "2025-08-25..2025-09-01");
    CHECK_STR(period("last summer", sep), "2025-06-01..2025-09-01");
    CHECK_STR(period("last summer", feb), "2025-06-01..2025-09-01");
    CHECK_STR(period("last winter", feb), "2024-12-01..2025-03-01");
    CHECK_STR(period("летом 2024", sep), "2024-06-01..2024-09-01");
    CHECK_STR(period("what did we do this summer", sep), "2025-06-01..2025-09-01");
    CHECK_STR(period("two weeks ago", sep), "2025-08-14..2025-08-28");
    CHECK_STR(period("2 недели назад", sep), "2025-08-14..2025-08-28");
    CHECK_STR(period("yesterday", sep), "2025-09-03..2025-09-04");
    CHECK_STR(period("вчера", sep), "2025-09-03..2025-09-04");
    /* Not periods: "may" the verb, "spring" the thing, a plain number, no time at all. */
    CHECK_STR(period("may I ask", sep), "");
    CHECK_STR(period("the spring broke", sep), "");
    CHECK_STR(period("I have 12 cats", sep), "");
    CHECK_STR(period("What breed is the dog?", sep), "");
    CHECK_STR(period("in May", sep), "2025-05-01..2025-06-01");
}

int main(void)
{
    const char *tz = getenv("TZ");

    test_table();
    test_refused();
    test_spans();
    test_garbage();
    test_resolve_moscow();
    test_resolve_new_york();
    test_resolve_tokyo();
    test_resolve_new_year();
    test_periods();
    CHECK(getenv("TZ") == tz || (tz && getenv("TZ") && !strcmp(tz, getenv("TZ"))));
    return test_report("test_when");
}
