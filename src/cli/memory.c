/*
 * memory.c: `symbiot memory ...`: the user's own view of what Symbiot remembers, without loading
 * the model: add, list, search, rm (alias forget), edit, pin, unpin, import, export and stats
 * over memory/facts.h. `rm` is the one verb for deleting across the commands (memory, models,
 * conversations); the older words stay as aliases.
 *
 * Export writes JSON Lines, one fact a line, oldest (lowest id) first, so importing the file into
 * an empty database gives the same ids in the same order. Import is all or nothing, in one pass
 * inside one transaction: each line is checked and written as it is read (no more than one line
 * in memory), every bad line is reported with its number, and one bad line means the whole
 * transaction is rolled back at the end, so a half-imported memory never needs untangling. What
 * an export cannot carry
 * back: a fact's edit history, and `updated` (an imported fact is updated when it was created).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/import.h"
#include "base/buf.h"
#include "base/clock.h"
#include "core/fact_json.h"
#include "memory/episodes.h"
#include "memory/facts.h"

#define SEARCH_DEFAULT_K 10

static const char memory_usage[] =
    "Usage: symbiot memory SUBCOMMAND [--db PATH] [--embed-model PATH]\n"
    "  add TEXT... [--source S] [--time ISO8601] [--tag T]...\n"
    "                         remember a fact (--time: when it was said; default now)\n"
    "  list [--json]          every fact, newest first; a plan's date as \"(on 2027-06-18)\"\n"
    "  search [-k N] [--json] [--facts | --turns] QUERY...\n"
    "                         the N best matches (default 10) among the facts and the turns\n"
    "                         of stored conversations (--facts, --turns: only those); with\n"
    "                         --embed-model (or `embed-model =`) facts by meaning too\n"
    "  rm ID                  delete a fact and its history for good (`forget` is the same)\n"
    "  edit ID TEXT...        replace a fact's text (the old text is kept as history)\n"
    "  pin ID, unpin ID       pin a fact (it ranks higher in search), or unpin it\n"
    "  import FILE            add the facts of a JSON Lines file (as written by export);\n"
    "                         all or nothing: one bad line and nothing is written\n"
    "  import --conversations FILE [--extract]\n"
    "                         add a conversation history as episodic memory: JSON Lines,\n"
    "                         one turn a line ({\"conversation\", \"speaker\", \"text\",\n"
    "                         \"time\", \"session\"}), or ChatGPT's conversations.json;\n"
    "                         --extract: the user's facts too, by the extraction rules\n"
    "  export [FILE]          every fact as JSON Lines, to FILE or stdout\n"
    "  stats                  number of facts and turns, database path and size\n"
    "Export fields: id, text, source, time (created), updated, event_time (when set), tags\n"
    "(array), pinned. Import reads text (required), source, time, event_time, tags, pinned.\n"
    "Times are ISO 8601: 2027-06-12T09:00:00Z, 2027-06-12T12:00:00+03:00, 2027-06-12 (local).\n"
    "Exit status: 0 ok, 1 failure, 2 usage.\n";

enum {
    OPT_SOURCE = 256,
    OPT_TIME,
    OPT_TAG,
    OPT_DB,
    OPT_CONFIG,
    OPT_JSON,
    OPT_EMBED_MODEL,
    OPT_CONVERSATIONS,
    OPT_EXTRACT,
    OPT_FACTS,
    OPT_TURNS,
};

static const struct option memory_options[] = {
    {"source", required_argument, NULL, OPT_SOURCE},
    {"time", required_argument, NULL, OPT_TIME},
    {"tag", required_argument, NULL, OPT_TAG},
    {"db", required_argument, NULL, OPT_DB},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"embed-model", required_argument, NULL, OPT_EMBED_MODEL},
    {"json", no_argument, NULL, OPT_JSON},
    {"conversations", required_argument, NULL, OPT_CONVERSATIONS},
    {"extract", no_argument, NULL, OPT_EXTRACT},
    {"facts", no_argument, NULL, OPT_FACTS},
    {"turns", no_argument, NULL, OPT_TURNS},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void cli_memory_help(FILE *out)
{
    fputs(memory_usage, out);
}

/* Append tag to the comma-joined list in *tags. */
static int add_tag(char **tags, const char *tag)
{
    size_t old = *tags ? strlen(*tags) : 0;
    char *t;

    if (!*tag || strchr(tag, ','))
        return -1;
    t = realloc(*tags, old + strlen(tag) + 2);
    if (!t)
        return -1;
    if (old)
        t[old++] = ',';
    strcpy(t + old, tag);
    *tags = t;
    return 0;
}

static int usage_error(const char *msg, const char *what, int *code)
{
    cli_usage_error("memory: %s%s%s (try `symbiot memory --help`)", msg, what ? " " : "",
                    what ? what : "");
    *code = CLI_EXIT_USAGE;
    return -1;
}

int cli_memory_parse(struct cli *cli, int argc, char **argv, int *code)
{
    struct cli_memory *m = &cli->memory;
    char *end;
    int opt;

    m->k = SEARCH_DEFAULT_K;
    optind = 0; /* glibc: start afresh, after the global options' pass */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":k:vh", memory_options, NULL)) != -1) {
        switch (opt) {
        case '?':
            return usage_error("unknown option", argv[optind - 1], code);
        case ':':
            return usage_error("missing value for", argv[optind - 1], code);
        case 'k':
            m->k = strtol(optarg, &end, 10);
            if (*end || m->k <= 0 || m->k > 1000)
                return usage_error("-k wants a number from 1 to 1000, not", optarg, code);
            break;
        case OPT_SOURCE:
            m->source = optarg;
            break;
        case OPT_TIME:
            m->time = optarg;
            break;
        case OPT_TAG:
            if (add_tag(&m->tags, optarg))
                return usage_error("a tag must be non-empty and without commas:", optarg, code);
            break;
        case OPT_DB:
            m->db = optarg;
            break;
        case OPT_CONFIG:
            m->config = optarg;
            break;
        case OPT_EMBED_MODEL:
            m->embed_model = optarg;
            break;
        case OPT_JSON:
            cli->json = true;
            break;
        case OPT_CONVERSATIONS:
            m->conversations = optarg;
            break;
        case OPT_EXTRACT:
            m->extract = true;
            break;
        case OPT_FACTS:
            m->facts = true;
            break;
        case OPT_TURNS:
            m->turns = true;
            break;
        case 'v':
            cli->verbose = true;
            break;
        case 'h':
            fputs(memory_usage, stdout);
            *code = CLI_EXIT_OK;
            return -1;
        }
    }
    m->pos = argv + optind;
    m->n_pos = argc - optind;
    if (!m->n_pos) {
        fputs(memory_usage, stderr);
        *code = CLI_EXIT_USAGE;
        return -1;
    }
    if (!strstr(" add list search rm forget edit pin unpin import export stats ", m->pos[0]) ||
        strchr(m->pos[0], ' ') || !m->pos[0][0]) {
        static const char *const subs[] = {"add", "list",  "search", "rm",     "forget", "edit",
                                           "pin", "unpin", "import", "export", "stats",  NULL};
        const char *near = cli_suggest(m->pos[0], subs);

        if (near) {
            cli_usage_error("memory: unknown subcommand '%s'; did you mean `symbiot memory %s`?",
                            m->pos[0], near);
            *code = CLI_EXIT_USAGE;
            return -1;
        }
        return usage_error("unknown subcommand", m->pos[0], code);
    }
    return 0;
}

/* ---- output ---- */

static char *join_words(char **w, int n)
{
    struct sym_buf b = {0};
    int i;

    for (i = 0; i < n; i++)
        if ((i && sym_buf_puts(&b, " ")) || sym_buf_puts(&b, w[i])) {
            sym_buf_free(&b);
            return NULL;
        }
    return sym_buf_steal(&b);
}

/* Print list as a JSON array (list --json). */
static int print_json(const struct sym_facts *list)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < list->n; i++) {
        cJSON *o = sym_fact_json(&list->items[i], 0, cli_iso_local);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    return cli_json_out(arr);
}

static void print_text(const struct sym_facts *list)
{
    struct tm tm;
    char when[64];
    size_t i;

    for (i = 0; i < list->n; i++) {
        const struct sym_fact *f = &list->items[i];

        cli_iso_local(f->created, when, sizeof when);
        printf("#%lld  %s  ", f->id, when);
        cli_write_text(stdout, f->text, strlen(f->text));
        if (f->event_time && sym_clock_local(f->event_time, NULL, &tm))
            printf(" (on %04d-%02d-%02d)", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        if (f->tags[0]) {
            fputs("  [", stdout);
            cli_write_text(stdout, f->tags, strlen(f->tags));
            putchar(']');
        }
        if (f->pinned)
            fputs("  (pinned)", stdout);
        putchar('\n');
    }
}

static int store_failed(struct sym_store *store)
{
    cli_error_as(CLI_ERR_DATABASE, "%s", sym_store_errmsg(store));
    return CLI_EXIT_FAIL;
}

/* What a change did, as a line of text or with --json as {"id": ID, "status": STATUS}. */
static int print_done(const struct cli *cli, long long id, const char *status)
{
    cJSON *o;

    if (!cli->json) {
        printf("#%lld %s\n", id, status);
        return CLI_EXIT_OK;
    }
    o = cJSON_CreateObject();
    if (o && (!cJSON_AddNumberToObject(o, "id", (double)id) ||
              !cJSON_AddStringToObject(o, "status", status))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return cli_json_out(o);
}

/* ---- subcommands ---- */

static int mem_add(struct cli *cli, struct sym_store *store, char **w, int n)
{
    struct sym_fact_input in = {0};
    enum sym_status rc;
    bool existed = false;
    long long id = 0;
    char *text;

    if (n < 1) {
        cli_usage_error("memory add needs the text of a fact");
        return CLI_EXIT_USAGE;
    }
    if (cli->memory.time && !cli_parse_time(cli->memory.time, &in.now)) {
        cli_usage_error("memory add: --time wants ISO 8601, not '%s'", cli->memory.time);
        return CLI_EXIT_USAGE;
    }
    text = join_words(w, n);
    if (!text) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    in.text = text;
    in.source = cli->memory.source;
    in.tags = cli->memory.tags;
    rc = sym_fact_add(store, &in, &id, &existed);
    free(text);
    if (rc == SYM_ERR_INVALID) {
        cli_error("memory add: the text is empty or too long");
        return CLI_EXIT_FAIL;
    }
    if (rc)
        return store_failed(store);
    return print_done(cli, id, existed ? "already known" : "added");
}

/* A turn in the text list: "turn #ID  TIME  [conversation N, SPEAKER] TEXT". */
static void print_turn(const struct sym_turn_hit *h)
{
    char when[64];

    cli_iso_local(h->time, when, sizeof when);
    printf("turn #%lld  %s  [conversation %lld, ", h->id, when, h->conversation_id);
    cli_write_text(stdout, h->speaker, strlen(h->speaker));
    fputs("] ", stdout);
    cli_write_text(stdout, h->text, strlen(h->text));
    putchar('\n');
}

/* The search's results: facts and turns interleaved by rank (fact 1, turn 1, fact 2 ...), the k
 * first, as text or a JSON array whose items carry their kind. */
static int print_search(const struct cli *cli, const struct sym_facts *facts,
                        const struct sym_turn_hits *turns, size_t k)
{
    size_t i = 0, j = 0, n;
    cJSON *arr;
    char *text;

    if (!cli->json) {
        for (n = 0; n < k && (i < facts->n || j < turns->n); n++) {
            if (sym_search_fact_next(i, facts->n, j, turns->n)) {
                struct sym_facts one = {&facts->items[i++], 1};

                print_text(&one);
            } else {
                print_turn(&turns->items[j++]);
            }
        }
        return CLI_EXIT_OK;
    }
    arr = sym_search_results_json(facts, turns, k, cli_iso_local);
    text = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    if (!text) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    puts(text);
    free(text);
    return CLI_EXIT_OK;
}

static int mem_list(struct cli *cli, struct sym_store *store, char **w, int n)
{
    struct sym_facts list = {0};
    struct sym_turn_hits turns = {0};
    bool search = !strcmp(w[-1], "search");
    bool facts = cli->memory.facts || !cli->memory.turns;
    bool with_turns = cli->memory.turns || !cli->memory.facts;
    size_t k = (size_t)cli->memory.k;
    char *query = NULL;
    int code = CLI_EXIT_OK;

    if (search && n < 1) {
        cli_usage_error("memory search needs a query");
        return CLI_EXIT_USAGE;
    }
    if (!search && n) {
        cli_usage_error("memory list takes no arguments (only --json)");
        return CLI_EXIT_USAGE;
    }
    if (!search && (cli->memory.facts || cli->memory.turns)) {
        fprintf(stderr, "symbiot: --facts and --turns are for memory search\n");
        return CLI_EXIT_USAGE;
    }
    if (search) {
        query = join_words(w, n);
        if (!query) {
            cli_error("out of memory");
            return CLI_EXIT_FAIL;
        }
        if ((facts && sym_fact_search(store, query, k, &list)) ||
            (with_turns && sym_turn_search(store, query, k, NULL, &turns)))
            code = store_failed(store);
        else
            code = print_search(cli, &list, &turns, k);
    } else if (sym_fact_list(store, 0, 0, &list)) {
        code = store_failed(store);
    } else if (cli->json) {
        code = print_json(&list);
    } else {
        print_text(&list);
    }
    free(query);
    sym_facts_free(&list);
    sym_turn_hits_free(&turns);
    return code;
}

static bool parse_id_arg(const char *s, long long *id)
{
    char *end;

    if (*s == '#')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    *id = strtoll(s, &end, 10);
    return !*end && *id > 0;
}

static int mem_forget_edit(const struct cli *cli, struct sym_store *store, char **w, int n)
{
    bool edit = !strcmp(w[-1], "edit"), found = false;
    enum sym_status rc;
    char *text = NULL;
    long long id;

    if (n < 1 || (edit ? n < 2 : n != 1) || !parse_id_arg(w[0], &id)) {
        cli_usage_error("usage: symbiot memory %s", edit ? "edit ID TEXT..." : "rm ID");
        return CLI_EXIT_USAGE;
    }
    if (edit) {
        text = join_words(w + 1, n - 1);
        if (!text) {
            cli_error("out of memory");
            return CLI_EXIT_FAIL;
        }
        rc = sym_fact_edit(store, id, text, 0, &found);
        free(text);
    } else {
        rc = sym_fact_forget(store, id, &found);
    }
    if (rc == SYM_ERR_INVALID) {
        cli_error("memory edit: the text is empty or too long");
        return CLI_EXIT_FAIL;
    }
    if (rc)
        return store_failed(store);
    if (!found) {
        cli_error_as(CLI_ERR_NOT_FOUND, "no memory #%lld", id);
        return CLI_EXIT_FAIL;
    }
    return print_done(cli, id, edit ? "edited" : "forgotten");
}

static int mem_pin(const struct cli *cli, struct sym_store *store, char **w, int n)
{
    bool pin = !strcmp(w[-1], "pin"), found = false;
    long long id;

    if (n != 1 || !parse_id_arg(w[0], &id)) {
        cli_usage_error("usage: symbiot memory %s ID", pin ? "pin" : "unpin");
        return CLI_EXIT_USAGE;
    }
    if (sym_fact_pin(store, id, pin, &found))
        return store_failed(store);
    if (!found) {
        cli_error_as(CLI_ERR_NOT_FOUND, "no memory #%lld", id);
        return CLI_EXIT_FAIL;
    }
    return print_done(cli, id, pin ? "pinned" : "unpinned");
}

static int by_id(const void *a, const void *b)
{
    long long x = ((const struct sym_fact *)a)->id, y = ((const struct sym_fact *)b)->id;

    return x < y ? -1 : x > y;
}

/* Write every fact, oldest first, to path (stdout when NULL). The file is created owner-only:
 * it holds the same private facts as the database. */
static int mem_export(struct sym_store *store, char **w, int n)
{
    struct sym_facts list = {0};
    const char *path = n ? w[0] : NULL;
    int code = CLI_EXIT_FAIL, fd;
    FILE *f = stdout;
    size_t i;

    if (n > 1) {
        cli_usage_error("usage: symbiot memory export [FILE]");
        return CLI_EXIT_USAGE;
    }
    if (sym_fact_list(store, 0, 0, &list))
        return store_failed(store);
    qsort(list.items, list.n, sizeof *list.items, by_id);
    if (path) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        f = fd < 0 ? NULL : fdopen(fd, "w");
        if (!f) {
            cli_error("%s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            goto out;
        }
    }
    for (i = 0; i < list.n; i++) {
        cJSON *o = sym_fact_json(&list.items[i], SYM_FACT_JSON_EXPORT, cli_iso_local);
        char *line = o ? cJSON_PrintUnformatted(o) : NULL;

        cJSON_Delete(o);
        if (!line) {
            cli_error("out of memory");
            goto out;
        }
        fprintf(f, "%s\n", line);
        free(line);
    }
    if (fflush(f) || ferror(f)) {
        cli_error("%s: %s", path ? path : "stdout", strerror(errno));
        goto out;
    }
    code = CLI_EXIT_OK;
out:
    if (f && f != stdout && fclose(f) && code == CLI_EXIT_OK) {
        cli_error("%s: %s", path, strerror(errno));
        code = CLI_EXIT_FAIL;
    }
    sym_facts_free(&list);
    return code;
}

/* The lines of a file as parsed JSON (NULL for a blank line). */
static int mem_import(struct cli *cli, struct sym_store *store, char **w, int n)
{
    struct sym_buf tags = {0};
    struct sym_fact_input in;
    size_t lineno = 0, added = 0, known = 0, bad = 0;
    int code = CLI_EXIT_FAIL;
    struct sym_buf line;
    enum sym_status got;
    const char *why, *path;
    bool in_tx = false;
    FILE *f;

    if (cli->memory.conversations && !n)
        return cli_memory_import_conversations(store, cli->memory.conversations,
                                               cli->memory.extract);
    if (n != 1 || cli->memory.conversations || cli->memory.extract) {
        cli_usage_error("usage: symbiot memory import FILE | --conversations FILE [--extract]");
        return CLI_EXIT_USAGE;
    }
    path = w[0];
    f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        cli_error_as(errno == ENOENT ? CLI_ERR_NOT_FOUND : CLI_ERR_FAILED, "%s: %s", path,
                     strerror(errno));
        return CLI_EXIT_FAIL;
    }
    sym_buf_init(&line, CLI_IMPORT_MAX_LINE);
    if (sym_store_begin(store)) {
        code = store_failed(store);
        goto out;
    }
    in_tx = true;
    /* One pass: each line is checked and, while no line was bad, written; a bad line is reported
     * and the rest only checked. A line is read only up to its limit, so /dev/zero or a huge file
     * without a newline ends the import at once. */
    while (!(got = sym_buf_getline(&line, f))) {
        bool existed = false;
        cJSON *o = NULL;
        long long id;

        lineno++;
        why = NULL;
        if (!cli_import_line(sym_buf_str(&line), line.len, &o, &in, &tags, &why)) {
            cli_printf(stderr, "%s:%zu: %s\n", path, lineno, why ? why : "bad line");
            bad++;
        } else if (o && !bad) {
            if (sym_fact_add(store, &in, &id, &existed)) {
                cli_error("%s:%zu: %s; nothing imported", path, lineno, sym_store_errmsg(store));
                cJSON_Delete(o);
                goto out;
            }
            if (existed)
                known++;
            else
                added++;
        }
        cJSON_Delete(o);
    }
    if (got == SYM_ERR_TOO_LONG) {
        cli_error("%s:%zu: line longer than %d MiB; nothing imported", path, lineno + 1,
                  CLI_IMPORT_MAX_LINE >> 20);
        goto out;
    }
    if (got != SYM_ERR_NOT_FOUND) {
        cli_error("%s: %s", path, got == SYM_ERR_NOMEM ? "out of memory" : strerror(errno));
        goto out;
    }
    if (bad) {
        cli_error("%s: %zu bad line(s); nothing imported", path, bad);
        goto out;
    }
    in_tx = false;
    if (sym_store_commit(store)) {
        code = store_failed(store);
        sym_store_rollback(store);
        goto out;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();

        if (o && (!cJSON_AddNumberToObject(o, "imported", (double)added) ||
                  !cJSON_AddNumberToObject(o, "known", (double)known))) {
            cJSON_Delete(o);
            o = NULL;
        }
        code = cli_json_out(o);
        goto out;
    }
    printf("imported %zu fact(s)", added);
    if (known)
        printf(", %zu already known", known);
    putchar('\n');
    code = CLI_EXIT_OK;
out:
    if (in_tx)
        sym_store_rollback(store);
    if (f != stdin)
        fclose(f);
    sym_buf_free(&line);
    sym_buf_free(&tags);
    return code;
}

static int mem_stats(const struct cli *cli, struct sym_store *store, int n)
{
    const char *path = sym_store_path(store);
    long long count = 0, turns = 0;
    struct stat st;
    bool sized;

    if (n) {
        cli_usage_error("memory stats takes no arguments");
        return CLI_EXIT_USAGE;
    }
    if (sym_fact_count(store, &count) || sym_turn_count(store, &turns))
        return store_failed(store);
    sized = !stat(path, &st);
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();

        if (o && (!cJSON_AddNumberToObject(o, "facts", (double)count) ||
                  !cJSON_AddNumberToObject(o, "turns", (double)turns) ||
                  !cJSON_AddStringToObject(o, "database", path) ||
                  !(sized ? cJSON_AddNumberToObject(o, "size", (double)st.st_size)
                          : cJSON_AddNullToObject(o, "size")))) {
            cJSON_Delete(o);
            o = NULL;
        }
        return cli_json_out(o);
    }
    printf("facts: %lld\nturns: %lld\ndatabase: %s\n", count, turns, path);
    if (sized)
        printf("size: %lld bytes\n", (long long)st.st_size);
    return CLI_EXIT_OK;
}

int cli_memory(struct cli *cli, struct sym_store *store)
{
    const char *sub = cli->memory.pos[0];
    char **w = cli->memory.pos + 1;
    int n = cli->memory.n_pos - 1;

    if (!strcmp(sub, "add"))
        return mem_add(cli, store, w, n);
    if (!strcmp(sub, "list") || !strcmp(sub, "search"))
        return mem_list(cli, store, w, n);
    if (!strcmp(sub, "rm") || !strcmp(sub, "forget") || !strcmp(sub, "edit"))
        return mem_forget_edit(cli, store, w, n);
    if (!strcmp(sub, "pin") || !strcmp(sub, "unpin"))
        return mem_pin(cli, store, w, n);
    if (!strcmp(sub, "export"))
        return mem_export(store, w, n);
    if (!strcmp(sub, "import"))
        return mem_import(cli, store, w, n);
    if (!strcmp(sub, "stats"))
        return mem_stats(cli, store, n);
    cli_usage_error("memory: unknown subcommand '%s' (try `symbiot memory --help`)", sub);
    return CLI_EXIT_USAGE;
}
