/* Device suite: status and reset, virtqueues, shared memory, discarding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include <vmsg/cursor.h>

#include "dev.h"

#define QBASE 0x100000ull /* any non-zero, aligned bus address: the harness owns no memory */

static uint32_t pick_size(uint32_t max) { return max >= 64 ? 64 : max; }

/* Split rings want a power of two: the largest one the maximum allows. */
static uint32_t pow2_at_most(uint32_t max)
{
    uint32_t p = 1;
    while (p <= max / 2)
        p *= 2;
    return max ? p : 0;
}

/* Writing 0 resets: the response reports 0, GET_DEVICE_STATUS reads 0, and
 * configured queues are forgotten. */
void dcase_status_reset(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    dev_to_features_ok(c, &info, neg);
    uint32_t max = 0, size = 0;
    bool queue = info.max_virtqueues && dev_get_vqueue(c, 0, &max, &size, &r, "device.get-vqueue.1") && max;
    if (queue && !dev_set_vqueue(c, 0, pick_size(max), QBASE, "device.set-vqueue.1"))
        return;
    int64_t st = dev_set_status(c, 0, "device.status.1");
    if (st < 0)
        return;
    if (st != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.status.1", "status 0 in the reset response", "0x%llx", (unsigned long long)st);
    }
    st = dev_get_status(c, "device.status.1");
    if (st > 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.reset.1", "status 0 after a reset", "GET_DEVICE_STATUS 0x%llx",
                       (unsigned long long)st);
    }
    if (queue && dev_get_vqueue(c, 0, &max, &size, &r, "device.status.1") && size != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.status.1", "queue 0 unconfigured after a reset", "cur_size %u", size);
    }
}

/* SET_DEVICE_STATUS reports the resulting status and GET_DEVICE_STATUS agrees. */
void dcase_status_report(struct vmsg_case *c)
{
    static const uint32_t steps[] = {VMSG_STATUS_ACKNOWLEDGE, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER};
    struct dev_info info;
    dev_get_info(c, &info);
    for (unsigned i = 0; i < 2; i++) {
        int64_t st = dev_set_status(c, steps[i], "device.set-status.1");
        if (st < 0)
            return;
        int64_t now = dev_get_status(c, "device.get-status.1");
        if (st != steps[i] || now != st) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, st != steps[i] ? "device.set-status.1" : "device.get-status.1",
                           "the status written, then read back", "wrote 0x%x, response 0x%llx, read 0x%llx", steps[i],
                           (unsigned long long)st, (unsigned long long)now);
            return;
        }
    }
}

/* Before any SET_VQUEUE every queue reports current size 0. */
void dcase_vqueue_unconfigured(struct vmsg_case *c)
{
    struct dev_info info;
    struct dev_resp r;
    if (dev_ics_info(c, &info) && !info.max_virtqueues) {
        vmsg_case_na(c, "the device has no virtqueues (ICS)");
        return;
    }
    dev_get_info(c, &info);
    if (!info.max_virtqueues) {
        vmsg_case_na(c, "the device has no virtqueues");
        return;
    }
    uint32_t n = info.max_virtqueues < 8 ? info.max_virtqueues : 8;
    for (uint32_t q = 0; q < n; q++) {
        uint32_t max = 0, size = 0;
        if (!dev_get_vqueue(c, q, &max, &size, &r, "device.get-vqueue.1"))
            return;
        if (vmsg_get(&r.m, VMSG_FLD_INDEX) != q || size != 0) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.get-vqueue.1", "index echoed and current size 0 before SET_VQUEUE",
                           "index %llu cur_size %u", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_INDEX), size);
            return;
        }
    }
}

/* SET_VQUEUE parameters are kept and GET_VQUEUE reports them. */
void dcase_vqueue_set_get(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    dev_ics_need_queue(c, 0);
    dev_to_features_ok(c, &info, neg);
    uint32_t max = 0, size = 0;
    if (!info.max_virtqueues || !dev_get_vqueue(c, 0, &max, &size, &r, "device.get-vqueue.1") || !max) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    uint32_t want = pow2_at_most(max); /* the largest size the device says it takes */
    if (!dev_set_vqueue(c, 0, want, QBASE, "device.set-vqueue.1") ||
        !dev_get_vqueue(c, 0, &max, &size, &r, "device.vq-setup.1"))
        return;
    uint64_t d = vmsg_get(&r.m, VMSG_FLD_DESC_ADDR), dr = vmsg_get(&r.m, VMSG_FLD_DRIVER_ADDR),
             de = vmsg_get(&r.m, VMSG_FLD_DEVICE_ADDR);
    if (size != want || d != QBASE || dr != QBASE + 0x1000 || de != QBASE + 0x2000) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.vq-setup.1", "the size and addresses SET_VQUEUE gave",
                       "size %u (set %u) desc 0x%llx driver 0x%llx device 0x%llx", size, want, (unsigned long long)d,
                       (unsigned long long)dr, (unsigned long long)de);
    }
}

/* With RING_RESET negotiated, RESET_VQUEUE returns the queue to unconfigured
 * and a new SET_VQUEUE is honoured. */
void dcase_vqueue_reset(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    if (dev_ics_offers(c, VMSG_FEATURE_RING_RESET) == 0) {
        vmsg_case_na(c, "VIRTIO_F_RING_RESET is not offered (ICS)");
        return;
    }
    dev_ics_need_queue(c, 0);
    dev_to_features_ok(c, &info, neg);
    if (!dev_feature(neg, VMSG_FEATURE_RING_RESET)) {
        vmsg_case_na(c, "VIRTIO_F_RING_RESET is not offered");
        return;
    }
    uint32_t max = 0, size = 0;
    if (!info.max_virtqueues || !dev_get_vqueue(c, 0, &max, &size, &r, "device.get-vqueue.1") || !max) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    if (!dev_set_vqueue(c, 0, pick_size(max), QBASE, "device.set-vqueue.1") ||
        !dev_call(c, VMSG_M_RESET_VQUEUE, DEV_KV({VMSG_FLD_INDEX, 0}), 0, NULL, 0, &r, "device.reset-vqueue.1") ||
        !dev_get_vqueue(c, 0, &max, &size, &r, "device.reset-vqueue.1"))
        return;
    if (size != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.reset-vqueue.1", "queue 0 unconfigured after RESET_VQUEUE", "cur_size %u", size);
        return;
    }
    if (vmsg_get(&r.m, VMSG_FLD_DESC_ADDR) == QBASE || vmsg_get(&r.m, VMSG_FLD_DRIVER_ADDR) == QBASE + 0x1000 ||
        vmsg_get(&r.m, VMSG_FLD_DEVICE_ADDR) == QBASE + 0x2000) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.vq-change.2", "no stale ring addresses after RESET_VQUEUE",
                       "desc 0x%llx driver 0x%llx device 0x%llx still reported",
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_DESC_ADDR),
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_DRIVER_ADDR),
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_DEVICE_ADDR));
        return;
    }
    uint32_t again = max >= 32 ? 32 : max;
    if (!dev_set_vqueue(c, 0, again, QBASE + 0x10000, "device.vq-change.1") ||
        !dev_get_vqueue(c, 0, &max, &size, &r, "device.vq-change.2"))
        return;
    if (size != again) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.vq-change.2", "reconfiguration after RESET_VQUEUE honoured", "cur_size %u (set %u)",
                       size, again);
    }
}

/* "length 0x1000 address 0x40000000" of an ICS shm entry; false when it is
 * not that. */
static bool ics_region(const char *s, unsigned long long *len, unsigned long long *addr)
{
    char *end;
    if (!s || strncmp(s, "length ", 7))
        return false;
    *len = strtoull(s + 7, &end, 16);
    if (end == s + 7 || strncmp(end, " address ", 9))
        return false;
    s = end + 9;
    *addr = strtoull(s, &end, 16);
    return end != s && !*end;
}

/* A region that does not exist has length 0; existing ones read the same twice. */
void dcase_shm(struct vmsg_case *c)
{
    struct dev_resp r;
    const struct vmsg_link *l = vmsg_case_link(c);
    if (!vmsg_msgdef_find(l->profile, l->binding, VMSG_M_GET_SHM, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST)) {
        vmsg_case_na(c, "profile has no GET_SHM");
        return;
    }
    if (!dev_call(c, VMSG_M_GET_SHM, DEV_KV({VMSG_FLD_INDEX, 0xfffe}), 0, NULL, 0, &r, "device.get-shm.1"))
        return;
    if (vmsg_get(&r.m, VMSG_FLD_LENGTH) != 0 || vmsg_get(&r.m, VMSG_FLD_INDEX) != 0xfffe) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-shm.1", "index echoed and length 0 for a region that does not exist",
                       "index %llu length %llu", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_INDEX),
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_LENGTH));
        return;
    }
    /* the regions the ICS found (all of them, whatever their ids), else 0-3 */
    uint32_t ids[16], n = 0;
    const char *listed = vmsg_case_ics(c, "shm.regions");
    if (listed && (!strcmp(listed, "none") || (listed[0] >= '0' && listed[0] <= '9'))) {
        for (const char *s = listed; *s >= '0' && *s <= '9' && n < 16;) {
            char *end;
            ids[n++] = (uint32_t)strtoul(s, &end, 10);
            s = *end == ',' ? end + 1 : end;
        }
    } else {
        for (; n < 4; n++)
            ids[n] = n;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = ids[k];
        struct dev_resp a, b;
        if (!dev_call(c, VMSG_M_GET_SHM, DEV_KV({VMSG_FLD_INDEX, i}), 0, NULL, 0, &a, "device.get-shm.1") ||
            !dev_call(c, VMSG_M_GET_SHM, DEV_KV({VMSG_FLD_INDEX, i}), 0, NULL, 0, &b, "device.get-shm.1"))
            return;
        unsigned long long len = vmsg_get(&a.m, VMSG_FLD_LENGTH), addr = vmsg_get(&a.m, VMSG_FLD_ADDRESS);
        if (len != vmsg_get(&b.m, VMSG_FLD_LENGTH) || addr != vmsg_get(&b.m, VMSG_FLD_ADDRESS)) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.get-shm.1", "the same region twice", "region %u changed between reads", i);
            continue;
        }
        char key[32];
        unsigned long long ilen, iaddr;
        snprintf(key, sizeof key, "shm.%u", i);
        if (ics_region(vmsg_case_ics(c, key), &ilen, &iaddr) && (ilen != len || iaddr != addr)) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.get-shm.1", "the region as the device described it before the cases (ICS)",
                           "region %u: length 0x%llx address 0x%llx, before: length 0x%llx address 0x%llx", i, len,
                           addr, ilen, iaddr);
        }
    }
}

/* Malformed, unknown and misdirected messages are dropped without a word,
 * and the device still answers afterwards. */
void dcase_errors_discard(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    uint8_t f[64];
    unsigned quiet = vmsg_case_reply_timeout(c) / 2;
    struct dev_info info;
    dev_get_info(c, &info);
    /* 1. an unknown standard request id */
    memset(f, 0, sizeof f);
    f[0] = 0x00;
    f[1] = 0x3e;
    vmsg_put_le(f + 2, l->dev_num, 2);
    if (p->size_field)
        vmsg_put_le(f + p->header - 2, p->header, 2);
    vmsg_case_send(c, f, p->fixed_size ? p->fixed_size : p->header);
    if (!vmsg_case_expect_silence(c, quiet, "device.errors.1", "no reply to an unknown request id"))
        return;
    /* 1b. an implementation-defined request it has no use for */
    f[1] = 0xa7;
    vmsg_case_send(c, f, p->fixed_size ? p->fixed_size : p->header);
    if (!vmsg_case_expect_silence(c, quiet, "device.limits.2", "no reply to an unsupported implementation-defined request"))
        return;
    /* 2. GET_CONFIG without its payload (malformed) */
    if (p->size_field) {
        f[1] = 0x05;
        vmsg_case_send(c, f, p->header);
        if (!vmsg_case_expect_silence(c, quiet, "device.errors.1", "no reply to a GET_CONFIG with no payload"))
            return;
    }
    /* 3. a response sent to the device */
    f[0] = 0x01;
    f[1] = 0x07;
    if (p->size_field)
        vmsg_put_le(f + p->header - 2, p->header + 4, 2);
    vmsg_case_send(c, f, p->fixed_size ? p->fixed_size : p->header + 4u);
    if (!vmsg_case_expect_silence(c, quiet, "device.errors.1", "no reply to a response"))
        return;
    if (dev_get_status(c, "device.errors.1") < 0)
        vmsg_case_fail(c, "device.errors.1", "the device still answering", "no answer after the discarded messages");
}

/* Events get no response, and before DRIVER_OK no queue work happens. */
void dcase_events_before_driver_ok(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    dev_ics_need_queue(c, 0);
    dev_to_features_ok(c, &info, neg);
    uint32_t max = 0, size = 0;
    if (!info.max_virtqueues || !dev_get_vqueue(c, 0, &max, &size, &r, "device.get-vqueue.1") || !max) {
        vmsg_case_na(c, "queue 0 does not exist");
        return;
    }
    if (!dev_set_vqueue(c, 0, pick_size(max), QBASE, "device.set-vqueue.1"))
        return;
    dev_send(c, VMSG_M_EVENT_AVAIL, VMSG_KIND_EVENT, DEV_KV({VMSG_FLD_INDEX, 0}, {VMSG_FLD_NEXT_OFFSET, 0}));
    vmsg_case_expect_silence(c, vmsg_case_reply_timeout(c), "device.finalize.1",
                             "no response and no EVENT_USED before DRIVER_OK");
}
