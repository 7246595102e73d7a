/* Bench section: passive checker throughput on an in-memory stream of v1
 * messages (1M, or 100k with quick), against a decode-only loop over the
 * same frames; then the same stream as a capture file: a bare libpcap read
 * loop against capture reader + checker (DESIGN.md 9: >= 0.5x), with peak
 * memory. Prints messages/second and ratios; asserts nothing. The tshark
 * comparison needs the plugin and is left for later. One run each (the
 * stream is large enough); findings in the stream make the section fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vmsg/capture.h>
#include <vmsg/check.h>
#include <vmsg/wire.h>

#include "bench.h"

struct stream {
    uint8_t *buf;
    size_t used, cap;
    size_t n;
    uint32_t *off;
    uint16_t *len;
    uint8_t *dir;
    size_t ncap;
};

/* Append one transport message; the variadic part is (int field, unsigned long
 * long value) pairs ended by -1. */
static int put(struct stream *s, unsigned mname, unsigned kind, unsigned dev, ...)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mname, VMSG_CLASS_TRANSPORT, kind, (uint16_t)dev))
        return -1;
    va_list ap;
    va_start(ap, dev);
    for (int f = va_arg(ap, int); f >= 0; f = va_arg(ap, int))
        vmsg_set(&m, (unsigned)f, va_arg(ap, unsigned long long));
    va_end(ap);
    if (s->used + 512 > s->cap || s->n == s->ncap)
        return -1;
    size_t len = vmsg_encode(&m, s->buf + s->used, s->cap - s->used);
    if (!len)
        return -1;
    int from_driver = m.def->sender == VMSG_SENDER_DRIVER;
    if (kind == VMSG_KIND_RESPONSE)
        from_driver = !from_driver;
    s->off[s->n] = (uint32_t)s->used;
    s->len[s->n] = (uint16_t)len;
    s->dir[s->n] = from_driver ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV;
    s->used += len;
    s->n++;
    return 0;
}

enum { REQ = VMSG_KIND_REQUEST, RSP = VMSG_KIND_RESPONSE, EVT = VMSG_KIND_EVENT };
#define V(f, v) VMSG_FLD_##f, 0ULL + (v)
#define P(name, kind, d, ...)                                  \
    do {                                                       \
        if (put(s, VMSG_M_##name, kind, d, __VA_ARGS__ -1))    \
            return -1;                                         \
    } while (0)

static int init_dev(struct stream *s, uint16_t d)
{
    P(GET_DEVICE_INFO, REQ, d, );
    P(GET_DEVICE_INFO, RSP, d, V(NUM_FEATURE_BITS, 64), V(CONFIG_SIZE, 64), V(MAX_VIRTQUEUES, 2), );
    P(SET_DEVICE_STATUS, REQ, d, V(STATUS, 0), );
    P(SET_DEVICE_STATUS, RSP, d, V(STATUS, 0), );
    P(GET_DEVICE_FEATURES, REQ, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
    P(GET_DEVICE_FEATURES, RSP, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
    P(SET_DRIVER_FEATURES, REQ, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
    P(SET_DRIVER_FEATURES, RSP, d, );
    P(SET_DEVICE_STATUS, REQ, d, V(STATUS, 11), );
    P(SET_DEVICE_STATUS, RSP, d, V(STATUS, 11), );
    P(GET_VQUEUE, REQ, d, V(INDEX, 0), );
    P(GET_VQUEUE, RSP, d, V(MAX_SIZE, 256), );
    P(SET_VQUEUE, REQ, d, V(SIZE, 256), V(DESC_ADDR, 0x1000), V(DRIVER_ADDR, 0x2000), V(DEVICE_ADDR, 0x3000), );
    P(SET_VQUEUE, RSP, d, );
    P(SET_DEVICE_STATUS, REQ, d, V(STATUS, 15), );
    P(SET_DEVICE_STATUS, RSP, d, V(STATUS, 15), );
    return 0;
}

static int io_round(struct stream *s, uint16_t d)
{
    P(EVENT_AVAIL, EVT, d, V(INDEX, 0), );
    P(EVENT_USED, EVT, d, V(INDEX, 0), );
    P(GET_CONFIG, REQ, d, V(OFFSET, 0), V(LENGTH, 0), );
    P(GET_CONFIG, RSP, d, V(GENERATION, 1), );
    P(GET_DEVICE_STATUS, REQ, d, );
    P(GET_DEVICE_STATUS, RSP, d, V(STATUS, 15), );
    P(EVENT_AVAIL, EVT, d, V(INDEX, 0), );
    P(EVENT_USED, EVT, d, V(INDEX, 0), );
    return 0;
}

static double now(void) { return bench_now_ns() / 1e9; }

static void count(void *user, const struct vmsg_finding *f)
{
    if (!f->clause)
        return;
    if (getenv("VMSG_BENCH_VERBOSE")) {
        char line[300];
        vmsg_finding_format(f, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    ++*(uint64_t *)user;
}

int vmsg_bench_check(const struct bench_opts *bo)
{
    size_t want = bo->quick ? 100000 : 1000000;
    struct stream s = {0};
    s.cap = want * 40 + 65536;
    s.ncap = want + 1024;
    s.buf = malloc(s.cap);
    s.off = malloc(s.ncap * sizeof *s.off);
    s.len = malloc(s.ncap * sizeof *s.len);
    s.dir = malloc(s.ncap * sizeof *s.dir);
    int rc = 3;
    if (!s.buf || !s.off || !s.len || !s.dir)
        goto out;
    enum { NDEV = 16 };
    for (unsigned d = 1; d <= NDEV; d++)
        if (init_dev(&s, (uint16_t)d))
            goto out;
    while (s.n + 8 * NDEV <= want)
        for (unsigned d = 1; d <= NDEV; d++)
            if (io_round(&s, (uint16_t)d))
                goto out;

    /* decode-only baseline over the same frames */
    double t0 = now();
    size_t ok = 0;
    for (size_t i = 0; i < s.n; i++) {
        struct vmsg_msg m;
        ok += vmsg_decode(VMSG_PROFILE_V1, 0, s.buf + s.off[i], s.len[i], &m, NULL) == VMSG_OK;
    }
    double t_dec = now() - t0;

    uint64_t findings = 0;
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.on_finding = count;
    o.user = &findings;
    struct vmsg_check *c = vmsg_check_new(&o);
    if (!c)
        goto out;
    t0 = now();
    for (size_t i = 0; i < s.n; i++)
        vmsg_check_feed(c, i + 1, s.dir[i], 0, s.buf + s.off[i], s.len[i], 0);
    vmsg_check_finish(c);
    double t_chk = now() - t0;
    vmsg_check_free(c);

    /* the same stream as a capture file */
    char path[256];
    const char *td = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/vmsg-bench-check-%ld.pcap", td && *td ? td : "/tmp", (long)getpid());
    char err[512];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w)
        goto out;
    for (size_t i = 0; i < s.n; i++) {
        struct vmsg_cap_ts ts = {1700000000 + (int64_t)(i / 1000000), (uint32_t)(i % 1000000)};
        struct vmsg_cap_meta meta = {s.dir[i], 0, VMSG_BUS_LOOPBACK, 0, 0};
        if (!vmsg_cap_write(w, &ts, &meta, s.buf + s.off[i], s.len[i])) {
            vmsg_cap_writer_abort(w);
            goto out;
        }
    }
    if (!vmsg_cap_writer_close(w, err, sizeof err))
        goto out;
    char perr[PCAP_ERRBUF_SIZE];
    t0 = now();
    pcap_t *pc = pcap_open_offline(path, perr);
    size_t nrec = 0, bytes = 0;
    struct pcap_pkthdr *ph;
    const u_char *pd;
    while (pc && pcap_next_ex(pc, &ph, &pd) == 1) {
        nrec++;
        bytes += ph->caplen;
    }
    if (pc)
        pcap_close(pc);
    double t_pcap = now() - t0;

    uint64_t cfind = 0;
    o.user = &cfind;
    t0 = now();
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(path, 0, err, sizeof err);
    c = r ? vmsg_check_new(&o) : NULL;
    struct vmsg_cap_rec rec;
    size_t nchk = 0;
    while (c && vmsg_cap_next(r, &rec) == 1) {
        vmsg_check_feed(c, rec.frame, rec.meta.direction, 0, rec.msg, rec.caplen, rec.meta.bus_instance);
        nchk++;
    }
    if (c) {
        vmsg_check_finish(c);
        vmsg_check_free(c);
    }
    if (r)
        vmsg_cap_reader_close(r);
    double t_file = now() - t0;
    unlink(path);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);

    printf("check: %zu v1 messages, %d devices, %llu findings (%zu decoded clean)\n", s.n, NDEV,
           (unsigned long long)findings, ok);
    printf("check: decode only   %.0f msg/s\n", s.n / t_dec);
    printf("check: full checker  %.0f msg/s\n", s.n / t_chk);
    printf("check: ratio checker/decode-only %.2fx\n", t_dec / t_chk);
    printf("check: capture file  libpcap read loop %.0f rec/s (%zu records, %zu bytes)\n", nrec / t_pcap, nrec, bytes);
    printf("check: capture file  reader + checker  %.0f msg/s, %llu findings\n", nchk / t_file,
           (unsigned long long)cfind);
    printf("check: ratio capture-check/libpcap-read %.2fx (target >= 0.50x)\n", t_pcap / t_file);
    printf("check: peak RSS of the whole bench %ld KiB (includes the in-memory stream)\n", ru.ru_maxrss);
    rc = findings || cfind ? 1 : 0;
out:
    free(s.buf);
    free(s.off);
    free(s.len);
    free(s.dir);
    return rc;
}

