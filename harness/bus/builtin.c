/* builtin:NAME[?query] : an in-process endpoint, made by the caller's
 * registry (struct vmsg_builtin). send() hands the frame to the endpoint's
 * receive(); what it emits waits in a FIFO that recv() empties, calling the
 * endpoint's poll() while the FIFO is empty. No framing is involved: frames
 * arrive exactly as emitted (a wrong msg_size is for the checker to judge). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus_internal.h"

#define FIFO_MAX 4096u /* frames an endpoint may queue before it is a runaway */

struct frame {
    struct frame *next;
    size_t len;
    uint8_t data[];
};

struct builtin_bus {
    struct vmsg_endpoint ep;
    struct frame *first, *last;
    size_t count;
    bool overflow;
    bool finished;
    size_t too_big;     /* an emitted frame above the maximum (its size) */
};

static void emit(void *ctx, const uint8_t *f, size_t len)
{
    struct vmsg_bus *b = ctx;
    struct builtin_bus *bb = b->impl;
    if (len > b->params.max_msg_size) {
        bb->too_big = len;
        return;
    }
    if (bb->count >= FIFO_MAX) {
        bb->overflow = true;
        return;
    }
    struct frame *fr = malloc(sizeof *fr + len);
    if (!fr) {
        bb->overflow = true;
        return;
    }
    fr->next = NULL;
    fr->len = len;
    memcpy(fr->data, f, len);
    if (bb->last)
        bb->last->next = fr;
    else
        bb->first = fr;
    bb->last = fr;
    bb->count++;
}

static int builtin_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct builtin_bus *bb = b->impl;
    if (bb->finished) {
        vmsg__bus_fail(b, "send: endpoint has finished");
        return VMSG_BUS_CLOSED;
    }
    bb->ep.ops->receive(bb->ep.self, f, len, emit, b);
    return VMSG_BUS_OK;
}

static int builtin_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len,
                        int64_t deadline, unsigned *flags)
{
    struct builtin_bus *bb = b->impl;
    for (;;) {
        if (bb->too_big) {
            vmsg__bus_fail(b, "recv: endpoint emitted a frame of %zu bytes, above the maximum %u "
                              "(dropped)", bb->too_big, (unsigned)b->params.max_msg_size);
            bb->too_big = 0;
            return VMSG_BUS_OVERSIZE;
        }
        if (bb->first) {
            struct frame *fr = bb->first;
            if (fr->len > cap) {
                vmsg__bus_fail(b, "recv: frame of %zu bytes does not fit the %zu-byte buffer",
                               fr->len, cap);
                return VMSG_BUS_OVERSIZE;
            }
            memcpy(buf, fr->data, fr->len);
            *len = fr->len;
            bb->first = fr->next;
            if (!bb->first)
                bb->last = NULL;
            bb->count--;
            free(fr);
            return VMSG_BUS_OK;
        }
        if (bb->overflow) {
            vmsg__bus_fail(b, "recv: endpoint queued more than %u frames", FIFO_MAX);
            bb->overflow = false;
            return VMSG_BUS_ERROR;
        }
        if (bb->finished) {
            vmsg__bus_fail(b, "recv: endpoint has finished");
            return VMSG_BUS_CLOSED;
        }
        int r = bb->ep.ops->poll ? bb->ep.ops->poll(bb->ep.self, (uint64_t)vmsg__bus_now_ms(), emit, b)
                                 : 0;
        if (r < 0)
            bb->finished = true;
        if (r != 0 || bb->first)
            continue;
        if (vmsg__bus_left_ms(deadline) == 0) {
            vmsg__bus_fail(b, "recv: no frame within the timeout");
            return VMSG_BUS_TIMEOUT;
        }
        /* idle endpoint: its own timers are the only source of frames now */
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void builtin_destroy(struct vmsg_bus *b)
{
    struct builtin_bus *bb = b->impl;
    if (!bb)
        return;
    while (bb->first) {
        struct frame *fr = bb->first;
        bb->first = fr->next;
        free(fr);
    }
    if (bb->ep.ops && bb->ep.ops->destroy)
        bb->ep.ops->destroy(bb->ep.self);
    free(bb);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_builtin_ops = {
    builtin_send, builtin_recv, NULL, NULL, NULL, builtin_destroy, NULL,
};

int vmsg__bus_open_builtin(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    const struct vmsg_builtin *reg = b->builtins;
    for (; reg && reg->name; reg++)
        if (strcmp(reg->name, u->rest) == 0)
            break;
    if (!reg || !reg->name) {
        char names[160] = "";
        size_t o = 0;
        for (const struct vmsg_builtin *r = b->builtins; r && r->name && o < sizeof names; r++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", r->name);
        vmsg__bus_fail(b, "unknown builtin endpoint '%s' (known: %s)", u->rest,
                       names[0] ? names : "none in this program");
        return VMSG_BUS_USAGE;
    }
    struct builtin_bus *bb = calloc(1, sizeof *bb);
    if (!bb) {
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    char why[200] = "";
    if (reg->create(u->query, &b->params, &bb->ep, why, sizeof why) != 0 || !bb->ep.ops ||
        !bb->ep.ops->receive) {
        free(bb);
        vmsg__bus_fail(b, "%s", why[0] ? why : "endpoint could not be created");
        return VMSG_BUS_USAGE;
    }
    b->impl = bb;
    b->ops = &k_builtin_ops;
    return VMSG_BUS_OK;
}
