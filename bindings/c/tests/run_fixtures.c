/* Runs the shared scenario fixtures through the C ABI.
 *
 * Input (stdin or argv[1]): records made by `cargo run -p casebook-ffi --example fixtures -- emit`:
 *   "F <n>\n<n bytes: fixture name>\n" starts a fixture (a fresh in-memory casebook, ids seeded
 *   with 1, clock fixed at 2026-01-01T00:00:00Z);
 *   "R <n>\n<n bytes: request>\n" is one request, sent as-is.
 * Output (stdout): one response per request, one per line, for the `check` step to compare with
 * the Rust protocol byte for byte and with the fixtures' expectations. */
#include "casebook.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    FILE *in = stdin;
    casebook *book = NULL;
    casebook_options opts = {0};
    char kind;
    size_t n;
    int failures = 0;
    opts.id_seed = 1;
    opts.fixed_time_ms = 1767225600000LL;
    if (argc > 1) {
        in = fopen(argv[1], "rb");
        if (in == NULL) {
            perror(argv[1]);
            return 2;
        }
    }
    while (fscanf(in, "%c %zu", &kind, &n) == 2) {
        char *buf = (char *)malloc(n + 1);
        char *response = NULL;
        casebook_status s;
        if (buf == NULL || fgetc(in) != '\n' || fread(buf, 1, n, in) != n || fgetc(in) != '\n') {
            fprintf(stderr, "run_fixtures: truncated record\n");
            free(buf);
            failures++;
            break;
        }
        if (kind == 'F') {
            casebook_free(book);
            book = NULL;
            s = casebook_open_with(":memory:", 8, &opts, &book);
            if (s != CASEBOOK_OK) {
                fprintf(stderr, "open failed: %s\n", casebook_status_name(s));
                free(buf);
                return 1;
            }
        } else {
            s = casebook_execute(book, buf, n, &response);
            if (s != CASEBOOK_OK) {
                fprintf(stderr, "execute failed: %s\n", casebook_status_name(s));
                failures++;
            } else {
                printf("%s\n", response);
                casebook_string_free(response);
            }
        }
        free(buf);
    }
    casebook_free(book);
    if (in != stdin) fclose(in);
    return failures == 0 ? 0 : 1;
}
