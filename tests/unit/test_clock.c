/*
 * test_clock.c: the injectable clock (fixed, SYMBIOT_NOW in both forms, junk ignored), local time
 * in named zones across a DST change, the inverse conversion, zone names that must be refused,
 * and TZ put back exactly as it was (set, empty or unset).
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "test.h"

/* 2027-06-12T05:05:00Z, a Saturday. */
#define JUNE_12_2027 1812776700

static void test_now(void)
{
    time_t before = time(NULL);

    unsetenv("SYMBIOT_NOW");
    CHECK(sym_clock_now() >= before);
    sym_clock_fix(12345);
    CHECK(sym_clock_now() == 12345);
    setenv("SYMBIOT_NOW", "777", 1);
    CHECK(sym_clock_now() == 12345); /* a fixed clock wins */
    sym_clock_unfix();
    CHECK(sym_clock_now() == 777);
    setenv("SYMBIOT_NOW", "2027-06-12T05:05:00Z", 1);
    CHECK(sym_clock_now() == JUNE_12_2027);
    setenv("SYMBIOT_NOW", "1970-01-01T00:00:00Z", 1);
    CHECK(sym_clock_now() == 0);
    setenv("SYMBIOT_NOW", "2024-02-29T12:00:00Z", 1);
    CHECK(sym_clock_now() == 1709208000);
    setenv("SYMBIOT_NOW", "-86400", 1);
    CHECK(sym_clock_now() == -86400);
    /* Malformed values fall back to the system clock. */
    setenv("SYMBIOT_NOW", "2023-02-29T12:00:00Z", 1);
    CHECK(sym_clock_now() >= before);
    setenv("SYMBIOT_NOW", "2027-06-12 05:05:00Z", 1);
    CHECK(sym_clock_now() >= before);
    setenv("SYMBIOT_NOW", "12abc", 1);
    CHECK(sym_clock_now() >= before);
    setenv("SYMBIOT_NOW", "", 1);
    CHECK(sym_clock_now() >= before);
    unsetenv("SYMBIOT_NOW");
}

static void test_zones(void)
{
    struct tm tm;

    CHECK(sym_clock_zone_exists("Europe/Moscow"));
    CHECK(sym_clock_zone_exists("Asia/Tokyo"));
    CHECK(sym_clock_zone_exists("America/Argentina/Buenos_Aires"));
    CHECK(sym_clock_zone_exists("Etc/UTC"));
    CHECK(!sym_clock_zone_exists("Mars/Olympus_Mons"));
    CHECK(!sym_clock_zone_exists("Europe")); /* a directory, not a zone */
    CHECK(!sym_clock_zone_exists(""));
    CHECK(!sym_clock_zone_exists(NULL));
    CHECK(!sym_clock_zone_exists("/usr/share/zoneinfo/Europe/Moscow"));
    CHECK(!sym_clock_zone_exists("../zoneinfo/Europe/Moscow"));
    CHECK(!sym_clock_zone_exists("Europe/../Europe/Moscow"));
    CHECK(!sym_clock_zone_exists("zone.tab")); /* a file, but not tzdata */
    CHECK(!sym_clock_local(0, "Mars/Olympus_Mons", &tm));

    CHECK(sym_clock_local(JUNE_12_2027, "Asia/Tokyo", &tm));
    CHECK(tm.tm_year == 127 && tm.tm_mon == 5 && tm.tm_mday == 12);
    CHECK(tm.tm_hour == 14 && tm.tm_min == 5 && tm.tm_wday == 6);
    CHECK(sym_clock_local(JUNE_12_2027, "America/New_York", &tm));
    CHECK(tm.tm_mday == 12 && tm.tm_hour == 1 && tm.tm_isdst > 0);
    CHECK(sym_clock_local(JUNE_12_2027, "Asia/Kathmandu", &tm)); /* +5:45 */
    CHECK(tm.tm_hour == 10 && tm.tm_min == 50);
}

/* Berlin moves from CET to CEST at 01:00 UTC on the last Sunday of March (28 March 2027). */
static void test_dst(void)
{
    time_t t = 1806195600; /* 2027-03-28T01:00:00Z */
    struct tm tm;

    CHECK(sym_clock_local(t - 1800, "Europe/Berlin", &tm));
    CHECK(tm.tm_hour == 1 && tm.tm_min == 30 && tm.tm_isdst == 0);
    CHECK(sym_clock_local(t + 1800, "Europe/Berlin", &tm));
    CHECK(tm.tm_hour == 3 && tm.tm_min == 30 && tm.tm_isdst > 0);
    /* Moscow has no DST: three hours ahead of UTC either side. */
    CHECK(sym_clock_local(t - 1800, "Europe/Moscow", &tm));
    CHECK(tm.tm_hour == 3 && tm.tm_min == 30);
    CHECK(sym_clock_local(t + 86400 * 120, "Europe/Moscow", &tm));
    CHECK(tm.tm_hour == 4 && tm.tm_min == 0);
}

static void test_make(void)
{
    struct tm tm;
    time_t t;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = 127;
    tm.tm_mon = 5;
    tm.tm_mday = 12;
    tm.tm_hour = 14;
    tm.tm_min = 5;
    tm.tm_isdst = -1;
    CHECK(sym_clock_make(&tm, "Asia/Tokyo", &t));
    CHECK(t == JUNE_12_2027);
    CHECK(tm.tm_wday == 6);
    tm.tm_hour = 8;
    tm.tm_min = 5;
    tm.tm_isdst = -1;
    CHECK(sym_clock_make(&tm, "Europe/Moscow", &t));
    CHECK(t == JUNE_12_2027);
    CHECK(!sym_clock_make(&tm, "No/Such_Zone", &t));
    /* One second before the epoch is a valid answer, not an error. */
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 69;
    tm.tm_mon = 11;
    tm.tm_mday = 31;
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 59;
    tm.tm_isdst = -1;
    CHECK(sym_clock_make(&tm, "Etc/UTC", &t));
    CHECK(t == -1);
}

/* TZ after a conversion is what it was before: a value, empty, or unset. */
static void test_tz_restored(void)
{
    struct tm tm;
    time_t t;

    setenv("TZ", "Asia/Tokyo", 1);
    CHECK(sym_clock_local(0, "Europe/Moscow", &tm));
    CHECK_STR(getenv("TZ"), "Asia/Tokyo");
    CHECK(sym_clock_local(JUNE_12_2027, NULL, &tm)); /* the local zone is Tokyo again */
    CHECK(tm.tm_hour == 14);

    setenv("TZ", "", 1);
    CHECK(sym_clock_local(0, "Europe/Moscow", &tm));
    CHECK_STR(getenv("TZ"), "");

    unsetenv("TZ");
    CHECK(sym_clock_local(0, "Europe/Moscow", &tm));
    CHECK(getenv("TZ") == NULL);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 100;
    tm.tm_mday = 1;
    tm.tm_isdst = -1;
    CHECK(sym_clock_make(&tm, "Europe/Moscow", &t));
    CHECK(getenv("TZ") == NULL);
    CHECK(!sym_clock_local(0, "No/Such_Zone", &tm));
    CHECK(getenv("TZ") == NULL);
}

int main(void)
{
    test_now();
    test_zones();
    test_dst();
    test_make();
    test_tz_restored();
    return test_report("test_clock");
}
