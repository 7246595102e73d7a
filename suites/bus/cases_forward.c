/* Bus suite: transport messages through the bus (forwarding, addressing,
 * tokens, ordering, events, limits). The harness sends on one side and
 * looks at what comes out of the other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/cursor.h>

#include "bus.h"
#include "cases.h"

/* Receive on the device side the message the driver side just sent to
 * DEV_NUM; false (with a FAIL against clause) when it does not come. */
static bool expect_forwarded(struct vmsg_case *c, unsigned side, struct bus_frame *f, struct vmsg_msg *sent,
                             const char *clause)
{
    const char *to = side == VMSG_SIDE_DEVICE ? "device" : "driver";
    char s[160];
    vmsg_summary(sent, s, sizeof s);
    if (!bus_recv(c, side, f, false)) {
        vmsg_case_fail(c, clause, "the message delivered to the addressed party", "%s never reached the %s side", s,
                       to);
        return false;
    }
    if (f->m.msg_id != sent->msg_id || f->m.cls != sent->cls || f->m.kind != sent->kind) {
        char g[160];
        vmsg_summary(&f->m, g, sizeof g);
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, clause, "the message delivered to the addressed party", "sent %s, the %s side got %s", s,
                       to, g);
        return false;
    }
    if (f->m.dev_num != sent->dev_num) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.header.1", "dev_num kept as the routing needs it",
                       "%s side: %s arrived with dev_num %u", to, s, f->m.dev_num);
    }
    if (!bus_same_message(c, f, sent)) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "bus.forwarding.2", "the payload and msg_size as sent", "%s side: %s arrived altered", to,
                       s);
    }
    return true;
}

/* Send REQ on the driver side, receive it on the device side, answer it,
 * receive the answer on the driver side. False when a leg is missing. */
static bool round_trip(struct vmsg_case *c, struct vmsg_msg *req, struct bus_frame *f, const char *clause)
{
    bus_send(c, VMSG_SIDE_DRIVER, req);
    if (!expect_forwarded(c, VMSG_SIDE_DEVICE, f, req, clause))
        return false;
    bus_answer(c, f);
    if (!bus_recv(c, VMSG_SIDE_DRIVER, f, false)) {
        vmsg_case_fail(c, "bus.ordering.2", "one response per forwarded request", "no response to %s reached the driver",
                       vmsg_mname_names[req->def->mname]);
        return false;
    }
    if (f->m.kind != VMSG_KIND_RESPONSE || f->m.msg_id != req->msg_id || f->m.dev_num != req->dev_num) {
        char g[160];
        vmsg_summary(&f->m, g, sizeof g);
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.forwarding.1", "the device's response", "driver side got %s", g);
        return false;
    }
    return true;
}

void bcase_forward_addressed(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    struct bus_frame f;
    for (unsigned i = 0; i < n; i++) {
        uint8_t data[4] = {bus_pattern(devs[i], 0), (uint8_t)i, 0xa5, (uint8_t)(0x80 | i)};
        struct vmsg_msg req;
        bus_set_config(c, &req, devs[i], 4 * i, data, sizeof data);
        if (!round_trip(c, &req, &f, "bus.forwarding.1"))
            continue;
        /* the device's answer comes back as the device sent it */
        uint32_t len = 0;
        const uint8_t *b = vmsg_get_bytes(&f.m, VMSG_FLD_DATA, &len);
        if (vmsg_get(&f.m, VMSG_FLD_GENERATION) != 7 || vmsg_get(&f.m, VMSG_FLD_OFFSET) != 4 * i || len != 4 ||
            !b || memcmp(b, data, 4)) {
            vmsg_case_mark_frame(c);
            vmsg_case_warn(c, "bus.forwarding.2", "the response payload as the device sent it",
                           "SET_CONFIG response for device %u arrived altered", devs[i]);
        }
    }
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.forwarding.1", "each message delivered once, to its device only");
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.ordering.2", "one response per request");
}

void bcase_forward_unknown(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t unknown = bus_unknown_dev(c);
    struct vmsg_msg m;
    bus_get_config(c, &m, unknown, 0);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.dev-num.1", "nothing forwarded for a device number never validated");
    bus_msg(c, &m, VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, unknown);
    vmsg_set(&m, VMSG_FLD_INDEX, 0);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.dev-num.1", "nothing forwarded for a device number never validated");
    struct bus_frame f;
    if (bus_recv(c, VMSG_SIDE_DRIVER, &f, false))
        vmsg_case_info(c, "bus.errors.1", "the bus signalled the undeliverable request to the driver (allowed)");
}

void bcase_token_transparent(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    static const uint16_t tokens[] = {0xbeef, 0x0001, 0xffff, 0x8000};
    uint16_t dev = vmsg_case_link(c)->dev_num;
    struct bus_frame f;
    for (unsigned i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        struct vmsg_msg req;
        bus_get_config(c, &req, dev, 4 * i);
        req.token = tokens[i];
        req.token_override = true;
        if (!round_trip(c, &req, &f, "bus.forwarding.1"))
            return;
        if (vmsg_get(&f.m, VMSG_FLD_OFFSET) != 4 * i) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.ordering.2", "exactly one response per request",
                           "the response to GET_CONFIG offset %u arrived where the one to offset %u was due",
                           (unsigned)vmsg_get(&f.m, VMSG_FLD_OFFSET), 4 * i);
            return;
        }
        if (f.m.token != tokens[i]) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.header.4", "the driver's own token back in the response (token use is transparent)",
                           "sent token 0x%04x, the response carries 0x%04x", tokens[i], f.m.token);
        }
    }
    /* two outstanding requests: each response gets its own request's token */
    struct vmsg_msg a, b;
    bus_get_config(c, &a, dev, 0);
    a.token = 0x1111, a.token_override = true;
    bus_get_config(c, &b, dev, 4);
    b.token = 0x2222, b.token_override = true;
    bus_send(c, VMSG_SIDE_DRIVER, &a);
    bus_send(c, VMSG_SIDE_DRIVER, &b);
    struct bus_frame fb;
    if (!expect_forwarded(c, VMSG_SIDE_DEVICE, &f, &a, "bus.forwarding.1") ||
        !expect_forwarded(c, VMSG_SIDE_DEVICE, &fb, &b, "bus.forwarding.1"))
        return;
    if (f.m.token != 0x1111 || fb.m.token != 0x2222)
        vmsg_case_info(c, "prose.token-overwrite.1",
                       "the bus overwrote the tokens towards the device (0x1111, 0x2222 arrived as 0x%04x, 0x%04x)",
                       f.m.token, fb.m.token);
    bus_answer(c, &f);
    bus_answer(c, &fb);
    for (unsigned i = 0; i < 2; i++) {
        if (!bus_recv(c, VMSG_SIDE_DRIVER, &f, false)) {
            vmsg_case_fail(c, "bus.ordering.2", "one response per forwarded request", "response %u of 2 missing", i + 1);
            return;
        }
        uint16_t want = vmsg_get(&f.m, VMSG_FLD_OFFSET) == 0 ? 0x1111 : 0x2222;
        if (f.m.token != want) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.header.4", "the driver's own token back in the response (token use is transparent)",
                           "response to offset %u carries token 0x%04x, the request had 0x%04x",
                           (unsigned)vmsg_get(&f.m, VMSG_FLD_OFFSET), f.m.token, want);
        }
    }
}

/* Requests of the ordering case: (device, offset) pairs. */
struct oreq {
    uint16_t dev;
    uint32_t off;
    unsigned answered, delivered;
};

static void ordering_round(struct vmsg_case *c, struct oreq *q, unsigned nq, const unsigned *answer_order)
{
    struct bus_frame *got = malloc(4 * sizeof *got); /* the requests as the device side saw them */
    struct bus_frame f;
    if (!got || nq > 4) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    for (unsigned i = 0; i < nq; i++) {
        struct vmsg_msg m;
        bus_get_config(c, &m, q[i].dev, q[i].off);
        bus_send(c, VMSG_SIDE_DRIVER, &m);
        q[i].delivered = 0;
    }
    /* the device side receives them (per device in order; across devices in any order) */
    int slot[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    for (unsigned k = 0; k < nq; k++) {
        if (!bus_recv(c, VMSG_SIDE_DEVICE, &got[k], false)) {
            vmsg_case_fail(c, "bus.forwarding.1", "every request delivered to its device",
                           "only %u of %u GET_CONFIG requests reached the device side", k, nq);
            free(got);
            return;
        }
        for (unsigned i = 0; i < nq; i++)
            if (slot[i] < 0 && q[i].dev == got[k].m.dev_num && q[i].off == vmsg_get(&got[k].m, VMSG_FLD_OFFSET)) {
                slot[i] = (int)k;
                break;
            }
    }
    for (unsigned i = 0; i < nq; i++)
        if (slot[i] < 0) {
            vmsg_case_fail(c, "bus.forwarding.1", "every request delivered to its device",
                           "GET_CONFIG offset %u for device %u never reached the device side", q[i].off, q[i].dev);
            free(got);
            return;
        }
    for (unsigned k = 0; k < nq; k++)
        bus_answer(c, &got[slot[answer_order[k]]]);
    /* the driver side: each response once, per device in request order */
    unsigned next_of_dev[8] = {0};
    for (;;) {
        if (!bus_recv(c, VMSG_SIDE_DRIVER, &f, false))
            break;
        int hit = -1;
        for (unsigned i = 0; i < nq; i++)
            if (f.m.kind == VMSG_KIND_RESPONSE && f.m.msg_id == got[0].m.msg_id && q[i].dev == f.m.dev_num &&
                q[i].off == vmsg_get(&f.m, VMSG_FLD_OFFSET))
                hit = (int)i;
        if (hit < 0) {
            char s[160];
            vmsg_summary(&f.m, s, sizeof s);
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.ordering.2", "exactly the responses to the requests", "unexpected %s", s);
            continue;
        }
        if (++q[hit].delivered > 1) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.ordering.2", "exactly one response per request",
                           "response to GET_CONFIG offset %u (device %u) delivered %u times", q[hit].off, q[hit].dev,
                           q[hit].delivered);
            continue;
        }
        /* position of this request among its device's requests */
        unsigned pos = 0, d = 0;
        for (unsigned i = 0; i < (unsigned)hit; i++)
            pos += q[i].dev == q[hit].dev;
        for (unsigned i = 0; i < nq && q[i].dev != q[hit].dev; i++)
            d++;
        if (d < 8 && pos < next_of_dev[d]) {
            /* a gap alone is a missing response (judged below), not a reordering */
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.ordering.1", "responses per device in request order",
                           "device %u: the response to request %u came after the one to request %u", q[hit].dev,
                           pos + 1, next_of_dev[d]);
        }
        if (d < 8 && pos >= next_of_dev[d])
            next_of_dev[d] = pos + 1;
    }
    for (unsigned i = 0; i < nq; i++)
        if (!q[i].delivered)
            vmsg_case_fail(c, "bus.ordering.2", "exactly one response per request",
                           "the response to GET_CONFIG offset %u (device %u) never reached the driver", q[i].off,
                           q[i].dev);
    free(got);
}

void bcase_ordering(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    uint16_t a = devs[0], b = n > 1 ? devs[1] : devs[0];
    /* requests interleaved across the two devices */
    struct oreq q[4] = {{a, 0, 0, 0}, {b, 8, 0, 0}, {a, 4, 0, 0}, {b, 12, 0, 0}};
    /* round 1: device a answers both before device b; round 2: answers interleaved */
    static const unsigned order1[] = {0, 2, 1, 3}, order2[] = {1, 0, 3, 2};
    ordering_round(c, q, 4, order1);
    ordering_round(c, q, 4, order2);
}

void bcase_events(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    const char *oob = vmsg_case_ics(c, "bus.event_avail");
    bool in_band = !oob || strcmp(oob, "out-of-band");
    struct bus_frame f;
    for (unsigned i = 0; i < n; i++) {
        struct vmsg_msg m;
        if (in_band) {
            bus_msg(c, &m, VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, devs[i]);
            vmsg_set(&m, VMSG_FLD_INDEX, i & 1);
            bus_send(c, VMSG_SIDE_DRIVER, &m);
            expect_forwarded(c, VMSG_SIDE_DEVICE, &f, &m, "bus.notify.1");
        }
        bus_msg(c, &m, VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, devs[i]);
        vmsg_set(&m, VMSG_FLD_INDEX, i & 1);
        bus_send(c, VMSG_SIDE_DEVICE, &m);
        expect_forwarded(c, VMSG_SIDE_DRIVER, &f, &m, "bus.dev-notify.1");
        uint8_t data[4] = {1, 2, 3, (uint8_t)i};
        bus_msg(c, &m, VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, devs[i]);
        vmsg_set(&m, VMSG_FLD_STATUS, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_DRIVER_OK);
        vmsg_set(&m, VMSG_FLD_GENERATION, 8);
        vmsg_set(&m, VMSG_FLD_OFFSET, 0);
        vmsg_set(&m, VMSG_FLD_LENGTH, 4);
        vmsg_set_bytes(&m, VMSG_FLD_DATA, data, 4);
        bus_send(c, VMSG_SIDE_DEVICE, &m);
        expect_forwarded(c, VMSG_SIDE_DRIVER, &f, &m, "bus.dev-notify.1");
    }
    if (!in_band)
        vmsg_case_info(c, "bus.notify.1", "EVENT_AVAIL not checked: the ICS says the bus delivers it out of band");
}

void bcase_events_no_answer(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t dev = vmsg_case_link(c)->dev_num;
    struct vmsg_msg m;
    struct bus_frame f;
    bus_msg(c, &m, VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, dev);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bus_recv(c, VMSG_SIDE_DEVICE, &f, false); /* relayed or not: bus.notify.1 is another case's */
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.errors.3", "no answer of any kind to an event");
    bus_msg(c, &m, VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, dev);
    bus_send(c, VMSG_SIDE_DEVICE, &m);
    bus_recv(c, VMSG_SIDE_DRIVER, &f, false);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.errors.3", "no answer of any kind to an event");
}

/* A raw frame: header fields as given, payload zero-filled. */
static void raw_frame(struct vmsg_case *c, uint8_t *buf, size_t len, uint8_t type, uint8_t id, uint16_t dev,
                      uint16_t msg_size)
{
    const struct vmsg_profile_def *p = vmsg_profile(vmsg_case_link(c)->profile);
    memset(buf, 0, len);
    buf[0] = type;
    buf[1] = id;
    vmsg_put_le(buf + 2, dev, 2);
    if (p->token)
        vmsg_put_le(buf + 4, 0x4242, 2);
    if (p->size_field)
        vmsg_put_le(buf + (p->token ? 6 : 4), msg_size, 2);
}

void bcase_errors_discard(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    const struct vmsg_profile_def *p = vmsg_profile(vmsg_case_link(c)->profile);
    if (!p->size_field || !p->event_bit) {
        vmsg_case_na(c, "profile %s has no msg_size or no id ranges to probe", p->name);
        vmsg_case_abort(c);
    }
    uint16_t dev = vmsg_case_link(c)->dev_num;
    uint8_t buf[64];
    size_t h = p->header;
    static const char *why = "invalid messages discarded without any traffic";
    /* an undefined id in the standard transport request range */
    raw_frame(c, buf, h + 8, 0x00, 0x3e, dev, (uint16_t)(h + 8));
    vmsg_case_send_side(c, VMSG_SIDE_DRIVER, buf, h + 8);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.errors.2", why);
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.errors.2", why);
    /* an undefined id in the standard bus request range */
    raw_frame(c, buf, h + 8, 0x02, 0x3e, 0, (uint16_t)(h + 8));
    vmsg_case_send_side(c, VMSG_SIDE_DRIVER, buf, h + 8);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.errors.2", why);
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.errors.2", why);
    /* from the device: an undefined id in the standard transport event range */
    raw_frame(c, buf, h + 4, 0x00, 0x7e, dev, (uint16_t)(h + 4));
    vmsg_case_send_side(c, VMSG_SIDE_DEVICE, buf, h + 4);
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.errors.2", why);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.errors.2", why);
    /* last on each side (a stream reader waits for the missing bytes): a
     * header announcing more bytes than the frame has */
    raw_frame(c, buf, h, 0x00, 0x05, dev, (uint16_t)(h + 16));
    vmsg_case_send_side(c, VMSG_SIDE_DRIVER, buf, h);
    raw_frame(c, buf, h, 0x00, 0x42, dev, (uint16_t)(h + 12));
    vmsg_case_send_side(c, VMSG_SIDE_DEVICE, buf, h);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.errors.2", why);
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.errors.2", why);
}

void bcase_reserved_bits(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t dev = vmsg_case_link(c)->dev_num;
    struct vmsg_msg req;
    struct bus_frame f;
    uint8_t buf[128];
    bus_get_config(c, &req, dev, 0);
    req.token = 0x0777, req.token_override = true;
    size_t n = vmsg_encode(&req, buf, sizeof buf);
    buf[0] |= 0x04; /* a transport message with a reserved type bit: the bus ignores the bit */
    vmsg_case_send_side(c, VMSG_SIDE_DRIVER, buf, n);
    if (!bus_recv(c, VMSG_SIDE_DEVICE, &f, false)) {
        vmsg_case_fail(c, "bus.header.2", "reserved type bits ignored when forwarding",
                       "GET_CONFIG with type bit 2 set never reached the device");
        return;
    }
    if (f.m.msg_id != req.msg_id || f.m.dev_num != dev) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "bus.forwarding.1", "the GET_CONFIG request", "device side got msg_id 0x%02x dev_num %u",
                       f.m.msg_id, f.m.dev_num);
        return;
    }
    if (f.m.type & 0x04)
        vmsg_case_info(c, "bus.header.2", "the reserved bit was passed on as it was");
    bus_answer(c, &f);
    if (!bus_recv(c, VMSG_SIDE_DRIVER, &f, false))
        vmsg_case_fail(c, "bus.ordering.2", "one response per forwarded request", "no response reached the driver");
    /* bus messages the bus generates: reserved bits checked by bus_recv */
    bus_msg(c, &req, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0);
    vmsg_set(&req, VMSG_FLD_DATA, 0x01020304);
    bus_send(c, VMSG_SIDE_DRIVER, &req);
    if (!bus_recv(c, VMSG_SIDE_DRIVER, &f, false))
        vmsg_case_info(c, "bus.header.2", "no PING response to look at");
}

void bcase_framing(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    uint16_t dev = vmsg_case_link(c)->dev_num;
    struct bus_frame f;
    /* odd payload sizes both ways; bus_recv checks the bytes past msg_size */
    for (uint32_t len = 1; len <= 7; len += 2) {
        static const uint8_t data[8] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7};
        struct vmsg_msg m;
        bus_set_config(c, &m, dev, 0, data, len);
        round_trip(c, &m, &f, "bus.forwarding.1");
        bus_msg(c, &m, VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, dev);
        vmsg_set(&m, VMSG_FLD_GENERATION, 9);
        vmsg_set(&m, VMSG_FLD_LENGTH, len);
        vmsg_set_bytes(&m, VMSG_FLD_DATA, data, len);
        bus_send(c, VMSG_SIDE_DEVICE, &m);
        expect_forwarded(c, VMSG_SIDE_DRIVER, &f, &m, "bus.dev-notify.1");
    }
}

void bcase_limits_both_ways(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    uint16_t dev = l->dev_num;
    uint32_t max = l->max_msg_size;
    if (!max || !p->size_field || max + 16 > 65535) {
        vmsg_case_na(c, "no usable maximum message size on this link");
        vmsg_case_abort(c);
    }
    uint8_t *data = malloc(65536);
    if (!data) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    /* vmsg_case_abort() does not return, so data is not NULL below: cppcheck cannot see _Noreturn */
    for (size_t i = 0; i < 65536; i++)
        // cppcheck-suppress nullPointerRedundantCheck
        data[i] = (uint8_t)i;
    uint32_t fixed = p->header + 12; /* SET_CONFIG / GET_CONFIG response: generation, offset, length */
    uint32_t evfixed = p->header + 16; /* EVENT_CONFIG: status, generation, offset, length */
    struct vmsg_msg m;
    struct bus_frame f;
    /* exactly the maximum: delivered both ways */
    bus_set_config(c, &m, dev, 0, data, max - fixed);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    if (expect_forwarded(c, VMSG_SIDE_DEVICE, &f, &m, "bus.forwarding.1")) {
        bus_answer(c, &f);
        bus_recv(c, VMSG_SIDE_DRIVER, &f, false);
    }
    bus_msg(c, &m, VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, dev);
    vmsg_set(&m, VMSG_FLD_GENERATION, 3);
    vmsg_set(&m, VMSG_FLD_LENGTH, max - evfixed);
    vmsg_set_bytes(&m, VMSG_FLD_DATA, data, max - evfixed);
    bus_send(c, VMSG_SIDE_DEVICE, &m);
    expect_forwarded(c, VMSG_SIDE_DRIVER, &f, &m, "bus.dev-notify.1");
    /* 8 bytes above it: dropped both ways */
    bus_set_config(c, &m, dev, 0, data, max - fixed + 8);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bus_silence(c, VMSG_SIDE_DEVICE, "bus.advertise.2", "a message above the maximum is not delivered (driver to device)");
    bus_recv(c, VMSG_SIDE_DRIVER, &f, false); /* a transport-visible failure is allowed (bus.errors.1) */
    bus_msg(c, &m, VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, dev);
    vmsg_set(&m, VMSG_FLD_GENERATION, 4);
    vmsg_set(&m, VMSG_FLD_LENGTH, max - evfixed + 8);
    vmsg_set_bytes(&m, VMSG_FLD_DATA, data, max - evfixed + 8);
    bus_send(c, VMSG_SIDE_DEVICE, &m);
    bus_silence(c, VMSG_SIDE_DRIVER, "bus.advertise.2", "a message above the maximum is not delivered (device to driver)");
    free(data);
}

/* Messages of a later revision (ids revision 1 leaves free in the standard
 * ranges, both classes, both directions): a revision-1 bus cannot carry
 * them, so it drops them or reports a transport error to their sender; it
 * never hands them to the other side. (Whether a report is extra traffic
 * bus.errors.2 forbids is judged by bus.errors.discard.) */
void bcase_later_revision(struct vmsg_case *c)
{
    bus_need_two_sides(c);
    const struct vmsg_profile_def *p = vmsg_profile(vmsg_case_link(c)->profile);
    if (!p->size_field || !p->event_bit) {
        vmsg_case_na(c, "profile %s has no msg_size or no id ranges to probe", p->name);
        vmsg_case_abort(c);
    }
    static const struct {
        uint8_t type, id;
    } from_driver[] = {
        {0x00, 0x0d}, /* transport request after GET_SHM */
        {0x00, 0x3f}, /* the last transport request id */
        {0x00, 0x43}, /* transport event after EVENT_USED */
        {0x02, 0x04}, /* bus request after PING */
        {0x02, 0x3f}, /* the last bus request id */
    }, from_device[] = {
        {0x00, 0x43}, /* transport event after EVENT_USED */
        {0x00, 0x7f}, /* the last transport event id */
        {0x02, 0x41}, /* bus event after EVENT_DEVICE */
        {0x01, 0x0d}, /* a response to a transport request revision 1 does not have */
    };
    uint16_t dev = vmsg_case_link(c)->dev_num;
    size_t h = p->header;
    uint8_t buf[64];
    struct bus_frame *f = malloc(sizeof *f); /* 64 KiB: off the stack */
    if (!f) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    for (unsigned side = 0; side < 2; side++) {
        unsigned from = side ? VMSG_SIDE_DEVICE : VMSG_SIDE_DRIVER, to = side ? VMSG_SIDE_DRIVER : VMSG_SIDE_DEVICE;
        unsigned n = side ? sizeof from_device / sizeof from_device[0] : sizeof from_driver / sizeof from_driver[0];
        for (unsigned i = 0; i < n; i++) {
            uint8_t type = side ? from_device[i].type : from_driver[i].type;
            uint8_t id = side ? from_device[i].id : from_driver[i].id;
            raw_frame(c, buf, h + 8, type, id, type & 0x02 ? 0 : dev, (uint16_t)(h + 8));
            vmsg_case_send_side(c, from, buf, h + 8);
        }
        /* drain both sides; the first frame of each is judged */
        bool forwarded = false, reported = false;
        while (bus_recv(c, to, f, false)) {
            if (forwarded)
                continue;
            forwarded = true;
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "bus.versioning.2", "messages of a later revision dropped or reported, never forwarded",
                           "%s side: got msg_id 0x%02x (type 0x%02x) sent by the %s side", side ? "driver" : "device",
                           f->m.msg_id, f->m.type, side ? "device" : "driver");
        }
        while (bus_recv(c, from, f, false)) {
            if (!reported)
                vmsg_case_info(c, "bus.versioning.2", "the bus reported a later revision's message to the %s side",
                               side ? "device" : "driver");
            reported = true;
        }
    }
    free(f);
}
