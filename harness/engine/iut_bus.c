/* The runner's IUT operations over the bus adapters: see vmsg/iut.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/iut.h>
#include <vmsg/ref.h>

struct conn {
    struct vmsg_bus *b;
    char side[1024];
};

static void *iut_open(void *arg, char *err, size_t errlen)
{
    struct vmsg_iut_bus *iut = arg;
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
    case VMSG_BUS_OVERSIZE: snprintf(err, errlen, "%s", vmsg_bus_error(b)); return VMSG_IO_OVERSIZE;
    case VMSG_BUS_MALFORMED: snprintf(err, errlen, "%s", vmsg_bus_error(b)); return VMSG_IO_MALFORMED;
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

static bool iut_params(void *conn, struct vmsg_bus_params *out)
{
    struct conn *c = conn;
    *out = *vmsg_bus_params(c->b);
    return true;
}

const struct vmsg_iut_ops vmsg_iut_bus_ops = {iut_open, iut_send, iut_recv, iut_side_text, iut_close, iut_params};

int vmsg_iut_bus_init(struct vmsg_iut_bus *iut, const char *uri, unsigned role, const struct vmsg_link *link,
                      char *err, size_t errlen)
{
    static const char *defaults[] = {"builtin:refdev", "builtin:refdrv", "builtin:refbus"};
    static const char *schemes[] = {"builtin:", "exec:", "unix:", "unix-listen:", "tcp:", "tcp-listen:",
                                    "seqpacket:", "seqpacket-listen:", "shm:", NULL};
    memset(iut, 0, sizeof *iut);
    if (snprintf(iut->uri, sizeof iut->uri, "%s", uri ? uri : defaults[role < 3 ? role : 0]) >=
        (int)sizeof iut->uri) {
        snprintf(err, errlen, "--iut: URI longer than %zu bytes", sizeof iut->uri - 1);
        return 2;
    }
    vmsg_bus_opts_init(&iut->bopts);
    iut->bopts.profile = link->profile;
    iut->bopts.side = role == VMSG_IUT_DRIVER ? VMSG_BUS_SIDE_DEVICE : VMSG_BUS_SIDE_DRIVER;
    if (link->max_msg_size)
        iut->bopts.params.max_msg_size = link->max_msg_size;
    iut->bopts.builtins = vmsg_ref_builtins();
    for (unsigned i = 0; schemes[i]; i++)
        if (!strncmp(iut->uri, schemes[i], strlen(schemes[i])))
            return 0;
    snprintf(err, errlen, "--iut: %.200s: unknown URI scheme (builtin:, exec:, unix:, tcp:, seqpacket:, shm:)",
             iut->uri);
    return 2;
}

bool vmsg_iut_bus_is_builtin(const struct vmsg_iut_bus *iut) { return !strncmp(iut->uri, "builtin:", 8); }
