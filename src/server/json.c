/*
 * json.c: error objects, typed request fields and UTC times for the server; see json.h.
 *
 * The typed readers are strict on purpose: a string where a number belongs is a 400 naming the
 * field, never a silent default, so a client's mistake shows up at its first request.
 */
#include "server/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsontext.h"

bool sym_http_error_set(struct sym_http_error *e, int status, const char *code, const char *param,
                        const char *fmt, ...)
{
    va_list ap;

    e->status = status;
    e->type = status >= 500 ? "server_error" : "invalid_request_error";
    e->code = code;
    e->param = param;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}

char *sym_http_error_json(const struct sym_http_error *e)
{
    cJSON *obj = cJSON_CreateObject(), *err = cJSON_AddObjectToObject(obj, "error");

    if (!err) {
        cJSON_Delete(obj);
        return NULL;
    }
    cJSON_AddStringToObject(err, "message", e->message);
    cJSON_AddStringToObject(err, "type", e->type ? e->type : "server_error");
    if (e->param)
        cJSON_AddStringToObject(err, "param", e->param);
    else
        cJSON_AddNullToObject(err, "param");
    if (e->code)
        cJSON_AddStringToObject(err, "code", e->code);
    else
        cJSON_AddNullToObject(err, "code");
    return sym_json_finish(obj);
}

cJSON *sym_json_parse_object(const char *body, size_t len, struct sym_http_error *e)
{
    const char *end = NULL;
    cJSON *obj;
    size_t i;

    if (!len) {
        sym_http_error_set(e, 400, "invalid_json", NULL, "the request needs a JSON object body");
        return NULL;
    }
    switch (sym_jsontext_find_nul(body, len, &i, e->param_buf, sizeof e->param_buf)) {
    case SYM_JSONTEXT_RAW_NUL:
        sym_http_error_set(e, 400, "invalid_json", NULL,
                           "the body is not valid JSON: a NUL byte at byte %zu", i);
        return NULL;
    case SYM_JSONTEXT_ESCAPE_NUL:
        if (!e->param_buf[0])
            snprintf(e->param_buf, sizeof e->param_buf, "(a string)");
        sym_http_error_set(e, 400, "invalid_value", e->param_buf,
                           "\"%s\" holds a NUL character (\\u0000), which would cut the text short",
                           e->param_buf);
        return NULL;
    case SYM_JSONTEXT_NO_NUL:
        break;
    }
    /* The error position comes back through `end`: cJSON_GetErrorPtr() is one global, shared by
     * every connection thread. */
    obj = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!obj) {
        sym_http_error_set(e, 400, "invalid_json", NULL,
                           "the body is not valid JSON (near byte %td)", end ? end - body : 0);
        return NULL;
    }
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        sym_http_error_set(e, 400, "invalid_json", NULL, "the body must be a JSON object");
        return NULL;
    }
    for (i = (size_t)(end - body); i < len; i++) {
        if (!body[i] || !strchr(" \t\r\n", body[i])) {
            cJSON_Delete(obj);
            sym_http_error_set(e, 400, "invalid_json", NULL,
                               "the body has more after its JSON object (at byte %zu)", i);
            return NULL;
        }
    }
    return obj;
}

/* The field, or NULL when absent or null. */
static const cJSON *field(const cJSON *obj, const char *name, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

    if (v && cJSON_IsNull(v))
        v = NULL;
    if (present)
        *present = v != NULL;
    return v;
}

bool sym_json_string(const cJSON *obj, const char *name, bool required, const char **out,
                     bool *present, struct sym_http_error *e)
{
    const cJSON *v = field(obj, name, present);

    if (!v)
        return required
                   ? sym_http_error_set(e, 400, "missing_field", name, "\"%s\" is required", name)
                   : true;
    if (!cJSON_IsString(v))
        return sym_http_error_set(e, 400, "invalid_type", name, "\"%s\" must be a string", name);
    *out = v->valuestring;
    return true;
}

bool sym_json_bool(const cJSON *obj, const char *name, bool *out, bool *present,
                   struct sym_http_error *e)
{
    const cJSON *v = field(obj, name, present);

    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return sym_http_error_set(e, 400, "invalid_type", name, "\"%s\" must be true or false",
                                  name);
    *out = cJSON_IsTrue(v);
    return true;
}

bool sym_json_int(const cJSON *obj, const char *name, long long min, long long max, long long *out,
                  bool *present, struct sym_http_error *e)
{
    const cJSON *v = field(obj, name, present);
    double d;

    if (!v)
        return true;
    d = cJSON_IsNumber(v) ? v->valuedouble : 0.5;
    if (!isfinite(d) || d != floor(d))
        return sym_http_error_set(e, 400, "invalid_type", name, "\"%s\" must be an integer", name);
    if (d < (double)min || d > (double)max)
        return sym_http_error_set(e, 400, "invalid_value", name,
                                  "\"%s\" must be between %lld and %lld", name, min, max);
    *out = (long long)d;
    return true;
}

bool sym_json_number(const cJSON *obj, const char *name, double min, double max, double *out,
                     bool *present, struct sym_http_error *e)
{
    const cJSON *v = field(obj, name, present);

    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return sym_http_error_set(e, 400, "invalid_type", name, "\"%s\" must be a number", name);
    if (v->valuedouble < min || v->valuedouble > max)
        return sym_http_error_set(e, 400, "invalid_value", name, "\"%s\" must be between %g and %g",
                                  name, min, max);
    *out = v->valuedouble;
    return true;
}

void sym_json_iso_utc(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%lld", (long long)t);
}

void sym_json_add_time(cJSON *obj, const char *name, time_t t, bool zero_is_null)
{
    char when[40];

    if (!t && zero_is_null) {
        cJSON_AddNullToObject(obj, name);
        return;
    }
    sym_json_iso_utc(t, when, sizeof when);
    cJSON_AddStringToObject(obj, name, when);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The offset part: "Z", "+HH:MM", "+HHMM"; seconds east of UTC. */
static bool parse_offset(const char *p, long *off)
{
    int oh, om, n = 0;

    if (p[0] == 'Z' && !p[1]) {
        *off = 0;
        return true;
    }
    if (*p != '+' && *p != '-')
        return false;
    if (!(sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 && !p[6]) &&
        !(sscanf(p + 1, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4 && !p[5]))
        return false;
    if (oh > 23 || om > 59)
        return false;
    *off = (*p == '-' ? -1L : 1L) * (oh * 3600L + om * 60L);
    return true;
}

bool sym_json_parse_time(const cJSON *v, time_t *out)
{
    int y, mo, d, h, mi, sec = 0, n = 0;
    const char *s, *p;
    long off;

    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble) || v->valuedouble < 0 || v->valuedouble > 253402300799.0)
            return false;
        *out = (time_t)v->valuedouble;
        return true;
    }
    if (!cJSON_IsString(v))
        return false;
    s = v->valuestring;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
        return false;
    p = s + n;
    if (*p == ':') {
        n = 0;
        if (sscanf(p + 1, "%2d%n", &sec, &n) != 1 || n != 2)
            return false;
        p += 3;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 60 || !parse_offset(p, &off))
        return false;
    *out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off);
    return true;
}

char *sym_json_finish(cJSON *obj)
{
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;

    cJSON_Delete(obj);
    return text;
}
