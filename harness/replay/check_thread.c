/* The second thread of a replay: the passive checker. Against an in-process
 * IUT, checking a round trip's two frames costs about as much as the round
 * trip itself; with a second thread the walk reads the capture, sends,
 * receives and compares while this thread checks.
 *
 * What crosses between the CPUs is kept to a few bytes per frame: moving a
 * record's cache lines from one CPU to the other costs about as much as
 * reading it (measured on a two-vCPU virtual machine, where handing the walk's
 * window slots to the checker made two threads no faster than one). So
 * this thread opens the capture itself and reads the records the walk
 * reads, in the same order (the same bus instance filter), into a ring of
 * its own. A frame whose bytes are a record's (a frame sent, or an answer
 * identical to its record) is handed over as the record's place in the
 * walk's order and its frame number, which this thread checks against the
 * record it read; any other frame (an answer that differs, a token
 * rewritten) is copied into copies[] at the entry's index.
 *
 * Handover without locks: an entry is 32 bytes, two to a cache line, and
 * holds a copy, or a run of up to 64 records that follow each other both in
 * the walk's order and in the capture, with one group (a ping-pong in order
 * makes runs of 64). The walk publishes its tail every
 * VMSG__CT_PUBLISH_EVERY (256) frames; entries in [chk_head, chk_tail) are
 * this thread's. So the tail's cache line and two lines of entries cross to
 * this thread about once per 256 frames: each crossing stalls the walk's
 * stores for a while (publishing every 16 or 64 frames was measurably
 * slower).
 *
 * A record referred to lies within the walk's window (window records back
 * from the newest one read), and this thread reads up to the record
 * referred to, no further: a ring of twice the window always still holds
 * it. A record not found there (a broken promise, or a capture changed
 * underneath) ends the run with status 3 and its frame.
 *
 * Findings are not delivered from here. They queue under the mutex, and the
 * walk delivers them: now and then (vmsg__ct_poll), and, before it reports a
 * divergence, after waiting for every frame it handed over (vmsg__ct_sync),
 * so findings and divergences come in the order one thread gives.
 *
 * Waiting: the walk spins while the thread makes progress, then yields and
 * sleeps on a condition variable; the thread spins a while (SPIN_THREAD),
 * then sleeps. The walk wakes it every VMSG__CT_PUBLISH_EVERY frames and
 * before it waits; the sleeps have a timeout, so a wake-up lost to a race
 * costs a millisecond, never a hang. A thread that keeps the walk waiting
 * without progress more than once per STALL_FRAMES frames shares its CPU
 * with other work: the walk stops it and checks the rest itself
 * (vmsg__ct_failing). */
#define _GNU_SOURCE /* sched_yield, sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/capture_internal.h"
#include "replay_internal.h"

#define CHK_N 1024u         /* entries (a power of two) */
#define BATCH 32u           /* entries checked between two publications of the thread's position */
/* idle rounds (a pause each) before the thread sleeps: longer than the gap
 * between two publications of an in-process replay (some 30 us), so that
 * the walk seldom pays a wake-up (a system call, and an interrupt to the
 * other CPU) for each; a slow IUT still lets the thread sleep within a
 * tenth of a millisecond or so. 256 rounds cost the walk about 20 ns a
 * round trip in wake-ups, measured. */
#define SPIN_THREAD 4096u
#define SPIN_WALK 400u      /* rounds without progress of the thread before the walk yields, then sleeps */
#define YIELDS 4u           /* the thread may share our CPU: let it run before we sleep */
#define STALL_FRAMES 4096u  /* more than one stall per this many frames: one thread does better */
#define SLEEP_NS 1000000L   /* the longest sleep of either side */

struct chk_copy {
    uint64_t frame, ts;
    uint32_t len;
    uint16_t bus;
    const uint8_t *p;       /* inl or heap */
    uint8_t *heap;
    uint32_t cap;
    uint8_t inl[VMSG__SLOT_INLINE];
};

/* A record as this thread read it. Its bytes are left in the reader's
 * buffer (p) until the reader is called, which may move them (keep). */
struct chk_rec {
    uint64_t frame, ts;
    uint32_t len, cap;
    uint16_t bus;
    const uint8_t *p;       /* inl or heap */
    uint8_t *heap;
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
    int instance;
    struct vmsg__ct_ent *ents;
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
    unsigned stalls;
    uint64_t handed;                            /* frames handed over and published */
    _Alignas(64) atomic_uint_fast64_t chk_head; /* published by the thread */
    atomic_uint_fast64_t torn;                  /* 1 + the frame of a record this thread could not find */
    _Alignas(64) uint32_t cur_group;            /* the thread's own: the group of the frame checked */
    struct vmsg_cap_reader *rd;                 /* its own reader of the capture */
    struct chk_rec *recs;                       /* the records it read: rseq of them, the last rmask + 1 kept */
    uint64_t rseq, rmask;
    uint64_t borrowed;                          /* records from this place on point into the reader's buffer */
    char rd_error[200];                         /* why a record could not be read (with torn) */
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

static unsigned cpus(void)
{
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
}

enum vmsg__ct_plan vmsg__ct_plan(const struct vmsg_replay_opts *o)
{
    if (!o->check || o->threads == 1)
        return VMSG__CT_ONE;
    if (o->threads > 1)
        return VMSG__CT_NOW;
    return cpus() > 1 ? VMSG__CT_WHEN_FAST : VMSG__CT_ONE;
}

/* ---- the thread ------------------------------------------------------- */

static bool can_check(struct vmsg__ct *a)
{
    return atomic_load_explicit(&a->chk_head, memory_order_relaxed) <
           atomic_load_explicit(&a->chk_tail, memory_order_acquire);
}

/* A record read into the ring: its bytes at p, the reader's buffer or the
 * record's own storage. */
static inline void put(struct vmsg__ct *a, const struct vmsg_cap_rec *r, const uint8_t *p)
{
    struct chk_rec *c = &a->recs[a->rseq & a->rmask];
    c->p = p;
    c->len = r->caplen;
    c->frame = r->frame;
    c->ts = (uint64_t)r->ts.sec * 1000000000u + (uint64_t)r->ts.usec * 1000u;
    c->bus = r->meta.bus_instance;
    a->rseq++;
}

/* The records the ring still holds whose bytes lie in the reader's buffer
 * are copied to their own storage: the reader is about to be called, and
 * it may move its buffer's bytes. False (rd_error set) when out of memory. */
static bool keep(struct vmsg__ct *a)
{
    uint64_t i = a->rseq - a->borrowed > a->rmask + 1 ? a->rseq - (a->rmask + 1) : a->borrowed;
    for (; i < a->rseq; i++) {
        struct chk_rec *c = &a->recs[i & a->rmask];
        uint8_t *buf = vmsg__hold(c->inl, &c->heap, &c->cap, c->len);
        if (!buf) {
            snprintf(a->rd_error, sizeof a->rd_error, "out of memory");
            return false;
        }
        memcpy(buf, c->p, c->len);
        c->p = buf;
    }
    a->borrowed = a->rseq;
    return true;
}

/* The next record of the bus replayed, read by the reader itself (the
 * buffer's end, or a record of an unusual kind), into the ring; false
 * (rd_error set) when there is none or it cannot be held. */
static bool read_slow(struct vmsg__ct *a)
{
    if (!keep(a))
        return false;
    struct vmsg_cap_rec r;
    int k;
    while ((k = vmsg_cap_next(a->rd, &r)) == 1 && a->instance >= 0 && r.meta.bus_instance != (unsigned)a->instance)
        ;
    if (k != 1) {
        snprintf(a->rd_error, sizeof a->rd_error, "%s", k < 0 ? vmsg_cap_reader_error(a->rd) : "the capture ended");
        return false;
    }
    struct chk_rec *c = &a->recs[a->rseq & a->rmask];
    uint8_t *buf = vmsg__hold(c->inl, &c->heap, &c->cap, r.caplen);
    if (!buf) {
        snprintf(a->rd_error, sizeof a->rd_error, "out of memory");
        return false;
    }
    memcpy(buf, r.msg, r.caplen);
    put(a, &r, buf);
    a->borrowed = a->rseq;
    return true;
}

/* The next record of the bus replayed into the ring: from the batch b
 * (open: *open; begun here when not), else from the reader (the batch
 * ended); false (rd_error set) as read_slow. */
static inline bool read_next(struct vmsg__ct *a, struct vmsg__cap_batch *b, bool *open)
{
    struct vmsg_cap_rec r;
    for (bool begun = false;;) {
        if (!*open) {
            if (begun || !vmsg__cap_batch_begin(a->rd, b))
                return read_slow(a);
            begun = *open = true;
        }
        while (vmsg__cap_batch_next(b, &r))
            if (a->instance < 0 || r.meta.bus_instance == (unsigned)a->instance) {
                put(a, &r, r.msg); /* kept in the buffer: see keep */
                return true;
            }
        /* the batch's end (it spans one record of snap bytes at most), or a
         * record for the reader: once more from a new batch, then the reader */
        vmsg__cap_batch_end(a->rd, b);
        *open = false;
    }
}

/* Check the run of records e: each read up to (the ring holds those read
 * before it: twice the walk's window), then checked against the frame
 * number e gives. A record not to be had sets torn. */
static void check_run(struct vmsg__ct *a, const struct vmsg__ct_ent *e, struct vmsg__cap_batch *b, bool *open)
{
    uint64_t dirs = e->dirs;
    uint32_t frame = e->frame;
    uint64_t k = a->rseq + (uint64_t)(int64_t)(int32_t)(e->seq - (uint32_t)a->rseq);
    for (unsigned i = 0, n = e->n; i < n; i++, k++, frame++, dirs >>= 1) {
        while (a->rseq <= k)
            if (!read_next(a, b, open))
                goto torn;
        if (a->rseq - k > a->rmask + 1) {
            snprintf(a->rd_error, sizeof a->rd_error, "no longer held");
            goto torn;
        }
        const struct chk_rec *c = &a->recs[k & a->rmask];
        if ((uint32_t)c->frame != frame) {
            snprintf(a->rd_error, sizeof a->rd_error, "it read frame %llu there", (unsigned long long)c->frame);
            goto torn;
        }
        vmsg_check_feed(a->chk, c->frame, (unsigned)dirs & 1u, c->ts, c->p, c->len, c->bus);
    }
    return;
torn:
    atomic_store_explicit(&a->torn, (uint64_t)frame + 1, memory_order_relaxed);
}

static bool check_some(struct vmsg__ct *a)
{
    uint64_t h = atomic_load_explicit(&a->chk_head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&a->chk_tail, memory_order_acquire);
    if (h == t)
        return false;
    if (t - h > BATCH)
        t = h + BATCH;
    struct vmsg__cap_batch b; /* the reader's place, in registers while open */
    bool open = false;
    for (; h < t; h++) {
        const struct vmsg__ct_ent *e = &a->ents[h & (CHK_N - 1)];
        a->cur_group = e->group;
        if (!e->n) {
            const struct chk_copy *c = &a->copies[h & (CHK_N - 1)];
            vmsg_check_feed(a->chk, c->frame, e->dir, c->ts, c->p, c->len, c->bus);
        } else if (!atomic_load_explicit(&a->torn, memory_order_relaxed)) {
            check_run(a, e, &b, &open);
        }
        atomic_store_explicit(&a->chk_head, h + 1, memory_order_release);
    }
    if (open)
        vmsg__cap_batch_end(a->rd, &b);
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

/* The run being grown (if any) no longer grows: its record count, from
 * the bit its next record would have had. */
static void run_end(struct vmsg__rp *x)
{
    if (x->ct_run)
        x->ct_run->n = (uint8_t)__builtin_ctzll(x->ct_bit);
    x->ct_run = NULL;
}

/* Publish the walk's tail, and wake the thread if it sleeps. */
static void publish(struct vmsg__ct *a)
{
    struct vmsg__rp *x = a->x;
    a->handed += VMSG__CT_PUBLISH_EVERY - x->ct_left;
    x->ct_left = VMSG__CT_PUBLISH_EVERY;
    run_end(x); /* the thread may read it from now on */
    x->look |= VMSG__LOOK_CT;
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

bool vmsg__ct_failing(const struct vmsg__rp *x)
{
    const struct vmsg__ct *a = x->ct;
    return a->stalls >= 4 && (uint64_t)a->stalls * STALL_FRAMES > a->handed;
}

/* The next entry, once there is room. */
static struct vmsg__ct_ent *entry(struct vmsg__ct *a)
{
    if (a->tail_own - a->head_seen >= CHK_N) {
        if (!room(a))
            wait_for(a, room);
        a->head_seen = atomic_load_explicit(&a->chk_head, memory_order_acquire);
    }
    return &a->ents[a->tail_own & (CHK_N - 1)];
}

void vmsg__ct_publish(struct vmsg__rp *x)
{
    publish(x->ct);
}

/* A frame handed over in a new entry (run: a run, which may grow), the
 * last run ended (run_end) before. */
static void handed(struct vmsg__rp *x, struct vmsg__ct_ent *run)
{
    x->ct->tail_own++;
    x->ct_run = run;
    if (--x->ct_left == 0)
        publish(x->ct);
}

void vmsg__ct_check_slot(struct vmsg__rp *x, const struct vmsg__slot *s, uint64_t i, unsigned dir)
{
    run_end(x);
    struct vmsg__ct_ent *e = entry(x->ct);
    e->seq = (uint32_t)i;
    e->frame = (uint32_t)s->frame;
    e->group = s->group;
    e->dirs = dir & 1u;
    e->n = 1;
    x->ct_bit = 2;
    x->ct_next_seq = e->seq + 1;
    x->ct_next_frame = e->frame + 1;
    handed(x, e);
}

void vmsg__ct_check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, const uint8_t *f,
                    size_t len)
{
    struct vmsg__ct *a = x->ct;
    run_end(x);
    struct vmsg__ct_ent *e = entry(a);
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
    c->bus = x->bus;
    e->group = group;
    e->dir = (uint8_t)dir;
    e->n = 0;
    handed(x, NULL);
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

/* After the thread stopped: a record it could not find ends the run. */
static void torn(struct vmsg__rp *x, struct vmsg__ct *a)
{
    uint64_t t = atomic_load_explicit(&a->torn, memory_order_relaxed);
    if (t && x->status < 3) {
        snprintf(x->st->error, sizeof x->st->error,
                 "%s: frame %llu: internal error: the checker's thread could not read the record (%s)", x->capture,
                 (unsigned long long)(t - 1), a->rd_error);
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
    if (a->recs)
        for (uint64_t i = 0; i <= a->rmask; i++)
            free(a->recs[i].heap);
    if (a->rd)
        vmsg_cap_reader_close(a->rd);
    free(a->recs);
    free(a->copies);
    free(a->ents);
    free(a->pend);
    free(a);
}

/* The capture can be read a second time: a regular file (not stdin, a
 * pipe or a device). */
static bool rereadable(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

bool vmsg__ct_start(struct vmsg__rp *x)
{
    if (!rereadable(x->capture))
        return false;
    struct vmsg__ct *a = aligned_alloc(_Alignof(struct vmsg__ct), sizeof *a); /* a multiple of it */
    if (!a)
        return false;
    memset(a, 0, sizeof *a);
    a->x = x;
    a->cur_group = VMSG__NO_GROUP;
    a->chk = x->chk;
    a->instance = x->o->instance;
    a->rmask = 2 * (x->mask + 1) - 1; /* twice the window's ring */
    char err[200];
    a->rd = vmsg_cap_reader_open(x->capture, 0, err, sizeof err);
    a->ents = calloc(CHK_N, sizeof *a->ents);
    a->copies = calloc(CHK_N, sizeof *a->copies);
    a->recs = calloc(a->rmask + 1, sizeof *a->recs);
    if (!a->rd || !a->ents || !a->copies || !a->recs || pthread_mutex_init(&a->mu, NULL) != 0) {
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
    x->ct_left = VMSG__CT_PUBLISH_EVERY;
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
