/*
 * test_engine.c: several generations at once (llm/engine.h) on real models, greedy: each stream
 * gives the same text as the single-stream path gives the same prompt alone; a cancelled stream
 * stops alone and leaves the others' text intact; a shared start held by a busy slot is copied,
 * not evaluated again; prompts longer than a step's chunk still come out right.
 *
 * Usage: test_engine MODEL.gguf [TRAINED.gguf]   (the second, a tiny trained model, is optional:
 * its text is real words, so a mix-up between streams would show; skipped when missing)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "llm/engine.h"
#include "llm/llm.h"
#include "test.h"

#define N_STREAMS 4
#define N_TOKENS 24

static const char *const prompts[N_STREAMS] = {
    "Once upon a time there was a little dog named Max. One day",
    "The girl went to the park with her mother and",
    "Tom had a red ball. He liked to play with it every day, but",
    "Once upon a time there was a little cat who lived in a big house. She",
};

struct stream {
    struct sym_engine *engine;
    struct sym_llm *llm;
    const char *prompt;
    int max_tokens;
    struct sym_buf text;
    struct sym_gen_stats stats;
    enum sym_status rc;
    atomic_bool cancel;
    int cancel_after; /* raise cancel after this many pieces; 0: never */
    int pieces;
    atomic_int *started; /* counts streams that have their first piece */
};

static int on_text(const char *t, size_t n, void *data)
{
    struct stream *s = data;

    sym_buf_append(&s->text, t, n);
    if (++s->pieces == 1 && s->started)
        atomic_fetch_add(s->started, 1);
    if (s->cancel_after && s->pieces >= s->cancel_after)
        atomic_store(&s->cancel, true);
    return 0;
}

static struct sym_llm *open_model(const char *path, int n_parallel)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    char err[512];

    p.model_path = path;
    p.n_ctx = 512;
    p.n_threads = 2;
    p.n_parallel = n_parallel;
    if (sym_llm_init(&llm, &p, err, sizeof err))
        fprintf(stderr, "cannot open %s: %s\n", path, err);
    return llm;
}

static void *run_stream(void *data)
{
    struct stream *s = data;
    struct sym_sampling g = {0};

    g.temp = 0;
    g.repeat_penalty = 1;
    sym_llm_set_cancel(&s->cancel);
    /* Through sym_llm_generate: the engine answers for every caller while it runs. */
    s->rc = sym_llm_generate(s->llm, s->prompt, &g, s->max_tokens, NULL, on_text, s, &s->stats);
    sym_llm_set_cancel(NULL);
    return NULL;
}

/* The single-stream path's answers: the reference. */
static void reference(const char *path, struct sym_buf *want)
{
    struct sym_llm *llm = open_model(path, 0);
    struct stream s;
    int i;

    CHECK(llm != NULL);
    for (i = 0; llm && i < N_STREAMS; i++) {
        memset(&s, 0, sizeof s);
        s.llm = llm;
        s.prompt = prompts[i];
        s.max_tokens = N_TOKENS;
        sym_llm_clear_cache(llm);
        run_stream(&s);
        CHECK(s.rc == SYM_OK);
        CHECK(s.stats.n_generated > 0);
        want[i] = s.text;
    }
    sym_llm_free(llm);
}

/* All streams at once, through an engine of n_slots; each must give its reference text. */
static void together(const char *path, int n_slots, const struct sym_buf *want)
{
    struct sym_llm *llm = open_model(path, n_slots);
    struct sym_engine *e = NULL;
    struct stream s[N_STREAMS];
    pthread_t th[N_STREAMS];
    struct sym_engine_stats es;
    int i;

    CHECK(llm != NULL);
    if (!llm)
        return;
    CHECK(sym_engine_start(&e, llm, 8) == SYM_OK); /* small chunks: prompts span steps */
    memset(s, 0, sizeof s);
    for (i = 0; i < N_STREAMS; i++) {
        s[i].llm = llm;
        s[i].prompt = prompts[i];
        s[i].max_tokens = N_TOKENS;
        pthread_create(&th[i], NULL, run_stream, &s[i]);
    }
    for (i = 0; i < N_STREAMS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < N_STREAMS; i++) {
        CHECK(s[i].rc == SYM_OK);
        CHECK_STR(sym_buf_str(&s[i].text), sym_buf_str((struct sym_buf *)&want[i]));
        sym_buf_free(&s[i].text);
    }
    sym_engine_get_stats(e, &es);
    CHECK(es.n_slots == n_slots);
    CHECK(es.busy == 0);
    if (n_slots > 1) /* the streams shared batches: fewer decodes than tokens */
        CHECK(es.steps < es.batched);
    sym_engine_free(e);
    sym_llm_free(llm);
}

/* One stream cancelled after 3 pieces: it stops there; the others give their whole text. */
static void cancel_one(const char *path, const struct sym_buf *want)
{
    struct sym_llm *llm = open_model(path, N_STREAMS);
    struct sym_engine *e = NULL;
    struct stream s[N_STREAMS];
    pthread_t th[N_STREAMS];
    int i;

    CHECK(llm != NULL);
    if (!llm)
        return;
    CHECK(sym_engine_start(&e, llm, 0) == SYM_OK);
    memset(s, 0, sizeof s);
    for (i = 0; i < N_STREAMS; i++) {
        s[i].llm = llm;
        s[i].prompt = prompts[i];
        s[i].max_tokens = N_TOKENS;
        s[i].cancel_after = i == 1 ? 3 : 0;
        pthread_create(&th[i], NULL, run_stream, &s[i]);
    }
    for (i = 0; i < N_STREAMS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < N_STREAMS; i++) {
        CHECK(s[i].rc == SYM_OK);
        if (i == 1) {
            CHECK(s[i].stats.stop == SYM_STOP_INTERRUPT);
            CHECK(s[i].stats.n_generated < N_TOKENS);
            CHECK(!strncmp(sym_buf_str(&want[i]), sym_buf_str(&s[i].text), s[i].text.len));
        } else {
            CHECK_STR(sym_buf_str(&s[i].text), sym_buf_str((struct sym_buf *)&want[i]));
        }
        sym_buf_free(&s[i].text);
    }
    sym_engine_free(e);
    sym_llm_free(llm);
}

/* A second request that starts like a busy one gets that start copied: only the rest is
 * evaluated, and its text is still its own. */
static void shared_start(const char *path)
{
    static const char *start = "Once upon a time there was a little girl named Lily. She loved "
                               "to play outside in the sun with her friends and her dog.";
    char a_prompt[512], b_prompt[512];
    struct sym_llm *llm = open_model(path, 2), *alone = open_model(path, 0);
    struct sym_engine *e = NULL;
    struct stream a, b, ref;
    atomic_int started = 0;
    pthread_t ta;
    int n_start;

    CHECK(llm && alone);
    if (!llm || !alone)
        goto out;
    snprintf(a_prompt, sizeof a_prompt, "%s One day", start);
    snprintf(b_prompt, sizeof b_prompt, "%s Then", start);
    n_start = sym_llm_count_tokens(alone, start);
    memset(&ref, 0, sizeof ref);
    ref.llm = alone;
    ref.prompt = b_prompt;
    ref.max_tokens = 8;
    run_stream(&ref);
    CHECK(sym_engine_start(&e, llm, 0) == SYM_OK);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.llm = b.llm = llm;
    a.prompt = a_prompt;
    a.max_tokens = 200; /* still busy when b comes */
    a.started = &started;
    b.prompt = b_prompt;
    b.max_tokens = 8;
    pthread_create(&ta, NULL, run_stream, &a);
    while (!atomic_load(&started))
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    run_stream(&b);
    atomic_store(&a.cancel, true);
    pthread_join(ta, NULL);
    CHECK(b.rc == SYM_OK);
    CHECK(b.stats.n_evaluated <= b.stats.n_prompt - (n_start - 2));
    CHECK_STR(sym_buf_str(&b.text), sym_buf_str(&ref.text));
    sym_buf_free(&a.text);
    sym_buf_free(&b.text);
    sym_buf_free(&ref.text);
out:
    sym_engine_free(e);
    sym_llm_free(llm);
    sym_llm_free(alone);
}

static void suite(const char *path)
{
    struct sym_buf want[N_STREAMS];
    int i;

    memset(want, 0, sizeof want);
    reference(path, want);
    together(path, 1, want);
    together(path, N_STREAMS, want);
    together(path, 2, want); /* more streams than slots: the others wait for a free one */
    cancel_one(path, want);
    shared_start(path);
    for (i = 0; i < N_STREAMS; i++)
        sym_buf_free(&want[i]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_engine MODEL.gguf [TRAINED.gguf]\n");
        return 2;
    }
    suite(argv[1]);
    if (argc > 2 && access(argv[2], R_OK) == 0)
        suite(argv[2]);
    else
        printf("skip: no trained model (%s)\n", argc > 2 ? argv[2] : "none given");
    return test_report("engine");
}
