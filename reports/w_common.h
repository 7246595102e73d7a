/* Small helpers shared by the text writers. */
#ifndef VMSG_REPORT_COMMON_H
#define VMSG_REPORT_COMMON_H

#include "report.h"

/* Suites in first-appearance order; returns how many (at most cap). */
size_t vmsg__suites(const struct vmsg_report *rep, const char **out, size_t cap);
/* Clauses with findings, as one test point each in JUnit and TAP: verdict of
 * the point is the worst finding. */
bool vmsg__clause_failed(enum vmsg_verdict v);
/* The passive checker's findings of a case ("passive checker, frame N:
 * VERDICT: clause (rule): message"), then lines of "n from->to summary" for
 * its frames. */
void vmsg__frames_text(FILE *out, const struct vmsg_rep_case *c,
                       void (*esc)(FILE *, const char *, size_t));

#endif
