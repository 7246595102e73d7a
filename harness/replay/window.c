/* The record window: capture records are read ahead of the walk into a ring
 * of owned copies (buffers reused, so no allocation per record once warm),
 * each with its header decoded once (vmsg_decode_header) for pairing and
 * grouping. Bad input found while reading ahead is kept in its slot and
 * raised only when the walk reaches it, so the divergences before it are
 * reported as they were without a window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/wire.h>

#include "replay_internal.h"

enum { BAD_NONE = 0, BAD_CUT, BAD_DIR, BAD_SIZE, BAD_MEM, BAD_BUS };

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

/* Direction of a record: the header's, else the sender's. -1: unknown. */
static int rec_dir(const struct vmsg_cap_rec *r, const struct vmsg_msg *m, bool hdr_ok)
{
    if (r->has_header && r->meta.direction <= VMSG_DIR_DEV_TO_DRV)
        return r->meta.direction;
    if (!hdr_ok)
        return -1;
    switch (vmsg_msg_sender(m)) {
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
}

/* Copy a capture record into slot s with its header decoded. */
static void prepare(const struct vmsg__rp *x, struct vmsg__slot *s, const struct vmsg_cap_rec *r)
{
    const struct vmsg_replay_opts *o = x->o;
    s->frame = r->frame;
    s->ts_ns = (uint64_t)r->ts.sec * 1000000000u + (uint64_t)r->ts.usec * 1000u;
    s->bus = r->meta.bus_instance;
    s->done = false;
    s->deferred = false;
    s->bad = BAD_NONE;
    s->len = 0;
    s->group = VMSG__NO_GROUP;
    if (r->caplen < r->len || (r->meta.flags & VMSG_CAP_F_TRUNCATED)) {
        mark_bad(s, BAD_CUT);
        s->len = r->caplen; /* for the message only */
        s->wire_len = r->len;
        return;
    }
    s->buf = vmsg__hold(s->inl, &s->heap, &s->cap, r->caplen);
    if (!s->buf) {
        s->buf = s->inl;
        mark_bad(s, BAD_MEM);
        return;
    }
    memcpy(s->buf, r->msg, r->caplen);
    s->len = r->caplen;
    struct vmsg_msg m;
    bool hdr_ok = r->caplen > 0 && vmsg_decode_header(o->profile, o->binding, s->buf, s->len, &m) == VMSG_OK;
    int dir = rec_dir(r, &m, hdr_ok);
    if (dir < 0) {
        mark_bad(s, BAD_DIR);
        return;
    }
    s->ours = (unsigned)dir == x->ours_dir;
    if (s->ours && (s->len == 0 || s->len > x->rxcap)) {
        mark_bad(s, BAD_SIZE);
        return;
    }
    if (hdr_ok) {
        s->dev_num = m.dev_num;
        s->cls = m.cls;
        s->msg_id = m.msg_id;
        s->kind = m.kind;
    } else {
        s->dev_num = 0;
        s->cls = 0;
        s->msg_id = 0;
        s->kind = 0xff;
    }
}

/* The walk takes a record into its window: its exchange group. */
static void admit(struct vmsg__rp *x, struct vmsg__slot *s)
{
    if (s->bus != x->bus && vmsg__bus_other(x, s->bus))
        mark_bad(s, BAD_BUS);
    if (s->bad)
        return;
    s->group = vmsg__group_of(x, s->bus, s->dev_num, s->cls, s->msg_id, s->kind);
    if (s->group != VMSG__NO_GROUP && !x->groups[s->group].c.first_frame)
        x->groups[s->group].c.first_frame = s->frame;
}

void vmsg__win_fill(struct vmsg__rp *x, unsigned want)
{
    if (want > x->ahead)
        want = x->ahead;
    while (!x->eof && x->tail - x->pos < want) {
        struct vmsg__slot *s = vmsg__win_at(x, x->tail);
        struct vmsg_cap_rec r;
        int n = vmsg__bus_next(x, &r);
        if (n == 1)
            prepare(x, s, &r);
        if (n != 1) {
            x->eof = true;
            x->read_error = n < 0;
            vmsg__bus_end(x);
            return;
        }
        admit(x, s);
        x->tail++;
    }
}

void vmsg__win_retire(struct vmsg__rp *x)
{
    while (x->head < x->pos) {
        const struct vmsg__slot *s = vmsg__win_at(x, x->head);
        if (!s->ours && !s->done)
            return;
        x->head++;
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
