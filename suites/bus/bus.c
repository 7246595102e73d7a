/* Bus-suite helpers: both ends of the bus, frame checks every case shares,
 * and the harness devices' answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/cursor.h>

#include "bus.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned bus_devices(struct vmsg_case *c, uint16_t out[BUS_MAX_DEVS])
{
    const char *ics = vmsg_case_ics(c, "bus.devices");
    unsigned n = 0;
    if (ics) {
        const char *s = ics;
        while (*s && n < BUS_MAX_DEVS) {
            char *end;
            unsigned long v = strtoul(s, &end, 0);
            if (end == s)
                break;
            if (v && v <= 0xffff)
                out[n++] = (uint16_t)v;
            s = *end == ',' ? end + 1 : end;
        }
    }
    if (!n) {
        uint16_t d = vmsg_case_link(c)->dev_num;
        out[n++] = d;
        out[n++] = (uint16_t)(d + 1);
    }
    return n;
}

bool bus_is_device(struct vmsg_case *c, uint16_t dev_num)
{
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    for (unsigned i = 0; i < n; i++)
        if (devs[i] == dev_num)
            return true;
    return false;
}

uint16_t bus_unknown_dev(struct vmsg_case *c)
{
    uint16_t d = 0x7a;
    while (bus_is_device(c, d))
        d++;
    return d;
}

void bus_need_two_sides(struct vmsg_case *c)
{
    if (!vmsg_case_two_sided(c)) {
        vmsg_case_na(c, "the bus suite needs both sides of the bus (--driver-side and --device-side)");
        vmsg_case_abort(c);
    }
}

void bus_msg(struct vmsg_case *c, struct vmsg_msg *m, unsigned mname, unsigned cls, unsigned kind, uint16_t dev_num)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    if (!vmsg_msg_init(m, l->profile, l->binding, mname, cls, kind, dev_num)) {
        vmsg_case_na(c, "profile %s has no %s %s", vmsg_profile(l->profile)->name, vmsg_mname_names[mname],
                     vmsg_kind_name(kind));
        vmsg_case_abort(c);
    }
}

void bus_get_config(struct vmsg_case *c, struct vmsg_msg *m, uint16_t dev_num, uint32_t offset)
{
    bus_msg(c, m, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, dev_num);
    vmsg_set(m, VMSG_FLD_OFFSET, offset);
    vmsg_set(m, VMSG_FLD_LENGTH, 4);
}

void bus_set_config(struct vmsg_case *c, struct vmsg_msg *m, uint16_t dev_num, uint32_t offset, const uint8_t *data,
                    uint32_t len)
{
    bus_msg(c, m, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, dev_num);
    vmsg_set(m, VMSG_FLD_GENERATION, 7);
    vmsg_set(m, VMSG_FLD_OFFSET, offset);
    vmsg_set(m, VMSG_FLD_LENGTH, len);
    vmsg_set_bytes(m, VMSG_FLD_DATA, data, len);
}

void bus_send(struct vmsg_case *c, unsigned side, struct vmsg_msg *m) { vmsg_case_send_msg_side(c, side, m); }

uint8_t bus_pattern(uint16_t dev_num, uint32_t offset) { return (uint8_t)((offset * 7u + dev_num * 31u) ^ 0x5a); }

const uint8_t *bus_payload(struct vmsg_case *c, const struct bus_frame *f, uint32_t *len)
{
    const struct vmsg_profile_def *p = vmsg_profile(vmsg_case_link(c)->profile);
    struct vmsg_cur cur = vmsg_cur_make(f->buf, f->len);
    size_t end = f->m.msg_size < f->len ? f->m.msg_size : f->len;
    *len = 0;
    if (end <= p->header || !vmsg_cur_seek(&cur, p->header))
        return f->buf + (f->len < p->header ? f->len : p->header);
    *len = (uint32_t)(end - p->header);
    return vmsg_cur_take(&cur, *len);
}

bool bus_same_message(struct vmsg_case *c, const struct bus_frame *got, const struct vmsg_msg *sent)
{
    uint8_t buf[BUS_FRAME_MAX];
    struct vmsg_msg m = *sent;
    m.msg_size_override = false;
    size_t n = vmsg_encode(&m, buf, sizeof buf);
    const struct vmsg_profile_def *p = vmsg_profile(vmsg_case_link(c)->profile);
    uint32_t plen = 0;
    const uint8_t *pl = bus_payload(c, got, &plen);
    return n >= p->header && got->m.msg_id == sent->msg_id && (got->m.type & 3) == (buf[0] & 3) &&
           got->m.msg_size == n && plen == n - p->header && !memcmp(pl, buf + p->header, plen);
}

/* What every frame the bus delivers must satisfy, whatever the case is about. */
static void check_frame(struct vmsg_case *c, unsigned side, struct bus_frame *f)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const char *where = side == VMSG_SIDE_DEVICE ? "device side" : "driver side";
    if (l->max_msg_size && f->len > l->max_msg_size) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.advertise.2", "no frame above the advertised maximum, in either direction",
                       "%s: a %zu-byte frame (maximum %u)", where, f->len, l->max_msg_size);
    }
    if (f->d.outcome == VMSG_TRUNCATED || (f->d.outcome == VMSG_MALFORMED && !f->m.frame_len))
        return; /* no msg_size to measure padding against: the case judges the frame */
    if (f->len > f->m.frame_len && f->m.frame_len) {
        struct vmsg_cur cur = vmsg_cur_make(f->buf, f->len);
        vmsg_cur_seek(&cur, f->m.frame_len);
        size_t extra = f->len - f->m.frame_len;
        const uint8_t *tail = vmsg_cur_take(&cur, extra);
        for (size_t i = 0; tail && i < extra; i++)
            if (tail[i]) {
                vmsg_case_mark_frame(c);
                vmsg_case_fail(c, "bus.header.3", "zero bytes after msg_size (bus padding)",
                               "%s: %zu padding bytes, byte %zu is 0x%02x", where, extra, i, tail[i]);
                break;
            }
    }
    if (f->m.cls == VMSG_CLASS_BUS && f->m.kind != VMSG_KIND_REQUEST) {
        /* responses and events of bus messages come from the bus itself */
        if (f->m.dev_num != 0) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.header.1", "dev_num 0 in bus messages", "%s: bus message 0x%02x with dev_num %u",
                           where, f->m.msg_id, f->m.dev_num);
        }
        if (f->m.type & 0xfc) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.header.2", "type bits 2-7 zero in bus messages",
                           "%s: type 0x%02x", where, f->m.type);
        }
    }
    if (f->m.cls == VMSG_CLASS_BUS && f->m.def) {
        /* a bus message v1 defines, as the bus delivered it: in its standard layout */
        char problem[200] = "";
        if (f->d.outcome == VMSG_MALFORMED)
            snprintf(problem, sizeof problem, "%s", f->d.problem);
        for (unsigned i = 0; !problem[0] && i < f->d.nissues; i++)
            if (!strcmp(f->d.issues[i].clause, "bus.bus-messages.1"))
                snprintf(problem, sizeof problem, "%s: %s", f->d.issues[i].field ? f->d.issues[i].field : "layout",
                         f->d.issues[i].text);
        if (problem[0]) {
            vmsg_case_mark_frame(c);
            vmsg_case_warn(c, "bus.bus-messages.1", "bus messages in their standard layout", "%s: %s %s: %s", where,
                           f->m.def->name, vmsg_kind_name(f->m.kind), problem);
        }
    }
}

static void answer_device_side(struct vmsg_case *c, const struct bus_frame *f)
{
    struct vmsg_msg r;
    const struct vmsg_link *l = vmsg_case_link(c);
    unsigned mname = f->m.def ? f->m.def->mname : 0;
    if (f->m.cls == VMSG_CLASS_BUS && mname == VMSG_M_PING) {
        bus_msg(c, &r, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0);
        vmsg_set(&r, VMSG_FLD_DATA, vmsg_get(&f->m, VMSG_FLD_DATA));
    } else if (f->m.cls == VMSG_CLASS_BUS && mname == VMSG_M_GET_DEVICES) {
        uint32_t off = (uint32_t)vmsg_get(&f->m, VMSG_FLD_OFFSET), cnt = (uint32_t)vmsg_get(&f->m, VMSG_FLD_COUNT);
        uint8_t bitmap[64] = {0};
        uint16_t devs[BUS_MAX_DEVS];
        unsigned n = bus_devices(c, devs);
        uint32_t highest = 0;
        if (off % 8 || cnt % 8)
            return;
        if (cnt > 8 * sizeof bitmap)
            cnt = 8 * sizeof bitmap;
        for (unsigned i = 0; i < n; i++) {
            highest = devs[i] + 1u > highest ? devs[i] + 1u : highest;
            if (devs[i] >= off && devs[i] < off + cnt)
                bitmap[(devs[i] - off) / 8] |= (uint8_t)(1u << ((devs[i] - off) % 8));
        }
        bus_msg(c, &r, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0);
        vmsg_set(&r, VMSG_FLD_OFFSET, off);
        vmsg_set(&r, VMSG_FLD_COUNT, cnt);
        vmsg_set(&r, VMSG_FLD_NEXT_OFFSET, off + cnt < highest ? off + cnt : 0);
        vmsg_set_bytes(&r, VMSG_FLD_BITMAP, bitmap, cnt / 8);
    } else if (f->m.cls == VMSG_CLASS_TRANSPORT && mname == VMSG_M_GET_DEVICE_INFO) {
        bus_msg(c, &r, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, f->m.dev_num);
        vmsg_set(&r, VMSG_FLD_DEVICE_ID, 1);
        vmsg_set(&r, VMSG_FLD_NUM_FEATURE_BITS, 64);
        vmsg_set(&r, VMSG_FLD_CONFIG_SIZE, 256);
        vmsg_set(&r, VMSG_FLD_MAX_VIRTQUEUES, 2);
    } else {
        return;
    }
    (void)l;
    r.token = f->m.token;
    r.token_override = true;
    bus_send(c, VMSG_SIDE_DEVICE, &r);
}

/* Traffic the bus may originate on its own, handled here; true when skipped. */
static bool skip_own_traffic(struct vmsg_case *c, unsigned side, struct bus_frame *f, bool bus_events)
{
    if (f->d.outcome == VMSG_TRUNCATED || (f->d.outcome == VMSG_MALFORMED && !f->m.def))
        return false;
    unsigned mname = f->m.def ? f->m.def->mname : 0;
    if (side == VMSG_SIDE_DEVICE && f->m.kind == VMSG_KIND_REQUEST &&
        ((f->m.cls == VMSG_CLASS_BUS && (mname == VMSG_M_PING || mname == VMSG_M_GET_DEVICES)) ||
         (f->m.cls == VMSG_CLASS_TRANSPORT && mname == VMSG_M_GET_DEVICE_INFO))) {
        answer_device_side(c, f);
        return true;
    }
    if (side == VMSG_SIDE_DRIVER && !bus_events && f->m.cls == VMSG_CLASS_BUS && mname == VMSG_M_EVENT_DEVICE) {
        uint16_t n = (uint16_t)vmsg_get(&f->m, VMSG_FLD_DEVICE_NUMBER);
        if (vmsg_get(&f->m, VMSG_FLD_BUS_STATE) == VMSG_BUS_STATE_READY && !bus_is_device(c, n)) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.discovery.1", "only device numbers that exist are exposed",
                           "EVENT_DEVICE READY for device %u, which the device side does not serve", n);
        }
        return true;
    }
    return false;
}

bool bus_recv(struct vmsg_case *c, unsigned side, struct bus_frame *f, bool bus_events)
{
    uint64_t deadline = now_ms() + vmsg_case_reply_timeout(c);
    for (;;) {
        uint64_t t = now_ms();
        unsigned left = t >= deadline ? 0 : (unsigned)(deadline - t);
        f->len = 0;
        if (vmsg_case_recv_side(c, side, f->buf, sizeof f->buf, &f->len, left, &f->m, &f->d) == VMSG_IO_TIMEOUT)
            return false;
        check_frame(c, side, f);
        if (!skip_own_traffic(c, side, f, bus_events))
            return true;
    }
}

bool bus_silence(struct vmsg_case *c, unsigned side, const char *clause, const char *why)
{
    struct bus_frame *f = malloc(sizeof *f); /* 64 KiB: off the stack */
    if (!f) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    bool quiet = !bus_recv(c, side, f, false);
    if (!quiet) {
        char s[200];
        if (f->d.outcome == VMSG_TRUNCATED || f->d.outcome == VMSG_MALFORMED)
            snprintf(s, sizeof s, "a %zu-byte %s frame (%s)", f->len, vmsg_outcome_name(f->d.outcome), f->d.problem);
        else
            vmsg_summary(&f->m, s, sizeof s);
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, clause, why, "%s side: got %s", side == VMSG_SIDE_DEVICE ? "device" : "driver", s);
    }
    free(f);
    return quiet;
}

void bus_answer(struct vmsg_case *c, const struct bus_frame *req)
{
    struct vmsg_msg r;
    unsigned mname = req->m.def ? req->m.def->mname : 0;
    uint8_t data[256];
    uint32_t off = (uint32_t)vmsg_get(&req->m, VMSG_FLD_OFFSET), len = (uint32_t)vmsg_get(&req->m, VMSG_FLD_LENGTH);
    if (len > sizeof data)
        len = sizeof data;
    bus_msg(c, &r, mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, req->m.dev_num);
    vmsg_set(&r, VMSG_FLD_GENERATION, 7);
    vmsg_set(&r, VMSG_FLD_OFFSET, off);
    vmsg_set(&r, VMSG_FLD_LENGTH, len);
    if (mname == VMSG_M_SET_CONFIG) {
        uint32_t blen = 0;
        const uint8_t *b = vmsg_get_bytes(&req->m, VMSG_FLD_DATA, &blen);
        vmsg_set_bytes(&r, VMSG_FLD_DATA, b, blen < len ? blen : len);
    } else {
        for (uint32_t i = 0; i < len; i++)
            data[i] = bus_pattern(req->m.dev_num, off + i);
        vmsg_set_bytes(&r, VMSG_FLD_DATA, data, len);
    }
    r.token = req->m.token;
    r.token_override = true;
    bus_send(c, VMSG_SIDE_DEVICE, &r);
}

bool bus_get_devices(struct vmsg_case *c, uint32_t off, uint32_t cnt, struct bus_frame *f, struct bus_window *w)
{
    struct vmsg_msg m;
    bus_msg(c, &m, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0);
    vmsg_set(&m, VMSG_FLD_OFFSET, off);
    vmsg_set(&m, VMSG_FLD_COUNT, cnt);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    for (;;) {
        if (!bus_recv(c, VMSG_SIDE_DRIVER, f, false))
            return false;
        if (f->m.cls == VMSG_CLASS_BUS && f->m.kind == VMSG_KIND_RESPONSE && f->m.msg_id == m.msg_id)
            break;
    }
    uint32_t plen = 0;
    const uint8_t *pl = bus_payload(c, f, &plen);
    struct vmsg_cur cur = vmsg_cur_make(pl, plen);
    w->off = vmsg_cur_le16(&cur);
    if (vmsg_case_link(c)->profile == VMSG_PROFILE_V2_DRAFT) {
        w->next = vmsg_cur_le16(&cur);
        w->cnt = vmsg_cur_le16(&cur);
    } else {
        w->cnt = vmsg_cur_le16(&cur);
        w->next = vmsg_cur_le16(&cur);
    }
    if (cur.bad) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.get-devices.1", "offset, count and next_offset", "a %u-byte GET_DEVICES payload", plen);
        vmsg_case_abort(c);
    }
    w->blen = (uint32_t)vmsg_cur_left(&cur);
    w->bitmap = vmsg_cur_take(&cur, w->blen);
    return true;
}
