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
#include "core/turn_json.h"

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

/* Format into memory and write through the terminal filter; a message that cannot be formatted
 * (out of memory) is written as far as a stack buffer holds it. */
static void write_formatted(FILE *f, const char *fmt, va_list ap)
{
    char small[1024], *text = small;
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small) {
        text = malloc((size_t)n + 1);
        if (text)
            vsnprintf(text, (size_t)n + 1, fmt, copy);
        else
            text = small, n = (int)sizeof small - 1;
    }
    va_end(copy);
    if (n > 0)
        cli_write_text(f, text, (size_t)n);
    if (text != small)
        free(text);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%ssymbiot: error: ", cli_color("\033[31m"));
    va_start(ap, fmt);
    write_formatted(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", cli_color("\033[0m"));
}

void cli_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    write_formatted(f, fmt, ap);
    va_end(ap);
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

/* The thinking of the turn on screen: shown or not, and whether it has begun. */
static bool thinking_show, thinking_open;

void cli_thinking_begin(bool show)
{
    thinking_show = show;
    thinking_open = false;
}

int cli_print_thinking(const char *text, size_t len, void *data)
{
    (void)data;
    if (!thinking_open) {
        thinking_open = true;
        if (!thinking_show && stderr_tty)
            fprintf(stderr, "%s[thinking...]%s\n", cli_color("\033[2m"), cli_color("\033[0m"));
        if (thinking_show)
            fputs(cli_color("\033[2m"), stdout);
    }
    if (thinking_show) {
        cli_write_text(stdout, text, len);
        fflush(stdout);
    }
    return 0;
}

/* The answer begins after the thinking (or the turn ends): end its dim text, leave a blank line. */
void cli_thinking_end(void)
{
    if (!thinking_open)
        return;
    thinking_open = false;
    if (thinking_show)
        printf("%s\n\n", cli_color("\033[0m"));
}

int cli_print_text(const char *text, size_t len, void *data)
{
    (void)data;
    cli_thinking_end();
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

/* The turn's object (core/turn_json.h) on one line; {"error":"out of memory"} when it cannot. */
void cli_print_json(const struct sym_turn *turn, const char *error, const struct sym_assistant *a,
                    const char *const *notices, int n_notices)
{
    cJSON *obj = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *s;
    char *text = NULL;
    int i;

    for (i = 0; arr && i < n_notices; i++) {
        if (!notices[i])
            continue; /* its copy failed: out of memory already */
        s = cJSON_CreateString(notices[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    if (obj && arr && sym_turn_json(obj, turn, a, error, arr, NULL) == SYM_OK)
        text = cJSON_PrintUnformatted(obj);
    else if (!obj)
        cJSON_Delete(arr);
    cJSON_Delete(obj);
    puts(text ? text : "{\"error\":\"out of memory\"}");
    fflush(stdout);
    free(text);
}
