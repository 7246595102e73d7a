/* How `vmsg run` reaches the implementation under test: a URI opened with the
 * bus adapters (harness/bus) once per case, and the built-in reference
 * implementations offered as `builtin:` endpoints. */
#ifndef VMSG_TOOL_RUN_IUT_H
#define VMSG_TOOL_RUN_IUT_H

#include <stddef.h>

#include <vmsg/bus.h>
#include <vmsg/engine.h>

struct vmsg__iut {
    char uri[2048];
    struct vmsg_bus_opts bopts;
};

/* The reference implementations as builtin: endpoints (refdev, refdrv),
 * with the URI query `fault=NAME[,NAME]`, `personality=FILE`. */
const struct vmsg_builtin *vmsg__ref_builtins(void);

/* Fill ro->iut / ro->iut_arg for suite ROLE from URI (NULL: the built-in
 * reference implementation of that role). Returns 0, or 2 with err set for a
 * bad URI (the scheme is checked here; reachability per case). */
int vmsg__iut_resolve(const char *uri, unsigned role, struct vmsg_run_opts *ro, struct vmsg__iut *iut, char *err,
                      size_t errlen);
void vmsg__iut_release(struct vmsg__iut *iut);

#endif
