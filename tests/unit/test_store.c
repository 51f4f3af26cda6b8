/*
 * test_store.c: the memory database: created owner-only, data kept across a restart, a user_version
 * 0 file migrated, and the files it must refuse without touching them (a newer schema, garbage),
 * a read-only directory or file, and a database locked by another connection's write transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memory/store.h"
#include "test.h"

static char dir[256];

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* Read a whole (small) file into buf; returns its length or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return -1;
    n = fread(buf, 1, size, f);
    fclose(f);
    return (long)n;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

/* PRAGMA user_version as stored in the database header (bytes 60..63, big-endian). */
static long header_user_version(const char *path)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(h, 1, sizeof h, f) : 0;

    if (f)
        fclose(f);
    if (n < 64)
        return -1;
    return (long)h[60] << 24 | (long)h[61] << 16 | (long)h[62] << 8 | (long)h[63];
}

static void test_create_and_restart(void)
{
    struct sym_store *s = NULL;
    struct sym_reminders list = {0};
    char path[512], err[512];
    struct stat st;
    long long id1 = 0, id2 = 0, id3 = 0;
    bool found = true, any = false;
    time_t next = 0;

    path_in(path, sizeof path, "new/sub/memory.db");
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_OK);
    if (!s) {
        fprintf(stderr, "open: %s\n", err);
        return;
    }
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    path_in(path, sizeof path, "new/sub");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
    path_in(path, sizeof path, "new/sub/memory.db");
    CHECK_STR(sym_store_path(s), path);

    CHECK(sym_store_add_reminder(s, "later", 2000, 100, "en", &id1) == SYM_OK);
    CHECK(sym_store_add_reminder(s, "проверить духовку", 1000, 100, "ru", &id2) == SYM_OK);
    CHECK(sym_store_add_reminder(s, "cancel me", 1500, 100, NULL, &id3) == SYM_OK);
    CHECK(id1 > 0 && id2 > id1 && id3 > id2);
    CHECK(sym_store_add_reminder(s, "", 1000, 100, "en", NULL) == SYM_ERR_INVALID);
    CHECK(sym_store_cancel_reminder(s, id3, &found) == SYM_OK && found);
    CHECK(sym_store_cancel_reminder(s, id3, &found) == SYM_OK && !found);
    CHECK(sym_store_cancel_reminder(s, 9999, &found) == SYM_OK && !found);
    CHECK(sym_store_next_due(s, &next, &any) == SYM_OK && any && next == 1000);
    sym_store_close(s);
    s = NULL;

    /* A restart: everything is still there, in due order. */
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_OK);
    if (!s)
        return;
    CHECK(sym_store_pending_reminders(s, &list) == SYM_OK);
    CHECK(list.n == 2);
    if (list.n == 2) {
        CHECK_STR(list.items[0].text, "проверить духовку");
        CHECK_STR(list.items[0].lang, "ru");
        CHECK(list.items[0].due == 1000 && list.items[0].created == 100);
        CHECK(list.items[0].status == SYM_REMINDER_PENDING && list.items[0].announced == 0);
        CHECK_STR(list.items[1].text, "later");
    }
    CHECK(sym_store_due_reminders(s, 999, &list) == SYM_OK && list.n == 0);
    CHECK(sym_store_due_reminders(s, 1000, &list) == SYM_OK && list.n == 1);
    CHECK(sym_store_due_reminders(s, 5000, &list) == SYM_OK && list.n == 2);
    CHECK(sym_store_mark_announced(s, id2, 1001) == SYM_OK);
    CHECK(sym_store_due_reminders(s, 5000, &list) == SYM_OK && list.n == 1);
    CHECK(sym_store_mark_done(s, id2) == SYM_OK);
    CHECK(sym_store_pending_reminders(s, &list) == SYM_OK && list.n == 1);
    /* take_due: returned once, then never again. */
    CHECK(sym_store_take_due(s, 1999, &list) == SYM_OK && list.n == 0);
    CHECK(sym_store_take_due(s, 2000, &list) == SYM_OK && list.n == 1);
    if (list.n == 1)
        CHECK(list.items[0].id == id1);
    CHECK(sym_store_take_due(s, 3000, &list) == SYM_OK && list.n == 0);
    CHECK(sym_store_pending_reminders(s, &list) == SYM_OK && list.n == 0);
    CHECK(sym_store_next_due(s, &next, &any) == SYM_OK && !any);
    sym_reminders_free(&list);
    sym_store_close(s);
    CHECK(header_user_version(path) == sym_store_schema_version());
}

static void test_migrate_empty(void)
{
    struct sym_store *s = NULL;
    char path[512], err[512];
    long long id = 0;

    /* A zero-byte file is an SQLite database at user_version 0. */
    path_in(path, sizeof path, "empty.db");
    spit(path, "", 0);
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_OK);
    CHECK(sym_store_add_reminder(s, "x", 1, 1, "en", &id) == SYM_OK);
    sym_store_close(s);
    CHECK(header_user_version(path) == sym_store_schema_version());
}

/* A file the store must refuse: the status, a message with want in it, and the file unchanged. */
static void check_refused(const char *path, enum sym_status want_rc, const char *want)
{
    static char before[1 << 20], after[1 << 20];
    struct sym_store *s = (struct sym_store *)1;
    char err[512] = "";
    long n1 = slurp(path, before, sizeof before), n2;

    CHECK(sym_store_open(&s, path, err, sizeof err) == want_rc);
    CHECK(s == NULL);
    CHECK_CONTAINS(err, want);
    n2 = slurp(path, after, sizeof after);
    CHECK(n1 >= 0 && n1 == n2 && !memcmp(before, after, (size_t)n1));
}

static void test_refuse_newer_and_garbage(void)
{
    static char buf[1 << 20]; /* the whole file: a truncated copy would be damaged instead */
    struct sym_store *s = NULL;
    char path[512], err[512], want[128];
    long n;

    path_in(path, sizeof path, "newer.db");
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_OK);
    sym_store_close(s);
    n = slurp(path, buf, sizeof buf);
    CHECK(n >= 100 && n < (long)sizeof buf);
    if (n >= 100) {
        buf[60] = buf[61] = buf[62] = 0;
        buf[63] = 99; /* as if a future Symbiot had migrated it to schema 99 */
        spit(path, buf, (size_t)n);
    }
    snprintf(want, sizeof want, "created by a newer Symbiot (schema 99, this one knows %d)",
             sym_store_schema_version());
    check_refused(path, SYM_ERR_INVALID, want);

    path_in(path, sizeof path, "garbage.db");
    for (n = 0; n < 4096; n++)
        buf[n] = (char)("not a database\n"[n % 15]);
    spit(path, buf, 4096);
    check_refused(path, SYM_ERR_INVALID, "not a Symbiot memory database");
    path_in(path, sizeof path, "tiny.db");
    spit(path, "hello", 5);
    check_refused(path, SYM_ERR_INVALID, "not a Symbiot memory database");
}

static void test_read_only(void)
{
    struct sym_store *s = NULL;
    char path[512], err[512] = "";

    /* A directory that cannot be created (root cannot either). */
    CHECK(sym_store_open(&s, "/proc/self/nonesuch/memory.db", err, sizeof err) == SYM_ERR_IO);
    CHECK(s == NULL);
    CHECK_CONTAINS(err, "cannot create the directory");
    if (geteuid() == 0) {
        printf("test_store: running as root, so permission checks are skipped\n");
        return;
    }
    path_in(path, sizeof path, "ro");
    mkdir(path, 0700);
    path_in(path, sizeof path, "ro/memory.db");
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_OK);
    sym_store_close(s);
    s = NULL;
    chmod(path, 0400);
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_ERR_IO);
    CHECK_CONTAINS(err, "Permission denied");
    chmod(path, 0600);
    path_in(path, sizeof path, "ro");
    chmod(path, 0500);
    path_in(path, sizeof path, "ro/memory.db");
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_ERR_IO);
    CHECK_CONTAINS(err, "read-only");
    path_in(path, sizeof path, "ro/other.db");
    CHECK(sym_store_open(&s, path, err, sizeof err) == SYM_ERR_IO);
    CHECK_CONTAINS(err, "Permission denied");
    path_in(path, sizeof path, "ro");
    chmod(path, 0700);
}

static void test_locked(void)
{
    struct sym_store *a = NULL, *b = NULL;
    struct sym_reminders list = {0};
    char path[512], err[512];
    long long id = 0;

    path_in(path, sizeof path, "locked.db");
    CHECK(sym_store_open(&a, path, err, sizeof err) == SYM_OK);
    CHECK(sym_store_open(&b, path, err, sizeof err) == SYM_OK);
    if (!a || !b)
        goto out;
    sym_store_set_busy_timeout(b, 100);
    CHECK(sym_store_begin(a) == SYM_OK);
    CHECK(sym_store_begin(a) == SYM_ERR_INVALID); /* no nesting */
    CHECK(sym_store_add_reminder(a, "from a", 10, 1, "en", &id) == SYM_OK);
    /* b can still read (WAL), and does not see a's uncommitted row ... */
    CHECK(sym_store_pending_reminders(b, &list) == SYM_OK && list.n == 0);
    /* ... but cannot write until a is done: a clear message after the timeout. */
    CHECK(sym_store_add_reminder(b, "from b", 20, 1, "en", &id) == SYM_ERR_IO);
    CHECK_CONTAINS(sym_store_errmsg(b), "locked by another program");
    CHECK(sym_store_commit(a) == SYM_OK);
    CHECK(sym_store_add_reminder(b, "from b", 20, 1, "en", &id) == SYM_OK);
    CHECK(sym_store_pending_reminders(b, &list) == SYM_OK && list.n == 2);
    /* A rolled-back group leaves nothing behind. */
    CHECK(sym_store_begin(a) == SYM_OK);
    CHECK(sym_store_add_reminder(a, "rolled back", 30, 1, "en", &id) == SYM_OK);
    sym_store_rollback(a);
    CHECK(sym_store_pending_reminders(a, &list) == SYM_OK && list.n == 2);
out:
    sym_reminders_free(&list);
    sym_store_close(a);
    sym_store_close(b);
}

int main(void)
{
    char cmd[300];

    snprintf(dir, sizeof dir, "%s/symbiot-store-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_create_and_restart();
    test_migrate_empty();
    test_refuse_newer_and_garbage();
    test_read_only();
    test_locked();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_report("test_store");
}
