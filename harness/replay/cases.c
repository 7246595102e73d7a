/* Exchange groups: every record belongs to the group of its message on its
 * device (bus instance, dev_num, class, msg_id; a request and its response
 * share the msg_id and so the group). Each group counts what was sent,
 * expected, matched and diverged, keeps its first divergence with both
 * messages, and counts the checker's findings on its frames with the
 * clauses they cite. vmsg__groups_report hands them to on_case at the end,
 * in the order the groups first appeared. Lookup is one compare with the
 * group found last (inline, vmsg__group_of), else an open-addressed hash
 * on the packed key: no allocation per record once the groups exist.
 * Each group's duration runs from its first frame sent or expected to its
 * last frame sent or paired, on the groups' clock (replay_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/wire.h>

#include "replay_internal.h"

#define MAX_GROUPS 512u /* past this, one group "(other)" takes the rest (each is a results case) */

static uint32_t hash(uint64_t k, uint32_t mask)
{
    return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 40) & mask;
}

/* Coarse: a vDSO read of the tick-updated time (resolution 1 to 4 ms),
 * cheaper than CLOCK_MONOTONIC; durations need no better. */
#ifdef CLOCK_MONOTONIC_COARSE
#define GROUP_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define GROUP_CLOCK CLOCK_MONOTONIC
#endif

void vmsg__clk_read(struct vmsg__rp *x)
{
    struct timespec ts;
    clock_gettime(GROUP_CLOCK, &ts);
    x->clk_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + 1; /* never 0 (0: not stamped) */
    if (x->clk_n >= VMSG__CLK_STRIDE) {
        x->clk_every = x->clk_ns - x->clk_span_ns >= x->clk_slow_ns;
        x->clk_span_ns = x->clk_ns;
        x->clk_n = 0;
    }
}

bool vmsg__groups_init(struct vmsg__rp *x)
{
    /* a stride this long is surely longer than the clock's resolution: the
     * error of stamping with a reading a stride old would exceed it */
    struct timespec res;
    uint64_t res_ns = clock_getres(GROUP_CLOCK, &res) == 0 ? (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec
                                                            : 4000000u;
    x->clk_slow_ns = 2 * (res_ns > 500000u ? res_ns : 500000u);
    vmsg__clk_read(x);
    x->clk_span_ns = x->clk_ns;
    x->capgroups = 16;
    x->groups = calloc(x->capgroups, sizeof *x->groups);
    x->gmask = 63;
    x->gidx = calloc((size_t)x->gmask + 1, sizeof *x->gidx);
    x->cur_group = VMSG__NO_GROUP;
    x->glast_key = UINT64_MAX; /* no key is */
    return x->groups && x->gidx;
}

void vmsg__groups_free(struct vmsg__rp *x)
{
    for (uint32_t i = 0; i < x->ngroups; i++) {
        free(x->groups[i].first_exp);
        free(x->groups[i].first_got);
    }
    free(x->groups);
    free(x->gidx);
    x->groups = NULL;
    x->gidx = NULL;
}

static void name_group(struct vmsg__rp *x, struct vmsg__group *g, unsigned tag, uint8_t msg_id)
{
    const struct vmsg_replay_opts *o = x->o;
    if (tag == VMSG__GTAG_UNDECODABLE)
        snprintf(g->name, sizeof g->name, "(undecodable)");
    else if (tag == VMSG__GTAG_SESSION)
        snprintf(g->name, sizeof g->name, "(end of session)");
    else if (tag == VMSG__GTAG_OTHER)
        snprintf(g->name, sizeof g->name, "(other)");
    else {
        const struct vmsg_msgdef *d = vmsg_msgdef_lookup(o->profile, o->binding, tag, false, msg_id);
        if (!d)
            d = vmsg_msgdef_lookup(o->profile, o->binding, tag, true, msg_id);
        if (d)
            snprintf(g->name, sizeof g->name, "%s", d->name);
        else
            snprintf(g->name, sizeof g->name, "msg 0x%02x", msg_id);
    }
}

static bool grow_index(struct vmsg__rp *x)
{
    uint32_t mask = x->gmask * 2 + 1;
    uint32_t *idx = calloc((size_t)mask + 1, sizeof *idx);
    if (!idx)
        return false;
    for (uint32_t i = 0; i < x->ngroups; i++) {
        uint32_t h = hash(x->groups[i].key, mask);
        while (idx[h])
            h = (h + 1) & mask;
        idx[h] = i + 1;
    }
    free(x->gidx);
    x->gidx = idx;
    x->gmask = mask;
    return true;
}

/* The group found is the next one's first guess (vmsg__group_of). */
static uint32_t found(struct vmsg__rp *x, uint32_t gi)
{
    x->glast = gi;
    x->glast_key = x->groups[gi].key;
    return gi;
}

uint32_t vmsg__group_find(struct vmsg__rp *x, uint64_t k)
{
    uint16_t bus = (uint16_t)(k >> 32), dev = (uint16_t)(k >> 16);
    unsigned tag = (unsigned)(k >> 8) & 0xff;
    uint8_t msg_id = (uint8_t)k;
    uint32_t h = hash(k, x->gmask);
    for (; x->gidx[h]; h = (h + 1) & x->gmask)
        if (x->groups[x->gidx[h] - 1].key == k)
            return found(x, x->gidx[h] - 1);
    if (x->ngroups >= MAX_GROUPS && tag != VMSG__GTAG_OTHER)
        return vmsg__group_find(x, vmsg__group_key(0, 0, VMSG__GTAG_OTHER, 0));
    if (x->ngroups == x->capgroups) {
        struct vmsg__group *n = realloc(x->groups, 2 * (size_t)x->capgroups * sizeof *n);
        if (!n)
            return VMSG__NO_GROUP;
        x->groups = n;
        x->capgroups *= 2;
    }
    if (2 * (x->ngroups + 1) > x->gmask) {
        if (!grow_index(x))
            return VMSG__NO_GROUP;
        for (h = hash(k, x->gmask); x->gidx[h]; h = (h + 1) & x->gmask)
            ;
    }
    struct vmsg__group *g = &x->groups[x->ngroups];
    memset(g, 0, sizeof *g);
    g->key = k;
    g->c.bus = tag == VMSG__GTAG_OTHER ? 0 : bus;
    g->c.dev_num = tag == VMSG__GTAG_OTHER ? 0 : dev;
    g->c.cls = tag <= 1 ? (uint8_t)tag : 0;
    name_group(x, g, tag, msg_id);
    x->gidx[h] = ++x->ngroups;
    return found(x, x->ngroups - 1);
}

void vmsg__group_finding(void *user, const struct vmsg_finding *f)
{
    struct vmsg__rp *x = user;
    if (x->ct) /* the checker runs on the second thread: the walk delivers it later */
        vmsg__ct_collect(x->ct, f);
    else
        vmsg__group_finding_in(x, x->cur_group, f);
}

void vmsg__group_finding_in(struct vmsg__rp *x, uint32_t gi, const struct vmsg_finding *f)
{
    if (f->frame == 0 || gi == VMSG__NO_GROUP)
        gi = vmsg__group_find(x, vmsg__group_key(f->bus, f->dev_num, VMSG__GTAG_SESSION, 0));
    if (gi != VMSG__NO_GROUP && f->clause) {
        struct vmsg_replay_case *c = &x->groups[gi].c;
        if (f->verdict == VMSG_CHECK_FAIL)
            c->fail++;
        else if (f->verdict == VMSG_CHECK_WARN)
            c->warn++;
        else
            c->info++;
        bool known = false;
        for (unsigned i = 0; i < c->nclauses && !known; i++)
            known = !strcmp(c->clauses[i], f->clause);
        if (!known && c->nclauses < VMSG_REPLAY_CASE_CLAUSES)
            c->clauses[c->nclauses++] = f->clause;
    }
    if (x->o->on_finding)
        x->o->on_finding(x->o->user, f);
}

static uint8_t *copy(const uint8_t *p, size_t n)
{
    uint8_t *c = p && n ? malloc(n) : NULL;
    if (c)
        memcpy(c, p, n);
    return c;
}

void vmsg__group_divergence(struct vmsg__rp *x, uint32_t gi, const struct vmsg_replay_divergence *d)
{
    if (gi == VMSG__NO_GROUP)
        return;
    struct vmsg__group *g = &x->groups[gi];
    if (g->c.divergences++)
        return;
    g->first = *d;
    g->first_exp = copy(d->expected_bytes, d->expected_len);
    g->first_got = copy(d->got_bytes, d->got_len);
    g->first.expected_bytes = g->first_exp;
    g->first.expected_len = g->first_exp ? d->expected_len : 0;
    g->first.got_bytes = g->first_got;
    g->first.got_len = g->first_got ? d->got_len : 0;
}

void vmsg__groups_report(struct vmsg__rp *x)
{
    if (!x->o->on_case)
        return;
    for (uint32_t i = 0; i < x->ngroups; i++) {
        struct vmsg__group *g = &x->groups[i];
        g->c.message = g->name;
        g->c.first = g->c.divergences ? &g->first : NULL;
        g->c.duration_ms = g->t_last > g->t_first ? (double)(g->t_last - g->t_first) / 1e6 : 0.0;
        x->o->on_case(x->o->user, &g->c);
    }
}
