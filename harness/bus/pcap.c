/* pcap:FILE[?dir=..&compare=1&bare=1] : a capture as a frame source, for
 * replay. recv() delivers, in capture order, the records travelling towards
 * this side (side=driver: device-to-driver records) plus the records whose
 * direction is unknown; dir=to-driver|to-device|all overrides. send() is
 * discarded, or with compare=1 checked against the next record travelling the
 * other way (a difference is ERROR naming the capture frame). End of file is
 * CLOSED. No pacing: frames are ready at once (timing is replay's business). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/capture.h>

#include "bus_internal.h"

struct pcap_bus {
    struct vmsg_cap_reader *in, *cmp; /* cmp: only with compare=1 */
    int want_in, want_cmp;            /* direction code, or -1 for any */
    char path[256];
};

static bool dir_matches(const struct vmsg_cap_rec *r, int want)
{
    return want < 0 || !r->has_header || r->meta.direction == VMSG_DIR_UNKNOWN ||
           r->meta.direction == want;
}

/* Next record in direction want: 1, 0 at end, -1 error (b->err set). */
static int next_rec(struct vmsg_bus *b, struct vmsg_cap_reader *r, int want, struct vmsg_cap_rec *rec)
{
    for (;;) {
        int n = vmsg_cap_next(r, rec);
        if (n < 0) {
            vmsg__bus_fail(b, "%s", vmsg_cap_reader_error(r));
            return -1;
        }
        if (n == 0 || dir_matches(rec, want))
            return n;
    }
}

static int pcap_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                     unsigned *flags)
{
    struct pcap_bus *p = b->impl;
    struct vmsg_cap_rec rec;
    int n = next_rec(b, p->in, p->want_in, &rec);
    if (n < 0)
        return VMSG_BUS_ERROR;
    if (n == 0) {
        vmsg__bus_fail(b, "recv: end of capture");
        return VMSG_BUS_CLOSED;
    }
    if (rec.caplen > b->params.max_msg_size || rec.caplen > cap) {
        vmsg__bus_fail(b, "recv: frame %llu: %u bytes exceed the maximum %u (skipped)",
                       (unsigned long long)rec.frame, rec.caplen,
                       (unsigned)(cap < b->params.max_msg_size ? cap : b->params.max_msg_size));
        return VMSG_BUS_OVERSIZE;
    }
    memcpy(buf, rec.msg, rec.caplen);
    *len = rec.caplen;
    if (rec.caplen < rec.len) {
        *flags |= VMSG_BUS_TAP_MALFORMED;
        vmsg__bus_fail(b, "recv: frame %llu: cut by the capture (%u of %u bytes)",
                       (unsigned long long)rec.frame, rec.caplen, rec.len);
        return VMSG_BUS_MALFORMED;
    }
    return VMSG_BUS_OK;
}

static int pcap_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct pcap_bus *p = b->impl;
    if (!p->cmp)
        return VMSG_BUS_OK;
    struct vmsg_cap_rec rec;
    int n = next_rec(b, p->cmp, p->want_cmp, &rec);
    if (n < 0)
        return VMSG_BUS_ERROR;
    if (n == 0) {
        vmsg__bus_fail(b, "send: the capture has no more frames in this direction");
        return VMSG_BUS_ERROR;
    }
    if (rec.caplen != len || memcmp(rec.msg, f, len) != 0) {
        size_t at = 0;
        while (at < len && at < rec.caplen && rec.msg[at] == f[at])
            at++;
        vmsg__bus_fail(b, "send: frame differs from capture frame %llu at byte %zu "
                          "(%zu bytes sent, %u captured)",
                       (unsigned long long)rec.frame, at, len, rec.caplen);
        return VMSG_BUS_ERROR;
    }
    return VMSG_BUS_OK;
}

static void pcap_destroy(struct vmsg_bus *b)
{
    struct pcap_bus *p = b->impl;
    if (!p)
        return;
    if (p->in)
        vmsg_cap_reader_close(p->in);
    if (p->cmp)
        vmsg_cap_reader_close(p->cmp);
    free(p);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_pcap_ops = {
    pcap_send, pcap_recv, NULL, NULL, NULL, pcap_destroy, NULL,
};

int vmsg__bus_open_pcap(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    struct pcap_bus *p = calloc(1, sizeof *p);
    if (!p) {
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    b->impl = p;
    b->ops = &k_pcap_ops;
    /* frames towards us: the driver receives device-to-driver (1) */
    int toward = b->side == VMSG_BUS_SIDE_DRIVER ? VMSG_DIR_DEV_TO_DRV
               : b->side == VMSG_BUS_SIDE_DEVICE ? VMSG_DIR_DRV_TO_DEV : -1;
    char v[16];
    if (vmsg__bus_query_get(u->query, "dir", v, sizeof v)) {
        if (strcmp(v, "to-driver") == 0)
            toward = VMSG_DIR_DEV_TO_DRV;
        else if (strcmp(v, "to-device") == 0)
            toward = VMSG_DIR_DRV_TO_DEV;
        else if (strcmp(v, "all") == 0)
            toward = -1;
        else {
            vmsg__bus_fail(b, "dir: expected to-driver, to-device or all, got '%s'", v);
            return VMSG_BUS_USAGE;
        }
    }
    p->want_in = toward;
    p->want_cmp = toward < 0 ? -1 : 1 - toward;
    unsigned flags = 0;
    if (vmsg__bus_query_get(u->query, "bare", v, sizeof v) && strcmp(v, "1") == 0)
        flags |= VMSG_CAP_READ_BARE;
    char err[300];
    p->in = vmsg_cap_reader_open(u->rest, flags, err, sizeof err);
    if (!p->in) {
        snprintf(b->err, sizeof b->err, "%s: %s", b->uri, err);
        return VMSG_BUS_USAGE; /* a missing or foreign capture is an input error */
    }
    if (vmsg__bus_query_get(u->query, "compare", v, sizeof v) && strcmp(v, "1") == 0) {
        p->cmp = vmsg_cap_reader_open(u->rest, flags, err, sizeof err);
        if (!p->cmp) {
            snprintf(b->err, sizeof b->err, "%s: %s", b->uri, err);
            return VMSG_BUS_USAGE; /* a missing or foreign capture is an input error */
        }
    }
    return VMSG_BUS_OK;
}
