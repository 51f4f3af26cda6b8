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
#include <stdlib.h>
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

/* A non-empty string member of o, or NULL; *bad when the member is there but is no such string. */
static const char *string_member(const cJSON *o, const char *name, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v) || !v->valuestring[strspn(v->valuestring, " \t\r\n")]) {
        *bad = true;
        return NULL;
    }
    return v->valuestring;
}

bool cli_import_turn_line(const char *line, size_t len, cJSON **json, struct cli_turn_record *r,
                          const char **why)
{
    const char *end = NULL, *t;
    bool bad = false;
    size_t i;

    *json = NULL;
    memset(r, 0, sizeof *r);
    if (len > CLI_IMPORT_MAX_LINE)
        return *why = "line too long", false;
    for (i = 0; i < len && line[i] && strchr(" \t\r\n", line[i]); i++)
        ;
    if (i == len)
        return true;
    *json = cJSON_ParseWithLengthOpts(line, len, &end, false);
    if (!*json)
        return *why = "not valid JSON", false;
    for (i = (size_t)(end - line); i < len; i++)
        if (!line[i] || !strchr(" \t\r\n", line[i]))
            return *why = "more than one JSON value on the line", false;
    if (!cJSON_IsObject(*json))
        return *why = "not a JSON object", false;
    r->conversation = string_member(*json, "conversation", &bad);
    if (bad || !r->conversation)
        return *why = "\"conversation\" must be a non-empty string (the conversation's id)", false;
    r->speaker = string_member(*json, "speaker", &bad);
    if (bad || !r->speaker)
        return *why = "\"speaker\" must be a non-empty string (who said it)", false;
    r->text = string_member(*json, "text", &bad);
    if (bad || !r->text)
        return *why = "\"text\" must be a non-empty string", false;
    r->session = string_member(*json, "session", &bad);
    if (bad)
        return *why = "\"session\" must be a non-empty string", false;
    t = string_member(*json, "time", &bad);
    if (bad || (t && !cli_parse_time(t, &r->time)))
        return *why = "\"time\" must be an ISO 8601 time", false;
    return true;
}

int cli_chatgpt_read(FILE *f,
                     int (*on_conversation)(void *ctx, const cJSON *conversation, size_t line),
                     void *ctx, size_t *line, const char **why)
{
    struct sym_buf b = {0};
    enum { BEFORE, BETWEEN, INSIDE, AFTER } state = BEFORE;
    size_t depth = 0, at = 0;
    bool in_string = false, escape = false, comma = false;
    int c, rc = 0;

    *line = 1;
    sym_buf_init(&b, CLI_CHATGPT_MAX_CONVERSATION);
    while (!rc && (c = getc(f)) != EOF) {
        if (state == INSIDE) {
            if (sym_buf_append(&b, &(char){(char)c}, 1)) {
                rc = -1;
                *why = b.len >= CLI_CHATGPT_MAX_CONVERSATION ? "a conversation over 64 MiB"
                                                             : "out of memory";
                break;
            }
            if (c == '\n')
                (*line)++;
            if (in_string) {
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"')
                    in_string = false;
                continue;
            }
            if (c == '"')
                in_string = true;
            else if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && --depth == 0) {
                cJSON *o = cJSON_ParseWithLength(b.data, b.len);

                if (!o) {
                    *why = "a conversation that is not valid JSON";
                    *line = at;
                    rc = -1;
                    break;
                }
                rc = on_conversation(ctx, o, at);
                cJSON_Delete(o);
                sym_buf_reset(&b);
                state = BETWEEN;
                comma = false;
            }
            continue;
        }
        if (c == '\n')
            (*line)++;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (state == BEFORE && c == 0xEF) { /* a UTF-8 byte order mark */
            if (getc(f) != 0xBB || getc(f) != 0xBF)
                break;
            continue;
        }
        if (state == BEFORE && c == '[') {
            state = BETWEEN;
            comma = true; /* no comma needed before the first */
        } else if (state == BETWEEN && c == ',' && !comma) {
            comma = true;
        } else if (state == BETWEEN && c == '{' && comma) {
            state = INSIDE;
            depth = 1;
            at = *line;
            if (sym_buf_append(&b, "{", 1)) {
                *why = "out of memory";
                rc = -1;
            }
        } else if (state == BETWEEN && c == ']') {
            state = AFTER;
        } else {
            *why = state == BEFORE  ? "not a ChatGPT export (a JSON array of conversations)"
                   : state == AFTER ? "something after the array of conversations"
                                    : "expected a conversation object";
            rc = -1;
        }
    }
    if (!rc && ferror(f)) {
        *why = "read error";
        rc = -1;
    } else if (!rc && state != AFTER) {
        *why = state == BEFORE ? "empty file" : "the file ends inside the array";
        rc = -1;
    }
    sym_buf_free(&b);
    return rc;
}

void cli_chatgpt_conversation_free(struct cli_chatgpt_conversation *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        free(c->turns[i].text);
    free(c->turns);
    memset(c, 0, sizeof *c);
}

/* A number member as a time (seconds since the epoch, fractions dropped); 0 when absent. */
static time_t time_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 1e11 ? (time_t)v->valuedouble
                                                                            : 0;
}

/* The text of a message: its string parts (content.parts, or content.text) joined by newlines;
 * NULL for none, "" on no memory with *nomem. */
static char *message_text(const cJSON *msg, bool *nomem)
{
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content"), *parts, *p;
    struct sym_buf b = {0};

    parts = cJSON_GetObjectItemCaseSensitive(content, "parts");
    if (!parts) {
        p = cJSON_GetObjectItemCaseSensitive(content, "text");
        if (cJSON_IsString(p) && sym_buf_puts(&b, p->valuestring))
            *nomem = true;
    }
    if (!cJSON_IsArray(parts))
        parts = NULL;
    cJSON_ArrayForEach(p, parts)
    {
        if (!cJSON_IsString(p) || !p->valuestring[strspn(p->valuestring, " \t\r\n")])
            continue; /* images and other attachments have no text */
        if ((b.len && sym_buf_puts(&b, "\n")) || sym_buf_puts(&b, p->valuestring))
            *nomem = true;
    }
    if (*nomem || !b.len || !b.data[strspn(b.data, " \t\r\n")]) {
        sym_buf_free(&b);
        return NULL;
    }
    return sym_buf_steal(&b);
}

bool cli_chatgpt_conversation(const cJSON *c, struct cli_chatgpt_conversation *out,
                              const char **why)
{
    const cJSON *mapping, *node, *v;
    size_t n_nodes = 0, steps, i;
    const char *at;
    bool bad = false, nomem = false;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(c))
        return *why = "a conversation must be a JSON object", false;
    out->id = string_member(c, "conversation_id", &bad);
    if (!out->id)
        out->id = string_member(c, "id", &bad);
    if (!out->id)
        return *why = "a conversation without \"id\"", false;
    out->title = string_member(c, "title", &bad);
    out->started = time_member(c, "create_time");
    mapping = cJSON_GetObjectItemCaseSensitive(c, "mapping");
    if (!cJSON_IsObject(mapping))
        return *why = "a conversation without \"mapping\"", false;
    cJSON_ArrayForEach(node, mapping) n_nodes++;
    /* The thread shown last: current_node, else the last node that has no children. */
    v = cJSON_GetObjectItemCaseSensitive(c, "current_node");
    at = cJSON_IsString(v) ? v->valuestring : NULL;
    if (!at)
        cJSON_ArrayForEach(node, mapping)
        {
            const cJSON *kids = cJSON_GetObjectItemCaseSensitive(node, "children");

            if (!cJSON_GetArraySize(kids))
                at = node->string;
        }
    out->turns = calloc(n_nodes ? n_nodes : 1, sizeof *out->turns);
    if (!out->turns)
        return *why = "out of memory", false;
    for (steps = 0; at; steps++) {
        const cJSON *msg, *author, *role, *meta, *hidden;

        node = cJSON_GetObjectItemCaseSensitive(mapping, at);
        if (!cJSON_IsObject(node))
            return *why = "the conversation's thread names a message it does not have", false;
        if (steps >= n_nodes)
            return *why = "the conversation's thread loops", false;
        msg = cJSON_GetObjectItemCaseSensitive(node, "message");
        author = cJSON_GetObjectItemCaseSensitive(msg, "author");
        role = cJSON_GetObjectItemCaseSensitive(author, "role");
        meta = cJSON_GetObjectItemCaseSensitive(msg, "metadata");
        hidden = cJSON_GetObjectItemCaseSensitive(meta, "is_visually_hidden_from_conversation");
        if (cJSON_IsString(role) && !cJSON_IsTrue(hidden) &&
            (!strcmp(role->valuestring, "user") || !strcmp(role->valuestring, "assistant"))) {
            char *text = message_text(msg, &nomem);

            if (nomem)
                return *why = "out of memory", false;
            if (text) {
                struct cli_chatgpt_turn *t = &out->turns[out->n++];

                t->role = role->valuestring;
                t->text = text;
                t->time = time_member(msg, "create_time");
            }
        }
        v = cJSON_GetObjectItemCaseSensitive(node, "parent");
        at = cJSON_IsString(v) ? v->valuestring : NULL;
    }
    /* Collected from the end back: put them in order. */
    for (i = 0; i < out->n / 2; i++) {
        struct cli_chatgpt_turn tmp = out->turns[i];

        out->turns[i] = out->turns[out->n - 1 - i];
        out->turns[out->n - 1 - i] = tmp;
    }
    return true;
}
