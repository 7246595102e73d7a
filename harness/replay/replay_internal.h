/* Inside the replay engine: the record window, the exchange groups, the
 * latency histogram and the comparison, shared by the files of this folder. */
#ifndef VMSG_REPLAY_INTERNAL_H
#define VMSG_REPLAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <vmsg/capture.h>
#include <vmsg/replay.h>

#include "wire/wire_internal.h"

/* ---- comparison (compare.c) -------------------------------------------- */

/* Compare a recorded message with the one received; false when they match
 * (ignoring what o->ignore says), else the first difference in d. Equal
 * bytes match without decoding. */
bool vmsg__replay_compare(const struct vmsg_replay_opts *o, const uint8_t *exp, size_t elen, const uint8_t *got,
                          size_t glen, struct vmsg_replay_divergence *d);

/* ---- answer latency (latency.c) ------------------------------------------ */

#define VMSG__LAT_SUB_BITS 6
#define VMSG__LAT_BUCKETS ((64 - VMSG__LAT_SUB_BITS + 1) << VMSG__LAT_SUB_BITS)

struct vmsg__lat {
    uint64_t n, sum_ns, min_ns, max_ns;
    uint64_t answers;          /* answers seen (timed or not) */
    unsigned stride, tick;     /* time 1 answer in stride */
    uint64_t recent_ns;        /* sum of the last timed answers, to choose the stride */
    unsigned recent_n;
    uint64_t *hist;            /* VMSG__LAT_BUCKETS counts */
};
bool vmsg__lat_init(struct vmsg__lat *l);
void vmsg__lat_free(struct vmsg__lat *l);
/* At a send: should this round trip be timed? */
static inline bool vmsg__lat_pick(struct vmsg__lat *l)
{
    if (++l->tick < l->stride)
        return false;
    l->tick = 0;
    return true;
}
/* Histogram bucket of a value (latency.c says how they are laid out). */
static inline unsigned vmsg__lat_bucket(uint64_t ns)
{
    if (ns < (1u << VMSG__LAT_SUB_BITS))
        return (unsigned)ns;
    unsigned e = 63u - (unsigned)__builtin_clzll(ns); /* ns in [2^e, 2^(e+1)), e >= SUB_BITS */
    unsigned sub = (unsigned)(ns >> (e - VMSG__LAT_SUB_BITS)) & ((1u << VMSG__LAT_SUB_BITS) - 1);
    return ((e - VMSG__LAT_SUB_BITS + 1) << VMSG__LAT_SUB_BITS) + sub;
}
/* The stride, from the last VMSG__LAT_RECENT timed answers. */
#define VMSG__LAT_RECENT 64
void vmsg__lat_restride(struct vmsg__lat *l);
/* A timed answer. Inline: every answer is timed while they are slow. */
static inline void vmsg__lat_add(struct vmsg__lat *l, uint64_t ns)
{
    l->hist[vmsg__lat_bucket(ns)]++;
    l->sum_ns += ns;
    if (ns < l->min_ns)
        l->min_ns = ns;
    if (ns > l->max_ns)
        l->max_ns = ns;
    l->n++;
    l->recent_ns += ns;
    if (++l->recent_n == VMSG__LAT_RECENT)
        vmsg__lat_restride(l);
}
void vmsg__lat_stats(const struct vmsg__lat *l, struct vmsg_replay_stats *st);

/* ---- the engine --------------------------------------------------------- */

#define VMSG__NO_GROUP UINT32_MAX

/* One capture record in the window. Messages up to VMSG__SLOT_INLINE
 * bytes (nearly all) live in the slot itself: the ring stays small and
 * contiguous, and the in-order case touches two or three slots. */
#define VMSG__SLOT_INLINE 64
struct vmsg__slot {
    _Alignas(64) uint64_t frame; /* a slot is two whole cache lines */
    uint64_t ts_ns;
    uint8_t *buf;              /* inl, or heap (owned, cap bytes) */
    uint8_t *heap;
    uint32_t cap, len;
    uint32_t wire_len;         /* bad == cut: the length on the wire */
    uint16_t bus, dev_num;
    uint8_t cls, msg_id, kind; /* from the header (kind 0xff: undecodable) */
    bool ours;                 /* sent by the side this replay plays */
    bool done;                 /* ours: sent; theirs: paired, or given up as missing */
    bool deferred;             /* theirs, an event: not in by our next send, left open */
    uint8_t bad;               /* bad input, raised when the walk reaches it (enum in window.c) */
    union {
        uint64_t gkey;         /* read, not yet taken into the window: its group's key (UINT64_MAX: bad) */
        uint32_t group;        /* taken */
    };
    uint8_t inl[VMSG__SLOT_INLINE];
};

/* A buffer for len bytes: inl (VMSG__SLOT_INLINE bytes) when they fit, else
 * *heap, grown to at least len (*cap); NULL when out of memory. Slots and
 * the checker thread's copies keep their buffers this way. */
static inline uint8_t *vmsg__hold(uint8_t *inl, uint8_t **heap, uint32_t *cap, size_t len)
{
    if (len <= VMSG__SLOT_INLINE)
        return inl;
    if (len > *cap) {
        uint8_t *b = realloc(*heap, len);
        if (!b)
            return NULL;
        *heap = b;
        *cap = (uint32_t)len;
    }
    return *heap;
}

/* One exchange group (a case). */
struct vmsg__group {
    uint64_t key;
    struct vmsg_replay_case c;
    char name[48];
    struct vmsg_replay_divergence first; /* c.first points here once set */
    uint8_t *first_exp, *first_got;      /* owned copies of the first divergence's bytes */
    uint64_t t_first, t_last;            /* the groups' clock at its first and last frame (0: none yet) */
};

struct vmsg__ct;

/* An entry handed to the checker's thread (check_thread.c): a copy of a
 * frame, or a run of capture records that follow each other in the walk's
 * order and in the capture and share a group. The walk grows the last run
 * (ct_run) inline, up to 64 records (dirs has a bit per record), until it
 * publishes what it handed over, every VMSG__CT_PUBLISH_EVERY frames. */
#define VMSG__CT_PUBLISH_EVERY 256u
struct vmsg__ct_ent {
    _Alignas(32) uint64_t dirs; /* records: bit i, record i's direction (0 driver to device, 1 device to driver) */
    uint32_t seq;           /* records: the first one's place in the walk's order (low bits) */
    uint32_t frame;         /* records: the first one's frame number (low bits), checked; the next ones follow */
    uint32_t group;
    uint8_t n;              /* records in the run; 0: a copy */
    uint8_t dir;            /* a copy's direction */
};

/* What the walk has to look at (vmsg__rp.look): answers fast enough to start
 * the checker's thread (vmsg__ct_plan); a publication to the thread (its
 * findings and progress). */
enum { VMSG__LOOK_WHEN_FAST = 1, VMSG__LOOK_CT = 2 };

struct vmsg__rp {
    const struct vmsg_replay_opts *o;
    struct vmsg_replay_stats *st;
    struct vmsg_bus *iut;
    struct vmsg_check *chk;
    struct vmsg__ct *ct;       /* the checker's thread (check_thread.c), NULL: one thread */
    uint8_t look;              /* VMSG__LOOK_*: for the walk to look at, one test per record when none */
    struct vmsg__ct_ent *ct_run; /* the thread's last entry, a run not yet published nor full (it may grow), or NULL */
    uint32_t ct_next_seq, ct_next_frame; /* with ct_run: the place and frame (low bits) of a record that grows it */
    uint64_t ct_bit;           /* with ct_run: its next record's bit in dirs (its n is written when it ends) */
    unsigned ct_left;          /* frames to hand to it before the next publication (of VMSG__CT_PUBLISH_EVERY) */
    const char *capture;
    struct vmsg_cap_reader *rd;
    unsigned ours_dir, theirs_dir;
    bool token;                /* the profile has a token */
    bool tokens;               /* and we play the device: the live driver's tokens are learnt and put in */
    bool stop;                 /* stop_at_first reached */
    int status;                /* 0, 1, 2 or 3 as in vmsg_replay_stats */
    uint64_t sent, received, last_frame; /* the statistics' counts, kept here and put there at the end */
    bool held;                 /* the walk stopped at a record it reached, before sending it (records: pos + 1) */
    uint16_t bus;              /* the bus instance replayed (instance.c) */

    /* the window: records [head, tail) of the capture, walk at pos, head the
     * oldest open expected record (pos when none is behind it); records
     * [tail, rtail) are read into the ring but not yet taken into the window
     * (read in batches, window.c) */
    struct vmsg__slot *ring;
    uint64_t mask, head, pos, tail, rtail;
    bool reof, rerr;           /* the reader's end (or error, rerr) comes right after rtail */
    unsigned ahead, behind;    /* records paired ahead of pos / kept open behind it */
    uint64_t akey;             /* the group key taken last on the fast path (none at first) */
    uint32_t agroup;           /* its group (first_frame set) */
    struct vmsg__peek_ctx peek; /* the header of each record is read with it */
    bool eof;                  /* no more records (end, or a reader error) */
    bool read_error;
    uint64_t open_all;         /* expected records behind pos not yet paired */
    uint64_t open_wait;        /* of those, the ones not deferred (events past a send) */

    uint8_t *rx;               /* receive buffer */
    size_t rxcap;

    /* latency */
    struct vmsg__lat lat;
    bool awaiting, timing;
    uint64_t last_send_ns;

    /* playing the device: recorded token -> the live driver's token */
    uint16_t tok_rec[64], tok_live[64];
    unsigned ntok, tok_next;

    /* groups */
    struct vmsg__group *groups;
    uint32_t ngroups, capgroups;
    uint32_t *gidx;            /* open addressing: group index + 1, 0 empty */
    uint32_t gmask;
    uint32_t glast;            /* the group found last */
    uint64_t glast_key;        /* its key (UINT64_MAX: none yet) */
    uint32_t cur_group;        /* the group of the frame being fed to the checker */

    /* the groups' clock (cases.c) */
    uint64_t clk_ns;           /* the last reading */
    uint64_t clk_span_ns;      /* the reading that began the current stride */
    uint64_t clk_slow_ns;      /* a stride this long or longer is slow */
    unsigned clk_n;            /* ticks since then */
    bool clk_every;            /* the last stride was slow: read at every tick */
};

/* CLOCK_MONOTONIC in nanoseconds: pacing, the rate, answer latency. Inline:
 * a timed answer reads it at the send and at the answer. */
static inline uint64_t vmsg__replay_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* window.c */
bool vmsg__win_init(struct vmsg__rp *x);
void vmsg__win_free(struct vmsg__rp *x);
/* Read until `want` records (at most `ahead`) lie at or beyond pos, or the
 * end. The walk needs one; pairing out of order reads the whole window. */
void vmsg__win_fill(struct vmsg__rp *x, unsigned want);
static inline struct vmsg__slot *vmsg__win_at(struct vmsg__rp *x, uint64_t i) { return &x->ring[i & x->mask]; }
/* Move head past the records behind pos that are ours or done, so that it
 * is always the oldest open expected record (or pos). Called only where
 * that can change: the record at head paired or given up, pos moved past
 * head (vmsg__win_passed). */
static inline void vmsg__win_retire(struct vmsg__rp *x)
{
    while (x->head < x->pos) {
        const struct vmsg__slot *s = vmsg__win_at(x, x->head);
        if (!s->ours && !s->done)
            return;
        x->head++;
    }
}
/* The walk moved pos past a record that is ours, or done already: head,
 * if it was there, passes it. */
static inline void vmsg__win_passed(struct vmsg__rp *x)
{
    if (x->head + 1 == x->pos)
        x->head = x->pos;
}
/* The walk takes slot s (at tail) into its window: its exchange group from
 * the key read with it, nearly always the one taken last (one compare:
 * a request and its response share it). Else out of line: a bus instance
 * other than x->bus (bad input, or the first record's), a bad record (no
 * group), the group looked up and its first_frame set. Inline: the walk
 * takes each record read ahead in a batch without a call (vmsg__win_next). */
void vmsg__win_admit_rare(struct vmsg__rp *x, struct vmsg__slot *s);
static inline void vmsg__win_admit(struct vmsg__rp *x, struct vmsg__slot *s)
{
    if (s->gkey == x->akey)
        s->group = x->agroup;
    else
        vmsg__win_admit_rare(x, s);
}
/* vmsg__win_fill(x, 1): the walk needs the record at pos. Inline when it
 * is read already (a batch) or taken. */
static inline void vmsg__win_next(struct vmsg__rp *x)
{
    if (x->tail != x->pos)
        return;
    if (x->tail != x->rtail) { /* so not at the end (eof: tail == rtail) */
        vmsg__win_admit(x, vmsg__win_at(x, x->tail));
        x->tail++;
        return;
    }
    if (!x->eof)
        vmsg__win_fill(x, 1);
}
/* The walk reached slot s: status 2 with the message when it is bad input. */
bool vmsg__win_check(struct vmsg__rp *x, const struct vmsg__slot *s);
/* The reader's error once the walk reached the end of what was read. */
void vmsg__win_reader_error(struct vmsg__rp *x);

/* instance.c */
/* The next capture record of the bus replayed, as vmsg_cap_next (1, 0 the
 * end, -1 an error): with o->instance chosen, the records of the others are
 * skipped here and counted in stats->skipped. */
static inline int vmsg__bus_next(const struct vmsg__rp *x, struct vmsg_cap_rec *r)
{
    int k;
    while ((k = vmsg_cap_next(x->rd, r)) == 1 && x->o->instance >= 0 &&
           r->meta.bus_instance != (unsigned)x->o->instance)
        x->st->skipped++;
    return k;
}
/* The walk admits a record of another bus instance than x->bus: false when
 * it is the first record (its bus is the one replayed, x->bus set), true
 * when it is bad input (BAD_BUS, raised by vmsg__bus_error when reached). */
bool vmsg__bus_other(struct vmsg__rp *x, uint16_t bus);
void vmsg__bus_error(struct vmsg__rp *x, uint64_t frame, uint16_t bus);
/* At the end of the capture: status 2 when o->instance matched no record. */
void vmsg__bus_end(struct vmsg__rp *x);

/* pair.c */
/* Receive and pair frames until: SEND, nothing behind pos is open but
 * deferred events (an event not in within the reply timeout is deferred);
 * ALL, nothing behind pos is open; HEAD, the oldest open record (head) is
 * at most `behind` records behind pos. A record not in within the reply
 * timeout is otherwise missing. True when the replay goes on (not stopped,
 * status below 2). */
enum vmsg__wait { VMSG__WAIT_SEND, VMSG__WAIT_ALL, VMSG__WAIT_HEAD };
bool vmsg__wait(struct vmsg__rp *x, enum vmsg__wait what);
/* After the capture: a frame within extra_ms is a divergence (extra). */
void vmsg__extra(struct vmsg__rp *x);
void vmsg__divergence(struct vmsg__rp *x, uint32_t group, struct vmsg_replay_divergence *d);

/* Feed the checker with a frame of this group. Callers test x->chk first:
 * without a checker there is nothing to feed (and no second thread, which
 * runs only with one), and the call would cost as much as the rest of a
 * frame's bookkeeping. */
void vmsg__check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, const uint8_t *f,
                 size_t len);
/* The same for the bytes of window slot s, record i of the walk:
 * vmsg__check_slot, below. */

/* cases.c */
bool vmsg__groups_init(struct vmsg__rp *x);
void vmsg__groups_free(struct vmsg__rp *x);
/* A group's key: bus instance, dev_num, a tag (the class, 0 or 1, or one of
 * the VMSG__GTAG_* groups) and msg_id, packed (48 bits). */
enum { VMSG__GTAG_UNDECODABLE = 2, VMSG__GTAG_SESSION = 3, VMSG__GTAG_OTHER = 4 };
static inline uint64_t vmsg__group_key(uint16_t bus, uint16_t dev, unsigned tag, uint8_t msg_id)
{
    return ((uint64_t)bus << 32) | ((uint64_t)dev << 16) | ((uint64_t)tag << 8) | msg_id;
}
/* The group of key k, found in the hash or made (past 512 groups: the group
 * "(other)"); VMSG__NO_GROUP when out of memory. Sets glast, glast_key. */
uint32_t vmsg__group_find(struct vmsg__rp *x, uint64_t k);
/* The group key of a message with this header (kind 0xff: undecodable);
 * the group of a key, and of a header. Inline: a request and its response
 * share the group, so in the in-order case the group found last (one
 * compare) nearly always is the one. */
static inline uint64_t vmsg__group_key_of(uint16_t bus, uint16_t dev_num, uint8_t cls, uint8_t msg_id, uint8_t kind)
{
    return kind == 0xff ? vmsg__group_key(bus, 0, VMSG__GTAG_UNDECODABLE, 0)
                        : vmsg__group_key(bus, dev_num, cls & 1, msg_id);
}
static inline uint32_t vmsg__group_of_key(struct vmsg__rp *x, uint64_t k)
{
    return k == x->glast_key ? x->glast : vmsg__group_find(x, k);
}
static inline uint32_t vmsg__group_of(struct vmsg__rp *x, uint16_t bus, uint16_t dev_num, uint8_t cls,
                                      uint8_t msg_id, uint8_t kind)
{
    return vmsg__group_of_key(x, vmsg__group_key_of(bus, dev_num, cls, msg_id, kind));
}
/* The checker's callback: counts the finding in cur_group, passes it on. */
void vmsg__group_finding(void *user, const struct vmsg_finding *f);
/* The same, for a finding of group gi (queued by the second thread). */
void vmsg__group_finding_in(struct vmsg__rp *x, uint32_t gi, const struct vmsg_finding *f);
void vmsg__group_divergence(struct vmsg__rp *x, uint32_t group, const struct vmsg_replay_divergence *d);
void vmsg__groups_report(struct vmsg__rp *x);

/* The groups' clock: a coarse monotonic clock (CLOCK_MONOTONIC_COARSE where
 * there is one) read into clk_ns once every VMSG__CLK_STRIDE ticks (a frame
 * received), so that the in-process replay pays nothing per record; at
 * every tick while the last stride took two clock resolutions or more
 * (1 ms at least: frames that slow afford a reading each, and a reading a
 * stride old would be off by more than the resolution), and after each wait
 * of the replay's own (pacing, a reply timeout): between those, the walk
 * only computes or sends. Groups are stamped with clk_ns. */
#define VMSG__CLK_STRIDE 64
void vmsg__clk_read(struct vmsg__rp *x);
static inline void vmsg__clk_tick(struct vmsg__rp *x)
{
    if (++x->clk_n >= VMSG__CLK_STRIDE || x->clk_every)
        vmsg__clk_read(x);
}
/* A frame of group g is reached (end false: an expected record), sent or
 * paired (end true): its duration runs from the first stamp to the last. */
static inline void vmsg__group_time(struct vmsg__rp *x, uint32_t g, bool end)
{
    if (g == VMSG__NO_GROUP)
        return;
    struct vmsg__group *gr = &x->groups[g];
    if (!gr->t_first)
        gr->t_first = x->clk_ns;
    if (end)
        gr->t_last = x->clk_ns;
}

/* check_thread.c: the passive checker on a second thread. */
/* When the checker gets a second thread: never (the checker off, threads
 * 1, or one CPU to run on), from the start (threads 2), or (threads 0, the
 * default) once answers come fast: below 2 us on average, the IUT runs in
 * process or as near, and checking costs as much as the round trip; slower
 * answers leave the CPUs to the IUT. */
enum vmsg__ct_plan { VMSG__CT_ONE, VMSG__CT_NOW, VMSG__CT_WHEN_FAST };
enum vmsg__ct_plan vmsg__ct_plan(const struct vmsg_replay_opts *o);
/* Start it (x->ct set); false: out of memory or no thread, run on one. The
 * checker x->chk is then fed only there, until vmsg__ct_stop. */
bool vmsg__ct_start(struct vmsg__rp *x);
/* The thread does not keep up (it shares a CPU with other work): the walk
 * had to wait for it without progress more than once per 4096 frames. The
 * walk then stops it and checks the rest itself. */
bool vmsg__ct_failing(const struct vmsg__rp *x);
/* Hand a frame to the checker: copied; or, when the frame is the bytes of
 * the capture record in window slot s (sent unchanged, or an answer equal
 * to its record), as that record's place, which the thread reads itself. */
void vmsg__ct_check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, const uint8_t *f,
                    size_t len);
void vmsg__ct_check_slot(struct vmsg__rp *x, const struct vmsg__slot *s, uint64_t i, unsigned dir);
/* Deliver the findings queued so far (on_finding, group counts), without
 * waiting. */
void vmsg__ct_poll(struct vmsg__rp *x);
/* Wait until every frame handed over is checked, then deliver. */
void vmsg__ct_sync(struct vmsg__rp *x);
/* Sync, stop and join the thread; x->ct is NULL after (the checker is the
 * caller's again). */
void vmsg__ct_stop(struct vmsg__rp *x);
/* The checker's findings while the thread runs (from vmsg__group_finding). */
void vmsg__ct_collect(struct vmsg__ct *a, const struct vmsg_finding *f);

/* Publish what was handed over (x->ct_run is NULL after). */
void vmsg__ct_publish(struct vmsg__rp *x);

/* Feed the checker with the bytes of window slot s, record i of the walk
 * (its place in the walk's order), with its group, frame and time: on the
 * second thread, the next record of the run being handed over grows it
 * here; anything else goes out of line. */
static inline void vmsg__check_slot(struct vmsg__rp *x, const struct vmsg__slot *s, uint64_t i, unsigned dir)
{
    struct vmsg__ct_ent *e = x->ct_run;
    if (e && (uint32_t)i == x->ct_next_seq && (uint32_t)s->frame == x->ct_next_frame && e->group == s->group) {
        if (dir & 1u)
            e->dirs |= x->ct_bit;
        x->ct_bit <<= 1;
        x->ct_next_seq++;
        x->ct_next_frame++;
        if (!x->ct_bit) { /* full */
            e->n = 64;
            x->ct_run = NULL;
        }
        if (--x->ct_left == 0)
            vmsg__ct_publish(x);
    } else if (x->ct) {
        vmsg__ct_check_slot(x, s, i, dir);
    } else {
        vmsg__check(x, s->group, s->frame, dir, s->ts_ns, s->buf, s->len);
    }
}

#endif
