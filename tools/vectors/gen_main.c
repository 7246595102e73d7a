/* vmsg-vectors: writes the golden message index (vectors/messages.tsv) to
 * stdout. The index is reviewed like code: change this generator, run
 * tools/vectors/update.sh, review the diff, commit both.
 *
 * Every value in an expected-fields column is what this generator set, never
 * what the decoder read back: the tests in tests/wire/ compare the two.
 * Columns (tab-separated, one vector per line, '#' lines are comments):
 *   id profile binding message outcome rule clause field twin fields hex why */
#include <inttypes.h>
#include <string.h>

#include "vecgen.h"

static uint64_t mask(uint64_t v, unsigned size) { return size >= 8 ? v : v & ((1ull << (8 * size)) - 1); }

static int var_index(const struct vmsg_msgdef *d)
{
    for (unsigned i = 0; i < d->nfields; i++)
        if (d->fields[i].flags & VMSG_FF_VAR)
            return (int)i;
    return -1;
}

/* Bytes of the variable field f when its count field holds count (capped to the store). */
static uint32_t var_len(const struct vmsg_fielddef *f, uint64_t count)
{
    uint64_t n = (count + f->len_div - 1) / f->len_div;
    if (f->type == VMSG_FT_LE32_ARRAY)
        n *= 4;
    return n > 64 ? 64 : (uint32_t)n;
}

void vg_encode(struct vg_msg *g)
{
    memset(g->bytes, 0, sizeof g->bytes);
    g->len = vmsg_encode(&g->m, g->bytes, sizeof g->bytes);
}

void vg_set(struct vg_msg *g, unsigned fld, uint64_t v)
{
    const struct vmsg_msgdef *d = g->m.def;
    int i = vmsg_msgdef_field(d, fld);
    if (i < 0)
        return;
    g->m.v[i].u = v;
    int vi = var_index(d);
    if (vi >= 0 && d->fields[vi].len_field == i)
        g->m.v[vi].len = var_len(&d->fields[vi], v);
    vg_encode(g);
}

void vg_build(struct vg_msg *g, unsigned profile, unsigned binding, unsigned defidx)
{
    const struct vmsg_msgdef *d = &vmsg_msgdefs[defidx];
    memset(g, 0, sizeof *g);
    g->defidx = defidx;
    uint16_t dev = d->cls == VMSG_CLASS_BUS ? 0 : (uint16_t)(defidx % 7 + 1);
    vmsg_msg_init(&g->m, profile, binding, d->mname, d->cls, d->kind, dev);
    g->m.def = d; /* the exact layout walked, even where find() would pick another */
    g->m.token = (uint16_t)(0x100 + defidx);
    int vi = var_index(d);
    for (unsigned i = 0; i < d->nfields; i++) {
        const struct vmsg_fielddef *f = &d->fields[i];
        struct vmsg_val *v = &g->m.v[i];
        for (unsigned k = 0; k < sizeof g->store[i]; k++)
            g->store[i][k] = (uint8_t)(0x10 * (i + 1) + k);
        v->present = true;
        if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY) {
            v->p = g->store[i];
            v->len = (f->flags & VMSG_FF_VAR) ? 3 : f->size; /* rest-of-payload: a few bytes */
            continue;
        }
        if (f->flags & VMSG_FF_MBZ)
            v->u = 0;
        else if (vi >= 0 && d->fields[vi].len_field == (int)i)
            /* counts: two feature words, a 16-device window, 4 config bytes */
            v->u = d->fields[vi].type == VMSG_FT_LE32_ARRAY ? 2 : d->fields[vi].len_div == 8 ? 16 : 4;
        else if (f->fld == VMSG_FLD_NEXT_OFFSET && f->multiple_of)
            v->u = 32; /* past the 8..24 window, aligned */
        else if (f->multiple_of)
            v->u = (uint64_t)f->multiple_of * (i + 1);
        else
            v->u = mask(0x0101010101010101ull * (i + 1) + ((uint64_t)defidx << 4), f->size);
    }
    if (vi >= 0 && d->fields[vi].len_field >= 0)
        g->m.v[vi].len = var_len(&d->fields[vi], g->m.v[d->fields[vi].len_field].u);
    vg_encode(g);
    vg_id(g, g->id, sizeof g->id);
}

int vg_build_named(struct vg_msg *g, unsigned profile, unsigned binding, unsigned mname, unsigned cls, unsigned kind)
{
    const struct vmsg_msgdef *d = vmsg_msgdef_find(profile, binding, mname, cls, kind);
    if (!d)
        return 0;
    vg_build(g, profile, binding, (unsigned)(d - vmsg_msgdefs));
    return 1;
}

static void where(char *buf, size_t cap, unsigned profile, unsigned binding)
{
    if (binding)
        snprintf(buf, cap, "%s+%s", vmsg_profile(profile)->name, vmsg_binding_defs[binding].name);
    else
        snprintf(buf, cap, "%s", vmsg_profile(profile)->name);
}

void vg_id(const struct vg_msg *g, char *buf, size_t cap)
{
    char w[40];
    where(w, sizeof w, g->m.profile, g->m.binding);
    snprintf(buf, cap, "%s.%c.%s.%s", w, g->m.cls ? 'b' : 't', g->m.def->name, vmsg_kind_name(g->m.kind));
}

static void put_hex(FILE *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x", b[i]);
}

static void put_fields(FILE *out, const struct vg_msg *g)
{
    const struct vmsg_msg *m = &g->m;
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    fprintf(out, "type=0x%02x msg_id=0x%02x dev_num=%u", m->type, m->msg_id, m->dev_num);
    if (p->token)
        fprintf(out, " token=%u", m->token);
    fprintf(out, " msg_size=%u", m->msg_size);
    for (unsigned i = 0; m->def && i < m->def->nfields; i++) {
        const struct vmsg_fielddef *f = &m->def->fields[i];
        const struct vmsg_val *v = &m->v[i];
        fprintf(out, " %s=", f->name);
        if (!v->present)
            fprintf(out, "absent");
        else if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY) {
            fputc('[', out);
            put_hex(out, v->p, v->len);
            fputc(']', out);
        } else if (f->flags & VMSG_FF_HEX)
            fprintf(out, "0x%" PRIx64, v->u);
        else
            fprintf(out, "%" PRIu64, v->u);
    }
    if (!m->def) {
        fprintf(out, " payload=[");
        put_hex(out, m->payload, m->payload_len);
        fputc(']', out);
    }
}

static void put_head(FILE *out, unsigned profile, unsigned binding, const char *id)
{
    fprintf(out, "%s\t%s\t%s\t", id, vmsg_profile(profile)->name, binding ? vmsg_binding_defs[binding].name : "none");
}

void vg_emit(FILE *out, const struct vg_msg *g, const char *id, const char *outcome, const char *rule,
             const char *clause, const char *field, const char *twin, const char *why)
{
    const struct vmsg_msg *m = &g->m;
    put_head(out, m->profile, m->binding, id);
    fprintf(out, "%c.%s.%s\t%s\t%s\t%s\t%s\t%s\t", m->cls ? 'b' : 't', m->def ? m->def->name : "IMPL",
            vmsg_kind_name(m->kind), outcome, rule, clause, field, twin);
    put_fields(out, g);
    fputc('\t', out);
    put_hex(out, g->bytes, g->len);
    fprintf(out, "\t%s\n", why);
}

void vg_emit_raw(FILE *out, unsigned profile, unsigned binding, const uint8_t *b, size_t len, const char *id,
                 const char *outcome, const char *twin, const char *why)
{
    put_head(out, profile, binding, id);
    fprintf(out, "-\t%s\t-\t-\t-\t%s\t-\t", outcome, twin);
    put_hex(out, b, len);
    fprintf(out, "\t%s\n", why);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: vmsg-vectors > vectors/messages.tsv\n"
                        "Writes the golden message index (see tools/vectors/README.md).\n");
        return strcmp(argv[1], "--help") ? 2 : 0;
    }
    printf("# generated by tools/vectors/vmsg-vectors from spec/messages.yaml; do not edit\n"
           "# (change tools/vectors/*.c, run tools/vectors/update.sh, review the diff)\n"
           "# id\tprofile\tbinding\tmessage\toutcome\trule\tclause\tfield\ttwin\tfields\thex\twhy\n");
    vg_valid(stdout);
    vg_invalid(stdout);
    return 0;
}

void vg_copy(struct vg_msg *dst, const struct vg_msg *src)
{
    memcpy(dst, src, sizeof *dst);
    for (unsigned i = 0; i < VMSG_MAX_FIELDS; i++)
        if (src->m.v[i].p == src->store[i])
            dst->m.v[i].p = dst->store[i];
}
