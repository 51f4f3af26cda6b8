/*
 * main.c: the `symbiot` command: parse options, look the command up in the command table
 * (commands.c), set up what its row needs (the model, the memory database, the embedding model,
 * the remote backend, the assistant), and call its runner; and the runners of chat, piped chat
 * and ask.
 *
 * Modes: an interactive REPL when stdin is a terminal (repl.c); one turn per input line when
 * stdin is a pipe; one answer for `ask`. All of them go through sym_assistant_turn(). Reminders
 * that fell due are announced on stderr before the answers (and at the REPL's prompt). A memory
 * database that cannot be opened is reported and Symbiot goes on without reminders, except for
 * `symbiot reminders`, which has nothing else to do and fails. With --embed-model, the
 * embedding model is loaded next to the store (chat, ask, memory; a failure ends the program:
 * the user asked for it) and the facts without a vector of that model get one before anything
 * else. SIGINT
 * raises a flag that the model polls, so Ctrl-C stops the current answer, not the process.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tools/tools.h"
#include "base/log.h"
#include "core/embedding.h"
#include "llm/embed.h"
#include "llm/llm.h"
#include "server/server.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "modules/registry.h"

#define MAX_LINE (1u << 20) /* longest input line or question: 1 MiB */
#define MAX_NOTICES 8

volatile sig_atomic_t cli_interrupted;
volatile sig_atomic_t cli_serve_interrupt;

static void on_sigint(int sig)
{
    (void)sig;
    cli_interrupted = 1;
    cli_serve_interrupt = 1;
}

static void install_sigint(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read returns, so the prompt can react */
    sigaction(SIGINT, &sa, NULL);
}

/* Notices of a turn, collected for JSON output. */
struct json_turn {
    char *notices[MAX_NOTICES];
    int n;
};

static void collect_notice(const char *message, void *data)
{
    struct json_turn *jt = data;

    if (jt->n < MAX_NOTICES)
        jt->notices[jt->n++] = strdup(message);
}

/* The "type" of a failed turn's error object (docs/USAGE.md, "JSON output"). */
static const char *turn_error_type(enum sym_status rc)
{
    switch (rc) {
    case SYM_ERR_MODEL:
        return CLI_ERR_MODEL;
    case SYM_ERR_NOT_FOUND:
        return CLI_ERR_NOT_FOUND;
    case SYM_ERR_INTERRUPTED:
        return CLI_ERR_INTERRUPTED;
    default:
        return CLI_ERR_FAILED;
    }
}

void cli_stopped_early(enum sym_status *rc, struct sym_turn *turn)
{
    if (*rc != SYM_ERR_INTERRUPTED || turn->kind != SYM_TURN_CHAT || turn->answer)
        return;
    turn->answer = strdup("");
    if (!turn->answer)
        return;
    turn->stats.stop = SYM_STOP_INTERRUPT;
    *rc = SYM_OK;
}

/*
 * Run one turn and print it: streamed text, or one JSON object. Returns the exit status this turn
 * deserves: OK, FAIL or INTERRUPTED.
 */
static int run_turn(struct cli *cli, struct sym_assistant *a, const char *input, bool *quit)
{
    struct json_turn jt = {{0}, 0};
    struct sym_turn_io io = {cli_print_text,     cli_notice,     NULL,
                             cli_print_thinking, cli_print_tool, cli_confirm_tool};
    struct sym_turn turn;
    enum sym_status rc;
    int code = CLI_EXIT_OK, i;

    if (cli->json) {
        io.on_text = NULL;
        io.on_notice = collect_notice;
        io.on_reasoning = NULL; /* the turn's "reasoning" key has it */
        io.on_tool = NULL;      /* and its "tool_calls" the calls */
        io.data = &jt;
    }
    cli_thinking_begin(cli->cfg.show_thinking);
    cli_spinner_start();
    rc = sym_assistant_turn(a, input, &io, &turn);
    cli_spinner_stop();
    cli_thinking_end();
    cli_stopped_early(&rc, &turn);
    if (cli->json) {
        cli_print_json(&turn, rc ? cli_turn_error(a, rc, &turn) : NULL, turn_error_type(rc), a,
                       (const char *const *)jt.notices, jt.n);
    } else if (rc) {
        cli_error("%s", cli_turn_error(a, rc, &turn));
    } else if (turn.answer && turn.answer[0]) {
        putchar('\n');
    }
    if (!rc && !cli->json) {
        fflush(stdout);
        cli_print_backend(a, &turn);
    }
    if (!rc && turn.kind == SYM_TURN_CHAT && turn.stats.stop == SYM_STOP_INTERRUPT) {
        if (!cli->json)
            cli_notice("stopped", NULL);
        code = CLI_EXIT_INTERRUPTED;
    } else if (rc == SYM_ERR_INTERRUPTED) {
        code = CLI_EXIT_INTERRUPTED;
    } else if (rc) {
        code = CLI_EXIT_FAIL;
    }
    fflush(stdout);
    if (quit)
        *quit = !rc && turn.quit;
    for (i = 0; i < jt.n; i++)
        free(jt.notices[i]);
    sym_turn_clear(&turn);
    return code;
}

/* stdin is a pipe: each non-empty line is one turn of one conversation. A line is read only up
 * to MAX_LINE bytes: a longer one (or /dev/zero) ends the session with an error at once, since
 * skipping it would mean reading on without end. A line with a NUL byte is skipped. */
static int run_piped(struct cli *cli, struct sym_assistant *a)
{
    int status = CLI_EXIT_OK, lineno = 0;
    struct sym_buf line;
    enum sym_status got;
    bool quit = false;

    sym_buf_init(&line, MAX_LINE);
    while (!(got = sym_buf_getline(&line, stdin))) {
        int code;

        cli_announce_due(a, lineno == 0, sym_lang_from_env());
        lineno++;
        if (!line.len)
            continue;
        if (strlen(line.data) != line.len) {
            cli_error("stdin:%d: the line holds a NUL byte; skipped", lineno);
            status = CLI_EXIT_FAIL;
            continue;
        }
        code = run_turn(cli, a, line.data, &quit);
        if (code == CLI_EXIT_INTERRUPTED || quit) {
            sym_buf_free(&line);
            return code ? code : status;
        }
        if (code)
            status = code;
    }
    if (got == SYM_ERR_TOO_LONG) {
        cli_error("stdin:%d: line longer than %u MiB; stopped reading", lineno + 1, MAX_LINE >> 20);
        status = CLI_EXIT_FAIL;
    } else if (got != SYM_ERR_NOT_FOUND) {
        cli_error("stdin: %s", got == SYM_ERR_NOMEM ? "out of memory" : strerror(errno));
        status = CLI_EXIT_FAIL;
    }
    sym_buf_free(&line);
    return status;
}

int cli_chat(struct cli *cli, struct sym_assistant *a)
{
    if (cli->interactive && !cli->json)
        return cli_repl(cli, a);
    return run_piped(cli, a);
}

static char *read_all_stdin(void)
{
    struct sym_buf b;
    char chunk[4096];
    size_t n;

    sym_buf_init(&b, MAX_LINE);
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (sym_buf_append(&b, chunk, n)) {
            sym_buf_free(&b);
            return NULL;
        }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
        b.data[--b.len] = '\0';
    return sym_buf_steal(&b);
}

int cli_ask(struct cli *cli, struct sym_assistant *a)
{
    char *text = cli->ask_text;
    int code;

    if (!text && !cli->interactive) {
        text = read_all_stdin();
        if (!text) {
            cli_error("the question on stdin is longer than %u bytes", MAX_LINE);
            return CLI_EXIT_FAIL;
        }
        cli->ask_text = text;
    }
    if (!text || !text[0]) {
        cli_error_as(CLI_ERR_USAGE, "ask needs a question: symbiot ask TEXT...");
        return CLI_EXIT_USAGE;
    }
    cli_announce_due(a, true, sym_lang_from_env());
    sym_assistant_set_one_shot(a, true);
    code = run_turn(cli, a, text, NULL);
    return code;
}

static struct sym_llm_params llm_params(const struct cli *cli)
{
    struct sym_llm_params p = sym_llm_default_params();

    p.model_path = cli->cfg.model;
    p.n_ctx = cli->cfg.ctx_size;
    p.n_threads = cli->cfg.threads;
    p.n_gpu_layers = cli->cfg.gpu_layers;
    p.progress = cli_progress;
    p.interrupt = cli->command == CLI_SERVE ? &cli_serve_interrupt : &cli_interrupted;
    p.rpc_servers = cli->cfg.rpc;
    if (cli->command == CLI_SERVE) /* slots for the engine (llm/engine.h) */
        p.n_parallel = cli->serve.parallel > 0 ? (int)cli->serve.parallel
                       : cli->cfg.parallel > 0 ? cli->cfg.parallel
                                               : SYM_SERVER_DEFAULT_PARALLEL;
    return p;
}

/* The remote backend, when --backend is remote or auto. Returns an exit status (the reason
 * printed): a missing endpoint, a refused address or a key variable that is not set is a usage
 * error. The key is read from the environment variable named by --api-key-env, never from the
 * command line or the config file. */
static int open_remote(const struct cli *cli, struct sym_backend **out)
{
    struct sym_remote_params p = sym_remote_default_params();
    const char *key = NULL;
    char err[1024], from[160] = "";
    enum sym_status rc;

    *out = NULL;
    if (cli->cfg.backend == SYM_BACKEND_MODE_LOCAL)
        return CLI_EXIT_OK;
    if (cli->cfg.api_key_env) {
        key = getenv(cli->cfg.api_key_env);
        if (!key || !key[0]) {
            cli_error("--api-key-env %s: that environment variable is not set (it should hold "
                      "the endpoint's API key)",
                      cli->cfg.api_key_env);
            return CLI_EXIT_USAGE;
        }
        snprintf(from, sizeof from, "$%s", cli->cfg.api_key_env);
    }
    p.endpoint = cli->cfg.endpoint;
    p.api_key = key;
    p.api_key_from = from;
    p.model = cli->cfg.remote_model;
    p.timeout_s = cli->cfg.remote_timeout;
    p.allow_http = cli->cfg.remote_allow_http;
    p.interrupt = cli->command == CLI_SERVE ? &cli_serve_interrupt : &cli_interrupted;
    rc = sym_backend_remote_init(out, &p, err, sizeof err);
    if (rc) {
        cli_error("%s", err);
        return rc == SYM_ERR_INVALID ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int load_model(struct cli *cli, struct sym_llm **llm)
{
    struct sym_llm_params p = llm_params(cli);
    char err[1024];
    enum sym_status rc;

    rc = sym_llm_init(llm, &p, err, sizeof err);
    if (rc == SYM_ERR_INTERRUPTED)
        return CLI_EXIT_INTERRUPTED;
    if (rc) {
        cli_error_as(CLI_ERR_MODEL, "%s", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Open the memory database (--db, SYMBIOT_DB, `db =` or the default path). NULL with the reason
 * printed when it cannot be opened: for a command that needs it (`memory add`), the reason alone
 * (a locked database says it is locked); for one that goes on without it, that memory is off. */
static struct sym_store *open_store(const struct cli *cli, bool required)
{
    const char *off =
        required ? "" : "memory is off (no facts, reminders or saved conversations): ";
    struct sym_store *store = NULL;
    char path[4096], err[1024];

    if (cli->cfg.db) {
        snprintf(path, sizeof path, "%s", cli->cfg.db);
    } else if (sym_store_default_path(path, sizeof path)) {
        cli_error_as(CLI_ERR_DATABASE,
                     "%sno place for the memory database (set XDG_DATA_HOME or HOME, or use --db "
                     "PATH)",
                     off);
        return NULL;
    }
    if (sym_store_open(&store, path, err, sizeof err)) {
        cli_error_as(CLI_ERR_DATABASE, "%s%s", off, err);
        return NULL;
    }
    return store;
}

/* Load --embed-model (when set), attach it to store and bring the facts' vectors up to date.
 * Returns an exit status; *out gets the embedder, which must outlive the store. */
static int open_embedder(const struct cli *cli, struct sym_store *store, struct sym_embedder **out)
{
    char err[1024];
    size_t n = 0;

    *out = NULL;
    if (!cli->cfg.embed_model || !store)
        return CLI_EXIT_OK;
    if (sym_embedder_init(out, cli->cfg.embed_model, cli->cfg.threads, err, sizeof err)) {
        cli_error_as(CLI_ERR_MODEL, "embedding model: %s", err);
        return CLI_EXIT_FAIL;
    }
    sym_embedding_attach(store, *out);
    if (sym_fact_sync_vectors(store, &n)) {
        cli_error("%s", sym_store_errmsg(store));
        return CLI_EXIT_FAIL;
    }
    if (n && (cli->verbose || isatty(STDERR_FILENO)))
        fprintf(stderr, "embedded %zu fact%s\n", n, n == 1 ? "" : "s");
    return CLI_EXIT_OK;
}

/* The model for a row with CLI_NEED_MODEL: none under --backend remote (every answer comes from
 * the endpoint), else the configured one resolved. Returns an exit status. */
static int choose_model(struct cli *cli, unsigned needs)
{
    if (needs & CLI_NEED_REMOTE && cli->cfg.backend == SYM_BACKEND_MODE_REMOTE) {
        free(cli->cfg.model); /* every answer comes from the endpoint: no local model to load */
        cli->cfg.model = NULL;
        return CLI_EXIT_OK;
    }
    return cli_resolve_model(cli);
}

/* The assistant over what s holds: it takes the model, the store and the remote backend. */
static int build_assistant(struct cli *cli, struct cli_setup *s)
{
    struct sym_llm_params params;
    enum sym_status rc;

    rc = sym_assistant_init(&s->assistant, &cli->cfg, s->llm, sym_modules); /* a owns llm now */
    s->llm = NULL;
    if (rc) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    sym_assistant_set_store(s->assistant, s->store); /* a owns store now */
    s->store = NULL;
    sym_assistant_set_remote(s->assistant, s->remote); /* and the remote backend */
    s->remote = NULL;
    params = llm_params(cli);
    sym_assistant_set_llm_params(s->assistant, &params);
    sym_assistant_set_lang(s->assistant, sym_lang_from_env());
    sym_assistant_set_raw(s->assistant, cli->raw);
    if (cli->resume)
        cli_resume(s->assistant);
    return CLI_EXIT_OK;
}

/* Set up what the command's row needs (cli.h, enum cli_need), in that order, into s. Returns an
 * exit status (the reason printed); what was set up stays in s for the caller to free. */
static int set_up(struct cli *cli, struct cli_setup *s)
{
    unsigned needs = cli->cmd->needs;
    int code;

    if (needs & CLI_NEED_QUESTION && !cli->ask_text && cli->interactive) {
        cli_error_as(CLI_ERR_USAGE, "%s needs a question: symbiot %s TEXT... (or pipe it on stdin)",
                     cli->cmd->name, cli->cmd->name);
        return CLI_EXIT_USAGE;
    }
    if (needs & CLI_NEED_MODEL && (code = choose_model(cli, needs)))
        return code;
    if (needs & CLI_NEED_MODEL_REQUIRED && !cli->cfg.model) {
        cli_error_as(CLI_ERR_USAGE, "%s needs a model: symbiot %s -m MODEL.gguf", cli->cmd->name,
                     cli->cmd->name);
        return CLI_EXIT_USAGE;
    }
    if (needs & (CLI_NEED_STORE | CLI_NEED_STORE_REQUIRED)) {
        s->store = open_store(cli, needs & CLI_NEED_STORE_REQUIRED);
        if (!s->store && needs & CLI_NEED_STORE_REQUIRED)
            return CLI_EXIT_FAIL;
    }
    if (needs & CLI_NEED_EMBEDDER && (code = open_embedder(cli, s->store, &s->embedder)))
        return code;
    if (needs & CLI_NEED_REMOTE && (code = open_remote(cli, &s->remote)))
        return code;
    if (needs & CLI_NEED_MODEL && cli->cfg.model && (code = load_model(cli, &s->llm)))
        return code;
    if (needs & CLI_NEED_ASSISTANT && (code = build_assistant(cli, s)))
        return code;
    if (needs & CLI_NEED_TOOLS && s->assistant)
        return cli_tools_attach(cli, s);
    return CLI_EXIT_OK;
}

/* --json on the command line (before `--`): a command line that failed to parse still gets its
 * error as JSON. */
static bool wants_json(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--json"))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    struct cli_setup s = {NULL, NULL, NULL, NULL, NULL, NULL};
    struct cli cli;
    int code;

    setlocale(LC_CTYPE, "");
    if (cli_parse(&cli, argc, argv, &code)) {
        if (wants_json(argc, argv))
            cli_json_exit(code);
        cli_free(&cli);
        return code;
    }
    cli_render_init(&cli);
    sym_log_set_level(cli.verbose ? SYM_LOG_DEBUG : SYM_LOG_WARN);
    sym_llm_route_log();
    install_sigint();
    code = set_up(&cli, &s);
    if (!code)
        code = cli.cmd->run(&cli, &s);
    sym_backend_free(s.remote);
    sym_assistant_free(s.assistant);
    sym_tools_free(s.tools); /* after the assistant whose toolbox it was */
    sym_llm_free(s.llm);
    sym_store_close(s.store);
    sym_embedder_free(s.embedder); /* after the store that borrowed it */
    if (cli.json)
        cli_json_exit(code);
    cli_free(&cli);
    return code;
}
