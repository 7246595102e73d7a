/* Replay: play one side of a recorded session against a live implementation
 * and compare what it answers with what was recorded.
 *
 * Playing the driver (as = DRIVER), the capture's driver-to-device records
 * are sent to the IUT (a device) and its device-to-driver records are the
 * expected answers; playing the device, the other way round. Records are
 * taken in capture order: each of ours is sent (paced by the timing mode),
 * each of theirs is waited for (reply timeout) and compared field by field
 * after decoding both (vmsg_decode), skipping the ignored fields. Records of
 * unknown direction get the direction of their sender (vmsg_msg_sender).
 *
 * Playing the device, the live driver's tokens are learnt from its requests
 * and put into the responses sent back, so a driver numbering its requests
 * differently still matches (compare tokens of its requests only when
 * asked to: they are ignored by the "token" group).
 *
 * Every frame sent or received is fed to the passive checker, numbered by
 * the capture record it corresponds to. */
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
    char field[48];            /* "generation", "message", "token", "(missing)", "(extra)" */
    char expected[128];
    char got[128];
    char expected_msg[256];    /* both messages, one-line summaries */
    char got_msg[256];
    unsigned more;             /* further differing fields of the same frame */
};
typedef void (*vmsg_replay_div_cb)(void *user, const struct vmsg_replay_divergence *d);

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
    bool check;                /* feed the passive checker */
    uint32_t max_msg_size;     /* for the checker's size rules (0 unknown) */
    vmsg_check_cb on_finding;
    vmsg_replay_div_cb on_divergence;
    void *user;
};
void vmsg_replay_opts_init(struct vmsg_replay_opts *o);

struct vmsg_replay_stats {
    int status;                /* 0 no divergence, 1 divergences, 2 bad capture, 3 transport failure */
    char error[512];           /* for 2 and 3: names the frame */
    uint64_t records;          /* capture records taken */
    uint64_t sent, received, divergences;
    uint64_t last_frame;       /* the last capture record reached */
    double elapsed_s;
    /* answer latency: from the last frame sent to each expected frame */
    uint64_t lat_n;
    double lat_min_us, lat_avg_us, lat_max_us, lat_p99_us;
    struct vmsg_check_counts counts; /* checker totals */
};

/* Run the replay of CAPTURE against IUT (opened by the caller with the side
 * this replay plays). Returns stats->status. */
int vmsg_replay_run(const char *capture, struct vmsg_bus *iut, const struct vmsg_replay_opts *o,
                    struct vmsg_replay_stats *stats);

#endif
