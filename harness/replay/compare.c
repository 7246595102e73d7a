/* Replay comparison: the ignore groups and the field-by-field comparison of
 * a recorded message with the one the implementation sent. */
#include <stdio.h>
#include <string.h>

#include <vmsg/replay.h>
#include <vmsg/wire.h>

#include "replay_internal.h"

static const struct {
    const char *name;
    unsigned flds[6];
    unsigned n;
} k_groups[] = {
    {"generation", {VMSG_FLD_GENERATION}, 1},
    {"addresses", {VMSG_FLD_DESC_ADDR, VMSG_FLD_DRIVER_ADDR, VMSG_FLD_DEVICE_ADDR, VMSG_FLD_ADDRESS, VMSG_FLD_MEM_HANDLE}, 5},
    {"data", {VMSG_FLD_DATA}, 1},
    {"features", {VMSG_FLD_FEATURES, VMSG_FLD_FEATURE_DATA}, 2},
    {"status", {VMSG_FLD_STATUS}, 1},
};

const char *vmsg_replay_ignore_groups(void)
{
    return "token, dev_num, generation, addresses, data, features, status, or a field name";
}

bool vmsg_replay_ignore_parse(struct vmsg_replay_ignore *ig, const char *list, char *err, size_t errcap)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        char w[64];
        if (n == 0 || n >= sizeof w) {
            snprintf(err, errcap, "--ignore: expected a comma-separated list (%s), got '%s'",
                     vmsg_replay_ignore_groups(), list);
            return false;
        }
        memcpy(w, p, n);
        w[n] = 0;
        bool known = false;
        if (!strcmp(w, "token"))
            known = ig->token = true;
        else if (!strcmp(w, "dev_num"))
            known = ig->dev_num = true;
        for (size_t g = 0; !known && g < sizeof k_groups / sizeof k_groups[0]; g++)
            if (!strcmp(w, k_groups[g].name)) {
                for (unsigned k = 0; k < k_groups[g].n; k++)
                    ig->fld[k_groups[g].flds[k]] = true;
                known = true;
            }
        for (unsigned f = 0; !known && f < VMSG_FLD__COUNT; f++)
            if (!strcmp(w, vmsg_fld_names[f]))
                known = ig->fld[f] = true;
        if (!known) {
            snprintf(err, errcap, "--ignore: unknown field or group '%s' (%s)", w, vmsg_replay_ignore_groups());
            return false;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return true;
}

static void value_text(const struct vmsg_fielddef *fd, const struct vmsg_val *v, char *out, size_t cap)
{
    if (!v->present) {
        snprintf(out, cap, "(absent)");
        return;
    }
    if (fd->type == VMSG_FT_BYTES || fd->type == VMSG_FT_LE32_ARRAY || fd->type == VMSG_FT_UUID) {
        size_t o = (size_t)snprintf(out, cap, "%u bytes", (unsigned)v->len);
        for (uint32_t i = 0; i < v->len && i < 16 && o + 4 < cap; i++)
            o += (size_t)snprintf(out + o, cap - o, "%s%02x", i ? "" : " ", v->p[i]);
        if (v->len > 16 && o + 4 < cap)
            snprintf(out + o, cap - o, "...");
        return;
    }
    if (fd->flags & (VMSG_FF_HEX | VMSG_FF_BITS))
        snprintf(out, cap, "0x%llx", (unsigned long long)v->u);
    else
        snprintf(out, cap, "%llu", (unsigned long long)v->u);
}

static bool same_val(const struct vmsg_fielddef *fd, const struct vmsg_val *a, const struct vmsg_val *b)
{
    if (a->present != b->present)
        return false;
    if (!a->present)
        return true;
    if (fd->type == VMSG_FT_BYTES || fd->type == VMSG_FT_LE32_ARRAY || fd->type == VMSG_FT_UUID)
        return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
    return a->u == b->u;
}

/* First difference (and how many more) into d; false when they match. */
bool vmsg__replay_compare(const struct vmsg_replay_opts *o, const uint8_t *exp, size_t elen, const uint8_t *got,
                          size_t glen, struct vmsg_replay_divergence *d)
{
    if (elen == glen && memcmp(exp, got, elen) == 0)
        return false; /* equal bytes are equal under any mask: nothing to decode */
    struct vmsg_msg me, mg;
    enum vmsg_outcome oe = vmsg_decode(o->profile, o->binding, exp, elen, &me, NULL);
    enum vmsg_outcome og = vmsg_decode(o->profile, o->binding, got, glen, &mg, NULL);
    bool de = oe == VMSG_OK || oe == VMSG_NONCONFORMANT, dg = og == VMSG_OK || og == VMSG_NONCONFORMANT;
    unsigned diffs = 0;
#define DIFF(name, ...)                                                                                          \
    do {                                                                                                         \
        if (diffs++ == 0) {                                                                                      \
            snprintf(d->field, sizeof d->field, "%s", name);                                                     \
            snprintf(d->expected, sizeof d->expected, __VA_ARGS__);                                              \
        }                                                                                                        \
    } while (0)
    if (!de || !dg) {
        /* at least one does not decode: compare the bytes */
        if (elen == glen && memcmp(exp, got, elen) == 0)
            return false;
        DIFF("bytes", "%s (%zu bytes)", vmsg_outcome_name(oe), elen);
        snprintf(d->got, sizeof d->got, "%s (%zu bytes)", vmsg_outcome_name(og), glen);
    } else if (me.def != mg.def || me.kind != mg.kind || me.cls != mg.cls || me.msg_id != mg.msg_id) {
        DIFF("message", "%s %s", me.def ? me.def->name : "?", vmsg_kind_name(me.kind));
        snprintf(d->got, sizeof d->got, "%s %s", mg.def ? mg.def->name : "?", vmsg_kind_name(mg.kind));
    } else {
        if (me.type != mg.type) {
            DIFF("type", "0x%02x", me.type);
            if (diffs == 1)
                snprintf(d->got, sizeof d->got, "0x%02x", mg.type);
        }
        if (!o->ignore.dev_num && me.dev_num != mg.dev_num) {
            DIFF("dev_num", "%u", me.dev_num);
            if (diffs == 1)
                snprintf(d->got, sizeof d->got, "%u", mg.dev_num);
        }
        if (!o->ignore.token && me.token != mg.token) {
            DIFF("token", "%u", me.token);
            if (diffs == 1)
                snprintf(d->got, sizeof d->got, "%u", mg.token);
        }
        for (unsigned i = 0; me.def && i < me.def->nfields; i++) {
            const struct vmsg_fielddef *fd = &me.def->fields[i];
            if (fd->fld < VMSG_FLD__COUNT && o->ignore.fld[fd->fld])
                continue;
            /* a count that sizes an ignored field may differ with it */
            bool sizes_ignored = false;
            for (unsigned k = 0; k < me.def->nfields; k++)
                if (me.def->fields[k].len_field == (int)i && me.def->fields[k].fld < VMSG_FLD__COUNT &&
                    o->ignore.fld[me.def->fields[k].fld])
                    sizes_ignored = true;
            if (sizes_ignored || same_val(fd, &me.v[i], &mg.v[i]))
                continue;
            char e[128], g[128];
            value_text(fd, &me.v[i], e, sizeof e);
            value_text(fd, &mg.v[i], g, sizeof g);
            DIFF(fd->name, "%s", e);
            if (diffs == 1)
                snprintf(d->got, sizeof d->got, "%s", g);
        }
    }
#undef DIFF
    if (!diffs)
        return false;
    d->more = diffs - 1;
    if (de)
        vmsg_summary(&me, d->expected_msg, sizeof d->expected_msg);
    else
        snprintf(d->expected_msg, sizeof d->expected_msg, "(%zu bytes, %s)", elen, vmsg_outcome_name(oe));
    if (dg)
        vmsg_summary(&mg, d->got_msg, sizeof d->got_msg);
    else
        snprintf(d->got_msg, sizeof d->got_msg, "(%zu bytes, %s)", glen, vmsg_outcome_name(og));
    return true;
}
