/*
 * render.c: how the CLI shows things: streamed answers, notices, errors, progress, JSON.
 *
 * Colours only when the stream is a terminal and NO_COLOR is unset (https://no-color.org).
 * Answers go to stdout; everything about the answer (notices, progress, errors) goes to stderr,
 * so `symbiot ask ... > file` captures the answer alone. Untrusted text (answers, notices that
 * quote facts, facts listed) reaches a terminal without its control characters: an escape
 * sequence from a model or an imported fact could otherwise rewrite the screen or the clipboard.
 *
 * While a turn waits for its first token (the prompt evaluated, a remote endpoint thinking), a
 * spinner with the seconds so far turns on stderr, drawn by a thread of its own and only when
 * stderr is a terminal and --json and -v are off. It shows after SPIN_DELAY_MS (commands answer
 * sooner and never see it) and is wiped before anything else is written: the first piece of the
 * answer, a notice, an error, or the end of the turn.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "core/turn_json.h"

#define SPIN_DELAY_MS 250 /* before the spinner shows */
#define SPIN_STEP_MS 100  /* between its frames */

static bool use_color;
static bool stderr_tty, stdout_tty;
static bool json_mode;         /* --json: errors go to stdout as JSON objects too */
static bool json_error_shown;  /* an error object (or a turn with an error) is on stdout */
static bool json_each_error;   /* piped chat: one object per failed line, not one per run */
static bool json_result_shown; /* a JSON result is on stdout */
static char first_error[1024]; /* the first error, for an object printed later (cli_json_exit) */
static const char *first_type;

/* The spinner: its thread, and stop, which the thread waits on between frames. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool running, stop, enabled;
} spin = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false, false};

/* now + ms on CLOCK_REALTIME (what pthread_cond_timedwait counts in). */
static struct timespec after_ms(long ms)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void *spin_main(void *arg)
{
    static const char *const frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    struct timespec until = after_ms(SPIN_DELAY_MS), t0;
    bool drawn = false;
    unsigned i = 0;

    (void)arg;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_mutex_lock(&spin.mu);
    while (!spin.stop) {
        struct timespec now;

        if (pthread_cond_timedwait(&spin.cv, &spin.mu, &until) == 0 || spin.stop)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        fprintf(stderr, "\r\033[2K%s %.1fs", frames[i++ % 10],
                (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
        fflush(stderr);
        drawn = true;
        until = after_ms(SPIN_STEP_MS);
    }
    if (drawn) {
        fputs("\r\033[2K", stderr);
        fflush(stderr);
    }
    pthread_mutex_unlock(&spin.mu);
    return NULL;
}

void cli_spinner_start(void)
{
    sigset_t all, old;

    if (!spin.enabled || spin.running)
        return;
    spin.stop = false;
    /* The thread blocks every signal (it inherits the mask): SIGINT and SIGALRM must reach the
     * main thread, whose reads they interrupt. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    spin.running = !pthread_create(&spin.thread, NULL, spin_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void cli_spinner_stop(void)
{
    if (!spin.running)
        return;
    pthread_mutex_lock(&spin.mu);
    spin.stop = true;
    pthread_cond_signal(&spin.cv);
    pthread_mutex_unlock(&spin.mu);
    pthread_join(spin.thread, NULL); /* the line is wiped when this returns */
    spin.running = false;
}

void cli_render_init(struct cli *cli)
{
    const char *no_color = getenv("NO_COLOR");

    stderr_tty = isatty(STDERR_FILENO);
    stdout_tty = isatty(STDOUT_FILENO);
    use_color = isatty(STDOUT_FILENO) && stderr_tty && !(no_color && no_color[0]);
    cli->color = use_color;
    json_mode = cli->json;
    json_each_error = cli->command == CLI_CHAT || (cli->command == CLI_RUN && !cli->ask_text);
    spin.enabled = stderr_tty && !cli->json && !cli->verbose; /* -v: llama.cpp's log is there */
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

/* {"error":{"message":MESSAGE,"type":TYPE}} on one line of stdout. */
static cJSON *error_object(const char *type, const char *message);

static void json_error_out(const char *type, const char *message)
{
    cJSON *o = cJSON_CreateObject(), *e = error_object(type, message);
    char *text = NULL;

    if (o && e && cJSON_AddItemToObject(o, "error", e))
        text = cJSON_PrintUnformatted(o);
    else
        cJSON_Delete(e);
    puts(text ? text : "{\"error\":{\"message\":\"out of memory\",\"type\":\"error\"}}");
    fflush(stdout);
    free(text);
    cJSON_Delete(o);
    json_error_shown = true;
}

/* Format the message, keep the first one, and show it as JSON when --json is known to be on. */
static void report(const char *type, bool usage, const char *fmt, va_list ap)
{
    char message[sizeof first_error];

    cli_spinner_stop();
    vsnprintf(message, sizeof message, fmt, ap);
    /* The message may quote a model's name, a path or a database value: through the filter. */
    if (usage) {
        fputs("symbiot: ", stderr);
        cli_write_text(stderr, message, strlen(message));
        fputs("\n", stderr);
    } else {
        fprintf(stderr, "%ssymbiot: error: ", cli_color("\033[31m"));
        cli_write_text(stderr, message, strlen(message));
        fprintf(stderr, "%s\n", cli_color("\033[0m"));
    }
    if (!first_type) {
        snprintf(first_error, sizeof first_error, "%s", message);
        first_type = type;
    }
    if (json_mode && (json_each_error || !json_error_shown))
        json_error_out(type, message);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(CLI_ERR_FAILED, false, fmt, ap);
    va_end(ap);
}

void cli_error_as(const char *type, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(type, false, fmt, ap);
    va_end(ap);
}

void cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(CLI_ERR_USAGE, true, fmt, ap);
    va_end(ap);
}

void cli_json_exit(int code)
{
    if (!code || json_error_shown || (json_result_shown && code == CLI_EXIT_INTERRUPTED))
        return;
    if (first_type) {
        json_error_out(first_type, first_error);
        return;
    }
    if (code == CLI_EXIT_INTERRUPTED)
        json_error_out(CLI_ERR_INTERRUPTED, "interrupted");
    else
        json_error_out(code == CLI_EXIT_USAGE ? CLI_ERR_USAGE : CLI_ERR_FAILED,
                       "the command failed (see stderr)");
}

int cli_json_out(cJSON *j)
{
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;

    cJSON_Delete(j);
    if (!text) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    puts(text);
    fflush(stdout);
    free(text);
    json_result_shown = true;
    return CLI_EXIT_OK;
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
    cli_spinner_stop();
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
    cli_spinner_stop();
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
    cli_spinner_stop();
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

/* {"message": MESSAGE, "type": TYPE}, or NULL when out of memory. */
static cJSON *error_object(const char *type, const char *message)
{
    cJSON *e = cJSON_CreateObject();

    if (e && (!cJSON_AddStringToObject(e, "message", message) ||
              !cJSON_AddStringToObject(e, "type", type))) {
        cJSON_Delete(e);
        e = NULL;
    }
    return e;
}

/* The turn's object (core/turn_json.h) on one line; a failed turn's "error" is the same object
 * as a failed command's, {"message", "type"}. */
void cli_print_json(const struct sym_turn *turn, const char *error, const char *error_type,
                    const struct sym_assistant *a, const char *const *notices, int n_notices)
{
    cJSON *obj = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *s, *e;
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
    /* sym_turn_json writes "error" as a string: the placeholder is replaced by the object. */
    if (obj && arr && sym_turn_json(obj, turn, a, error, arr, NULL) == SYM_OK) {
        e = error ? error_object(error_type ? error_type : CLI_ERR_FAILED, error) : NULL;
        if (!error || (e && cJSON_ReplaceItemInObjectCaseSensitive(obj, "error", e)))
            text = cJSON_PrintUnformatted(obj);
        else
            cJSON_Delete(e);
    } else if (!obj) {
        cJSON_Delete(arr);
    }
    cJSON_Delete(obj);
    puts(text ? text : "{\"error\":{\"message\":\"out of memory\",\"type\":\"error\"}}");
    fflush(stdout);
    free(text);
    json_result_shown = true;
    if (error || !text)
        json_error_shown = true;
}

/* ---- tool calls in a chat turn ---- */

/* The columns a tool line may take: the terminal's width, else 200. */
static size_t tool_line_width(void)
{
    struct winsize ws;

    if (stderr_tty && !ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
        return ws.ws_col;
    return 200;
}

/* Append text to line on one line: control characters (newlines too) become spaces, runs of
 * them one space. Stops at max characters (UTF-8 sequences count as one); true when cut. */
static bool put_flat(struct sym_buf *line, const char *text, size_t *cols, size_t max)
{
    const unsigned char *p = (const unsigned char *)text;
    bool space = false;

    for (; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            space = true;
            continue;
        }
        if (space && line->len && line->data[line->len - 1] != ' ') {
            if (*cols >= max)
                return true;
            sym_buf_puts(line, " ");
            (*cols)++;
        }
        space = false;
        if ((*p & 0xC0) != 0x80) {
            if (*cols >= max)
                return true;
            (*cols)++;
        }
        sym_buf_append(line, (const char *)p, 1);
    }
    return false;
}

void cli_print_tool(const struct sym_tool_call_record *rec, void *data)
{
    struct sym_buf line = {0};
    size_t cols = 4, max = tool_line_width() - 1;
    bool cut;

    (void)data;
    if (!rec->result)
        return; /* told once it is over: the line has its result */
    cli_spinner_stop();
    sym_buf_puts(&line, "  \xe2\x9a\x99 "); /* "  ⚙ " */
    cut = put_flat(&line, rec->name, &cols, max) || put_flat(&line, " ", &cols, max) ||
          put_flat(&line, rec->arguments, &cols, max) ||
          put_flat(&line, " \xe2\x86\x92 ", &cols, max) || /* " → " */
          put_flat(&line, rec->result, &cols, max);
    if (cut) {
        /* Back to a character boundary with room for the ellipsis. */
        while (line.len && ((unsigned char)line.data[line.len - 1] & 0xC0) == 0x80)
            line.len--;
        if (line.len)
            line.len--;
        line.data[line.len] = '\0';
        sym_buf_puts(&line, "\xe2\x80\xa6"); /* "…" */
    }
    fputs(cli_color("\033[2m"), stderr);
    if (line.data)
        cli_write_text(stderr, line.data, line.len);
    fprintf(stderr, "%s\n", cli_color("\033[0m"));
    fflush(stderr);
    sym_buf_free(&line);
}

int cli_confirm_tool(const char *name, const char *args, void *data)
{
    char answer[64];

    (void)data;
    cli_spinner_stop();
    if (!isatty(STDIN_FILENO) || !stderr_tty) {
        fprintf(stderr,
                "[the model wants to run %s, which may remove something: refused, there is no "
                "terminal to ask on (allow it with `tools-allow = %s` in the config)]\n",
                name, name);
        return 0;
    }
    fprintf(stderr, "%sThe model wants to run %s ", cli_color("\033[33m"), name);
    cli_write_text(stderr, args, strlen(args));
    fprintf(stderr, ". It may remove something. Allow? [y/N]%s ", cli_color("\033[0m"));
    fflush(stderr);
    if (!fgets(answer, sizeof answer, stdin)) {
        clearerr(stdin); /* Ctrl-C or Ctrl-D: no; the session goes on */
        fputc('\n', stderr);
        return 0;
    }
    return answer[0] == 'y' || answer[0] == 'Y';
}
