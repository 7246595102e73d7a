/* Verdict names, the tally line every mode prints last, and the exit status
 * a tally means (DESIGN sections 5 and 6). */
#include <string.h>

#include <vmsg/results.h>

static const char *const verdict_names[VMSG_VERDICT_COUNT] = {
#define X(id, name, what) name,
    VMSG_VERDICTS(X)
#undef X
};

const char *vmsg_verdict_name(enum vmsg_verdict v)
{
    return (unsigned)v < VMSG_VERDICT_COUNT ? verdict_names[v] : NULL;
}

bool vmsg_verdict_parse(const char *s, enum vmsg_verdict *out)
{
    for (unsigned i = 0; s && i < VMSG_VERDICT_COUNT; i++)
        if (!strcmp(s, verdict_names[i])) {
            *out = (enum vmsg_verdict)i;
            return true;
        }
    return false;
}

static unsigned long both(const struct vmsg_tally *t, enum vmsg_verdict v)
{
    return t->cases[v] + t->findings[v];
}

size_t vmsg_tally_line(const struct vmsg_tally *t, char *buf, size_t cap)
{
    struct {
        unsigned long n;
        const char *what;
    } extra[] = {
        {both(t, VMSG_VERDICT_SKIP) + both(t, VMSG_VERDICT_NA), "skipped"},
        {both(t, VMSG_VERDICT_WARN), "warnings"},
        {both(t, VMSG_VERDICT_ERROR), "errors"},
        {both(t, VMSG_VERDICT_XFAIL), "expected failures"},
        {both(t, VMSG_VERDICT_INFO), "info"},
    };
    size_t n = 0;
    int w = snprintf(buf, cap, "%lu passed, %lu failed", both(t, VMSG_VERDICT_PASS),
                     both(t, VMSG_VERDICT_FAIL) + both(t, VMSG_VERDICT_XPASS));
    n = w > 0 ? (size_t)w : 0;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        if (!extra[i].n)
            continue;
        w = snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, ", %lu %s", extra[i].n,
                     extra[i].what);
        n += w > 0 ? (size_t)w : 0;
    }
    return n;
}

void vmsg_tally_print(FILE *out, const struct vmsg_tally *t)
{
    char line[256];
    vmsg_tally_line(t, line, sizeof line);
    fprintf(out, "%s\n", line);
}

int vmsg_tally_exit_code(const struct vmsg_tally *t, bool strict)
{
    if (both(t, VMSG_VERDICT_ERROR))
        return 3;
    if (both(t, VMSG_VERDICT_FAIL) || both(t, VMSG_VERDICT_XPASS) ||
        (strict && both(t, VMSG_VERDICT_WARN)))
        return 1;
    return 0;
}
