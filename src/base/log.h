/*
 * log.h: diagnostics to stderr, filtered by level.
 *
 * Library code reports through here and never prints to the user directly; the front end sets
 * the level (WARN by default, DEBUG with --verbose). llama.cpp's own log is routed here at DEBUG.
 */
#ifndef SYM_LOG_H
#define SYM_LOG_H

#include <stdbool.h>

enum sym_log_level {
    SYM_LOG_ERROR = 0,
    SYM_LOG_WARN,
    SYM_LOG_INFO,
    SYM_LOG_DEBUG,
};

void sym_log_set_level(enum sym_log_level level);
enum sym_log_level sym_log_get_level(void);
/* True when a message at `level` would be printed. */
bool sym_log_enabled(enum sym_log_level level);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void sym_log(enum sym_log_level level, const char *fmt, ...);

#endif
