/* The bus suite against the in-process reference bus: the unfaulted refbus
 * and its allowed variants (smaller GET_DEVICES windows, other device
 * numbers) give no FAIL, WARN or ERROR; evidence records both sides; a
 * one-sided run or a bus without test hooks gives NA, not a failure; bad
 * refbus URIs are usage errors. (Every fault is caught: tests/mutation.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <vmsg/iut.h>
#include <vmsg/ref.h>

#include "suites.h"

struct tally {
    unsigned v[VMSG_VERDICT_COUNT];
    char first_bad[400];
    char window_verdict[16];
    unsigned sides_seen; /* bit 0: driver side frames, bit 1: device side frames */
    bool dirs_both;
};

static void on_result(void *arg, const struct vmsg_case_result *r)
{
    struct tally *t = arg;
    t->v[r->verdict]++;
    if ((r->verdict == VMSG_FAIL || r->verdict == VMSG_WARN || r->verdict == VMSG_ERROR) && !t->first_bad[0])
        snprintf(t->first_bad, sizeof t->first_bad, "%s %s %s: %.200s %.100s", r->def->id,
                 vmsg_verdict_name(r->verdict), r->clause, r->observed, r->reason);
    if (!strcmp(r->def->id, "bus.get-devices.window"))
        snprintf(t->window_verdict, sizeof t->window_verdict, "%s", vmsg_verdict_name(r->verdict));
    if (!strcmp(r->def->id, "bus.forward.addressed")) {
        bool to = false, from = false;
        for (unsigned i = 0; i < r->nframes; i++) {
            t->sides_seen |= 1u << r->frames[i].side;
            to |= r->frames[i].dir == 0;
            from |= r->frames[i].dir == 1;
        }
        t->dirs_both = to && from;
    }
}

static void run(const char *uri, const char *const *ics, bool one_sided, bool no_hooks, struct tally *t)
{
    size_t n = 0;
    const struct vmsg_case_def *cases = vmsg_suite_cases(VMSG_IUT_BUS, &n);
    struct vmsg_run_opts o;
    struct vmsg_iut_pair pair;
    char err[512];
    memset(&o, 0, sizeof o);
    memset(t, 0, sizeof *t);
    o.link.profile = VMSG_PROFILE_V1;
    o.link.dev_num = 1;
    o.link.max_msg_size = 264;
    o.role = -1;
    o.isolate = true;
    o.seed = 1;
    o.reply_timeout_ms = 50;
    o.timeout_multiplier = vmsg_timeout_multiplier_from_env();
    o.ics = ics;
    assert_int_equal(vmsg_iut_pair_init(&pair, uri, NULL, &o.link, err, sizeof err), 0);
    vmsg_iut_pair_apply(&pair, &o);
    if (one_sided)
        o.device_iut = NULL, o.device_iut_arg = NULL;
    if (no_hooks)
        o.iut_control = NULL;
    o.on_result = on_result;
    o.on_result_arg = t;
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, n, &o, &sum);
    assert_int_equal(sum.selected, n);
}

static void test_bus_suite_refbus_clean(void **state)
{
    (void)state;
    struct tally t;
    run("builtin:refbus", NULL, false, false, &t);
    if (t.v[VMSG_FAIL] || t.v[VMSG_WARN] || t.v[VMSG_ERROR] || t.v[VMSG_NA])
        fail_msg("unfaulted refbus: %u FAIL %u WARN %u ERROR %u NA: %s", t.v[VMSG_FAIL], t.v[VMSG_WARN],
                 t.v[VMSG_ERROR], t.v[VMSG_NA], t.first_bad);
    assert_string_equal(t.window_verdict, "PASS");
    assert_int_equal(t.sides_seen, 3);
    assert_true(t.dirs_both);
}

/* A bus answering GET_DEVICES 8 slots at a time, devices far apart: allowed. */
static void test_bus_suite_refbus_small_window(void **state)
{
    (void)state;
    static const char *const ics[] = {"bus.devices", "1,9,17", NULL, NULL};
    struct tally t;
    run("builtin:refbus?window=8&devices=1,9,17", ics, false, false, &t);
    if (t.v[VMSG_FAIL] || t.v[VMSG_WARN] || t.v[VMSG_ERROR] || t.v[VMSG_NA])
        fail_msg("small-window refbus: %u FAIL %u WARN %u ERROR %u NA: %s", t.v[VMSG_FAIL], t.v[VMSG_WARN],
                 t.v[VMSG_ERROR], t.v[VMSG_NA], t.first_bad);
    assert_string_equal(t.window_verdict, "INFO"); /* the smaller window is noted, not failed */
}

/* Devices the harness serves but the bus does not know: the suite fails it
 * (the bitmap and forwarding disagree with the device side). */
static void test_bus_suite_devices_disagree(void **state)
{
    (void)state;
    static const char *const ics[] = {"bus.devices", "1,2,5", NULL, NULL};
    struct tally t;
    run("builtin:refbus", ics, false, false, &t);
    assert_true(t.v[VMSG_FAIL] > 0);
}

static void test_bus_suite_one_sided_is_na(void **state)
{
    (void)state;
    struct tally t;
    run("builtin:refbus", NULL, true, false, &t);
    size_t n = 0;
    vmsg_suite_cases(VMSG_IUT_BUS, &n);
    /* every case needs both ends, except the advertised maximum (a hook) */
    assert_int_equal(t.v[VMSG_NA], n - 1);
    assert_int_equal(t.v[VMSG_FAIL] + t.v[VMSG_WARN] + t.v[VMSG_ERROR], 0);
}

static void test_bus_suite_no_hooks(void **state)
{
    (void)state;
    struct tally t;
    run("builtin:refbus?fault=bus-no-event-device-on-hotplug", NULL, false, true, &t);
    /* without a hotplug trigger the hotplug case cannot judge: NA, and the fault goes unseen */
    assert_int_equal(t.v[VMSG_NA], 1);
    assert_int_equal(t.v[VMSG_FAIL] + t.v[VMSG_WARN] + t.v[VMSG_ERROR], 0);
}

static void test_bus_pair_init_errors(void **state)
{
    (void)state;
    struct vmsg_iut_pair p;
    struct vmsg_link link = {VMSG_PROFILE_V1, 0, 264, 1};
    char err[512];
    static const char *bad[] = {"builtin:refbus?fault=dev-big-endian", "builtin:refbus?fault=no-such",
                                "builtin:refbus?window=7", "builtin:refbus?devices=1,x", "builtin:refbus?colour=red"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(vmsg_iut_pair_init(&p, bad[i], NULL, &link, err, sizeof err), 2);
        assert_true(err[0] != 0);
    }
    assert_int_equal(vmsg_iut_pair_init(&p, "unix:/tmp/x", NULL, &link, err, sizeof err), 2);
    assert_non_null(strstr(err, "--device-side"));
    assert_int_equal(vmsg_iut_pair_init(&p, "unix:/tmp/a", "nope:/tmp/b", &link, err, sizeof err), 2);
    assert_int_equal(vmsg_iut_pair_init(&p, "unix:/tmp/a", "unix:/tmp/b", &link, err, sizeof err), 0);
    assert_false(p.builtin);
    assert_int_equal(vmsg_iut_pair_init(&p, NULL, NULL, &link, err, sizeof err), 0);
    assert_true(p.builtin);
}

/* --- the external path: a refbus in another process, behind two sockets ---
 * The child listens on DIR/drv.sock and DIR/dev.sock and, for every pair of
 * connections (one per case, driver side first), relays through a fresh
 * refbus; frames are cut from the streams by msg_size. */
struct hostside {
    int fd;
    uint8_t buf[70000];
    size_t have;
};

static void emit_fd(void *ctx, const uint8_t *f, size_t len)
{
    int fd = *(int *)ctx;
    while (len) {
        ssize_t w = write(fd, f, len);
        if (w <= 0)
            return;
        f += w;
        len -= (size_t)w;
    }
}

/* Feed every complete frame of s to the bus; false when the stream is lost. */
static bool pump(struct vmsg_refbus *b, struct hostside *s, bool from_driver)
{
    ssize_t n = read(s->fd, s->buf + s->have, sizeof s->buf - s->have);
    if (n <= 0)
        return false;
    s->have += (size_t)n;
    for (;;) {
        size_t fl = vmsg_frame_len(VMSG_PROFILE_V1, s->buf, s->have);
        if (fl == 0 || s->have < fl)
            return s->have < sizeof s->buf;
        if (fl < 8)
            return false; /* framing lost */
        if (from_driver)
            vmsg_refbus_from_driver(b, s->buf, fl);
        else
            vmsg_refbus_from_device(b, s->buf, fl);
        memmove(s->buf, s->buf + fl, s->have - fl);
        s->have -= fl;
    }
}

static int listen_at(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, path, n + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4))
        return -1;
    return fd;
}

static _Noreturn void host_refbus(int ld, int lv)
{
    static struct hostside d, v;
    signal(SIGPIPE, SIG_IGN); /* a case may end while the bus still has something to say */
    for (;;) {
        d.fd = accept(ld, NULL, NULL);
        v.fd = accept(lv, NULL, NULL);
        d.have = v.have = 0;
        if (d.fd < 0 || v.fd < 0)
            _exit(1);
        struct vmsg_refbus_opts ro = {VMSG_PROFILE_V1, 264, {1, 2}, 2, 0};
        struct vmsg_refbus *b = vmsg_refbus_new(&ro, NULL, emit_fd, &d.fd, emit_fd, &v.fd);
        for (bool up = true; up;) {
            struct pollfd p[2] = {{d.fd, POLLIN, 0}, {v.fd, POLLIN, 0}};
            if (poll(p, 2, -1) < 0)
                continue;
            if (p[0].revents)
                up = pump(b, &d, true);
            if (up && p[1].revents)
                up = pump(b, &v, false);
        }
        vmsg_refbus_free(b);
        close(d.fd);
        close(v.fd);
    }
}

static void test_bus_suite_over_sockets(void **state)
{
    (void)state;
    char dir[] = "/tmp/vmsg-bus-XXXXXX", drv[200], dev[200], pd[160], pv[160];
    assert_non_null(mkdtemp(dir));
    snprintf(pd, sizeof pd, "%s/drv.sock", dir);
    snprintf(pv, sizeof pv, "%s/dev.sock", dir);
    int ld = listen_at(pd), lv = listen_at(pv);
    assert_true(ld >= 0 && lv >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        host_refbus(ld, lv);
    close(ld);
    close(lv);
    snprintf(drv, sizeof drv, "unix:%s", pd);
    snprintf(dev, sizeof dev, "unix:%s", pv);
    size_t n = 0;
    const struct vmsg_case_def *cases = vmsg_suite_cases(VMSG_IUT_BUS, &n);
    struct vmsg_run_opts o;
    struct vmsg_iut_pair pair;
    struct tally t;
    char err[512];
    memset(&o, 0, sizeof o);
    memset(&t, 0, sizeof t);
    o.link = (struct vmsg_link){VMSG_PROFILE_V1, 0, 264, 1};
    o.role = -1;
    o.isolate = true;
    o.seed = 1;
    o.reply_timeout_ms = 500; /* the CLI default for real IUTs; scaled by VMSG_TIMEOUT_MULTIPLIER */
    o.timeout_multiplier = vmsg_timeout_multiplier_from_env();
    assert_int_equal(vmsg_iut_pair_init(&pair, drv, dev, &o.link, err, sizeof err), 0);
    vmsg_iut_pair_apply(&pair, &o);
    o.on_result = on_result;
    o.on_result_arg = &t;
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, n, &o, &sum);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    unlink(pd);
    unlink(pv);
    rmdir(dir);
    if (t.v[VMSG_FAIL] || t.v[VMSG_WARN] || t.v[VMSG_ERROR])
        fail_msg("refbus over sockets: %u FAIL %u WARN %u ERROR: %s", t.v[VMSG_FAIL], t.v[VMSG_WARN],
                 t.v[VMSG_ERROR], t.first_bad);
    /* no test hooks over sockets: the hotplug case is NA, the maximum is the declared one */
    assert_int_equal(t.v[VMSG_NA], 1);
    assert_int_equal(t.sides_seen, 3);
}

/* The side API on a one-sided run: asking for the device side is a harness
 * ERROR naming it, never a verdict of the IUT; no hooks -> control false. */
static void body_device_side(struct vmsg_case *c)
{
    char reply[100];
    if (vmsg_case_control(c, "params", reply, sizeof reply) || !strstr(reply, "no test hooks"))
        vmsg_case_fail(c, "bus.ping.1", "no hooks", "control answered '%s'", reply);
    uint8_t buf[64];
    size_t len = 0;
    vmsg_case_recv_side(c, VMSG_SIDE_DEVICE, buf, sizeof buf, &len, 10, NULL, NULL);
    vmsg_case_fail(c, "bus.ping.1", "never reached", "recv_side returned");
}

static void test_side_api_one_sided(void **state)
{
    (void)state;
    static const struct vmsg_case_def def[] = {
        {"bus.test.device-side", "device side on a one-sided run", VMSG_IUT_BUS, {"bus.ping.1"}, "", body_device_side, 0}};
    struct vmsg_run_opts o;
    struct vmsg_iut_pair pair;
    struct tally t;
    char err[256];
    memset(&o, 0, sizeof o);
    memset(&t, 0, sizeof t);
    o.link = (struct vmsg_link){VMSG_PROFILE_V1, 0, 264, 1};
    o.role = -1;
    o.isolate = true;
    assert_int_equal(vmsg_iut_pair_init(&pair, NULL, NULL, &o.link, err, sizeof err), 0);
    vmsg_iut_pair_apply(&pair, &o);
    o.device_iut = NULL;
    o.iut_control = NULL;
    o.on_result = on_result;
    o.on_result_arg = &t;
    struct vmsg_run_summary sum;
    vmsg_run_cases(def, 1, &o, &sum);
    assert_int_equal(t.v[VMSG_ERROR], 1);
    assert_non_null(strstr(t.first_bad, "no device side"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bus_suite_refbus_clean),    cmocka_unit_test(test_bus_suite_refbus_small_window),
        cmocka_unit_test(test_bus_suite_devices_disagree), cmocka_unit_test(test_bus_suite_one_sided_is_na),
        cmocka_unit_test(test_bus_suite_no_hooks),        cmocka_unit_test(test_bus_pair_init_errors),
        cmocka_unit_test(test_bus_suite_over_sockets),
        cmocka_unit_test(test_side_api_one_sided),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
