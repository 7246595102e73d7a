#include "ref_world.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void push(struct tframe **arr, size_t *n, size_t *cap, enum hop hop, const uint8_t *f, size_t len)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *arr = realloc(*arr, *cap * sizeof **arr);
    }
    struct tframe *t = &(*arr)[(*n)++];
    t->hop = hop;
    t->len = (uint32_t)len;
    t->data = malloc(len ? len : 1);
    memcpy(t->data, f, len);
}

static void enqueue(struct world *w, enum hop hop, const uint8_t *f, size_t len)
{
    push(&w->q, &w->nq, &w->capq, hop, f, len);
    push(&w->trace, &w->ntrace, &w->captrace, hop, f, len);
}

static void emit_drv(void *ctx, const uint8_t *f, size_t len) { enqueue(ctx, DRV_TO_BUS, f, len); }
static void emit_dev(void *ctx, const uint8_t *f, size_t len) { enqueue(ctx, DEV_TO_BUS, f, len); }
static void bus_to_drv(void *ctx, const uint8_t *f, size_t len) { enqueue(ctx, BUS_TO_DRV, f, len); }
static void bus_to_dev(void *ctx, const uint8_t *f, size_t len) { enqueue(ctx, BUS_TO_DEV, f, len); }

void world_init(struct world *w, const struct vmsg_personality *p, const struct vmsg_fault_set *dev_f,
                const struct vmsg_fault_set *drv_f, const struct vmsg_fault_set *bus_f, uint16_t drv_dev)
{
    memset(w, 0, sizeof *w);
    w->p = *p;
    w->dev = vmsg_refdev_new(p, dev_f);
    struct vmsg_refdrv_opts o;
    vmsg_refdrv_opts_default(&o);
    o.profile = p->profile;
    o.dev_num = drv_dev ? drv_dev : p->dev_nums[0];
    o.bus = true;
    o.max_msg_size = p->max_msg_size;
    o.timeout_ms = 50;
    w->drv = vmsg_refdrv_new(&o, drv_f);
    struct vmsg_refbus_opts bo = {0};
    bo.profile = p->profile;
    bo.max_msg_size = p->max_msg_size;
    bo.ndevs = p->ndevs;
    memcpy(bo.dev_nums, p->dev_nums, sizeof bo.dev_nums);
    bo.window = p->bus_window;
    w->bus = vmsg_refbus_new(&bo, bus_f, bus_to_drv, w, bus_to_dev, w);
}

static bool is_set_config(const struct world *w, const struct tframe *t)
{
    struct vmsg_msg m;
    enum vmsg_outcome oc = vmsg_decode(w->p.profile, 0, t->data, t->len, &m, NULL);
    return (oc == VMSG_OK || oc == VMSG_NONCONFORMANT) && m.def && m.def->mname == VMSG_M_SET_CONFIG &&
           m.kind == VMSG_KIND_REQUEST;
}

void world_settle(struct world *w)
{
    struct vmsg_endpoint de = vmsg_refdev_endpoint(w->dev), re = vmsg_refdrv_endpoint(w->drv);
    while (w->headq < w->nq) {
        struct tframe t = w->q[w->headq++];
        switch (t.hop) {
        case DRV_TO_BUS: vmsg_refbus_from_driver(w->bus, t.data, t.len); break;
        case DEV_TO_BUS: vmsg_refbus_from_device(w->bus, t.data, t.len); break;
        case BUS_TO_DEV:
            if (w->race_set_config && !w->raced && is_set_config(w, &t)) {
                w->raced = true;
                vmsg_refdev_config_change(w->dev, 0, 0, 4, emit_dev, w);
            }
            de.ops->receive(de.self, t.data, t.len, emit_dev, w);
            break;
        case BUS_TO_DRV: re.ops->receive(re.self, t.data, t.len, emit_drv, w); break;
        }
        free(t.data);
    }
}

void world_run(struct world *w, uint64_t max_ms)
{
    struct vmsg_endpoint de = vmsg_refdev_endpoint(w->dev), re = vmsg_refdrv_endpoint(w->drv);
    for (uint64_t end = w->now + max_ms; w->now < end;) {
        w->now++;
        world_settle(w);
        if (w->remove_at_ms && w->now == w->remove_at_ms) {
            struct vmsg_refdrv_opts o;
            (void)o;
            vmsg_refbus_hotplug(w->bus, w->p.dev_nums[0], false);
        }
        de.ops->poll(de.self, w->now, emit_dev, w);
        int r = re.ops->poll(re.self, w->now, emit_drv, w);
        world_settle(w);
        if (r < 0)
            break;
    }
}

void world_inject(struct world *w, enum hop hop, const uint8_t *f, size_t len)
{
    enqueue(w, hop, f, len);
    world_settle(w);
}

void world_free(struct world *w)
{
    for (size_t i = 0; i < w->ntrace; i++)
        free(w->trace[i].data);
    free(w->trace);
    free(w->q);
    vmsg_refdev_free(w->dev);
    vmsg_refdrv_free(w->drv);
    vmsg_refbus_free(w->bus);
}

/* world_req(mname, cls, dev, tok, buf, cap, fld, value, ..., -1) */
size_t world_req(unsigned mname, unsigned cls, uint16_t dev, uint16_t tok, uint8_t *buf, size_t cap, ...)
{
    struct vmsg_msg m;
    unsigned kind = mname == VMSG_M_EVENT_AVAIL ? VMSG_KIND_EVENT : VMSG_KIND_REQUEST;
    if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mname, cls, kind, dev))
        return 0;
    m.token = tok;
    va_list ap;
    va_start(ap, cap);
    for (;;) {
        int fld = va_arg(ap, int);
        if (fld < 0)
            break;
        uint64_t v = va_arg(ap, uint64_t);
        vmsg_set(&m, (unsigned)fld, v);
    }
    va_end(ap);
    return vmsg_encode(&m, buf, cap);
}

void world_dev_change(struct world *w, uint32_t off, uint32_t len)
{
    vmsg_refdev_config_change(w->dev, 0, off, len, emit_dev, w);
    world_settle(w);
}

void world_dev_needs_reset(struct world *w)
{
    vmsg_refdev_needs_reset(w->dev, 0, emit_dev, w);
    world_settle(w);
}
