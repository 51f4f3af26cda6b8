/*
 * config.c: settings parsing; see config.h.
 *
 * One table maps each key to a typed field, so the file, the environment and the command line
 * all go through sym_config_set() and share its validation and error messages.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"

enum field_type {
    FIELD_STRING,
    FIELD_INT,
    FIELD_FLOAT,
    FIELD_SEED,
    FIELD_BOOL,
    FIELD_BACKEND,
    FIELD_SIZE
};

struct field {
    const char *key;
    enum field_type type;
    size_t offset;
    double min, max; /* allowed range for numbers */
};

#define FIELD(key, type, member, min, max)                                                         \
    {                                                                                              \
        key, type, offsetof(struct sym_config, member), min, max                                   \
    }

static const struct field fields[] = {
    FIELD("model", FIELD_STRING, model, 0, 0),
    FIELD("system", FIELD_STRING, system, 0, 0),
    FIELD("db", FIELD_STRING, db, 0, 0),
    FIELD("embed-model", FIELD_STRING, embed_model, 0, 0),
    FIELD("threads", FIELD_INT, threads, 0, 1024),
    FIELD("ctx-size", FIELD_INT, ctx_size, 0, 16777216),
    FIELD("parallel", FIELD_INT, parallel, 0, 64),
    FIELD("max-tokens", FIELD_INT, max_tokens, -1, INT_MAX),
    FIELD("gpu-layers", FIELD_INT, gpu_layers, -1, 100000),
    FIELD("temp", FIELD_FLOAT, temp, 0, 100),
    FIELD("top-k", FIELD_INT, top_k, 0, INT_MAX),
    FIELD("top-p", FIELD_FLOAT, top_p, 0, 1),
    FIELD("min-p", FIELD_FLOAT, min_p, 0, 1),
    FIELD("repeat-penalty", FIELD_FLOAT, repeat_penalty, 0, 100),
    FIELD("repeat-last-n", FIELD_INT, repeat_last_n, 0, INT_MAX),
    FIELD("seed", FIELD_SEED, seed, 0, 0),
    FIELD("extract", FIELD_BOOL, extract, 0, 0),
    FIELD("llm-extract", FIELD_BOOL, llm_extract, 0, 0),
    FIELD("recall-conversations", FIELD_BOOL, recall_turns, 0, 0),
    FIELD("show-thinking", FIELD_BOOL, show_thinking, 0, 0),
    FIELD("backend", FIELD_BACKEND, backend, 0, 0),
    FIELD("endpoint", FIELD_STRING, endpoint, 0, 0),
    FIELD("api-key-env", FIELD_STRING, api_key_env, 0, 0),
    FIELD("remote-model", FIELD_STRING, remote_model, 0, 0),
    FIELD("share-memory", FIELD_BOOL, share_memory, 0, 0),
    FIELD("remote-timeout", FIELD_INT, remote_timeout, 1, 86400),
    FIELD("remote-allow-http", FIELD_BOOL, remote_allow_http, 0, 0),
    FIELD("rpc", FIELD_STRING, rpc, 0, 0),
    FIELD("tools", FIELD_BOOL, tools, 0, 0),
    FIELD("tools-allow", FIELD_STRING, tools_allow, 0, 0),
    FIELD("kv-cache-size", FIELD_SIZE, kv_cache_size, 0, 0),
    FIELD("tool-rounds", FIELD_INT, tool_rounds, 0, 64),
    FIELD("tool-calls", FIELD_INT, tool_calls, 1, 256),
    FIELD("tool-choice", FIELD_STRING, tool_choice, 0, 0),
    FIELD("confirm-timeout", FIELD_INT, confirm_timeout, 1, 3600),
};

static const char *const backend_names[] = {"local", "remote", "auto"};

const char *sym_config_backend_name(enum sym_backend_mode mode)
{
    return (size_t)mode < sizeof backend_names / sizeof backend_names[0] ? backend_names[mode]
                                                                         : "local";
}

enum sym_status sym_config_init(struct sym_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->system = strdup(SYM_DEFAULT_SYSTEM);
    if (!cfg->system)
        return SYM_ERR_NOMEM;
    cfg->threads = 0;
    cfg->ctx_size = 0;
    cfg->max_tokens = 512;
    cfg->gpu_layers = -1;
    cfg->temp = 0.7f;
    cfg->top_k = 40;
    cfg->top_p = 0.95f;
    cfg->min_p = 0.05f;
    cfg->repeat_penalty = 1.1f;
    cfg->repeat_last_n = 64;
    cfg->seed = SYM_SEED_RANDOM;
    cfg->extract = true;
    cfg->llm_extract = true;
    cfg->recall_turns = true;
    cfg->backend = SYM_BACKEND_MODE_LOCAL;
    cfg->remote_timeout = 60;
    cfg->tools = true;
    cfg->kv_cache_size = SYM_KV_CACHE_SIZE_DEFAULT;
    cfg->tool_rounds = 4;
    cfg->tool_calls = 8;
    cfg->confirm_timeout = 120;
    return SYM_OK;
}

void sym_config_free(struct sym_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->model);
    free(cfg->system);
    free(cfg->db);
    free(cfg->embed_model);
    free(cfg->endpoint);
    free(cfg->api_key_env);
    free(cfg->remote_model);
    free(cfg->rpc);
    free(cfg->tools_allow);
    cfg->tools_allow = NULL;
    free(cfg->tool_choice);
    cfg->tool_choice = NULL;
    cfg->model = cfg->system = cfg->db = cfg->embed_model = NULL;
    cfg->endpoint = cfg->api_key_env = cfg->remote_model = cfg->rpc = NULL;
}

static const struct field *find_field(const char *key)
{
    char norm[32];
    size_t i;

    for (i = 0; key[i] && i < sizeof norm - 1; i++)
        norm[i] = key[i] == '_' ? '-' : key[i];
    norm[i] = '\0';
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(fields[i].key, norm))
            return &fields[i];
    return NULL;
}

/* A size in bytes: a whole number with an optional K, M, G or T (powers of 1024; "2G"). */
static enum sym_status set_size(const struct field *f, void *slot, const char *value, char *err,
                                size_t errlen)
{
    static const char units[] = "KMGT";
    const char *u;
    char *end;
    unsigned long long v;
    int shift = 0;

    errno = 0;
    v = strtoull(value, &end, 10);
    if (end != value && *end && !end[1] && (u = strchr(units, end[0] & ~0x20)) != NULL) {
        shift = 10 * (int)(u - units + 1);
        end++;
    }
    if (end == value || *end || errno || value[0] == '-' || (shift && v > (~0ull >> shift))) {
        snprintf(err, errlen, "%s: '%s' is not a size (bytes, or a number with K, M, G or T)",
                 f->key, value);
        return SYM_ERR_INVALID;
    }
    *(unsigned long long *)slot = v << shift;
    return SYM_OK;
}

static enum sym_status set_number(const struct field *f, void *slot, const char *value, char *err,
                                  size_t errlen)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(value, &end);
    if (f->type == FIELD_SEED && !strcmp(value, "random")) {
        *(uint32_t *)slot = SYM_SEED_RANDOM;
        return SYM_OK;
    }
    if (end == value || *end || errno || !isfinite(v)) {
        snprintf(err, errlen, "%s: '%s' is not a number", f->key, value);
        return SYM_ERR_INVALID;
    }
    if (f->type != FIELD_FLOAT && v != floor(v)) {
        snprintf(err, errlen, "%s: '%s' is not a whole number", f->key, value);
        return SYM_ERR_INVALID;
    }
    if (f->type == FIELD_SEED) {
        if (v < 0 || v > 4294967295.0) {
            snprintf(err, errlen, "seed: '%s' is out of range (0 to 4294967295, or 'random')",
                     value);
            return SYM_ERR_INVALID;
        }
        *(uint32_t *)slot = (uint32_t)v;
        return SYM_OK;
    }
    if (v < f->min || v > f->max) {
        snprintf(err, errlen, "%s: %s is out of range (%g to %g)", f->key, value, f->min, f->max);
        return SYM_ERR_INVALID;
    }
    if (f->type == FIELD_INT)
        *(int *)slot = (int)v;
    else
        *(float *)slot = (float)v;
    return SYM_OK;
}

enum sym_status sym_config_set(struct sym_config *cfg, const char *key, const char *value,
                               char *err, size_t errlen)
{
    const struct field *f = find_field(key);
    void *slot;

    if (!f) {
        static const char *const serve_only[] = {"host", "port", "api-key-file", "queue",
                                                 "request-timeout"};
        size_t i;

        if (!strcmp(key, "api-key") || !strcmp(key, "api_key")) {
            snprintf(err, errlen,
                     "'api-key' is not read from the config file: give `symbiot serve` its key "
                     "with --api-key-file FILE (an owner-only file) or SYMBIOT_API_KEY");
            return SYM_ERR_INVALID;
        }
        for (i = 0; i < sizeof serve_only / sizeof serve_only[0]; i++)
            if (!strcmp(key, serve_only[i])) {
                snprintf(err, errlen,
                         "'%s' is not read from the config file: it is an option of `symbiot "
                         "serve`, given on its command line (--%s)",
                         key, key);
                return SYM_ERR_INVALID;
            }
        snprintf(err, errlen, "unknown setting '%s'", key);
        return SYM_ERR_INVALID;
    }
    slot = (char *)cfg + f->offset;
    if (f->type == FIELD_STRING) {
        char *copy = value[0] ? strdup(value) : NULL;

        if (value[0] && !copy) {
            snprintf(err, errlen, "out of memory");
            return SYM_ERR_NOMEM;
        }
        free(*(char **)slot);
        *(char **)slot = copy;
        return SYM_OK;
    }
    if (f->type == FIELD_BACKEND) {
        size_t i;

        for (i = 0; i < sizeof backend_names / sizeof backend_names[0]; i++)
            if (!strcmp(value, backend_names[i])) {
                *(enum sym_backend_mode *)slot = (enum sym_backend_mode)i;
                return SYM_OK;
            }
        snprintf(err, errlen, "%s: '%s' is not local, remote or auto", f->key, value);
        return SYM_ERR_INVALID;
    }
    if (f->type == FIELD_BOOL) {
        static const char *const yes[] = {"on", "true", "yes", "1"}, *const no[] = {"off", "false",
                                                                                    "no", "0"};
        size_t i;

        for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
            if (!strcmp(value, yes[i]) || !strcmp(value, no[i])) {
                *(bool *)slot = !strcmp(value, yes[i]);
                return SYM_OK;
            }
        snprintf(err, errlen, "%s: '%s' is not on or off", f->key, value);
        return SYM_ERR_INVALID;
    }
    if (f->type == FIELD_SIZE)
        return set_size(f, slot, value, err, errlen);
    return set_number(f, slot, value, err, errlen);
}

/* Trim spaces at both ends in place; strip one pair of surrounding double quotes. */
static char *trim(char *s)
{
    char *end;
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Cut a comment off a value in place: a `#` at its start or after a space or tab starts one,
 * unless it is inside double quotes ("temp = 0.7  # warmer"; "system = \"You are #1\"" keeps
 * its `#`, as does "endpoint = http://host/#x"). */
static void strip_comment(char *value)
{
    bool quoted = false;
    char *p;

    for (p = value; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '#' && !quoted && (p == value || p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            return;
        }
    }
}

bool sym_config_secret_key(const char *key)
{
    char norm[64];
    size_t i, n;

    for (i = 0; key[i] && i < sizeof norm - 1; i++)
        norm[i] = key[i] == '_' ? '-' : (char)tolower((unsigned char)key[i]);
    norm[i] = '\0';
    n = i;
    /* "max-tokens" counts tokens of text: only a key that ends in "token" names one. */
    return (n >= 3 && !strcmp(norm + n - 3, "key")) || (n >= 5 && !strcmp(norm + n - 5, "token")) ||
           strstr(norm, "secret") || strstr(norm, "passw");
}

/* Read settings from f; *secret_line gets the first line whose key names a secret (0: none). */
static enum sym_status read_config(struct sym_config *cfg, FILE *f, const char *name,
                                   int *secret_line, char *err, size_t errlen)
{
    char *line = NULL, msg[512];
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    enum sym_status rc = SYM_OK;

    *secret_line = 0;
    while (!rc) {
        char *key, *eq;

        errno = 0;
        len = getline(&line, &cap, f);
        if (len < 0) {
            if (errno == ENOMEM) {
                snprintf(err, errlen, "out of memory");
                rc = SYM_ERR_NOMEM;
            } else if (ferror(f)) {
                snprintf(err, errlen, "cannot read %s: %s", name, strerror(errno));
                rc = SYM_ERR_IO;
            }
            break;
        }
        lineno++;
        if (len > SYM_CONFIG_MAX_LINE) {
            snprintf(err, errlen, "%s:%d: line too long", name, lineno);
            rc = SYM_ERR_INVALID;
            break;
        }
        if (strlen(line) != (size_t)len) {
            snprintf(err, errlen, "%s:%d: a NUL byte (this is not a text file)", name, lineno);
            rc = SYM_ERR_INVALID;
            break;
        }
        key = trim(line);
        if (!*key || *key == '#')
            continue;
        eq = strchr(key, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected 'key = value'", name, lineno);
            rc = SYM_ERR_INVALID;
            break;
        }
        *eq = '\0';
        key = trim(key);
        if (!*secret_line && sym_config_secret_key(key))
            *secret_line = lineno;
        strip_comment(eq + 1);
        rc = sym_config_set(cfg, key, trim(eq + 1), msg, sizeof msg);
        if (rc)
            snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
    }
    free(line);
    return rc;
}

enum sym_status sym_config_parse(struct sym_config *cfg, FILE *f, const char *name, char *err,
                                 size_t errlen)
{
    int secret_line;

    return read_config(cfg, f, name, &secret_line, err, errlen);
}

enum sym_status sym_config_load(struct sym_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    enum sym_status rc;
    struct stat st;
    int secret_line;

    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? SYM_ERR_NOT_FOUND : SYM_ERR_IO;
    }
    rc = read_config(cfg, f, path, &secret_line, err, errlen);
    /* A secret in a file others can read is no longer a secret: say so, even when the file has
     * an error further on (the secret is exposed all the same). */
    if (secret_line && !fstat(fileno(f), &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
        sym_log(SYM_LOG_WARN,
                "%s holds a secret (line %d) and other users can read it (mode %04o): "
                "run chmod 600 %s",
                path, secret_line, (unsigned)(st.st_mode & 07777), path);
    fclose(f);
    return rc;
}
