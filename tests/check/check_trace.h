/* In-memory traces for the checker tests: messages built with the encoder,
 * directions derived from the schema (or forced unknown), findings collected. */
#ifndef VMSG_TEST_CHECK_TRACE_H
#define VMSG_TEST_CHECK_TRACE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vmsg/check.h>
#include <vmsg/wire.h>

#define TR_MAX 256
#define TR_FIND 64

struct kv {
    int fld;
    uint64_t v;
    const void *p;
    uint32_t len;
};

struct trace {
    unsigned profile;
    size_t n;
    uint8_t buf[TR_MAX][320];
    size_t len[TR_MAX];
    unsigned dir[TR_MAX];
    uint16_t bus[TR_MAX];
};

struct found {
    size_t n;
    struct vmsg_finding f[TR_FIND];
    unsigned notes;
};

#define F(name, val) {VMSG_FLD_##name, (val), NULL, 0},
#define B(name, ptr, l) {VMSG_FLD_##name, 0, (ptr), (l)},
#define KV_END {-1, 0, NULL, 0}

/* Frame numbers are 1-based; each macro returns the frame it added. */
#define REQ(d, N, ...) tr_put(t, VMSG_CLASS_TRANSPORT, VMSG_M_##N, VMSG_KIND_REQUEST, d, (const struct kv[]){__VA_ARGS__ KV_END})
#define RESP(d, N, ...) tr_put(t, VMSG_CLASS_TRANSPORT, VMSG_M_##N, VMSG_KIND_RESPONSE, d, (const struct kv[]){__VA_ARGS__ KV_END})
#define EVT(d, N, ...) tr_put(t, VMSG_CLASS_TRANSPORT, VMSG_M_##N, VMSG_KIND_EVENT, d, (const struct kv[]){__VA_ARGS__ KV_END})
#define BREQ(N, ...) tr_put(t, VMSG_CLASS_BUS, VMSG_M_##N, VMSG_KIND_REQUEST, 0, (const struct kv[]){__VA_ARGS__ KV_END})
#define BRESP(N, ...) tr_put(t, VMSG_CLASS_BUS, VMSG_M_##N, VMSG_KIND_RESPONSE, 0, (const struct kv[]){__VA_ARGS__ KV_END})
#define BEVT(N, ...) tr_put(t, VMSG_CLASS_BUS, VMSG_M_##N, VMSG_KIND_EVENT, 0, (const struct kv[]){__VA_ARGS__ KV_END})

static inline uint64_t tr_raw(struct trace *t, unsigned dir, const uint8_t *b, size_t len)
{
    assert_true(t->n < TR_MAX && len <= sizeof t->buf[0]);
    memcpy(t->buf[t->n], b, len);
    t->len[t->n] = len;
    t->dir[t->n] = dir;
    t->bus[t->n] = 0;
    return ++t->n;
}

static inline uint64_t tr_put(struct trace *t, unsigned cls, unsigned mname, unsigned kind, uint16_t dev,
                              const struct kv *kv)
{
    struct vmsg_msg m;
    assert_true(vmsg_msg_init(&m, t->profile, 0, mname, cls, kind, dev));
    for (; kv->fld >= 0; kv++) {
        if (kv->p)
            assert_true(vmsg_set_bytes(&m, (unsigned)kv->fld, kv->p, kv->len));
        else
            assert_true(vmsg_set(&m, (unsigned)kv->fld, kv->v));
    }
    uint8_t b[320];
    size_t n = vmsg_encode(&m, b, sizeof b);
    assert_true(n > 0);
    unsigned s = m.def->sender, dir;
    if (s == VMSG_SENDER_ANY) /* tests send PING from the driver side unless they say otherwise */
        dir = kind == VMSG_KIND_RESPONSE ? VMSG_DIR_DEV_TO_DRV : VMSG_DIR_DRV_TO_DEV;
    else {
        bool from_driver = s == VMSG_SENDER_DRIVER;
        if (kind == VMSG_KIND_RESPONSE)
            from_driver = !from_driver;
        dir = from_driver ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV;
    }
    return tr_raw(t, dir, b, n);
}

static inline void tr_collect(void *user, const struct vmsg_finding *f)
{
    struct found *fd = user;
    if (!f->clause) {
        fd->notes++;
        return;
    }
    if (fd->n < TR_FIND)
        fd->f[fd->n++] = *f;
}

/* Run the trace; unknown_dir feeds every frame as direction unknown. */
static inline void tr_run(const struct trace *t, const struct vmsg_check_opts *base, bool unknown_dir,
                          struct found *fd)
{
    struct vmsg_check_opts o;
    if (base)
        o = *base;
    else
        vmsg_check_opts_init(&o);
    o.profile = t->profile;
    o.on_finding = tr_collect;
    o.user = fd;
    memset(fd, 0, sizeof *fd);
    struct vmsg_check *c = vmsg_check_new(&o);
    assert_non_null(c);
    for (size_t i = 0; i < t->n; i++)
        vmsg_check_feed(c, i + 1, unknown_dir ? VMSG_DIR_UNKNOWN : t->dir[i], 1000 * i, t->buf[i], t->len[i],
                        t->bus[i]);
    vmsg_check_finish(c);
    vmsg_check_free(c);
}

static inline void tr_print(const struct found *fd)
{
    for (size_t i = 0; i < fd->n; i++) {
        char line[300];
        vmsg_finding_format(&fd->f[i], line, sizeof line);
        fprintf(stderr, "  [%s %s] %s\n", fd->f[i].rule, vmsg_check_verdict_name(fd->f[i].verdict), line);
    }
}

#endif
