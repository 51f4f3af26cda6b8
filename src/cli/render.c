/*
 * render.c: how the CLI shows things: streamed answers, notices, errors, progress, JSON.
 *
 * Colours only when the stream is a terminal and NO_COLOR is unset (https://no-color.org).
 * Answers go to stdout; everything about the answer (notices, progress, errors) goes to stderr,
 * so `symbiot ask ... > file` captures the answer alone. Untrusted text (answers, notices that
 * quote facts, facts listed) reaches a terminal without its control characters: an escape
 * sequence from a model or an imported fact could otherwise rewrite the screen or the clipboard.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/utf8.h"

static bool use_color;
static bool stderr_tty, stdout_tty;

void cli_render_init(struct cli *cli)
{
    const char *no_color = getenv("NO_COLOR");

    stderr_tty = isatty(STDERR_FILENO);
    stdout_tty = isatty(STDOUT_FILENO);
    use_color = isatty(STDOUT_FILENO) && stderr_tty && !(no_color && no_color[0]);
    cli->color = use_color;
}

const char *cli_color(const char *code)
{
    return use_color ? code : "";
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%ssymbiot: error: ", cli_color("\033[31m"));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", cli_color("\033[0m"));
}

void cli_write_text(FILE *f, const char *text, size_t len)
{
    struct sym_buf safe = {0};

    if (!(f == stdout ? stdout_tty : f == stderr ? stderr_tty : isatty(fileno(f)))) {
        fwrite(text, 1, len, f);
        return;
    }
    if (sym_utf8_terminal_safe(text, len, &safe) == SYM_OK)
        fwrite(safe.data ? safe.data : "", 1, safe.len, f);
    sym_buf_free(&safe);
}

void cli_notice(const char *message, void *data)
{
    (void)data;
    fprintf(stderr, "%s[", cli_color("\033[33m"));
    cli_write_text(stderr, message, strlen(message));
    fprintf(stderr, "]%s\n", cli_color("\033[0m"));
}

int cli_print_text(const char *text, size_t len, void *data)
{
    (void)data;
    cli_write_text(stdout, text, len);
    fflush(stdout);
    return 0;
}

void cli_progress(float fraction, void *data)
{
    static int last = -1;
    int pct = (int)(fraction * 100.0f);

    (void)data;
    if (!stderr_tty || pct == last)
        return;
    last = pct;
    fprintf(stderr, "\rloading model %3d%%", pct);
    if (pct >= 100) {
        fputs("\r                  \r", stderr);
        last = -1;
    }
    fflush(stderr);
}

void cli_print_backend(const struct sym_assistant *a, const struct sym_turn *turn)
{
    const struct sym_backend *remote = sym_assistant_remote(a);
    const struct sym_llm *llm = sym_assistant_llm(a);
    char msg[600];

    if (!remote || !turn->backend)
        return;
    if (!strcmp(turn->backend, "remote"))
        snprintf(msg, sizeof msg, "answered by remote: %s", sym_backend_describe(remote));
    else
        snprintf(msg, sizeof msg, "answered locally: %s", llm ? sym_llm_describe(llm) : "");
    cli_notice(msg, NULL);
}

static const char *stop_name(enum sym_stop_reason stop)
{
    switch (stop) {
    case SYM_STOP_EOG:
        return "end";
    case SYM_STOP_LIMIT:
        return "max_tokens";
    case SYM_STOP_STRING:
        return "stop_string";
    case SYM_STOP_CONTEXT:
        return "context_full";
    case SYM_STOP_INTERRUPT:
        return "interrupted";
    case SYM_STOP_CALLER:
        return "caller";
    }
    return "unknown";
}

static double per_second(int n, double ms)
{
    return ms > 0 && n > 0 ? n * 1000.0 / ms : 0;
}

static void add_stats(cJSON *obj, const struct sym_turn *turn, const struct sym_llm *llm)
{
    const struct sym_gen_stats *s = &turn->stats;
    cJSON *tokens = cJSON_AddObjectToObject(obj, "tokens");
    cJSON *timings = cJSON_AddObjectToObject(obj, "timings");
    cJSON *recalled;
    int i;

    cJSON_AddNumberToObject(tokens, "prompt", s->n_prompt);
    cJSON_AddNumberToObject(tokens, "evaluated", s->n_evaluated);
    cJSON_AddNumberToObject(tokens, "cached", s->n_prompt - s->n_evaluated);
    cJSON_AddNumberToObject(tokens, "generated", s->n_generated);
    cJSON_AddNumberToObject(timings, "ttft_ms", s->ttft_ms);
    cJSON_AddNumberToObject(timings, "prompt_ms", s->prompt_ms);
    cJSON_AddNumberToObject(timings, "prompt_tps", per_second(s->n_evaluated, s->prompt_ms));
    cJSON_AddNumberToObject(timings, "gen_ms", s->gen_ms);
    cJSON_AddNumberToObject(timings, "gen_tps", per_second(s->n_generated - 1, s->gen_ms));
    cJSON_AddStringToObject(obj, "stop", stop_name(s->stop));
    if (llm) {
        cJSON *ctx = cJSON_AddObjectToObject(obj, "context");

        cJSON_AddNumberToObject(ctx, "used", sym_llm_n_cached(llm));
        cJSON_AddNumberToObject(ctx, "size", sym_llm_n_ctx(llm));
    }
    cJSON_AddNumberToObject(obj, "dropped_turns", turn->n_dropped);
    recalled = cJSON_AddArrayToObject(obj, "recalled");
    for (i = 0; recalled && i < turn->n_recalled; i++)
        cJSON_AddItemToArray(recalled, cJSON_CreateNumber((double)turn->recalled[i]));
    if (turn->learn_ms > 0) {
        cJSON *learn = cJSON_AddObjectToObject(obj, "llm_extract");

        cJSON_AddNumberToObject(learn, "ms", turn->learn_ms);
        cJSON_AddNumberToObject(learn, "added", turn->n_learned);
    }
}

void cli_print_json(const struct sym_turn *turn, const char *error, const struct sym_llm *llm,
                    const char *const *notices, int n_notices)
{
    cJSON *obj = cJSON_CreateObject(), *arr;
    char *text;
    int i;

    if (!obj)
        goto oom;
    cJSON_AddStringToObject(obj, "kind", turn->kind == SYM_TURN_COMMAND ? "command" : "chat");
    if (turn->backend)
        cJSON_AddStringToObject(obj, "backend", turn->backend);
    if (error)
        cJSON_AddStringToObject(obj, "error", error);
    else
        cJSON_AddStringToObject(obj, "answer", turn->answer ? turn->answer : "");
    if (!error && turn->kind == SYM_TURN_CHAT)
        add_stats(obj, turn, llm);
    arr = cJSON_AddArrayToObject(obj, "notices");
    for (i = 0; arr && i < n_notices; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(notices[i]));
    text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!text)
        goto oom;
    puts(text);
    fflush(stdout);
    free(text);
    return;
oom:
    puts("{\"error\":\"out of memory\"}");
}
