/* The passive checker's frame loop: decode, codec findings, size limits,
 * role inference, pairing, then the per-message rules (rules_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "wire/wire_internal.h"

void vmsg_check_opts_init(struct vmsg_check_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->binding = VMSG_BINDING_NONE;
    o->role = VMSG_CHECK_ROLE_ALL;
}

struct vmsg_check *vmsg_check_new(const struct vmsg_check_opts *o)
{
    if (!vmsg_profile(o->profile) || o->binding >= VMSG_BINDING_COUNT || o->role > VMSG_CHECK_ROLE_BUS)
        return NULL;
    struct vmsg_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->o = *o;
    c->event_bit = vmsg__profile(o->profile)->event_bit;
    if (!c->o.max_devices)
        c->o.max_devices = 1024;
    if (c->o.max_devices > 65536) /* about 2.5 KiB of state per device */
        c->o.max_devices = 65536;
    if (!c->o.max_outstanding)
        c->o.max_outstanding = 32;
    if (c->o.max_outstanding > 256)
        c->o.max_outstanding = 256;
    c->nslots = 64; /* a power of two, at least twice the devices */
    while (c->nslots < 2 * c->o.max_devices)
        c->nslots *= 2;
    c->devs = calloc(c->nslots, sizeof *c->devs);
    if (!c->devs) {
        free(c);
        return NULL;
    }
    return c;
}

void vmsg_check_free(struct vmsg_check *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->nslots; i++)
        if (c->devs[i].used)
            free(c->devs[i].q[0][0].r); /* one block for the four fifos */
    free(c->devs);
    free(c);
}

const struct vmsg_check_counts *vmsg_check_counts(const struct vmsg_check *c) { return &c->counts; }

/* --- device table ------------------------------------------------------ */

static void dev_init(struct vmsg__dev *d, uint16_t bus, uint16_t dev_num, bool judged)
{
    struct vmsg__req *store = d->q[0][0].r;
    memset(d, 0, sizeof *d);
    d->used = true;
    d->bus = bus;
    d->dev_num = dev_num;
    d->judged = judged;
    d->from_start = judged;
    d->q[0][0].r = store;
}

struct vmsg__dev *vmsg__dev_get(struct vmsg_check *c, uint16_t bus, uint16_t dev_num, uint64_t frame)
{
    struct vmsg__dev *last = c->last;
    if (last && last->bus == bus && last->dev_num == dev_num)
        return last;
    uint32_t key = (uint32_t)bus << 16 | dev_num;
    unsigned mask = c->nslots - 1;
    unsigned i = ((key * 2654435761u) >> 8) & mask;
    for (unsigned probes = 0; probes < c->nslots; probes++, i = (i + 1) & mask) {
        struct vmsg__dev *d = &c->devs[i];
        if (d->used && d->bus == bus && d->dev_num == dev_num)
            return c->last = d;
        if (d->used)
            continue;
        if (c->ndevs >= c->o.max_devices)
            break;
        unsigned cap = c->o.max_outstanding;
        struct vmsg__req *r = calloc((size_t)4 * cap, sizeof *r);
        if (!r)
            break;
        d->q[0][0].r = r;
        dev_init(d, bus, dev_num, !c->o.mid_session);
        d->q[0][1].r = r + cap;
        d->q[1][0].r = r + 2 * cap;
        d->q[1][1].r = r + 3 * cap;
        c->ndevs++;
        return c->last = d;
    }
    if (!c->noted_dev_overflow) {
        c->noted_dev_overflow = true;
        char msg[200];
        snprintf(msg, sizeof msg, "devices: more than %u tracked; bus %u dev %u and later ones not judged",
                 c->o.max_devices, bus, dev_num);
        vmsg__emit_raw(c, frame, "check.track-overflow", "bus.ordering.2", VMSG_CHECK_MAY, VMSG_CHECK_INFO, bus,
                       dev_num, 0, msg);
    }
    return NULL;
}

/* vmsg__dev_get for the frame loop: the device of the previous frame is
 * tested inline (traces come in bursts), the table is searched by the call. */
static inline struct vmsg__dev *dev_of(struct vmsg_check *c, uint16_t bus, uint16_t dev_num, uint64_t frame)
{
    struct vmsg__dev *last = c->last;
    if (last && last->bus == bus && last->dev_num == dev_num)
        return last;
    return vmsg__dev_get(c, bus, dev_num, frame);
}

/* Forget everything learnt about a device (EVENT_DEVICE READY: a new device
 * may sit behind the number). Outstanding requests stay. */
void vmsg__dev_forget(struct vmsg__dev *d)
{
    struct vmsg__fifo q[2][2];
    memcpy(q, d->q, sizeof q);
    bool judged = d->from_start;
    dev_init(d, d->bus, d->dev_num, judged);
    memcpy(d->q, q, sizeof q);
}

/* --- findings ----------------------------------------------------------- */

static const struct vmsg_check_rule rules[] = {
#define X(e, id, cl, al, lv, su, ac) {id, cl, al, VMSG_CHECK_##lv, su, ac},
    VMSG__CHECK_RULES(X)
#undef X
};

const struct vmsg_check_rule *vmsg_check_rules(size_t *n)
{
    *n = sizeof rules / sizeof rules[0];
    return rules;
}

static bool role_selected(const struct vmsg_check *c, const char *clause)
{
    if (!clause || c->o.role == VMSG_CHECK_ROLE_ALL)
        return true;
    static const char *const pre[] = {"", "driver.", "device.", "bus."};
    return strncmp(clause, pre[c->o.role], strlen(pre[c->o.role])) == 0;
}

void vmsg__emit_raw(struct vmsg_check *c, uint64_t frame, const char *rule, const char *clause, unsigned level,
                    unsigned verdict, uint16_t bus, uint16_t dev, uint64_t ref, const char *msg)
{
    if (!role_selected(c, clause))
        return;
    if (verdict == VMSG_CHECK_WARN && c->o.strict)
        verdict = VMSG_CHECK_FAIL;
    struct vmsg_finding f;
    f.frame = frame;
    f.ref_frame = ref;
    f.clause = clause;
    f.rule = rule;
    f.level = (uint8_t)level;
    f.verdict = (uint8_t)verdict;
    f.bus = bus;
    f.dev_num = dev;
    snprintf(f.message, sizeof f.message, "%s", msg);
    if (verdict == VMSG_CHECK_FAIL)
        c->counts.fail++;
    else if (verdict == VMSG_CHECK_WARN)
        c->counts.warn++;
    else
        c->counts.info++;
    if (c->o.on_finding)
        c->o.on_finding(c->o.user, &f);
}

static unsigned verdict_of(unsigned level)
{
    return level == VMSG_CHECK_MUST ? VMSG_CHECK_FAIL : level == VMSG_CHECK_SHOULD ? VMSG_CHECK_WARN : VMSG_CHECK_INFO;
}

/* A finding of rule r: its message formatted, its verdict capped by the rule's
 * level (a SHOULD stays a WARN), the rule's id, clause and level attached. */
__attribute__((format(printf, 8, 0)))
static void emit_rule(struct vmsg_check *c, uint64_t frame, uint16_t bus, uint16_t dev_num, enum vmsg__rule_id r,
                      unsigned verdict, uint64_t ref, const char *fmt, va_list ap)
{
    char msg[200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const struct vmsg_check_rule *rl = &rules[r];
    if (verdict == VMSG_CHECK_FAIL)
        verdict = verdict_of(rl->level);
    vmsg__emit_raw(c, frame, rl->id, rl->clause, rl->level, verdict, bus, dev_num, ref, msg);
}

void vmsg__emit(struct vmsg__ctx *x, enum vmsg__rule_id r, uint64_t ref, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_rule(x->c, x->frame, x->bus, x->dev_num, r, VMSG_CHECK_FAIL, ref, fmt, ap);
    va_end(ap);
}

void vmsg__emit_dev(struct vmsg_check *c, uint64_t frame, const struct vmsg__dev *d, enum vmsg__rule_id r,
                    unsigned verdict, uint64_t ref, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_rule(c, frame, d->bus, d->dev_num, r, verdict, ref, fmt, ap);
    va_end(ap);
}

void vmsg__note(struct vmsg_check *c, uint64_t frame, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vmsg__emit_raw(c, frame, "check.note", NULL, VMSG_CHECK_MAY, VMSG_CHECK_INFO, 0, 0, 0, msg);
}

size_t vmsg_finding_format(const struct vmsg_finding *f, char *buf, size_t cap)
{
    int n;
    if (f->frame)
        n = snprintf(buf, cap, "frame %llu: %s: %s", (unsigned long long)f->frame, f->clause ? f->clause : "note",
                     f->message);
    else
        n = snprintf(buf, cap, "end of trace: %s: %s", f->clause ? f->clause : "note", f->message);
    return n < 0 ? 0 : (size_t)n;
}

const char *vmsg_check_level_name(unsigned level)
{
    static const char *const n[] = {"MUST", "SHOULD", "MAY"};
    return level < 3 ? n[level] : "?";
}

const char *vmsg_check_verdict_name(unsigned verdict)
{
    static const char *const n[] = {"FAIL", "WARN", "INFO"};
    return verdict < 3 ? n[verdict] : "?";
}

int vmsg_check_role_by_name(const char *name)
{
    static const char *const n[] = {"all", "driver", "device", "bus"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, n[i]) == 0)
            return i;
    return -1;
}

/* --- the frame loop ------------------------------------------------------ */

/* Side that sent a message: 0 driver side, 1 device side. Direction given by
 * the capture only decides for messages any side may send (PING, ids without
 * a layout); otherwise the message type says. */
static unsigned sending_side(const struct vmsg_msg *m, unsigned kind, unsigned cls, unsigned dir)
{
    unsigned sender = m->def ? m->def->sender : VMSG_SENDER_ANY;
    if (sender == VMSG_SENDER_ANY || sender == VMSG_SENDER_BUS) {
        if (dir == VMSG_DIR_DRV_TO_DEV)
            return 0;
        if (dir == VMSG_DIR_DEV_TO_DRV)
            return 1;
        if (sender == VMSG_SENDER_BUS) /* bus events come from the device side */
            return 1;
        /* unknown: requests from the driver side, answers from the other */
        return kind == VMSG_KIND_RESPONSE ? 1 : 0;
    }
    (void)cls;
    bool driver_msg = sender == VMSG_SENDER_DRIVER;
    if (kind == VMSG_KIND_RESPONSE)
        driver_msg = !driver_msg;
    return driver_msg ? 0 : 1;
}

static enum vmsg__rule_id by_side(unsigned cls, unsigned side, enum vmsg__rule_id drv, enum vmsg__rule_id dev,
                                  enum vmsg__rule_id bus)
{
    if (cls == VMSG_CLASS_BUS)
        return bus;
    return side == 0 ? drv : dev;
}

static void codec_findings(struct vmsg__ctx *x, const struct vmsg_diag *d)
{
    for (unsigned i = 0; i < d->nissues; i++) {
        const struct vmsg_issue *is = &d->issues[i];
        char msg[200];
        snprintf(msg, sizeof msg, "%s: %s", is->field ? is->field : "message", is->text);
        /* the one SHOULD the codec cites: standard bus message layouts */
        unsigned lv = strcmp(is->clause, "bus.bus-messages.1") == 0 ? VMSG_CHECK_SHOULD : VMSG_CHECK_MUST;
        vmsg__emit_raw(x->c, x->frame, is->rule, is->clause, lv, verdict_of(lv), x->bus, x->dev_num, 0, msg);
    }
    if (d->dropped) {
        char msg[200];
        snprintf(msg, sizeof msg, "message: %u more codec issues not listed", d->dropped);
        vmsg__emit_raw(x->c, x->frame, "check.track-overflow", "bus.ordering.2", VMSG_CHECK_MAY, VMSG_CHECK_INFO,
                       x->bus, x->dev_num, 0, msg);
    }
}

/* A response carrying an event id: who answered? The receiver of the event
 * (its layout names the sender), else the capture's direction. A transport
 * event answered by the device breaks the device's duty to send nothing back
 * (device.errors.1); otherwise the bus clause. */
static void resp_to_event(struct vmsg__ctx *x, unsigned cls, uint8_t msg_id)
{
    const struct vmsg_msgdef *ev = vmsg_msgdef_lookup(x->c->o.profile, x->c->o.binding, cls, false, msg_id);
    bool by_device = ev && ev->sender == VMSG_SENDER_DRIVER;
    if (!ev || (ev->sender != VMSG_SENDER_DRIVER && ev->sender != VMSG_SENDER_DEVICE))
        by_device = x->dir == VMSG_DIR_DEV_TO_DRV;
    vmsg__emit(x, cls == VMSG_CLASS_TRANSPORT && by_device ? R_RESP_EVENT_DEV : R_RESP_EVENT, 0,
               "type: response bit set on event id 0x%02x (events are never answered)", msg_id);
}

static const char *msg_name(const struct vmsg_msg *m)
{
    return m->def ? m->def->name : "(no layout)";
}

/* A malformed or truncated frame: a finding for its sender; a malformed
 * request is remembered so that an answer to it breaks the discard rules. */
static void bad_frame(struct vmsg__ctx *x, const struct vmsg_msg *m, enum vmsg_outcome oc, const struct vmsg_diag *d,
                      size_t len)
{
    const struct vmsg_profile_def *p = vmsg_profile(x->c->o.profile);
    bool have_header = len >= p->header;
    unsigned cls = have_header ? m->cls : VMSG_CLASS_TRANSPORT;
    bool resp = have_header && (m->type & 1);
    unsigned side = x->dir == VMSG_DIR_DEV_TO_DRV ? 1 : x->dir == VMSG_DIR_DRV_TO_DEV ? 0 : (resp ? 1 : 0);
    if (have_header && resp && p->event_bit && (m->msg_id & 0x40)) {
        resp_to_event(x, cls, m->msg_id);
        return;
    }
    enum vmsg__rule_id r = oc == VMSG_TRUNCATED ? by_side(cls, side, R_TRUNCATED, R_TRUNCATED_DEV, R_TRUNCATED_BUS)
                                                : by_side(cls, side, R_MALFORMED, R_MALFORMED_DEV, R_MALFORMED_BUS);
    vmsg__emit(x, r, 0, "%s: %s", vmsg_outcome_name(oc), d->problem);
    if (resp && p->size_field) {
        /* the answer was sent, even if it cannot be read: it closes its request */
        struct vmsg__dev *dv = vmsg__dev_get(x->c, x->bus, m->dev_num, x->frame);
        struct vmsg__req req;
        unsigned rq = x->dir == VMSG_DIR_DRV_TO_DEV ? 1 : 0;
        if (dv)
            vmsg__fifo_match(x, &dv->q[cls][rq], m->msg_id, &req);
        return;
    }
    if (oc == VMSG_MALFORMED && have_header && !resp && p->size_field) {
        struct vmsg__dev *dv = vmsg__dev_get(x->c, x->bus, m->dev_num, x->frame);
        if (dv) {
            dv->bad_valid = true;
            dv->bad_frame = x->frame;
            dv->bad_id = m->msg_id;
            dv->bad_cls = (uint8_t)cls;
        }
    }
}

static void size_limit(struct vmsg__ctx *x, const struct vmsg_msg *m)
{
    uint32_t max = x->c->o.max_msg_size;
    if (!max || m->msg_size <= max)
        return;
    enum vmsg__rule_id r = m->cls == VMSG_CLASS_BUS && m->def && m->def->sender == VMSG_SENDER_BUS
                               ? R_MSG_SIZE_BUS
                               : x->side == 0 ? R_MSG_SIZE_DRV : R_MSG_SIZE_DEV;
    vmsg__emit(x, r, 0, "msg_size: expected at most %u (bus maximum), got %u", max, m->msg_size);
}

/* A response no request of its device explains, while exactly one other
 * device on the bus has such a request outstanding: the dev_num is wrong. */
static bool resp_other_dev(struct vmsg__ctx *x, struct vmsg__dev *self)
{
    struct vmsg_check *c = x->c;
    const struct vmsg_msg *m = x->m;
    if (m->cls != VMSG_CLASS_TRANSPORT)
        return false;
    struct vmsg__dev *hit = NULL;
    for (unsigned i = 0; i < c->nslots; i++) {
        struct vmsg__dev *d = &c->devs[i];
        if (!d->used || d == self || d->bus != x->bus)
            continue;
        const struct vmsg__fifo *q = &d->q[VMSG_CLASS_TRANSPORT][0];
        for (unsigned k = 0; k < q->n; k++)
            if (q->r[(q->head + k) % c->o.max_outstanding].msg_id == m->msg_id) {
                if (hit)
                    return false; /* ambiguous */
                hit = d;
                break;
            }
    }
    if (!hit)
        return false;
    struct vmsg__req req;
    struct vmsg__ctx y = *x;
    y.d = hit;
    vmsg__fifo_match(&y, &hit->q[VMSG_CLASS_TRANSPORT][0], m->msg_id, &req);
    vmsg__emit(x, R_RESP_DEV_NUM, req.frame, "dev_num: expected %u (the %s request at frame %llu), got %u",
               hit->dev_num, msg_name(m), (unsigned long long)req.frame, m->dev_num);
    return true;
}

static void response(struct vmsg__ctx *x, struct vmsg__dev *d, unsigned rq)
{
    const struct vmsg_msg *m = x->m;
    struct vmsg__req req;
    if (vmsg__fifo_match(x, &d->q[m->cls][rq], m->msg_id, &req)) {
        if (m->cls == VMSG_CLASS_TRANSPORT)
            vmsg__transport_response(x, &req);
        else
            vmsg__bus_response(x, &req);
        return;
    }
    if (d->bad_valid && d->bad_id == m->msg_id && d->bad_cls == m->cls) {
        d->bad_valid = false;
        vmsg__emit(x, m->cls == VMSG_CLASS_BUS ? R_DISCARD_BUS : R_DISCARD_DEV, d->bad_frame,
                   "response: expected none (the %s request at frame %llu was malformed and must be discarded)",
                   msg_name(m), (unsigned long long)d->bad_frame);
        return;
    }
    if (resp_other_dev(x, d))
        return;
    vmsg__emit(x, R_RESP_UNMATCHED, 0, "response: %s response with no %s request outstanding for dev %u",
               msg_name(m), msg_name(m), m->dev_num);
}

void vmsg_check_feed(struct vmsg_check *c, uint64_t frame, unsigned dir, uint64_t ts_ns, const uint8_t *buf,
                     size_t len, uint16_t bus)
{
    (void)ts_ns; /* ordering is by feed order; timestamps are not judged */
    c->counts.frames++;
    struct vmsg_msg m;
    struct vmsg_diag d;
    struct vmsg__ctx x = {c, frame, dir, 0, bus, 0, NULL, &m};
    if (dir > VMSG_DIR_UNKNOWN)
        dir = x.dir = VMSG_DIR_UNKNOWN;
    if (dir == VMSG_DIR_UNKNOWN && !c->noted_unknown_dir) {
        c->noted_unknown_dir = true;
        vmsg__note(c, frame, "direction: unknown; the sending role of each frame is inferred from its type");
    }
    enum vmsg_outcome oc = vmsg_decode(c->o.profile, c->o.binding, buf, len, &m, &d);
    x.dev_num = len >= 4 ? m.dev_num : 0;
    if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED) {
        bad_frame(&x, &m, oc, &d, len);
        return;
    }
    codec_findings(&x, &d);
    unsigned kind = m.kind;
    if (kind == VMSG_KIND_RESPONSE && c->event_bit && (m.msg_id & 0x40)) {
        /* implementation-defined event ids 0xC0-0xFF decode without a layout */
        resp_to_event(&x, m.cls, m.msg_id);
        return;
    }
    x.side = sending_side(&m, kind, m.cls, dir);
    size_limit(&x, &m);
    if (c->o.profile == VMSG_PROFILE_V0)
        return; /* other messages and semantics: header rules only */

    struct vmsg__dev *dv = dev_of(c, bus, m.dev_num, frame);
    if (!dv)
        return;
    x.d = dv;
    if (kind == VMSG_KIND_REQUEST) {
        unsigned rq = x.side;
        if (m.cls == VMSG_CLASS_TRANSPORT && x.side == 0) {
            /* a status write of 0 releases the device: cleanup, not new work */
            if (dv->removed && !(m.def && m.def->mname == VMSG_M_SET_DEVICE_STATUS && vmsg_get(&m, VMSG_FLD_STATUS) == 0))
                vmsg__emit(&x, R_AFTER_REMOVED, dv->removed_frame,
                           "%s request: expected no new work for dev %u (removed by EVENT_DEVICE at frame %llu)",
                           msg_name(&m), m.dev_num, (unsigned long long)dv->removed_frame);
            vmsg__transport_request(&x);
        }
        struct vmsg__req r;
        vmsg__fill_req(&m, dv, &r);
        r.frame = frame;
        vmsg__fifo_push(&x, &dv->q[m.cls][rq], &r);
        if (x.side == 0)
            dv->gen_event_fresh = false;
    } else if (kind == VMSG_KIND_RESPONSE) {
        if (x.side == 1 && m.cls == VMSG_CLASS_TRANSPORT)
            dv->dev_seen = true;
        response(&x, dv, x.side ? 0 : 1);
    } else if (m.cls == VMSG_CLASS_TRANSPORT) {
        if (x.side == 0 && dv->removed && m.def && m.def->sender == VMSG_SENDER_DRIVER)
            vmsg__emit(&x, R_AFTER_REMOVED, dv->removed_frame,
                       "%s: expected no new work for dev %u (removed by EVENT_DEVICE at frame %llu)", msg_name(&m),
                       m.dev_num, (unsigned long long)dv->removed_frame);
        if (x.side == 1)
            dv->dev_seen = true;
        vmsg__transport_event(&x);
        if (x.side == 0)
            dv->gen_event_fresh = false;
    } else {
        vmsg__bus_event(&x);
    }
}

void vmsg_check_finish(struct vmsg_check *c)
{
    if (c->finished)
        return;
    c->finished = true;
    for (unsigned i = 0; i < c->nslots; i++) {
        struct vmsg__dev *d = &c->devs[i];
        if (!d->used)
            continue;
        vmsg__fifo_drain(c, d);
        if (d->unannounced) {
            char msg[200];
            snprintf(msg, sizeof msg, "EVENT_CONFIG: expected one announcing generation %u (seen by GET_CONFIG at frame %llu), got none%s",
                     d->unannounced_gen, (unsigned long long)d->unannounced_frame,
                     c->o.complete ? "" : " (trace may be cut)");
            vmsg__emit_raw(c, 0, "check.config-change-unannounced", "device.config-change.1", VMSG_CHECK_MUST,
                           c->o.complete ? VMSG_CHECK_FAIL : VMSG_CHECK_INFO, d->bus, d->dev_num, d->unannounced_frame,
                           msg);
        }
        if (d->nr_unannounced)
            vmsg__emit_dev(c, 0, d, R_NR_UNANNOUNCED, c->o.complete ? VMSG_CHECK_FAIL : VMSG_CHECK_INFO,
                           d->nr_unannounced_frame,
                           "EVENT_CONFIG: expected one carrying DEVICE_NEEDS_RESET (shown at frame %llu), got none%s",
                           (unsigned long long)d->nr_unannounced_frame, c->o.complete ? "" : " (trace may be cut)");
    }
}
