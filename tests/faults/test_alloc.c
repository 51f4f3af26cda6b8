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
 * Usage: test_alloc MODEL.gguf SCRATCH_DIR [--memory-only] [--own-only]
 * --memory-only skips the chat turn (for valgrind, which cannot run the model here); --own-only
 * fails only Symbiot's own allocations, not SQLite's (fewer runs, for valgrind's speed).
 * With SYMBIOT_FAULT_TRACE set, each run says on stderr which allocation it fails.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "fault.h"
#include "memop.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "test.h"
#include "modules/registry.h"

static const char *model_path;
static bool trace; /* SYMBIOT_FAULT_TRACE set: say which allocation fails, before it does */

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

static struct sym_store *open_store(void)
{
    struct sym_store *s = NULL;
    char err[512];

    if (sym_store_open(&s, memop_db_path, err, sizeof err))
        fprintf(stderr, "cannot open store: %s\n", err);
    return s;
}

static void memory_sweep(void)
{
    char msg[512], when[64];
    long k, n, failed = 0, survived = 0;
    enum sym_status rc;
    int tea;

    CHECK(memop_seed() == 0);

    sym_fault_arm(0);
    CHECK(memop_run(msg, sizeof msg) == SYM_OK);
    k = sym_fault_disarm();
    CHECK(memop_check("clean run") == 1);
    CHECK(k > 10);
    for (n = 1; n <= k; n++) {
        memop_undo();
        msg[0] = '\0';
        if (trace)
            fprintf(stderr, "memory, allocation %ld\n", n);
        sym_fault_arm(n);
        rc = memop_run(msg, sizeof msg);
        sym_fault_disarm();
        snprintf(when, sizeof when, "memory, allocation %ld of %ld", n, k);
        CHECK(!rc || sym_fault_fired()); /* it fails only because of the injected failure */
        if (rc) {
            failed++;
            memop_saw(msg);
            if (!msg[0])
                fprintf(stderr, "%s: failed without a message\n", when);
            CHECK(msg[0] != '\0');
        } else {
            survived++;
        }
        /* Whole or nothing: the fact is there once (green, or black after the edit) or not. */
        tea = memop_check(when);
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

    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 4;
    CHECK(sym_assistant_init(&a, &cfg, open_model(), sym_modules) == SYM_OK);
    if (!a || !sym_assistant_llm(a)) {
        sym_assistant_free(a);
        sym_config_free(&cfg);
        return;
    }
    CHECK(memop_seed() == 0);
    sym_assistant_set_store(a, open_store());
    /* A warm-up turn: the first one sets up what later turns reuse. */
    CHECK(sym_assistant_turn(a, "Hello there", NULL, &t) == SYM_OK);
    sym_turn_clear(&t);
    sym_assistant_reset(a);

    /* The turn: recall, the model, the conversation stored, a fact extracted ("tea"). */
    sym_fault_arm(0);
    CHECK(sym_assistant_turn(a, "I love green tea", NULL, &t) == SYM_OK);
    k = sym_fault_disarm();
    sym_turn_clear(&t);
    CHECK(memop_check("clean chat turn") == 1);
    CHECK(k > 10);
    for (n = 1; n <= k; n++) {
        memop_undo();
        sym_assistant_reset(a);
        if (trace)
            fprintf(stderr, "chat, allocation %ld\n", n);
        sym_fault_arm(n);
        rc = sym_assistant_turn(a, "I love green tea", NULL, &t);
        sym_fault_disarm();
        snprintf(when, sizeof when, "chat, allocation %ld of %ld", n, k);
        CHECK(!rc || sym_fault_fired());
        if (rc) {
            const char *msg = sym_assistant_errmsg(a);

            failed++;
            memop_saw(msg);
            if (!msg[0])
                fprintf(stderr, "%s: failed without a message\n", when);
            CHECK(msg[0] != '\0');
        } else {
            survived++;
            sym_turn_clear(&t);
        }
        CHECK(memop_check(when) >= 0);
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
    bool memory_only = false, own_only = false;
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf SCRATCH_DIR [--memory-only] [--own-only]\n", argv[0]);
        return 2;
    }
    for (i = 3; i < argc; i++) {
        memory_only |= !strcmp(argv[i], "--memory-only");
        own_only |= !strcmp(argv[i], "--own-only");
    }
    model_path = argv[1];
    memop_set_path(argv[2], "alloc");
    trace = getenv("SYMBIOT_FAULT_TRACE") != NULL;
    if (!own_only)
        route_sqlite();
    memory_sweep();
    if (!memory_only)
        chat_sweep();
    memop_print_seen();
    memop_remove();
    return test_report("test_alloc");
}
