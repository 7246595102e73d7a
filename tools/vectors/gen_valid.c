/* Positive vectors: one per layout of every profile and FF-A binding (the
 * walk over vmsg_msgdefs), plus the few valid variants a decoder must also
 * accept (implementation-defined ids, zero padding, an absent optional part,
 * the end of a GET_DEVICES scan). */
#include <string.h>

#include "vecgen.h"

static void layouts(FILE *out)
{
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++)
        for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
            const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
            if (d->binding || !(d->profiles & (1u << p)))
                continue;
            struct vg_msg g;
            vg_build(&g, p, 0, i);
            vg_emit(out, &g, g.id, "ok", "-", "-", "-", "-", "every field set to a distinct value");
        }
    /* FF-A bus messages sit on top of the normative v1 header. */
    for (unsigned b = 1; b < VMSG_BINDING_COUNT; b++)
        for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
            if (vmsg_msgdefs[i].binding != b)
                continue;
            struct vg_msg g;
            vg_build(&g, VMSG_PROFILE_V1, b, i);
            vg_emit(out, &g, g.id, "ok", "-", "-", "-", "-", "every field set to a distinct value");
        }
}

/* A message with an id in the implementation-defined range and no layout. */
static void impl_defined(FILE *out, unsigned profile, unsigned cls, unsigned kind, uint8_t id, const char *why)
{
    static const uint8_t payload[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
    struct vg_msg g;
    memset(&g, 0, sizeof g);
    g.m.profile = (uint8_t)profile;
    g.m.cls = (uint8_t)cls;
    g.m.kind = (uint8_t)kind;
    g.m.type = (uint8_t)((cls ? 2 : 0) | (kind == VMSG_KIND_RESPONSE));
    g.m.msg_id = id;
    g.m.dev_num = cls ? 0 : 3;
    g.m.token = 0x4242;
    g.m.payload = payload;
    g.m.payload_len = sizeof payload;
    vg_encode(&g);
    char vid[96];
    snprintf(vid, sizeof vid, "%s.%c.IMPL_0x%02X.%s", vmsg_profile(profile)->name, cls ? 'b' : 't', id,
             vmsg_kind_name(kind));
    vg_emit(out, &g, vid, "ok", "-", "-", "-", "-", why);
}

static void variants(FILE *out)
{
    struct vg_msg g;
    char id[128];

    impl_defined(out, VMSG_PROFILE_V1, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 0x85,
                 "transport id 0x80+ without a layout: implementation-defined, raw payload");
    impl_defined(out, VMSG_PROFILE_V1, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 0x85,
                 "response to an implementation-defined transport request");
    impl_defined(out, VMSG_PROFILE_V1, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, 0xc7,
                 "id 0xc0+ (bit 6 set) without a layout: implementation-defined event");
    impl_defined(out, VMSG_PROFILE_V1, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0x80,
                 "bus id 0x80 without a binding: implementation-defined");
    impl_defined(out, VMSG_PROFILE_RFC2, VMSG_CLASS_BUS, VMSG_KIND_EVENT, 0xc1,
                 "rfc2 bus event in the implementation-defined range");

    /* Zero padding after msg_size is bus framing and allowed (twin of the
     * non-zero padding vectors). */
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST);
    g.len += 8;
    snprintf(id, sizeof id, "%s.zero-padding", g.id);
    vg_emit(out, &g, id, "ok", "-", "-", "-", "-", "8 zero bytes after msg_size: padding is allowed when zero");

    /* SET_CONFIG response: the data echo is optional. */
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE);
    g.m.v[3].present = false;
    g.m.v[3].len = 0;
    vg_encode(&g);
    snprintf(id, sizeof id, "%s.no-data", g.id);
    vg_emit(out, &g, id, "ok", "-", "-", "-", "-", "SET_CONFIG response without the optional data echo");

    /* The last GET_DEVICES window: next_offset 0 means no more devices. */
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        if (!vg_build_named(&g, p, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE))
            continue;
        vg_set(&g, VMSG_FLD_NEXT_OFFSET, 0);
        snprintf(id, sizeof id, "%s.last-window", g.id);
        vg_emit(out, &g, id, "ok", "-", "-", "-", "-", "next_offset 0: the scan is complete");
    }

    /* A window smaller than requested: count 8, one bitmap byte. */
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE);
    vg_set(&g, VMSG_FLD_COUNT, 8);
    snprintf(id, sizeof id, "%s.count-8", g.id);
    vg_emit(out, &g, id, "ok", "-", "-", "-", "-", "an 8-device window carries one bitmap byte");

    /* GET_DEVICE_FEATURES with no blocks: an empty feature array. */
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE);
    vg_set(&g, VMSG_FLD_NUM_BLOCKS, 0);
    snprintf(id, sizeof id, "%s.zero-blocks", g.id);
    vg_emit(out, &g, id, "ok", "-", "-", "-", "-", "num_blocks 0: an empty feature array");
}

void vg_valid(FILE *out)
{
    fprintf(out, "# --- valid: every layout of every profile and FF-A binding\n");
    layouts(out);
    fprintf(out, "# --- valid variants\n");
    variants(out);
}
