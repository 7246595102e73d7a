/* The fault catalog: the table is the VMSG_FAULTS X-macro in vmsg/ref.h. */
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>

static const struct vmsg_fault table[] = {
#define X(role, e, name, clause, desc) {VMSG_FAULT_##e, VMSG_FAULT_##role, name, clause, desc},
    VMSG_FAULTS(X)
#undef X
};

const struct vmsg_fault *vmsg_faults(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const struct vmsg_fault *vmsg_fault_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const char *vmsg_fault_role_name(enum vmsg_fault_role role)
{
    switch (role) {
    case VMSG_FAULT_DEV: return "dev";
    case VMSG_FAULT_DRV: return "drv";
    case VMSG_FAULT_BUS: return "bus";
    }
    return "?";
}

void vmsg_faults_print(FILE *out, enum vmsg_fault_role role)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].role == role)
            fprintf(out, "%-44s %-26s %s\n", table[i].name, table[i].clause, table[i].description);
}

bool vmsg_fault_set_parse(struct vmsg_fault_set *fs, enum vmsg_fault_role role, const char *list,
                          char *err, size_t errlen)
{
    const char *p = list;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (n == 0 || n >= sizeof name) {
            snprintf(err, errlen, "bad fault list '%s'", list);
            return false;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        const struct vmsg_fault *f = vmsg_fault_by_name(name);
        if (!f) {
            snprintf(err, errlen, "unknown fault '%s' (see --list-faults)", name);
            return false;
        }
        if (f->role != role) {
            snprintf(err, errlen, "fault '%s' is not a %s fault", name, vmsg_fault_role_name(role));
            return false;
        }
        fs->on[f->id] = 1;
        p = comma ? comma + 1 : NULL;
    }
    return true;
}
