/*
 * test_alloc.c: allocation failures, one at a time, through a memory operation and a chat turn.
 * Linked with the fault build of the core (every allocation of Symbiot's own code counted by
 * fault.c) and with SQLite's allocator routed through the same counter. First a clean run counts
 * the allocations K of the operation; then for N = 1 .. K the operation runs again with the Nth
 * allocation failing. Each run must end in a clear error (a status and a non-empty message) or in
 * success (an allocation whose failure is recoverable), never a crash; the database must pass
 * PRAGMA integrity_check and FTS5's integrity-check, keep the fact stored before, and hold the
 * operation's writes whole or not at all. After the chat sweep the same assistant must still
 * answer. Leaks show under ASan (`make asan`) and under valgrind (memory part, `make valgrind`).
 *
 * Usage: test_alloc MODEL.gguf SCRATCH_DIR [--memory-only]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "fault.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"

static char db_path[1024];
static const char *model_path;

/* ---- SQLite's allocations through the fault counter ---- */

static sqlite3_mem_methods real_mem;

static void *fault_sqlite_malloc(int n)
{
    return sym_fault_next() ? NULL : real_mem.xMalloc(n);
}

static void *fault_sqlite_realloc(void *p, int n)
{
    return sym_fault_next() ? NULL : real_mem.xRealloc(p, n);
}

static void route_sqlite(void)
{
    sqlite3_mem_methods m;

    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
    m = real_mem;
    m.xMalloc = fault_sqlite_malloc;
    m.xRealloc = fault_sqlite_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK)
        fprintf(stderr, "cannot route SQLite's allocations: they are not failed\n");
}

/* ---- checks on the database, made with allocations real ---- */

static int db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The database is sound and holds the baseline fact; returns the operation's facts found (the
 * count of facts whose text says "tea"), or -1 when the database is broken. */
static int db_check(const char *when)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok = 0, tea = -1;

    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: the database does not open\n", when);
        sqlite3_close(db);
        return -1;
    }
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    if (ok)
        ok = sqlite3_exec(db, "INSERT INTO facts_fts(facts_fts) VALUES('integrity-check')", NULL,
                          NULL, NULL) == SQLITE_OK;
    if (ok)
        ok = db_int(db, "SELECT count(*) FROM facts WHERE text = 'My sister is Anna'") == 1;
    if (ok)
        tea = db_int(db, "SELECT count(*) FROM facts WHERE text LIKE '%tea%'");
    if (!ok)
        fprintf(stderr, "%s: the database is damaged or lost the earlier fact\n", when);
    sqlite3_close(db);
    return ok ? tea : -1;
}

static struct sym_store *open_store(void)
{
    struct sym_store *s = NULL;
    char err[512];

    if (sym_store_open(&s, db_path, err, sizeof err))
        fprintf(stderr, "cannot open store: %s\n", err);
    return s;
}

/* Remove what an operation wrote (allocations real), so each run starts the same. */
static void undo_writes(void)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        sqlite3_exec(
            db,
            "PRAGMA foreign_keys = ON; DELETE FROM facts WHERE text <> 'My sister is Anna';"
            "DELETE FROM conversations; INSERT INTO facts_fts(facts_fts) VALUES('rebuild')",
            NULL, NULL, NULL);
    sqlite3_close(db);
}

/* ---- the error messages seen, for the summary ---- */

static struct {
    char text[160];
    int n;
} seen[64];
static int n_seen;

static void saw(const char *msg)
{
    int i;

    for (i = 0; i < n_seen; i++)
        if (!strncmp(seen[i].text, msg, sizeof seen[i].text - 1)) {
            seen[i].n++;
            return;
        }
    if (n_seen < 64) {
        snprintf(seen[n_seen].text, sizeof seen[n_seen].text, "%s", msg);
        seen[n_seen++].n = 1;
    }
}

/* ---- the memory operation ---- */

/* Open the store, add a fact, search, list, edit it, store a conversation turn, close. On failure
 * msg gets the error. */
static enum sym_status memory_op(char *msg, size_t size)
{
    struct sym_fact_input in = {0};
    struct sym_facts list = {0};
    struct sym_store *s = NULL;
    enum sym_status rc;
    long long id = 0, conv = 0;
    bool found = false;

    rc = sym_store_open(&s, db_path, msg, size);
    if (rc)
        return rc;
    in.text = "I prefer green tea";
    in.tags = "drinks,morning";
    rc = sym_fact_add(s, &in, &id, NULL);
    if (!rc)
        rc = sym_fact_search(s, "what tea do I like", 5, &list);
    sym_facts_free(&list);
    if (!rc)
        rc = sym_fact_list(s, 0, 0, &list);
    sym_facts_free(&list);
    if (!rc)
        rc = sym_fact_edit(s, id, "I prefer black tea", 0, &found);
    if (!rc)
        rc = sym_conversation_start(s, 1000, &conv);
    if (!rc)
        rc = sym_conversation_append(s, conv, "user", "I prefer black tea", 1001);
    if (rc)
        snprintf(msg, size, "%s", sym_store_errmsg(s));
    sym_store_close(s);
    return rc;
}

static void memory_sweep(void)
{
    struct sym_fact_input in = {0};
    struct sym_store *s;
    char msg[512], when[64];
    long k, n, failed = 0, survived = 0;
    enum sym_status rc;
    int tea;

    unlink(db_path);
    s = open_store();
    CHECK(s != NULL);
    if (!s)
        return;
    in.text = "My sister is Anna";
    CHECK(sym_fact_add(s, &in, &(long long){0}, NULL) == SYM_OK);
    sym_store_close(s);

    sym_fault_arm(0);
    CHECK(memory_op(msg, sizeof msg) == SYM_OK);
    k = sym_fault_disarm();
    CHECK(db_check("clean run") == 1);
    CHECK(k > 10);
    for (n = 1; n <= k; n++) {
        undo_writes();
        msg[0] = '\0';
        sym_fault_arm(n);
        rc = memory_op(msg, sizeof msg);
        sym_fault_disarm();
        snprintf(when, sizeof when, "memory, allocation %ld of %ld", n, k);
        CHECK(!rc || sym_fault_fired()); /* it fails only because of the injected failure */
        if (rc) {
            failed++;
            saw(msg);
            if (!msg[0])
                fprintf(stderr, "%s: failed without a message\n", when);
            CHECK(msg[0] != '\0');
        } else {
            survived++;
        }
        /* Whole or nothing: the fact is there once (green, or black after the edit) or not. */
        tea = db_check(when);
        CHECK(tea == 0 || tea == 1);
        CHECK(rc || tea == 1);
    }
    printf("memory operation: %ld allocations, each failed once: %ld clear errors, %ld recovered\n",
           k, failed, survived);
}

/* ---- the chat turn ---- */

static struct sym_llm *open_model(void)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    char err[512];

    p.model_path = model_path;
    p.n_ctx = 1024;
    p.n_threads = 1;
    if (sym_llm_init(&llm, &p, err, sizeof err))
        fprintf(stderr, "cannot open test model: %s\n", err);
    return llm;
}

static void chat_sweep(void)
{
    struct sym_assistant *a = NULL;
    struct sym_config cfg;
    struct sym_turn t;
    char when[64];
    long k, n, failed = 0, survived = 0;
    enum sym_status rc;

    unlink(db_path);
    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 4;
    CHECK(sym_assistant_init(&a, &cfg, open_model()) == SYM_OK);
    if (!a || !sym_assistant_llm(a)) {
        sym_assistant_free(a);
        sym_config_free(&cfg);
        return;
    }
    sym_assistant_set_store(a, open_store());
    {
        struct sym_fact_input in = {0};

        in.text = "My sister is Anna";
        CHECK(sym_fact_add(sym_assistant_store(a), &in, &(long long){0}, NULL) == SYM_OK);
    }
    /* A warm-up turn: the first one sets up what later turns reuse. */
    CHECK(sym_assistant_turn(a, "Hello there", NULL, &t) == SYM_OK);
    sym_turn_clear(&t);
    sym_assistant_reset(a);

    /* The turn: recall, the model, the conversation stored, a fact extracted ("tea"). */
    sym_fault_arm(0);
    CHECK(sym_assistant_turn(a, "I love green tea", NULL, &t) == SYM_OK);
    k = sym_fault_disarm();
    sym_turn_clear(&t);
    CHECK(db_check("clean chat turn") == 1);
    CHECK(k > 10);
    for (n = 1; n <= k; n++) {
        undo_writes();
        sym_assistant_reset(a);
        sym_fault_arm(n);
        rc = sym_assistant_turn(a, "I love green tea", NULL, &t);
        sym_fault_disarm();
        snprintf(when, sizeof when, "chat, allocation %ld of %ld", n, k);
        CHECK(!rc || sym_fault_fired());
        if (rc) {
            const char *msg = sym_assistant_errmsg(a);

            failed++;
            saw(msg);
            if (!msg[0])
                fprintf(stderr, "%s: failed without a message\n", when);
            CHECK(msg[0] != '\0');
        } else {
            survived++;
            sym_turn_clear(&t);
        }
        CHECK(db_check(when) >= 0);
        /* The assistant goes on: the next turn works. */
        if (sym_assistant_turn(a, "And coffee?", NULL, &t) != SYM_OK) {
            fprintf(stderr, "%s: the next turn failed: %s\n", when, sym_assistant_errmsg(a));
            CHECK(0);
        } else {
            sym_turn_clear(&t);
        }
    }
    printf("chat turn: %ld allocations, each failed once: %ld clear errors, %ld recovered\n", k,
           failed, survived);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

int main(int argc, char **argv)
{
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf SCRATCH_DIR [--memory-only]\n", argv[0]);
        return 2;
    }
    model_path = argv[1];
    snprintf(db_path, sizeof db_path, "%s/faults-%d.db", argv[2], (int)getpid());
    route_sqlite();
    memory_sweep();
    if (argc < 4 || strcmp(argv[3], "--memory-only"))
        chat_sweep();
    printf("errors reported (message: times):\n");
    for (i = 0; i < n_seen; i++)
        printf("  %s: %d\n", seen[i].text, seen[i].n);
    for (i = 0; i < 3; i++) {
        char p[1100];

        snprintf(p, sizeof p, "%s%s", db_path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(p);
    }
    return test_report("test_alloc");
}
