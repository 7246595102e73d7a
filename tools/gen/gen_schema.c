/* vmsg-gen schema: spec/messages.yaml -> OUTDIR/schema_gen.h, schema_gen.c.
 *
 * The generated tables drive the codec (harness/wire), the Wireshark plugin
 * (dissector/) and every name printed by the tools. To add a message or a
 * field, edit spec/messages.yaml; this program computes offsets, checks the
 * entry (unique ids per profile, id ranges, the sizing field exists and comes
 * first, only the last field may be variable) and rebuilds the tables. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../harness/include/vmsg/schema.h"
#include "gen.h"
#include "yamltree.h"

#define MAX_PROFILES 8
#define MAX_BINDINGS 8
#define MAX_MSGS 256
#define MAX_NAMES 256
#define MAX_ENUMS 16
#define MAX_ENUM_VALS 32

struct gprofile {
    char name[32];
    unsigned code, header, fixed_size, max_size, min_bus_max, rec_bus_max;
    bool token, size_field, event_bit, normative;
    char summary[160];
};

struct gbinding {
    char name[32];
    unsigned code;
    char summary[160];
};

struct genum {
    char name[32];
    unsigned n;
    unsigned values[MAX_ENUM_VALS];
    char names[MAX_ENUM_VALS][40];
};

struct gfield {
    char name[40];
    unsigned fld, type, flags, offset, size, div, mult, enum_id;
    int len_field;
    char clause[64];
};

struct gmsg {
    char name[40];
    unsigned mname, cls, id, kind, sender, binding, nfields, fixed_len;
    unsigned profiles;
    struct gfield f[VMSG_MAX_FIELDS];
    char where[300];
};

struct gen {
    struct vmsg__yaml y;
    struct gprofile prof[MAX_PROFILES];
    unsigned nprof;
    struct gbinding bind[MAX_BINDINGS];
    unsigned nbind;
    struct genum enums[MAX_ENUMS];
    unsigned nenums;
    struct gmsg msgs[MAX_MSGS];
    unsigned nmsgs;
    char flds[MAX_NAMES][40];
    unsigned nflds;
    char mnames[MAX_NAMES][40];
    unsigned nmnames;
    int errors;
};

__attribute__((format(printf, 3, 4)))
static void err(struct gen *g, vmsg__ynode *n, const char *fmt, ...)
{
    char where[300];
    vmsg__yaml_where(&g->y, n, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", where);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    g->errors++;
}

static const char *req_str(struct gen *g, vmsg__ynode *map, const char *key)
{
    const char *s = vmsg__yaml_str(vmsg__yaml_get(&g->y, map, key));
    if (!s)
        err(g, map, "missing or non-scalar key '%s'", key);
    return s;
}

static bool get_uint(struct gen *g, vmsg__ynode *map, const char *key, unsigned *out, bool required)
{
    vmsg__ynode *n = vmsg__yaml_get(&g->y, map, key);
    uint64_t v;
    if (!n) {
        if (required)
            err(g, map, "missing key '%s'", key);
        return false;
    }
    if (!vmsg__yaml_u64(n, &v) || v > 0xffffffffu) {
        err(g, n, "'%s' must be an unsigned integer", key);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool get_flag(struct gen *g, vmsg__ynode *map, const char *key)
{
    vmsg__ynode *n = vmsg__yaml_get(&g->y, map, key);
    bool b = false;
    if (n && !vmsg__yaml_bool(n, &b))
        err(g, n, "'%s' must be true or false", key);
    return b;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* C identifier from a schema name: upper case, '-' and '.' become '_'. */
static void ident(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (src[i] == '-' || src[i] == '.') ? '_' : (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

static unsigned intern(char names[][40], unsigned *n, const char *s)
{
    for (unsigned i = 0; i < *n; i++)
        if (!strcmp(names[i], s))
            return i;
    copy(names[*n], 40, s);
    return (*n)++;
}

static int find_profile(const struct gen *g, const char *name)
{
    for (unsigned i = 0; i < g->nprof; i++)
        if (!strcmp(g->prof[i].name, name))
            return (int)i;
    return -1;
}

static int find_enum(const struct gen *g, const char *name)
{
    for (unsigned i = 0; i < g->nenums; i++)
        if (!strcmp(g->enums[i].name, name))
            return (int)i;
    return -1;
}

static void parse_profiles(struct gen *g, vmsg__ynode *seq)
{
    if (!vmsg__yaml_is_seq(seq)) {
        err(g, seq, "'profiles' must be a sequence");
        return;
    }
    for (size_t i = 0; i < vmsg__yaml_len(seq) && g->nprof < MAX_PROFILES; i++) {
        vmsg__ynode *m = vmsg__yaml_item(&g->y, seq, i);
        struct gprofile *p = &g->prof[g->nprof];
        const char *name = req_str(g, m, "name");
        copy(p->name, sizeof p->name, name);
        copy(p->summary, sizeof p->summary, vmsg__yaml_str(vmsg__yaml_get(&g->y, m, "summary")));
        get_uint(g, m, "code", &p->code, true);
        get_uint(g, m, "header", &p->header, true);
        get_uint(g, m, "max_size", &p->max_size, true);
        get_uint(g, m, "min_bus_max", &p->min_bus_max, true);
        get_uint(g, m, "rec_bus_max", &p->rec_bus_max, true);
        get_uint(g, m, "fixed_size", &p->fixed_size, false);
        p->token = get_flag(g, m, "token");
        p->size_field = get_flag(g, m, "size_field");
        p->event_bit = get_flag(g, m, "event_bit");
        p->normative = get_flag(g, m, "normative");
        if (p->code != g->nprof)
            err(g, m, "profile codes must be 0, 1, 2... in order (capture format), got %u", p->code);
        if (p->header != 4 && p->header != 6 && p->header != 8)
            err(g, m, "header must be 4, 6 or 8 bytes");
        g->nprof++;
    }
}

static void parse_bindings(struct gen *g, vmsg__ynode *seq)
{
    if (!seq)
        return;
    for (size_t i = 0; i < vmsg__yaml_len(seq) && g->nbind < MAX_BINDINGS; i++) {
        vmsg__ynode *m = vmsg__yaml_item(&g->y, seq, i);
        struct gbinding *b = &g->bind[g->nbind];
        copy(b->name, sizeof b->name, req_str(g, m, "name"));
        copy(b->summary, sizeof b->summary, vmsg__yaml_str(vmsg__yaml_get(&g->y, m, "summary")));
        get_uint(g, m, "code", &b->code, true);
        if (b->code != g->nbind + 1)
            err(g, m, "binding codes must be 1, 2... in order");
        g->nbind++;
    }
}

static void parse_enums(struct gen *g, vmsg__ynode *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < vmsg__yaml_len(map) && g->nenums < MAX_ENUMS; i++) {
        struct genum *e = &g->enums[g->nenums];
        copy(e->name, sizeof e->name, vmsg__yaml_str(vmsg__yaml_key(&g->y, map, i)));
        vmsg__ynode *seq = vmsg__yaml_val(&g->y, map, i);
        for (size_t k = 0; k < vmsg__yaml_len(seq) && e->n < MAX_ENUM_VALS; k++) {
            vmsg__ynode *v = vmsg__yaml_item(&g->y, seq, k);
            get_uint(g, v, "value", &e->values[e->n], true);
            copy(e->names[e->n], sizeof e->names[0], req_str(g, v, "name"));
            e->n++;
        }
        g->nenums++;
    }
}

static unsigned ftype_of(struct gen *g, vmsg__ynode *n, const char *t, unsigned *width)
{
    static const struct { const char *name; unsigned type, width; } types[] = {
        {"u8", VMSG_FT_U8, 1},       {"le16", VMSG_FT_LE16, 2},   {"le24", VMSG_FT_LE24, 3},
        {"le32", VMSG_FT_LE32, 4},   {"le64", VMSG_FT_LE64, 8},   {"uuid", VMSG_FT_UUID, 16},
        {"bytes", VMSG_FT_BYTES, 0}, {"le32[]", VMSG_FT_LE32_ARRAY, 0},
    };
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(t, types[i].name)) {
            *width = types[i].width;
            return types[i].type;
        }
    err(g, n, "unknown field type '%s'", t ? t : "");
    *width = 0;
    return VMSG_FT_U8;
}

static void parse_fields(struct gen *g, struct gmsg *m, vmsg__ynode *seq)
{
    unsigned off = 0;
    if (!vmsg__yaml_is_seq(seq)) {
        err(g, seq, "%s: payload must be a sequence of fields", m->name);
        return;
    }
    for (size_t i = 0; i < vmsg__yaml_len(seq); i++) {
        vmsg__ynode *n = vmsg__yaml_item(&g->y, seq, i);
        if (m->nfields >= VMSG_MAX_FIELDS) {
            err(g, n, "%s: more than %d fields", m->name, VMSG_MAX_FIELDS);
            return;
        }
        struct gfield *f = &m->f[m->nfields];
        memset(f, 0, sizeof *f);
        f->len_field = -1;
        f->div = 1;
        const char *name = req_str(g, n, "name");
        if (!name)
            return;
        copy(f->name, sizeof f->name, name);
        f->fld = intern(g->flds, &g->nflds, name);
        for (unsigned k = 0; k < m->nfields; k++)
            if (!strcmp(m->f[k].name, name))
                err(g, n, "%s: field '%s' appears twice", m->name, name);
        unsigned width;
        f->type = ftype_of(g, n, vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "type")), &width);
        f->size = width;
        f->offset = off;
        if (get_flag(g, n, "mbz"))
            f->flags |= VMSG_FF_MBZ;
        if (get_flag(g, n, "optional"))
            f->flags |= VMSG_FF_OPTIONAL;
        const char *fmt = vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "fmt"));
        if (fmt && !strcmp(fmt, "hex"))
            f->flags |= VMSG_FF_HEX;
        else if (fmt)
            err(g, n, "unknown fmt '%s'", fmt);
        const char *en = vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "enum"));
        const char *bits = vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "bits"));
        if (en || bits) {
            int e = find_enum(g, en ? en : bits);
            if (e < 0)
                err(g, n, "unknown enum '%s'", en ? en : bits);
            f->enum_id = (unsigned)(e + 1);
            if (bits)
                f->flags |= VMSG_FF_BITS;
        }
        if (get_uint(g, n, "multiple_of", &f->mult, false)) {
            const char *cl = vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "clause"));
            if (!cl)
                err(g, n, "multiple_of needs the clause it enforces");
            copy(f->clause, sizeof f->clause, cl);
        }
        if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_LE32_ARRAY) {
            unsigned size = 0;
            const char *len = vmsg__yaml_str(vmsg__yaml_get(&g->y, n, "len"));
            if (get_uint(g, n, "size", &size, false)) {
                if (len)
                    err(g, n, "give either size or len");
                f->size = size;
            } else if (len && !strcmp(len, "rest")) {
                f->flags |= VMSG_FF_VAR | VMSG_FF_REST;
            } else if (len) {
                f->flags |= VMSG_FF_VAR;
                for (unsigned k = 0; k < m->nfields; k++)
                    if (!strcmp(m->f[k].name, len))
                        f->len_field = (int)k;
                if (f->len_field < 0)
                    err(g, n, "%s.%s: len '%s' must name an earlier field", m->name, name, len);
                get_uint(g, n, "div", &f->div, false);
                if (!f->div)
                    err(g, n, "div must not be 0");
            } else {
                err(g, n, "%s.%s: a byte array needs size or len", m->name, name);
            }
            if (f->type == VMSG_FT_LE32_ARRAY && !(f->flags & VMSG_FF_VAR))
                err(g, n, "le32[] needs len");
        }
        if (off && m->nfields && (m->f[m->nfields - 1].flags & VMSG_FF_VAR))
            err(g, n, "%s: only the last field may be variable-length", m->name);
        off += f->size;
        m->nfields++;
    }
    m->fixed_len = off;
}

static void add_msg(struct gen *g, vmsg__ynode *entry, const struct gmsg *base, unsigned kind, vmsg__ynode *payload)
{
    if (g->nmsgs >= MAX_MSGS) {
        err(g, entry, "too many messages");
        return;
    }
    struct gmsg *m = &g->msgs[g->nmsgs];
    *m = *base;
    m->kind = kind;
    parse_fields(g, m, payload);
    g->nmsgs++;
}

static void parse_messages(struct gen *g, vmsg__ynode *seq)
{
    if (!vmsg__yaml_is_seq(seq)) {
        err(g, seq, "'messages' must be a sequence");
        return;
    }
    for (size_t i = 0; i < vmsg__yaml_len(seq); i++) {
        vmsg__ynode *e = vmsg__yaml_item(&g->y, seq, i);
        struct gmsg base;
        memset(&base, 0, sizeof base);
        vmsg__yaml_where(&g->y, e, base.where, sizeof base.where);
        const char *name = req_str(g, e, "name");
        const char *cls = req_str(g, e, "class");
        const char *sender = req_str(g, e, "sender");
        if (!name || !cls || !sender)
            continue;
        copy(base.name, sizeof base.name, name);
        base.mname = intern(g->mnames, &g->nmnames, name);
        if (!strcmp(cls, "transport"))
            base.cls = VMSG_CLASS_TRANSPORT;
        else if (!strcmp(cls, "bus"))
            base.cls = VMSG_CLASS_BUS;
        else
            err(g, e, "class must be transport or bus");
        if (!strcmp(sender, "driver"))
            base.sender = VMSG_SENDER_DRIVER;
        else if (!strcmp(sender, "device"))
            base.sender = VMSG_SENDER_DEVICE;
        else if (!strcmp(sender, "any"))
            base.sender = VMSG_SENDER_ANY;
        else if (!strcmp(sender, "bus"))
            base.sender = VMSG_SENDER_BUS;
        else
            err(g, e, "sender must be driver, device, any or bus");
        if (!get_uint(g, e, "id", &base.id, true) || base.id > 0xff)
            err(g, e, "id must be 0x00-0xff");
        vmsg__ynode *profs = vmsg__yaml_get(&g->y, e, "profiles");
        const char *binding = vmsg__yaml_str(vmsg__yaml_get(&g->y, e, "binding"));
        if (!!profs == !!binding)
            err(g, e, "%s: give exactly one of profiles or binding", name);
        for (size_t k = 0; k < vmsg__yaml_len(profs); k++) {
            const char *pn = vmsg__yaml_str(vmsg__yaml_item(&g->y, profs, k));
            int p = pn ? find_profile(g, pn) : -1;
            if (p < 0)
                err(g, profs, "unknown profile '%s'", pn ? pn : "");
            else
                base.profiles |= 1u << p;
        }
        if (binding) {
            for (unsigned b = 0; b < g->nbind; b++)
                if (!strcmp(g->bind[b].name, binding))
                    base.binding = b + 1;
            if (!base.binding)
                err(g, e, "unknown binding '%s'", binding);
            if (base.cls != VMSG_CLASS_BUS || base.id < 0x80)
                err(g, e, "%s: binding messages are bus messages with ids 0x80-0xff", name);
        }
        vmsg__ynode *req = vmsg__yaml_get(&g->y, e, "request");
        vmsg__ynode *resp = vmsg__yaml_get(&g->y, e, "response");
        vmsg__ynode *ev = vmsg__yaml_get(&g->y, e, "event");
        if (ev && (req || resp))
            err(g, e, "%s: an event has no request or response", name);
        if (!ev && !(req && resp))
            err(g, e, "%s: give request and response, or event", name);
        if (ev)
            add_msg(g, e, &base, VMSG_KIND_EVENT, ev);
        if (req)
            add_msg(g, e, &base, VMSG_KIND_REQUEST, req);
        if (resp)
            add_msg(g, e, &base, VMSG_KIND_RESPONSE, resp);
        /* id ranges where the profile has them */
        for (unsigned p = 0; p < g->nprof; p++) {
            if (!(base.profiles & (1u << p)) || !g->prof[p].event_bit)
                continue;
            bool is_event_id = (base.id & 0x40) != 0;
            if (is_event_id != !!ev)
                err(g, e, "%s: id 0x%02x is in the %s range of profile %s", name, base.id,
                    is_event_id ? "event" : "request", g->prof[p].name);
        }
    }
}

/* The same (profile or binding, class, id, response bit) may be defined once. */
static void check_unique(struct gen *g)
{
    for (unsigned a = 0; a < g->nmsgs; a++)
        for (unsigned b = a + 1; b < g->nmsgs; b++) {
            const struct gmsg *x = &g->msgs[a], *y = &g->msgs[b];
            bool rx = x->kind == VMSG_KIND_RESPONSE, ry = y->kind == VMSG_KIND_RESPONSE;
            if (x->cls != y->cls || x->id != y->id || rx != ry || x->binding != y->binding)
                continue;
            if (x->binding ? true : (x->profiles & y->profiles) != 0) {
                fprintf(stderr, "%s: %s clashes with %s (%s) on class/id/kind\n", y->where, y->name,
                        x->name, x->where);
                g->errors++;
            }
        }
}

static const char *ftype_c[] = {"VMSG_FT_U8",   "VMSG_FT_LE16",  "VMSG_FT_LE24",      "VMSG_FT_LE32",
                                "VMSG_FT_LE64", "VMSG_FT_UUID",  "VMSG_FT_BYTES",     "VMSG_FT_LE32_ARRAY"};
static const char *kind_c[] = {"VMSG_KIND_REQUEST", "VMSG_KIND_RESPONSE", "VMSG_KIND_EVENT"};
static const char *sender_c[] = {"VMSG_SENDER_DRIVER", "VMSG_SENDER_DEVICE", "VMSG_SENDER_ANY", "VMSG_SENDER_BUS"};
static const char *kind_short[] = {"req", "resp", "event"};

static void flags_c(unsigned flags, char *buf, size_t cap)
{
    static const char *names[] = {"VMSG_FF_MBZ", "VMSG_FF_OPTIONAL", "VMSG_FF_HEX",
                                  "VMSG_FF_BITS", "VMSG_FF_REST", "VMSG_FF_VAR"};
    buf[0] = 0;
    for (unsigned i = 0; i < 6; i++)
        if (flags & (1u << i))
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? " | " : "", names[i]);
    if (!buf[0])
        snprintf(buf, cap, "0");
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s.tmp", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        perror(path);
    return f;
}

/* Write to NAME.tmp then rename, so an interrupted build never leaves half a table. */
static int close_out(FILE *f, const char *dir, const char *name, const char *tmp)
{
    char final[600];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    if (fclose(f) != 0 || rename(tmp, final) != 0) {
        perror(final);
        return 2;
    }
    return 0;
}

static int emit_header(struct gen *g, const char *dir)
{
    char tmp[600], id[64], id2[64];
    FILE *f = open_out(dir, "schema_gen.h", tmp, sizeof tmp);
    if (!f)
        return 2;
    fprintf(f, "/* generated by vmsg-gen from spec/messages.yaml; do not edit */\n"
               "#ifndef VMSG_SCHEMA_GEN_H\n#define VMSG_SCHEMA_GEN_H\n\n#include <vmsg/schema.h>\n\n");
    fprintf(f, "enum vmsg_profile {\n");
    for (unsigned i = 0; i < g->nprof; i++) {
        ident(id, sizeof id, g->prof[i].name);
        fprintf(f, "    VMSG_PROFILE_%s = %u,\n", id, i);
    }
    fprintf(f, "    VMSG_PROFILE_COUNT = %u,\n    VMSG_PROFILE_UNKNOWN = 255\n};\n\n", g->nprof);
    fprintf(f, "enum vmsg_binding {\n    VMSG_BINDING_NONE = 0,\n");
    for (unsigned i = 0; i < g->nbind; i++) {
        ident(id, sizeof id, g->bind[i].name);
        fprintf(f, "    VMSG_BINDING_%s = %u,\n", id, i + 1);
    }
    fprintf(f, "    VMSG_BINDING_COUNT = %u\n};\n\n", g->nbind + 1);
    fprintf(f, "/* profile-neutral field identities */\nenum vmsg_fld {\n");
    for (unsigned i = 0; i < g->nflds; i++) {
        ident(id, sizeof id, g->flds[i]);
        fprintf(f, "    VMSG_FLD_%s = %u,\n", id, i);
    }
    fprintf(f, "    VMSG_FLD__COUNT = %u\n};\n\n", g->nflds);
    fprintf(f, "/* message names (the same name may have several layouts and classes) */\nenum vmsg_mname {\n");
    for (unsigned i = 0; i < g->nmnames; i++) {
        ident(id, sizeof id, g->mnames[i]);
        fprintf(f, "    VMSG_M_%s = %u,\n", id, i);
    }
    fprintf(f, "    VMSG_M__COUNT = %u\n};\n\n", g->nmnames);
    fprintf(f, "enum vmsg_enum_id {\n    VMSG_ENUM_NONE = 0,\n");
    for (unsigned i = 0; i < g->nenums; i++) {
        ident(id, sizeof id, g->enums[i].name);
        fprintf(f, "    VMSG_ENUM_%s = %u,\n", id, i + 1);
    }
    fprintf(f, "    VMSG_ENUM__COUNT = %u\n};\n\n", g->nenums + 1);
    for (unsigned i = 0; i < g->nenums; i++) {
        ident(id, sizeof id, g->enums[i].name);
        fprintf(f, "enum {\n");
        for (unsigned k = 0; k < g->enums[i].n; k++) {
            ident(id2, sizeof id2, g->enums[i].names[k]);
            fprintf(f, "    VMSG_%s_%s = 0x%x,\n", id, id2, g->enums[i].values[k]);
        }
        fprintf(f, "};\n");
    }
    fprintf(f, "\nextern const struct vmsg_profile_def vmsg_profile_defs[VMSG_PROFILE_COUNT];\n"
               "extern const struct vmsg_binding_def vmsg_binding_defs[VMSG_BINDING_COUNT];\n"
               "extern const struct vmsg_enum_def vmsg_enum_defs[VMSG_ENUM__COUNT];\n"
               "extern const char *const vmsg_fld_names[VMSG_FLD__COUNT];\n"
               "extern const char *const vmsg_mname_names[VMSG_M__COUNT];\n"
               "#define VMSG_MSGDEF_COUNT %u\n"
               "extern const struct vmsg_msgdef vmsg_msgdefs[VMSG_MSGDEF_COUNT];\n"
               "/* msgdef index + 1 per [profile][class][response bit][msg_id]; 0 = undefined */\n"
               "extern const uint16_t vmsg__schema_lut[VMSG_PROFILE_COUNT][2][2][256];\n"
               "/* msgdef index + 1 per [binding][response bit][msg_id - 0x80] (bus class) */\n"
               "extern const uint16_t vmsg__schema_blut[VMSG_BINDING_COUNT][2][128];\n"
               "\n#endif\n",
            g->nmsgs);
    return close_out(f, dir, "schema_gen.h", tmp);
}

static int emit_source(struct gen *g, const char *dir)
{
    char tmp[600], id[64], fl[160];
    FILE *f = open_out(dir, "schema_gen.c", tmp, sizeof tmp);
    if (!f)
        return 2;
    fprintf(f, "/* generated by vmsg-gen from spec/messages.yaml; do not edit */\n"
               "#include <vmsg/schema_gen.h>\n\n");
    fprintf(f, "const struct vmsg_profile_def vmsg_profile_defs[VMSG_PROFILE_COUNT] = {\n");
    for (unsigned i = 0; i < g->nprof; i++) {
        const struct gprofile *p = &g->prof[i];
        fprintf(f, "    {\"%s\", %u, %u, %s, %s, %s, %u, %u, %u, %u, %s, \"%s\"},\n", p->name, p->code,
                p->header, p->token ? "true" : "false", p->size_field ? "true" : "false",
                p->event_bit ? "true" : "false", p->fixed_size, p->max_size, p->min_bus_max,
                p->rec_bus_max, p->normative ? "true" : "false", p->summary);
    }
    fprintf(f, "};\n\nconst struct vmsg_binding_def vmsg_binding_defs[VMSG_BINDING_COUNT] = {\n"
               "    {\"none\", 0, \"the profile's own bus messages only\"},\n");
    for (unsigned i = 0; i < g->nbind; i++)
        fprintf(f, "    {\"%s\", %u, \"%s\"},\n", g->bind[i].name, g->bind[i].code, g->bind[i].summary);
    fprintf(f, "};\n\n");
    for (unsigned i = 0; i < g->nenums; i++) {
        fprintf(f, "static const struct vmsg_enum_val enum_%u[] = {\n", i);
        for (unsigned k = 0; k < g->enums[i].n; k++)
            fprintf(f, "    {0x%x, \"%s\"},\n", g->enums[i].values[k], g->enums[i].names[k]);
        fprintf(f, "};\n");
    }
    fprintf(f, "\nconst struct vmsg_enum_def vmsg_enum_defs[VMSG_ENUM__COUNT] = {\n    {\"none\", 0, 0},\n");
    for (unsigned i = 0; i < g->nenums; i++)
        fprintf(f, "    {\"%s\", %u, enum_%u},\n", g->enums[i].name, g->enums[i].n, i);
    fprintf(f, "};\n\nconst char *const vmsg_fld_names[VMSG_FLD__COUNT] = {\n");
    for (unsigned i = 0; i < g->nflds; i++)
        fprintf(f, "    \"%s\",\n", g->flds[i]);
    fprintf(f, "};\n\nconst char *const vmsg_mname_names[VMSG_M__COUNT] = {\n");
    for (unsigned i = 0; i < g->nmnames; i++)
        fprintf(f, "    \"%s\",\n", g->mnames[i]);
    fprintf(f, "};\n\n");
    for (unsigned i = 0; i < g->nmsgs; i++) {
        const struct gmsg *m = &g->msgs[i];
        if (!m->nfields)
            continue;
        fprintf(f, "static const struct vmsg_fielddef fields_%u[] = { /* %s %s */\n", i, m->name,
                kind_short[m->kind]);
        for (unsigned k = 0; k < m->nfields; k++) {
            const struct gfield *x = &m->f[k];
            flags_c(x->flags, fl, sizeof fl);
            ident(id, sizeof id, x->name);
            fprintf(f, "    {\"%s\", VMSG_FLD_%s, %s, %s, %u, %u, %d, %u, %u, %s%s%s, %u},\n", x->name, id,
                    ftype_c[x->type], fl, x->offset, x->size, x->len_field, x->div, x->mult,
                    x->clause[0] ? "\"" : "", x->clause[0] ? x->clause : "0", x->clause[0] ? "\"" : "",
                    x->enum_id);
        }
        fprintf(f, "};\n");
    }
    fprintf(f, "\nconst struct vmsg_msgdef vmsg_msgdefs[VMSG_MSGDEF_COUNT] = {\n");
    for (unsigned i = 0; i < g->nmsgs; i++) {
        const struct gmsg *m = &g->msgs[i];
        ident(id, sizeof id, m->name);
        char fields[32];
        if (m->nfields)
            snprintf(fields, sizeof fields, "fields_%u", i);
        else
            snprintf(fields, sizeof fields, "0");
        bool rules = false;
        for (unsigned k = 0; k < m->nfields; k++)
            rules |= (m->f[k].flags & VMSG_FF_MBZ) || m->f[k].mult;
        fprintf(f, "    {\"%s\", VMSG_M_%s, %s, 0x%02x, %s, %s, %u, %u, 0x%x, %u, %s, %s},\n", m->name, id,
                m->cls ? "VMSG_CLASS_BUS" : "VMSG_CLASS_TRANSPORT", m->id, kind_c[m->kind],
                sender_c[m->sender], m->binding, m->nfields, m->profiles, m->fixed_len, rules ? "true" : "false",
                fields);
    }
    fprintf(f, "};\n\nconst uint16_t vmsg__schema_lut[VMSG_PROFILE_COUNT][2][2][256] = {\n");
    for (unsigned i = 0; i < g->nmsgs; i++) {
        const struct gmsg *m = &g->msgs[i];
        for (unsigned p = 0; p < g->nprof; p++)
            if (!m->binding && (m->profiles & (1u << p)))
                fprintf(f, "    [%u][%u][%u][0x%02x] = %u,\n", p, m->cls, m->kind == VMSG_KIND_RESPONSE, m->id,
                        i + 1);
    }
    fprintf(f, "};\n\nconst uint16_t vmsg__schema_blut[VMSG_BINDING_COUNT][2][128] = {\n");
    for (unsigned i = 0; i < g->nmsgs; i++) {
        const struct gmsg *m = &g->msgs[i];
        if (m->binding)
            fprintf(f, "    [%u][%u][0x%02x] = %u,\n", m->binding, m->kind == VMSG_KIND_RESPONSE, m->id - 0x80,
                    i + 1);
    }
    fprintf(f, "};\n");
    return close_out(f, dir, "schema_gen.c", tmp);
}

int vmsg__gen_schema(const char *yaml_path, const char *outdir)
{
    static struct gen g; /* large; the generator is a one-shot program */
    char e[512];
    memset(&g, 0, sizeof g);
    if (!vmsg__yaml_load_file(&g.y, yaml_path, e, sizeof e)) {
        fprintf(stderr, "%s\n", e);
        return 2;
    }
    vmsg__ynode *root = vmsg__yaml_root(&g.y);
    if (!vmsg__yaml_is_map(root)) {
        err(&g, root, "top level must be a mapping");
    } else {
        parse_profiles(&g, vmsg__yaml_get(&g.y, root, "profiles"));
        parse_bindings(&g, vmsg__yaml_get(&g.y, root, "bindings"));
        parse_enums(&g, vmsg__yaml_get(&g.y, root, "enums"));
        parse_messages(&g, vmsg__yaml_get(&g.y, root, "messages"));
        check_unique(&g);
    }
    int rc = 0;
    if (g.errors) {
        fprintf(stderr, "vmsg-gen: %s: %d error(s), nothing written\n", yaml_path, g.errors);
        rc = 2;
    } else {
        rc = emit_header(&g, outdir);
        if (!rc)
            rc = emit_source(&g, outdir);
    }
    vmsg__yaml_free(&g.y);
    return rc;
}
