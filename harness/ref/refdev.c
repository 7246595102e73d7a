/* refdev: a conforming virtio-msg v1 device driven by a personality.
 *
 * Model (where the spec leaves choices, see README.md):
 * - every request is answered at any status; GET_DEVICE_INFO also at status 0;
 * - a request that cannot be served (config range past config_size, reply
 *   larger than the bus maximum, unknown queue for RESET_VQUEUE, RESET_VQUEUE
 *   without RING_RESET negotiated) is discarded without traffic: v1 has no
 *   error message;
 * - SET_VQUEUE with a size of 0 or above the maximum is answered but leaves
 *   the queue unconfigured (GET_VQUEUE then reports size 0);
 * - an accepted SET_CONFIG bumps the generation and returns the new one; no
 *   EVENT_CONFIG for the driver's own write;
 * - the device cannot see ring memory: EVENT_AVAIL means "buffers are
 *   available" and is answered with EVENT_USED once DRIVER_OK is set and the
 *   queue configured;
 * - a reset (status 0) clears status, acknowledged features and queues; the
 *   config contents and the generation stay. */
#include <stdlib.h>
#include <string.h>

#include <vmsg/hook.h>

#include "ref_internal.h"

struct vq {
    uint32_t size;
    uint64_t desc, drv, dev;
    bool broken; /* DEV_RESET_VQUEUE_NO_RECONFIG */
};

struct devstate {
    uint16_t dev_num;
    uint32_t status;
    uint32_t acked[VMSG_PERS_FEATURE_WORDS];
    uint32_t generation;
    uint8_t config[VMSG_PERS_MAX_CONFIG];
    struct vq q[VMSG_PERS_MAX_QUEUES];
};

struct vmsg_refdev {
    struct vmsg_personality p;
    struct vmsg_fault_set f;
    struct vmsg__tx_faults tx;
    struct devstate dev[VMSG_PERS_MAX_DEVS];
    bool change_done, needs_reset_done;
    uint8_t buf[VMSG__REF_FRAME_MAX];
};

#define F(d, name) ((d)->f.on[VMSG_FAULT_##name])

static struct devstate *find_dev(struct vmsg_refdev *d, uint16_t dev_num)
{
    for (unsigned i = 0; i < d->p.ndevs; i++)
        if (d->dev[i].dev_num == dev_num)
            return &d->dev[i];
    return NULL;
}

static void send_msg(struct vmsg_refdev *d, struct vmsg_msg *m, vmsg_emit_fn emit, void *ctx)
{
    size_t len = vmsg__ref_encode(m, &d->tx, d->buf, sizeof d->buf);
    if (len == 0)
        return;
    /* Never exceed the bus maximum; the oversize fault is applied (and
     * documented) where the over-large reply is built. */
    if (vmsg_encoded_len(m) > d->p.max_msg_size && !F(d, DEV_OVERSIZE_RESPONSE))
        return;
    emit(ctx, d->buf, len);
}

static bool start_reply(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req,
                        struct vmsg_msg *r)
{
    if (!vmsg_msg_init(r, d->p.profile, 0, req->def->mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE,
                       ds->dev_num))
        return false;
    r->token = req->token; /* echoing is what a bus relying on the token expects; v1 does not demand it */
    if (F(d, DEV_WRONG_DEV_NUM))
        r->dev_num = (uint16_t)(ds->dev_num + 1);
    return true;
}

/* An empty response with the id of whatever arrived: only ever sent by faults
 * (v1 has no error message, and events and malformed messages get nothing). */
static void send_raw_empty(struct vmsg_refdev *d, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    uint8_t type = 0, id = 0;
    uint16_t dn = 0, tok = 0;
    uint8_t out[8] = {0};
    if (!vmsg__hdr_peek(d->p.profile, f, len, &type, &id, &dn, &tok)) {
        if (len < 2)
            return;
        id = f[1];
    }
    out[0] = 0x01;
    out[1] = id;
    vmsg_put_le(out + 2, dn, 2);
    vmsg_put_le(out + 4, tok, 2);
    vmsg_put_le(out + 6, 8, 2);
    emit(ctx, out, sizeof out);
}

static void event_config(struct vmsg_refdev *d, struct devstate *ds, uint32_t off, uint32_t len, bool with_range,
                         vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, d->p.profile, 0, VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT,
                       ds->dev_num))
        return;
    vmsg_set(&m, VMSG_FLD_STATUS, F(d, DEV_EVENT_CONFIG_WRONG_STATUS) ? 0 : ds->status);
    vmsg_set(&m, VMSG_FLD_GENERATION, ds->generation);
    uint32_t hdr = vmsg_profile(d->p.profile)->header + 16;
    uint32_t room = d->p.max_msg_size > hdr ? d->p.max_msg_size - hdr : 0;
    bool data = with_range && d->p.event_config_data && len > 0 && len <= room;
    if (with_range && len > room && F(d, DEV_PARTIAL_EVENT_CONFIG)) {
        len = room;
        data = true;
    }
    vmsg_set(&m, VMSG_FLD_OFFSET, with_range && !F(d, DEV_EVENT_CONFIG_NO_RANGE) ? off : 0);
    vmsg_set(&m, VMSG_FLD_LENGTH, data ? len : 0);
    vmsg_set_bytes(&m, VMSG_FLD_DATA, ds->config + off, data ? len : 0);
    send_msg(d, &m, emit, ctx);
}

void vmsg_refdev_config_change(struct vmsg_refdev *d, uint16_t dev_num, uint32_t offset, uint32_t length,
                               vmsg_emit_fn emit, void *ctx)
{
    struct devstate *ds = dev_num ? find_dev(d, dev_num) : &d->dev[0];
    if (!ds || offset >= d->p.config_size)
        return;
    if (length > d->p.config_size - offset)
        length = d->p.config_size - offset;
    if (!F(d, DEV_NO_GENERATION_BUMP))
        ds->generation++; /* before the change becomes visible */
    for (uint32_t i = 0; i < length; i++)
        ds->config[offset + i] = (uint8_t)(ds->config[offset + i] + 0x11);
    if (!F(d, DEV_NO_EVENT_CONFIG_ON_CHANGE))
        event_config(d, ds, offset, length, true, emit, ctx);
}

void vmsg_refdev_needs_reset(struct vmsg_refdev *d, uint16_t dev_num, vmsg_emit_fn emit, void *ctx)
{
    struct devstate *ds = dev_num ? find_dev(d, dev_num) : &d->dev[0];
    if (!ds || F(d, DEV_NO_NEEDS_RESET))
        return;
    ds->status |= VMSG_STATUS_DEVICE_NEEDS_RESET;
    if (!F(d, DEV_NO_EVENT_CONFIG_ON_STATUS))
        event_config(d, ds, 0, 0, false, emit, ctx);
}

uint32_t vmsg_refdev_generation(const struct vmsg_refdev *d, uint16_t dev_num)
{
    for (unsigned i = 0; i < d->p.ndevs; i++)
        if (d->dev[i].dev_num == dev_num || dev_num == 0)
            return d->dev[i].generation;
    return 0;
}

static bool acked(const struct devstate *ds, unsigned bit)
{
    return vmsg__bit(ds->acked, VMSG_PERS_FEATURE_WORDS, bit);
}

static void reset_queues(struct vmsg_refdev *d, struct devstate *ds)
{
    if (!F(d, DEV_STATUS_RESET_KEEPS_QUEUES))
        memset(ds->q, 0, sizeof ds->q);
}

/* ---- requests ----------------------------------------------------------- */

static void get_device_info(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req,
                            struct vmsg_msg *r)
{
    (void)req;
    uint32_t id = d->p.device_id;
    if (F(d, DEV_BIG_ENDIAN))
        id = (id >> 24) | ((id >> 8) & 0xff00) | ((id << 8) & 0xff0000) | (id << 24);
    vmsg_set(r, VMSG_FLD_DEVICE_ID, id);
    vmsg_set(r, VMSG_FLD_VENDOR_ID, d->p.vendor_id);
    vmsg_set(r, VMSG_FLD_NUM_FEATURE_BITS, d->p.num_feature_bits + (F(d, DEV_NUM_FEATURE_BITS_NOT_32) ? 16 : 0));
    vmsg_set(r, VMSG_FLD_NUM_FEATURE_BLOCKS, d->p.num_feature_bits / 32);
    vmsg_set(r, VMSG_FLD_CONFIG_SIZE, d->p.config_size);
    vmsg_set(r, VMSG_FLD_MAX_VIRTQUEUES, d->p.nqueues);
    vmsg_set(r, VMSG_FLD_ADMIN_VQ_START, 0);
    vmsg_set(r, VMSG_FLD_ADMIN_VQ_COUNT, 0);
    (void)ds;
}

static bool get_device_features(struct vmsg_refdev *d, const struct vmsg_msg *req, struct vmsg_msg *r,
                                uint8_t *words)
{
    uint32_t bi = (uint32_t)vmsg_get(req, VMSG_FLD_BLOCK_INDEX);
    uint32_t nb = (uint32_t)vmsg_get(req, VMSG_FLD_NUM_BLOCKS);
    uint32_t hdr = vmsg_profile(d->p.profile)->header + 8;
    /* the reply must fit the bus maximum (and our buffer) */
    if (nb > (VMSG__REF_FRAME_MAX - 64) / 4)
        return false;
    if (hdr + 4 * nb > d->p.max_msg_size && !F(d, DEV_OVERSIZE_RESPONSE))
        return false;
    uint32_t impl = d->p.num_feature_bits / 32;
    for (uint32_t k = 0; k < nb; k++) {
        uint64_t b = (uint64_t)bi + k;
        uint32_t w = 0;
        if (b < impl && b < VMSG_PERS_FEATURE_WORDS)
            w = d->p.features[b];
        else if (F(d, DEV_FEATURES_BEYOND_IMPLEMENTED))
            w = 0xffffffffu;
        else if (F(d, DEV_FEATURE_BLOCKS_NONZERO) && b == impl)
            w = 1;
        if (F(d, DEV_FEATURES_UNIMPLEMENTED_BITS) && b == 1 && b < impl)
            w |= 0x80000000u;
        vmsg_put_le(words + 4 * k, w, 4);
    }
    vmsg_set(r, VMSG_FLD_BLOCK_INDEX, F(d, DEV_NO_ECHO_BLOCK_INDEX) ? 0 : bi);
    vmsg_set(r, VMSG_FLD_NUM_BLOCKS, nb);
    vmsg_set_bytes(r, VMSG_FLD_FEATURES, words, 4 * nb);
    return true;
}

static void set_driver_features(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req)
{
    uint32_t bi = (uint32_t)vmsg_get(req, VMSG_FLD_BLOCK_INDEX);
    uint32_t nb = (uint32_t)vmsg_get(req, VMSG_FLD_NUM_BLOCKS);
    if (F(d, DEV_FEATURES_NOT_STORED))
        return;
    for (uint32_t k = 0; k < nb; k++)
        if ((uint64_t)bi + k < VMSG_PERS_FEATURE_WORDS)
            ds->acked[bi + k] = vmsg_get_word(req, VMSG_FLD_FEATURES, k);
}

static bool range_ok(const struct vmsg_refdev *d, uint32_t off, uint32_t len)
{
    return off <= d->p.config_size && len <= d->p.config_size - off;
}

static bool get_config(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req, struct vmsg_msg *r)
{
    uint32_t off = (uint32_t)vmsg_get(req, VMSG_FLD_OFFSET), len = (uint32_t)vmsg_get(req, VMSG_FLD_LENGTH);
    if (!range_ok(d, off, len))
        return false;
    uint32_t gen = ds->generation;
    if (F(d, DEV_GET_CONFIG_GENERATION_ZERO))
        gen = 0;
    if (F(d, DEV_GET_CONFIG_STALE_GENERATION))
        gen--;
    vmsg_set(r, VMSG_FLD_GENERATION, gen);
    vmsg_set(r, VMSG_FLD_OFFSET, off);
    vmsg_set(r, VMSG_FLD_LENGTH, len);
    vmsg_set_bytes(r, VMSG_FLD_DATA, ds->config + off, len);
    return true;
}

static bool set_config(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req, struct vmsg_msg *r)
{
    uint32_t gen = (uint32_t)vmsg_get(req, VMSG_FLD_GENERATION);
    uint32_t off = (uint32_t)vmsg_get(req, VMSG_FLD_OFFSET), len = (uint32_t)vmsg_get(req, VMSG_FLD_LENGTH);
    uint32_t n = 0;
    const uint8_t *data = vmsg_get_bytes(req, VMSG_FLD_DATA, &n);
    if (!range_ok(d, off, len) || n != len)
        return false;
    vmsg_set(r, VMSG_FLD_OFFSET, off);
    if (gen != ds->generation && !F(d, DEV_IGNORE_GENERATION)) {
        if (F(d, DEV_SET_CONFIG_REJECT_SILENTLY))
            return false;
        vmsg_set(r, VMSG_FLD_GENERATION, ds->generation);
        vmsg_set(r, VMSG_FLD_LENGTH, F(d, DEV_SET_CONFIG_STALE_LENGTH) ? len : 0);
        return true;
    }
    if (len > 0) {
        ds->generation++;
        memcpy(ds->config + off, data, len);
    }
    vmsg_set(r, VMSG_FLD_GENERATION, ds->generation);
    vmsg_set(r, VMSG_FLD_LENGTH, len);
    if (d->p.set_config_echo)
        vmsg_set_bytes(r, VMSG_FLD_DATA, ds->config + off, len);
    return true;
}

static bool features_acceptable(const struct vmsg_refdev *d, const struct devstate *ds)
{
    for (unsigned w = 0; w < VMSG_PERS_FEATURE_WORDS; w++)
        if ((ds->acked[w] & ~d->p.features[w]) || (ds->acked[w] & d->p.refuse[w]))
            return false;
    return true;
}

static uint32_t set_status(struct vmsg_refdev *d, struct devstate *ds, uint32_t v)
{
    if (v == 0) {
        ds->status = 0;
        memset(ds->acked, 0, sizeof ds->acked);
        reset_queues(d, ds);
        return F(d, DEV_STATUS_RESET_NONZERO) ? VMSG_STATUS_ACKNOWLEDGE : 0;
    }
    uint32_t nv = v | (ds->status & VMSG_STATUS_DEVICE_NEEDS_RESET);
    if ((v & VMSG_STATUS_FEATURES_OK) && !(ds->status & VMSG_STATUS_FEATURES_OK) && !features_acceptable(d, ds) &&
        !F(d, DEV_KEEP_FEATURES_OK_ON_REFUSAL))
        nv &= ~(uint32_t)VMSG_STATUS_FEATURES_OK;
    ds->status = nv;
    if (F(d, DEV_SET_STATUS_INACCURATE))
        nv &= ~(uint32_t)VMSG_STATUS_DRIVER_OK;
    return nv;
}

static void get_vqueue(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req, struct vmsg_msg *r)
{
    uint32_t i = (uint32_t)vmsg_get(req, VMSG_FLD_INDEX);
    uint32_t max = 0, size = 0;
    uint64_t a[3] = {0, 0, 0};
    if (i < d->p.nqueues) {
        max = d->p.queue_max[i];
        size = ds->q[i].size;
        a[0] = ds->q[i].desc, a[1] = ds->q[i].drv, a[2] = ds->q[i].dev;
        if (F(d, DEV_CUR_SIZE_NONZERO_UNCONFIGURED) && size == 0)
            size = max;
        if (F(d, DEV_VQUEUE_WRONG_MAX))
            max *= 2;
    }
    vmsg_set(r, VMSG_FLD_INDEX, i);
    vmsg_set(r, VMSG_FLD_MAX_SIZE, max);
    vmsg_set(r, VMSG_FLD_SIZE, size);
    vmsg_set(r, VMSG_FLD_DESC_ADDR, a[0]);
    vmsg_set(r, VMSG_FLD_DRIVER_ADDR, a[1]);
    vmsg_set(r, VMSG_FLD_DEVICE_ADDR, a[2]);
}

static void set_vqueue(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req)
{
    uint32_t i = (uint32_t)vmsg_get(req, VMSG_FLD_INDEX);
    uint32_t size = (uint32_t)vmsg_get(req, VMSG_FLD_SIZE);
    if (i >= d->p.nqueues || size == 0 || size > d->p.queue_max[i] || ds->q[i].broken)
        return;
    if (F(d, DEV_LATE_SET_VQUEUE_IGNORED) && (ds->status & VMSG_STATUS_DRIVER_OK))
        return;
    struct vq *q = &ds->q[i];
    q->size = size;
    if (F(d, DEV_SET_VQUEUE_IGNORED))
        return;
    q->desc = vmsg_get(req, VMSG_FLD_DESC_ADDR);
    q->drv = vmsg_get(req, VMSG_FLD_DRIVER_ADDR);
    q->dev = vmsg_get(req, VMSG_FLD_DEVICE_ADDR);
}

static bool reset_vqueue(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *req)
{
    uint32_t i = (uint32_t)vmsg_get(req, VMSG_FLD_INDEX);
    if (!acked(ds, VMSG_FEATURE_RING_RESET) && !F(d, DEV_ANSWER_RESET_VQUEUE_UNNEGOTIATED))
        return false; /* needs a feature not negotiated: ignored */
    if (i >= d->p.nqueues)
        return false;
    struct vq *q = &ds->q[i];
    if (F(d, DEV_RESET_VQUEUE_KEEPS_QUEUE))
        return true;
    q->size = 0;
    if (!F(d, DEV_RESET_VQUEUE_KEEPS_ADDRESSES))
        q->desc = q->drv = q->dev = 0;
    if (F(d, DEV_RESET_VQUEUE_NO_RECONFIG))
        q->broken = true;
    return true;
}

static void get_shm(struct vmsg_refdev *d, const struct vmsg_msg *req, struct vmsg_msg *r)
{
    uint32_t i = (uint32_t)vmsg_get(req, VMSG_FLD_INDEX);
    uint32_t len = F(d, DEV_SHM_NONZERO_LENGTH_MISSING) ? 4096 : 0, addr = 0;
    for (unsigned k = 0; k < d->p.nshm; k++)
        if (d->p.shm[k].index == i)
            len = d->p.shm[k].length, addr = d->p.shm[k].address;
    vmsg_set(r, VMSG_FLD_INDEX, i);
    vmsg_set(r, VMSG_FLD_LENGTH, len);
    vmsg_set(r, VMSG_FLD_ADDRESS, addr);
}

/* Queue I in use: configured, DRIVER_OK set, no DEVICE_NEEDS_RESET. */
static bool queue_live(const struct vmsg_refdev *d, const struct devstate *ds, uint32_t i)
{
    return i < d->p.nqueues && !(ds->status & VMSG_STATUS_DEVICE_NEEDS_RESET) &&
           (ds->status & VMSG_STATUS_DRIVER_OK) && ds->q[i].size != 0;
}

/* Buffers of queue I consumed: tell the driver (the one place EVENT_USED is
 * sent). The driver never disabled notifications: the rings the harness
 * names are never written, so their suppression flags stay clear. */
static void used(struct vmsg_refdev *d, struct devstate *ds, uint32_t i, vmsg_emit_fn emit, void *ctx)
{
    if (F(d, DEV_NO_EVENT_USED))
        return;
    struct vmsg_msg u;
    if (!vmsg_msg_init(&u, d->p.profile, 0, VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, ds->dev_num))
        return;
    vmsg_set(&u, VMSG_FLD_INDEX, F(d, DEV_USED_WRONG_QUEUE) ? i + 1 : i);
    send_msg(d, &u, emit, ctx);
}

static void event_avail(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *m, vmsg_emit_fn emit,
                        void *ctx)
{
    uint32_t i = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
    if (i >= d->p.nqueues || (ds->status & VMSG_STATUS_DEVICE_NEEDS_RESET))
        return;
    if (!queue_live(d, ds, i) && !F(d, DEV_IO_BEFORE_DRIVER_OK))
        return;
    used(d, ds, i, emit, ctx);
}

/* The harness test hook (vmsg/hook.h): acknowledge, then do what it asks
 * through the same paths as the scheduled device-side events and I/O. */
static void answer_hook(struct vmsg_refdev *d, struct devstate *ds, const struct vmsg_msg *m, struct vmsg_hook *h,
                        vmsg_emit_fn emit, void *ctx)
{
    uint8_t f[64];
    uint32_t result = VMSG_HOOK_DONE;
    if (h->action != VMSG_HOOK_CONFIG_CHANGE && h->action != VMSG_HOOK_NEEDS_RESET &&
        h->action != VMSG_HOOK_USE_BUFFER)
        result = VMSG_HOOK_UNSUPPORTED;
    else if (h->action == VMSG_HOOK_USE_BUFFER && !queue_live(d, ds, h->arg0))
        result = VMSG_HOOK_NOT_NOW; /* no I/O before DRIVER_OK or on a queue not set up */
    struct vmsg_hook r = {h->action, 0, 0, result};
    size_t n = vmsg_hook_encode(d->p.profile, true, m->dev_num, m->token, &r, f, sizeof f);
    if (n)
        emit(ctx, f, n);
    if (result != VMSG_HOOK_DONE)
        return;
    if (h->action == VMSG_HOOK_CONFIG_CHANGE)
        vmsg_refdev_config_change(d, m->dev_num, h->arg0, h->arg1, emit, ctx);
    else if (h->action == VMSG_HOOK_NEEDS_RESET)
        vmsg_refdev_needs_reset(d, m->dev_num, emit, ctx);
    else
        used(d, ds, h->arg0, emit, ctx);
}

static void dev_receive(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_refdev *d = self;
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(d->p.profile, 0, f, len, &m, NULL);
    if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED) {
        if (F(d, DEV_REPLY_TO_MALFORMED))
            send_raw_empty(d, f, len, emit, ctx);
        return;
    }
    if (m.cls != VMSG_CLASS_TRANSPORT)
        return; /* bus messages are the bus's business */
    struct devstate *ds = find_dev(d, m.dev_num);
    if (!ds)
        return;
    struct vmsg_hook hook;
    if (m.kind == VMSG_KIND_REQUEST && vmsg_hook_parse(&m, &hook)) {
        answer_hook(d, ds, &m, &hook, emit, ctx);
        return;
    }
    if (m.impl_defined || !m.def) {
        if (F(d, DEV_REPLY_TO_UNKNOWN) && m.kind == VMSG_KIND_REQUEST)
            send_raw_empty(d, f, len, emit, ctx);
        return;
    }
    if (m.kind == VMSG_KIND_EVENT) {
        if (F(d, DEV_ANSWER_EVENT))
            send_raw_empty(d, f, len, emit, ctx);
        if (m.def->mname == VMSG_M_EVENT_AVAIL)
            event_avail(d, ds, &m, emit, ctx);
        return;
    }
    if (m.kind != VMSG_KIND_REQUEST || m.def->sender != VMSG_SENDER_DRIVER)
        return;
    if (m.def->mname == VMSG_M_GET_DEVICE_INFO && ds->status == 0 && F(d, DEV_NO_INFO_WHILE_INACTIVE))
        return;
    struct vmsg_msg r;
    if (!start_reply(d, ds, &m, &r))
        return;
    uint8_t words[VMSG__REF_FRAME_MAX / 2];
    bool answer = true;
    switch (m.def->mname) {
    case VMSG_M_GET_DEVICE_INFO: get_device_info(d, ds, &m, &r); break;
    case VMSG_M_GET_DEVICE_FEATURES: answer = get_device_features(d, &m, &r, words); break;
    case VMSG_M_SET_DRIVER_FEATURES: set_driver_features(d, ds, &m); break;
    case VMSG_M_GET_CONFIG: answer = get_config(d, ds, &m, &r); break;
    case VMSG_M_SET_CONFIG: answer = set_config(d, ds, &m, &r); break;
    case VMSG_M_GET_DEVICE_STATUS: {
        uint32_t s = ds->status;
        if (F(d, DEV_GET_STATUS_STALE))
            s &= ~(uint32_t)VMSG_STATUS_FEATURES_OK;
        if (F(d, DEV_STATUS_HIDES_NEEDS_RESET))
            s &= ~(uint32_t)VMSG_STATUS_DEVICE_NEEDS_RESET;
        vmsg_set(&r, VMSG_FLD_STATUS, s);
        break;
    }
    case VMSG_M_SET_DEVICE_STATUS:
        vmsg_set(&r, VMSG_FLD_STATUS, set_status(d, ds, (uint32_t)vmsg_get(&m, VMSG_FLD_STATUS)));
        break;
    case VMSG_M_GET_VQUEUE: get_vqueue(d, ds, &m, &r); break;
    case VMSG_M_SET_VQUEUE: set_vqueue(d, ds, &m); break;
    case VMSG_M_RESET_VQUEUE: answer = reset_vqueue(d, ds, &m); break;
    case VMSG_M_GET_SHM: get_shm(d, &m, &r); break;
    default: answer = false; break;
    }
    if (answer)
        send_msg(d, &r, emit, ctx);
}

static int dev_poll(void *self, uint64_t now_ms, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_refdev *d = self;
    int did = 0;
    if (d->p.config_change_at_ms && !d->change_done && now_ms >= d->p.config_change_at_ms) {
        d->change_done = true;
        vmsg_refdev_config_change(d, 0, 0, d->p.config_size, emit, ctx);
        did = 1;
    }
    if (d->p.needs_reset_at_ms && !d->needs_reset_done && now_ms >= d->p.needs_reset_at_ms) {
        d->needs_reset_done = true;
        vmsg_refdev_needs_reset(d, 0, emit, ctx);
        did = 1;
    }
    return did;
}

static void dev_destroy(void *self) { vmsg_refdev_free(self); }

static const struct vmsg_endpoint_ops refdev_ops = {"refdev", dev_receive, dev_poll, dev_destroy};

struct vmsg_refdev *vmsg_refdev_new(const struct vmsg_personality *p, const struct vmsg_fault_set *faults)
{
    struct vmsg_refdev *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->p = *p;
    if (faults)
        d->f = *faults;
    d->tx.reserved_type_bits = F(d, DEV_RESERVED_TYPE_BITS);
    d->tx.wrong_msg_size = F(d, DEV_WRONG_MSG_SIZE);
    d->tx.padding_nonzero = F(d, DEV_PADDING_NONZERO);
    for (unsigned i = 0; i < p->ndevs; i++) {
        d->dev[i].dev_num = p->dev_nums[i];
        d->dev[i].generation = p->generation_start;
        memcpy(d->dev[i].config, p->config, sizeof p->config);
    }
    return d;
}

struct vmsg_endpoint vmsg_refdev_endpoint(struct vmsg_refdev *d)
{
    struct vmsg_endpoint e = {&refdev_ops, d};
    return e;
}

void vmsg_refdev_free(struct vmsg_refdev *d) { free(d); }
