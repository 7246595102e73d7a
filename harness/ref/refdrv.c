/* refdrv: a conforming virtio-msg v1 driver running a fixed script.
 *
 * Script (one block per initialization; the last blocks after a reset):
 *   [GET_DEVICES] GET_DEVICE_INFO, status 0, ACKNOWLEDGE, DRIVER,
 *   GET_DEVICE_FEATURES, SET_DRIVER_FEATURES (offered & wanted), FEATURES_OK
 *   (checked: FAILED and stop when refused), config read (GET_CONFIG chunks),
 *   per queue GET_VQUEUE + SET_VQUEUE, DRIVER_OK, GET_DEVICE_STATUS, I/O
 *   rounds (EVENT_AVAIL, wait for EVENT_USED), runtime SET_CONFIG with the
 *   latest generation (re-read with GET_CONFIG and retry after a rejection),
 *   GET_CONFIG verify, queue 0 reprogrammed (RESET_VQUEUE first, only with
 *   RING_RESET), one more I/O round; then status 0 and the next block.
 * One request is outstanding at a time; a missing answer is a failure after
 * timeout_ms. EVENT_CONFIG updates the generation and the config view
 * (GET_CONFIG when it carries no data); DEVICE_NEEDS_RESET restarts the
 * current block after status 0; EVENT_DEVICE REMOVED for our device stops
 * all work (result: failed, "device removed"). The harness test hook's
 * ADD_BUFFER (vmsg/hook.h) puts one more buffer on a queue in use and sends
 * EVENT_AVAIL for it, outside the script.
 *
 * Scripts (vmsg_refdrv_opts.script, see vmsg/ref.h) add choices v1 allows:
 * read-backs and status diagnosis (verify), queues added after DRIVER_OK
 * (late-queues), all 8 feature blocks (features-all), a second write with
 * the GET_CONFIG/EVENT_CONFIG generation (write-twice), a config poll after
 * each I/O round (poll-config). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/hook.h>

#include "ref_internal.h"

enum step {
    ST_GET_DEVICES, ST_INFO, ST_RESET, ST_ACK, ST_DRIVER, ST_GET_FEAT, ST_SET_FEAT, ST_FEAT_OK, ST_READ_CONFIG,
    ST_QUEUES, ST_DRIVER_OK, ST_GET_STATUS, ST_IO, ST_IO_NOWAIT, ST_SET_CONFIG, ST_VERIFY, ST_REPROGRAM, ST_END,
    ST_LATE_QUEUES, ST_SET_CONFIG2
};

#define ARG_REFRESH 0xffffffffu /* want_arg of a GET_CONFIG refresh / the GET_VQUEUE probe fault */
#define ARG_DIAG 0xfffffffeu    /* want_arg of a diagnosing GET_DEVICE_STATUS */

static const char *const script_names[VMSG_REFDRV_SCRIPT__COUNT] = {
    "default", "verify", "late-queues", "features-all", "write-twice", "poll-config"};

const char *vmsg_refdrv_script_name(unsigned script)
{
    return script < VMSG_REFDRV_SCRIPT__COUNT ? script_names[script] : NULL;
}

int vmsg_refdrv_script_by_name(const char *name)
{
    for (int i = 0; i < VMSG_REFDRV_SCRIPT__COUNT; i++)
        if (!strcmp(name, script_names[i]))
            return i;
    return -1;
}

#define MAX_STEPS 256
#define NQ_MAX 8

struct vmsg_refdrv {
    struct vmsg_refdrv_opts o;
    struct vmsg_fault_set f;
    struct vmsg__tx_faults tx;
    uint8_t steps[MAX_STEPS], block_of[MAX_STEPS];
    unsigned nsteps, pc, block_start[16];
    unsigned sub; /* progress inside a step (queue index, config offset, retries) */
    unsigned sub2;
    /* waiting */
    bool waiting;
    uint8_t want_id;  /* response msg_id, or 0x42 for EVENT_USED */
    uint32_t want_arg;
    uint64_t deadline, now;
    uint16_t token;
    /* device view */
    uint32_t num_feature_bits, config_size, max_vq, generation;
    uint32_t gen_seen; /* from GET_CONFIG and EVENT_CONFIG only (what driver.config-gen.1 names) */
    unsigned nready;   /* queues 0..nready-1 set up */
    uint32_t qset[NQ_MAX]; /* size written by SET_VQUEUE */
    bool diag_due, used_timeout; /* verify: read GET_DEVICE_STATUS next */
    uint32_t offered[VMSG_PERS_FEATURE_WORDS], acked[VMSG_PERS_FEATURE_WORDS];
    uint8_t config[VMSG_PERS_MAX_CONFIG];
    uint32_t qmax[NQ_MAX];
    uint16_t avail_idx[NQ_MAX];
    uint32_t qlive; /* bit q: queue q configured (SET_VQUEUE answered), not reset since */
    unsigned nq;
    uint32_t status;
    bool rejected, needs_reset, refresh, refresh_after_io, removed;
    unsigned io_count;
    int result;
    char why[160];
    uint8_t buf[VMSG__REF_FRAME_MAX];
};

#define F(d, name) ((d)->f.on[VMSG_FAULT_##name])
#define SCRIPT(d, name) ((d)->o.script == VMSG_REFDRV_SCRIPT_##name)

void vmsg_refdrv_opts_default(struct vmsg_refdrv_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->dev_num = 1;
    o->max_msg_size = 264;
    o->io_rounds = 4;
    o->reinit = 1;
    o->timeout_ms = 1000;
}

static void add(struct vmsg_refdrv *d, enum step s, unsigned block)
{
    if (d->nsteps < MAX_STEPS) {
        d->block_of[d->nsteps] = (uint8_t)block;
        d->steps[d->nsteps++] = (uint8_t)s;
    }
}

static void build_block(struct vmsg_refdrv *d, unsigned b)
{
    bool again = b > 0;
    d->block_start[b] = d->nsteps;
    /* verify: a reset first, as drivers do when they probe a device */
    if ((again || SCRIPT(d, VERIFY)) && !F(d, DRV_RESET_NOT_ZERO))
        add(d, ST_RESET, b);
    if (!F(d, DRV_SKIP_GET_DEVICE_INFO) && !F(d, DRV_INFO_AFTER_FEATURES))
        add(d, ST_INFO, b);
    if (!(again && F(d, DRV_RESET_NOT_ZERO)))
        add(d, ST_RESET, b);
    add(d, ST_ACK, b);
    add(d, ST_DRIVER, b);
    if (!F(d, DRV_SKIP_GET_FEATURES))
        add(d, ST_GET_FEAT, b);
    if (F(d, DRV_INFO_AFTER_FEATURES))
        add(d, ST_INFO, b);
    add(d, ST_SET_FEAT, b);
    if (!F(d, DRV_SKIP_FEATURES_OK))
        add(d, ST_FEAT_OK, b);
    add(d, ST_READ_CONFIG, b);
    if (F(d, DRV_DRIVER_OK_BEFORE_VQUEUE))
        add(d, ST_DRIVER_OK, b);
    add(d, ST_QUEUES, b);
    if (F(d, DRV_IO_BEFORE_DRIVER_OK))
        add(d, ST_IO_NOWAIT, b);
    if (!F(d, DRV_DRIVER_OK_BEFORE_VQUEUE))
        add(d, ST_DRIVER_OK, b);
    add(d, ST_GET_STATUS, b);
    for (unsigned i = 0; i < d->o.io_rounds; i++) {
        add(d, ST_IO, b);
        if (SCRIPT(d, POLL_CONFIG))
            add(d, ST_VERIFY, b);
    }
    if (SCRIPT(d, LATE_QUEUES)) {
        add(d, ST_LATE_QUEUES, b);
        add(d, ST_IO, b);
        add(d, ST_IO, b);
    }
    add(d, ST_SET_CONFIG, b);
    if (SCRIPT(d, WRITE_TWICE))
        add(d, ST_SET_CONFIG2, b);
    add(d, ST_VERIFY, b);
    add(d, ST_REPROGRAM, b);
    add(d, ST_IO, b);
}

static void fail(struct vmsg_refdrv *d, const char *why)
{
    if (d->result == 0) {
        d->result = -1;
        snprintf(d->why, sizeof d->why, "%s", why);
    }
}

static bool has(const uint32_t *w, unsigned bit) { return vmsg__bit(w, VMSG_PERS_FEATURE_WORDS, bit); }

static uint64_t ring_base(uint32_t q) { return 0x10000000ull + (uint64_t)q * 0x10000; }

static bool start(struct vmsg_refdrv *d, struct vmsg_msg *m, unsigned mname, unsigned cls, unsigned kind)
{
    if (!vmsg_msg_init(m, d->o.profile, 0, mname, cls, kind, cls == VMSG_CLASS_BUS ? 0 : d->o.dev_num))
        return false;
    m->token = ++d->token;
    return true;
}

/* Send; for requests, wait for the response with the same id. */
static void send(struct vmsg_refdrv *d, struct vmsg_msg *m, vmsg_emit_fn emit, void *ctx)
{
    size_t len = vmsg__ref_encode(m, &d->tx, d->buf, sizeof d->buf);
    if (len == 0 || (vmsg_encoded_len(m) > d->o.max_msg_size && !F(d, DRV_OVERSIZE))) {
        fail(d, "message does not fit the bus maximum");
        return;
    }
    emit(ctx, d->buf, len);
    if (m->kind == VMSG_KIND_REQUEST) {
        d->waiting = true;
        d->want_id = m->msg_id;
        d->deadline = d->now + d->o.timeout_ms;
    }
}

static void set_status(struct vmsg_refdrv *d, uint32_t v, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg m;
    if (!start(d, &m, VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
        return;
    d->want_arg = v;
    if (F(d, DRV_BIG_ENDIAN))
        v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    vmsg_set(&m, VMSG_FLD_STATUS, v);
    send(d, &m, emit, ctx);
}

static uint32_t chunk(const struct vmsg_refdrv *d)
{
    uint32_t hdr = vmsg_profile(d->o.profile)->header + 12;
    return d->o.max_msg_size > hdr ? d->o.max_msg_size - hdr : 0;
}

static void get_config(struct vmsg_refdrv *d, uint32_t off, uint32_t len, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg m;
    if (!start(d, &m, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
        return;
    vmsg_set(&m, VMSG_FLD_OFFSET, off);
    vmsg_set(&m, VMSG_FLD_LENGTH, len);
    d->want_arg = off;
    send(d, &m, emit, ctx);
}

/* Next config chunk to read from sub; false when the whole config was read. */
static bool read_config_next(struct vmsg_refdrv *d, vmsg_emit_fn emit, void *ctx)
{
    if (d->sub >= d->config_size)
        return false;
    uint32_t len = d->config_size - d->sub;
    if (len > chunk(d))
        len = chunk(d);
    if (F(d, DRV_GET_CONFIG_OUT_OF_BOUNDS) && d->sub + len == d->config_size)
        len += 4;
    get_config(d, d->sub, len, emit, ctx);
    return true;
}

static void event_avail(struct vmsg_refdrv *d, uint32_t q, bool wait, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg m;
    if (F(d, DRV_NO_EVENT_AVAIL))
        return;
    if (!start(d, &m, VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT))
        return;
    if (F(d, DRV_WRONG_DEV_NUM))
        m.dev_num++;
    uint16_t idx = ++d->avail_idx[q % NQ_MAX]; /* one more buffer on the ring */
    bool nd = has(d->acked, VMSG_FEATURE_NOTIFICATION_DATA);
    uint32_t next = nd ? idx : 0;
    if (F(d, DRV_NEXT_OFFSET_WITHOUT_NOTIFICATION_DATA) && !nd)
        next = idx;
    if (F(d, DRV_NO_NEXT_OFFSET_WITH_NOTIFICATION_DATA))
        next = 0;
    vmsg_set(&m, VMSG_FLD_INDEX, q);
    vmsg_set(&m, VMSG_FLD_NEXT_OFFSET, next);
    send(d, &m, emit, ctx);
    if (wait) {
        d->waiting = true;
        d->want_id = 0x42;
        d->want_arg = q;
        d->deadline = d->now + d->o.timeout_ms;
    }
}

static void queue_step(struct vmsg_refdrv *d, vmsg_emit_fn emit, void *ctx)
{
    /* sub = queue index, sub2 = 0 get, 1 set */
    struct vmsg_msg m;
    uint32_t q = d->sub;
    if (d->sub2 == 2) { /* read back what SET_VQUEUE programmed */
        if (!start(d, &m, VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        vmsg_set(&m, VMSG_FLD_INDEX, q);
        d->want_arg = q;
        send(d, &m, emit, ctx);
        return;
    }
    if (d->sub2 == 0 && !F(d, DRV_SKIP_GET_VQUEUE)) {
        if (!start(d, &m, VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        vmsg_set(&m, VMSG_FLD_INDEX, q);
        d->want_arg = q;
        send(d, &m, emit, ctx);
        return;
    }
    if (F(d, DRV_SKIP_GET_VQUEUE))
        d->qmax[q] = 256;
    if (!start(d, &m, VMSG_M_SET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
        return;
    uint64_t base = ring_base(q);
    if (F(d, DRV_ZERO_ADDRESSES))
        base = 0;
    vmsg_set(&m, VMSG_FLD_INDEX, q);
    vmsg_set(&m, VMSG_FLD_RESERVED0, F(d, DRV_RESERVED_FIELD_NONZERO) ? 1 : 0);
    if (q < NQ_MAX)
        d->qset[q] = F(d, DRV_SIZE_ABOVE_MAX) ? 2 * d->qmax[q] : d->qmax[q];
    vmsg_set(&m, VMSG_FLD_SIZE, F(d, DRV_SIZE_ABOVE_MAX) ? 2 * d->qmax[q] : d->qmax[q]);
    vmsg_set(&m, VMSG_FLD_DESC_ADDR, base);
    vmsg_set(&m, VMSG_FLD_DRIVER_ADDR, base ? base + 0x4000 : 0);
    vmsg_set(&m, VMSG_FLD_DEVICE_ADDR, base ? base + 0x8000 : 0);
    d->want_arg = q;
    send(d, &m, emit, ctx);
}

static void next_step(struct vmsg_refdrv *d)
{
    d->pc++;
    d->sub = d->sub2 = 0;
}

/* A GET_VQUEUE answer shows the queue as SET_VQUEUE programmed it. */
static bool readback_ok(const struct vmsg_refdrv *d, const struct vmsg_msg *m, uint32_t q)
{
    uint64_t base = ring_base(q);
    return q < NQ_MAX && vmsg_get(m, VMSG_FLD_SIZE) == d->qset[q] && vmsg_get(m, VMSG_FLD_DESC_ADDR) == base &&
           vmsg_get(m, VMSG_FLD_DRIVER_ADDR) == base + 0x4000 && vmsg_get(m, VMSG_FLD_DEVICE_ADDR) == base + 0x8000;
}

/* Queues a queue step sets up: all at init, or 0 at init and the rest late. */
static void queue_range(const struct vmsg_refdrv *d, enum step st, unsigned *from, unsigned *to)
{
    bool late = SCRIPT(d, LATE_QUEUES);
    *from = st == ST_LATE_QUEUES ? 1 : 0;
    *to = st == ST_LATE_QUEUES || !late ? d->nq : d->nq < 1 ? d->nq : 1;
}

/* Issue the current step's next message (called when nothing is outstanding). */
static void run_step(struct vmsg_refdrv *d, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg m;
    if (d->diag_due) {
        /* verify: read the status to see what went wrong */
        d->diag_due = false;
        if (start(d, &m, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST)) {
            send(d, &m, emit, ctx);
            d->want_arg = ARG_DIAG;
        }
        return;
    }
    if (d->needs_reset) {
        /* DEVICE_NEEDS_RESET: status 0, then the current block again */
        d->needs_reset = false;
        d->pc = d->block_start[d->block_of[d->pc]];
        d->sub = d->sub2 = 0;
        set_status(d, 0, emit, ctx);
        d->want_id = 0xff; /* answer ignored: the block restarts with its own reset */
        d->waiting = true;
        d->want_id = 0x08;
        d->sub2 = 99; /* marks the recovery reset */
        return;
    }
    if (d->refresh && !d->refresh_after_io) {
        d->refresh = false;
        get_config(d, 0, d->config_size < chunk(d) ? d->config_size : chunk(d), emit, ctx);
        d->want_arg = ARG_REFRESH; /* a refresh, not a step */
        return;
    }
    switch ((enum step)d->steps[d->pc]) {
    case ST_GET_DEVICES:
        if (!start(d, &m, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_REQUEST))
            return;
        vmsg_set(&m, VMSG_FLD_OFFSET, d->sub);
        vmsg_set(&m, VMSG_FLD_COUNT, 64);
        send(d, &m, emit, ctx);
        break;
    case ST_INFO:
        if (start(d, &m, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            send(d, &m, emit, ctx);
        break;
    case ST_RESET: set_status(d, 0, emit, ctx); break;
    case ST_ACK: set_status(d, VMSG_STATUS_ACKNOWLEDGE, emit, ctx); break;
    case ST_DRIVER: set_status(d, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER, emit, ctx); break;
    case ST_GET_FEAT:
        if (!start(d, &m, VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        vmsg_set(&m, VMSG_FLD_BLOCK_INDEX, d->sub); /* features-all: blocks 0, 2, 4, 6 */
        vmsg_set(&m, VMSG_FLD_NUM_BLOCKS, 2);
        send(d, &m, emit, ctx);
        d->want_arg = d->sub;
        break;
    case ST_SET_FEAT: {
        uint8_t w[8];
        memset(d->acked, 0, sizeof d->acked);
        static const unsigned want[] = {VMSG_FEATURE_VERSION_1, VMSG_FEATURE_RING_RESET,
                                        VMSG_FEATURE_NOTIFICATION_DATA};
        for (unsigned i = 0; i < 3; i++)
            if (has(d->offered, want[i]) || F(d, DRV_SKIP_GET_FEATURES))
                d->acked[want[i] / 32] |= 1u << (want[i] % 32);
        if (F(d, DRV_SET_UNOFFERED_FEATURES))
            d->acked[1] |= 0x80000000u;
        vmsg_put_le(w, d->acked[0], 4);
        vmsg_put_le(w + 4, d->acked[1], 4);
        if (!start(d, &m, VMSG_M_SET_DRIVER_FEATURES, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        vmsg_set(&m, VMSG_FLD_BLOCK_INDEX, 0);
        vmsg_set(&m, VMSG_FLD_NUM_BLOCKS, 2);
        vmsg_set_bytes(&m, VMSG_FLD_FEATURES, w, 8);
        send(d, &m, emit, ctx);
        break;
    }
    case ST_FEAT_OK:
        set_status(d, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK, emit, ctx);
        break;
    case ST_READ_CONFIG:
        if (!read_config_next(d, emit, ctx))
            next_step(d);
        break;
    case ST_QUEUES:
    case ST_LATE_QUEUES: {
        unsigned from, to;
        queue_range(d, d->steps[d->pc], &from, &to);
        if (d->steps[d->pc] == ST_QUEUES && d->sub == 0 && d->sub2 == 0)
            d->nready = 0;
        if (d->sub < from)
            d->sub = from;
        if (d->sub >= to) {
            if (d->steps[d->pc] == ST_QUEUES && F(d, DRV_IGNORE_DEVICE_INFO) && d->sub == to && d->sub2 == 0) {
                if (!start(d, &m, VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
                    return;
                vmsg_set(&m, VMSG_FLD_INDEX, d->max_vq);
                d->want_arg = ARG_REFRESH;
                d->sub2 = 3;
                send(d, &m, emit, ctx);
                return;
            }
            next_step(d);
            return;
        }
        queue_step(d, emit, ctx);
        break;
    }
    case ST_DRIVER_OK:
        set_status(d, d->status | VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_DRIVER_OK, emit, ctx);
        if (F(d, DRV_IO_BEFORE_DRIVER_OK_REPLY))
            event_avail(d, 0, false, emit, ctx), d->waiting = true;
        break;
    case ST_GET_STATUS:
        if (start(d, &m, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            send(d, &m, emit, ctx);
        break;
    case ST_IO:
    case ST_IO_NOWAIT: {
        bool wait = d->steps[d->pc] == ST_IO && !F(d, DRV_NO_EVENT_AVAIL);
        unsigned nq = d->nready ? d->nready : d->nq;
        uint32_t q = nq ? d->io_count % nq : 0;
        if (F(d, DRV_AVAIL_UNCONFIGURED_QUEUE) && d->io_count == 0)
            q = d->nq, wait = false;
        if (F(d, DRV_WRONG_DEV_NUM))
            wait = false;
        d->io_count++;
        event_avail(d, q, wait, emit, ctx);
        if (!d->waiting)
            next_step(d);
        if (d->refresh_after_io) {
            d->refresh_after_io = false;
            d->refresh = true;
        }
        break;
    }
    case ST_SET_CONFIG: {
        if (d->config_size == 0) {
            next_step(d);
            return;
        }
        if (!start(d, &m, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        uint32_t off = F(d, DRV_SET_CONFIG_OUT_OF_BOUNDS) ? d->config_size : 0;
        uint32_t len = F(d, DRV_OVERSIZE) ? d->config_size : 1;
        static uint8_t data[VMSG_PERS_MAX_CONFIG];
        for (uint32_t i = 0; i < len; i++)
            data[i] = (uint8_t)~d->config[(off + i) % VMSG_PERS_MAX_CONFIG];
        uint32_t gen = d->generation;
        if (F(d, DRV_STALE_GENERATION))
            gen--;
        if (F(d, DRV_GENERATION_ZERO))
            gen = 0;
        vmsg_set(&m, VMSG_FLD_GENERATION, gen);
        vmsg_set(&m, VMSG_FLD_OFFSET, off);
        vmsg_set(&m, VMSG_FLD_LENGTH, len);
        vmsg_set_bytes(&m, VMSG_FLD_DATA, data, len);
        send(d, &m, emit, ctx);
        break;
    }
    case ST_SET_CONFIG2: {
        /* write-twice: the generation of the last GET_CONFIG/EVENT_CONFIG first, then after a re-read */
        if (d->config_size == 0) {
            next_step(d);
            return;
        }
        if (!start(d, &m, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
            return;
        uint8_t v = (uint8_t)(d->config[0] + 1);
        vmsg_set(&m, VMSG_FLD_GENERATION, d->sub == 0 ? d->gen_seen : d->generation);
        vmsg_set(&m, VMSG_FLD_OFFSET, 0);
        vmsg_set(&m, VMSG_FLD_LENGTH, 1);
        vmsg_set_bytes(&m, VMSG_FLD_DATA, &v, 1);
        send(d, &m, emit, ctx);
        break;
    }
    case ST_VERIFY:
        if (d->config_size == 0) {
            next_step(d);
            return;
        }
        get_config(d, 0, d->config_size < chunk(d) ? d->config_size : chunk(d), emit, ctx);
        break;
    case ST_REPROGRAM: {
        bool rr = has(d->acked, VMSG_FEATURE_RING_RESET);
        if (d->sub2 == 0 && (rr || F(d, DRV_RESET_VQUEUE_WITHOUT_RING_RESET)) && !F(d, DRV_SKIP_RESET_VQUEUE)) {
            if (!start(d, &m, VMSG_M_RESET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST))
                return;
            vmsg_set(&m, VMSG_FLD_INDEX, 0);
            send(d, &m, emit, ctx);
            return;
        }
        if (!rr && !F(d, DRV_RESET_VQUEUE_WITHOUT_RING_RESET) && !F(d, DRV_SKIP_RESET_VQUEUE)) {
            next_step(d); /* without RING_RESET a queue is only reprogrammed after a device reset */
            return;
        }
        if (d->sub2 == 0)
            d->sub2 = 1; /* skipped the reset (fault) */
        /* sub2 1: GET_VQUEUE, 2: SET_VQUEUE, 3: read back (verify), then done */
        if (d->sub2 >= (SCRIPT(d, VERIFY) ? 4u : 3u)) {
            next_step(d);
            return;
        }
        unsigned saved = d->sub2;
        d->sub = 0;
        d->sub2 = saved - 1;
        queue_step(d, emit, ctx);
        d->sub2 = saved;
        if (saved == 2 && F(d, DRV_IO_BEFORE_VQUEUE_REPLY))
            event_avail(d, 0, false, emit, ctx); /* the SET_VQUEUE just sent is not answered yet */
        break;
    }
    case ST_END:
        if (d->result == 0) {
            d->result = 1;
            snprintf(d->why, sizeof d->why, "ok");
        }
        break;
    }
}

static void on_response(struct vmsg_refdrv *d, const struct vmsg_msg *m)
{
    if (m->msg_id != d->want_id)
        return; /* not what we wait for: ignored */
    d->waiting = false;
    if (d->sub2 == 99 && m->def->mname == VMSG_M_SET_DEVICE_STATUS) {
        d->sub2 = 0; /* recovery reset done; the block restarts */
        d->status = 0;
        d->qlive = 0;
        return;
    }
    if (d->want_arg == ARG_DIAG && m->def->mname == VMSG_M_GET_DEVICE_STATUS) {
        /* verify: the status read to diagnose */
        uint32_t st = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        if (d->used_timeout) {
            d->used_timeout = false;
            if (st & VMSG_STATUS_DEVICE_NEEDS_RESET)
                d->needs_reset = true;
            else
                fail(d, "timeout waiting for EVENT_USED");
        }
        return;
    }
    if (d->want_arg == ARG_REFRESH && m->def->mname == VMSG_M_GET_CONFIG) {
        /* a refresh after EVENT_CONFIG */
        uint32_t n = 0;
        const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &n);
        d->generation = d->gen_seen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        if (p && n <= d->config_size)
            memcpy(d->config, p, n);
        return;
    }
    switch ((enum step)d->steps[d->pc]) {
    case ST_GET_DEVICES: {
        uint32_t n = 0, off = (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET);
        const uint8_t *bm = vmsg_get_bytes(m, VMSG_FLD_BITMAP, &n);
        for (uint32_t i = 0; bm && i < n * 8; i++)
            if ((bm[i / 8] >> (i % 8)) & 1 && off + i == d->o.dev_num)
                d->sub2 = 1; /* found */
        uint32_t next = (uint32_t)vmsg_get(m, VMSG_FLD_NEXT_OFFSET);
        if (d->sub2 || next == 0 || next <= off) {
            if (!d->sub2)
                fail(d, "device not listed by GET_DEVICES");
            next_step(d);
        } else {
            d->sub = next;
        }
        break;
    }
    case ST_INFO:
        d->num_feature_bits = (uint32_t)vmsg_get(m, VMSG_FLD_NUM_FEATURE_BITS);
        d->config_size = (uint32_t)vmsg_get(m, VMSG_FLD_CONFIG_SIZE);
        d->max_vq = (uint32_t)vmsg_get(m, VMSG_FLD_MAX_VIRTQUEUES);
        if (d->config_size > VMSG_PERS_MAX_CONFIG)
            d->config_size = VMSG_PERS_MAX_CONFIG;
        d->nq = d->max_vq < NQ_MAX ? d->max_vq : NQ_MAX;
        next_step(d);
        break;
    case ST_RESET:
    case ST_ACK:
    case ST_DRIVER:
        d->status = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        if (d->steps[d->pc] == ST_RESET)
            d->qlive = 0;
        next_step(d);
        break;
    case ST_GET_FEAT:
        /* blocks counted from the requested index (driver.get-features.1) */
        for (uint32_t k = 0; k < 2 && d->want_arg + k < VMSG_PERS_FEATURE_WORDS; k++)
            d->offered[d->want_arg + k] = vmsg_get_word(m, VMSG_FLD_FEATURES, k);
        if (SCRIPT(d, FEATURES_ALL) && d->sub + 2 < VMSG_PERS_FEATURE_WORDS)
            d->sub += 2;
        else
            next_step(d);
        break;
    case ST_SET_FEAT: next_step(d); break;
    case ST_FEAT_OK:
        d->status = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        if (!(d->status & VMSG_STATUS_FEATURES_OK) && !F(d, DRV_IGNORE_FEATURES_OK_REFUSAL)) {
            fail(d, "device refused the feature set (FEATURES_OK cleared)");
            d->pc = d->nsteps - 1; /* FAILED is written from poll */
            d->sub2 = 98;
            return;
        }
        next_step(d);
        break;
    case ST_READ_CONFIG: {
        uint32_t n = 0;
        const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &n);
        d->generation = d->gen_seen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        if (p && d->sub + n <= d->config_size)
            memcpy(d->config + d->sub, p, n);
        d->sub += n ? n : chunk(d);
        break;
    }
    case ST_QUEUES:
    case ST_LATE_QUEUES:
    case ST_REPROGRAM: {
        bool reprogram = d->steps[d->pc] == ST_REPROGRAM;
        if (m->def->mname == VMSG_M_RESET_VQUEUE) {
            d->sub2 = 1;
            d->qlive &= ~1u; /* queue 0 is the one reprogrammed */
        } else if (m->def->mname == VMSG_M_GET_VQUEUE && d->want_arg == ARG_REFRESH) {
            d->sub++; /* the probe past max_virtqueues (fault) */
        } else if (m->def->mname == VMSG_M_GET_VQUEUE && (reprogram ? d->sub2 == 3 : d->sub2 == 2)) {
            uint32_t q = (uint32_t)d->want_arg;
            if (!readback_ok(d, m, q))
                fail(d, "GET_VQUEUE read-back differs from what SET_VQUEUE programmed");
            if (reprogram) {
                d->sub2 = 4;
            } else {
                d->sub++;
                d->sub2 = 0;
            }
        } else if (m->def->mname == VMSG_M_GET_VQUEUE) {
            uint32_t q = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
            if (q < NQ_MAX)
                d->qmax[q] = (uint32_t)vmsg_get(m, VMSG_FLD_MAX_SIZE);
            if (q < NQ_MAX && (d->qmax[q] == 0 || vmsg_get(m, VMSG_FLD_SIZE) != 0) &&
                !(d->steps[d->pc] == ST_REPROGRAM && F(d, DRV_SKIP_RESET_VQUEUE)))
                fail(d, "GET_VQUEUE: queue unavailable or already active");
            if (reprogram)
                d->sub2 = 2;
            else
                d->sub2 = 1;
        } else if (m->def->mname == VMSG_M_SET_VQUEUE) {
            uint32_t q = (uint32_t)d->want_arg;
            if (!reprogram && q + 1 > d->nready)
                d->nready = q + 1;
            if (q < NQ_MAX)
                d->qlive |= 1u << q;
            if (reprogram)
                d->sub2 = 3;
            else if (SCRIPT(d, VERIFY) || d->steps[d->pc] == ST_LATE_QUEUES)
                d->sub2 = 2; /* read it back */
            else {
                d->sub++;
                d->sub2 = 0;
            }
        }
        break;
    }
    case ST_DRIVER_OK:
        d->status = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        if (!(d->status & VMSG_STATUS_DRIVER_OK))
            fail(d, "device did not accept DRIVER_OK");
        next_step(d);
        break;
    case ST_GET_STATUS:
        if ((uint32_t)vmsg_get(m, VMSG_FLD_STATUS) != d->status)
            fail(d, "GET_DEVICE_STATUS differs from the status written");
        next_step(d);
        break;
    case ST_SET_CONFIG:
    case ST_SET_CONFIG2:
        d->generation = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        if (vmsg_get(m, VMSG_FLD_LENGTH) == 0) {
            /* rejected: re-read (refresh) then retry, at most 3 times */
            if (++d->sub > 3) {
                fail(d, "SET_CONFIG rejected three times");
                next_step(d);
            } else if (!F(d, DRV_NO_REREAD_AFTER_REJECT)) {
                d->refresh = true;
            }
            break;
        }
        next_step(d);
        break;
    case ST_VERIFY: {
        uint32_t n = 0;
        const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &n);
        d->generation = d->gen_seen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        if (p && n <= d->config_size)
            memcpy(d->config, p, n);
        next_step(d);
        break;
    }
    default: break;
    }
}

static void on_event(struct vmsg_refdrv *d, const struct vmsg_msg *m)
{
    if (m->cls == VMSG_CLASS_BUS) {
        if (m->def->mname == VMSG_M_EVENT_DEVICE && vmsg_get(m, VMSG_FLD_DEVICE_NUMBER) == d->o.dev_num &&
            vmsg_get(m, VMSG_FLD_BUS_STATE) == VMSG_BUS_STATE_REMOVED && !F(d, DRV_KEEP_QUEUEING_AFTER_REMOVED)) {
            d->removed = true;
            fail(d, "device removed");
        }
        return;
    }
    if (m->dev_num != d->o.dev_num)
        return;
    if (m->def->mname == VMSG_M_EVENT_USED) {
        /* reclaim: our model has no ring memory; the wait ends */
        if (d->waiting && d->want_id == 0x42 && vmsg_get(m, VMSG_FLD_INDEX) == d->want_arg) {
            d->waiting = false;
            next_step(d);
        }
        return;
    }
    if (m->def->mname != VMSG_M_EVENT_CONFIG)
        return;
    uint32_t st = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
    d->generation = d->gen_seen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
    if ((st & VMSG_STATUS_DEVICE_NEEDS_RESET) && !F(d, DRV_NO_RESET_ON_NEEDS_RESET)) {
        if (!d->needs_reset && SCRIPT(d, VERIFY))
            d->diag_due = true; /* read the status before resetting */
        d->needs_reset = true;
        if (d->waiting && d->want_id == 0x42)
            d->waiting = false; /* the device will not complete it */
        return;
    }
    uint32_t off = (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET), n = 0;
    const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &n);
    if (n && p && off <= d->config_size && n <= d->config_size - off)
        memcpy(d->config + off, p, n);
    else if (n == 0 && !F(d, DRV_NO_REFRESH_ON_EVENT_CONFIG)) {
        if (F(d, DRV_IO_BEFORE_REFRESH))
            d->refresh_after_io = true;
        else
            d->refresh = true;
    }
}

/* The harness test hook (vmsg/hook.h), action ADD_BUFFER: one more buffer on
 * a queue in use, announced like the script's own. Other actions: result 1. */
static void answer_hook(struct vmsg_refdrv *d, const struct vmsg_msg *m, const struct vmsg_hook *h,
                        vmsg_emit_fn emit, void *ctx)
{
    uint32_t q = h->arg0, result = VMSG_HOOK_DONE;
    bool live = (d->status & VMSG_STATUS_DRIVER_OK) && q < d->nq && q < NQ_MAX && (d->qlive >> q) & 1;
    if (h->action != VMSG_HOOK_ADD_BUFFER)
        result = VMSG_HOOK_UNSUPPORTED;
    else if (!live || d->needs_reset || d->removed || d->result != 0)
        result = VMSG_HOOK_NOT_NOW;
    struct vmsg_hook r = {h->action, 0, 0, result};
    uint8_t out[64];
    size_t n = vmsg_hook_encode(d->o.profile, true, d->o.dev_num, m->token, &r, out, sizeof out);
    if (n)
        emit(ctx, out, n);
    if (result == VMSG_HOOK_DONE)
        event_avail(d, q, false, emit, ctx);
}

static void drv_receive(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_refdrv *d = self;
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(d->o.profile, 0, f, len, &m, NULL);
    struct vmsg_hook hook;
    if (oc != VMSG_TRUNCATED && oc != VMSG_MALFORMED && m.kind == VMSG_KIND_REQUEST && m.dev_num == d->o.dev_num &&
        vmsg_hook_parse(&m, &hook)) {
        answer_hook(d, &m, &hook, emit, ctx);
        return;
    }
    if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED || !m.def || m.impl_defined)
        return; /* never act on what we do not understand */
    if (m.kind == VMSG_KIND_EVENT)
        on_event(d, &m);
    else if (m.kind == VMSG_KIND_RESPONSE && d->waiting && (m.cls == VMSG_CLASS_BUS || m.dev_num == d->o.dev_num))
        on_response(d, &m);
}

static int drv_poll(void *self, uint64_t now_ms, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_refdrv *d = self;
    d->now = now_ms;
    if (d->result != 0 && !(d->sub2 == 98))
        return -1;
    if (d->sub2 == 98) {
        /* refused features: give up, telling the device */
        d->sub2 = 0;
        struct vmsg_msg m;
        if (start(d, &m, VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT) ||
            start(d, &m, VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST)) {
            vmsg_set(&m, VMSG_FLD_STATUS, d->status | VMSG_STATUS_FAILED);
            size_t len = vmsg__ref_encode(&m, &d->tx, d->buf, sizeof d->buf);
            if (len)
                emit(ctx, d->buf, len);
        }
        return -1;
    }
    if (d->removed)
        return -1;
    if (d->waiting) {
        if (now_ms > d->deadline && d->want_id == 0x42 && SCRIPT(d, VERIFY) && !d->needs_reset) {
            /* verify: no EVENT_USED; the status tells whether the device needs a reset */
            d->waiting = false;
            d->used_timeout = d->diag_due = true;
            run_step(d, emit, ctx);
            return d->result == 0 ? 1 : -1;
        }
        if (now_ms > d->deadline) {
            char why[96];
            snprintf(why, sizeof why, "timeout waiting for msg_id 0x%02x", d->want_id);
            fail(d, why);
            return -1;
        }
        return 0;
    }
    if (d->pc >= d->nsteps)
        return -1;
    run_step(d, emit, ctx);
    return d->result == 0 ? 1 : -1;
}

static void drv_destroy(void *self) { vmsg_refdrv_free(self); }

static const struct vmsg_endpoint_ops refdrv_ops = {"refdrv", drv_receive, drv_poll, drv_destroy};

struct vmsg_refdrv *vmsg_refdrv_new(const struct vmsg_refdrv_opts *o, const struct vmsg_fault_set *faults)
{
    struct vmsg_refdrv *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->o = *o;
    if (faults)
        d->f = *faults;
    d->tx.reserved_type_bits = F(d, DRV_RESERVED_TYPE_BITS);
    d->tx.wrong_msg_size = F(d, DRV_WRONG_MSG_SIZE);
    d->tx.padding_nonzero = F(d, DRV_PADDING_NONZERO);
    if (o->bus)
        add(d, ST_GET_DEVICES, 0);
    for (unsigned b = 0; b <= o->reinit && b < 16; b++)
        build_block(d, b);
    add(d, ST_END, o->reinit < 16 ? o->reinit : 15);
    d->nq = 2; /* until GET_DEVICE_INFO says otherwise */
    return d;
}

struct vmsg_endpoint vmsg_refdrv_endpoint(struct vmsg_refdrv *d)
{
    struct vmsg_endpoint e = {&refdrv_ops, d};
    return e;
}

void vmsg_refdrv_free(struct vmsg_refdrv *d) { free(d); }

int vmsg_refdrv_result(const struct vmsg_refdrv *d, const char **why)
{
    if (why)
        *why = d->result ? d->why : "running";
    return d->result;
}
