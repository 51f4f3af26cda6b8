/*
 * store.h: Symbiot's memory on disk: one SQLite database (default
 * $XDG_DATA_HOME/symbiot/memory.db) that outlives the process. It holds reminders (below),
 * facts with their full-text index (facts.h) and the chat conversations (conversations.h); a new
 * kind of record is a new migration.
 *
 * The store is an opaque handle with open/close, like sqlite3 itself, and is the only code that
 * includes sqlite3.h. Every fallible call returns an enum sym_status; the detail is on the handle
 * (sym_store_errmsg()). Opening never overwrites anything it does not understand: a file that is
 * not a database, or one written by a newer Symbiot, is refused and left byte for byte as it was.
 *
 * Not thread-safe: one handle per thread (several processes may share the file; SQLite locks it).
 */
#ifndef SYM_STORE_H
#define SYM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"

struct sym_store;

/* How long a write waits for another connection's write transaction before giving up. */
#define SYM_STORE_BUSY_TIMEOUT_MS 3000

/*
 * Open (creating when missing) the database at path. A new file is created 0600 and missing
 * directories 0700 (an existing file that others can read gets a warning through sym_log); the
 * schema is brought up to date, one migration per transaction. On failure
 * *out is NULL, err explains (a corrupt file, a newer schema, a lock held too long, a read-only
 * file or directory) and the status is SYM_ERR_INVALID (not ours / newer), SYM_ERR_IO (cannot
 * read, write or lock), SYM_ERR_NOMEM or SYM_ERR_TOO_LONG. Close with sym_store_close().
 */
enum sym_status sym_store_open(struct sym_store **out, const char *path, char *err, size_t errlen);
/* Close the database; an open transaction is rolled back. Accepts NULL. */
void sym_store_close(struct sym_store *s);

/* The default database path, $XDG_DATA_HOME/symbiot/memory.db; see sym_path_data(). */
enum sym_status sym_store_default_path(char *out, size_t size);
/* The path the store was opened with. Borrowed, valid until sym_store_close(). */
const char *sym_store_path(const struct sym_store *s);
/* Whether the last call failed because another connection holds the database's lock past the
 * busy timeout (SQLITE_BUSY or SQLITE_LOCKED): the same call may work in a moment. Its status is
 * SYM_ERR_IO and sym_store_errmsg() says the database is locked. */
bool sym_store_busy(const struct sym_store *s);
/* Why the last call failed. Borrowed, valid until the next call on s. */
const char *sym_store_errmsg(const struct sym_store *s);
/* The schema version this build writes (PRAGMA user_version of an up-to-date database). */
int sym_store_schema_version(void);
/* Change how long writes wait for a lock (milliseconds; tests shorten it). */
void sym_store_set_busy_timeout(struct sym_store *s, int ms);

/*
 * Group several writes into one transaction. Each write call is a transaction of its own unless
 * one is open; sym_store_begin() takes the write lock at once (waiting up to the busy timeout),
 * so a group never fails half-way for a lock. Nesting is not supported: SYM_ERR_INVALID.
 */
enum sym_status sym_store_begin(struct sym_store *s);
enum sym_status sym_store_commit(struct sym_store *s);
void sym_store_rollback(struct sym_store *s);

/* ---- reminders ---- */

enum sym_reminder_status {
    SYM_REMINDER_PENDING,
    SYM_REMINDER_DONE, /* announced to the user */
    SYM_REMINDER_CANCELLED,
};

struct sym_reminder {
    long long id;
    char *text; /* owned by the list it is in */
    time_t due; /* when to remind */
    time_t created;
    char lang[8]; /* language it was asked in: "en", "ru"; "" when unknown */
    enum sym_reminder_status status;
    time_t announced; /* when it was announced; 0 = not yet */
};

/* A list of reminders. Zero-initialise; free with sym_reminders_free(). */
struct sym_reminders {
    struct sym_reminder *items;
    size_t n;
};
void sym_reminders_free(struct sym_reminders *list);

/* Add a pending reminder of text (non-empty UTF-8) at due; lang may be NULL. *id gets its id. */
enum sym_status sym_store_add_reminder(struct sym_store *s, const char *text, time_t due,
                                       time_t created, const char *lang, long long *id);
/* The pending reminders, soonest first, into *out (emptied first). */
enum sym_status sym_store_pending_reminders(struct sym_store *s, struct sym_reminders *out);
/* Cancel pending reminder id. *found is false when there is no such pending reminder. */
enum sym_status sym_store_cancel_reminder(struct sym_store *s, long long id, bool *found);
/* The pending reminders due at or before now and not yet announced, soonest first. */
enum sym_status sym_store_due_reminders(struct sym_store *s, time_t now, struct sym_reminders *out);
/* The earliest due time of the pending reminders not yet announced; *found false when none. */
enum sym_status sym_store_next_due(struct sym_store *s, time_t *due, bool *found);
/* Record that reminder id was announced at `at` (it stays pending until marked done). */
enum sym_status sym_store_mark_announced(struct sym_store *s, long long id, time_t at);
/* Mark reminder id done. */
enum sym_status sym_store_mark_done(struct sym_store *s, long long id);
/*
 * What the front ends use: the due reminders (as sym_store_due_reminders()), each marked announced
 * at now and done, in one transaction, so that two sessions on one database never announce the
 * same reminder twice.
 */
enum sym_status sym_store_take_due(struct sym_store *s, time_t now, struct sym_reminders *out);

#endif
