/* The device suite: the harness plays the driver and probes the device under
 * test clause by clause. Every received frame is also decoded and judged by
 * the runner (reserved bits, msg_size, padding, size limit). */
#include "../suites.h"
#include "cases.h"

#define D VMSG_IUT_DEVICE
static const struct vmsg_case_def cases[] = {
    {"device.info.inactive", "GET_DEVICE_INFO answered before initialization, consistently", D,
     {"device.get-device-info.1", "device.endian.1"}, "info quick", dcase_info_inactive, 0},
    {"device.header.responses", "responses carry the device's own number and a clean header", D,
     {"device.header.3", "device.header.1", "device.header.2", "device.header.4", "device.limits.1"}, "header quick",
     dcase_header_responses, 0},
    {"device.header.token-opaque", "any token value is answered (the token belongs to the bus)", D,
     {"device.header.5"}, "header", dcase_header_token_opaque, 0},
    {"device.features.beyond-implemented", "feature blocks past num_feature_bits read as zero, window echoed", D,
     {"device.feature-blocks.1", "device.get-features.1", "device.features.1"}, "features", dcase_features_beyond, 0},
    {"device.features.accept-offered", "the offered set written back keeps FEATURES_OK", D,
     {"device.features.2", "device.features.1", "device.status.2", "device.get-status.1"}, "features init",
     dcase_features_accept, 0},
    {"device.features.refuse-unoffered", "an unoffered feature bit clears FEATURES_OK", D,
     {"device.set-features.1", "device.features.2"}, "features", dcase_features_unoffered, 0},
    {"device.mandatory.core-requests", "every core request is answered", D, {"device.mandatory.1"}, "init",
     dcase_mandatory, 0},
    {"device.config.read", "GET_CONFIG echoes the window and the current generation", D,
     {"device.get-config.1", "device.config.2"}, "config", dcase_config_read, 0},
    {"device.config.stale-generation", "SET_CONFIG with a stale generation is rejected and not applied", D,
     {"device.set-config.1", "device.config.1", "device.config-gen.3"}, "config", dcase_config_stale_set, 0},
    {"device.config.current-generation", "SET_CONFIG with the current generation gets a coherent answer", D,
     {"device.set-config.1", "device.get-config.1", "device.config.2"}, "config", dcase_config_current_set, 0},
    {"device.status.reset", "status 0 resets the device and forgets its queues", D,
     {"device.status.1", "device.reset.1"}, "status reset", dcase_status_reset, 0},
    {"device.status.report", "SET_DEVICE_STATUS reports the resulting status, GET agrees", D,
     {"device.set-status.1", "device.get-status.1"}, "status", dcase_status_report, 0},
    {"device.vqueue.unconfigured", "queues report current size 0 before SET_VQUEUE", D, {"device.get-vqueue.1"},
     "vqueue", dcase_vqueue_unconfigured, 0},
    {"device.vqueue.set-get", "GET_VQUEUE reports what SET_VQUEUE set", D,
     {"device.vq-setup.1", "device.set-vqueue.1"}, "vqueue", dcase_vqueue_set_get, 0},
    {"device.vqueue.reset", "RESET_VQUEUE unconfigures a queue and allows reconfiguration", D,
     {"device.reset-vqueue.1", "device.vq-setup.2", "device.vq-change.1", "device.vq-change.2"}, "vqueue ring-reset",
     dcase_vqueue_reset, 0},
    {"device.shm.regions", "GET_SHM: length 0 for a missing region, stable for existing ones", D,
     {"device.get-shm.1"}, "shm", dcase_shm, 0},
    {"device.errors.discard", "malformed, unknown and misdirected messages get no reply", D,
     {"device.errors.1", "device.limits.2", "device.versioning.2"}, "errors", dcase_errors_discard, 0},
    {"device.finalize.no-io-before-driver-ok", "no reply to events, no queue work before DRIVER_OK", D,
     {"device.finalize.1", "device.errors.1"}, "events", dcase_events_before_driver_ok, 0},
    {"device.limits.response-size", "no message beyond the bus maximum, even when asked for more", D,
     {"device.limits.1"}, "limits", dcase_limits_response_size, 0},
    {"device.vqueue.reset-unnegotiated", "RESET_VQUEUE without RING_RESET leaves the queue alone", D,
     {"device.versioning.2", "device.reset-vqueue.1"}, "vqueue", dcase_vqueue_reset_unnegotiated, 0},
    {"device.io.after-driver-ok", "after DRIVER_OK, used buffers are reported on the right queue", D,
     {"device.finalize.2", "device.notify.3", "device.event-used.1", "device.errors.1"}, "io", dcase_io_after_driver_ok, 0},
    {"device.io.used-notification", "a buffer consumed on a queue in use is reported by EVENT_USED for that queue", D,
     {"device.event-used.1", "device.notify.3"}, "io hook", dcase_io_used_notification, 0},
    {"device.vqueue.after-driver-ok", "SET_VQUEUE after DRIVER_OK is honoured", D, {"device.vq-change.1"}, "vqueue",
     dcase_vqueue_after_driver_ok, 0},
    {"device.status.driver-ok", "the status reply at DRIVER_OK matches the status in force", D,
     {"device.set-status.1", "device.get-status.1", "device.status.2"}, "status", dcase_status_driver_ok, 0},
    {"device.events.config-change", "a device-side change: EVENT_CONFIG, new unique generation, coherent data", D,
     {"device.config-change.1", "device.config-gen.1", "device.notify.1", "device.event-config.1", "device.notify.2"},
     "events hook", dcase_config_change_event, 0},
    {"device.events.config-change-large", "a change too big for one EVENT_CONFIG is announced without data", D,
     {"device.config-gen.2", "device.config-change.1"}, "events hook", dcase_config_change_large, 0},
    {"device.events.needs-reset", "an unrecoverable error sets DEVICE_NEEDS_RESET and announces it", D,
     {"device.reset.2", "device.notify.1", "device.event-config.1", "device.get-status.1"}, "events hook",
     dcase_needs_reset, 0},
};

/* Gathered before the cases by vmsg_run_ics: what the device says about
 * itself (no verdict, no clause). Its time box is the runner's default for
 * gathering bodies (four case time boxes). */
static const struct vmsg_case_def ics = {"device.ics", "what the device says about itself", D, {NULL}, "ics",
                                         dcase_ics, 0};

const struct vmsg_case_def *vmsg_suite_device_ics(void) { return &ics; }

const struct vmsg_case_def *vmsg_suite_device(size_t *n)
{
    *n = sizeof cases / sizeof cases[0];
    return cases;
}
