/* Answer latency without a clock call per message or memory per answer.
 *
 * A round trip to an in-process implementation takes about as long as two
 * clock reads, so timing every answer would measure mostly the clock. The
 * stride is chosen from the last 64 timed answers: every answer while they
 * average 2 us or more, one in 16 below that (the clock then costs about 5%
 * of the timed round trips instead of half of all of them).
 *
 * Values go to a log-linear histogram: exact below 64 ns, then 64 buckets per
 * power of two, so a percentile read from it is within 1/64 (1.6%) of the
 * true value; min, max and the sum are kept exactly. Adding a timed answer
 * (vmsg__lat_add, with the bucket) is inline in replay_internal.h: while
 * answers are slow every one is timed. */
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

#define FAST_NS 2000u
#define FAST_STRIDE 16u

bool vmsg__lat_init(struct vmsg__lat *l)
{
    memset(l, 0, sizeof *l);
    l->min_ns = UINT64_MAX; /* any first answer is below it */
    l->stride = 1;
    l->hist = calloc(VMSG__LAT_BUCKETS, sizeof *l->hist);
    return l->hist != NULL;
}

void vmsg__lat_free(struct vmsg__lat *l)
{
    free(l->hist);
    l->hist = NULL;
}

/* Smallest value of bucket b and its width. */
static void bucket_range(unsigned b, uint64_t *lo, uint64_t *width)
{
    if (b < (1u << VMSG__LAT_SUB_BITS)) {
        *lo = b;
        *width = 1;
        return;
    }
    unsigned e = (b >> VMSG__LAT_SUB_BITS) + VMSG__LAT_SUB_BITS - 1;
    uint64_t sub = b & ((1u << VMSG__LAT_SUB_BITS) - 1);
    *width = (uint64_t)1 << (e - VMSG__LAT_SUB_BITS);
    *lo = ((uint64_t)1 << e) + sub * *width;
}

void vmsg__lat_restride(struct vmsg__lat *l)
{
    l->stride = l->recent_ns >= (uint64_t)FAST_NS * VMSG__LAT_RECENT ? 1 : FAST_STRIDE;
    l->recent_ns = 0;
    l->recent_n = 0;
}

void vmsg__lat_stats(const struct vmsg__lat *l, struct vmsg_replay_stats *st)
{
    st->lat_n = l->n;
    st->lat_answers = l->answers;
    st->lat_stride = l->stride;
    if (!l->n)
        return;
    st->lat_min_us = (double)l->min_ns / 1000.0;
    st->lat_max_us = (double)l->max_ns / 1000.0;
    st->lat_avg_us = (double)l->sum_ns / (double)l->n / 1000.0;
    uint64_t rank = (l->n * 99 + 99) / 100, seen = 0; /* ceil(0.99 n) */
    for (unsigned b = 0; b < VMSG__LAT_BUCKETS; b++) {
        seen += l->hist[b];
        if (seen >= rank) {
            uint64_t lo, width;
            bucket_range(b, &lo, &width);
            uint64_t v = lo + width / 2; /* the middle of the bucket, within the observed range */
            v = v < l->min_ns ? l->min_ns : v > l->max_ns ? l->max_ns : v;
            st->lat_p99_us = (double)v / 1000.0;
            return;
        }
    }
}
