/* The receiving side of a replay: wait for the IUT's frames, pair each with
 * an expected record of the window (vmsg/replay.h says how), feed it to the
 * checker and compare. The common case (the frame is the oldest open
 * record, byte for byte) costs one comparison of the bytes: frames are
 * decoded only to pair out of order or to explain a difference. */
#include <stdio.h>
#include <string.h>

#include <vmsg/wire.h>

#include "replay_internal.h"

#define NONE UINT64_MAX

void vmsg__divergence(struct vmsg__rp *x, uint32_t group, struct vmsg_replay_divergence *d)
{
    if (x->ct) /* the findings on the frames before it come first, as on one thread */
        vmsg__ct_sync(x);
    x->st->divergences++;
    if (x->status == 0)
        x->status = 1;
    vmsg__group_divergence(x, group, d);
    if (x->o->on_divergence)
        x->o->on_divergence(x->o->user, d);
    if (x->o->stop_at_first)
        x->stop = true;
}

/* Record i (in slot s) is paired or given up. */
static inline void close_slot(struct vmsg__rp *x, struct vmsg__slot *s, uint64_t i)
{
    s->done = true;
    if (i < x->pos) {
        x->open_all--;
        if (!s->deferred)
            x->open_wait--;
        if (i == x->head) { /* done: head passes it, and the next ones done */
            x->head++;
            vmsg__win_retire(x);
        }
    }
}

static void summary(const struct vmsg__rp *x, const uint8_t *f, size_t len, char *out, size_t cap)
{
    struct vmsg_msg m;
    if (vmsg_decode(x->o->profile, x->o->binding, f, len, &m, NULL) <= VMSG_NONCONFORMANT)
        vmsg_summary(&m, out, cap);
}

static void missing(struct vmsg__rp *x, uint64_t i)
{
    struct vmsg__slot *s = vmsg__win_at(x, i);
    struct vmsg_replay_divergence d;
    memset(&d, 0, sizeof d);
    d.frame = s->frame;
    snprintf(d.field, sizeof d.field, "(missing)");
    snprintf(d.expected, sizeof d.expected, "a frame");
    snprintf(d.got, sizeof d.got, "nothing within %d ms", x->o->reply_timeout_ms);
    summary(x, s->buf, s->len, d.expected_msg, sizeof d.expected_msg);
    d.expected_bytes = s->buf;
    d.expected_len = s->len;
    close_slot(x, s, i);
    vmsg__group_time(x, s->group, true); /* the wait for it is part of its case */
    vmsg__divergence(x, s->group, &d);
}

static uint64_t last_frame(struct vmsg__rp *x)
{
    return x->pos ? vmsg__win_at(x, x->pos - 1)->frame : 0;
}

static void feed(struct vmsg__rp *x, uint32_t group, uint64_t frame, uint64_t ts, const uint8_t *f, size_t len)
{
    if (x->chk)
        vmsg__check(x, group, frame, x->theirs_dir, ts, f, len);
}

static uint32_t group_of_frame(struct vmsg__rp *x, const uint8_t *f, size_t len)
{
    struct vmsg_msg m;
    if (vmsg_decode_header(x->o->profile, x->o->binding, f, len, &m) != VMSG_OK)
        return vmsg__group_of(x, x->bus, 0, 0, 0, 0xff);
    return vmsg__group_of(x, x->bus, m.dev_num, m.cls, m.msg_id, m.kind);
}

/* A frame that pairs with no open record (reorder-tolerant mode only). */
static void unexpected(struct vmsg__rp *x, const uint8_t *f, size_t len)
{
    struct vmsg_replay_divergence d;
    memset(&d, 0, sizeof d);
    d.frame = last_frame(x);
    uint32_t g = group_of_frame(x, f, len);
    feed(x, g, d.frame, 0, f, len);
    snprintf(d.field, sizeof d.field, "(unexpected)");
    snprintf(d.expected, sizeof d.expected, "a frame recorded within %u records of here", x->ahead);
    snprintf(d.got, sizeof d.got, "a %zu-byte frame", len);
    summary(x, f, len, d.got_msg, sizeof d.got_msg);
    d.got_bytes = f;
    d.got_len = len;
    vmsg__divergence(x, g, &d);
}

/* What find() knows of how the frame matches its record. */
enum match { MATCH_UNKNOWN, MATCH_BYTES, MATCH_FIELDS };

/* The frame equals the record, or differs only in what --ignore masks. */
static bool fits(const struct vmsg__rp *x, const struct vmsg__slot *s, const uint8_t *f, size_t len)
{
    struct vmsg_replay_divergence d;
    return !vmsg__replay_compare(x->o, s->buf, s->len, f, len, &d);
}

static uint64_t find_other(struct vmsg__rp *x, const uint8_t *f, size_t len, uint64_t first, enum match *same);

/* The open expected record this frame answers, or NONE; *oldest: the
 * oldest open one (where strict order would pair it); *same: what is known
 * already of the match (equal bytes on the fast path, or an event chosen
 * because it matches but for what --ignore masks). */
static inline uint64_t find(struct vmsg__rp *x, const uint8_t *f, size_t len, uint64_t *oldest, enum match *same)
{
    uint64_t first = x->head; /* the oldest open one behind pos, if any */
    if (first == x->pos) {
        first = NONE;
        for (uint64_t i = x->pos; i < x->tail; i++) {
            const struct vmsg__slot *s = vmsg__win_at(x, i);
            if (!s->ours && !s->done) {
                first = i;
                break;
            }
        }
    }
    *oldest = first;
    *same = MATCH_UNKNOWN;
    if (x->o->strict_order)
        return first < x->pos ? first : NONE;
    if (first != NONE) {
        const struct vmsg__slot *s = vmsg__win_at(x, first);
        if (s->len == len && memcmp(s->buf, f, len) == 0) {
            *same = MATCH_BYTES;
            return first;
        }
    }
    return find_other(x, f, len, first, same);
}

/* find() when the oldest open record is not the frame byte for byte. Out
 * of line: the in-order case never comes here. */
__attribute__((noinline))
static uint64_t find_other(struct vmsg__rp *x, const uint8_t *f, size_t len, uint64_t first, enum match *same)
{
    struct vmsg_msg m;
    if (first == NONE || vmsg_decode_header(x->o->profile, x->o->binding, f, len, &m) != VMSG_OK)
        return first < x->pos ? first : NONE; /* compared byte for byte */
    vmsg__win_fill(x, x->ahead); /* out of order: every candidate of the window */
    /* responses (and a live driver's requests) in request order per device
     * number, else the oldest open record of the same kind already reached,
     * so a wrong dev_num still shows as one; events of one device and
     * message in any order: the one the frame matches, else the oldest, so
     * a wrong field still shows against it */
    uint64_t fallback = NONE;
    for (uint64_t i = first; i < x->tail; i++) {
        const struct vmsg__slot *s = vmsg__win_at(x, i);
        if (s->ours || s->done || s->kind != m.kind || s->cls != m.cls)
            continue;
        if (m.kind == VMSG_KIND_EVENT) {
            if (s->dev_num != m.dev_num || s->msg_id != m.msg_id)
                continue;
            if (fits(x, s, f, len)) {
                *same = MATCH_FIELDS;
                return i;
            }
            if (fallback == NONE)
                fallback = i;
            continue;
        }
        if (s->dev_num == m.dev_num)
            return i;
        if (fallback == NONE && i < x->pos)
            fallback = i;
    }
    return fallback;
}

static void learn_token(struct vmsg__rp *x, const struct vmsg__slot *s, const uint8_t *f, size_t len)
{
    struct vmsg_msg rec, live;
    if (vmsg_decode_header(x->o->profile, x->o->binding, s->buf, s->len, &rec) != VMSG_OK ||
        vmsg_decode_header(x->o->profile, x->o->binding, f, len, &live) != VMSG_OK ||
        live.kind != VMSG_KIND_REQUEST)
        return;
    unsigned i = x->ntok < 64 ? x->ntok++ : x->tok_next++ % 64;
    x->tok_rec[i] = rec.token;
    x->tok_live[i] = live.token;
}

/* The frame paired with s is not its record byte for byte (nor an event
 * matched under the masks): compared field by field, a divergence unless
 * the masks hide every difference. Out of line, with its large record. */
__attribute__((noinline))
static void compare_paired(struct vmsg__rp *x, const struct vmsg__slot *s, struct vmsg_replay_case *c,
                           const uint8_t *f, size_t len)
{
    struct vmsg_replay_divergence d;
    memset(&d, 0, sizeof d);
    if (!vmsg__replay_compare(x->o, s->buf, s->len, f, len, &d)) {
        if (c)
            c->matched++;
        return;
    }
    d.frame = s->frame;
    d.expected_bytes = s->buf;
    d.expected_len = s->len;
    d.got_bytes = f;
    d.got_len = len;
    vmsg__divergence(x, s->group, &d);
}

/* The frame is paired with record i (slot s); same: what find() knows of
 * the match. */
__attribute__((always_inline))
static inline void paired(struct vmsg__rp *x, struct vmsg__slot *s, uint64_t i, const uint8_t *f, size_t len,
                          enum match same)
{
    close_slot(x, s, i);
    vmsg__clk_tick(x);
    bool identical = same == MATCH_BYTES || (same == MATCH_UNKNOWN && s->len == len && memcmp(s->buf, f, len) == 0);
    bool matched = identical || same == MATCH_FIELDS;
    if (s->group != VMSG__NO_GROUP) { /* its time (vmsg__group_time), and counted if it matches */
        struct vmsg__group *gr = &x->groups[s->group];
        if (!gr->t_first)
            gr->t_first = x->clk_ns;
        gr->t_last = x->clk_ns;
        if (matched)
            gr->c.matched++;
    }
    if (x->chk && identical) /* the record's bytes are the frame's: handed over without a copy */
        vmsg__check_slot(x, s, i, x->theirs_dir);
    else
        feed(x, s->group, s->frame, s->ts_ns, f, len);
    if (x->tokens && s->kind == VMSG_KIND_REQUEST)
        learn_token(x, s, f, len);
    if (!matched)
        compare_paired(x, s, s->group != VMSG__NO_GROUP ? &x->groups[s->group].c : NULL, f, len);
}

/* dispatch() when the frame is not the oldest open record byte for byte. */
__attribute__((noinline))
static void dispatch_other(struct vmsg__rp *x, const uint8_t *f, size_t len)
{
    uint64_t oldest;
    enum match same;
    uint64_t i = find(x, f, len, &oldest, &same);
    if (i == NONE) {
        unexpected(x, f, len);
        return;
    }
    if (i != oldest)
        x->st->reordered++;
    paired(x, vmsg__win_at(x, i), i, f, len, same);
}

/* Equal bytes, for a frame that fits in a slot (8 to VMSG__SLOT_INLINE
 * bytes): 8-byte words, the last one overlapping, without the call to
 * memcmp (which costs as much as the comparison). */
static inline bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n < 8 || n > VMSG__SLOT_INLINE)
        return memcmp(a, b, n) == 0;
    uint64_t u, v, d = 0;
    if (n <= 16) { /* most messages: two words */
        memcpy(&u, a, 8);
        memcpy(&v, b, 8);
        d = u ^ v;
        memcpy(&u, a + n - 8, 8);
        memcpy(&v, b + n - 8, 8);
        return (d | (u ^ v)) == 0;
    }
    for (size_t k = 0; k + 8 < n; k += 8) {
        memcpy(&u, a + k, 8);
        memcpy(&v, b + k, 8);
        d |= u ^ v;
    }
    memcpy(&u, a + n - 8, 8);
    memcpy(&v, b + n - 8, 8);
    return (d | (u ^ v)) == 0;
}

/* Inline in vmsg__wait, its only caller: the in-order case (the frame is
 * the oldest open record, head, byte for byte; in strict order it pairs
 * there whatever its bytes) runs without a call. */
__attribute__((always_inline))
static inline void dispatch(struct vmsg__rp *x, const uint8_t *f, size_t len)
{
    x->received++;
    if (x->awaiting) { /* the round trip: our last frame to the first frame after it */
        x->awaiting = false;
        x->lat.answers++;
        if (x->timing)
            vmsg__lat_add(&x->lat, vmsg__replay_now_ns() - x->last_send_ns);
    }
    uint64_t i = x->head;
    if (i < x->pos) {
        struct vmsg__slot *s = vmsg__win_at(x, i);
        if (s->len == len && same_bytes(s->buf, f, len)) {
            paired(x, s, i, f, len, MATCH_BYTES);
            return;
        }
    }
    dispatch_other(x, f, len);
}

/* The oldest open record the wait is for. */
static uint64_t waited_for(struct vmsg__rp *x, enum vmsg__wait what)
{
    if (what == VMSG__WAIT_HEAD)
        return x->head;
    for (uint64_t i = x->head; i < x->pos; i++) {
        const struct vmsg__slot *s = vmsg__win_at(x, i);
        if (!s->ours && !s->done && (what == VMSG__WAIT_ALL || !s->deferred))
            return i;
    }
    return NONE;
}

/* Nothing came for record i within the reply timeout. Before a send, an
 * event is left open (it may come after our next frames; it is waited for
 * again when the window passes it); anything else is missing. */
static void timed_out(struct vmsg__rp *x, enum vmsg__wait what, uint64_t i)
{
    struct vmsg__slot *s = vmsg__win_at(x, i);
    vmsg__clk_read(x); /* the clock's stride knows nothing of the time waited */
    if (what == VMSG__WAIT_SEND && !x->o->strict_order && s->kind == VMSG_KIND_EVENT) {
        s->deferred = true;
        x->open_wait--;
        x->st->deferred++;
        return;
    }
    missing(x, i);
}

__attribute__((always_inline))
static inline bool wait_until(struct vmsg__rp *x, enum vmsg__wait what)
{
    for (;;) {
        if (x->stop || x->status >= 2)
            return false;
        if (what == VMSG__WAIT_SEND ? !x->open_wait
            : what == VMSG__WAIT_ALL    ? !x->open_all
                                        : x->pos - x->head <= x->behind)
            return true;
        size_t len = 0;
        int rc = vmsg_bus_recv(x->iut, x->rx, x->rxcap, &len, x->o->reply_timeout_ms);
        if (rc == VMSG_BUS_MALFORMED && len > 0)
            rc = VMSG_BUS_OK; /* a bad datagram is compared like any frame */
        if (rc == VMSG_BUS_OK) {
            dispatch(x, x->rx, len);
            continue;
        }
        uint64_t i = waited_for(x, what);
        if (i == NONE) /* cannot happen: the counters say one is open */
            return true;
        if (rc == VMSG_BUS_TIMEOUT) {
            timed_out(x, what, i);
            continue;
        }
        snprintf(x->st->error, sizeof x->st->error, "frame %llu: waiting for the IUT's frame: %s (%s)",
                 (unsigned long long)vmsg__win_at(x, i)->frame, vmsg_bus_error(x->iut), vmsg_bus_status_name(rc));
        x->status = 3;
        return false;
    }
}

bool vmsg__wait(struct vmsg__rp *x, enum vmsg__wait what)
{
    /* the wait before each send with its condition known (a copy of the loop) */
    return what == VMSG__WAIT_SEND ? wait_until(x, VMSG__WAIT_SEND) : wait_until(x, what);
}

void vmsg__extra(struct vmsg__rp *x)
{
    size_t len = 0;
    if (vmsg_bus_recv(x->iut, x->rx, x->rxcap, &len, x->o->extra_ms) != VMSG_BUS_OK)
        return;
    x->received++;
    uint32_t g = group_of_frame(x, x->rx, len);
    feed(x, g, 0, 0, x->rx, len);
    struct vmsg_replay_divergence d;
    memset(&d, 0, sizeof d);
    snprintf(d.field, sizeof d.field, "(extra)");
    snprintf(d.expected, sizeof d.expected, "nothing after the last record");
    snprintf(d.got, sizeof d.got, "a %zu-byte frame", len);
    summary(x, x->rx, len, d.got_msg, sizeof d.got_msg);
    d.got_bytes = x->rx;
    d.got_len = len;
    vmsg__divergence(x, g, &d);
}
