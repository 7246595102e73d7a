/* Internals of the passive checker: the rule table (one X-macro, expanded
 * into the rule enum and vmsg_check_rules()), the per-device state and the
 * helpers the rule files share. */
#ifndef VMSG_CHECK_INTERNAL_H
#define VMSG_CHECK_INTERNAL_H

#include <stdarg.h>

#include <vmsg/check.h>
#include <vmsg/wire.h>

/* X(ENUM, id, clause, also, level, summary, accepts); also: further clauses the rule judges */
#define ALSO(...) {__VA_ARGS__, NULL}
#define NOALSO {NULL}
#define VMSG__CHECK_RULES(X) \
    X(MALFORMED, "check.malformed", "driver.header.2", NOALSO, MUST, \
      "driver-sent message cannot be parsed (msg_size, unknown id, count past the end)", "implementation-defined ids 0x80-0xFF") \
    X(MALFORMED_DEV, "check.malformed-device", "device.header.2", NOALSO, MUST, \
      "device-sent message cannot be parsed", "implementation-defined ids 0x80-0xFF") \
    X(MALFORMED_BUS, "check.malformed-bus", "bus.bus-messages.1", NOALSO, SHOULD, \
      "bus message cannot be parsed with the standard layouts", "implementation-defined ids 0x80-0xFF") \
    X(TRUNCATED, "check.truncated", "driver.header.2", NOALSO, MUST, \
      "driver-sent message shorter than its msg_size", "bus padding after msg_size") \
    X(TRUNCATED_DEV, "check.truncated-device", "device.header.2", NOALSO, MUST, \
      "device-sent message shorter than its msg_size", "bus padding after msg_size") \
    X(TRUNCATED_BUS, "check.truncated-bus", "bus.bus-messages.1", NOALSO, SHOULD, \
      "bus message shorter than its msg_size", "bus padding after msg_size") \
    X(DISCARD_DEV, "check.discard-device", "device.errors.1", NOALSO, MUST, \
      "a response answers a malformed transport request", "silence") \
    X(DISCARD_BUS, "check.discard-bus", "bus.errors.2", NOALSO, MUST, \
      "a response answers a malformed bus request", "silence") \
    X(RESP_EVENT, "check.resp-to-event", "bus.errors.3", NOALSO, MUST, \
      "a response carries an event id", "-") \
    X(RESP_ORDER, "check.resp-order", "bus.ordering.1", NOALSO, MUST, \
      "response answers a younger request while an older one of the same device is outstanding", \
      "responses of different devices or classes interleaving") \
    X(RESP_UNMATCHED, "check.resp-unmatched", "bus.ordering.2", NOALSO, MUST, \
      "response with no outstanding request (extra or duplicate answer)", "-") \
    X(UNANSWERED, "check.unanswered", "bus.ordering.2", NOALSO, MUST, \
      "request never answered (FAIL only when the trace is complete)", "requests still in flight at a cut") \
    X(OVERFLOW, "check.track-overflow", "bus.ordering.2", NOALSO, MAY, \
      "more requests in flight or devices than the checker tracks (INFO)", "-") \
    X(MSG_SIZE_DRV, "check.msg-size-max", "driver.limits.1", ALSO("driver.header.2"), MUST, \
      "driver-sent message larger than the bus maximum", "any size up to the maximum") \
    X(MSG_SIZE_DEV, "check.msg-size-max-device", "device.limits.1", ALSO("device.header.2"), MUST, \
      "device-sent message larger than the bus maximum", "any size up to the maximum") \
    X(MSG_SIZE_BUS, "check.msg-size-max-bus", "bus.advertise.2", NOALSO, MUST, \
      "bus-generated message larger than the bus maximum", "any size up to the maximum") \
    X(INFO_FIRST, "check.init-info-first", "driver.init-order.1", ALSO("driver.device-info.1"), MUST, \
      "feature or queue traffic before any GET_DEVICE_INFO", "GET_DEVICE_INFO once per trace (info is static)") \
    X(CONFIG_INFO_FIRST, "check.config-info-first", "driver.device-info.1", NOALSO, MUST, \
      "GET_CONFIG/SET_CONFIG before any GET_DEVICE_INFO", "-") \
    X(FEATURES_UNREAD, "check.features-unread", "driver.features.1", NOALSO, MUST, \
      "SET_DRIVER_FEATURES, or FEATURES_OK written, without the features read/written first", \
      "reading the offered blocks once per trace") \
    X(FEATURES_NOT_OFFERED, "check.features-not-offered", "driver.set-features.1", ALSO("driver.features.1"), MUST, \
      "SET_DRIVER_FEATURES sets a bit the device did not offer", "any subset of the offer; unread blocks not judged") \
    X(VQ_BEFORE_FOK, "check.vq-before-features-ok", "driver.init-order.2", NOALSO, MUST, \
      "SET_VQUEUE before the device accepted FEATURES_OK", "GET_VQUEUE at any time") \
    X(VQ_UNCONFIRMED, "check.vq-unconfirmed", "driver.init-order.3", NOALSO, MUST, \
      "EVENT_AVAIL on a queue whose SET_VQUEUE is not yet answered", "-") \
    X(VQ_UNCONFIGURED, "check.vq-unconfigured", "driver.finalize.3", ALSO("driver.init-order.3"), MUST, \
      "EVENT_AVAIL on a queue no SET_VQUEUE configured since reset (or after RESET_VQUEUE)", "-") \
    X(IO_BEFORE_DRIVER_OK, "check.io-before-driver-ok", "driver.init-order.4", NOALSO, MUST, \
      "EVENT_AVAIL before the driver wrote DRIVER_OK", "-") \
    X(IO_BEFORE_DRIVER_OK_ACK, "check.io-before-driver-ok-ack", "driver.finalize.2", NOALSO, MUST, \
      "EVENT_AVAIL after DRIVER_OK was written but before the device reported it", "-") \
    X(DRIVER_OK_EARLY, "check.driver-ok-early", "driver.finalize.1", NOALSO, MUST, \
      "DRIVER_OK written while FEATURES_OK is not accepted", "DRIVER_OK written with FEATURES_OK in one step after acceptance") \
    X(SET_VQ_NO_MAX, "check.set-vqueue-unread", "driver.vq-setup.1", NOALSO, MUST, \
      "SET_VQUEUE on a queue never read with GET_VQUEUE", "one GET_VQUEUE per queue per trace") \
    X(SET_VQ_SIZE, "check.set-vqueue-size", "driver.set-vqueue.1", ALSO("driver.vq-setup.2"), MUST, \
      "SET_VQUEUE size above the max GET_VQUEUE reported, or 0", "any size 1..max") \
    X(SET_VQ_ADDR, "check.set-vqueue-addr", "driver.vq-setup.2", ALSO("driver.set-vqueue.1"), MUST, \
      "SET_VQUEUE with a zero descriptor, driver or device area address", "-") \
    X(RESET_VQ_NO_RING_RESET, "check.reset-vqueue-unnegotiated", "driver.reset-vqueue.1", NOALSO, SHOULD, \
      "RESET_VQUEUE without VIRTIO_F_RING_RESET negotiated", "unknown negotiation not judged") \
    X(EVENT_AVAIL_NEXT, "check.event-avail-next", "driver.event-avail.1", ALSO("driver.notify.3"), MUST, \
      "EVENT_AVAIL next offset/wrap non-zero without NOTIFICATION_DATA", "any value with NOTIFICATION_DATA") \
    X(EVENT_AVAIL_INDEX, "check.event-avail-index", "driver.notify.2", ALSO("driver.finalize.3"), MUST, \
      "EVENT_AVAIL names a queue index at or above max_virtqueues", "admin queues (admin_vq_start, admin_vq_count)") \
    X(SET_CONFIG_GEN, "check.set-config-gen", "driver.config-gen.1", ALSO("driver.set-config.1", "driver.config.2"), MUST, \
      "SET_CONFIG carries a generation other than the latest the driver saw", \
      "the previous generation when the request crossed the EVENT_CONFIG announcing the new one") \
    X(SET_CONFIG_RANGE, "check.set-config-range", "driver.set-config.1", ALSO("driver.config.1", "driver.device-info.2"), MUST, \
      "SET_CONFIG offset+length beyond config_size", "-") \
    X(GET_CONFIG_RANGE, "check.get-config-range", "driver.get-config.1", ALSO("driver.config.1", "driver.device-info.2"), MUST, \
      "GET_CONFIG offset+length beyond config_size", "-") \
    X(AFTER_REMOVED, "check.after-removed", "driver.device-removed.1", NOALSO, MUST, \
      "driver starts new work on a device after EVENT_DEVICE REMOVED", \
      "answers to requests already in flight; a status write of 0 (release)") \
    X(SET_CONFIG_STALE, "check.set-config-stale", "device.set-config.1", ALSO("device.config-gen.3", "device.config.1"), MUST, \
      "SET_CONFIG with a stale generation answered with length != 0", "echoed data or not; generation bump or not") \
    X(GET_CONFIG_GEN, "check.get-config-gen", "device.get-config.1", ALSO("device.config.2"), MUST, \
      "GET_CONFIG response generation older than one already reported", "a newer generation (a change not yet announced)") \
    X(EVENT_CONFIG_GEN, "check.event-config-gen", "device.event-config.1", ALSO("device.notify.1"), MUST, \
      "EVENT_CONFIG generation older than one already reported", "same or newer generation; data or not") \
    X(EVENT_CONFIG_UNIQUE, "check.event-config-unique", "device.config-gen.1", NOALSO, MUST, \
      "two EVENT_CONFIG carrying data share a generation", "zero-length EVENT_CONFIG repeating a generation") \
    X(FEATURE_BLOCKS_ZERO, "check.feature-blocks-zero", "device.feature-blocks.1", ALSO("device.get-features.1", "device.features.1"), MUST, \
      "GET_DEVICE_FEATURES returns non-zero blocks beyond num_feature_bits", "-") \
    X(RESP_ECHO, "check.resp-echo", "device.mandatory.1", NOALSO, MUST, \
      "response does not echo the request (index, offset, block_index) or returns more than asked", \
      "fewer feature blocks or config bytes than asked; SET_CONFIG length 0 (rejected)") \
    X(INFO_CHANGED, "check.info-changed", "device.get-device-info.1", NOALSO, MUST, \
      "two GET_DEVICE_INFO responses disagree", "-") \
    X(RESET_STATUS, "check.reset-status", "device.status.1", ALSO("device.reset.1"), MUST, \
      "status write of 0 answered with a non-zero status", "-") \
    X(STATUS_EXTRA, "check.status-extra-bits", "device.set-status.1", ALSO("device.features.2"), MUST, \
      "SET_DEVICE_STATUS response sets bits the driver did not write", \
      "FEATURES_OK cleared (rejection), DEVICE_NEEDS_RESET set") \
    X(STATUS_INCONSISTENT, "check.status-inconsistent", "device.get-status.1", ALSO("device.status.2"), MUST, \
      "GET_DEVICE_STATUS differs from the status last reported, or lost DEVICE_NEEDS_RESET without a reset", \
      "DEVICE_NEEDS_RESET appearing") \
    X(EVENT_STATUS_INCONSISTENT, "check.event-status-inconsistent", "device.event-config.1", \
      ALSO("device.notify.1", "device.status.2"), MUST, \
      "EVENT_CONFIG status differs from the status last reported", "DEVICE_NEEDS_RESET; a status write in flight") \
    X(VQ_SIZE_UNCONFIGURED, "check.get-vqueue-unconfigured", "device.get-vqueue.1", NOALSO, MUST, \
      "GET_VQUEUE reports a non-zero size for a queue never configured", "any size after RESET_VQUEUE") \
    X(VQ_SIZE_AFTER_RESET, "check.get-vqueue-after-reset", "device.status.1", ALSO("device.reset.1"), MUST, \
      "GET_VQUEUE reports the old size after a device reset", "-") \
    X(VQ_PARAMS, "check.get-vqueue-params", "device.vq-setup.1", ALSO("device.set-vqueue.1"), MUST, \
      "GET_VQUEUE size, addresses or max differ from what was configured / reported", \
      "a SET_VQUEUE breaking a driver clause (see check.get-vqueue-late) not judged") \
    X(SHM_CHANGED, "check.get-shm-changed", "device.get-shm.1", NOALSO, MUST, \
      "two GET_SHM answers for one region disagree", "-") \
    X(USED_BEFORE_DRIVER_OK, "check.used-before-driver-ok", "device.finalize.1", NOALSO, MUST, \
      "EVENT_USED before the device reported DRIVER_OK", "-") \
    X(USED_UNCONFIGURED, "check.used-unconfigured", "device.finalize.2", NOALSO, MUST, \
      "EVENT_USED on a queue that is not configured", "-") \
    X(PING_ECHO, "check.ping-echo", "bus.ping.1", NOALSO, MUST, "PING response data differs from the request", "-") \
    X(RESP_DEV_NUM, "check.resp-dev-num", "device.header.3", ALSO("bus.header.1"), MUST, \
      "response carries another dev_num than its request (the only request it can answer)", "-") \
    X(VQ_REPROGRAM, "check.vq-reprogram", "driver.vq-setup.3", ALSO("driver.vq-change.2"), SHOULD, \
      "SET_VQUEUE on a configured queue without RESET_VQUEUE first, RING_RESET negotiated", \
      "reprogramming after a device reset or RESET_VQUEUE; RING_RESET not negotiated not judged") \
    X(CONFIG_UNANNOUNCED, "check.config-change-unannounced", "device.config-change.1", \
      ALSO("device.event-config.1", "device.notify.1"), MUST, \
      "after DRIVER_OK a GET_CONFIG shows a new generation no EVENT_CONFIG announces (FAIL only when the trace is complete)", \
      "the event arriving after the response; changes made by the driver's SET_CONFIG") \
    X(GET_DEVICES_WINDOW, "check.get-devices-window", "bus.get-devices.3", ALSO("bus.get-devices.1"), MUST, \
      "GET_DEVICES response offset not echoed or count above the request", "a smaller count (constrained window)") \
    X(VQ_INDEX, "check.vqueue-index", "driver.get-device-info.1", NOALSO, SHOULD, \
      "GET_VQUEUE, SET_VQUEUE or RESET_VQUEUE names a queue at or above max_virtqueues", \
      "admin queues (admin_vq_start, admin_vq_count); anything before GET_DEVICE_INFO is answered") \
    X(STATUS_BYTE_ORDER, "check.status-byte-order", "driver.endian.1", ALSO("driver.status.2"), MUST, \
      "status write with undefined bits whose byte-swapped value has only defined ones (written big-endian)", "-") \
    X(STATUS_UNDEFINED, "check.status-undefined", "driver.status.2", NOALSO, MUST, \
      "status write with bits virtio does not define (0x10, 0x20, above 0xff)", "DEVICE_NEEDS_RESET written back") \
    X(REINIT_NO_RESET, "check.reinit-without-reset", "driver.status.2", NOALSO, MUST, \
      "non-zero status write clearing a bit the driver set and the device kept (ACKNOWLEDGE, DRIVER, FEATURES_OK, " \
      "DRIVER_OK, FAILED): re-initialization without a status 0 write", \
      "bits the device cleared or refused; DEVICE_NEEDS_RESET not written back; writes pipelined after a 0 write") \
    X(FOK_REFUSAL_IGNORED, "check.features-ok-refused", "driver.features.2", ALSO("driver.init-order.2", "driver.finalize.1"), \
      MUST, "SET_VQUEUE or DRIVER_OK written after the device cleared FEATURES_OK in its answer, without a reset", \
      "reading the status back; writing FAILED; a reset and a new negotiation") \
    X(IO_BEFORE_REFRESH, "check.io-before-refresh", "driver.dev-notify.1", ALSO("driver.event-config.1"), SHOULD, \
      "EVENT_AVAIL after a data-less EVENT_CONFIG announcing a new generation, before any GET_CONFIG", \
      "events with data, repeating a generation already seen, or setting DEVICE_NEEDS_RESET; a reset instead of the re-read") \
    X(IO_AFTER_NEEDS_RESET, "check.io-after-needs-reset", "driver.reset.2", NOALSO, SHOULD, \
      "EVENT_AVAIL after the device reported DEVICE_NEEDS_RESET, before a status 0 write", \
      "other requests (reading the status to diagnose) before the reset") \
    X(CONFIG_RETRY_UNREAD, "check.set-config-retry-unread", "driver.config-gen.2", NOALSO, SHOULD, \
      "SET_CONFIG after a stale-generation rejection without a GET_CONFIG in between", \
      "a reset in between; rejections of a write whose generation matched the latest seen (cause unknown)") \
    X(RESP_EVENT_DEV, "check.resp-to-event-device", "device.errors.1", NOALSO, MUST, \
      "the device answers a transport event the driver sent (response bit on an event id)", "-") \
    X(INFO_UNANSWERED, "check.info-unanswered", "device.get-device-info.1", ALSO("bus.ordering.2"), MUST, \
      "GET_DEVICE_INFO sent while the device is inactive never answered (FAIL only when the trace is complete)", \
      "requests still in flight at a cut; a number nothing ever answered for (maybe no device: check.unanswered)") \
    X(SET_CONFIG_SILENT, "check.set-config-stale-unanswered", "device.set-config.1", \
      ALSO("device.config.1", "bus.ordering.2"), MUST, \
      "SET_CONFIG with a stale generation never answered: the rejection belongs in the response (FAIL only when complete)", \
      "requests still in flight at a cut; a range past config_size (the device may discard it)") \
    X(VQ_LATE, "check.get-vqueue-late", "device.vq-change.1", ALSO("device.set-vqueue.1"), MUST, \
      "GET_VQUEUE size or addresses differ from a SET_VQUEUE answered after DRIVER_OK", \
      "a SET_VQUEUE breaking a driver clause (size 0 or above the maximum, index past max_virtqueues, before " \
      "FEATURES_OK, zero ring, reserved field set, reprogramming an active queue) not judged") \
    X(VQ_RECONFIG, "check.get-vqueue-reconfig", "device.vq-setup.2", ALSO("device.vq-change.2", "device.reset-vqueue.1"), \
      MUST, "GET_VQUEUE size or addresses differ from a SET_VQUEUE that reprogrammed the queue after RESET_VQUEUE", \
      "a SET_VQUEUE breaking a driver clause not judged") \
    X(RESET_VQ_KEPT, "check.reset-vqueue-kept", "device.reset-vqueue.1", ALSO("device.vq-setup.2"), MUST, \
      "GET_VQUEUE after an answered RESET_VQUEUE still shows the queue's size and all three addresses", \
      "any other answer (size 0, a default size with cleared addresses, stale addresses with size 0); RING_RESET " \
      "not negotiated (the device may ignore the request)") \
    X(NR_UNANNOUNCED, "check.needs-reset-unannounced", "device.notify.1", ALSO("device.event-config.1"), MUST, \
      "DEVICE_NEEDS_RESET shown in a status answer, no EVENT_CONFIG carrying it before the reset is answered or " \
      "the trace ends (end of trace: FAIL only when complete)", \
      "the event arriving after the status answer; a driver that wrote DEVICE_NEEDS_RESET itself") \
    X(NOTIFY_DATA_ZERO, "check.notification-data-zero", "driver.notify.3", ALSO("driver.event-avail.1"), MUST, \
      "first EVENT_AVAIL on a split-ring queue since its SET_VQUEUE carries next offset/wrap 0 with " \
      "NOTIFICATION_DATA negotiated (new buffers put the avail index past 0)", \
      "later notifications; packed rings (a full lap comes back to 0); negotiation unknown") \
    X(CONFIG_SAME_GEN, "check.config-changed-same-generation", "device.config-gen.1", NOALSO, MUST, \
      "configuration bytes differ between two device messages (GET_CONFIG answers, EVENT_CONFIG data) of one " \
      "generation", \
      "bytes the driver wrote (forgotten from its SET_CONFIG on); anything across a reset or a new generation")

enum vmsg__rule_id {
#define X(e, id, cl, al, lv, su, ac) R_##e,
    VMSG__CHECK_RULES(X)
#undef X
    R__COUNT
};

#define VMSG__MAXQ 64     /* queues tracked per device */
#define VMSG__MAXSHM 8    /* shm regions tracked per device */
#define VMSG__MAXBLK 8    /* feature blocks tracked (256 bits) */
#define VMSG__GENRING 8   /* data-carrying EVENT_CONFIG generations remembered */
#define VMSG__CFGSHADOW 256 /* configuration bytes remembered per device (one generation) */

/* One request in flight: what its response is checked against. */
struct vmsg__req {
    uint64_t frame;
    uint8_t msg_id;
    uint8_t mname;        /* enum vmsg_mname, 0xff when no layout */
    uint32_t a, b, c;     /* echo values: index/offset/block_index, length/num_blocks, generation/status */
    bool stale;           /* SET_CONFIG: generation differed from the device's */
    bool inactive;        /* GET_DEVICE_INFO: sent while the device was inactive (status 0) */
    bool in_range;        /* SET_CONFIG: inside config_size (or config_size unknown) */
    uint32_t cur_gen;
};

struct vmsg__fifo {
    uint16_t head, n;
    struct vmsg__req *r;  /* capacity opts.max_outstanding */
};

enum { VQ_UNSEEN = 0, VQ_PENDING, VQ_CONFIGURED, VQ_RING_RESET };

struct vmsg__vq {
    uint8_t state;        /* VQ_* since the last reset */
    bool read;            /* GET_VQUEUE answered once in the trace */
    bool max_known;
    bool was_configured;  /* configured before the last device reset (or the one before, if never since) */
    bool invalid;         /* the last SET_VQUEUE had size 0 or above the maximum: what the device kept is open */
    bool late;            /* configured by a SET_VQUEUE sent after the device reported DRIVER_OK */
    bool after_rr;        /* configured by a SET_VQUEUE that followed a RESET_VQUEUE of the queue */
    bool p_late, p_rr, p_invalid; /* the same for the SET_VQUEUE in flight */
    bool notified;        /* an EVENT_AVAIL since it was configured */
    uint32_t max, size;
    uint64_t addr[3], p_addr[3]; /* configured ring addresses; those in flight */
    uint64_t max_frame, set_frame;
};

struct vmsg__dev {
    uint16_t bus, dev_num;
    bool used;
    bool judged;          /* since-reset history rules apply (see opts.mid_session) */
    bool from_start;      /* whole-trace history rules apply (the trace starts the session) */
    bool info_first_noted, config_info_noted;
    bool info_req;
    bool info_known;
    uint64_t info_frame;
    uint32_t device_id, vendor_id, nfb, config_size, max_vq, admin_start, admin_count;
    /* status */
    bool status_known;
    uint32_t status;      /* last reported by the device */
    uint32_t status_pending; /* status writes in flight */
    bool fok_accepted, driver_ok_written, driver_ok;
    bool fok_written_ever;
    bool fok_refused;       /* the device cleared FEATURES_OK in an answer since the last reset */
    uint32_t st_set;        /* bits the driver wrote and the device kept (re-initialization rule) */
    uint16_t zero_pending;  /* status 0 writes in flight */
    bool drv_wrote_nr;      /* the driver wrote DEVICE_NEEDS_RESET itself since the last reset */
    bool dev_seen;          /* the device side sent a transport message for this number */
    bool nr_seen;           /* DEVICE_NEEDS_RESET reported since the last reset */
    bool nr_io_noted;
    uint64_t nr_frame;
    bool nr_announced;      /* an EVENT_CONFIG carried DEVICE_NEEDS_RESET since the last reset */
    bool nr_unannounced;    /* a status answer showed it first; the event is owed */
    uint64_t nr_unannounced_frame;
    /* features */
    uint32_t offered[VMSG__MAXBLK];
    uint8_t offered_known;  /* bit per block */
    uint64_t offered_frame[VMSG__MAXBLK];
    uint32_t written[VMSG__MAXBLK];
    uint8_t written_known;  /* since the last reset */
    bool features_written;  /* any SET_DRIVER_FEATURES since the last reset */
    bool features_read;     /* any GET_DEVICE_FEATURES answered */
    /* configuration generation */
    bool gen_known;
    uint32_t gen, gen_prev;
    uint32_t drv_gen;       /* latest generation from GET_CONFIG or EVENT_CONFIG (what the clause names) */
    bool drv_gen_known;
    bool gen_event_fresh;   /* last gen change came by EVENT_CONFIG, no driver message since */
    uint32_t gen_ring[VMSG__GENRING];
    uint64_t gen_ring_frame[VMSG__GENRING];
    uint8_t gen_ring_n, gen_ring_at;
    bool refresh_due;       /* a data-less EVENT_CONFIG announced a new generation; no GET_CONFIG since */
    bool refresh_noted;
    uint64_t refresh_frame;
    bool reread_due;        /* a stale SET_CONFIG was rejected; no GET_CONFIG since */
    uint64_t reread_frame;
    bool cfg_valid;         /* cfg holds bytes the device reported in generation cfg_gen */
    uint32_t cfg_gen;
    uint64_t cfg_frame;
    uint8_t cfg[VMSG__CFGSHADOW], cfg_known[VMSG__CFGSHADOW / 8];
    bool unannounced;       /* a generation seen by GET_CONFIG after DRIVER_OK awaits its EVENT_CONFIG */
    uint32_t unannounced_gen;
    uint64_t unannounced_frame;
    /* queues, shm */
    struct vmsg__vq vq[VMSG__MAXQ];
    bool shm_known[VMSG__MAXSHM];
    uint64_t shm_len[VMSG__MAXSHM], shm_addr[VMSG__MAXSHM];
    uint64_t shm_frame[VMSG__MAXSHM];
    /* removal */
    bool removed;
    uint64_t removed_frame;
    /* the last malformed request, for the discard rules */
    uint64_t bad_frame;
    uint8_t bad_id, bad_cls;
    bool bad_valid;
    /* pairing: [class][requester side] */
    struct vmsg__fifo q[2][2];
};

struct vmsg_check {
    struct vmsg_check_opts o;
    struct vmsg_check_counts counts;
    struct vmsg__dev *devs;     /* open-addressed table, 2 * max_devices slots */
    unsigned nslots, ndevs;     /* nslots: a power of two */
    struct vmsg__dev *last;     /* the device of the previous frame (traces come in bursts) */
    struct vmsg__req *pool;     /* every fifo's storage, allocated once */
    bool event_bit;             /* the profile's: ids with 0x40 set are events */
    bool noted_unknown_dir;
    bool noted_dev_overflow;
    bool finished;
};

/* Frame context handed to the rule files. */
struct vmsg__ctx {
    struct vmsg_check *c;
    uint64_t frame;
    unsigned dir;         /* as fed */
    unsigned side;        /* sending side inferred or given: 0 driver side, 1 device side */
    uint16_t bus, dev_num;
    struct vmsg__dev *d;  /* the device the frame belongs to (may be NULL) */
    const struct vmsg_msg *m;
};

void vmsg__emit(struct vmsg__ctx *x, enum vmsg__rule_id r, uint64_t ref, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void vmsg__emit_raw(struct vmsg_check *c, uint64_t frame, const char *rule, const char *clause, unsigned level,
                    unsigned verdict, uint16_t bus, uint16_t dev, uint64_t ref, const char *msg);
/* A finding of rule R for device D outside a frame context (end of trace, or
 * a verdict other than the rule's level gives, e.g. INFO for a cut trace). */
void vmsg__emit_dev(struct vmsg_check *c, uint64_t frame, const struct vmsg__dev *d, enum vmsg__rule_id r,
                    unsigned verdict, uint64_t ref, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void vmsg__note(struct vmsg_check *c, uint64_t frame, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct vmsg__dev *vmsg__dev_get(struct vmsg_check *c, uint16_t bus, uint16_t dev_num, uint64_t frame);

/* Pairing (pairing.c). A fifo's entries are r[(head + k) % cap] for k < n,
 * the oldest first; the usual steps (a push with room, the oldest answered)
 * are inline here: they run for every request and response. */
void vmsg__fifo_overflow(struct vmsg__ctx *x, struct vmsg__fifo *q);
bool vmsg__fifo_match_younger(struct vmsg__ctx *x, struct vmsg__fifo *q, uint8_t msg_id, struct vmsg__req *out);
void vmsg__fifo_drain(struct vmsg_check *c, struct vmsg__dev *d);

static inline void vmsg__fifo_push(struct vmsg__ctx *x, struct vmsg__fifo *q, const struct vmsg__req *r)
{
    unsigned cap = x->c->o.max_outstanding;
    if (q->n == cap)
        vmsg__fifo_overflow(x, q); /* the oldest is dropped, with a finding */
    unsigned i = (unsigned)q->head + q->n; /* below 2 * cap */
    q->r[i < cap ? i : i - cap] = *r;
    q->n++;
}

/* The request a response answers (false: none outstanding, nothing reported). */
static inline bool vmsg__fifo_match(struct vmsg__ctx *x, struct vmsg__fifo *q, uint8_t msg_id, struct vmsg__req *out)
{
    if (q->n && q->r[q->head].msg_id == msg_id) {
        unsigned next = (unsigned)q->head + 1;
        *out = q->r[q->head];
        q->head = (uint16_t)(next == x->c->o.max_outstanding ? 0 : next);
        q->n--;
        return true;
    }
    return vmsg__fifo_match_younger(x, q, msg_id, out);
}

/* Rules per message (rules_transport.c, rules_bus.c). */
void vmsg__fill_req(const struct vmsg_msg *m, struct vmsg__dev *d, struct vmsg__req *r);
void vmsg__transport_request(struct vmsg__ctx *x);
void vmsg__transport_response(struct vmsg__ctx *x, const struct vmsg__req *req);
void vmsg__transport_event(struct vmsg__ctx *x);
void vmsg__bus_response(struct vmsg__ctx *x, const struct vmsg__req *req);
void vmsg__bus_event(struct vmsg__ctx *x);
void vmsg__dev_reset(struct vmsg__dev *d);
void vmsg__dev_forget(struct vmsg__dev *d);

static inline bool vmsg__feature(const struct vmsg__dev *d, unsigned bit, bool *known)
{
    unsigned b = bit / 32;
    *known = b < VMSG__MAXBLK && (d->written_known >> b) & 1;
    return *known && (d->written[b] >> (bit % 32)) & 1;
}

#endif
