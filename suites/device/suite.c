/* The device suite: the harness plays the driver and probes the device under
 * test clause by clause. Every received frame is also decoded and judged by
 * the runner (reserved bits, msg_size, padding, size limit). */
#include "../suites.h"
#include "cases.h"

#define D VMSG_IUT_DEVICE
static const struct vmsg_case_def cases[] = {
    {"device.info.inactive", "GET_DEVICE_INFO answered before initialization, consistently", D,
     {"device.get-device-info.1"}, "info quick", dcase_info_inactive, 0},
    {"device.header.responses", "responses carry the device's own number and a clean header", D,
     {"device.header.3", "device.header.1", "device.header.2", "device.header.4", "device.limits.1"}, "header quick",
     dcase_header_responses, 0},
    {"device.header.token-opaque", "any token value is answered (the token belongs to the bus)", D,
     {"device.header.5"}, "header", dcase_header_token_opaque, 0},
    {"device.features.beyond-implemented", "feature blocks past num_feature_bits read as zero, window echoed", D,
     {"device.feature-blocks.1", "device.get-features.1", "device.features.1"}, "features", dcase_features_beyond, 0},
    {"device.features.accept-offered", "the offered set written back keeps FEATURES_OK", D,
     {"device.features.2", "device.status.2", "device.get-status.1"}, "features init", dcase_features_accept, 0},
    {"device.features.refuse-unoffered", "an unoffered feature bit clears FEATURES_OK", D,
     {"device.set-features.1"}, "features", dcase_features_unoffered, 0},
    {"device.mandatory.core-requests", "every core request is answered", D, {"device.mandatory.1"}, "init",
     dcase_mandatory, 0},
    {"device.config.read", "GET_CONFIG echoes the window and the current generation", D,
     {"device.get-config.1", "device.config.2"}, "config", dcase_config_read, 0},
    {"device.config.stale-generation", "SET_CONFIG with a stale generation is rejected and not applied", D,
     {"device.set-config.1", "device.config.1", "device.config-gen.3"}, "config", dcase_config_stale_set, 0},
    {"device.config.current-generation", "SET_CONFIG with the current generation gets a coherent answer", D,
     {"device.set-config.1", "device.get-config.1"}, "config", dcase_config_current_set, 0},
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
     {"device.errors.1", "device.versioning.2"}, "errors", dcase_errors_discard, 0},
    {"device.finalize.no-io-before-driver-ok", "no reply to events, no queue work before DRIVER_OK", D,
     {"device.finalize.1"}, "events", dcase_events_before_driver_ok, 0},
};

const struct vmsg_case_def *vmsg_suite_device(size_t *n)
{
    *n = sizeof cases / sizeof cases[0];
    return cases;
}
