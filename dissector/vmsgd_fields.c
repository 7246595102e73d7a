/* Filterable fields generated at registration time from the schema tables
 * (vmsg_msgdefs, vmsg_fld_names, vmsg_enum_defs): one field per distinct
 * payload field name, `virtio-msg.<name>`, never a hand-written list.
 *
 * A name used as a scalar gets an unsigned field as wide as its widest use;
 * a name used as a byte array gets FT_BYTES (FT_GUID for uuids); a name used
 * both ways (PING's 32-bit `data` vs config `data` bytes) keeps the name for
 * the bytes and gets `<name>_value` for the scalar. Value enums become
 * value_strings; each value of a bit enum becomes a boolean
 * `virtio-msg.<enum>.<value>`; a bit enum on a le32[] field (feature words)
 * names bit numbers: `virtio-msg.<enum>` (e.g. virtio-msg.feature). */
#include <ctype.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "vmsgd.h"

#define MAX_BITS 32

static int hf_scalar[VMSG_FLD__COUNT];
static int hf_bytes[VMSG_FLD__COUNT];
static int hf_bit[VMSG_ENUM__COUNT][MAX_BITS];
static int hf_bitnum[VMSG_ENUM__COUNT];
static gint ett_fld[VMSG_FLD__COUNT];

struct use {
    unsigned width;      /* widest scalar use, bytes */
    gboolean scalar, bytes, uuid, hex;
    unsigned value_enum, bit_enum, array_enum;
};

static unsigned ftype_width(unsigned t)
{
    switch (t) {
    case VMSG_FT_U8: return 1;
    case VMSG_FT_LE16: return 2;
    case VMSG_FT_LE24: return 3;
    case VMSG_FT_LE32: case VMSG_FT_LE32_ARRAY: return 4;
    case VMSG_FT_LE64: return 8;
    default: return 0;
    }
}

static gboolean enum_as_bits[VMSG_ENUM__COUNT], enum_as_bitnum[VMSG_ENUM__COUNT];

static void collect(struct use *u)
{
    memset(u, 0, sizeof *u * VMSG_FLD__COUNT);
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
        for (unsigned k = 0; k < d->nfields; k++) {
            const struct vmsg_fielddef *f = &d->fields[k];
            struct use *x = &u[f->fld];
            unsigned w = ftype_width(f->type);
            if (w) {
                x->scalar = TRUE;
                if (w > x->width)
                    x->width = w;
            } else if (f->type == VMSG_FT_UUID) {
                x->uuid = TRUE;
            } else {
                x->bytes = TRUE;
            }
            if (f->flags & (VMSG_FF_HEX | VMSG_FF_BITS))
                x->hex = TRUE;
            if (f->enum_id && (f->flags & VMSG_FF_BITS))
                *(f->type == VMSG_FT_LE32_ARRAY ? &enum_as_bitnum[f->enum_id] : &enum_as_bits[f->enum_id]) = TRUE;
            if (f->enum_id && f->type == VMSG_FT_LE32_ARRAY)
                x->array_enum = f->enum_id;
            else if (f->enum_id && (f->flags & VMSG_FF_BITS))
                x->bit_enum = f->enum_id;
            else if (f->enum_id)
                x->value_enum = f->enum_id;
        }
    }
}

static enum ftenum uint_type(unsigned width)
{
    switch (width) {
    case 1: return FT_UINT8;
    case 2: return FT_UINT16;
    case 3: return FT_UINT24;
    case 4: return FT_UINT32;
    default: return FT_UINT64;
    }
}

static const value_string *enum_vals(unsigned enum_id)
{
    const struct vmsg_enum_def *e = &vmsg_enum_defs[enum_id];
    value_string *vs = g_new0(value_string, e->nvals + 1u);
    for (unsigned i = 0; i < e->nvals; i++) {
        vs[i].value = e->vals[i].value;
        vs[i].strptr = e->vals[i].name;
    }
    return vs;
}

static char *lower(const char *s)
{
    char *r = g_strdup(s);
    for (char *p = r; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return r;
}

static void add(GArray *a, int *id, const char *name, char *abbrev, enum ftenum type, int display,
                const void *strings, guint64 mask, const char *blurb)
{
    hf_register_info h = {id, {name, abbrev, type, display, strings, mask, blurb, HFILL}};
    *id = -1;
    g_array_append_val(a, h);
}

void vmsgd_fields_register(int proto)
{
    static struct use u[VMSG_FLD__COUNT];
    static gint *ett_ptrs[VMSG_FLD__COUNT];
    GArray *a = g_array_new(FALSE, FALSE, sizeof(hf_register_info));
    collect(u);
    for (unsigned f = 0; f < VMSG_FLD__COUNT; f++) {
        const char *n = vmsg_fld_names[f];
        hf_scalar[f] = hf_bytes[f] = -1;
        ett_fld[f] = -1;
        ett_ptrs[f] = &ett_fld[f];
        gboolean arr = u[f].bytes || u[f].uuid;
        if (u[f].scalar) {
            unsigned enum_id = u[f].value_enum;
            const void *vs = (enum_id && u[f].width < 8) ? enum_vals(enum_id) : NULL;
            add(a, &hf_scalar[f], n, g_strdup_printf("virtio-msg.%s%s", n, arr ? "_value" : ""),
                uint_type(u[f].width), u[f].hex ? BASE_HEX : BASE_DEC, vs ? VALS(vs) : NULL, 0, NULL);
        }
        if (arr)
            add(a, &hf_bytes[f], n, g_strdup_printf("virtio-msg.%s", n), u[f].uuid && !u[f].bytes ? FT_GUID : FT_BYTES,
                u[f].uuid && !u[f].bytes ? BASE_NONE : SEP_SPACE, NULL, 0, NULL);
    }
    /* Bit enums: a boolean per named bit, or a named bit number for arrays. */
    for (unsigned e = 1; e < VMSG_ENUM__COUNT; e++) {
        const struct vmsg_enum_def *ed = &vmsg_enum_defs[e];
        hf_bitnum[e] = -1;
        for (unsigned k = 0; k < MAX_BITS; k++)
            hf_bit[e][k] = -1;
        gboolean bits = enum_as_bits[e], array = enum_as_bitnum[e];
        if (array)
            add(a, &hf_bitnum[e], ed->name, g_strdup_printf("virtio-msg.%s", ed->name), FT_UINT32, BASE_DEC,
                VALS(enum_vals(e)), 0, "bit number of a set bit (bit j of word k is 32*(block_index+k)+j)");
        if (!bits)
            continue;
        for (unsigned k = 0; k < ed->nvals && k < MAX_BITS; k++) {
            char *ab = lower(ed->vals[k].name);
            add(a, &hf_bit[e][k], ed->vals[k].name, g_strdup_printf("virtio-msg.%s.%s", ed->name, ab), FT_BOOLEAN,
                32, NULL, ed->vals[k].value, NULL);
            g_free(ab);
        }
    }
    /* The registered array must outlive registration: keep it. */
    guint n = a->len;
    hf_register_info *hf = (hf_register_info *)(void *)g_array_free(a, FALSE);
    proto_register_field_array(proto, hf, (int)n);
    proto_register_subtree_array(ett_ptrs, VMSG_FLD__COUNT);
}

int vmsgd_hf_scalar(unsigned fld) { return fld < VMSG_FLD__COUNT ? hf_scalar[fld] : -1; }
int vmsgd_hf_bytes(unsigned fld) { return fld < VMSG_FLD__COUNT ? hf_bytes[fld] : -1; }
int vmsgd_hf_bit(unsigned e, unsigned k) { return e < VMSG_ENUM__COUNT && k < MAX_BITS ? hf_bit[e][k] : -1; }
int vmsgd_hf_bitnum(unsigned e) { return e < VMSG_ENUM__COUNT ? hf_bitnum[e] : -1; }
int vmsgd_ett_fld(unsigned fld) { return fld < VMSG_FLD__COUNT ? ett_fld[fld] : -1; }
