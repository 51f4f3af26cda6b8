/*
 * log.c: a tiny leveled logger writing to stderr.
 *
 * One global level: the process has one user and one verbosity switch. Each message is formatted
 * into one buffer and written with a single fputs so lines from threads do not interleave.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static enum sym_log_level current_level = SYM_LOG_WARN;

void sym_log_set_level(enum sym_log_level level)
{
    current_level = level;
}

enum sym_log_level sym_log_get_level(void)
{
    return current_level;
}

bool sym_log_enabled(enum sym_log_level level)
{
    return level <= current_level;
}

void sym_log(enum sym_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    char line[2048], *big = NULL;
    va_list ap;
    int n, len;

    if (!sym_log_enabled(level))
        return;
    n = snprintf(line, sizeof line, "symbiot: %s: ", names[level]);
    va_start(ap, fmt);
    len = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* A longer message (a whole prompt with -v) is written whole, up to 1 MiB, when memory allows;
     * else it is cut at the line's size. */
    if (len >= (int)(sizeof line - (size_t)n) && len < (1 << 20) &&
        (big = malloc((size_t)len + 1))) {
        va_start(ap, fmt);
        vsnprintf(big, (size_t)len + 1, fmt, ap);
        va_end(ap);
        fprintf(stderr, "symbiot: %s: %s", names[level], big);
        free(big);
    } else {
        fputs(line, stderr);
    }
    fputc('\n', stderr);
}
