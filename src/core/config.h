/*
 * config.h: the user's settings, from defaults, the config file, the environment and flags.
 *
 * Precedence, lowest first: built-in defaults, the config file ($XDG_CONFIG_HOME/symbiot/config
 * or --config FILE), the environment (SYMBIOT_MODEL, SYMBIOT_DB), command-line flags. The file is
 * plain text, one `key = value` per line, `#` starts a comment; keys are the long option names
 * (`ctx-size`, `temp`, ...; `_` may stand for `-`). Values may be wrapped in double quotes.
 */
#ifndef SYM_CONFIG_H
#define SYM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

/* kv-cache-size when not set: 2 GiB. */
#define SYM_KV_CACHE_SIZE_DEFAULT (2ull << 30)

#define SYM_DEFAULT_SYSTEM                                                                         \
    "You are Symbiot, a helpful assistant running privately on the user's own computer. "          \
    "Answer clearly and briefly, in the language of the question."

/* Where chat answers come from (`backend =`, --backend). */
enum sym_backend_mode {
    SYM_BACKEND_MODE_LOCAL,  /* the local model only (the default): nothing leaves the machine */
    SYM_BACKEND_MODE_REMOTE, /* every chat turn goes to the remote endpoint */
    SYM_BACKEND_MODE_AUTO,   /* local; remote for /cloud QUESTION, or when no model is set */
};

struct sym_config {
    char *model;          /* GGUF path, or NULL when none is configured */
    char *system;         /* system prompt */
    char *db;             /* memory database path, or NULL for $XDG_DATA_HOME/symbiot/memory.db */
    char *embed_model;    /* GGUF for search by meaning (llm/embed.h), or NULL: words only */
    int threads;          /* CPU threads for generation; 0 = all cores */
    int ctx_size;         /* context length in tokens; 0 = the model's own, at most 4096 */
    int parallel;         /* serve: conversations generated at once, each with ctx_size; 0 = 4 */
    int max_tokens;       /* answer length limit; -1 = until the context is full */
    int gpu_layers;       /* layers offloaded to a GPU; -1 = all (when built with a GPU) */
    float temp;           /* 0 = greedy */
    int top_k;            /* 0 = off */
    float top_p;          /* 1 = off */
    float min_p;          /* 0 = off */
    float repeat_penalty; /* 1 = off */
    int repeat_last_n;    /* tokens the repeat penalty looks back over */
    uint32_t seed;        /* sampling seed; SYM_SEED_RANDOM picks one */
    bool extract;         /* remember personal facts said in chat (nlp/extract.h); default on */
    bool llm_extract;     /* also ask a chat-template model for them (core/learn.h); default on */
    bool recall_turns;    /* recall the turns of earlier conversations into the prompt
                             (core/recall.h); default on */
    bool show_thinking;   /* show a reasoning model's thinking in the CLI; default off */
    /* The remote backend (llm/backend.h); only used when backend is not local. */
    enum sym_backend_mode backend;
    char *endpoint;         /* OpenAI-compatible base URL: https://api.example.com/v1 */
    char *api_key_env;      /* the NAME of the environment variable that holds the key; never
                               the key itself */
    char *remote_model;     /* the model name the endpoint knows; NULL: none sent */
    bool share_memory;      /* send memories and history to the remote backend; default off */
    int remote_timeout;     /* seconds without a byte from the endpoint before giving up */
    bool remote_allow_http; /* plain http to a host that is not this machine */
    char *rpc;              /* llama.cpp RPC servers, "HOST:PORT[,HOST:PORT...]", or NULL */
    /* Tools (src/tools/): the modules' commands and MCP servers' tools, for a model to call. */
    bool tools;          /* offer tools to the model; default on (`--no-tools`, `tools = off`) */
    char *tools_allow;   /* tools that may change something without asking: "forget,cancel",
                            "*" for all; NULL: every such call asks */
    int tool_rounds;     /* times a chat turn may answer with tool calls before the model must
                            answer in text (`tool-rounds`, default 4; 0: no tools in chat) */
    int tool_calls;      /* tool calls one chat turn may run in all (`tool-calls`, default 8) */
    char *tool_choice;   /* the first round's tool choice: "auto" (NULL), "required", "none" or a
                            tool's name (`tool-choice`) */
    int confirm_timeout; /* seconds the server waits for the page's answer to a tool's question
                            before refusing it (`confirm-timeout`, default 120) */
    /* Saved KV states (llm/kvstate.h) may take this many bytes on disk, least recently used
     * evicted first; 0 = none saved or loaded. */
    unsigned long long kv_cache_size;
};

#define SYM_SEED_RANDOM 0xFFFFFFFFu

/* "local", "remote" or "auto". Static storage. */
const char *sym_config_backend_name(enum sym_backend_mode mode);

/* Fill cfg with built-in defaults. Free with sym_config_free(). */
enum sym_status sym_config_init(struct sym_config *cfg);
void sym_config_free(struct sym_config *cfg);

/*
 * Set one setting by its name (a long option name). On failure returns SYM_ERR_INVALID (unknown
 * key or bad value) or SYM_ERR_NOMEM and writes a message to err.
 */
enum sym_status sym_config_set(struct sym_config *cfg, const char *key, const char *value,
                               char *err, size_t errlen);

/*
 * Read a config file. A missing file is SYM_ERR_NOT_FOUND (callers decide whether that matters);
 * a malformed line is SYM_ERR_INVALID with "FILE:LINE: why" in err. A file that others can read
 * and that holds a secret (sym_config_secret_key()) gets a warning through sym_log.
 */
enum sym_status sym_config_load(struct sym_config *cfg, const char *path, char *err, size_t errlen);

/* The longest line a config file may have (bytes, newline included). */
#define SYM_CONFIG_MAX_LINE 8192

/*
 * What sym_config_load() does after opening the file: read settings from f, naming it `name`
 * in messages. A line with a NUL byte or over SYM_CONFIG_MAX_LINE is SYM_ERR_INVALID. (The fuzz
 * target fuzz/fuzz_config.c drives the parser through this.)
 */
enum sym_status sym_config_parse(struct sym_config *cfg, FILE *f, const char *name, char *err,
                                 size_t errlen);

/*
 * Whether a key names a secret (one ending in "key" or "token", or holding "secret" or "passw":
 * "api-key", "api_key", "auth-token", "password" ...; not "max-tokens"): such a
 * value must not sit in a file other users can read. sym_config_load() warns (sym_log, WARN) when
 * a file holding one is readable by group or others.
 */
bool sym_config_secret_key(const char *key);

#endif
