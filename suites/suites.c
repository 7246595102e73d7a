/* The suites as tables, and their clause citations for traceability. */
#include "suites.h"

const struct vmsg_case_def *vmsg_suite_cases(unsigned role, size_t *n)
{
    *n = 0;
    switch (role) {
    case VMSG_IUT_DEVICE: return vmsg_suite_device(n);
    case VMSG_IUT_BUS: return vmsg_suite_bus(n);
    case VMSG_IUT_DRIVER: return vmsg_suite_driver(n);
    default: return NULL;
    }
}

const struct vmsg_case_def *vmsg_suite_ics(unsigned role)
{
    switch (role) {
    case VMSG_IUT_DEVICE: return vmsg_suite_device_ics();
    case VMSG_IUT_BUS: return vmsg_suite_bus_ics();
    default: return NULL;
    }
}

size_t vmsg_suites_citations(struct vmsg_citation *out, size_t cap)
{
    size_t total = 0;
    for (unsigned role = 0; role <= VMSG_IUT_BUS; role++) {
        size_t n = 0;
        const struct vmsg_case_def *cases = vmsg_suite_cases(role, &n);
        for (size_t i = 0; i < n; i++)
            for (unsigned k = 0; k < VMSG_CASE_MAX_CLAUSES && cases[i].clauses[k]; k++) {
                if (total < cap)
                    out[total] = (struct vmsg_citation){"case", cases[i].id, cases[i].clauses[k]};
                total++;
            }
    }
    return total;
}
