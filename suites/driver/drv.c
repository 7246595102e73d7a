/* The driver-suite loop: receive from the driver, judge, answer as the
 * reference device would, add the scenario's device-side events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/hook.h>

#include "drv_internal.h"

#define DRV_MAX_FRAMES 2000 /* bound on one run: a driver script is far shorter */

static void collect(void *ctx, const uint8_t *frame, size_t len)
{
    struct drv_state *st = ctx;
    if (st->nout >= DRV_OUT_MAX || len > DRV_FRAME_MAX) {
        vmsg_case_error(st->c, "harness device: emitted too many or too large frames for one input");
        return;
    }
    memcpy(st->out[st->nout].b, frame, len);
    st->out[st->nout++].len = len;
}

/* add_buffer: once the driver has been told DRIVER_OK and has a queue in use,
 * ask it (test hook) for a buffer on the highest such queue. */
static bool add_buffer_hook(struct drv_state *st)
{
    if (!st->s->add_buffer || st->obs->triggered || !(st->status & VMSG_STATUS_DRIVER_OK))
        return true;
    unsigned q = VMSG_PERS_MAX_QUEUES;
    while (q > 0 && !st->q[q - 1].active)
        q--;
    if (q == 0)
        return true; /* no queue in use yet */
    struct vmsg_hook h = {VMSG_HOOK_ADD_BUFFER, q - 1, 0, 0};
    uint8_t f[64];
    size_t n = vmsg_hook_encode(st->profile, false, st->dev_num, (uint16_t)(0x4b00 | (vmsg_case_rand(st->c) & 0xff)),
                                &h, f, sizeof f);
    if (!n) {
        vmsg_case_na(st->c, "profile %s has no implementation-defined range for the test hook",
                     vmsg_profile(st->profile)->name);
        vmsg_case_abort(st->c);
    }
    st->obs->triggered = true;
    st->obs->hook_queue = q - 1;
    return vmsg_case_send(st->c, f, n);
}

/* Send what the device emitted; false when the driver has gone. */
static bool flush(struct drv_state *st)
{
    for (unsigned i = 0; i < st->nout; i++) {
        struct drv_frame *f = &st->out[i];
        struct vmsg_msg m;
        enum vmsg_outcome oc = vmsg_decode(st->profile, 0, f->b, f->len, &m, NULL);
        if (oc != VMSG_TRUNCATED && oc != VMSG_MALFORMED && m.def) {
            if (st->s->foreign_tokens && m.kind == VMSG_KIND_RESPONSE) {
                m.token = (uint16_t)(vmsg_case_rand(st->c) | 0x8000u);
                m.token_override = true;
                uint8_t tmp[DRV_FRAME_MAX]; /* m points into f->b */
                f->len = vmsg_encode(&m, tmp, sizeof tmp);
                memcpy(f->b, tmp, f->len);
                vmsg_decode(st->profile, 0, f->b, f->len, &m, NULL);
            }
            drv_note_device(st, &m);
        }
        if (!vmsg_case_send(st->c, f->b, f->len)) {
            st->nout = 0;
            return false;
        }
    }
    st->nout = 0;
    return add_buffer_hook(st);
}

static bool send_removed(struct drv_state *st)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, st->profile, 0, VMSG_M_EVENT_DEVICE, VMSG_CLASS_BUS, VMSG_KIND_EVENT, 0)) {
        vmsg_case_na(st->c, "profile %s has no EVENT_DEVICE", vmsg_profile(st->profile)->name);
        vmsg_case_abort(st->c);
    }
    vmsg_set(&m, VMSG_FLD_DEVICE_NUMBER, st->dev_num);
    vmsg_set(&m, VMSG_FLD_BUS_STATE, VMSG_BUS_STATE_REMOVED);
    st->removed = true;
    return vmsg_case_send_msg(st->c, &m);
}

/* The harness is also the bus: GET_DEVICES lists the one device. */
static void answer_bus(struct drv_state *st, const struct vmsg_msg *req)
{
    if (!req->def || req->kind != VMSG_KIND_REQUEST || req->def->mname != VMSG_M_GET_DEVICES)
        return;
    uint32_t off = (uint32_t)vmsg_get(req, VMSG_FLD_OFFSET) & ~7u, count = (uint32_t)vmsg_get(req, VMSG_FLD_COUNT);
    if (count > 256)
        count = 256;
    count &= ~7u;
    uint8_t bm[32];
    memset(bm, 0, sizeof bm);
    if (st->dev_num >= off && st->dev_num < off + count)
        bm[(st->dev_num - off) / 8] |= (uint8_t)(1u << ((st->dev_num - off) % 8));
    struct vmsg_msg r;
    if (!vmsg_msg_init(&r, st->profile, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0))
        return;
    r.token = req->token;
    r.token_override = true;
    vmsg_set(&r, VMSG_FLD_OFFSET, off);
    vmsg_set(&r, VMSG_FLD_COUNT, count);
    vmsg_set(&r, VMSG_FLD_NEXT_OFFSET, 0);
    vmsg_set_bytes(&r, VMSG_FLD_BITMAP, bm, count / 8);
    vmsg_case_send_msg(st->c, &r);
}

/* The scenario's device-side event, raised before the device sees the frame
 * that triggers it (REMOVE is raised by the loop, after). */
static void trigger(struct drv_state *st, const struct vmsg_msg *m, vmsg_emit_fn emit)
{
    const struct drv_scenario *s = st->s;
    if (st->obs->triggered || !m->def || m->dev_num != st->dev_num)
        return;
    unsigned mn = m->def->mname;
    bool at_avail = mn == VMSG_M_EVENT_AVAIL && (st->status & VMSG_STATUS_DRIVER_OK) &&
                    st->obs->avail_after_ok >= (s->at_avail ? s->at_avail : 1);
    switch (s->trigger) {
    case DRV_TRIG_CONFIG_CHANGE:
        if (at_avail) {
            st->obs->triggered = true;
            vmsg_refdev_config_change(st->dev, st->dev_num, 0, st->p.config_size, emit, st);
        }
        break;
    case DRV_TRIG_NEEDS_RESET:
        if (at_avail) {
            st->obs->triggered = true;
            vmsg_refdev_needs_reset(st->dev, st->dev_num, emit, st);
        }
        break;
    case DRV_TRIG_STALE_SET_CONFIG:
        if (mn == VMSG_M_SET_CONFIG && (st->status & VMSG_STATUS_DRIVER_OK)) {
            st->obs->triggered = true;
            vmsg_refdev_config_change(st->dev, st->dev_num, 0, st->p.config_size, emit, st);
        }
        break;
    case DRV_TRIG_REMOVE: /* after the device answered this notification */
    case DRV_TRIG_NONE: break;
    }
}

static void personality(struct drv_state *st)
{
    const struct vmsg_link *l = vmsg_case_link(st->c);
    vmsg_personality_default(&st->p);
    if (st->s->personality)
        st->s->personality(&st->p);
    st->p.profile = l->profile;
    st->p.dev_nums[0] = l->dev_num;
    st->p.ndevs = 1;
    if (l->max_msg_size)
        st->p.max_msg_size = l->max_msg_size;
    st->profile = l->profile;
    st->dev_num = l->dev_num;
}

void drv_run(struct vmsg_case *c, const struct drv_scenario *s, struct drv_obs *obs)
{
    static struct drv_state st; /* one run per case process: kept off the stack */
    memset(&st, 0, sizeof st);
    memset(obs, 0, sizeof *obs);
    st.c = c;
    st.s = s;
    st.obs = obs;
    personality(&st);
    if (st.p.max_msg_size > DRV_FRAME_MAX) {
        vmsg_case_na(c, "the driver suite runs with a bus maximum up to %u bytes", DRV_FRAME_MAX);
        vmsg_case_abort(c);
    }
    st.dev = vmsg_refdev_new(&st.p, NULL);
    if (!st.dev) {
        vmsg_case_error(c, "harness device: out of memory");
        vmsg_case_abort(c);
    }
    struct vmsg_endpoint ep = vmsg_refdev_endpoint(st.dev);
    vmsg_case_allow_close(c, true);
    unsigned idle = vmsg_case_reply_timeout(c), hold = idle / 4 ? idle / 4 : 1;
    bool holding = false;
    /* the driver speaks first; give a starting process time to come up */
    unsigned first = 10 * idle;
    uint8_t buf[65536];
    while (obs->frames < DRV_MAX_FRAMES) {
        size_t len = 0;
        struct vmsg_msg m;
        struct vmsg_diag d;
        unsigned wait = holding ? hold : obs->frames ? idle : first;
        enum vmsg_io io = vmsg_case_recv(c, buf, sizeof buf, &len, wait, &m, &d);
        if (io == VMSG_IO_CLOSED) {
            obs->closed = true;
            break;
        }
        if (io == VMSG_IO_TIMEOUT) {
            if (!holding)
                break; /* the driver has nothing more to say */
            holding = false;
            if (!flush(&st))
                break;
            continue;
        }
        obs->frames++;
        struct vmsg_hook h;
        if (d.outcome != VMSG_TRUNCATED && d.outcome != VMSG_MALFORMED && m.kind == VMSG_KIND_RESPONSE &&
            vmsg_hook_parse(&m, &h)) {
            if (obs->triggered && h.action == VMSG_HOOK_ADD_BUFFER && !obs->hook_answered) {
                obs->hook_answered = true;
                obs->hook_result = h.result;
            }
            continue; /* the harness's own exchange: nothing for the device */
        }
        bool understood = d.outcome != VMSG_TRUNCATED && d.outcome != VMSG_MALFORMED && m.def;
        if (understood && s->add_buffer && obs->triggered && m.def->mname == VMSG_M_EVENT_AVAIL &&
            m.dev_num == st.dev_num && vmsg_get(&m, VMSG_FLD_INDEX) == obs->hook_queue)
            obs->avail_hooked++;
        if (understood && m.cls == VMSG_CLASS_BUS) {
            answer_bus(&st, &m);
            continue;
        }
        if (understood)
            drv_judge_driver(&st, &m);
        if (st.removed)
            continue; /* the device is gone: nothing answers */
        if (understood)
            trigger(&st, &m, collect);
        bool hold_this = understood &&
                         ((s->hold_driver_ok && st.driver_ok_asked && m.def->mname == VMSG_M_SET_DEVICE_STATUS) ||
                          (s->hold_set_vqueue && m.def->mname == VMSG_M_SET_VQUEUE));
        ep.ops->receive(ep.self, buf, len, collect, &st);
        if (understood && s->trigger == DRV_TRIG_REMOVE && !obs->triggered && m.def->mname == VMSG_M_EVENT_AVAIL &&
            (st.status & VMSG_STATUS_DRIVER_OK) && obs->avail_after_ok >= (s->at_avail ? s->at_avail : 1)) {
            /* The removal notice goes out before the used buffer of this
             * round: a driver reading in order stops before it could queue
             * more work on account of that completion. */
            obs->triggered = true;
            if (!send_removed(&st) || !flush(&st))
                break;
            continue;
        }
        if (hold_this) {
            holding = true; /* the reply waits: whatever comes meanwhile came before it */
            continue;
        }
        if (holding)
            continue;
        if (!flush(&st))
            break;
    }
    if (holding)
        flush(&st);
    vmsg_case_allow_close(c, false);
    if (obs->frames >= DRV_MAX_FRAMES)
        vmsg_case_info(c, "driver.mandatory.1", "run stopped after %u frames from the driver", obs->frames);
    drv_judge_end(&st);
    vmsg_refdev_free(st.dev);
}

/* ---- personalities --------------------------------------------------------- */
static void set_bit(uint32_t *w, unsigned b) { w[b / 32] |= 1u << (b % 32); }

void drv_pers_refuse_ring_reset(struct vmsg_personality *p) { set_bit(p->refuse, VMSG_FEATURE_RING_RESET); }

void drv_pers_notification_data(struct vmsg_personality *p) { set_bit(p->features, VMSG_FEATURE_NOTIFICATION_DATA); }

void drv_pers_no_ring_reset(struct vmsg_personality *p)
{
    p->features[VMSG_FEATURE_RING_RESET / 32] &= ~(1u << (VMSG_FEATURE_RING_RESET % 32));
}

void drv_pers_many_queues(struct vmsg_personality *p)
{
    static const uint32_t max[] = {1024, 512, 256, 128, 64, 32, 16, 8};
    p->device_id = 3;
    p->nqueues = 8;
    memcpy(p->queue_max, max, sizeof max);
}

void drv_pers_big_config(struct vmsg_personality *p)
{
    p->device_id = 2;
    p->config_size = 300;
    for (unsigned i = 0; i < p->config_size; i++)
        p->config[i] = (uint8_t)(i * 7 + 3);
}

void drv_pers_event_config_no_data(struct vmsg_personality *p)
{
    p->event_config_data = false;
    p->generation_start = 100;
}
