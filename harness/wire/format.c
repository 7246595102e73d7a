/* Text and JSON renderings of decoded messages (vmsg decode, vmsg dump,
 * reports, failure lines). Names come from the generated schema tables. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/wire.h>

struct sbuf {
    char *p;
    size_t cap, len;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->len >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = (size_t)n < b->cap - b->len ? b->len + (size_t)n : b->cap - 1;
}

static const char *msg_name(const struct vmsg_msg *m, char *tmp, size_t cap)
{
    if (m->def)
        return m->def->name;
    snprintf(tmp, cap, "%s_0x%02X", m->impl_defined ? "IMPL" : "UNKNOWN", m->msg_id);
    return tmp;
}

size_t vmsg_summary(const struct vmsg_msg *m, char *buf, size_t cap)
{
    struct sbuf b = {buf, cap, 0};
    char tmp[32];
    if (!cap)
        return 0;
    buf[0] = 0;
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    sb_printf(&b, "%s%s %s", m->cls == VMSG_CLASS_BUS ? "BUS " : "", msg_name(m, tmp, sizeof tmp),
              vmsg_kind_name(m->kind));
    sb_printf(&b, " dev=%u", m->dev_num);
    if (p && p->token)
        sb_printf(&b, " tok=%u", m->token);
    if (!m->def) {
        sb_printf(&b, " len=%u", m->payload_len);
        return b.len;
    }
    for (unsigned i = 0; i < m->def->nfields; i++) {
        const struct vmsg_fielddef *f = &m->def->fields[i];
        const struct vmsg_val *v = &m->v[i];
        if (!v->present || (f->flags & VMSG_FF_MBZ && !v->u && !v->p))
            continue;
        if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY)
            sb_printf(&b, " %s[%u]", f->name, v->len);
        else if (f->flags & VMSG_FF_HEX)
            sb_printf(&b, " %s=0x%" PRIx64, f->name, v->u);
        else
            sb_printf(&b, " %s=%" PRIu64, f->name, v->u);
    }
    return b.len;
}

/* "DRIVER_OK|FEATURES_OK" for bit enums, the value name for value enums. */
static void value_names(const struct vmsg_fielddef *f, uint64_t v, char *buf, size_t cap)
{
    struct sbuf b = {buf, cap, 0};
    buf[0] = 0;
    if (!f->enum_id)
        return;
    const struct vmsg_enum_def *e = &vmsg_enum_defs[f->enum_id];
    if (!(f->flags & VMSG_FF_BITS)) {
        const char *n = vmsg_enum_value_name(f->enum_id, (uint32_t)v);
        sb_printf(&b, "%s", n ? n : "");
        return;
    }
    if (f->type == VMSG_FT_LE32_ARRAY)
        return; /* feature words are named by print_features */
    for (unsigned i = 0; i < e->nvals; i++)
        if (e->vals[i].value && (v & e->vals[i].value) == e->vals[i].value)
            sb_printf(&b, "%s%s", b.len ? "|" : "", e->vals[i].name);
}

static void print_hex(FILE *out, const uint8_t *p, uint32_t len, uint32_t max)
{
    for (uint32_t i = 0; i < len && i < max; i++)
        fprintf(out, "%s%02x", i ? " " : "", p[i]);
    if (len > max)
        fprintf(out, " ...");
}

/* Feature words: feature bit 32*(block_index+k)+j for bit j of word k. */
static void print_features(FILE *out, const struct vmsg_msg *m, const struct vmsg_val *v)
{
    uint64_t base = vmsg_get(m, VMSG_FLD_BLOCK_INDEX) * 32;
    for (uint32_t k = 0; k * 4 < v->len; k++) {
        uint32_t w = vmsg_get_word(m, VMSG_FLD_FEATURES, k);
        fprintf(out, "%s0x%08x", k ? " " : "", w);
        for (unsigned j = 0; j < 32; j++)
            if (w & (1u << j)) {
                const char *n = vmsg_enum_value_name(VMSG_ENUM_FEATURE, (uint32_t)(base + 32 * k + j));
                if (n)
                    fprintf(out, "(%s)", n);
            }
    }
}

void vmsg_print_fields(FILE *out, const struct vmsg_msg *m, int indent)
{
    char names[160];
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    fprintf(out, "%*stype: 0x%02x (%s %s%s)\n", indent, "", m->type, vmsg_class_name(m->cls),
            vmsg_kind_name(m->kind), (m->type & 0xfc) ? ", reserved bits set" : "");
    fprintf(out, "%*smsg_id: 0x%02x (%s)\n", indent, "", m->msg_id, m->def ? m->def->name : "unknown");
    fprintf(out, "%*sdev_num: %u\n", indent, "", m->dev_num);
    if (p && p->token)
        fprintf(out, "%*stoken: %u\n", indent, "", m->token);
    if (p && p->size_field)
        fprintf(out, "%*smsg_size: %u\n", indent, "", m->msg_size);
    if (!m->def) {
        fprintf(out, "%*spayload: ", indent, "");
        print_hex(out, m->payload, m->payload_len, 64);
        fputc('\n', out);
        return;
    }
    for (unsigned i = 0; i < m->def->nfields; i++) {
        const struct vmsg_fielddef *f = &m->def->fields[i];
        const struct vmsg_val *v = &m->v[i];
        fprintf(out, "%*s%s: ", indent, "", f->name);
        if (!v->present) {
            fprintf(out, "(absent)\n");
            continue;
        }
        if (f->fld == VMSG_FLD_FEATURES) {
            print_features(out, m, v);
        } else if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY) {
            fprintf(out, "[%u] ", v->len);
            print_hex(out, v->p, v->len, 64);
            if (f->fld == VMSG_FLD_BITMAP) {
                fprintf(out, " (present:");
                uint64_t base = vmsg_get(m, VMSG_FLD_OFFSET);
                for (uint32_t k = 0; k < v->len; k++)
                    for (unsigned j = 0; j < 8; j++)
                        if (v->p[k] & (1u << j))
                            fprintf(out, " %" PRIu64, base + 8 * k + j);
                fprintf(out, ")");
            }
        } else {
            fprintf(out, (f->flags & VMSG_FF_HEX) ? "0x%" PRIx64 : "%" PRIu64, v->u);
            value_names(f, v->u, names, sizeof names);
            if (names[0])
                fprintf(out, " (%s)", names);
        }
        fputc('\n', out);
    }
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_hex(FILE *out, const uint8_t *p, uint32_t len)
{
    fputc('"', out);
    for (uint32_t i = 0; i < len; i++)
        fprintf(out, "%02x", p[i]);
    fputc('"', out);
}

void vmsg_print_json(FILE *out, const struct vmsg_msg *m, const struct vmsg_diag *d)
{
    char tmp[32], names[160];
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    fprintf(out, "{\"profile\":");
    json_str(out, p ? p->name : "unknown");
    if (d && (d->outcome == VMSG_TRUNCATED || d->outcome == VMSG_MALFORMED)) {
        fprintf(out, ",\"outcome\":");
        json_str(out, vmsg_outcome_name(d->outcome));
        fprintf(out, ",\"problem\":");
        json_str(out, d->problem);
        fputc('}', out);
        return;
    }
    fprintf(out, ",\"name\":");
    json_str(out, msg_name(m, tmp, sizeof tmp));
    fprintf(out, ",\"class\":\"%s\",\"kind\":\"%s\",\"type\":%u,\"msg_id\":%u,\"dev_num\":%u", vmsg_class_name(m->cls),
            vmsg_kind_name(m->kind), m->type, m->msg_id, m->dev_num);
    if (p && p->token)
        fprintf(out, ",\"token\":%u", m->token);
    fprintf(out, ",\"msg_size\":%u,\"fields\":{", m->msg_size);
    if (m->def) {
        bool first = true;
        for (unsigned i = 0; i < m->def->nfields; i++) {
            const struct vmsg_fielddef *f = &m->def->fields[i];
            const struct vmsg_val *v = &m->v[i];
            if (!v->present)
                continue;
            fprintf(out, "%s\"%s\":", first ? "" : ",", f->name);
            first = false;
            if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY)
                json_hex(out, v->p, v->len);
            else
                fprintf(out, "%" PRIu64, v->u);
            value_names(f, v->u, names, sizeof names);
            if (names[0]) {
                fprintf(out, ",\"%s_name\":", f->name);
                json_str(out, names);
            }
        }
    } else {
        fprintf(out, "\"payload\":");
        json_hex(out, m->payload, m->payload_len);
    }
    fputc('}', out);
    if (d) {
        fprintf(out, ",\"outcome\":");
        json_str(out, vmsg_outcome_name(d->outcome));
        fprintf(out, ",\"issues\":[");
        for (unsigned i = 0; i < d->nissues; i++) {
            fprintf(out, "%s{\"rule\":", i ? "," : "");
            json_str(out, d->issues[i].rule);
            fprintf(out, ",\"clause\":");
            json_str(out, d->issues[i].clause);
            fprintf(out, ",\"field\":");
            json_str(out, d->issues[i].field);
            fprintf(out, ",\"message\":");
            json_str(out, d->issues[i].text);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

void vmsg_print_diag(FILE *out, const char *where, const struct vmsg_diag *d)
{
    if (d->outcome == VMSG_TRUNCATED || d->outcome == VMSG_MALFORMED) {
        fprintf(out, "%s: %s: %s\n", where, vmsg_outcome_name(d->outcome), d->problem);
        return;
    }
    for (unsigned i = 0; i < d->nissues; i++)
        fprintf(out, "%s: %s: %s: %s\n", where, d->issues[i].clause, d->issues[i].field ? d->issues[i].field : "-",
                d->issues[i].text);
    if (d->dropped)
        fprintf(out, "%s: %u more issue(s) not shown\n", where, d->dropped);
}
