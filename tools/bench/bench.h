/* vmsg-bench: performance measured as ratios printed in one run (DESIGN.md 9).
 * One file per section; the table of sections is the X-macro below. To add a
 * section: write bench_<name>.c with `int vmsg_bench_<name>(const struct
 * bench_opts *o)` and add one X line. Sections print `<section>: ...` lines;
 * every section prints at least one `<section>: ratio ...` line. */
#ifndef VMSG_BENCH_H
#define VMSG_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_opts {
    bool quick;        /* smoke run: small sizes, one repetition (for ctest) */
    unsigned repeat;   /* best of N (3; 1 with --quick) */
};

/*   X(name,  function,          one-line summary) */
#define VMSG_BENCH_SECTIONS(X) \
    X(codec, vmsg_bench_codec, "vmsg_decode + validation of mixed v1 messages vs memcpy of the same bytes") \
    X(check, vmsg_bench_check, "passive checker on 1M v1 messages: in memory vs decode only, from a capture vs libpcap") \
    X(capture-check, vmsg_bench_capture_check, "vmsg check path on a 10M-message capture vs libpcap, peak RSS at 1M/10M, vs tshark") \
    X(replay, vmsg_bench_replay, "vmsg replay asap vs the adapter's own request/response ping-pong (builtin, exec)")

#define X(name, fn, summary) int fn(const struct bench_opts *o);
VMSG_BENCH_SECTIONS(X)
#undef X

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);
/* Best (smallest) time of o->repeat runs of fn(arg), in nanoseconds. */
uint64_t bench_best_ns(const struct bench_opts *o, void (*fn)(void *arg), void *arg);

#endif
