/*
 * feedback.c: ratings of answers and per-turn figures in the memory database; see feedback.h.
 *
 * Both tables come with migration 6. A record and the pruning of old records are one
 * transaction; the prune is cheap (the rows to drop are found through the primary key).
 */
#include "memory/feedback.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "memory/store_internal.h"

void sym_turn_records_free(struct sym_turn_records *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* Insert r. SQLite's code. */
static int insert_record(struct sym_store *s, const struct sym_turn_record *r)
{
    return sym_store_run(
        s,
        "INSERT INTO turn_stats (created, turn_id, backend, model, prompt_tokens, "
        "evaluated, generated, ttft_ms, prompt_ms, gen_ms, recall_ms, "
        "facts_recalled, peak_rss_kb) "
        "VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        "llttiiiddddil", (long long)(r->created ? r->created : sym_clock_now()),
        (long long)r->turn_id, r->backend, r->model, r->prompt_tokens, r->evaluated, r->generated,
        r->ttft_ms, r->prompt_ms, r->gen_ms, r->recall_ms, r->facts_recalled,
        (long long)r->peak_rss_kb);
}

enum sym_status sym_stats_record(struct sym_store *s, const struct sym_turn_record *r)
{
    static const char what[] = "cannot record the turn's figures";
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    if (!sym_utf8_valid(r->backend, strlen(r->backend)) ||
        !sym_utf8_valid(r->model, strlen(r->model)))
        return sym_store_invalid(s, what, "the backend or model name is not valid UTF-8");
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = insert_record(s, r);
    if (src == SQLITE_OK)
        src = sym_store_run(
            s, "DELETE FROM turn_stats WHERE id <= (SELECT max(id) FROM turn_stats) - ?", "i",
            SYM_STATS_KEEP);
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

/* Append the row st is on to out. SQLite's code. */
static int read_record(sqlite3_stmt *st, struct sym_turn_records *out, size_t *cap)
{
    struct sym_turn_record *r;
    const char *text;

    if (out->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct sym_turn_record *p = realloc(out->items, sizeof *p * ncap);

        if (!p)
            return SQLITE_NOMEM;
        out->items = p;
        *cap = ncap;
    }
    r = &out->items[out->n++];
    memset(r, 0, sizeof *r);
    r->created = (time_t)sqlite3_column_int64(st, 0);
    r->turn_id = sqlite3_column_int64(st, 1);
    text = (const char *)sqlite3_column_text(st, 2);
    snprintf(r->backend, sizeof r->backend, "%s", text ? text : "");
    text = (const char *)sqlite3_column_text(st, 3);
    snprintf(r->model, sizeof r->model, "%s", text ? text : "");
    r->prompt_tokens = sqlite3_column_int(st, 4);
    r->evaluated = sqlite3_column_int(st, 5);
    r->generated = sqlite3_column_int(st, 6);
    r->ttft_ms = sqlite3_column_double(st, 7);
    r->prompt_ms = sqlite3_column_double(st, 8);
    r->gen_ms = sqlite3_column_double(st, 9);
    r->recall_ms = sqlite3_column_double(st, 10);
    r->facts_recalled = sqlite3_column_int(st, 11);
    r->peak_rss_kb = sqlite3_column_int64(st, 12);
    return SQLITE_OK;
}

enum sym_status sym_stats_load(struct sym_store *s, time_t since, struct sym_turn_records *out)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    sym_store_clear_err(s);
    sym_turn_records_free(out);
    src = sym_store_query(
        s, &st,
        "SELECT created, coalesce(turn_id, 0), backend, model, prompt_tokens, evaluated, "
        "generated, ttft_ms, prompt_ms, gen_ms, recall_ms, facts_recalled, peak_rss_kb "
        "FROM turn_stats WHERE created >= ?1 ORDER BY created, id",
        "l", (long long)since);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
        src = read_record(st, out, &cap);
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return SYM_OK;
    sym_turn_records_free(out);
    return sym_store_fail(s, src, "cannot read the turn figures");
}

/* Whether turn_id is a stored answer. SQLite's code. */
static int is_answer(struct sym_store *s, long long turn_id, bool *yes)
{
    sqlite3_stmt *st = NULL;
    int src = sym_store_query(s, &st, "SELECT 1 FROM turns WHERE id = ?1 AND role = 'assistant'",
                              "l", turn_id);

    *yes = false;
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *yes = true;
        src = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

enum sym_status sym_feedback_add(struct sym_store *s, long long turn_id, int rating,
                                 const char *reason, const char *correction, long long fact_id,
                                 time_t now, long long *id)
{
    static const char what[] = "cannot store the feedback";
    enum sym_status rc;
    bool owned, yes = false;
    int src;

    sym_store_clear_err(s);
    reason = reason ? reason : "";
    correction = correction ? correction : "";
    if (rating < -1 || rating > 1)
        return sym_store_invalid(s, what, "the rating must be -1, 0 or 1");
    if (!sym_utf8_valid(reason, strlen(reason)) || !sym_utf8_valid(correction, strlen(correction)))
        return sym_store_invalid(s, what, "the text is not valid UTF-8");
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = is_answer(s, turn_id, &yes);
    if (src == SQLITE_OK && !yes) {
        rc = sym_store_invalid(s, what, "no such answer is stored");
        return sym_store_write_end(s, owned, rc, what);
    }
    if (src == SQLITE_OK)
        src = sym_store_run(
            s,
            "INSERT INTO feedback (turn_id, created, rating, reason, correction, fact_id) "
            "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0))",
            "llittl", turn_id, (long long)(now ? now : sym_clock_now()), rating, reason, correction,
            fact_id);
    if (src == SQLITE_OK)
        *id = sqlite3_last_insert_rowid(sym_store_db(s));
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

void sym_feedback_items_free(struct sym_feedback_items *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++) {
        free(list->items[i].prompt);
        free(list->items[i].answer);
        free(list->items[i].reason);
        free(list->items[i].correction);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

static char *column_dup(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);

    return strdup(text ? text : "");
}

/* Append the row st is on to out. SQLite's code. */
static int read_item(sqlite3_stmt *st, struct sym_feedback_items *out, size_t *cap)
{
    struct sym_feedback_item *f;

    if (out->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct sym_feedback_item *p = realloc(out->items, sizeof *p * ncap);

        if (!p)
            return SQLITE_NOMEM;
        out->items = p;
        *cap = ncap;
    }
    f = &out->items[out->n++];
    f->id = sqlite3_column_int64(st, 0);
    f->turn_id = sqlite3_column_int64(st, 1);
    f->created = (time_t)sqlite3_column_int64(st, 2);
    f->rating = sqlite3_column_int(st, 3);
    f->reason = column_dup(st, 4);
    f->correction = column_dup(st, 5);
    f->answer = column_dup(st, 6);
    f->prompt = column_dup(st, 7);
    return f->reason && f->correction && f->answer && f->prompt ? SQLITE_OK : SQLITE_NOMEM;
}

enum sym_status sym_feedback_list(struct sym_store *s, struct sym_feedback_items *out)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    sym_store_clear_err(s);
    sym_feedback_items_free(out);
    /* The prompt is the user's message just before the answer in the same conversation. */
    src = sym_store_query(
        s, &st,
        "SELECT f.id, f.turn_id, f.created, f.rating, f.reason, f.correction, a.text, "
        "  (SELECT u.text FROM turns u WHERE u.conversation_id = a.conversation_id "
        "   AND u.id < a.id AND u.role = 'user' ORDER BY u.id DESC LIMIT 1) "
        "FROM feedback f JOIN turns a ON a.id = f.turn_id ORDER BY f.created, f.id",
        "");
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
        src = read_item(st, out, &cap);
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return SYM_OK;
    sym_feedback_items_free(out);
    return sym_store_fail(s, src, "cannot read the feedback");
}
