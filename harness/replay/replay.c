/* vmsg_replay_run: walk a capture in order, send our side's records to the
 * IUT, wait for and compare its side's records, feed both to the checker,
 * and measure rate and answer latency. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/capture.h>
#include <vmsg/replay.h>
#include <vmsg/wire.h>

#include "replay_internal.h"

#define LAT_MAX_SAMPLES (1u << 20) /* p99 over the first million answers: memory stays bounded */
#define TOKEN_MAP 64

void vmsg_replay_opts_init(struct vmsg_replay_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->timing = VMSG_REPLAY_ASAP;
    o->scale = 1.0;
    o->reply_timeout_ms = 1000;
    o->extra_ms = 20;
    o->check = true;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct rp {
    const struct vmsg_replay_opts *o;
    struct vmsg_replay_stats *st;
    struct vmsg_bus *iut;
    struct vmsg_check *chk;
    uint8_t *buf;
    size_t cap;
    uint64_t last_send_ns;
    bool awaiting;         /* a frame was sent and its first answer not yet timed */
    double *lat;
    size_t nlat;
    double lat_sum;
    /* playing the device: recorded token -> the live driver's token */
    uint16_t tok_rec[TOKEN_MAP], tok_live[TOKEN_MAP];
    unsigned ntok, tok_next;
    bool token;            /* the profile has a token */
};

static void feed(struct rp *x, uint64_t frame, unsigned dir, const uint8_t *f, size_t len)
{
    if (x->chk)
        vmsg_check_feed(x->chk, frame, dir, wall_ns(), f, len, 0);
}

/* Direction of a record: the header's, else the sender's. -1: unknown. */
static int rec_dir(const struct vmsg_replay_opts *o, const struct vmsg_cap_rec *r)
{
    if (r->has_header && r->meta.direction <= VMSG_DIR_DEV_TO_DRV)
        return r->meta.direction;
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(o->profile, o->binding, r->msg, r->caplen, &m, NULL);
    if (oc != VMSG_OK && oc != VMSG_NONCONFORMANT)
        return -1;
    switch (vmsg_msg_sender(&m)) {
    case VMSG_SENDER_DRIVER: return VMSG_DIR_DRV_TO_DEV;
    case VMSG_SENDER_DEVICE:
    case VMSG_SENDER_BUS: return VMSG_DIR_DEV_TO_DRV;
    default: return -1;
    }
}

static bool is_request(const struct vmsg_replay_opts *o, const uint8_t *f, size_t len, uint16_t *tok)
{
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(o->profile, o->binding, f, len, &m, NULL);
    *tok = m.token;
    return (oc == VMSG_OK || oc == VMSG_NONCONFORMANT) && m.kind == VMSG_KIND_REQUEST;
}

static bool is_response(const struct vmsg_replay_opts *o, const uint8_t *f, size_t len, uint16_t *tok)
{
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(o->profile, o->binding, f, len, &m, NULL);
    *tok = m.token;
    return (oc == VMSG_OK || oc == VMSG_NONCONFORMANT) && m.kind == VMSG_KIND_RESPONSE;
}

static void learn_token(struct rp *x, uint16_t rec, uint16_t live)
{
    unsigned i = x->ntok < TOKEN_MAP ? x->ntok++ : x->tok_next++ % TOKEN_MAP;
    x->tok_rec[i] = rec;
    x->tok_live[i] = live;
}

/* Token at header offset 4 (le16) in the profiles that have one. */
static void rewrite_token(struct rp *x, uint8_t *f, size_t len)
{
    uint16_t rec;
    if (!x->token || len < 8 || !is_response(x->o, f, len, &rec))
        return;
    for (unsigned i = x->ntok; i-- > 0;)
        if (x->tok_rec[i] == rec) {
            f[4] = (uint8_t)x->tok_live[i];
            f[5] = (uint8_t)(x->tok_live[i] >> 8);
            return;
        }
}

static void divergence(struct rp *x, struct vmsg_replay_divergence *d)
{
    x->st->divergences++;
    if (x->o->on_divergence)
        x->o->on_divergence(x->o->user, d);
}

static void pace(struct rp *x, const struct vmsg_cap_rec *r, uint64_t start_ns, int64_t first_ts_us)
{
    if (x->o->timing == VMSG_REPLAY_ASAP)
        return;
    int64_t rec_us = r->ts.sec * 1000000 + r->ts.usec - first_ts_us;
    if (rec_us <= 0)
        return;
    double factor = x->o->timing == VMSG_REPLAY_SCALE ? x->o->scale : 1.0;
    uint64_t due = start_ns + (uint64_t)((double)rec_us * 1000.0 * factor);
    uint64_t now = mono_ns();
    if (due > now) {
        uint64_t wait = due - now;
        struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
        nanosleep(&ts, NULL);
    }
}

static int fail_transport(struct rp *x, uint64_t frame, const char *what, int rc)
{
    snprintf(x->st->error, sizeof x->st->error, "frame %llu: %s: %s (%s)", (unsigned long long)frame, what,
             vmsg_bus_error(x->iut), vmsg_bus_status_name(rc));
    return 3;
}

/* One record of the other side: wait for the IUT's frame and compare. */
static int expect(struct rp *x, const struct vmsg_cap_rec *r)
{
    size_t len = 0;
    int rc = vmsg_bus_recv(x->iut, x->buf, x->cap, &len, x->o->reply_timeout_ms);
    if (rc == VMSG_BUS_TIMEOUT) {
        struct vmsg_replay_divergence d;
        memset(&d, 0, sizeof d);
        d.frame = r->frame;
        snprintf(d.field, sizeof d.field, "(missing)");
        snprintf(d.expected, sizeof d.expected, "a frame");
        snprintf(d.got, sizeof d.got, "nothing within %d ms", x->o->reply_timeout_ms);
        struct vmsg_msg m;
        if (vmsg_decode(x->o->profile, x->o->binding, r->msg, r->caplen, &m, NULL) <= VMSG_NONCONFORMANT)
            vmsg_summary(&m, d.expected_msg, sizeof d.expected_msg);
        divergence(x, &d);
        return 1;
    }
    if (rc == VMSG_BUS_MALFORMED && len > 0)
        rc = VMSG_BUS_OK; /* a bad datagram is compared like any frame */
    if (rc != VMSG_BUS_OK)
        return -fail_transport(x, r->frame, "waiting for the IUT's frame", rc);
    x->st->received++;
    if (x->awaiting) { /* the round trip: our last frame to the first frame after it */
        x->awaiting = false;
        double us = (double)(mono_ns() - x->last_send_ns) / 1000.0;
        if (x->nlat < LAT_MAX_SAMPLES)
            x->lat[x->nlat++] = us;
        x->lat_sum += us;
        x->st->lat_n++;
        if (us > x->st->lat_max_us)
            x->st->lat_max_us = us;
        if (x->st->lat_n == 1 || us < x->st->lat_min_us)
            x->st->lat_min_us = us;
    }
    unsigned dir = x->o->as == VMSG_REPLAY_AS_DRIVER ? VMSG_DIR_DEV_TO_DRV : VMSG_DIR_DRV_TO_DEV;
    feed(x, r->frame, dir, x->buf, len);
    uint16_t rec_tok, live_tok;
    if (x->o->as == VMSG_REPLAY_AS_DEVICE && x->token && is_request(x->o, r->msg, r->caplen, &rec_tok) &&
        is_request(x->o, x->buf, len, &live_tok))
        learn_token(x, rec_tok, live_tok);
    struct vmsg_replay_divergence d;
    memset(&d, 0, sizeof d);
    if (vmsg__replay_compare(x->o, r->msg, r->caplen, x->buf, len, &d)) {
        d.frame = r->frame;
        divergence(x, &d);
        return 1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int vmsg_replay_run(const char *capture, struct vmsg_bus *iut, const struct vmsg_replay_opts *o,
                    struct vmsg_replay_stats *st)
{
    memset(st, 0, sizeof *st);
    char err[400];
    struct vmsg_cap_reader *rd = vmsg_cap_reader_open(capture, 0, err, sizeof err);
    if (!rd) {
        snprintf(st->error, sizeof st->error, "%s", err);
        return st->status = 2;
    }
    struct rp x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.st = st;
    x.iut = iut;
    const struct vmsg_profile_def *pd = vmsg_profile(o->profile);
    x.token = pd && pd->token;
    x.cap = 65536 + 64;
    x.buf = malloc(x.cap);
    x.lat = malloc(LAT_MAX_SAMPLES * sizeof *x.lat);
    if (o->check) {
        struct vmsg_check_opts co;
        vmsg_check_opts_init(&co);
        co.profile = o->profile;
        co.binding = o->binding;
        co.max_msg_size = o->max_msg_size;
        co.on_finding = o->on_finding;
        co.user = o->user;
        x.chk = vmsg_check_new(&co);
    }
    if (!x.buf || !x.lat || (o->check && !x.chk)) {
        snprintf(st->error, sizeof st->error, "replay: out of memory");
        st->status = 3;
        goto out;
    }
    unsigned ours = o->as == VMSG_REPLAY_AS_DRIVER ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV;
    uint64_t start = mono_ns();
    int64_t first_ts = -1;
    int status = 0;
    struct vmsg_cap_rec r;
    int n;
    while ((n = vmsg_cap_next(rd, &r)) == 1) {
        st->records++;
        st->last_frame = r.frame;
        if (first_ts < 0)
            first_ts = r.ts.sec * 1000000 + r.ts.usec;
        if (r.caplen < r.len || (r.meta.flags & VMSG_CAP_F_TRUNCATED)) {
            snprintf(st->error, sizeof st->error, "%s: frame %llu: message cut by the capture (%u of %u bytes): "
                     "cannot replay it", capture, (unsigned long long)r.frame, r.caplen, r.len);
            status = 2;
            break;
        }
        int dir = rec_dir(o, &r);
        if (dir < 0) {
            snprintf(st->error, sizeof st->error, "%s: frame %llu: direction unknown and not given by the message",
                     capture, (unsigned long long)r.frame);
            status = 2;
            break;
        }
        if ((unsigned)dir == ours) {
            if (r.caplen > x.cap || r.caplen == 0) {
                snprintf(st->error, sizeof st->error, "%s: frame %llu: %u-byte message cannot be sent", capture,
                         (unsigned long long)r.frame, r.caplen);
                status = 2;
                break;
            }
            pace(&x, &r, start, first_ts);
            uint8_t *f = x.buf;
            memcpy(f, r.msg, r.caplen);
            if (o->as == VMSG_REPLAY_AS_DEVICE)
                rewrite_token(&x, f, r.caplen);
            int rc = vmsg_bus_send(iut, f, r.caplen);
            if (rc != VMSG_BUS_OK) {
                status = fail_transport(&x, r.frame, "sending", rc);
                break;
            }
            x.last_send_ns = mono_ns();
            x.awaiting = true;
            st->sent++;
            feed(&x, r.frame, ours, f, r.caplen);
            continue;
        }
        int e = expect(&x, &r);
        if (e < 0) {
            status = -e;
            break;
        }
        if (e > 0) {
            status = 1;
            if (o->stop_at_first)
                break;
        }
    }
    if (n < 0 && status < 2) { /* a bad capture is bad input, whatever was compared before */
        snprintf(st->error, sizeof st->error, "%s", vmsg_cap_reader_error(rd));
        status = 2;
    }
    st->elapsed_s = (double)(mono_ns() - start) / 1e9; /* the wait for extra frames is not part of the rate */
    /* anything the IUT sends beyond the recorded session */
    if (status <= 1 && !(status == 1 && o->stop_at_first) && o->extra_ms > 0) {
        size_t len = 0;
        int rc = vmsg_bus_recv(iut, x.buf, x.cap, &len, o->extra_ms);
        if (rc == VMSG_BUS_OK) {
            struct vmsg_replay_divergence d;
            memset(&d, 0, sizeof d);
            snprintf(d.field, sizeof d.field, "(extra)");
            snprintf(d.expected, sizeof d.expected, "nothing after the last record");
            struct vmsg_msg m;
            if (vmsg_decode(o->profile, o->binding, x.buf, len, &m, NULL) <= VMSG_NONCONFORMANT)
                vmsg_summary(&m, d.got_msg, sizeof d.got_msg);
            snprintf(d.got, sizeof d.got, "a %zu-byte frame", len);
            feed(&x, 0, ours == VMSG_DIR_DRV_TO_DEV ? VMSG_DIR_DEV_TO_DRV : VMSG_DIR_DRV_TO_DEV, x.buf, len);
            divergence(&x, &d);
            status = 1;
        }
    }
    if (x.nlat) {
        st->lat_avg_us = x.lat_sum / (double)st->lat_n;
        qsort(x.lat, x.nlat, sizeof *x.lat, cmp_double);
        size_t k = (x.nlat * 99 + 99) / 100; /* rank ceil(0.99 n) */
        st->lat_p99_us = x.lat[k ? k - 1 : 0];
    }
    st->status = status;
out:
    if (x.chk) {
        vmsg_check_finish(x.chk);
        st->counts = *vmsg_check_counts(x.chk);
        vmsg_check_free(x.chk);
    }
    free(x.buf);
    free(x.lat);
    vmsg_cap_reader_close(rd);
    return st->status;
}
