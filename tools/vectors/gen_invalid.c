/* Negative vectors: one or more for every validation rule of the codec
 * (harness/wire/decode.c), each naming its positive twin (the valid vector it
 * was derived from by one change). Truncated and malformed vectors have no
 * expected fields; non-conformant ones expect exactly one issue. */
#include <string.h>

#include <vmsg/cursor.h>

#include "vecgen.h"

static void nonconf(FILE *out, const struct vg_msg *g, const char *twin, const char *suffix, const char *rule,
                    const char *clause, const char *field, const char *why)
{
    char id[160];
    snprintf(id, sizeof id, "%s.%s", twin, suffix);
    vg_emit(out, g, id, "nonconformant", rule, clause, field, twin, why);
}

static void broken(FILE *out, const struct vg_msg *twin, const uint8_t *b, size_t len, const char *suffix,
                   const char *outcome, const char *why)
{
    char id[160];
    snprintf(id, sizeof id, "%s.%s", twin->id, suffix);
    vg_emit_raw(out, twin->m.profile, twin->m.binding, b, len, id, outcome, twin->id, why);
}

/* Header-only copy of TWIN (no payload) with the given type and id. */
static size_t bare_header(const struct vg_msg *twin, uint8_t type, uint8_t id, uint8_t *b)
{
    const struct vmsg_profile_def *p = vmsg_profile(twin->m.profile);
    size_t n = p->fixed_size ? p->fixed_size : p->header;
    memset(b, 0, VG_MAXBYTES);
    memcpy(b, twin->bytes, p->header);
    b[0] = type;
    b[1] = id;
    if (p->size_field)
        vmsg_put_le(b + p->header - 2, n, 2);
    return n;
}

static void truncated(FILE *out)
{
    struct vg_msg g;
    uint8_t b[VG_MAXBYTES];
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        const struct vmsg_profile_def *pd = vmsg_profile(p);
        vg_build_named(&g, p, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST);
        broken(out, &g, g.bytes, pd->header - 1u, "header-cut", "truncated", "the header lacks its last byte");
        broken(out, &g, g.bytes, g.len - 1, "size-cut",
               "truncated", pd->fixed_size ? "a fixed-size message one byte short"
                                           : "msg_size counts one byte more than was captured");
    }
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST);
    broken(out, &g, b, 0, "empty", "truncated", "no bytes at all");
}

static void malformed_size(FILE *out)
{
    struct vg_msg g;
    uint8_t b[VG_MAXBYTES];
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        const struct vmsg_profile_def *pd = vmsg_profile(p);
        if (!pd->size_field)
            continue;
        vg_build_named(&g, p, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST);
        memcpy(b, g.bytes, g.len);
        vmsg_put_le(b + pd->header - 2, pd->header - 1u, 2);
        broken(out, &g, b, g.len, "size-below-header", "malformed", "msg_size one less than the header");
        vmsg_put_le(b + pd->header - 2, 0, 2);
        broken(out, &g, b, g.len, "size-zero", "malformed", "msg_size 0");
        /* The fixed part of the layout is cut short while msg_size agrees with the bytes. */
        memcpy(b, g.bytes, g.len);
        vmsg_put_le(b + pd->header - 2, pd->header + 4u, 2);
        broken(out, &g, b, pd->header + 4u, "payload-short", "malformed",
               "payload of 4 bytes where the layout needs 8 (offset, length)");
    }
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE);
    memcpy(b, g.bytes, g.len);
    vmsg_put_le(b + 6, 8 + 20, 2);
    broken(out, &g, b, 8 + 20, "payload-short", "malformed", "msg_size ends inside desc_addr");
}

/* First id in [lo, hi] with no layout for (profile, class, direction). */
static int unknown_id(unsigned p, unsigned cls, bool resp, unsigned lo, unsigned hi)
{
    for (unsigned id = lo; id <= hi; id++)
        if (!vmsg_msgdef_lookup(p, 0, cls, resp, (uint8_t)id))
            return (int)id;
    return -1;
}

static void malformed_ids(FILE *out)
{
    struct vg_msg g;
    uint8_t b[VG_MAXBYTES];
    char suffix[64];
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        const struct vmsg_profile_def *pd = vmsg_profile(p);
        for (unsigned cls = 0; cls < 2; cls++) {
            /* the twin: a header-only request of the same class */
            if (p == VMSG_PROFILE_V0)
                vg_build_named(&g, p, 0, VMSG_M_CONNECT, cls, VMSG_KIND_REQUEST);
            else if (cls == VMSG_CLASS_TRANSPORT)
                vg_build_named(&g, p, 0, VMSG_M_GET_DEVICE_STATUS, cls, VMSG_KIND_REQUEST);
            else
                vg_build_named(&g, p, 0, VMSG_M_PING, cls, VMSG_KIND_REQUEST);
            uint8_t t = (uint8_t)(cls << 1);
            int id = unknown_id(p, cls, false, 0x01, 0x3f);
            snprintf(suffix, sizeof suffix, "unknown-req-0x%02x", (unsigned)id);
            broken(out, &g, b, bare_header(&g, t, (uint8_t)id, b), suffix, "malformed",
                   "request id in the standard range with no layout");
            id = unknown_id(p, cls, true, 0x01, 0x3f);
            snprintf(suffix, sizeof suffix, "unknown-resp-0x%02x", (unsigned)id);
            broken(out, &g, b, bare_header(&g, t | 1, (uint8_t)id, b), suffix, "malformed",
                   "response id in the standard range with no layout");
            id = unknown_id(p, cls, false, 0x40, 0x7f);
            snprintf(suffix, sizeof suffix, "unknown-0x%02x", (unsigned)id);
            broken(out, &g, b, bare_header(&g, t, (uint8_t)id, b), suffix, "malformed",
                   pd->event_bit ? "event id in the standard range with no layout"
                                 : "id with no layout (no event range in this profile)");
            if (!pd->event_bit) {
                broken(out, &g, b, bare_header(&g, t, 0x90, b), "unknown-0x90", "malformed",
                       "no implementation-defined range in this profile");
            }
        }
        /* a response carrying an event's id */
        static const struct {
            unsigned mname, cls;
        } ev[] = {{VMSG_M_EVENT_CONFIG, VMSG_CLASS_TRANSPORT},
                  {VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT},
                  {VMSG_M_EVENT_DEVICE, VMSG_CLASS_BUS}};
        for (unsigned k = 0; k < sizeof ev / sizeof ev[0]; k++) {
            if (!vg_build_named(&g, p, 0, ev[k].mname, ev[k].cls, VMSG_KIND_EVENT))
                continue;
            memcpy(b, g.bytes, g.len);
            b[0] |= 1;
            broken(out, &g, b, g.len, "as-response", "malformed", "response bit set on an event id");
        }
    }
}

static void malformed_counts(FILE *out)
{
    struct vg_msg g;
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        if (vg_build_named(&g, p, 0, VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE)) {
            g.m.v[1].u = 3; /* num_blocks, features keep their 2 words */
            vg_encode(&g);
            broken(out, &g, g.bytes, g.len, "count-beyond", "malformed", "num_blocks 3 with 2 feature words");
            g.m.v[1].u = 0xffffffff;
            vg_encode(&g);
            broken(out, &g, g.bytes, g.len, "count-huge", "malformed",
                   "num_blocks 0xffffffff: the count must not drive a read past the bytes");
        }
        if (vg_build_named(&g, p, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE)) {
            int ci = vmsg_msgdef_field(g.m.def, VMSG_FLD_COUNT);
            g.m.v[ci].u = 24; /* bitmap keeps its 2 bytes */
            vg_encode(&g);
            broken(out, &g, g.bytes, g.len, "bitmap-beyond", "malformed", "count 24 with a 2-byte bitmap");
        }
    }
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE);
    g.m.v[2].u = 5; /* length, data keeps 4 bytes */
    vg_encode(&g);
    broken(out, &g, g.bytes, g.len, "length-beyond", "malformed", "length 5 with 4 data bytes");
}

/* Role rules: one message per sender role. */
struct role_msg {
    unsigned mname, cls, kind;
    const char *role;
};
static const struct role_msg roles[] = {
    {VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, "driver"},
    {VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, "device"},
    {VMSG_M_EVENT_DEVICE, VMSG_CLASS_BUS, VMSG_KIND_EVENT, "bus"},
};

static void header_rules(FILE *out)
{
    struct vg_msg g;
    static const char *type_clause[] = {"driver.header.1", "device.header.1", "bus.header.2"};
    static const char *size_clause[] = {"driver.header.2", "device.header.2", "bus.bus-messages.1"};
    static const char *pad_clause[] = {"driver.header.4", "device.header.4", "bus.header.3"};
    static const unsigned profiles[] = {VMSG_PROFILE_V1, VMSG_PROFILE_RFC2};
    char why[120];
    for (unsigned k = 0; k < 3; k++)
        for (unsigned pi = 0; pi < 2; pi++) {
            vg_build_named(&g, profiles[pi], 0, roles[k].mname, roles[k].cls, roles[k].kind);
            struct vg_msg n;
            vg_copy(&n, &g);
            n.m.type |= 0x04 << k;
            vg_encode(&n);
            snprintf(why, sizeof why, "%s-sent message with a reserved type bit set", roles[k].role);
            nonconf(out, &n, g.id, "type-reserved", "wire.type-reserved", type_clause[k], "type", why);

            vg_copy(&n, &g);
            n.m.msg_size = (uint16_t)(g.len + 4);
            n.m.msg_size_override = true;
            vg_encode(&n);
            n.len += 4; /* four zero bytes counted by msg_size, beyond the layout */
            snprintf(why, sizeof why, "%s-sent msg_size 4 bytes beyond the layout", roles[k].role);
            nonconf(out, &n, g.id, "size-beyond-layout", "wire.msg-size", size_clause[k], "msg_size", why);

            vg_copy(&n, &g);
            n.bytes[n.len + 1] = 0xa5;
            n.len += 4;
            snprintf(why, sizeof why, "%s-added padding after msg_size with a non-zero byte", roles[k].role);
            nonconf(out, &n, g.id, "padding-nonzero", "wire.padding", pad_clause[k], "padding", why);
        }
    /* PING may be sent by either side: reserved bits fall under the common rule. */
    vg_build_named(&g, VMSG_PROFILE_V1, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST);
    struct vg_msg n;
    vg_copy(&n, &g);
    n.m.type |= 0x80;
    vg_encode(&n);
    nonconf(out, &n, g.id, "type-reserved", "wire.type-reserved", "common.reserved-zero.1", "type",
            "PING (sent by either side) with a reserved type bit set");
    /* v0: unused bytes of the fixed 40-byte frame */
    vg_build_named(&g, VMSG_PROFILE_V0, 0, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE);
    vg_copy(&n, &g);
    n.bytes[39] = 0xee;
    nonconf(out, &n, g.id, "unused-nonzero", "wire.mbz-field", "common.reserved-zero.1", "reserved",
            "v0: last unused byte of the 40-byte frame is not zero");
    /* bus messages address no device */
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        if (!vg_build_named(&g, p, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST) &&
            !vg_build_named(&g, p, 0, VMSG_M_CONNECT, VMSG_CLASS_BUS, VMSG_KIND_REQUEST))
            continue;
        vg_copy(&n, &g);
        n.m.dev_num = 3;
        vg_encode(&n);
        nonconf(out, &n, g.id, "dev-num", "wire.bus-dev-num", "bus.header.1", "dev_num", "bus message with dev_num 3");
    }
}

/* Every mbz field and every multiple-of rule of every layout. */
static void field_rules_of(FILE *out, unsigned p, unsigned b, unsigned di)
{
    const struct vmsg_msgdef *d = &vmsg_msgdefs[di];
    struct vg_msg g, n;
    char suffix[64], why[120];
    vg_build(&g, p, b, di);
    for (unsigned i = 0; i < d->nfields; i++) {
        const struct vmsg_fielddef *f = &d->fields[i];
        if (f->flags & VMSG_FF_MBZ) {
            vg_copy(&n, &g);
            vg_set(&n, f->fld, 0x5a);
            snprintf(suffix, sizeof suffix, "%s-nonzero", f->name);
            snprintf(why, sizeof why, "reserved field %s = 0x5a", f->name);
            nonconf(out, &n, g.id, suffix, "wire.mbz-field", "common.reserved-zero.1", f->name, why);
        }
        if (f->multiple_of) {
            vg_copy(&n, &g);
            vg_set(&n, f->fld, g.m.v[i].u + 1);
            snprintf(suffix, sizeof suffix, "%s-unaligned", f->name);
            snprintf(why, sizeof why, "%s = %llu, not a multiple of %u", f->name,
                     (unsigned long long)g.m.v[i].u + 1, (unsigned)f->multiple_of);
            nonconf(out, &n, g.id, suffix, "wire.multiple-of", f->clause, f->name, why);
        }
    }
    if (d->mname == VMSG_M_GET_DEVICES && d->kind == VMSG_KIND_RESPONSE) {
        vg_copy(&n, &g);
        vg_set(&n, VMSG_FLD_NEXT_OFFSET, 16);
        nonconf(out, &n, g.id, "next-inside-window", "wire.get-devices-next", "bus.get-devices.2", "next_offset",
                "window 8..23, next_offset 16 points back inside it");
    }
}

static void field_rules(FILE *out)
{
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++)
        for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++)
            if (!vmsg_msgdefs[i].binding && (vmsg_msgdefs[i].profiles & (1u << p)))
                field_rules_of(out, p, 0, i);
    for (unsigned b = 1; b < VMSG_BINDING_COUNT; b++)
        for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++)
            if (vmsg_msgdefs[i].binding == b)
                field_rules_of(out, VMSG_PROFILE_V1, b, i);
}

void vg_invalid(FILE *out)
{
    fprintf(out, "# --- truncated\n");
    truncated(out);
    fprintf(out, "# --- malformed\n");
    malformed_size(out);
    malformed_ids(out);
    malformed_counts(out);
    fprintf(out, "# --- non-conformant: header rules per sender role\n");
    header_rules(out);
    fprintf(out, "# --- non-conformant: field rules of every layout\n");
    field_rules(out);
}
