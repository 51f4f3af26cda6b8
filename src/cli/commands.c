/*
 * commands.c: the command table: one row per `symbiot` command with its name, the parser of its
 * operands, its runner, what it needs set up (enum cli_need), its one-line summary and its own
 * usage text.
 *
 * Redis's command table is the model: options.c looks the command word up here and calls the
 * row's parser; main() sets up what the row's needs say and calls the row's runner. A new command
 * is one row, one parser and one runner; its usage text is what `symbiot NAME --help` and
 * `symbiot help NAME` print, and tests/integration/help.sh checks it against docs/symbiot.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/module.h"
#include "nlp/text.h"
#include "version.h"

/* The line that sends a command's help to the options every chat-like command shares. */
#define SHARED_OPTIONS                                                                             \
    "  and the model, answer, backend and setup options that `symbiot --help` lists.\n"

/* ---- usage texts ---- */

static const char chat_usage[] =
    "Usage: symbiot [chat] [--resume] [--json] [--raw] [OPTIONS]\n"
    "Talk with the assistant (the default command): an interactive session when stdin is a\n"
    "terminal; otherwise one message per input line, answered in turn as one conversation.\n"
    "\n"
    "Options:\n"
    "      --resume             go on with the most recent stored conversation\n"
    "      --json               one JSON object per turn: answer, token counts, timings\n"
    "                           (stdin is read line by line even on a terminal)\n"
    "      --raw                plain text completion: no chat template, system prompt or "
    "history\n" SHARED_OPTIONS "\n"
    "Examples:\n"
    "  symbiot -m qwen2.5:0.5b\n"
    "  printf 'Hi, I am Ann\\nWhat is my name?\\n' | symbiot chat -m model.gguf --json\n";

static const char ask_usage[] =
    "Usage: symbiot ask [--json] [--raw] [OPTIONS] TEXT...\n"
    "Answer one question (the words of TEXT joined with spaces), print the answer and exit;\n"
    "without TEXT and with stdin not a terminal, the question is all of stdin (up to 1 MiB).\n"
    "\n"
    "Options:\n"
    "      --json               one JSON object: answer, token counts, timings\n"
    "      --raw                plain text completion: no chat template, system prompt or "
    "history\n" SHARED_OPTIONS "\n"
    "Examples:\n"
    "  symbiot ask -m model.gguf --temp 0 \"What is the capital of France?\"\n"
    "  echo \"/reminders\" | symbiot ask\n";

static const char run_usage[] =
    "Usage: symbiot run [OPTIONS] MODEL [TEXT...]\n"
    "Chat with MODEL (a library name, a catalogue name or a GGUF path), as `symbiot -m MODEL`\n"
    "does; with TEXT, answer it once and exit, as `symbiot ask` does. A catalogue model that is\n"
    "not downloaded yet is offered for download first on a terminal (elsewhere the error names\n"
    "`symbiot pull MODEL`).\n"
    "\n"
    "Options:\n" SHARED_OPTIONS "\n"
    "Examples:\n"
    "  symbiot run qwen2.5:0.5b\n"
    "  symbiot run qwen2.5:0.5b \"Why is the sky blue?\"\n";

static const char reminders_usage[] =
    "Usage: symbiot reminders [--json] [--db PATH]\n"
    "List the pending reminders (number, due time, text) and exit; exit status 1 when the\n"
    "memory database cannot be opened.\n"
    "\n"
    "Options:\n"
    "      --json               a JSON array of objects: id, text, due (ISO 8601, local time),\n"
    "                           status\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Examples:\n"
    "  symbiot reminders\n"
    "  symbiot reminders --json --db ~/notes.db\n";

static const char conversations_usage[] =
    "Usage: symbiot conversations [--json] [--db PATH]\n"
    "       symbiot conversations rm ID | --all\n"
    "List the stored conversations, newest first (number, start time, turns, title), or delete\n"
    "one conversation or all of them, asking nothing (`delete` is the same as `rm`).\n"
    "\n"
    "Options:\n"
    "      --json               a JSON array of objects: id, started, updated, turns, title\n"
    "      --all                with rm: every conversation\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Examples:\n"
    "  symbiot conversations\n"
    "  symbiot conversations rm 3\n";

static const char stats_usage[] =
    "Usage: symbiot stats [--days N] [--json] [--plot FILE.svg|FILE.png]\n"
    "Speed and latency of the chat turns recorded in the last N days: medians and 95th\n"
    "percentiles of time to first token, prompt and generation speed and recall time, token\n"
    "totals, peak memory, the models used; or a chart.\n"
    "\n"
    "Options:\n"
    "      --days N             the last N days (default 7; 0 = every turn kept)\n"
    "      --json               one JSON object\n"
    "      --plot FILE          a chart of generation speed and time to first token per turn,\n"
    "                           as SVG or PNG (by FILE's ending)\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Examples:\n"
    "  symbiot stats --days 30\n"
    "  symbiot stats --plot speed.svg\n";

static const char feedback_usage[] =
    "Usage: symbiot feedback export [FILE]\n"
    "Write the answers you rated in chat (/good, /bad, /correct) as JSON Lines for fine-tuning\n"
    "(prompt, answer, rating, reason, correction, time), to FILE or stdout.\n"
    "\n"
    "Options:\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Examples:\n"
    "  symbiot feedback export rated.jsonl\n";

static const char serve_usage[] =
    "Usage: symbiot serve [--host ADDR] [--port N] [--api-key KEY | --api-key-file FILE]\n"
    "                     [--queue N] [--parallel N] [--request-timeout S] [OPTIONS]\n"
    "Serve the assistant over HTTP until SIGINT or SIGTERM: an OpenAI-compatible API, its own\n"
    "API and a web page (docs/API.md).\n"
    "\n"
    "Options:\n"
    "      --host ADDR          address to listen on (default 127.0.0.1, this machine only)\n"
    "      --port N             port (default 8080; 0 = any free port, printed at start)\n"
    "      --api-key KEY        require `Authorization: Bearer KEY` (or SYMBIOT_API_KEY)\n"
    "      --api-key-file FILE  the key is the first line of FILE\n"
    "      --queue N            requests that may wait while every slot generates (default 8)\n"
    "      --parallel N         conversations generated at once, each in its own slot of\n"
    "                           -c tokens (default 4, or `parallel` in the config; the KV\n"
    "                           cache takes N times the memory of one)\n"
    "      --request-timeout S  seconds a client has to send a whole request (default 30);\n"
    "                           slower connections are closed (slowloris)\n" SHARED_OPTIONS "\n"
    "Examples:\n"
    "  symbiot serve -m qwen2.5:0.5b\n"
    "  symbiot serve --host 0.0.0.0 --port 8081 --api-key-file ~/.config/symbiot/key\n";

static const char bench_usage[] =
    "Usage: symbiot bench -m MODEL [--pp N] [--tg N] [--reps N] [--turns N] [--facts N] [--json]\n"
    "Measure this machine: prompt processing and generation speed as llama-bench measures them,\n"
    "a multi-turn chat through the assistant (time to first token, tokens per turn) and memory\n"
    "search over generated facts (p50, p99), in a scratch database that is removed afterwards.\n"
    "\n"
    "Options:\n"
    "  -m, --model PATH|NAME    the model to measure (required)\n"
    "      --pp N               prompt tokens per measurement (default 512)\n"
    "      --tg N               generated tokens per measurement (default 128)\n"
    "      --reps N             repetitions of each measurement (default 3)\n"
    "      --turns N            turns of the chat (default 10)\n"
    "      --facts N            facts in the scratch memory (default 10000)\n"
    "      --json               one JSON object\n"
    "  and the model options that `symbiot --help` lists (-c, -t, -ngl).\n"
    "\n"
    "Examples:\n"
    "  symbiot bench -m qwen2.5:0.5b\n"
    "  symbiot bench -m model.gguf --pp 128 --tg 32 --reps 1 --json\n";

static const char tools_usage[] =
    "Usage: symbiot tools [--json]\n"
    "       symbiot tools call [--json] NAME [JSON-ARGS]\n"
    "List the tools a model may call (the modules' commands, and the tools of the MCP servers\n"
    "in $XDG_CONFIG_HOME/symbiot/mcp.json as SERVER__TOOL), or run one by hand and print its\n"
    "result. A tool that may remove something (forget, cancel, an MCP tool not marked\n"
    "read-only) asks on the terminal first [y/N]; without a terminal it is refused unless\n"
    "`tools-allow = NAME,...` (or `*`) in the config allows it. Exit status 2 for an unknown\n"
    "tool or arguments that do not match its schema, 1 when the tool fails or is refused.\n"
    "\n"
    "Options:\n"
    "      --json               list: every tool with its full JSON schema; call: the result\n"
    "                           as one JSON object (tool, source, text, is_error)\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Examples:\n"
    "  symbiot tools\n"
    "  symbiot tools call time '{\"place\": \"Tokyo\"}'\n"
    "  symbiot tools call remind '{\"when\": \"in 10 minutes\", \"text\": \"tea\"}'\n"
    "  symbiot tools call everything__echo '{\"message\": \"hi\"}'\n";

static const char mcp_usage[] =
    "Usage: symbiot mcp [--db PATH]\n"
    "Be an MCP server on stdin and stdout (JSON-RPC 2.0, one message per line), so another\n"
    "assistant or an editor can use Symbiot's tools: your memory (remember, memories, forget,\n"
    "pin), reminders (remind, reminders, cancel) and the time (time, date, weekday, until).\n"
    "Only protocol goes to stdout; errors go to stderr. A tool that removes something (forget,\n"
    "cancel) asks the client's user first (MCP elicitation); with a client that cannot ask, it\n"
    "runs only when `tools-allow` in the config names it.\n"
    "\n"
    "Options:\n"
    "      --db PATH            the memory database (default $XDG_DATA_HOME/symbiot/memory.db)\n"
    "\n"
    "Example, an MCP client's configuration:\n"
    "  {\"mcpServers\": {\"symbiot\": {\"command\": \"symbiot\", \"args\": [\"mcp\"]}}}\n";

static const char help_usage[] =
    "Usage: symbiot help [COMMAND]\n"
    "Print the help: the commands and the global options, or COMMAND's own usage (the same as\n"
    "`symbiot COMMAND --help`).\n"
    "\n"
    "Examples:\n"
    "  symbiot help\n"
    "  symbiot help serve\n";

static const char completion_usage[] =
    "Usage: symbiot completion bash|zsh|fish\n"
    "Print a completion script for the shell: commands, options, subcommands and the\n"
    "catalogue's model names, generated from the program's own tables. `make install` installs\n"
    "all three; to use one without installing, load it from your shell's startup file.\n"
    "\n"
    "Examples:\n"
    "  source <(symbiot completion bash)          # in ~/.bashrc\n"
    "  symbiot completion zsh > ~/.zfunc/_symbiot  # a directory in $fpath\n"
    "  symbiot completion fish > ~/.config/fish/completions/symbiot.fish\n";

static const char version_usage[] = "Usage: symbiot version\n"
                                    "Print the version (as --version does) and exit.\n"
                                    "\n"
                                    "Examples:\n"
                                    "  symbiot version\n";

/* ---- parsers ---- */

/* Report a usage error: "symbiot: MESSAGE" on stderr; -1 with *code set to USAGE. */
static int usage_error(const char *message, int *code)
{
    cli_usage_error("%s", message);
    *code = CLI_EXIT_USAGE;
    return -1;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    char *s;
    int i;

    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = calloc(1, len);
    if (!s)
        return NULL;
    for (i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static int parse_chat(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("chat takes no arguments (did you mean `symbiot ask`?)", code);
    return 0;
}

static int parse_ask(struct cli *cli, int argc, char **argv, int *code)
{
    if (argc > 1) {
        cli->ask_text = join_args(argc - 1, argv + 1);
        if (!cli->ask_text) {
            *code = CLI_EXIT_FAIL;
            return -1;
        }
    }
    return 0;
}

/* `run MODEL [TEXT...]`: the model is applied after the config file, as -m would be. */
static int parse_run(struct cli *cli, int argc, char **argv, int *code)
{
    if (argc < 2)
        return usage_error("usage: symbiot run MODEL [TEXT...] (see `symbiot models`)", code);
    cli->run_model = argv[1];
    return parse_ask(cli, argc - 1, argv + 1, code);
}

static int parse_reminders(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("reminders takes no arguments (only --json)", code);
    return 0;
}

/* `conversations`, `conversations rm ID`, `conversations rm --all` (`delete`: an alias). */
static int parse_conversations(struct cli *cli, int argc, char **argv, int *code)
{
    const char *id;
    char *end = NULL;

    if (argc == 1) {
        if (!cli->all)
            return 0;
        return usage_error("--all is for `symbiot conversations rm --all`", code);
    }
    if (strcmp(argv[1], "rm") && strcmp(argv[1], "delete"))
        return usage_error("conversations takes no arguments but `rm` (and --json)", code);
    if (cli->all && argc == 2)
        return 0;
    id = argc == 3 && !cli->all ? argv[2] : "";
    if (*id == '#')
        id++;
    if (*id >= '0' && *id <= '9')
        cli->delete_id = strtoll(id, &end, 10);
    if (cli->delete_id <= 0 || *end)
        return usage_error("usage: symbiot conversations rm ID | --all", code);
    return 0;
}

static int parse_stats(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("stats takes no arguments (only --days, --json, --plot)", code);
    return 0;
}

static int parse_feedback(struct cli *cli, int argc, char **argv, int *code)
{
    if (argc < 2 || strcmp(argv[1], "export") || argc > 3)
        return usage_error("usage: symbiot feedback export [FILE]", code);
    cli->export_path = argc == 3 ? argv[2] : NULL;
    return 0;
}

static int parse_serve(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("serve takes no arguments, only options", code);
    return 0;
}

static int parse_bench(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("bench takes no arguments, only options", code);
    return 0;
}

/* `mcp`: no operands. */
static int parse_mcp(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argv;
    if (argc > 1)
        return usage_error("mcp takes no arguments (only --db and --config)", code);
    return 0;
}

/* `tools` and `tools call NAME [JSON-ARGS]`. */
static int parse_tools(struct cli *cli, int argc, char **argv, int *code)
{
    if (argc > 1 && strcmp(argv[1], "call"))
        return usage_error("tools: unknown subcommand (try `symbiot tools call NAME 'JSON'`)",
                           code);
    if (argc > 1 && argc < 3)
        return usage_error("usage: symbiot tools call NAME [JSON-ARGS]", code);
    if (argc > 4)
        return usage_error("tools call: too many arguments; quote the JSON as one argument", code);
    cli->operands = argv + 1;
    cli->n_operands = argc - 1;
    return 0;
}

/* pull and models: the words after the command, read by their runners. */
static int parse_operands(struct cli *cli, int argc, char **argv, int *code)
{
    (void)code;
    cli->operands = argv + 1;
    cli->n_operands = argc - 1;
    return 0;
}

/* `help [COMMAND]`: done here, before the config file is read (a broken one must not stop it). */
static int parse_help(struct cli *cli, int argc, char **argv, int *code)
{
    const struct cli_cmd *cmd;

    (void)cli;
    if (argc > 2)
        return usage_error("usage: symbiot help [COMMAND]", code);
    if (argc < 2) {
        cli_usage(stdout);
        *code = CLI_EXIT_OK;
        return -1;
    }
    cmd = cli_command_find(argv[1]);
    if (!cmd) {
        cli_unknown_command(argv[1]);
        *code = CLI_EXIT_USAGE;
        return -1;
    }
    cli_command_help(cmd, stdout);
    *code = CLI_EXIT_OK;
    return -1;
}

/* `completion SHELL`: the script is printed here, like help, before any setup. */
static int parse_completion(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    if (argc != 2 || cli_completion_script(argv[1], stdout))
        return usage_error("usage: symbiot completion bash|zsh|fish", code);
    *code = CLI_EXIT_OK;
    return -1;
}

static int parse_version(struct cli *cli, int argc, char **argv, int *code)
{
    (void)cli;
    (void)argc;
    (void)argv;
    printf("symbiot %s\n", SYM_VERSION);
    *code = CLI_EXIT_OK;
    return -1;
}

/* ---- runners: each calls its command's module with what main() set up ---- */

static int run_chat(struct cli *cli, struct cli_setup *s)
{
    return cli_chat(cli, s->assistant);
}

static int run_ask(struct cli *cli, struct cli_setup *s)
{
    return cli_ask(cli, s->assistant);
}

static int run_run(struct cli *cli, struct cli_setup *s)
{
    return cli->ask_text ? cli_ask(cli, s->assistant) : cli_chat(cli, s->assistant);
}

static int run_reminders(struct cli *cli, struct cli_setup *s)
{
    return cli_reminders(cli, s->assistant);
}

static int run_tools(struct cli *cli, struct cli_setup *s)
{
    return cli_tools(cli, s->assistant);
}

static int run_mcp(struct cli *cli, struct cli_setup *s)
{
    return cli_mcp(cli, s->assistant);
}

static int run_memory(struct cli *cli, struct cli_setup *s)
{
    return cli_memory(cli, s->store);
}

static int run_conversations(struct cli *cli, struct cli_setup *s)
{
    return cli_conversations(cli, s->store);
}

static int run_stats(struct cli *cli, struct cli_setup *s)
{
    return cli_stats(cli, s->store);
}

static int run_feedback(struct cli *cli, struct cli_setup *s)
{
    return cli_feedback_export(cli, s->store);
}

static int run_serve(struct cli *cli, struct cli_setup *s)
{
    struct sym_assistant *a = s->assistant;

    s->assistant = NULL; /* the server owns it now */
    return cli_serve(cli, a, s->embedder);
}

static int run_bench(struct cli *cli, struct cli_setup *s)
{
    struct sym_llm *llm = s->llm;

    s->llm = NULL; /* cli_bench owns it now */
    return cli_bench(cli, llm);
}

static int run_pull(struct cli *cli, struct cli_setup *s)
{
    (void)s;
    return cli_pull(cli);
}

static int run_models(struct cli *cli, struct cli_setup *s)
{
    (void)s;
    return cli_models(cli);
}

static void pull_help(FILE *out)
{
    cli_models_help("pull", out);
}

static void models_help(FILE *out)
{
    cli_models_help("models", out);
}

/* ---- the table ---- */

#define CHAT_NEEDS                                                                                 \
    (CLI_NEED_MODEL | CLI_NEED_STORE | CLI_NEED_EMBEDDER | CLI_NEED_REMOTE | CLI_NEED_ASSISTANT |  \
     CLI_NEED_TOOLS)

/* The first row is the command that runs when none is named. */
static const struct cli_cmd commands[] = {
    {"chat", CLI_CHAT, parse_chat, run_chat, CHAT_NEEDS,
     "talk: a session, or one turn per line of stdin (the default)", chat_usage, NULL},
    {"ask", CLI_ASK, parse_ask, run_ask, CHAT_NEEDS | CLI_NEED_QUESTION,
     "answer one question (the arguments, or stdin) and exit", ask_usage, NULL},
    {"run", CLI_RUN, parse_run, run_run, CHAT_NEEDS | CLI_NEED_MODEL_REQUIRED,
     "chat with MODEL (pulled first if need be), or answer TEXT with it", run_usage, NULL},
    {"memory", CLI_MEMORY, cli_memory_parse, run_memory,
     CLI_NEED_STORE_REQUIRED | CLI_NEED_EMBEDDER | CLI_OWN_OPTIONS,
     "what Symbiot remembers: add, list, search, rm, export, ...", NULL, cli_memory_help},
    {"reminders", CLI_REMINDERS, parse_reminders, run_reminders,
     CLI_NEED_STORE_REQUIRED | CLI_NEED_ASSISTANT, "list the pending reminders", reminders_usage,
     NULL},
    {"tools", CLI_TOOLS, parse_tools, run_tools,
     CLI_NEED_STORE | CLI_NEED_EMBEDDER | CLI_NEED_ASSISTANT,
     "the tools a model may call: list them, or `tools call NAME 'JSON'`", tools_usage, NULL},
    {"mcp", CLI_MCP, parse_mcp, run_mcp,
     CLI_NEED_STORE_REQUIRED | CLI_NEED_EMBEDDER | CLI_NEED_ASSISTANT,
     "be an MCP server on stdio: your memory, reminders and time as tools", mcp_usage, NULL},
    {"conversations", CLI_CONVERSATIONS, parse_conversations, run_conversations,
     CLI_NEED_STORE_REQUIRED, "list the stored conversations, or delete one or all",
     conversations_usage, NULL},
    {"stats", CLI_STATS, parse_stats, run_stats, CLI_NEED_STORE_REQUIRED,
     "speed and latency of the recorded chat turns, or a chart", stats_usage, NULL},
    {"feedback", CLI_FEEDBACK_EXPORT, parse_feedback, run_feedback, CLI_NEED_STORE_REQUIRED,
     "`feedback export [FILE]`: your rated answers as JSON Lines", feedback_usage, NULL},
    {"serve", CLI_SERVE, parse_serve, run_serve, CHAT_NEEDS,
     "the assistant over HTTP: OpenAI-compatible API, web page", serve_usage, NULL},
    {"bench", CLI_BENCH, parse_bench, run_bench, CLI_NEED_MODEL | CLI_NEED_MODEL_REQUIRED,
     "speed on this machine: pp/tg, a multi-turn chat, memory search", bench_usage, NULL},
    {"pull", CLI_PULL, parse_operands, run_pull, 0,
     "download a model into the library, from the catalogue or a URL", NULL, pull_help},
    {"models", CLI_MODELS, parse_operands, run_models, 0,
     "the downloaded models; info, rm, default, catalog", NULL, models_help},
    {"help", CLI_HELP, parse_help, NULL, 0, "this help, or a command's own (`help COMMAND`)",
     help_usage, NULL},
    {"completion", CLI_COMPLETION, parse_completion, NULL, 0,
     "print a shell completion script: bash, zsh or fish", completion_usage, NULL},
    {"version", CLI_VERSION, parse_version, NULL, 0, "print the version", version_usage, NULL},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const struct cli_cmd *cli_command_find(const char *name)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

const char *cli_suggest(const char *name, const char *const *words)
{
    const char *near = NULL;
    int best = sym_typo_limit(name) + 1, d;

    for (; *words; words++) {
        d = sym_edit_distance(name, *words, best - 1);
        if (d < best) {
            best = d;
            near = *words;
        }
    }
    return near;
}

void cli_unknown_command(const char *name)
{
    const char *words[N_COMMANDS + 1], *near;
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        words[i] = commands[i].name;
    words[i] = NULL;
    near = cli_suggest(name, words);
    if (near)
        cli_usage_error("unknown command '%s'; did you mean `symbiot %s`? (try `symbiot --help`)",
                        name, near);
    else
        cli_usage_error("unknown command '%s' (try `symbiot --help`)", name);
}

const struct cli_cmd *cli_command_at(size_t i)
{
    return i < N_COMMANDS ? &commands[i] : NULL;
}

const struct cli_cmd *cli_command_default(void)
{
    return &commands[0];
}

void cli_command_help(const struct cli_cmd *cmd, FILE *out)
{
    if (cmd->usage)
        fputs(cmd->usage, out);
    else
        cmd->help(out);
}

void cli_commands_list(FILE *out)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
}
