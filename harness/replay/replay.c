/* vmsg_replay_run: walk the capture through the record window, send our
 * side's records to the IUT once the answers recorded before them are in
 * (pair.c receives and compares), feed the checker, and report the
 * exchange groups as cases at the end. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/capture.h>
#include <vmsg/replay.h>
#include <vmsg/wire.h>

#include "replay_internal.h"

#define RX_CAP (65536u + 64u)

void vmsg_replay_opts_init(struct vmsg_replay_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->timing = VMSG_REPLAY_ASAP;
    o->scale = 1.0;
    o->reply_timeout_ms = 1000;
    o->extra_ms = 20;
    o->window = VMSG_REPLAY_WINDOW_DEFAULT;
    o->check = true;
    o->instance = -1;
}

/* Playing the device (x->tokens): our response carries the token the live
 * driver gave the request recorded with the same token (header offset 4,
 * le16). True when that changed the bytes: they are no longer the capture
 * record's. */
static bool rewrite_token(struct vmsg__rp *x, struct vmsg__slot *s)
{
    struct vmsg_msg m;
    if (s->len < 8 || s->kind != VMSG_KIND_RESPONSE ||
        vmsg_decode_header(x->o->profile, x->o->binding, s->buf, s->len, &m) != VMSG_OK)
        return false;
    for (unsigned i = x->ntok; i-- > 0;)
        if (x->tok_rec[i] == m.token) {
            s->buf[4] = (uint8_t)x->tok_live[i];
            s->buf[5] = (uint8_t)(x->tok_live[i] >> 8);
            return x->tok_live[i] != m.token;
        }
    return false;
}

/* Timing original or scale: wait until s is due. */
static void pace(struct vmsg__rp *x, const struct vmsg__slot *s, uint64_t start_ns, uint64_t first_ts_ns)
{
    if (s->ts_ns <= first_ts_ns)
        return;
    double factor = x->o->timing == VMSG_REPLAY_SCALE ? x->o->scale : 1.0;
    uint64_t due = start_ns + (uint64_t)((double)(s->ts_ns - first_ts_ns) * factor);
    uint64_t now = vmsg__replay_now_ns();
    if (due > now) {
        uint64_t wait = due - now;
        struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
        nanosleep(&ts, NULL);
        vmsg__clk_read(x);
    }
}

static void send_ours(struct vmsg__rp *x, struct vmsg__slot *s)
{
    bool rewritten = x->tokens && rewrite_token(x, s);
    x->timing = vmsg__lat_pick(&x->lat);
    if (x->timing)
        x->last_send_ns = vmsg__replay_now_ns();
    int rc = vmsg_bus_send(x->iut, s->buf, s->len);
    if (rc != VMSG_BUS_OK) {
        snprintf(x->st->error, sizeof x->st->error, "frame %llu: sending: %s (%s)", (unsigned long long)s->frame,
                 vmsg_bus_error(x->iut), vmsg_bus_status_name(rc));
        x->status = 3;
        return;
    }
    x->awaiting = true;
    x->sent++;
    s->done = true;
    if (s->group != VMSG__NO_GROUP)
        x->groups[s->group].c.sent++;
    vmsg__group_time(x, s->group, true);
    if (!x->chk) /* the call costs as much as the rest of a send when there is no checker */
        return;
    if (rewritten)
        vmsg__check(x, s->group, s->frame, x->ours_dir, s->ts_ns, s->buf, s->len);
    else
        vmsg__check_slot(x, s, x->pos, x->ours_dir);
}

void vmsg__check(struct vmsg__rp *x, uint32_t group, uint64_t frame, unsigned dir, uint64_t ts, const uint8_t *f,
                 size_t len)
{
    if (!x->chk)
        return;
    if (x->ct) {
        vmsg__ct_check(x, group, frame, dir, ts, f, len);
        return;
    }
    x->cur_group = group; /* findings on this frame count in its group */
    vmsg_check_feed(x->chk, frame, dir, ts, f, len, x->bus);
    x->cur_group = VMSG__NO_GROUP;
}

static bool running(const struct vmsg__rp *x)
{
    return !x->stop && x->status < 2;
}

static void walk(struct vmsg__rp *x)
{
    bool paced = x->o->timing != VMSG_REPLAY_ASAP, strict = x->o->strict_order;
    uint64_t start = vmsg__replay_now_ns();
    vmsg__win_next(x); /* the first record: pacing counts from its time */
    uint64_t first_ts = x->pos < x->tail ? vmsg__win_at(x, x->pos)->ts_ns : 0;
    for (;;) {
        vmsg__win_next(x);
        if (x->look) {
            if ((x->look & VMSG__LOOK_WHEN_FAST) && x->lat.stride > 1) {
                /* answers come fast: checking costs as much as a round trip */
                x->look &= (uint8_t)~VMSG__LOOK_WHEN_FAST;
                vmsg__ct_start(x);
            }
            if (x->look & VMSG__LOOK_CT) { /* a batch was handed to the second thread */
                x->look &= (uint8_t)~VMSG__LOOK_CT;
                if (x->ct && vmsg__ct_failing(x))
                    vmsg__ct_stop(x); /* it competes for a CPU: one thread does better */
                else if (x->ct)
                    vmsg__ct_poll(x); /* its findings, as they come */
            }
        }
        if (!running(x) || x->pos == x->tail)
            return;
        struct vmsg__slot *s = vmsg__win_at(x, x->pos);
        if (s->bad && !vmsg__win_check(x, s))
            return;
        x->last_frame = s->frame;
        if (s->ours) {
            /* what the capture shows before it first (strict: nothing is open here) */
            if (!vmsg__wait(x, VMSG__WAIT_SEND)) {
                x->held = true;
                return;
            }
            if (paced)
                pace(x, s, start, first_ts);
            send_ours(x, s);
            x->pos++;
            vmsg__win_passed(x);
        } else {
            if (s->group != VMSG__NO_GROUP)
                x->groups[s->group].c.expected++;
            vmsg__group_time(x, s->group, false);
            x->pos++;
            if (!s->done) { /* not already paired ahead of its place */
                x->open_all++;
                x->open_wait++;
            } else {
                vmsg__win_passed(x);
            }
            if (strict)
                vmsg__wait(x, VMSG__WAIT_ALL);
        }
        /* a record `behind` records old is waited for now: the window is bounded */
        if (x->pos - x->head > x->behind)
            vmsg__wait(x, VMSG__WAIT_HEAD);
    }
}

int vmsg_replay_run(const char *capture, struct vmsg_bus *iut, const struct vmsg_replay_opts *o,
                    struct vmsg_replay_stats *st)
{
    memset(st, 0, sizeof *st);
    char err[400];
    struct vmsg__rp x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.st = st;
    x.iut = iut;
    x.capture = capture;
    x.rd = vmsg_cap_reader_open(capture, 0, err, sizeof err);
    if (!x.rd) {
        snprintf(st->error, sizeof st->error, "%s", err);
        return st->status = 2;
    }
    const struct vmsg_profile_def *pd = vmsg_profile(o->profile);
    x.token = pd && pd->token;
    x.ours_dir = o->as == VMSG_REPLAY_AS_DRIVER ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV;
    x.theirs_dir = o->as == VMSG_REPLAY_AS_DRIVER ? VMSG_DIR_DEV_TO_DRV : VMSG_DIR_DRV_TO_DEV;
    x.tokens = x.token && o->as == VMSG_REPLAY_AS_DEVICE;
    x.rxcap = RX_CAP;
    x.rx = malloc(x.rxcap);
    enum vmsg__ct_plan plan = vmsg__ct_plan(o);
    bool ok = x.rx && vmsg__lat_init(&x.lat) && vmsg__groups_init(&x) && vmsg__win_init(&x);
    if (ok && o->check) {
        struct vmsg_check_opts co;
        vmsg_check_opts_init(&co);
        co.profile = o->profile;
        co.binding = o->binding;
        co.max_msg_size = o->max_msg_size;
        co.on_finding = vmsg__group_finding;
        co.user = &x;
        x.chk = vmsg_check_new(&co);
        ok = x.chk != NULL;
    }
    if (ok && plan == VMSG__CT_NOW)
        vmsg__ct_start(&x); /* else one thread does it all, at least for now */
    if (ok && plan == VMSG__CT_WHEN_FAST)
        x.look = VMSG__LOOK_WHEN_FAST;
    if (!ok) {
        snprintf(st->error, sizeof st->error, "replay: out of memory");
        x.status = 3;
    } else {
        uint64_t start = vmsg__replay_now_ns();
        walk(&x);
        if (running(&x) && x.pos == x.tail && x.read_error)
            vmsg__win_reader_error(&x);
        else if (running(&x))
            vmsg__wait(&x, VMSG__WAIT_ALL); /* events still open at the end */
        st->elapsed_s = (double)(vmsg__replay_now_ns() - start) / 1e9; /* the wait for extra frames is not part of the rate */
        if (running(&x) && o->extra_ms > 0)
            vmsg__extra(&x);
    }
    st->records = x.pos + (x.held ? 1 : 0); /* every record the walk passed, or reached */
    st->sent = x.sent;
    st->received = x.received;
    st->last_frame = x.last_frame;
    st->threads = x.ct ? 2 : 1;
    vmsg__ct_stop(&x); /* the checker is ours again */
    if (x.chk) {
        vmsg_check_finish(x.chk); /* its end-of-trace findings still count in the groups */
        st->counts = *vmsg_check_counts(x.chk);
        vmsg_check_free(x.chk);
    }
    vmsg__groups_report(&x);
    vmsg__lat_stats(&x.lat, st);
    st->status = x.status;
    vmsg__groups_free(&x);
    vmsg__lat_free(&x.lat);
    vmsg__win_free(&x);
    free(x.rx);
    vmsg_cap_reader_close(x.rd);
    return st->status;
}
