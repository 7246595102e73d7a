/* Runner tests with a toy in-process IUT: verdicts, isolation (timeout,
 * crash), evidence, expectations, --strict and selection. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <vmsg/engine.h>

/* --- toy IUT: answers GET_DEVICE_STATUS with status 0x0f (twice for
 * dev_num 7), GET_DEVICE_INFO with a config_size that grows by one at every
 * answer ------------------------------------------------------------------ */
struct toy {
    uint8_t out[4][64];
    size_t outlen[4];
    unsigned n;
    unsigned infos;
};

static void *toy_open(void *arg, char *err, size_t errlen)
{
    if (arg) {
        snprintf(err, errlen, "toy: refused");
        return NULL;
    }
    return calloc(1, sizeof(struct toy));
}

static enum vmsg_io toy_send(void *conn, const uint8_t *f, size_t len, char *err, size_t errlen)
{
    struct toy *t = conn;
    struct vmsg_msg m, r;
    struct vmsg_diag d;
    (void)err;
    (void)errlen;
    if (vmsg_decode(VMSG_PROFILE_V1, 0, f, len, &m, &d) != VMSG_OK || !m.def)
        return VMSG_IO_OK;
    unsigned copies = m.dev_num == 7 ? 2 : 1;
    if (m.def->mname == VMSG_M_GET_DEVICE_STATUS && m.kind == VMSG_KIND_REQUEST) {
        vmsg_msg_init(&r, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE,
                      m.dev_num);
        vmsg_set(&r, VMSG_FLD_STATUS, 0x0f);
    } else if (m.def->mname == VMSG_M_GET_DEVICE_INFO && m.kind == VMSG_KIND_REQUEST) {
        vmsg_msg_init(&r, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE,
                      m.dev_num);
        vmsg_set(&r, VMSG_FLD_DEVICE_ID, 2);
        vmsg_set(&r, VMSG_FLD_CONFIG_SIZE, 8 + t->infos++);
    } else {
        return VMSG_IO_OK;
    }
    r.token = m.token;
    for (unsigned k = 0; k < copies && t->n < 4; k++) {
        t->outlen[t->n] = vmsg_encode(&r, t->out[t->n], sizeof t->out[0]);
        t->n++;
    }
    return VMSG_IO_OK;
}

static enum vmsg_io toy_recv(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                             size_t errlen)
{
    struct toy *t = conn;
    (void)timeout_ms;
    (void)err;
    (void)errlen;
    if (!t->n)
        return VMSG_IO_TIMEOUT;
    memcpy(buf, t->out[0], t->outlen[0] < cap ? t->outlen[0] : cap);
    *len = t->outlen[0];
    memmove(t->out[0], t->out[1], sizeof t->out[0] * 3);
    memmove(t->outlen, t->outlen + 1, sizeof t->outlen[0] * 3);
    t->n--;
    return VMSG_IO_OK;
}

static void toy_close(void *conn) { free(conn); }

static const struct vmsg_iut_ops toy_ops = {toy_open, toy_send, toy_recv, NULL, toy_close, NULL};

/* --- cases --------------------------------------------------------------- */
static void ask_status(struct vmsg_case *c, uint32_t expect)
{
    struct vmsg_msg req, resp;
    uint8_t buf[256];
    vmsg_msg_init(&req, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST,
                  vmsg_case_link(c)->dev_num);
    if (!vmsg_case_request(c, &req, buf, sizeof buf, &resp, "device.get-status.1"))
        return;
    if (vmsg_get(&resp, VMSG_FLD_STATUS) != expect) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-status.1", "status 0x10", "status 0x%llx",
                       (unsigned long long)vmsg_get(&resp, VMSG_FLD_STATUS));
    }
}

static void case_pass(struct vmsg_case *c) { ask_status(c, 0x0f); }
static void case_fail(struct vmsg_case *c) { ask_status(c, 0x10); }
static void case_warn(struct vmsg_case *c) { vmsg_case_warn(c, "device.notify.2", "x", "y"); }
static void case_na(struct vmsg_case *c)
{
    vmsg_case_na(c, "RING_RESET not offered");
    vmsg_case_abort(c);
}
static void case_hang(struct vmsg_case *c)
{
    ask_status(c, 0x0f); /* leaves two frames of evidence before hanging */
    for (;;)
        pause();
}
static void case_crash(struct vmsg_case *c)
{
    (void)c;
    raise(SIGSEGV);
}
static void case_silence(struct vmsg_case *c) { vmsg_case_expect_silence(c, 10, "device.errors.1", "no reply"); }

static bool ask(struct vmsg_case *c, unsigned mname, uint16_t dev_num, struct vmsg_msg *resp, uint8_t *buf, size_t cap)
{
    struct vmsg_msg req;
    vmsg_msg_init(&req, VMSG_PROFILE_V1, 0, mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, dev_num);
    return vmsg_case_request(c, &req, buf, cap, resp, "device.mandatory.1");
}

/* The case judges nothing itself: the passive checker sees the device
 * change its GET_DEVICE_INFO answer (device.get-device-info.1). */
static void case_info_twice(struct vmsg_case *c)
{
    struct vmsg_msg resp;
    uint8_t buf[256];
    ask(c, VMSG_M_GET_DEVICE_INFO, 1, &resp, buf, sizeof buf);
    ask(c, VMSG_M_GET_DEVICE_INFO, 1, &resp, buf, sizeof buf);
}

/* The same, and then the case states its own failure: its statement is the
 * verdict's, the checker's finding stays in the evidence. */
static void case_info_twice_own(struct vmsg_case *c)
{
    case_info_twice(c);
    vmsg_case_fail(c, "device.mandatory.1", "x", "y");
}

/* The harness misbehaves (config access before GET_DEVICE_INFO, a response
 * sent to the device): the checker's findings about those frames are not the
 * IUT's. The toy's duplicate answer on dev 7 breaks a bus clause, which does
 * not bind a device. */
static void case_odd_harness(struct vmsg_case *c)
{
    struct vmsg_msg m, resp;
    uint8_t buf[256];
    vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1);
    vmsg_set(&m, VMSG_FLD_LENGTH, 4);
    vmsg_case_send_msg(c, &m);
    vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1);
    vmsg_case_send_msg(c, &m);
    /* a GET_DEVICE_INFO answer forged by the harness: by its type a device's
     * frame, and it contradicts the answer before it (device.get-device-info.1),
     * but the harness sent it; the toy's own answer then comes unmatched */
    size_t len = 0;
    ask(c, VMSG_M_GET_DEVICE_INFO, 1, &resp, buf, sizeof buf);
    vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1);
    vmsg_case_send_msg(c, &m);
    vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1);
    vmsg_set(&m, VMSG_FLD_DEVICE_ID, 2);
    vmsg_set(&m, VMSG_FLD_CONFIG_SIZE, 100);
    vmsg_case_send_msg(c, &m);
    vmsg_case_recv(c, buf, sizeof buf, &len, 10, NULL, NULL);
    ask(c, VMSG_M_GET_DEVICE_STATUS, 7, &resp, buf, sizeof buf);
    vmsg_case_recv(c, buf, sizeof buf, &len, 10, NULL, NULL); /* the second copy */
}

/* Gathering bodies (vmsg_run_ics). */
static void ics_status(struct vmsg_case *c)
{
    struct vmsg_msg resp;
    uint8_t buf[256];
    vmsg_case_set_ics(c, "toy.name", "toy %d", 1);
    if (ask(c, VMSG_M_GET_DEVICE_STATUS, 1, &resp, buf, sizeof buf))
        vmsg_case_set_ics(c, "device.status", "0x%02x", (unsigned)vmsg_get(&resp, VMSG_FLD_STATUS));
    if (!ask(c, VMSG_M_RESET_VQUEUE, 1, &resp, buf, sizeof buf)) /* the toy never answers it */
        vmsg_case_set_ics(c, "device.reset_vqueue", "no answer");
}

static void ics_hang(struct vmsg_case *c)
{
    ics_status(c);
    struct vmsg_msg m;
    vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1);
    vmsg_set(&m, VMSG_FLD_INDEX, 3);
    vmsg_case_send_msg(c, &m);
    for (;;) /* an in-process IUT stuck in its answer */
        pause();
}

static void ics_crash(struct vmsg_case *c)
{
    vmsg_case_set_ics(c, "toy.name", "about to crash");
    raise(SIGSEGV);
}

static const struct vmsg_case_def cases[] = {
    {"toy.pass", "status read", VMSG_IUT_DEVICE, {"device.get-status.1"}, "status quick", case_pass, 0},
    {"toy.fail", "status mismatch", VMSG_IUT_DEVICE, {"device.get-status.1"}, "status", case_fail, 0},
    {"toy.warn", "a should", VMSG_IUT_DEVICE, {"device.notify.2"}, "", case_warn, 0},
    {"toy.na", "not applicable", VMSG_IUT_DEVICE, {"device.reset-vqueue.1"}, "", case_na, 0},
    {"toy.hang", "never ends", VMSG_IUT_DEVICE, {"device.get-status.1"}, "slow", case_hang, 300},
    {"toy.crash", "crashes", VMSG_IUT_DEVICE, {"device.get-status.1"}, "", case_crash, 0},
    {"toy.silence", "no traffic", VMSG_IUT_DEVICE, {"device.errors.1"}, "quick", case_silence, 0},
    {"toy.driver", "driver role", VMSG_IUT_DRIVER, {"driver.header.1"}, "", case_pass, 0},
    {"toy.info-twice", "checker judges", VMSG_IUT_DEVICE, {"device.mandatory.1"}, "checker", case_info_twice, 0},
    {"toy.info-twice-own", "checker and case", VMSG_IUT_DEVICE, {"device.mandatory.1"}, "checker",
     case_info_twice_own, 0},
    {"toy.odd-harness", "harness misbehaves", VMSG_IUT_DEVICE, {"device.mandatory.1"}, "checker", case_odd_harness, 0},
};
static const struct vmsg_case_def ics_defs[] = {
    {"toy.ics", "gather", VMSG_IUT_DEVICE, {NULL}, "ics", ics_status, 0},
    {"toy.ics-hang", "gather, then hang", VMSG_IUT_DEVICE, {NULL}, "ics", ics_hang, 300},
    {"toy.ics-crash", "gather, then crash", VMSG_IUT_DEVICE, {NULL}, "ics", ics_crash, 0},
};
#define NCASES (sizeof cases / sizeof cases[0])

static struct vmsg_case_result results[NCASES];
static unsigned nresults;

static void on_result(void *arg, const struct vmsg_case_result *r)
{
    (void)arg;
    if (nresults < NCASES)
        results[nresults++] = *r;
}

static struct vmsg_run_opts base_opts(void)
{
    struct vmsg_run_opts o;
    memset(&o, 0, sizeof o);
    o.iut = &toy_ops;
    o.link.profile = VMSG_PROFILE_V1;
    o.link.dev_num = 1;
    o.link.max_msg_size = 264;
    o.role = -1;
    o.isolate = true;
    o.on_result = on_result;
    nresults = 0;
    return o;
}

static const struct vmsg_case_result *result_of(const char *id)
{
    for (unsigned i = 0; i < nresults; i++)
        if (!strcmp(results[i].def->id, id))
            return &results[i];
    return NULL;
}

static void test_verdicts_and_isolation(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.role = VMSG_IUT_DEVICE;
    o.tag = NULL;
    o.id_glob = "toy.[pfwnhcs]*";
    struct vmsg_run_summary sum;
    int rc = vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(rc, 1);
    assert_int_equal(sum.selected, 7);
    assert_int_equal(result_of("toy.pass")->verdict, VMSG_PASS);
    assert_int_equal(result_of("toy.pass")->nframes, 2);
    const struct vmsg_case_result *f = result_of("toy.fail");
    assert_int_equal(f->verdict, VMSG_FAIL);
    assert_string_equal(f->clause, "device.get-status.1");
    assert_string_equal(f->observed, "status 0xf");
    assert_true(f->frames[1].marked);
    assert_false(f->frames[0].marked);
    assert_int_equal(f->frames[1].dir, 1);
    assert_int_equal(result_of("toy.warn")->verdict, VMSG_WARN);
    assert_int_equal(result_of("toy.na")->verdict, VMSG_NA);
    assert_string_equal(result_of("toy.na")->reason, "RING_RESET not offered");
    const struct vmsg_case_result *h = result_of("toy.hang");
    assert_int_equal(h->verdict, VMSG_ERROR);
    assert_non_null(strstr(h->reason, "timeout"));
    assert_int_equal(h->nframes, 2); /* evidence streamed before the time box ended it */
    const struct vmsg_case_result *cr = result_of("toy.crash");
    assert_int_equal(cr->verdict, VMSG_ERROR);
    assert_non_null(strstr(cr->reason, "signal 11"));
    assert_int_equal(result_of("toy.silence")->verdict, VMSG_PASS);
    assert_int_equal(sum.counts[VMSG_ERROR], 2);
    assert_int_equal(sum.unexpected, 3);
}

static void test_strict_and_expectations(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    struct vmsg_expectation ex[2];
    memset(ex, 0, sizeof ex);
    snprintf(ex[0].case_glob, sizeof ex[0].case_glob, "toy.f*");
    ex[0].verdict = VMSG_FAIL;
    snprintf(ex[0].reason, sizeof ex[0].reason, "known bug");
    snprintf(ex[1].case_glob, sizeof ex[1].case_glob, "toy.pass");
    ex[1].verdict = VMSG_FAIL;
    snprintf(ex[1].reason, sizeof ex[1].reason, "thought broken");
    o.expect = ex;
    o.nexpect = 2;
    o.strict = true;
    o.id_glob = "toy.[fpw]*";
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(sum.selected, 3);
    assert_int_equal(result_of("toy.fail")->verdict, VMSG_XFAIL);
    assert_int_equal(result_of("toy.fail")->raw_verdict, VMSG_FAIL);
    assert_int_equal(result_of("toy.pass")->verdict, VMSG_XPASS);
    assert_int_equal(result_of("toy.warn")->verdict, VMSG_FAIL); /* --strict */
    assert_int_equal(sum.unexpected, 2);
}

static void test_selection(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.tag = "quick";
    struct vmsg_run_summary sum;
    assert_int_equal(vmsg_run_cases(cases, NCASES, &o, &sum), 0);
    assert_int_equal(sum.selected, 2);
    o = base_opts();
    o.clause = "device.get-status.";
    assert_true(vmsg_case_selected(&cases[0], &o));
    assert_false(vmsg_case_selected(&cases[2], &o));
    o.clause = "device.get-status";
    assert_false(vmsg_case_selected(&cases[0], &o)); /* exact unless it ends in '.' */
    o = base_opts();
    o.role = VMSG_IUT_DRIVER;
    assert_false(vmsg_case_selected(&cases[0], &o));
    assert_true(vmsg_case_selected(&cases[7], &o));
    o = base_opts();
    o.tag = "stat"; /* whole words only */
    assert_false(vmsg_case_selected(&cases[0], &o));
}

static void test_unreachable_iut(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.iut_arg = (void *)1;
    o.id_glob = "toy.pass";
    struct vmsg_run_summary sum;
    assert_int_equal(vmsg_run_cases(cases, NCASES, &o, &sum), 1);
    assert_int_equal(results[0].verdict, VMSG_ERROR);
    assert_string_equal(results[0].reason, "cannot reach the IUT: toy: refused");
}

static void test_not_isolated(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.isolate = false;
    o.id_glob = "toy.[fn]*";
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(result_of("toy.fail")->verdict, VMSG_FAIL);
    assert_int_equal(result_of("toy.na")->verdict, VMSG_NA);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_expectations_file(void **state)
{
    (void)state;
    char path[] = "/tmp/vmsg-expect-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    size_t n;
    write_file(path, "- case: device.*\n  verdict: FAIL\n  reason: not yet\n- {case: x, verdict: NA, reason: r}\n");
    struct vmsg_expectation *e = vmsg_expectations_load(path, &n, err, sizeof err);
    assert_non_null(e);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].case_glob, "device.*");
    assert_int_equal(e[1].verdict, VMSG_NA);
    free(e);
    write_file(path, "- case: a\n  verdict: BROKEN\n  reason: r\n");
    assert_null(vmsg_expectations_load(path, &n, err, sizeof err));
    assert_non_null(strstr(err, ":1:3: verdict must be"));
    write_file(path, "- case: a\n  verdict: FAIL\n");
    assert_null(vmsg_expectations_load(path, &n, err, sizeof err));
    assert_non_null(strstr(err, "missing 'reason'"));
    write_file(path, "- [unclosed\n");
    assert_null(vmsg_expectations_load(path, &n, err, sizeof err));
    assert_non_null(strstr(err, path));
    unlink(path);
}

static void test_names(void **state)
{
    (void)state;
    for (int v = 0; v < VMSG_VERDICT_COUNT; v++)
        assert_int_equal(vmsg_verdict_by_name(vmsg_verdict_name((enum vmsg_verdict)v)), v);
    assert_int_equal(vmsg_verdict_by_name("nope"), -1);
    assert_string_equal(vmsg_iut_role_name(VMSG_IUT_BUS), "bus");
    setenv("VMSG_TIMEOUT_MULTIPLIER", "2.5", 1);
    assert_true(vmsg_timeout_multiplier_from_env() > 2.4);
    setenv("VMSG_TIMEOUT_MULTIPLIER", "junk", 1);
    assert_true(vmsg_timeout_multiplier_from_env() == 1.0);
}

/* The passive checker judges the case's traffic: a finding on an IUT frame
 * that binds the device role joins the verdict and the evidence; findings
 * on the harness's own frames, and on clauses of other roles, do not. */
static void test_checker_in_cases(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.tag = "checker";
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(sum.selected, 3);
    const struct vmsg_case_result *own = result_of("toy.info-twice-own");
    assert_int_equal(own->verdict, VMSG_FAIL);
    assert_string_equal(own->clause, "device.mandatory.1");
    assert_string_equal(own->observed, "y");
    assert_int_equal(own->nfindings, 1);
    const struct vmsg_case_result *r = result_of("toy.info-twice");
    assert_int_equal(r->verdict, VMSG_FAIL);
    assert_string_equal(r->clause, "device.get-device-info.1");
    assert_int_equal(r->nfindings, 1);
    assert_string_equal(r->findings[0].rule, "check.info-changed");
    assert_int_equal(r->findings[0].frame, 4);
    assert_int_equal(r->findings[0].verdict, VMSG_FAIL);
    assert_non_null(strstr(r->findings[0].message, "config_size: expected 8"));
    assert_true(r->frames[3].marked);
    assert_false(r->frames[1].marked);
    const struct vmsg_case_result *h = result_of("toy.odd-harness");
    assert_int_equal(h->verdict, VMSG_PASS);
    assert_int_equal(h->nfindings, 0);
    assert_int_equal(h->nframes, 10);
    /* turned off, the checker says nothing */
    o = base_opts();
    o.tag = "checker";
    o.no_check = true;
    vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(result_of("toy.info-twice")->verdict, VMSG_PASS);
    assert_int_equal(result_of("toy.info-twice")->nfindings, 0);
    /* and --strict does not change what a MUST finding is */
    o = base_opts();
    o.id_glob = "toy.info-twice";
    o.isolate = false;
    vmsg_run_cases(cases, NCASES, &o, &sum);
    assert_int_equal(result_of("toy.info-twice")->verdict, VMSG_FAIL);
}

/* Gathering the ICS: entries recorded, a request without answer is an
 * entry and not a verdict; a body that hangs or crashes ends in ERROR
 * saying after which message, with the entries recorded before kept. */
static void test_ics_gathering(void **state)
{
    (void)state;
    struct vmsg_run_opts o = base_opts();
    o.reply_timeout_ms = 20;
    struct vmsg_ics *ics = calloc(1, sizeof *ics);
    struct vmsg_case_result *r = malloc(sizeof *r);
    assert_non_null(ics);
    assert_non_null(r);
    for (int isolate = 0; isolate < 2; isolate++) {
        o.isolate = isolate;
        vmsg_ics_init(ics);
        assert_int_equal(vmsg_run_ics(&ics_defs[0], &o, ics, r), VMSG_PASS);
        assert_string_equal(vmsg_ics_get(ics, "toy.name"), "toy 1");
        assert_string_equal(vmsg_ics_get(ics, "device.status"), "0x0f");
        assert_string_equal(vmsg_ics_get(ics, "device.reset_vqueue"), "no answer");
        assert_int_equal(r->raw_verdict, VMSG_FAIL); /* the unanswered request, not kept */
        assert_string_equal(r->clause, "");
        assert_int_equal(ics->n, 3);
    }
    o.isolate = true;
    vmsg_ics_init(ics);
    vmsg_ics_set(ics, "bus.devices", "1,9");
    assert_int_equal(vmsg_run_ics(&ics_defs[1], &o, ics, r), VMSG_ERROR);
    assert_non_null(strstr(r->reason, "timeout"));
    assert_non_null(strstr(r->reason, "(after GET_VQUEUE req dev=1"));
    assert_string_equal(vmsg_ics_get(ics, "device.status"), "0x0f");
    assert_string_equal(vmsg_ics_get(ics, "bus.devices"), "1,9");
    vmsg_ics_init(ics);
    assert_int_equal(vmsg_run_ics(&ics_defs[2], &o, ics, r), VMSG_ERROR);
    assert_non_null(strstr(r->reason, "signal 11"));
    assert_non_null(strstr(r->reason, "(before any message)"));
    assert_string_equal(vmsg_ics_get(ics, "toy.name"), "about to crash");
    /* the pairs the cases read */
    vmsg_ics_init(ics);
    assert_true(vmsg_ics_set(ics, "a.b", "1"));
    assert_true(vmsg_ics_set(ics, "a.b", "2"));
    assert_false(vmsg_ics_set(ics, "", "x"));
    const char *const *p = vmsg_ics_pairs(ics);
    assert_string_equal(p[0], "a.b");
    assert_string_equal(p[1], "2");
    assert_null(p[2]);
    free(r);
    free(ics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_and_isolation), cmocka_unit_test(test_strict_and_expectations),
        cmocka_unit_test(test_selection),              cmocka_unit_test(test_unreachable_iut),
        cmocka_unit_test(test_not_isolated),           cmocka_unit_test(test_expectations_file),
        cmocka_unit_test(test_names),                  cmocka_unit_test(test_checker_in_cases),
        cmocka_unit_test(test_ics_gathering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
