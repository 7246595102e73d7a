/* The replay's checker thread (harness/replay/check_thread.c): one thread,
 * two, and the default (a second thread once answers come fast) give the
 * same records, frames, divergences, checker totals and per-case findings,
 * whether the frames checked are copies (answers that differ from the
 * capture) or capture records the thread reads itself (frames sent, and
 * answers equal to their records); and a second thread that has to share
 * one CPU with the walk is stopped, the replay finishing on one thread with
 * the same results. */
#define _GNU_SOURCE /* sched_setaffinity */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <vmsg/bus.h>
#include <vmsg/capture.h>
#include <vmsg/ref.h>
#include <vmsg/replay.h>
#include <vmsg/wire.h>

#define ROUND_TRIPS 20000u
#define FAULT "builtin:refdev?fault=dev-reserved-type-bits"

static char capture[256], faulty[256]; /* recorded from refdev, and from FAULT */

static struct vmsg_bus *open_iut(const char *uri)
{
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.side = VMSG_BUS_SIDE_DRIVER;
    bo.builtins = vmsg_ref_builtins();
    struct vmsg_bus *b = NULL;
    char err[256];
    assert_int_equal(vmsg_bus_open(uri, &bo, &b, err, sizeof err), VMSG_BUS_OK);
    return b;
}

/* GET_DEVICE_INFO, then GET_DEVICE_STATUS round trips, recorded from uri. */
static int record_from(const char *uri, const char *path)
{
    struct vmsg_bus *b = open_iut(uri);
    char err[256];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w)
        return -1;
    for (unsigned i = 0; i < ROUND_TRIPS; i++) {
        struct vmsg_msg m;
        unsigned name = i ? VMSG_M_GET_DEVICE_STATUS : VMSG_M_GET_DEVICE_INFO;
        if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, name, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1))
            return -1;
        m.token = (uint16_t)(i % 65535 + 1);
        m.token_override = true;
        uint8_t req[64], rsp[300];
        size_t len = vmsg_encode(&m, req, sizeof req), rlen = 0;
        if (!len || vmsg_bus_send(b, req, len) != VMSG_BUS_OK ||
            vmsg_bus_recv(b, rsp, sizeof rsp, &rlen, 5000) != VMSG_BUS_OK)
            return -1;
        struct vmsg_cap_ts ts = {1700000000, i % 1000000};
        struct vmsg_cap_meta q = {VMSG_DIR_DRV_TO_DEV, 0, VMSG_BUS_LOOPBACK, 0, 0};
        struct vmsg_cap_meta r = {VMSG_DIR_DEV_TO_DRV, 0, VMSG_BUS_LOOPBACK, 0, 0};
        if (!vmsg_cap_write(w, &ts, &q, req, len) || !vmsg_cap_write(w, &ts, &r, rsp, rlen))
            return -1;
    }
    vmsg_bus_close(b);
    return vmsg_cap_writer_close(w, err, sizeof err) ? 0 : -1;
}

static int record(void **state)
{
    (void)state;
    const char *td = getenv("TMPDIR");
    snprintf(capture, sizeof capture, "%s/vmsg-threads-%ld.pcap", td && *td ? td : "/tmp", (long)getpid());
    snprintf(faulty, sizeof faulty, "%s/vmsg-threads-faulty-%ld.pcap", td && *td ? td : "/tmp", (long)getpid());
    return record_from("builtin:refdev", capture) || record_from(FAULT, faulty) ? -1 : 0;
}

static int remove_capture(void **state)
{
    (void)state;
    unlink(capture);
    unlink(faulty);
    return 0;
}

/* What a run reported: findings passed on, and per case (in order) the
 * counts the findings and pairing gave it. */
#define MAX_CASES 8
struct seen {
    unsigned findings, ncases;
    uint64_t case_fail[MAX_CASES], case_warn[MAX_CASES], case_matched[MAX_CASES], case_div[MAX_CASES];
};

static void count(void *user, const struct vmsg_finding *f)
{
    if (f->clause)
        ((struct seen *)user)->findings++;
}

static void on_case(void *user, const struct vmsg_replay_case *c)
{
    struct seen *s = user;
    assert_true(s->ncases < MAX_CASES);
    s->case_fail[s->ncases] = c->fail;
    s->case_warn[s->ncases] = c->warn;
    s->case_matched[s->ncases] = c->matched;
    s->case_div[s->ncases] = c->divergences;
    s->ncases++;
}

static void run_on(const char *path, const char *uri, unsigned threads, struct vmsg_replay_stats *st, struct seen *s)
{
    struct vmsg_bus *b = open_iut(uri);
    struct vmsg_replay_opts o;
    vmsg_replay_opts_init(&o);
    o.extra_ms = 0;
    o.threads = threads;
    memset(s, 0, sizeof *s);
    o.on_finding = count;
    o.on_case = on_case;
    o.user = s;
    vmsg_replay_run(path, b, &o, st);
    vmsg_bus_close(b);
}

static void same(const struct vmsg_replay_stats *a, const struct seen *sa, const struct vmsg_replay_stats *b,
                 const struct seen *sb)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->records, b->records);
    assert_int_equal(a->sent, b->sent);
    assert_int_equal(a->received, b->received);
    assert_int_equal(a->divergences, b->divergences);
    assert_int_equal(a->counts.frames, b->counts.frames);
    assert_int_equal(a->counts.fail, b->counts.fail);
    assert_int_equal(sa->findings, sb->findings);
    assert_int_equal(sa->ncases, sb->ncases);
    for (unsigned i = 0; i < sa->ncases; i++) {
        assert_int_equal(sa->case_fail[i], sb->case_fail[i]);
        assert_int_equal(sa->case_warn[i], sb->case_warn[i]);
        assert_int_equal(sa->case_matched[i], sb->case_matched[i]);
        assert_int_equal(sa->case_div[i], sb->case_div[i]);
    }
}

static unsigned cpus(void)
{
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
}

/* Replay path against FAULT on one thread (*one), two and the default, and
 * check that the two others agree with one thread. */
static void run_three(const char *path, struct vmsg_replay_stats *one, struct seen *s1, struct vmsg_replay_stats *dflt)
{
    struct vmsg_replay_stats two;
    struct seen s2, s0;
    run_on(path, FAULT, 1, one, s1);
    run_on(path, FAULT, 2, &two, &s2);
    run_on(path, FAULT, 0, dflt, &s0);
    assert_int_equal(one->threads, 1);
    same(one, s1, &two, &s2);
    same(one, s1, dflt, &s0);
}

/* dev-reserved-type-bits sets a reserved bit in every message it sends.
 * Replayed from a clean capture, every answer diverges and draws a checker
 * finding: the thread checks copies, and the findings it queued must be
 * delivered before each divergence. */
static void replay_threads_copies_agree(void **state)
{
    (void)state;
    struct vmsg_replay_stats one, dflt;
    struct seen s1;
    run_three(capture, &one, &s1, &dflt);
    assert_int_equal(one.records, 2 * ROUND_TRIPS);
    assert_int_equal(one.divergences, ROUND_TRIPS);
    assert_int_equal(s1.findings, ROUND_TRIPS);
    assert_int_equal(one.counts.frames, 2 * ROUND_TRIPS);
}

/* Replayed from its own capture, the faulty device answers exactly as
 * recorded: no divergence, and every finding is on a frame the thread reads
 * from the capture itself (runs of records). The findings land in the same
 * cases. The default starts the second thread once it sees the answers come
 * fast, where there are two CPUs. */
static void replay_threads_records_agree(void **state)
{
    (void)state;
    struct vmsg_replay_stats one, dflt;
    struct seen s1;
    run_three(faulty, &one, &s1, &dflt);
    assert_int_equal(one.status, 0);
    assert_int_equal(one.divergences, 0);
    assert_int_equal(s1.findings, ROUND_TRIPS); /* one per answer; the requests are clean */
    if (cpus() == 1) /* else 2, unless other work on the machine made it fall back */
        assert_int_equal(dflt.threads, 1);
}

/* Pinned to one CPU the second thread runs only when the walk gives it the
 * CPU. Every answer diverges, and before each divergence the walk waits for
 * the thread, which cannot make progress while the walk spins: after a few
 * such stalls the walk stops it and finishes alone with the same results.
 * The default does not start a second thread on one CPU. */
static void replay_threads_sharing_one_cpu_falls_back(void **state)
{
    (void)state;
    cpu_set_t was, one;
    assert_int_equal(sched_getaffinity(0, sizeof was, &was), 0);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &was))
        cpu++;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    struct vmsg_replay_stats pinned, pinned_dflt, ref;
    struct seen sp, sd, sr;
    run_on(capture, FAULT, 2, &pinned, &sp);
    run_on(capture, FAULT, 0, &pinned_dflt, &sd);
    assert_int_equal(sched_setaffinity(0, sizeof was, &was), 0);
    run_on(capture, FAULT, 1, &ref, &sr);
    assert_int_equal(pinned.threads, 1);
    assert_int_equal(pinned_dflt.threads, 1);
    same(&ref, &sr, &pinned, &sp);
    same(&ref, &sr, &pinned_dflt, &sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_threads_copies_agree),
        cmocka_unit_test(replay_threads_records_agree),
        cmocka_unit_test(replay_threads_sharing_one_cpu_falls_back),
    };
    return cmocka_run_group_tests(tests, record, remove_capture);
}
