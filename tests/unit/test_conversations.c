/*
 * test_conversations.c: the stored conversations. The store API (start, append, load, list with
 * titles and counts, delete) survives a reopen; an assistant with a store keeps both sides of each
 * chat turn; a new assistant resumed from that conversation has the earlier turns in its prompt
 * and goes on appending to the same conversation; /reset starts another one. Imported history:
 * a conversation is imported once (its origin), keeps each turn's speaker, session and time; turns
 * stored before the episodic index existed (schema 6) are indexed by the migration, each with the
 * words of the turn before it.
 *
 * Usage: test_conversations MODEL.gguf SCRATCH_DIR
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "memory/conversations.h"
#include "memory/store.h"
#include "memory/store_internal.h"
#include "test.h"
#include "modules/registry.h"

static const char *model_path;
static char db_path[1024];

static struct sym_store *open_store(void)
{
    struct sym_store *s = NULL;
    char err[512];

    if (sym_store_open(&s, db_path, err, sizeof err))
        fprintf(stderr, "cannot open store: %s\n", err);
    return s;
}

static void test_store_api(void)
{
    struct sym_store *s = open_store();
    struct sym_conversation_turns turns = {0};
    struct sym_conversations list = {0};
    char long_text[200];
    long long a = 0, b = 0, latest = 0;
    bool found = false;

    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(sym_conversation_latest(s, &latest, &found) == SYM_OK && !found);
    CHECK(sym_conversation_start(s, 1000, &a) == SYM_OK && a > 0);
    CHECK(sym_conversation_append(s, a, "user", "Привет, меня зовут Аня", 1001) == SYM_OK);
    CHECK(sym_conversation_append(s, a, "assistant", "Hello Anya", 1002) == SYM_OK);
    CHECK(sym_conversation_append(s, a, "user", "second question", 1003) == SYM_OK);
    CHECK(sym_conversation_append(s, a, "assistant", "", 1004) == SYM_OK); /* stopped at once */
    CHECK(sym_conversation_append(s, a, "system", "no", 1005) == SYM_ERR_INVALID);
    CHECK(sym_conversation_append(s, a + 100, "user", "nowhere", 1005) == SYM_ERR_INVALID);
    CHECK(sym_conversation_append(s, a, "user", "bad \xff", 1005) == SYM_ERR_INVALID);
    CHECK(sym_conversation_start(s, 2000, &b) == SYM_OK && b > a);
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    CHECK(sym_conversation_append(s, b, "user", long_text, 2001) == SYM_OK);
    sym_store_close(s);

    /* Reopen: all of it is still there. */
    s = open_store();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(sym_conversation_latest(s, &latest, &found) == SYM_OK && found && latest == b);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && found);
    CHECK(turns.n == 4);
    if (turns.n == 4) {
        CHECK_STR(turns.items[0].role, "user");
        CHECK_STR(turns.items[0].text, "Привет, меня зовут Аня");
        CHECK_STR(turns.items[1].role, "assistant");
        CHECK_STR(turns.items[1].text, "Hello Anya");
        CHECK_STR(turns.items[2].text, "second question");
        CHECK_STR(turns.items[3].text, "");
        CHECK(turns.items[2].created == 1003);
    }
    CHECK(sym_conversation_list(s, &list) == SYM_OK && list.n == 2);
    if (list.n == 2) {
        CHECK(list.items[0].id == b && list.items[1].id == a);
        CHECK(list.items[1].n_turns == 4 && list.items[0].n_turns == 1);
        CHECK(list.items[1].started == 1000 && list.items[1].updated == 1004);
        CHECK_STR(list.items[1].title, "Привет, меня зовут Аня");
        CHECK(strlen(list.items[0].title) == SYM_CONVERSATION_TITLE_CHARS);
    }
    /* Search: in titles and messages, case folded (Russian too), punctuation ignored. */
    CHECK(sym_conversation_search(s, "ANYA", &list) == SYM_OK && list.n == 1 &&
          list.items[0].id == a);
    CHECK(sym_conversation_search(s, "меня ЗОВУТ", &list) == SYM_OK && list.n == 1 &&
          list.items[0].id == a);
    CHECK(sym_conversation_search(s, "second question?", &list) == SYM_OK && list.n == 1);
    CHECK(sym_conversation_search(s, "no such words", &list) == SYM_OK && list.n == 0);
    CHECK(sym_conversation_search(s, " ?! ", &list) == SYM_OK && list.n == 2);
    /* Cut after the first answer (an edit of the second question): the rest goes, the title
     * stays; cut to nothing: the next user message titles it again; b is untouched. */
    CHECK(sym_conversation_truncate(s, a, 2) == SYM_OK);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && found && turns.n == 2);
    if (turns.n == 2)
        CHECK_STR(turns.items[1].text, "Hello Anya");
    CHECK(sym_conversation_truncate(s, a, 5) == SYM_OK);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && turns.n == 2);
    CHECK(sym_conversation_truncate(s, a, 0) == SYM_OK);
    CHECK(sym_conversation_append(s, a, "user", "a new start", 1010) == SYM_OK);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && turns.n == 1);
    CHECK(sym_conversation_list(s, &list) == SYM_OK && list.n == 2);
    for (size_t i = 0; i < list.n; i++)
        if (list.items[i].id == a) {
            CHECK_STR(list.items[i].title, "a new start");
            CHECK(list.items[i].n_turns == 1);
        } else {
            CHECK(list.items[i].n_turns == 1 && list.items[i].id == b);
        }
    CHECK(sym_conversation_delete(s, a, &found) == SYM_OK && found);
    CHECK(sym_conversation_delete(s, a, &found) == SYM_OK && !found);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && !found && turns.n == 0);
    CHECK(sym_conversation_list(s, &list) == SYM_OK && list.n == 1);
    CHECK(sym_conversation_delete(s, b, &found) == SYM_OK && found);
    sym_conversations_free(&list);
    sym_conversation_turns_free(&turns);
    sym_store_close(s);
}

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

static void turn(struct sym_assistant *a, const char *input, struct sym_turn *t)
{
    CHECK(sym_assistant_turn(a, input, NULL, t) == SYM_OK);
}

static void test_assistant_stores_and_resumes(void)
{
    struct sym_conversation_turns turns = {0};
    struct sym_conversations list = {0};
    struct sym_config cfg;
    struct sym_assistant *a = new_assistant(&cfg);
    struct sym_turn t1, t2, t3, t4;
    long long id = -1, id2 = -1, latest = 0;
    bool found = false;
    int n = -1;

    sym_assistant_conversation(a, &id, &n);
    CHECK(id == 0 && n == 0);
    turn(a, "My favourite colour is teal", &t1);
    turn(a, "/stats", &t2); /* a command is not a chat turn: not stored */
    sym_turn_clear(&t2);
    turn(a, "What is my favourite colour?", &t2);
    sym_assistant_conversation(a, &id, &n);
    CHECK(id > 0 && n == 2);
    CHECK(sym_conversation_load(sym_assistant_store(a), id, &turns, &found) == SYM_OK && found);
    CHECK(turns.n == 4);
    if (turns.n == 4) {
        CHECK_STR(turns.items[0].text, "My favourite colour is teal");
        CHECK_STR(turns.items[1].role, "assistant");
        CHECK_STR(turns.items[1].text, t1.answer ? t1.answer : "");
        CHECK_STR(turns.items[2].text, "What is my favourite colour?");
        CHECK_STR(turns.items[3].text, t2.answer ? t2.answer : "");
    }
    sym_assistant_free(a);
    sym_config_free(&cfg);

    /* A new session resumes it: the earlier turns come before the new message. */
    a = new_assistant(&cfg);
    CHECK(sym_conversation_latest(sym_assistant_store(a), &latest, &found) == SYM_OK && found);
    CHECK(latest == id);
    CHECK(sym_assistant_resume(a, id + 100) == SYM_ERR_NOT_FOUND);
    CHECK(sym_assistant_resume(a, latest) == SYM_OK);
    CHECK(sym_assistant_n_turns(a) == 2);
    turn(a, "Say it again", &t3);
    CHECK_CONTAINS(sym_assistant_last_prompt(a), "My favourite colour is teal");
    CHECK(strstr(sym_assistant_last_prompt(a), "My favourite colour is teal") <
          strstr(sym_assistant_last_prompt(a), "What is my favourite colour?"));
    CHECK(strstr(sym_assistant_last_prompt(a), "What is my favourite colour?") <
          strstr(sym_assistant_last_prompt(a), "Say it again"));
    sym_assistant_conversation(a, &id2, &n);
    CHECK(id2 == id && n == 3);
    CHECK(sym_conversation_load(sym_assistant_store(a), id, &turns, &found) == SYM_OK);
    CHECK(turns.n == 6);

    /* /reset: the next chat turn starts another conversation. */
    turn(a, "/reset", &t4);
    sym_turn_clear(&t4);
    sym_assistant_conversation(a, &id2, &n);
    CHECK(id2 == 0 && n == 0);
    turn(a, "A new topic", &t4);
    sym_assistant_conversation(a, &id2, &n);
    CHECK(id2 > id && n == 1);
    CHECK(sym_conversation_list(sym_assistant_store(a), &list) == SYM_OK && list.n == 2);
    if (list.n == 2) {
        CHECK_STR(list.items[0].title, "A new topic");
        CHECK(list.items[1].n_turns == 6);
    }
    sym_conversations_free(&list);
    sym_conversation_turns_free(&turns);
    sym_turn_clear(&t1);
    sym_turn_clear(&t2);
    sym_turn_clear(&t3);
    sym_turn_clear(&t4);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

/* Turns whose index matches fts (an FTS5 query), counted. */
static long long count_match(struct sym_store *s, const char *fts)
{
    struct sqlite3_stmt *st = NULL;
    long long n = -1;

    if (sym_store_query(s, &st, "SELECT count(*) FROM turns_fts WHERE turns_fts MATCH ?", "t",
                        fts) == 0 &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_import(void)
{
    struct sym_store *s = NULL;
    struct sym_conversation_turns turns = {0};
    struct sym_turn_input t = {0};
    long long a = 0, again = 0, old = 0;
    bool existed = true, found = false;
    char err[512];

    /* A database of schema 6 with a chat stored: the migration indexes its turns. */
    CHECK(sym_store_open_version(&s, db_path, 6, err, sizeof err) == SYM_OK);
    if (!s)
        return;
    CHECK(sym_conversation_start(s, 1000, &old) == SYM_OK);
    /* As Symbiot stored turns then (this build's append needs the new columns). */
    CHECK(sym_store_run(s,
                        "INSERT INTO turns (conversation_id, role, text, created) VALUES "
                        "(?1, 'user', 'What breed is your puppy?', 1001), "
                        "(?1, 'assistant', 'A beagle called Biscuit', 1002)",
                        "l", old) == SQLITE_OK);
    sym_store_close(s);
    s = open_store();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(count_match(s, "search:beagl") == 1);
    CHECK(count_match(s, "context:breed") == 1); /* the answer, by its question's word */
    CHECK(count_match(s, "context:beagl") == 0);

    CHECK(sym_conversation_import_start(s, "maya-tom", NULL, 5000, &a, &existed) == SYM_OK);
    CHECK(a > old && !existed);
    t.role = "user";
    t.speaker = "Maya";
    t.session = "s1";
    t.text = "We adopted a kitten in July";
    t.time = 1751328000; /* 2025-07-01T00:00:00Z */
    CHECK(sym_conversation_import_turn(s, a, &t) == SYM_OK);
    t.speaker = "Tom";
    t.text = "Lovely!";
    t.time = 1751328060;
    CHECK(sym_conversation_import_turn(s, a, &t) == SYM_OK);
    t.text = "bad \xff";
    CHECK(sym_conversation_import_turn(s, a, &t) == SYM_ERR_INVALID);
    t.text = "nowhere";
    CHECK(sym_conversation_import_turn(s, a + 100, &t) == SYM_ERR_INVALID);
    CHECK(sym_conversation_import_start(s, "maya-tom", NULL, 0, &again, &existed) == SYM_OK);
    CHECK(existed && again == a);
    CHECK(sym_conversation_import_start(s, "", NULL, 0, &again, &existed) == SYM_ERR_INVALID);
    CHECK(sym_conversation_load(s, a, &turns, &found) == SYM_OK && found && turns.n == 2);
    if (turns.n == 2) {
        CHECK(!strcmp(turns.items[0].speaker, "Maya") && !strcmp(turns.items[1].speaker, "Tom"));
        CHECK(!strcmp(turns.items[0].session, "s1"));
        CHECK(turns.items[1].created == 1751328060);
    }
    /* The date's words, both languages, the season and the year (TZ=UTC). */
    CHECK(count_match(s, "dates:juli AND dates:июл AND dates:summer AND dates:2025") == 2);
    CHECK(count_match(s, "context:kitten") == 1);
    /* Deleting the conversation takes its turns out of the index. */
    CHECK(sym_conversation_delete(s, a, &found) == SYM_OK && found);
    CHECK(count_match(s, "dates:2025") == 0);
    CHECK(count_match(s, "search:beagl") == 1);
    sym_conversation_turns_free(&turns);
    sym_store_close(s);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_conversations MODEL.gguf SCRATCH_DIR\n");
        return 2;
    }
    model_path = argv[1];
    snprintf(db_path, sizeof db_path, "%s/conversations-%d.db", argv[2], (int)getpid());
    sym_llm_route_log();
    test_store_api();
    unlink(db_path);
    snprintf(db_path, sizeof db_path, "%s/conversations-import-%d.db", argv[2], (int)getpid());
    setenv("TZ", "UTC", 1);
    tzset();
    test_import();
    unlink(db_path);
    snprintf(db_path, sizeof db_path, "%s/conversations-chat-%d.db", argv[2], (int)getpid());
    test_assistant_stores_and_resumes();
    unlink(db_path);
    return test_report("test_conversations");
}
