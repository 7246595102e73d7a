/* Reference implementations of the three virtio-msg roles, as endpoints
 * (vmsg/endpoint.h): refdev (a device driven by a personality), refdrv (a
 * driver running init + I/O + runtime config + reset scripts) and refbus (a
 * relay with a driver face and a device face). All of them conform to v1 by
 * default; each has a catalog of named faults, every fault breaking exactly
 * one clause at the point where the behaviour lives. */
#ifndef VMSG_REF_H
#define VMSG_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmsg/endpoint.h>

/* ---- fault catalog ------------------------------------------------------
 * X(ROLE, ENUM, "name", "clause id", "what the fault does")
 * ROLE is DEV, DRV or BUS. Each fault is consulted at exactly one place. */
#define VMSG_FAULTS(X)                                                                                       \
    X(DEV, DEV_RESERVED_TYPE_BITS, "dev-reserved-type-bits", "device.header.1", "sets type bit 2 in every message it sends") \
    X(DEV, DEV_WRONG_MSG_SIZE, "dev-wrong-msg-size", "device.header.2", "msg_size counts 4 bytes beyond the payload layout") \
    X(DEV, DEV_WRONG_DEV_NUM, "dev-wrong-dev-num", "device.header.3", "responses carry dev_num + 1 instead of its own number") \
    X(DEV, DEV_PADDING_NONZERO, "dev-padding-nonzero", "device.header.4", "appends 4 non-zero padding bytes after msg_size") \
    X(DEV, DEV_OVERSIZE_RESPONSE, "dev-oversize-response", "device.limits.1", "answers GET_DEVICE_FEATURES even when the reply exceeds the bus maximum") \
    X(DEV, DEV_REPLY_TO_UNKNOWN, "dev-reply-to-unknown", "device.limits.2", "answers implementation-defined requests it does not support") \
    X(DEV, DEV_ANSWER_RESET_VQUEUE_UNNEGOTIATED, "dev-answer-reset-vqueue-unnegotiated", "device.versioning.2", "processes RESET_VQUEUE although RING_RESET was not negotiated") \
    X(DEV, DEV_NO_GENERATION_BUMP, "dev-no-generation-bump", "device.config-gen.1", "device-side config change keeps the old generation") \
    X(DEV, DEV_PARTIAL_EVENT_CONFIG, "dev-partial-event-config", "device.config-gen.2", "a change too big for one EVENT_CONFIG is sent as a partial data event") \
    X(DEV, DEV_IGNORE_GENERATION, "dev-ignore-generation", "device.config-gen.3", "applies SET_CONFIG with a stale generation") \
    X(DEV, DEV_FEATURE_BLOCKS_NONZERO, "dev-feature-blocks-nonzero", "device.feature-blocks.1", "the first block past num_feature_bits reads 0x1") \
    X(DEV, DEV_REPLY_TO_MALFORMED, "dev-reply-to-malformed", "device.errors.1", "answers truncated or malformed requests with an empty response") \
    X(DEV, DEV_ANSWER_EVENT, "dev-answer-event", "device.errors.1", "answers EVENT_AVAIL with a response message") \
    X(DEV, DEV_BIG_ENDIAN, "dev-big-endian", "device.endian.1", "writes device_id big-endian in GET_DEVICE_INFO") \
    X(DEV, DEV_FEATURES_UNIMPLEMENTED_BITS, "dev-features-unimplemented-bits", "device.features.1", "reports feature bit 63, which it does not implement") \
    X(DEV, DEV_KEEP_FEATURES_OK_ON_REFUSAL, "dev-keep-features-ok-on-refusal", "device.features.2", "keeps FEATURES_OK although it refuses the acknowledged set") \
    X(DEV, DEV_SET_CONFIG_STALE_LENGTH, "dev-set-config-stale-length", "device.config.1", "rejects a stale SET_CONFIG but reports the full length") \
    X(DEV, DEV_GET_CONFIG_GENERATION_ZERO, "dev-get-config-generation-zero", "device.config.2", "GET_CONFIG replies carry generation 0") \
    X(DEV, DEV_VQUEUE_WRONG_MAX, "dev-vqueue-wrong-max", "device.vq-setup.1", "GET_VQUEUE reports twice the real maximum size") \
    X(DEV, DEV_RESET_VQUEUE_NO_RECONFIG, "dev-reset-vqueue-no-reconfig", "device.vq-setup.2", "after RESET_VQUEUE the queue can no longer be configured") \
    X(DEV, DEV_STATUS_RESET_KEEPS_QUEUES, "dev-status-reset-keeps-queues", "device.status.1", "status 0 keeps the queue configuration") \
    X(DEV, DEV_GET_STATUS_STALE, "dev-get-status-stale", "device.status.2", "GET_DEVICE_STATUS hides FEATURES_OK") \
    X(DEV, DEV_IO_BEFORE_DRIVER_OK, "dev-io-before-driver-ok", "device.finalize.1", "answers EVENT_AVAIL with EVENT_USED before DRIVER_OK") \
    X(DEV, DEV_USED_WRONG_QUEUE, "dev-used-wrong-queue", "device.finalize.2", "EVENT_USED names queue index + 1") \
    X(DEV, DEV_EVENT_CONFIG_NO_RANGE, "dev-event-config-no-range", "device.notify.2", "zero-length EVENT_CONFIG carries offset 0 instead of the changed range") \
    X(DEV, DEV_NO_EVENT_CONFIG_ON_STATUS, "dev-no-event-config-on-status", "device.notify.1", "sets DEVICE_NEEDS_RESET without sending EVENT_CONFIG") \
    X(DEV, DEV_NO_EVENT_CONFIG_ON_CHANGE, "dev-no-event-config-on-change", "device.config-change.1", "device-side config change without EVENT_CONFIG") \
    X(DEV, DEV_LATE_SET_VQUEUE_IGNORED, "dev-late-set-vqueue-ignored", "device.vq-change.1", "ignores SET_VQUEUE after DRIVER_OK") \
    X(DEV, DEV_RESET_VQUEUE_KEEPS_ADDRESSES, "dev-reset-vqueue-keeps-addresses", "device.vq-change.2", "RESET_VQUEUE clears the size but keeps stale addresses") \
    X(DEV, DEV_STATUS_RESET_NONZERO, "dev-status-reset-nonzero", "device.reset.1", "status 0 is answered with ACKNOWLEDGE still set") \
    X(DEV, DEV_NO_NEEDS_RESET, "dev-no-needs-reset", "device.reset.2", "the needs-reset trigger is ignored entirely") \
    X(DEV, DEV_NO_INFO_WHILE_INACTIVE, "dev-no-info-while-inactive", "device.get-device-info.1", "ignores GET_DEVICE_INFO while status is 0") \
    X(DEV, DEV_NUM_FEATURE_BITS_NOT_32, "dev-num-feature-bits-not-32", "device.get-device-info.1", "num_feature_bits is not a multiple of 32") \
    X(DEV, DEV_FEATURES_BEYOND_IMPLEMENTED, "dev-features-beyond-implemented", "device.get-features.1", "blocks past num_feature_bits read 0xffffffff") \
    X(DEV, DEV_FEATURES_NOT_STORED, "dev-features-not-stored", "device.set-features.1", "forgets the acknowledged feature set (RESET_VQUEUE then unanswered)") \
    X(DEV, DEV_GET_CONFIG_STALE_GENERATION, "dev-get-config-stale-generation", "device.get-config.1", "GET_CONFIG replies carry the generation minus one") \
    X(DEV, DEV_SET_CONFIG_REJECT_SILENTLY, "dev-set-config-reject-silently", "device.set-config.1", "a stale SET_CONFIG gets no response") \
    X(DEV, DEV_STATUS_HIDES_NEEDS_RESET, "dev-status-hides-needs-reset", "device.get-status.1", "GET_DEVICE_STATUS hides DEVICE_NEEDS_RESET") \
    X(DEV, DEV_SET_STATUS_INACCURATE, "dev-set-status-inaccurate", "device.set-status.1", "the SET_DEVICE_STATUS reply drops DRIVER_OK although it was accepted") \
    X(DEV, DEV_CUR_SIZE_NONZERO_UNCONFIGURED, "dev-cur-size-nonzero-unconfigured", "device.get-vqueue.1", "GET_VQUEUE reports the max as current size of an unconfigured queue") \
    X(DEV, DEV_SET_VQUEUE_IGNORED, "dev-set-vqueue-ignored", "device.set-vqueue.1", "SET_VQUEUE stores the size but not the addresses") \
    X(DEV, DEV_RESET_VQUEUE_KEEPS_QUEUE, "dev-reset-vqueue-keeps-queue", "device.reset-vqueue.1", "RESET_VQUEUE leaves the queue configured") \
    X(DEV, DEV_SHM_NONZERO_LENGTH_MISSING, "dev-shm-nonzero-length-missing", "device.get-shm.1", "GET_SHM of a missing region reports length 4096") \
    X(DEV, DEV_NO_EVENT_USED, "dev-no-event-used", "device.event-used.1", "never sends EVENT_USED") \
    X(DEV, DEV_EVENT_CONFIG_WRONG_STATUS, "dev-event-config-wrong-status", "device.event-config.1", "EVENT_CONFIG reports device status 0") \
    X(DEV, DEV_NO_ECHO_BLOCK_INDEX, "dev-no-echo-block-index", "device.get-features.1", "GET_DEVICE_FEATURES echoes block_index 0") \
    X(DRV, DRV_SKIP_GET_DEVICE_INFO, "drv-skip-get-device-info", "driver.init-order.1", "starts with GET_DEVICE_FEATURES, never sends GET_DEVICE_INFO") \
    X(DRV, DRV_INFO_AFTER_FEATURES, "drv-info-after-features", "driver.device-info.1", "sends GET_DEVICE_INFO only after reading the features") \
    X(DRV, DRV_SKIP_GET_FEATURES, "drv-skip-get-features", "driver.features.1", "writes its wanted features without reading the offered ones") \
    X(DRV, DRV_SET_UNOFFERED_FEATURES, "drv-set-unoffered-features", "driver.set-features.1", "also sets feature bit 63, which is not offered") \
    X(DRV, DRV_IGNORE_FEATURES_OK_REFUSAL, "drv-ignore-features-ok-refusal", "driver.features.2", "carries on when FEATURES_OK is cleared in the reply") \
    X(DRV, DRV_SKIP_FEATURES_OK, "drv-skip-features-ok", "driver.init-order.2", "never sets FEATURES_OK") \
    X(DRV, DRV_SKIP_GET_VQUEUE, "drv-skip-get-vqueue", "driver.vq-setup.1", "programs queues without GET_VQUEUE") \
    X(DRV, DRV_ZERO_ADDRESSES, "drv-zero-addresses", "driver.vq-setup.2", "SET_VQUEUE with zero ring addresses") \
    X(DRV, DRV_SKIP_RESET_VQUEUE, "drv-skip-reset-vqueue", "driver.vq-setup.3", "reprograms an active queue without RESET_VQUEUE") \
    X(DRV, DRV_SIZE_ABOVE_MAX, "drv-size-above-max", "driver.set-vqueue.1", "SET_VQUEUE size is twice the reported maximum") \
    X(DRV, DRV_DRIVER_OK_BEFORE_VQUEUE, "drv-driver-ok-before-vqueue", "driver.finalize.1", "sets DRIVER_OK before configuring the queues") \
    X(DRV, DRV_IO_BEFORE_DRIVER_OK_REPLY, "drv-io-before-driver-ok-reply", "driver.finalize.2", "sends EVENT_AVAIL before the DRIVER_OK reply arrives") \
    X(DRV, DRV_AVAIL_UNCONFIGURED_QUEUE, "drv-avail-unconfigured-queue", "driver.finalize.3", "sends EVENT_AVAIL on a queue it never configured") \
    X(DRV, DRV_IO_BEFORE_DRIVER_OK, "drv-io-before-driver-ok", "driver.init-order.4", "sends EVENT_AVAIL right after configuring queues, before DRIVER_OK") \
    X(DRV, DRV_IO_BEFORE_VQUEUE_REPLY, "drv-io-before-vqueue-reply", "driver.init-order.3", "notifies the reprogrammed queue 0 before its SET_VQUEUE is answered") \
    X(DRV, DRV_NO_EVENT_AVAIL, "drv-no-event-avail", "driver.notify.1", "queues buffers without EVENT_AVAIL") \
    X(DRV, DRV_NEXT_OFFSET_WITHOUT_NOTIFICATION_DATA, "drv-next-offset-without-notification-data", "driver.event-avail.1", "fills next_offset although NOTIFICATION_DATA is not negotiated") \
    X(DRV, DRV_NO_NEXT_OFFSET_WITH_NOTIFICATION_DATA, "drv-no-next-offset-with-notification-data", "driver.notify.3", "next_offset 0 although NOTIFICATION_DATA is negotiated") \
    X(DRV, DRV_STALE_GENERATION, "drv-stale-generation", "driver.config-gen.1", "SET_CONFIG carries the generation minus one") \
    X(DRV, DRV_GENERATION_ZERO, "drv-generation-zero", "driver.set-config.1", "SET_CONFIG carries generation 0") \
    X(DRV, DRV_NO_REREAD_AFTER_REJECT, "drv-no-reread-after-reject", "driver.config-gen.2", "retries a rejected SET_CONFIG without GET_CONFIG") \
    X(DRV, DRV_GET_CONFIG_OUT_OF_BOUNDS, "drv-get-config-out-of-bounds", "driver.get-config.1", "GET_CONFIG runs 4 bytes past config_size") \
    X(DRV, DRV_SET_CONFIG_OUT_OF_BOUNDS, "drv-set-config-out-of-bounds", "driver.config.1", "SET_CONFIG starts at config_size") \
    X(DRV, DRV_IGNORE_DEVICE_INFO, "drv-ignore-device-info", "driver.get-device-info.1", "asks GET_VQUEUE about queue index max_virtqueues") \
    X(DRV, DRV_RESERVED_TYPE_BITS, "drv-reserved-type-bits", "driver.header.1", "sets type bit 2 in every message") \
    X(DRV, DRV_WRONG_MSG_SIZE, "drv-wrong-msg-size", "driver.header.2", "msg_size counts 4 bytes beyond the payload layout") \
    X(DRV, DRV_WRONG_DEV_NUM, "drv-wrong-dev-num", "driver.header.3", "EVENT_AVAIL goes to dev_num + 1") \
    X(DRV, DRV_PADDING_NONZERO, "drv-padding-nonzero", "driver.header.4", "appends 4 non-zero padding bytes after msg_size") \
    X(DRV, DRV_OVERSIZE, "drv-oversize", "driver.limits.1", "writes the whole config in one SET_CONFIG whatever the maximum") \
    X(DRV, DRV_RESERVED_FIELD_NONZERO, "drv-reserved-field-nonzero", "common.reserved-zero.1", "SET_VQUEUE reserved0 = 1") \
    X(DRV, DRV_BIG_ENDIAN, "drv-big-endian", "driver.endian.1", "writes SET_DEVICE_STATUS status big-endian") \
    X(DRV, DRV_NO_RESET_ON_NEEDS_RESET, "drv-no-reset-on-needs-reset", "driver.reset.2", "ignores DEVICE_NEEDS_RESET") \
    X(DRV, DRV_RESET_NOT_ZERO, "drv-reset-not-zero", "driver.status.2", "re-initializes without writing status 0") \
    X(DRV, DRV_NO_REFRESH_ON_EVENT_CONFIG, "drv-no-refresh-on-event-config", "driver.event-config.1", "ignores a zero-length EVENT_CONFIG") \
    X(DRV, DRV_IO_BEFORE_REFRESH, "drv-io-before-refresh", "driver.dev-notify.1", "resumes I/O before re-reading config after EVENT_CONFIG") \
    X(DRV, DRV_RESET_VQUEUE_WITHOUT_RING_RESET, "drv-reset-vqueue-without-ring-reset", "driver.reset-vqueue.1", "uses RESET_VQUEUE without RING_RESET negotiated") \
    X(DRV, DRV_KEEP_QUEUEING_AFTER_REMOVED, "drv-keep-queueing-after-removed", "driver.device-removed.1", "keeps sending EVENT_AVAIL after EVENT_DEVICE REMOVED") \
    X(BUS, BUS_DROP_RESPONSE, "bus-drop-response", "bus.ordering.2", "drops the first GET_CONFIG response") \
    X(BUS, BUS_DUPLICATE_RESPONSE, "bus-duplicate-response", "bus.ordering.2", "delivers the first GET_CONFIG response twice") \
    X(BUS, BUS_REORDER_RESPONSES, "bus-reorder-responses", "bus.ordering.1", "holds a response back and delivers it after the next one") \
    X(BUS, BUS_ALTER_PAYLOAD, "bus-alter-payload", "bus.forwarding.2", "flips the last payload byte of forwarded SET_CONFIG requests") \
    X(BUS, BUS_WRONG_DEV_NUM_FORWARD, "bus-wrong-dev-num-forward", "bus.forwarding.1", "drops transport messages for every device but the first") \
    X(BUS, BUS_FORWARD_UNKNOWN_DEV, "bus-forward-unknown-dev", "bus.dev-num.1", "forwards messages for device numbers it does not know") \
    X(BUS, BUS_REWRITE_DEV_NUM, "bus-rewrite-dev-num", "bus.header.1", "forwards EVENT_AVAIL with dev_num + 1") \
    X(BUS, BUS_MSG_DEV_NUM_NONZERO, "bus-msg-dev-num-nonzero", "bus.header.1", "bus messages it generates carry dev_num 1") \
    X(BUS, BUS_RESERVED_BITS, "bus-reserved-bits", "bus.header.2", "sets type bit 2 in bus messages it generates") \
    X(BUS, BUS_PADDING_NONZERO, "bus-padding-nonzero", "bus.header.3", "adds 4 non-zero padding bytes to frames it forwards") \
    X(BUS, BUS_TOKEN_NOT_RESTORED, "bus-token-not-restored", "bus.header.4", "does not restore the driver's token in responses") \
    X(BUS, BUS_GET_DEVICES_COUNT_NOT_MULTIPLE_8, "bus-get-devices-count-not-multiple-8", "bus.get-devices.1", "GET_DEVICES count is the requested count minus 1") \
    X(BUS, BUS_BAD_NEXT_OFFSET, "bus-bad-next-offset", "bus.get-devices.2", "GET_DEVICES next_offset = offset + 1") \
    X(BUS, BUS_BITMAP_MISMATCH, "bus-bitmap-mismatch", "bus.get-devices.3", "GET_DEVICES bitmap one byte shorter than the window") \
    X(BUS, BUS_EXPOSE_UNVALIDATED, "bus-expose-unvalidated", "bus.discovery.1", "GET_DEVICES reports device number 3, which does not exist") \
    X(BUS, BUS_PING_WRONG_ECHO, "bus-ping-wrong-echo", "bus.ping.1", "PING response data is inverted") \
    X(BUS, BUS_ANSWER_EVENT, "bus-answer-event", "bus.errors.3", "answers EVENT_AVAIL with a response") \
    X(BUS, BUS_FORWARD_MALFORMED, "bus-forward-malformed", "bus.errors.2", "forwards malformed and unknown messages") \
    X(BUS, BUS_NO_EVENT_DEVICE_ON_HOTPLUG, "bus-no-event-device-on-hotplug", "bus.hotplug.1", "hotplug and removal without EVENT_DEVICE") \
    X(BUS, BUS_OVERSIZE_FORWARD, "bus-oversize-forward", "bus.advertise.2", "enforces the maximum only towards the device") \
    X(BUS, BUS_DROP_EVENT_AVAIL, "bus-drop-event-avail", "bus.notify.2", "drops EVENT_AVAIL") \
    X(BUS, BUS_DROP_EVENT_CONFIG, "bus-drop-event-config", "bus.dev-notify.1", "drops EVENT_CONFIG") \
    X(BUS, BUS_MAX_TOO_SMALL, "bus-max-too-small", "bus.msg-size.1", "advertises a maximum message size of 40") \
    X(BUS, BUS_FORWARD_LATER_REVISION, "bus-forward-later-revision", "bus.versioning.2", "forwards driver messages with ids revision 1 leaves free in the standard ranges") \
    X(BUS, BUS_GET_DEVICES_SHORT_WINDOW, "bus-get-devices-short-window", "prose.get-devices.1", "GET_DEVICES answers half the requested window although the whole one fits") \
    X(BUS, BUS_PING_LONG_RESPONSE, "bus-ping-long-response", "bus.bus-messages.1", "PING responses carry 4 bytes beyond the standard layout") \
    X(BUS, BUS_MAX_ABOVE_264, "bus-max-above-264", "bus.msg-size.2", "advertises a maximum message size of 1024")

enum vmsg_fault_role { VMSG_FAULT_DEV, VMSG_FAULT_DRV, VMSG_FAULT_BUS };

enum vmsg_fault_id {
#define X(role, e, name, clause, desc) VMSG_FAULT_##e,
    VMSG_FAULTS(X)
#undef X
        VMSG_FAULT__COUNT
};

struct vmsg_fault {
    enum vmsg_fault_id id;
    enum vmsg_fault_role role;
    const char *name;
    const char *clause;
    const char *description;
};

const struct vmsg_fault *vmsg_faults(size_t *n);
const struct vmsg_fault *vmsg_fault_by_name(const char *name);
const char *vmsg_fault_role_name(enum vmsg_fault_role role); /* "dev" "drv" "bus" */
/* Print "NAME  CLAUSE  description" lines for one role. */
void vmsg_faults_print(FILE *out, enum vmsg_fault_role role);

/* A set of active faults. */
struct vmsg_fault_set {
    uint8_t on[VMSG_FAULT__COUNT];
};
/* Add faults from a comma-separated list of names (only of ROLE). On error
 * writes "unknown fault 'x'" or "fault 'x' is not a <role> fault" into err. */
bool vmsg_fault_set_parse(struct vmsg_fault_set *fs, enum vmsg_fault_role role, const char *list,
                          char *err, size_t errlen);

/* ---- personality --------------------------------------------------------- */
#define VMSG_PERS_MAX_DEVS 8
#define VMSG_PERS_MAX_QUEUES 32
#define VMSG_PERS_MAX_SHM 8
#define VMSG_PERS_MAX_CONFIG 4096
#define VMSG_PERS_FEATURE_WORDS 8 /* 256 feature bits */

struct vmsg_shm_region {
    uint32_t index, address, length;
};

struct vmsg_personality {
    char name[64];
    unsigned profile;                  /* enum vmsg_profile */
    uint16_t dev_nums[VMSG_PERS_MAX_DEVS];
    unsigned ndevs;
    uint32_t device_id, vendor_id;
    uint32_t num_feature_bits;         /* multiple of 32 */
    uint32_t features[VMSG_PERS_FEATURE_WORDS]; /* offered */
    uint32_t refuse[VMSG_PERS_FEATURE_WORDS];   /* refused at FEATURES_OK when acknowledged */
    uint32_t config_size;
    uint8_t config[VMSG_PERS_MAX_CONFIG];
    unsigned nqueues;
    uint32_t queue_max[VMSG_PERS_MAX_QUEUES];
    unsigned nshm;
    struct vmsg_shm_region shm[VMSG_PERS_MAX_SHM];
    uint32_t max_msg_size;             /* the bus maximum it respects */
    uint32_t generation_start;
    /* choices the spec leaves open */
    bool set_config_echo;              /* echo data in the SET_CONFIG response */
    bool event_config_data;            /* EVENT_CONFIG carries data when it fits */
    uint16_t bus_window;               /* GET_DEVICES window cap (0: as requested) */
    /* device-side events scheduled on the poll clock (0: never) */
    uint64_t config_change_at_ms;
    uint64_t needs_reset_at_ms;
};

/* The built-in personality: a small network-like device. */
void vmsg_personality_default(struct vmsg_personality *p);
/* Load from YAML; keys not given keep the default's values. On error writes
 * "file:line:col: message" into err. */
bool vmsg_personality_load(struct vmsg_personality *p, const char *path, char *err, size_t errlen);
void vmsg_personality_print(FILE *out, const struct vmsg_personality *p);
bool vmsg_personality_offers(const struct vmsg_personality *p, unsigned bit);

/* ---- refdev -------------------------------------------------------------- */
struct vmsg_refdev;
struct vmsg_refdev *vmsg_refdev_new(const struct vmsg_personality *p, const struct vmsg_fault_set *faults);
struct vmsg_endpoint vmsg_refdev_endpoint(struct vmsg_refdev *d);
void vmsg_refdev_free(struct vmsg_refdev *d);
/* Device-side config change on DEV_NUM (0: the first device): rewrites
 * LENGTH bytes at OFFSET (clamped to the config) and announces it. */
void vmsg_refdev_config_change(struct vmsg_refdev *d, uint16_t dev_num, uint32_t offset, uint32_t length,
                               vmsg_emit_fn emit, void *ctx);
/* Unrecoverable error: DEVICE_NEEDS_RESET set and announced. */
void vmsg_refdev_needs_reset(struct vmsg_refdev *d, uint16_t dev_num, vmsg_emit_fn emit, void *ctx);
uint32_t vmsg_refdev_generation(const struct vmsg_refdev *d, uint16_t dev_num);

/* ---- refdrv -------------------------------------------------------------- */
/* Scripts: the default one plus variants taking other choices v1 allows, so
 * that more device behaviour reaches the wire (each stays conforming):
 *   verify       resets the device (status 0) before GET_DEVICE_INFO; reads
 *                every queue back with GET_VQUEUE after SET_VQUEUE;
 *                reads GET_DEVICE_STATUS on DEVICE_NEEDS_RESET before
 *                resetting, and when an EVENT_USED does not come
 *   late-queues  sets up queue 0 only before DRIVER_OK, the others after the
 *                I/O rounds (read back), then notifies each of them
 *   features-all reads all 8 feature blocks (256 bits), two at a time,
 *                past num_feature_bits too (the device pads with zeros)
 *   write-twice  a second SET_CONFIG carrying the generation of the last
 *                GET_CONFIG/EVENT_CONFIG (stale when the device bumped it on
 *                the first write: re-read and retried)
 *   poll-config  GET_CONFIG after every I/O round */
enum vmsg_refdrv_script {
    VMSG_REFDRV_SCRIPT_DEFAULT,
    VMSG_REFDRV_SCRIPT_VERIFY,
    VMSG_REFDRV_SCRIPT_LATE_QUEUES,
    VMSG_REFDRV_SCRIPT_FEATURES_ALL,
    VMSG_REFDRV_SCRIPT_WRITE_TWICE,
    VMSG_REFDRV_SCRIPT_POLL_CONFIG,
    VMSG_REFDRV_SCRIPT__COUNT
};
const char *vmsg_refdrv_script_name(unsigned script); /* NULL when out of range */
int vmsg_refdrv_script_by_name(const char *name);      /* -1 when unknown */

struct vmsg_refdrv_opts {
    unsigned profile;
    uint16_t dev_num;          /* device to drive (found by GET_DEVICES when bus) */
    bool bus;                  /* a bus is present: enumerate with GET_DEVICES first */
    uint32_t max_msg_size;
    unsigned io_rounds;        /* EVENT_AVAIL/EVENT_USED rounds per init (script length) */
    unsigned reinit;           /* times to reset and re-initialize at the end */
    uint64_t timeout_ms;       /* per request */
    unsigned script;           /* enum vmsg_refdrv_script */
};
void vmsg_refdrv_opts_default(struct vmsg_refdrv_opts *o);
struct vmsg_refdrv;
struct vmsg_refdrv *vmsg_refdrv_new(const struct vmsg_refdrv_opts *o, const struct vmsg_fault_set *faults);
struct vmsg_endpoint vmsg_refdrv_endpoint(struct vmsg_refdrv *d);
void vmsg_refdrv_free(struct vmsg_refdrv *d);
/* 0 running, 1 ok, -1 failed (reason in why). */
int vmsg_refdrv_result(const struct vmsg_refdrv *d, const char **why);

/* ---- builtin: registry ----------------------------------------------------
 * refdev and refdrv as `builtin:` endpoints of the bus adapters (vmsg/bus.h),
 * with the URI query fault=NAME[,NAME] and (refdev) personality=FILE. */
struct vmsg_builtin;
const struct vmsg_builtin *vmsg_ref_builtins(void);

/* ---- refbus -------------------------------------------------------------- */
/* Two faces: frames from the driver side enter with vmsg_refbus_from_driver
 * and leave through to_driver; frames from the device side enter with
 * vmsg_refbus_from_device and leave through to_device. */
struct vmsg_refbus_opts {
    unsigned profile;
    uint32_t max_msg_size;
    uint16_t dev_nums[VMSG_PERS_MAX_DEVS]; /* devices behind the device face */
    unsigned ndevs;
    uint16_t window;           /* GET_DEVICES window cap (0: as requested) */
};
struct vmsg_refbus;
struct vmsg_refbus *vmsg_refbus_new(const struct vmsg_refbus_opts *o, const struct vmsg_fault_set *faults,
                                    vmsg_emit_fn to_driver, void *driver_ctx, vmsg_emit_fn to_device,
                                    void *device_ctx);
void vmsg_refbus_free(struct vmsg_refbus *b);
void vmsg_refbus_from_driver(struct vmsg_refbus *b, const uint8_t *frame, size_t len);
void vmsg_refbus_from_device(struct vmsg_refbus *b, const uint8_t *frame, size_t len);
/* Hotplug: device DEV_NUM appears (present) or goes away; EVENT_DEVICE to the driver. */
void vmsg_refbus_hotplug(struct vmsg_refbus *b, uint16_t dev_num, bool present);
/* Parameters advertised before any transport message. */
struct vmsg_bus_params vmsg_refbus_params(const struct vmsg_refbus *b);
/* Endpoint faces: the driver face receives driver frames (emit ignored:
 * output goes through to_driver / to_device), likewise the device face. */
struct vmsg_endpoint vmsg_refbus_driver_face(struct vmsg_refbus *b);
struct vmsg_endpoint vmsg_refbus_device_face(struct vmsg_refbus *b);

#endif
