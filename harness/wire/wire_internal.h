/* Internal helpers shared by the codec's files (and the checker's hot path). */
#ifndef VMSG_WIRE_INTERNAL_H
#define VMSG_WIRE_INTERNAL_H
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
#endif
