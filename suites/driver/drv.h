/* Helpers of the driver suite: the harness plays the device (and the bus in
 * front of it) and watches the driver under test.
 *
 * drv_run() is the loop every case uses: it receives each frame the driver
 * sends, judges it against the driver clauses (drv_judge.c), hands it to an
 * in-process reference device (refdev, conforming, with the scenario's
 * personality) and sends back what that device answers, until the driver
 * finishes (closes), goes quiet, or exceeds the frame bound. A scenario adds
 * device-side events at chosen points (config change, DEVICE_NEEDS_RESET,
 * removal by the bus, a config change racing a SET_CONFIG), may hold the
 * DRIVER_OK or SET_VQUEUE replies back, answer with foreign tokens, or ask
 * the driver through the test hook (vmsg/hook.h) to queue a buffer. */
#ifndef VMSG_SUITE_DRV_H
#define VMSG_SUITE_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include <vmsg/engine.h>
#include <vmsg/ref.h>

enum drv_trigger {
    DRV_TRIG_NONE = 0,
    DRV_TRIG_CONFIG_CHANGE, /* the device rewrites its whole config (EVENT_CONFIG) */
    DRV_TRIG_NEEDS_RESET,   /* the device sets DEVICE_NEEDS_RESET (EVENT_CONFIG) */
    DRV_TRIG_REMOVE,        /* the bus reports the device REMOVED (EVENT_DEVICE) */
    DRV_TRIG_STALE_SET_CONFIG /* a config change crosses the first runtime SET_CONFIG */
};

struct drv_scenario {
    /* Changes to the default personality (NULL: the default device). */
    void (*personality)(struct vmsg_personality *p);
    enum drv_trigger trigger;
    unsigned at_avail;    /* CONFIG_CHANGE, NEEDS_RESET, REMOVE: at the Nth EVENT_AVAIL after DRIVER_OK */
    bool hold_driver_ok;  /* keep the DRIVER_OK reply back for a while: I/O meanwhile is too early */
    bool hold_set_vqueue; /* keep every SET_VQUEUE reply back for a while: using that queue meanwhile is too early */
    bool add_buffer;      /* once DRIVER_OK is reported with a queue in use, ask the driver (test hook,
                             vmsg/hook.h) to put a buffer on the highest such queue */
    bool foreign_tokens;  /* responses carry tokens unrelated to the requests */
};

/* What a run saw, for the verdicts a case makes itself. */
struct drv_obs {
    unsigned frames;           /* frames from the driver */
    bool closed;               /* the driver closed the connection (finished) */
    bool driver_ok;            /* the device reported DRIVER_OK at least once */
    bool driver_claimed;       /* the driver wrote DRIVER */
    bool failed_written;       /* the driver wrote FAILED */
    bool triggered;            /* the scenario's event happened */
    unsigned hook_queue;       /* add_buffer: the queue the hook named */
    bool hook_answered;        /* add_buffer: the driver answered the hook... */
    uint32_t hook_result;      /* ... with this result */
    unsigned avail_hooked;     /* add_buffer: EVENT_AVAIL on hook_queue after the hook went out */
    unsigned avail_after_ok;   /* EVENT_AVAIL after the device reported DRIVER_OK */
    unsigned resets;           /* status 0 writes */
    unsigned set_configs, get_configs, reset_vqueues, set_vqueues;
    bool ring_reset, notification_data; /* negotiated (last FEATURES_OK accepted) */
};

/* Run the driver against the scenario's device; judges every frame. */
void drv_run(struct vmsg_case *c, const struct drv_scenario *s, struct drv_obs *obs);

/* Personality tweaks shared by cases. */
void drv_pers_refuse_ring_reset(struct vmsg_personality *p);
void drv_pers_notification_data(struct vmsg_personality *p);
void drv_pers_no_ring_reset(struct vmsg_personality *p);
void drv_pers_many_queues(struct vmsg_personality *p);
void drv_pers_big_config(struct vmsg_personality *p);
void drv_pers_event_config_no_data(struct vmsg_personality *p);

#endif
