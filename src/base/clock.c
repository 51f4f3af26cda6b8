/*
 * clock.c: the injectable clock and zone conversion.
 *
 * "Now" is, in order: a time fixed by sym_clock_fix() (tests), the SYMBIOT_NOW environment
 * variable (integration tests, reproducible demos), the system clock. SYMBIOT_NOW is read on
 * every call, so a test can change it between turns; a malformed value is ignored rather than
 * trusted.
 *
 * Zones go through the C library: set TZ, tzset(), localtime_r()/mktime(), then put TZ back
 * exactly as it was (including "unset", which is not the same as an empty TZ: empty means UTC).
 * That costs a tzdata read per call and is not thread-safe, which suits an assistant that answers
 * one turn at a time. glibc silently treats an unknown TZ as UTC, so names are checked against
 * the tzdata files first: a zone exists when its file under $TZDIR (default /usr/share/zoneinfo)
 * starts with the "TZif" magic. Names with ".." or a leading '/' are refused so that a zone name
 * from user input can never point outside the zone directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

static bool clock_fixed;
static time_t clock_fixed_at;

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Read exactly n decimal digits at *p into *v and advance; false when they are not there. */
static bool read_digits(const char **p, int n, int *v)
{
    *v = 0;
    while (n-- > 0) {
        if (**p < '0' || **p > '9')
            return false;
        *v = *v * 10 + (*(*p)++ - '0');
    }
    return true;
}

/* Parse SYMBIOT_NOW: an integer number of seconds since the epoch, or "YYYY-MM-DDTHH:MM:SSZ"
 * (UTC). False for anything else, including trailing junk and out-of-range fields. */
static bool parse_now(const char *s, time_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int y, mo, d, h, mi, sec;

    if (!s || !*s)
        return false;
    if (strlen(s) != 20 || s[4] != '-') {
        char *end;
        long long v = strtoll(s, &end, 10);

        if (*end || end == s || s[0] == ' ' || s[0] == '+')
            return false;
        *out = (time_t)v;
        return true;
    }
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d) || *p++ != 'T' || !read_digits(&p, 2, &h) || *p++ != ':' ||
        !read_digits(&p, 2, &mi) || *p++ != ':' || !read_digits(&p, 2, &sec) || *p++ != 'Z' || *p)
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    *out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
    return true;
}

double sym_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

time_t sym_clock_now(void)
{
    time_t t;

    if (clock_fixed)
        return clock_fixed_at;
    if (parse_now(getenv("SYMBIOT_NOW"), &t))
        return t;
    return time(NULL);
}

void sym_clock_fix(time_t t)
{
    clock_fixed = true;
    clock_fixed_at = t;
}

void sym_clock_unfix(void)
{
    clock_fixed = false;
}

bool sym_clock_zone_exists(const char *tz)
{
    const char *dir = getenv("TZDIR");
    char path[512], magic[4];
    size_t n;
    FILE *f;
    const char *c;

    if (!tz || !*tz || tz[0] == '/' || strstr(tz, ".."))
        return false;
    for (c = tz; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              strchr("/_+-", *c)))
            return false;
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, tz) >= sizeof path)
        return false;
    f = fopen(path, "rb");
    if (!f)
        return false;
    n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && !memcmp(magic, "TZif", 4);
}

bool sym_clock_zone_enter(struct sym_zone_scope *scope, const char *tz)
{
    const char *old;

    memset(scope, 0, sizeof *scope);
    if (!tz)
        return true;
    if (!sym_clock_zone_exists(tz))
        return false;
    old = getenv("TZ");
    scope->had = old != NULL;
    if (old && !(scope->saved = strdup(old)))
        return false;
    if (setenv("TZ", tz, 1)) {
        free(scope->saved);
        scope->saved = NULL;
        return false;
    }
    scope->switched = true;
    tzset();
    return true;
}

void sym_clock_zone_leave(struct sym_zone_scope *scope)
{
    if (!scope->switched)
        return;
    if (scope->had)
        setenv("TZ", scope->saved, 1);
    else
        unsetenv("TZ");
    free(scope->saved);
    scope->saved = NULL;
    scope->switched = false;
    tzset();
}

bool sym_clock_local(time_t t, const char *tz, struct tm *out)
{
    struct sym_zone_scope scope;
    bool ok;

    if (!tz) {
        tzset(); /* localtime_r need not notice a changed TZ by itself */
        return localtime_r(&t, out) != NULL;
    }
    if (!sym_clock_zone_enter(&scope, tz))
        return false;
    ok = localtime_r(&t, out) != NULL;
    sym_clock_zone_leave(&scope);
    return ok;
}

bool sym_clock_make(struct tm *tm, const char *tz, time_t *out)
{
    struct sym_zone_scope scope;
    struct tm copy = *tm, check;
    time_t t;
    bool ok;

    if (!sym_clock_zone_enter(&scope, tz))
        return false;
    if (!tz)
        tzset();
    t = mktime(&copy);
    /* -1 is also one second before the epoch: a failure only when that is not what was asked. */
    ok = t != (time_t)-1 ||
         (localtime_r(&t, &check) && check.tm_year == copy.tm_year && check.tm_mon == copy.tm_mon &&
          check.tm_mday == copy.tm_mday && check.tm_hour == copy.tm_hour &&
          check.tm_min == copy.tm_min && check.tm_sec == copy.tm_sec);
    sym_clock_zone_leave(&scope);
    if (!ok)
        return false;
    *tm = copy;
    *out = t;
    return true;
}
