/*
 * models.c: `symbiot pull` and `symbiot models`: getting models and managing the local library.
 *
 * pull turns what the user typed (a catalogue name, hf:OWNER/REPO/FILE.gguf, or an address) into
 * one https address and one file name in the library, says where it downloads from, and lets
 * models/download.c do the transfer, drawing a progress bar when stderr is a terminal. `models`
 * reads each file's GGUF header (llm/gguf_info.h), never the weights, so listing a library of
 * large models is instant. This file, and download.c under it, are the only code that may use
 * the network, and only for `pull`. The first-start help (no model yet) is here too: it names the
 * catalogue's choice for this machine.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/paths.h"
#include "llm/gguf_info.h"
#include "models/catalog.h"
#include "models/download.h"
#include "models/library.h"

#define PATH_LEN SYM_MODELS_PATH_MAX
#define BAR_WIDTH 28

/* What `pull WHAT` fetches. */
struct pull_spec {
    char url[PATH_LEN];
    char file[512];                        /* the file name in the library */
    const struct sym_catalog_entry *entry; /* when WHAT is a catalogue name */
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && !strcasecmp(s + ls - lx, suffix);
}

/* ---- the catalogue, for help texts ---- */

static void print_catalog(FILE *out)
{
    const struct sym_catalog_entry *e = NULL, *rec = sym_catalog_recommend(sym_catalog_ram_bytes());
    char name[64], size[32];
    size_t n, i;

    e = sym_catalog_entries(&n);
    fprintf(out, "%-18s %-6s %-7s %-10s %-20s %s\n", "NAME", "PARAMS", "QUANT", "SIZE", "LICENCE",
            "FILE (Hugging Face)");
    for (i = 0; i < n; i++) {
        sym_human_bytes(e[i].approx_size, size, sizeof size);
        fprintf(out, "%-18s %-6s %-7s ~%-9s %-20s %s/%s%s\n", sym_catalog_name(&e[i], name, 64),
                e[i].params, e[i].quant, size, e[i].license, e[i].repo, e[i].file,
                &e[i] == rec ? "  (recommended here)" : "");
    }
}

static const char pull_usage[] =
    "Usage: symbiot pull NAME | hf:OWNER/REPO/FILE.gguf | https://ADDRESS/FILE.gguf\n"
    "                    [--sha256 HEX] [--allow-http]\n"
    "Downloads a GGUF model into the library ($XDG_DATA_HOME/symbiot/models), with a progress\n"
    "bar on a terminal. An interrupted download is resumed by running the same command again.\n"
    "The file is checked against --sha256 HEX when given, else against the digest Hugging Face\n"
    "sends (X-Linked-Etag). Plain http:// only to this machine (127.0.0.1, ::1, localhost)\n"
    "unless --allow-http. Then: symbiot -m NAME (see `symbiot models`).\n"
    "\n"
    "Catalogue (sizes approximate):\n";

/* ---- pull ---- */

/* Turn WHAT into an address and a file name; -1 with the reason printed (a usage error). */
static int pull_spec(struct cli *cli, const char *what, struct pull_spec *s)
{
    char err[512];

    memset(s, 0, sizeof *s);
    s->entry = sym_catalog_find(what);
    if (s->entry) {
        sym_catalog_url(s->entry, s->url, sizeof s->url);
        snprintf(s->file, sizeof s->file, "%s", s->entry->file);
        return 0;
    }
    if (!strncmp(what, "hf:", 3)) {
        if (!sym_catalog_hf_url(what, s->url, sizeof s->url, s->file, sizeof s->file))
            return 0;
        fprintf(stderr,
                "symbiot: pull: write a Hugging Face file as hf:OWNER/REPO/FILE.gguf, not "
                "%s\n",
                what);
        return -1;
    }
    if (!strstr(what, "://")) {
        fprintf(stderr,
                "symbiot: pull: '%s' is not in the catalogue (see `symbiot pull --help`); give "
                "hf:OWNER/REPO/FILE.gguf or an https:// address for other models\n",
                what);
        return -1;
    }
    if (sym_download_check_url(what, cli->allow_http, err, sizeof err)) {
        fprintf(stderr, "symbiot: pull: %s\n", err);
        return -1;
    }
    if (sym_download_file_name(what, s->file, sizeof s->file) || !has_suffix(s->file, ".gguf")) {
        fprintf(stderr, "symbiot: pull: the address must end in a file name ending in .gguf: %s\n",
                what);
        return -1;
    }
    snprintf(s->url, sizeof s->url, "%s", what);
    return 0;
}

/* The progress bar on stderr: "  42% [=====>    ] 512.0 MB / 1.21 GB  34.2 MB/s  ETA 0:21". */
static void on_progress(const struct sym_download_progress *p, void *data)
{
    char done[32], total[32], rate[32], eta[32] = "";
    int *bar_shown = data, filled, i;

    sym_human_bytes(p->done, done, sizeof done);
    sym_human_bytes((uint64_t)p->rate, rate, sizeof rate);
    fputs("\r\033[K", stderr);
    if (p->total) {
        double f = (double)p->done / (double)p->total;
        double left = p->rate > 0 ? (double)(p->total - p->done) / p->rate : -1;

        sym_human_bytes(p->total, total, sizeof total);
        filled = (int)(f * BAR_WIDTH);
        if (!p->final && left >= 0)
            snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
        fprintf(stderr, "%4.0f%% [", f * 100);
        for (i = 0; i < BAR_WIDTH; i++)
            fputc(i < filled ? '=' : i == filled ? '>' : ' ', stderr);
        fprintf(stderr, "] %s / %s  %s/s%s", done, total, rate, eta);
    } else {
        fprintf(stderr, "%s  %s/s", done, rate);
    }
    if (p->final)
        fputc('\n', stderr);
    *bar_shown = !p->final;
    fflush(stderr);
}

static void on_notice(const char *message, void *data)
{
    int *bar_shown = data;

    if (*bar_shown)
        fputc('\n', stderr);
    *bar_shown = 0;
    fprintf(stderr, "symbiot: %s\n", message);
}

/* The lines after a successful pull: what was saved, how it was checked, how to use it. */
static void pull_report(struct cli *cli, const struct pull_spec *s, const char *dest,
                        const struct sym_download_result *r)
{
    char size[32], got[32], rate[32], name[512];
    struct sym_model_file *list;
    size_t n = 0;

    sym_human_bytes(r->size, size, sizeof size);
    sym_human_bytes(r->received, got, sizeof got);
    sym_human_bytes(r->seconds > 0 ? (uint64_t)((double)r->received / r->seconds) : 0, rate,
                    sizeof rate);
    snprintf(name, sizeof name, "%.*s", (int)(strlen(s->file) - 5), s->file);
    printf("saved %s (%s) to %s\n", name, size, dest);
    fprintf(stderr, "received %s in %.1f s (%s/s)", got, r->seconds, rate);
    if (r->resumed_from) {
        sym_human_bytes(r->resumed_from, got, sizeof got);
        fprintf(stderr, ", resumed after the %s already there", got);
    }
    fputc('\n', stderr);
    if (r->checked == SYM_SHA_NONE)
        fprintf(stderr,
                "sha256 %s: NOT verified, no digest is known for this file (pass --sha256 HEX to "
                "check it)\n",
                r->sha256);
    else
        fprintf(stderr, "sha256 %s verified (%s)\n", r->sha256,
                r->checked == SYM_SHA_HEADER ? "against the X-Linked-Etag header the server sent"
                : cli->sha256                ? "against --sha256"
                                             : "against the digest pinned in the catalogue");
    if (!sym_models_list(&list, &n) && n == 1)
        fprintf(stderr,
                "it is the only model in the library, so it is the default: run `symbiot`\n");
    else
        fprintf(stderr, "use it with: symbiot -m %s (or `symbiot models default %s`)\n",
                s->entry ? cli->operands[0] : name, s->entry ? cli->operands[0] : name);
    sym_models_list_free(list, n);
}

int cli_pull(struct cli *cli)
{
    struct sym_download_params p = sym_download_default_params();
    struct sym_download_result r;
    char dir[PATH_LEN], dest[PATH_LEN + 512], err[1024];
    struct pull_spec s;
    enum sym_status rc;
    int bar_shown = 0;

    if (cli->n_operands != 1) {
        fputs(pull_usage, cli->n_operands ? stderr : stdout);
        print_catalog(cli->n_operands ? stderr : stdout);
        return cli->n_operands ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (pull_spec(cli, cli->operands[0], &s))
        return CLI_EXIT_USAGE;
    if (sym_models_dir(dir, sizeof dir)) {
        cli_error("no place for the model library: set XDG_DATA_HOME or HOME");
        return CLI_EXIT_FAIL;
    }
    snprintf(dest, sizeof dest, "%s/%s", dir, s.file);
    if (access(dest, F_OK) == 0) {
        printf("%s is already in the library: %s\n", s.file, dest);
        return CLI_EXIT_OK;
    }
    if (sym_path_make_parent(dest)) {
        cli_error("cannot create %s", dir);
        return CLI_EXIT_FAIL;
    }
    fprintf(stderr, "pulling %s\n  from %s\n", s.file, s.url);
    p.url = s.url;
    p.dest = dest;
    p.sha256 = cli->sha256 ? cli->sha256 : s.entry ? s.entry->sha256 : NULL;
    p.allow_http = cli->allow_http;
    p.on_progress = isatty(STDERR_FILENO) ? on_progress : NULL;
    p.on_notice = on_notice;
    p.data = &bar_shown;
    p.interrupt = &cli_interrupted;
    rc = sym_download(&p, &r, err, sizeof err);
    if (bar_shown)
        fputc('\n', stderr);
    if (rc) {
        cli_error("pull: %s", err);
        return rc == SYM_ERR_INTERRUPTED ? CLI_EXIT_INTERRUPTED : CLI_EXIT_FAIL;
    }
    pull_report(cli, &s, dest, &r);
    return CLI_EXIT_OK;
}

/* ---- models ---- */

static const char models_usage[] =
    "Usage: symbiot models [--json]        the models in the library\n"
    "       symbiot models info NAME [--json]\n"
    "       symbiot models rm NAME         delete a model (or its partial download)\n"
    "       symbiot models default [NAME]  show or set the model used when none is configured\n"
    "       symbiot models catalog         the models `symbiot pull NAME` knows\n";

/* The default model's library name ("" when there is none), for marking it. */
static void default_name(char *out, size_t size)
{
    char path[PATH_LEN], err[512];

    out[0] = '\0';
    if (!sym_models_default(path, sizeof path, err, sizeof err))
        sym_models_name_of(path, out, size);
}

static cJSON *info_json(const char *name, const char *path, const struct sym_gguf_info *in,
                        const char *error, bool is_default)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "path", path);
    if (error) {
        cJSON_AddStringToObject(o, "error", error);
    } else {
        cJSON_AddStringToObject(o, "architecture", in->arch);
        cJSON_AddStringToObject(o, "model_name", in->name);
        cJSON_AddNumberToObject(o, "parameters", (double)in->n_params);
        cJSON_AddStringToObject(o, "quantization", in->quant);
        cJSON_AddNumberToObject(o, "size", (double)in->file_size);
        cJSON_AddNumberToObject(o, "context_length", in->ctx_len);
        cJSON_AddBoolToObject(o, "chat_template", in->has_template);
    }
    cJSON_AddBoolToObject(o, "default", is_default);
    return o;
}

static void print_json(cJSON *j)
{
    char *text = cJSON_PrintUnformatted(j);

    if (text)
        puts(text);
    free(text);
    cJSON_Delete(j);
}

static void print_empty_library(void)
{
    const struct sym_catalog_entry *e = sym_catalog_recommend(sym_catalog_ram_bytes());
    char dir[PATH_LEN] = "", name[64];

    sym_models_dir(dir, sizeof dir);
    printf("No models in %s yet.\n", dir);
    printf("Get one with:  symbiot pull %s   (see `symbiot models catalog`)\n",
           sym_catalog_name(e, name, sizeof name));
}

static int models_list(struct cli *cli)
{
    struct sym_model_file *list;
    struct sym_gguf_info in;
    char def[256], err[512], params[32], size[32], ctx[16];
    cJSON *arr = NULL;
    size_t n, i;

    if (sym_models_list(&list, &n)) {
        cli_error("cannot read the model library");
        return CLI_EXIT_FAIL;
    }
    default_name(def, sizeof def);
    if (cli->json)
        arr = cJSON_CreateArray();
    else if (!n)
        print_empty_library();
    else
        cli_printf(stdout, "  %-36s %-8s %-7s %-8s %-9s %-8s %s\n", "NAME", "ARCH", "PARAMS",
                   "QUANT", "SIZE", "CONTEXT", "TEMPLATE");
    for (i = 0; i < n; i++) {
        int bad = sym_gguf_read_info(list[i].path, &in, err, sizeof err) != SYM_OK;
        bool is_def = !strcmp(def, list[i].name);

        if (arr) {
            cJSON_AddItemToArray(
                arr, info_json(list[i].name, list[i].path, &in, bad ? err : NULL, is_def));
            continue;
        }
        sym_human_bytes(list[i].size, size, sizeof size);
        if (bad) {
            cli_printf(stdout, "%c %-36s (unreadable: %s)\n", is_def ? '*' : ' ', list[i].name,
                       err);
            continue;
        }
        snprintf(ctx, sizeof ctx, "%u", in.ctx_len);
        cli_printf(stdout, "%c %-36s %-8s %-7s %-8s %-9s %-8s %s\n", is_def ? '*' : ' ',
                   list[i].name, in.arch, sym_gguf_params_str(in.n_params, params, sizeof params),
                   in.quant, size, in.ctx_len ? ctx : "?", in.has_template ? "yes" : "no");
    }
    if (arr)
        print_json(arr);
    else if (n && def[0])
        cli_printf(stdout, "* the default model\n");
    sym_models_list_free(list, n);
    return CLI_EXIT_OK;
}

static int models_info(struct cli *cli, const char *what)
{
    char path[PATH_LEN], name[256], def[256], err[1024], params[32], size[32];
    const struct sym_catalog_entry *e;
    struct sym_gguf_info in;
    const char *base;

    if (sym_models_resolve(what, path, sizeof path, err, sizeof err)) {
        cli_error("%s", err);
        return CLI_EXIT_FAIL;
    }
    if (sym_gguf_read_info(path, &in, err, sizeof err)) {
        cli_error("%s", err);
        return CLI_EXIT_FAIL;
    }
    base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - (has_suffix(base, ".gguf") ? 5 : 0)),
             base);
    default_name(def, sizeof def);
    if (cli->json) {
        print_json(info_json(name, path, &in, NULL,
                             sym_models_name_of(path, err, sizeof err) && !strcmp(err, def)));
        return CLI_EXIT_OK;
    }
    sym_human_bytes(in.file_size, size, sizeof size);
    cli_printf(stdout, "name:            %s\n", name);
    cli_printf(stdout, "path:            %s\n", path);
    if (in.name[0])
        cli_printf(stdout, "model name:      %s\n", in.name);
    cli_printf(stdout, "architecture:    %s\n", in.arch);
    cli_printf(stdout, "parameters:      %s (%llu)\n",
               sym_gguf_params_str(in.n_params, params, sizeof params),
               (unsigned long long)in.n_params);
    cli_printf(stdout, "quantisation:    %s\n", in.quant);
    cli_printf(stdout, "file size:       %s (%llu bytes)\n", size,
               (unsigned long long)in.file_size);
    if (in.ctx_len)
        cli_printf(stdout, "context length:  %u tokens (training)\n", in.ctx_len);
    else
        cli_printf(stdout, "context length:  not given\n");
    cli_printf(stdout, "chat template:   %s\n",
               in.has_template ? "yes" : "no (the plain fallback is used)");
    cli_printf(stdout, "tensors:         %llu\n", (unsigned long long)in.n_tensors);
    e = sym_catalog_find(base);
    if (e)
        cli_printf(stdout, "catalogue:       %s (%s)\n", sym_catalog_name(e, err, sizeof err),
                   e->repo);
    cli_printf(stdout, "default:         %s\n", def[0] && !strcmp(def, name) ? "yes" : "no");
    return CLI_EXIT_OK;
}

/* `models rm NAME`: the model, or else a partial download of it. */
static int models_rm(const char *what)
{
    char removed[PATH_LEN], err[1024], dir[PATH_LEN], part[PATH_LEN + 600];
    const struct sym_catalog_entry *e = sym_catalog_find(what);

    if (!sym_models_remove(what, removed, sizeof removed, err, sizeof err)) {
        printf("removed %s\n", removed);
        return CLI_EXIT_OK;
    }
    if (!strchr(what, '/') && !sym_models_dir(dir, sizeof dir)) {
        snprintf(part, sizeof part, "%s/%s%s.part", dir, e ? e->file : what,
                 e || has_suffix(what, ".gguf") ? "" : ".gguf");
        if (!unlink(part)) {
            printf("removed the partial download %s\n", part);
            return CLI_EXIT_OK;
        }
    }
    cli_error("%s", err);
    return CLI_EXIT_FAIL;
}

static int models_default(struct cli *cli, const char *what)
{
    char name[256], path[PATH_LEN], err[1024];

    if (!what) {
        if (sym_models_default(path, sizeof path, err, sizeof err)) {
            printf("none: %s\n", err);
            return CLI_EXIT_OK;
        }
        sym_models_default_name(name, sizeof name);
        printf("%s%s\n", path, name[0] ? "" : " (the only model in the library)");
        return CLI_EXIT_OK;
    }
    if (sym_models_set_default(what, err, sizeof err)) {
        cli_error("%s", err);
        return CLI_EXIT_FAIL;
    }
    sym_models_default_name(name, sizeof name);
    printf("the default model is now %s\n", name);
    if (cli->cfg.model)
        fprintf(stderr, "note: a configured model (-m, SYMBIOT_MODEL or `model =` in the config) "
                        "still comes first\n");
    return CLI_EXIT_OK;
}

int cli_models(struct cli *cli)
{
    const char *sub = cli->n_operands ? cli->operands[0] : NULL;
    int want = -1; /* operands the subcommand takes after its name */

    if (!sub)
        return models_list(cli);
    if (!strcmp(sub, "info") || !strcmp(sub, "rm"))
        want = 1;
    else if (!strcmp(sub, "default"))
        want = cli->n_operands > 1 ? 1 : 0;
    else if (!strcmp(sub, "catalog") || !strcmp(sub, "list"))
        want = 0;
    if (want < 0 || cli->n_operands != want + 1) {
        fputs(models_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(sub, "info"))
        return models_info(cli, cli->operands[1]);
    if (!strcmp(sub, "rm"))
        return models_rm(cli->operands[1]);
    if (!strcmp(sub, "default"))
        return models_default(cli, want ? cli->operands[1] : NULL);
    if (!strcmp(sub, "list"))
        return models_list(cli);
    print_catalog(stdout);
    return CLI_EXIT_OK;
}

int cli_resolve_model(struct cli *cli)
{
    char path[PATH_LEN], err[1024];

    if (cli->cfg.model) {
        if (sym_models_resolve(cli->cfg.model, path, sizeof path, err, sizeof err)) {
            cli_error("%s", err);
            return CLI_EXIT_FAIL;
        }
    } else {
        enum sym_status rc = sym_models_default(path, sizeof path, err, sizeof err);

        if (rc == SYM_ERR_INVALID)
            cli_error("%s", err);
        if (rc)
            return CLI_EXIT_OK; /* no model: the session explains how to get one */
    }
    if (sym_config_set(&cli->cfg, "model", path, err, sizeof err)) {
        cli_error("%s", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

void cli_models_help(const char *command, FILE *out)
{
    if (!strcmp(command, "pull")) {
        fputs(pull_usage, out);
        print_catalog(out);
    } else {
        fputs(models_usage, out);
    }
}

const char *cli_no_model_help(void)
{
    static char text[1024];
    const struct sym_catalog_entry *e;
    uint64_t ram;
    char name[64], ram_s[64] = "";

    if (text[0])
        return text;
    ram = sym_catalog_ram_bytes();
    e = sym_catalog_recommend(ram);
    if (ram)
        snprintf(ram_s, sizeof ram_s, " (%.0f GB of memory)", (double)(ram >> 20) / 1024);
    snprintf(text, sizeof text,
             "No model is configured, so I can only run commands (/help).\n"
             "To chat, download the model that suits this computer%s:\n"
             "  symbiot pull %s      (%s, %s, about %.1f GB)\n"
             "and run `symbiot` again; `symbiot pull --help` lists the others. Or use a GGUF\n"
             "file you have:\n"
             "  run   symbiot -m /path/to/model.gguf\n"
             "  or    export SYMBIOT_MODEL=/path/to/model.gguf\n"
             "  or    put  model = /path/to/model.gguf  in ~/.config/symbiot/config",
             ram_s, sym_catalog_name(e, name, sizeof name), e->repo, e->quant,
             (double)e->approx_size / 1e9);
    return text;
}

const char *cli_turn_error(const struct sym_assistant *a, enum sym_status rc,
                           const struct sym_turn *turn)
{
    if (rc == SYM_ERR_MODEL && turn->kind == SYM_TURN_CHAT && !sym_assistant_llm(a))
        return cli_no_model_help();
    return sym_assistant_errmsg(a);
}
