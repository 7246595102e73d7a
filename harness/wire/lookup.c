/* Schema lookups and names (profiles, bindings, kinds, enum values). */
#include <string.h>

#include <vmsg/wire.h>

#include "wire_internal.h"

const struct vmsg_profile_def *vmsg_profile(unsigned profile) { return vmsg__profile(profile); }

int vmsg_profile_by_name(const char *name)
{
    for (unsigned i = 0; name && i < VMSG_PROFILE_COUNT; i++)
        if (!strcmp(vmsg_profile_defs[i].name, name))
            return (int)i;
    return -1;
}

int vmsg_binding_by_name(const char *name)
{
    for (unsigned i = 0; name && i < VMSG_BINDING_COUNT; i++)
        if (!strcmp(vmsg_binding_defs[i].name, name))
            return (int)i;
    return -1;
}

const char *vmsg_kind_name(unsigned kind)
{
    static const char *names[] = {"req", "resp", "event"};
    return kind < 3 ? names[kind] : "?";
}

const char *vmsg_class_name(unsigned cls) { return cls ? "bus" : "transport"; }

const char *vmsg_sender_name(unsigned sender)
{
    static const char *names[] = {"driver", "device", "any", "bus"};
    return sender < 4 ? names[sender] : "?";
}

const char *vmsg_outcome_name(enum vmsg_outcome o)
{
    switch (o) {
    case VMSG_OK: return "ok";
    case VMSG_NONCONFORMANT: return "nonconformant";
    case VMSG_TRUNCATED: return "truncated";
    case VMSG_MALFORMED: return "malformed";
    }
    return "?";
}

const char *vmsg_enum_value_name(unsigned enum_id, uint32_t value)
{
    if (!enum_id || enum_id >= VMSG_ENUM__COUNT)
        return NULL;
    const struct vmsg_enum_def *e = &vmsg_enum_defs[enum_id];
    for (unsigned i = 0; i < e->nvals; i++)
        if (e->vals[i].value == value)
            return e->vals[i].name;
    return NULL;
}

const struct vmsg_msgdef *vmsg_msgdef_lookup(unsigned profile, unsigned binding, unsigned cls,
                                             bool response, uint8_t id)
{
    return vmsg__msgdef_lookup(profile, binding, cls, response, id);
}

const struct vmsg_msgdef *vmsg_msgdef_find(unsigned profile, unsigned binding, unsigned mname,
                                           unsigned cls, unsigned kind)
{
    if (profile >= VMSG_PROFILE_COUNT)
        return NULL;
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
        if (d->mname != mname || d->cls != cls || d->kind != kind)
            continue;
        if (d->binding ? d->binding == binding : (d->profiles & (1u << profile)) != 0)
            return d;
    }
    return NULL;
}

int vmsg_msgdef_field(const struct vmsg_msgdef *def, unsigned fld)
{
    for (unsigned i = 0; i < def->nfields; i++)
        if (def->fields[i].fld == fld)
            return (int)i;
    return -1;
}

uint32_t vmsg_msgdef_min_payload(const struct vmsg_msgdef *def) { return def->fixed_len; }
