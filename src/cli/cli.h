/*
 * cli.h: the command-line front end's shared pieces: the command table, options, rendering, the
 * REPL and the commands' runners.
 *
 * The front end parses the command line, looks the command up in the table (commands.c), sets up
 * what the command's row says it needs (main.c), and calls the row's runner; chat feeds input
 * lines to the assistant core and renders answers, notices and errors. It routes nothing itself.
 */
#ifndef SYM_CLI_H
#define SYM_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/assistant.h"
#include "core/config.h"
#include "memory/store.h"

enum cli_command {
    CLI_CHAT,
    CLI_ASK,
    CLI_REMINDERS,
    CLI_MEMORY,
    CLI_CONVERSATIONS,
    CLI_STATS,
    CLI_FEEDBACK_EXPORT,
    CLI_SERVE,
    CLI_BENCH,
    CLI_PULL,
    CLI_MODELS,
    CLI_HELP,
    CLI_VERSION,
};

/* `symbiot bench` settings. */
struct cli_bench {
    int pp, tg, reps, turns, facts;
};

/* `symbiot memory SUBCOMMAND ...`: its own arguments and options, parsed by cli_memory_parse(). */
struct cli_memory {
    char **pos; /* the subcommand and its operands; borrowed from argv */
    int n_pos;
    const char *source; /* add: --source */
    const char *time;   /* add: --time */
    const char *db;     /* --db, --config and --embed-model given after `memory`; borrowed */
    const char *config;
    const char *embed_model;
    char *tags; /* add: --tag, comma-joined; owned */
    long k;     /* search: -k (default 10) */
};

/* `symbiot serve` options; strings borrowed from argv. */
struct cli_serve {
    const char *host; /* NULL = 127.0.0.1 */
    long port;        /* -1 = the default */
    const char *api_key;
    const char *api_key_file;
    long queue;           /* -1 = the default */
    long request_timeout; /* seconds; -1 = the default */
    bool given;           /* any of them was given */
};

struct cli_cmd;

struct cli {
    struct sym_config cfg;
    enum cli_command command;
    const struct cli_cmd *cmd; /* its row in the command table */
    char *ask_text;            /* ask: the question (joined arguments), owned */
    bool json;                 /* one JSON object per turn */
    bool raw;                  /* plain completion, no chat template */
    bool resume;               /* chat: go on with the most recent stored conversation */
    bool all;                  /* `conversations delete --all` */
    long long delete_id;       /* `conversations delete ID`; 0 = none */
    int stats_days;            /* stats: --days (default 7; 0 = everything kept) */
    const char *plot;          /* stats: --plot FILE; borrowed from argv */
    const char *export_path;   /* `feedback export FILE`; NULL = stdout; borrowed */
    struct cli_bench bench;
    bool verbose;
    bool color;       /* colours on stdout/stderr (a terminal and no NO_COLOR) */
    bool interactive; /* stdin is a terminal */
    struct cli_memory memory;
    struct cli_serve serve;
    char **operands; /* pull and models: the words after the command; borrowed from argv */
    int n_operands;
    const char *sha256; /* pull: --sha256 HEX */
    bool allow_http;    /* pull: --allow-http */
};

/* ---- the command table (commands.c) ---- */

/* What a command needs before its runner. main() sets these up in this order: the question
 * check, the model (resolved), the memory database, the embedding model, the remote backend, the
 * model (loaded), the assistant. */
enum cli_need {
    CLI_NEED_QUESTION = 1u << 0,       /* a question: in the arguments, or on a stdin that is no
                                          terminal; else a usage error */
    CLI_NEED_MODEL = 1u << 1,          /* the chat model, resolved (a library name, the library's
                                          default) and loaded when there is one */
    CLI_NEED_MODEL_REQUIRED = 1u << 2, /* no model at all is a usage error */
    CLI_NEED_STORE = 1u << 3,          /* the memory database; the command goes on without it */
    CLI_NEED_STORE_REQUIRED = 1u << 4, /* the memory database; without it, exit status 1 */
    CLI_NEED_EMBEDDER = 1u << 5,       /* --embed-model, attached to the store */
    CLI_NEED_REMOTE = 1u << 6,         /* --backend remote|auto (remote: no local model loaded) */
    CLI_NEED_ASSISTANT = 1u << 7,      /* the assistant over the model, store and backend */
    CLI_OWN_OPTIONS = 1u << 8,         /* the options after the command word are its own: only
                                          those before it are global (the row's parser reads them) */
};

struct sym_embedder;
struct sym_backend;

/* What main() set up for a runner. A runner that takes ownership of a member sets it to NULL;
 * main() frees the rest. */
struct cli_setup {
    struct sym_store *store;
    struct sym_embedder *embedder;
    struct sym_llm *llm;
    struct sym_backend *remote;
    struct sym_assistant *assistant;
};

/* One row of the command table (Redis's command table is the model). */
struct cli_cmd {
    const char *name;
    enum cli_command id;
    /* Read the command's operands: argv[0] is the command word (argc is 0 for `symbiot` alone,
     * which is chat), then the words after it that are not global options (with
     * CLI_OWN_OPTIONS: everything after it). Returns -1 when the program should exit with *code
     * (a usage error printed, or the help). */
    int (*parse)(struct cli *cli, int argc, char **argv, int *code);
    /* Run the command on what main() set up; returns the exit code. NULL for the commands that
     * are done when parsed (help, version). */
    int (*run)(struct cli *cli, struct cli_setup *s);
    unsigned needs;      /* enum cli_need bits */
    const char *summary; /* one line for the global help */
    const char *usage;   /* `symbiot NAME --help`; NULL when help() prints it */
    void (*help)(FILE *out);
};

/* The row named name, or NULL when there is no such command. */
const struct cli_cmd *cli_command_find(const char *name);
/* The row that is run when no command is named (chat). */
const struct cli_cmd *cli_command_default(void);
/* Print cmd's own usage (`symbiot NAME --help`) to out. */
void cli_command_help(const struct cli_cmd *cmd, FILE *out);
/* Print the table, one line per command (name and summary), to out. */
void cli_commands_list(FILE *out);
/* Print the global help (`symbiot --help`): the commands from the table and the global options;
 * in options.c. */
void cli_usage(FILE *out);

/* ---- chat and ask (main.c) ---- */
/* `symbiot chat`: the interactive session on a terminal (without --json), else one turn per
 * input line. Returns the exit code. */
int cli_chat(struct cli *cli, struct sym_assistant *a);
/* `symbiot ask`: one question (the arguments, or all of stdin), one answer. Returns the exit
 * code. */
int cli_ask(struct cli *cli, struct sym_assistant *a);

/* Set by the SIGINT handler; the LLM polls it. */
extern volatile sig_atomic_t cli_interrupted;
/* `serve`: the flag the model polls instead (the server raises and clears it per request); SIGINT
 * sets it too, so Ctrl-C still stops a model that is loading. */
extern volatile sig_atomic_t cli_serve_interrupt;

/* Exit codes. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_INTERRUPTED = 130 };

/*
 * Parse argv into cli (config file, environment and flags in that order). Returns -1 when the
 * program should exit with status *code (help, version or a usage error already printed).
 */
int cli_parse(struct cli *cli, int argc, char **argv, int *code);
void cli_free(struct cli *cli);

/* ---- rendering (render.c) ---- */
void cli_render_init(struct cli *cli);
/* "symbiot: error: MESSAGE" on stderr. The formatted message goes through cli_write_text, so a
 * model's name, a path or a database value quoted in it cannot send escape sequences. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* printf to f through cli_write_text: for lines that quote what came from a file, a model, the
 * network or the database (a GGUF's name, a conversation's title). The format itself must not
 * hold escape sequences (colours go out with a separate fputs). */
void cli_printf(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void cli_notice(const char *message, void *data);
/* Write untrusted text to f: as it is, or without its control characters (but tab and newline)
 * when f is a terminal (base/utf8.h, sym_utf8_terminal_safe). */
void cli_write_text(FILE *f, const char *text, size_t len);
int cli_print_text(const char *text, size_t len, void *data);
/* A turn begins: its thinking is shown (show) or hidden behind one "[thinking...]" line on a
 * terminal's stderr. */
void cli_thinking_begin(bool show);
/* The thinking is over (the answer begins, or the turn ended). */
void cli_thinking_end(void);
/* sym_turn_io.on_reasoning for text output: a piece of the model's thinking. */
int cli_print_thinking(const char *text, size_t len, void *data);
void cli_progress(float fraction, void *data);
/* After a chat answer, when a remote backend is configured: which backend produced it, as a
 * notice on stderr ("[answered by remote: MODEL at URL]"). Nothing otherwise. */
void cli_print_backend(const struct sym_assistant *a, const struct sym_turn *turn);
/* Print one turn of a as a JSON line (core/turn_json.h; error may be NULL). */
void cli_print_json(const struct sym_turn *turn, const char *error, const struct sym_assistant *a,
                    const char *const *notices, int n_notices);
const char *cli_color(const char *code);

/* ---- the interactive loop (repl.c) ---- */
int cli_repl(struct cli *cli, struct sym_assistant *a);

/* ---- reminders (reminders.c) ---- */
/* `symbiot reminders`: list the pending reminders (text, or a JSON array with --json). */
int cli_reminders(struct cli *cli, struct sym_assistant *a);
/* Announce on stderr the reminders that are due now and mark them done; missed says they fell
 * due while Symbiot was closed. lang is for reminders of no known language. Returns how many. */
int cli_announce_due(struct sym_assistant *a, bool missed, enum sym_lang lang);
/* The next time a reminder falls due; false when none is pending (or there is no store). */
bool cli_next_due(struct sym_assistant *a, time_t *at);
/* Days since 1970-01-01 of the date in tm (Howard Hinnant's days_from_civil). */
long long cli_civil_days(const struct tm *tm);
/* t as ISO 8601 in local time with the offset: "2027-06-12T08:15:00+03:00". */
void cli_iso_local(time_t t, char *out, size_t size);

/* ---- conversations (conversations.c) ---- */
/* `symbiot conversations`: list the stored conversations (text, or a JSON array with --json);
 * `conversations delete ID` or `delete --all` deletes, asking nothing. Returns the exit code. */
int cli_conversations(struct cli *cli, struct sym_store *store);
/* --resume: load the most recent conversation into a (or say on stderr that there is none). */
void cli_resume(struct sym_assistant *a);

/* ---- stats and feedback (stats.c) ---- */
/* `symbiot stats`: the recorded turns' figures (text, --json, or a chart with --plot). */
int cli_stats(struct cli *cli, struct sym_store *store);
/* `symbiot feedback export [FILE]`: the rated answers as JSON Lines. */
int cli_feedback_export(struct cli *cli, struct sym_store *store);

/* ---- the HTTP server (serve.c) ---- */
struct sym_embedder;
/* `symbiot serve`: serve a (owned from now on) over HTTP until SIGINT or SIGTERM; embedder is
 * borrowed (may be NULL). Returns the exit code. */
int cli_serve(struct cli *cli, struct sym_assistant *a, struct sym_embedder *embedder);

/* ---- the built-in benchmark (bench.c) ---- */
/* `symbiot bench`: raw speed, a multi-turn chat and memory search on llm (owned from now on). */
int cli_bench(struct cli *cli, struct sym_llm *llm);
/* ---- models (models.c) ---- */
/* `symbiot pull NAME|hf:OWNER/REPO/FILE.gguf|URL`: download a model into the library. Returns the
 * exit code. */
int cli_pull(struct cli *cli);
/* `symbiot models [info NAME | rm NAME | default [NAME] | catalog]`. Returns the exit code. */
int cli_models(struct cli *cli);
/* The model chat and ask should load: cli->cfg.model resolved (a path, a library name, a
 * catalogue name), or the library's default when none is configured. Returns an exit code (the
 * error printed); cfg.model stays NULL when there is no model at all. */
int cli_resolve_model(struct cli *cli);
/* The help of `pull` or `models` (command) to out. */
void cli_models_help(const char *command, FILE *out);
/* The help of `memory` to out. */
void cli_memory_help(FILE *out);
/* The first-start help, for when there is no model: the catalogue's model for this machine's
 * memory and the `symbiot pull` that gets it, then the ways to point Symbiot at a GGUF file.
 * Built once; static storage. */
const char *cli_no_model_help(void);
/* What to print for a failed turn (rc from sym_assistant_turn): the first-start help when a chat
 * turn had no model to answer it, else sym_assistant_errmsg(). Borrowed. */
const char *cli_turn_error(const struct sym_assistant *a, enum sym_status rc,
                           const struct sym_turn *turn);

/* ---- memory (memory.c) ---- */
/* Parse the arguments after `memory` (argv[0] is "memory"). Returns -1 when the program should
 * exit with *code (help printed, or a usage error). */
int cli_memory_parse(struct cli *cli, int argc, char **argv, int *code);
/* Run the memory subcommand on store (borrowed). Returns the exit code. */
int cli_memory(struct cli *cli, struct sym_store *store);

#endif
