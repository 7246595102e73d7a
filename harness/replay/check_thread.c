/* The second thread of a replay: the passive checker. Against an in-process
 * IUT, checking a round trip's two frames costs about as much as the round
 * trip itself; with --threads 2 this thread checks the frames the walk
 * hands it while the walk reads the capture, sends, receives and compares.
 * It pays only where moving cache lines between CPUs is cheap: on the
 * two-vCPU virtual machine this was built on it was no faster than one
 * thread (vmsg-bench replay prints both), so it is not the default.
 * (Reading the capture on this thread as well was measured: moving each
 * record's cache lines to the walk's CPU cost the walk as much as reading
 * it.)
 *
 * Handover without locks. An entry is 16 bytes, four to a cache line: the
 * window slot whose bytes the frame is (a frame sent, or an answer equal to
 * its record; this thread reads frame number, time and bytes there), or a
 * copy in copies[] at the same index (any other frame of the IUT). The walk
 * publishes its tail in batches; entries in [chk_head, chk_tail) are this
 * thread's. The walk does not read a record into a slot an unchecked entry
 * may refer to: an entry refers to a slot at or after the walk's head when
 * it was handed over (its `head`), so the oldest unchecked entry bounds them
 * all (vmsg__ct_slot_free).
 *
 * Findings are not delivered from here. They queue under the mutex, and the
 * walk delivers them: now and then (vmsg__ct_poll), and, before it reports a
 * divergence, after waiting for every frame it handed over (vmsg__ct_sync),
 * so findings and divergences come in the order one thread gives.
 *
 * Waiting: the walk spins while the thread makes progress, then yields and
 * sleeps on a condition variable; the thread spins a little, then sleeps.
 * The walk wakes it every PUBLISH_EVERY handovers and before it waits; the
 * sleeps have a timeout, so a wake-up lost to a race costs a millisecond,
 * never a hang. A thread that keeps the walk waiting without progress more
 * than once per STALL_FRAMES frames shares its CPU with other work: the
 * walk stops it and checks the rest itself (vmsg__ct_failing). */
#define _GNU_SOURCE /* sched_yield */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay_internal.h"

#define CHK_N 1024u         /* entries (a power of two) */
#define COPY UINT32_MAX     /* entry.slot of a copied frame */
#define PUBLISH_EVERY 16u   /* handovers the walk publishes at once */
#define BATCH 32u           /* frames checked between two publications of the thread */
#define SPIN_THREAD 256u    /* idle rounds before the thread sleeps */
#define SPIN_WALK 400u      /* rounds without progress of the thread before the walk yields, then sleeps */
#define YIELDS 4u           /* the thread may share our CPU: let it run before we sleep */
#define STALL_FRAMES 4096u  /* more than one stall per this many frames: one thread does better */
#define SLEEP_NS 1000000L   /* the longest sleep of either side */

struct chk_ent {
    uint64_t head;          /* the walk's head when handed over */
    uint32_t slot;          /* window slot (index & mask), or COPY */
    uint32_t frame;         /* a slot's: its frame number (low bits), checked before use */
};

struct chk_copy {
    uint64_t frame, ts;
    uint32_t len, group;
    uint16_t bus;
    uint8_t dir;
    const uint8_t *p;       /* inl or heap */
    uint8_t *heap;
    uint32_t cap;
    uint8_t inl[VMSG__SLOT_INLINE];
};

struct pending {
    struct vmsg_finding f;
    uint32_t group;
};

struct vmsg__ct {
    /* fixed once the thread runs; what the thread needs of the walk's state is
     * copied here: the walk's struct is written all the time */
    struct vmsg__rp *x;
    struct vmsg_check *chk;
    const struct vmsg__slot *ring;
    uint8_t ours, theirs;
    struct chk_ent *ents;
    struct chk_copy *copies;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv_thread, cv_walk;
    atomic_int stop;

    /* Each group below sits on its own cache lines: a line written by one
     * side and read by the other moves between CPUs at every write. */
    _Alignas(64) atomic_uint_fast64_t chk_tail; /* published by the walk */
    _Alignas(64) uint64_t tail_own;             /* the walk's own */
    uint64_t head_seen;                         /* chk_head, as last read */
    uint64_t safe_head;                         /* no unchecked entry refers to a slot before this */
    unsigned unpublished, stalls;
    uint64_t handed;                            /* frames handed over */
    _Alignas(64) atomic_uint_fast64_t chk_head; /* published by the thread */
    atomic_uint_fast64_t torn;                  /* 1 + the frame whose slot was reused before it was checked */
    _Alignas(64) uint32_t cur_group;            /* the thread's own: the group of the frame checked */
    _Alignas(64) atomic_int thread_sleeps;
    _Alignas(64) atomic_int walk_sleeps;

    /* findings, under mu */
    _Alignas(64) atomic_int have_pend;
    struct pending *pend;
    size_t npend, cappend;
    uint64_t lost;          /* 1 + the frame of a finding that could not be queued (out of memory) */
};

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void deadline(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += SLEEP_NS;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

bool vmsg__ct_wanted(const struct vmsg_replay_opts *o)
{
    return o->check && o->threads > 1;
}

/* ---- the thread ------------------------------------------------------- */

static bool can_check(struct vmsg__ct *a)
{
    return atomic_load_explicit(&a->chk_head, memory_order_relaxed) <
           atomic_load_explicit(&a->chk_tail, memory_order_acquire);
}

static bool check_some(struct vmsg__ct *a)
{
    uint64_t h = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&a->chk_tail, memory_order_acquire);
    if (h == t)
        return false;
    if (t - h > BATCH)
        t = h + BATCH;
    for (; h < t; h++) {
        const struct chk_ent *e = &a->ents[h & (CHK_N - 1)];
        if (e->slot == COPY) {
            const struct chk_copy *c = &a->copies[h & (CHK_N - 1)];
            a->cur_group = c->group;
            vmsg_check_feed(a->chk, c->frame, c->dir, c->ts, c->p, c->len, c->bus);
        } else {
            const struct vmsg__slot *s = &a->ring[e->slot];
            a->cur_group = s->group;
            if ((uint32_t)s->frame == e->frame)
                vmsg_check_feed(a->chk, s->frame, s->ours ? a->ours : a->theirs, s->ts_ns, s->buf, s->len, s->bus);
            else /* the walk broke vmsg__ct_slot_free's promise */
                atomic_store_explicit(&a->torn, (uint64_t)e->frame + 1, memory_order_relaxed);
        }
        atomic_store_explicit(&a->chk_head, h + 1, memory_order_release);
    }
    a->cur_group = VMSG__NO_GROUP;
    return true;
}

static void wake_walk(struct vmsg__ct *a)
{
    atomic_thread_fence(memory_order_seq_cst); /* what was published, before the look at walk_sleeps */
    if (atomic_load_explicit(&a->walk_sleeps, memory_order_relaxed)) {
        pthread_mutex_lock(&a->mu);
        pthread_cond_signal(&a->cv_walk);
        pthread_mutex_unlock(&a->mu);
    }
}

static void *run(void *p)
{
    struct vmsg__ct *a = p;
    unsigned idle = 0;
    for (;;) {
        bool stopping = atomic_load_explicit(&a->stop, memory_order_acquire);
        if (check_some(a)) {
            idle = 0;
            wake_walk(a);
            continue;
        }
        if (stopping)
            return NULL; /* nothing left to check: the walk synced before it stopped us */
        if (++idle < SPIN_THREAD) {
            relax();
            continue;
        }
        idle = 0;
        pthread_mutex_lock(&a->mu);
        atomic_store(&a->thread_sleeps, 1);
        if (!can_check(a) && !atomic_load(&a->stop)) {
            struct timespec ts;
            deadline(&ts);
            pthread_cond_timedwait(&a->cv_thread, &a->mu, &ts);
        }
        atomic_store(&a->thread_sleeps, 0);
        pthread_mutex_unlock(&a->mu);
    }
}

void vmsg__ct_collect(struct vmsg__ct *a, const struct vmsg_finding *f)
{
    pthread_mutex_lock(&a->mu);
    if (a->npend == a->cappend) {
        size_t cap = a->cappend ? 2 * a->cappend : 64;
        struct pending *n = realloc(a->pend, cap * sizeof *n);
        if (!n) {
            if (!a->lost)
                a->lost = f->frame + 1;
            pthread_mutex_unlock(&a->mu);
            return;
        }
        a->pend = n;
        a->cappend = cap;
    }
    a->pend[a->npend].f = *f;
    a->pend[a->npend].group = a->cur_group;
    a->npend++;
    atomic_store_explicit(&a->have_pend, 1, memory_order_relaxed);
    pthread_mutex_unlock(&a->mu);
}

/* ---- the walk --------------------------------------------------------- */

/* Publish the walk's tail, and wake the thread if it sleeps. */
static void publish(struct vmsg__ct *a)
{
    a->unpublished = 0;
    atomic_store_explicit(&a->chk_tail, a->tail_own, memory_order_release);
    atomic_thread_fence(memory_order_seq_cst); /* what was published, before the look at thread_sleeps */
    if (atomic_load_explicit(&a->thread_sleeps, memory_order_relaxed)) {
        pthread_mutex_lock(&a->mu);
        pthread_cond_signal(&a->cv_thread);
        pthread_mutex_unlock(&a->mu);
    }
}

static bool all_checked(struct vmsg__ct *a)
{
    return atomic_load_explicit(&a->chk_head, memory_order_acquire) == a->tail_own;
}

static bool room(struct vmsg__ct *a)
{
    return a->tail_own - atomic_load_explicit(&a->chk_head, memory_order_acquire) < CHK_N;
}

/* The oldest unchecked entry's head, or the walk's head when all are. */
static uint64_t oldest_head(struct vmsg__ct *a)
{
    uint64_t h = atomic_load_explicit(&a->chk_head, memory_order_acquire);
    return h == a->tail_own ? a->x->head : a->ents[h & (CHK_N - 1)].head;
}

static bool slot_free(struct vmsg__ct *a)
{
    return a->x->tail < oldest_head(a) + a->x->mask + 1;
}

/* Spin while the thread makes progress; when it has made none for
 * SPIN_WALK rounds (it lost its CPU, or sleeps) count a stall, yield, then
 * sleep until it wakes us. */
static void wait_for(struct vmsg__ct *a, bool (*done)(struct vmsg__ct *))
{
    publish(a);
    uint64_t seen = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
    for (unsigned idle = 0; idle < SPIN_WALK; idle++) {
        if (done(a))
            return;
        relax();
        uint64_t now = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
        if (now != seen) {
            seen = now;
            idle = 0;
        }
    }
    a->stalls++;
    for (unsigned i = 0; i < YIELDS; i++) {
        sched_yield();
        if (done(a))
            return;
    }
    pthread_mutex_lock(&a->mu);
    atomic_store(&a->walk_sleeps, 1);
    while (!done(a)) {
        if (atomic_load(&a->thread_sleeps))
            pthread_cond_signal(&a->cv_thread);
        struct timespec ts;
        deadline(&ts);
        pthread_cond_timedwait(&a->cv_walk, &a->mu, &ts);
    }
    atomic_store(&a->walk_sleeps, 0);
    pthread_mutex_unlock(&a->mu);
}

void vmsg__ct_slot_free(struct vmsg__rp *x)
{
    struct vmsg__ct *a = x->ct;
    if (x->tail < a->safe_head + x->mask + 1)
        return;
    a->safe_head = oldest_head(a);
    if (x->tail < a->safe_head + x->mask + 1)
        return;
    wait_for(a, slot_free);
    a->safe_head = oldest_head(a);
}

bool vmsg__ct_failing(const struct vmsg__rp *x)
{
    const struct vmsg__ct *a = x->ct;
    return a->stalls >= 4 && (uint64_t)a->stalls * STALL_FRAMES > a->handed;
}

/* The next entry, once there is room. */
static struct chk_ent *entry(struct vmsg__ct *a)
{
    if (a->tail_own - a->head_seen >= CHK_N) {
        if (!room(a))
            wait_for(a, room);
        a->head_seen = atomic_load_explicit(&a->chk_head, memory_order_acquire);
    }
    struct chk_ent *e = &a->ents[a->tail_own & (CHK_N - 1)];
    e->head = a->x->head;
    return e;
}

static void handed(struct vmsg__ct *a)
{
    a->tail_own++;
    a->handed++;
    if (++a->unpublished >= PUBLISH_EVERY)
        publish(a);
}

void vmsg__ct_check_slot(struct vmsg__rp *x, const struct vmsg__slot *s)
{
    struct vmsg__ct *a = x->ct;
    struct chk_ent *e = entry(a);
    e->slot = (uint32_t)(s - x->ring);
    e->frame = (uint32_t)s->frame;
    handed(a);
}

void vmsg__ct_check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, const uint8_t *f,
                    size_t len)
{
    struct vmsg__ct *a = x->ct;
    struct chk_ent *e = entry(a);
    struct chk_copy *c = &a->copies[a->tail_own & (CHK_N - 1)];
    uint8_t *buf = vmsg__hold(c->inl, &c->heap, &c->cap, len);
    if (!buf) {
        snprintf(x->st->error, sizeof x->st->error, "frame %llu: out of memory", (unsigned long long)frame);
        x->status = 3;
        return;
    }
    memcpy(buf, f, len);
    c->p = buf;
    c->len = (uint32_t)len;
    c->frame = frame;
    c->ts = ts;
    c->dir = (uint8_t)dir;
    c->bus = x->bus;
    c->group = group;
    e->slot = COPY;
    handed(a);
}

void vmsg__ct_poll(struct vmsg__rp *x)
{
    struct vmsg__ct *a = x->ct;
    if (!atomic_load_explicit(&a->have_pend, memory_order_relaxed))
        return;
    pthread_mutex_lock(&a->mu);
    /* delivered under the lock: the thread waits only if it finds more */
    for (size_t i = 0; i < a->npend; i++)
        vmsg__group_finding_in(x, a->pend[i].group, &a->pend[i].f);
    a->npend = 0;
    atomic_store_explicit(&a->have_pend, 0, memory_order_relaxed);
    if (a->lost && x->status < 3) {
        snprintf(x->st->error, sizeof x->st->error, "frame %llu: checker finding: out of memory",
                 (unsigned long long)(a->lost - 1));
        x->status = 3;
    }
    pthread_mutex_unlock(&a->mu);
}

static void torn(struct vmsg__rp *x, struct vmsg__ct *a)
{
    uint64_t t = atomic_load_explicit(&a->torn, memory_order_relaxed);
    if (t && x->status < 3) {
        snprintf(x->st->error, sizeof x->st->error,
                 "frame %llu: internal error: the checker's thread found its window slot reused before it was checked",
                 (unsigned long long)(t - 1));
        x->status = 3;
    }
}

void vmsg__ct_sync(struct vmsg__rp *x)
{
    struct vmsg__ct *a = x->ct;
    if (!all_checked(a))
        wait_for(a, all_checked);
    vmsg__ct_poll(x);
}

static void destroy(struct vmsg__ct *a)
{
    if (a->copies)
        for (unsigned i = 0; i < CHK_N; i++)
            free(a->copies[i].heap);
    free(a->copies);
    free(a->ents);
    free(a->pend);
    free(a);
}

bool vmsg__ct_start(struct vmsg__rp *x)
{
    struct vmsg__ct *a = aligned_alloc(_Alignof(struct vmsg__ct), sizeof *a); /* a multiple of it */
    if (!a)
        return false;
    memset(a, 0, sizeof *a);
    a->x = x;
    a->cur_group = VMSG__NO_GROUP;
    a->chk = x->chk;
    a->ring = x->ring;
    a->ours = (uint8_t)x->ours_dir;
    a->theirs = x->ours_dir == VMSG_DIR_DRV_TO_DEV ? VMSG_DIR_DEV_TO_DRV : VMSG_DIR_DRV_TO_DEV;
    a->ents = calloc(CHK_N, sizeof *a->ents);
    a->copies = calloc(CHK_N, sizeof *a->copies);
    if (!a->ents || !a->copies || pthread_mutex_init(&a->mu, NULL) != 0) {
        destroy(a);
        return false;
    }
    if (pthread_cond_init(&a->cv_thread, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        destroy(a);
        return false;
    }
    if (pthread_cond_init(&a->cv_walk, NULL) != 0) {
        pthread_cond_destroy(&a->cv_thread);
        pthread_mutex_destroy(&a->mu);
        destroy(a);
        return false;
    }
    x->ct = a; /* before the thread looks at it (vmsg__group_finding) */
    if (pthread_create(&a->th, NULL, run, a) != 0) {
        x->ct = NULL;
        pthread_cond_destroy(&a->cv_walk);
        pthread_cond_destroy(&a->cv_thread);
        pthread_mutex_destroy(&a->mu);
        destroy(a);
        return false;
    }
    return true;
}

void vmsg__ct_stop(struct vmsg__rp *x)
{
    struct vmsg__ct *a = x->ct;
    if (!a)
        return;
    vmsg__ct_sync(x);
    atomic_store_explicit(&a->stop, 1, memory_order_release);
    publish(a);
    pthread_join(a->th, NULL);
    vmsg__ct_poll(x); /* anything found after the last sync */
    torn(x, a);
    x->ct = NULL;
    pthread_cond_destroy(&a->cv_walk);
    pthread_cond_destroy(&a->cv_thread);
    pthread_mutex_destroy(&a->mu);
    destroy(a);
}
