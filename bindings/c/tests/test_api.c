/* Behaviour and misuse tests of the Casebook C ABI. Built with -Wall -Wextra -Werror -pedantic,
 * run plainly, under AddressSanitizer+UBSan and under valgrind by scripts/test-c. Needs the
 * library built with the `test-hooks` feature (for casebook_test_panic). */
#define CASEBOOK_TEST_HOOKS 1
#include "casebook.h"
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static casebook_str S(const char *s) {
    casebook_str r;
    r.ptr = s;
    r.len = s ? strlen(s) : 0;
    return r;
}

static casebook_actor actor(uint32_t role, const char *id) {
    casebook_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.id = S(id);
    return a;
}

static casebook *open_memory(void) {
    casebook_options opts = {0};
    casebook *book = NULL;
    opts.id_seed = 1;
    opts.fixed_time_ms = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    CHECK_STATUS(casebook_open_with(":memory:", 8, &opts, &book), CASEBOOK_OK);
    CHECK(book != NULL);
    return book;
}

/* Runs a request; returns the response (caller frees) or NULL with the status in *status. */
static char *exec(casebook *book, const char *req, casebook_status *status) {
    char *out = NULL;
    *status = casebook_execute(book, req, strlen(req), &out);
    return out;
}

static void test_version_and_statuses(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", CASEBOOK_VERSION_MAJOR, CASEBOOK_VERSION_MINOR,
             CASEBOOK_VERSION_PATCH);
    CHECK(strcmp(casebook_version(), expected) == 0);
    CHECK(strcmp(casebook_status_name(CASEBOOK_OK), "ok") == 0);
    CHECK(strcmp(casebook_status_name(CASEBOOK_NOT_FOUND), "not_found") == 0);
    CHECK(strcmp(casebook_status_name(CASEBOOK_INVALID_UTF8), "invalid_utf8") == 0);
    CHECK(strcmp(casebook_status_name(424242), "unknown") == 0);
    CHECK(strlen(casebook_status_message(CASEBOOK_CONFLICT)) > 10);
    CHECK(strcmp(casebook_status_message(424242), "unknown status") == 0);
    CHECK(CASEBOOK_INTERNAL == 20 && CASEBOOK_NULL_ARGUMENT == 1001);
}

static void test_execute_round_trip(void) {
    casebook *book = open_memory();
    casebook_status s;
    {
        /* No failure yet: status OK and an empty message (still a string to free). */
        uint32_t last = 99;
        char *msg = NULL;
        CHECK_STATUS(casebook_last_error(book, &last, &msg), CASEBOOK_OK);
        CHECK(last == CASEBOOK_OK && msg != NULL && msg[0] == '\0');
        CHECK_STATUS(casebook_string_free(msg), CASEBOOK_OK);
    }
    char *r = exec(book,
                   "{\"op\":\"report\",\"as\":{\"role\":\"customer\",\"id\":\"u1\"},"
                   "\"description\":\"Export crashes\"}",
                   &s);
    CHECK_STATUS(s, CASEBOOK_OK);
    CHECK_CONTAINS(r, "\"ok\":true");
    CHECK_CONTAINS(r, "\"key\":\"CB-1\"");
    CHECK_STATUS(casebook_string_free(r), CASEBOOK_OK);

    r = exec(book, "{\"op\":\"get\",\"as\":{\"role\":\"customer\",\"id\":\"u2\"},\"case\":\"CB-1\"}",
             &s);
    CHECK_STATUS(s, CASEBOOK_OK); /* a response was produced; it says not_found */
    CHECK_CONTAINS(r, "\"code\":\"not_found\"");
    casebook_string_free(r);
    {
        uint32_t last = 0;
        char *msg = NULL;
        CHECK_STATUS(casebook_last_error(book, &last, &msg), CASEBOOK_OK);
        CHECK(last == CASEBOOK_NOT_FOUND);
        CHECK_CONTAINS(msg, "CB-1");
        casebook_string_free(msg);
    }
    CHECK_STATUS(casebook_free(book), CASEBOOK_OK);
}

static void test_misuse(void) {
    casebook *book = open_memory();
    casebook *none = NULL;
    char *out = NULL;
    uint32_t last = 0;
    char *msg = NULL;
    const char bad_utf8[] = "{\"op\":\"get\",\"as\":{\"role\":\"agent\"},\"case\":\"\xff\xfe\"}";

    /* NULL arguments everywhere. */
    CHECK_STATUS(casebook_open(NULL, 0, &none), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_open(":memory:", 8, NULL), CASEBOOK_NULL_ARGUMENT);
    CHECK(none == NULL);
    CHECK_STATUS(casebook_execute(NULL, "{}", 2, &out), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_execute(book, NULL, 0, &out), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_execute(book, "{}", 2, NULL), CASEBOOK_NULL_ARGUMENT);
    CHECK(out == NULL);
    CHECK_STATUS(casebook_last_error(book, NULL, &msg), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_last_error(NULL, &last, &msg), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_get(book, NULL, "CB-1", 4, &out), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_report(book, NULL, NULL, &out), CASEBOOK_NULL_ARGUMENT);
    CHECK(out == NULL);
    CHECK_STATUS(casebook_free(NULL), CASEBOOK_OK);
    CHECK_STATUS(casebook_string_free(NULL), CASEBOOK_OK);

    /* Invalid UTF-8: a status, and the detail names the offset. */
    CHECK_STATUS(casebook_execute(book, bad_utf8, strlen(bad_utf8), &out), CASEBOOK_INVALID_UTF8);
    CHECK(out == NULL);
    CHECK_STATUS(casebook_last_error(book, &last, &msg), CASEBOOK_OK);
    CHECK(last == CASEBOOK_INVALID_UTF8);
    CHECK_CONTAINS(msg, "UTF-8");
    casebook_string_free(msg);
    CHECK_STATUS(casebook_open("\xc3", 1, &none), CASEBOOK_INVALID_UTF8);

    /* Malformed JSON: a malformed_json response, and the status via casebook_last_error. */
    CHECK_STATUS(casebook_execute(book, "{not json", 9, &out), CASEBOOK_OK);
    CHECK_CONTAINS(out, "\"code\":\"malformed_json\"");
    casebook_string_free(out);
    out = NULL;
    CHECK_STATUS(casebook_last_error(book, &last, &msg), CASEBOOK_OK);
    CHECK(last == CASEBOOK_MALFORMED_JSON);
    casebook_string_free(msg);

    /* Oversized input: 2 MiB of spaces is over the 1 MiB request limit. */
    {
        size_t n = 2u * 1024u * 1024u;
        char *big = (char *)malloc(n);
        CHECK(big != NULL);
        if (big) {
            memset(big, ' ', n);
            CHECK_STATUS(casebook_execute(book, big, n, &out), CASEBOOK_OK);
            CHECK_CONTAINS(out, "\"code\":\"too_large\"");
            casebook_string_free(out);
            out = NULL;
            free(big);
        }
    }

    /* A freed string passed back to casebook_string_free: detected, nothing freed twice. */
    CHECK_STATUS(casebook_execute(book, "[]", 2, &out), CASEBOOK_OK);
    CHECK_STATUS(casebook_string_free(out), CASEBOOK_OK);
    CHECK_STATUS(casebook_string_free(out), CASEBOOK_NOT_OWNED);
    /* A pointer the library never handed out. */
    {
        char mine[8] = "mine";
        CHECK_STATUS(casebook_string_free(mine), CASEBOOK_NOT_OWNED);
    }

    /* Bad typed inputs. */
    {
        casebook_actor who = actor(99, "u1");
        casebook_report_input rep;
        memset(&rep, 0, sizeof rep);
        rep.description = S("x");
        out = NULL;
        CHECK_STATUS(casebook_report(book, &who, &rep, &out), CASEBOOK_INVALID_ARGUMENT);
        who.role = CASEBOOK_ROLE_CUSTOMER;
        rep.description = S("   ");
        CHECK_STATUS(casebook_report(book, &who, &rep, &out), CASEBOOK_INVALID_INPUT);
        rep.description.ptr = NULL;
        rep.description.len = 3;
        CHECK_STATUS(casebook_report(book, &who, &rep, &out), CASEBOOK_NULL_ARGUMENT);
        {
            /* A description over the 64 KiB limit. */
            size_t n = 70000;
            char *long_text = (char *)malloc(n);
            CHECK(long_text != NULL);
            if (long_text) {
                memset(long_text, 'a', n);
                rep.description.ptr = long_text;
                rep.description.len = n;
                CHECK_STATUS(casebook_report(book, &who, &rep, &out), CASEBOOK_TOO_LARGE);
                free(long_text);
            }
        }
        rep.description = S("fine");
        rep.tags_len = 2; /* tags NULL with a length */
        CHECK_STATUS(casebook_report(book, &who, &rep, &out), CASEBOOK_NULL_ARGUMENT);
        CHECK(out == NULL);
    }

    /* A freed handle passed back: detected by address. */
    CHECK_STATUS(casebook_free(book), CASEBOOK_OK);
    CHECK_STATUS(casebook_free(book), CASEBOOK_NOT_OWNED);
    CHECK_STATUS(casebook_execute(book, "{}", 2, &out), CASEBOOK_NOT_OWNED);
    CHECK_STATUS(casebook_open("", 0, &none), CASEBOOK_INVALID_ARGUMENT);
}

static void test_typed_paths(void) {
    casebook *book = open_memory();
    casebook_actor ada = actor(CASEBOOK_ROLE_CUSTOMER, "u1");
    casebook_actor bob = actor(CASEBOOK_ROLE_CUSTOMER, "u2");
    casebook_diagnostic diags[3];
    casebook_str tags[1];
    casebook_report_input rep;
    char *out = NULL;
    casebook_str no_cursor = {NULL, 0};

    ada.name = S("Ada");
    diags[0].key = S("app_version");
    diags[0].value = S("5.2.1");
    diags[1].key = S("os");
    diags[1].value = S("Linux");
    diags[2].key = S("gpu");
    diags[2].value = S("none");
    tags[0] = S("export");
    memset(&rep, 0, sizeof rep);
    rep.description = S("The app crashes when I export to PDF.");
    rep.diagnostics = diags;
    rep.diagnostics_len = 3;
    rep.tags = tags;
    rep.tags_len = 1;

    CHECK_STATUS(casebook_report(book, &ada, &rep, &out), CASEBOOK_OK);
    CHECK_CONTAINS(out, "\"key\":\"CB-1\"");
    CHECK_CONTAINS(out, "\"app_version\":\"5.2.1\"");
    CHECK_CONTAINS(out, "\"gpu\":\"none\"");
    CHECK_CONTAINS(out, "\"timeline\"");
    CHECK(strncmp(out, "{\"id\":", 6) == 0);
    casebook_string_free(out);

    CHECK_STATUS(casebook_get(book, &ada, "cb-1", 4, &out), CASEBOOK_OK);
    CHECK_CONTAINS(out, "\"subject\":\"The app crashes when I export to PDF.\"");
    casebook_string_free(out);
    out = NULL;
    CHECK_STATUS(casebook_get(book, &bob, "CB-1", 4, &out), CASEBOOK_NOT_FOUND);
    CHECK(out == NULL);

    CHECK_STATUS(casebook_list_mine(book, &ada, true, no_cursor, 0, &out), CASEBOOK_OK);
    CHECK_CONTAINS(out, "\"cases\":[{");
    CHECK_CONTAINS(out, "CB-1");
    casebook_string_free(out);
    CHECK_STATUS(casebook_list_mine(book, &bob, false, no_cursor, 10, &out), CASEBOOK_OK);
    CHECK(strcmp(out, "{\"cases\":[]}") == 0);
    casebook_string_free(out);
    out = NULL;
    CHECK_STATUS(casebook_list_mine(book, &ada, false, S("garbage"), 0, &out),
                 CASEBOOK_INVALID_INPUT);
    CHECK(out == NULL);
    casebook_free(book);
}

static void test_panic_boundary(void) {
    casebook *book = open_memory();
    char *out = NULL;
    CHECK_STATUS(casebook_test_panic(book), CASEBOOK_PANIC);
    /* The handle is poisoned now: every call says so, and freeing it still works. */
    CHECK_STATUS(casebook_execute(book, "{}", 2, &out), CASEBOOK_POISONED);
    CHECK(out == NULL);
    CHECK_STATUS(casebook_test_panic(NULL), CASEBOOK_NULL_ARGUMENT);
    CHECK_STATUS(casebook_free(book), CASEBOOK_OK);
}

#define THREADS 4
#define PER_THREAD 25

static void *reporter(void *arg) {
    casebook *book = (casebook *)arg;
    long failures = 0;
    int i;
    for (i = 0; i < PER_THREAD; i++) {
        char *out = NULL;
        const char *req = "{\"op\":\"report\",\"as\":{\"role\":\"customer\",\"id\":\"u1\"},"
                          "\"description\":\"from a thread\"}";
        if (casebook_execute(book, req, strlen(req), &out) != CASEBOOK_OK ||
            strstr(out, "\"ok\":true") == NULL) {
            failures++;
        }
        casebook_string_free(out);
    }
    return (void *)failures;
}

static void test_threads_share_a_handle(void) {
    casebook *book = open_memory();
    pthread_t t[THREADS];
    int i;
    long failures = 0;
    char *out = NULL;
    casebook_actor staff = actor(CASEBOOK_ROLE_AGENT, "a1");
    char key[16];
    for (i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, reporter, book);
    for (i = 0; i < THREADS; i++) {
        void *r = NULL;
        pthread_join(t[i], &r);
        failures += (long)r;
    }
    CHECK(failures == 0);
    /* Every report got its own key: the last one is CB-100. */
    snprintf(key, sizeof key, "CB-%d", THREADS * PER_THREAD);
    CHECK_STATUS(casebook_get(book, &staff, key, strlen(key), &out), CASEBOOK_OK);
    casebook_string_free(out);
    casebook_free(book);
}

static void test_sqlite_file_persists(void) {
    char path[64];
    casebook *book = NULL;
    char *out = NULL;
    casebook_actor ada = actor(CASEBOOK_ROLE_CUSTOMER, "u1");
    casebook_report_input rep;
    snprintf(path, sizeof path, "/tmp/casebook-c-test-%ld.db", (long)getpid());
    remove(path);
    memset(&rep, 0, sizeof rep);
    rep.description = S("Persist me");
    CHECK_STATUS(casebook_open(path, strlen(path), &book), CASEBOOK_OK);
    CHECK_STATUS(casebook_report(book, &ada, &rep, &out), CASEBOOK_OK);
    casebook_string_free(out);
    casebook_free(book);
    book = NULL;
    CHECK_STATUS(casebook_open(path, strlen(path), &book), CASEBOOK_OK);
    CHECK_STATUS(casebook_get(book, &ada, "CB-1", 4, &out), CASEBOOK_OK);
    CHECK_CONTAINS(out, "Persist me");
    casebook_string_free(out);
    /* A second handle on the same file: each report gets its own key. */
    {
        casebook *other = NULL;
        CHECK_STATUS(casebook_open(path, strlen(path), &other), CASEBOOK_OK);
        CHECK_STATUS(casebook_report(other, &ada, &rep, &out), CASEBOOK_OK);
        CHECK_CONTAINS(out, "\"key\":\"CB-2\"");
        casebook_string_free(out);
        CHECK_STATUS(casebook_report(book, &ada, &rep, &out), CASEBOOK_OK);
        CHECK_CONTAINS(out, "\"key\":\"CB-3\"");
        casebook_string_free(out);
        /* ...and each handle sees what the other wrote. */
        CHECK_STATUS(casebook_get(other, &ada, "CB-3", 4, &out), CASEBOOK_OK);
        casebook_string_free(out);
        casebook_free(other);
    }
    casebook_free(book);
    {
        char wal[80];
        snprintf(wal, sizeof wal, "%s-wal", path);
        remove(wal);
        snprintf(wal, sizeof wal, "%s-shm", path);
        remove(wal);
    }
    remove(path);
    /* A file that is not a casebook: a storage status, no handle. */
    {
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs("this is not a database, just some text that goes on for a while........", f);
            fclose(f);
        }
        book = NULL;
        CHECK_STATUS(casebook_open(path, strlen(path), &book), CASEBOOK_STORAGE_CORRUPT);
        CHECK(book == NULL);
        remove(path);
    }
    /* A directory that does not exist: a storage status, no handle. */
    book = NULL;
    CHECK_STATUS(casebook_open("/nonexistent-dir/x.db", 20, &book), CASEBOOK_STORAGE_FAILED);
    CHECK(book == NULL);
}

int main(void) {
    test_version_and_statuses();
    test_execute_round_trip();
    test_misuse();
    test_typed_paths();
    test_panic_boundary();
    test_threads_share_a_handle();
    test_sqlite_file_persists();
    return TEST_SUMMARY("test_api");
}
