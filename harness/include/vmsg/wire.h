/* libvmsg wire codec: decode, validate and encode virtio-msg messages of
 * every profile, table-driven from spec/messages.yaml.
 *
 * Validation keeps three outcomes apart (STYLE.md 4):
 *   TRUNCATED      fewer bytes than the header or msg_size says;
 *   MALFORMED      cannot be parsed: msg_size below the header, an unknown id
 *                  in a standard range, a count that runs past the bytes;
 *   NONCONFORMANT  parsed, but breaks a rule: each issue names its clause. */
#ifndef VMSG_WIRE_H
#define VMSG_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmsg/schema_gen.h>

enum vmsg_outcome {
    VMSG_OK = 0,
    VMSG_NONCONFORMANT = 1,
    VMSG_TRUNCATED = 2,
    VMSG_MALFORMED = 3
};
const char *vmsg_outcome_name(enum vmsg_outcome o);

/* Stable ids of the codec's own checks, for traceability (vmsg clauses). */
struct vmsg_wire_rule {
    const char *id;       /* e.g. "wire.type-reserved" */
    const char *clause;   /* clause id in spec/clauses.yaml */
    const char *summary;
};
const struct vmsg_wire_rule *vmsg_wire_rules(size_t *n);

#define VMSG_MAX_ISSUES 8
struct vmsg_issue {
    const char *rule;     /* vmsg_wire_rule id */
    const char *clause;
    const char *field;    /* field or header member, or NULL */
    char text[120];       /* "expected X, got Y" */
};

struct vmsg_diag {
    enum vmsg_outcome outcome;
    uint8_t nissues;
    uint8_t dropped;      /* issues beyond VMSG_MAX_ISSUES */
    struct vmsg_issue issues[VMSG_MAX_ISSUES];
    char problem[120];    /* why truncated or malformed */
};

/* One field value. Scalars in u; byte arrays (and le32[] arrays) as a pointer
 * into the decoded buffer, or into caller memory when encoding. */
struct vmsg_val {
    uint64_t u;
    const uint8_t *p;
    uint32_t len;         /* bytes */
    bool present;
};

struct vmsg_msg {
    uint8_t profile;      /* enum vmsg_profile */
    uint8_t binding;      /* enum vmsg_binding */
    uint8_t type;         /* raw type byte (bits 2-7 reserved) */
    uint8_t msg_id;
    uint16_t dev_num;
    uint16_t token;
    uint16_t msg_size;    /* as on the wire (or as computed by vmsg_encode) */
    uint8_t cls;          /* enum vmsg_class, from type bit 1 */
    uint8_t kind;         /* enum vmsg_kind */
    bool impl_defined;    /* id in the implementation-defined range, no layout known */
    bool msg_size_override; /* encoder: write msg_size as given (fault injection) */
    bool token_override;  /* harness: send the token as given, even 0 (no auto-numbering) */
    const struct vmsg_msgdef *def;
    const uint8_t *payload;
    uint32_t payload_len; /* from msg_size (or the fixed size), header excluded */
    uint32_t frame_len;   /* bytes the message occupies: msg_size or fixed size */
    struct vmsg_val v[VMSG_MAX_FIELDS];
};

/* --- profiles, names --------------------------------------------------- */
const struct vmsg_profile_def *vmsg_profile(unsigned profile);
/* Profile by name ("v1", "rfc2", ...); -1 when unknown. */
int vmsg_profile_by_name(const char *name);
int vmsg_binding_by_name(const char *name);
const char *vmsg_kind_name(unsigned kind);        /* "req" "resp" "event" */
const char *vmsg_class_name(unsigned cls);        /* "transport" "bus" */
const char *vmsg_sender_name(unsigned sender);
/* Name of an enum value or NULL. */
const char *vmsg_enum_value_name(unsigned enum_id, uint32_t value);

/* --- schema lookups ---------------------------------------------------- */
const struct vmsg_msgdef *vmsg_msgdef_lookup(unsigned profile, unsigned binding, unsigned cls,
                                             bool response, uint8_t id);
/* Layout of message NAME (enum vmsg_mname) of CLS and KIND in PROFILE. */
const struct vmsg_msgdef *vmsg_msgdef_find(unsigned profile, unsigned binding, unsigned mname,
                                           unsigned cls, unsigned kind);
/* Index of field FLD in DEF, or -1. */
int vmsg_msgdef_field(const struct vmsg_msgdef *def, unsigned fld);
/* Smallest and largest payload the layout allows (largest capped at 65535). */
uint32_t vmsg_msgdef_min_payload(const struct vmsg_msgdef *def);

/* --- decoding ----------------------------------------------------------- */
/* Bytes of the next frame in a stream that starts at buf: 0 when more bytes
 * are needed to know (header incomplete), else msg_size (or the fixed size).
 * A msg_size below the header size is returned as is: the caller treats the
 * frame as malformed. */
size_t vmsg_frame_len(unsigned profile, const uint8_t *buf, size_t avail);

/* Decode one message from buf[0..len). len may exceed the frame (trailing
 * bytes are bus padding; non-zero padding is an issue). diag may be NULL
 * when only the outcome matters. */
enum vmsg_outcome vmsg_decode(unsigned profile, unsigned binding, const uint8_t *buf, size_t len,
                              struct vmsg_msg *m, struct vmsg_diag *diag);
/* The header only: members, cls, kind, def, payload and frame_len, as
 * vmsg_decode sets them; the payload is not walked (m->v is left as is) and
 * no rule is judged. VMSG_OK, or the TRUNCATED / MALFORMED outcome that
 * vmsg_decode gives for the same header. For hot paths that only need to
 * know which message a frame is (replay pairing). */
enum vmsg_outcome vmsg_decode_header(unsigned profile, unsigned binding, const uint8_t *buf, size_t len,
                                     struct vmsg_msg *m);

/* Field access by identity; 0 / NULL when the layout has no such field. */
bool vmsg_has(const struct vmsg_msg *m, unsigned fld);
uint64_t vmsg_get(const struct vmsg_msg *m, unsigned fld);
const uint8_t *vmsg_get_bytes(const struct vmsg_msg *m, unsigned fld, uint32_t *len);
/* Word k of a le32[] array field (feature blocks); 0 beyond the array. */
uint32_t vmsg_get_word(const struct vmsg_msg *m, unsigned fld, uint32_t k);

/* Role that sends this message: the request/event sender, the other side for
 * responses, the bus for bus-class messages it originates. */
unsigned vmsg_msg_sender(const struct vmsg_msg *m);

/* --- encoding ----------------------------------------------------------- */
/* Start a message: header defaults (type from class/kind, token 0), no
 * fields set. Returns false when the profile has no such layout. */
bool vmsg_msg_init(struct vmsg_msg *m, unsigned profile, unsigned binding, unsigned mname,
                   unsigned cls, unsigned kind, uint16_t dev_num);
bool vmsg_set(struct vmsg_msg *m, unsigned fld, uint64_t v);
/* Variable or fixed byte arrays (le32[] arrays take the raw little-endian bytes). */
bool vmsg_set_bytes(struct vmsg_msg *m, unsigned fld, const void *p, uint32_t len);
/* Encoded size of m (header + payload, or the fixed size). */
size_t vmsg_encoded_len(const struct vmsg_msg *m);
/* Write m into buf; returns the bytes written or 0 when cap is too small.
 * Fills msg_size unless msg_size_override. Does not enforce consistency
 * (count fields vs arrays): that is what the decoder checks. */
size_t vmsg_encode(struct vmsg_msg *m, uint8_t *buf, size_t cap);

/* --- text --------------------------------------------------------------- */
/* One-line summary: "SET_VQUEUE req dev=1 tok=7 index=0 size=256 ...". */
size_t vmsg_summary(const struct vmsg_msg *m, char *buf, size_t cap);
/* Every field, one per line ("  generation: 3"), indented by indent. */
void vmsg_print_fields(FILE *out, const struct vmsg_msg *m, int indent);
/* JSON object of header + fields (no trailing newline). */
void vmsg_print_json(FILE *out, const struct vmsg_msg *m, const struct vmsg_diag *d);
/* Diagnostics as "clause: field: text" lines, each prefixed by where. */
void vmsg_print_diag(FILE *out, const char *where, const struct vmsg_diag *d);

#endif
