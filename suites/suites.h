/* The conformance suites: one case table per role. */
#ifndef VMSG_SUITES_H
#define VMSG_SUITES_H

#include <stddef.h>

#include <vmsg/catalog.h>
#include <vmsg/engine.h>

const struct vmsg_case_def *vmsg_suite_device(size_t *n);
const struct vmsg_case_def *vmsg_suite_bus(size_t *n);
const struct vmsg_case_def *vmsg_suite_driver(size_t *n);
const struct vmsg_case_def *vmsg_suite_device_ics(void);
const struct vmsg_case_def *vmsg_suite_bus_ics(void);

/* The case table of one IUT role (enum vmsg_iut_role); NULL with *n = 0 when
 * that suite has no cases. */
const struct vmsg_case_def *vmsg_suite_cases(unsigned role, size_t *n);

/* The body that gathers the implementation conformance statement of an IUT
 * of ROLE before its suite's cases (run it with vmsg_run_ics), or NULL when
 * the suite has none (a driver says nothing about itself before it is
 * driven). */
const struct vmsg_case_def *vmsg_suite_ics(unsigned role);

/* Citations of every case of every suite (kind "case", source = case id),
 * for clause coverage. Returns how many there are; fills at most cap. */
size_t vmsg_suites_citations(struct vmsg_citation *out, size_t cap);

#endif
