/* The implementation conformance statement of the device suite:
 * - `vmsg run --suite device --report DIR` against the reference device with
 *   two personalities records, in DIR/results.json (read back with the
 *   reports loader), exactly the values the personality file gives (read
 *   with the personality loader), and the cases use them;
 * - an IUT that hangs while the statement is gathered ends the gathering
 *   with ERROR naming the message it hung on, keeps what was gathered, and
 *   the cases still run; one that answers nothing gives "no answer".
 * usage: test_ics VMSG */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <vmsg/iut.h>
#include <vmsg/ref.h>

#include "report.h"
#include "suites.h"

static const char *vmsg_bin;

static const char *ics_of(const struct vmsg_report *rep, const char *section, const char *key)
{
    for (size_t i = 0; i < rep->nics; i++)
        if (!strcmp(rep->ics[i].section, section) && !strcmp(rep->ics[i].key, key))
            return rep->ics[i].value;
    return NULL;
}

static unsigned long num(const struct vmsg_report *rep, const char *section, const char *key)
{
    const char *v = ics_of(rep, section, key);
    char *end = NULL;
    if (!v)
        fail_msg("ics %s.%s: missing", section, key);
    unsigned long n = strtoul(v, &end, 0);
    if (!*v || *end)
        fail_msg("ics %s.%s: '%s' is not a number", section, key, v);
    return n;
}

static const struct vmsg_rep_case *case_of(const struct vmsg_report *rep, const char *id)
{
    for (size_t i = 0; i < rep->ncases; i++)
        if (!strcmp(rep->cases[i].id, id))
            return &rep->cases[i];
    fail_msg("no case %s in the results", id);
    return NULL;
}

/* vmsg run --suite device against the personality; its exit status. */
static int run_cli(const char *personality, const char *dir)
{
    char iut[1200];
    snprintf(iut, sizeof iut, "builtin:refdev?personality=%s", personality);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execl(vmsg_bin, vmsg_bin, "run", "--suite", "device", "--iut", iut, "--report", dir, "-q", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_personality(const char *file)
{
    char path[1024], dir[] = "/tmp/vmsg-ics-XXXXXX", results[1100], err[512];
    snprintf(path, sizeof path, "%s/harness/ref/personalities/%s", VMSG_SOURCE_DIR, file);
    struct vmsg_personality *p = malloc(sizeof *p);
    assert_non_null(p);
    vmsg_personality_default(p);
    if (!vmsg_personality_load(p, path, err, sizeof err))
        fail_msg("%s", err);
    assert_non_null(mkdtemp(dir));
    assert_int_equal(run_cli(path, dir), 0); /* the reference is clean */
    snprintf(results, sizeof results, "%s/results.json", dir);
    struct vmsg_report rep;
    if (vmsg_report_load(results, &rep, err, sizeof err) != 0)
        fail_msg("%s", err);

    assert_string_equal(ics_of(&rep, "device", "info"), "answered");
    assert_int_equal(num(&rep, "device", "device_id"), p->device_id);
    assert_int_equal(num(&rep, "device", "vendor_id"), p->vendor_id);
    assert_int_equal(num(&rep, "device", "num_feature_bits"), p->num_feature_bits);
    assert_int_equal(num(&rep, "device", "config_size"), p->config_size);
    assert_int_equal(num(&rep, "device", "max_virtqueues"), p->nqueues);
    assert_int_equal(num(&rep, "device", "status"), 0);
    assert_string_equal(ics_of(&rep, "device", "reset"), "status 0x00 after writing 0");
    unsigned blocks = p->num_feature_bits / 32;
    assert_int_equal(num(&rep, "features", "blocks"), blocks);
    for (unsigned k = 0; k < blocks && k < VMSG_PERS_FEATURE_WORDS; k++) {
        char key[16];
        snprintf(key, sizeof key, "%u", k);
        assert_int_equal(num(&rep, "features", key), p->features[k]);
    }
    assert_int_equal(num(&rep, "queues", "asked"), p->nqueues);
    for (unsigned q = 0; q < p->nqueues; q++) {
        char key[32];
        snprintf(key, sizeof key, "%u.max_size", q);
        assert_int_equal(num(&rep, "queues", key), p->queue_max[q]);
    }
    char regions[64] = "";
    size_t nl = 0;
    for (unsigned i = 0; i < 8; i++) /* the ICS asks regions 0-7 */
        for (unsigned k = 0; k < p->nshm; k++)
            if (p->shm[k].index == i) {
                char key[16], want[80];
                snprintf(key, sizeof key, "%u", i);
                snprintf(want, sizeof want, "length 0x%x address 0x%x", p->shm[k].length, p->shm[k].address);
                assert_string_equal(ics_of(&rep, "shm", key), want);
                nl += (size_t)snprintf(regions + nl, sizeof regions - nl, "%s%u", nl ? "," : "", i);
            }
    assert_string_equal(ics_of(&rep, "shm", "regions"), nl ? regions : "none");
    assert_int_equal(num(&rep, "link", "max_msg_size"), p->max_msg_size);
    assert_non_null(strstr(ics_of(&rep, "ics", "device"), "gathered in"));

    /* the cases took their NA from the statement */
    bool ring_reset = vmsg_personality_offers(p, VMSG_FEATURE_RING_RESET);
    const struct vmsg_rep_case *rr = case_of(&rep, "device.vqueue.reset");
    assert_int_equal(rr->verdict, ring_reset ? VMSG_PASS : VMSG_NA);
    if (!ring_reset)
        assert_string_equal(rr->reason, "VIRTIO_F_RING_RESET is not offered (ICS)");
    const struct vmsg_rep_case *cr = case_of(&rep, "device.config.read");
    assert_int_equal(cr->verdict, p->config_size ? VMSG_PASS : VMSG_NA);
    if (!p->config_size)
        assert_string_equal(cr->reason, "the device has no configuration space (ICS)");
    const struct vmsg_rep_case *aq = case_of(&rep, "device.vqueue.after-driver-ok");
    assert_int_equal(aq->verdict, p->nqueues > 1 ? VMSG_PASS : VMSG_NA);

    vmsg_report_free(&rep);
    free(p);
    char cmd[1100];
    static const char *const files[] = {"results.json", "junit.xml", "results.tap", "summary.md", "report.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s/%s", dir, files[i]);
        unlink(cmd);
    }
    rmdir(dir);
}

static void test_ics_many_queues(void **state)
{
    (void)state;
    check_personality("many-queues.yaml");
}

static void test_ics_bare(void **state)
{
    (void)state;
    check_personality("bare.yaml");
}

/* --- an IUT that hangs (or stays silent) --------------------------------
 * The reference device behind the builtin adapter, except that once it has
 * been sent a request named hang_on, receiving blocks for good (an
 * in-process implementation stuck in its answer); hang_on -1: it never
 * answers anything. */
struct stuck {
    struct vmsg_iut_bus inner;
    int hang_on;
};
struct stuck_conn {
    struct stuck *s;
    void *inner;
    bool stuck;
};

static void *stuck_open(void *arg, char *err, size_t errlen)
{
    struct stuck_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->s = arg;
    c->inner = vmsg_iut_bus_ops.open(&c->s->inner, err, errlen);
    if (!c->inner) {
        free(c);
        return NULL;
    }
    return c;
}

static enum vmsg_io stuck_send(void *conn, const uint8_t *f, size_t len, char *err, size_t errlen)
{
    struct stuck_conn *c = conn;
    struct vmsg_msg m;
    struct vmsg_diag d;
    if (vmsg_decode(VMSG_PROFILE_V1, 0, f, len, &m, &d) <= VMSG_NONCONFORMANT && m.def &&
        (int)m.def->mname == c->s->hang_on)
        c->stuck = true;
    return vmsg_iut_bus_ops.send(c->inner, f, len, err, errlen);
}

static enum vmsg_io stuck_recv(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                               size_t errlen)
{
    struct stuck_conn *c = conn;
    if (c->s->hang_on < 0)
        return VMSG_IO_TIMEOUT;
    while (c->stuck)
        pause();
    return vmsg_iut_bus_ops.recv(c->inner, buf, cap, len, timeout_ms, err, errlen);
}

static void stuck_close(void *conn)
{
    struct stuck_conn *c = conn;
    vmsg_iut_bus_ops.close(c->inner);
    free(c);
}

static const struct vmsg_iut_ops stuck_ops = {stuck_open, stuck_send, stuck_recv, NULL, stuck_close, NULL};

struct tally {
    unsigned n, v[VMSG_VERDICT_COUNT];
};

static void on_result(void *arg, const struct vmsg_case_result *r)
{
    struct tally *t = arg;
    t->n++;
    t->v[r->verdict]++;
}

static void run_stuck(int hang_on, struct vmsg_ics *ics, struct vmsg_case_result *r, struct tally *t)
{
    static struct stuck s;
    struct vmsg_run_opts o;
    char err[256];
    memset(&o, 0, sizeof o);
    o.link.profile = VMSG_PROFILE_V1;
    o.link.dev_num = 1;
    o.link.max_msg_size = 264;
    o.role = VMSG_IUT_DEVICE;
    o.isolate = true;
    o.seed = 1;
    o.reply_timeout_ms = 20;
    o.default_timeout_ms = 300; /* the gathering gets four of these */
    o.timeout_multiplier = vmsg_timeout_multiplier_from_env();
    assert_int_equal(vmsg_iut_bus_init(&s.inner, "builtin:refdev", VMSG_IUT_DEVICE, &o.link, err, sizeof err), 0);
    s.hang_on = hang_on;
    o.iut = &stuck_ops;
    o.iut_arg = &s;
    vmsg_ics_init(ics);
    vmsg_run_ics(vmsg_suite_ics(VMSG_IUT_DEVICE), &o, ics, r);
    /* the run goes on: a few cases, each in its own time box */
    size_t n = 0;
    const struct vmsg_case_def *cases = vmsg_suite_cases(VMSG_IUT_DEVICE, &n);
    o.ics = vmsg_ics_pairs(ics);
    o.id_glob = "device.[ih][ne]*"; /* info.inactive and header.*: no queue asked */
    o.on_result = on_result;
    o.on_result_arg = t;
    memset(t, 0, sizeof *t);
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, n, &o, &sum);
}

static void test_ics_hanging_iut(void **state)
{
    (void)state;
    struct vmsg_ics *ics = calloc(1, sizeof *ics);
    struct vmsg_case_result *r = malloc(sizeof *r);
    struct tally t;
    assert_non_null(ics);
    assert_non_null(r);
    /* hangs at the first question */
    run_stuck(VMSG_M_GET_DEVICE_INFO, ics, r, &t);
    assert_int_equal(r->verdict, VMSG_ERROR);
    assert_non_null(strstr(r->reason, "timeout"));
    assert_non_null(strstr(r->reason, "(after GET_DEVICE_INFO req"));
    assert_null(vmsg_ics_get(ics, "device.device_id"));
    assert_string_equal(vmsg_ics_get(ics, "link.max_msg_size"), "264");
    assert_int_equal(t.n, 3);
    /* the cases that ask GET_DEVICE_INFO hang too, each within its own box;
     * header.token-opaque asks only GET_DEVICE_STATUS */
    assert_int_equal(t.v[VMSG_ERROR], 2);
    assert_int_equal(t.v[VMSG_PASS], 1);
    /* hangs on a queue: what came before is kept */
    run_stuck(VMSG_M_GET_VQUEUE, ics, r, &t);
    assert_int_equal(r->verdict, VMSG_ERROR);
    assert_non_null(strstr(r->reason, "(after GET_VQUEUE req"));
    assert_string_equal(vmsg_ics_get(ics, "device.device_id"), "1");
    assert_string_equal(vmsg_ics_get(ics, "features.1"), "0x00000101");
    assert_null(vmsg_ics_get(ics, "queues.0.max_size"));
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[VMSG_PASS], 3); /* the cases run here ask no queue */
    /* answers nothing: "no answer", no ERROR */
    run_stuck(-1, ics, r, &t);
    assert_int_equal(r->verdict, VMSG_PASS);
    assert_string_equal(vmsg_ics_get(ics, "device.info"), "no answer");
    assert_int_equal(t.n, 3);
    free(r);
    free(ics);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_ics VMSG\n");
        return 2;
    }
    vmsg_bin = argv[1];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ics_many_queues), cmocka_unit_test(test_ics_bare),
                                       cmocka_unit_test(test_ics_hanging_iut)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
