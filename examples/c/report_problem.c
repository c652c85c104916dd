/* A host product's "report a problem" screen, in C: open a casebook, report a problem with
 * diagnostics, list the user's cases, show one with its timeline; every error is handled.
 *
 *   cc report_problem.c $(pkg-config --cflags --libs casebook) -o report_problem
 *   ./report_problem [casebook.db]      (default: an in-memory casebook)
 */
#include <casebook.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static casebook_str text(const char *s) {
    casebook_str t;
    t.ptr = s;
    t.len = strlen(s);
    return t;
}

/* Prints why a call failed: the status name, and the handle's detailed message when there is one. */
static void explain(casebook *book, const char *what, casebook_status status) {
    uint32_t last = 0;
    char *message = NULL;
    fprintf(stderr, "%s failed: %s (%s)\n", what, casebook_status_name(status),
            casebook_status_message(status));
    if (book != NULL && casebook_last_error(book, &last, &message) == CASEBOOK_OK) {
        if (last == status && message[0] != '\0') fprintf(stderr, "  detail: %s\n", message);
        casebook_string_free(message);
    }
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : ":memory:";
    casebook *book = NULL;
    casebook_status s;
    char *reported = NULL, *page = NULL, *shown = NULL;
    casebook_actor user;
    casebook_report_input report;
    casebook_diagnostic diagnostics[3];
    casebook_str no_cursor = {NULL, 0};
    int exit_code = 1;

    printf("Casebook %s (built against %d.%d.%d)\n", casebook_version(), CASEBOOK_VERSION_MAJOR,
           CASEBOOK_VERSION_MINOR, CASEBOOK_VERSION_PATCH);

    s = casebook_open(path, strlen(path), &book);
    if (s != CASEBOOK_OK) {
        explain(NULL, "opening the casebook", s);
        return 1;
    }

    /* The signed-in user, and what the "report a problem" form collected. */
    memset(&user, 0, sizeof user);
    user.role = CASEBOOK_ROLE_CUSTOMER;
    user.id = text("user-42");
    user.name = text("Ada");
    diagnostics[0].key = text("app_version");
    diagnostics[0].value = text("5.2.1");
    diagnostics[1].key = text("os");
    diagnostics[1].value = text("Linux 6.1");
    diagnostics[2].key = text("renderer");
    diagnostics[2].value = text("legacy");
    memset(&report, 0, sizeof report);
    report.description = text("The app crashes when I export a report to PDF.\nIt worked yesterday.");
    report.diagnostics = diagnostics;
    report.diagnostics_len = 3;

    s = casebook_report(book, &user, &report, &reported);
    if (s != CASEBOOK_OK) {
        explain(book, "reporting the problem", s);
        goto done;
    }
    printf("reported: %s\n", reported);

    s = casebook_list_mine(book, &user, true, no_cursor, 20, &page);
    if (s != CASEBOOK_OK) {
        explain(book, "listing my cases", s);
        goto done;
    }
    printf("my open cases: %s\n", page);

    s = casebook_get(book, &user, "CB-1", 4, &shown);
    if (s != CASEBOOK_OK) {
        explain(book, "showing CB-1", s);
        goto done;
    }
    printf("CB-1 with its timeline: %s\n", shown);

    /* An error path a product meets: a case that does not exist (or is not the user's). */
    {
        char *missing = NULL;
        s = casebook_get(book, &user, "CB-999", 6, &missing);
        if (s == CASEBOOK_NOT_FOUND) {
            printf("CB-999: not found, as expected\n");
        } else {
            explain(book, "showing CB-999", s);
            casebook_string_free(missing);
            goto done;
        }
    }
    exit_code = 0;

done:
    casebook_string_free(reported);
    casebook_string_free(page);
    casebook_string_free(shown);
    casebook_free(book);
    return exit_code;
}
