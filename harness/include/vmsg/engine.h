/* The case runner: a registry of conformance cases, selection, isolation of
 * each case in its own process with a time box, expectations (XFAIL/XPASS),
 * and the context a case uses to talk to the implementation under test.
 *
 * A case is a function. It talks to the IUT through its context, records the
 * exchange as evidence, and states at most one verdict per check it makes;
 * the runner keeps the worst. Everything a case can do goes through
 * vmsg_case_* calls, so the same case body runs against every transport. */
#ifndef VMSG_ENGINE_H
#define VMSG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmsg/endpoint.h>
#include <vmsg/wire.h>

enum vmsg_verdict {
    VMSG_PASS = 0,
    VMSG_INFO,   /* a MAY behaviour observed */
    VMSG_NA,     /* precondition not offered by the IUT */
    VMSG_SKIP,   /* not selected */
    VMSG_XFAIL,  /* failed as the expectations file said */
    VMSG_WARN,   /* a SHOULD broken */
    VMSG_XPASS,  /* passed although expected to fail */
    VMSG_FAIL,   /* a MUST / MUST NOT broken */
    VMSG_ERROR,  /* harness or transport fault, timeout, crash */
    VMSG_VERDICT_COUNT
};
const char *vmsg_verdict_name(enum vmsg_verdict v);   /* "PASS", "FAIL", ... */
int vmsg_verdict_by_name(const char *name);           /* -1 when unknown */

/* Which side of the link the IUT is; the harness plays the other side(s). */
enum vmsg_iut_role { VMSG_IUT_DEVICE = 0, VMSG_IUT_DRIVER = 1, VMSG_IUT_BUS = 2 };
const char *vmsg_iut_role_name(unsigned role);

struct vmsg_case;

#define VMSG_CASE_MAX_CLAUSES 6
struct vmsg_case_def {
    const char *id;        /* "device.config.stale-generation" */
    const char *title;     /* one line */
    unsigned role;         /* enum vmsg_iut_role */
    const char *clauses[VMSG_CASE_MAX_CLAUSES]; /* clause ids judged, NULL-terminated */
    const char *tags;      /* space separated */
    void (*run)(struct vmsg_case *c);
    unsigned timeout_ms;   /* 0 = the runner's default */
};

/* --- talking to the IUT ------------------------------------------------- */
/* How the runner reaches the IUT. open() is called in the case's own process,
 * once per case, so every case starts from a fresh connection (or a fresh
 * in-process implementation). */
/* OVERSIZE and MALFORMED: the IUT sent a frame longer than the bus maximum, or
 * one whose length contradicts its msg_size; the runner states the IUT's
 * failure (limits / header clause) and ends the case (a stream has lost its
 * framing). */
enum vmsg_io { VMSG_IO_OK = 0, VMSG_IO_TIMEOUT, VMSG_IO_CLOSED, VMSG_IO_ERROR, VMSG_IO_OVERSIZE, VMSG_IO_MALFORMED };
struct vmsg_iut_ops {
    void *(*open)(void *arg, char *err, size_t errlen);
    enum vmsg_io (*send)(void *conn, const uint8_t *frame, size_t len, char *err, size_t errlen);
    enum vmsg_io (*recv)(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                         size_t errlen);
    /* Text the IUT wrote on the side (an exec child's stderr), or NULL. */
    const char *(*side_text)(void *conn);
    void (*close)(void *conn);
    /* Optional: the bus parameters this connection advertises (revision,
     * maximum message size, transport feature bits); false or NULL when the
     * transport does not say. */
    bool (*params)(void *conn, struct vmsg_bus_params *out);
};

/* What the harness knows about the link (bus parameters and profile). */
struct vmsg_link {
    unsigned profile;        /* enum vmsg_profile */
    unsigned binding;        /* enum vmsg_binding */
    uint32_t max_msg_size;   /* advertised by the bus */
    uint16_t dev_num;        /* device number under test (device suite) */
};

/* --- inside a case ------------------------------------------------------ */
const struct vmsg_link *vmsg_case_link(const struct vmsg_case *c);
/* Deterministic per-case random numbers (from --seed and the case id). */
uint32_t vmsg_case_rand(struct vmsg_case *c);
/* Implementation conformance statement values gathered before the run
 * (NULL when absent), e.g. "device.num_feature_bits". */
const char *vmsg_case_ics(const struct vmsg_case *c, const char *key);
/* The same value read as a number (strtoul base 0, the whole value); false
 * when absent or not a number (e.g. "no answer"). */
bool vmsg_case_ics_u32(const struct vmsg_case *c, const char *key, uint32_t *out);
/* Inside an ICS gathering body (vmsg_run_ics): record KEY = value. Outside
 * one, a no-op. */
__attribute__((format(printf, 3, 4)))
void vmsg_case_set_ics(struct vmsg_case *c, const char *key, const char *fmt, ...);
/* The bus parameters the connection of SIDE advertises (see
 * vmsg_iut_ops.params); false when the transport does not say. */
bool vmsg_case_bus_params(struct vmsg_case *c, unsigned side, struct vmsg_bus_params *out);

/* Send a frame; recorded as evidence. Transport failures end the case with
 * ERROR (they never come back to the case body as a verdict of the IUT);
 * false only for a closed IUT under vmsg_case_allow_close. */
bool vmsg_case_send(struct vmsg_case *c, const uint8_t *frame, size_t len);
/* Encode and send m. */
bool vmsg_case_send_msg(struct vmsg_case *c, struct vmsg_msg *m);
/* An IUT that may finish on its own (a driver whose script is done): after
 * this call, the IUT closing the connection comes back from vmsg_case_send
 * (false) and vmsg_case_recv (VMSG_IO_CLOSED) instead of ending the case
 * with ERROR. */
void vmsg_case_allow_close(struct vmsg_case *c, bool allow);

/* Receive one frame within timeout_ms. Returns VMSG_IO_OK with the frame in
 * buf (decoded into m when m is non-NULL), VMSG_IO_TIMEOUT when nothing came;
 * CLOSED / ERROR end the case with ERROR. The decode outcome is in *diag. */
enum vmsg_io vmsg_case_recv(struct vmsg_case *c, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms,
                            struct vmsg_msg *m, struct vmsg_diag *diag);
/* Send m and wait for the next frame that is a response of the same class
 * and id (events and unrelated frames seen meanwhile are kept as evidence
 * and handed to the case's event queue). false on timeout (verdict recorded
 * against clause with FAIL) or transport error (ERROR). */
bool vmsg_case_request(struct vmsg_case *c, struct vmsg_msg *req, uint8_t *buf, size_t cap, struct vmsg_msg *resp,
                       const char *clause);
/* Expect that nothing arrives within timeout_ms; anything that does is a
 * failure against clause. */
bool vmsg_case_expect_silence(struct vmsg_case *c, unsigned timeout_ms, const char *clause, const char *why);
/* Events received while waiting for responses, oldest first. */
bool vmsg_case_pop_event(struct vmsg_case *c, uint8_t *buf, size_t cap, size_t *len);
/* Default reply timeout (scaled by VMSG_TIMEOUT_MULTIPLIER). */
unsigned vmsg_case_reply_timeout(const struct vmsg_case *c);

/* Verdicts. Each names its clause and says expected vs observed; the case
 * continues (a case may make several checks); the worst verdict wins. */
__attribute__((format(printf, 4, 5)))
void vmsg_case_fail(struct vmsg_case *c, const char *clause, const char *expected, const char *observed_fmt, ...);
__attribute__((format(printf, 4, 5)))
void vmsg_case_warn(struct vmsg_case *c, const char *clause, const char *expected, const char *observed_fmt, ...);
__attribute__((format(printf, 3, 4)))
void vmsg_case_info(struct vmsg_case *c, const char *clause, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void vmsg_case_na(struct vmsg_case *c, const char *reason_fmt, ...);
__attribute__((format(printf, 2, 3)))
void vmsg_case_error(struct vmsg_case *c, const char *fmt, ...);
/* Mark the frame just sent or received as the one the verdict is about. */
void vmsg_case_mark_frame(struct vmsg_case *c);
/* Abandon the case body now (after an ERROR or NA); never returns. */
_Noreturn void vmsg_case_abort(struct vmsg_case *c);

/* --- two-sided IUTs (the bus suite) -------------------------------------
 * A bus under test has a driver side and a device side, and the harness holds
 * both ends. Side VMSG_SIDE_DRIVER is the connection of vmsg_run_opts.iut (for
 * one-sided IUTs the only one; every call above uses it), VMSG_SIDE_DEVICE
 * that of vmsg_run_opts.device_iut. Frames are recorded as evidence with
 * their side. Nothing received on a side is judged by the runner for a bus
 * case (a bus relays what it is given): the bus suite judges frames itself,
 * except that a frame above the bus maximum or one contradicting its msg_size
 * is a FAIL of the bus (bus.advertise.2, bus.errors.2) that ends the case. */
enum vmsg_side { VMSG_SIDE_DRIVER = 0, VMSG_SIDE_DEVICE = 1 };
/* True when the run has a device side (vmsg_run_opts.device_iut). */
bool vmsg_case_two_sided(const struct vmsg_case *c);
/* As vmsg_case_send / _send_msg / _recv, on SIDE. A side the run does not
 * have ends the case with ERROR. */
bool vmsg_case_send_side(struct vmsg_case *c, unsigned side, const uint8_t *frame, size_t len);
bool vmsg_case_send_msg_side(struct vmsg_case *c, unsigned side, struct vmsg_msg *m);
enum vmsg_io vmsg_case_recv_side(struct vmsg_case *c, unsigned side, uint8_t *buf, size_t cap, size_t *len,
                                 unsigned timeout_ms, struct vmsg_msg *m, struct vmsg_diag *diag);
/* Out-of-band test hook of the IUT (vmsg_run_opts.iut_control): one command
 * line ("hotplug 5 on", "params") in, one reply line out. false when the IUT
 * has no such hook or refused the command (reply says why). */
bool vmsg_case_control(struct vmsg_case *c, const char *cmd, char *reply, size_t cap);

/* --- results of a case, as the runner hands them over -------------------- */
#define VMSG_EVIDENCE_MAX_FRAMES 64
struct vmsg_frame_rec {
    uint8_t dir;             /* 0 harness-to-IUT, 1 IUT-to-harness */
    bool marked;             /* the frame a verdict is about */
    uint8_t side;            /* enum vmsg_side: the IUT connection it crossed */
    uint16_t len;
    uint8_t bytes[272];      /* first bytes of the frame (evidence) */
    uint32_t full_len;
};

/* One finding of the passive checker (vmsg/check.h) attached to a case. */
#define VMSG_CASE_MAX_FINDINGS 8
struct vmsg_case_finding {
    uint32_t frame;          /* 1-based position of the frame in the case's exchange */
    uint8_t level;           /* enum vmsg_check_level: MUST, SHOULD, MAY */
    uint8_t verdict;         /* enum vmsg_verdict: FAIL, WARN or INFO */
    char clause[48];         /* the clause the checker cites */
    char rule[48];           /* "check.resp-echo" */
    char message[200];       /* "field: expected X, got Y (context)" */
};

struct vmsg_case_result {
    const struct vmsg_case_def *def;
    enum vmsg_verdict verdict;
    enum vmsg_verdict raw_verdict; /* before expectations and --strict */
    char clause[64];         /* clause of the worst verdict (empty on PASS) */
    char expected[256];
    char observed[512];
    char reason[256];        /* NA / SKIP / ERROR / XFAIL reason */
    char side_text[1024];    /* IUT stderr excerpt */
    uint64_t duration_ms;
    unsigned nframes;
    unsigned frames_dropped;
    struct vmsg_frame_rec frames[VMSG_EVIDENCE_MAX_FRAMES];
    /* Findings of the passive checker on frames the IUT sent, citing clauses
     * of the IUT's role (see vmsg_run_opts.no_check); each one also counts
     * as a verdict of the case. */
    unsigned nfindings;
    unsigned findings_dropped;
    struct vmsg_case_finding findings[VMSG_CASE_MAX_FINDINGS];
};

/* --- the runner ---------------------------------------------------------- */
struct vmsg_expectation {
    char case_glob[128];
    enum vmsg_verdict verdict; /* the verdict expected (FAIL, WARN, ERROR, NA, ...) */
    char reason[200];
};

struct vmsg_run_opts {
    const struct vmsg_iut_ops *iut;
    void *iut_arg;
    struct vmsg_link link;
    /* selection: NULL matches everything */
    const char *id_glob;     /* fnmatch pattern on the case id */
    const char *clause;      /* only cases citing this clause id (or prefix ending in '.') */
    const char *tag;
    int role;                /* -1 = all roles */
    bool strict;             /* WARN counts as FAIL */
    bool isolate;            /* fork per case (default true; false for debugging) */
    uint64_t seed;
    unsigned default_timeout_ms; /* per case, before the multiplier (default 5000) */
    unsigned reply_timeout_ms;   /* one reply (default 500) */
    double timeout_multiplier;   /* VMSG_TIMEOUT_MULTIPLIER, default 1 */
    const struct vmsg_expectation *expect;
    size_t nexpect;
    /* ICS key/value pairs handed to every case (NULL-terminated pairs). */
    const char *const *ics;
    /* Called after each case, in order (write results incrementally here). */
    void (*on_result)(void *arg, const struct vmsg_case_result *r);
    void *on_result_arg;
    /* Two-sided IUTs (role bus): the device side of the bus under test, opened
     * right after iut in the same process and closed before it (an in-process
     * IUT may share one instance between its two sides through the args).
     * NULL for one-sided IUTs. */
    const struct vmsg_iut_ops *device_iut;
    void *device_iut_arg;
    /* Optional test hooks of the IUT (see vmsg_case_control), called with the
     * connection of iut; NULL when it has none. Returns VMSG_IO_OK or
     * VMSG_IO_ERROR with the reason in reply. */
    enum vmsg_io (*iut_control)(void *conn, const char *cmd, char *reply, size_t cap);
    /* The passive checker (vmsg/check.h) also judges every case's traffic:
     * its findings on frames the IUT sent, citing a clause of the IUT's role
     * (or a common one), join the case's verdict (MUST -> FAIL, SHOULD ->
     * WARN, MAY -> INFO) and its evidence. true turns that off. */
    bool no_check;
};

struct vmsg_run_summary {
    unsigned counts[VMSG_VERDICT_COUNT];
    unsigned selected;
    unsigned unexpected; /* FAIL, ERROR, XPASS (+ WARN when strict) */
};

/* Does the case match the selection? */
bool vmsg_case_selected(const struct vmsg_case_def *d, const struct vmsg_run_opts *o);
/* Run the selected cases of cases[0..n) in order. Returns 0 when nothing
 * unexpected happened, 1 on conformance failures, 3 when the harness itself
 * could not run (cannot fork...). */
int vmsg_run_cases(const struct vmsg_case_def *cases, size_t n, const struct vmsg_run_opts *o,
                   struct vmsg_run_summary *sum);

/* --- implementation conformance statement (ICS) ---------------------------
 * What the IUT says about itself, gathered once before a suite's cases by a
 * gathering body: a case body (it talks to the IUT through the same vmsg_case
 * calls) that records "section.key" = value entries with vmsg_case_set_ics
 * instead of stating verdicts. It runs like a case: in its own process, with
 * a fresh connection and a time box, so an IUT that hangs or crashes ends it
 * with ERROR (the reason says after which message) while the entries
 * recorded so far are kept. */
#define VMSG_ICS_MAX 192
struct vmsg_ics_entry {
    char key[48];            /* "device.config_size" */
    char value[160];
};
struct vmsg_ics {
    unsigned n;
    unsigned dropped;        /* entries that did not fit */
    struct vmsg_ics_entry e[VMSG_ICS_MAX];
    const char *pairs[2 * VMSG_ICS_MAX + 2]; /* filled by vmsg_ics_pairs */
};
void vmsg_ics_init(struct vmsg_ics *ics);
/* Add KEY = VALUE, or replace the value of KEY. false when full or the key
 * is empty or too long. */
bool vmsg_ics_set(struct vmsg_ics *ics, const char *key, const char *value);
const char *vmsg_ics_get(const struct vmsg_ics *ics, const char *key);
/* The entries as the NULL-terminated key/value pairs vmsg_run_opts.ics takes
 * (valid until ics changes). */
const char *const *vmsg_ics_pairs(struct vmsg_ics *ics);
/* Run the gathering body DEF against o's IUT (isolated and time-boxed when
 * o->isolate; the time box is DEF's timeout or four case timeouts, scaled);
 * entries go into ICS (added to what it holds). r receives the outcome: PASS,
 * or ERROR with the reason; verdicts the body's requests state (a request
 * without answer) are not kept: the body records them as entries. Returns
 * r->verdict. */
enum vmsg_verdict vmsg_run_ics(const struct vmsg_case_def *def, const struct vmsg_run_opts *o,
                               struct vmsg_ics *ics, struct vmsg_case_result *r);

/* Expectations file (YAML sequence of {case, verdict, reason}); errors as
 * file:line:col in err. Returns a malloc'd array (free with free()). */
struct vmsg_expectation *vmsg_expectations_load(const char *path, size_t *n, char *err, size_t errlen);

/* Timeout multiplier from VMSG_TIMEOUT_MULTIPLIER (>= 0.1), default 1. */
double vmsg_timeout_multiplier_from_env(void);

#endif
