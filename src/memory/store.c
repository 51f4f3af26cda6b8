/*
 * store.c: the memory database on SQLite; see store.h.
 *
 * Opening is careful before it is clever. The file is created by us with mode 0600 (SQLite then
 * gives its -wal and -shm files the same mode), and it is read before anything is written: a
 * file that is not a database, or whose PRAGMA user_version is above ours, is refused untouched.
 * Only then does the store switch to WAL (readers never wait for a writer; a crash loses at most
 * the last transaction) and apply the missing migrations, one transaction each, so an upgrade
 * interrupted half-way leaves a database at some older version that the next start completes.
 *
 * Schema changes are append-only: a new entry in `migrations` below, never an edit of an old
 * one. Each write takes the lock up front (BEGIN IMMEDIATE) so that a busy database fails at the
 * start of a transaction, after the busy timeout, rather than in the middle of one.
 *
 * The memory room's statements with parameters go through sym_store_run() / sym_store_query()
 * below: prepare, bind by format letters, step, finalise, with SQLite's code as the one result,
 * so a caller maps a failure once (sym_store_fail()) instead of after each bind.
 */
#include "memory/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/paths.h"
#include "memory/embedder.h"
#include "memory/store_internal.h"
#include "memory/terms.h"

/* Statements kept prepared by sym_store_run_cached(). */
#define STORE_CACHE 8

struct sym_store {
    sqlite3 *db;
    char *path;
    bool in_tx;                          /* a transaction from sym_store_begin() is open */
    struct sym_memory_embedder embedder; /* embed NULL: no search by meaning (vectors.c) */
    struct {
        const char *sql; /* the caller's static string: the key, by address */
        sqlite3_stmt *st;
    } cache[STORE_CACHE]; /* sym_store_run_cached()'s statements */
    char err[512];
    bool busy; /* the last failure was SQLITE_BUSY or SQLITE_LOCKED: worth retrying */
};

/* The schema, one migration per version: migrations[0] takes version 0 to 1, and so on. */
static const char *const migrations[] = {
    /* 1: reminders */
    "CREATE TABLE reminders ("
    "  id INTEGER PRIMARY KEY,"
    "  text TEXT NOT NULL,"
    "  due INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  lang TEXT,"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK(status IN ('pending','done','cancelled')),"
    "  announced INTEGER"
    ");"
    "CREATE INDEX reminders_status_due ON reminders(status, due);",
    /* 2: facts, their earlier texts, and a full-text index of their stemmed words (facts.c,
     * terms.c). `search` holds what is indexed, so the index can be told exactly what to delete
     * and can be rebuilt ('rebuild') from the table alone. */
    "CREATE TABLE facts ("
    "  id INTEGER PRIMARY KEY,"
    "  text TEXT NOT NULL,"
    "  norm TEXT NOT NULL UNIQUE,"
    "  search TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL DEFAULT 'user',"
    "  tags TEXT NOT NULL DEFAULT '',"
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  event_time INTEGER,"
    "  pinned INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX facts_created ON facts(created, id);"
    "CREATE TABLE fact_history ("
    "  id INTEGER PRIMARY KEY,"
    "  fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,"
    "  text TEXT NOT NULL,"
    "  replaced INTEGER NOT NULL"
    ");"
    "CREATE INDEX fact_history_fact ON fact_history(fact_id, id);"
    "CREATE VIRTUAL TABLE facts_fts USING fts5(search, content='facts', content_rowid='id',"
    "  tokenize='unicode61 remove_diacritics 0');",
    /* 3: every chat turn of every conversation, both sides (conversations.c). The title is the
     * first user message cut to 60 characters, set when that message is stored. */
    "CREATE TABLE conversations ("
    "  id INTEGER PRIMARY KEY,"
    "  started INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  title TEXT"
    ");"
    "CREATE TABLE turns ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK(role IN ('user','assistant')),"
    "  text TEXT NOT NULL,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE INDEX turns_conversation ON turns(conversation_id, id);",
    /* 4: one embedding per fact for semantic search (vectors.c), with the id of the model that
     * made it (the embedder's id(), embedder.h), so a change of model is seen and the vectors
     * rebuilt. vec: dim floats in the machine's byte order. */
    "CREATE TABLE fact_vectors ("
    "  fact_id INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,"
    "  model TEXT NOT NULL,"
    "  dim INTEGER NOT NULL,"
    "  vec BLOB NOT NULL"
    ");",
    /* 5: first-person words are indexed too (in a query they weigh in the ranking: "my" and "I"
     * tell the user's own facts from others'), so every fact's `search` is recomputed by
     * terms.c's symbiot_search() and the index rebuilt. */
    "UPDATE facts SET search = symbiot_search(text);"
    "INSERT INTO facts_fts(facts_fts) VALUES('rebuild');",
    /* 6: what each chat turn cost (feedback.c: the monitoring of `symbiot stats`), and the user's
     * ratings of answers. turn_id is the stored answer (turns.id) when there is one. */
    "CREATE TABLE turn_stats ("
    "  id INTEGER PRIMARY KEY,"
    "  created INTEGER NOT NULL,"
    "  turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL,"
    "  backend TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  prompt_tokens INTEGER NOT NULL,"
    "  evaluated INTEGER NOT NULL,"
    "  generated INTEGER NOT NULL,"
    "  ttft_ms REAL NOT NULL,"
    "  prompt_ms REAL NOT NULL,"
    "  gen_ms REAL NOT NULL,"
    "  recall_ms REAL NOT NULL,"
    "  facts_recalled INTEGER NOT NULL,"
    "  peak_rss_kb INTEGER NOT NULL"
    ");"
    "CREATE INDEX turn_stats_created ON turn_stats(created);"
    "CREATE TABLE feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,"
    "  created INTEGER NOT NULL,"
    "  rating INTEGER NOT NULL CHECK(rating IN (-1, 0, 1)),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  correction TEXT NOT NULL DEFAULT '',"
    "  fact_id INTEGER"
    ");"
    "CREATE INDEX feedback_turn ON feedback(turn_id);",
    /* 7: episodic memory (conversations.c, episodes.c): every turn searchable. A turn keeps who
     * said it (speaker: a name from an imported history; NULL = its role) and its session; an
     * imported conversation its own id (origin), so importing a file twice adds nothing. The
     * full-text index turns_fts has three columns: the turn's own search terms (terms.c), those
     * of the turn before it in the conversation (context: the question an answer answers), and
     * the month, season and year of its time in English and Russian (dates). Triggers keep the
     * index in step with the table, deletes through the conversation's cascade included. */
    "ALTER TABLE conversations ADD COLUMN origin TEXT;"
    "CREATE UNIQUE INDEX conversations_origin ON conversations(origin) WHERE origin IS NOT NULL;"
    "ALTER TABLE turns ADD COLUMN speaker TEXT;"
    "ALTER TABLE turns ADD COLUMN session TEXT;"
    "ALTER TABLE turns ADD COLUMN search TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE turns ADD COLUMN context TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE turns ADD COLUMN dates TEXT NOT NULL DEFAULT '';"
    "UPDATE turns SET search = symbiot_search(text), dates = symbiot_dates(created, text);"
    "UPDATE turns SET context = coalesce((SELECT p.search FROM turns p "
    "  WHERE p.conversation_id = turns.conversation_id AND p.id < turns.id "
    "  ORDER BY p.id DESC LIMIT 1), '');"
    "CREATE VIRTUAL TABLE turns_fts USING fts5(search, context, dates, content='turns',"
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 0');"
    "INSERT INTO turns_fts(turns_fts) VALUES('rebuild');"
    "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN"
    "  INSERT INTO turns_fts(rowid, search, context, dates)"
    "    VALUES (new.id, new.search, new.context, new.dates);"
    "END;"
    "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN"
    "  INSERT INTO turns_fts(turns_fts, rowid, search, context, dates)"
    "    VALUES ('delete', old.id, old.search, old.context, old.dates);"
    "END;"
    "CREATE TRIGGER turns_fts_update AFTER UPDATE OF search, context, dates ON turns BEGIN"
    "  INSERT INTO turns_fts(turns_fts, rowid, search, context, dates)"
    "    VALUES ('delete', old.id, old.search, old.context, old.dates);"
    "  INSERT INTO turns_fts(rowid, search, context, dates)"
    "    VALUES (new.id, new.search, new.context, new.dates);"
    "END;",
    /* 8: the tool calls the model made before an answer (core/toolturn.h: a JSON array of id,
     * name, arguments, result and status), kept on the answer's row; NULL for none. */
    "ALTER TABLE turns ADD COLUMN tools TEXT;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int sym_store_schema_version(void)
{
    return SCHEMA_VERSION;
}

/* Put SQLite's code rc into words on s->err, prefixed by what was being done, and map it. */
static enum sym_status fail(struct sym_store *s, int rc, const char *what)
{
    const char *detail = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

    s->busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        snprintf(s->err, sizeof s->err, "%s: out of memory", what);
        return SYM_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        snprintf(s->err, sizeof s->err,
                 "%s: the memory database %s is locked by another program (another Symbiot?); "
                 "try again in a moment",
                 what, s->path);
        return SYM_ERR_IO;
    case SQLITE_READONLY:
        snprintf(s->err, sizeof s->err,
                 "%s: the memory database %s is read-only (check the permissions of the file "
                 "and its directory)",
                 what, s->path);
        return SYM_ERR_IO;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        snprintf(s->err, sizeof s->err,
                 "%s: %s is not a Symbiot memory database or it is damaged (%s); it was left as "
                 "it is: move it away or point --db elsewhere",
                 what, s->path, detail);
        return SYM_ERR_INVALID;
    case SQLITE_FULL:
        snprintf(s->err, sizeof s->err, "%s: the disk holding %s is full", what, s->path);
        return SYM_ERR_IO;
    case SQLITE_CANTOPEN:
        snprintf(s->err, sizeof s->err, "%s: cannot open %s (or its -wal file): %s", what, s->path,
                 detail);
        return SYM_ERR_IO;
    }
    snprintf(s->err, sizeof s->err, "%s: %s: %s", what, s->path, detail);
    return (rc & 0xff) == SQLITE_CONSTRAINT ? SYM_ERR_INVALID : SYM_ERR_IO;
}

static enum sym_status exec(struct sym_store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? SYM_OK : fail(s, rc, what);
}

enum sym_status sym_store_query_int(struct sym_store *s, const char *sql, long long *v,
                                    const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *v = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? SYM_OK : fail(s, rc, what);
}

/* Start a write: BEGIN IMMEDIATE, unless a transaction is already open. *owned says
 * whether the matching write_end() must commit or roll back. */
static enum sym_status write_begin(struct sym_store *s, bool *owned, const char *what)
{
    enum sym_status rc;

    *owned = false;
    if (!sqlite3_get_autocommit(s->db))
        return SYM_OK; /* inside sym_store_begin() or another write of ours */
    rc = exec(s, "BEGIN IMMEDIATE", what);
    *owned = !rc;
    return rc;
}

/* Finish a write started by write_begin(): commit when rc is SYM_OK, else roll back. */
static enum sym_status write_end(struct sym_store *s, bool owned, enum sym_status rc,
                                 const char *what)
{
    if (!owned)
        return rc;
    if (!rc) {
        rc = exec(s, "COMMIT", what);
        if (!rc)
            return SYM_OK;
    }
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Apply the migrations the database lacks, each in a transaction of its own that re-reads the
 * version under the write lock (another process may have just done it). */
static enum sym_status migrate(struct sym_store *s, int target)
{
    char sql[64];
    long long v = 0;
    enum sym_status rc = SYM_OK;

    for (;;) {
        bool owned;

        rc = write_begin(s, &owned, "cannot update the memory database");
        if (rc)
            return rc;
        rc = sym_store_query_int(s, "PRAGMA user_version", &v, "cannot read the schema version");
        if (!rc && v >= target)
            return write_end(s, owned, SYM_OK, "cannot update the memory database");
        if (!rc)
            rc = exec(s, migrations[v], "cannot update the memory database");
        if (!rc) {
            snprintf(sql, sizeof sql, "PRAGMA user_version = %lld", v + 1);
            rc = exec(s, sql, "cannot update the memory database");
        }
        rc = write_end(s, owned, rc, "cannot update the memory database");
        if (rc)
            return rc;
    }
}

/* Create the file owner-only if it is missing; say clearly when it cannot be written, and warn
 * when other users can read it. */
static enum sym_status prepare_file(struct sym_store *s)
{
    struct stat st;
    char dir[4096];
    char *slash;
    int fd;

    if (sym_path_make_parent(s->path)) {
        snprintf(s->err, sizeof s->err, "cannot create the directory for %s: %s", s->path,
                 strerror(errno));
        return SYM_ERR_IO;
    }
    /* Never open() and close() a database file that exists: closing any descriptor of a file
     * drops every POSIX lock this process holds on it, the locks of SQLite connections already
     * open on it included (the server has two). Another process would then think itself the
     * last user, checkpoint and delete the -wal and -shm files under those connections, and
     * their later writes would be lost. An existing file is only checked. */
    if (access(s->path, F_OK) == 0) {
        fd = access(s->path, R_OK | W_OK);
    } else {
        fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) /* created meanwhile by someone else */
            fd = access(s->path, R_OK | W_OK);
        else if (fd >= 0)
            close(fd);
    }
    if (fd < 0) {
        snprintf(s->err, sizeof s->err, "cannot open %s for reading and writing: %s%s", s->path,
                 strerror(errno),
                 errno == EACCES || errno == EROFS ? " (Symbiot needs to write its memory there)"
                                                   : "");
        return SYM_ERR_IO;
    }
    /* We create it 0600; a file made or changed by someone else may not be. Say so, once per
     * open, but go on: it is the user's file, and they may share it on purpose. stat(), not
     * fstat(): no descriptor of the file may be opened and closed (see above). */
    if (!stat(s->path, &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
        sym_log(SYM_LOG_WARN,
                "the memory database %s can be read by other users (mode %04o): run chmod 600 %s",
                s->path, (unsigned)(st.st_mode & 07777), s->path);
    /* WAL keeps its -wal and -shm files next to the database. */
    snprintf(dir, sizeof dir, "%s", s->path);
    slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir] = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (access(dir, W_OK)) {
        snprintf(s->err, sizeof s->err,
                 "the directory %.200s is read-only: Symbiot needs to create files next to %s", dir,
                 s->path);
        return SYM_ERR_IO;
    }
    return SYM_OK;
}

enum sym_status sym_store_open(struct sym_store **out, const char *path, char *err, size_t errlen)
{
    return sym_store_open_version(out, path, SCHEMA_VERSION, err, errlen);
}

enum sym_status sym_store_open_version(struct sym_store **out, const char *path, int target,
                                       char *err, size_t errlen)
{
    struct sym_store *s = calloc(1, sizeof *s);
    sqlite3_stmt *st = NULL;
    long long version = 0;
    enum sym_status rc;
    int src;

    *out = NULL;
    if (!s || !(s->path = strdup(path))) {
        rc = SYM_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = prepare_file(s);
    if (rc)
        goto fail;
    src = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
    if (src != SQLITE_OK) {
        rc = fail(s, src, "cannot open the memory database");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, SYM_STORE_BUSY_TIMEOUT_MS);
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        snprintf(s->err, sizeof s->err,
                 "the memory database %s is read-only (check its permissions)", path);
        rc = SYM_ERR_IO;
        goto fail;
    }
    /* Read before writing anything: a foreign or newer file must stay as it is. */
    rc = sym_store_query_int(s, "PRAGMA user_version", &version, "cannot read the memory database");
    if (rc)
        goto fail;
    if (version > SCHEMA_VERSION || version < 0) {
        snprintf(s->err, sizeof s->err,
                 "%s was created by a newer Symbiot (schema %lld, this one knows %d); it was left "
                 "as it is: upgrade Symbiot or use another --db",
                 path, version, SCHEMA_VERSION);
        rc = SYM_ERR_INVALID;
        goto fail;
    }
    src = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal"))
        src = SQLITE_CANTOPEN; /* the file system cannot do WAL: say so rather than limp on */
    else if (src == SQLITE_ROW)
        src = SQLITE_OK;
    sqlite3_finalize(st);
    if (src != SQLITE_OK) {
        rc = fail(s, src, "cannot switch the memory database to WAL mode");
        goto fail;
    }
    rc = exec(s, "PRAGMA foreign_keys = ON", "cannot open the memory database");
    if (!rc && (src = sym_terms_register_sql(s->db)) != SQLITE_OK)
        rc = fail(s, src, "cannot open the memory database");
    if (!rc)
        rc = migrate(s, target < SCHEMA_VERSION ? target : SCHEMA_VERSION);
    if (rc)
        goto fail;
    *out = s;
    return SYM_OK;
fail:
    snprintf(err, errlen, "%s", s->err);
out:
    sym_store_close(s);
    return rc;
}

void sym_store_close(struct sym_store *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < STORE_CACHE; i++)
        sqlite3_finalize(s->cache[i].st);
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(s->db); /* statements are finalised after each call, so this cannot fail */
    free(s->path);
    free(s);
}

enum sym_status sym_store_default_path(char *out, size_t size)
{
    return sym_path_data(out, size, "memory.db");
}

const char *sym_store_path(const struct sym_store *s)
{
    return s->path;
}

const char *sym_store_errmsg(const struct sym_store *s)
{
    return s->err;
}

struct sqlite3 *sym_store_db(struct sym_store *s)
{
    return s->db;
}

const struct sym_memory_embedder *sym_store_embedder(const struct sym_store *s)
{
    return s->embedder.embed ? &s->embedder : NULL;
}

void sym_store_set_embedder(struct sym_store *s, const struct sym_memory_embedder *e)
{
    static const struct sym_memory_embedder none = {0};

    s->embedder = e ? *e : none;
}

char *sym_store_errbuf(struct sym_store *s, size_t *size)
{
    *size = sizeof s->err;
    return s->err;
}

bool sym_store_busy(const struct sym_store *s)
{
    return s->busy;
}

void sym_store_clear_err(struct sym_store *s)
{
    s->err[0] = '\0';
    s->busy = false;
}

enum sym_status sym_store_invalid(struct sym_store *s, const char *what, const char *why)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, why);
    s->busy = false;
    return SYM_ERR_INVALID;
}

/* sym_stmt_bind() with the arguments in ap. */
static int vbind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    int rc = SQLITE_OK, i;

    for (i = 1; rc == SQLITE_OK && fmt[i - 1]; i++) {
        switch (fmt[i - 1]) {
        case 'i':
            rc = sqlite3_bind_int(st, i, va_arg(ap, int));
            break;
        case 'l':
            rc = sqlite3_bind_int64(st, i, (sqlite3_int64)va_arg(ap, long long));
            break;
        case 'd':
            rc = sqlite3_bind_double(st, i, va_arg(ap, double));
            break;
        case 't':
            rc = sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_STATIC);
            break;
        case 'b': {
            const void *data = va_arg(ap, const void *);

            rc = sqlite3_bind_blob(st, i, data, va_arg(ap, int), SQLITE_STATIC);
            break;
        }
        default:
            rc = SQLITE_MISUSE;
        }
    }
    return rc;
}

int sym_stmt_bind(sqlite3_stmt *st, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vbind(st, fmt, ap);
    va_end(ap);
    return rc;
}

/* sym_store_query() with the arguments in ap. */
static int vquery(struct sym_store *s, sqlite3_stmt **st, const char *sql, const char *fmt,
                  va_list ap)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

    return rc == SQLITE_OK ? vbind(*st, fmt, ap) : rc;
}

int sym_store_query(struct sym_store *s, sqlite3_stmt **st, const char *sql, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vquery(s, st, sql, fmt, ap);
    va_end(ap);
    return rc;
}

/* sym_store_run() with the arguments in ap. */
static int vrun(struct sym_store *s, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = NULL;
    int rc = vquery(s, &st, sql, fmt, ap);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int sym_store_run(struct sym_store *s, const char *sql, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vrun(s, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int sym_store_run_cached(struct sym_store *s, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    size_t i, slot = STORE_CACHE - 1;
    va_list ap;
    int rc = SQLITE_OK;

    for (i = 0; i < STORE_CACHE; i++) {
        if (s->cache[i].sql == sql)
            break;
        if (!s->cache[i].sql && slot == STORE_CACHE - 1)
            slot = i;
    }
    if (i < STORE_CACHE) {
        st = s->cache[i].st;
    } else {
        /* A new statement takes a free slot, or the last one's. */
        sqlite3_finalize(s->cache[slot].st);
        s->cache[slot].sql = NULL;
        s->cache[slot].st = NULL;
        rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return rc;
        s->cache[slot].sql = sql;
        s->cache[slot].st = st;
    }
    va_start(ap, fmt);
    rc = vbind(st, fmt, ap);
    va_end(ap);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum sym_status sym_store_fail(struct sym_store *s, int rc, const char *what)
{
    return fail(s, rc, what);
}

enum sym_status sym_store_write_begin(struct sym_store *s, bool *owned, const char *what)
{
    return write_begin(s, owned, what);
}

enum sym_status sym_store_write_end(struct sym_store *s, bool owned, enum sym_status rc,
                                    const char *what)
{
    return write_end(s, owned, rc, what);
}

void sym_store_set_busy_timeout(struct sym_store *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms);
}

enum sym_status sym_store_begin(struct sym_store *s)
{
    enum sym_status rc;

    s->err[0] = '\0';
    s->busy = false;
    if (s->in_tx) {
        snprintf(s->err, sizeof s->err, "a transaction is already open");
        return SYM_ERR_INVALID;
    }
    rc = exec(s, "BEGIN IMMEDIATE", "cannot start writing to the memory database");
    if (!rc)
        s->in_tx = true;
    return rc;
}

enum sym_status sym_store_commit(struct sym_store *s)
{
    enum sym_status rc;

    s->err[0] = '\0';
    s->busy = false;
    if (!s->in_tx) {
        snprintf(s->err, sizeof s->err, "no transaction is open");
        return SYM_ERR_INVALID;
    }
    s->in_tx = false;
    rc = exec(s, "COMMIT", "cannot save to the memory database");
    if (rc)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void sym_store_rollback(struct sym_store *s)
{
    if (s->in_tx)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = false;
}

/* ---- reminders ---- */

void sym_reminders_free(struct sym_reminders *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++)
        free(list->items[i].text);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

#define REMINDER_COLUMNS "id, text, due, created, lang, status, announced"

static enum sym_reminder_status status_from(const char *s)
{
    if (s && !strcmp(s, "done"))
        return SYM_REMINDER_DONE;
    if (s && !strcmp(s, "cancelled"))
        return SYM_REMINDER_CANCELLED;
    return SYM_REMINDER_PENDING;
}

/* Step st to the end, appending each row (REMINDER_COLUMNS) to out. */
static enum sym_status read_reminders(struct sym_store *s, sqlite3_stmt *st,
                                      struct sym_reminders *out, const char *what)
{
    size_t cap = 0;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sym_reminder *r;
        const char *text = (const char *)sqlite3_column_text(st, 1);
        const char *lang = (const char *)sqlite3_column_text(st, 4);

        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct sym_reminder *p = realloc(out->items, sizeof *p * ncap);

            if (!p)
                return fail(s, SQLITE_NOMEM, what);
            out->items = p;
            cap = ncap;
        }
        r = &out->items[out->n];
        memset(r, 0, sizeof *r);
        r->text = strdup(text ? text : "");
        if (!r->text)
            return fail(s, SQLITE_NOMEM, what);
        out->n++;
        r->id = sqlite3_column_int64(st, 0);
        r->due = (time_t)sqlite3_column_int64(st, 2);
        r->created = (time_t)sqlite3_column_int64(st, 3);
        snprintf(r->lang, sizeof r->lang, "%s", lang ? lang : "");
        r->status = status_from((const char *)sqlite3_column_text(st, 5));
        r->announced = (time_t)sqlite3_column_int64(st, 6);
    }
    return rc == SQLITE_DONE ? SYM_OK : fail(s, rc, what);
}

/* Run sql with fmt's arguments (sym_stmt_bind()), read the reminder rows into out. */
static enum sym_status select_reminders(struct sym_store *s, struct sym_reminders *out,
                                        const char *what, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    va_list ap;
    int src;

    sym_reminders_free(out);
    va_start(ap, fmt);
    src = vquery(s, &st, sql, fmt, ap);
    va_end(ap);
    rc = src == SQLITE_OK ? read_reminders(s, st, out, what) : fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_reminders_free(out);
    return rc;
}

/* Run one write statement with fmt's arguments (sym_stmt_bind()) in a write of its own (or the
 * open one); *changes, when not NULL, gets the rows touched. */
static enum sym_status write_run(struct sym_store *s, int *changes, const char *what,
                                 const char *sql, const char *fmt, ...)
{
    enum sym_status rc;
    va_list ap;
    bool owned;
    int src;

    s->err[0] = '\0';
    s->busy = false;
    rc = write_begin(s, &owned, what);
    if (rc)
        return rc;
    va_start(ap, fmt);
    src = vrun(s, sql, fmt, ap);
    va_end(ap);
    rc = src == SQLITE_OK ? SYM_OK : fail(s, src, what);
    if (!rc && changes)
        *changes = sqlite3_changes(s->db);
    return write_end(s, owned, rc, what);
}

enum sym_status sym_store_add_reminder(struct sym_store *s, const char *text, time_t due,
                                       time_t created, const char *lang, long long *id)
{
    static const char what[] = "cannot save the reminder";
    enum sym_status rc;
    bool owned;
    int src;

    s->err[0] = '\0';
    s->busy = false;
    if (!text || !text[0]) {
        snprintf(s->err, sizeof s->err, "%s: it has no text", what);
        return SYM_ERR_INVALID;
    }
    rc = write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_run(s, "INSERT INTO reminders (text, due, created, lang) VALUES (?, ?, ?, ?)",
                        "tllt", text, (long long)due, (long long)created,
                        lang && lang[0] ? lang : NULL);
    rc = src == SQLITE_OK ? SYM_OK : fail(s, src, what);
    if (!rc && id)
        *id = sqlite3_last_insert_rowid(s->db);
    return write_end(s, owned, rc, what);
}

enum sym_status sym_store_pending_reminders(struct sym_store *s, struct sym_reminders *out)
{
    s->err[0] = '\0';
    s->busy = false;
    return select_reminders(s, out, "cannot read the reminders",
                            "SELECT " REMINDER_COLUMNS " FROM reminders WHERE status = 'pending' "
                            "ORDER BY due, id",
                            "");
}

enum sym_status sym_store_cancel_reminder(struct sym_store *s, long long id, bool *found)
{
    int changes = 0;
    enum sym_status rc;

    rc = write_run(s, &changes, "cannot cancel the reminder",
                   "UPDATE reminders SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
                   "l", id);
    *found = !rc && changes > 0;
    return rc;
}

static const char due_sql[] = "SELECT " REMINDER_COLUMNS " FROM reminders "
                              "WHERE status = 'pending' AND announced IS NULL AND due <= ? "
                              "ORDER BY due, id";

enum sym_status sym_store_due_reminders(struct sym_store *s, time_t now, struct sym_reminders *out)
{
    s->err[0] = '\0';
    s->busy = false;
    return select_reminders(s, out, "cannot read the reminders", due_sql, "l", (long long)now);
}

enum sym_status sym_store_next_due(struct sym_store *s, time_t *due, bool *found)
{
    static const char what[] = "cannot read the reminders";
    sqlite3_stmt *st = NULL;
    int src;

    s->err[0] = '\0';
    s->busy = false;
    *found = false;
    src = sym_store_query(s, &st,
                          "SELECT min(due) FROM reminders "
                          "WHERE status = 'pending' AND announced IS NULL",
                          "");
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
            *due = (time_t)sqlite3_column_int64(st, 0);
            *found = true;
        }
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src == SQLITE_OK ? SYM_OK : fail(s, src, what);
}

enum sym_status sym_store_mark_announced(struct sym_store *s, long long id, time_t at)
{
    return write_run(s, NULL, "cannot update the reminder",
                     "UPDATE reminders SET announced = ? WHERE id = ?", "ll", (long long)at, id);
}

enum sym_status sym_store_mark_done(struct sym_store *s, long long id)
{
    return write_run(s, NULL, "cannot update the reminder",
                     "UPDATE reminders SET status = 'done' WHERE id = ? AND status = 'pending'",
                     "l", id);
}

enum sym_status sym_store_take_due(struct sym_store *s, time_t now, struct sym_reminders *out)
{
    static const char what[] = "cannot update the reminders";
    enum sym_status rc;
    bool owned;

    s->err[0] = '\0';
    s->busy = false;
    sym_reminders_free(out);
    rc = write_begin(s, &owned, what);
    if (rc)
        return rc;
    rc = select_reminders(s, out, what, due_sql, "l", (long long)now);
    if (!rc && out->n)
        rc = write_run(s, NULL, what,
                       "UPDATE reminders SET announced = ?, status = 'done' "
                       "WHERE status = 'pending' AND announced IS NULL AND due <= ?",
                       "ll", (long long)now, (long long)now);
    rc = write_end(s, owned, rc, what);
    if (rc)
        sym_reminders_free(out);
    return rc;
}
