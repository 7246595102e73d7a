/* The harness test hook: an implementation-defined request (transport class,
 * msg_id 0xBF) that asks the implementation under test to do something its
 * peer cannot cause through the standard messages. Implementations that do
 * not implement it drop it silently, as v1 asks of every unsupported
 * implementation-defined request (device.limits.2, driver.versioning.2), and
 * the cases that need it report NA.
 *
 * Sent by the harness to a device under test (the harness plays the driver):
 *   1 CONFIG_CHANGE  arg0 offset, arg1 length: rewrite those bytes of the
 *                    configuration on its own and announce it (EVENT_CONFIG).
 *   2 NEEDS_RESET    hit an unrecoverable error: set DEVICE_NEEDS_RESET and
 *                    announce it.
 *   3 USE_BUFFER     arg0 queue index: consume one buffer the driver made
 *                    available on that queue, as if it had found it in the
 *                    ring. The harness never writes the rings, so nothing
 *                    there suppresses notifications: the device then owes
 *                    EVENT_USED for that queue (device.event-used.1). Only
 *                    for a queue in use (configured, DRIVER_OK set, no
 *                    DEVICE_NEEDS_RESET); a device whose completions go out
 *                    of band answers result 1.
 * Sent by the harness to a driver under test (the harness plays the device;
 * the request travels device to driver, token chosen by the harness):
 *   4 ADD_BUFFER     arg0 queue index: place one new buffer on that queue.
 *                    The harness never writes the used ring, so the device
 *                    side never asked to go without notifications: the
 *                    driver then owes EVENT_AVAIL for that queue
 *                    (driver.notify.1). Only for a queue in use (configured,
 *                    DRIVER_OK reported, the device neither removed nor
 *                    needing a reset).
 *
 * Request payload (16 bytes, little-endian): magic "HOOK" (0x4b4f4f48),
 * action, arg0, arg1 (0 when unused). Response payload (12 bytes): magic,
 * action, result. The response goes out before what the action causes.
 * refdev implements actions 1-3, refdrv action 4. */
#ifndef VMSG_HOOK_H
#define VMSG_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMSG_HOOK_MSG_ID 0xbf
#define VMSG_HOOK_MAGIC 0x4b4f4f48u

enum vmsg_hook_action {
    VMSG_HOOK_CONFIG_CHANGE = 1, /* to a device: arg0 offset, arg1 length */
    VMSG_HOOK_NEEDS_RESET = 2,   /* to a device */
    VMSG_HOOK_USE_BUFFER = 3,    /* to a device: arg0 queue */
    VMSG_HOOK_ADD_BUFFER = 4     /* to a driver: arg0 queue */
};

enum vmsg_hook_result {
    VMSG_HOOK_DONE = 0,        /* done (what it causes follows the response) */
    VMSG_HOOK_UNSUPPORTED = 1, /* action not implemented */
    VMSG_HOOK_NOT_NOW = 2      /* not possible in the current state (e.g. the queue is not in use) */
};

struct vmsg_hook {
    uint32_t action, arg0, arg1, result;
};

/* Encode a hook request (or response when response is true) for PROFILE into
 * buf; returns the length or 0 when cap is too small or the profile has no
 * room for it (v0). */
size_t vmsg_hook_encode(unsigned profile, bool response, uint16_t dev_num, uint16_t token, const struct vmsg_hook *h,
                        uint8_t *buf, size_t cap);
/* Parse a decoded implementation-defined message as a hook request or
 * response; false when it is something else. */
struct vmsg_msg;
bool vmsg_hook_parse(const struct vmsg_msg *m, struct vmsg_hook *h);
/* "config-change", "needs-reset", "use-buffer", "add-buffer"; NULL when unknown. */
const char *vmsg_hook_action_name(uint32_t action);

#endif
