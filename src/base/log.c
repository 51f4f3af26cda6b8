/*
 * log.c: a tiny leveled logger writing to stderr.
 *
 * One global level: the process has one user and one verbosity switch. Each message is formatted
 * into one buffer and written with a single fputs so lines from threads do not interleave.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

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
    char line[2048];
    va_list ap;
    int n;

    if (!sym_log_enabled(level))
        return;
    n = snprintf(line, sizeof line, "symbiot: %s: ", names[level]);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    fputs(line, stderr);
    fputc('\n', stderr);
}
