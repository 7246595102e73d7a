/* Request/response pairing per (bus, dev_num, class, requesting side): a
 * bounded FIFO, because v1 answers the requests of one device in order. */
#include <stdio.h>

#include "check_internal.h"

static const char *name_of(uint8_t mname)
{
    return mname < VMSG_M__COUNT ? vmsg_mname_names[mname] : "request";
}

/* A push onto a full fifo: the oldest request is no longer tracked. */
void vmsg__fifo_overflow(struct vmsg__ctx *x, struct vmsg__fifo *q)
{
    unsigned cap = x->c->o.max_outstanding;
    const struct vmsg__req *old = &q->r[q->head];
    vmsg__emit(x, R_OVERFLOW, old->frame,
               "outstanding: more than %u requests in flight for dev %u; no longer tracking the one at frame %llu", cap,
               x->dev_num, (unsigned long long)old->frame);
    q->head = (uint16_t)((q->head + 1) % cap);
    q->n--;
}

/* vmsg__fifo_match when the oldest request is not the one answered: a
 * younger one is (an answer out of order, reported), or none. */
bool vmsg__fifo_match_younger(struct vmsg__ctx *x, struct vmsg__fifo *q, uint8_t msg_id, struct vmsg__req *out)
{
    unsigned cap = x->c->o.max_outstanding;
    for (unsigned k = 1; k < q->n; k++) {
        struct vmsg__req *r = &q->r[(q->head + k) % cap];
        if (r->msg_id != msg_id)
            continue;
        *out = *r;
        const struct vmsg__req *oldest = &q->r[q->head];
        vmsg__emit(x, R_RESP_ORDER, oldest->frame,
                   "msg_id: expected the answer to %s (frame %llu) first, got the answer to %s (frame %llu)",
                   name_of(oldest->mname), (unsigned long long)oldest->frame, name_of(r->mname),
                   (unsigned long long)r->frame);
        /* close the gap: shift the younger entries down by one */
        for (unsigned j = k; j + 1 < q->n; j++)
            q->r[(q->head + j) % cap] = q->r[(q->head + j + 1) % cap];
        q->n--;
        return true;
    }
    return false;
}

void vmsg__fifo_drain(struct vmsg_check *c, struct vmsg__dev *d)
{
    unsigned cap = c->o.max_outstanding;
    for (int cls = 0; cls < 2; cls++)
        for (int s = 0; s < 2; s++) {
            struct vmsg__fifo *q = &d->q[cls][s];
            for (unsigned k = 0; k < q->n; k++) {
                const struct vmsg__req *r = &q->r[(q->head + k) % cap];
                char msg[200];
                bool fail = c->o.complete && !d->removed;
                const char *why = fail ? "" : d->removed ? " (device removed)" : " (trace may be cut)";
                unsigned verdict = fail ? VMSG_CHECK_FAIL : VMSG_CHECK_INFO;
                /* two requests whose silence a device clause names */
                bool drv_transport = cls == VMSG_CLASS_TRANSPORT && s == 0;
                /* a number nothing ever answered for may hold no device at all */
                if (drv_transport && r->mname == VMSG_M_GET_DEVICE_INFO && r->inactive && d->dev_seen) {
                    vmsg__emit_dev(c, 0, d, R_INFO_UNANSWERED, verdict, r->frame,
                                   "response: expected one for GET_DEVICE_INFO (frame %llu, device inactive), got "
                                   "none before the end%s",
                                   (unsigned long long)r->frame, why);
                    continue;
                }
                if (drv_transport && r->mname == VMSG_M_SET_CONFIG && r->stale && r->in_range) {
                    vmsg__emit_dev(c, 0, d, R_SET_CONFIG_SILENT, verdict, r->frame,
                                   "response: expected a rejection (length 0) for the stale SET_CONFIG at frame %llu "
                                   "(generation %u, current %u), got none before the end%s",
                                   (unsigned long long)r->frame, r->c, r->cur_gen, why);
                    continue;
                }
                snprintf(msg, sizeof msg, "response: expected one for %s (frame %llu), got none before the end%s",
                         name_of(r->mname), (unsigned long long)r->frame, why);
                vmsg__emit_raw(c, 0, "check.unanswered", "bus.ordering.2", VMSG_CHECK_MUST, verdict, d->bus,
                               d->dev_num, r->frame, msg);
            }
            q->n = 0;
        }
}
