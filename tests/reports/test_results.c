/* The results writer API: a fixture produced through the API (compared with
 * the checked-in fixtures/api.json), text cleaning of hostile strings, the
 * per-clause finding cap, the tally line, and crash safety (a child writing
 * cases is SIGKILLed mid-run; the file left behind parses, holds the cases
 * finished so far and says complete: false). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <vmsg/results.h>

#include "report.h"

static const char *out_path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/tests/reports/%s", VMSG_BINARY_DIR, name);
    return buf[k];
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    return b;
}

/* Writes the same content as fixtures/api.json, every verdict once. */
static void write_api_fixture(const char *path)
{
    struct vmsg_results_info info = {.mode = "run", .profile = "v1", .iut = "builtin:refdev",
                                     .fixed_time = "2026-01-02T03:04:05Z", .no_fsync = true};
    struct vmsg_results *r;
    char err[256];
    assert_int_equal(vmsg_results_open(&r, path, &info, err, sizeof err), 0);
    struct vmsg_results_clause cl = {"device.get-config.1", "device", "MUST", "GET_CONFIG", 1,
                                     "answers GET_CONFIG"};
    assert_int_equal(vmsg_results_add_clause(r, &cl), 0);
    assert_int_equal(vmsg_results_add_clause(r, &cl), 0); /* same id: ignored */
    assert_int_equal(vmsg_results_set_ics(r, "device", "device_id", "1"), 0);
    assert_int_equal(vmsg_results_set_ics(r, "bus", "max_msg_size", "40"), 0);
    static const uint8_t req[] = {0, 5, 1, 0, 7, 0, 16, 0, 0, 0, 0, 0, 4, 0, 0, 0};
    struct vmsg_results_frame fr[] = {
        {"driver", "device", req, sizeof req, NULL, false}, /* summary from the codec */
        {"device", "driver", req, 3, "short answer", true},
    };
    const char *cls[] = {"device.get-config.1"};
    struct vmsg_results_case_finding cf[] = {
        {2, "device.get-config.1", "check.get-config-gen", "MUST", VMSG_FAIL, "generation: expected 4, got 3"},
    };
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++) {
        char id[64];
        snprintf(id, sizeof id, "api.case-%s", vmsg_verdict_name((enum vmsg_verdict)v));
        struct vmsg_results_case c = {.id = id, .suite = "device", .title = "via the API",
                                      .clauses = cls, .nclauses = 1,
                                      .verdict = (enum vmsg_verdict)v, .duration_ms = 1.25,
                                      .expected = "4 bytes", .observed = "3 bytes",
                                      .frames = v == VMSG_FAIL ? fr : NULL,
                                      .nframes = v == VMSG_FAIL ? 2 : 0,
                                      .reason = v == VMSG_SKIP ? "not selected" : NULL,
                                      .findings = v == VMSG_FAIL ? cf : NULL,
                                      .nfindings = v == VMSG_FAIL ? 1 : 0,
                                      .findings_dropped = v == VMSG_FAIL ? 2 : 0};
        assert_int_equal(vmsg_results_add_case(r, &c), 0);
    }
    struct vmsg_results_finding f = {3, "common.reserved-zero.1", "MUST", VMSG_FAIL,
                                     "frame 3: common.reserved-zero.1: type: expected 0, got 0x40"};
    assert_int_equal(vmsg_results_add_finding(r, &f), 0);
    struct vmsg_tally t;
    assert_int_equal(vmsg_results_close(r, &t, err, sizeof err), 0);
    assert_int_equal(t.cases[VMSG_PASS], 1);
    assert_int_equal(t.findings[VMSG_FAIL], 1);
}

static void results_api_matches_fixture(void **state)
{
    const char *path = out_path("api.json");
    write_api_fixture(path);
    char *got = slurp(path);
    char fx[512];
    snprintf(fx, sizeof fx, "%s/tests/reports/fixtures/api.json", VMSG_SOURCE_DIR);
    char *want = slurp(fx);
    assert_non_null(got);
    assert_non_null(want);
    assert_string_equal(got, want); /* regenerate with tests/reports/update-golden.sh */
    free(got);
    free(want);
    struct vmsg_report rep;
    char err[256];
    assert_int_equal(vmsg_report_load(path, &rep, err, sizeof err), 0);
    assert_true(rep.complete);
    assert_int_equal(rep.ncases, VMSG_VERDICT_COUNT);
    const struct vmsg_rep_case *fc = &rep.cases[VMSG_FAIL]; /* one case per verdict, enum order */
    assert_string_equal(fc->id, "api.case-FAIL");
    assert_int_equal(fc->nframes, 2);
    assert_string_equal(fc->frames[0].summary, "GET_CONFIG req dev=1 tok=7 offset=0 length=4");
    assert_true(fc->frames[1].failing);
    assert_string_equal(fc->frames[1].hex, "000501");
    vmsg_report_free(&rep);
}

static void results_clean_text_hostile(void **state)
{
    static const char in[] = "a\0b\x01\xff\xc3\xa9\xed\xa0\x80<script>\xf0\x9f";
    char *s = vmsg_results_clean_text(in, sizeof in - 1, 0, false);
    /* NUL -> U+2400, \xff -> U+FFFD, e-acute kept, surrogate -> 3x U+FFFD, cut 4-byte -> 2x */
    assert_string_equal(s, "a\xe2\x90\x80"
                           "b\x01\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd<script>"
                           "\xef\xbf\xbd\xef\xbf\xbd");
    free(s);
    s = vmsg_results_clean_text("abcdef\xc3\xa9xyz", 12, 7, false); /* cut inside e-acute */
    assert_string_equal(s, "abcdef [... 6 bytes cut]");
    free(s);
    s = vmsg_results_clean_text("abcdef", 6, 2, true);
    assert_string_equal(s, "[... 4 bytes cut] ef");
    free(s);
}

static void results_finding_cap_counts_the_rest(void **state)
{
    const char *path = out_path("cap.json");
    struct vmsg_results_info info = {.mode = "check", .iut = "x.pcap", .findings_per_clause = 5,
                                     .flush_every = 3, .no_fsync = true};
    struct vmsg_results *r;
    char err[256];
    assert_int_equal(vmsg_results_open(&r, path, &info, err, sizeof err), 0);
    for (unsigned i = 1; i <= 1000; i++) {
        struct vmsg_results_finding f = {i, i % 2 ? "device.header.1" : "bus.ping.1", "MUST",
                                         VMSG_FAIL, "boom"};
        assert_int_equal(vmsg_results_add_finding(r, &f), 0);
    }
    struct vmsg_tally t;
    assert_int_equal(vmsg_results_close(r, &t, err, sizeof err), 0);
    assert_int_equal(t.findings[VMSG_FAIL], 1000);
    char line[128];
    vmsg_tally_line(&t, line, sizeof line);
    assert_string_equal(line, "0 passed, 1000 failed");
    assert_int_equal(vmsg_tally_exit_code(&t, false), 1);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "findings")), 10);
    json_t *sum = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "findings_total")), 1000);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(sum, "findings_dropped"), "bus.ping.1")), 495);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(sum, "coverage"), "failed")), 2);
    json_decref(root);
}

static void results_tally_line_and_exit(void **state)
{
    struct vmsg_tally t = {{0}, {0}};
    char line[128];
    vmsg_tally_line(&t, line, sizeof line);
    assert_string_equal(line, "0 passed, 0 failed");
    t.cases[VMSG_PASS] = 3;
    t.cases[VMSG_SKIP] = 1;
    t.cases[VMSG_NA] = 1;
    t.cases[VMSG_WARN] = 1;
    vmsg_tally_line(&t, line, sizeof line);
    assert_string_equal(line, "3 passed, 0 failed, 2 skipped, 1 warnings");
    assert_int_equal(vmsg_tally_exit_code(&t, false), 0);
    assert_int_equal(vmsg_tally_exit_code(&t, true), 1);
    t.cases[VMSG_ERROR] = 1;
    assert_int_equal(vmsg_tally_exit_code(&t, false), 3);
}

static void results_open_bad_path_fails(void **state)
{
    struct vmsg_results *r;
    char err[256];
    assert_int_equal(vmsg_results_open(&r, "/nonexistent/dir/results.json", NULL, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "/nonexistent/dir/results.json"));
}

/* The child writes cases forever and tells the parent after each one; the
 * parent kills it after it has heard of `want` finished cases. */
static void results_sigkill_leaves_parseable_file(void **state)
{
    const char *path = out_path("killed.json");
    unlink(path);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        struct vmsg_results_info info = {.mode = "run", .iut = "builtin:refdev"};
        struct vmsg_results *r;
        char err[256];
        if (vmsg_results_open(&r, path, &info, err, sizeof err))
            _exit(3);
        for (unsigned long i = 0;; i++) {
            char id[64];
            snprintf(id, sizeof id, "crash.case-%lu", i);
            const char *cls[] = {"device.header.1"};
            struct vmsg_results_case c = {.id = id, .suite = "device", .title = "t",
                                          .clauses = cls, .nclauses = 1,
                                          .verdict = VMSG_PASS};
            if (vmsg_results_add_case(r, &c))
                _exit(3);
            for (int k = 0; k < 50; k++) { /* findings between cases, as the checker would */
                struct vmsg_results_finding f = {i, "device.header.1", "MUST", VMSG_INFO, "x"};
                vmsg_results_add_finding(r, &f);
            }
            if (write(p[1], "x", 1) != 1)
                _exit(3);
        }
    }
    close(p[1]);
    const unsigned want = 20;
    char c;
    for (unsigned n = 0; n < want; n++)
        assert_int_equal(read(p[0], &c, 1), 1);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(p[0]);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    struct vmsg_report rep;
    char err[256];
    assert_int_equal(vmsg_report_load(path, &rep, err, sizeof err), 0);
    assert_false(rep.complete);
    assert_true(rep.ncases >= want);
    for (size_t i = 0; i < rep.ncases; i++) { /* finished cases, in order, none torn */
        char id[64];
        snprintf(id, sizeof id, "crash.case-%zu", i);
        assert_string_equal(rep.cases[i].id, id);
    }
    vmsg_report_free(&rep);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--write-api-fixture")) { /* used by update-golden.sh */
        write_api_fixture(argv[2]);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(results_api_matches_fixture),
        cmocka_unit_test(results_clean_text_hostile),
        cmocka_unit_test(results_finding_cap_counts_the_rest),
        cmocka_unit_test(results_tally_line_and_exit),
        cmocka_unit_test(results_open_bad_path_fails),
        cmocka_unit_test(results_sigkill_leaves_parseable_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
