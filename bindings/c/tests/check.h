/* A minimal test harness for the C tests: CHECK counts, TEST_SUMMARY prints "N passed, M failed". */
#ifndef CASEBOOK_CHECK_H
#define CASEBOOK_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) {                                                                     \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                               \
    } while (0)

#define CHECK_STATUS(expr, expected)                                                    \
    do {                                                                                \
        casebook_status check_s_ = (expr);                                              \
        if (check_s_ == (casebook_status)(expected)) {                                  \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            fprintf(stderr, "FAIL %s:%d: %s gave %u (%s), expected %s\n", __FILE__,     \
                    __LINE__, #expr, (unsigned)check_s_, casebook_status_name(check_s_), \
                    #expected);                                                         \
        }                                                                               \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                \
    do {                                                                                \
        const char *check_h_ = (haystack);                                              \
        if (check_h_ != NULL && strstr(check_h_, (needle)) != NULL) {                   \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            fprintf(stderr, "FAIL %s:%d: %s does not contain %s: %s\n", __FILE__,       \
                    __LINE__, #haystack, needle, check_h_ ? check_h_ : "(null)");       \
        }                                                                               \
    } while (0)

#define TEST_SUMMARY(name)                                                              \
    (printf("%s: %d passed, %d failed\n", (name), check_passed, check_failed),          \
     check_failed == 0 ? 0 : 1)

#endif
