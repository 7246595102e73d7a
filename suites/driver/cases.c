/* Case bodies of the driver suite: one scenario each (the table is in
 * suite.c). Every run judges every frame against all driver clauses
 * (drv_judge.c); a case adds the verdicts only its scenario can give. */
#include <vmsg/hook.h>

#include "cases.h"
#include "drv.h"

/* The driver claimed the device (wrote DRIVER), was answered every time,
 * and then went quiet without DRIVER_OK and without writing FAILED. */
static void expect_progress(struct vmsg_case *c, const struct drv_obs *o, const char *clause, const char *why)
{
    if (o->driver_claimed && !o->driver_ok && !o->failed_written && !o->closed)
        vmsg_case_fail(c, clause, "initialization through DRIVER_OK", "%s", why);
}

static void expect_trigger(struct vmsg_case *c, const struct drv_obs *o, const char *what)
{
    if (!o->triggered)
        vmsg_case_na(c, "the driver never reached the point where %s happens", what);
}

static void run(struct vmsg_case *c, const struct drv_scenario *s, struct drv_obs *o) { drv_run(c, s, o); }

void drvcase_init_order(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
    expect_progress(c, &o, "driver.mandatory.1",
                    "the driver stopped part-way through initializing a conforming device it had claimed");
    if (!o.driver_claimed && o.frames == 0)
        vmsg_case_na(c, "the driver sent nothing");
}

void drvcase_init_queues(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.set_vqueues)
        vmsg_case_na(c, "the driver set up no queue");
}

void drvcase_init_many_queues(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_many_queues};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.set_vqueues)
        vmsg_case_na(c, "the driver set up no queue");
}

void drvcase_finalize_wait(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.hold_driver_ok = true};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.driver_ok)
        vmsg_case_na(c, "the driver never set DRIVER_OK");
}

void drvcase_header(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_token_opaque(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.foreign_tokens = true};
    struct drv_obs o;
    run(c, &s, &o);
    expect_progress(c, &o, "driver.header.5",
                    "initialization stalled although every request was answered (tokens differed)");
}

void drvcase_status(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_features_refused(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_refuse_ring_reset};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_config_bounds(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_config_big(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_big_config};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_config_stale(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.trigger = DRV_TRIG_STALE_SET_CONFIG};
    struct drv_obs o;
    run(c, &s, &o);
    expect_trigger(c, &o, "a runtime SET_CONFIG crosses a config change");
}

void drvcase_event_config_data(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.trigger = DRV_TRIG_CONFIG_CHANGE, .at_avail = 1};
    struct drv_obs o;
    run(c, &s, &o);
    expect_trigger(c, &o, "the device changes its config during I/O");
}

void drvcase_event_config_refresh(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_event_config_no_data,
                                          .trigger = DRV_TRIG_CONFIG_CHANGE,
                                          .at_avail = 1};
    struct drv_obs o;
    run(c, &s, &o);
    expect_trigger(c, &o, "the device changes its config during I/O");
}

void drvcase_needs_reset(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.trigger = DRV_TRIG_NEEDS_RESET, .at_avail = 1};
    struct drv_obs o;
    run(c, &s, &o);
    expect_trigger(c, &o, "the device signals DEVICE_NEEDS_RESET during I/O");
}

void drvcase_notify_plain(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.avail_after_ok)
        vmsg_case_na(c, "the driver sent no EVENT_AVAIL");
}

void drvcase_notify_data(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_notification_data};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.notification_data)
        vmsg_case_na(c, "the driver did not negotiate VIRTIO_F_NOTIFICATION_DATA");
    else if (!o.avail_after_ok)
        vmsg_case_na(c, "the driver sent no EVENT_AVAIL");
}

void drvcase_vqueue_reprogram(struct vmsg_case *c)
{
    static const struct drv_scenario s = {0};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_vqueue_no_ring_reset(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_no_ring_reset};
    struct drv_obs o;
    run(c, &s, &o);
}

void drvcase_removed(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.trigger = DRV_TRIG_REMOVE, .at_avail = 1};
    struct drv_obs o;
    run(c, &s, &o);
    expect_trigger(c, &o, "the bus reports the device removed during I/O");
}

void drvcase_vqueue_confirmed(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.hold_set_vqueue = true};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.set_vqueues)
        vmsg_case_na(c, "the driver set up no queue");
    else if (!o.avail_after_ok)
        vmsg_case_na(c, "the driver used no queue (no EVENT_AVAIL after DRIVER_OK)");
}

/* Asked through the test hook to queue a buffer on a queue in use, the
 * driver announces it with EVENT_AVAIL for that queue. Eight queues, the
 * highest asked for: a short I/O script of the driver's own may never touch
 * it. */
void drvcase_notify_added_buffer(struct vmsg_case *c)
{
    static const struct drv_scenario s = {.personality = drv_pers_many_queues, .add_buffer = true};
    struct drv_obs o;
    run(c, &s, &o);
    if (!o.triggered)
        vmsg_case_na(c, "the driver never had a queue in use after DRIVER_OK");
    else if (!o.hook_answered)
        vmsg_case_na(c, "the driver does not implement the harness test hook (msg_id 0x%02x)", VMSG_HOOK_MSG_ID);
    else if (o.hook_result != VMSG_HOOK_DONE)
        vmsg_case_na(c, "the driver declined test hook action add-buffer on queue %u (result %u)", o.hook_queue,
                     o.hook_result);
    else if (!o.avail_hooked)
        vmsg_case_fail(c, "driver.notify.1", "EVENT_AVAIL for the queue the new buffer was placed on",
                       "no EVENT_AVAIL on queue %u after the driver accepted to add a buffer there", o.hook_queue);
}
