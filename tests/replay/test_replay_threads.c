/* The replay's checker thread (harness/replay/check_thread.c): one thread and two
 * give the same records, frames, divergences and checker totals, and a
 * second thread that has to share one CPU with the walk is stopped and the
 * replay finishes on one thread with the same results. */
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

static char capture[256];

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

/* GET_DEVICE_INFO, then GET_DEVICE_STATUS round trips, recorded from refdev. */
static int record(void **state)
{
    (void)state;
    const char *td = getenv("TMPDIR");
    snprintf(capture, sizeof capture, "%s/vmsg-threads-%ld.pcap", td && *td ? td : "/tmp", (long)getpid());
    struct vmsg_bus *b = open_iut("builtin:refdev");
    char err[256];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(capture, NULL, err, sizeof err);
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

static int remove_capture(void **state)
{
    (void)state;
    unlink(capture);
    return 0;
}

static void count(void *user, const struct vmsg_finding *f)
{
    if (f->clause)
        ++*(unsigned *)user;
}

static unsigned run(const char *uri, unsigned threads, struct vmsg_replay_stats *st)
{
    struct vmsg_bus *b = open_iut(uri);
    struct vmsg_replay_opts o;
    vmsg_replay_opts_init(&o);
    o.extra_ms = 0;
    o.threads = threads;
    unsigned findings = 0;
    o.on_finding = count;
    o.user = &findings;
    vmsg_replay_run(capture, b, &o, st);
    vmsg_bus_close(b);
    return findings;
}

static void same(const struct vmsg_replay_stats *a, unsigned fa, const struct vmsg_replay_stats *b, unsigned fb)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->records, b->records);
    assert_int_equal(a->sent, b->sent);
    assert_int_equal(a->received, b->received);
    assert_int_equal(a->divergences, b->divergences);
    assert_int_equal(a->counts.frames, b->counts.frames);
    assert_int_equal(fa, fb);
}

/* dev-reserved-type-bits sets a reserved bit in every message it sends:
 * every answer diverges and draws a checker finding, so the findings queued
 * by the second thread must be delivered before each divergence. */
static void replay_threads_one_and_two_agree(void **state)
{
    (void)state;
    const char *uri = "builtin:refdev?fault=dev-reserved-type-bits";
    struct vmsg_replay_stats one, two;
    unsigned f1 = run(uri, 1, &one), f2 = run(uri, 2, &two);
    assert_int_equal(one.threads, 1);
    assert_int_equal(one.records, 2 * ROUND_TRIPS);
    assert_int_equal(one.divergences, ROUND_TRIPS);
    assert_int_equal(f1, ROUND_TRIPS);
    assert_int_equal(one.counts.frames, 2 * ROUND_TRIPS);
    same(&one, f1, &two, f2);
}

/* Pinned to one CPU the second thread runs only when the walk gives it the
 * CPU: the walk waits for it without progress again and again, stops it,
 * and finishes alone with the same results. Until then the checker lags by
 * a thousand frames, more than the window's spare slots: a slot reused
 * before its frame was checked would end the run with status 3 (the
 * thread checks each slot's frame number). */
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
    const char *uri = "builtin:refdev?fault=dev-big-endian";
    struct vmsg_replay_stats pinned, ref;
    unsigned fp = run(uri, 2, &pinned);
    assert_int_equal(sched_setaffinity(0, sizeof was, &was), 0);
    unsigned fr = run(uri, 1, &ref);
    assert_int_equal(pinned.threads, 1);
    same(&ref, fr, &pinned, fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_threads_one_and_two_agree),
        cmocka_unit_test(replay_threads_sharing_one_cpu_falls_back),
    };
    return cmocka_run_group_tests(tests, record, remove_capture);
}
