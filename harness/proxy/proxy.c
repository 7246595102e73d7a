/* vmsg_proxy_run: relay between a driver-side and a device-side adapter
 * (plainly, or through refbus), numbering every frame, writing it to the
 * capture and feeding it to the passive checker on the way. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/proxy.h>
#include <vmsg/wire.h>

void vmsg_proxy_opts_init(struct vmsg_proxy_opts *o)
{
    memset(o, 0, sizeof *o);
    o->profile = VMSG_PROFILE_V1;
    o->check = true;
    o->timeout_ms = -1;
    o->idle_ms = -1;
}

struct px {
    const struct vmsg_proxy_opts *o;
    struct vmsg_proxy_result *res;
    struct vmsg_check *chk;
    struct vmsg_bus *drv, *dev;
    uint8_t kind_drv, kind_dev;
    int send_rc;      /* refbus mode: first failed send */
    int send_side;    /* 0 driver, 1 device */
};

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Capture-header bus kind of a URI's scheme. */
static uint8_t kind_of(const char *uri)
{
    static const struct {
        const char *prefix;
        uint8_t kind;
    } k[] = {{"builtin:", VMSG_BUS_LOOPBACK}, {"exec:", VMSG_BUS_EXEC},        {"stdio:", VMSG_BUS_EXEC},
             {"unix", VMSG_BUS_UNIX},         {"tcp", VMSG_BUS_TCP},           {"seqpacket", VMSG_BUS_SEQPACKET},
             {"shm:", VMSG_BUS_SHM}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (!strncmp(uri, k[i].prefix, strlen(k[i].prefix)))
            return k[i].kind;
    return VMSG_BUS_UNKNOWN;
}

/* One frame seen by the proxy: number it, write it, judge it. */
static void record(struct px *x, const uint8_t *f, size_t len, unsigned dir, uint8_t kind, uint16_t instance,
                   uint64_t ts_ns)
{
    struct vmsg_proxy_result *r = x->res;
    uint64_t n = ++r->frames;
    if (dir == VMSG_DIR_DRV_TO_DEV)
        r->to_device++;
    else
        r->to_driver++;
    if (x->o->capture && !r->capture_failed) {
        const struct vmsg_profile_def *pd = vmsg_profile(x->o->profile);
        struct vmsg_cap_meta m = {(uint8_t)dir, pd ? pd->code : VMSG_CAP_PROFILE_UNKNOWN, kind, instance, 0};
        struct vmsg_cap_ts ts = {(int64_t)(ts_ns / 1000000000u), (uint32_t)(ts_ns % 1000000000u / 1000u)};
        if (len > VMSG_CAP_MAX_MSG || !vmsg_cap_write(x->o->capture, &ts, &m, f, len)) {
            r->capture_failed = true;
            snprintf(r->capture_error, sizeof r->capture_error, "frame %llu: %s", (unsigned long long)n,
                     len > VMSG_CAP_MAX_MSG ? "message too long for the capture"
                                            : vmsg_cap_writer_error(x->o->capture));
        }
    }
    if (x->chk)
        vmsg_check_feed(x->chk, n, dir, ts_ns, f, len, instance);
}

static void relay_tap(void *ctx, const struct vmsg_bus_tap_rec *rec)
{
    struct px *x = ctx;
    /* received by the driver-side bus = sent by the driver */
    unsigned dir = rec->direction;
    uint8_t kind = dir == VMSG_DIR_DRV_TO_DEV ? x->kind_drv : x->kind_dev;
    record(x, rec->frame, rec->len, dir, kind, 0, rec->ts_ns);
}

/* --- refbus in the middle ---------------------------------------------- */

static void to_driver(void *ctx, const uint8_t *f, size_t len)
{
    struct px *x = ctx;
    record(x, f, len, VMSG_DIR_DEV_TO_DRV, x->kind_drv, 0, wall_ns());
    if (x->send_rc != VMSG_BUS_OK)
        return;
    int rc = vmsg_bus_send(x->drv, f, len);
    if (rc != VMSG_BUS_OK) {
        x->send_rc = rc;
        x->send_side = 0;
    }
}

static void to_device(void *ctx, const uint8_t *f, size_t len)
{
    struct px *x = ctx;
    record(x, f, len, VMSG_DIR_DRV_TO_DEV, x->kind_dev, 1, wall_ns());
    if (x->send_rc != VMSG_BUS_OK)
        return;
    int rc = vmsg_bus_send(x->dev, f, len);
    if (rc != VMSG_BUS_OK) {
        x->send_rc = rc;
        x->send_side = 1;
    }
}

static bool stream_kind(uint8_t k) { return k == VMSG_BUS_EXEC || k == VMSG_BUS_UNIX || k == VMSG_BUS_TCP; }

/* Move every ready frame of one side into refbus. OK when dry. */
static int pump_bus(struct px *x, struct vmsg_refbus *rb, int side, uint8_t *buf, size_t cap, bool *moved)
{
    struct vmsg_bus *b = side ? x->dev : x->drv;
    uint8_t kind = side ? x->kind_dev : x->kind_drv;
    for (int i = 0; i < 64; i++) {
        size_t len = 0;
        int rc = vmsg_bus_recv(b, buf, cap, &len, 0);
        if (rc == VMSG_BUS_TIMEOUT)
            return VMSG_BUS_OK;
        if (rc == VMSG_BUS_MALFORMED && len > 0 && !stream_kind(kind))
            rc = VMSG_BUS_OK; /* a bad datagram: the bus under the proxy judges it */
        if (rc != VMSG_BUS_OK)
            return rc;
        *moved = true;
        if (side == 0) {
            record(x, buf, len, VMSG_DIR_DRV_TO_DEV, kind, 0, wall_ns());
            vmsg_refbus_from_driver(rb, buf, len);
        } else {
            record(x, buf, len, VMSG_DIR_DEV_TO_DRV, kind, 1, wall_ns());
            vmsg_refbus_from_device(rb, buf, len);
        }
        if (x->send_rc != VMSG_BUS_OK)
            return x->send_rc;
    }
    return VMSG_BUS_OK;
}

static int run_refbus(struct px *x, int *which)
{
    const struct vmsg_proxy_opts *o = x->o;
    struct vmsg_refbus_opts bo = o->bus;
    uint32_t m1 = vmsg_bus_params(x->drv)->max_msg_size, m2 = vmsg_bus_params(x->dev)->max_msg_size;
    if (!bo.max_msg_size)
        bo.max_msg_size = o->max_msg_size ? o->max_msg_size : m1 < m2 ? m1 : m2;
    if (!bo.ndevs) {
        bo.ndevs = 1;
        bo.dev_nums[0] = 1;
    }
    bo.profile = o->profile;
    struct vmsg_refbus *rb = vmsg_refbus_new(&bo, &o->bus_faults, to_driver, x, to_device, x);
    size_t cap = m1 > m2 ? m1 : m2;
    uint8_t *buf = malloc(cap);
    if (!rb || !buf) {
        vmsg_refbus_free(rb);
        free(buf);
        snprintf(x->res->why, sizeof x->res->why, "proxy: out of memory");
        return VMSG_BUS_ERROR;
    }
    bool builtin = kind_of(vmsg_bus_uri(x->drv)) == VMSG_BUS_LOOPBACK ||
                   kind_of(vmsg_bus_uri(x->dev)) == VMSG_BUS_LOOPBACK;
    int64_t start = mono_ms(), last = start;
    int rc = VMSG_BUS_OK;
    for (;;) {
        if (o->stop && *o->stop)
            break;
        int64_t now = mono_ms();
        if ((o->timeout_ms >= 0 && now - start >= o->timeout_ms) || (o->idle_ms >= 0 && now - last >= o->idle_ms)) {
            snprintf(x->res->why, sizeof x->res->why, "proxy: stopped after the %s timeout",
                     o->timeout_ms >= 0 && now - start >= o->timeout_ms ? "total" : "idle");
            rc = VMSG_BUS_TIMEOUT;
            break;
        }
        bool moved = false;
        for (int s = 0; s < 2 && rc == VMSG_BUS_OK; s++) {
            rc = pump_bus(x, rb, s, buf, cap, &moved);
            *which = x->send_rc != VMSG_BUS_OK ? x->send_side : s;
        }
        if (rc != VMSG_BUS_OK)
            break;
        if (moved) {
            last = mono_ms();
            continue;
        }
        struct pollfd p[8];
        int fds[4], n = 0;
        struct vmsg_bus *sides[2] = {x->drv, x->dev};
        for (int s = 0; s < 2; s++) {
            int k = vmsg_bus_pollfds(sides[s], fds, 4);
            for (int i = 0; i < k && n < 8; i++)
                p[n++] = (struct pollfd){fds[i], POLLIN, 0};
        }
        if (poll(p, (nfds_t)n, builtin ? 1 : 50) < 0 && errno != EINTR) {
            snprintf(x->res->why, sizeof x->res->why, "proxy: poll: %s", strerror(errno));
            rc = VMSG_BUS_ERROR;
            break;
        }
    }
    vmsg_refbus_free(rb);
    free(buf);
    return rc;
}

int vmsg_proxy_run(struct vmsg_bus *drv, struct vmsg_bus *dev, const struct vmsg_proxy_opts *o,
                   struct vmsg_proxy_result *res)
{
    memset(res, 0, sizeof *res);
    struct px x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.res = res;
    x.drv = drv;
    x.dev = dev;
    x.kind_drv = kind_of(vmsg_bus_uri(drv));
    x.kind_dev = kind_of(vmsg_bus_uri(dev));
    if (o->check) {
        struct vmsg_check_opts co;
        vmsg_check_opts_init(&co);
        co.profile = o->profile;
        co.binding = o->binding;
        co.max_msg_size = o->max_msg_size;
        co.strict = o->strict;
        co.complete = o->complete;
        co.on_finding = o->on_finding;
        co.user = o->user;
        x.chk = vmsg_check_new(&co);
        if (!x.chk) {
            snprintf(res->why, sizeof res->why, "proxy: checker: bad options or out of memory");
            return -1;
        }
    }
    int which = 0;
    int rc;
    if (o->refbus) {
        rc = run_refbus(&x, &which);
    } else {
        struct vmsg_relay_opts ro = {o->stop, o->timeout_ms, o->idle_ms, relay_tap, &x};
        rc = vmsg_bus_relay(drv, dev, &ro, &which);
    }
    res->status = rc;
    res->ended_by = which;
    if (!res->why[0] && rc != VMSG_BUS_OK)
        snprintf(res->why, sizeof res->why, "%s", vmsg_bus_error(which ? dev : drv));
    if (x.chk) {
        vmsg_check_finish(x.chk);
        res->counts = *vmsg_check_counts(x.chk);
        vmsg_check_free(x.chk);
    }
    return 0;
}

/* "1,3,17" into dev_nums. */
static bool parse_devs(const char *v, struct vmsg_refbus_opts *b, char *err, size_t errcap)
{
    b->ndevs = 0;
    for (const char *p = v; *p;) {
        char *end;
        unsigned long n = strtoul(p, &end, 0);
        if (end == p || n > 0xffff || (*end && *end != ',') || b->ndevs == VMSG_PERS_MAX_DEVS) {
            snprintf(err, errcap, "dev: expected up to %d device numbers separated by commas, got '%s'",
                     VMSG_PERS_MAX_DEVS, v);
            return false;
        }
        b->dev_nums[b->ndevs++] = (uint16_t)n;
        p = *end ? end + 1 : end;
    }
    return b->ndevs > 0;
}

bool vmsg_proxy_parse_bus(const char *spec, struct vmsg_proxy_opts *o, char *err, size_t errcap)
{
    if (strncmp(spec, "ref", 3) != 0 || (spec[3] && spec[3] != '?')) {
        snprintf(err, errcap, "--bus: expected ref[?fault=NAME,...&dev=N,...&window=N], got '%s'", spec);
        return false;
    }
    o->refbus = true;
    memset(&o->bus, 0, sizeof o->bus);
    memset(&o->bus_faults, 0, sizeof o->bus_faults);
    const char *q = spec[3] ? spec + 4 : "";
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        char item[512];
        if (n >= sizeof item) {
            snprintf(err, errcap, "--bus: option too long");
            return false;
        }
        memcpy(item, q, n);
        item[n] = 0;
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errcap, "--bus: expected KEY=VALUE, got '%s'", item);
            return false;
        }
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(item, "fault")) {
            if (!vmsg_fault_set_parse(&o->bus_faults, VMSG_FAULT_BUS, v, err, errcap))
                return false;
        } else if (!strcmp(item, "dev")) {
            if (!parse_devs(v, &o->bus, err, errcap))
                return false;
        } else if (!strcmp(item, "window")) {
            char *end;
            unsigned long w = strtoul(v, &end, 0);
            if (!*v || *end || w > 0xffff) {
                snprintf(err, errcap, "--bus: window: expected 0..65535, got '%s'", v);
                return false;
            }
            o->bus.window = (uint16_t)w;
        } else {
            snprintf(err, errcap, "--bus: unknown option '%s' (known: fault, dev, window)", item);
            return false;
        }
        q = amp ? amp + 1 : q + n;
    }
    return true;
}
