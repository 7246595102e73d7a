/* Bench section replay: `vmsg replay --timing asap` (the library path:
 * vmsg_replay_run with comparison and the passive checker) against the
 * adapter's own ping-pong limit: the same request/response round trips over
 * the same adapter with nothing else done (DESIGN 9: >= 0.7x). Adapters:
 * builtin:refdev (in process), and, when the vmsg binary is known, exec:vmsg
 * refdev --stdio and unix: to a vmsg refdev --listen of the bench's own. The
 * capture (GET_DEVICE_INFO, then GET_DEVICE_STATUS round trips recorded from
 * refdev) is written first, not measured; reading it is part of every replay
 * run (as for a user). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmsg/bus.h>
#include <vmsg/capture.h>
#include <vmsg/ref.h>
#include <vmsg/replay.h>
#include <vmsg/wire.h>

#include "bench.h"

#ifndef VMSG_BENCH_VMSG
#define VMSG_BENCH_VMSG ""
#endif

static int open_iut(const char *uri, struct vmsg_bus **b)
{
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.side = VMSG_BUS_SIDE_DRIVER;
    bo.builtins = vmsg_ref_builtins();
    char err[512];
    if (vmsg_bus_open(uri, &bo, b, err, sizeof err) != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg-bench: replay: %s\n", err);
        return -1;
    }
    return 0;
}

static size_t request(unsigned mname, uint16_t token, uint8_t *buf, size_t cap)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1))
        return 0;
    m.token = token;
    m.token_override = true;
    return vmsg_encode(&m, buf, cap);
}

/* n round trips: record them (w != NULL) or just time them. Returns 0. */
static int round_trips(struct vmsg_bus *b, size_t n, struct vmsg_cap_writer *w)
{
    uint8_t req[64], rsp[300];
    for (size_t i = 0; i < n; i++) {
        size_t len = request(i == 0 ? VMSG_M_GET_DEVICE_INFO : VMSG_M_GET_DEVICE_STATUS, (uint16_t)(i % 65535 + 1), req,
                             sizeof req);
        size_t rlen = 0;
        if (!len || vmsg_bus_send(b, req, len) != VMSG_BUS_OK ||
            vmsg_bus_recv(b, rsp, sizeof rsp, &rlen, 5000) != VMSG_BUS_OK) {
            fprintf(stderr, "vmsg-bench: replay: round trip %zu: %s\n", i + 1, vmsg_bus_error(b));
            return -1;
        }
        if (w) {
            struct vmsg_cap_ts ts = {1700000000, (uint32_t)(i % 1000000)};
            struct vmsg_cap_meta q = {VMSG_DIR_DRV_TO_DEV, 0, VMSG_BUS_LOOPBACK, 0, 0};
            struct vmsg_cap_meta r = {VMSG_DIR_DEV_TO_DRV, 0, VMSG_BUS_LOOPBACK, 0, 0};
            if (!vmsg_cap_write(w, &ts, &q, req, len) || !vmsg_cap_write(w, &ts, &r, rsp, rlen))
                return -1;
        }
    }
    return 0;
}

static void count(void *user, const struct vmsg_finding *f)
{
    if (f->clause)
        ++*(unsigned long *)user;
}

/* One ping-pong run of n round trips on a fresh IUT: seconds, or < 0. */
static double ping_pong(const char *uri, size_t n)
{
    struct vmsg_bus *b;
    if (open_iut(uri, &b))
        return -1;
    uint64_t t0 = bench_now_ns();
    int r = round_trips(b, n, NULL);
    double t = (double)(bench_now_ns() - t0) / 1e9;
    vmsg_bus_close(b);
    return r ? -1 : t;
}

/* One replay of the capture on a fresh IUT, exactly as `vmsg replay --as
 * driver` runs it (default options: reorder-tolerant pairing, comparison,
 * passive checker, exchange groups): seconds, or < 0. */
static double replay(const char *name, const char *uri, const char *capture, unsigned threads,
                     struct vmsg_replay_stats *st)
{
    struct vmsg_bus *b;
    if (open_iut(uri, &b))
        return -1;
    struct vmsg_replay_opts o;
    vmsg_replay_opts_init(&o);
    o.extra_ms = 0;
    o.threads = threads;
    unsigned long findings = 0;
    o.on_finding = count;
    o.user = &findings;
    uint64_t t0 = bench_now_ns();
    int rc = vmsg_replay_run(capture, b, &o, st);
    double t = (double)(bench_now_ns() - t0) / 1e9;
    vmsg_bus_close(b);
    if (rc != 0 || st->divergences || findings) {
        fprintf(stderr, "vmsg-bench: replay: %s: status %d, %llu divergences, %lu findings %s\n", name, rc,
                (unsigned long long)st->divergences, findings, st->error);
        return -1;
    }
    return t;
}

/* The median of n times (sorted in place). */
static double median(double *t, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && t[j - 1] > t[j]; j--) {
            double s = t[j];
            t[j] = t[j - 1];
            t[j - 1] = s;
        }
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* The machine may be shared: ping-pong, replay (the default: the checker
 * moves to a second thread once answers come fast, where there are two
 * CPUs) and replay on one thread are run in turn, `turns` times, and the
 * best of each is compared (a slow moment hits any of them); the ratio of
 * the medians is printed beside it. */
#define TURNS_MAX 16
static int measure(unsigned turns, const char *name, const char *uri, const char *capture, size_t n)
{
    double pp[TURNS_MAX] = {0}, rp[TURNS_MAX] = {0}, r1[TURNS_MAX] = {0};
    unsigned best = 0;
    struct vmsg_replay_stats st, st1, best_st;
    memset(&best_st, 0, sizeof best_st);
    turns = turns < 1 ? 1 : turns > TURNS_MAX ? TURNS_MAX : turns;
    for (unsigned i = 0; i < turns; i++) {
        pp[i] = ping_pong(uri, n);
        rp[i] = pp[i] < 0 ? -1 : replay(name, uri, capture, 0, &st);
        r1[i] = rp[i] < 0 ? -1 : replay(name, uri, capture, 1, &st1);
        if (pp[i] < 0 || rp[i] < 0 || r1[i] < 0)
            return 3;
        if (i == 0 || rp[i] < rp[best]) {
            best = i;
            best_st = st;
        }
    }
    double best_pp = pp[0], best_rp = rp[best], best_r1 = r1[0];
    for (unsigned i = 1; i < turns; i++) {
        best_pp = pp[i] < best_pp ? pp[i] : best_pp;
        best_r1 = r1[i] < best_r1 ? r1[i] : best_r1;
    }
    double med = median(pp, turns) / median(rp, turns);
    printf("replay: %-8s ping-pong %.0f round trips/s; replay asap %.0f round trips/s (%u thread%s), best of %u each, "
           "alternating (answer latency avg %.2f us, p99 %.2f us, %llu of %llu answers timed)\n",
           name, (double)n / best_pp, (double)n / best_rp, best_st.threads, best_st.threads == 1 ? "" : "s", turns,
           best_st.lat_avg_us, best_st.lat_p99_us,
           (unsigned long long)best_st.lat_n, (unsigned long long)best_st.lat_answers);
    printf("replay: ratio replay/ping-pong (%s) %.2fx (target >= 0.70x; medians of %u turns: %.2fx)\n", name,
           best_pp / best_rp, turns, med);
    printf("replay: ratio replay on one thread/ping-pong (%s) %.2fx (--threads 1, for comparison)\n", name,
           best_pp / best_r1);
    return 0;
}

/* A refdev serving unix-listen:PATH (each peer a fresh device), for the
 * unix adapter: its pid once the socket is there, or -1. */
static pid_t serve_unix(const char *path)
{
    char listen[400];
    snprintf(listen, sizeof listen, "unix-listen:%s", path);
    unlink(path);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl(VMSG_BENCH_VMSG, VMSG_BENCH_VMSG, "refdev", "--listen", listen, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 400; i++) { /* up to 2 s */
        if (access(path, F_OK) == 0)
            return pid;
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

static int measure_unix(const struct bench_opts *bo, const char *capture, size_t n)
{
    const char *td = getenv("TMPDIR");
    char path[300], uri[320];
    snprintf(path, sizeof path, "%s/vmsg-bench-replay-%ld.sock", td && *td ? td : "/tmp", (long)getpid());
    pid_t pid = serve_unix(path);
    if (pid < 0) {
        fprintf(stderr, "vmsg-bench: replay: unix adapter: vmsg refdev --listen unix-listen:%s did not come up\n",
                path);
        return 3;
    }
    snprintf(uri, sizeof uri, "unix:%s", path);
    int rc = measure(bo->repeat, "unix", uri, capture, n);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    unlink(path);
    return rc;
}

int vmsg_bench_replay(const struct bench_opts *bo)
{
    size_t n = bo->quick ? 2000 : 200000;
    const char *td = getenv("TMPDIR");
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/vmsg-bench-replay-%ld.pcap", td && *td ? td : "/tmp", (long)getpid());
    struct vmsg_bus *b;
    if (open_iut("builtin:refdev", &b))
        return 3;
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w || round_trips(b, n, w) || !vmsg_cap_writer_close(w, err, sizeof err)) {
        fprintf(stderr, "vmsg-bench: replay: cannot record the capture: %s\n", err);
        vmsg_bus_close(b);
        return 3;
    }
    vmsg_bus_close(b);
    printf("replay: %zu request/response round trips recorded from refdev (not measured)\n", n);
    /* in process a turn takes a tenth of a second: thrice the turns, for a
     * steadier best on a shared machine */
    int rc = measure(3 * bo->repeat, "builtin", "builtin:refdev", path, n);
    if (VMSG_BENCH_VMSG[0] && access(VMSG_BENCH_VMSG, X_OK) == 0) {
        char uri[1200];
        snprintf(uri, sizeof uri, "exec:%s refdev --stdio", VMSG_BENCH_VMSG);
        int r2 = measure(bo->repeat, "exec", uri, path, n);
        rc = rc > r2 ? rc : r2;
        r2 = measure_unix(bo, path, n);
        rc = rc > r2 ? rc : r2;
    } else {
        printf("replay: exec and unix adapters skipped: the vmsg binary is not known to this build\n");
    }
    unlink(path);
    return rc;
}
