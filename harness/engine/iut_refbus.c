/* The in-process reference bus as a two-sided IUT (vmsg/iut.h): one refbus per
 * case, its driver face on side 0 and its device face on side 1, plus the
 * external pair of adapter URIs. The refbus acts only when a frame reaches
 * it (it has no clock of its own), so everything it will ever emit for a
 * frame is queued when send returns: an empty queue means silence, and recv
 * does not wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/iut.h>
#include <vmsg/ref.h>

#define QMAX 256

struct qframe {
    size_t len;
    uint8_t *bytes;
};

struct fqueue {
    unsigned head, n;
    struct qframe f[QMAX];
};

struct rbconn {
    struct vmsg_iut_refbus *owner;
    struct vmsg_refbus *bus;
    struct fqueue q[2]; /* frames towards the driver side, towards the device side */
    bool overflow;
};

/* Value of KEY in "a=1&b=2"; false when absent or too long. */
static bool qget(const char *query, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            if (n - klen - 1 >= cap)
                return false;
            memcpy(out, p + klen + 1, n - klen - 1);
            out[n - klen - 1] = 0;
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

/* Options of the refbus from the query; 0 or -1 with err. */
static int parse_query(const char *query, const struct vmsg_link *link, struct vmsg_refbus_opts *ro,
                       struct vmsg_fault_set *fs, char *err, size_t errlen)
{
    static const char *const keys[] = {"fault", "devices", "window", NULL};
    char val[512];
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        bool known = false;
        for (unsigned i = 0; keys[i]; i++)
            known |= strlen(keys[i]) == klen && !strncmp(keys[i], p, klen);
        if (!known) {
            snprintf(err, errlen, "builtin:refbus: unknown option '%.*s' (known: fault, devices, window)", (int)klen, p);
            return -1;
        }
        p = amp ? amp + 1 : NULL;
    }
    memset(ro, 0, sizeof *ro);
    memset(fs, 0, sizeof *fs);
    ro->profile = link->profile;
    ro->max_msg_size = link->max_msg_size ? link->max_msg_size : 264;
    ro->dev_nums[0] = link->dev_num;
    ro->dev_nums[1] = (uint16_t)(link->dev_num + 1);
    ro->ndevs = 2;
    if (qget(query, "fault", val, sizeof val) && !vmsg_fault_set_parse(fs, VMSG_FAULT_BUS, val, err, errlen))
        return -1;
    if (qget(query, "devices", val, sizeof val)) {
        ro->ndevs = 0;
        for (char *s = val, *end; *s; s = *end ? end + 1 : end) {
            unsigned long v = strtoul(s, &end, 0);
            if (end == s || (*end && *end != ',') || v == 0 || v > 0xffff || ro->ndevs == VMSG_PERS_MAX_DEVS) {
                snprintf(err, errlen, "builtin:refbus: devices: expected up to %u numbers 1..65535 separated by commas",
                         (unsigned)VMSG_PERS_MAX_DEVS);
                return -1;
            }
            ro->dev_nums[ro->ndevs++] = (uint16_t)v;
        }
    }
    if (qget(query, "window", val, sizeof val)) {
        char *end;
        unsigned long v = strtoul(val, &end, 0);
        if (!*val || *end || v % 8 || v > 0xfff8) {
            snprintf(err, errlen, "builtin:refbus: window: expected a multiple of 8 below 65536");
            return -1;
        }
        ro->window = (uint16_t)v;
    }
    return 0;
}

static void push(struct rbconn *c, unsigned side, const uint8_t *f, size_t len)
{
    struct fqueue *q = &c->q[side];
    uint8_t *copy = len ? malloc(len) : NULL;
    if (q->n == QMAX || !copy) {
        free(copy);
        c->overflow = true;
        return;
    }
    memcpy(copy, f, len);
    q->f[(q->head + q->n) % QMAX] = (struct qframe){len, copy};
    q->n++;
}

static void to_driver(void *ctx, const uint8_t *f, size_t len) { push(ctx, 0, f, len); }
static void to_device(void *ctx, const uint8_t *f, size_t len) { push(ctx, 1, f, len); }

static void *open_driver(void *arg, char *err, size_t errlen)
{
    struct vmsg_iut_refbus *r = arg;
    struct vmsg_refbus_opts ro;
    struct vmsg_fault_set fs;
    if (parse_query(r->query, &r->link, &ro, &fs, err, errlen))
        return NULL;
    struct rbconn *c = calloc(1, sizeof *c);
    if (!c || !(c->bus = vmsg_refbus_new(&ro, &fs, to_driver, c, to_device, c))) {
        free(c);
        snprintf(err, errlen, "builtin:refbus: out of memory");
        return NULL;
    }
    c->owner = r;
    r->live = c;
    return c;
}

static void *open_device(void *arg, char *err, size_t errlen)
{
    struct vmsg_iut_refbus *r = arg;
    if (!r->live)
        snprintf(err, errlen, "builtin:refbus: the driver side is not open");
    return r->live;
}

static enum vmsg_io rb_send(struct rbconn *c, unsigned side, const uint8_t *f, size_t len)
{
    if (side == 0)
        vmsg_refbus_from_driver(c->bus, f, len);
    else
        vmsg_refbus_from_device(c->bus, f, len);
    return VMSG_IO_OK;
}

static enum vmsg_io rb_recv(struct rbconn *c, unsigned side, uint8_t *buf, size_t cap, size_t *len, char *err,
                            size_t errlen)
{
    struct fqueue *q = &c->q[side];
    if (c->overflow) {
        snprintf(err, errlen, "builtin:refbus: more than %u frames queued", (unsigned)QMAX);
        return VMSG_IO_ERROR;
    }
    if (!q->n)
        return VMSG_IO_TIMEOUT; /* nothing queued: nothing will come */
    struct qframe f = q->f[q->head];
    q->head = (q->head + 1) % QMAX;
    q->n--;
    *len = f.len < cap ? f.len : cap;
    memcpy(buf, f.bytes, *len);
    free(f.bytes);
    if (f.len > cap) {
        snprintf(err, errlen, "builtin:refbus: a %zu-byte frame does not fit the %zu-byte buffer", f.len, cap);
        return VMSG_IO_OVERSIZE;
    }
    return VMSG_IO_OK;
}

static enum vmsg_io drv_send(void *conn, const uint8_t *f, size_t len, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return rb_send(conn, 0, f, len);
}

static enum vmsg_io dev_send(void *conn, const uint8_t *f, size_t len, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return rb_send(conn, 1, f, len);
}

static enum vmsg_io drv_recv(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                             size_t errlen)
{
    (void)timeout_ms;
    return rb_recv(conn, 0, buf, cap, len, err, errlen);
}

static enum vmsg_io dev_recv(void *conn, uint8_t *buf, size_t cap, size_t *len, unsigned timeout_ms, char *err,
                             size_t errlen)
{
    (void)timeout_ms;
    return rb_recv(conn, 1, buf, cap, len, err, errlen);
}

static void close_driver(void *conn)
{
    struct rbconn *c = conn;
    for (unsigned s = 0; s < 2; s++)
        for (unsigned i = 0; i < c->q[s].n; i++)
            free(c->q[s].f[(c->q[s].head + i) % QMAX].bytes);
    vmsg_refbus_free(c->bus);
    c->owner->live = NULL;
    free(c);
}

static void close_device(void *conn) { (void)conn; /* the driver side owns the instance */ }

static enum vmsg_io rb_control(void *conn, const char *cmd, char *reply, size_t cap)
{
    struct rbconn *c = conn;
    unsigned long n = 0;
    if (!strcmp(cmd, "params")) {
        struct vmsg_bus_params p = vmsg_refbus_params(c->bus);
        snprintf(reply, cap, "revision=%u max_msg_size=%u features=0x%llx", (unsigned)p.revision,
                 (unsigned)p.max_msg_size, (unsigned long long)p.transport_features);
        return VMSG_IO_OK;
    }
    char *end = NULL;
    if (!strncmp(cmd, "hotplug ", 8))
        n = strtoul(cmd + 8, &end, 10);
    if (end && end != cmd + 8 && n <= 0xffff && (!strcmp(end, " on") || !strcmp(end, " off"))) {
        vmsg_refbus_hotplug(c->bus, (uint16_t)n, !strcmp(end, " on"));
        snprintf(reply, cap, "event-device");
        return VMSG_IO_OK;
    }
    snprintf(reply, cap, "builtin:refbus: unknown test hook '%s' (params, hotplug N on|off)", cmd);
    return VMSG_IO_ERROR;
}

/* What the reference bus advertises, the same on both faces. */
static bool rb_params(void *conn, struct vmsg_bus_params *out)
{
    struct rbconn *c = conn;
    *out = vmsg_refbus_params(c->bus);
    return true;
}

static const struct vmsg_iut_ops refbus_driver_ops = {open_driver, drv_send, drv_recv, NULL, close_driver, rb_params};
static const struct vmsg_iut_ops refbus_device_ops = {open_device, dev_send, dev_recv, NULL, close_device, rb_params};

bool vmsg_iut_is_refbus(const char *uri)
{
    return uri && !strncmp(uri, "builtin:refbus", 14) && (uri[14] == 0 || uri[14] == '?');
}

int vmsg_iut_pair_init(struct vmsg_iut_pair *p, const char *driver_uri, const char *device_uri,
                       const struct vmsg_link *link, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (!driver_uri && !device_uri)
        driver_uri = "builtin:refbus";
    if (vmsg_iut_is_refbus(driver_uri) && !device_uri) {
        struct vmsg_refbus_opts ro;
        struct vmsg_fault_set fs;
        p->builtin = true;
        p->ref.link = *link;
        if (snprintf(p->ref.query, sizeof p->ref.query, "%s", driver_uri[14] ? driver_uri + 15 : "") >=
            (int)sizeof p->ref.query) {
            snprintf(err, errlen, "builtin:refbus: query longer than %zu bytes", sizeof p->ref.query - 1);
            return 2;
        }
        return parse_query(p->ref.query, link, &ro, &fs, err, errlen) ? 2 : 0;
    }
    if (!driver_uri || !device_uri) {
        snprintf(err, errlen, "a bus under test needs both --driver-side URI and --device-side URI");
        return 2;
    }
    int rc = vmsg_iut_bus_init(&p->driver_side, driver_uri, VMSG_IUT_BUS, link, err, errlen);
    if (!rc)
        rc = vmsg_iut_bus_init(&p->device_side, device_uri, VMSG_IUT_BUS, link, err, errlen);
    if (rc)
        return rc;
    /* the harness plays the driver on one side and the devices on the other;
     * its adapters take frames of any size so that it can probe the bus's own
     * limit (the suite judges sizes against the link's maximum) */
    p->driver_side.bopts.side = VMSG_BUS_SIDE_DRIVER;
    p->device_side.bopts.side = VMSG_BUS_SIDE_DEVICE;
    p->driver_side.bopts.params.max_msg_size = 65535;
    p->device_side.bopts.params.max_msg_size = 65535;
    return 0;
}

void vmsg_iut_pair_apply(struct vmsg_iut_pair *p, struct vmsg_run_opts *o)
{
    if (p->builtin) {
        o->iut = &refbus_driver_ops;
        o->iut_arg = &p->ref;
        o->device_iut = &refbus_device_ops;
        o->device_iut_arg = &p->ref;
        o->iut_control = rb_control;
    } else {
        o->iut = &vmsg_iut_bus_ops;
        o->iut_arg = &p->driver_side;
        o->device_iut = &vmsg_iut_bus_ops;
        o->device_iut_arg = &p->device_side;
        o->iut_control = NULL;
    }
}
