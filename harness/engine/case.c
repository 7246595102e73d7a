/* What a case body can do: talk to the IUT, keep evidence, state verdicts.
 * The context lives in the case's own process (see runner.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/catalog.h>
#include <vmsg/check.h>

#include "engine_internal.h"

const struct vmsg_link *vmsg_case_link(const struct vmsg_case *c) { return &c->o->link; }

uint32_t vmsg_case_rand(struct vmsg_case *c)
{
    /* xorshift64*: deterministic per case from --seed and the case id */
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

const char *vmsg_case_ics(const struct vmsg_case *c, const char *key)
{
    for (const char *const *p = c->o->ics; p && p[0] && p[1]; p += 2)
        if (!strcmp(p[0], key))
            return p[1];
    return NULL;
}

bool vmsg_case_ics_u32(const struct vmsg_case *c, const char *key, uint32_t *out)
{
    const char *s = vmsg_case_ics(c, key);
    char *end = NULL;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || v > 0xffffffffull)
        return false;
    *out = (uint32_t)v;
    return true;
}

void vmsg_case_set_ics(struct vmsg_case *c, const char *key, const char *fmt, ...)
{
    if (!c->ics)
        return;
    char v[sizeof c->ics->e[0].value];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    if (c->stream_fd >= 0)
        vmsg__case_stream_ics(c, key, v);
    else
        vmsg_ics_set(c->ics, key, v);
}

unsigned vmsg_case_reply_timeout(const struct vmsg_case *c) { return c->reply_timeout_ms; }

static void state_verdict(struct vmsg_case *c, enum vmsg_verdict v, const char *clause, const char *expected,
                          const char *observed, bool by_checker);

/* --- the passive checker on the case's traffic ----------------------------
 * Every frame of the case, both ways and on both sides of a bus, is fed to
 * one checker (bus instance = side), with the direction the roles give. Only
 * findings on frames the IUT sent count: the harness misbehaves on purpose
 * (stale generations, malformed requests, a RESET_VQUEUE it should not
 * send), so whatever the checker says about the harness's own frames is
 * dropped. A finding on an IUT frame counts when its clause binds the IUT's
 * role (or every sender). Left out, with the reason:
 *   wire.*               the runner's judge_frame (device and driver suites)
 *                        and bus_recv (bus suite) already judge the codec
 *                        issues of every IUT frame, at the catalog's level;
 *   check.track-overflow the checker's own capacity, nothing about the IUT;
 *   frame 0 (end of trace: check.unanswered, check.config-change-unannounced)
 *                        a case ends when its question is answered, so
 *                        requests it did not wait for (a RESET_VQUEUE the
 *                        device may ignore, a reply too big for the bus) are
 *                        still open: that is not the IUT's doing.
 * The bus maximum is not given to the checker either: oversize frames are
 * judged by the runner before they are recorded.
 * Two assumptions the suites already make, and so the checker too: a case's
 * connection reaches an IUT in its initial state (a fresh connection, process
 * or in-process instance; the device's history rules start judging at the
 * first frame), and the checker pairs answers with requests by order, so a
 * case that sends a request the IUT may leave unanswered (a reply too big for
 * the bus, RESET_VQUEUE without RING_RESET, the test hook) sends no further
 * request with the same id to the same device afterwards: the answer to that
 * one would be paired with the unanswered one. */
static bool check_binds_iut(const struct vmsg_case *c, const char *clause)
{
    static const enum vmsg_role of_iut[] = {VMSG_ROLE_DEVICE, VMSG_ROLE_DRIVER, VMSG_ROLE_BUS};
    const struct vmsg_clause *cl = clause ? vmsg_clause_find(clause) : NULL;
    return cl && c->def->role < 3 && (cl->role == of_iut[c->def->role] || cl->role == VMSG_ROLE_ANY);
}

static void check_finding(void *user, const struct vmsg_finding *f)
{
    struct vmsg_case *c = user;
    struct vmsg_case_result *r = c->r;
    if (c->feeding_dir != 1 || f->frame == 0 || !f->rule || !strncmp(f->rule, "wire.", 5) ||
        !strcmp(f->rule, "check.track-overflow") || !check_binds_iut(c, f->clause))
        return;
    /* the checker already capped the verdict by the clause level (and lowered
     * it where it is unsure, e.g. INFO for what an incomplete trace may hide) */
    enum vmsg_verdict v = f->verdict == VMSG_CHECK_FAIL   ? VMSG_FAIL
                          : f->verdict == VMSG_CHECK_WARN ? VMSG_WARN
                                                          : VMSG_INFO;
    if (r->nfindings < VMSG_CASE_MAX_FINDINGS) {
        struct vmsg_case_finding *cf = &r->findings[r->nfindings++];
        cf->frame = (uint32_t)f->frame;
        cf->level = f->level;
        cf->verdict = (uint8_t)v;
        snprintf(cf->clause, sizeof cf->clause, "%s", f->clause);
        snprintf(cf->rule, sizeof cf->rule, "%s", f->rule);
        snprintf(cf->message, sizeof cf->message, "%s", f->message);
    } else {
        r->findings_dropped++;
    }
    vmsg_case_mark_frame(c);
    char expected[96], observed[320];
    snprintf(expected, sizeof expected, "traffic the passive checker accepts (%s)", f->rule);
    snprintf(observed, sizeof observed, "frame %llu: %s", (unsigned long long)f->frame, f->message);
    state_verdict(c, v, f->clause, expected, observed, true);
}

void vmsg__case_check_start(struct vmsg_case *c)
{
    if (c->o->no_check || c->ics || c->def->role > VMSG_IUT_BUS)
        return;
    struct vmsg_check_opts co;
    vmsg_check_opts_init(&co);
    co.profile = c->o->link.profile;
    co.binding = c->o->link.binding;
    co.max_msg_size = 0; /* see above: the runner judges sizes */
    co.max_devices = 64; /* a case talks to a handful of device numbers */
    co.on_finding = check_finding;
    co.user = c;
    c->chk = vmsg_check_new(&co); /* NULL (bad profile, memory): the case runs unchecked */
}

void vmsg__case_check_stop(struct vmsg_case *c)
{
    vmsg_check_free(c->chk);
    c->chk = NULL;
}

static void check_feed(struct vmsg_case *c, unsigned side, uint8_t dir, const uint8_t *frame, size_t len)
{
    if (!c->chk)
        return;
    /* the harness is the driver towards a device and on the driver side of a
     * bus; the IUT is the driver when it is one, and on the device side of a
     * bus it delivers what a driver sent */
    bool harness_drives =
        c->def->role == VMSG_IUT_DEVICE || (c->def->role == VMSG_IUT_BUS && side == VMSG_SIDE_DRIVER);
    bool from_driver = harness_drives ? dir == 0 : dir == 1;
    c->feeding_dir = dir;
    vmsg_check_feed(c->chk, (uint64_t)c->r->nframes + c->r->frames_dropped,
                    from_driver ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV, 0, frame, len, (uint16_t)side);
}

static void record_frame(struct vmsg_case *c, unsigned side, uint8_t dir, const uint8_t *frame, size_t len)
{
    struct vmsg_case_result *r = c->r;
    struct vmsg_frame_rec fr;
    memset(&fr, 0, sizeof fr);
    fr.dir = dir;
    fr.side = (uint8_t)side;
    fr.full_len = (uint32_t)len;
    fr.len = (uint16_t)(len < sizeof fr.bytes ? len : sizeof fr.bytes);
    memcpy(fr.bytes, frame, fr.len);
    if (r->nframes < VMSG_EVIDENCE_MAX_FRAMES) {
        r->frames[r->nframes++] = fr;
        c->last_frame = (int)r->nframes - 1;
    } else {
        r->frames_dropped++;
        c->last_frame = -1;
    }
    vmsg__case_stream_frame(c, &fr);
    check_feed(c, side, dir, frame, len);
}

void vmsg_case_mark_frame(struct vmsg_case *c)
{
    if (c->last_frame >= 0) {
        c->r->frames[c->last_frame].marked = true;
        vmsg__case_stream_mark(c, c->last_frame);
    }
}

/* The worst verdict wins; among equals the first statement stays, except
 * that the case's own statement takes the place of the checker's (the case
 * says best what it is about; the checker's finding stays in the evidence). */
static void state_verdict(struct vmsg_case *c, enum vmsg_verdict v, const char *clause, const char *expected,
                          const char *observed, bool by_checker)
{
    struct vmsg_case_result *r = c->r;
    if (v < r->verdict || (v == r->verdict && (by_checker || !c->headline_by_checker)))
        return;
    r->verdict = v;
    c->headline_by_checker = by_checker;
    snprintf(r->clause, sizeof r->clause, "%s", clause ? clause : "");
    snprintf(r->expected, sizeof r->expected, "%s", expected ? expected : "");
    snprintf(r->observed, sizeof r->observed, "%s", observed ? observed : "");
}

static void set_verdict(struct vmsg_case *c, enum vmsg_verdict v, const char *clause, const char *expected,
                        const char *observed)
{
    state_verdict(c, v, clause, expected, observed, false);
}

void vmsg_case_fail(struct vmsg_case *c, const char *clause, const char *expected, const char *fmt, ...)
{
    char obs[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(obs, sizeof obs, fmt, ap);
    va_end(ap);
    set_verdict(c, VMSG_FAIL, clause, expected, obs);
}

void vmsg_case_warn(struct vmsg_case *c, const char *clause, const char *expected, const char *fmt, ...)
{
    char obs[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(obs, sizeof obs, fmt, ap);
    va_end(ap);
    set_verdict(c, VMSG_WARN, clause, expected, obs);
}

void vmsg_case_info(struct vmsg_case *c, const char *clause, const char *fmt, ...)
{
    char obs[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(obs, sizeof obs, fmt, ap);
    va_end(ap);
    set_verdict(c, VMSG_INFO, clause, "", obs);
}

void vmsg_case_na(struct vmsg_case *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->reason, sizeof c->r->reason, fmt, ap);
    va_end(ap);
    set_verdict(c, VMSG_NA, "", "", "");
}

void vmsg_case_error(struct vmsg_case *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->r->reason, sizeof c->r->reason, "%s", msg);
    set_verdict(c, VMSG_ERROR, "", "", msg);
}

void vmsg_case_allow_close(struct vmsg_case *c, bool allow) { c->allow_close = allow; }

_Noreturn void vmsg_case_abort(struct vmsg_case *c) { longjmp(c->jb, 1); }

static _Noreturn void transport_error(struct vmsg_case *c, enum vmsg_io io, const char *what, const char *err)
{
    vmsg_case_error(c, "%s: %s%s%s", what, io == VMSG_IO_CLOSED ? "the IUT closed the connection" : "transport error",
                    err[0] ? ": " : "", err);
    vmsg_case_abort(c);
}

/* The ops and connection of SIDE; a side the run does not have is a harness
 * error (the case asked for a device side on a one-sided IUT). */
static const struct vmsg_iut_ops *side_ops(struct vmsg_case *c, unsigned side, void **conn)
{
    if (side == VMSG_SIDE_DRIVER) {
        *conn = c->conn;
        return c->o->iut;
    }
    if (side == VMSG_SIDE_DEVICE && c->o->device_iut && c->dev_conn) {
        *conn = c->dev_conn;
        return c->o->device_iut;
    }
    vmsg_case_error(c, "harness: this run has no %s side (a two-sided IUT is needed)",
                    side == VMSG_SIDE_DEVICE ? "device" : "such");
    vmsg_case_abort(c);
}

bool vmsg_case_two_sided(const struct vmsg_case *c) { return c->o->device_iut && c->dev_conn; }

bool vmsg_case_send_side(struct vmsg_case *c, unsigned side, const uint8_t *frame, size_t len)
{
    char err[200] = "";
    void *conn;
    const struct vmsg_iut_ops *ops = side_ops(c, side, &conn);
    record_frame(c, side, 0, frame, len);
    enum vmsg_io io = ops->send(conn, frame, len, err, sizeof err);
    if (io == VMSG_IO_CLOSED && c->allow_close)
        return false;
    if (io != VMSG_IO_OK)
        transport_error(c, io, "send", err);
    return true;
}

bool vmsg_case_send(struct vmsg_case *c, const uint8_t *frame, size_t len)
{
    return vmsg_case_send_side(c, VMSG_SIDE_DRIVER, frame, len);
}

bool vmsg_case_send_msg_side(struct vmsg_case *c, unsigned side, struct vmsg_msg *m)
{
    uint8_t buf[65536];
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    if (p && p->token && m->kind != VMSG_KIND_RESPONSE && m->token == 0 && !m->token_override)
        m->token = ++c->token; /* no bus in between: the harness keeps tokens unique */
    size_t n = vmsg_encode(m, buf, sizeof buf);
    if (!n) {
        vmsg_case_error(c, "harness: cannot encode %s", m->def ? m->def->name : "message");
        vmsg_case_abort(c);
    }
    return vmsg_case_send_side(c, side, buf, n);
}

bool vmsg_case_send_msg(struct vmsg_case *c, struct vmsg_msg *m)
{
    return vmsg_case_send_msg_side(c, VMSG_SIDE_DRIVER, m);
}

bool vmsg_case_bus_params(struct vmsg_case *c, unsigned side, struct vmsg_bus_params *out)
{
    void *conn;
    const struct vmsg_iut_ops *ops = side_ops(c, side, &conn);
    return ops->params && ops->params(conn, out);
}

bool vmsg_case_control(struct vmsg_case *c, const char *cmd, char *reply, size_t cap)
{
    if (cap)
        reply[0] = 0;
    if (!c->o->iut_control) {
        snprintf(reply, cap, "the IUT has no test hooks");
        return false;
    }
    return c->o->iut_control(c->conn, cmd, reply, cap) == VMSG_IO_OK;
}

static bool queue_push(struct vmsg_case *c, const uint8_t *frame, size_t len)
{
    if (c->nqueued >= VMSG__CASE_QUEUE || len > sizeof c->queue[0].bytes)
        return false;
    struct vmsg__qframe *q = &c->queue[(c->qhead + c->nqueued) % VMSG__CASE_QUEUE];
    memcpy(q->bytes, frame, len);
    q->len = len;
    c->nqueued++;
    return true;
}

bool vmsg_case_pop_event(struct vmsg_case *c, uint8_t *buf, size_t cap, size_t *len)
{
    if (!c->nqueued)
        return false;
    struct vmsg__qframe *q = &c->queue[c->qhead];
    c->qhead = (c->qhead + 1) % VMSG__CASE_QUEUE;
    c->nqueued--;
    size_t n = q->len < cap ? q->len : cap;
    memcpy(buf, q->bytes, n);
    *len = n;
    return true;
}

/* Every frame the IUT sends is judged by the codec, whatever the case is
 * about: a non-conformance is stated against its own clause, at the level the
 * catalog gives that clause (MUST -> FAIL, SHOULD -> WARN, MAY -> INFO). The
 * bus suite judges relayed frames itself (a bus forwards what it is given). */
static void judge_frame(struct vmsg_case *c, size_t len, const struct vmsg_diag *d)
{
    static const char *limits[] = {"device.limits.1", "driver.limits.1"};
    static const char *header[] = {"device.header.2", "driver.header.2"};
    unsigned role = c->def->role;
    if (role > VMSG_IUT_DRIVER)
        return;
    if (c->o->link.max_msg_size && len > c->o->link.max_msg_size) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, limits[role], "at most the bus maximum", "a %zu-byte message (maximum %u)", len,
                       c->o->link.max_msg_size);
    }
    if (d->outcome == VMSG_TRUNCATED || d->outcome == VMSG_MALFORMED) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, header[role], "a well-formed message", "%s: %s", vmsg_outcome_name(d->outcome), d->problem);
        return;
    }
    for (unsigned i = 0; i < d->nissues; i++) {
        const struct vmsg_issue *is = &d->issues[i];
        const struct vmsg_clause *cl = vmsg_clause_find(is->clause);
        enum vmsg_level lv = cl ? vmsg_clause_strength(cl) : VMSG_LEVEL_MUST;
        vmsg_case_mark_frame(c);
        if (lv == VMSG_LEVEL_MAY)
            vmsg_case_info(c, is->clause, "%s: %s", is->field ? is->field : "-", is->text);
        else if (lv == VMSG_LEVEL_SHOULD || lv == VMSG_LEVEL_SHOULD_NOT)
            vmsg_case_warn(c, is->clause, "conformant header and payload", "%s: %s", is->field ? is->field : "-",
                           is->text);
        else
            vmsg_case_fail(c, is->clause, "conformant header and payload", "%s: %s", is->field ? is->field : "-",
                           is->text);
    }
}

static enum vmsg_io recv_frame(struct vmsg_case *c, unsigned side, uint8_t *buf, size_t cap, size_t *len,
                               unsigned timeout_ms, struct vmsg_msg *m, struct vmsg_diag *diag, bool judge)
{
    char err[200] = "";
    void *conn;
    const struct vmsg_iut_ops *ops = side_ops(c, side, &conn);
    enum vmsg_io io = ops->recv(conn, buf, cap, len, timeout_ms, err, sizeof err);
    if (io == VMSG_IO_TIMEOUT)
        return io;
    if ((io == VMSG_IO_OVERSIZE || io == VMSG_IO_MALFORMED) && c->def->role <= VMSG_IUT_DRIVER) {
        static const char *limits[] = {"device.limits.1", "driver.limits.1"};
        static const char *header[] = {"device.header.2", "driver.header.2"};
        bool over = io == VMSG_IO_OVERSIZE;
        vmsg_case_fail(c, over ? limits[c->def->role] : header[c->def->role],
                       over ? "at most the bus maximum" : "a frame as long as its msg_size", "%s", err);
        vmsg_case_abort(c);
    }
    if (io == VMSG_IO_OVERSIZE || io == VMSG_IO_MALFORMED) {
        /* a bus delivered it: the limits hold both ways, malformed frames are dropped */
        bool over = io == VMSG_IO_OVERSIZE;
        vmsg_case_fail(c, over ? "bus.advertise.2" : "bus.errors.2",
                       over ? "no frame above the bus maximum delivered" : "malformed frames dropped, not delivered",
                       "%s side: %s", side == VMSG_SIDE_DEVICE ? "device" : "driver", err);
        vmsg_case_abort(c);
    }
    if (io == VMSG_IO_CLOSED && c->allow_close)
        return io;
    if (io != VMSG_IO_OK)
        transport_error(c, io, "receive", err);
    record_frame(c, side, 1, buf, *len);
    c->replies_seen++;
    struct vmsg_msg local_m;
    struct vmsg_diag local_d;
    if (!m)
        m = &local_m;
    if (!diag)
        diag = &local_d;
    vmsg_decode(c->o->link.profile, c->o->link.binding, buf, *len, m, diag);
    if (judge)
        judge_frame(c, *len, diag);
    return io;
}

enum vmsg_io vmsg_case_recv(struct vmsg_case *c, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms,
                            struct vmsg_msg *m, struct vmsg_diag *diag)
{
    return recv_frame(c, VMSG_SIDE_DRIVER, buf, cap, len, timeout_ms, m, diag, true);
}

enum vmsg_io vmsg_case_recv_side(struct vmsg_case *c, unsigned side, uint8_t *buf, size_t cap, size_t *len,
                                 unsigned timeout_ms, struct vmsg_msg *m, struct vmsg_diag *diag)
{
    return recv_frame(c, side, buf, cap, len, timeout_ms, m, diag, true);
}

bool vmsg_case_request(struct vmsg_case *c, struct vmsg_msg *req, uint8_t *buf, size_t cap, struct vmsg_msg *resp,
                       const char *clause)
{
    vmsg_case_send_msg(c, req);
    uint8_t cls = req->cls, id = req->msg_id;
    /* the first answer of a case also pays for the IUT starting up (an exec:
     * child, a fresh connection): it gets ten reply timeouts */
    unsigned wait = c->replies_seen ? c->reply_timeout_ms : 10 * c->reply_timeout_ms;
    uint64_t deadline = vmsg__now_ms() + wait;
    for (;;) {
        uint64_t now = vmsg__now_ms();
        unsigned left = now >= deadline ? 0 : (unsigned)(deadline - now);
        size_t len = 0;
        struct vmsg_diag d;
        /* a timeout, or the IUT closed (only under vmsg_case_allow_close) */
        if (left == 0 || vmsg_case_recv(c, buf, cap, &len, left, resp, &d) != VMSG_IO_OK) {
            vmsg_case_fail(c, clause, "a response", "no %s response within %u ms",
                           req->def ? req->def->name : "", wait);
            return false;
        }
        if (d.outcome != VMSG_TRUNCATED && d.outcome != VMSG_MALFORMED && resp->kind == VMSG_KIND_RESPONSE &&
            resp->cls == cls && resp->msg_id == id)
            return true;
        queue_push(c, buf, len); /* an event or something else: the case may look at it */
    }
}

bool vmsg_case_expect_silence(struct vmsg_case *c, unsigned timeout_ms, const char *clause, const char *why)
{
    uint8_t buf[65536];
    size_t len = 0;
    struct vmsg_msg m;
    struct vmsg_diag d;
    enum vmsg_io io = recv_frame(c, VMSG_SIDE_DRIVER, buf, sizeof buf, &len, timeout_ms, &m, &d, false);
    if (io == VMSG_IO_TIMEOUT || io == VMSG_IO_CLOSED)
        return true; /* CLOSED only comes back under vmsg_case_allow_close */
    char s[200];
    if (d.outcome == VMSG_TRUNCATED || d.outcome == VMSG_MALFORMED)
        snprintf(s, sizeof s, "a %s frame (%s)", vmsg_outcome_name(d.outcome), d.problem);
    else
        vmsg_summary(&m, s, sizeof s);
    vmsg_case_mark_frame(c);
    vmsg_case_fail(c, clause, why, "got %s", s); /* the case's own clause comes first */
    judge_frame(c, len, &d);
    return false;
}
