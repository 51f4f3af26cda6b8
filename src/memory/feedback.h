/*
 * feedback.h: what the user thought of answers, and what each chat turn cost, kept in the memory
 * database (store.h; migration 6).
 *
 * Feedback rates one stored answer (a `turns` row of conversations.h): +1 good, -1 bad, 0 a
 * correction without a verdict; a reason ("too long") and a correction ("The capital is
 * Canberra") may come with it, and the fact a correction became. Deleting the conversation
 * deletes its feedback.
 *
 * Turn figures are one row per chat turn: backend, model, tokens (prompt, evaluated, generated),
 * time to first token, prompt and generation time, recall time and facts recalled, and the
 * process's peak resident memory. Only the newest SYM_STATS_KEEP rows are kept: each record
 * drops the older ones, so the table stays small whatever the user's habits.
 *
 * Errors as in store.h; SYM_ERR_INVALID for an unknown turn or a bad rating.
 */
#ifndef SYM_FEEDBACK_H
#define SYM_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"
#include "memory/store.h"

#define SYM_STATS_KEEP 10000

struct sym_turn_record {
    time_t created;    /* 0 = sym_clock_now() */
    long long turn_id; /* the stored answer; 0 = none */
    char backend[16];  /* "local" */
    char model[128];   /* the model file's name */
    int prompt_tokens, evaluated, generated;
    double ttft_ms, prompt_ms, gen_ms, recall_ms;
    int facts_recalled;
    long long peak_rss_kb;
};

/* A list of records. Zero-initialise; free with sym_turn_records_free(). */
struct sym_turn_records {
    struct sym_turn_record *items;
    size_t n;
};
void sym_turn_records_free(struct sym_turn_records *list);

/* Store one turn's figures (and drop all but the newest SYM_STATS_KEEP). */
enum sym_status sym_stats_record(struct sym_store *s, const struct sym_turn_record *r);
/* The records created at or after since, oldest first, into *out (emptied first). */
enum sym_status sym_stats_load(struct sym_store *s, time_t since, struct sym_turn_records *out);

/* Rate stored answer turn_id: rating +1, -1 or 0; reason and correction may be NULL; fact_id is
 * the fact a correction became (0: none). now 0 = sym_clock_now(). *id gets the feedback's id. */
enum sym_status sym_feedback_add(struct sym_store *s, long long turn_id, int rating,
                                 const char *reason, const char *correction, long long fact_id,
                                 time_t now, long long *id);

struct sym_feedback_item {
    long long id, turn_id;
    time_t created;
    int rating;
    char *prompt;     /* the user's message the answer replied to ("" if not found) */
    char *answer;     /* the rated answer */
    char *reason;     /* "" when none */
    char *correction; /* "" when none */
};

/* A list of feedback. Zero-initialise; free with sym_feedback_items_free(). */
struct sym_feedback_items {
    struct sym_feedback_item *items;
    size_t n;
};
void sym_feedback_items_free(struct sym_feedback_items *list);

/* Every rating, oldest first, with its prompt and answer, into *out (emptied first). */
enum sym_status sym_feedback_list(struct sym_store *s, struct sym_feedback_items *out);

#endif
