/*
 * fault.h: allocation failures on demand, for the fault-injection tests. Every allocation made
 * through here (Symbiot's own code in the fault build, and SQLite's when the test routes them
 * here) is counted while armed; the Nth one fails (returns NULL), the others succeed. Not
 * thread-safe: the tests run one thread of Symbiot's code at a time.
 */
#ifndef SYM_FAULT_H
#define SYM_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* Start counting allocations from 1; the fail_at-th fails (0: none fails, only count). */
void sym_fault_arm(long fail_at);
/* Stop counting; returns how many allocations were counted since sym_fault_arm(). */
long sym_fault_disarm(void);
/* Whether the armed run made its allocation fail. */
bool sym_fault_fired(void);
/* Count one allocation; true when it must fail. For allocators outside this file (SQLite's). */
bool sym_fault_next(void);

void *sym_fault_malloc(size_t n);
void *sym_fault_calloc(size_t n, size_t size);
void *sym_fault_realloc(void *p, size_t n);
char *sym_fault_strdup(const char *s);
char *sym_fault_strndup(const char *s, size_t n);

#endif
