/*
 * api.c: the routes answered at once, on the connection's own thread, even while the worker
 * generates: health, models, metrics, stats, embeddings, and the memory database (facts,
 * reminders, conversations, feedback on answers) through the server's second database connection.
 *
 * That connection is one SQLite handle shared by the connection threads under store_lock (its
 * error message lives on the handle, so the lock is held until the message is copied). The
 * database is in WAL mode, so these reads and writes do not wait for the worker's turns and the
 * worker's connection sees every change at its next transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/chart.h"
#include "core/assistant.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "core/fact_json.h"
#include "llm/embed.h"
#include "llm/engine.h"
#include "memory/conversations.h"
#include "memory/episodes.h"
#include "memory/facts.h"
#include "memory/feedback.h"
#include "memory/store.h"
#include "modules/feedback.h"
#include "nlp/parse.h"
#include "server/internal.h"
#include "server/openai.h"
#include "version.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000
#define SEARCH_DEFAULT 10
#define SEARCH_MAX 100

static void error_reply(struct sym_reply *r, int status, const char *code, const char *param,
                        const char *message)
{
    struct sym_http_error e;

    sym_http_error_set(&e, status, code, param, "%s", message);
    sym_reply_error(r, &e);
}

static void oom(struct sym_reply *r)
{
    error_reply(r, 500, "internal_error", NULL, "out of memory");
}

/* The store error (called with store_lock held): 400 for bad input, 503 (with Retry-After, see
 * server.c) when another program holds the database's lock, else 500. */
static void store_error(struct sym_server *s, enum sym_status rc, const char *param,
                        struct sym_reply *r)
{
    if (rc == SYM_ERR_INVALID)
        error_reply(r, 400, "invalid_value", param, sym_store_errmsg(s->store));
    else if (sym_store_busy(s->store))
        error_reply(r, 503, "database_busy", NULL, sym_store_errmsg(s->store));
    else
        error_reply(r, 500, "internal_error", NULL, sym_store_errmsg(s->store));
}

static void not_found(struct sym_reply *r, const char *what, long long id)
{
    char msg[128];

    snprintf(msg, sizeof msg, "there is no %s %lld", what, id);
    error_reply(r, 404, "not_found", NULL, msg);
}

/* Lock the store, or answer 503 when there is none. */
static bool lock_store(struct sym_server *s, struct sym_reply *r)
{
    if (!s->store) {
        error_reply(r, 503, "no_memory", NULL,
                    "the memory database could not be opened (see the server's log)");
        return false;
    }
    pthread_mutex_lock(&s->store_lock);
    return true;
}

static void unlock_store(struct sym_server *s)
{
    pthread_mutex_unlock(&s->store_lock);
}

/* A query argument as an integer in [min, max]; def when absent. False with r set. */
static bool query_int(const char *v, const char *name, long long min, long long max, long long def,
                      long long *out, struct sym_reply *r)
{
    char *end = NULL, msg[128];
    long long n;

    *out = def;
    if (!v)
        return true;
    n = strtoll(v, &end, 10);
    if (!*v || *end || n < min || n > max) {
        snprintf(msg, sizeof msg, "\"%s\" must be an integer between %lld and %lld", name, min,
                 max);
        error_reply(r, 400, "invalid_value", name, msg);
        return false;
    }
    *out = n;
    return true;
}

static cJSON *parse_body(const struct sym_request *req, struct sym_reply *r)
{
    struct sym_http_error e;
    cJSON *obj = sym_json_parse_object(req->body, req->body_len, &e);

    if (!obj)
        sym_reply_error(r, &e);
    return obj;
}

/* ---- status ---- */

/* The engine's slots: how many, how many generate now (1 and the worker's state without one). */
static void slots(struct sym_server *s, int *total, int *busy)
{
    struct sym_engine_stats es;
    bool running;
    int waiting;

    pthread_rwlock_rdlock(&s->model_lock);
    if (s->engine) {
        sym_engine_get_stats(s->engine, &es);
        *total = es.n_slots;
        *busy = es.busy;
    } else {
        sym_worker_load(s->worker, &waiting, &running);
        *total = 1;
        *busy = running;
    }
    pthread_rwlock_unlock(&s->model_lock);
}

static void add_queue(struct sym_server *s, cJSON *obj)
{
    cJSON *queue = cJSON_AddObjectToObject(obj, "queue");
    cJSON *sl = cJSON_AddObjectToObject(obj, "slots");
    int waiting, total, busy_slots;
    bool busy;

    sym_worker_load(s->worker, &waiting, &busy);
    cJSON_AddNumberToObject(queue, "waiting", waiting);
    cJSON_AddNumberToObject(queue, "capacity", sym_worker_capacity(s->worker));
    cJSON_AddBoolToObject(obj, "busy", busy);
    slots(s, &total, &busy_slots);
    cJSON_AddNumberToObject(sl, "total", total);
    cJSON_AddNumberToObject(sl, "busy", busy_slots);
}

static void add_model(struct sym_server *s, cJSON *obj)
{
    char model[256];

    sym_server_model_name(s, model, sizeof model);
    if (model[0])
        cJSON_AddStringToObject(obj, "model", model);
    else
        cJSON_AddNullToObject(obj, "model");
}

void sym_route_health(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = cJSON_CreateObject();

    (void)req;
    cJSON_AddStringToObject(obj, "status", "ok");
    add_model(s, obj);
    add_queue(s, obj);
    sym_reply_json(r, 200, obj);
}

void sym_route_models(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = cJSON_CreateObject(), *data = cJSON_AddArrayToObject(obj, "data"), *m;
    char model[256];

    (void)req;
    cJSON_AddStringToObject(obj, "object", "list");
    sym_server_model_name(s, model, sizeof model);
    if (model[0] && (m = cJSON_CreateObject())) {
        cJSON_AddStringToObject(m, "id", model);
        cJSON_AddStringToObject(m, "object", "model");
        cJSON_AddNumberToObject(m, "created", (double)sym_clock_now());
        cJSON_AddStringToObject(m, "owned_by", "symbiot");
        cJSON_AddItemToArray(data, m);
    }
    sym_reply_json(r, 200, obj);
}

static long long count_facts(struct sym_server *s)
{
    long long n = -1;

    if (!s->store)
        return -1;
    pthread_mutex_lock(&s->store_lock);
    if (sym_fact_count(s->store, &n))
        n = -1;
    pthread_mutex_unlock(&s->store_lock);
    return n;
}

void sym_route_metrics(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    struct sym_metrics_gauges g;
    struct sym_buf out = {0};

    (void)req;
    g.facts = count_facts(s);
    sym_worker_load(s->worker, &g.waiting, &g.busy);
    g.capacity = sym_worker_capacity(s->worker);
    g.kv_used = atomic_load(&s->kv_used);
    g.kv_size = atomic_load(&s->kv_size);
    g.slow_closed = s->deadlines ? sym_deadlines_cut(s->deadlines) : 0;
    slots(s, &g.slots, &g.slots_busy);
    if (sym_metrics_render(s->metrics, &g, &out)) {
        sym_buf_free(&out);
        oom(r);
        return;
    }
    r->status = 200;
    r->body = sym_buf_steal(&out);
    r->type = "text/plain; version=0.0.4; charset=utf-8";
}

void sym_route_stats(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = cJSON_CreateObject(), *ctx;
    long long facts = count_facts(s);

    (void)req;
    add_model(s, obj);
    cJSON_AddStringToObject(obj, "version", SYM_VERSION);
    ctx = cJSON_AddObjectToObject(obj, "context");
    cJSON_AddNumberToObject(ctx, "used", atomic_load(&s->kv_used));
    cJSON_AddNumberToObject(ctx, "size", atomic_load(&s->kv_size));
    if (facts >= 0)
        cJSON_AddNumberToObject(obj, "facts", (double)facts);
    else
        cJSON_AddNullToObject(obj, "facts");
    add_queue(s, obj);
    if (sym_metrics_stats_json(s->metrics, obj)) {
        cJSON_Delete(obj);
        oom(r);
        return;
    }
    sym_reply_json(r, 200, obj);
}

/* GET /api/stats/chart.svg[?limit=N][&lang=en|ru]: `symbiot stats --plot`'s chart of the last N
 * recorded chat turns (default 100), from every session, as SVG with its labels in lang (default
 * en; the web page passes its own). 404 when none is recorded. */
void sym_route_stats_chart(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    struct sym_turn_records list = {0}, tail;
    struct chart_point *points;
    enum chart_lang lang = CHART_LANG_EN;
    long limit = 100;
    enum sym_status rc;
    char *end, *svg;

    if (req->limit) {
        limit = strtol(req->limit, &end, 10);
        if (end == req->limit || *end || limit < 1 || limit > SYM_STATS_KEEP) {
            error_reply(r, 400, "invalid_value", "limit", "limit must be a number from 1 to 10000");
            return;
        }
    }
    if (req->lang) {
        if (strcmp(req->lang, "en") && strcmp(req->lang, "ru")) {
            error_reply(r, 400, "invalid_value", "lang", "lang must be \"en\" or \"ru\"");
            return;
        }
        lang = !strcmp(req->lang, "ru") ? CHART_LANG_RU : CHART_LANG_EN;
    }
    if (!s->store) {
        error_reply(r, 503, "no_database", NULL, "the memory database is not open");
        return;
    }
    pthread_mutex_lock(&s->store_lock);
    rc = sym_stats_load(s->store, 0, &list);
    if (rc)
        store_error(s, rc, NULL, r);
    pthread_mutex_unlock(&s->store_lock);
    if (rc)
        return;
    if (!list.n) {
        error_reply(r, 404, "not_found", NULL, "no chat turns are recorded yet");
        return;
    }
    tail.items = list.items + (list.n > (size_t)limit ? list.n - (size_t)limit : 0);
    tail.n = list.n > (size_t)limit ? (size_t)limit : list.n;
    points = chart_points(&tail);
    svg = points ? chart_svg(points, tail.n, lang) : NULL;
    free(points);
    sym_turn_records_free(&list);
    if (!svg) {
        oom(r);
        return;
    }
    r->status = 200;
    r->body = svg;
    r->type = "image/svg+xml";
}

/* ---- embeddings ---- */

/* Input i's embedding object; its tokens are added to *tokens. NULL with r set on failure. */
static cJSON *embedding_json(struct sym_server *s, const struct sym_embed_request *er, size_t i,
                             long long *tokens, struct sym_reply *r)
{
    cJSON *item = cJSON_CreateObject();
    float *vec = NULL;
    enum sym_status rc;
    int dim = 0, k, n = 0;

    rc = sym_embed_counted(s->embedder, er->inputs[i], &vec, &dim, &n);
    *tokens += n;
    if (rc) {
        char msg[640];

        snprintf(msg, sizeof msg, "input %zu: %s", i, sym_embedder_errmsg(s->embedder));
        error_reply(r, rc == SYM_ERR_INVALID ? 400 : 500,
                    rc == SYM_ERR_INVALID ? "invalid_value" : "internal_error", "input", msg);
        cJSON_Delete(item);
        return NULL;
    }
    cJSON_AddStringToObject(item, "object", "embedding");
    cJSON_AddNumberToObject(item, "index", (double)i);
    if (er->base64) {
        char *b64 = sym_openai_base64_floats(vec, dim);

        cJSON_AddStringToObject(item, "embedding", b64 ? b64 : "");
        free(b64);
    } else {
        cJSON *arr = cJSON_AddArrayToObject(item, "embedding");

        for (k = 0; arr && k < dim; k++)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(vec[k]));
    }
    free(vec);
    return item;
}

void sym_route_embeddings(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    struct sym_embed_request er;
    struct sym_http_error e;
    cJSON *obj, *data, *usage, *item;
    long long tokens = 0;
    size_t i;

    if (!s->embedder) {
        error_reply(r, 404, "not_found", NULL,
                    "no embedding model: start `symbiot serve` with --embed-model PATH");
        return;
    }
    if (!sym_openai_parse_embed(req->body, req->body_len, &er, &e)) {
        sym_reply_error(r, &e);
        return;
    }
    obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "object", "list");
    cJSON_AddStringToObject(obj, "model", s->embed_model);
    data = cJSON_AddArrayToObject(obj, "data");
    for (i = 0; i < er.n; i++) {
        if (!(item = embedding_json(s, &er, i, &tokens, r))) {
            cJSON_Delete(obj);
            sym_embed_request_free(&er);
            return;
        }
        cJSON_AddItemToArray(data, item);
    }
    usage = cJSON_AddObjectToObject(obj, "usage");
    cJSON_AddNumberToObject(usage, "prompt_tokens", (double)tokens);
    cJSON_AddNumberToObject(usage, "total_tokens", (double)tokens);
    sym_embed_request_free(&er);
    sym_reply_json(r, 200, obj);
}

/* ---- facts ---- */

static cJSON *fact_json(const struct sym_fact *f, bool score)
{
    return sym_fact_json(f, score ? SYM_FACT_JSON_SCORE : 0, sym_json_iso_utc);
}

static cJSON *facts_json(const struct sym_facts *list, bool score)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < list->n; i++)
        cJSON_AddItemToArray(arr, fact_json(&list->items[i], score));
    return arr;
}

static cJSON *turns_json(const struct sym_turn_hits *list)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < list->n; i++)
        cJSON_AddItemToArray(arr, sym_turn_hit_json(&list->items[i], sym_json_iso_utc));
    return arr;
}

void sym_route_memory_list(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    struct sym_facts list = {0};
    long long limit, offset, total = 0;
    enum sym_status rc;
    cJSON *obj;

    if (!query_int(req->limit, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit, r) ||
        !query_int(req->offset, "offset", 0, (long long)1 << 40, 0, &offset, r) ||
        !lock_store(s, r))
        return;
    rc = sym_fact_list(s->store, (size_t)offset, (size_t)limit, &list);
    if (!rc)
        rc = sym_fact_count(s->store, &total);
    if (rc) {
        store_error(s, rc, NULL, r);
        unlock_store(s);
        sym_facts_free(&list);
        return;
    }
    unlock_store(s);
    obj = cJSON_CreateObject();
    cJSON_AddItemToObject(obj, "facts", facts_json(&list, false));
    cJSON_AddNumberToObject(obj, "total", (double)total);
    sym_facts_free(&list);
    sym_reply_json(r, 200, obj);
}

void sym_route_memory_search(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r)
{
    struct sym_facts list = {0};
    struct sym_turn_hits turns = {0};
    enum sym_status rc = SYM_OK;
    bool facts, with_turns;
    long long k;
    cJSON *obj, *results;

    if (!req->q) {
        error_reply(r, 400, "missing_field", "q", "the query argument \"q\" is required");
        return;
    }
    /* kind: what to search, as the CLI's --facts and --turns; both by default. */
    facts = !req->kind || !strcmp(req->kind, "all") || !strcmp(req->kind, "fact");
    with_turns = !req->kind || !strcmp(req->kind, "all") || !strcmp(req->kind, "turn");
    if (!facts && !with_turns) {
        error_reply(r, 400, "invalid_value", "kind", "kind must be \"fact\", \"turn\" or \"all\"");
        return;
    }
    if (!query_int(req->k, "k", 1, SEARCH_MAX, SEARCH_DEFAULT, &k, r) || !lock_store(s, r))
        return;
    if (facts)
        rc = sym_fact_search(s->store, req->q, (size_t)k, &list);
    if (!rc && with_turns)
        rc = sym_turn_search(s->store, req->q, (size_t)k, NULL, &turns);
    if (rc) {
        store_error(s, rc, "q", r);
        unlock_store(s);
        sym_facts_free(&list);
        sym_turn_hits_free(&turns);
        return;
    }
    unlock_store(s);
    obj = cJSON_CreateObject();
    results = sym_search_results_json(&list, &turns, (size_t)k, sym_json_iso_utc);
    if (results)
        cJSON_AddItemToObject(obj, "results", results);
    cJSON_AddItemToObject(obj, "facts", facts_json(&list, true));
    cJSON_AddItemToObject(obj, "turns", turns_json(&turns));
    sym_facts_free(&list);
    sym_turn_hits_free(&turns);
    if (!results) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    sym_reply_json(r, 200, obj);
}

/* {"fact": ...} for fact id (with its history when asked), into r. Called with the lock held. */
static void reply_fact(struct sym_server *s, long long id, int status, bool history, int existed,
                       struct sym_reply *r)
{
    struct sym_facts hist = {0};
    struct sym_fact f;
    enum sym_status rc;
    bool found = false;
    cJSON *obj, *arr;
    size_t i;

    memset(&f, 0, sizeof f);
    rc = sym_fact_get(s->store, id, &f, &found);
    if (!rc && found && history)
        rc = sym_fact_history(s->store, id, &hist);
    if (rc || !found) {
        if (rc)
            store_error(s, rc, NULL, r);
        else
            not_found(r, "fact", id);
        sym_fact_clear(&f);
        sym_facts_free(&hist);
        return;
    }
    obj = cJSON_CreateObject();
    cJSON_AddItemToObject(obj, "fact", fact_json(&f, false));
    if (existed >= 0)
        cJSON_AddBoolToObject(obj, "existed", existed);
    if (history) {
        arr = cJSON_AddArrayToObject(obj, "history");
        for (i = 0; i < hist.n; i++) {
            cJSON *h = cJSON_CreateObject();

            cJSON_AddStringToObject(h, "text", hist.items[i].text);
            sym_json_add_time(h, "time", hist.items[i].created, false);
            cJSON_AddItemToArray(arr, h);
        }
    }
    sym_fact_clear(&f);
    sym_facts_free(&hist);
    sym_reply_json(r, status, obj);
}

void sym_route_memory_get(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    if (!lock_store(s, r))
        return;
    reply_fact(s, req->id, 200, true, -1, r);
    unlock_store(s);
}

/* The "tags" array as the store's comma-joined list (owned; "" when absent). False with r set. */
static bool tags_of(const cJSON *obj, char **out, struct sym_reply *r)
{
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(obj, "tags"), *t;
    struct sym_buf b = {0};

    *out = NULL;
    if (tags && !cJSON_IsNull(tags)) {
        if (!cJSON_IsArray(tags)) {
            error_reply(r, 400, "invalid_type", "tags", "\"tags\" must be an array of strings");
            return false;
        }
        cJSON_ArrayForEach(t, tags)
        {
            if (!cJSON_IsString(t) || !t->valuestring[0] || strchr(t->valuestring, ',')) {
                error_reply(r, 400, "invalid_value", "tags",
                            "each tag must be a non-empty string without commas");
                sym_buf_free(&b);
                return false;
            }
            if (sym_buf_printf(&b, "%s%s", b.len ? "," : "", t->valuestring)) {
                sym_buf_free(&b);
                oom(r);
                return false;
            }
        }
    }
    *out = sym_buf_steal(&b);
    if (!*out)
        oom(r);
    return *out != NULL;
}

void sym_route_memory_add(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = parse_body(req, r);
    struct sym_fact_input in;
    struct sym_http_error e;
    char *tags = NULL;
    bool existed = false;
    enum sym_status rc;
    long long id = 0;

    if (!obj)
        return;
    memset(&in, 0, sizeof in);
    if (!sym_json_string(obj, "text", true, &in.text, NULL, &e) ||
        !sym_json_string(obj, "source", false, &in.source, NULL, &e) ||
        !sym_json_bool(obj, "pinned", &in.pinned, NULL, &e)) {
        sym_reply_error(r, &e);
    } else if (tags_of(obj, &tags, r) && lock_store(s, r)) {
        in.tags = tags[0] ? tags : NULL;
        in.now = sym_clock_now();
        rc = sym_fact_add(s->store, &in, &id, &existed);
        if (rc)
            store_error(s, rc, "text", r);
        else
            reply_fact(s, id, existed ? 200 : 201, false, existed, r);
        unlock_store(s);
    }
    free(tags);
    cJSON_Delete(obj);
}

void sym_route_memory_edit(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = parse_body(req, r);
    const char *text = NULL;
    bool pinned = false, has_text = false, has_pin = false, found = true;
    struct sym_http_error e;
    enum sym_status rc = SYM_OK;

    if (!obj)
        return;
    if (!sym_json_string(obj, "text", false, &text, &has_text, &e) ||
        !sym_json_bool(obj, "pinned", &pinned, &has_pin, &e)) {
        sym_reply_error(r, &e);
    } else if (!has_text && !has_pin) {
        error_reply(r, 400, "missing_field", "text", "give \"text\", \"pinned\" or both");
    } else if (lock_store(s, r)) {
        if (has_text)
            rc = sym_fact_edit(s->store, req->id, text, sym_clock_now(), &found);
        if (!rc && found && has_pin)
            rc = sym_fact_pin(s->store, req->id, pinned, &found);
        if (rc)
            store_error(s, rc, "text", r);
        else if (!found)
            not_found(r, "fact", req->id);
        else
            reply_fact(s, req->id, 200, false, -1, r);
        unlock_store(s);
    }
    cJSON_Delete(obj);
}

static void reply_deleted(struct sym_reply *r, long long id, const char *what)
{
    cJSON *obj = cJSON_CreateObject();

    cJSON_AddNumberToObject(obj, "id", (double)id);
    cJSON_AddBoolToObject(obj, what, true);
    sym_reply_json(r, 200, obj);
}

void sym_route_memory_delete(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r)
{
    enum sym_status rc;
    bool found = false;

    if (!lock_store(s, r))
        return;
    rc = sym_fact_forget(s->store, req->id, &found);
    if (rc)
        store_error(s, rc, NULL, r);
    else if (!found)
        not_found(r, "fact", req->id);
    else
        reply_deleted(r, req->id, "deleted");
    unlock_store(s);
}

/* ---- reminders ---- */

static cJSON *reminder_json(const struct sym_reminder *rem)
{
    static const char *const status[] = {"pending", "done", "cancelled"};
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "id", (double)rem->id);
    cJSON_AddStringToObject(o, "text", rem->text);
    sym_json_add_time(o, "due", rem->due, false);
    cJSON_AddStringToObject(o, "status", status[rem->status]);
    cJSON_AddStringToObject(o, "lang", rem->lang);
    return o;
}

static void reply_reminders(struct sym_reminders *list, struct sym_reply *r)
{
    cJSON *obj = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(obj, "reminders");
    size_t i;

    for (i = 0; i < list->n; i++)
        cJSON_AddItemToArray(arr, reminder_json(&list->items[i]));
    sym_reply_json(r, 200, obj);
}

void sym_route_reminders_list(struct sym_server *s, const struct sym_request *req,
                              struct sym_reply *r)
{
    struct sym_reminders list = {0};
    enum sym_status rc;

    (void)req;
    if (!lock_store(s, r))
        return;
    rc = sym_store_pending_reminders(s->store, &list);
    if (rc)
        store_error(s, rc, NULL, r);
    unlock_store(s);
    if (!rc)
        reply_reminders(&list, r);
    sym_reminders_free(&list);
}

void sym_route_reminders_due(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r)
{
    struct sym_reminders list = {0};
    enum sym_status rc;

    (void)req;
    if (!lock_store(s, r))
        return;
    rc = sym_store_take_due(s->store, sym_clock_now(), &list);
    if (rc)
        store_error(s, rc, NULL, r);
    unlock_store(s);
    if (!rc)
        reply_reminders(&list, r);
    sym_reminders_free(&list);
}

/* Reply with reminder id, the one just added. Called with the lock held. */
static void reply_added(struct sym_server *s, long long id, struct sym_reply *r)
{
    struct sym_reminders list = {0};
    cJSON *obj;
    size_t i;

    if (sym_store_pending_reminders(s->store, &list)) {
        store_error(s, SYM_ERR_IO, NULL, r);
        return;
    }
    for (i = 0; i < list.n && list.items[i].id != id; i++)
        ;
    if (i == list.n) {
        not_found(r, "reminder", id);
    } else {
        obj = cJSON_CreateObject();
        cJSON_AddItemToObject(obj, "reminder", reminder_json(&list.items[i]));
        sym_reply_json(r, 201, obj);
    }
    sym_reminders_free(&list);
}

void sym_route_reminders_add(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r)
{
    cJSON *obj = parse_body(req, r);
    const char *text = NULL;
    struct sym_http_error e;
    time_t due = 0, now = sym_clock_now();
    enum sym_status rc;
    long long id;

    if (!obj)
        return;
    if (!sym_json_string(obj, "text", true, &text, NULL, &e)) {
        sym_reply_error(r, &e);
    } else if (!text[0]) {
        error_reply(r, 400, "invalid_value", "text", "\"text\" is empty");
    } else if (!cJSON_GetObjectItemCaseSensitive(obj, "due")) {
        error_reply(r, 400, "missing_field", "due", "\"due\" is required");
    } else if (!sym_json_parse_time(cJSON_GetObjectItemCaseSensitive(obj, "due"), &due)) {
        error_reply(r, 400, "invalid_value", "due",
                    "\"due\" must be ISO 8601 with an offset (2027-06-12T09:00:00Z) or seconds "
                    "since the epoch");
    } else if (due <= now) {
        error_reply(r, 400, "invalid_value", "due", "\"due\" is in the past");
    } else if (lock_store(s, r)) {
        rc = sym_store_add_reminder(s->store, text, due, now, NULL, &id);
        if (rc)
            store_error(s, rc, "text", r);
        else
            reply_added(s, id, r);
        unlock_store(s);
    }
    cJSON_Delete(obj);
}

void sym_route_reminders_cancel(struct sym_server *s, const struct sym_request *req,
                                struct sym_reply *r)
{
    enum sym_status rc;
    bool found = false;

    if (!lock_store(s, r))
        return;
    rc = sym_store_cancel_reminder(s->store, req->id, &found);
    if (rc)
        store_error(s, rc, NULL, r);
    else if (!found)
        not_found(r, "pending reminder", req->id);
    else
        reply_deleted(r, req->id, "cancelled");
    unlock_store(s);
}

/* ---- conversations ---- */

static cJSON *conversation_json(const struct sym_conversation *c)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "id", (double)c->id);
    sym_json_add_time(o, "started", c->started, false);
    sym_json_add_time(o, "updated", c->updated, false);
    cJSON_AddNumberToObject(o, "turns", (double)c->n_turns);
    cJSON_AddStringToObject(o, "title", c->title);
    return o;
}

void sym_route_conversations_list(struct sym_server *s, const struct sym_request *req,
                                  struct sym_reply *r)
{
    struct sym_conversations list = {0};
    enum sym_status rc;
    cJSON *obj, *arr;
    size_t i;

    if (req->q && !sym_utf8_valid(req->q, strlen(req->q))) {
        error_reply(r, 400, "invalid_value", "q", "the query argument \"q\" is not valid UTF-8");
        return;
    }
    if (!lock_store(s, r))
        return;
    rc = req->q ? sym_conversation_search(s->store, req->q, &list)
                : sym_conversation_list(s->store, &list);
    if (rc)
        store_error(s, rc, NULL, r);
    unlock_store(s);
    if (!rc) {
        obj = cJSON_CreateObject();
        arr = cJSON_AddArrayToObject(obj, "conversations");
        for (i = 0; i < list.n; i++)
            cJSON_AddItemToArray(arr, conversation_json(&list.items[i]));
        sym_reply_json(r, 200, obj);
    }
    sym_conversations_free(&list);
}

/* The conversation's summary from the list (the store has no single-row getter). */
static cJSON *conversation_head(struct sym_server *s, long long id)
{
    struct sym_conversations list = {0};
    cJSON *o = NULL;
    size_t i;

    if (!sym_conversation_list(s->store, &list))
        for (i = 0; i < list.n && !o; i++)
            if (list.items[i].id == id)
                o = conversation_json(&list.items[i]);
    sym_conversations_free(&list);
    return o ? o : cJSON_CreateObject();
}

void sym_route_conversations_get(struct sym_server *s, const struct sym_request *req,
                                 struct sym_reply *r)
{
    struct sym_conversation_turns turns = {0};
    enum sym_status rc;
    bool found = false;
    cJSON *obj = NULL, *arr;
    size_t i;

    if (!lock_store(s, r))
        return;
    rc = sym_conversation_load(s->store, req->id, &turns, &found);
    if (rc)
        store_error(s, rc, NULL, r);
    else if (!found)
        not_found(r, "conversation", req->id);
    else
        obj = conversation_head(s, req->id);
    unlock_store(s);
    if (obj) {
        arr = cJSON_AddArrayToObject(obj, "messages");
        for (i = 0; i < turns.n; i++) {
            cJSON *m = cJSON_CreateObject();

            cJSON_AddStringToObject(m, "role", turns.items[i].role);
            cJSON_AddStringToObject(m, "text", turns.items[i].text);
            sym_json_add_time(m, "time", turns.items[i].created, false);
            /* An answer's tool calls, as the turn's JSON has them (core/toolturn.h). */
            if (turns.items[i].tools) {
                cJSON *calls = cJSON_Parse(turns.items[i].tools);

                if (!cJSON_IsArray(calls) || !cJSON_AddItemToObject(m, "tool_calls", calls))
                    cJSON_Delete(calls);
            }
            cJSON_AddItemToArray(arr, m);
        }
        sym_reply_json(r, 200, obj);
    }
    sym_conversation_turns_free(&turns);
}

void sym_route_conversations_delete(struct sym_server *s, const struct sym_request *req,
                                    struct sym_reply *r)
{
    enum sym_status rc;
    bool found = false;

    if (!lock_store(s, r))
        return;
    rc = sym_conversation_delete(s->store, req->id, &found);
    if (rc)
        store_error(s, rc, NULL, r);
    else if (!found)
        not_found(r, "conversation", req->id);
    else if (sym_assistant_forget_state(req->id))
        error_reply(r, 500, "internal_error", NULL,
                    "the conversation is deleted but its saved model state is not");
    else
        reply_deleted(r, req->id, "deleted");
    unlock_store(s);
}

/* ---- feedback ---- */

/* The id of the conversation's last stored answer: 0 when its last turn is not an answer.
 * Called with the lock held; *found false when there is no such conversation. */
static enum sym_status last_answer(struct sym_server *s, long long conversation, long long *answer,
                                   bool *found)
{
    struct sym_conversation_turns turns = {0};
    enum sym_status rc = sym_conversation_load(s->store, conversation, &turns, found);

    *answer = 0;
    if (!rc && *found && turns.n && !strcmp(turns.items[turns.n - 1].role, "assistant"))
        *answer = turns.items[turns.n - 1].id;
    sym_conversation_turns_free(&turns);
    return rc;
}

static void reply_feedback(long long conversation, long long answer, int rating, const char *reason,
                           const char *correction, const struct sym_feedback_outcome *o,
                           struct sym_reply *r)
{
    cJSON *obj = cJSON_CreateObject(), *f = cJSON_AddObjectToObject(obj, "feedback");

    cJSON_AddNumberToObject(f, "id", (double)o->feedback_id);
    cJSON_AddNumberToObject(f, "conversation_id", (double)conversation);
    cJSON_AddNumberToObject(f, "turn_id", (double)answer);
    cJSON_AddNumberToObject(f, "rating", rating);
    if (reason)
        cJSON_AddStringToObject(f, "reason", reason);
    else
        cJSON_AddNullToObject(f, "reason");
    if (correction) {
        cJSON_AddStringToObject(f, "correction", correction);
        cJSON_AddNumberToObject(f, "fact_id", (double)o->fact_id);
    } else {
        cJSON_AddNullToObject(f, "correction");
        cJSON_AddNullToObject(f, "fact_id");
    }
    if (o->preference)
        cJSON_AddStringToObject(f, "preference", o->preference);
    else
        cJSON_AddNullToObject(f, "preference");
    sym_reply_json(r, 201, obj);
}

/* A text field that must hold a word when present: NULL when absent. False with e set. */
static bool optional_text(const cJSON *obj, const char *name, const char **out,
                          struct sym_http_error *e)
{
    *out = NULL;
    if (!sym_json_string(obj, name, false, out, NULL, e))
        return false;
    if (*out && !(*out)[strspn(*out, " \t\r\n")])
        return sym_http_error_set(e, 400, "invalid_value", name, "\"%s\" is empty", name);
    if (*out && strlen(*out) > (1u << 20))
        return sym_http_error_set(e, 400, "invalid_value", name, "\"%s\" is longer than 1 MiB",
                                  name);
    return true;
}

void sym_route_feedback(struct sym_server *s, const struct sym_request *req, struct sym_reply *r)
{
    cJSON *obj = parse_body(req, r);
    const char *reason = NULL, *correction = NULL, *lang_name = NULL;
    long long conversation = 0, rating = 0, answer = 0;
    struct sym_feedback_outcome o;
    struct sym_http_error e;
    enum sym_lang lang;
    enum sym_status rc;
    bool ok, found = false, has_rating = false;

    if (!obj)
        return;
    ok = sym_json_int(obj, "conversation_id", 1, (long long)1 << 53, &conversation, &found, &e) &&
         sym_json_int(obj, "rating", -1, 1, &rating, &has_rating, &e) &&
         optional_text(obj, "reason", &reason, &e) &&
         optional_text(obj, "correction", &correction, &e) &&
         sym_json_string(obj, "lang", false, &lang_name, NULL, &e);
    if (ok && !found)
        ok = sym_http_error_set(&e, 400, "missing_field", "conversation_id",
                                "\"conversation_id\" is required");
    if (ok && !has_rating)
        ok = sym_http_error_set(&e, 400, "missing_field", "rating", "\"rating\" is required");
    if (ok && rating == 0 && !correction)
        ok = sym_http_error_set(&e, 400, "invalid_value", "rating",
                                "a rating of 0 needs a \"correction\"");
    if (ok && lang_name && strcmp(lang_name, "en") && strcmp(lang_name, "ru"))
        ok = sym_http_error_set(&e, 400, "invalid_value", "lang", "\"lang\" is \"en\" or \"ru\"");
    if (!ok) {
        sym_reply_error(r, &e);
        cJSON_Delete(obj);
        return;
    }
    lang = lang_name ? (!strcmp(lang_name, "ru") ? SYM_LANG_RU : SYM_LANG_EN)
                     : sym_detect_lang(reason       ? reason
                                       : correction ? correction
                                                    : "",
                                       SYM_LANG_EN);
    if (lock_store(s, r)) {
        rc = last_answer(s, conversation, &answer, &found);
        if (!rc && found && answer)
            rc = sym_feedback_give(s->store, answer, (int)rating, reason, correction, lang, &o);
        if (rc)
            store_error(s, rc, NULL, r);
        else if (!found)
            not_found(r, "conversation", conversation);
        else if (!answer)
            error_reply(r, 400, "invalid_value", "conversation_id",
                        "the conversation has no answer to rate yet");
        else
            reply_feedback(conversation, answer, (int)rating, reason, correction, &o, r);
        unlock_store(s);
    }
    cJSON_Delete(obj);
}
