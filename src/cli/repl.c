/*
 * repl.c: the interactive session: line editing and persistent history (libedit), multi-line
 * messages, a prompt, streamed answers, Ctrl-C handling.
 *
 * Ctrl-C while an answer streams raises cli_interrupted; the model stops at the next token and
 * the prompt comes back. Ctrl-C at the prompt discards the line and says how to leave; a second
 * one in a row leaves. The history file ($XDG_STATE_HOME/symbiot/history, as the XDG spec says
 * for history) is created 0600; one kept at the old place ($XDG_DATA_HOME/symbiot/history) is
 * moved there once.
 *
 * Keys reach libedit through repl_getc() (rl_getc_function), which does three things libedit
 * cannot: with bracketed paste on (on a terminal) a pasted block's newlines become the mark
 * NEWLINE_MARK, which libedit edits as one character and the message turns back into newlines
 * (libedit cannot redraw a line with real newlines in it), and its tabs are inserted literally
 * (a quoted insert, ^V) rather than completing; so a pasted block is one message. It decodes UTF-8
 * (libedit takes code points from such a function); and when a reminder falls due while the user
 * types (SIGALRM, installed without SA_RESTART like SIGINT, so read() returns EINTR), it announces
 * the reminder and redraws the prompt with the half-typed line. A message may also span lines
 * between two `"""`, as in Ollama.
 *
 * Tab completes a /command from the modules' own table (sym_modules), and the arguments that
 * come from a fixed set: /model's library names (or a path), /help's commands and modules.
 * Chat text is never completed (no file names in the middle of a sentence).
 *
 * Reminders: those that fell due while Symbiot was closed are announced first, then any that
 * fall due are announced before each prompt, and alarm() is armed for the next due time.
 */
#include <editline/readline.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "base/buf.h"
#include "base/paths.h"
#include "models/library.h"
#include "modules/registry.h"
#include "nlp/parse.h"
#include "version.h"

#define HISTORY_MAX 1000
#define MESSAGE_MAX (1u << 20) /* a multi-line message: 1 MiB, as a piped line */
#define ESC_WAIT_MS 50         /* how long an escape sequence may take to arrive */
#define QUOTED_INSERT 0x16     /* ^V: libedit inserts the next key as it is */
#define PASTE_ON "\033[?2004h" /* bracketed paste on: pastes come as \e[200~ ... \e[201~ */
#define PASTE_OFF "\033[?2004l"
#define MULTI_QUOTES "\"\"\""
#define NEWLINE_MARK 0x21b5 /* U+21B5 "↵": a pasted newline while the line is edited */
#define NEWLINE_MARK_UTF8 "\xe2\x86\xb5"

/* The key reader's state (repl_getc): keys read ahead and not yet handed to libedit, whether a
 * paste is under way, and the assistant whose reminders it announces. */
static struct {
    int pending[16];
    int n_pending, next;
    bool in_paste, after_cr;
    struct sym_assistant *a;
} keys;

static volatile sig_atomic_t alarm_rang;

static void on_sigalrm(int sig)
{
    (void)sig;
    alarm_rang = 1;
}

static void install_sigalrm(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigalrm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: readline() returns so the reminder can be shown */
    sigaction(SIGALRM, &sa, NULL);
}

/* Announce what is due, then arm the alarm for the next reminder (or disarm it). */
static void reminders_before_prompt(struct sym_assistant *a, bool missed)
{
    time_t next, now;
    int tries;

    for (tries = 0; tries < 2; tries++) {
        cli_announce_due(a, missed, sym_lang_from_env());
        missed = false;
        alarm_rang = 0;
        if (!cli_next_due(a, &next)) {
            alarm(0);
            return;
        }
        now = sym_clock_now();
        if (next > now) {
            alarm(next - now > 86400 ? 86400u : (unsigned)(next - now));
            return;
        }
    }
    alarm(0);
}

static void push_key(int c)
{
    if (keys.n_pending < (int)(sizeof keys.pending / sizeof keys.pending[0]))
        keys.pending[keys.n_pending++] = c;
}

/* One byte from fd: 0..255, -1 at the end of input or on an error, -2 when nothing came within
 * wait_ms (-1 = wait for ever), -3 when a signal interrupted the wait. */
static int read_byte(int fd, int wait_ms)
{
    unsigned char c;
    struct pollfd p = {fd, POLLIN, 0};
    ssize_t n;

    if (wait_ms >= 0) {
        int r = poll(&p, 1, wait_ms);

        if (r == 0)
            return -2;
        if (r < 0)
            return errno == EINTR ? -3 : -1;
    }
    n = read(fd, &c, 1);
    if (n == 1)
        return c;
    return n < 0 && errno == EINTR ? -3 : -1;
}

/* After ESC: the start or end of a paste is consumed; any other sequence (an arrow key) is kept
 * for libedit, byte for byte. */
static void read_escape(int fd)
{
    static const char start[] = "[200~", end[] = "[201~";
    char got[8];
    int n = 0, c, i;

    while (n < 5) {
        c = read_byte(fd, ESC_WAIT_MS);
        if (c < 0)
            break;
        got[n++] = (char)c;
        if (strncmp(got, start, (size_t)n) && strncmp(got, end, (size_t)n))
            break;
    }
    if (n == 5 && (!strncmp(got, start, 5) || !strncmp(got, end, 5))) {
        keys.in_paste = got[3] == '0';
        keys.after_cr = false;
        return;
    }
    push_key(0x1b);
    for (i = 0; i < n; i++)
        push_key((unsigned char)got[i]);
}

/* The code point that starts with byte b (its continuation bytes read from fd); U+FFFD for a
 * broken sequence. */
static int decode_utf8(int fd, int b)
{
    int need, cp, c;

    if (b < 0x80)
        return b;
    if ((b & 0xe0) == 0xc0) {
        need = 1;
        cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
        need = 2;
        cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
        need = 3;
        cp = b & 0x07;
    } else {
        return 0xfffd;
    }
    while (need--) {
        while ((c = read_byte(fd, ESC_WAIT_MS)) == -3)
            ;
        if (c < 0 || (c & 0xc0) != 0x80) {
            if (c >= 0)
                push_key(decode_utf8(fd, c));
            return 0xfffd;
        }
        cp = cp << 6 | (c & 0x3f);
    }
    return cp;
}

/* A reminder fell due while the user was typing: announce it on lines of its own, then draw the
 * prompt and the half-typed line again. */
static void reminder_while_typing(void)
{
    fputs("\r\n", stderr);
    reminders_before_prompt(keys.a, false);
    rl_forced_update_display();
}

/* libedit's key reader (rl_getc_function): one code point, or -1 at the end of input or when
 * Ctrl-C should end the line. */
static int repl_getc(FILE *in)
{
    int fd = STDIN_FILENO, b;

    (void)in;
    for (;;) {
        if (keys.next < keys.n_pending) {
            b = keys.pending[keys.next++];
            if (keys.next == keys.n_pending)
                keys.next = keys.n_pending = 0;
            return b;
        }
        b = read_byte(fd, -1);
        if (b == -3) {
            if (cli_interrupted)
                return -1;
            if (alarm_rang && keys.a)
                reminder_while_typing();
            continue;
        }
        if (b < 0)
            return -1;
        if (b == 0x1b) {
            read_escape(fd);
            continue;
        }
        if (keys.in_paste && b < 0x20) {
            /* A pasted newline, tab or other control is text: insert it as it is. */
            if (b == '\n' && keys.after_cr) {
                keys.after_cr = false;
                continue;
            }
            keys.after_cr = b == '\r';
            if (b == '\r' || b == '\n')
                return NEWLINE_MARK;
            push_key(b);
            return QUOTED_INSERT;
        }
        keys.after_cr = false;
        return decode_utf8(fd, b);
    }
}

/* s (owned) with every `from` replaced by `to`; s itself when there is nothing to replace or no
 * memory for the copy. */
static char *replace_all(char *s, const char *from, const char *to)
{
    struct sym_buf b = {0};
    size_t lf = strlen(from);
    const char *p = s, *q;
    char *out;

    if (!strstr(s, from))
        return s;
    while ((q = strstr(p, from))) {
        if (sym_buf_append(&b, p, (size_t)(q - p)) || sym_buf_puts(&b, to)) {
            sym_buf_free(&b);
            return s;
        }
        p = q + lf;
    }
    if (sym_buf_puts(&b, p) || !(out = sym_buf_steal(&b))) {
        sym_buf_free(&b);
        return s;
    }
    free(s);
    return out;
}

/* ---- Tab completion ---- */

/* The words a completion chooses from, built for each Tab (owned strings). */
static struct {
    char **words;
    size_t n, cap;
} cands;

static void cands_clear(void)
{
    size_t i;

    for (i = 0; i < cands.n; i++)
        free(cands.words[i]);
    cands.n = 0;
}

/* Add prefix + word (len bytes of it) when it starts with text (the word typed so far). */
static void cands_add(const char *prefix, const char *word, size_t len, const char *text)
{
    size_t lp = strlen(prefix), lt = strlen(text), i;
    char *w;

    if (lp + len < lt || cands.n >= 4096)
        return;
    w = malloc(lp + len + 1);
    if (!w)
        return;
    memcpy(w, prefix, lp);
    memcpy(w + lp, word, len);
    w[lp + len] = '\0';
    for (i = 0; i < cands.n; i++)
        if (!strcmp(cands.words[i], w))
            break;
    if (strncmp(w, text, lt) || i < cands.n) {
        free(w);
        return;
    }
    if (cands.n == cands.cap) {
        size_t cap = cands.cap ? cands.cap * 2 : 64;
        char **p = realloc(cands.words, cap * sizeof *p);

        if (!p) {
            free(w);
            return;
        }
        cands.words = p;
        cands.cap = cap;
    }
    cands.words[cands.n++] = w;
}

/* Every command name of the modules, with prefix ("/" or ""); the aliases too when no name
 * matches (so /запо completes to /запомни, but /h does not list "h"). */
static void add_commands(const char *prefix, const char *text)
{
    const struct sym_module *const *m;
    const struct sym_command *c;

    for (m = sym_modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++)
            cands_add(prefix, c->name, strlen(c->name), text);
    if (cands.n)
        return;
    for (m = sym_modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++) {
            const char *list = c->aliases;

            while (list && *list) {
                size_t len = strcspn(list, " ");

                cands_add(prefix, list, len, text);
                list += len;
                list += strspn(list, " ");
            }
        }
}

/* rl_completion_matches' generator: the candidates one by one (libedit frees them). */
static char *next_candidate(const char *text, int state)
{
    static size_t i;

    (void)text;
    if (!state)
        i = 0;
    return i < cands.n ? strdup(cands.words[i++]) : NULL;
}

/* The first word of the line (the command, without '/') into out; false when the line does not
 * start with a /command that ends before start. */
static bool line_command(int start, char *out, size_t size)
{
    const char *p = rl_line_buffer + strspn(rl_line_buffer, " \t");
    size_t n;

    if (*p != '/' || p - rl_line_buffer >= start)
        return false;
    p++;
    n = strcspn(p, " \t");
    if (n >= size)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* rl_attempted_completion_function: a /command at the start of the line, or its argument. */
static char **repl_complete(const char *text, int start, int end)
{
    const struct sym_command *c;
    char cmd[64];

    (void)end;
    rl_attempted_completion_over = 1; /* no file names unless asked for below */
    cands_clear();
    if (start == (int)strspn(rl_line_buffer, " \t") && text[0] == '/') {
        add_commands("/", text);
    } else if (line_command(start, cmd, sizeof cmd) &&
               (c = sym_module_find_command(sym_modules, cmd, NULL))) {
        if (!strcmp(c->name, "model")) {
            struct sym_model_file *list;
            size_t n, i;

            if (text[0] && strchr("/~.", text[0])) {
                rl_attempted_completion_over = 0; /* a path: libedit's file names */
                return NULL;
            }
            if (!sym_models_list(&list, &n)) {
                for (i = 0; i < n; i++)
                    cands_add("", list[i].name, strlen(list[i].name), text);
                sym_models_list_free(list, n);
            }
        } else if (!strcmp(c->name, "help")) {
            const struct sym_module *const *m;

            add_commands("", text);
            for (m = sym_modules; *m; m++)
                cands_add("", (*m)->name, strlen((*m)->name), text);
        }
    }
    if (!cands.n)
        return NULL;
    return rl_completion_matches(text, next_candidate);
}

/* What reading a message gave. */
enum input { INPUT_MESSAGE, INPUT_EMPTY, INPUT_EOF, INPUT_INTERRUPT };

/* One line from libedit; bracketed paste is on while it waits (on a terminal). */
static char *read_line(const char *prompt, bool paste)
{
    char *line;

    if (paste) {
        fputs(PASTE_ON, stderr);
        fflush(stderr);
    }
    keys.in_paste = false;
    line = readline(prompt);
    if (paste) {
        fputs(PASTE_OFF, stderr);
        fflush(stderr);
    }
    return line;
}

/* Whether s ends with """ (after trailing spaces); cut it off when it does. */
static bool cut_closing_quotes(char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n < 3 || strncmp(s + n - 3, MULTI_QUOTES, 3))
        return false;
    s[n - 3] = '\0';
    return true;
}

/* Read one message into *out (caller frees): a line, or the lines between `"""` and `"""` (the
 * continuation prompt is "... "). Ctrl-C drops what was typed; Ctrl-D inside `"""` sends what
 * was typed so far. */
static enum input read_message(const char *prompt, bool paste, char **out)
{
    struct sym_buf msg;
    char *line;
    bool first = true, closed = false;

    *out = NULL;
    line = read_line(prompt, paste);
    if (cli_interrupted) {
        free(line);
        return INPUT_INTERRUPT;
    }
    if (!line)
        return INPUT_EOF;
    line = replace_all(line, NEWLINE_MARK_UTF8, "\n");
    if (strncmp(line + strspn(line, " \t"), MULTI_QUOTES, 3)) {
        *out = line;
        return line[strspn(line, " \t")] ? INPUT_MESSAGE : INPUT_EMPTY;
    }
    sym_buf_init(&msg, MESSAGE_MAX);
    {
        const char *rest = line + strspn(line, " \t") + 3;

        closed = cut_closing_quotes((char *)rest);
        if (sym_buf_puts(&msg, rest))
            goto too_long;
    }
    free(line);
    while (!closed) {
        line = read_line("... ", paste);
        if (cli_interrupted) {
            free(line);
            sym_buf_free(&msg);
            return INPUT_INTERRUPT;
        }
        if (!line)
            break;
        line = replace_all(line, NEWLINE_MARK_UTF8, "\n");
        closed = cut_closing_quotes(line);
        if (((!first || msg.len) && sym_buf_puts(&msg, "\n")) || sym_buf_puts(&msg, line))
            goto too_long;
        first = false;
        free(line);
    }
    *out = sym_buf_steal(&msg);
    if (!*out)
        return INPUT_EMPTY;
    return (*out)[strspn(*out, " \t\n")] ? INPUT_MESSAGE : INPUT_EMPTY;
too_long:
    free(line);
    sym_buf_free(&msg);
    cli_error("the message is longer than %u bytes; dropped", MESSAGE_MAX);
    return INPUT_EMPTY;
}

/* Move the history from its old place (the data directory) to path, once: when path does not
 * exist yet. Across file systems, rename() cannot: the file is copied, then removed. */
static void history_migrate(const char *path)
{
    char old[4096], buf[8192];
    struct stat st;
    FILE *in, *out = NULL;
    size_t n;
    bool ok;
    int fd;

    if (!stat(path, &st) || sym_path_data(old, sizeof old, "history") || stat(old, &st))
        return;
    if (!rename(old, path))
        return;
    in = fopen(old, "r");
    if (!in)
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0 && !(out = fdopen(fd, "w")))
        close(fd);
    ok = out != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    fclose(in);
    if (out && fclose(out))
        ok = false;
    if (ok)
        unlink(old);
    else if (out)
        unlink(path);
}

static void history_open(char *path, size_t size)
{
    int fd;

    if (sym_path_state(path, size, "history") || sym_path_make_parent(path)) {
        path[0] = '\0';
        return;
    }
    history_migrate(path);
    /* Create it owner-only before libedit touches it. */
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0)
        close(fd);
    using_history();
    stifle_history(HISTORY_MAX);
    read_history(path);
}

static void history_save(const char *path)
{
    if (!path[0])
        return;
    if (write_history(path) == 0)
        chmod(path, 0600);
}

static void banner(const struct sym_llm *llm)
{
    fprintf(stderr, "%sSymbiot %s%s", cli_color("\033[1m"), SYM_VERSION, cli_color("\033[0m"));
    if (llm)
        fprintf(stderr, " with %s\n", sym_llm_describe(llm));
    else
        fprintf(stderr, "\n%s\n", cli_no_model_help());
    fprintf(stderr, "Type /help for commands, Ctrl-D or /quit to leave.\n");
}

int cli_repl(struct cli *cli, struct sym_assistant *a)
{
    char history[4096], prompt[64];
    const struct sym_llm *llm = sym_assistant_llm(a);
    bool paste = isatty(STDERR_FILENO); /* bracketed paste: its switch goes to the terminal */
    int interrupts = 0;
    bool first = true; /* reminders due now were missed while Symbiot was closed */

    keys.a = a;
    rl_getc_function = repl_getc; /* before libedit starts (history_open starts it) */
    rl_attempted_completion_function = repl_complete;
    history_open(history, sizeof history);
    banner(llm);
    install_sigalrm();
    /* \001 and \002 tell libedit that the colour codes take no room on screen. */
    if (cli->color)
        snprintf(prompt, sizeof prompt, "\001\033[1;32m\002>\001\033[0m\002 ");
    else
        snprintf(prompt, sizeof prompt, "> ");
    for (;;) {
        struct sym_turn_io io = {cli_print_text,     cli_notice,     NULL,
                                 cli_print_thinking, cli_print_tool, cli_confirm_tool};
        struct sym_turn turn;
        enum sym_status rc;
        enum input got;
        char *line;

        reminders_before_prompt(a, first);
        first = false;
        cli_interrupted = 0;
        got = read_message(prompt, paste, &line);
        alarm(0);
        if (got == INPUT_EOF) {
            fputc('\n', stderr);
            break; /* Ctrl-D */
        }
        if (got == INPUT_INTERRUPT) {
            if (++interrupts >= 2) {
                fputc('\n', stderr);
                break;
            }
            fprintf(stderr, "\n(Ctrl-C again or Ctrl-D to leave)\n");
            continue;
        }
        interrupts = 0;
        if (got == INPUT_EMPTY) {
            free(line);
            continue;
        }
        /* History holds the message on one line, its newlines as the mark (Up edits it). */
        line = replace_all(line, "\n", NEWLINE_MARK_UTF8);
        add_history(line);
        line = replace_all(line, NEWLINE_MARK_UTF8, "\n");
        cli_thinking_begin(cli->cfg.show_thinking);
        cli_spinner_start();
        rc = sym_assistant_turn(a, line, &io, &turn);
        cli_spinner_stop();
        cli_thinking_end();
        free(line);
        cli_stopped_early(&rc, &turn);
        if (rc == SYM_ERR_MODEL && !sym_assistant_llm(a)) {
            cli_notice("no model is loaded, so only commands work; start Symbiot with "
                       "-m /path/to/model.gguf (see above)",
                       NULL);
            continue;
        }
        if (rc) {
            cli_error("%s", sym_assistant_errmsg(a));
            continue;
        }
        if (turn.answer && turn.answer[0])
            putchar('\n');
        fflush(stdout);
        cli_print_backend(a, &turn);
        if (turn.kind == SYM_TURN_CHAT && turn.stats.stop == SYM_STOP_INTERRUPT)
            cli_notice("stopped", NULL);
        if (turn.quit) {
            sym_turn_clear(&turn);
            break;
        }
        sym_turn_clear(&turn);
    }
    alarm(0);
    history_save(history);
    cands_clear();
    free(cands.words);
    return CLI_EXIT_OK;
}
