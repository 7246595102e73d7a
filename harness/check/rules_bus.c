/* Bus-message rules: GET_DEVICES windows, PING echo, EVENT_DEVICE removal
 * (which the driver-side rules then use). */
#include "check_internal.h"

void vmsg__bus_response(struct vmsg__ctx *x, const struct vmsg__req *req)
{
    const struct vmsg_msg *m = x->m;
    if (!m->def)
        return;
    switch (m->def->mname) {
    case VMSG_M_GET_DEVICES: {
        uint64_t off = vmsg_get(m, VMSG_FLD_OFFSET), cnt = vmsg_get(m, VMSG_FLD_COUNT);
        if (off != req->a)
            vmsg__emit(x, R_GET_DEVICES_WINDOW, req->frame, "offset: expected %u (echo of frame %llu), got %llu", req->a,
                       (unsigned long long)req->frame, (unsigned long long)off);
        else if (cnt > req->b)
            vmsg__emit(x, R_GET_DEVICES_WINDOW, req->frame, "count: expected at most %u (asked at frame %llu), got %llu",
                       req->b, (unsigned long long)req->frame, (unsigned long long)cnt);
        break;
    }
    case VMSG_M_PING: {
        uint64_t data = vmsg_get(m, VMSG_FLD_DATA);
        if (data != req->c)
            vmsg__emit(x, R_PING_ECHO, req->frame, "data: expected 0x%08x (frame %llu), got 0x%08llx", req->c,
                       (unsigned long long)req->frame, (unsigned long long)data);
        break;
    }
    default:
        break;
    }
}

void vmsg__bus_event(struct vmsg__ctx *x)
{
    const struct vmsg_msg *m = x->m;
    if (!m->def || m->def->mname != VMSG_M_EVENT_DEVICE)
        return;
    uint16_t n = (uint16_t)vmsg_get(m, VMSG_FLD_DEVICE_NUMBER);
    uint64_t st = vmsg_get(m, VMSG_FLD_BUS_STATE);
    struct vmsg__dev *d = vmsg__dev_get(x->c, x->bus, n, x->frame);
    if (!d)
        return;
    if (st == VMSG_BUS_STATE_REMOVED) {
        d->removed = true;
        d->removed_frame = x->frame;
    } else if (st == VMSG_BUS_STATE_READY && d->removed) {
        vmsg__dev_forget(d); /* a new device may sit behind the number */
    }
}
