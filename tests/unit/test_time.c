/*
 * test_time.c: the time module through the real assistant (commands need no model), on a fixed
 * clock and fixed zones: the time here and in places in both languages, an unknown place, the
 * date, weekdays of dates and of relative days across a new year, days until holidays, Russian
 * plurals, a DST change in Berlin and Moscow's lack of one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assistant.h"
#include "base/clock.h"
#include "core/module.h"
#include "nlp/ru.h"
#include "test.h"
#include "modules/registry.h"

#define JUNE_10_2027 1812618000 /* 2027-06-10T09:00:00Z, a Thursday */
#define JUNE_12_2027 1812776700 /* 2027-06-12T05:05:00Z, a Saturday */
#define DEC_30_2027 1830157200  /* 2027-12-30T09:00:00Z, a Thursday */
#define DAY 86400
#define BERLIN_DST 1806195600 /* 2027-03-28T01:00:00Z: CET -> CEST */

static struct sym_assistant *a;
static char answer[1024];

/* Run one input and return the answer (a copy valid until the next call). */
static const char *ask(const char *input)
{
    struct sym_turn t;

    answer[0] = '\0';
    if (sym_assistant_turn(a, input, NULL, &t) == SYM_OK && t.answer)
        snprintf(answer, sizeof answer, "%s", t.answer);
    else
        snprintf(answer, sizeof answer, "(failed: %s)", sym_assistant_errmsg(a));
    CHECK(t.kind == SYM_TURN_COMMAND);
    sym_turn_clear(&t);
    return answer;
}

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void test_time_and_date(void)
{
    set_tz("Europe/Moscow");
    sym_clock_fix(JUNE_12_2027);
    CHECK_STR(ask("/time"), "It is 08:05 (Saturday, 12 June).");
    CHECK_STR(ask("/время"), "Сейчас 08:05 (суббота, 12 июня)."); /* the command's language */
    CHECK_STR(ask("/time Tokyo"), "It is 14:05 in Tokyo (Saturday, 12 June).");
    CHECK_STR(ask("/time in new york"), "It is 01:05 in New York (Saturday, 12 June).");
    CHECK_STR(ask("/время в Токио"), "В Токио сейчас 14:05 (суббота, 12 июня).");
    CHECK_STR(ask("/время в Нью-Йорке"), "В Нью-Йорке сейчас 01:05 (суббота, 12 июня).");
    CHECK_STR(ask("/время Питер"), "В Санкт-Петербурге сейчас 08:05 (суббота, 12 июня).");
    CHECK_STR(ask("/время во Владивостоке"), "Во Владивостоке сейчас 15:05 (суббота, 12 июня).");
    CHECK_STR(ask("/time UTC"), "It is 05:05 UTC (Saturday, 12 June).");
    CHECK_STR(ask("/время UTC"), "По UTC сейчас 05:05 (суббота, 12 июня).");
    CHECK_STR(ask("/время по мск"), "В Москве сейчас 08:05 (суббота, 12 июня).");
    CHECK_CONTAINS(ask("/time Atlantis"), "I don't know a place called \"Atlantis\"");
    CHECK_CONTAINS(ask("/время в Атлантиде"), "Я не знаю места «в Атлантиде»");
    CHECK_STR(ask("/date"), "Today is Saturday, 12 June 2027.");
    CHECK_STR(ask("/дата сегодня"), "Сегодня суббота, 12 июня 2027 года.");
    CHECK_STR(ask("/date Honolulu"), "In Honolulu it is Friday, 11 June 2027.");
    CHECK_STR(ask("/дата в Токио"), "В Токио сейчас суббота, 12 июня 2027 года.");
    /* Local time follows TZ. */
    set_tz("Asia/Tokyo");
    CHECK_STR(ask("/time"), "It is 14:05 (Saturday, 12 June).");
    set_tz("Europe/Moscow");
}

/* Berlin springs forward at 01:00 UTC on the last Sunday of March; Moscow stays at UTC+3. */
static void test_dst(void)
{
    set_tz("Europe/Moscow");
    sym_clock_fix(BERLIN_DST - 1800);
    CHECK_STR(ask("/time Berlin"), "It is 01:30 in Berlin (Sunday, 28 March).");
    CHECK_STR(ask("/time Moscow"), "It is 03:30 in Moscow (Sunday, 28 March).");
    sym_clock_fix(BERLIN_DST + 1800);
    CHECK_STR(ask("/time Berlin"), "It is 03:30 in Berlin (Sunday, 28 March).");
    CHECK_STR(ask("/время в Берлине"), "В Берлине сейчас 03:30 (воскресенье, 28 марта).");
    CHECK_STR(ask("/time Moscow"), "It is 04:30 in Moscow (Sunday, 28 March).");
    /* The same with Berlin as the local zone. */
    set_tz("Europe/Berlin");
    CHECK_STR(ask("/time"), "It is 03:30 (Sunday, 28 March).");
    sym_clock_fix(BERLIN_DST - 1800);
    CHECK_STR(ask("/time"), "It is 01:30 (Sunday, 28 March).");
    /* Moscow in summer is still UTC+3. */
    sym_clock_fix(JUNE_12_2027);
    CHECK_STR(ask("/time Moscow"), "It is 08:05 in Moscow (Saturday, 12 June).");
    set_tz("Europe/Moscow");
}

static void test_weekday(void)
{
    set_tz("Europe/Moscow");
    sym_clock_fix(JUNE_10_2027);
    CHECK_STR(ask("/weekday 12 June 2027"), "12 June 2027 is a Saturday.");
    CHECK_STR(ask("/weekday 12 июня 2027"), "12 июня 2027 года — суббота.");
    CHECK_STR(ask("/weekday 12 June 2020"), "12 June 2020 was a Friday.");
    CHECK_STR(ask("/деньнедели 12 июня 2020"), "12 июня 2020 года была пятница.");
    CHECK_STR(ask("/weekday tomorrow"), "Tomorrow is Friday, 11 June 2027.");
    CHECK_STR(ask("/деньнедели вчера"), "Вчера была среда, 9 июня 2027 года.");
    CHECK_STR(ask("/weekday"), "Today is Thursday, 10 June 2027.");
    CHECK_CONTAINS(ask("/weekday blah"), "I don't understand the date \"blah\"");
    CHECK_CONTAINS(ask("/weekday 31 February 2027"), "There is no such date");
    CHECK_CONTAINS(ask("/деньнедели 31 февраля 2027"), "Такой даты нет");
    /* Relative days across the turn of the year. */
    sym_clock_fix(DEC_30_2027);
    CHECK_STR(ask("/weekday через 3 дня"), "Через 3 дня будет воскресенье, 2 января 2028 года.");
    CHECK_STR(ask("/weekday in 3 days"), "In 3 days it will be Sunday, 2 January 2028.");
}

static void test_until(void)
{
    set_tz("Europe/Moscow");
    sym_clock_fix(DEC_30_2027);
    CHECK_STR(ask("/until New Year"), "New Year is in 2 days: Saturday, 1 January 2028.");
    CHECK_STR(ask("/до Нового года"), "До Нового года 2 дня: суббота, 1 января 2028 года.");
    CHECK_STR(ask("/until the new year"), "New Year is in 2 days: Saturday, 1 January 2028.");
    sym_clock_fix(DEC_30_2027 + DAY);
    CHECK_STR(ask("/until New Year"), "New Year is in 1 day: Saturday, 1 January 2028.");
    CHECK_STR(ask("/до нового года"), "До Нового года 1 день: суббота, 1 января 2028 года.");
    CHECK_STR(ask("/until New Years Eve"), "New Year's Eve is today!");
    sym_clock_fix(DEC_30_2027 + 2 * DAY);
    CHECK_STR(ask("/until New Year"), "New Year is today!");
    CHECK_STR(ask("/до Нового года"), "Новый год — сегодня!");
    sym_clock_fix(DEC_30_2027 + 3 * DAY); /* 2 January 2028: 2028 is a leap year */
    CHECK_CONTAINS(ask("/until New Year"), "New Year is in 365 days");
    sym_clock_fix(DEC_30_2027 + 3 * DAY - 365 * DAY); /* 2 January 2027 */
    CHECK_CONTAINS(ask("/до Нового года"), "До Нового года 364 дня");

    /* Christmas is the 25th of December; Рождество the 7th of January. */
    sym_clock_fix(JUNE_10_2027);
    CHECK_CONTAINS(ask("/until Christmas"), "Christmas is in 198 days: Saturday, 25 December 2027");
    CHECK_CONTAINS(ask("/до Рождества"), "До Рождества 211 дней: пятница, 7 января 2028 года");
    CHECK_CONTAINS(ask("/до 8 марта"), "До 8 Марта 272 дня");
    CHECK_CONTAINS(ask("/until Halloween"), "Halloween is in 143 days");
    CHECK_CONTAINS(ask("/until Valentines Day"), "Valentine's Day is in 249 days");
    CHECK_CONTAINS(ask("/до дня победы"), "До Дня Победы 334 дня");
    /* Easter moves: 28 March 2027 (Western, passed), 2 May 2027 (Orthodox, passed), 2028: both
     * on 16 April. */
    CHECK_CONTAINS(ask("/until Easter"), "Easter is in 311 days: Sunday, 16 April 2028");
    CHECK_CONTAINS(ask("/до Пасхи"), "До Пасхи 311 дней");
    sym_clock_fix(JUNE_10_2027 - 60 * DAY); /* 11 April 2027 */
    CHECK_CONTAINS(ask("/до Пасхи"), "До Пасхи 21 день: воскресенье, 2 мая 2027 года");
    CHECK_CONTAINS(ask("/until Easter"), "Easter is in 371 days");

    /* Dates. */
    sym_clock_fix(JUNE_10_2027);
    CHECK_STR(ask("/until 12 June 2027"), "12 June 2027 is in 2 days (a Saturday).");
    CHECK_STR(ask("/до 12 июня 2027"), "До 12 июня 2027 года 2 дня (суббота).");
    CHECK_STR(ask("/until 10 June 2027"), "10 June 2027 is today!");
    CHECK_STR(ask("/until 9 June 2027"), "9 June 2027 was 1 day ago.");
    CHECK_STR(ask("/до 9 июня 2027"), "С 9 июня 2027 года прошёл 1 день.");
    CHECK_STR(ask("/до 5 июня 2027"), "С 5 июня 2027 года прошло 5 дней.");
    CHECK_CONTAINS(ask("/until Groundhog Day"), "I don't understand the date \"Groundhog Day\"");
}

static void test_plural(void)
{
    static const struct {
        long long n;
        const char *want;
    } cases[] = {{0, "дней"},    {1, "день"},   {2, "дня"},    {4, "дня"},    {5, "дней"},
                 {11, "дней"},   {12, "дней"},  {14, "дней"},  {21, "день"},  {22, "дня"},
                 {25, "дней"},   {101, "день"}, {111, "дней"}, {112, "дней"}, {121, "день"},
                 {1000, "дней"}, {-1, "день"},  {-22, "дня"}};
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(sym_ru_plural(cases[i].n, "день", "дня", "дней"), cases[i].want);
    CHECK_STR(sym_ru_in("Москве"), "в");
    CHECK_STR(sym_ru_in("Владивостоке"), "во");
    CHECK_STR(sym_ru_in("Франции"), "во");
    CHECK_STR(sym_ru_in("Вьетнаме"), "во");
    CHECK_STR(sym_ru_in("Вашингтоне"), "в");
    CHECK_STR(sym_ru_in("Вене"), "в");
    CHECK_STR(sym_ru_in("В"), "в");
}

/* A natural-language line as the intent matcher hands it over: the command and its slots. */
static const char *ask_natural(const char *command, enum sym_lang lang, const char *place,
                               const char *event, const struct sym_when *when)
{
    struct sym_parse p;
    struct sym_call call;
    struct sym_buf out = {0};
    struct sym_turn turn;
    const struct sym_module *m = NULL;
    struct sym_when none = {0};

    memset(&p, 0, sizeof p);
    memset(&call, 0, sizeof call);
    memset(&turn, 0, sizeof turn);
    none.weekday = none.hour = none.minute = -1;
    p.command = (char *)command;
    p.natural = true;
    p.args = (char *)"";
    p.lang = lang;
    p.slots.place = (char *)place;
    p.slots.event = (char *)event;
    p.slots.when = when ? *when : none;
    call.assistant = a;
    call.command = sym_module_find_command(sym_modules, command, &m);
    call.module = m;
    call.parse = &p;
    call.input = "(natural language)";
    call.lang = lang;
    call.turn = &turn;
    call.out = &out;
    answer[0] = '\0';
    CHECK(call.command && m->handle(&call) == SYM_OK);
    snprintf(answer, sizeof answer, "%s", sym_buf_str(&out));
    sym_buf_free(&out);
    return answer;
}

static void test_natural(void)
{
    struct sym_when w = {0};

    set_tz("Europe/Moscow");
    sym_clock_fix(JUNE_10_2027);
    CHECK_STR(ask_natural("time", SYM_LANG_RU, "Токио", NULL, NULL),
              "В Токио сейчас 18:00 (четверг, 10 июня).");
    CHECK_STR(ask_natural("time", SYM_LANG_EN, "new york", NULL, NULL),
              "It is 05:00 in New York (Thursday, 10 June).");
    CHECK_STR(ask_natural("time", SYM_LANG_EN, NULL, NULL, NULL),
              "It is 12:00 (Thursday, 10 June).");
    CHECK_CONTAINS(ask_natural("time", SYM_LANG_EN, "Narnia", NULL, NULL), "\"Narnia\"");
    CHECK_STR(ask_natural("date", SYM_LANG_RU, NULL, NULL, NULL),
              "Сегодня четверг, 10 июня 2027 года.");
    CHECK_STR(ask_natural("weekday", SYM_LANG_EN, NULL, NULL, NULL),
              "Today is Thursday, 10 June 2027.");
    w.found = true;
    w.weekday = w.hour = w.minute = -1;
    w.day = 12;
    w.month = 6;
    w.year = 2027;
    CHECK_STR(ask_natural("weekday", SYM_LANG_RU, NULL, NULL, &w), "12 июня 2027 года — суббота.");
    CHECK_STR(ask_natural("until", SYM_LANG_EN, NULL, NULL, &w),
              "12 June 2027 is in 2 days (a Saturday).");
    CHECK_STR(ask_natural("until", SYM_LANG_RU, NULL, "Нового года", NULL),
              "До Нового года 205 дней: суббота, 1 января 2028 года.");
    CHECK_STR(ask_natural("until", SYM_LANG_EN, NULL, "New Year's Eve", NULL),
              "New Year's Eve is in 204 days: Friday, 31 December 2027.");
    CHECK_CONTAINS(ask_natural("until", SYM_LANG_EN, NULL, "Groundhog Day", NULL),
                   "\"Groundhog Day\"");
    memset(&w, 0, sizeof w);
    w.found = true;
    w.weekday = w.hour = w.minute = -1;
    w.days = 3;
    CHECK_STR(ask_natural("weekday", SYM_LANG_RU, NULL, NULL, &w),
              "Через 3 дня будет воскресенье, 13 июня 2027 года.");
}

static void test_help_lists_commands(void)
{
    CHECK_CONTAINS(ask("/help"), "/time [PLACE]");
    CHECK_CONTAINS(answer, "/until DATE|HOLIDAY");
    CHECK_CONTAINS(ask("/help until"), "/until New Year");
}

int main(void)
{
    struct sym_config cfg;

    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) != SYM_OK) {
        fprintf(stderr, "cannot create the assistant\n");
        sym_config_free(&cfg);
        return 1;
    }
    test_time_and_date();
    test_dst();
    test_weekday();
    test_until();
    test_plural();
    test_natural();
    test_help_lists_commands();
    sym_assistant_free(a);
    sym_config_free(&cfg);
    sym_clock_unfix();
    return test_report("test_time");
}
