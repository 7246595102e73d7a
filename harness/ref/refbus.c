/* refbus: a conforming relay between a driver side and a device side.
 *
 * Model: the bus knows a set of device numbers (given at creation, changed by
 * hotplug). Transport requests from the driver to a known, present device are
 * forwarded with the payload untouched and the token replaced by the bus's
 * own counter; the device's responses are matched per device number in
 * request order and get the driver's token back. Frames above the advertised
 * maximum, malformed headers and unknown ids are dropped without traffic, in
 * both directions. GET_DEVICES and PING are answered by the bus itself. */
#include <stdlib.h>
#include <string.h>

#include "ref_internal.h"

#define PENDING_MAX 64

struct pending {
    uint16_t dev_num, drv_token, bus_token;
    uint8_t msg_id;
};

struct vmsg_refbus {
    struct vmsg_refbus_opts o;
    struct vmsg_fault_set f;
    struct vmsg__tx_faults tx; /* for bus-generated messages */
    bool present[VMSG_PERS_MAX_DEVS];
    vmsg_emit_fn to_driver, to_device;
    void *driver_ctx, *device_ctx;
    struct pending pend[PENDING_MAX];
    unsigned npend;
    uint16_t next_token;
    bool dropped_once, duplicated_once;
    uint8_t held[VMSG__REF_FRAME_MAX]; /* BUS_REORDER_RESPONSES */
    size_t held_len;
    bool reordered_once;
    uint8_t buf[VMSG__REF_FRAME_MAX + 8];
};

#define F(b, name) ((b)->f.on[VMSG_FAULT_##name])

static int dev_slot(const struct vmsg_refbus *b, uint16_t dev_num)
{
    for (unsigned i = 0; i < b->o.ndevs; i++)
        if (b->o.dev_nums[i] == dev_num)
            return (int)i;
    return -1;
}

static bool known(const struct vmsg_refbus *b, uint16_t dev_num)
{
    int s = dev_slot(b, dev_num);
    return s >= 0 && b->present[s];
}

/* Forward a frame, adding (faulty) padding when asked. */
static void forward(struct vmsg_refbus *b, vmsg_emit_fn emit, void *ctx, const uint8_t *f, size_t len)
{
    if (F(b, BUS_PADDING_NONZERO) && len + 4 <= sizeof b->buf) {
        memcpy(b->buf, f, len);
        memset(b->buf + len, 0xa5, 4);
        emit(ctx, b->buf, len + 4);
        return;
    }
    emit(ctx, f, len);
}

static void send_bus_tx(struct vmsg_refbus *b, struct vmsg_msg *m, const struct vmsg__tx_faults *tx, vmsg_emit_fn emit,
                        void *ctx)
{
    uint8_t out[VMSG__REF_FRAME_MAX];
    if (F(b, BUS_MSG_DEV_NUM_NONZERO))
        m->dev_num = 1;
    size_t len = vmsg__ref_encode(m, tx, out, sizeof out);
    if (len && vmsg_encoded_len(m) <= b->o.max_msg_size)
        emit(ctx, out, len);
}

static void send_bus(struct vmsg_refbus *b, struct vmsg_msg *m, vmsg_emit_fn emit, void *ctx)
{
    send_bus_tx(b, m, &b->tx, emit, ctx);
}

static void get_devices(struct vmsg_refbus *b, const struct vmsg_msg *req, vmsg_emit_fn emit, void *ctx)
{
    uint32_t off = (uint32_t)vmsg_get(req, VMSG_FLD_OFFSET), cnt = (uint32_t)vmsg_get(req, VMSG_FLD_COUNT);
    if (off % 8 || cnt % 8)
        return; /* not a valid window: dropped */
    uint32_t hdr = vmsg_profile(b->o.profile)->header + 6;
    uint32_t cap = b->o.max_msg_size > hdr ? (b->o.max_msg_size - hdr) * 8 : 0;
    if (b->o.window && cnt > b->o.window)
        cnt = b->o.window;
    if (cnt > cap)
        cnt = cap & ~7u;
    if (off + cnt > 0x10000)
        cnt = (0x10000 - off) & ~7u;
    if (F(b, BUS_GET_DEVICES_SHORT_WINDOW) && cnt > 8)
        cnt = (cnt / 2) & ~7u;
    uint8_t bitmap[8192] = {0};
    uint32_t highest = 0;
    for (unsigned i = 0; i < b->o.ndevs; i++) {
        uint32_t n = b->o.dev_nums[i];
        if (!b->present[i])
            continue;
        if (n + 1 > highest)
            highest = n + 1;
        if (n >= off && n < off + cnt)
            bitmap[(n - off) / 8] |= (uint8_t)(1u << ((n - off) % 8));
    }
    if (F(b, BUS_EXPOSE_UNVALIDATED) && 3 >= off && 3 < off + cnt)
        bitmap[(3 - off) / 8] |= (uint8_t)(1u << ((3 - off) % 8));
    uint32_t next = off + cnt < highest ? off + cnt : 0;
    if (F(b, BUS_BAD_NEXT_OFFSET))
        next = off + 1;
    struct vmsg_msg r;
    if (!vmsg_msg_init(&r, b->o.profile, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0))
        return;
    r.token = req->token;
    vmsg_set(&r, VMSG_FLD_OFFSET, off);
    vmsg_set(&r, VMSG_FLD_COUNT, F(b, BUS_GET_DEVICES_COUNT_NOT_MULTIPLE_8) && cnt ? cnt - 1 : cnt);
    vmsg_set(&r, VMSG_FLD_NEXT_OFFSET, next);
    uint32_t blen = cnt / 8;
    if (F(b, BUS_BITMAP_MISMATCH) && blen)
        blen--;
    vmsg_set_bytes(&r, VMSG_FLD_BITMAP, bitmap, blen);
    send_bus(b, &r, emit, ctx);
}

static void ping(struct vmsg_refbus *b, const struct vmsg_msg *req, vmsg_emit_fn emit, void *ctx)
{
    struct vmsg_msg r;
    if (!vmsg_msg_init(&r, b->o.profile, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0))
        return;
    r.token = req->token;
    uint32_t data = (uint32_t)vmsg_get(req, VMSG_FLD_DATA);
    vmsg_set(&r, VMSG_FLD_DATA, F(b, BUS_PING_WRONG_ECHO) ? ~data : data);
    struct vmsg__tx_faults tx = b->tx;
    tx.wrong_msg_size = F(b, BUS_PING_LONG_RESPONSE); /* 4 bytes past the PING layout */
    send_bus_tx(b, &r, &tx, emit, ctx);
}

/* Bus messages addressed to the bus itself, from either side. */
static void bus_request(struct vmsg_refbus *b, const struct vmsg_msg *m, vmsg_emit_fn back, void *ctx,
                        bool from_driver)
{
    if (m->kind != VMSG_KIND_REQUEST || !m->def)
        return;
    if (m->def->mname == VMSG_M_PING)
        ping(b, m, back, ctx);
    else if (m->def->mname == VMSG_M_GET_DEVICES && from_driver)
        get_devices(b, m, back, ctx);
}

static void answer_event(struct vmsg_refbus *b, const struct vmsg_msg *m)
{
    uint8_t out[8];
    out[0] = 0x01;
    out[1] = m->msg_id;
    vmsg_put_le(out + 2, m->dev_num, 2);
    vmsg_put_le(out + 4, m->token, 2);
    vmsg_put_le(out + 6, 8, 2);
    b->to_driver(b->driver_ctx, out, sizeof out);
}

/* A sound header whose id revision 1 leaves free in a standard range: a
 * message of a later revision, which this bus (revision 1) cannot carry. */
static bool later_revision(const struct vmsg_msg *m, enum vmsg_outcome oc)
{
    return oc == VMSG_MALFORMED && m->frame_len && !m->def && !m->impl_defined;
}

void vmsg_refbus_from_driver(struct vmsg_refbus *b, const uint8_t *f, size_t len)
{
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(b->o.profile, 0, f, len, &m, NULL);
    bool bad = oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED || (oc != VMSG_OK && !m.def && !m.impl_defined);
    if (bad || m.impl_defined) {
        /* malformed header or an id nobody defined: dropped, no traffic */
        if (F(b, BUS_FORWARD_MALFORMED) || (F(b, BUS_FORWARD_LATER_REVISION) && later_revision(&m, oc)))
            forward(b, b->to_device, b->device_ctx, f, len);
        return;
    }
    if (m.frame_len > b->o.max_msg_size)
        return;
    if (m.cls == VMSG_CLASS_BUS) {
        bus_request(b, &m, b->to_driver, b->driver_ctx, true);
        return;
    }
    if (!known(b, m.dev_num) && !F(b, BUS_FORWARD_UNKNOWN_DEV))
        return;
    if (F(b, BUS_WRONG_DEV_NUM_FORWARD) && m.dev_num != b->o.dev_nums[0])
        return;
    uint8_t tmp[VMSG__REF_FRAME_MAX];
    size_t n = len < sizeof tmp ? len : sizeof tmp;
    memcpy(tmp, f, n);
    if (m.kind == VMSG_KIND_EVENT) {
        if (m.def->mname == VMSG_M_EVENT_AVAIL && F(b, BUS_DROP_EVENT_AVAIL))
            return;
        if (F(b, BUS_ANSWER_EVENT))
            answer_event(b, &m);
        if (F(b, BUS_REWRITE_DEV_NUM))
            vmsg__hdr_set_dev_num(b->o.profile, tmp, (uint16_t)(m.dev_num + 1));
        forward(b, b->to_device, b->device_ctx, tmp, n);
        return;
    }
    if (m.kind != VMSG_KIND_REQUEST || b->npend == PENDING_MAX)
        return;
    struct pending *p = &b->pend[b->npend++];
    p->dev_num = m.dev_num;
    p->drv_token = m.token;
    p->bus_token = b->next_token++;
    p->msg_id = m.msg_id;
    vmsg__hdr_set_token(b->o.profile, tmp, p->bus_token);
    if (F(b, BUS_ALTER_PAYLOAD) && m.def->mname == VMSG_M_SET_CONFIG && m.frame_len > 8)
        tmp[m.frame_len - 1] ^= 0xff;
    forward(b, b->to_device, b->device_ctx, tmp, n);
}

static void deliver_response(struct vmsg_refbus *b, uint8_t *f, size_t len, const struct pending *p)
{
    if (!F(b, BUS_TOKEN_NOT_RESTORED))
        vmsg__hdr_set_token(b->o.profile, f, p->drv_token);
    if (F(b, BUS_DROP_RESPONSE) && !b->dropped_once && p->msg_id == 0x05) {
        b->dropped_once = true;
        return;
    }
    if (F(b, BUS_REORDER_RESPONSES) && !b->reordered_once) {
        /* hold this response if another request to the same device is pending */
        for (unsigned i = 0; i < b->npend; i++)
            if (b->pend[i].dev_num == p->dev_num && len <= sizeof b->held) {
                memcpy(b->held, f, len);
                b->held_len = len;
                b->reordered_once = true;
                return;
            }
    }
    forward(b, b->to_driver, b->driver_ctx, f, len);
    if (F(b, BUS_DUPLICATE_RESPONSE) && !b->duplicated_once && p->msg_id == 0x05) {
        b->duplicated_once = true;
        forward(b, b->to_driver, b->driver_ctx, f, len);
    }
    if (b->held_len) {
        size_t hl = b->held_len;
        b->held_len = 0;
        forward(b, b->to_driver, b->driver_ctx, b->held, hl);
    }
}

void vmsg_refbus_from_device(struct vmsg_refbus *b, const uint8_t *f, size_t len)
{
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(b->o.profile, 0, f, len, &m, NULL);
    if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED || m.impl_defined || !m.def)
        return;
    if (m.frame_len > b->o.max_msg_size && !F(b, BUS_OVERSIZE_FORWARD))
        return;
    if (m.cls == VMSG_CLASS_BUS) {
        bus_request(b, &m, b->to_device, b->device_ctx, false);
        return;
    }
    uint8_t tmp[VMSG__REF_FRAME_MAX];
    size_t n = len < sizeof tmp ? len : sizeof tmp;
    memcpy(tmp, f, n);
    if (m.kind == VMSG_KIND_EVENT) {
        if (!known(b, m.dev_num))
            return;
        if (m.def->mname == VMSG_M_EVENT_CONFIG && F(b, BUS_DROP_EVENT_CONFIG))
            return;
        forward(b, b->to_driver, b->driver_ctx, tmp, n);
        return;
    }
    if (m.kind != VMSG_KIND_RESPONSE)
        return;
    /* the oldest pending request of this device number */
    for (unsigned i = 0; i < b->npend; i++) {
        if (b->pend[i].dev_num != m.dev_num)
            continue;
        struct pending p = b->pend[i];
        memmove(&b->pend[i], &b->pend[i + 1], (b->npend - i - 1) * sizeof b->pend[0]);
        b->npend--;
        deliver_response(b, tmp, n, &p);
        return;
    }
}

void vmsg_refbus_hotplug(struct vmsg_refbus *b, uint16_t dev_num, bool present)
{
    int s = dev_slot(b, dev_num);
    if (s < 0) {
        if (!present || b->o.ndevs == VMSG_PERS_MAX_DEVS)
            return;
        s = (int)b->o.ndevs++;
        b->o.dev_nums[s] = dev_num;
    }
    b->present[s] = present;
    if (F(b, BUS_NO_EVENT_DEVICE_ON_HOTPLUG))
        return;
    struct vmsg_msg e;
    if (!vmsg_msg_init(&e, b->o.profile, 0, VMSG_M_EVENT_DEVICE, VMSG_CLASS_BUS, VMSG_KIND_EVENT, 0))
        return;
    vmsg_set(&e, VMSG_FLD_DEVICE_NUMBER, dev_num);
    vmsg_set(&e, VMSG_FLD_BUS_STATE, present ? VMSG_BUS_STATE_READY : VMSG_BUS_STATE_REMOVED);
    send_bus(b, &e, b->to_driver, b->driver_ctx);
}

struct vmsg_bus_params vmsg_refbus_params(const struct vmsg_refbus *b)
{
    struct vmsg_bus_params p = {1, b->o.max_msg_size, 0};
    if (F(b, BUS_MAX_TOO_SMALL))
        p.max_msg_size = 40;
    if (F(b, BUS_MAX_ABOVE_264))
        p.max_msg_size = 1024;
    return p;
}

struct vmsg_refbus *vmsg_refbus_new(const struct vmsg_refbus_opts *o, const struct vmsg_fault_set *faults,
                                    vmsg_emit_fn to_driver, void *driver_ctx, vmsg_emit_fn to_device,
                                    void *device_ctx)
{
    struct vmsg_refbus *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->o = *o;
    if (faults)
        b->f = *faults;
    for (unsigned i = 0; i < VMSG_PERS_MAX_DEVS; i++)
        b->present[i] = i < o->ndevs;
    b->tx.reserved_type_bits = F(b, BUS_RESERVED_BITS);
    b->to_driver = to_driver, b->driver_ctx = driver_ctx;
    b->to_device = to_device, b->device_ctx = device_ctx;
    b->next_token = 0x100;
    return b;
}

void vmsg_refbus_free(struct vmsg_refbus *b) { free(b); }

static void face_driver_rx(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    (void)emit, (void)ctx;
    vmsg_refbus_from_driver(self, f, len);
}

static void face_device_rx(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    (void)emit, (void)ctx;
    vmsg_refbus_from_device(self, f, len);
}

static int face_poll(void *self, uint64_t now_ms, vmsg_emit_fn emit, void *ctx)
{
    (void)self, (void)now_ms, (void)emit, (void)ctx;
    return 0;
}

static void face_destroy(void *self) { (void)self; /* owned by vmsg_refbus_free */ }

static const struct vmsg_endpoint_ops driver_face_ops = {"refbus-driver-face", face_driver_rx, face_poll,
                                                         face_destroy};
static const struct vmsg_endpoint_ops device_face_ops = {"refbus-device-face", face_device_rx, face_poll,
                                                         face_destroy};

struct vmsg_endpoint vmsg_refbus_driver_face(struct vmsg_refbus *b)
{
    struct vmsg_endpoint e = {&driver_face_ops, b};
    return e;
}

struct vmsg_endpoint vmsg_refbus_device_face(struct vmsg_refbus *b)
{
    struct vmsg_endpoint e = {&device_face_ops, b};
    return e;
}
