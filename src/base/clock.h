/*
 * clock.h: the time, made injectable for tests, and broken-down time in any IANA zone.
 *
 * sym_clock_now() is time(NULL) unless a test (or the SYMBIOT_NOW environment variable, in
 * seconds since the epoch or as "YYYY-MM-DDTHH:MM:SSZ") fixes it. Zone conversion uses the
 * system's tzdata through TZ and tzset(), restored after each call: not thread-safe, like the
 * rest of the assistant core (one turn at a time).
 */
#ifndef SYM_CLOCK_H
#define SYM_CLOCK_H

#include <stdbool.h>
#include <time.h>

/* Now: the fixed time when one is set, else the system clock. */
time_t sym_clock_now(void);
/* A monotonic clock in milliseconds, for measuring how long something took. */
double sym_clock_ms(void);
/* Fix the clock at t (tests); sym_clock_unfix() returns to the system clock. */
void sym_clock_fix(time_t t);
void sym_clock_unfix(void);

/* Broken-down local time of t in zone tz (IANA name; NULL = the process's local zone). False
 * when tz is unknown to the system's tzdata. tm_gmtoff and tm_zone are filled. */
bool sym_clock_local(time_t t, const char *tz, struct tm *out);
/* The inverse: the moment of local time *tm in zone tz (tm_isdst -1: let the zone decide). */
bool sym_clock_make(struct tm *tm, const char *tz, time_t *out);
/* A zone put in force for a stretch of code (several mktime/localtime calls): enter, work, leave.
 * tz NULL leaves the local zone in force. Enter returns false (and changes nothing) for an
 * unknown zone; leave puts TZ back exactly as it was, unset included. */
struct sym_zone_scope {
    bool switched, had;
    char *saved;
};
bool sym_clock_zone_enter(struct sym_zone_scope *scope, const char *tz);
void sym_clock_zone_leave(struct sym_zone_scope *scope);

/* True when tz names a zone in the system's tzdata. */
bool sym_clock_zone_exists(const char *tz);

#endif
