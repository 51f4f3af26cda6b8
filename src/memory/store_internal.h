/*
 * store_internal.h: what the other parts of the memory module (facts.c) need from the store and
 * the front ends must not see: the SQLite handle, the error buffer, and the write helpers that
 * join an open transaction instead of nesting one. Only src/memory/ and its tests include this.
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
struct sym_embedder;

/* The database handle. Borrowed, valid until sym_store_close(). */
struct sqlite3 *sym_store_db(struct sym_store *s);
/* The embedder facts.c uses for semantic search (NULL: none). Borrowed from the caller of
 * sym_fact_set_embedder(). */
struct sym_embedder *sym_store_embedder(struct sym_store *s);
void sym_store_set_embedder(struct sym_store *s, struct sym_embedder *e);
/* The buffer behind sym_store_errmsg(), to write a message into; *size gets its size. */
char *sym_store_errbuf(struct sym_store *s, size_t *size);
/* Clear the handle's error message (at the start of each public call). */
void sym_store_clear_err(struct sym_store *s);
/* Say "what: why" on the handle and return SYM_ERR_INVALID. */
enum sym_status sym_store_invalid(struct sym_store *s, const char *what, const char *why);
/* Prepare sql on s's database (sqlite3_prepare_v2); SQLite's code. st is a sqlite3_stmt **. */
int sym_store_prepare(struct sym_store *s, const char *sql, struct sqlite3_stmt **st);

/* Put SQLite's result code rc into words on the handle, prefixed by what, and map it to a status
 * (SQLITE_CONSTRAINT -> SYM_ERR_INVALID, SQLITE_NOMEM -> SYM_ERR_NOMEM, else mostly SYM_ERR_IO). */
enum sym_status sym_store_fail(struct sym_store *s, int rc, const char *what);

/* Start a write: BEGIN IMMEDIATE unless a transaction is already open (then the write joins it).
 * *owned says whether the matching sym_store_write_end() commits or rolls back. */
enum sym_status sym_store_write_begin(struct sym_store *s, bool *owned, const char *what);
/* End a write: commit when rc is SYM_OK, else roll back (only when owned). Returns the outcome. */
enum sym_status sym_store_write_end(struct sym_store *s, bool owned, enum sym_status rc,
                                    const char *what);

/* Register facts.c's SQL functions (symbiot_search, used by migrations) on db. SQLite's code. */
int sym_fact_register_sql(struct sqlite3 *db);

/* For upgrade tests: open as sym_store_open() does, but migrate no further than version. */
enum sym_status sym_store_open_version(struct sym_store **out, const char *path, int version,
                                       char *err, size_t errlen);

#endif
