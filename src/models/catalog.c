/*
 * catalog.c: the table of models `symbiot pull NAME` knows, and how a name finds its entry.
 *
 * Sizes are approximate (they are shown with "~" and used in messages, never to judge a
 * download: the server's Content-Length does that). No sha256 is pinned: this table was written
 * on a machine without internet access, and a digest copied from memory would be worse than none.
 * Downloads from Hugging Face are still verified, against the X-Linked-Etag header its resolve
 * endpoint sends (the LFS object's sha256); `--sha256 HEX` checks against a digest the user
 * trusts. Pin a digest here only after checking it against the file itself.
 */
#include "models/catalog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MB (1000ull * 1000ull)

#define QWEN(size, lower, q4mb, q8mb, lic)                                                         \
    {"qwen2.5:" lower,                                                                             \
     "q4",                                                                                         \
     "Q4_K_M",                                                                                     \
     "Qwen/Qwen2.5-" size "-Instruct-GGUF",                                                        \
     "qwen2.5-" lower "-instruct-q4_k_m.gguf",                                                     \
     size,                                                                                         \
     (q4mb)*MB,                                                                                    \
     NULL,                                                                                         \
     lic},                                                                                         \
    {                                                                                              \
        "qwen2.5:" lower, "q8", "Q8_0", "Qwen/Qwen2.5-" size "-Instruct-GGUF",                     \
            "qwen2.5-" lower "-instruct-q8_0.gguf", size, (q8mb)*MB, NULL, lic                     \
    }

#define LLAMA(size, lower, q4mb, q8mb)                                                             \
    {"llama3.2:" lower,                                                                            \
     "q4",                                                                                         \
     "Q4_K_M",                                                                                     \
     "bartowski/Llama-3.2-" size "-Instruct-GGUF",                                                 \
     "Llama-3.2-" size "-Instruct-Q4_K_M.gguf",                                                    \
     size,                                                                                         \
     (q4mb)*MB,                                                                                    \
     NULL,                                                                                         \
     "Llama 3.2 Community"},                                                                       \
    {                                                                                              \
        "llama3.2:" lower, "q8", "Q8_0", "bartowski/Llama-3.2-" size "-Instruct-GGUF",             \
            "Llama-3.2-" size "-Instruct-Q8_0.gguf", size, (q8mb)*MB, NULL, "Llama 3.2 Community"  \
    }

static const struct sym_catalog_entry catalog[] = {
    QWEN("0.5B", "0.5b", 491, 676, "Apache-2.0"),
    QWEN("1.5B", "1.5b", 1120, 1890, "Apache-2.0"),
    QWEN("3B", "3b", 2100, 3620, "Qwen Research"),
    LLAMA("1B", "1b", 808, 1320),
    LLAMA("3B", "3b", 2020, 3420),
};

/* Recommendations by memory: the model and its whole context must fit beside everything else. */
static const struct {
    uint64_t below; /* bytes of RAM */
    const char *name;
} recommend[] = {
    {4ull << 30, "qwen2.5:0.5b"},
    {8ull << 30, "qwen2.5:1.5b"},
    {UINT64_MAX, "qwen2.5:3b"},
};

const struct sym_catalog_entry *sym_catalog_entries(size_t *n)
{
    *n = sizeof catalog / sizeof catalog[0];
    return catalog;
}

/* Does name equal prefix followed by suffix (both case-insensitive)? */
static int equals_joined(const char *name, const char *prefix, const char *sep, const char *suffix)
{
    size_t lp = strlen(prefix), ls = strlen(sep);

    return !strncasecmp(name, prefix, lp) && !strncmp(name + lp, sep, ls) &&
           !strcasecmp(name + lp + ls, suffix);
}

static int entry_matches(const struct sym_catalog_entry *e, const char *name)
{
    size_t lf = strlen(e->file) - strlen(".gguf");

    if (!strcasecmp(name, e->file) || (strlen(name) == lf && !strncasecmp(name, e->file, lf)))
        return 1;
    if (!strcasecmp(name, e->base))
        return !strcmp(e->tag, "q4");
    return equals_joined(name, e->base, "-", e->tag) || equals_joined(name, e->base, "-", e->quant);
}

const struct sym_catalog_entry *sym_catalog_find(const char *name)
{
    size_t i;

    for (i = 0; name && i < sizeof catalog / sizeof catalog[0]; i++)
        if (entry_matches(&catalog[i], name))
            return &catalog[i];
    return NULL;
}

const char *sym_catalog_name(const struct sym_catalog_entry *e, char *out, size_t size)
{
    if (!strcmp(e->tag, "q4"))
        snprintf(out, size, "%s", e->base);
    else
        snprintf(out, size, "%s-%s", e->base, e->tag);
    return out;
}

const char *sym_catalog_url(const struct sym_catalog_entry *e, char *out, size_t size)
{
    snprintf(out, size, "https://huggingface.co/%s/resolve/main/%s", e->repo, e->file);
    return out;
}

int sym_catalog_hf_url(const char *spec, char *url, size_t url_size, char *file, size_t file_size)
{
    const char *repo = spec + 3, *slash, *path;
    size_t lp;

    if (strncmp(spec, "hf:", 3))
        return -1;
    slash = strchr(repo, '/');
    path = slash ? strchr(slash + 1, '/') : NULL;
    if (!slash || slash == repo || !path || path == slash + 1 || !path[1])
        return -1;
    lp = strlen(path);
    if (lp < 6 || strcasecmp(path + lp - 5, ".gguf") || strstr(path, "/../") || strstr(path, "//"))
        return -1;
    if (snprintf(url, url_size, "https://huggingface.co/%.*s/resolve/main/%s", (int)(path - repo),
                 repo, path + 1) >= (int)url_size ||
        snprintf(file, file_size, "%s", strrchr(path, '/') + 1) >= (int)file_size)
        return -1;
    return 0;
}

const struct sym_catalog_entry *sym_catalog_recommend(uint64_t ram_bytes)
{
    size_t i;

    for (i = 0; i < sizeof recommend / sizeof recommend[0]; i++)
        if (ram_bytes < recommend[i].below)
            break;
    if (!ram_bytes || i == sizeof recommend / sizeof recommend[0])
        i = ram_bytes ? i - 1 : 0;
    return sym_catalog_find(recommend[i].name);
}

uint64_t sym_catalog_ram_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);

    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}
