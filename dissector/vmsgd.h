/* Internal interface of the virtio-msg Wireshark plugin (dissector/).
 * Names are vmsgd_ (plugin-internal; the library's vmsg_ API is linked in).
 *
 * Wireshark hands out field, subtree and expert ids once per process at
 * registration time, so those ids live in file-level variables of the file
 * that registers them; everything per capture lives in wmem file scope. */
#ifndef VMSGD_H
#define VMSGD_H

#include <epan/packet.h>
#include <vmsg/wire.h>

/* What the capture header (or the carrying transport) tells the message
 * dissector about one message. */
struct vmsgd_ctx {
    int profile;           /* enum vmsg_profile, or -1: use the preference */
    unsigned direction;    /* 0 driver->device, 1 device->driver, 2 unknown */
    guint32 bus_instance;  /* capture header bus instance, or conversation */
    guint16 cap_flags;     /* capture header flags (bit 1: truncated by the writer) */
};

#define VMSGD_CAPF_INJECTED 0x1
#define VMSGD_CAPF_TRUNCATED 0x2

/* --- vmsgd_proto.c: protocol, preferences, handoff ---------------------- */
extern int vmsgd_proto;
int vmsgd_pref_profile(void);      /* -1 = auto */
unsigned vmsgd_pref_binding(void);
/* Profile to use for BUF when no capture header says it. */
unsigned vmsgd_pick_profile(const guint8 *buf, size_t len, unsigned binding);
void vmsgd_register(void);
void vmsgd_handoff(void);

/* --- vmsgd_fields.c: filterable fields built from the schema tables ------ */
void vmsgd_fields_register(int proto);
int vmsgd_hf_scalar(unsigned fld);   /* -1 when the name is never a scalar */
int vmsgd_hf_bytes(unsigned fld);    /* -1 when the name is never a byte array */
int vmsgd_hf_bit(unsigned enum_id, unsigned k); /* FT_BOOLEAN for value k of a bit enum */
int vmsgd_hf_bitnum(unsigned enum_id);          /* named bit number (feature) */
int vmsgd_ett_fld(unsigned fld);

/* --- vmsgd_dissect.c: one message ---------------------------------------- */
/* Dissects the message at the start of tvb; returns the bytes it consumed. */
int vmsgd_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                          const struct vmsgd_ctx *ctx);
void vmsgd_dissect_register(int proto);

/* --- vmsgd_conv.c: request/response matching ----------------------------- */
enum {
    VMSGD_M_UNMATCHED = 1u << 0,    /* response without request */
    VMSGD_M_OUT_OF_ORDER = 1u << 1, /* answered an older request out of turn */
    VMSGD_M_EVICTED = 1u << 2       /* request dropped from a full queue */
};
struct vmsgd_match {
    guint32 req_frame;     /* for responses: the request's frame, 0 if none */
    guint32 resp_frame;    /* for requests: the response's frame, 0 if none yet */
    nstime_t rt;           /* response time (both sides once matched) */
    guint8 flags;
};
struct vmsgd_conv_key {
    guint32 conv;          /* conversation index (TCP/UDP), 0 otherwise */
    guint32 bus_instance;
    guint16 dev_num;
    guint8 cls;
};
/* Record of message number IDX of this frame, computed on the first pass. */
const struct vmsgd_match *vmsgd_conv_match(packet_info *pinfo, const struct vmsgd_conv_key *key,
                                           unsigned idx, const struct vmsg_msg *m, gboolean use_token);
void vmsgd_conv_register(void);

/* --- vmsgd_stats.c: tap and stats tree ----------------------------------- */
struct vmsgd_tap {
    const char *name;      /* message name or "UNKNOWN" */
    guint8 kind, cls, direction;
    guint16 dev_num;
    gboolean has_rt;
    double rt_ms;
};
void vmsgd_stats_register(void);
void vmsgd_stats_queue(packet_info *pinfo, const struct vmsgd_tap *t);

/* --- vmsgd_cap.c: the 8-byte capture header (vmsgcap) -------------------- */
void vmsgd_cap_register(void);
int vmsgd_dissect_cap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);

#endif
