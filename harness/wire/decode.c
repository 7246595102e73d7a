/* Table-driven decoder and validator for every profile (see vmsg/wire.h).
 * All wire bytes are read through the cursor of vmsg/cursor.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#include "wire_internal.h"

__attribute__((format(printf, 5, 6)))
static void issue(struct vmsg_diag *d, const char *rule, const char *clause, const char *field,
                  const char *fmt, ...)
{
    if (!d)
        return;
    if (d->nissues >= VMSG_MAX_ISSUES) {
        d->dropped++;
        return;
    }
    struct vmsg_issue *is = &d->issues[d->nissues++];
    is->rule = rule;
    is->clause = clause;
    is->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(is->text, sizeof is->text, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static enum vmsg_outcome fail(struct vmsg_diag *d, enum vmsg_outcome o, const char *fmt, ...)
{
    if (d) {
        d->outcome = o;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->problem, sizeof d->problem, fmt, ap);
        va_end(ap);
    }
    return o;
}

size_t vmsg_frame_len(unsigned profile, const uint8_t *buf, size_t avail)
{
    const struct vmsg_profile_def *p = vmsg__profile(profile);
    if (!p)
        return 0;
    if (p->fixed_size)
        return p->fixed_size;
    size_t at = p->header - 2; /* msg_size is the last header member */
    struct vmsg_cur c = vmsg_cur_make(buf, avail);
    if (!vmsg_cur_seek(&c, at))
        return 0;
    uint16_t sz = vmsg_cur_le16(&c);
    return c.bad ? 0 : sz;
}

unsigned vmsg_msg_sender(const struct vmsg_msg *m)
{
    unsigned s = m->def ? m->def->sender : VMSG_SENDER_ANY;
    if (!m->def) /* implementation-defined: only the direction bit is known */
        return m->cls == VMSG_CLASS_BUS ? VMSG_SENDER_BUS : VMSG_SENDER_ANY;
    if (m->kind == VMSG_KIND_RESPONSE) {
        if (m->cls == VMSG_CLASS_BUS)
            return s == VMSG_SENDER_DEVICE ? VMSG_SENDER_DRIVER : VMSG_SENDER_BUS;
        return s == VMSG_SENDER_DRIVER ? VMSG_SENDER_DEVICE
             : s == VMSG_SENDER_DEVICE ? VMSG_SENDER_DRIVER : VMSG_SENDER_ANY;
    }
    return s;
}

/* Clause of a header rule, by the role that sent the message. */
static const char *role_clause(unsigned sender, const char *drv, const char *dev, const char *bus)
{
    switch (sender) {
    case VMSG_SENDER_DRIVER: return drv;
    case VMSG_SENDER_DEVICE: return dev;
    default: return bus;
    }
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static uint64_t read_scalar(struct vmsg_cur *c, unsigned type)
{
    switch (type) {
    case VMSG_FT_U8: return vmsg_cur_u8(c);
    case VMSG_FT_LE16: return vmsg_cur_le16(c);
    case VMSG_FT_LE24: return vmsg_cur_le24(c);
    case VMSG_FT_LE32: return vmsg_cur_le32(c);
    default: return vmsg_cur_le64(c);
    }
}

/* Bytes taken by variable field f, given the value of its sizing field. */
uint64_t vmsg__var_bytes(const struct vmsg_fielddef *f, uint64_t count)
{
    uint64_t n = (count + f->len_div - 1) / f->len_div;
    return f->type == VMSG_FT_LE32_ARRAY ? n * 4 : n;
}

static enum vmsg_outcome parse_payload(struct vmsg_msg *m, struct vmsg_diag *d)
{
    const struct vmsg_msgdef *def = m->def;
    struct vmsg_cur c = vmsg_cur_make(m->payload, m->payload_len);
    for (unsigned i = 0; i < def->nfields; i++) {
        const struct vmsg_fielddef *f = &def->fields[i];
        struct vmsg_val *v = &m->v[i];
        v->present = false;
        if (f->flags & VMSG_FF_VAR) {
            uint64_t want = (f->flags & VMSG_FF_REST) ? vmsg_cur_left(&c)
                                                      : vmsg__var_bytes(f, m->v[f->len_field].u);
            if ((f->flags & VMSG_FF_OPTIONAL) && vmsg_cur_left(&c) == 0) {
                v->p = NULL;
                v->len = 0;
                v->u = 0;
                continue;
            }
            if (want > vmsg_cur_left(&c))
                return fail(d, VMSG_MALFORMED, "%s: %s=%llu needs %llu bytes, payload has %zu left", f->name,
                            def->fields[f->len_field].name, (unsigned long long)m->v[f->len_field].u,
                            (unsigned long long)want, vmsg_cur_left(&c));
            v->p = vmsg_cur_take(&c, (size_t)want);
            v->len = (uint32_t)want;
            v->u = 0;
            v->present = true;
            continue;
        }
        if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID) {
            v->p = vmsg_cur_take(&c, f->size);
            v->len = f->size;
            v->u = 0;
        } else {
            v->u = read_scalar(&c, f->type);
            v->p = NULL;
            v->len = f->size;
        }
        if (c.bad)
            return fail(d, VMSG_MALFORMED, "%s: payload ends at %u bytes, layout needs %u", f->name,
                        m->payload_len, (unsigned)def->fixed_len);
        v->present = true;
    }
    size_t left = vmsg_cur_left(&c);
    if (left) {
        const struct vmsg_profile_def *p = vmsg__profile(m->profile);
        if (p->fixed_size) {
            const uint8_t *rest = vmsg_cur_take(&c, left);
            if (!all_zero(rest, left))
                issue(d, "wire.mbz-field", "common.reserved-zero.1", "reserved",
                      "the %zu unused payload bytes must be zero", left);
        } else {
            unsigned s = vmsg_msg_sender(m);
            issue(d, "wire.msg-size", role_clause(s, "driver.header.2", "device.header.2", "bus.bus-messages.1"),
                  "msg_size", "expected %u, got %u (%zu bytes beyond the %s layout)",
                  (unsigned)(m->msg_size - left), m->msg_size, left, def->name);
        }
    }
    return VMSG_OK;
}

static void check_values(struct vmsg_msg *m, struct vmsg_diag *d)
{
    const struct vmsg_msgdef *def = m->def;
    for (unsigned i = 0; i < def->nfields; i++) {
        const struct vmsg_fielddef *f = &def->fields[i];
        const struct vmsg_val *v = &m->v[i];
        if (!v->present)
            continue;
        if (f->flags & VMSG_FF_MBZ) {
            bool zero = v->p ? all_zero(v->p, v->len) : v->u == 0;
            if (!zero)
                issue(d, "wire.mbz-field", "common.reserved-zero.1", f->name, "expected 0, got 0x%llx",
                      (unsigned long long)v->u);
        }
        if (f->multiple_of && v->u % f->multiple_of)
            issue(d, "wire.multiple-of", f->clause, f->name, "expected a multiple of %u, got %llu",
                  (unsigned)f->multiple_of, (unsigned long long)v->u);
    }
    if (def->mname == VMSG_M_GET_DEVICES && m->kind == VMSG_KIND_RESPONSE) {
        uint64_t off = vmsg_get(m, VMSG_FLD_OFFSET), cnt = vmsg_get(m, VMSG_FLD_COUNT);
        uint64_t next = vmsg_get(m, VMSG_FLD_NEXT_OFFSET), end = off + cnt;
        if (next && next < end)
            issue(d, "wire.get-devices-next", "bus.get-devices.2", "next_offset",
                  "expected 0 or >= offset+count (%llu), got %llu", (unsigned long long)end,
                  (unsigned long long)next);
    }
}

/* What a failed header() leaves: no layout, no payload, no frame. */
static void no_frame(struct vmsg_msg *m)
{
    m->def = NULL;
    m->payload = NULL;
    m->payload_len = 0;
    m->frame_len = 0;
}

/* An id with no layout in a standard range. Out of line (it formats
 * names), so that header()'s common path makes no call. */
__attribute__((noinline))
static enum vmsg_outcome bad_id(const struct vmsg_profile_def *p, const struct vmsg_msg *m, bool resp,
                                struct vmsg_diag *d)
{
    return fail(d, VMSG_MALFORMED, "msg_id: 0x%02x is not a %s %s of profile %s", m->msg_id,
                vmsg_class_name(m->cls), resp ? "response" : "request or event", p->name);
}

/* A frame shorter than its profile's header: the members read one by one
 * as far as the bytes go (a reader may still show type and dev_num), then
 * truncated. Out of line. */
__attribute__((noinline))
static enum vmsg_outcome short_header(const struct vmsg_profile_def *p, const uint8_t *buf, size_t len,
                                      struct vmsg_msg *m, struct vmsg_diag *d)
{
    struct vmsg_cur c = vmsg_cur_make(buf, len);
    m->type = vmsg_cur_u8(&c);
    m->msg_id = vmsg_cur_u8(&c);
    m->dev_num = vmsg_cur_le16(&c);
    m->token = p->token ? vmsg_cur_le16(&c) : 0;
    m->msg_size = p->size_field ? vmsg_cur_le16(&c) : (uint16_t)p->fixed_size;
    no_frame(m);
    return fail(d, VMSG_TRUNCATED, "header: expected %u bytes, got %zu", p->header, len);
}

/* Header members, layout and kind: the part of decoding that needs no
 * payload walk (vmsg_decode and vmsg_decode_header). d may be NULL. Each
 * member is set once: the ones a failure leaves unset (layout, payload,
 * frame) are cleared on that failure's path only. Inlined into both
 * decoders (gcc stops doing that by itself once it is this long). */
__attribute__((always_inline))
static inline enum vmsg_outcome header(const struct vmsg_profile_def *p, unsigned profile, unsigned binding,
                                       const uint8_t *buf, size_t len, struct vmsg_msg *m, struct vmsg_diag *d)
{
    m->profile = (uint8_t)profile;
    m->binding = (uint8_t)binding;
    m->impl_defined = false;
    m->msg_size_override = false;
    m->token_override = false;
    if (!p) {
        no_frame(m);
        return fail(d, VMSG_MALFORMED, "unknown profile %u", profile);
    }
    if (binding >= VMSG_BINDING_COUNT) {
        no_frame(m);
        return fail(d, VMSG_MALFORMED, "unknown bus binding %u", binding);
    }

    if (len < p->header)
        return short_header(p, buf, len, m, d);
    struct vmsg_cur c = vmsg_cur_make(buf, len);
    uint8_t type, id;
    uint16_t dev, size;
    if (p->token && p->size_field && p->header == 8) {
        /* the header of v1 and its kin (type, msg_id, dev_num, token,
         * msg_size) as one 8-byte block: one bounds check */
        struct vmsg_cur h = vmsg_cur_sub(&c, 8);
        type = vmsg_cur_u8(&h);
        id = vmsg_cur_u8(&h);
        dev = vmsg_cur_le16(&h);
        m->token = vmsg_cur_le16(&h);
        size = vmsg_cur_le16(&h);
    } else {
        /* type, msg_id and dev_num open every profile's header: read from
         * one 4-byte block (one bounds check) */
        struct vmsg_cur h = vmsg_cur_sub(&c, 4);
        type = vmsg_cur_u8(&h);
        id = vmsg_cur_u8(&h);
        dev = vmsg_cur_le16(&h);
        m->token = p->token ? vmsg_cur_le16(&c) : 0;
        size = p->size_field ? vmsg_cur_le16(&c) : (uint16_t)p->fixed_size;
    }
    m->type = type;
    m->msg_id = id;
    m->dev_num = dev;
    m->msg_size = size;
    if (c.bad) {
        no_frame(m);
        return fail(d, VMSG_TRUNCATED, "header: expected %u bytes, got %zu", p->header, len);
    }
    unsigned cls = (type >> 1) & 1;
    bool resp = type & 1;
    m->cls = (uint8_t)cls;
    if (size < p->header) {
        no_frame(m);
        return fail(d, VMSG_MALFORMED, "msg_size: %u is smaller than the %u-byte header", size, p->header);
    }
    if (size > len) {
        no_frame(m);
        return fail(d, VMSG_TRUNCATED, "msg_size: message says %u bytes, only %zu captured", size, len);
    }
    m->frame_len = size;
    m->payload = buf + p->header;
    m->payload_len = (uint32_t)(size - p->header);

    /* profile, binding and class are in range: checked above */
    const struct vmsg_msgdef *def = vmsg__msgdef_in(profile, binding, cls, resp, id);
    m->def = def;
    m->kind = vmsg__header_kind(p, def, resp, id);
    if (!def) {
        if (!vmsg__header_id_ok(p, def, id))
            return bad_id(p, m, resp, d);
        m->impl_defined = true;
    }
    return VMSG_OK;
}

enum vmsg_outcome vmsg_decode_header(unsigned profile, unsigned binding, const uint8_t *buf, size_t len,
                                     struct vmsg_msg *m)
{
    return header(vmsg__profile(profile), profile, binding, buf, len, m, NULL);
}

enum vmsg_outcome vmsg_decode(unsigned profile, unsigned binding, const uint8_t *buf, size_t len,
                              struct vmsg_msg *m, struct vmsg_diag *d)
{
    struct vmsg_diag local;
    if (!d)
        d = &local; /* the outcome needs the issue count; text is only formatted on issues */
    d->outcome = VMSG_OK;
    d->nissues = 0;
    d->dropped = 0;
    d->problem[0] = 0;
    const struct vmsg_profile_def *p = vmsg__profile(profile);
    enum vmsg_outcome o = header(p, profile, binding, buf, len, m, d);
    if (o != VMSG_OK)
        return o;
    if (m->def) {
        o = parse_payload(m, d);
        if (o != VMSG_OK)
            return o;
    }

    /* the sender names the clause of an issue: worked out only for one */
    if (m->type & 0xfc) {
        unsigned s = vmsg_msg_sender(m);
        issue(d, "wire.type-reserved",
              role_clause(s, "driver.header.1", "device.header.1",
                          s == VMSG_SENDER_BUS ? "bus.header.2" : "common.reserved-zero.1"),
              "type", "reserved bits 2-7: expected 0, got 0x%02x", m->type & 0xfc);
    }
    if (m->cls == VMSG_CLASS_BUS && m->dev_num != 0)
        issue(d, "wire.bus-dev-num", "bus.header.1", "dev_num", "bus message: expected 0, got %u", m->dev_num);
    if (len > m->frame_len && !all_zero(buf + m->frame_len, len - m->frame_len)) {
        unsigned s = vmsg_msg_sender(m);
        issue(d, "wire.padding", role_clause(s, "driver.header.4", "device.header.4", "bus.header.3"), "padding",
              "%zu bytes after msg_size must be zero", len - m->frame_len);
    }
    /* the value rules walk the fields again only if a field has one (a
     * property of the layout, from vmsg-gen) */
    if (m->def && (m->def->value_rules || m->def->mname == VMSG_M_GET_DEVICES))
        check_values(m, d);
    if (d->nissues || d->dropped)
        d->outcome = VMSG_NONCONFORMANT;
    return d->outcome;
}

bool vmsg_has(const struct vmsg_msg *m, unsigned fld)
{
    int i = m->def ? vmsg_msgdef_field(m->def, fld) : -1;
    return i >= 0 && m->v[i].present;
}

uint64_t vmsg_get(const struct vmsg_msg *m, unsigned fld)
{
    /* vmsg_msgdef_field inline: the checker calls this per frame */
    const struct vmsg_msgdef *def = m->def;
    for (unsigned i = 0; def && i < def->nfields; i++)
        if (def->fields[i].fld == fld)
            return m->v[i].u;
    return 0;
}

const uint8_t *vmsg_get_bytes(const struct vmsg_msg *m, unsigned fld, uint32_t *len)
{
    int i = m->def ? vmsg_msgdef_field(m->def, fld) : -1;
    if (i < 0 || !m->v[i].present) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = m->v[i].len;
    return m->v[i].p;
}

uint32_t vmsg_get_word(const struct vmsg_msg *m, unsigned fld, uint32_t k)
{
    uint32_t len;
    const uint8_t *p = vmsg_get_bytes(m, fld, &len);
    struct vmsg_cur c = vmsg_cur_make(p, p ? len : 0);
    if (!p || (uint64_t)k * 4 >= len || !vmsg_cur_seek(&c, (size_t)k * 4))
        return 0;
    return vmsg_cur_le32(&c);
}
