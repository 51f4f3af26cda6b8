/*
 * store_internal.h: what the other parts of the memory module (facts, conversations, feedback)
 * need from the store and the front ends must not see: the SQLite handle, the error buffer, the
 * statement helpers (prepare, bind and step in one call), and the write helpers that join an open
 * transaction instead of nesting one. Only src/memory/ and its tests include this.
 *
 * sqlite3.h is not included here: `struct sqlite3` is the type that sqlite3.h calls `sqlite3`, so
 * this header costs its includers nothing and lets only the memory module see the SQLite API.
 */
#ifndef SYM_STORE_INTERNAL_H
#define SYM_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "memory/store.h"

struct sqlite3;
struct sqlite3_stmt;
struct sym_memory_embedder;

/* The database handle. Borrowed, valid until sym_store_close(). */
struct sqlite3 *sym_store_db(struct sym_store *s);
/* The embedder for search by meaning (vectors.c), NULL when none. Valid until the next
 * sym_store_set_embedder(); its ctx is borrowed from the caller of sym_fact_set_embedder(). */
const struct sym_memory_embedder *sym_store_embedder(const struct sym_store *s);
/* Copy the table e (NULL, or one without embed: none). */
void sym_store_set_embedder(struct sym_store *s, const struct sym_memory_embedder *e);
/* The buffer behind sym_store_errmsg(), to write a message into; *size gets its size. */
char *sym_store_errbuf(struct sym_store *s, size_t *size);
/* Clear the handle's error message (at the start of each public call). */
void sym_store_clear_err(struct sym_store *s);
/* Say "what: why" on the handle and return SYM_ERR_INVALID. */
enum sym_status sym_store_invalid(struct sym_store *s, const char *what, const char *why);
/*
 * Statements in one call. fmt has one letter per value that follows, bound to the statement's
 * parameters 1, 2, ... in order. The arguments must have exactly these types (they are variadic:
 * the compiler cannot check them, so cast):
 *   'i'  int (a bool is promoted to one)
 *   'l'  long long: cast time_t, size_t and sqlite3_int64 values to it
 *   'd'  double
 *   't'  const char *: UTF-8 text; NULL binds SQL NULL
 *   'b'  two arguments, const void * and int: a blob of that many bytes; NULL binds SQL NULL
 * Text and blobs are bound SQLITE_STATIC, not copied: they must stay as they are until the
 * statement is finalised (or reset and bound again). Each returns SQLite's code: SQLITE_OK, or the
 * first failing call's (SQLITE_RANGE when fmt has more letters than the SQL has parameters,
 * SQLITE_MISUSE for an unknown letter); an error message, when wanted, comes from
 * sym_store_fail() on that code.
 */
int sym_stmt_bind(struct sqlite3_stmt *st, const char *fmt, ...);
/* Prepare sql on s's database and bind fmt's arguments. The caller steps *st and finalises it,
 * whatever the result (*st is NULL when preparing failed). */
int sym_store_query(struct sym_store *s, struct sqlite3_stmt **st, const char *sql, const char *fmt,
                    ...);
/* Run one statement that returns no rows: prepare, bind fmt's arguments, step to the end and
 * finalise. SQLITE_OK when it ran; sqlite3_changes() and sqlite3_last_insert_rowid() on
 * sym_store_db(s) then say what it did. */
int sym_store_run(struct sym_store *s, const char *sql, const char *fmt, ...);
/* sym_store_run() for a statement run many times in a row (an import's inserts): it stays
 * prepared on s, found again by the address of sql, which must be a string that lives as long
 * as s (a literal). */
int sym_store_run_cached(struct sym_store *s, const char *sql, const char *fmt, ...);
/* Run a query whose first row's first column is an integer (a count, a PRAGMA) into *v, left as
 * it was when there is no row. On failure "what: why" on s and the mapped status. */
enum sym_status sym_store_query_int(struct sym_store *s, const char *sql, long long *v,
                                    const char *what);

/* Put SQLite's result code rc into words on the handle, prefixed by what, and map it to a status
 * (SQLITE_CONSTRAINT -> SYM_ERR_INVALID, SQLITE_NOMEM -> SYM_ERR_NOMEM, else mostly SYM_ERR_IO). */
enum sym_status sym_store_fail(struct sym_store *s, int rc, const char *what);

/* Start a write: BEGIN IMMEDIATE unless a transaction is already open (then the write joins it).
 * *owned says whether the matching sym_store_write_end() commits or rolls back. */
enum sym_status sym_store_write_begin(struct sym_store *s, bool *owned, const char *what);
/* End a write: commit when rc is SYM_OK, else roll back (only when owned). Returns the outcome. */
enum sym_status sym_store_write_end(struct sym_store *s, bool owned, enum sym_status rc,
                                    const char *what);

/* For upgrade tests: open as sym_store_open() does, but migrate no further than version. */
enum sym_status sym_store_open_version(struct sym_store **out, const char *path, int version,
                                       char *err, size_t errlen);

#endif
