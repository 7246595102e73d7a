/* An in-process world for the reference implementations: refdrv <-> refbus
 * <-> refdev joined by one frame queue (no sockets), with a trace of every
 * frame at both faces of the bus. */
#ifndef TESTS_REF_WORLD_H
#define TESTS_REF_WORLD_H

#include <vmsg/ref.h>
#include <vmsg/wire.h>

enum hop { DRV_TO_BUS, BUS_TO_DEV, DEV_TO_BUS, BUS_TO_DRV };

struct tframe {
    enum hop hop;
    uint32_t len;
    uint8_t *data;
};

struct world {
    struct vmsg_personality p;
    struct vmsg_refdev *dev;
    struct vmsg_refdrv *drv;
    struct vmsg_refbus *bus;
    struct tframe *q; /* pending deliveries */
    size_t nq, capq, headq;
    struct tframe *trace;
    size_t ntrace, captrace;
    bool race_set_config;   /* device-side change just before the first SET_CONFIG */
    bool raced;
    uint64_t remove_at_ms;  /* hotplug removal of the driver's device */
    uint64_t now;
};

void world_init(struct world *w, const struct vmsg_personality *p, const struct vmsg_fault_set *dev_f,
                const struct vmsg_fault_set *drv_f, const struct vmsg_fault_set *bus_f, uint16_t drv_dev);
void world_run(struct world *w, uint64_t max_ms);
/* Inject a frame as if sent by the driver (to the bus) or to the device directly. */
void world_inject(struct world *w, enum hop hop, const uint8_t *f, size_t len);
void world_settle(struct world *w);
void world_free(struct world *w);
void world_dev_change(struct world *w, uint32_t off, uint32_t len);
void world_dev_needs_reset(struct world *w);
/* Encode a request for injection. */
size_t world_req(unsigned mname, unsigned cls, uint16_t dev, uint16_t tok, uint8_t *buf, size_t cap, ...);

#endif
