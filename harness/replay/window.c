/* The record window: capture records are read ahead of the walk into a ring
 * of owned copies (buffers reused, so no allocation per record once warm),
 * each with its header read once (vmsg__peek_header: the answers of
 * vmsg_decode_header without a struct vmsg_msg) for pairing and grouping.
 * Bad input found while reading ahead is kept in its slot and raised only
 * when the walk reaches it, so the divergences before it are reported as
 * they were without a window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/wire.h>

#include "capture/capture_internal.h"
#include "replay_internal.h"

enum { BAD_NONE = 0, BAD_CUT, BAD_DIR, BAD_SIZE, BAD_MEM, BAD_BUS };

_Static_assert(sizeof(struct vmsg__slot) == 128, "a slot is two cache lines");

bool vmsg__win_init(struct vmsg__rp *x)
{
    const struct vmsg_replay_opts *o = x->o;
    unsigned w = o->window ? o->window : VMSG_REPLAY_WINDOW_DEFAULT;
    if (w > VMSG_REPLAY_WINDOW_MAX)
        w = VMSG_REPLAY_WINDOW_MAX;
    /* strict: one record at a time, each expected one waited for at its place */
    x->ahead = o->strict_order ? 1 : w;
    x->behind = o->strict_order ? 0 : w;
    x->bus = o->instance >= 0 ? (uint16_t)o->instance : 0; /* else the first record's (instance.c) */
    x->akey = UINT64_MAX - 1; /* neither a key (48 bits) nor a bad slot's */
    vmsg__peek_init(&x->peek, o->profile, o->binding);
    uint64_t need = (uint64_t)x->ahead + x->behind + 2, cap = 4;
    while (cap < need)
        cap <<= 1;
    x->ring = aligned_alloc(_Alignof(struct vmsg__slot), cap * sizeof *x->ring); /* a multiple of it */
    if (x->ring)
        memset(x->ring, 0, cap * sizeof *x->ring);
    x->mask = cap - 1;
    return x->ring != NULL;
}

void vmsg__win_free(struct vmsg__rp *x)
{
    if (!x->ring)
        return;
    for (uint64_t i = 0; i <= x->mask; i++)
        free(x->ring[i].heap);
    free(x->ring);
    x->ring = NULL;
}

/* Direction of a record without one in its capture header (bare forms):
 * its sender's, from the decoded header; -1: unknown. Out of line: the
 * capture header gives it for every record `vmsg proxy` writes. */
__attribute__((noinline))
static int sender_dir(const struct vmsg_replay_opts *o, const struct vmsg__slot *s, bool hdr_ok)
{
    struct vmsg_msg m;
    if (!hdr_ok || vmsg_decode_header(o->profile, o->binding, s->buf, s->len, &m) != VMSG_OK)
        return -1;
    switch (vmsg_msg_sender(&m)) {
    case VMSG_SENDER_DRIVER: return VMSG_DIR_DRV_TO_DEV;
    case VMSG_SENDER_DEVICE:
    case VMSG_SENDER_BUS: return VMSG_DIR_DEV_TO_DRV;
    default: return -1;
    }
}

/* A bad record is never paired; the walk stops at it. */
static void mark_bad(struct vmsg__slot *s, uint8_t why)
{
    s->bad = why;
    s->done = true;
    s->ours = false;
    s->gkey = UINT64_MAX; /* taken out of line, without a group */
}

/* memcpy for the messages that fit in a slot (n <= VMSG__SLOT_INLINE): two
 * copies of a fixed size that overlap, as a library memcpy does for short
 * lengths, without the call (which cost as much as the copy). */
static inline void copy_short(uint8_t *d, const uint8_t *s, size_t n)
{
    if (n >= 16) {
        if (n >= 32) {
            memcpy(d, s, 32);
            memcpy(d + n - 32, s + n - 32, 32);
        } else {
            memcpy(d, s, 16);
            memcpy(d + n - 16, s + n - 16, 16);
        }
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* Copy a capture record into slot s with its header peeked at. Inline in
 * the batch loop (its record then stays in registers). */
static inline __attribute__((always_inline)) void prepare(const struct vmsg__rp *x, struct vmsg__slot *s,
                                                          const struct vmsg_cap_rec *r)
{
    uint32_t n = r->caplen;
    s->frame = r->frame;
    s->ts_ns = (uint64_t)r->ts.sec * 1000000000u + (uint64_t)r->ts.usec * 1000u;
    s->bus = r->meta.bus_instance;
    s->done = false;
    s->deferred = false;
    s->bad = BAD_NONE;
    if (n < r->len || (r->meta.flags & VMSG_CAP_F_TRUNCATED)) {
        mark_bad(s, BAD_CUT);
        s->len = n; /* for the message only */
        s->wire_len = r->len;
        return;
    }
    uint8_t *b;
    if (n <= VMSG__SLOT_INLINE) {
        b = s->inl;
        copy_short(b, r->msg, n);
    } else if ((b = vmsg__hold(s->inl, &s->heap, &s->cap, n)) != NULL) {
        memcpy(b, r->msg, n);
    } else {
        s->buf = s->inl;
        s->len = 0;
        mark_bad(s, BAD_MEM);
        return;
    }
    s->buf = b;
    s->len = n;
    struct vmsg__peek h = {0, 0, 0, 0xff}; /* undecodable: what the peek leaves when it fails */
    bool hdr_ok = n > 0 && vmsg__peek_header(&x->peek, b, n, &h);
    /* stored at once (nothing reads them in a slot marked bad below) */
    s->dev_num = h.dev_num;
    s->cls = h.cls;
    s->msg_id = h.msg_id;
    s->kind = h.kind;
    int dir = r->has_header && r->meta.direction <= VMSG_DIR_DEV_TO_DRV ? r->meta.direction
                                                                        : sender_dir(x->o, s, hdr_ok);
    if (dir < 0) {
        mark_bad(s, BAD_DIR);
        return;
    }
    bool ours = (unsigned)dir == x->ours_dir;
    s->ours = ours;
    if (ours && (n == 0 || n > x->rxcap)) {
        mark_bad(s, BAD_SIZE);
        return;
    }
    s->gkey = vmsg__group_key_of(r->meta.bus_instance, h.dev_num, h.cls, h.msg_id, h.kind);
}

/* The same out of line, for the record vmsg_cap_next gave. */
static void prepare_first(const struct vmsg__rp *x, struct vmsg__slot *s, const struct vmsg_cap_rec *r)
{
    prepare(x, s, r);
}

void vmsg__win_admit_rare(struct vmsg__rp *x, struct vmsg__slot *s)
{
    if (s->bus != x->bus && vmsg__bus_other(x, s->bus))
        mark_bad(s, BAD_BUS);
    if (s->bad) {
        s->group = VMSG__NO_GROUP;
        return;
    }
    uint64_t k = s->gkey;
    uint32_t g = vmsg__group_of_key(x, k);
    s->group = g;
    if (g == VMSG__NO_GROUP)
        return;
    if (!x->groups[g].c.first_frame)
        x->groups[g].c.first_frame = s->frame;
    if (s->bus == x->bus) { /* the next records of this group take the fast path */
        x->akey = k;
        x->agroup = g;
    }
}

/* Read up to VMSG__WIN_BATCH records into the ring past rtail: those that
 * lie whole in the reader's buffer, in one loop with its inline step (no
 * I/O); when there is none, one with vmsg_cap_next, which may read the file
 * or meet its end or an error (kept in reof, rerr until the walk reaches
 * it), then the buffered ones after it. A capture on a pipe or still being
 * written is so read no sooner than the walk needs it. No further than the
 * ring holds with the window (rtail - head <= ring). With --instance, one
 * at a time with vmsg_cap_next: the records skipped are counted where they
 * are read, as the walk reaches them. A record read here is admitted (its
 * group, first_frame, a second bus instance) only when the walk takes it
 * (vmsg__win_fill). */
#define VMSG__WIN_BATCH 32u
/* Records in the reader's buffer into slots [t, last): the end. */
static inline __attribute__((always_inline)) uint64_t take_buffered(struct vmsg__rp *x, struct vmsg__cap_batch *b,
                                                                    uint64_t t, uint64_t last)
{
    struct vmsg__slot *ring = x->ring;
    uint64_t mask = x->mask;
    while (t < last) {
        struct vmsg_cap_rec r; /* its address not taken out of line: it stays in registers */
        if (!vmsg__cap_batch_next(b, &r))
            break;
        prepare(x, &ring[t & mask], &r);
        t++;
    }
    return t;
}
static void read_batch(struct vmsg__rp *x)
{
    bool one = x->o->instance >= 0;
    uint64_t room = x->mask + 1 - (x->rtail - x->head); /* at least 1: tail == rtail */
    uint64_t t = x->rtail, last = t + (one ? 1 : room < VMSG__WIN_BATCH ? room : VMSG__WIN_BATCH);
    for (bool called = false;;) {
        struct vmsg__cap_batch b; /* the reader's place in registers */
        if (!one && vmsg__cap_batch_begin(x->rd, &b)) {
            if (b.tags && !b.big_endian && !b.nano) {
                /* what `vmsg proxy` writes: the loop below with these as constants */
                b.tags = true;
                b.big_endian = b.nano = false;
                b.prefix = sizeof vmsg__cap_our_tags + VMSG_CAP_HDR_LEN;
                t = take_buffered(x, &b, t, last);
            } else {
                t = take_buffered(x, &b, t, last);
            }
            vmsg__cap_batch_end(x->rd, &b);
        }
        if (t != x->rtail || called)
            break;
        called = true;
        struct vmsg_cap_rec r;
        int k = vmsg__bus_next(x, &r);
        if (k != 1) {
            x->reof = true;
            x->rerr = k < 0;
            break;
        }
        prepare_first(x, vmsg__win_at(x, t), &r);
        t++;
    }
    x->rtail = t;
}

void vmsg__win_fill(struct vmsg__rp *x, unsigned want)
{
    if (want > x->ahead)
        want = x->ahead;
    while (!x->eof && x->tail - x->pos < want) {
        if (x->tail == x->rtail && !x->reof)
            read_batch(x);
        if (x->tail == x->rtail) {
            x->eof = true;
            x->read_error = x->rerr;
            vmsg__bus_end(x);
            return;
        }
        vmsg__win_admit(x, vmsg__win_at(x, x->tail));
        x->tail++;
    }
}

bool vmsg__win_check(struct vmsg__rp *x, const struct vmsg__slot *s)
{
    struct vmsg_replay_stats *st = x->st;
    unsigned long long f = (unsigned long long)s->frame;
    switch (s->bad) {
    case BAD_NONE: return true;
    case BAD_CUT:
        snprintf(st->error, sizeof st->error, "%s: frame %llu: message cut by the capture (%u of %u bytes): "
                 "cannot replay it", x->capture, f, s->len, s->wire_len);
        break;
    case BAD_DIR:
        snprintf(st->error, sizeof st->error, "%s: frame %llu: direction unknown and not given by the message",
                 x->capture, f);
        break;
    case BAD_SIZE:
        snprintf(st->error, sizeof st->error, "%s: frame %llu: %u-byte message cannot be sent", x->capture, f,
                 s->len);
        break;
    case BAD_BUS: vmsg__bus_error(x, s->frame, s->bus); return false;
    default:
        snprintf(st->error, sizeof st->error, "%s: frame %llu: out of memory", x->capture, f);
        x->status = 3;
        return false;
    }
    x->status = 2;
    return false;
}

void vmsg__win_reader_error(struct vmsg__rp *x)
{
    if (!x->read_error)
        return;
    snprintf(x->st->error, sizeof x->st->error, "%s", vmsg_cap_reader_error(x->rd));
    x->status = 2; /* a bad capture is bad input, whatever was compared before */
}
