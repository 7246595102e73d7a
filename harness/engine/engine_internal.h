/* Internal state of a running case (engine only). */
#ifndef VMSG_ENGINE_INTERNAL_H
#define VMSG_ENGINE_INTERNAL_H

#include <setjmp.h>

#include <vmsg/check.h>
#include <vmsg/engine.h>

#define VMSG__CASE_QUEUE 32

struct vmsg__qframe {
    size_t len;
    uint8_t bytes[512];
};

struct vmsg_case {
    const struct vmsg_case_def *def;
    const struct vmsg_run_opts *o;
    struct vmsg_case_result *r;
    void *conn;
    void *dev_conn;          /* device side of a two-sided IUT, NULL otherwise */
    jmp_buf jb;
    uint64_t rng;
    uint16_t token;
    unsigned reply_timeout_ms;
    unsigned replies_seen;   /* frames received so far in this case */
    int last_frame;          /* index in r->frames of the last frame, -1 if dropped */
    int stream_fd;           /* pipe to the runner (isolated cases), -1 otherwise */
    bool allow_close;        /* CLOSED is returned to the case, not an ERROR */
    unsigned qhead, nqueued;
    struct vmsg__qframe queue[VMSG__CASE_QUEUE];
    struct vmsg_ics *ics;    /* gathering body (vmsg_run_ics): entries go here, NULL in a case */
    struct vmsg_check *chk;  /* the passive checker on the case's traffic, NULL when off */
    uint8_t feeding_dir;     /* direction of the frame being fed to the checker */
    bool headline_by_checker; /* the verdict's statement is the checker's */
};

uint64_t vmsg__now_ms(void);
/* Isolated cases stream their frames to the runner as they happen, so that a
 * case killed by its time box still leaves its evidence. */
void vmsg__case_stream_frame(struct vmsg_case *c, const struct vmsg_frame_rec *fr);
void vmsg__case_stream_mark(struct vmsg_case *c, int index);
/* An ICS entry of a gathering body, streamed to the runner ('I' record). */
void vmsg__case_stream_ics(struct vmsg_case *c, const char *key, const char *value);
/* The passive checker of a case (case.c): set up from the run options, and
 * torn down (frames after the body are not judged). */
void vmsg__case_check_start(struct vmsg_case *c);
void vmsg__case_check_stop(struct vmsg_case *c);

#endif
