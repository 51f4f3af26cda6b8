/*
 * json.h: what every route of the server needs from JSON: OpenAI-style error objects, typed field
 * readers that say exactly what is wrong with a request, and times as ISO 8601 in UTC.
 *
 * Times are written in UTC ("2027-06-12T09:00:00Z") on purpose: local time would need the TZ
 * machinery of base/clock.c, which is not thread-safe, and these run on connection threads.
 */
#ifndef SYM_SERVER_JSON_H
#define SYM_SERVER_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* An error to answer with: HTTP status and the OpenAI error object's fields. */
struct sym_http_error {
    int status;
    const char *type;  /* "invalid_request_error" or "server_error" */
    const char *code;  /* "invalid_json", "missing_field", ... (docs/API.md) */
    const char *param; /* the request field at fault, or NULL */
    char message[512];
    char param_buf[64]; /* where param points when the field's name came from the request */
};

/* Fill e; type follows from status (>= 500: server_error). Returns false, for `return set(...)`. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
bool sym_http_error_set(struct sym_http_error *e, int status, const char *code, const char *param,
                        const char *fmt, ...);
/* The error as JSON text {"error": {...}}; caller frees. NULL when out of memory. */
char *sym_http_error_json(const struct sym_http_error *e);

/* Parse body as a JSON object. NULL with e set when it is not one (400 invalid_json), or when it
 * holds a NUL, which cJSON would silently cut a string at: a raw NUL byte (invalid JSON, 400
 * invalid_json) or a "\u0000" escape (400 invalid_value, param the key it is under). */
cJSON *sym_json_parse_object(const char *body, size_t len, struct sym_http_error *e);

/* Typed fields of obj. Each returns false with e set (400 missing_field / invalid_type /
 * invalid_value, param = name) when the field is wrong; *present (may be NULL) says whether it
 * was there. A JSON null counts as absent. */
bool sym_json_string(const cJSON *obj, const char *name, bool required, const char **out,
                     bool *present, struct sym_http_error *e);
bool sym_json_bool(const cJSON *obj, const char *name, bool *out, bool *present,
                   struct sym_http_error *e);
bool sym_json_int(const cJSON *obj, const char *name, long long min, long long max, long long *out,
                  bool *present, struct sym_http_error *e);
bool sym_json_number(const cJSON *obj, const char *name, double min, double max, double *out,
                     bool *present, struct sym_http_error *e);

/* t as "YYYY-MM-DDTHH:MM:SSZ". */
void sym_json_iso_utc(time_t t, char *out, size_t size);
/* Add t under name as an ISO 8601 UTC string, or null when t is 0 and zero_is_null. */
void sym_json_add_time(cJSON *obj, const char *name, time_t t, bool zero_is_null);
/* A time from a request: ISO 8601 with an offset ("Z", "+03:00", "+0300") or seconds since the
 * epoch. False when v is neither. */
bool sym_json_parse_time(const cJSON *v, time_t *out);

/* Print obj without formatting and delete it; caller frees. NULL when out of memory (obj is
 * deleted either way). */
char *sym_json_finish(cJSON *obj);

#endif
