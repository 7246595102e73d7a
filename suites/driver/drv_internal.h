/* State of one driver-suite run: the harness device and what the wire has
 * shown of the driver's progress (shared by drv.c and drv_judge.c). */
#ifndef VMSG_SUITE_DRV_INTERNAL_H
#define VMSG_SUITE_DRV_INTERNAL_H

#include <vmsg/wire.h>

#include "drv.h"

#define DRV_OUT_MAX 16      /* frames the device emits for one input */
#define DRV_FRAME_MAX 1024  /* the suite runs with maxima up to this */

struct drv_frame {
    size_t len;
    uint8_t b[DRV_FRAME_MAX];
};

struct drv_queue {
    bool queried;   /* GET_VQUEUE since the last reset of this queue */
    bool active;    /* configured by SET_VQUEUE, not reset since */
    bool notified;  /* an EVENT_AVAIL since it was configured */
};

struct drv_state {
    struct vmsg_case *c;
    const struct drv_scenario *s;
    struct drv_obs *obs;
    struct vmsg_personality p;   /* what the device reports */
    struct vmsg_refdev *dev;
    unsigned profile;
    uint16_t dev_num;
    /* driver progress, as the wire shows it */
    bool info;                   /* GET_DEVICE_INFO sent (since the connection) */
    bool negotiating;            /* a feature or queue message was sent */
    bool feat_read;              /* GET_DEVICE_FEATURES sent */
    bool fok;                    /* the device confirmed FEATURES_OK (since the last reset) */
    bool refused;                /* the device cleared FEATURES_OK (since the last reset) */
    uint32_t written[VMSG_PERS_FEATURE_WORDS]; /* SET_DRIVER_FEATURES since the last reset */
    uint32_t status;             /* last status the device reported */
    bool driver_ok_asked;        /* a DRIVER_OK write not answered yet */
    uint32_t asked_status;       /* value of the SET_DEVICE_STATUS being answered */
    uint32_t asked_set_len;      /* length of the SET_CONFIG being answered */
    struct drv_queue q[VMSG_PERS_MAX_QUEUES];
    uint8_t vq_unanswered[VMSG_PERS_MAX_QUEUES]; /* queues of the SET_VQUEUEs not answered yet, oldest first */
    unsigned nvq_unanswered;
    uint32_t gen_cfg, gen_any;   /* newest generation from GET_CONFIG/EVENT_CONFIG, from anything */
    bool gen_seen;
    bool reread_due;             /* SET_CONFIG rejected, no GET_CONFIG since */
    bool refresh_due;            /* zero-length EVENT_CONFIG, no GET_CONFIG since */
    bool reset_due;              /* DEVICE_NEEDS_RESET signalled, no status 0 since */
    bool removed;                /* EVENT_DEVICE REMOVED sent */
    /* what the device emitted for the current input */
    struct drv_frame out[DRV_OUT_MAX];
    unsigned nout;
};

/* Judge one decoded frame from the driver (before the device sees it). */
void drv_judge_driver(struct drv_state *st, const struct vmsg_msg *m);
/* Update the view of what the driver knows from a frame the harness is
 * about to send it. */
void drv_note_device(struct drv_state *st, const struct vmsg_msg *m);
/* Checks at the end of the run. */
void drv_judge_end(struct drv_state *st);

#endif
