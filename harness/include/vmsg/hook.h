/* The harness test hook: an implementation-defined request (transport class,
 * msg_id 0xBF) that asks a device under test to do something the driver side
 * cannot cause through the standard messages: change its configuration on
 * its own, or hit an unrecoverable error. Devices that do not implement it
 * drop it silently, as v1 asks of every unsupported implementation-defined
 * request, and the cases that need it report NA.
 *
 * Request payload (16 bytes, little-endian): magic "HOOK" (0x4b4f4f48),
 * action, arg0, arg1. Response payload (12 bytes): magic, action, result
 * (0 done, 1 unsupported action). The reference device implements it. */
#ifndef VMSG_HOOK_H
#define VMSG_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMSG_HOOK_MSG_ID 0xbf
#define VMSG_HOOK_MAGIC 0x4b4f4f48u

enum vmsg_hook_action {
    VMSG_HOOK_CONFIG_CHANGE = 1, /* arg0 offset, arg1 length: rewrite those bytes, announce it */
    VMSG_HOOK_NEEDS_RESET = 2    /* set DEVICE_NEEDS_RESET and announce it */
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

#endif
