/*
 * options.c: command-line parsing, the global help text, and the config/environment layering.
 *
 * getopt_long permutes, so options may come before or after the subcommand. The command word is
 * looked up in the command table (commands.c), whose row parses the command's own operands.
 * Flags are collected first and applied after the config file and the environment, so they win.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/sha256.h"
#include "version.h"

static const char usage_text[] = "Symbiot: a private AI assistant that runs on your own computer.\n"
                                 "\n"
                                 "Usage: symbiot [COMMAND] [OPTIONS] [ARGUMENTS]\n"
                                 "\n"
                                 "Commands:\n";

/* After the table's lines. */
static const char usage_after_commands[] =
    "\n"
    "`symbiot COMMAND --help` (or `symbiot help COMMAND`) shows a command's own usage and\n"
    "options.\n"
    "\n"
    "With stdin not a terminal, `symbiot chat` reads one message per line and answers each in\n"
    "turn, as one conversation; `symbiot ask` with no TEXT reads the question from stdin.\n"
    "\n";

/* The rest of the help (split: C11 promises only 4095-byte string literals). */
static const char usage_options[] =
    "Model:\n"
    "  -m, --model PATH|NAME    GGUF model file, or a model in the library (`symbiot models`);\n"
    "                           or SYMBIOT_MODEL, or `model =` in the config; default: the\n"
    "                           library's default (`symbiot models default NAME`) or only model\n"
    "  -c, --ctx-size N         context length in tokens (default 0: the model's own, at most\n"
    "                           4096); more than the model was trained for is an error\n"
    "  -t, --threads N          CPU threads (default: all cores)\n"
    "  -ngl, --gpu-layers N     layers to offload to the GPU when built with one (default all)\n"
    "\n"
    "Answers:\n"
    "  -n, --max-tokens N       longest answer in tokens (default 512; -1 = until context full)\n"
    "      --temp F             temperature (default 0.7; 0 = greedy, reproducible)\n"
    "      --top-k N            sample from the N most likely tokens (default 40; 0 = off)\n"
    "      --top-p F            nucleus sampling threshold (default 0.95; 1 = off)\n"
    "      --min-p F            drop tokens below F x the top probability (default 0.05; 0 = off)\n"
    "      --repeat-penalty F   penalise repeated tokens (default 1.1; 1 = off)\n"
    "      --repeat-last-n N    tokens the penalty looks back over (default 64)\n"
    "      --seed N             sampling seed (default: random)\n"
    "      --system TEXT        system prompt (default: a short assistant persona)\n"
    "      --raw                plain text completion: no chat template, system prompt or history\n"
    "      --resume             go on with the most recent conversation (chat)\n"
    "      --no-extract         do not remember facts said in chat (\"I live in Kazan\");\n"
    "                           `extract = off` in the config does the same\n"
    "      --no-llm-extract     keep the rules but do not ask the model for facts after\n"
    "                           an answer (`llm-extract = off`)\n"
    "      --no-tools           offer no tools to the model (`tools = off`); `symbiot tools\n"
    "                           call` by hand still works\n"
    "      --no-recall-conversations  leave the turns of earlier conversations out of\n"
    "                           the prompt: only facts are recalled (`recall-conversations =\n"
    "                           off`)\n"
    "      --recall-conversations  recall those turns too, after the facts (the default)\n"
    "      --show-thinking      show a reasoning model's thinking before its answer (default:\n"
    "                           hidden, a [thinking...] line on a terminal; `show-thinking`)\n"
    "\n";

/* The backends' options. */
static const char usage_backends[] =
    "Backends (nothing leaves this computer unless you name a remote backend):\n"
    "      --backend MODE       local (default): the model here; remote: every chat message\n"
    "                           goes to --endpoint; auto: local, remote only for /cloud\n"
    "                           QUESTION or when no local model is configured\n"
    "      --endpoint URL       an OpenAI-compatible API (https://api.openai.com/v1); plain\n"
    "                           http only to this machine, unless --allow-http\n"
    "      --api-key-env VAR    the environment variable that holds the endpoint's key (the key\n"
    "                           itself is never taken on the command line, shown or stored)\n"
    "      --remote-model NAME  the model the endpoint should use (gpt-4o-mini, ...)\n"
    "      --remote-timeout S   give up when the endpoint sends nothing for S seconds (60)\n"
    "      --share-memory       also send your memories and the conversation (off: only the\n"
    "                           system prompt and the message go; /privacy shows what is sent)\n"
    "      --rpc HOST:PORT,...  spread the local model's layers over llama.cpp rpc-server\n"
    "                           processes (no authentication: trusted networks only)\n"
    "\n";

/* The rest of the help (one string literal would be longer than C compilers must accept). */
static const char usage_more[] =
    "Output and setup:\n"
    "      --json               one JSON object per turn: answer, token counts, timings\n"
    "      --config FILE        read settings from FILE (default $XDG_CONFIG_HOME/symbiot/config)\n"
    "      --db PATH            memory database: facts, reminders (or SYMBIOT_DB, or `db =` in "
    "the\n"
    "                           config; default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "      --embed-model PATH   also search facts by meaning with this llama.cpp embedding GGUF\n"
    "                           (or `embed-model =`); vectors are kept in the memory database\n"
    "                           and rebuilt when the model changes\n"
    "  -v, --verbose            show diagnostics, llama.cpp's log included\n"
    "  -h, --help               this help\n"
    "      --version            print the version\n"
    "\n"
    "In a session: /help, /reset (new conversation), /stats (speed and context), /quit,\n"
    "/remind WHEN TEXT, /reminders, /cancel ID, /remember TEXT, /forget ID, /memories,\n"
    "/pin ID, /unpin ID, /good, /bad [REASON], /correct TEXT, /prefs, /cloud QUESTION,\n"
    "/privacy.\n"
    "Ctrl-C stops an answer; at the prompt, Ctrl-C twice (or Ctrl-D) leaves.\n"
    "\n"
    "Examples:\n"
    "  symbiot pull qwen2.5:0.5b && symbiot -m qwen2.5:0.5b\n"
    "  symbiot -m ~/models/qwen2.5-0.5b-instruct-q4_k_m.gguf\n"
    "  symbiot ask -m model.gguf --temp 0 \"What is the capital of France?\"\n"
    "  printf 'Hi, I am Ann\\nWhat is my name?\\n' | symbiot chat -m model.gguf --json\n"
    "\n"
    "The config file holds `key = value` lines with the long option names, for example\n"
    "  model = /home/me/models/model.gguf\n"
    "  ctx-size = 8192\n"
    "Environment: SYMBIOT_MODEL, SYMBIOT_DB, SYMBIOT_API_KEY, XDG_CONFIG_HOME, XDG_DATA_HOME,\n"
    "XDG_STATE_HOME (the history), NO_COLOR.\n";

void cli_usage(FILE *out)
{
    fputs(usage_text, out);
    cli_commands_list(out);
    fputs(usage_after_commands, out);
    fputs(usage_options, out);
    fputs(usage_backends, out);
    fputs(usage_more, out);
}

enum {
    OPT_TEMP = 256,
    OPT_SEED,
    OPT_TOP_K,
    OPT_TOP_P,
    OPT_MIN_P,
    OPT_REPEAT_PENALTY,
    OPT_REPEAT_LAST_N,
    OPT_SYSTEM,
    OPT_GPU_LAYERS,
    OPT_DB,
    OPT_EMBED_MODEL,
    OPT_CONFIG,
    OPT_JSON,
    OPT_RAW,
    OPT_RESUME,
    OPT_NO_EXTRACT,
    OPT_NO_TOOLS,
    OPT_NO_LLM_EXTRACT,
    OPT_ALL,
    OPT_DAYS,
    OPT_BENCH_PP,
    OPT_BENCH_TG,
    OPT_BENCH_REPS,
    OPT_BENCH_TURNS,
    OPT_BENCH_FACTS,
    OPT_PLOT,
    OPT_SHA256,
    OPT_ALLOW_HTTP,
    OPT_VERSION,
    OPT_HOST,
    OPT_PORT,
    OPT_API_KEY,
    OPT_API_KEY_FILE,
    OPT_QUEUE,
    OPT_PARALLEL,
    OPT_REQUEST_TIMEOUT,
    OPT_BACKEND,
    OPT_ENDPOINT,
    OPT_API_KEY_ENV,
    OPT_REMOTE_MODEL,
    OPT_REMOTE_TIMEOUT,
    OPT_SHARE_MEMORY,
    OPT_RECALL_CONVERSATIONS,
    OPT_NO_RECALL_CONVERSATIONS,
    OPT_RPC,
    OPT_SHOW_THINKING,
};

static const struct option long_options[] = {
    {"model", required_argument, NULL, 'm'},
    {"ctx-size", required_argument, NULL, 'c'},
    {"threads", required_argument, NULL, 't'},
    {"max-tokens", required_argument, NULL, 'n'},
    {"temp", required_argument, NULL, OPT_TEMP},
    {"seed", required_argument, NULL, OPT_SEED},
    {"top-k", required_argument, NULL, OPT_TOP_K},
    {"top-p", required_argument, NULL, OPT_TOP_P},
    {"min-p", required_argument, NULL, OPT_MIN_P},
    {"repeat-penalty", required_argument, NULL, OPT_REPEAT_PENALTY},
    {"repeat-last-n", required_argument, NULL, OPT_REPEAT_LAST_N},
    {"system", required_argument, NULL, OPT_SYSTEM},
    {"gpu-layers", required_argument, NULL, OPT_GPU_LAYERS},
    {"n-gpu-layers", required_argument, NULL, OPT_GPU_LAYERS},
    {"db", required_argument, NULL, OPT_DB},
    {"embed-model", required_argument, NULL, OPT_EMBED_MODEL},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"json", no_argument, NULL, OPT_JSON},
    {"raw", no_argument, NULL, OPT_RAW},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"no-extract", no_argument, NULL, OPT_NO_EXTRACT},
    {"no-tools", no_argument, NULL, OPT_NO_TOOLS},
    {"no-llm-extract", no_argument, NULL, OPT_NO_LLM_EXTRACT},
    {"show-thinking", no_argument, NULL, OPT_SHOW_THINKING},
    {"all", no_argument, NULL, OPT_ALL},
    {"days", required_argument, NULL, OPT_DAYS},
    {"pp", required_argument, NULL, OPT_BENCH_PP},
    {"tg", required_argument, NULL, OPT_BENCH_TG},
    {"reps", required_argument, NULL, OPT_BENCH_REPS},
    {"turns", required_argument, NULL, OPT_BENCH_TURNS},
    {"facts", required_argument, NULL, OPT_BENCH_FACTS},
    {"plot", required_argument, NULL, OPT_PLOT},
    {"host", required_argument, NULL, OPT_HOST},
    {"port", required_argument, NULL, OPT_PORT},
    {"api-key", required_argument, NULL, OPT_API_KEY},
    {"api-key-file", required_argument, NULL, OPT_API_KEY_FILE},
    {"queue", required_argument, NULL, OPT_QUEUE},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
    {"sha256", required_argument, NULL, OPT_SHA256},
    {"allow-http", no_argument, NULL, OPT_ALLOW_HTTP},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"api-key-env", required_argument, NULL, OPT_API_KEY_ENV},
    {"remote-model", required_argument, NULL, OPT_REMOTE_MODEL},
    {"remote-timeout", required_argument, NULL, OPT_REMOTE_TIMEOUT},
    {"share-memory", no_argument, NULL, OPT_SHARE_MEMORY},
    {"recall-conversations", no_argument, NULL, OPT_RECALL_CONVERSATIONS},
    {"no-recall-conversations", no_argument, NULL, OPT_NO_RECALL_CONVERSATIONS},
    {"rpc", required_argument, NULL, OPT_RPC},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

const struct option *cli_long_options(void)
{
    return long_options;
}

/* A flag that maps onto a config setting, kept until the config file has been read. */
struct pending {
    const char *key;
    const char *value;
};

static const char *setting_for(int opt)
{
    switch (opt) {
    case 'm':
        return "model";
    case 'c':
        return "ctx-size";
    case 't':
        return "threads";
    case 'n':
        return "max-tokens";
    case OPT_TEMP:
        return "temp";
    case OPT_SEED:
        return "seed";
    case OPT_TOP_K:
        return "top-k";
    case OPT_TOP_P:
        return "top-p";
    case OPT_MIN_P:
        return "min-p";
    case OPT_REPEAT_PENALTY:
        return "repeat-penalty";
    case OPT_REPEAT_LAST_N:
        return "repeat-last-n";
    case OPT_SYSTEM:
        return "system";
    case OPT_GPU_LAYERS:
        return "gpu-layers";
    case OPT_DB:
        return "db";
    case OPT_EMBED_MODEL:
        return "embed-model";
    case OPT_BACKEND:
        return "backend";
    case OPT_ENDPOINT:
        return "endpoint";
    case OPT_API_KEY_ENV:
        return "api-key-env";
    case OPT_REMOTE_MODEL:
        return "remote-model";
    case OPT_REMOTE_TIMEOUT:
        return "remote-timeout";
    case OPT_RPC:
        return "rpc";
    }
    return NULL;
}

/* llama.cpp users type -ngl; getopt would read it as -n gl. */
static void rewrite_ngl(int argc, char **argv)
{
    static char gpu_layers[] = "--gpu-layers";
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "-ngl"))
            argv[i] = gpu_layers;
    }
}

static int load_config(struct cli *cli, const char *explicit_path)
{
    char path[4096], err[512];
    enum sym_status rc;

    if (explicit_path) {
        snprintf(path, sizeof path, "%s", explicit_path);
    } else if (sym_path_config(path, sizeof path, "config")) {
        return 0;
    }
    rc = sym_config_load(&cli->cfg, path, err, sizeof err);
    if (rc == SYM_ERR_NOT_FOUND && !explicit_path)
        return 0;
    if (rc) {
        cli_usage_error("config: %s", err);
        return -1;
    }
    return 0;
}

static int apply(struct cli *cli, const char *key, const char *value, const char *origin)
{
    char err[512];

    if (!sym_config_set(&cli->cfg, key, value, err, sizeof err))
        return 0;
    cli_usage_error("%s: %s", origin, err);
    return -1;
}

/* A whole number in [min, max], or -1 after printing why not. */
static long ranged(const char *opt, const char *v, long min, long max)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < min || n > max) {
        cli_usage_error("%s wants a whole number from %ld to %ld, not '%s'", opt, min, max, v);
        return -1;
    }
    return n;
}

/* --pp, --tg, --reps, --turns, --facts: a count in its range. */
static int bench_option(struct cli_bench *b, int opt, const char *arg)
{
    static const struct {
        int opt;
        const char *name;
        long min, max;
    } spec[] = {{OPT_BENCH_PP, "pp", 1, 100000},
                {OPT_BENCH_TG, "tg", 1, 100000},
                {OPT_BENCH_REPS, "reps", 1, 1000},
                {OPT_BENCH_TURNS, "turns", 1, 1000},
                {OPT_BENCH_FACTS, "facts", 1, 10000000}};
    int *slot[] = {&b->pp, &b->tg, &b->reps, &b->turns, &b->facts};
    char *end;
    long v = strtol(arg, &end, 10);
    size_t i;

    for (i = 0; i < sizeof spec / sizeof spec[0] && spec[i].opt != opt; i++)
        ;
    if (i == sizeof spec / sizeof spec[0])
        return -1;
    if (end == arg || *end || v < spec[i].min || v > spec[i].max) {
        cli_usage_error("--%s: '%s' is not a number from %ld to %ld", spec[i].name, arg,
                        spec[i].min, spec[i].max);
        return -1;
    }
    *slot[i] = (int)v;
    return 0;
}

/* The serve options; -1 after a usage error. */
static int serve_option(struct cli_serve *sv, int opt, const char *arg)
{
    sv->given = true;
    switch (opt) {
    case OPT_HOST:
        sv->host = arg;
        return 0;
    case OPT_PORT:
        sv->port = ranged("--port", arg, 0, 65535);
        return sv->port < 0 ? -1 : 0;
    case OPT_API_KEY:
        sv->api_key = arg;
        break;
    case OPT_API_KEY_FILE:
        sv->api_key_file = arg;
        break;
    case OPT_QUEUE:
        sv->queue = ranged("--queue", arg, 0, 1024);
        return sv->queue < 0 ? -1 : 0;
    case OPT_PARALLEL:
        sv->parallel = ranged("--parallel", arg, 1, 64);
        return sv->parallel < 0 ? -1 : 0;
    case OPT_REQUEST_TIMEOUT:
        sv->request_timeout = ranged("--request-timeout", arg, 1, 3600);
        return sv->request_timeout < 0 ? -1 : 0;
    default:
        return 0;
    }
    if (sv->api_key && sv->api_key_file) {
        cli_usage_error("give --api-key or --api-key-file, not both");
        return -1;
    }
    return 0;
}

/* The index of the subcommand word in argv (argc when there is none): the first argument that is
 * neither an option nor an option's value. */
static int command_index(int argc, char **argv)
{
    const struct option *o;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--"))
            return i + 1;
        if (a[0] != '-' || !a[1])
            return i;
        if (a[1] != '-') {
            if (strchr("mctn", a[1]) && !a[2])
                i++;
            continue;
        }
        for (o = long_options; o->name; o++)
            if (o->has_arg == required_argument && !strcmp(a + 2, o->name))
                i++;
    }
    return argc;
}

int cli_parse(struct cli *cli, int argc, char **argv, int *code)
{
    int cmd_at, global_argc = argc;
    struct pending *flags = calloc((size_t)argc + 1, sizeof *flags);
    const char *config_path = NULL, *env;
    const struct cli_cmd *named; /* the command word's row, before getopt permutes argv */
    int n_flags = 0, opt, i, ret = -1;

    *code = CLI_EXIT_USAGE;
    memset(cli, 0, sizeof *cli);
    cli->stats_days = 7;
    cli->bench = (struct cli_bench){512, 128, 3, 10, 10000};
    if (!flags || sym_config_init(&cli->cfg)) {
        cli_usage_error("out of memory");
        *code = CLI_EXIT_FAIL;
        goto out;
    }
    cli->serve.port = -1;
    cli->serve.queue = -1;
    cli->serve.parallel = -1;
    cli->serve.request_timeout = -1;
    rewrite_ngl(argc, argv);
    cmd_at = command_index(argc, argv);
    named = cmd_at < argc ? cli_command_find(argv[cmd_at]) : NULL;
    /* `memory` has options of its own: the global ones are read before it, its own after. */
    if (named && named->needs & CLI_OWN_OPTIONS)
        global_argc = cmd_at;
    opterr = 0;
    while ((opt = getopt_long(global_argc, argv, ":m:c:t:n:vh", long_options, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            const char *what = argv[optind - 1];

            cli_usage_error("%s '%s' (try `symbiot --help`)",
                            opt == '?' ? "unknown option" : "missing value for", what);
            goto out;
        }
        if (setting_for(opt)) {
            flags[n_flags].key = setting_for(opt);
            flags[n_flags++].value = optarg;
            continue;
        }
        switch (opt) {
        case 'v':
            cli->verbose = true;
            break;
        case 'h':
            if (named)
                cli_command_help(named, stdout);
            else
                cli_usage(stdout);
            *code = CLI_EXIT_OK;
            goto out;
        case OPT_VERSION:
            printf("symbiot %s\n", SYM_VERSION);
            *code = CLI_EXIT_OK;
            goto out;
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_JSON:
            cli->json = true;
            break;
        case OPT_RAW:
            cli->raw = true;
            break;
        case OPT_RESUME:
            cli->resume = true;
            break;
        case OPT_ALL:
            cli->all = true;
            break;
        case OPT_SHA256:
            cli->sha256 = optarg;
            break;
        case OPT_ALLOW_HTTP:
            cli->allow_http = true;
            break;
        case OPT_NO_EXTRACT:
            flags[n_flags].key = "extract";
            flags[n_flags++].value = "off";
            break;
        case OPT_NO_TOOLS:
            flags[n_flags].key = "tools";
            flags[n_flags++].value = "off";
            break;
        case OPT_SHARE_MEMORY:
            flags[n_flags].key = "share-memory";
            flags[n_flags++].value = "on";
            break;
        case OPT_RECALL_CONVERSATIONS:
            flags[n_flags].key = "recall-conversations";
            flags[n_flags++].value = "on";
            break;
        case OPT_NO_RECALL_CONVERSATIONS:
            flags[n_flags].key = "recall-conversations";
            flags[n_flags++].value = "off";
            break;
        case OPT_NO_LLM_EXTRACT:
            flags[n_flags].key = "llm-extract";
            flags[n_flags++].value = "off";
            break;
        case OPT_SHOW_THINKING:
            flags[n_flags].key = "show-thinking";
            flags[n_flags++].value = "on";
            break;
        case OPT_DAYS: {
            char *end;
            long d = strtol(optarg, &end, 10);

            if (end == optarg || *end || d < 0 || d > 100000) {
                cli_usage_error("--days: '%s' is not a number of days (0 = all)", optarg);
                goto out;
            }
            cli->stats_days = (int)d;
            break;
        }
        case OPT_PLOT:
            cli->plot = optarg;
            break;
        case OPT_BENCH_PP:
        case OPT_BENCH_TG:
        case OPT_BENCH_REPS:
        case OPT_BENCH_TURNS:
        case OPT_BENCH_FACTS:
            if (bench_option(&cli->bench, opt, optarg))
                goto out;
            break;
        default:
            if (serve_option(&cli->serve, opt, optarg))
                goto out;
        }
    }
    if (global_argc < argc) /* the command reads its own options too */
        optind = cmd_at;
    cli->cmd = optind < argc ? cli_command_find(argv[optind]) : cli_command_default();
    if (!cli->cmd) {
        cli_unknown_command(argv[optind]);
        goto out;
    }
    cli->command = cli->cmd->id;
    if (cli->cmd->parse(cli, argc - optind, argv + optind, code))
        goto out;
    if (cli->memory.config) /* memory's own --config, --db and --embed-model */
        config_path = cli->memory.config;
    if (cli->memory.db) {
        flags[n_flags].key = "db";
        flags[n_flags++].value = cli->memory.db;
    }
    if (cli->memory.embed_model) {
        flags[n_flags].key = "embed-model";
        flags[n_flags++].value = cli->memory.embed_model;
    }
    if (cli->all && cli->command != CLI_CONVERSATIONS) {
        cli_usage_error("--all is for `symbiot conversations rm --all`");
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli->serve.given && cli->command != CLI_SERVE) {
        cli_usage_error("--host, --port, --api-key, --api-key-file, --queue, --parallel and "
                        "--request-timeout are for `symbiot serve`");
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli->sha256 && cli->command != CLI_PULL) {
        cli_usage_error("--sha256 is for `symbiot pull`");
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli->allow_http && cli->command != CLI_PULL && cli->command != CLI_CHAT &&
        cli->command != CLI_RUN && cli->command != CLI_ASK && cli->command != CLI_SERVE) {
        cli_usage_error("--allow-http is for `symbiot pull` and a remote --endpoint");
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli->sha256 && !sym_sha256_is_hex(cli->sha256)) {
        cli_usage_error("--sha256 wants 64 hex digits, not '%s'", cli->sha256);
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli->run_model) {
        for (i = 0; i < n_flags; i++)
            if (!strcmp(flags[i].key, "model")) {
                cli_usage_error("run names its model: give it once (`symbiot run MODEL`), not "
                                "with -m too");
                *code = CLI_EXIT_USAGE;
                goto out;
            }
        flags[n_flags].key = "model";
        flags[n_flags++].value = cli->run_model;
    }
    if (cli->resume && cli->command != CLI_CHAT) {
        cli_usage_error("--resume is for chat (`symbiot chat --resume`)");
        *code = CLI_EXIT_USAGE;
        goto out;
    }
    if (load_config(cli, config_path))
        goto out;
    env = getenv("SYMBIOT_MODEL");
    if (env && env[0] && apply(cli, "model", env, "SYMBIOT_MODEL"))
        goto out;
    env = getenv("SYMBIOT_DB");
    if (env && env[0] && apply(cli, "db", env, "SYMBIOT_DB"))
        goto out;
    if (cli->allow_http && apply(cli, "remote-allow-http", "on", "--allow-http"))
        goto out;
    for (i = 0; i < n_flags; i++) {
        char origin[64];

        snprintf(origin, sizeof origin, "--%s", flags[i].key);
        if (apply(cli, flags[i].key, flags[i].value, origin))
            goto out;
    }
    cli->interactive = isatty(STDIN_FILENO);
    *code = CLI_EXIT_OK;
    ret = 0;
out:
    free(flags);
    return ret;
}

void cli_free(struct cli *cli)
{
    sym_config_free(&cli->cfg);
    free(cli->ask_text);
    cli->ask_text = NULL;
    free(cli->memory.tags);
    cli->memory.tags = NULL;
}
