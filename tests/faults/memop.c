/*
 * memop.c: the memory operation and the checks the fault tests share; see memop.h.
 */
#include "memop.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/store.h"

char memop_db_path[1024];

void memop_set_path(const char *dir, const char *name)
{
    if (!access("/dev/shm", W_OK))
        dir = "/dev/shm";
    snprintf(memop_db_path, sizeof memop_db_path, "%s/symbiot-%s-%d.db", dir, name, (int)getpid());
}

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
/* PRAGMA integrity_check and FTS5's integrity-check on an open connection. */
static bool sound(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    bool ok = false;

    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    return ok && sqlite3_exec(db, "INSERT INTO facts_fts(facts_fts) VALUES('integrity-check')",
                              NULL, NULL, NULL) == SQLITE_OK;
}

bool memop_integrity(const char *when)
{
    sqlite3 *db = NULL;
    bool ok =
        sqlite3_open_v2(memop_db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK && sound(db);

    if (!ok)
        fprintf(stderr, "%s: the database does not open or is damaged\n", when);
    sqlite3_close(db);
    return ok;
}

int memop_check(const char *when)
{
    sqlite3 *db = NULL;
    int tea = -1;
    bool ok;

    ok = sqlite3_open_v2(memop_db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
         sound(db) &&
         db_int(db, "SELECT count(*) FROM facts WHERE text = 'My sister is Anna'") == 1;
    if (ok)
        tea = db_int(db, "SELECT count(*) FROM facts WHERE text LIKE '%tea%'");
    else
        fprintf(stderr, "%s: the database does not open, is damaged or lost the earlier fact\n",
                when);
    sqlite3_close(db);
    return ok ? tea : -1;
}

/* Remove what an operation wrote (allocations real), so each run starts the same. */
void memop_undo(void)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(memop_db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        sqlite3_exec(
            db,
            "PRAGMA foreign_keys = ON; DELETE FROM facts WHERE text <> 'My sister is Anna';"
            "DELETE FROM conversations; INSERT INTO facts_fts(facts_fts) VALUES('rebuild')",
            NULL, NULL, NULL);
    sqlite3_close(db);
}

static struct {
    char text[160];
    int n;
} seen[64];
static int n_seen;

void memop_saw(const char *msg)
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

void memop_print_seen(void)
{
    int i;

    printf("errors reported (message: times):\n");
    for (i = 0; i < n_seen; i++)
        printf("  %s: %d\n", seen[i].text, seen[i].n);
}

int memop_seed(void)
{
    struct sym_fact_input in = {0};
    struct sym_store *s = NULL;
    long long id = 0;
    char err[512];
    int rc;

    memop_remove();
    if (sym_store_open(&s, memop_db_path, err, sizeof err)) {
        fprintf(stderr, "cannot create the test database: %s\n", err);
        return -1;
    }
    in.text = "My sister is Anna";
    rc = sym_fact_add(s, &in, &id, NULL) == SYM_OK ? 0 : -1;
    sym_store_close(s);
    return rc;
}

void memop_remove(void)
{
    int i;

    for (i = 0; i < 3; i++) {
        char p[1100];

        snprintf(p, sizeof p, "%s%s", memop_db_path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(p);
    }
}

/* Open the store, add a fact, search, list, edit it, store a conversation turn, close. On failure
 * msg gets the error. */
enum sym_status memop_run(char *msg, size_t size)
{
    struct sym_fact_input in = {0};
    struct sym_facts list = {0};
    struct sym_store *s = NULL;
    enum sym_status rc;
    long long id = 0, conv = 0;
    bool found = false;

    rc = sym_store_open(&s, memop_db_path, msg, size);
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
