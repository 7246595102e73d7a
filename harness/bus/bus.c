/* The bus object: open by URI scheme, the common query options, and the
 * send/recv wrappers that check sizes and feed the tap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <vmsg/wire.h>

#include "bus_internal.h"

const char *vmsg_bus_status_name(int status)
{
    switch (status) {
    case VMSG_BUS_OK: return "ok";
    case VMSG_BUS_TIMEOUT: return "timeout";
    case VMSG_BUS_CLOSED: return "closed";
    case VMSG_BUS_ERROR: return "error";
    case VMSG_BUS_OVERSIZE: return "oversize";
    case VMSG_BUS_MALFORMED: return "malformed";
    case VMSG_BUS_USAGE: return "usage";
    default: return "?";
    }
}

void vmsg_bus_opts_init(struct vmsg_bus_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->side = VMSG_BUS_SIDE_DRIVER;
    o->params.revision = 1;
    o->params.max_msg_size = VMSG_BUS_DEFAULT_MAX;
    o->params.transport_features = 0;
    o->send_timeout_ms = 5000;
    o->connect_timeout_ms = 5000;
}

void vmsg__bus_fail(struct vmsg_bus *b, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(b->err, sizeof b->err, "%s: %s", b->uri ? b->uri : "?", text);
}

void vmsg__bus_fail_errno(struct vmsg_bus *b, int errnum, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(b->err, sizeof b->err, "%s: %s: %s", b->uri ? b->uri : "?", text, strerror(errnum));
}

/* max=N and side=driver|device, common to every scheme but exec:. */
static int apply_common_query(struct vmsg_bus *b, const char *query)
{
    char v[32];
    if (vmsg__bus_query_get(query, "max", v, sizeof v)) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(v, &end, 0);
        const struct vmsg_profile_def *p = vmsg_profile(b->profile);
        unsigned long lim = p && p->max_size ? p->max_size : 65535;
        if (errno || *end || v[0] == '-' || n < b->header || n > lim) {
            vmsg__bus_fail(b, "max: expected %u..%lu, got '%s'", (unsigned)b->header, lim, v);
            return VMSG_BUS_USAGE;
        }
        b->params.max_msg_size = (uint32_t)n;
    }
    if (vmsg__bus_query_get(query, "side", v, sizeof v)) {
        if (strcmp(v, "driver") == 0)
            b->side = VMSG_BUS_SIDE_DRIVER;
        else if (strcmp(v, "device") == 0)
            b->side = VMSG_BUS_SIDE_DEVICE;
        else {
            vmsg__bus_fail(b, "side: expected driver or device, got '%s'", v);
            return VMSG_BUS_USAGE;
        }
    }
    return VMSG_BUS_OK;
}

static int check_query_keys(struct vmsg_bus *b, const char *query, const char *const *allowed)
{
    char bad[64];
    if (!vmsg__bus_query_check(query, allowed, bad, sizeof bad)) {
        vmsg__bus_fail(b, "unknown query option '%s'", bad);
        return VMSG_BUS_USAGE;
    }
    return VMSG_BUS_OK;
}

static const char *const k_common_keys[] = {"max", "side", NULL};
static const char *const k_shm_keys[] = {"max", "side", "create", NULL};
static const char *const k_pcap_keys[] = {"max", "side", "dir", "compare", "bare", NULL};

static int open_scheme(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    const char *s = u->scheme;
    int rc;
    if (strcmp(s, "builtin") == 0) {
        b->kind = VMSG__KIND_LOOPBACK;
        if ((rc = apply_common_query(b, u->query)) != VMSG_BUS_OK)
            return rc;
        return vmsg__bus_open_builtin(b, u);
    }
    if (strcmp(s, "exec") == 0) {
        b->kind = VMSG__KIND_EXEC;
        return vmsg__bus_open_exec(b, u);
    }
    bool shm = strcmp(s, "shm") == 0, pcap = strcmp(s, "pcap") == 0;
    if ((rc = check_query_keys(b, u->query, shm ? k_shm_keys : pcap ? k_pcap_keys : k_common_keys)) !=
        VMSG_BUS_OK)
        return rc;
    if ((rc = apply_common_query(b, u->query)) != VMSG_BUS_OK)
        return rc;
    if (strcmp(s, "unix") == 0 || strcmp(s, "unix-listen") == 0) {
        b->kind = VMSG__KIND_UNIX;
        return vmsg__bus_open_unix(b, u, s[4] == '-', SOCK_STREAM);
    }
    if (strcmp(s, "seqpacket") == 0 || strcmp(s, "seqpacket-listen") == 0) {
        b->kind = VMSG__KIND_SEQPACKET;
        return vmsg__bus_open_unix(b, u, s[9] == '-', SOCK_SEQPACKET);
    }
    if (strcmp(s, "tcp") == 0 || strcmp(s, "tcp-listen") == 0) {
        b->kind = VMSG__KIND_TCP;
        return vmsg__bus_open_tcp(b, u, s[3] == '-');
    }
    if (shm) {
        b->kind = VMSG__KIND_SHM;
        return vmsg__bus_open_shm(b, u);
    }
    if (strcmp(s, "stdio") == 0) {
        b->kind = VMSG__KIND_EXEC; /* the other end of an exec: pipe pair */
        return vmsg__bus_open_stdio(b, u);
    }
    if (strcmp(s, "pcap") == 0) {
        b->kind = VMSG__KIND_UNKNOWN;
        return vmsg__bus_open_pcap(b, u);
    }
    if (strcmp(s, "stdio") == 0) {
        b->kind = VMSG__KIND_EXEC; /* the child end of an exec: link */
        return vmsg__bus_open_stdio(b, u);
    }
    vmsg__bus_fail(b, "unknown URI scheme '%s' (expected builtin, exec, unix, unix-listen, tcp, "
                      "tcp-listen, seqpacket, seqpacket-listen, shm, pcap, stdio)", s);
    return VMSG_BUS_USAGE;
}

int vmsg_bus_open(const char *uri, const struct vmsg_bus_opts *opts, struct vmsg_bus **out,
                  char *err, size_t errcap)
{
    struct vmsg_bus_opts def;
    if (!opts) {
        vmsg_bus_opts_init(&def);
        opts = &def;
    }
    *out = NULL;
    const struct vmsg_profile_def *p = vmsg_profile(opts->profile);
    if (!uri || !p) {
        snprintf(err, errcap, "%s: %s", uri ? uri : "(null)", uri ? "unknown profile" : "no URI");
        return VMSG_BUS_USAGE;
    }
    struct vmsg_bus *b = calloc(1, sizeof *b);
    if (!b || !(b->uri = strdup(uri))) {
        free(b);
        snprintf(err, errcap, "%s: out of memory", uri);
        return VMSG_BUS_ERROR;
    }
    b->profile = opts->profile;
    b->side = opts->side;
    b->params = opts->params;
    if (b->params.max_msg_size == 0)
        b->params.max_msg_size = VMSG_BUS_DEFAULT_MAX;
    b->instance = opts->instance;
    b->tap = opts->tap;
    b->tap_ctx = opts->tap_ctx;
    b->builtins = opts->builtins;
    b->send_timeout_ms = opts->send_timeout_ms > 0 ? opts->send_timeout_ms : 5000;
    b->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 5000;
    b->many_peers = opts->many_peers;
    b->header = p->header;
    b->fixed_size = p->fixed_size;
    if (b->fixed_size && b->params.max_msg_size < b->fixed_size)
        b->params.max_msg_size = b->fixed_size;

    struct vmsg__uri u;
    int rc;
    if (!vmsg__uri_parse(uri, &u, b->err, sizeof b->err)) {
        rc = VMSG_BUS_USAGE;
    } else {
        rc = open_scheme(b, &u);
        vmsg__uri_free(&u);
    }
    if (rc != VMSG_BUS_OK) {
        snprintf(err, errcap, "%s", b->err);
        if (b->ops)
            b->ops->destroy(b);
        free(b->uri);
        free(b);
        return rc;
    }
    b->err[0] = 0;
    *out = b;
    return VMSG_BUS_OK;
}

static void tap(struct vmsg_bus *b, const uint8_t *frame, size_t len, unsigned flags)
{
    if (!b->tap)
        return;
    struct vmsg_bus_tap_rec r;
    r.uri = b->uri;
    r.frame = frame;
    r.len = len;
    r.ts_ns = vmsg__bus_wall_ns();
    r.flags = flags;
    bool sent = flags & VMSG_BUS_TAP_SENT;
    if (b->side == VMSG_BUS_SIDE_UNKNOWN)
        r.direction = 2;
    else /* the driver sends driver-to-device (0); the device receives it */
        r.direction = (uint8_t)(((b->side == VMSG_BUS_SIDE_DRIVER) == sent) ? 0 : 1);
    r.profile = (uint8_t)b->profile;
    r.bus_kind = b->kind;
    r.instance = b->instance;
    b->tap(b->tap_ctx, &r);
}

int vmsg_bus_send(struct vmsg_bus *b, const uint8_t *frame, size_t len)
{
    if (len == 0 || !frame) {
        vmsg__bus_fail(b, "send: empty frame");
        return VMSG_BUS_USAGE;
    }
    if (len > b->params.max_msg_size) {
        vmsg__bus_fail(b, "send: frame of %zu bytes exceeds the maximum message size %u%s", len,
                       (unsigned)b->params.max_msg_size,
                       b->kind == VMSG__KIND_SHM ? " (one 64-byte queue slot per message)" : "");
        return VMSG_BUS_OVERSIZE;
    }
    int rc = b->ops->send(b, frame, len);
    if (rc == VMSG_BUS_OK)
        tap(b, frame, len, VMSG_BUS_TAP_SENT);
    return rc;
}

int vmsg_bus_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int timeout_ms)
{
    unsigned flags = 0;
    *len = 0;
    int rc = b->ops->recv(b, buf, cap, len, vmsg__bus_deadline(timeout_ms), &flags);
    if (rc == VMSG_BUS_OK || (rc == VMSG_BUS_MALFORMED && *len > 0))
        tap(b, buf, *len, flags);
    return rc;
}

int vmsg_bus_wait_peer(struct vmsg_bus *b, int timeout_ms)
{
    if (!b->ops->wait_peer)
        return VMSG_BUS_OK;
    return b->ops->wait_peer(b, vmsg__bus_deadline(timeout_ms));
}

int vmsg_bus_next_peer(struct vmsg_bus *b)
{
    if (!b->ops->next_peer || !b->many_peers) {
        vmsg__bus_fail(b, "next peer: not a listening URI opened for many peers");
        return VMSG_BUS_USAGE;
    }
    return b->ops->next_peer(b);
}

const char *vmsg_bus_error(const struct vmsg_bus *b) { return b->err; }
const char *vmsg_bus_uri(const struct vmsg_bus *b) { return b->uri; }
const struct vmsg_bus_params *vmsg_bus_params(const struct vmsg_bus *b) { return &b->params; }
unsigned vmsg_bus_profile(const struct vmsg_bus *b) { return b->profile; }
const char *vmsg_bus_local_addr(const struct vmsg_bus *b) { return b->local_addr; }

int vmsg_bus_pollfds(struct vmsg_bus *b, int *fds, int max)
{
    return b->ops->pollfds ? b->ops->pollfds(b, fds, max) : 0;
}

int vmsg_bus_finish(struct vmsg_bus *b, int grace_ms)
{
    return b->ops->finish ? b->ops->finish(b, grace_ms) : 0;
}

void vmsg_bus_close(struct vmsg_bus *b)
{
    if (!b)
        return;
    if (b->ops->finish)
        b->ops->finish(b, 100);
    b->ops->destroy(b);
    free(b->uri);
    free(b);
}
