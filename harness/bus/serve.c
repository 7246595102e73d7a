/* vmsg_bus_serve: run an endpoint on a bus. vmsg_bus_relay: move frames both
 * ways between two buses (the heart of `vmsg proxy`). Both loops are bounded
 * by a stop flag, a total timeout and an idle timeout. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"

struct serve_ctx {
    struct vmsg_bus *b;
    int rc; /* first send failure */
};

static void serve_emit(void *ctx, const uint8_t *f, size_t len)
{
    struct serve_ctx *c = ctx;
    if (c->rc != VMSG_BUS_OK)
        return;
    c->rc = vmsg_bus_send(c->b, f, len);
}

static bool expired(int64_t start, int ms)
{
    return ms >= 0 && vmsg__bus_now_ms() - start >= ms;
}

int vmsg_bus_serve(struct vmsg_bus *b, struct vmsg_endpoint *ep, const struct vmsg_serve_opts *o)
{
    struct vmsg_serve_opts def = {NULL, -1, -1, 10};
    if (!o)
        o = &def;
    int tick = o->tick_ms > 0 ? o->tick_ms : 10;
    size_t cap = b->params.max_msg_size;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    struct serve_ctx c = {b, VMSG_BUS_OK};
    int64_t start = vmsg__bus_now_ms(), last = start;
    int rc;
    for (;;) {
        if (o->stop && *o->stop) {
            rc = VMSG_BUS_OK;
            break;
        }
        if (expired(start, o->timeout_ms) || expired(last, o->idle_ms)) {
            vmsg__bus_fail(b, "serve: stopped after the %s timeout",
                           expired(start, o->timeout_ms) ? "total" : "idle");
            rc = VMSG_BUS_TIMEOUT;
            break;
        }
        int more = 0;
        if (ep->ops->poll) {
            more = ep->ops->poll(ep->self, (uint64_t)vmsg__bus_now_ms(), serve_emit, &c);
            if (more < 0) {
                rc = c.rc;
                break;
            }
        }
        if (c.rc != VMSG_BUS_OK) {
            rc = c.rc;
            break;
        }
        size_t len = 0;
        rc = vmsg_bus_recv(b, buf, cap, &len, more > 0 ? 0 : tick);
        if (rc == VMSG_BUS_TIMEOUT)
            continue;
        if (rc == VMSG_BUS_MALFORMED && len > 0 && b->kind != VMSG__KIND_UNIX &&
            b->kind != VMSG__KIND_TCP && b->kind != VMSG__KIND_EXEC) {
            /* a bad datagram or slot: hand it over, the endpoint judges it */
            rc = VMSG_BUS_OK;
        }
        if (rc != VMSG_BUS_OK)
            break;
        last = vmsg__bus_now_ms();
        ep->ops->receive(ep->self, buf, len, serve_emit, &c);
        if (c.rc != VMSG_BUS_OK) {
            rc = c.rc;
            break;
        }
    }
    free(buf);
    return rc;
}

/* Forward every frame that is ready on from (without waiting). Returns OK
 * when it ran dry, else the status that ended the relay. */
static int pump(struct vmsg_bus *from, struct vmsg_bus *to, uint8_t *buf, size_t cap,
                const struct vmsg_relay_opts *o, bool *moved)
{
    for (int i = 0; i < 64; i++) { /* bounded: let the other direction run too */
        size_t len = 0;
        int rc = vmsg_bus_recv(from, buf, cap, &len, 0);
        if (rc == VMSG_BUS_TIMEOUT)
            return VMSG_BUS_OK;
        if (rc == VMSG_BUS_MALFORMED && len > 0 && from->kind != VMSG__KIND_UNIX &&
            from->kind != VMSG__KIND_TCP && from->kind != VMSG__KIND_EXEC)
            rc = VMSG_BUS_OK; /* relay bad datagrams as they are: the far side is under test */
        if (rc != VMSG_BUS_OK)
            return rc;
        if (o->tap) {
            struct vmsg_bus_tap_rec r = {from->uri, buf, len, vmsg__bus_wall_ns(), 0, 2,
                                         (uint8_t)from->profile, from->kind, from->instance};
            if (from->side != VMSG_BUS_SIDE_UNKNOWN) /* received by from's side */
                r.direction = from->side == VMSG_BUS_SIDE_DEVICE ? 0 : 1;
            o->tap(o->tap_ctx, &r);
        }
        *moved = true;
        rc = vmsg_bus_send(to, buf, len);
        if (rc != VMSG_BUS_OK)
            return rc | 0x100; /* mark: the failure is on the sending side */
    }
    return VMSG_BUS_OK;
}

int vmsg_bus_relay(struct vmsg_bus *a, struct vmsg_bus *b, const struct vmsg_relay_opts *o,
                   int *which)
{
    struct vmsg_relay_opts def = {NULL, -1, -1, NULL, NULL};
    if (!o)
        o = &def;
    size_t cap = a->params.max_msg_size > b->params.max_msg_size ? a->params.max_msg_size
                                                                  : b->params.max_msg_size;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        vmsg__bus_fail(a, "out of memory");
        return VMSG_BUS_ERROR;
    }
    struct vmsg_bus *side[2] = {a, b};
    bool builtin = a->kind == VMSG__KIND_LOOPBACK || b->kind == VMSG__KIND_LOOPBACK;
    int64_t start = vmsg__bus_now_ms(), last = start;
    int rc = VMSG_BUS_OK, who = 0;
    for (;;) {
        if (o->stop && *o->stop)
            break;
        if (expired(start, o->timeout_ms) || expired(last, o->idle_ms)) {
            vmsg__bus_fail(a, "relay: stopped after the %s timeout",
                           expired(start, o->timeout_ms) ? "total" : "idle");
            rc = VMSG_BUS_TIMEOUT;
            break;
        }
        bool moved = false;
        for (int s = 0; s < 2 && rc == VMSG_BUS_OK; s++) {
            rc = pump(side[s], side[1 - s], buf, cap, o, &moved);
            who = rc & 0x100 ? 1 - s : s;
            rc &= 0xff;
        }
        if (rc != VMSG_BUS_OK)
            break;
        if (moved) {
            last = vmsg__bus_now_ms();
            continue;
        }
        /* wait for either side; builtin endpoints have no fd: short ticks */
        struct pollfd p[8];
        int fds[4], n = 0;
        for (int s = 0; s < 2; s++) {
            int k = vmsg_bus_pollfds(side[s], fds, 4);
            for (int i = 0; i < k && n < 8; i++)
                p[n++] = (struct pollfd){fds[i], POLLIN, 0};
        }
        int wait = builtin ? 1 : 50;
        if (poll(p, (nfds_t)n, wait) < 0 && errno != EINTR) {
            vmsg__bus_fail_errno(a, errno, "relay: poll");
            rc = VMSG_BUS_ERROR;
            break;
        }
    }
    if (which)
        *which = who;
    free(buf);
    return rc;
}
