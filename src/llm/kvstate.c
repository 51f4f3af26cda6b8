/*
 * kvstate.c: KV state files; see kvstate.h.
 *
 * Layout (native byte order: the file never leaves this machine):
 *
 *     0   magic "SYMKVST\n"          48  u64 tokens (count)
 *     8   u32 version (1)            56  u64 state bytes
 *     12  u32 reserved (0)           64  SHA-256 of the payload (tokens, then state)
 *     16  key: SHA-256 of the model  96  payload: tokens as i32, a byte per token (1: the first
 *         file's path, size, mtime,          token of a generated answer, see llm.c's resync),
 *         the chat template and the          then llama.cpp's sequence state
 *         file's name
 *
 * The whole file is read and checked (sizes, key, digest) before llama_state_seq_set_data sees
 * it; llama.cpp's own checks (layer count, cell count) come after ours. A refused file is
 * deleted. Saving writes NAME.tmp.PID (0600, O_EXCL), fsyncs it, renames it over NAME and
 * fsyncs the directory; a temporary file whose process is gone is removed by the next eviction.
 *
 * SYMBIOT_TEST_KV_SAVE_PAUSE=SECONDS (tests only) sleeps halfway through writing the payload,
 * so a test can kill the process mid-save.
 */
#include "llm/kvstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/sha256.h"
#include "llm/llm_internal.h"

#define KV_MAGIC "SYMKVST\n"
#define KV_VERSION 1u
#define KV_HEADER 96
#define KV_MAX_FILES 4096

enum sym_status sym_kvstate_dir(char *out, size_t size)
{
    char probe[4096];
    enum sym_status rc = sym_path_cache(out, size, "kv");

    if (rc)
        return rc;
    if (snprintf(probe, sizeof probe, "%s/x", out) >= (int)sizeof probe)
        return SYM_ERR_TOO_LONG;
    return sym_path_make_parent(probe);
}

static bool name_ok(const char *name)
{
    const char *p;

    if (!name[0] || name[0] == '.' || strlen(name) > 200)
        return false;
    for (p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* The key: what the state depends on, hashed. The file's name is part of it, so a state copied
 * under another name (another conversation) is refused. */
static enum sym_status make_key(const struct sym_llm *llm, const char *name,
                                uint8_t key[SYM_SHA256_LEN])
{
    struct sym_sha256 *h;
    struct stat st;
    const char *path = sym_llm_model_path(llm), *tmpl = sym_llm_template_source(llm);
    char line[128];
    enum sym_status rc = sym_sha256_init(&h);

    if (rc)
        return rc;
    if (stat(path, &st))
        memset(&st, 0, sizeof st);
    snprintf(line, sizeof line, "symbiot-kv %u %lld %lld.%09ld", KV_VERSION, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    sym_sha256_update(h, line, strlen(line) + 1);
    sym_sha256_update(h, path, strlen(path) + 1);
    sym_sha256_update(h, tmpl, strlen(tmpl) + 1);
    sym_sha256_update(h, name, strlen(name) + 1);
    rc = sym_sha256_final(h, key);
    sym_sha256_free(h);
    return rc;
}

static enum sym_status write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return SYM_ERR_IO;
        p += n;
        len -= (size_t)n;
    }
    return SYM_OK;
}

static enum sym_status read_all(int fd, void *data, size_t len)
{
    char *p = data;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? SYM_ERR_INVALID : SYM_ERR_IO;
        p += n;
        len -= (size_t)n;
    }
    return SYM_OK;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* ---- eviction ---- */

struct kv_file {
    char name[256];
    off_t size;
    struct timespec used;
};

static int by_use(const void *a, const void *b)
{
    const struct kv_file *x = a, *y = b;

    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* A temporary file NAME.tmp.PID whose process is gone: a save that was killed. */
static bool stale_tmp(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    char *end;
    long pid;

    if (!t)
        return false;
    pid = strtol(t + 5, &end, 10);
    return *end == '\0' && pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH;
}

/* Remove killed saves' temporary files, then the least recently used states over cap bytes. */
static void evict(const char *dir, uint64_t cap)
{
    struct kv_file *files = NULL;
    size_t n = 0, i;
    uint64_t total = 0;
    struct dirent *e;
    DIR *d = opendir(dir);
    char path[4096];

    if (!d)
        return;
    files = malloc(sizeof *files * KV_MAX_FILES);
    while (files && (e = readdir(d)) && n < KV_MAX_FILES) {
        struct stat st;
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.' || len >= sizeof files[0].name)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stale_tmp(e->d_name)) {
            unlink(path);
            continue;
        }
        if (len < 4 || strcmp(e->d_name + len - 3, ".kv") || lstat(path, &st) ||
            !S_ISREG(st.st_mode))
            continue;
        memcpy(files[n].name, e->d_name, len + 1);
        files[n].size = st.st_size;
        files[n].used = st.st_mtim;
        total += (uint64_t)st.st_size;
        n++;
    }
    closedir(d);
    if (files && total > cap) {
        qsort(files, n, sizeof *files, by_use);
        for (i = 0; i < n && total > cap; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
            if (!unlink(path)) {
                total -= (uint64_t)files[i].size;
                sym_log(SYM_LOG_DEBUG, "kv state %s evicted (cache over its size cap)",
                        files[i].name);
            }
        }
    }
    free(files);
}

/* ---- saving ---- */

static enum sym_status write_state(int fd, const uint8_t header[KV_HEADER], const llama_token *toks,
                                   const uint8_t *starts, size_t n_toks, const uint8_t *state,
                                   size_t state_len)
{
    enum sym_status rc = write_all(fd, header, KV_HEADER);
    const char *pause = getenv("SYMBIOT_TEST_KV_SAVE_PAUSE");

    if (!rc)
        rc = write_all(fd, toks, sizeof *toks * n_toks);
    if (!rc)
        rc = write_all(fd, starts, n_toks);
    if (!rc && pause && pause[0]) {
        rc = write_all(fd, state, state_len / 2);
        (void)fsync(fd);
        sleep((unsigned)atoi(pause));
        state += state_len / 2;
        state_len -= state_len / 2;
    }
    if (!rc)
        rc = write_all(fd, state, state_len);
    if (!rc && fsync(fd))
        rc = SYM_ERR_IO;
    return rc;
}

enum sym_status sym_kvstate_save(struct sym_llm *llm, int seq, const char *dir, const char *name,
                                 int n_keep, uint64_t cap)
{
    struct llama_context *ctx = sym_llm_context(llm);
    uint8_t header[KV_HEADER], *state = NULL, *starts = NULL;
    const llama_token *toks;
    const bool *flags;
    struct sym_sha256 *h = NULL;
    char path[4096], tmp[4096 + 32];
    enum sym_status rc;
    uint64_t n64, len64;
    size_t state_len;
    int n, fd = -1;

    if (!name_ok(name))
        return SYM_ERR_INVALID;
    if (n_keep >= 0)
        sym_llm_cache_cut(llm, n_keep);
    toks = sym_llm_cache_tokens(llm, &n, &flags);
    if (n <= 0)
        return SYM_OK;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return SYM_ERR_TOO_LONG;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    state_len = llama_state_seq_get_size(ctx, seq);
    state = state_len ? malloc(state_len) : NULL;
    starts = malloc((size_t)n);
    if (!state || !starts) {
        rc = state_len ? SYM_ERR_NOMEM : SYM_ERR_MODEL;
        goto out;
    }
    for (int k = 0; k < n; k++)
        starts[k] = flags[k];
    if (llama_state_seq_get_data(ctx, state, state_len, seq) != state_len) {
        rc = SYM_ERR_MODEL;
        goto out;
    }
    memset(header, 0, sizeof header);
    memcpy(header, KV_MAGIC, 8);
    *(uint32_t *)(void *)(header + 8) = KV_VERSION;
    n64 = (uint64_t)n;
    len64 = (uint64_t)state_len;
    memcpy(header + 48, &n64, 8);
    memcpy(header + 56, &len64, 8);
    rc = make_key(llm, name, header + 16);
    if (!rc)
        rc = sym_sha256_init(&h);
    if (rc)
        goto out;
    sym_sha256_update(h, toks, sizeof *toks * (size_t)n);
    sym_sha256_update(h, starts, (size_t)n);
    sym_sha256_update(h, state, state_len);
    rc = sym_sha256_final(h, header + 64);
    if (rc)
        goto out;
    unlink(tmp); /* a leftover of an earlier process with this pid */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = SYM_ERR_IO;
        goto out;
    }
    rc = write_state(fd, header, toks, starts, (size_t)n, state, state_len);
    if (close(fd) && !rc)
        rc = SYM_ERR_IO;
    fd = -1;
    if (!rc && rename(tmp, path))
        rc = SYM_ERR_IO;
    if (rc)
        unlink(tmp);
    else
        fsync_dir(dir);
out:
    sym_sha256_free(h);
    free(state);
    free(starts);
    if (!rc)
        evict(dir, cap);
    return rc;
}

/* ---- loading ---- */

/* A refused file: deleted, never trusted again. */
static enum sym_status refuse(const char *path, const char *why)
{
    sym_log(SYM_LOG_DEBUG, "kv state %s refused (%s) and deleted", path, why);
    unlink(path);
    return SYM_ERR_INVALID;
}

enum sym_status sym_kvstate_load(struct sym_llm *llm, int seq, const char *dir, const char *name)
{
    struct llama_context *ctx = sym_llm_context(llm);
    uint8_t header[KV_HEADER], key[SYM_SHA256_LEN], digest[SYM_SHA256_LEN], *payload = NULL;
    struct sym_sha256 *h = NULL;
    char path[4096];
    enum sym_status rc;
    uint64_t n64, len64;
    uint32_t version;
    struct stat st;
    size_t tok_bytes;
    double t0;
    int fd;

    if (!name_ok(name))
        return SYM_ERR_INVALID;
    t0 = sym_clock_ms();
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return SYM_ERR_TOO_LONG;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT  ? SYM_ERR_NOT_FOUND
               : errno == ELOOP ? refuse(path, "a link")
                                : SYM_ERR_IO;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return SYM_ERR_IO;
    }
    rc = read_all(fd, header, sizeof header);
    if (rc) {
        close(fd);
        return rc == SYM_ERR_INVALID ? refuse(path, "truncated header") : rc;
    }
    memcpy(&version, header + 8, 4);
    memcpy(&n64, header + 48, 8);
    memcpy(&len64, header + 56, 8);
    if (memcmp(header, KV_MAGIC, 8) || version != KV_VERSION) {
        close(fd);
        return refuse(path, "not a state file of this version");
    }
    rc = make_key(llm, name, key);
    if (rc) {
        close(fd);
        return rc;
    }
    if (memcmp(header + 16, key, sizeof key)) {
        close(fd);
        return refuse(path, "another model, template or name");
    }
    if (n64 == 0 || n64 >= (uint64_t)sym_llm_n_ctx(llm) || len64 == 0 ||
        (uint64_t)st.st_size != KV_HEADER + n64 * (sizeof(llama_token) + 1) + len64) {
        close(fd);
        return refuse(path, "sizes do not add up");
    }
    tok_bytes = (size_t)n64 * (sizeof(llama_token) + 1); /* the tokens and their start bytes */
    payload = malloc(tok_bytes + (size_t)len64);
    if (!payload) {
        close(fd);
        return SYM_ERR_NOMEM;
    }
    rc = read_all(fd, payload, tok_bytes + (size_t)len64);
    close(fd);
    if (rc) {
        rc = rc == SYM_ERR_INVALID ? refuse(path, "truncated") : rc;
        goto out;
    }
    rc = sym_sha256_init(&h);
    if (rc)
        goto out;
    sym_sha256_update(h, payload, tok_bytes + (size_t)len64);
    rc = sym_sha256_final(h, digest);
    if (rc)
        goto out;
    if (memcmp(digest, header + 64, sizeof digest)) {
        rc = refuse(path, "its digest does not match: damaged");
        goto out;
    }
    /* Checked: now llama.cpp may see it. */
    llama_memory_seq_rm(llama_get_memory(ctx), seq, -1, -1);
    if (seq == 0)
        sym_llm_cache_set(llm, NULL, NULL, 0);
    if (llama_state_seq_set_data(ctx, payload + tok_bytes, (size_t)len64, seq) == 0) {
        llama_memory_seq_rm(llama_get_memory(ctx), seq, -1, -1);
        rc = refuse(path, "llama.cpp refused it");
        goto out;
    }
    if (seq == 0) {
        llama_token *toks = malloc(sizeof *toks * (size_t)n64);
        bool *starts = malloc(sizeof *starts * (size_t)n64);

        if (!toks || !starts) {
            free(toks);
            free(starts);
            llama_memory_seq_rm(llama_get_memory(ctx), seq, -1, -1);
            rc = SYM_ERR_NOMEM;
            goto out;
        }
        memcpy(toks, payload, sizeof *toks * (size_t)n64);
        for (uint64_t k = 0; k < n64; k++)
            starts[k] = payload[sizeof *toks * (size_t)n64 + k] != 0;
        rc = sym_llm_cache_set(llm, toks, starts, (int)n64);
        free(toks);
        free(starts);
        if (rc) {
            llama_memory_seq_rm(llama_get_memory(ctx), seq, -1, -1);
            goto out;
        }
    }
    (void)utimensat(AT_FDCWD, path, NULL, 0); /* used now: last in line for eviction */
    sym_log(SYM_LOG_DEBUG, "kv state %s loaded (%llu tokens, %llu bytes) in %.1f ms", path,
            (unsigned long long)n64, (unsigned long long)st.st_size, sym_clock_ms() - t0);
out:
    sym_sha256_free(h);
    free(payload);
    return rc;
}

enum sym_status sym_kvstate_remove(const char *dir, const char *name)
{
    char path[4096];

    if (!name_ok(name))
        return SYM_ERR_INVALID;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return SYM_ERR_TOO_LONG;
    if (unlink(path) && errno != ENOENT)
        return SYM_ERR_IO;
    return SYM_OK;
}

uint64_t sym_kvstate_fingerprint(const struct sym_llm *llm)
{
    int n, i;
    const llama_token *toks = sym_llm_cache_tokens(llm, &n, NULL);
    uint64_t f = 1469598103934665603ull ^ (uint64_t)n; /* FNV-1a */

    for (i = 0; i < n; i++) {
        f ^= (uint32_t)toks[i];
        f *= 1099511628211ull;
    }
    return f;
}
