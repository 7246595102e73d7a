/* The implementation conformance statement: a small table of "section.key"
 * = value entries (vmsg/engine.h). */
#include <string.h>

#include <vmsg/engine.h>

void vmsg_ics_init(struct vmsg_ics *ics)
{
    ics->n = 0;
    ics->dropped = 0;
    ics->pairs[0] = ics->pairs[1] = NULL;
}

bool vmsg_ics_set(struct vmsg_ics *ics, const char *key, const char *value)
{
    size_t k = strlen(key);
    if (!k || k >= sizeof ics->e[0].key)
        return false;
    unsigned i = 0;
    while (i < ics->n && strcmp(ics->e[i].key, key))
        i++;
    if (i == ics->n) {
        if (ics->n == VMSG_ICS_MAX) {
            ics->dropped++;
            return false;
        }
        memcpy(ics->e[ics->n++].key, key, k + 1);
    }
    /* values are cut to fit: they are statements for people and cases, not data */
    size_t v = strlen(value);
    if (v >= sizeof ics->e[i].value)
        v = sizeof ics->e[i].value - 1;
    memcpy(ics->e[i].value, value, v);
    ics->e[i].value[v] = 0;
    return true;
}

const char *vmsg_ics_get(const struct vmsg_ics *ics, const char *key)
{
    for (unsigned i = 0; i < ics->n; i++)
        if (!strcmp(ics->e[i].key, key))
            return ics->e[i].value;
    return NULL;
}

const char *const *vmsg_ics_pairs(struct vmsg_ics *ics)
{
    unsigned k = 0;
    for (unsigned i = 0; i < ics->n; i++) {
        ics->pairs[k++] = ics->e[i].key;
        ics->pairs[k++] = ics->e[i].value;
    }
    ics->pairs[k] = ics->pairs[k + 1] = NULL;
    return ics->pairs;
}
