/* The second thread of a replay. Against an in-process IUT a round trip
 * costs less than reading its two records and checking its two frames, so
 * when more than one CPU is there this thread reads capture records ahead
 * of the walk into the window ring and runs the passive checker on the
 * frames the walk hands it; the walk only sends, receives and compares.
 *
 * Ownership, without locks on the way of a record or a frame:
 * - window slots from the walk's tail on belong to this thread until it
 *   publishes them (rd_avail); it reads into slot j only once the walk has
 *   retired j - cap + 2 (head_pub: the walk still looks at the slot just
 *   before pos) and no frame still to check is that slot's bytes (a frame
 *   sent, or an answer equal to its record, is handed over as a reference
 *   to its slot: no copy, and the bytes are still in this CPU's cache);
 * - check entries in [chk_head, chk_tail) belong to this thread;
 * - findings are not delivered from here. They queue under the mutex, and
 *   the walk delivers them: now and then (vmsg__ahead_poll), and after
 *   waiting for every frame it handed over before it reports a divergence
 *   (vmsg__ahead_sync), so findings and divergences come in the order one
 *   thread gives.
 * Waiting: either side spins a little, then sleeps on its condition
 * variable. The walk publishes its side (and wakes the thread) every
 * PUBLISH_EVERY handovers and before it waits itself; the sleeps have a timeout as well, so a wake-up
 * lost to a race costs a millisecond, never a hang. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay_internal.h"

#define CHK_N 1024u         /* check entries (a power of two) */
#define PUBLISH_EVERY 16u   /* handovers (frames to check, retired slots) the walk publishes at once */
#define BATCH 32u           /* records read or frames checked between two looks at the other queue */
#define SPIN_THREAD 256u    /* idle rounds before the thread sleeps */
#define SPIN_WALK 400u      /* rounds without progress of the thread before the walk yields, then sleeps */
#define STALL_RECORDS 4096u /* more than one stall per this many records: one thread does better */
#define YIELDS 4u           /* the thread may share our CPU: let it run before we sleep */
#define SLEEP_NS 1000000L   /* the longest sleep of either side */

/* A frame to check: the bytes of a window slot (a frame sent, or an answer
 * equal to its record), or a copy (any other frame the IUT sent). The first
 * line is all the thread reads for a slot's frame. */
struct chk_ent {
    const uint8_t *p;       /* the bytes: a slot's buffer, inl or heap */
    uint64_t frame, ts;
    uint64_t head;          /* the walk's head when handed over: p, if a slot's, is at or after it */
    uint32_t group, len;
    uint8_t dir;
    uint8_t *heap;
    uint32_t cap;
    uint8_t inl[VMSG__SLOT_INLINE];
};

struct pending {
    struct vmsg_finding f;
    uint32_t group;
};

struct vmsg__ahead {
    /* fixed once the thread runs */
    struct vmsg__rp *x;
    struct chk_ent *ents;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv_thread, cv_walk;
    atomic_int stop;

    /* Each group below sits on its own cache lines: a line written by one
     * side and read by the other moves between CPUs at every write, so the
     * sides publish in batches and keep their own counters apart. */
    _Alignas(64) atomic_uint_fast64_t head_pub; /* published by the walk */
    atomic_uint_fast64_t chk_tail;
    _Alignas(64) uint64_t chk_tail_own;         /* the walk's own */
    uint64_t chk_head_seen, avail_seen;
    unsigned unpublished;
    unsigned stalls;                            /* waits in which the thread did not move */
    _Alignas(64) atomic_uint_fast64_t rd_avail; /* published by the thread */
    atomic_uint_fast64_t chk_head;
    atomic_int rd_end;                          /* 0 reading, 1 end of capture, 2 reader error */
    _Alignas(64) uint64_t rd_next;              /* the thread's own */
    uint32_t cur_group;                         /* the group of the frame being checked */
    _Alignas(64) atomic_int thread_sleeps;
    _Alignas(64) atomic_int walk_sleeps;

    /* findings, under mu */
    _Alignas(64) atomic_int have_pend;
    struct pending *pend;
    size_t npend, cappend;
    bool lost;              /* a finding could not be queued (out of memory) */
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

bool vmsg__ahead_wanted(const struct vmsg_replay_opts *o)
{
    if (o->threads)
        return o->threads > 1;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set) > 1;
#endif
    return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* ---- the thread ------------------------------------------------------- */

/* Slot j may be read into once slot j - cap is neither in the walk's window
 * (head_pub, less 2: the walk still looks just before pos) nor the bytes of a
 * frame not yet checked. Frames handed over refer to slots at or after the
 * walk's head at that time, so the oldest unchecked one bounds them all;
 * later ones refer to slots at or after head_pub, which the walk published
 * after the check tail read here (publish). */
static bool can_read(struct vmsg__ahead *a)
{
    if (atomic_load_explicit(&a->rd_end, memory_order_relaxed))
        return false;
    uint64_t h = atomic_load_explicit(&a->head_pub, memory_order_acquire);
    uint64_t c = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
    if (c < atomic_load_explicit(&a->chk_tail, memory_order_acquire) && a->ents[c & (CHK_N - 1)].head < h)
        h = a->ents[c & (CHK_N - 1)].head;
    return a->rd_next + 2 < h + a->x->mask + 1;
}

static bool can_check(struct vmsg__ahead *a)
{
    return atomic_load_explicit(&a->chk_head, memory_order_relaxed) <
           atomic_load_explicit(&a->chk_tail, memory_order_acquire);
}

static bool read_some(struct vmsg__ahead *a)
{
    struct vmsg__rp *x = a->x;
    unsigned n = 0;
    while (n < BATCH && can_read(a)) {
        struct vmsg_cap_rec r;
        int k = vmsg__bus_next(x, &r);
        if (k != 1) {
            atomic_store_explicit(&a->rd_avail, a->rd_next, memory_order_release);
            atomic_store_explicit(&a->rd_end, k < 0 ? 2 : 1, memory_order_release);
            return true;
        }
        vmsg__win_prepare(x, vmsg__win_at(x, a->rd_next), &r);
        a->rd_next++;
        n++;
        atomic_store_explicit(&a->rd_avail, a->rd_next, memory_order_release);
    }
    return n > 0;
}

static bool check_some(struct vmsg__ahead *a)
{
    uint64_t h = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&a->chk_tail, memory_order_acquire);
    if (h == t)
        return false;
    if (t - h > BATCH)
        t = h + BATCH;
    for (; h < t; h++) {
        const struct chk_ent *e = &a->ents[h & (CHK_N - 1)];
        a->cur_group = e->group;
        vmsg_check_feed(a->x->chk, e->frame, e->dir, e->ts, e->p, e->len, a->x->bus);
        atomic_store_explicit(&a->chk_head, h + 1, memory_order_release);
    }
    a->cur_group = VMSG__NO_GROUP;
    return true;
}

static void wake_walk(struct vmsg__ahead *a)
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
    struct vmsg__ahead *a = p;
    unsigned idle = 0;
    for (;;) {
        bool stopping = atomic_load_explicit(&a->stop, memory_order_acquire);
        bool did = !stopping && read_some(a);
        did = check_some(a) || did;
        if (did) {
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
        if (!can_read(a) && !can_check(a) && !atomic_load(&a->stop)) {
            struct timespec ts;
            deadline(&ts);
            pthread_cond_timedwait(&a->cv_thread, &a->mu, &ts);
        }
        atomic_store(&a->thread_sleeps, 0);
        pthread_mutex_unlock(&a->mu);
    }
}

/* The checker's findings while the thread runs (vmsg__group_finding passes
 * them here). */
void vmsg__ahead_collect(struct vmsg__ahead *a, const struct vmsg_finding *f)
{
    pthread_mutex_lock(&a->mu);
    if (a->npend == a->cappend) {
        size_t cap = a->cappend ? 2 * a->cappend : 64;
        struct pending *n = realloc(a->pend, cap * sizeof *n);
        if (!n) {
            a->lost = true;
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

/* Publish the walk's head and check tail, and wake the thread if it sleeps. */
static void publish(struct vmsg__ahead *a)
{
    a->unpublished = 0;
    atomic_store_explicit(&a->chk_tail, a->chk_tail_own, memory_order_release); /* before the head: can_read */
    atomic_store_explicit(&a->head_pub, a->x->head, memory_order_release);
    atomic_thread_fence(memory_order_seq_cst); /* what was published, before the look at thread_sleeps */
    if (atomic_load_explicit(&a->thread_sleeps, memory_order_relaxed)) {
        pthread_mutex_lock(&a->mu);
        pthread_cond_signal(&a->cv_thread);
        pthread_mutex_unlock(&a->mu);
    }
}

static bool record_ready(struct vmsg__ahead *a)
{
    return atomic_load_explicit(&a->rd_end, memory_order_acquire) ||
           a->x->tail < atomic_load_explicit(&a->rd_avail, memory_order_acquire);
}

static bool all_checked(struct vmsg__ahead *a)
{
    return atomic_load_explicit(&a->chk_head, memory_order_acquire) == a->chk_tail_own;
}

static bool room_to_check(struct vmsg__ahead *a)
{
    return a->chk_tail_own - atomic_load_explicit(&a->chk_head, memory_order_acquire) < CHK_N;
}

/* What the thread has done so far: it moves while the thread runs. */
static uint64_t progress(struct vmsg__ahead *a)
{
    return atomic_load_explicit(&a->rd_avail, memory_order_relaxed) +
           atomic_load_explicit(&a->chk_head, memory_order_relaxed);
}

/* Spin while the thread makes progress; when it has made none for
 * SPIN_WALK rounds (it lost its CPU, or sleeps) count a stall, yield, then
 * sleep until it wakes us. */
static void wait_for(struct vmsg__ahead *a, bool (*done)(struct vmsg__ahead *))
{
    publish(a);
    uint64_t seen = progress(a);
    for (unsigned idle = 0; idle < SPIN_WALK; idle++) {
        if (done(a))
            return;
        relax();
        uint64_t now = progress(a);
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

int vmsg__ahead_take(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = x->ah;
    /* the slots were written on the other CPU: ask for the next ones early */
    const char *next = (const char *)vmsg__win_at(x, x->tail + 4);
    __builtin_prefetch(next);
    __builtin_prefetch(next + 64);
    if (x->tail >= a->avail_seen) {
        if (!record_ready(a))
            wait_for(a, record_ready);
        int end = atomic_load_explicit(&a->rd_end, memory_order_acquire);
        a->avail_seen = atomic_load_explicit(&a->rd_avail, memory_order_acquire); /* final once end is set */
        if (x->tail >= a->avail_seen)
            return end == 2 ? -1 : 0;
    }
    return 1;
}

bool vmsg__ahead_failing(const struct vmsg__rp *x)
{
    const struct vmsg__ahead *a = x->ah;
    return a->stalls >= 4 && (uint64_t)a->stalls * STALL_RECORDS > x->tail;
}

void vmsg__ahead_retired(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = x->ah;
    if (++a->unpublished >= PUBLISH_EVERY)
        publish(a);
}

/* The next free check entry, with what every entry carries. */
static struct chk_ent *entry(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, size_t len)
{
    struct vmsg__ahead *a = x->ah;
    if (a->chk_tail_own - a->chk_head_seen >= CHK_N) {
        if (!room_to_check(a))
            wait_for(a, room_to_check);
        a->chk_head_seen = atomic_load_explicit(&a->chk_head, memory_order_acquire);
    }
    struct chk_ent *e = &a->ents[a->chk_tail_own & (CHK_N - 1)];
    __builtin_prefetch(&a->ents[(a->chk_tail_own + 4) & (CHK_N - 1)], 1);
    e->len = (uint32_t)len;
    e->frame = frame;
    e->ts = ts;
    e->head = x->head;
    e->dir = (uint8_t)dir;
    e->group = group;
    return e;
}

static void handed(struct vmsg__ahead *a)
{
    a->chk_tail_own++;
    if (++a->unpublished >= PUBLISH_EVERY)
        publish(a);
}

void vmsg__ahead_check_slot(struct vmsg__rp *x, const struct vmsg__slot *s, unsigned dir)
{
    struct chk_ent *e = entry(x, s->group, s->frame, dir, s->ts_ns, s->len);
    e->p = s->buf;
    handed(x->ah);
}

void vmsg__ahead_check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts,
                       const uint8_t *f, size_t len)
{
    struct chk_ent *e = entry(x, group, frame, dir, ts, len);
    uint8_t *buf = e->inl;
    if (len > VMSG__SLOT_INLINE) {
        if (len > e->cap) {
            uint8_t *b = realloc(e->heap, len);
            if (!b) {
                snprintf(x->st->error, sizeof x->st->error, "frame %llu: out of memory", (unsigned long long)frame);
                x->status = 3;
                return;
            }
            e->heap = b;
            e->cap = (uint32_t)len;
        }
        buf = e->heap;
    }
    memcpy(buf, f, len);
    e->p = buf;
    handed(x->ah);
}

void vmsg__ahead_poll(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = x->ah;
    if (!atomic_load_explicit(&a->have_pend, memory_order_relaxed))
        return;
    pthread_mutex_lock(&a->mu);
    /* delivered under the lock: the thread waits only if it finds more */
    for (size_t i = 0; i < a->npend; i++)
        vmsg__group_finding_in(x, a->pend[i].group, &a->pend[i].f);
    a->npend = 0;
    atomic_store_explicit(&a->have_pend, 0, memory_order_relaxed);
    if (a->lost && x->status < 3) {
        snprintf(x->st->error, sizeof x->st->error, "checker findings: out of memory");
        x->status = 3;
    }
    pthread_mutex_unlock(&a->mu);
}

void vmsg__ahead_sync(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = x->ah;
    if (!all_checked(a))
        wait_for(a, all_checked);
    vmsg__ahead_poll(x);
}

static void destroy(struct vmsg__ahead *a)
{
    for (unsigned i = 0; i < CHK_N; i++)
        free(a->ents[i].heap);
    free(a->ents);
    free(a->pend);
    pthread_cond_destroy(&a->cv_walk);
    pthread_cond_destroy(&a->cv_thread);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

bool vmsg__ahead_start(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = aligned_alloc(_Alignof(struct vmsg__ahead), sizeof *a); /* a multiple of it */
    if (!a)
        return false;
    memset(a, 0, sizeof *a);
    a->x = x;
    a->cur_group = VMSG__NO_GROUP;
    a->ents = calloc(CHK_N, sizeof *a->ents);
    bool sync_ok = pthread_mutex_init(&a->mu, NULL) == 0;
    bool cv1 = sync_ok && pthread_cond_init(&a->cv_thread, NULL) == 0;
    bool cv2 = cv1 && pthread_cond_init(&a->cv_walk, NULL) == 0;
    if (!a->ents || !cv2) {
        if (cv1)
            pthread_cond_destroy(&a->cv_thread);
        if (sync_ok)
            pthread_mutex_destroy(&a->mu);
        free(a->ents);
        free(a);
        return false;
    }
    atomic_init(&a->head_pub, x->head);
    atomic_init(&a->rd_avail, x->tail);
    a->rd_next = a->avail_seen = x->tail;
    x->ah = a; /* before the thread looks at it (vmsg__group_finding) */
    if (pthread_create(&a->th, NULL, run, a) != 0) {
        x->ah = NULL;
        destroy(a);
        return false;
    }
    return true;
}

void vmsg__ahead_stop(struct vmsg__rp *x)
{
    struct vmsg__ahead *a = x->ah;
    if (!a)
        return;
    vmsg__ahead_sync(x);
    atomic_store_explicit(&a->stop, 1, memory_order_release);
    publish(a);
    pthread_join(a->th, NULL);
    vmsg__ahead_poll(x); /* anything found after the last sync */
    x->prepared = atomic_load_explicit(&a->rd_avail, memory_order_relaxed); /* the walk takes these first */
    x->ah = NULL;
    destroy(a);
}
