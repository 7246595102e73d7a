/* An endpoint is a virtio-msg party reduced to a message handler: frames come
 * in through receive(), frames go out through the emit callback. Reference
 * implementations (refdev, refdrv, the bus relay) are endpoints; bus adapters
 * move their frames over pipes, sockets and shared memory, and the in-process
 * `builtin:` adapter calls them directly. Nothing here blocks or sleeps. */
#ifndef VMSG_ENDPOINT_H
#define VMSG_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

/* Hand one complete frame (msg_size bytes, or the fixed size) to the peer. */
typedef void (*vmsg_emit_fn)(void *ctx, const uint8_t *frame, size_t len);

struct vmsg_endpoint_ops {
    const char *name;
    /* A frame arrived from the peer. May emit any number of frames. */
    void (*receive)(void *self, const uint8_t *frame, size_t len, vmsg_emit_fn emit, void *ctx);
    /* Let the endpoint act on its own (a driver's next step, a device's
     * config change). now_ms is a monotonic clock. Returns 1 when it emitted
     * or has more to do, 0 when idle, -1 when finished (driver script done). */
    int (*poll)(void *self, uint64_t now_ms, vmsg_emit_fn emit, void *ctx);
    void (*destroy)(void *self);
};

struct vmsg_endpoint {
    const struct vmsg_endpoint_ops *ops;
    void *self;
};

/* Parameters the bus advertises before any transport message (v1 text:
 * revision, maximum message size, transport feature bits). */
struct vmsg_bus_params {
    uint32_t revision;
    uint32_t max_msg_size;
    uint64_t transport_features;
};

#endif
