/* Types of the message schema tables. The tables themselves are generated
 * from spec/messages.yaml into <vmsg/schema_gen.h>; this header only says
 * what an entry looks like. */
#ifndef VMSG_SCHEMA_H
#define VMSG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmsg_class { VMSG_CLASS_TRANSPORT = 0, VMSG_CLASS_BUS = 1 };
enum vmsg_kind { VMSG_KIND_REQUEST = 0, VMSG_KIND_RESPONSE = 1, VMSG_KIND_EVENT = 2 };
enum vmsg_sender { VMSG_SENDER_DRIVER = 0, VMSG_SENDER_DEVICE = 1, VMSG_SENDER_ANY = 2, VMSG_SENDER_BUS = 3 };

enum vmsg_ftype {
    VMSG_FT_U8, VMSG_FT_LE16, VMSG_FT_LE24, VMSG_FT_LE32, VMSG_FT_LE64,
    VMSG_FT_UUID,       /* 16 bytes */
    VMSG_FT_BYTES,      /* fixed (size) or variable (len field / rest) byte array */
    VMSG_FT_LE32_ARRAY  /* len field counts 32-bit words */
};

enum vmsg_fflag {
    VMSG_FF_MBZ = 1u << 0,      /* must be zero on the wire */
    VMSG_FF_OPTIONAL = 1u << 1, /* variable part may be absent entirely */
    VMSG_FF_HEX = 1u << 2,      /* print in hex */
    VMSG_FF_BITS = 1u << 3,     /* enum_id names bits, not values */
    VMSG_FF_REST = 1u << 4,     /* variable part runs to the end of the payload */
    VMSG_FF_VAR = 1u << 5       /* variable length (always the last field) */
};

struct vmsg_fielddef {
    const char *name;
    uint16_t fld;          /* enum vmsg_fld: profile-neutral field identity */
    uint8_t type;          /* enum vmsg_ftype */
    uint8_t flags;         /* enum vmsg_fflag */
    uint16_t offset;       /* from the start of the payload */
    uint16_t size;         /* bytes; 0 for variable-length fields */
    int8_t len_field;      /* index of the field that sizes this one, -1 if none */
    uint8_t len_div;       /* element count divisor (bitmap bits -> bytes), 1 otherwise */
    uint32_t multiple_of;  /* value rule, 0 if none */
    const char *clause;    /* clause broken when the value rule fails */
    uint8_t enum_id;       /* enum vmsg_enum_id, 0 if none */
};

struct vmsg_msgdef {
    const char *name;      /* e.g. "GET_CONFIG" */
    uint16_t mname;        /* enum vmsg_mname */
    uint8_t cls;           /* enum vmsg_class */
    uint8_t id;            /* msg_id on the wire */
    uint8_t kind;          /* enum vmsg_kind */
    uint8_t sender;        /* who sends the request or event (enum vmsg_sender) */
    uint8_t binding;       /* enum vmsg_binding, 0 for the profile's own messages */
    uint8_t nfields;
    uint32_t profiles;     /* bit per enum vmsg_profile */
    uint16_t fixed_len;    /* payload bytes before the variable field */
    bool value_rules;      /* some field has a value rule (mbz, multiple_of): worked out by vmsg-gen */
    const struct vmsg_fielddef *fields;
};

struct vmsg_profile_def {
    const char *name;
    uint8_t code;          /* capture-header profile code */
    uint8_t header;        /* header bytes */
    bool token;
    bool size_field;
    bool event_bit;        /* msg_id bit 6 marks events */
    uint16_t fixed_size;   /* every message this size (v0), 0 otherwise */
    uint32_t max_size;     /* largest msg_size the field can hold */
    uint16_t min_bus_max;  /* smallest maximum a bus may advertise */
    uint16_t rec_bus_max;  /* recommended largest advertised maximum */
    bool normative;
    const char *summary;
};

struct vmsg_binding_def {
    const char *name;
    uint8_t code;
    const char *summary;
};

struct vmsg_enum_val {
    uint32_t value;
    const char *name;
};

struct vmsg_enum_def {
    const char *name;
    uint8_t nvals;
    const struct vmsg_enum_val *vals;
};

#define VMSG_MAX_FIELDS 12

#endif
