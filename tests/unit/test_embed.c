/*
 * test_embed.c: embeddings (llm/embed.h) and search by meaning in the facts (memory/facts.h),
 * with the random-weight test model standing in for an embedding model: vectors have the model's
 * size and unit length and are the same for the same text; each fact gets one vector, removed with
 * the fact; another model rebuilds them all; a fused search still puts the exact fact first, and
 * a weak model (the random one) never reorders what the full text found.
 *
 * Usage: test_embed MODEL.gguf SCRATCH_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "core/embedding.h"
#include "llm/embed.h"
#include "llm/llm.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"

static const char *model_path;
static const char *scratch;

static struct sym_embedder *open_embedder(const char *path)
{
    struct sym_embedder *e = NULL;
    char err[512];

    if (sym_embedder_init(&e, path, 2, err, sizeof err))
        fprintf(stderr, "cannot open embedder %s: %s\n", path, err);
    return e;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_errors(void)
{
    struct sym_embedder *e = (struct sym_embedder *)1;
    char err[512], path[1024];
    FILE *f;

    CHECK(sym_embedder_init(&e, "/nonexistent/model.gguf", 1, err, sizeof err) ==
          SYM_ERR_NOT_FOUND);
    CHECK(e == NULL);
    CHECK_CONTAINS(err, "/nonexistent/model.gguf");
    snprintf(path, sizeof path, "%s/not-a-model-%d.gguf", scratch, (int)getpid());
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("hello, not a model\n", f);
        fclose(f);
    }
    CHECK(sym_embedder_init(&e, path, 1, err, sizeof err) == SYM_ERR_MODEL);
    CHECK_CONTAINS(err, "not a GGUF");
    unlink(path);
}

static void test_vectors(void)
{
    struct sym_embedder *e = open_embedder(model_path);
    float *a = NULL, *b = NULL, *c = NULL;
    int da = 0, db = 0, dc = 0, i, n = 20;
    double norm = 0, diff = 0, t0;

    CHECK(e != NULL);
    if (!e)
        return;
    CHECK(sym_embedder_dim(e) > 0);
    CHECK(strstr(sym_embedder_id(e), "tiny-spm.gguf:") == sym_embedder_id(e));
    CHECK(sym_embed(e, "My sister is Anna", &a, &da) == SYM_OK);
    CHECK(da == sym_embedder_dim(e));
    for (i = 0; a && i < da; i++)
        norm += (double)a[i] * a[i];
    CHECK(fabs(norm - 1.0) < 1e-4);
    CHECK(sym_embed(e, "My sister is Anna", &b, &db) == SYM_OK);
    CHECK(db == da);
    for (i = 0; a && b && i < da; i++)
        diff += fabs((double)a[i] - b[i]);
    CHECK(diff < 1e-5);
    CHECK(sym_embed(e, "I live in Kazan and drive a red car", &c, &dc) == SYM_OK);
    diff = 0;
    for (i = 0; a && c && i < da; i++)
        diff += fabs((double)a[i] - c[i]);
    CHECK(diff > 1e-3);
    free(a);
    free(b);
    free(c);
    t0 = now_ms();
    for (i = 0; i < n; i++) {
        CHECK(sym_embed(e, "Я живу в Казани, моя сестра Анна работает врачом", &a, &da) == SYM_OK);
        free(a);
        a = NULL;
    }
    fprintf(stderr, "test_embed: %.2f ms per embedding (%d dims)\n", (now_ms() - t0) / n,
            sym_embedder_dim(e));
    sym_embedder_free(e);
}

static void test_facts(void)
{
    static const char *const texts[] = {
        "My sister is Anna",       "I live in Kazan",          "My car is a red Lada",
        "Я люблю зелёный чай",     "The dentist is on Friday", "My dog is called Rex",
        "Мой брат живёт в Москве", "I work as a teacher",
    };
    const size_t n_texts = sizeof texts / sizeof texts[0];
    struct sym_embedder *e = open_embedder(model_path), *other = NULL;
    struct sym_store *s = NULL;
    struct sym_facts found = {NULL, 0};
    char db_path[1024], copy[1024], err[512], cmd[3072];
    long long id, ids[8], n = 0;
    size_t i, built = 99;
    bool ok;

    snprintf(db_path, sizeof db_path, "%s/embed-%d.db", scratch, (int)getpid());
    unlink(db_path);
    CHECK(e != NULL);
    CHECK(sym_store_open(&s, db_path, err, sizeof err) == SYM_OK);
    if (!e || !s)
        goto out;
    /* Facts stored before the embedder came get their vectors from the sync. */
    {
        struct sym_fact_input in = {texts[0], NULL, NULL, 0, false, 0};

        CHECK(sym_fact_add(s, &in, &ids[0], NULL) == SYM_OK);
    }
    sym_embedding_attach(s, e);
    CHECK(sym_fact_count_vectors(s, &n) == SYM_OK && n == 0);
    CHECK(sym_fact_sync_vectors(s, &built) == SYM_OK && built == 1);
    for (i = 1; i < n_texts; i++) {
        struct sym_fact_input in = {texts[i], NULL, NULL, 0, false, 0};

        CHECK(sym_fact_add(s, &in, &ids[i], NULL) == SYM_OK);
    }
    CHECK(sym_fact_count_vectors(s, &n) == SYM_OK && n == (long long)n_texts);
    CHECK(sym_fact_sync_vectors(s, &built) == SYM_OK && built == 0);
    /* remember (through add and edit) keeps one vector per fact. */
    {
        enum sym_fact_outcome outcome;

        CHECK(sym_fact_remember(s, "I live in Paris", "home", NULL, &id, &outcome) == SYM_OK);
        CHECK(sym_fact_remember(s, "I live in Berlin", "home", NULL, &id, &outcome) == SYM_OK);
        CHECK(outcome == SYM_FACT_SUPERSEDED);
        CHECK(sym_fact_edit(s, ids[2], "My car is a blue Volvo", 0, &ok) == SYM_OK && ok);
    }
    CHECK(sym_fact_count_vectors(s, &n) == SYM_OK && n == (long long)n_texts + 1);
    CHECK(sym_fact_sync_vectors(s, &built) == SYM_OK && built == 0);

    /* The exact text is first in both rankings. */
    CHECK(sym_fact_search(s, "My dog is called Rex", 5, &found) == SYM_OK);
    CHECK(found.n >= 1 && found.n <= 5);
    if (found.n) {
        CHECK(found.items[0].id == ids[5]);
        CHECK(found.items[0].score > 0);
        CHECK(fabs(found.items[0].score - 2.0 / 61) < 1e-9);
    }
    for (i = 1; i < found.n; i++)
        CHECK(found.items[i].score <= found.items[i - 1].score);
    CHECK(sym_fact_search(s, "Мой брат живёт в Москве", 3, &found) == SYM_OK);
    CHECK(found.n >= 1 && found.items[0].id == ids[6]);
    /* A query sharing no word with any fact still gets neighbours by meaning. */
    CHECK(sym_fact_search(s, "xylophone quartz", 3, &found) == SYM_OK);
    CHECK(found.n == 3);
    sym_facts_free(&found);

    /* Forgetting removes the vector (foreign-key cascade). */
    CHECK(sym_fact_forget(s, ids[5], &ok) == SYM_OK && ok);
    CHECK(sym_fact_count_vectors(s, &n) == SYM_OK && n == (long long)n_texts);
    CHECK(sym_fact_search(s, "My dog is called Rex", 5, &found) == SYM_OK);
    for (i = 0; i < found.n; i++)
        CHECK(found.items[i].id != ids[5]);
    sym_facts_free(&found);

    /* Another model (the same weights under another file name: another id) rebuilds them all. */
    snprintf(copy, sizeof copy, "%s/embed-other-%d.gguf", scratch, (int)getpid());
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", model_path, copy);
    CHECK(system(cmd) == 0);
    other = open_embedder(copy);
    CHECK(other != NULL);
    if (other) {
        CHECK(strcmp(sym_embedder_id(other), sym_embedder_id(e)) != 0);
        sym_embedding_attach(s, other);
        CHECK(sym_fact_sync_vectors(s, &built) == SYM_OK && built == n_texts);
        CHECK(sym_fact_sync_vectors(s, &built) == SYM_OK && built == 0);
        CHECK(sym_fact_count_vectors(s, &n) == SYM_OK && n == (long long)n_texts);
        CHECK(sym_fact_search(s, "I live in Kazan", 3, &found) == SYM_OK);
        CHECK(found.n >= 1 && found.items[0].id == ids[1]);
        sym_facts_free(&found);
    }
    unlink(copy);
    /* Without an embedder the search is full-text only, as before. */
    sym_embedding_attach(s, NULL);
    CHECK(sym_fact_search(s, "xylophone quartz", 3, &found) == SYM_OK && found.n == 0);
    /* (the feedback, search.c, may add a fact that shares the Kazan fact's other words) */
    CHECK(sym_fact_search(s, "Kazan", 3, &found) == SYM_OK && found.n >= 1 &&
          found.items[0].id == ids[1]);
    sym_facts_free(&found);
out:
    sym_store_close(s);
    sym_embedder_free(other);
    sym_embedder_free(e);
    unlink(db_path);
}

/* A weak model cannot make a search worse than the full text alone: with the random-weight test
 * model, whose ranking has nothing to do with the words, the full text's results keep their
 * order (the vectors' only come after them), while a query no word of which is stored still gets
 * neighbours by meaning. */
static void test_weak_model(void)
{
    static const char *const texts[] = {
        "My sister Anna lives in Kazan",        "Anna plays the violin in an orchestra",
        "The orchestra rehearses on Thursdays", "My brother fixes old cars",
        "The old car needs new brakes",         "Kazan is on the Volga river",
        "We swam in the river last summer",     "My sister bakes bread every Sunday",
        "The bakery near the river closed",     "Thursday is my day off",
        "I bought a violin bow in Kazan",       "The brakes squeal in the rain",
        "Rain flooded the bakery cellar",       "My brother lives near the Volga",
        "Sunday dinner is at my sister's",      "The cellar is full of old jars",
    };
    static const char *const queries[] = {"Where does Anna live?", "violin orchestra",
                                          "old car brakes", "river Volga", "bakery rain"};
    struct sym_embedder *e = open_embedder(model_path);
    struct sym_store *s = NULL;
    char db_path[1024], err[512];
    size_t i, q, j;

    snprintf(db_path, sizeof db_path, "%s/embed-weak-%d.db", scratch, (int)getpid());
    unlink(db_path);
    CHECK(e != NULL);
    CHECK(sym_store_open(&s, db_path, err, sizeof err) == SYM_OK);
    if (!e || !s)
        goto out;
    sym_embedding_attach(s, e);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct sym_fact_input in = {texts[i], NULL, NULL, 0, false, 0};
        long long id;

        CHECK(sym_fact_add(s, &in, &id, NULL) == SYM_OK);
    }
    for (q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        struct sym_facts text = {NULL, 0}, fused = {NULL, 0};

        sym_embedding_attach(s, NULL);
        CHECK(sym_fact_search(s, queries[q], 10, &text) == SYM_OK && text.n >= 2);
        sym_embedding_attach(s, e);
        CHECK(sym_fact_search(s, queries[q], 10, &fused) == SYM_OK && fused.n >= text.n);
        for (j = 0; j < text.n && j < fused.n; j++)
            if (fused.items[j].id != text.items[j].id) {
                printf("  %s: #%zu is \"%s\", full text alone has \"%s\"\n", queries[q], j + 1,
                       fused.items[j].text, text.items[j].text);
                CHECK(fused.items[j].id == text.items[j].id);
            }
        sym_facts_free(&text);
        sym_facts_free(&fused);
    }
    {
        struct sym_facts found = {NULL, 0};

        CHECK(sym_fact_search(s, "xylophone quartz", 3, &found) == SYM_OK && found.n == 3);
        sym_facts_free(&found);
    }
out:
    sym_store_close(s);
    sym_embedder_free(e);
    unlink(db_path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_embed MODEL.gguf SCRATCH_DIR\n");
        return 2;
    }
    model_path = argv[1];
    scratch = argv[2];
    sym_llm_route_log();
    test_errors();
    test_vectors();
    test_facts();
    test_weak_model();
    return test_report("test_embed");
}
