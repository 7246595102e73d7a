/* Device suite: device-side changes (configuration, unrecoverable error),
 * provoked through the harness test hook (vmsg/hook.h). A device without the
 * hook drops it silently and these cases are NA. */
#include <stdio.h>
#include <string.h>

#include <vmsg/hook.h>

#include "cases.h"
#include "dev.h"

/* Ask for ACTION; true when the device acknowledged it (result 0). */
static bool hook(struct vmsg_case *c, uint32_t action, uint32_t a0, uint32_t a1)
{
    if (!dev_hook_send(c, action, a0, a1))
        return false;
    uint8_t buf[512];
    size_t len = 0;
    struct vmsg_msg m;
    uint32_t result = 0;
    while (vmsg_case_recv(c, buf, sizeof buf, &len, vmsg_case_reply_timeout(c), &m, NULL) == VMSG_IO_OK)
        if (dev_hook_response(&m, action, &result)) {
            if (result != VMSG_HOOK_DONE)
                vmsg_case_na(c, "the device declined test hook action %s (result %u)", vmsg_hook_action_name(action),
                             result);
            return result == VMSG_HOOK_DONE;
        }
    vmsg_case_na(c, "the device does not implement the harness test hook (msg_id 0x%02x)", VMSG_HOOK_MSG_ID);
    return false;
}

/* The next EVENT_CONFIG within the reply timeout, decoded into ev (own buffer). */
struct event {
    struct vmsg_msg m;
    uint8_t buf[1024];
};

static bool next_event_config(struct vmsg_case *c, struct event *ev)
{
    size_t len = 0;
    while (vmsg_case_recv(c, ev->buf, sizeof ev->buf, &len, vmsg_case_reply_timeout(c), &ev->m, NULL) ==
           VMSG_IO_OK)
        if (ev->m.def && ev->m.def->mname == VMSG_M_EVENT_CONFIG)
            return true;
    return false;
}

static int64_t to_driver_ok(struct vmsg_case *c, struct dev_info *info)
{
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_to_features_ok(c, info, neg);
    return dev_set_status(c,
                          VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK |
                              VMSG_STATUS_DRIVER_OK,
                          "device.set-status.1");
}

/* A device-side change after initialization: EVENT_CONFIG with a new
 * generation and the current status; data (if carried) is what GET_CONFIG
 * then reads; a second change gets another generation. */
void dcase_config_change_event(struct vmsg_case *c)
{
    struct dev_info info;
    dev_ics_need_config(c, 2);
    if (to_driver_ok(c, &info) < 0)
        return;
    if (info.config_size < 2) {
        vmsg_case_na(c, "configuration space smaller than 2 bytes");
        return;
    }
    uint32_t off = info.config_size > 4 ? 4 : 1, gen0 = 0;
    if (!dev_get_config(c, 0, 1, &gen0, NULL, NULL, "device.get-config.1") || !hook(c, VMSG_HOOK_CONFIG_CHANGE, off, 1))
        return;
    struct event ev;
    if (!next_event_config(c, &ev)) {
        vmsg_case_fail(c, "device.config-change.1", "EVENT_CONFIG after a device-side change",
                       "nothing within %u ms", vmsg_case_reply_timeout(c));
        return;
    }
    uint32_t gen = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_GENERATION);
    uint32_t st = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_STATUS), elen = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_LENGTH);
    uint32_t eoff = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_OFFSET);
    if (gen == gen0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.config-gen.1", "a new generation with the change", "generation %u unchanged", gen);
    }
    if (elen == 0 && eoff != off) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "device.notify.2", "the changed offset in a zero-length EVENT_CONFIG",
                       "offset %u, the change was at %u", eoff, off);
    }
    int64_t now = dev_get_status(c, "device.get-status.1");
    if (now >= 0 && (uint32_t)now != st) {
        vmsg_case_fail(c, "device.event-config.1", "the device status in EVENT_CONFIG", "status 0x%x, device reports 0x%llx",
                       st, (unsigned long long)now);
    }
    uint8_t data[256];
    uint32_t gen2 = 0, got = 0, want = elen ? elen : 1;
    if (want > sizeof data)
        want = sizeof data;
    if (!dev_get_config(c, elen ? eoff : off, want, &gen2, data, &got, "device.get-config.1"))
        return;
    if (gen2 != gen)
        vmsg_case_fail(c, "device.config-gen.1", "GET_CONFIG at the generation EVENT_CONFIG announced",
                       "generation %u after EVENT_CONFIG %u", gen2, gen);
    uint32_t dlen = 0;
    const uint8_t *edata = vmsg_get_bytes(&ev.m, VMSG_FLD_DATA, &dlen);
    if (elen && edata && got >= want && memcmp(edata, data, want))
        vmsg_case_fail(c, "device.notify.1", "EVENT_CONFIG data equal to the configuration",
                       "%u bytes at offset %u differ from GET_CONFIG", want, eoff);
    if (!hook(c, VMSG_HOOK_CONFIG_CHANGE, off, 1))
        return;
    struct event ev2;
    if (!next_event_config(c, &ev2)) {
        vmsg_case_fail(c, "device.notify.1", "EVENT_CONFIG after every change", "none after the second change");
        return;
    }
    if (vmsg_get(&ev2.m, VMSG_FLD_GENERATION) == gen) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.config-gen.1", "a generation no other EVENT_CONFIG used",
                       "generation %u twice", gen);
    }
}

/* A change larger than one EVENT_CONFIG can carry: a zero-length
 * EVENT_CONFIG with the new generation, data left for GET_CONFIG. */
void dcase_config_change_large(struct vmsg_case *c)
{
    struct dev_info info;
    const struct vmsg_link *l = vmsg_case_link(c);
    uint32_t room = l->max_msg_size - vmsg_profile(l->profile)->header - 16;
    if (dev_ics_info(c, &info) && info.config_size <= room) {
        vmsg_case_na(c, "the whole configuration (%u bytes, ICS) fits one EVENT_CONFIG (%u)", info.config_size, room);
        return;
    }
    if (to_driver_ok(c, &info) < 0)
        return;
    if (info.config_size <= room) {
        vmsg_case_na(c, "the whole configuration (%u bytes) fits one EVENT_CONFIG (%u)", info.config_size, room);
        return;
    }
    if (!hook(c, VMSG_HOOK_CONFIG_CHANGE, 0, info.config_size))
        return;
    struct event ev;
    if (!next_event_config(c, &ev)) {
        vmsg_case_fail(c, "device.config-change.1", "EVENT_CONFIG after a device-side change",
                       "nothing within %u ms", vmsg_case_reply_timeout(c));
        return;
    }
    uint32_t elen = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_LENGTH);
    if (elen && elen < info.config_size) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "device.config-gen.2", "a zero-length EVENT_CONFIG for a change too big for one message",
                       "EVENT_CONFIG with %u of the %u changed bytes", elen, info.config_size);
    }
}

/* An unrecoverable error: DEVICE_NEEDS_RESET set, announced by EVENT_CONFIG,
 * and reported by GET_DEVICE_STATUS. */
void dcase_needs_reset(struct vmsg_case *c)
{
    struct dev_info info;
    if (to_driver_ok(c, &info) < 0 || !hook(c, VMSG_HOOK_NEEDS_RESET, 0, 0))
        return;
    struct event ev;
    bool got = next_event_config(c, &ev);
    int64_t st = dev_get_status(c, "device.get-status.1");
    if (st < 0)
        return;
    bool flagged = st & VMSG_STATUS_DEVICE_NEEDS_RESET;
    if (!got && !flagged) {
        vmsg_case_warn(c, "device.reset.2", "DEVICE_NEEDS_RESET signalled after an unrecoverable error",
                       "no EVENT_CONFIG and status 0x%llx", (unsigned long long)st);
        return;
    }
    if (!got) {
        vmsg_case_fail(c, "device.notify.1", "EVENT_CONFIG for the status change", "DEVICE_NEEDS_RESET set silently");
        return;
    }
    uint32_t est = (uint32_t)vmsg_get(&ev.m, VMSG_FLD_STATUS);
    if (!(est & VMSG_STATUS_DEVICE_NEEDS_RESET))
        vmsg_case_fail(c, "device.event-config.1", "DEVICE_NEEDS_RESET in the EVENT_CONFIG status",
                       "status 0x%x", est);
    if (!flagged)
        vmsg_case_fail(c, "device.get-status.1", "DEVICE_NEEDS_RESET in GET_DEVICE_STATUS", "status 0x%llx",
                       (unsigned long long)st);
}
