/*
 * test_io.c: I/O errors, one at a time, through a memory operation. A SQLite VFS shim, made the
 * default, passes every call to the real one but counts the writes, syncs and truncations while
 * armed, and makes the Nth fail (SQLITE_IOERR_WRITE, _FSYNC, _TRUNCATE, or SQLITE_FULL for every
 * third write, as a full disk would). A clean run counts them (K); then for N = 1 .. K the
 * operation of memop.c (open, add, search, list, edit, store a turn) runs with the Nth failing.
 * Each run must end in a clear error or succeed (a failure SQLite recovers from), and the
 * database, reopened without faults, must pass PRAGMA integrity_check and FTS5's integrity-check,
 * keep the fact stored before, and hold the operation's fact whole or not at all.
 *
 * Usage: test_io SCRATCH_DIR
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memop.h"
#include "memory/store.h"
#include "test.h"

static sqlite3_vfs *real_vfs;
static bool armed, fired;
static long count, fail_at;

/* Count one write-side call; the error to return when it is the one to fail, else 0. */
static int next_fault(int error)
{
    if (!armed)
        return 0;
    if (++count != fail_at)
        return 0;
    fired = true;
    return error;
}

struct shim_file {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct in the same allocation */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;

    return rc;
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    int err = next_fault(count % 3 == 2 ? SQLITE_FULL : SQLITE_IOERR_WRITE);

    return err ? err : REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int err = next_fault(SQLITE_IOERR_TRUNCATE);

    return err ? err : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
    int err = next_fault(SQLITE_IOERR_FSYNC);

    return err ? err : REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int shim_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int shim_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int shim_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int shim_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int shim_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, p);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_size,
    shim_lock,
    shim_unlock,
    shim_check_lock,
    shim_control,
    shim_sector,
    shim_device,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct shim_file *sf = (struct shim_file *)f;
    int rc;

    (void)vfs;
    sf->real = (sqlite3_file *)(sf + 1);
    memset(sf->real, 0, (size_t)real_vfs->szOsFile);
    rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out);
    /* The real file's methods decide whether this one needs closing (NULL: open failed). */
    f->pMethods = sf->real->pMethods ? &shim_methods : NULL;
    return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int shim_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *shim_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void shim_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    real_vfs->xDlError(real_vfs, n, out);
}

static void (*shim_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, h, sym);
}

static void shim_dl_close(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    real_vfs->xDlClose(real_vfs, h);
}

static int shim_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int shim_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return real_vfs->xSleep(real_vfs, us);
}

static int shim_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int shim_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int shim_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs shim_vfs;

static int install_shim(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2)
        return -1;
    shim_vfs.iVersion = 2;
    shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
    shim_vfs.mxPathname = real_vfs->mxPathname;
    shim_vfs.zName = "symbiot-faults";
    shim_vfs.xOpen = shim_open;
    shim_vfs.xDelete = shim_delete;
    shim_vfs.xAccess = shim_access;
    shim_vfs.xFullPathname = shim_full_path;
    shim_vfs.xDlOpen = shim_dl_open;
    shim_vfs.xDlError = shim_dl_error;
    shim_vfs.xDlSym = shim_dl_sym;
    shim_vfs.xDlClose = shim_dl_close;
    shim_vfs.xRandomness = shim_random;
    shim_vfs.xSleep = shim_sleep;
    shim_vfs.xCurrentTime = shim_time;
    shim_vfs.xGetLastError = shim_last_error;
    shim_vfs.xCurrentTimeInt64 = shim_time64;
    return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* A new database: its creation and every migration, with the Nth write failing; the next
 * start, without faults, must complete it. */
static void create_sweep(void)
{
    struct sym_store *s = NULL;
    char err[512], when[64];
    long k, n, failed = 0;
    enum sym_status rc;

    memop_remove();
    armed = true;
    count = 0;
    fail_at = 0;
    CHECK(sym_store_open(&s, memop_db_path, err, sizeof err) == SYM_OK);
    sym_store_close(s);
    armed = false;
    k = count;
    for (n = 1; n <= k; n++) {
        memop_remove();
        err[0] = '\0';
        armed = true;
        fired = false;
        count = 0;
        fail_at = n;
        rc = sym_store_open(&s, memop_db_path, err, sizeof err);
        sym_store_close(s);
        s = NULL;
        armed = false;
        snprintf(when, sizeof when, "create, write %ld of %ld", n, k);
        CHECK(!rc || fired);
        if (rc) {
            failed++;
            memop_saw(err);
            CHECK(err[0] != '\0');
        }
        rc = sym_store_open(&s, memop_db_path, err, sizeof err);
        if (rc)
            fprintf(stderr, "%s: the next start cannot open the database: %s\n", when, err);
        CHECK(rc == SYM_OK);
        sym_store_close(s);
        s = NULL;
        CHECK(memop_integrity(when));
    }
    printf("new database: %ld writes, each failed once: %ld clear errors, the next start "
           "completed every one\n",
           k, failed);
}

int main(int argc, char **argv)
{
    char msg[512], when[64];
    long k, n, failed = 0, survived = 0;
    enum sym_status rc;
    int tea;

    if (argc < 2) {
        fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    memop_set_path(argv[1], "io");
    CHECK(install_shim() == 0);
    create_sweep();
    CHECK(memop_seed() == 0);

    armed = true;
    count = 0;
    fail_at = 0;
    CHECK(memop_run(msg, sizeof msg) == SYM_OK);
    armed = false;
    k = count;
    CHECK(memop_check("clean run") == 1);
    CHECK(k > 5);
    for (n = 1; n <= k; n++) {
        memop_undo();
        msg[0] = '\0';
        armed = true;
        fired = false;
        count = 0;
        fail_at = n;
        rc = memop_run(msg, sizeof msg);
        armed = false;
        snprintf(when, sizeof when, "I/O, write %ld of %ld", n, k);
        CHECK(!rc || fired); /* it fails only because of the injected error */
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
    printf("memory operation: %ld writes, syncs and truncations, each failed once: %ld clear "
           "errors, %ld recovered\n",
           k, failed, survived);
    memop_print_seen();
    memop_remove();
    return test_report("test_io");
}
