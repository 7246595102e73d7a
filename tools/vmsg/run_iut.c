/* `vmsg run` IUT glue: see run_iut.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/ref.h>

#include "run_iut.h"

struct conn {
    struct vmsg_bus *b;
    char side[1024];
};

static void *iut_open(void *arg, char *err, size_t errlen)
{
    struct vmsg__iut *iut = arg;
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (vmsg_bus_open(iut->uri, &iut->bopts, &c->b, err, errlen) != VMSG_BUS_OK) {
        free(c);
        return NULL;
    }
    return c;
}

static enum vmsg_io map(int st, struct vmsg_bus *b, char *err, size_t errlen)
{
    switch (st) {
    case VMSG_BUS_OK: return VMSG_IO_OK;
    case VMSG_BUS_TIMEOUT: return VMSG_IO_TIMEOUT;
    case VMSG_BUS_CLOSED: snprintf(err, errlen, "%s", vmsg_bus_error(b)); return VMSG_IO_CLOSED;
    default: snprintf(err, errlen, "%s", vmsg_bus_error(b)); return VMSG_IO_ERROR;
    }
}

static enum vmsg_io iut_send(void *conn, const uint8_t *f, size_t len, char *err, size_t errlen)
{
    struct conn *c = conn;
    return map(vmsg_bus_send(c->b, f, len), c->b, err, errlen);
}

static enum vmsg_io iut_recv(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                             size_t errlen)
{
    struct conn *c = conn;
    return map(vmsg_bus_recv(c->b, buf, cap, len, (int)timeout_ms), c->b, err, errlen);
}

static const char *iut_side_text(void *conn)
{
    struct conn *c = conn;
    vmsg_bus_stderr(c->b, c->side, sizeof c->side);
    return c->side[0] ? c->side : NULL;
}

static void iut_close(void *conn)
{
    struct conn *c = conn;
    vmsg_bus_finish(c->b, 100);
    vmsg_bus_close(c->b);
    free(c);
}

static const struct vmsg_iut_ops bus_ops = {iut_open, iut_send, iut_recv, iut_side_text, iut_close};

/* --- builtin: reference implementations ---------------------------------- */
/* Value of KEY in a query "a=1&b=2" into out; false when absent. */
static bool query_get(const char *query, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            snprintf(out, cap, "%.*s", (int)(n - klen - 1), p + klen + 1);
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

static int faults_from(const char *query, enum vmsg_fault_role role, struct vmsg_fault_set *fs, char *err,
                       size_t errlen)
{
    char list[512];
    memset(fs, 0, sizeof *fs);
    if (query_get(query, "fault", list, sizeof list) && !vmsg_fault_set_parse(fs, role, list, err, errlen))
        return -1;
    return 0;
}

static int make_refdev(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out,
                       char *err, size_t errcap)
{
    struct vmsg_personality *p = malloc(sizeof *p);
    struct vmsg_fault_set fs;
    char path[1024];
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    vmsg_personality_default(p);
    if (query_get(query, "personality", path, sizeof path) && !vmsg_personality_load(p, path, err, errcap)) {
        free(p);
        return -1;
    }
    if (params && params->max_msg_size)
        p->max_msg_size = params->max_msg_size;
    if (faults_from(query, VMSG_FAULT_DEV, &fs, err, errcap) != 0) {
        free(p);
        return -1;
    }
    struct vmsg_refdev *d = vmsg_refdev_new(p, &fs);
    free(p);
    if (!d) {
        snprintf(err, errcap, "refdev: out of memory");
        return -1;
    }
    *out = vmsg_refdev_endpoint(d);
    return 0;
}

static int make_refdrv(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out,
                       char *err, size_t errcap)
{
    struct vmsg_refdrv_opts o;
    struct vmsg_fault_set fs;
    vmsg_refdrv_opts_default(&o);
    if (params && params->max_msg_size)
        o.max_msg_size = params->max_msg_size;
    if (faults_from(query, VMSG_FAULT_DRV, &fs, err, errcap) != 0)
        return -1;
    struct vmsg_refdrv *d = vmsg_refdrv_new(&o, &fs);
    if (!d) {
        snprintf(err, errcap, "refdrv: out of memory");
        return -1;
    }
    *out = vmsg_refdrv_endpoint(d);
    return 0;
}

const struct vmsg_builtin *vmsg__ref_builtins(void)
{
    static const struct vmsg_builtin table[] = {{"refdev", make_refdev}, {"refdrv", make_refdrv}, {NULL, NULL}};
    return table;
}

int vmsg__iut_resolve(const char *uri, unsigned role, struct vmsg_run_opts *ro, struct vmsg__iut *iut, char *err,
                      size_t errlen)
{
    static const char *defaults[] = {"builtin:refdev", "builtin:refdrv", "builtin:refbus"};
    memset(iut, 0, sizeof *iut);
    snprintf(iut->uri, sizeof iut->uri, "%s", uri ? uri : defaults[role < 3 ? role : 0]);
    vmsg_bus_opts_init(&iut->bopts);
    iut->bopts.profile = ro->link.profile;
    iut->bopts.side = role == VMSG_IUT_DRIVER ? VMSG_BUS_SIDE_DEVICE : VMSG_BUS_SIDE_DRIVER;
    iut->bopts.params.max_msg_size = ro->link.max_msg_size;
    iut->bopts.builtins = vmsg__ref_builtins();
    /* Check the URI once up front so a typo is a usage error, not N ERRORs. */
    static const char *schemes[] = {"builtin:", "exec:", "unix:", "unix-listen:", "tcp:", "tcp-listen:",
                                    "seqpacket:", "seqpacket-listen:", "shm:", NULL};
    bool known = false;
    for (unsigned i = 0; schemes[i]; i++)
        if (!strncmp(iut->uri, schemes[i], strlen(schemes[i])))
            known = true;
    if (!known) {
        snprintf(err, errlen, "--iut: %s: unknown URI scheme (builtin:, exec:, unix:, tcp:, seqpacket:, shm:)",
                 iut->uri);
        return 2;
    }
    ro->iut = &bus_ops;
    ro->iut_arg = iut;
    return 0;
}

void vmsg__iut_release(struct vmsg__iut *iut) { (void)iut; }
