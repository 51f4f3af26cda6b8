/*
 * test_recall.c: remembered facts in the prompt. A small store goes whole into the system message
 * (and the KV cache stays valid from turn to turn); a large one contributes the facts relevant to
 * the message, in front of it only; a restarted session still has them. Episodic memory: a turn
 * of an earlier conversation that matches the message goes in front of it, with its speaker and
 * date, and the history keeps the plain message; the conversation under way is not recalled to
 * itself; a small budget takes no turn; recall-conversations is on by default, and off, no turn.
 *
 * Usage: test_recall MODEL.gguf SCRATCH_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "core/recall.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"
#include "modules/registry.h"

static const char *model_path;
static char db_path[1024];

static struct sym_llm *open_model(void)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    char err[512];

    p.model_path = model_path;
    p.n_ctx = 2048;
    p.n_threads = 2;
    if (sym_llm_init(&llm, &p, err, sizeof err))
        fprintf(stderr, "cannot open test model: %s\n", err);
    return llm;
}

static struct sym_store *open_store(void)
{
    struct sym_store *s = NULL;
    char err[512];

    if (sym_store_open(&s, db_path, err, sizeof err))
        fprintf(stderr, "cannot open store: %s\n", err);
    return s;
}

static void add(struct sym_store *s, const char *text)
{
    struct sym_fact_input in = {text, NULL, NULL, 0, false, 0};
    long long id;

    CHECK(sym_fact_add(s, &in, &id, NULL) == SYM_OK);
}

static struct sym_assistant *new_assistant(struct sym_config *cfg)
{
    struct sym_assistant *a = NULL;

    sym_config_init(cfg);
    cfg->temp = 0;
    cfg->max_tokens = 8;
    CHECK(sym_assistant_init(&a, cfg, open_model(), sym_modules) == SYM_OK);
    sym_assistant_set_store(a, open_store());
    return a;
}

static void test_small_store(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = new_assistant(&cfg);
    struct sym_turn t1, t2;

    add(sym_assistant_store(a), "My name is Ann");
    add(sym_assistant_store(a), "I live in Kazan");
    CHECK(sym_assistant_turn(a, "What is my name?", NULL, &t1) == SYM_OK);
    CHECK(t1.n_recalled == 2);
    /* All facts in the system message, marked. */
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "[Memory: facts the user told you earlier]");
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "- My name is Ann");
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "- I live in Kazan");
    CHECK(strstr(sym_assistant_last_prompt(a), "My name is Ann") <
          strstr(sym_assistant_last_prompt(a), "What is my name?"));
    /* The next turn reuses the cache: the block did not change. */
    CHECK(sym_assistant_turn(a, "And where do I live?", NULL, &t2) == SYM_OK);
    CHECK(t2.n_recalled == 2);
    CHECK(t2.stats.n_evaluated < t2.stats.n_prompt / 2);
    sym_turn_clear(&t1);
    sym_turn_clear(&t2);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

static void test_restart_remembers(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = new_assistant(&cfg);
    struct sym_turn t;

    /* A new session on the same database: the facts of the last test are still there. */
    CHECK(sym_assistant_turn(a, "Do you know my name?", NULL, &t) == SYM_OK);
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "My name is Ann");
    sym_turn_clear(&t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

static void test_large_store(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = new_assistant(&cfg);
    struct sym_store *s = sym_assistant_store(a);
    struct sym_turn t;
    char text[128];
    const char *prompt, *block;
    int i;

    /* More facts than fit the budget: only the relevant ones, in front of the message. */
    for (i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "Note number %d about the weather in town %d", i, i);
        add(s, text);
    }
    add(s, "My sister Maria is a doctor in Novosibirsk");
    CHECK(sym_assistant_turn(a, "What does my sister do?", NULL, &t) == SYM_OK);
    CHECK(t.n_recalled >= 1);
    prompt = sym_assistant_last_prompt(a);
    CHECK_CONTAINS(prompt, "My sister Maria is a doctor in Novosibirsk");
    block = strstr(prompt, "[Memory:");
    CHECK(block && block > strstr(prompt, "helpful")); /* not in the system prompt */
    CHECK(strstr(prompt, "Note number 299") == NULL);
    sym_turn_clear(&t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

static void test_turns(void)
{
    struct sym_config cfg;
    struct sym_assistant *a = new_assistant(&cfg);
    struct sym_store *s = sym_assistant_store(a);
    struct sym_turn_input in = {0};
    struct sym_recall r;
    struct sym_turn t1;
    long long id = 0, now = 0;
    int turn = 0;
    bool existed;

    CHECK(cfg.recall_turns); /* on by default */
    add(s, "My name is Ann");
    CHECK(sym_conversation_import_start(s, "old", NULL, 1751328000, &id, &existed) == SYM_OK);
    in.role = "user";
    in.speaker = "Ann";
    in.text = "Our beagle Biscuit chewed my left sneaker today";
    in.time = 1751328000; /* 2025-07-01 */
    CHECK(sym_conversation_import_turn(s, id, &in) == SYM_OK);
    CHECK(sym_assistant_turn(a, "What did Biscuit chew?", NULL, &t1) == SYM_OK);
    CHECK(t1.n_recalled == 1); /* the fact, in the system message */
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "[Memory: from earlier conversations]");
    CHECK_CONTAINS(sym_assistant_last_prompt(a),
                   "- (2025-07-01, Ann, conversation 1) Our beagle Biscuit chewed my left sneaker");
    CHECK(strstr(sym_assistant_last_prompt(a), "[Memory: from earlier conversations]") <
          strstr(sym_assistant_last_prompt(a), "What did Biscuit chew?"));
    sym_turn_clear(&t1);
    /* The history keeps the plain message: the next prompt has the turns' block only once more,
     * in front of the new message. */
    CHECK(sym_assistant_turn(a, "And what else did Biscuit do?", NULL, &t1) == SYM_OK);
    {
        const char *p = sym_assistant_last_prompt(a);
        const char *first = strstr(p, "[Memory: from earlier conversations]");

        CHECK(first && !strstr(first + 1, "[Memory: from earlier conversations]"));
    }
    sym_turn_clear(&t1);
    /* The conversation under way is left out, and a budget of 8 tokens holds no turn. */
    sym_assistant_conversation(a, &now, &turn);
    CHECK(now > id);
    CHECK(sym_recall_build(s, NULL, "Biscuit", 1000, true, id, &r) == SYM_OK && r.n_turns >= 1);
    CHECK(r.n_turns && r.turn_ids[0] != 1); /* only the chat's own turns, not the old one */
    sym_recall_free(&r);
    CHECK(sym_recall_build(s, NULL, "Biscuit", 1000, true, now, &r) == SYM_OK && r.n_turns == 1 &&
          r.turn_ids[0] == 1);
    sym_recall_free(&r);
    CHECK(sym_recall_build(s, NULL, "Biscuit", 8, true, now, &r) == SYM_OK && r.n_turns == 0);
    sym_recall_free(&r);
    CHECK(sym_recall_build(s, NULL, "Biscuit", 1000, false, now, &r) == SYM_OK && r.n_turns == 0);
    sym_recall_free(&r);
    /* recall-conversations = off: the facts only. */
    cfg.recall_turns = false;
    CHECK(sym_assistant_turn(a, "What did Biscuit chew?", NULL, &t1) == SYM_OK);
    CHECK(!strstr(sym_assistant_last_prompt(a), "[Memory: from earlier conversations]"));
    sym_turn_clear(&t1);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_recall MODEL.gguf SCRATCH_DIR\n");
        return 2;
    }
    model_path = argv[1];
    snprintf(db_path, sizeof db_path, "%s/recall-%d.db", argv[2], (int)getpid());
    sym_llm_route_log();
    test_small_store();
    test_restart_remembers();
    unlink(db_path);
    snprintf(db_path, sizeof db_path, "%s/recall-large-%d.db", argv[2], (int)getpid());
    test_large_store();
    unlink(db_path);
    snprintf(db_path, sizeof db_path, "%s/recall-turns-%d.db", argv[2], (int)getpid());
    setenv("TZ", "UTC", 1);
    tzset();
    test_turns();
    unlink(db_path);
    return test_report("test_recall");
}
