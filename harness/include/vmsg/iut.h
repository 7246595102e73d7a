/* Reaching an implementation under test through a bus adapter URI, for the
 * case runner (vmsg/engine.h): one fresh connection (or process, or in-process
 * reference implementation) per case. */
#ifndef VMSG_IUT_H
#define VMSG_IUT_H

#include <stddef.h>

#include <vmsg/bus.h>
#include <vmsg/engine.h>

struct vmsg_iut_bus {
    char uri[2048];
    struct vmsg_bus_opts bopts;
};

/* The runner's IUT operations over vmsg_bus; arg is a struct vmsg_iut_bus. */
extern const struct vmsg_iut_ops vmsg_iut_bus_ops;

/* Prepare IUT for suite ROLE (enum vmsg_iut_role) on LINK. URI NULL means the
 * built-in reference implementation of that role. Checks the scheme now so a
 * typo is one usage error, not one ERROR per case: returns 0, or 2 with err. */
int vmsg_iut_bus_init(struct vmsg_iut_bus *iut, const char *uri, unsigned role, const struct vmsg_link *link,
                      char *err, size_t errlen);
/* True for in-process IUTs (answers are immediate: short reply timeouts do). */
bool vmsg_iut_bus_is_builtin(const struct vmsg_iut_bus *iut);

#endif
