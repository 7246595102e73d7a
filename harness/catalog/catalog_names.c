/* Names of roles, levels, testability and profiles; level folding. Shared
 * with vmsg-gen and spec-lint (no dependency on the generated table). */
#include <string.h>

#include "vmsg/catalog.h"

static const char *const role_names[VMSG_ROLE_COUNT] = {"driver", "device", "bus", "any"};
static const char *const level_names[VMSG_LEVEL_COUNT] = {
    "MUST", "MUST NOT",    "SHOULD",          "SHOULD NOT", "MAY",      "REQUIRED",
    "SHALL", "SHALL NOT", "RECOMMENDED", "NOT RECOMMENDED", "OPTIONAL",
};
static const char *const test_names[VMSG_TESTABILITY_COUNT] = {"active", "passive", "both",
                                                               "untestable"};
static const char *const profile_names[VMSG_CLAUSE_PROFILE_COUNT] = {"v1", "v1-noresv", "rfc2",
                                                                     "v0", "v2-draft"};

static int lookup(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    return -1;
}

const char *vmsg_role_name(enum vmsg_role r)
{
    return (unsigned)r < VMSG_ROLE_COUNT ? role_names[r] : NULL;
}

const char *vmsg_level_name(enum vmsg_level l)
{
    return (unsigned)l < VMSG_LEVEL_COUNT ? level_names[l] : NULL;
}

const char *vmsg_testability_name(enum vmsg_testability t)
{
    return (unsigned)t < VMSG_TESTABILITY_COUNT ? test_names[t] : NULL;
}

const char *vmsg_clause_profile_name(unsigned code)
{
    return code < VMSG_CLAUSE_PROFILE_COUNT ? profile_names[code] : NULL;
}

bool vmsg_role_parse(const char *s, enum vmsg_role *out)
{
    int i = lookup(role_names, VMSG_ROLE_COUNT, s);
    if (i < 0)
        return false;
    *out = (enum vmsg_role)i;
    return true;
}

bool vmsg_level_parse(const char *s, enum vmsg_level *out)
{
    int i = lookup(level_names, VMSG_LEVEL_COUNT, s);
    if (i < 0)
        return false;
    *out = (enum vmsg_level)i;
    return true;
}

bool vmsg_testability_parse(const char *s, enum vmsg_testability *out)
{
    int i = lookup(test_names, VMSG_TESTABILITY_COUNT, s);
    if (i < 0)
        return false;
    *out = (enum vmsg_testability)i;
    return true;
}

bool vmsg_clause_profile_parse(const char *s, unsigned *code)
{
    int i = lookup(profile_names, VMSG_CLAUSE_PROFILE_COUNT, s);
    if (i < 0)
        return false;
    *code = (unsigned)i;
    return true;
}

static int rank(enum vmsg_level l)
{
    switch (l) {
    case VMSG_LEVEL_MUST:
    case VMSG_LEVEL_MUST_NOT:
    case VMSG_LEVEL_REQUIRED:
    case VMSG_LEVEL_SHALL:
    case VMSG_LEVEL_SHALL_NOT:
        return 3;
    case VMSG_LEVEL_SHOULD:
    case VMSG_LEVEL_SHOULD_NOT:
    case VMSG_LEVEL_RECOMMENDED:
    case VMSG_LEVEL_NOT_RECOMMENDED:
        return 2;
    default:
        return 1;
    }
}

enum vmsg_level vmsg_clause_strength(const struct vmsg_clause *c)
{
    int best = 1;
    for (unsigned i = 0; c && i < c->nlevels; i++)
        if (rank((enum vmsg_level)c->levels[i]) > best)
            best = rank((enum vmsg_level)c->levels[i]);
    return best == 3 ? VMSG_LEVEL_MUST : best == 2 ? VMSG_LEVEL_SHOULD : VMSG_LEVEL_MAY;
}

bool vmsg_clause_has_level(const struct vmsg_clause *c, enum vmsg_level l)
{
    for (unsigned i = 0; c && i < c->nlevels; i++)
        if (c->levels[i] == (unsigned char)l)
            return true;
    return false;
}

bool vmsg_clause_testable(const struct vmsg_clause *c)
{
    return c && c->testability != VMSG_TEST_UNTESTABLE;
}
