/*
 * test.h: a tiny test helper (Redis's testhelp.h in spirit): CHECK records a failure and goes
 * on, so one run reports every broken expectation; test_report() prints the tally and gives the
 * exit status.
 */
#ifndef SYM_TEST_H
#define SYM_TEST_H

#include <stdio.h>
#include <string.h>

static int test_checks, test_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            test_failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        test_checks++;                                                                             \
        if (!got_ || strcmp(got_, want_)) {                                                        \
            test_failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s is \"%s\", expected \"%s\"\n", __FILE__,      \
                    __LINE__, #got, got_ ? got_ : "(null)", want_);                                \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *hay_ = (hay), *needle_ = (needle);                                             \
        test_checks++;                                                                             \
        if (!hay_ || !strstr(hay_, needle_)) {                                                     \
            test_failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: \"%s\" does not contain \"%s\"\n", __FILE__,     \
                    __LINE__, hay_ ? hay_ : "(null)", needle_);                                    \
        }                                                                                          \
    } while (0)

static inline int test_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
