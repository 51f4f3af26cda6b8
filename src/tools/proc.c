/*
 * proc.c: a child process spoken to in lines (proc.h), for MCP's stdio transport.
 *
 * posix_spawnp with three pipes; the child gets its own process group (so closing it ends a
 * launcher such as npx together with the node it started) and default signal handling. Our ends
 * are non-blocking and close-on-exec; reading polls stdout and stderr together, so a child that
 * fills its stderr while we wait for an answer is drained rather than blocked. A write to a child
 * that has exited would raise SIGPIPE: the signal is blocked around the write and a pending one
 * taken back, so the caller sees SYM_ERR_IO and the process lives on. Lines are capped (the caller
 * says how long); an overlong line is reported once and the rest of it skipped.
 */
#include "tools/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"

extern char **environ;

#define TAIL 300

struct sym_proc {
    pid_t pid;
    int in, out, err;    /* our ends: the child's stdin, stdout, stderr */
    struct sym_buf rbuf; /* read from stdout, not yet handed out */
    char *line;          /* the line handed out last */
    bool skipping;       /* dropping the rest of an overlong line */
    bool exited;         /* stdout reached EOF */
    char cur[TAIL], last[TAIL];
    size_t cur_len;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_flags(int fd, bool nonblock)
{
    int fl = fcntl(fd, F_GETFD);

    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return -1;
    if (nonblock) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
            return -1;
    }
    return 0;
}

/* The environment for the child: ours, with the names in env replaced or added. Caller frees
 * the array (not the strings). */
static char **child_env(char *const env[])
{
    size_t n_ours = 0, n_env = 0, i, j, k = 0;
    char **out;

    while (environ && environ[n_ours])
        n_ours++;
    while (env && env[n_env])
        n_env++;
    out = calloc(n_ours + n_env + 1, sizeof *out);
    if (!out)
        return NULL;
    for (i = 0; i < n_ours; i++) {
        size_t len = strcspn(environ[i], "=");
        bool replaced = false;

        for (j = 0; j < n_env && !replaced; j++)
            replaced = !strncmp(env[j], environ[i], len) && env[j][len] == '=';
        if (!replaced)
            out[k++] = environ[i];
    }
    for (j = 0; j < n_env; j++)
        out[k++] = env[j];
    return out;
}

enum sym_status sym_proc_spawn(struct sym_proc **out, char *const argv[], char *const env[],
                               char *err, size_t errlen)
{
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, rc;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    struct sym_proc *p;
    char **envp = NULL;
    sigset_t none, def;
    enum sym_status st = SYM_ERR_IO;

    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return SYM_ERR_NOMEM;
    p->in = p->out = p->err = -1;
    envp = child_env(env);
    if (!envp) {
        free(p);
        return SYM_ERR_NOMEM;
    }
    if (pipe(in) || pipe(o) || pipe(e) || set_flags(in[1], false) || set_flags(o[0], true) ||
        set_flags(e[0], true) || set_flags(in[0], false) || set_flags(o[1], false) ||
        set_flags(e[1], false)) {
        snprintf(err, errlen, "cannot make pipes: %s", strerror(errno));
        goto fail;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, o[1], 1);
    posix_spawn_file_actions_adddup2(&fa, e[1], 2);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawnp(&p->pid, argv[0], &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc) {
        snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(rc));
        st = rc == ENOENT ? SYM_ERR_NOT_FOUND : SYM_ERR_IO;
        goto fail;
    }
    close(in[0]);
    close(o[1]);
    close(e[1]);
    p->in = in[1];
    p->out = o[0];
    p->err = e[0];
    free(envp);
    *out = p;
    return SYM_OK;
fail:
    for (rc = 0; rc < 2; rc++) {
        if (in[rc] >= 0)
            close(in[rc]);
        if (o[rc] >= 0)
            close(o[rc]);
        if (e[rc] >= 0)
            close(e[rc]);
    }
    free(envp);
    free(p);
    return st;
}

enum sym_status sym_proc_send(struct sym_proc *p, const char *text)
{
    sigset_t pipe_set, old;
    struct timespec zero = {0, 0};
    size_t len = strlen(text), off = 0;
    enum sym_status rc = SYM_OK;
    bool nl = false;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    while (!rc && (off < len || !nl)) {
        const char *data = off < len ? text + off : "\n";
        size_t n = off < len ? len - off : 1;
        ssize_t w = write(p->in, data, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = SYM_ERR_IO;
            if (errno == EPIPE && !sigismember(&old, SIGPIPE))
                sigtimedwait(&pipe_set, NULL, &zero);
            break;
        }
        if (off < len)
            off += (size_t)w;
        else
            nl = true;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Keep the last line of the child's stderr. */
static void take_stderr(struct sym_proc *p, const char *data, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (data[i] == '\n') {
            if (p->cur_len) {
                memcpy(p->last, p->cur, p->cur_len);
                p->last[p->cur_len] = '\0';
            }
            p->cur_len = 0;
        } else if (p->cur_len < TAIL - 1 && data[i] != '\r') {
            p->cur[p->cur_len++] = data[i];
        }
    }
}

void sym_proc_drain_stderr(struct sym_proc *p, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char chunk[4096];

    while (p->err >= 0) {
        struct pollfd fd = {p->err, POLLIN, 0};
        long long left = deadline - now_ms();
        ssize_t n;
        int r;

        if (left <= 0)
            break;
        r = poll(&fd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n = read(p->err, chunk, sizeof chunk);
        if (n > 0) {
            take_stderr(p, chunk, (size_t)n);
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            close(p->err);
            p->err = -1;
        }
    }
}

const char *sym_proc_stderr_tail(struct sym_proc *p)
{
    if (p->cur_len) {
        memcpy(p->last, p->cur, p->cur_len);
        p->last[p->cur_len] = '\0';
    }
    return p->last;
}

/* Hand out the first complete line of rbuf, if there is one: 1 done, 0 none yet, 2 a line
 * longer than max (dropped), -1 no memory. */
static int next_line(struct sym_proc *p, size_t max, const char **line)
{
    char *nlp, *data = p->rbuf.data;
    size_t n;

    if (!data)
        return 0;
    if (p->skipping) {
        nlp = memchr(data, '\n', p->rbuf.len);
        if (!nlp) {
            sym_buf_reset(&p->rbuf);
            return 0;
        }
        n = (size_t)(nlp - data) + 1;
        memmove(data, data + n, p->rbuf.len - n + 1);
        p->rbuf.len -= n;
        p->skipping = false;
    }
    nlp = memchr(data, '\n', p->rbuf.len);
    if (!nlp)
        return 0;
    n = (size_t)(nlp - data);
    if (n > max) {
        memmove(data, data + n + 1, p->rbuf.len - n);
        p->rbuf.len -= n + 1;
        return 2;
    }
    free(p->line);
    p->line = malloc(n + 1);
    if (!p->line)
        return -1;
    memcpy(p->line, data, n);
    if (n && p->line[n - 1] == '\r')
        n--;
    p->line[n] = '\0';
    n = (size_t)(nlp - data) + 1;
    memmove(data, data + n, p->rbuf.len - n + 1);
    p->rbuf.len -= n;
    *line = p->line;
    return 1;
}

enum sym_status sym_proc_read_line(struct sym_proc *p, int timeout_ms, size_t max,
                                   const char **line)
{
    long long deadline = now_ms() + timeout_ms;
    char chunk[65536];

    for (;;) {
        struct pollfd fds[2] = {{p->out, POLLIN, 0}, {p->err, POLLIN, 0}};
        long long left;
        int r = next_line(p, max, line);
        ssize_t n;

        if (r)
            return r < 0 ? SYM_ERR_NOMEM : r == 2 ? SYM_ERR_TOO_LONG : SYM_OK;
        if (p->rbuf.len > max) {
            sym_buf_reset(&p->rbuf);
            p->skipping = true;
            return SYM_ERR_TOO_LONG;
        }
        if (p->exited)
            return SYM_ERR_IO;
        left = deadline - now_ms();
        if (left <= 0)
            return SYM_ERR_TIMEOUT;
        r = poll(fds, p->err >= 0 ? 2 : 1, (int)left);
        if (r < 0 && errno != EINTR)
            return SYM_ERR_IO;
        if (r <= 0)
            continue;
        if (p->err >= 0 && fds[1].revents) {
            n = read(p->err, chunk, sizeof chunk);
            if (n > 0)
                take_stderr(p, chunk, (size_t)n);
            else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(p->err);
                p->err = -1;
            }
        }
        if (fds[0].revents) {
            n = read(p->out, chunk, sizeof chunk);
            if (n > 0) {
                if (sym_buf_append(&p->rbuf, chunk, (size_t)n))
                    return SYM_ERR_NOMEM;
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                p->exited = true;
            }
        }
    }
}

/* Wait up to ms for the child to end; true when it has been reaped. */
static bool reap(pid_t pid, int ms)
{
    long long until = now_ms() + ms;
    int status;

    do {
        pid_t r = waitpid(pid, &status, WNOHANG);

        struct timespec tick = {0, 10000000};

        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        nanosleep(&tick, NULL);
    } while (now_ms() < until);
    return false;
}

void sym_proc_close(struct sym_proc *p)
{
    if (!p)
        return;
    if (p->in >= 0)
        close(p->in);
    if (!reap(p->pid, 500)) {
        kill(-p->pid, SIGTERM);
        if (!reap(p->pid, 1000)) {
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
    }
    if (p->out >= 0)
        close(p->out);
    if (p->err >= 0)
        close(p->err);
    sym_buf_free(&p->rbuf);
    free(p->line);
    free(p);
}
