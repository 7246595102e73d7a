/* `vmsg check` as a process: captures written with the capture writer, the
 * command run on them, exit code and output lines asserted. argv[1]: the vmsg
 * binary. */
#include <stdlib.h>
#include <sys/wait.h>

#include <vmsg/capture.h>

#include "check/check_trace.h"

static const char *vmsg_bin;

static const char *path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/tests/check/%s", VMSG_BINARY_DIR, name);
    return buf[k];
}

static void write_capture(const struct trace *t, const char *file, bool with_header)
{
    char err[256];
    struct vmsg_cap_wopts wo = {with_header ? VMSG_CAP_FORM_VMSGCAP : VMSG_CAP_FORM_VIRTIO_MSG, 0, false, 0};
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(file, &wo, err, sizeof err);
    assert_non_null(w);
    for (size_t i = 0; i < t->n; i++) {
        struct vmsg_cap_ts ts = {1700000000, (uint32_t)i};
        struct vmsg_cap_meta m = {(uint8_t)t->dir[i], 0, VMSG_BUS_LOOPBACK, 0, 0};
        assert_true(vmsg_cap_write(w, &ts, &m, t->buf[i], t->len[i]));
    }
    assert_true(vmsg_cap_writer_close(w, err, sizeof err));
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Run `vmsg check ARGS`; stdout to check.out, stderr to check.err. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' check %s >'%s' 2>'%s'", vmsg_bin, args, path("check.out"), path("check.err"));
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void session(struct trace *t)
{
    static const uint8_t offer[8] = {0, 0, 0, 0, 1, 0, 0, 0};
    REQ(1, GET_DEVICE_INFO, );
    RESP(1, GET_DEVICE_INFO, F(NUM_FEATURE_BITS, 64) F(CONFIG_SIZE, 16) F(MAX_VIRTQUEUES, 1));
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer, 8));
    REQ(1, SET_DRIVER_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer, 8));
    RESP(1, SET_DRIVER_FEATURES, );
    REQ(1, SET_DEVICE_STATUS, F(STATUS, 11));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, 11));
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 0));
    RESP(1, GET_CONFIG, F(GENERATION, 4) F(OFFSET, 0) F(LENGTH, 0));
}

static void cli_clean_capture_exit_0(void **state)
{
    (void)state;
    struct trace *t = calloc(1, sizeof *t);
    session(t);
    write_capture(t, path("clean.pcap"), true);
    char args[600];
    snprintf(args, sizeof args, "--complete '%s'", path("clean.pcap"));
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(slurp(path("check.out")), "10 frames, 0 failures, 0 warnings, 0 info (profile v1)"));
    free(t);
}

static void cli_stale_set_config_exit_1(void **state)
{
    (void)state;
    struct trace *t = calloc(1, sizeof *t);
    session(t);
    EVT(1, EVENT_CONFIG, F(STATUS, 11) F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 0));
    REQ(1, SET_CONFIG, F(GENERATION, 4) F(OFFSET, 0) F(LENGTH, 8) B(DATA, "abcdefgh", 8));
    uint64_t f = RESP(1, SET_CONFIG, F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 8));
    write_capture(t, path("stale.pcap"), true);
    char args[600], want[700];
    snprintf(args, sizeof args, "'%s'", path("stale.pcap"));
    assert_int_equal(run(args), 1);
    snprintf(want, sizeof want,
             "%s:frame %llu: device.set-config.1: length: expected 0 (stale generation 4, current 5), got 8\n",
             path("stale.pcap"), (unsigned long long)f);
    const char *out = slurp(path("check.out"));
    if (!strstr(out, want))
        fprintf(stderr, "output:\n%s", out);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "device.set-config.1          1 FAIL, 0 WARN, 0 INFO"));
    /* JSON: the results schema */
    snprintf(args, sizeof args, "--format json '%s'", path("stale.pcap"));
    assert_int_equal(run(args), 1);
    out = slurp(path("check.out"));
    assert_non_null(strstr(out, "\"mode\": \"check\""));
    assert_non_null(strstr(out, "\"complete\": true"));
    assert_non_null(strstr(out, "\"clause\": \"device.set-config.1\""));
    /* only driver clauses: nothing */
    snprintf(args, sizeof args, "--role driver '%s'", path("stale.pcap"));
    assert_int_equal(run(args), 0);
    /* the same capture without capture headers: directions unknown, same finding, profile guessed */
    write_capture(t, path("stale-bare.pcap"), false);
    snprintf(args, sizeof args, "'%s'", path("stale-bare.pcap"));
    assert_int_equal(run(args), 1);
    assert_non_null(strstr(slurp(path("check.out")), "device.set-config.1: length: expected 0"));
    assert_non_null(strstr(slurp(path("check.err")), "guessed"));
    free(t);
}

static void cli_should_is_warn_unless_strict(void **state)
{
    (void)state;
    struct trace *t = calloc(1, sizeof *t);
    session(t);
    REQ(1, RESET_VQUEUE, F(INDEX, 0)); /* RING_RESET not negotiated: a SHOULD */
    RESP(1, RESET_VQUEUE, );
    write_capture(t, path("warn.pcap"), true);
    char args[600];
    snprintf(args, sizeof args, "'%s'", path("warn.pcap"));
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(slurp(path("check.out")), "driver.reset-vqueue.1: "));
    snprintf(args, sizeof args, "--strict '%s'", path("warn.pcap"));
    assert_int_equal(run(args), 1);
    free(t);
}

static void cli_bad_input_exit_2(void **state)
{
    (void)state;
    char args[600];
    snprintf(args, sizeof args, "'%s'", path("does-not-exist.pcap"));
    assert_int_equal(run(args), 2);
    assert_non_null(strstr(slurp(path("check.err")), "does-not-exist.pcap"));
    assert_int_equal(run("--profile v9 x.pcap"), 2);
    assert_non_null(strstr(slurp(path("check.err")), "--profile: unknown profile 'v9'"));
    assert_int_equal(run("--max-size 0 x.pcap"), 2);
    assert_int_equal(run("--help"), 0);
    assert_non_null(strstr(slurp(path("check.out")), "example:"));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s VMSG_BINARY\n", argv[0]);
        return 2;
    }
    vmsg_bin = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_clean_capture_exit_0),
        cmocka_unit_test(cli_stale_set_config_exit_1),
        cmocka_unit_test(cli_should_is_warn_unless_strict),
        cmocka_unit_test(cli_bad_input_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
