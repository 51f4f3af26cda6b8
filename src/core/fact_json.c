/*
 * fact_json.c: the one builder of a fact as JSON (fact_json.h).
 *
 * Before it, the CLI's list and search, its export and the server each wrote their own object
 * with their own keys (the CLI's list had no tags, the server's key order was another). The
 * union of their keys is the shape now; the export file keeps its exact form, which the flag
 * SYM_FACT_JSON_EXPORT preserves (no null event_time). tests/integration/shapes.sh compares the
 * CLI's and the server's key sets.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fact_json.h"
#include "memory/episodes.h"
#include "memory/facts.h"

static bool add_time(cJSON *o, const char *name, time_t t, sym_iso_time_fn iso_time)
{
    char when[64];

    iso_time(t, when, sizeof when);
    return cJSON_AddStringToObject(o, name, when) != NULL;
}

/* The comma-joined tags as an array of strings (empty ones skipped). */
static bool add_tags(cJSON *o, const char *p)
{
    cJSON *tags = cJSON_AddArrayToObject(o, "tags"), *t;
    size_t len;
    char *tag;

    if (!tags)
        return false;
    for (; *p; p += len + (p[len] == ',')) {
        len = strcspn(p, ",");
        if (!len)
            continue;
        tag = strndup(p, len);
        t = tag ? cJSON_CreateString(tag) : NULL;
        free(tag);
        if (!t || !cJSON_AddItemToArray(tags, t)) {
            cJSON_Delete(t);
            return false;
        }
    }
    return true;
}

static bool add_fields(cJSON *o, const struct sym_fact *f, unsigned flags, sym_iso_time_fn iso_time)
{
    if ((flags & SYM_FACT_JSON_SCORE) && !cJSON_AddStringToObject(o, "kind", "fact"))
        return false;
    if (!cJSON_AddNumberToObject(o, "id", (double)f->id) ||
        !cJSON_AddStringToObject(o, "text", f->text) ||
        !cJSON_AddStringToObject(o, "source", f->source) ||
        !add_time(o, "time", f->created, iso_time) || !add_time(o, "updated", f->updated, iso_time))
        return false;
    if (f->event_time ? !add_time(o, "event_time", f->event_time, iso_time)
                      : !(flags & SYM_FACT_JSON_EXPORT) && !cJSON_AddNullToObject(o, "event_time"))
        return false;
    if (!add_tags(o, f->tags) || !cJSON_AddBoolToObject(o, "pinned", f->pinned))
        return false;
    return !(flags & SYM_FACT_JSON_SCORE) || cJSON_AddNumberToObject(o, "score", f->score);
}

cJSON *sym_fact_json(const struct sym_fact *f, unsigned flags, sym_iso_time_fn iso_time)
{
    cJSON *o = cJSON_CreateObject();

    if (o && !add_fields(o, f, flags, iso_time)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static bool add_turn_fields(cJSON *o, const struct sym_turn_hit *h, sym_iso_time_fn iso_time)
{
    char source[64];

    snprintf(source, sizeof source, "conversation %lld", h->conversation_id);
    return cJSON_AddStringToObject(o, "kind", "turn") &&
           cJSON_AddNumberToObject(o, "id", (double)h->id) &&
           cJSON_AddStringToObject(o, "text", h->text) &&
           cJSON_AddStringToObject(o, "source", source) && add_time(o, "time", h->time, iso_time) &&
           cJSON_AddNumberToObject(o, "conversation", (double)h->conversation_id) &&
           cJSON_AddStringToObject(o, "conversation_title", h->conversation_title) &&
           cJSON_AddStringToObject(o, "speaker", h->speaker) &&
           cJSON_AddStringToObject(o, "role", h->role) &&
           (h->session ? cJSON_AddStringToObject(o, "session", h->session)
                       : cJSON_AddNullToObject(o, "session")) &&
           cJSON_AddNumberToObject(o, "score", h->score);
}

cJSON *sym_turn_hit_json(const struct sym_turn_hit *h, sym_iso_time_fn iso_time)
{
    cJSON *o = cJSON_CreateObject();

    if (o && !add_turn_fields(o, h, iso_time)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

bool sym_search_fact_next(size_t i, size_t n_facts, size_t j, size_t n_turns)
{
    return i < n_facts && (j >= n_turns || i <= j);
}

cJSON *sym_search_results_json(const struct sym_facts *facts, const struct sym_turn_hits *turns,
                               size_t k, sym_iso_time_fn iso_time)
{
    size_t nf = facts ? facts->n : 0, nt = turns ? turns->n : 0, i = 0, j = 0, n;
    cJSON *arr = cJSON_CreateArray();

    for (n = 0; arr && n < k && (i < nf || j < nt); n++) {
        bool fact = sym_search_fact_next(i, nf, j, nt);
        cJSON *o = fact ? sym_fact_json(&facts->items[i++], SYM_FACT_JSON_SCORE, iso_time)
                        : sym_turn_hit_json(&turns->items[j++], iso_time);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}
