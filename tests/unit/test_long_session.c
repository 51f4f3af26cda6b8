/*
 * test_long_session.c: a long chat session must not leak or grow. TURNS chat turns (default
 * 1000) with the tiny test model through one assistant with a memory database: chat messages
 * (recall, the model, the conversation stored, the context filling and being trimmed), with a
 * fact stated now and then (extraction), a /remember, a /stats and a /reset among them. The
 * resident set size and the heap in use (glibc's mallinfo2) are read after a tenth of the turns
 * and at the end; without a sanitizer both must stay within a small margin (RSS 4 MiB, heap
 * 2 MiB: SQLite's page cache may fill up to its 2 MB limit). Under ASan (`make asan`,
 * `make long-session`) the figures are printed, not judged (the sanitizer keeps freed memory in
 * quarantine), and LeakSanitizer checks at exit that nothing leaked.
 *
 * Usage: test_long_session MODEL.gguf SCRATCH_DIR [TURNS]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "memory/store.h"
#include "test.h"
#include "modules/registry.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;

    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long heap_kib(void)
{
    struct mallinfo2 mi = mallinfo2();

    return (long)((mi.uordblks + mi.hblkhd) / 1024);
}

/* The message of turn i: mostly chat, now and then a fact, a command or a new conversation. */
static void message(int i, char *buf, size_t size)
{
    static const char *const chat[] = {
        "Tell me something about the sea", "What should I cook tonight?",
        "Расскажи что-нибудь про лес",     "How far is the moon?",
        "And what about the stars?",
    };

    if (i % 97 == 0)
        snprintf(buf, size, "/reset");
    else if (i % 50 == 0)
        snprintf(buf, size, "/remember fact number %d of the long session", i);
    else if (i % 41 == 0)
        snprintf(buf, size, "/stats");
    else if (i % 10 == 0)
        snprintf(buf, size, i % 20 ? "I live in Kazan" : "My name is Ann");
    else
        snprintf(buf, size, "%s (%d)", chat[i % 5], i);
}

int main(int argc, char **argv)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_assistant *a = NULL;
    struct sym_store *store = NULL;
    struct sym_llm *llm = NULL;
    struct sym_config cfg;
    char err[512], db[1024], msg[256];
    long rss_early = 0, heap_early = 0, rss_end, heap_end;
    int turns = argc > 3 ? atoi(argv[3]) : 1000, early, i, failed = 0;

    if (argc < 3 || turns < 20) {
        fprintf(stderr, "usage: %s MODEL.gguf SCRATCH_DIR [TURNS >= 20]\n", argv[0]);
        return 2;
    }
    early = turns / 10;
    snprintf(db, sizeof db, "%s/long-session-%d.db", argv[2], (int)getpid());
    p.model_path = argv[1];
    p.n_ctx = 512;
    p.n_threads = 1;
    CHECK(sym_llm_init(&llm, &p, err, sizeof err) == SYM_OK);
    CHECK(sym_store_open(&store, db, err, sizeof err) == SYM_OK);
    sym_config_init(&cfg);
    cfg.temp = 0;
    cfg.max_tokens = 8;
    CHECK(sym_assistant_init(&a, &cfg, llm, sym_modules) == SYM_OK);
    if (!a || !llm || !store) {
        sym_store_close(store);
        sym_assistant_free(a);
        sym_config_free(&cfg);
        return test_report("test_long_session");
    }
    sym_assistant_set_store(a, store);
    for (i = 1; i <= turns; i++) {
        struct sym_turn t;

        message(i, msg, sizeof msg);
        if (sym_assistant_turn(a, msg, NULL, &t) != SYM_OK) {
            if (failed++ < 5)
                fprintf(stderr, "turn %d (%s) failed: %s\n", i, msg, sym_assistant_errmsg(a));
            continue;
        }
        sym_turn_clear(&t);
        if (i == early) {
            rss_early = rss_kib();
            heap_early = heap_kib();
        }
    }
    CHECK(failed == 0);
    rss_end = rss_kib();
    heap_end = heap_kib();
    printf("long session: %d turns; RSS %ld KiB at turn %d, %ld KiB at turn %d (%+ld KiB); heap in "
           "use %ld KiB, %ld KiB (%+ld KiB)%s\n",
           turns, rss_early, early, rss_end, turns, rss_end - rss_early, heap_early, heap_end,
           heap_end - heap_early,
           SANITIZED ? " [ASan: not judged; LeakSanitizer checks leaks]" : "");
    if (!SANITIZED) {
        CHECK(rss_end - rss_early < 4096);
        CHECK(heap_end - heap_early < 2048);
    }
    sym_assistant_free(a); /* closes the store */
    sym_config_free(&cfg);
    for (i = 0; i < 3; i++) {
        char path[1100];

        snprintf(path, sizeof path, "%s%s", db, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(path);
    }
    return test_report("test_long_session");
}
