/* Section `codec`: decode + validate a large buffer of back-to-back v1
 * messages of a realistic mix (framing by vmsg_frame_len, then vmsg_decode
 * with a diag), against one memcpy of the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/wire.h>

#include "bench.h"

/* The mix: notifications dominate a running device; configuration and
 * bus traffic are rare. Weights in parts per 100. */
struct mixdef {
    unsigned mname, cls, kind, weight;
};
static const struct mixdef mix[] = {
    {VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, 40},
    {VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, 35},
    {VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 5},
    {VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 5},
    {VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, 2},
    {VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 2},
    {VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 2},
    {VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 2},
    {VMSG_M_SET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 2},
    {VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1},
    {VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 2},
    {VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 2},
};
#define NMIX (sizeof mix / sizeof mix[0])

struct tmpl {
    uint8_t b[64];
    size_t len;
};

/* A valid instance of each message of the mix. */
static int make_templates(struct tmpl *t)
{
    static const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (size_t i = 0; i < NMIX; i++) {
        struct vmsg_msg m;
        if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mix[i].mname, mix[i].cls, mix[i].kind,
                           mix[i].cls == VMSG_CLASS_BUS ? 0 : 1))
            return -1;
        m.token = (uint16_t)(i + 1);
        vmsg_set(&m, VMSG_FLD_INDEX, 1);
        vmsg_set(&m, VMSG_FLD_LENGTH, 4);
        vmsg_set_bytes(&m, VMSG_FLD_DATA, data, 4);
        vmsg_set(&m, VMSG_FLD_SIZE, 256);
        vmsg_set(&m, VMSG_FLD_MAX_SIZE, 1024);
        vmsg_set(&m, VMSG_FLD_STATUS, VMSG_STATUS_DRIVER_OK);
        vmsg_set(&m, VMSG_FLD_NUM_BLOCKS, 2);
        vmsg_set_bytes(&m, VMSG_FLD_FEATURES, data, 8);
        vmsg_set(&m, VMSG_FLD_COUNT, 16);
        vmsg_set_bytes(&m, VMSG_FLD_BITMAP, data, 2);
        vmsg_set(&m, VMSG_FLD_DESC_ADDR, 0x10000);
        t[i].len = vmsg_encode(&m, t[i].b, sizeof t[i].b);
        if (!t[i].len)
            return -1;
    }
    return 0;
}

struct run {
    const uint8_t *buf;
    uint8_t *copy;
    size_t bytes, nmsg;
    size_t ok, bad;
};

static void run_decode(void *arg)
{
    struct run *r = arg;
    struct vmsg_msg m;
    struct vmsg_diag d;
    size_t pos = 0, ok = 0, bad = 0;
    while (pos < r->bytes) {
        size_t n = vmsg_frame_len(VMSG_PROFILE_V1, r->buf + pos, r->bytes - pos);
        if (n < 8 || n > r->bytes - pos) {
            bad++;
            break;
        }
        if (vmsg_decode(VMSG_PROFILE_V1, 0, r->buf + pos, n, &m, &d) == VMSG_OK)
            ok++;
        else
            bad++;
        pos += n;
    }
    r->ok = ok;
    r->bad = bad;
}

static void run_memcpy(void *arg)
{
    struct run *r = arg;
    memcpy(r->copy, r->buf, r->bytes);
    /* keep the copy observable so it is not optimised away */
    __asm__ __volatile__("" : : "r"(r->copy) : "memory");
}

int vmsg_bench_codec(const struct bench_opts *o)
{
    struct tmpl t[NMIX];
    if (make_templates(t)) {
        fprintf(stderr, "vmsg-bench: codec: a message of the mix has no v1 layout\n");
        return 3;
    }
    size_t nmsg = o->quick ? 20000 : 1000000;
    uint8_t *buf = malloc(nmsg * 64), *copy = malloc(nmsg * 64);
    if (!buf || !copy) {
        fprintf(stderr, "vmsg-bench: codec: out of memory\n");
        free(buf);
        free(copy);
        return 3;
    }
    /* deterministic weighted choice (xorshift), so every run has the same buffer */
    uint32_t x = 2463534242u;
    size_t bytes = 0;
    for (size_t i = 0; i < nmsg; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        unsigned pick = x % 100, k = 0, acc = mix[0].weight;
        while (pick >= acc && k + 1 < NMIX)
            acc += mix[++k].weight;
        memcpy(buf + bytes, t[k].b, t[k].len);
        bytes += t[k].len;
    }
    struct run r = {buf, copy, bytes, nmsg, 0, 0};
    uint64_t dec_ns = bench_best_ns(o, run_decode, &r);
    uint64_t cpy_ns = bench_best_ns(o, run_memcpy, &r);
    int rc = 0;
    if (r.ok != nmsg || r.bad) {
        fprintf(stderr, "vmsg-bench: codec: expected %zu valid messages, got %zu (%zu not ok)\n", nmsg, r.ok, r.bad);
        rc = 3;
    }
    double dn = (double)dec_ns / (double)nmsg, cn = (double)cpy_ns / (double)nmsg;
    printf("codec: %zu v1 messages, %zu bytes (%.1f bytes/message), %zu kinds%s\n", nmsg, bytes,
           (double)bytes / (double)nmsg, NMIX, o->quick ? ", --quick: numbers not meaningful" : "");
    printf("codec: decode+validate %10.2f ns/message  (best of %u)\n", dn, o->repeat);
    printf("codec: memcpy          %10.2f ns/message  (best of %u)\n", cn, o->repeat);
    printf("codec: ratio decode+validate/memcpy %.1fx\n", dn / cn);
    free(buf);
    free(copy);
    return rc;
}
