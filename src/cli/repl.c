/*
 * repl.c: the interactive session: line editing and persistent history (libedit), a prompt,
 * streamed answers, Ctrl-C handling.
 *
 * Ctrl-C while an answer streams raises cli_interrupted; the model stops at the next token and
 * the prompt comes back. Ctrl-C at the prompt discards the line and says how to leave; a second
 * one in a row leaves. The history file ($XDG_DATA_HOME/symbiot/history) is created 0600.
 *
 * Reminders: those that fell due while Symbiot was closed are announced first, then any that
 * fall due are announced before each prompt. While the user sits at the prompt, alarm() is armed
 * for the next due time; SIGALRM (installed without SA_RESTART, like SIGINT) makes readline()
 * return, the reminder is announced and the prompt comes back. The price: a half-typed line is
 * dropped when a reminder interrupts it, as with Ctrl-C.
 */
#include <editline/readline.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "base/paths.h"
#include "nlp/parse.h"
#include "version.h"

#define HISTORY_MAX 1000

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

static void history_open(char *path, size_t size)
{
    int fd;

    if (sym_path_data(path, size, "history") || sym_path_make_parent(path)) {
        path[0] = '\0';
        return;
    }
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
    int interrupts = 0;
    bool first = true; /* reminders due now were missed while Symbiot was closed */

    history_open(history, sizeof history);
    banner(llm);
    install_sigalrm();
    /* \001 and \002 tell libedit that the colour codes take no room on screen. */
    if (cli->color)
        snprintf(prompt, sizeof prompt, "\001\033[1;32m\002>\001\033[0m\002 ");
    else
        snprintf(prompt, sizeof prompt, "> ");
    for (;;) {
        struct sym_turn_io io = {cli_print_text, cli_notice, NULL, cli_print_thinking};
        struct sym_turn turn;
        char *line;
        enum sym_status rc;

        reminders_before_prompt(a, first);
        first = false;
        cli_interrupted = 0;
        line = readline(prompt);
        alarm(0);
        if (alarm_rang && !cli_interrupted) {
            /* A reminder fell due at the prompt: show it, then a fresh prompt. */
            free(line);
            fputc('\n', stderr);
            continue;
        }
        if (!line && !cli_interrupted) {
            fputc('\n', stderr);
            break; /* Ctrl-D */
        }
        if (cli_interrupted) {
            free(line);
            if (++interrupts >= 2) {
                fputc('\n', stderr);
                break;
            }
            fprintf(stderr, "\n(Ctrl-C again or Ctrl-D to leave)\n");
            continue;
        }
        interrupts = 0;
        if (!line[strspn(line, " \t")]) {
            free(line);
            continue;
        }
        add_history(line);
        cli_thinking_begin(cli->cfg.show_thinking);
        rc = sym_assistant_turn(a, line, &io, &turn);
        cli_thinking_end();
        free(line);
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
    return CLI_EXIT_OK;
}
