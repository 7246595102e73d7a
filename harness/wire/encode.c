/* Encoder: builds messages field by field from the same tables as the
 * decoder. It writes what it is given (a count field may disagree with its
 * array), so reference implementations can inject faults through it. */
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#include "wire_internal.h"

bool vmsg_msg_init(struct vmsg_msg *m, unsigned profile, unsigned binding, unsigned mname,
                   unsigned cls, unsigned kind, uint16_t dev_num)
{
    memset(m, 0, sizeof *m);
    m->profile = (uint8_t)profile;
    m->binding = (uint8_t)binding;
    const struct vmsg_msgdef *def = vmsg_msgdef_find(profile, binding, mname, cls, kind);
    if (!def)
        return false;
    m->def = def;
    m->cls = (uint8_t)cls;
    m->kind = (uint8_t)kind;
    m->msg_id = def->id;
    m->type = (uint8_t)((cls ? 2 : 0) | (kind == VMSG_KIND_RESPONSE ? 1 : 0));
    m->dev_num = dev_num;
    return true;
}

bool vmsg_set(struct vmsg_msg *m, unsigned fld, uint64_t v)
{
    int i = m->def ? vmsg_msgdef_field(m->def, fld) : -1;
    if (i < 0)
        return false;
    unsigned t = m->def->fields[i].type;
    if (t == VMSG_FT_BYTES || t == VMSG_FT_UUID || t == VMSG_FT_LE32_ARRAY)
        return false;
    m->v[i].u = v;
    m->v[i].present = true;
    return true;
}

bool vmsg_set_bytes(struct vmsg_msg *m, unsigned fld, const void *p, uint32_t len)
{
    int i = m->def ? vmsg_msgdef_field(m->def, fld) : -1;
    if (i < 0)
        return false;
    unsigned t = m->def->fields[i].type;
    if (t != VMSG_FT_BYTES && t != VMSG_FT_UUID && t != VMSG_FT_LE32_ARRAY)
        return false;
    m->v[i].p = p;
    m->v[i].len = len;
    m->v[i].present = p != NULL || len == 0;
    return true;
}

size_t vmsg_encoded_len(const struct vmsg_msg *m)
{
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    if (!p)
        return 0;
    if (p->fixed_size)
        return p->fixed_size;
    size_t n = p->header;
    if (!m->def)
        return n + m->payload_len;
    n += m->def->fixed_len;
    for (unsigned i = 0; i < m->def->nfields; i++)
        if ((m->def->fields[i].flags & VMSG_FF_VAR) && m->v[i].present)
            n += m->v[i].len;
    return n;
}

size_t vmsg_encode(struct vmsg_msg *m, uint8_t *buf, size_t cap)
{
    const struct vmsg_profile_def *p = vmsg_profile(m->profile);
    size_t len = vmsg_encoded_len(m);
    if (!p || !len || len > cap || (p->size_field && len > 0xffff))
        return 0;
    memset(buf, 0, len);
    if (!p->size_field || !m->msg_size_override)
        m->msg_size = (uint16_t)len;
    buf[0] = m->type;
    buf[1] = m->msg_id;
    vmsg_put_le(buf + 2, m->dev_num, 2);
    size_t at = 4;
    if (p->token) {
        vmsg_put_le(buf + at, m->token, 2);
        at += 2;
    }
    if (p->size_field)
        vmsg_put_le(buf + at, m->msg_size, 2);
    uint8_t *pl = buf + p->header;
    size_t room = len - p->header;
    if (!m->def) {
        if (m->payload_len && m->payload)
            memcpy(pl, m->payload, m->payload_len < room ? m->payload_len : room);
    } else {
        size_t off = 0;
        for (unsigned i = 0; i < m->def->nfields; i++) {
            const struct vmsg_fielddef *f = &m->def->fields[i];
            const struct vmsg_val *v = &m->v[i];
            size_t width = (f->flags & VMSG_FF_VAR) ? (v->present ? v->len : 0) : f->size;
            if (off + width > room)
                break; /* v0 layouts fill the fixed payload exactly; nothing is cut */
            if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY) {
                size_t n = v->len < width ? v->len : width;
                if (v->p && n)
                    memcpy(pl + off, v->p, n);
            } else {
                vmsg_put_le(pl + off, v->u, f->size);
            }
            off += width;
        }
    }
    m->payload = pl;
    m->payload_len = (uint32_t)room;
    m->frame_len = (uint32_t)len;
    return len;
}
