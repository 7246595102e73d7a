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

/* --- two-sided IUTs: a bus under test ------------------------------------
 * The bus suite holds both ends of the bus: the harness plays the driver on
 * the driver side and the devices on the device side.
 *
 * In process: `builtin:refbus[?fault=A,B&devices=1,2&window=8]` is one
 * reference bus (vmsg_refbus) per case whose driver face and device face are
 * the two sides. devices= lists the device numbers behind the device face
 * (default: the link's dev_num and dev_num + 1, the bus suite's default set);
 * window= caps GET_DEVICES windows. Test hooks (vmsg_case_control):
 * "params" -> "revision=R max_msg_size=N features=0xF", "hotplug N on|off"
 * -> "event-device" (the refbus announces hotplug with EVENT_DEVICE).
 *
 * External: two bus adapter URIs, one per side. */
struct vmsg_iut_refbus {
    char query[1024];
    struct vmsg_link link;
    void *live; /* the instance of the running case (case process only) */
};

struct vmsg_iut_pair {
    bool builtin;
    struct vmsg_iut_refbus ref;
    struct vmsg_iut_bus driver_side, device_side;
};

/* DRIVER_URI NULL (and DEVICE_URI NULL) or "builtin:refbus[?...]": the
 * in-process reference bus; else both URIs are bus adapter URIs. Checks
 * schemes and the refbus query now: returns 0, or 2 with err. */
int vmsg_iut_pair_init(struct vmsg_iut_pair *p, const char *driver_uri, const char *device_uri,
                       const struct vmsg_link *link, char *err, size_t errlen);
/* Point o->iut, o->device_iut (and o->iut_control for the builtin) at P. */
void vmsg_iut_pair_apply(struct vmsg_iut_pair *p, struct vmsg_run_opts *o);
/* True when URI names the in-process reference bus. */
bool vmsg_iut_is_refbus(const char *uri);

#endif
