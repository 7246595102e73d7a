/* Internal helpers shared by the codec's files (and the checker's hot path). */
#ifndef VMSG_WIRE_INTERNAL_H
#define VMSG_WIRE_INTERNAL_H
#include <vmsg/cursor.h>
#include <vmsg/wire.h>
/* Bytes taken by variable field f when its sizing field holds count. */
uint64_t vmsg__var_bytes(const struct vmsg_fielddef *f, uint64_t count);

/* vmsg_profile and vmsg_msgdef_lookup (lookup.c) as inline functions over
 * the generated tables, for the per-frame paths: without LTO the calls
 * across files cost more than the lookups. Same results as the public ones. */
static inline const struct vmsg_profile_def *vmsg__profile(unsigned profile)
{
    return profile < VMSG_PROFILE_COUNT ? &vmsg_profile_defs[profile] : NULL;
}

/* The layout of a message, for a profile, binding and class known to be in
 * range (header() in decode.c checked them): a bus binding's own message
 * (class bus, ids from 0x80) first, else the profile's. */
static inline const struct vmsg_msgdef *vmsg__msgdef_in(unsigned profile, unsigned binding, unsigned cls,
                                                       bool response, uint8_t id)
{
    unsigned ix = 0;
    if (binding && cls == VMSG_CLASS_BUS && id >= 0x80)
        ix = vmsg__schema_blut[binding][response][id - 0x80];
    if (!ix)
        ix = vmsg__schema_lut[profile][cls][response][id];
    return ix ? &vmsg_msgdefs[ix - 1] : NULL;
}

static inline const struct vmsg_msgdef *vmsg__msgdef_lookup(unsigned profile, unsigned binding, unsigned cls,
                                                           bool response, uint8_t id)
{
    if (profile >= VMSG_PROFILE_COUNT || cls > 1)
        return NULL;
    return vmsg__msgdef_in(profile, binding < VMSG_BINDING_COUNT ? binding : 0, cls, response, id);
}

/* The header rules on a message id, shared by header() in decode.c and the
 * replay's peek (peek.c). An id without a layout is malformed unless the
 * profile has an event bit and the id is in the implementation-defined
 * range (0x80 and up). */
static inline bool vmsg__header_id_ok(const struct vmsg_profile_def *p, const struct vmsg_msgdef *def, uint8_t id)
{
    return def || (p->event_bit && id >= 0x80);
}
/* Its kind: a response by the type's bit, else the layout's kind, else
 * (no layout) an event when the profile's event bit is set in the id. */
static inline uint8_t vmsg__header_kind(const struct vmsg_profile_def *p, const struct vmsg_msgdef *def, bool resp,
                                        uint8_t id)
{
    if (resp)
        return VMSG_KIND_RESPONSE;
    if (def)
        return (uint8_t)def->kind;
    return (p->event_bit && (id & 0x40)) ? VMSG_KIND_EVENT : VMSG_KIND_REQUEST;
}

/* Which message a frame is, for the replay's window (harness/replay): the
 * members vmsg_decode_header would give, without filling a struct vmsg_msg
 * (its stores cost the replay more than the reads). */
struct vmsg__peek {
    uint16_t dev_num;
    uint8_t cls, msg_id, kind;
};

/* What does not change from frame to frame: the profile's header and, for
 * every type (class and response bit) and msg_id, the kind the header
 * decodes to, or VMSG__PEEK_BAD (no layout in a standard range: malformed).
 * Made once per profile and binding by vmsg__peek_init (peek.c) with
 * vmsg__msgdef_lookup, as header() in decode.c looks layouts up. */
#define VMSG__PEEK_BAD 0xff
struct vmsg__peek_ctx {
    uint8_t kind[4][256];          /* [type & 3][msg_id] */
    size_t min_len;                /* the header's bytes; SIZE_MAX: unknown profile or binding */
    uint16_t fixed_size;
    uint8_t header;
    bool size_field;
};
void vmsg__peek_init(struct vmsg__peek_ctx *k, unsigned profile, unsigned binding);

/* True exactly when vmsg_decode_header(profile, binding, buf, len) is
 * VMSG_OK (k from vmsg__peek_init of the same profile and binding), with
 * its dev_num, cls, msg_id and kind in *h; *h is not touched otherwise
 * (tests/wire/test_peek.c holds the two to the same answers). The checks
 * of header() in decode.c, with msg_size read at its place (the last header
 * member, as vmsg_frame_len reads it) and the layout's verdict from k. */
static inline bool vmsg__peek_header(const struct vmsg__peek_ctx *k, const uint8_t *buf, size_t len,
                                     struct vmsg__peek *h)
{
    if (len < k->min_len)
        return false;
    /* min_len is the header's length, 4 bytes or more: they are there */
    struct vmsg_cur c = vmsg_cur_make(buf, k->header);
    struct vmsg_cur b = vmsg_cur_sub(&c, 4); /* type, msg_id, dev_num open every header */
    uint8_t type = vmsg_cur_u8(&b);
    uint8_t id = vmsg_cur_u8(&b);
    uint16_t dev = vmsg_cur_le16(&b);
    uint16_t size = k->fixed_size;
    if (k->size_field) {
        vmsg_cur_seek(&c, (size_t)k->header - 2);
        size = vmsg_cur_le16(&c);
    }
    if (c.bad || size < k->header || size > len)
        return false;
    uint8_t kind = k->kind[type & 3][id];
    if (kind == VMSG__PEEK_BAD)
        return false;
    h->dev_num = dev;
    h->cls = (type >> 1) & 1;
    h->msg_id = id;
    h->kind = kind;
    return true;
}
#endif
