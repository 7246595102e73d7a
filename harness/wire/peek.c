/* The per-run part of vmsg__peek_header (wire_internal.h): the kind every
 * type and msg_id decodes to in one profile and binding, from the same
 * layout lookup and rules as header() in decode.c (vmsg__header_id_ok,
 * vmsg__header_kind in wire_internal.h). */
#include <stdint.h>
#include <string.h>

#include <vmsg/wire.h>

#include "wire_internal.h"

void vmsg__peek_init(struct vmsg__peek_ctx *k, unsigned profile, unsigned binding)
{
    const struct vmsg_profile_def *p = vmsg__profile(profile);
    memset(k, 0, sizeof *k);
    k->min_len = SIZE_MAX; /* nothing decodes */
    if (!p || binding >= VMSG_BINDING_COUNT)
        return;
    k->min_len = p->header;
    k->header = p->header;
    k->size_field = p->size_field;
    k->fixed_size = p->fixed_size;
    for (unsigned type = 0; type < 4; type++)
        for (unsigned id = 0; id < 256; id++) {
            unsigned cls = (type >> 1) & 1;
            bool resp = type & 1;
            const struct vmsg_msgdef *def = vmsg__msgdef_lookup(profile, binding, cls, resp, (uint8_t)id);
            k->kind[type][id] = vmsg__header_id_ok(p, def, (uint8_t)id) ? vmsg__header_kind(p, def, resp, (uint8_t)id)
                                                                       : VMSG__PEEK_BAD;
        }
}
