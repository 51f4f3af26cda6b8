/*
 * test_assistant.c: the turn pipeline on a real model: commands, multi-turn KV reuse, eviction
 * of old turns with a notice, over-long messages, invalid UTF-8, no model, and the model's pass of
 * fact extraction (on the second model, which has a chat template).
 *
 * Usage: test_assistant MODEL.gguf OTHER_MODEL.gguf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "base/utf8.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"
#include "modules/registry.h"

static const char *model_path, *other_model_path;

struct seen {
    struct sym_buf text;
    char notices[4][256];
    int n_notices;
};

static int on_text(const char *text, size_t len, void *data)
{
    struct seen *s = data;

    sym_buf_append(&s->text, text, len);
    return 0;
}

static void on_notice(const char *msg, void *data)
{
    struct seen *s = data;

    if (s->n_notices < 4)
        snprintf(s->notices[s->n_notices++], sizeof s->notices[0], "%s", msg);
}

static struct sym_llm *open_model(int n_ctx)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    char err[512];

    p.model_path = model_path;
    p.n_ctx = n_ctx;
    p.n_threads = 2;
    if (sym_llm_init(&llm, &p, err, sizeof err))
        fprintf(stderr, "cannot open test model: %s\n", err);
    return llm;
}

static void test_commands_without_model(void)
{
    struct sym_config cfg;
    struct sym_assistant *a;
    struct seen s = {{0}, {{0}}, 0};
    struct sym_turn_io io = {on_text, on_notice, &s, NULL, NULL, NULL};
    struct sym_turn t;

    sym_config_init(&cfg);
    CHECK(sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK);
    CHECK(sym_assistant_turn(a, "/help", &io, &t) == SYM_OK);
    CHECK(t.kind == SYM_TURN_COMMAND);
    CHECK_CONTAINS(t.answer, "/reset");
    CHECK_CONTAINS(sym_buf_str(&s.text), "/stats"); /* streamed like an answer */
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/stats", &io, &t) == SYM_OK);
    CHECK_CONTAINS(t.answer, "model: none loaded");
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/frobnicate now", &io, &t) == SYM_OK);
    CHECK_CONTAINS(t.answer, "Unknown command /frobnicate");
    CHECK(!strstr(t.answer, "Did you mean")); /* nothing is near it */
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/remmber my cat is Tom", &io, &t) == SYM_OK);
    CHECK_CONTAINS(t.answer, "Unknown command /remmber. Did you mean /remember?");
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/stast", &io, &t) == SYM_OK); /* a swap is one typo */
    CHECK_CONTAINS(t.answer, "Did you mean /stats?");
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/quit", &io, &t) == SYM_OK);
    CHECK(t.quit);
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "hello", &io, &t) == SYM_ERR_MODEL);
    CHECK(t.kind == SYM_TURN_CHAT); /* the front end's cue to say how to get a model */
    CHECK_CONTAINS(sym_assistant_errmsg(a), "no model is loaded");
    sym_turn_clear(&t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    sym_buf_free(&s.text);
}

static void test_multi_turn(void)
{
    struct sym_llm *llm = open_model(2048);
    struct sym_config cfg;
    struct sym_assistant *a;
    struct seen s = {{0}, {{0}}, 0};
    struct sym_turn_io io = {on_text, on_notice, &s, NULL, NULL, NULL};
    struct sym_turn t1, t2;

    if (!llm) {
        CHECK(llm != NULL);
        return;
    }
    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 16;
    CHECK(sym_assistant_init(&a, &cfg, llm, sym_modules) == SYM_OK);
    CHECK(sym_assistant_turn(a, "My name is Ann.", &io, &t1) == SYM_OK);
    CHECK(t1.kind == SYM_TURN_CHAT);
    CHECK_STR(sym_buf_str(&s.text), t1.answer); /* what streamed is the answer */
    CHECK(t1.stats.n_evaluated == t1.stats.n_prompt);
    CHECK(sym_assistant_turn(a, "What is my name?", &io, &t2) == SYM_OK);
    /* Turn two evaluates its own new tokens, not the system prompt and turn one again. */
    CHECK(t2.stats.n_prompt > t1.stats.n_prompt);
    CHECK(t2.stats.n_evaluated < t2.stats.n_prompt / 2);
    CHECK(sym_assistant_n_turns(a) == 2);
    sym_turn_clear(&t1);
    sym_turn_clear(&t2);
    /* /reset forgets the turns; the next prompt reuses the cached system prompt. */
    CHECK(sym_assistant_turn(a, "/reset", &io, &t1) == SYM_OK);
    CHECK(sym_assistant_n_turns(a) == 0);
    CHECK(sym_assistant_turn(a, "Hello again", &io, &t2) == SYM_OK);
    CHECK(t2.stats.n_evaluated < t2.stats.n_prompt);
    sym_turn_clear(&t1);
    sym_turn_clear(&t2);
    /* Invalid UTF-8 in the input does not break the turn. */
    CHECK(sym_assistant_turn(a, "bad \xFF\xFE bytes \xD0", &io, &t1) == SYM_OK);
    CHECK(sym_utf8_valid(t1.answer, strlen(t1.answer)));
    sym_turn_clear(&t1);
    CHECK(sym_assistant_turn(a, "/stats", &io, &t1) == SYM_OK);
    CHECK_CONTAINS(t1.answer, "evaluated");
    sym_turn_clear(&t1);
    sym_assistant_free(a); /* frees llm too */
    sym_config_free(&cfg);
    sym_buf_free(&s.text);
}

static void test_eviction(void)
{
    struct sym_llm *llm = open_model(256);
    struct sym_config cfg;
    struct sym_assistant *a;
    struct seen s = {{0}, {{0}}, 0};
    struct sym_turn_io io = {on_text, on_notice, &s, NULL, NULL, NULL};
    struct sym_turn t;
    char big[8192];
    int i, dropped = 0, turns_before;

    if (!llm) {
        CHECK(llm != NULL);
        return;
    }
    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 24;
    CHECK(sym_assistant_init(&a, &cfg, llm, sym_modules) == SYM_OK);
    for (i = 0; i < 12; i++) {
        CHECK(sym_assistant_turn(a, "Tell me one more thing about the sea and ships.", &io, &t) ==
              SYM_OK);
        dropped += t.n_dropped;
        CHECK(t.stats.n_prompt + t.stats.n_generated <= 256);
        sym_turn_clear(&t);
    }
    CHECK(dropped > 0);
    CHECK(s.n_notices > 0);
    CHECK_CONTAINS(s.notices[0], "dropped the");
    CHECK(sym_assistant_n_turns(a) < 12);
    /* A message that cannot fit even alone is refused and leaves the conversation as it was. */
    turns_before = sym_assistant_n_turns(a);
    big[0] = '\0';
    for (i = 0; i < 300; i++)
        strcat(big, "sea ");
    CHECK(sym_assistant_turn(a, big, &io, &t) == SYM_ERR_CONTEXT);
    CHECK_CONTAINS(sym_assistant_errmsg(a), "too long");
    CHECK(sym_assistant_n_turns(a) == turns_before);
    sym_turn_clear(&t);
    /* And the next ordinary turn works. */
    CHECK(sym_assistant_turn(a, "Short one.", &io, &t) == SYM_OK);
    sym_turn_clear(&t);
    sym_assistant_free(a); /* frees llm too */
    sym_config_free(&cfg);
    sym_buf_free(&s.text);
}

/* /model switches models; a failed switch keeps the current one. */
static void test_switch_model(void)
{
    struct sym_config cfg;
    struct sym_assistant *a;
    struct sym_turn t;
    char cmd[4200];

    sym_config_init(&cfg);
    cfg.max_tokens = 4;
    CHECK(sym_assistant_init(&a, &cfg, open_model(512), sym_modules) == SYM_OK);
    CHECK(sym_assistant_turn(a, "/model /nonexistent/m.gguf", NULL, &t) == SYM_ERR_NOT_FOUND);
    CHECK_CONTAINS(sym_assistant_errmsg(a), "No such file");
    CHECK_CONTAINS(sym_llm_describe(sym_assistant_llm(a)), "tiny-spm.gguf");
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/model", NULL, &t) == SYM_OK);
    CHECK_CONTAINS(t.answer, "Usage: /model PATH");
    sym_turn_clear(&t);
    snprintf(cmd, sizeof cmd, "/model \"%s\"", other_model_path);
    CHECK(sym_assistant_turn(a, cmd, NULL, &t) == SYM_OK);
    CHECK_CONTAINS(t.answer, "Now using");
    CHECK(sym_llm_has_template(sym_assistant_llm(a)));
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "hello", NULL, &t) == SYM_OK);
    CHECK(t.stats.n_generated > 0);
    sym_turn_clear(&t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

/* Facts said in chat are remembered before the model is asked: here there is none, the turn
 * fails, and the fact is stored all the same, with a notice; a supersede says "updated"; a
 * command, a question and --no-extract remember nothing. */
static void test_extract_without_model(void)
{
    struct sym_config cfg;
    struct sym_assistant *a;
    struct seen s = {{0}, {{0}}, 0};
    struct sym_turn_io io = {on_text, on_notice, &s, NULL, NULL, NULL};
    struct sym_store *store = NULL;
    struct sym_facts list = {0}, hist = {0};
    struct sym_turn t;
    char dir[64], path[128], err[256];
    long long n = -1;

    snprintf(dir, sizeof dir, "/tmp/symbiot-asst-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/memory.db", dir);
    CHECK(sym_store_open(&store, path, err, sizeof err) == SYM_OK);
    sym_config_init(&cfg);
    CHECK(sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK);
    sym_assistant_set_store(a, store);
    CHECK(sym_assistant_turn(a, "My name is Ann", &io, &t) == SYM_ERR_MODEL);
    CHECK(s.n_notices == 1);
    CHECK_STR(s.notices[0], "remembered: My name is Ann");
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "Я живу в Москве", &io, &t) == SYM_ERR_MODEL);
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "Я переехал в Казань", &io, &t) == SYM_ERR_MODEL);
    CHECK(s.n_notices == 3);
    CHECK_STR(s.notices[1], "запомнил: Я живу в Москве");
    CHECK_STR(s.notices[2], "обновил: Я живу в Казани");
    sym_turn_clear(&t);
    s.n_notices = 0;
    CHECK(sym_assistant_turn(a, "My name is Ann", &io, &t) == SYM_ERR_MODEL); /* known: quiet */
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "What is my name?", &io, &t) == SYM_ERR_MODEL);
    sym_turn_clear(&t);
    CHECK(sym_assistant_turn(a, "/stats", &io, &t) == SYM_OK);
    sym_turn_clear(&t);
    CHECK(s.n_notices == 0);
    CHECK(sym_fact_count(sym_assistant_store(a), &n) == SYM_OK && n == 2);
    CHECK(sym_fact_list(sym_assistant_store(a), 0, 0, &list) == SYM_OK && list.n == 2);
    if (list.n == 2) {
        CHECK_STR(list.items[0].text, "Я живу в Казани");
        CHECK_STR(list.items[0].source, "conversation");
        CHECK_CONTAINS(list.items[0].tags, "extracted");
        CHECK(sym_fact_history(sym_assistant_store(a), list.items[0].id, &hist) == SYM_OK);
        CHECK(hist.n == 1 && !strcmp(hist.items[0].text, "Я живу в Москве"));
        CHECK_STR(list.items[1].text, "My name is Ann");
    }
    cfg.extract = false;
    CHECK(sym_assistant_turn(a, "I love jazz", &io, &t) == SYM_ERR_MODEL);
    sym_turn_clear(&t);
    CHECK(s.n_notices == 0);
    CHECK(sym_fact_count(sym_assistant_store(a), &n) == SYM_OK && n == 2);
    sym_facts_free(&hist);
    sym_facts_free(&list);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    sym_buf_free(&s.text);
    unlink(path);
    snprintf(err, sizeof err, "%s-wal", path);
    unlink(err);
    snprintf(err, sizeof err, "%s-shm", path);
    unlink(err);
    rmdir(dir);
}

/* Turns with a store on model_at (n_ctx 2048, greedy, 16 tokens); the two turns' results go to
 * t1 and t2 (cleared by the caller), the facts count after them to *n_facts. */
static void two_turns(const char *path, bool llm_extract, const char *m1, const char *m2,
                      struct sym_turn *t1, struct sym_turn *t2, long long *n_facts)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    struct sym_config cfg;
    struct sym_assistant *a = NULL;
    struct sym_store *store = NULL;
    struct seen s = {{0}, {{0}}, 0};
    struct sym_turn_io io = {on_text, on_notice, &s, NULL, NULL, NULL};
    char dir[64], db[128], err[512];

    memset(t1, 0, sizeof *t1);
    memset(t2, 0, sizeof *t2);
    *n_facts = -1;
    p.model_path = path;
    p.n_ctx = 2048;
    p.n_threads = 2;
    snprintf(dir, sizeof dir, "/tmp/symbiot-learn-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/memory.db", dir);
    CHECK(sym_llm_init(&llm, &p, err, sizeof err) == SYM_OK);
    CHECK(sym_store_open(&store, db, err, sizeof err) == SYM_OK);
    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 16;
    cfg.llm_extract = llm_extract;
    CHECK(sym_assistant_init(&a, &cfg, llm, sym_modules) == SYM_OK);
    sym_assistant_set_store(a, store);
    CHECK(sym_assistant_turn(a, m1, &io, t1) == SYM_OK);
    CHECK(sym_assistant_turn(a, m2, &io, t2) == SYM_OK);
    CHECK(sym_fact_count(sym_assistant_store(a), n_facts) == SYM_OK);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    sym_buf_free(&s.text);
    unlink(db);
    snprintf(err, sizeof err, "%s-wal", db);
    unlink(err);
    snprintf(err, sizeof err, "%s-shm", db);
    unlink(err);
    rmdir(dir);
}

/*
 * The model's pass of fact extraction (core/learn.h) on the chat-template model: it runs after a
 * first-person statement, not after a question; what a random-weight model replies is not
 * grounded in the message, so nothing is stored; and the next turn evaluates exactly as many
 * tokens as without the pass (the conversation's KV cache was not touched). The model without a
 * template is never asked.
 */
static void test_llm_extraction(void)
{
    const char *said = "We adopted a grey kitten called Tom last week";
    struct sym_turn on1, on2, off1, off2;
    long long n_on = -1, n_off = -1;

    two_turns(other_model_path, true, said, "What is the kitten's name?", &on1, &on2, &n_on);
    two_turns(other_model_path, false, said, "What is the kitten's name?", &off1, &off2, &n_off);
    CHECK(on1.learn_ms > 0);
    CHECK(on1.n_learned == 0 && n_on == n_off); /* nothing invented was kept */
    CHECK(on2.learn_ms == 0);                   /* a question: not asked */
    CHECK(off1.learn_ms == 0 && off2.learn_ms == 0);
    CHECK(on2.stats.n_evaluated == off2.stats.n_evaluated);
    CHECK(on2.stats.n_evaluated < on2.stats.n_prompt / 2);
    CHECK_STR(on2.answer, off2.answer);
    sym_turn_clear(&on1);
    sym_turn_clear(&on2);
    sym_turn_clear(&off1);
    sym_turn_clear(&off2);
    two_turns(model_path, true, said, "Tell me more", &on1, &on2, &n_on);
    CHECK(on1.learn_ms == 0 && on2.learn_ms == 0);
    sym_turn_clear(&on1);
    sym_turn_clear(&on2);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_assistant MODEL.gguf OTHER_MODEL.gguf\n");
        return 2;
    }
    model_path = argv[1];
    other_model_path = argv[2];
    sym_llm_route_log();
    test_commands_without_model();
    test_extract_without_model();
    test_multi_turn();
    test_eviction();
    test_switch_model();
    test_llm_extraction();
    return test_report("test_assistant");
}
