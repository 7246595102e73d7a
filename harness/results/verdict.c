/* Verdict names, the tally line every mode prints last, and the exit status
 * a tally means (DESIGN sections 5 and 6). */
#include <string.h>

#include <vmsg/results.h>

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
        {both(t, VMSG_SKIP) + both(t, VMSG_NA), "skipped"},
        {both(t, VMSG_WARN), "warnings"},
        {both(t, VMSG_ERROR), "errors"},
        {both(t, VMSG_XFAIL), "expected failures"},
        {both(t, VMSG_INFO), "info"},
    };
    size_t n = 0;
    int w = snprintf(buf, cap, "%lu passed, %lu failed", both(t, VMSG_PASS),
                     both(t, VMSG_FAIL) + both(t, VMSG_XPASS));
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
    if (both(t, VMSG_ERROR))
        return 3;
    if (both(t, VMSG_FAIL) || both(t, VMSG_XPASS) ||
        (strict && both(t, VMSG_WARN)))
        return 1;
    return 0;
}
