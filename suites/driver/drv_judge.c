/* The driver clauses, judged on every frame a driver sends (driver suite).
 *
 * The harness knows what its device reported (GET_DEVICE_INFO, features,
 * queue maxima, status, generation), so each driver message is checked
 * against what the driver had been told when it sent it. Where v1 leaves
 * room, the judge accepts every choice: status writes and GET_CONFIG may come
 * before GET_DEVICE_INFO, queues may be added after DRIVER_OK, the generation
 * may come from GET_CONFIG, EVENT_CONFIG or a SET_CONFIG response. This
 * device declares its queue 0 required (like the first queue of most device
 * types), so DRIVER_OK without queue 0 set up is premature. */
#include <stdio.h>
#include <string.h>

#include "drv_internal.h"

#define ST(x) VMSG_STATUS_##x
/* status bits v1 (virtio) defines */
#define STATUS_KNOWN (ST(ACKNOWLEDGE) | ST(DRIVER) | ST(DRIVER_OK) | ST(FEATURES_OK) | ST(DEVICE_NEEDS_RESET) | ST(FAILED))

static bool bit(const uint32_t *w, unsigned b) { return b / 32 < VMSG_PERS_FEATURE_WORDS && (w[b / 32] >> (b % 32)) & 1; }

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static void reset_view(struct drv_state *st)
{
    st->fok = st->refused = false;
    memset(st->written, 0, sizeof st->written);
    memset(st->q, 0, sizeof st->q);
    st->reset_due = false;
    st->reread_due = false;
    st->nvq_unanswered = 0;
}

static void judge_status(struct drv_state *st, struct vmsg_case *c, uint32_t v)
{
    st->asked_status = v;
    if (v & ~(uint32_t)STATUS_KNOWN) {
        vmsg_case_mark_frame(c);
        if (!(bswap32(v) & ~(uint32_t)STATUS_KNOWN))
            vmsg_case_fail(c, "driver.endian.1", "status written little-endian",
                           "SET_DEVICE_STATUS status 0x%08x is 0x%x byte-swapped", v, bswap32(v));
        else
            vmsg_case_fail(c, "driver.status.2", "only virtio-defined status bits",
                           "SET_DEVICE_STATUS status 0x%08x", v);
        return;
    }
    if (v == 0) {
        st->obs->resets++;
        reset_view(st);
        return;
    }
    if (v & ST(DRIVER))
        st->obs->driver_claimed = true;
    if (v & ST(FAILED))
        st->obs->failed_written = true;
    /* Bits are only ever added; going back needs a reset (status 0). The
     * device may have added DEVICE_NEEDS_RESET or dropped FEATURES_OK. */
    uint32_t dropped = st->status & ~v & ~(uint32_t)ST(DEVICE_NEEDS_RESET);
    if (dropped) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.status.2", "a status 0 write before initializing again",
                       "status 0x%x written while the device is at 0x%x (drops 0x%x without a reset)", v,
                       st->status, dropped);
    }
    if ((v & ST(DRIVER_OK)) && !(st->status & ST(DRIVER_OK))) {
        st->driver_ok_asked = true;
        vmsg_case_mark_frame(c);
        if (st->refused)
            vmsg_case_fail(c, "driver.features.2", "no DRIVER_OK after the device refused FEATURES_OK",
                           "DRIVER_OK written (0x%x) although FEATURES_OK was cleared in the reply", v);
        else if (!st->fok)
            vmsg_case_fail(c, "driver.finalize.1", "DRIVER_OK after FEATURES_OK is confirmed",
                           "DRIVER_OK written (0x%x) before the device confirmed FEATURES_OK", v);
        else if (st->p.nqueues > 0 && !st->q[0].active)
            vmsg_case_fail(c, "driver.finalize.1", "DRIVER_OK after the required queues are set up",
                           "DRIVER_OK written (0x%x) while queue 0 (required by this device) is not set up", v);
    }
}

static void judge_features(struct drv_state *st, struct vmsg_case *c, const struct vmsg_msg *m)
{
    uint32_t bi = (uint32_t)vmsg_get(m, VMSG_FLD_BLOCK_INDEX), nb = (uint32_t)vmsg_get(m, VMSG_FLD_NUM_BLOCKS);
    if (!st->feat_read) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.features.1", "GET_DEVICE_FEATURES before SET_DRIVER_FEATURES",
                       "SET_DRIVER_FEATURES without reading the offered features");
    }
    for (uint32_t k = 0; k < nb && k < 64; k++) {
        uint64_t b = (uint64_t)bi + k;
        uint32_t w = vmsg_get_word(m, VMSG_FLD_FEATURES, k);
        uint32_t offered = b < VMSG_PERS_FEATURE_WORDS && b < st->p.num_feature_bits / 32 ? st->p.features[b] : 0;
        if (w & ~offered) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "driver.set-features.1", "only offered feature bits",
                           "block %llu: 0x%08x written, 0x%08x offered (bits 0x%08x never offered)",
                           (unsigned long long)b, w, offered, w & ~offered);
        }
        if (b < VMSG_PERS_FEATURE_WORDS)
            st->written[b] = w;
    }
}

static bool queue_index_ok(struct drv_state *st, struct vmsg_case *c, const char *what, uint32_t q)
{
    if (q < st->p.nqueues && q < VMSG_PERS_MAX_QUEUES)
        return true;
    vmsg_case_mark_frame(c);
    vmsg_case_warn(c, "driver.get-device-info.1", "queue indexes below max_virtqueues from GET_DEVICE_INFO",
                   "%s for queue %u; the device reported %u queues", what, q, st->p.nqueues);
    return false;
}

static void judge_set_vqueue(struct drv_state *st, struct vmsg_case *c, const struct vmsg_msg *m)
{
    uint32_t q = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX), size = (uint32_t)vmsg_get(m, VMSG_FLD_SIZE);
    uint64_t a[3] = {vmsg_get(m, VMSG_FLD_DESC_ADDR), vmsg_get(m, VMSG_FLD_DRIVER_ADDR),
                     vmsg_get(m, VMSG_FLD_DEVICE_ADDR)};
    static const unsigned align[3] = {16, 2, 4}; /* split ring; the packed ring needs less */
    static const char *const area[3] = {"descriptor", "driver", "device"};
    st->obs->set_vqueues++;
    if (st->refused || !st->fok) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, st->refused ? "driver.features.2" : "driver.init-order.2",
                       "queues set up only after FEATURES_OK is confirmed",
                       st->refused ? "SET_VQUEUE %u after the device refused FEATURES_OK"
                                   : "SET_VQUEUE %u before the device confirmed FEATURES_OK",
                       q);
    }
    if (st->nvq_unanswered < VMSG_PERS_MAX_QUEUES) /* 0xff: no such queue, still answered */
        st->vq_unanswered[st->nvq_unanswered++] = (uint8_t)(q < VMSG_PERS_MAX_QUEUES ? q : 0xff);
    if (!queue_index_ok(st, c, "SET_VQUEUE", q))
        return;
    struct drv_queue *dq = &st->q[q];
    uint32_t max = st->p.queue_max[q];
    if (!dq->queried) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.vq-setup.1", "GET_VQUEUE (maximum, inactive) before programming the queue",
                       "SET_VQUEUE %u without GET_VQUEUE %u since the queue was last reset", q, q);
    }
    if (dq->active) {
        vmsg_case_mark_frame(c);
        if (bit(st->written, VMSG_FEATURE_RING_RESET) && st->fok)
            vmsg_case_warn(c, "driver.vq-setup.3", "RESET_VQUEUE before reprogramming an active queue",
                           "SET_VQUEUE %u reprograms the active queue without RESET_VQUEUE", q);
        else
            vmsg_case_fail(c, "driver.vq-setup.1", "an inactive queue (without RING_RESET, reset the device first)",
                           "SET_VQUEUE %u reprograms an active queue", q);
    }
    if (size > max) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.set-vqueue.1", "size at most the GET_VQUEUE maximum",
                       "SET_VQUEUE %u size %u, maximum %u", q, size, max);
    }
    if (size == 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.vq-setup.2", "a usable queue size", "SET_VQUEUE %u size 0", q);
    }
    for (unsigned i = 0; i < 3; i++) {
        if (a[i] == 0) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "driver.vq-setup.2", "valid ring addresses", "SET_VQUEUE %u: %s area address 0", q,
                           area[i]);
        } else if (a[i] % align[i]) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "driver.set-vqueue.1", "properly aligned ring addresses",
                           "SET_VQUEUE %u: %s area at 0x%llx is not %u-byte aligned", q, area[i],
                           (unsigned long long)a[i], align[i]);
        }
    }
    if (size > 0 && size <= max) {
        dq->active = true;
        dq->notified = false;
    }
}

static void judge_event_avail(struct drv_state *st, struct vmsg_case *c, const struct vmsg_msg *m)
{
    uint32_t q = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX), next = (uint32_t)vmsg_get(m, VMSG_FLD_NEXT_OFFSET);
    if (st->status & ST(DRIVER_OK))
        st->obs->avail_after_ok++;
    if (st->removed) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.device-removed.1", "no new work after EVENT_DEVICE REMOVED",
                       "EVENT_AVAIL on queue %u after the bus reported the device removed", q);
    }
    if (!(st->status & ST(DRIVER_OK))) {
        vmsg_case_mark_frame(c);
        if (st->driver_ok_asked)
            vmsg_case_fail(c, "driver.finalize.2", "no I/O until the device reports DRIVER_OK",
                           "EVENT_AVAIL on queue %u before the DRIVER_OK reply (device status 0x%x)", q,
                           st->status);
        else
            vmsg_case_fail(c, "driver.init-order.4", "DRIVER_OK before normal I/O",
                           "EVENT_AVAIL on queue %u while the device status is 0x%x (no DRIVER_OK)", q, st->status);
    }
    if (st->reset_due) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "driver.reset.2", "status 0 and a new initialization before more I/O",
                       "EVENT_AVAIL on queue %u after DEVICE_NEEDS_RESET, without a reset", q);
    }
    if (st->refresh_due) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "driver.dev-notify.1", "the config re-read (GET_CONFIG) before I/O resumes",
                       "EVENT_AVAIL on queue %u after a data-less EVENT_CONFIG, before any GET_CONFIG", q);
    }
    if (!queue_index_ok(st, c, "EVENT_AVAIL", q) || !st->q[q].active) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.finalize.3", "notifications only for queues set up with SET_VQUEUE",
                       "EVENT_AVAIL on queue %u, which is not configured", q);
        return;
    }
    for (unsigned i = 0; i < st->nvq_unanswered; i++)
        if (st->vq_unanswered[i] == q) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "driver.init-order.3", "a queue used only once its SET_VQUEUE is answered",
                           "EVENT_AVAIL on queue %u while its SET_VQUEUE is still unanswered", q);
            break;
        }
    bool nd = st->fok && bit(st->written, VMSG_FEATURE_NOTIFICATION_DATA);
    if (!nd && next != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.event-avail.1", "next_offset 0 without VIRTIO_F_NOTIFICATION_DATA",
                       "EVENT_AVAIL queue %u next_offset 0x%x", q, next);
    } else if (nd && next == 0 && !st->q[q].notified) {
        /* the ring starts at 0 and a notification follows new buffers */
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.notify.3", "next_offset locating the new ring head (NOTIFICATION_DATA negotiated)",
                       "first EVENT_AVAIL on queue %u since it was configured carries next_offset 0", q);
    }
    st->q[q].notified = true;
}

static void judge_config_range(struct drv_state *st, struct vmsg_case *c, const char *what, const char *clause,
                               uint32_t off, uint32_t len)
{
    if ((uint64_t)off + len <= st->p.config_size)
        return;
    vmsg_case_mark_frame(c);
    vmsg_case_fail(c, clause, "a range inside config_size from GET_DEVICE_INFO",
                   "%s offset %u length %u, config_size %u", what, off, len, st->p.config_size);
}

static void judge_set_config(struct drv_state *st, struct vmsg_case *c, const struct vmsg_msg *m)
{
    uint32_t gen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
    uint32_t off = (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET), len = (uint32_t)vmsg_get(m, VMSG_FLD_LENGTH);
    st->obs->set_configs++;
    st->asked_set_len = len;
    judge_config_range(st, c, "SET_CONFIG", "driver.set-config.1", off, len);
    if (st->reread_due) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "driver.config-gen.2", "GET_CONFIG after a stale-generation rejection, before a retry",
                       "SET_CONFIG retried without re-reading the configuration");
    }
    uint32_t want = st->gen_seen ? st->gen_cfg : vmsg_refdev_generation(st->dev, st->dev_num);
    if (gen != want && !(st->gen_seen && gen == st->gen_any)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.config-gen.1", "the newest generation the driver has seen",
                       "SET_CONFIG generation %u, newest seen %u", gen, st->gen_seen ? st->gen_any : want);
    }
}

void drv_judge_driver(struct drv_state *st, const struct vmsg_msg *m)
{
    struct vmsg_case *c = st->c;
    if (!m->def || m->cls != VMSG_CLASS_TRANSPORT)
        return;
    if (m->dev_num != st->dev_num) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.header.3", "dev_num of the device driven", "%s to dev_num %u, the device is %u",
                       m->def->name, m->dev_num, st->dev_num);
        return; /* addressed elsewhere: nothing for this device */
    }
    unsigned mn = m->def->mname;
    bool setup = mn == VMSG_M_GET_DEVICE_FEATURES || mn == VMSG_M_SET_DRIVER_FEATURES || mn == VMSG_M_GET_VQUEUE ||
                 mn == VMSG_M_SET_VQUEUE || mn == VMSG_M_RESET_VQUEUE;
    if (setup && !st->info && !st->negotiating) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "driver.init-order.1", "GET_DEVICE_INFO before negotiation and queue setup",
                       "%s before any GET_DEVICE_INFO", m->def->name);
    }
    if (setup)
        st->negotiating = true;
    switch (mn) {
    case VMSG_M_GET_DEVICE_INFO:
        if (st->negotiating && !st->info) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "driver.device-info.1", "GET_DEVICE_INFO first",
                           "GET_DEVICE_INFO only after negotiation or queue setup started");
        }
        st->info = true;
        break;
    case VMSG_M_GET_DEVICE_FEATURES: st->feat_read = true; break;
    case VMSG_M_SET_DRIVER_FEATURES: judge_features(st, c, m); break;
    case VMSG_M_SET_DEVICE_STATUS: judge_status(st, c, (uint32_t)vmsg_get(m, VMSG_FLD_STATUS)); break;
    case VMSG_M_GET_CONFIG:
        st->obs->get_configs++;
        judge_config_range(st, c, "GET_CONFIG", "driver.get-config.1", (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET),
                           (uint32_t)vmsg_get(m, VMSG_FLD_LENGTH));
        st->reread_due = st->refresh_due = false;
        break;
    case VMSG_M_SET_CONFIG: judge_set_config(st, c, m); break;
    case VMSG_M_GET_VQUEUE: {
        uint32_t q = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
        if (queue_index_ok(st, c, "GET_VQUEUE", q))
            st->q[q].queried = true;
        break;
    }
    case VMSG_M_SET_VQUEUE: judge_set_vqueue(st, c, m); break;
    case VMSG_M_RESET_VQUEUE: {
        uint32_t q = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
        st->obs->reset_vqueues++;
        if (!st->fok || !bit(st->written, VMSG_FEATURE_RING_RESET)) {
            vmsg_case_mark_frame(c);
            vmsg_case_warn(c, "driver.reset-vqueue.1", "RESET_VQUEUE only with VIRTIO_F_RING_RESET negotiated",
                           "RESET_VQUEUE %u without RING_RESET negotiated", q);
            break; /* the device ignores it: the queue stays as it was */
        }
        if (queue_index_ok(st, c, "RESET_VQUEUE", q))
            st->q[q].active = st->q[q].queried = false;
        break;
    }
    case VMSG_M_EVENT_AVAIL: judge_event_avail(st, c, m); break;
    default: break;
    }
}

void drv_note_device(struct drv_state *st, const struct vmsg_msg *m)
{
    if (!m->def || m->cls != VMSG_CLASS_TRANSPORT)
        return;
    switch (m->def->mname) {
    case VMSG_M_SET_DEVICE_STATUS: {
        uint32_t s = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        st->status = s;
        st->driver_ok_asked = false;
        if ((st->asked_status & ST(FEATURES_OK)) && !(s & ST(FEATURES_OK)) && s != 0)
            st->refused = true;
        if ((s & ST(FEATURES_OK)) && !st->fok) {
            st->fok = true;
            st->obs->ring_reset = bit(st->written, VMSG_FEATURE_RING_RESET);
            st->obs->notification_data = bit(st->written, VMSG_FEATURE_NOTIFICATION_DATA);
        }
        if (s & ST(DRIVER_OK))
            st->obs->driver_ok = true;
        break;
    }
    case VMSG_M_GET_DEVICE_STATUS: st->status = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS); break;
    case VMSG_M_SET_VQUEUE:
        /* responses per device come in request order: this answers the oldest */
        if (m->kind == VMSG_KIND_RESPONSE && st->nvq_unanswered) {
            st->nvq_unanswered--;
            memmove(st->vq_unanswered, st->vq_unanswered + 1, st->nvq_unanswered);
        }
        break;
    case VMSG_M_GET_CONFIG:
        st->gen_cfg = st->gen_any = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        st->gen_seen = true;
        break;
    case VMSG_M_SET_CONFIG:
        st->gen_any = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        if (!st->gen_seen)
            st->gen_cfg = st->gen_any;
        st->gen_seen = true;
        if (vmsg_get(m, VMSG_FLD_LENGTH) == 0 && st->asked_set_len > 0)
            st->reread_due = true;
        break;
    case VMSG_M_EVENT_CONFIG: {
        uint32_t s = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS), gen = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        st->status = s;
        if (s & ST(DEVICE_NEEDS_RESET))
            st->reset_due = true;
        if (vmsg_get(m, VMSG_FLD_LENGTH) == 0 && (!st->gen_seen || gen != st->gen_any))
            st->refresh_due = true; /* a config change without its data */
        st->gen_cfg = st->gen_any = gen;
        st->gen_seen = true;
        break;
    }
    default: break;
    }
}

void drv_judge_end(struct drv_state *st)
{
    struct vmsg_case *c = st->c;
    if (st->refresh_due)
        vmsg_case_warn(c, "driver.event-config.1", "GET_CONFIG after an EVENT_CONFIG without data",
                       "the driver never re-read the configuration");
    if (st->reset_due)
        vmsg_case_warn(c, "driver.reset.2", "status 0 after DEVICE_NEEDS_RESET", "the driver never wrote status 0");
}
