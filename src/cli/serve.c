/*
 * serve.c: `symbiot serve`: start the HTTP server (src/server) over the assistant that main.c
 * built, print where it listens, and wait for SIGINT or SIGTERM to stop it.
 *
 * The API key comes from --api-key, --api-key-file (its first line) or SYMBIOT_API_KEY, in that
 * order (a key file that other users can read gets a warning). A server bound to anything but
 * loopback without a key is allowed, because the user asked for it, but it says loudly what that
 * means.
 *
 * Signals are blocked before the server starts its threads, so they all inherit the mask and only
 * the main thread, waiting in sigsuspend(), takes SIGINT and SIGTERM.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "memory/store.h"
#include "server/server.h"

/* The first line of path, without its line end, into a malloc'd string; NULL with an error. */
static char *read_key_file(const char *path)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    struct stat st;
    FILE *f = fopen(path, "r");

    if (!f) {
        cli_error("--api-key-file %s: cannot read it", path);
        return NULL;
    }
    /* A key others can read is no key: say so (the server still starts, as asked). */
    if (!fstat(fileno(f), &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
        fprintf(stderr,
                "symbiot: warning: the API key file %s can be read by other users (mode %04o): "
                "run chmod 600 %s\n",
                path, (unsigned)(st.st_mode & 07777), path);
    n = getline(&line, &cap, f);
    fclose(f);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
    if (n <= 0) {
        cli_error("--api-key-file %s: the first line is empty", path);
        free(line);
        return NULL;
    }
    return line;
}

/* The key (malloc'd; NULL when none); false after an error. */
static bool api_key(const struct cli *cli, char **key)
{
    const char *env = getenv("SYMBIOT_API_KEY");

    *key = NULL;
    if (cli->serve.api_key_file) {
        *key = read_key_file(cli->serve.api_key_file);
        return *key != NULL;
    }
    if (cli->serve.api_key && !cli->serve.api_key[0]) {
        cli_error("--api-key is empty");
        return false;
    }
    if (cli->serve.api_key)
        env = cli->serve.api_key;
    if (env && env[0] && !(*key = strdup(env))) {
        cli_error("out of memory");
        return false;
    }
    return true;
}

static void warn_exposed(const char *host, int port)
{
    fprintf(stderr,
            "\n"
            "symbiot: WARNING: listening on %s port %d WITHOUT AN API KEY.\n"
            "symbiot: WARNING: anyone who can reach this address can talk to your assistant and\n"
            "symbiot: WARNING: read, change and delete its memory of you.\n"
            "symbiot: WARNING: use --api-key-file FILE (or SYMBIOT_API_KEY), or --host 127.0.0.1.\n"
            "\n",
            host, port);
}

/* Wait for SIGINT or SIGTERM (blocked in *old's complement). */
static void wait_for_signal(const sigset_t *old)
{
    while (!cli_interrupted)
        sigsuspend(old);
}

static void on_term(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

int cli_serve(struct cli *cli, struct sym_assistant *a, struct sym_embedder *embedder)
{
    struct sym_server_params p;
    struct sym_server *srv = NULL;
    struct sigaction sa;
    sigset_t block, old;
    char err[512], db[4096];
    const char *host = cli->serve.host ? cli->serve.host : "127.0.0.1";
    char *key = NULL;
    bool have_db;

    if (!api_key(cli, &key)) {
        sym_assistant_free(a);
        return CLI_EXIT_USAGE;
    }
    /* Zone changes (the time module) then only replace TZ's value; growing the environment
     * while connection threads read it would not be safe. ":/etc/localtime" is the default. */
    if (!getenv("TZ"))
        setenv("TZ", ":/etc/localtime", 1);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    have_db = cli->cfg.db ? snprintf(db, sizeof db, "%s", cli->cfg.db) > 0
                          : sym_store_default_path(db, sizeof db) == SYM_OK;
    memset(&p, 0, sizeof p);
    p.host = host;
    p.port = cli->serve.port >= 0 ? (int)cli->serve.port : SYM_SERVER_DEFAULT_PORT;
    p.api_key = key;
    p.queue = cli->serve.queue >= 0 ? (int)cli->serve.queue : SYM_SERVER_DEFAULT_QUEUE;
    p.request_timeout = cli->serve.request_timeout > 0 ? (int)cli->serve.request_timeout : 0;
    p.interrupt = &cli_serve_interrupt;
    if (sym_server_start(&srv, &p, &cli->cfg, a, have_db && sym_assistant_store(a) ? db : NULL,
                         embedder, err, sizeof err)) {
        cli_error("%s", err);
        free(key);
        return CLI_EXIT_FAIL;
    }
    if (!sym_server_loopback(srv) && !key)
        warn_exposed(host, sym_server_port(srv));
    if (!sym_assistant_llm(a))
        fprintf(stderr, "symbiot: no model (-m): commands and memory work, chat answers 503\n");
    printf(strchr(host, ':') ? "symbiot: listening on http://[%s]:%d\n"
                             : "symbiot: listening on http://%s:%d\n",
           host, sym_server_port(srv));
    fflush(stdout);
    wait_for_signal(&old);
    fprintf(stderr, "symbiot: stopping\n");
    sym_server_stop(srv);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    free(key);
    return CLI_EXIT_OK;
}
