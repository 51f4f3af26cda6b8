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

#include <getopt.h>
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
    CLI_TOOLS,
    CLI_MCP,
    CLI_STATS,
    CLI_FEEDBACK_EXPORT,
    CLI_SERVE,
    CLI_BENCH,
    CLI_PULL,
    CLI_MODELS,
    CLI_HELP,
    CLI_VERSION,
    CLI_COMPLETION,
    CLI_RUN,
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
    char *tags;                /* add: --tag, comma-joined; owned */
    long k;                    /* search: -k (default 10) */
    const char *conversations; /* import: --conversations FILE */
    bool extract;              /* import --conversations: --extract */
    bool facts, turns;         /* search: --facts, --turns (neither: both) */
};

/* `symbiot serve` options; strings borrowed from argv. */
struct cli_serve {
    const char *host; /* NULL = 127.0.0.1 */
    long port;        /* -1 = the default */
    const char *api_key;
    const char *api_key_file;
    long queue;           /* -1 = the default */
    long parallel;        /* -1 = the config's, else SYM_SERVER_DEFAULT_PARALLEL */
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
    bool all;                  /* `conversations rm --all` */
    long long delete_id;       /* `conversations rm ID`; 0 = none */
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
    const char *run_model; /* `run NAME`: the model; borrowed from argv */
    const char *sha256;    /* pull: --sha256 HEX */
    bool allow_http;       /* pull: --allow-http */
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
    CLI_NEED_TOOLS = 1u << 9,          /* the tools chat turns offer the model (with
                                          CLI_NEED_ASSISTANT; none with --no-tools) */
};

struct sym_embedder;
struct sym_backend;

/* What main() set up for a runner. A runner that takes ownership of a member sets it to NULL;
 * main() frees the rest. */
struct sym_tools;

struct cli_setup {
    struct sym_store *store;
    struct sym_embedder *embedder;
    struct sym_llm *llm;
    struct sym_backend *remote;
    struct sym_assistant *assistant;
    struct sym_tools *tools; /* CLI_NEED_TOOLS: the assistant's toolbox is over it */
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
/* "Did you mean": the word of words (NULL-terminated) nearest to name within a typo or two
 * (core/module.h, sym_typo_limit), or NULL. */
const char *cli_suggest(const char *name, const char *const *words);
/* Report an unknown command word as a usage error, with the nearest command when one is near. */
void cli_unknown_command(const char *name);
/* The table's row number i (from 0), or NULL past the end. */
const struct cli_cmd *cli_command_at(size_t i);
/* The row that is run when no command is named (chat). */
const struct cli_cmd *cli_command_default(void);
/* Print cmd's own usage (`symbiot NAME --help`) to out. */
void cli_command_help(const struct cli_cmd *cmd, FILE *out);
/* Print the table, one line per command (name and summary), to out. */
void cli_commands_list(FILE *out);
/* Print the global help (`symbiot --help`): the commands from the table and the global options;
 * in options.c. */
void cli_usage(FILE *out);

/* getopt_long's table of the global options (options.c), ending with a zero row. */
const struct option *cli_long_options(void);
/* Write the completion script for shell ("bash", "zsh" or "fish") to out; -1 for another shell
 * (completion.c). */
int cli_completion_script(const char *shell, FILE *out);

/* ---- chat and ask (main.c) ---- */
/* `symbiot chat`: the interactive session on a terminal (without --json), else one turn per
 * input line. Returns the exit code. */
int cli_chat(struct cli *cli, struct sym_assistant *a);
/* `symbiot ask`: one question (the arguments, or all of stdin), one answer. Returns the exit
 * code. */
int cli_ask(struct cli *cli, struct sym_assistant *a);

/* Ctrl-C before the first token: the turn failed with SYM_ERR_INTERRUPTED and said nothing.
 * Make it what Ctrl-C during the answer is, a stopped turn with an empty answer (*rc SYM_OK,
 * stop SYM_STOP_INTERRUPT), so it shows as "[stopped]", not as an error. Anything else is left
 * as it is. */
void cli_stopped_early(enum sym_status *rc, struct sym_turn *turn);

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

/* `symbiot tools [--json]` and `symbiot tools call NAME [JSON]` over a (tools.c). Returns the
 * exit code. */
int cli_tools(struct cli *cli, struct sym_assistant *a);
/* `symbiot mcp`: the MCP server over stdin and stdout, offering the modules' tools (tools.c).
 * Returns the exit code. */
int cli_mcp(struct cli *cli, struct sym_assistant *a);

/* ---- rendering (render.c) ---- */
void cli_render_init(struct cli *cli);

/* The "type" of an error object (docs/USAGE.md, "JSON output"): a stable, documented set. */
#define CLI_ERR_USAGE "usage"             /* a bad command line: exit status 2 */
#define CLI_ERR_NOT_FOUND "not_found"     /* no such model, fact, conversation, file */
#define CLI_ERR_MODEL "model"             /* the model could not be loaded */
#define CLI_ERR_DATABASE "database"       /* the memory database failed */
#define CLI_ERR_INTERRUPTED "interrupted" /* Ctrl-C: exit status 130 */
#define CLI_ERR_FAILED "error"            /* anything else */

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif
/* An error: "symbiot: error: MESSAGE" on stderr; with --json (once cli_render_init has seen it)
 * also {"error":{"message":MESSAGE,"type":"error"}} on stdout: the first error of a command, or
 * each one in piped chat (a skipped line, in its place among the turns). */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* cli_error with the object's type (CLI_ERR_*). */
void cli_error_as(const char *type, const char *fmt, ...) CLI_PRINTF(2, 3);
/* A usage error: "symbiot: MESSAGE" on stderr, type "usage" on stdout with --json. Before
 * cli_render_init (while the command line is parsed) the message is kept for cli_json_exit. */
void cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* With --json, at exit: a failed run (code != 0) that printed no error object prints one now,
 * with the first error reported (or a generic message), so stdout always has the outcome. */
void cli_json_exit(int code);
struct cJSON;
/* Print j (consumed) on one line of stdout. Returns CLI_EXIT_OK, or CLI_EXIT_FAIL (reported)
 * when it cannot be printed (out of memory; j NULL counts as that). */
int cli_json_out(struct cJSON *j);
/* printf to f through cli_write_text: for lines that quote what came from a file, a model, the
 * network or the database (a GGUF's name, a conversation's title). The format itself must not
 * hold escape sequences (colours go out with a separate fputs). */
void cli_printf(FILE *f, const char *fmt, ...) CLI_PRINTF(2, 3);
void cli_notice(const char *message, void *data);
/* While a turn waits for its first token: a spinner and the seconds so far on stderr, when it
 * is a terminal and --json is off (else nothing). Stopped (and wiped) by cli_spinner_stop(),
 * which cli_print_text, cli_notice and the error functions call first; stopping twice is fine. */
void cli_spinner_start(void);
void cli_spinner_stop(void);
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
/* struct sym_turn_io's on_tool: one dim line on stderr per tool call once it is over,
 * "  ⚙ NAME ARGS → RESULT", cut to the terminal's width. */
struct sym_tool_call_record;
void cli_print_tool(const struct sym_tool_call_record *rec, void *data);
/* struct sym_turn_io's on_confirm: ask on the terminal whether to run a tool that may remove
 * something ([y/N]); without a terminal on stdin and stderr, refuse with a line that says how to
 * allow it. Non-zero: yes. */
int cli_confirm_tool(const char *name, const char *args, void *data);
/* Make the tools of chat turns (the modules' and mcp.json's servers', started at the first chat
 * turn) and hand them to s->assistant; nothing with `tools = off`. Returns an exit status. */
int cli_tools_attach(struct cli *cli, struct cli_setup *s);
void cli_progress(float fraction, void *data);
/* After a chat answer, when a remote backend is configured: which backend produced it, as a
 * notice on stderr ("[answered by remote: MODEL at URL]"). Nothing otherwise. */
void cli_print_backend(const struct sym_assistant *a, const struct sym_turn *turn);
/* Print one turn of a as a JSON line (core/turn_json.h). error (NULL when the turn worked)
 * becomes "error": {"message": error, "type": error_type (CLI_ERR_*; NULL = "error")}. */
void cli_print_json(const struct sym_turn *turn, const char *error, const char *error_type,
                    const struct sym_assistant *a, const char *const *notices, int n_notices);
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
 * `conversations rm ID` or `rm --all` (alias `delete`) deletes, asking nothing. Returns the exit
 * code. */
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
/* ---- history.c ---- */
/* `memory import --conversations FILE`: the conversation history in FILE (JSON Lines or
 * ChatGPT's conversations.json; "-" for stdin) into store as episodic memory, all or nothing;
 * with extract, the user's facts through the extraction rules too. Returns the exit code. */
int cli_memory_import_conversations(struct sym_store *store, const char *path, bool extract);
/* Run the memory subcommand on store (borrowed). Returns the exit code. */
int cli_memory(struct cli *cli, struct sym_store *store);

#endif
