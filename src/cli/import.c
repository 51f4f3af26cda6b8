/*
 * import.c: ISO 8601 times and one JSON Lines fact record, for `symbiot memory import` and
 * `memory add --time`; see import.h.
 *
 * Everything here reads text a user (or another program) wrote, so it is strict and bounded: a
 * time either matches one of the few accepted shapes exactly or is refused, and a line must be
 * exactly one JSON object, nothing after it but spaces. cJSON limits nesting (1000 levels), so a
 * hostile line cannot exhaust the stack. A NUL, raw or as "\\u0000", is refused before parsing
 * (base/jsontext.h): cJSON would silently cut the string there.
 */
#include "cli/import.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "base/jsontext.h"

long long cli_civil_days(const struct tm *tm)
{
    long long y = tm->tm_year + 1900L - (tm->tm_mon < 2);
    long long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int m = tm->tm_mon + 1;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + tm->tm_mday - 1;

    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool cli_parse_time(const char *s, time_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, oh, om, sign;
    const char *p;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    p = s + n;
    if (*p == 'T' || *p == ' ') {
        n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
            return false;
        p += 1 + n;
        if (*p == ':') {
            n = 0;
            if (sscanf(p + 1, "%2d%n", &sec, &n) != 1 || n != 2)
                return false;
            p += 1 + n;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 ||
        sec < 0)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    if (!*p) {
        tm.tm_isdst = -1;
        return sym_clock_make(&tm, NULL, out);
    }
    if (*p == 'Z' && !p[1]) {
        oh = om = 0;
        sign = 1;
    } else if ((*p == '+' || *p == '-') &&
               (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2  ? n == 5 && !p[6]
                : sscanf(p + 1, "%2d%2d%n", &oh, &om, &n) == 2 ? n == 4 && !p[5]
                                                               : false)) {
        sign = *p == '-' ? -1 : 1;
    } else {
        return false;
    }
    *out = (time_t)(cli_civil_days(&tm) * 86400 + h * 3600 + mi * 60 + sec -
                    sign * (oh * 3600 + om * 60));
    return true;
}

bool cli_import_check(const cJSON *o, struct sym_fact_input *in, struct sym_buf *tags,
                      const char **why)
{
    cJSON *text, *source, *t, *ev, *tg, *pin, *it;

    memset(in, 0, sizeof *in);
    if (!cJSON_IsObject(o))
        return *why = "not a JSON object", false;
    text = cJSON_GetObjectItemCaseSensitive(o, "text");
    source = cJSON_GetObjectItemCaseSensitive(o, "source");
    t = cJSON_GetObjectItemCaseSensitive(o, "time");
    ev = cJSON_GetObjectItemCaseSensitive(o, "event_time");
    tg = cJSON_GetObjectItemCaseSensitive(o, "tags");
    pin = cJSON_GetObjectItemCaseSensitive(o, "pinned");
    if (!text)
        return *why = "missing \"text\"", false;
    if (!cJSON_IsString(text) || !text->valuestring[strspn(text->valuestring, " \t\r\n")])
        return *why = "\"text\" must be a non-empty string", false;
    in->text = text->valuestring;
    if (source && !cJSON_IsNull(source)) {
        if (!cJSON_IsString(source))
            return *why = "\"source\" must be a string", false;
        in->source = source->valuestring;
    }
    if (t && !cJSON_IsNull(t) && (!cJSON_IsString(t) || !cli_parse_time(t->valuestring, &in->now)))
        return *why = "\"time\" must be an ISO 8601 time", false;
    if (ev && !cJSON_IsNull(ev) &&
        (!cJSON_IsString(ev) || !cli_parse_time(ev->valuestring, &in->event_time)))
        return *why = "\"event_time\" must be an ISO 8601 time", false;
    if (pin && !cJSON_IsNull(pin)) {
        if (!cJSON_IsBool(pin))
            return *why = "\"pinned\" must be true or false", false;
        in->pinned = cJSON_IsTrue(pin);
    }
    sym_buf_reset(tags);
    if (tg && !cJSON_IsNull(tg)) {
        if (!cJSON_IsArray(tg))
            return *why = "\"tags\" must be an array of strings", false;
        cJSON_ArrayForEach(it, tg)
        {
            if (!cJSON_IsString(it) || !it->valuestring[0] || strchr(it->valuestring, ','))
                return *why = "\"tags\" must hold non-empty strings without commas", false;
            if ((sym_buf_str(tags)[0] && sym_buf_puts(tags, ",")) ||
                sym_buf_puts(tags, it->valuestring))
                return *why = "out of memory", false;
        }
    }
    in->tags = sym_buf_str(tags);
    return true;
}

bool cli_import_line(const char *line, size_t len, cJSON **json, struct sym_fact_input *in,
                     struct sym_buf *tags, const char **why)
{
    const char *end = NULL;
    size_t i;

    *json = NULL;
    memset(in, 0, sizeof *in);
    static char msg[160];
    char key[64];

    if (len > CLI_IMPORT_MAX_LINE)
        return *why = "line longer than 2 MiB", false;
    switch (sym_jsontext_find_nul(line, len, &i, key, sizeof key)) {
    case SYM_JSONTEXT_RAW_NUL:
        snprintf(msg, sizeof msg, "a NUL byte at byte %zu (not valid JSON)", i + 1);
        return *why = msg, false;
    case SYM_JSONTEXT_ESCAPE_NUL:
        snprintf(msg, sizeof msg,
                 "\"%s\" holds a NUL character (\\u0000), which would cut the text short",
                 key[0] ? key : "?");
        return *why = msg, false;
    case SYM_JSONTEXT_NO_NUL:
        break;
    }
    for (i = 0; i < len && strchr(" \t\r\n", line[i]) && line[i]; i++)
        ;
    if (i == len)
        return true;
    *json = cJSON_ParseWithLengthOpts(line, len, &end, false);
    if (!*json)
        return *why = "not valid JSON", false;
    for (i = (size_t)(end - line); i < len; i++)
        if (!line[i] || !strchr(" \t\r\n", line[i]))
            return *why = "more than one JSON value on the line", false;
    return cli_import_check(*json, in, tags, why);
}
