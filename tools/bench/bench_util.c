/* Timing helpers shared by the sections. */
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_best_ns(const struct bench_opts *o, void (*fn)(void *arg), void *arg)
{
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < o->repeat; i++) {
        uint64_t t0 = bench_now_ns();
        fn(arg);
        uint64_t t = bench_now_ns() - t0;
        if (t < best)
            best = t;
    }
    return best ? best : 1;
}
