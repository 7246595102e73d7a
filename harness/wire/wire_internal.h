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

static inline const struct vmsg_msgdef *vmsg__msgdef_lookup(unsigned profile, unsigned binding, unsigned cls,
                                                           bool response, uint8_t id)
{
    if (profile >= VMSG_PROFILE_COUNT || cls > 1)
        return NULL;
    unsigned ix = 0;
    if (binding && binding < VMSG_BINDING_COUNT && cls == VMSG_CLASS_BUS && id >= 0x80)
        ix = vmsg__schema_blut[binding][response][id - 0x80];
    if (!ix)
        ix = vmsg__schema_lut[profile][cls][response][id];
    return ix ? &vmsg_msgdefs[ix - 1] : NULL;
}

/* Which message a frame is, for the replay's window (harness/replay): the
 * members vmsg_decode_header would give, without filling a struct vmsg_msg
 * (its stores cost the replay more than the reads). */
struct vmsg__peek {
    uint16_t dev_num;
    uint8_t cls, msg_id, kind;
};

/* What does not change from frame to frame: the profile's header and the
 * layout tables of the profile and the binding (vmsg__peek_init). */
struct vmsg__peek_ctx {
    const uint16_t (*lut)[2][256]; /* vmsg__schema_lut[profile] */
    const uint16_t (*blut)[128];   /* vmsg__schema_blut[binding]; NULL for binding 0 */
    uint16_t fixed_size;
    uint8_t header;
    bool size_field, event_bit;
    bool known;                    /* profile and binding exist: else nothing decodes */
};

static inline void vmsg__peek_init(struct vmsg__peek_ctx *k, unsigned profile, unsigned binding)
{
    const struct vmsg_profile_def *p = vmsg__profile(profile);
    k->known = p && binding < VMSG_BINDING_COUNT;
    k->lut = k->known ? vmsg__schema_lut[profile] : NULL;
    k->blut = k->known && binding ? vmsg__schema_blut[binding] : NULL;
    k->header = p ? p->header : 0;
    k->size_field = p && p->size_field;
    k->event_bit = p && p->event_bit;
    k->fixed_size = p ? p->fixed_size : 0;
}

/* True exactly when vmsg_decode_header(profile, binding, buf, len) is
 * VMSG_OK, with its dev_num, cls, msg_id and kind in *h; *h is not touched
 * otherwise (tests/wire/test_peek.c holds the two to the same answers).
 * The checks of header() in decode.c, with msg_size read at its place (the
 * last header member, as vmsg_frame_len reads it) and the layout looked up
 * as vmsg__msgdef_lookup does. */
static inline bool vmsg__peek_header(const struct vmsg__peek_ctx *k, const uint8_t *buf, size_t len,
                                     struct vmsg__peek *h)
{
    if (!k->known || len < k->header)
        return false;
    struct vmsg_cur c = vmsg_cur_make(buf, len);
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
    unsigned cls = (type >> 1) & 1, resp = type & 1;
    unsigned ix = 0;
    if (k->blut && cls == VMSG_CLASS_BUS && id >= 0x80)
        ix = k->blut[resp][id - 0x80];
    if (!ix)
        ix = k->lut[cls][resp][id];
    if (!ix && (!k->event_bit || id < 0x80))
        return false; /* no layout in a standard range: malformed */
    h->dev_num = dev;
    h->cls = (uint8_t)cls;
    h->msg_id = id;
    if (resp)
        h->kind = VMSG_KIND_RESPONSE;
    else if (ix)
        h->kind = vmsg_msgdefs[ix - 1].kind;
    else
        h->kind = (id & 0x40) ? VMSG_KIND_EVENT : VMSG_KIND_REQUEST; /* event_bit is set here */
    return true;
}
#endif
