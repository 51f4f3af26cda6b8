/*
 * fault.c: the counting allocator behind inject.h; see fault.h. It is built with the rest of the
 * fault build, inject.h included, so the macros are undone here: malloc below is the real one.
 */
#include "fault.h"

#include <stdlib.h>
#include <string.h>

#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup

static bool armed, fired;
static long count, fail_at;

void sym_fault_arm(long n)
{
    armed = true;
    fired = false;
    count = 0;
    fail_at = n;
}

long sym_fault_disarm(void)
{
    armed = false;
    return count;
}

bool sym_fault_fired(void)
{
    return fired;
}

bool sym_fault_next(void)
{
    if (!armed)
        return false;
    if (++count == fail_at) {
        fired = true;
        return true;
    }
    return false;
}

void *sym_fault_malloc(size_t n)
{
    return sym_fault_next() ? NULL : malloc(n);
}

void *sym_fault_calloc(size_t n, size_t size)
{
    return sym_fault_next() ? NULL : calloc(n, size);
}

void *sym_fault_realloc(void *p, size_t n)
{
    return sym_fault_next() ? NULL : realloc(p, n);
}

char *sym_fault_strdup(const char *s)
{
    return sym_fault_next() ? NULL : strdup(s);
}

char *sym_fault_strndup(const char *s, size_t n)
{
    return sym_fault_next() ? NULL : strndup(s, n);
}
