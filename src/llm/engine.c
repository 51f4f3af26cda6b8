/*
 * engine.c: slots and continuous batching over one llama.cpp context; see engine.h.
 *
 * Threads: callers (any thread) tokenize their prompt and build their sampler themselves, put a
 * request on the queue and sleep on the engine's condition variable until it is done. The
 * engine's thread alone touches the slots, the batch and the context: it takes requests into
 * free slots, steps while any slot is busy, and sleeps when none is. The queue, the requests'
 * `done` and the figures are guarded by `lock`; a request's fields otherwise belong to the engine
 * thread from the moment it is queued until `done`, then to its caller again.
 *
 * A step: (1) every generating slot adds its last sampled token (logits on); (2) the slots still
 * reading their prompt add a chunk each, normal priority first, low priority in what is left,
 * taking turns in who goes first; the last token of a prompt has logits on. While any slot is
 * generating a chunk is at most `chunk` tokens, so a long prompt costs the streams only a
 * bounded pause per step; when none is, prompts fill the whole batch. (3) One llama_decode under
 * the model's decode lock (the side context shares the threadpool). (4) Each slot with logits
 * samples its next token and streams its piece, as llm.c's loop does.
 *
 * Each slot's `cache` mirrors its sequence, token for token (the single-stream path's rule: on a
 * failed decode, the sequence is cut back to the mirror, so the mirror is never wrong).
 */
#include "llm/engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/llm_internal.h"

struct request {
    /* The caller's, read-only for the engine. */
    llama_token *toks;
    int n;
    int max_tokens;
    enum sym_engine_priority priority;
    const atomic_bool *cancel;
    struct llama_sampler *smpl;
    struct sym_llm_stream st;
    /* The engine's while queued or in a slot; the caller's after done. */
    struct sym_gen_stats *stats;
    double t0, t_first;
    enum sym_status rc;
    char err[256];
    int n_cached; /* tokens in its slot when it ended */
    bool done;    /* under the engine's lock */
    struct request *next;
};

struct slot {
    int seq;
    llama_token *cache; /* tokens in the sequence */
    int n_cache;
    struct request *req; /* NULL: free */
    bool has_pending;    /* generating: `pending` is sampled, not yet decoded */
    llama_token pending;
    int i_batch;    /* where its logits are in this step's batch; -1: none */
    int n_added;    /* tokens it put in this step's batch */
    long long used; /* step of its last request, for least-recently-used choice */
};

struct sym_engine {
    struct sym_llm *llm;
    struct llama_context *ctx;
    const struct llama_vocab *vocab;
    int n_slots, n_ctx, n_batch, chunk;
    struct slot *slots;
    struct llama_batch batch;
    int rr; /* which slot's prompt goes first in the next step */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the engine thread: a request came, or stop */
    pthread_cond_t done; /* callers: a request is over */
    struct request *head, *tail;
    int waiting, busy;
    bool stopping;
    long long steps, batched;
    int kv_used;
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int common_prefix(const llama_token *a, int na, const llama_token *b, int nb)
{
    int i = 0;

    while (i < na && i < nb && a[i] == b[i])
        i++;
    return i;
}

/* ---- the engine thread ---- */

/* The request is over: hand it back to its caller. */
static void finish(struct sym_engine *e, struct slot *s, enum sym_status rc)
{
    struct request *r = s->req;

    if (!rc && !r->st.stopped_by_string && !r->st.stopped_by_caller && r->stats->n_generated)
        rc = sym_llm_stream_push(&r->st, "", 0, true);
    if (rc == SYM_ERR_INTERRUPTED)
        r->stats->stop = SYM_STOP_INTERRUPT;
    r->stats->gen_ms = r->stats->n_generated ? now_ms() - r->t_first : 0;
    r->rc = rc;
    r->n_cached = s->n_cache;
    s->req = NULL;
    s->has_pending = false;
    pthread_mutex_lock(&e->lock);
    r->done = true;
    e->busy--;
    pthread_cond_broadcast(&e->done);
    pthread_mutex_unlock(&e->lock);
}

/* Put r into slot s: keep the longest prefix s (or, copied, another slot) has of its prompt. */
static void seat(struct sym_engine *e, struct slot *s, struct request *r)
{
    llama_memory_t mem = llama_get_memory(e->ctx);
    int keep = common_prefix(s->cache, s->n_cache, r->toks, r->n), i;
    struct slot *from = NULL;

    for (i = 0; i < e->n_slots; i++) {
        struct slot *o = &e->slots[i];
        int c = o == s ? 0 : common_prefix(o->cache, o->n_cache, r->toks, r->n);

        if (c > keep) {
            keep = c;
            from = o;
        }
    }
    if (from) {
        llama_memory_seq_rm(mem, s->seq, 0, -1);
        llama_memory_seq_cp(mem, from->seq, s->seq, 0, keep);
        memcpy(s->cache, from->cache, sizeof *s->cache * (size_t)keep);
    }
    if (keep == r->n)
        keep--; /* the last token is decoded again, so its logits are fresh */
    if (!llama_memory_seq_rm(mem, s->seq, keep, -1)) {
        llama_memory_seq_rm(mem, s->seq, 0, -1);
        keep = 0;
    }
    s->n_cache = keep;
    s->req = r;
    s->has_pending = false;
    s->used = e->steps;
    r->stats->n_evaluated = r->n - keep;
}

/* Take waiting requests into free slots: each to the free slot that shares most of its prompt
 * (the least recently used among equals). e->lock held. */
static void admit(struct sym_engine *e)
{
    while (e->head) {
        struct request *r = e->head;
        struct slot *best = NULL;
        int best_len = -1, i;

        for (i = 0; i < e->n_slots; i++) {
            struct slot *s = &e->slots[i];
            int c;

            if (s->req)
                continue;
            c = common_prefix(s->cache, s->n_cache, r->toks, r->n);
            if (c > best_len || (c == best_len && s->used < best->used)) {
                best = s;
                best_len = c;
            }
        }
        if (!best)
            return;
        e->head = r->next;
        if (!e->head)
            e->tail = NULL;
        e->waiting--;
        e->busy++;
        seat(e, best, r);
    }
}

static bool stop_asked(const struct sym_engine *e, const struct request *r)
{
    volatile sig_atomic_t *all = sym_llm_interrupt_flag(e->llm);

    return (all && *all) || (r->cancel && atomic_load(r->cancel));
}

static void batch_add(struct sym_engine *e, struct slot *s, llama_token tok, bool logits)
{
    struct llama_batch *b = &e->batch;
    int i = b->n_tokens++;

    b->token[i] = tok;
    b->pos[i] = s->n_cache + s->n_added;
    b->n_seq_id[i] = 1;
    b->seq_id[i][0] = s->seq;
    b->logits[i] = logits;
    if (logits)
        s->i_batch = i;
    s->n_added++;
}

/* Sample slot s's next token from this step's logits and stream it; finish the request when it
 * ends. */
static void sample(struct sym_engine *e, struct slot *s)
{
    struct request *r = s->req;
    struct sym_gen_stats *stats = r->stats;
    char piece[256];
    llama_token tok;
    enum sym_status rc;
    int n;

    tok = llama_sampler_sample(r->smpl, e->ctx, s->i_batch);
    if (stats->n_generated++ == 0) {
        r->t_first = now_ms();
        stats->ttft_ms = r->t_first - r->t0;
    }
    if (llama_vocab_is_eog(e->vocab, tok)) {
        stats->stop = SYM_STOP_EOG;
        finish(e, s, SYM_OK);
        return;
    }
    n = llama_token_to_piece(e->vocab, tok, piece, sizeof piece, 0, false);
    if (n < 0) {
        snprintf(r->err, sizeof r->err, "token %d has no text", (int)tok);
        finish(e, s, SYM_ERR_MODEL);
        return;
    }
    rc = sym_llm_stream_push(&r->st, piece, (size_t)n, false);
    if (rc) {
        finish(e, s, rc);
        return;
    }
    if (r->st.stopped_by_string || r->st.stopped_by_caller) {
        stats->stop = r->st.stopped_by_string ? SYM_STOP_STRING : SYM_STOP_CALLER;
        finish(e, s, SYM_OK);
        return;
    }
    if (r->max_tokens >= 0 && stats->n_generated >= r->max_tokens) {
        finish(e, s, SYM_OK); /* stop stays SYM_STOP_LIMIT */
        return;
    }
    if (s->n_cache >= e->n_ctx) {
        stats->stop = SYM_STOP_CONTEXT;
        finish(e, s, SYM_OK);
        return;
    }
    s->pending = tok;
    s->has_pending = true;
}

/* Fill the batch with prompt chunks of the slots of one priority, up to *budget tokens. */
static void add_prompts(struct sym_engine *e, enum sym_engine_priority prio, int limit, int *budget)
{
    int k;

    for (k = 0; k<e->n_slots && * budget> 0; k++) {
        struct slot *s = &e->slots[(e->rr + k) % e->n_slots];
        struct request *r = s->req;
        int left, take, j;

        if (!r || s->has_pending || r->priority != prio || s->n_cache >= r->n)
            continue;
        left = r->n - s->n_cache;
        take = left < limit ? left : limit;
        take = take < *budget ? take : *budget;
        for (j = 0; j < take; j++)
            batch_add(e, s, r->toks[s->n_cache + j], j == left - 1);
        *budget -= take;
    }
}

/* One step: one batch for every busy slot, one decode, then the sampling. */
static void step(struct sym_engine *e)
{
    llama_memory_t mem = llama_get_memory(e->ctx);
    bool generating = false;
    int budget, i, ret;

    e->batch.n_tokens = 0;
    for (i = 0; i < e->n_slots; i++) {
        struct slot *s = &e->slots[i];

        s->i_batch = -1;
        s->n_added = 0;
        if (!s->req)
            continue;
        if (stop_asked(e, s->req)) {
            s->req->stats->stop = SYM_STOP_INTERRUPT;
            if (!s->req->stats->n_generated)
                snprintf(s->req->err, sizeof s->req->err, "interrupted");
            finish(e, s, s->req->stats->n_generated ? SYM_OK : SYM_ERR_INTERRUPTED);
            continue;
        }
        if (s->req->max_tokens == 0 && s->n_cache >= s->req->n) {
            finish(e, s, SYM_OK);
            continue;
        }
        if (s->has_pending) {
            batch_add(e, s, s->pending, true);
            generating = true;
        }
    }
    budget = e->n_batch - e->batch.n_tokens;
    add_prompts(e, SYM_ENGINE_NORMAL, generating ? e->chunk : e->n_batch, &budget);
    add_prompts(e, SYM_ENGINE_LOW, generating ? e->chunk : e->n_batch, &budget);
    e->rr = (e->rr + 1) % e->n_slots;
    if (!e->batch.n_tokens)
        return;
    sym_llm_decode_lock(e->llm);
    ret = llama_decode(e->ctx, e->batch);
    sym_llm_decode_unlock(e->llm);
    pthread_mutex_lock(&e->lock);
    e->steps++;
    e->batched += e->batch.n_tokens;
    pthread_mutex_unlock(&e->lock);
    for (i = 0; i < e->n_slots; i++) {
        struct slot *s = &e->slots[i];
        struct request *r = s->req;

        if (!r || !s->n_added)
            continue;
        if (ret != 0) {
            /* What this batch left behind is not trusted: cut back to the mirror. */
            llama_memory_seq_rm(mem, s->seq, s->n_cache, -1);
            snprintf(r->err, sizeof r->err,
                     ret == 2   ? "interrupted"
                     : ret == 1 ? "no room left in the context"
                                : "decoding failed");
            if (ret == 2 && r->stats->n_generated) {
                r->stats->stop = SYM_STOP_INTERRUPT;
                finish(e, s, SYM_OK);
            } else {
                finish(e, s,
                       ret == 2   ? SYM_ERR_INTERRUPTED
                       : ret == 1 ? SYM_ERR_CONTEXT
                                  : SYM_ERR_MODEL);
            }
            continue;
        }
        if (s->has_pending) {
            s->cache[s->n_cache++] = s->pending;
            s->has_pending = false;
        } else {
            memcpy(s->cache + s->n_cache, r->toks + s->n_cache,
                   sizeof *s->cache * (size_t)s->n_added);
            s->n_cache += s->n_added;
            if (s->n_cache == r->n)
                r->stats->prompt_ms = now_ms() - r->t0;
        }
        if (s->i_batch >= 0) {
            if (r->max_tokens == 0)
                finish(e, s, SYM_OK);
            else
                sample(e, s);
        }
    }
}

static void *engine_main(void *data)
{
    struct sym_engine *e = data;
    int i, used;

    pthread_mutex_lock(&e->lock);
    for (;;) {
        admit(e);
        while (!e->stopping && !e->busy && !e->head)
            pthread_cond_wait(&e->wake, &e->lock);
        if (e->stopping)
            break;
        admit(e);
        pthread_mutex_unlock(&e->lock);
        step(e);
        for (i = 0, used = 0; i < e->n_slots; i++)
            used += e->slots[i].n_cache;
        pthread_mutex_lock(&e->lock);
        e->kv_used = used;
    }
    pthread_mutex_unlock(&e->lock);
    /* Stopping: every request still here ends as interrupted. */
    for (i = 0; i < e->n_slots; i++)
        if (e->slots[i].req) {
            snprintf(e->slots[i].req->err, sizeof e->slots[i].req->err, "interrupted");
            e->slots[i].req->stats->stop = SYM_STOP_INTERRUPT;
            finish(e, &e->slots[i],
                   e->slots[i].req->stats->n_generated ? SYM_OK : SYM_ERR_INTERRUPTED);
        }
    return NULL;
}

/* ---- the callers' side ---- */

static enum sym_status generate_cached(struct sym_engine *e, enum sym_engine_priority priority,
                                       const char *prompt, const struct sym_sampling *sampling,
                                       int max_tokens, const char *const *stops,
                                       sym_llm_text_fn on_text, void *data,
                                       struct sym_gen_stats *stats, char *err, size_t errlen,
                                       int *n_cached);

enum sym_status sym_engine_generate(struct sym_engine *e, enum sym_engine_priority priority,
                                    const char *prompt, const struct sym_sampling *sampling,
                                    int max_tokens, const char *const *stops,
                                    sym_llm_text_fn on_text, void *data,
                                    struct sym_gen_stats *stats, char *err, size_t errlen)
{
    int n_cached = 0;

    return generate_cached(e, priority, prompt, sampling, max_tokens, stops, on_text, data, stats,
                           err, errlen, &n_cached);
}

static enum sym_status generate_cached(struct sym_engine *e, enum sym_engine_priority priority,
                                       const char *prompt, const struct sym_sampling *sampling,
                                       int max_tokens, const char *const *stops,
                                       sym_llm_text_fn on_text, void *data,
                                       struct sym_gen_stats *stats, char *err, size_t errlen,
                                       int *n_cached)
{
    struct request r;
    enum sym_status rc;

    memset(&r, 0, sizeof r);
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    r.t0 = now_ms();
    r.stats = stats;
    r.max_tokens = max_tokens;
    r.priority = priority;
    r.cancel = sym_llm_thread_cancel();
    stats->stop = SYM_STOP_LIMIT;
    r.n = sym_llm_tokenize(e->llm, prompt, &r.toks, err, errlen);
    if (r.n <= 0) {
        if (r.n == 0 || !err[0])
            snprintf(err, errlen, r.n == 0 ? "empty prompt" : "cannot tokenize prompt");
        rc = r.n == 0 ? SYM_ERR_INVALID : SYM_ERR_NOMEM;
        goto out;
    }
    stats->n_prompt = r.n;
    if (r.n >= e->n_ctx) {
        snprintf(err, errlen,
                 "the prompt is %d tokens but the context holds %d; shorten it or raise -c", r.n,
                 e->n_ctx);
        rc = SYM_ERR_CONTEXT;
        goto out;
    }
    r.smpl = sym_llm_sampler(e->llm, sampling, err, errlen);
    if (!r.smpl) {
        rc = err[0] ? SYM_ERR_INVALID : SYM_ERR_NOMEM;
        goto out;
    }
    sym_llm_stream_init(&r.st, stops, on_text, data);
    pthread_mutex_lock(&e->lock);
    if (e->stopping) {
        pthread_mutex_unlock(&e->lock);
        snprintf(err, errlen, "interrupted");
        stats->stop = SYM_STOP_INTERRUPT;
        rc = SYM_ERR_INTERRUPTED;
        goto out;
    }
    if (e->tail)
        e->tail->next = &r;
    else
        e->head = &r;
    e->tail = &r;
    e->waiting++;
    pthread_cond_signal(&e->wake);
    while (!r.done)
        pthread_cond_wait(&e->done, &e->lock);
    pthread_mutex_unlock(&e->lock);
    rc = r.rc;
    if (rc)
        snprintf(err, errlen, "%s", r.err[0] ? r.err : "generation failed");
    *n_cached = r.n_cached;
out:
    sym_llm_stream_free(&r.st);
    if (r.smpl)
        llama_sampler_free(r.smpl);
    free(r.toks);
    return rc;
}

/* sym_llm_generate() while the engine runs: the slot's tokens afterwards go to *n_cached. */
static enum sym_status hook(void *engine, const char *prompt, const struct sym_sampling *sampling,
                            int max_tokens, const char *const *stops, sym_llm_text_fn on_text,
                            void *data, struct sym_gen_stats *stats, char *err, size_t errlen,
                            int *n_cached)
{
    *n_cached = 0;
    return generate_cached(engine, SYM_ENGINE_NORMAL, prompt, sampling, max_tokens, stops, on_text,
                           data, stats, err, errlen, n_cached);
}

void sym_engine_get_stats(struct sym_engine *e, struct sym_engine_stats *out)
{
    pthread_mutex_lock(&e->lock);
    out->n_slots = e->n_slots;
    out->busy = e->busy;
    out->waiting = e->waiting;
    out->n_ctx = e->n_ctx;
    out->kv_used = e->kv_used;
    out->steps = e->steps;
    out->batched = e->batched;
    pthread_mutex_unlock(&e->lock);
}

int sym_engine_slot_seq(const struct sym_engine *e, int slot)
{
    return slot >= 0 && slot < e->n_slots ? e->slots[slot].seq : -1;
}

enum sym_status sym_engine_start(struct sym_engine **out, struct sym_llm *llm, int chunk)
{
    struct sym_engine *e;
    int i;

    *out = NULL;
    if (sym_llm_n_parallel(llm) < 1)
        return SYM_ERR_INVALID;
    e = calloc(1, sizeof *e);
    if (!e)
        return SYM_ERR_NOMEM;
    e->llm = llm;
    e->ctx = sym_llm_context(llm);
    e->vocab = sym_llm_vocab(llm);
    e->n_slots = sym_llm_n_parallel(llm);
    e->n_ctx = sym_llm_n_ctx(llm);
    e->n_batch = (int)llama_n_batch(e->ctx);
    e->chunk = chunk > 0 ? chunk : SYM_ENGINE_DEFAULT_CHUNK;
    e->slots = calloc((size_t)e->n_slots, sizeof *e->slots);
    if (!e->slots)
        goto nomem;
    for (i = 0; i < e->n_slots; i++) {
        e->slots[i].seq = i;
        e->slots[i].cache = malloc(sizeof *e->slots[i].cache * (size_t)e->n_ctx);
        if (!e->slots[i].cache)
            goto nomem;
    }
    e->batch = llama_batch_init(e->n_batch, 0, 1);
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->wake, NULL);
    pthread_cond_init(&e->done, NULL);
    /* The single-stream path's tokens are forgotten: the sequences are the slots' now. */
    sym_llm_clear_cache(llm);
    if (pthread_create(&e->thread, NULL, engine_main, e)) {
        llama_batch_free(e->batch);
        pthread_cond_destroy(&e->done);
        pthread_cond_destroy(&e->wake);
        pthread_mutex_destroy(&e->lock);
        goto nomem;
    }
    sym_llm_set_engine(llm, hook, e);
    *out = e;
    return SYM_OK;
nomem:
    for (i = 0; e->slots && i < e->n_slots; i++)
        free(e->slots[i].cache);
    free(e->slots);
    free(e);
    return SYM_ERR_NOMEM;
}

void sym_engine_free(struct sym_engine *e)
{
    struct request *r;
    int i;

    if (!e)
        return;
    sym_llm_set_engine(e->llm, NULL, NULL);
    pthread_mutex_lock(&e->lock);
    e->stopping = true;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
    pthread_join(e->thread, NULL);
    pthread_mutex_lock(&e->lock);
    while ((r = e->head)) { /* never seated: end them here */
        e->head = r->next;
        snprintf(r->err, sizeof r->err, "interrupted");
        r->stats->stop = SYM_STOP_INTERRUPT;
        r->rc = SYM_ERR_INTERRUPTED;
        r->done = true;
    }
    e->tail = NULL;
    pthread_cond_broadcast(&e->done);
    pthread_mutex_unlock(&e->lock);
    /* The sequences are the single-stream path's again, which starts from an empty cache. */
    llama_memory_clear(llama_get_memory(e->ctx), true);
    llama_batch_free(e->batch);
    pthread_cond_destroy(&e->done);
    pthread_cond_destroy(&e->wake);
    pthread_mutex_destroy(&e->lock);
    for (i = 0; i < e->n_slots; i++)
        free(e->slots[i].cache);
    free(e->slots);
    free(e);
}
