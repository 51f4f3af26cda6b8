/*
 * library.c: the model library directory, name resolution and the default model; see library.h.
 *
 * The library is just a directory of GGUF files: anything the user copies there by hand is a
 * library model too, and nothing else (no index file that could disagree with the disk). The
 * default is one line, the model's name, in `default` beside the models, written to a temporary
 * file and renamed so it is never half-written.
 */
#include "models/library.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "models/catalog.h"

#define DEFAULT_FILE "default"

enum sym_status sym_models_dir(char *out, size_t size)
{
    return sym_path_data(out, size, "models");
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* A name that can only mean a file directly inside the library. */
static int safe_name(const char *name)
{
    return name[0] && name[0] != '.' && !strchr(name, '/');
}

static int is_file(const char *path, struct stat *st)
{
    return !stat(path, st) && S_ISREG(st->st_mode);
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const struct sym_model_file *)a)->name,
                  ((const struct sym_model_file *)b)->name);
}

/* Append dir/entry to the list when it is a regular *.gguf file. */
static enum sym_status add_file(const char *dir, const char *entry, struct sym_model_file **list,
                                size_t *n, size_t *cap)
{
    char path[SYM_MODELS_PATH_MAX];
    struct sym_model_file *f;
    struct stat st;

    if (entry[0] == '.' || !has_suffix(entry, ".gguf"))
        return SYM_OK;
    if (snprintf(path, sizeof path, "%s/%s", dir, entry) >= (int)sizeof path || !is_file(path, &st))
        return SYM_OK;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;

        f = realloc(*list, c * sizeof *f);
        if (!f)
            return SYM_ERR_NOMEM;
        *list = f, *cap = c;
    }
    f = &(*list)[*n];
    f->name = strndup(entry, strlen(entry) - strlen(".gguf"));
    f->path = strdup(path);
    f->size = (uint64_t)st.st_size;
    f->mtime = st.st_mtime;
    (*n)++;
    return f->name && f->path ? SYM_OK : SYM_ERR_NOMEM;
}

enum sym_status sym_models_list(struct sym_model_file **out, size_t *n)
{
    char dir[SYM_MODELS_PATH_MAX];
    struct sym_model_file *list = NULL;
    size_t count = 0, cap = 0;
    enum sym_status rc;
    struct dirent *de;
    DIR *d;

    *out = NULL;
    *n = 0;
    rc = sym_models_dir(dir, sizeof dir);
    if (rc)
        return rc;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? SYM_OK : SYM_ERR_IO;
    while (!rc && (de = readdir(d)))
        rc = add_file(dir, de->d_name, &list, &count, &cap);
    closedir(d);
    if (rc) {
        sym_models_list_free(list, count);
        return rc;
    }
    if (count)
        qsort(list, count, sizeof *list, cmp_files);
    *out = list;
    *n = count;
    return SYM_OK;
}

void sym_models_list_free(struct sym_model_file *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++) {
        free(list[i].name);
        free(list[i].path);
    }
    free(list);
}

/* The library file that name means (name, name.gguf, or its catalogue entry's file), or -1. */
static int library_path(const char *name, char *out, size_t size)
{
    const struct sym_catalog_entry *e;
    char dir[SYM_MODELS_PATH_MAX];
    struct stat st;

    if (!safe_name(name) || sym_models_dir(dir, sizeof dir))
        return -1;
    if (has_suffix(name, ".gguf") && snprintf(out, size, "%s/%s", dir, name) < (int)size &&
        is_file(out, &st))
        return 0;
    if (snprintf(out, size, "%s/%s.gguf", dir, name) < (int)size && is_file(out, &st))
        return 0;
    e = sym_catalog_find(name);
    if (e && snprintf(out, size, "%s/%s", dir, e->file) < (int)size && is_file(out, &st))
        return 0;
    return -1;
}

enum sym_status sym_models_resolve(const char *what, char *out, size_t size, char *err,
                                   size_t errlen)
{
    struct stat st;

    if (!stat(what, &st)) {
        if (snprintf(out, size, "%s", what) >= (int)size)
            return SYM_ERR_TOO_LONG;
        return SYM_OK;
    }
    if (!library_path(what, out, size))
        return SYM_OK;
    if (strchr(what, '/') ||
        has_suffix(what, ".gguf")) { /* a path: the loader says what is wrong */
        if (snprintf(out, size, "%s", what) >= (int)size)
            return SYM_ERR_TOO_LONG;
        return SYM_OK;
    }
    if (sym_catalog_find(what))
        snprintf(err, errlen, "the model '%s' is not downloaded yet: get it with `symbiot pull %s`",
                 what, what);
    else
        snprintf(err, errlen,
                 "no model file or library model called '%s' (see `symbiot models`, or "
                 "`symbiot pull` to download one)",
                 what);
    return SYM_ERR_NOT_FOUND;
}

static int default_file(char *out, size_t size)
{
    char dir[SYM_MODELS_PATH_MAX];

    if (sym_models_dir(dir, sizeof dir))
        return -1;
    return snprintf(out, size, "%s/%s", dir, DEFAULT_FILE) < (int)size ? 0 : -1;
}

enum sym_status sym_models_default_name(char *out, size_t size)
{
    char path[SYM_MODELS_PATH_MAX];
    FILE *f;

    out[0] = '\0';
    if (default_file(path, sizeof path))
        return SYM_ERR_NOT_FOUND;
    f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? SYM_OK : SYM_ERR_IO;
    if (!fgets(out, (int)size, f))
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return SYM_OK;
}

enum sym_status sym_models_default(char *out, size_t size, char *err, size_t errlen)
{
    struct sym_model_file *list;
    char name[256];
    enum sym_status rc;
    size_t n;

    if (!sym_models_default_name(name, sizeof name) && name[0]) {
        if (!library_path(name, out, size))
            return SYM_OK;
        snprintf(err, errlen,
                 "the default model '%s' is no longer in the library (see `symbiot models`)", name);
        return SYM_ERR_INVALID;
    }
    rc = sym_models_list(&list, &n);
    if (rc) {
        snprintf(err, errlen, "cannot read the model library: %s", sym_status_str(rc));
        return rc;
    }
    if (n == 1 && snprintf(out, size, "%s", list[0].path) < (int)size) {
        sym_models_list_free(list, n);
        return SYM_OK;
    }
    if (n)
        snprintf(err, errlen,
                 "%zu models are in the library and none is the default: choose one with "
                 "`symbiot models default NAME` or -m NAME",
                 n);
    else
        snprintf(err, errlen, "no model is configured and the library is empty");
    sym_models_list_free(list, n);
    return n ? SYM_ERR_INVALID : SYM_ERR_NOT_FOUND;
}

const char *sym_models_name_of(const char *path, char *out, size_t size)
{
    char dir[SYM_MODELS_PATH_MAX];
    const char *base = strrchr(path, '/');
    size_t ld;

    if (!base || sym_models_dir(dir, sizeof dir) || !has_suffix(path, ".gguf"))
        return NULL;
    ld = strlen(dir);
    if ((size_t)(base - path) != ld || strncmp(path, dir, ld))
        return NULL;
    snprintf(out, size, "%.*s", (int)(strlen(base + 1) - strlen(".gguf")), base + 1);
    return out;
}

/* The library model name means, as its library name; -1 with err when there is none. */
static int library_name(const char *name, char *out, size_t size, char *err, size_t errlen)
{
    char path[SYM_MODELS_PATH_MAX];

    if (library_path(name, path, sizeof path) || !sym_models_name_of(path, out, size)) {
        if (sym_catalog_find(name))
            snprintf(err, errlen, "'%s' is not in the library (get it with `symbiot pull %s`)",
                     name, name);
        else
            snprintf(err, errlen, "no model called '%s' in the library (see `symbiot models`)",
                     name);
        return -1;
    }
    return 0;
}

enum sym_status sym_models_set_default(const char *name, char *err, size_t errlen)
{
    char path[SYM_MODELS_PATH_MAX], tmp[SYM_MODELS_PATH_MAX + 8], lib[256];
    FILE *f;
    int ok;

    if (library_name(name, lib, sizeof lib, err, errlen))
        return SYM_ERR_NOT_FOUND;
    if (default_file(path, sizeof path) || snprintf(tmp, sizeof tmp, "%s.tmp", path) < 0)
        return SYM_ERR_TOO_LONG;
    f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return SYM_ERR_IO;
    }
    ok = fprintf(f, "%s\n", lib) > 0;
    ok = !fclose(f) && ok;
    if (!ok || rename(tmp, path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return SYM_ERR_IO;
    }
    return SYM_OK;
}

enum sym_status sym_models_remove(const char *name, char *removed, size_t size, char *err,
                                  size_t errlen)
{
    char lib[256], def[256], path[SYM_MODELS_PATH_MAX];

    if (library_name(name, lib, sizeof lib, err, errlen) || library_path(lib, path, sizeof path))
        return SYM_ERR_NOT_FOUND;
    if (unlink(path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return SYM_ERR_IO;
    }
    snprintf(removed, size, "%s", path);
    if (!sym_models_default_name(def, sizeof def) && !strcmp(def, lib) &&
        !default_file(path, sizeof path))
        unlink(path);
    return SYM_OK;
}
