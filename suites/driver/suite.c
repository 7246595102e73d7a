/* The driver suite: the harness plays a conforming device (the reference
 * device, in-process) behind a bus, watches the driver under test, and
 * judges every frame it sends (drv_judge.c); each case is one scenario:
 * a device personality plus device-side events. The runner also judges each
 * frame's header (reserved bits, msg_size, padding, size limit). */
#include "../suites.h"
#include "cases.h"

#define R VMSG_IUT_DRIVER
static const struct vmsg_case_def cases[] = {
    {"driver.init.order", "GET_DEVICE_INFO, features read then written, FEATURES_OK before queues and DRIVER_OK", R,
     {"driver.init-order.1", "driver.device-info.1", "driver.features.1", "driver.set-features.1",
      "driver.init-order.2", "driver.finalize.1"},
     "init quick", drvcase_init_order, 0},
    {"driver.init.queues", "queues queried, sized within the maximum, valid addresses, only existing ones", R,
     {"driver.vq-setup.1", "driver.vq-setup.2", "driver.set-vqueue.1", "driver.get-device-info.1",
      "driver.finalize.3", "driver.mandatory.1"},
     "init vqueue", drvcase_init_queues, 0},
    {"driver.init.many-queues", "eight queues of different maxima: each sized within its own", R,
     {"driver.vq-setup.1", "driver.vq-setup.2", "driver.set-vqueue.1", "driver.get-device-info.1",
      "driver.finalize.1", "driver.finalize.3"},
     "init vqueue", drvcase_init_many_queues, 0},
    {"driver.finalize.wait-driver-ok", "no I/O before the device reports DRIVER_OK (reply held back)", R,
     {"driver.finalize.2", "driver.init-order.4", "driver.finalize.3"}, "init io", drvcase_finalize_wait, 0},
    {"driver.header.messages", "driver messages: clean type byte, exact msg_size, own dev_num, zero padding", R,
     {"driver.header.1", "driver.header.2", "driver.header.3", "driver.header.4", "common.reserved-zero.1",
      "driver.limits.1"},
     "header quick", drvcase_header, 0},
    {"driver.header.token-opaque", "responses with foreign tokens are still understood", R, {"driver.header.5"},
     "header", drvcase_token_opaque, 0},
    {"driver.status.transitions", "status only grows, is written little-endian, and 0 resets before re-init", R,
     {"driver.status.2", "driver.set-status.1", "driver.endian.1", "driver.reset.1"}, "status",
     drvcase_status, 0},
    {"driver.features.refused", "FEATURES_OK refused: no queue setup, no DRIVER_OK", R,
     {"driver.features.2", "driver.init-order.2", "driver.finalize.1"}, "features", drvcase_features_refused, 0},
    {"driver.config.bounds", "GET_CONFIG/SET_CONFIG inside config_size, SET_CONFIG with the newest generation", R,
     {"driver.config.1", "driver.get-config.1", "driver.set-config.1", "driver.device-info.2",
      "driver.config-gen.1", "driver.config-change.1"},
     "config", drvcase_config_bounds, 0},
    {"driver.config.big", "300-byte config: chunked reads and writes within the bus maximum", R,
     {"driver.limits.1", "driver.config.1", "driver.get-config.1", "driver.set-config.1",
      "driver.device-info.2"},
     "config limits", drvcase_config_big, 0},
    {"driver.config.stale-retry", "a SET_CONFIG rejected as stale is retried only after GET_CONFIG", R,
     {"driver.config-gen.2", "driver.config.2", "driver.config-gen.1", "driver.set-config.1"}, "config",
     drvcase_config_stale, 0},
    {"driver.config.event-data", "EVENT_CONFIG with data: its generation is used from then on", R,
     {"driver.config-gen.1", "driver.event-config.1", "driver.config-change.2", "driver.set-config.1"}, "config",
     drvcase_event_config_data, 0},
    {"driver.config.event-refresh", "EVENT_CONFIG without data: GET_CONFIG before I/O resumes", R,
     {"driver.event-config.1", "driver.dev-notify.1", "driver.config-change.2"}, "config",
     drvcase_event_config_refresh, 0},
    {"driver.reset.needs-reset", "DEVICE_NEEDS_RESET: status 0 and re-init before more I/O", R,
     {"driver.reset.2", "driver.status.2", "driver.set-status.1"}, "reset", drvcase_needs_reset, 0},
    {"driver.notify.plain", "EVENT_AVAIL names a configured queue, next_offset 0 without NOTIFICATION_DATA", R,
     {"driver.event-avail.1", "driver.notify.3", "driver.notify.2", "driver.finalize.3"}, "io",
     drvcase_notify_plain, 0},
    {"driver.notify.added-buffer", "a buffer queued on request (test hook) is announced by EVENT_AVAIL for its queue", R,
     {"driver.notify.1", "driver.notify.2", "driver.event-avail.1", "driver.notify.3"}, "io hook",
     drvcase_notify_added_buffer, 0},
    {"driver.notify.notification-data", "with NOTIFICATION_DATA, EVENT_AVAIL locates the new ring head", R,
     {"driver.notify.3", "driver.event-avail.1", "driver.notify.2"}, "io", drvcase_notify_data, 0},
    {"driver.vqueue.reprogram", "with RING_RESET, an active queue is reset before it is reprogrammed", R,
     {"driver.vq-setup.3", "driver.vq-change.2", "driver.reset-vqueue.1", "driver.vq-setup.1",
      "driver.vq-change.1"},
     "vqueue ring-reset", drvcase_vqueue_reprogram, 0},
    {"driver.vqueue.no-ring-reset", "without RING_RESET: no RESET_VQUEUE, no reprogramming of active queues", R,
     {"driver.reset-vqueue.1", "driver.vq-setup.1", "driver.vq-setup.3", "driver.vq-change.2"}, "vqueue",
     drvcase_vqueue_no_ring_reset, 0},
    {"driver.vqueue.confirmed-before-use", "a queue is used only once its SET_VQUEUE is answered (replies held back)", R,
     {"driver.init-order.3", "driver.finalize.3"}, "vqueue io", drvcase_vqueue_confirmed, 0},
    {"driver.removed.no-new-work", "after EVENT_DEVICE REMOVED no new EVENT_AVAIL", R, {"driver.device-removed.1"},
     "hotplug", drvcase_removed, 0},
};

const struct vmsg_case_def *vmsg_suite_driver(size_t *n)
{
    *n = sizeof cases / sizeof cases[0];
    return cases;
}
