/* Device suite: size limits, feature-gated requests, the running device. */
#include <stdio.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/hook.h>

#include "cases.h"
#include "dev.h"

#define QBASE 0x200000ull

/* Configure queue Q at its largest power-of-two size; false when it does not exist. */
static bool setup_queue(struct vmsg_case *c, uint32_t q, uint32_t *size_out)
{
    struct dev_resp r;
    uint32_t max = 0, size = 0;
    if (!dev_get_vqueue(c, q, &max, &size, &r, "device.get-vqueue.1") || !max)
        return false;
    uint32_t s = max >= 64 ? 64 : max;
    if (!dev_set_vqueue(c, q, s, QBASE + 0x10000ull * q, "device.set-vqueue.1"))
        return false;
    if (size_out)
        *size_out = s;
    return true;
}

static int64_t driver_ok(struct vmsg_case *c)
{
    return dev_set_status(c,
                          VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK |
                              VMSG_STATUS_DRIVER_OK,
                          "device.set-status.1");
}

/* A request whose answer cannot fit the bus maximum: the device either stays
 * silent or answers within the maximum; it never sends a longer message. */
void dcase_limits_response_size(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    uint32_t max = l->max_msg_size ? l->max_msg_size : p->rec_bus_max;
    uint32_t fixed = p->header + 8; /* GET_DEVICE_FEATURES response: block_index, num_blocks */
    uint32_t blocks = (max - fixed) / 4 + 1;
    dev_send(c, VMSG_M_GET_DEVICE_FEATURES, VMSG_KIND_REQUEST,
             DEV_KV({VMSG_FLD_BLOCK_INDEX, 0}, {VMSG_FLD_NUM_BLOCKS, blocks}));
    uint8_t buf[65536];
    size_t len = 0;
    struct vmsg_msg m;
    if (vmsg_case_recv(c, buf, sizeof buf, &len, vmsg_case_reply_timeout(c), &m, NULL) == VMSG_IO_TIMEOUT) {
        vmsg_case_info(c, "device.limits.1", "no answer to a %u-block GET_DEVICE_FEATURES (reply would exceed %u)",
                       blocks, max);
        return;
    }
    /* the runner judged the size of the frame; anything else is fine */
}

/* Without VIRTIO_F_RING_RESET negotiated, RESET_VQUEUE needs a feature the
 * session does not have: it must not reset the queue (answering is allowed). */
void dcase_vqueue_reset_unnegotiated(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t want[DEV_MAX_BLOCKS], neg[DEV_MAX_BLOCKS];
    memset(want, 0xff, sizeof want);
    want[VMSG_FEATURE_RING_RESET / 32] &= ~(1u << (VMSG_FEATURE_RING_RESET % 32));
    dev_ics_need_queue(c, 0);
    dev_get_info(c, &info);
    int64_t st = dev_negotiate(c, &info, want, neg);
    if (st < 0)
        return;
    if (!(st & VMSG_STATUS_FEATURES_OK)) {
        vmsg_case_na(c, "the device refused its offered set without RING_RESET");
        return;
    }
    uint32_t size = 0;
    if (!info.max_virtqueues || !setup_queue(c, 0, &size)) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    dev_send(c, VMSG_M_RESET_VQUEUE, VMSG_KIND_REQUEST, DEV_KV({VMSG_FLD_INDEX, 0}));
    uint8_t buf[512];
    size_t len = 0;
    struct vmsg_msg m;
    if (vmsg_case_recv(c, buf, sizeof buf, &len, vmsg_case_reply_timeout(c), &m, NULL) == VMSG_IO_OK)
        vmsg_case_info(c, "device.versioning.2", "RESET_VQUEUE without RING_RESET was answered");
    struct dev_resp r;
    uint32_t max = 0, now = 0;
    if (dev_get_vqueue(c, 0, &max, &now, &r, "device.versioning.2") && now != size) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.versioning.2", "queue 0 untouched (RING_RESET not negotiated)",
                       "cur_size %u after RESET_VQUEUE (was %u)", now, size);
    }
}

/* After DRIVER_OK the device processes queue work: if it reports used
 * buffers, it names the queue that had them. The harness places no real
 * buffers, so silence is not a failure. */
void dcase_io_after_driver_ok(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_ics_need_queue(c, 0);
    dev_to_features_ok(c, &info, neg);
    if (!info.max_virtqueues || !setup_queue(c, 0, NULL)) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    int64_t st = driver_ok(c);
    if (st < 0 || !(st & VMSG_STATUS_DRIVER_OK)) {
        vmsg_case_na(c, "DRIVER_OK not accepted (status 0x%llx)", (unsigned long long)st);
        return;
    }
    dev_send(c, VMSG_M_EVENT_AVAIL, VMSG_KIND_EVENT, DEV_KV({VMSG_FLD_INDEX, 0}, {VMSG_FLD_NEXT_OFFSET, 0}));
    uint8_t buf[512];
    size_t len = 0;
    struct vmsg_msg m;
    struct vmsg_diag d;
    if (vmsg_case_recv(c, buf, sizeof buf, &len, vmsg_case_reply_timeout(c), &m, &d) == VMSG_IO_TIMEOUT) {
        vmsg_case_info(c, "device.event-used.1", "no EVENT_USED (the harness places no buffers in queue 0)");
        return;
    }
    if (d.outcome > VMSG_NONCONFORMANT || !m.def)
        return; /* judged by the runner */
    if (m.kind == VMSG_KIND_RESPONSE) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.errors.1", "no response to an event", "%s response", m.def->name);
    } else if (m.def->mname == VMSG_M_EVENT_USED && vmsg_get(&m, VMSG_FLD_INDEX) != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.finalize.2", "EVENT_USED for queue 0, the only queue with work",
                       "EVENT_USED index %llu", (unsigned long long)vmsg_get(&m, VMSG_FLD_INDEX));
    }
}

/* SET_VQUEUE after initialization is honoured like during it. */
void dcase_vqueue_after_driver_ok(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    dev_ics_need_queue(c, 0);
    dev_ics_need_queue(c, 1);
    dev_to_features_ok(c, &info, neg);
    if (info.max_virtqueues < 2 || !setup_queue(c, 0, NULL)) {
        vmsg_case_na(c, "fewer than two queues");
        return;
    }
    int64_t st = driver_ok(c);
    if (st < 0 || !(st & VMSG_STATUS_DRIVER_OK)) {
        vmsg_case_na(c, "DRIVER_OK not accepted (status 0x%llx)", (unsigned long long)st);
        return;
    }
    uint32_t max = 0, size = 0, set = 0;
    if (!dev_get_vqueue(c, 1, &max, &size, &r, "device.get-vqueue.1"))
        return;
    if (!max) {
        vmsg_case_na(c, "queue 1 does not exist");
        return;
    }
    set = max >= 16 ? 16 : max;
    if (!dev_set_vqueue(c, 1, set, QBASE + 0x40000, "device.vq-change.1") ||
        !dev_get_vqueue(c, 1, &max, &size, &r, "device.vq-change.1"))
        return;
    if (size != set) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.vq-change.1", "queue 1 configured by a SET_VQUEUE after DRIVER_OK",
                       "cur_size %u (set %u)", size, set);
    }
}

/* The status reported by SET_DEVICE_STATUS up to DRIVER_OK is the status the
 * device then reports with GET_DEVICE_STATUS. */
void dcase_status_driver_ok(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_to_features_ok(c, &info, neg);
    if (info.max_virtqueues)
        setup_queue(c, 0, NULL);
    int64_t st = driver_ok(c);
    if (st < 0)
        return;
    int64_t now = dev_get_status(c, "device.get-status.1");
    if (now >= 0 && now != st) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.set-status.1", "the SET_DEVICE_STATUS reply equal to the status in force",
                       "reply 0x%llx, GET_DEVICE_STATUS 0x%llx", (unsigned long long)st, (unsigned long long)now);
    }
}

/* The device consumes a buffer (asked through the test hook: the harness
 * has no ring memory to put one in) on a queue in use: it reports it with
 * EVENT_USED for that queue. Nothing suppresses the notification: the
 * harness never writes the rings. The hook's response and the event may
 * come in either order. */
void dcase_io_used_notification(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_to_features_ok(c, &info, neg);
    if (!info.max_virtqueues || !setup_queue(c, 0, NULL)) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    /* the last queue, when there are several: its index tells queues apart */
    uint32_t q = info.max_virtqueues > 1 && setup_queue(c, info.max_virtqueues - 1, NULL) ? info.max_virtqueues - 1 : 0;
    int64_t st = driver_ok(c);
    if (st < 0 || !(st & VMSG_STATUS_DRIVER_OK)) {
        vmsg_case_na(c, "DRIVER_OK not accepted (status 0x%llx)", (unsigned long long)st);
        return;
    }
    if (!dev_hook_send(c, VMSG_HOOK_USE_BUFFER, q, 0))
        return;
    unsigned wait = vmsg_case_reply_timeout(c);
    bool answered = false, used = false;
    uint32_t result = 0;
    long other = -1; /* an EVENT_USED for another queue */
    /* until both came, or the device has been quiet for a reply timeout */
    while (!(answered && used)) {
        uint8_t buf[512];
        size_t len = 0;
        struct vmsg_msg m;
        struct vmsg_diag d;
        if (vmsg_case_recv(c, buf, sizeof buf, &len, wait, &m, &d) != VMSG_IO_OK)
            break;
        if (d.outcome == VMSG_TRUNCATED || d.outcome == VMSG_MALFORMED)
            continue; /* judged by the runner */
        if (dev_hook_response(&m, VMSG_HOOK_USE_BUFFER, &result)) {
            answered = true;
        } else if (m.def && m.def->mname == VMSG_M_EVENT_USED && vmsg_get(&m, VMSG_FLD_INDEX) == q) {
            used = true;
        } else if (m.def && m.def->mname == VMSG_M_EVENT_USED) {
            vmsg_case_mark_frame(c);
            other = (long)vmsg_get(&m, VMSG_FLD_INDEX);
        }
    }
    if (!answered) {
        vmsg_case_na(c, "the device does not implement the harness test hook (msg_id 0x%02x)", VMSG_HOOK_MSG_ID);
        return;
    }
    if (result != VMSG_HOOK_DONE) {
        vmsg_case_na(c, "the device declined test hook action use-buffer on queue %u (result %u)", q, result);
        return;
    }
    if (!used && other >= 0)
        vmsg_case_warn(c, "device.event-used.1", "EVENT_USED for the queue whose buffer was consumed",
                       "EVENT_USED names queue %ld, the buffer was on queue %u", other, q);
    else if (!used)
        vmsg_case_warn(c, "device.event-used.1", "EVENT_USED after a buffer was consumed",
                       "nothing for queue %u within %u ms of the test hook's answer", q, wait);
}
