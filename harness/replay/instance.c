/* Bus instances. A capture may hold more than one bus: `vmsg proxy --bus ref`
 * records the reference bus's driver face as bus instance 0 and its device
 * face as instance 1, the same exchanges twice. A replay plays one side of
 * one bus, x->bus. With o->instance chosen, that is the bus, and the records
 * of the others are skipped where they are read: they never enter the
 * window, the checker or the groups. Without it, the bus is the first
 * record's instance, and a record of another one is bad input (BAD_BUS in
 * window.c), raised when the walk reaches it. Records are read through
 * vmsg__bus_next (replay_internal.h) and
 * admitted by the walk (window.c, one compare with x->bus); the rest is
 * here. */
#include <stdio.h>

#include "replay_internal.h"

bool vmsg__bus_other(struct vmsg__rp *x, uint16_t bus)
{
    if (x->o->instance < 0 && x->tail == 0) { /* the first record: its bus is the one replayed */
        x->bus = bus;
        return false;
    }
    return true; /* with o->instance, nothing else is read (vmsg__bus_next) */
}

void vmsg__bus_error(struct vmsg__rp *x, uint64_t frame, uint16_t bus)
{
    snprintf(x->st->error, sizeof x->st->error,
             "%s: frame %llu: bus instance %u after instance %u: the capture holds more than one bus (both faces "
             "of a bus proxy?): choose one with --instance",
             x->capture, (unsigned long long)frame, (unsigned)bus, (unsigned)x->bus);
    x->status = 2;
}

void vmsg__bus_end(struct vmsg__rp *x)
{
    if (x->o->instance < 0 || x->tail > 0 || x->read_error)
        return;
    snprintf(x->st->error, sizeof x->st->error, "%s: no record of bus instance %d (%llu records of other instances)",
             x->capture, x->o->instance, (unsigned long long)x->st->skipped);
    x->status = 2;
}
