/*
 * memop.h: what the fault tests (test_alloc, test_io) share: one memory operation over a test
 * database, the checks made on the database after it, and a tally of the error messages seen.
 * The checks open the file with SQLite directly and must run with faults disarmed.
 */
#ifndef SYM_FAULTS_MEMOP_H
#define SYM_FAULTS_MEMOP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* The test database; set by memop_set_path() before anything else. */
extern char memop_db_path[1024];

/* Put the test database in /dev/shm when it can be written (thousands of runs, each syncing
 * several times: on a disk that takes minutes, in memory seconds; what is tested does not depend
 * on the disk), else in dir. name tells concurrent tests apart. */
void memop_set_path(const char *dir, const char *name);

/* A fresh database at memop_db_path holding the earlier fact "My sister is Anna". */
int memop_seed(void);
/* The operation: open the store, add "I prefer green tea", search, list, edit it to "black
 * tea", start a conversation and store a turn, close. On failure msg gets the error. */
enum sym_status memop_run(char *msg, size_t size);
/* The database is sound (integrity_check, FTS5 integrity-check) and holds the earlier fact:
 * returns how many facts mention tea, or -1 (with `when` and the reason on stderr). */
int memop_check(const char *when);
/* The database opens and is sound (integrity_check, FTS5 integrity-check). */
bool memop_integrity(const char *when);
/* Remove what the operation (or a chat turn) wrote, keeping the earlier fact. */
void memop_undo(void);
/* Tally an error message; print the tally. */
void memop_saw(const char *msg);
void memop_print_seen(void);
/* Remove the database and its -wal and -shm files. */
void memop_remove(void);

#endif
