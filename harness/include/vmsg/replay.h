/* Replay: play one side of a recorded session against a live implementation
 * and compare what it answers with what was recorded.
 *
 * Playing the driver (as = DRIVER), the capture's driver-to-device records
 * are sent to the IUT (a device) and its device-to-driver records are the
 * expected answers; playing the device, the other way round. Records of
 * unknown direction get the direction of their sender (vmsg_msg_sender).
 *
 * Pairing. Each of our records is sent (paced by the timing mode) once the
 * answers the capture shows before it have arrived. Each frame of the IUT is
 * paired with one expected record and compared with it: byte for byte
 * first, field by field (both decoded, skipping the ignored fields) only
 * when the bytes differ.
 *   - strict_order: the frame is paired with the next expected record in
 *     capture order, and every expected record is waited for at its place
 *     (the exact interleaving of the capture).
 *   - default (reorder-tolerant): v1 only orders responses per device
 *     number, and events are asynchronous. A response is paired with the
 *     oldest unanswered expected response of its device number (request
 *     order per device), a request of a live driver likewise, an event with
 *     an expected event of the same device and message: the oldest it
 *     matches (under the ignore masks), else the oldest; candidates
 *     are the expected records not yet paired, up to `window` records ahead
 *     of the walk. Before sending, the expected records before it are
 *     waited for (the recorded IUT may have needed them, e.g. EVENT_USED
 *     after EVENT_AVAIL); an event that does not come within the reply
 *     timeout is not missing yet: it stays open (deferred) until the walk is
 *     `window` records past it, then it is waited for once more. Anything
 *     else that does not come is missing. A frame that pairs with nothing
 *     is a divergence `(unexpected)`.
 *
 * Playing the device, the live driver's tokens are learnt from its requests
 * and put into the responses sent back, so a driver numbering its requests
 * differently still matches (compare tokens of its requests only when
 * asked to: they are ignored by the "token" group).
 *
 * Every frame sent or received is fed to the passive checker, numbered by
 * the capture record it corresponds to, with that record's timestamp.
 *
 * Bus instances: a replay plays one side of one bus. A capture of a proxy
 * through the reference bus holds both faces of it (the driver face as bus
 * instance 0, the device face as 1): `instance` picks one, the records of
 * the others are skipped as they are read. Without it (-1) a capture of
 * more than one bus is bad input (status 2, naming the frame).
 *
 * Cases: the records are grouped into exchanges, one per message of one
 * device (bus instance, dev_num, class, msg_id: a request and its response
 * are one group), and each group is reported once at the end (on_case) with
 * its counts, its first divergence and the clauses its checker findings
 * cite, and its duration: the front end writes them as the cases of
 * results.json. */
#ifndef VMSG_REPLAY_H
#define VMSG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmsg/bus.h>
#include <vmsg/check.h>
#include <vmsg/schema_gen.h>

enum vmsg_replay_as { VMSG_REPLAY_AS_DRIVER = 0, VMSG_REPLAY_AS_DEVICE = 1 };
enum vmsg_replay_timing { VMSG_REPLAY_ASAP = 0, VMSG_REPLAY_ORIGINAL = 1, VMSG_REPLAY_SCALE = 2 };

/* What the comparison skips: header members and payload fields. */
struct vmsg_replay_ignore {
    bool token, dev_num;
    bool fld[VMSG_FLD__COUNT];
};
/* Add a comma-separated list of groups or field names: token, dev_num,
 * generation, addresses (ring and shm addresses), data (config bytes),
 * features, status, or any field name of the schema (vendor_id, max_size...).
 * False with "unknown field or group 'x'" in err. */
bool vmsg_replay_ignore_parse(struct vmsg_replay_ignore *ig, const char *list, char *err, size_t errcap);
/* The groups, for --help: "token, dev_num, generation, ..." */
const char *vmsg_replay_ignore_groups(void);

struct vmsg_replay_divergence {
    uint64_t frame;            /* capture record (0: after the end of the capture) */
    char field[48];            /* "generation", "message", "token", "(missing)", "(extra)", "(unexpected)" */
    char expected[128];
    char got[128];
    char expected_msg[256];    /* both messages, one-line summaries */
    char got_msg[256];
    unsigned more;             /* further differing fields of the same frame */
    /* the two messages' bytes (NULL when there is none: missing, extra);
     * valid during the callback */
    const uint8_t *expected_bytes, *got_bytes;
    size_t expected_len, got_len;
};
typedef void (*vmsg_replay_div_cb)(void *user, const struct vmsg_replay_divergence *d);

/* One exchange group (see the top of this file), reported at the end. */
#define VMSG_REPLAY_CASE_CLAUSES 8
struct vmsg_replay_case {
    uint16_t bus, dev_num;
    uint8_t cls;               /* enum vmsg_class */
    const char *message;       /* "GET_CONFIG", "msg 0x85", "(undecodable)", "(end of session)" */
    uint64_t first_frame;      /* its first capture record (0: none, e.g. only an extra frame) */
    uint64_t sent;             /* our records sent */
    uint64_t expected;         /* the IUT's records reached */
    uint64_t matched;          /* of those, received and equal (under the ignore masks) */
    uint64_t divergences;      /* differing, missing, unexpected or extra frames */
    uint64_t fail, warn, info; /* checker findings on its frames */
    const char *clauses[VMSG_REPLAY_CASE_CLAUSES]; /* cited by those findings (static strings) */
    unsigned nclauses;
    double duration_ms;        /* wall time from its first frame sent or expected to its last
                                * frame sent or paired (a coarse clock: a few ms resolution) */
    const struct vmsg_replay_divergence *first; /* NULL when none */
};
typedef void (*vmsg_replay_case_cb)(void *user, const struct vmsg_replay_case *c);

#define VMSG_REPLAY_WINDOW_DEFAULT 64u
#define VMSG_REPLAY_WINDOW_MAX 4096u

struct vmsg_replay_opts {
    unsigned profile;          /* enum vmsg_profile */
    unsigned binding;
    enum vmsg_replay_as as;
    struct vmsg_replay_ignore ignore;
    enum vmsg_replay_timing timing;
    double scale;              /* SCALE: recorded gaps multiplied by this */
    int reply_timeout_ms;      /* wait for each expected frame (default 1000) */
    int extra_ms;              /* after the capture: wait this long for extra frames (default 20) */
    bool stop_at_first;        /* stop after the first divergent frame */
    bool strict_order;         /* pair in capture order only (see the top of this file) */
    unsigned window;           /* reorder window in records (default 64, 1..VMSG_REPLAY_WINDOW_MAX) */
    bool check;                /* feed the passive checker */
    int instance;              /* replay only the records of this bus instance; -1 (default): the
                                * capture must hold one bus (a second instance is bad input) */
    /* Where the passive checker runs: 0 (default), on a second thread once
     * answers come in under 2 us on average, given two CPUs and a capture
     * that is a regular file (the thread reads it too); 1, on the caller's
     * thread; 2, on a second thread from the start. A second thread that
     * cannot keep up is stopped (stats.threads). Results are the same. */
    unsigned threads;
    uint32_t max_msg_size;     /* for the checker's size rules (0 unknown) */
    vmsg_check_cb on_finding;
    vmsg_replay_div_cb on_divergence;
    vmsg_replay_case_cb on_case;
    void *user;
};
void vmsg_replay_opts_init(struct vmsg_replay_opts *o);

struct vmsg_replay_stats {
    int status;                /* 0 no divergence, 1 divergences, 2 bad capture, 3 transport failure */
    char error[512];           /* for 2 and 3: names the frame */
    uint64_t records;          /* capture records taken */
    uint64_t skipped;          /* records of other bus instances, not replayed (instance >= 0) */
    uint64_t sent, received, divergences;
    uint64_t reordered;        /* frames paired with a record other than the next one in capture order */
    uint64_t deferred;         /* expected events not in by our next send, left open */
    uint64_t last_frame;       /* the last capture record reached */
    double elapsed_s;
    unsigned threads;          /* 2: the second thread ran to the end; 1: one thread (asked for; by
                                * default, answers slower than 2 us or one CPU; or the second one
                                * could not keep up and was stopped) */
    /* Answer latency: from the last frame sent to the first frame received
     * after it. Every answer is timed while they take 2 us or more on
     * average; faster ones (in-process IUTs) are timed 1 in lat_stride so
     * that the clock does not cost more than the round trip. Min, avg and
     * max are exact over the timed answers, p99 within 1.6%. */
    uint64_t lat_n;            /* answers timed */
    uint64_t lat_answers;      /* answers that could have been */
    unsigned lat_stride;       /* 1, or the sampling stride in force at the end */
    double lat_min_us, lat_avg_us, lat_max_us, lat_p99_us;
    struct vmsg_check_counts counts; /* checker totals */
};

/* Run the replay of CAPTURE against IUT (opened by the caller with the side
 * this replay plays). Returns stats->status. */
int vmsg_replay_run(const char *capture, struct vmsg_bus *iut, const struct vmsg_replay_opts *o,
                    struct vmsg_replay_stats *stats);

#endif
