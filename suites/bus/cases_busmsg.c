/* Bus suite: what the bus says itself (GET_DEVICES, PING, EVENT_DEVICE, the
 * advertised maximum). Raw payload bytes are read through the cursor: a
 * faulty response may not fit its own layout, and the case judges it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/cursor.h>

#include "bus.h"
#include "cases.h"

/* Judge one window against the devices the harness serves. */
static void judge_window(struct vmsg_case *c, uint32_t req_off, uint32_t req_cnt, const struct bus_window *w)
{
    if (w->off != req_off) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.get-devices.3", "the requested offset echoed", "offset %u for a request at %u", w->off,
                       req_off);
        return;
    }
    if (w->cnt % 8) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.get-devices.1", "count a multiple of 8", "count %u", w->cnt);
    }
    if (w->blen != w->cnt / 8) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.get-devices.3", "a bitmap of count/8 bytes for the window returned",
                       "count %u with a %u-byte bitmap", w->cnt, w->blen);
    }
    if (w->cnt > req_cnt) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "bus.get-devices.3", "the requested count, or less when constrained",
                       "count %u for a request of %u", w->cnt, req_cnt);
    } else if (w->cnt < req_cnt) {
        vmsg_case_info(c, "bus.get-devices.3", "a smaller window (%u of %u slots) was returned", w->cnt, req_cnt);
    }
    uint32_t slots = w->cnt < w->blen * 8 ? w->cnt : w->blen * 8;
    for (uint32_t i = 0; i < slots; i++) {
        uint16_t n = (uint16_t)(w->off + i);
        bool set = (w->bitmap[i / 8] >> (i % 8)) & 1; /* least significant bit first */
        bool served = bus_is_device(c, n);
        if (set && !served) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.discovery.1", "only validated device numbers exposed",
                           "device %u reported present; the device side serves no such device", n);
        } else if (!set && served) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.get-devices.3", "the bitmap represents the window",
                           "device %u is present but its bit (byte %u, bit %u) is clear", n, i / 8, i % 8);
        }
    }
}

static void need_get_devices(struct vmsg_case *c, bool answered)
{
    if (!answered) {
        vmsg_case_na(c, "the bus does not answer GET_DEVICES (another enumeration method, bus.discovery.3)");
        vmsg_case_abort(c);
    }
}

void bcase_get_devices_window(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    struct bus_frame f;
    struct bus_window w;
    need_get_devices(c, bus_get_devices(c, 0, 64, &f, &w));
    judge_window(c, 0, 64, &w);
    /* a window past every device: all clear */
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    uint32_t hi = 0;
    for (unsigned i = 0; i < n; i++)
        hi = devs[i] > hi ? devs[i] : hi;
    uint32_t beyond = (hi / 8 + 1) * 8;
    if (beyond + 16 <= 0x10000 && bus_get_devices(c, beyond, 16, &f, &w))
        judge_window(c, beyond, 16, &w);
    /* a misaligned request: dropped, or answered with an aligned window */
    if (bus_get_devices(c, 4, 12, &f, &w) && (w.off % 8 || w.cnt % 8)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.get-devices.1", "offset and count kept to multiples of 8",
                       "a request at offset 4 for 12 slots answered with offset %u count %u", w.off, w.cnt);
    }
}

void bcase_get_devices_walk(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    struct bus_frame f;
    struct bus_window w;
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    bool found[BUS_MAX_DEVS] = {false};
    uint32_t off = 0;
    need_get_devices(c, bus_get_devices(c, off, 8, &f, &w));
    for (unsigned step = 0;; step++) {
        judge_window(c, off, 8, &w);
        uint32_t slots = w.cnt < w.blen * 8 ? w.cnt : w.blen * 8;
        for (uint32_t i = 0; i < slots; i++)
            for (unsigned k = 0; k < n; k++)
                if (devs[k] == w.off + i && ((w.bitmap[i / 8] >> (i % 8)) & 1))
                    found[k] = true;
        if (w.next == 0)
            break;
        if (w.next % 8 || w.next < w.off + w.cnt) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.get-devices.2", "next_offset 0, or aligned and at least offset + count",
                           "offset %u count %u next_offset %u", w.off, w.cnt, w.next);
            return;
        }
        if (w.next == off || step == 64 || w.next > 0xfff8) {
            vmsg_case_info(c, "bus.get-devices.2", "walk stopped after %u windows at next_offset %u", step + 1, w.next);
            break;
        }
        off = w.next;
        if (!bus_get_devices(c, off, 8, &f, &w)) {
            vmsg_case_fail(c, "bus.get-devices.2", "a window where next_offset points",
                           "GET_DEVICES at next_offset %u was not answered", off);
            return;
        }
    }
    for (unsigned k = 0; k < n; k++)
        if (!found[k])
            vmsg_case_warn(c, "bus.dev-num.2", "every device found by following next_offset from 0",
                           "device %u was never reported", devs[k]);
}

void bcase_ping(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint32_t values[] = {0, 0xdeadbeef, 0x80000001, vmsg_case_rand(c)};
    struct bus_frame f;
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
        struct vmsg_msg m;
        bus_msg(c, &m, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0);
        vmsg_set(&m, VMSG_FLD_DATA, values[i]);
        bus_send(c, VMSG_SIDE_DRIVER, &m);
        if (!bus_recv(c, VMSG_SIDE_DRIVER, &f, false) || f.m.cls != VMSG_CLASS_BUS ||
            f.m.kind != VMSG_KIND_RESPONSE || f.m.msg_id != m.msg_id) {
            if (i == 0) {
                vmsg_case_na(c, "the bus does not answer PING (no health checks by bus messages)");
                vmsg_case_abort(c);
            }
            vmsg_case_fail(c, "bus.ping.1", "a PING response", "PING 0x%08x unanswered (the first one was)", values[i]);
            continue;
        }
        uint32_t plen = 0;
        struct vmsg_cur cur;
        const uint8_t *pl = bus_payload(c, &f, &plen);
        cur = vmsg_cur_make(pl, plen);
        uint32_t echo = vmsg_cur_le32(&cur);
        if (cur.bad || echo != values[i]) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.ping.1", "the request's data echoed exactly", "sent 0x%08x, got %s0x%08x",
                           values[i], cur.bad ? "a short payload, " : "", cur.bad ? 0u : echo);
        }
    }
    /* from the device side: an answer, when there is one, echoes too */
    struct vmsg_msg m;
    bus_msg(c, &m, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0);
    vmsg_set(&m, VMSG_FLD_DATA, 0x5a5a0001);
    bus_send(c, VMSG_SIDE_DEVICE, &m);
    if (bus_recv(c, VMSG_SIDE_DEVICE, &f, false) && f.m.cls == VMSG_CLASS_BUS && f.m.kind == VMSG_KIND_RESPONSE &&
        f.m.msg_id == m.msg_id && vmsg_get(&f.m, VMSG_FLD_DATA) != 0x5a5a0001) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.ping.1", "the request's data echoed exactly", "device-side PING 0x5a5a0001 got 0x%08x",
                       (unsigned)vmsg_get(&f.m, VMSG_FLD_DATA));
    }
    bus_recv(c, VMSG_SIDE_DRIVER, &f, false); /* a relayed device-side PING is the bus's choice */
}

/* Wait for EVENT_DEVICE (dev, state) on the driver side. */
static void expect_event_device(struct vmsg_case *c, uint16_t dev, unsigned state, const char *what)
{
    struct bus_frame f;
    while (bus_recv(c, VMSG_SIDE_DRIVER, &f, true)) {
        if (f.m.cls == VMSG_CLASS_BUS && f.m.def && f.m.def->mname == VMSG_M_EVENT_DEVICE &&
            vmsg_get(&f.m, VMSG_FLD_DEVICE_NUMBER) == dev) {
            if (vmsg_get(&f.m, VMSG_FLD_BUS_STATE) != state) {
                vmsg_case_mark_frame(c);
                vmsg_case_fail(c, "bus.hotplug.1", what, "EVENT_DEVICE for device %u with bus_state %u", dev,
                               (unsigned)vmsg_get(&f.m, VMSG_FLD_BUS_STATE));
            }
            return;
        }
    }
    vmsg_case_fail(c, "bus.hotplug.1", what, "no EVENT_DEVICE for device %u reached the driver", dev);
}

void bcase_hotplug(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t x = bus_unknown_dev(c);
    char cmd[64], reply[200];
    snprintf(cmd, sizeof cmd, "hotplug %u on", x);
    if (!vmsg_case_control(c, cmd, reply, sizeof reply)) {
        vmsg_case_na(c, "no hotplug trigger for this bus (%s)", reply);
        vmsg_case_abort(c);
    }
    if (strcmp(reply, "event-device")) {
        vmsg_case_na(c, "the bus announces hotplug by other means (%s)", reply);
        vmsg_case_abort(c);
    }
    expect_event_device(c, x, VMSG_BUS_STATE_READY, "EVENT_DEVICE READY when a device appears");
    struct vmsg_msg m;
    struct bus_frame f;
    bus_msg(c, &m, VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, x);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    if (!bus_recv(c, VMSG_SIDE_DEVICE, &f, false) || f.m.dev_num != x)
        vmsg_case_fail(c, "bus.forwarding.1", "messages reach the device that appeared",
                       "EVENT_AVAIL for device %u not delivered after READY", x);
    snprintf(cmd, sizeof cmd, "hotplug %u off", x);
    if (!vmsg_case_control(c, cmd, reply, sizeof reply)) {
        vmsg_case_error(c, "hotplug trigger: %s", reply);
        vmsg_case_abort(c);
    }
    expect_event_device(c, x, VMSG_BUS_STATE_REMOVED, "EVENT_DEVICE REMOVED when a device goes away");
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.dev-num.1", "nothing forwarded to a removed device");
}

void bcase_msg_size(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    char reply[200];
    unsigned max = l->max_msg_size;
    const char *source = "declared with --max-size";
    if (vmsg_case_control(c, "params", reply, sizeof reply)) {
        const char *s = strstr(reply, "max_msg_size=");
        char *end = NULL;
        unsigned long v = s ? strtoul(s + 13, &end, 10) : 0;
        max = (unsigned)v;
        if (!s || end == s + 13 || v > 0xffffffffUL) {
            vmsg_case_error(c, "params hook: cannot read max_msg_size in '%s'", reply);
            vmsg_case_abort(c);
        }
        source = "advertised by the bus";
    }
    if (!max) {
        vmsg_case_na(c, "no maximum message size known for this bus");
        vmsg_case_abort(c);
    }
    if (max < p->min_bus_max)
        vmsg_case_fail(c, "bus.msg-size.1", "a maximum of at least the profile's minimum",
                       "maximum %u bytes (%s), minimum %u", max, source, p->min_bus_max);
    else if (max > p->rec_bus_max)
        vmsg_case_warn(c, "bus.msg-size.2", "a maximum of at most 256 payload bytes plus the header",
                       "maximum %u bytes (%s), recommended at most %u", max, source, p->rec_bus_max);
}

/* The whole requested window unless something constrains the responder.
 * Which limits a bus has of its own is not visible, but a bus that returned
 * W slots at offset 0 has none keeping it below W there: asked for fewer
 * slots at the same offset, it returns them all. Requests shrink from 64
 * slots (a response of 14 bytes of payload, within any maximum v1 allows). */
void bcase_get_devices_full_count(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    static const uint32_t ladder[] = {64, 32, 16, 8};
    struct bus_frame f;
    struct bus_window w;
    uint32_t shown = 0; /* the largest window returned so far */
    for (unsigned i = 0; i < sizeof ladder / sizeof ladder[0]; i++) {
        uint32_t want = ladder[i];
        bool answered = bus_get_devices(c, 0, want, &f, &w);
        if (i == 0)
            need_get_devices(c, answered);
        if (!answered) {
            vmsg_case_fail(c, "bus.get-devices.1", "an answer to every well-formed GET_DEVICES",
                           "GET_DEVICES offset 0 count %u unanswered (a larger one was answered)", want);
            return;
        }
        judge_window(c, 0, want, &w);
        uint32_t owed = want < shown ? want : shown;
        if (w.cnt < owed) {
            vmsg_case_mark_frame(c);
            vmsg_case_warn(c, "prose.get-devices.1", "the requested count unless constrained",
                           "count %u for a request of %u at offset 0, where the bus had returned %u slots", w.cnt,
                           want, shown);
        }
        shown = w.cnt > shown ? w.cnt : shown;
    }
}
