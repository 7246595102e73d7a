/* The passive checker: one oracle for active runs (fed by the adapters' tap),
 * replay, live proxying and offline captures.
 *
 * Feed it every frame in the order it was observed; it decodes each frame,
 * keeps per (bus instance, dev_num) state machines and reports findings to a
 * callback, each citing the clause it judges. It judges only what traffic
 * alone can show, and only where the profile has the fields a clause talks
 * about (v0: header rules only). Memory is bounded: devices and outstanding
 * requests are capped, and going past a cap is itself reported.
 *
 *   struct vmsg_check_opts o;
 *   vmsg_check_opts_init(&o);
 *   o.on_finding = print_it;
 *   struct vmsg_check *c = vmsg_check_new(&o);
 *   for each frame: vmsg_check_feed(c, n, dir, ts, bytes, len, bus);
 *   vmsg_check_finish(c);   // end-of-trace rules
 *   vmsg_check_free(c);
 */
#ifndef VMSG_CHECK_H
#define VMSG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Directions are the capture header's: enum vmsg_cap_dir (VMSG_DIR_DRV_TO_DEV,
 * VMSG_DIR_DEV_TO_DRV, VMSG_DIR_UNKNOWN). */
#include <vmsg/capture.h>

enum vmsg_check_level { VMSG_CHECK_MUST = 0, VMSG_CHECK_SHOULD = 1, VMSG_CHECK_MAY = 2 };
enum vmsg_check_verdict { VMSG_CHECK_FAIL = 0, VMSG_CHECK_WARN = 1, VMSG_CHECK_INFO = 2 };

/* Which clauses to report, by the role the clause binds. */
enum vmsg_check_role { VMSG_CHECK_ROLE_ALL = 0, VMSG_CHECK_ROLE_DRIVER = 1, VMSG_CHECK_ROLE_DEVICE = 2, VMSG_CHECK_ROLE_BUS = 3 };

struct vmsg_finding {
    uint64_t frame;        /* as given to vmsg_check_feed (0: end of trace) */
    uint64_t ref_frame;    /* related frame (the request, the earlier value), 0 if none */
    const char *clause;    /* clause id; NULL only for notes (rule "check.note") */
    const char *rule;      /* rule id: "check.*" (vmsg_check_rules) or "wire.*" (vmsg_wire_rules) */
    uint8_t level;         /* enum vmsg_check_level */
    uint8_t verdict;       /* enum vmsg_check_verdict */
    uint16_t bus;          /* bus instance */
    uint16_t dev_num;
    char message[200];     /* "field: expected X, got Y (context)" */
};

typedef void (*vmsg_check_cb)(void *user, const struct vmsg_finding *f);

struct vmsg_check_opts {
    unsigned profile;       /* enum vmsg_profile */
    unsigned binding;       /* enum vmsg_binding */
    uint32_t max_msg_size;  /* the bus maximum when known, 0 otherwise */
    unsigned role;          /* enum vmsg_check_role filter */
    bool strict;            /* SHOULD findings become FAIL */
    /* The trace may start in the middle of a session: history rules (init
     * order, features read before written, queue set up before use) are
     * judged per device only after its first reset or GET_DEVICE_INFO. */
    bool mid_session;
    /* The trace covers every reply that was due: requests left unanswered
     * at vmsg_check_finish are FAIL (otherwise an INFO note). */
    bool complete;
    unsigned max_devices;     /* devices tracked at once (0: 1024) */
    unsigned max_outstanding; /* requests in flight per device and class (0: 32, max 256) */
    vmsg_check_cb on_finding;
    void *user;
};

struct vmsg_check_counts {
    uint64_t frames, fail, warn, info;
};

struct vmsg_check;

void vmsg_check_opts_init(struct vmsg_check_opts *o);
/* NULL on bad options (unknown profile) or out of memory. */
struct vmsg_check *vmsg_check_new(const struct vmsg_check_opts *o);
void vmsg_check_feed(struct vmsg_check *c, uint64_t frame, unsigned dir, uint64_t ts_ns, const uint8_t *buf,
                     size_t len, uint16_t bus);
void vmsg_check_finish(struct vmsg_check *c);
void vmsg_check_free(struct vmsg_check *c);
const struct vmsg_check_counts *vmsg_check_counts(const struct vmsg_check *c);

/* "frame 17: device.set-config.1: length: expected 0 (...), got 8" */
size_t vmsg_finding_format(const struct vmsg_finding *f, char *buf, size_t cap);
const char *vmsg_check_level_name(unsigned level);     /* "MUST" "SHOULD" "MAY" */
const char *vmsg_check_verdict_name(unsigned verdict); /* "FAIL" "WARN" "INFO" */
int vmsg_check_role_by_name(const char *name);         /* driver device bus all; -1 */

/* The checker's rules, for traceability (like vmsg_wire_rules). */
struct vmsg_check_rule {
    const char *id;       /* "check.resp-order" */
    const char *clause;   /* the clause a finding cites */
    const char *also[4];  /* further clauses the rule judges, NULL-terminated */
    uint8_t level;        /* enum vmsg_check_level */
    const char *summary;  /* what it flags */
    const char *accepts;  /* allowed behaviour it deliberately does not flag */
};
const struct vmsg_check_rule *vmsg_check_rules(size_t *n);

/* Profile guess from the first frames of a trace. */
struct vmsg_profile_guess {
    int profile;          /* enum vmsg_profile, -1 when nothing decodes */
    int confidence;       /* 0-100 */
    char reason[160];
};
struct vmsg_frame_ref {
    const uint8_t *buf;
    size_t len;
};
void vmsg_check_guess_profile(const struct vmsg_frame_ref *frames, size_t n, unsigned binding,
                              struct vmsg_profile_guess *g);

#endif
