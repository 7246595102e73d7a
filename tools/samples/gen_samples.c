/* vmsg-samples OUTDIR: write the sample captures listed in
 * vectors/captures/README.md. Every message is built with the project's
 * encoder (vmsg_msg_init / vmsg_set / vmsg_encode) and written with the
 * capture writer; timestamps are fixed, so the output is byte for byte
 * reproducible. Records the writer cannot produce on purpose (odd tag lists,
 * bad headers) are assembled here and written with vmsg_cap_write_raw.
 *
 * To add a sample: add a function, call it from main, list the file and every
 * frame in vectors/captures/README.md, regenerate (see that README). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define STEP_US 125

enum { DRV = VMSG_DIR_DRV_TO_DEV, DEV = VMSG_DIR_DEV_TO_DRV };
enum { TR = VMSG_CLASS_TRANSPORT, BUS = VMSG_CLASS_BUS };
enum { REQ = VMSG_KIND_REQUEST, RESP = VMSG_KIND_RESPONSE, EVT = VMSG_KIND_EVENT };

static const char *outdir;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vmsg-samples: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(3);
}

/* One capture being generated. */
struct gen {
    struct vmsg_cap_writer *w;
    char path[1024];
    unsigned profile, binding;
    struct vmsg_cap_meta meta;
    struct vmsg_cap_ts ts;
    uint16_t tok;          /* last request token */
};

static void gen_open(struct gen *g, const char *name, unsigned profile, unsigned binding, uint8_t bus_kind,
                     const struct vmsg_cap_wopts *opts)
{
    char err[512];
    memset(g, 0, sizeof *g);
    snprintf(g->path, sizeof g->path, "%s/%s", outdir, name);
    g->w = vmsg_cap_writer_open(g->path, opts, err, sizeof err);
    if (!g->w)
        die("%s", err);
    g->profile = profile;
    g->binding = binding;
    g->meta.profile = vmsg_profile_defs[profile].code;
    g->meta.bus_kind = bus_kind;
    g->ts.sec = T0;
}

static void gen_close(struct gen *g)
{
    char err[512];
    if (!vmsg_cap_writer_close(g->w, err, sizeof err))
        die("%s", err);
}

static void tick(struct gen *g)
{
    g->ts.usec += STEP_US;
    if (g->ts.usec >= 1000000) {
        g->ts.usec -= 1000000;
        g->ts.sec++;
    }
}

static struct vmsg_msg mk(struct gen *g, unsigned mname, unsigned cls, unsigned kind, uint16_t dev)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, g->profile, g->binding, mname, cls, kind, dev))
        die("%s: no layout for %s (class %u kind %u) in profile %s", g->path, vmsg_mname_names[mname], cls, kind,
            vmsg_profile_defs[g->profile].name);
    return m;
}

static void set(struct vmsg_msg *m, unsigned fld, uint64_t v)
{
    if (!vmsg_set(m, fld, v))
        die("%s: no field %s", m->def->name, vmsg_fld_names[fld]);
}

static void setb(struct vmsg_msg *m, unsigned fld, const void *p, uint32_t len)
{
    if (!vmsg_set_bytes(m, fld, p, len))
        die("%s: no byte field %s", m->def->name, vmsg_fld_names[fld]);
}

/* Encode and record m, sent in direction dir, with metadata flags. */
static size_t emit_flags(struct gen *g, struct vmsg_msg *m, uint8_t dir, uint16_t flags, uint8_t *out)
{
    uint8_t buf[512];
    size_t n = vmsg_encode(m, buf, sizeof buf);
    if (!n)
        die("%s: cannot encode %s", g->path, m->def->name);
    struct vmsg_cap_meta meta = g->meta;
    meta.direction = dir;
    meta.flags = flags;
    if (!vmsg_cap_write(g->w, &g->ts, &meta, buf, n))
        die("%s", vmsg_cap_writer_error(g->w));
    if (out)
        memcpy(out, buf, n);
    tick(g);
    return n;
}

static void emit(struct gen *g, struct vmsg_msg *m, uint8_t dir)
{
    emit_flags(g, m, dir, 0, NULL);
}

/* Requests take the next token, responses echo it, events carry 0. */
static void req(struct gen *g, struct vmsg_msg *m)
{
    m->token = ++g->tok;
    emit(g, m, DRV);
}

static void resp(struct gen *g, struct vmsg_msg *m)
{
    m->token = g->tok;
    emit(g, m, DEV);
}

static void le32s(uint8_t *b, const uint32_t *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        vmsg_put_le(b + 4 * i, w[i], 4);
}

/* --- sample-v1.pcap: a full v1 session --------------------------------- */

static void status_pair(struct gen *g, uint16_t dev, uint32_t status)
{
    struct vmsg_msg m = mk(g, VMSG_M_SET_DEVICE_STATUS, TR, REQ, dev);
    set(&m, VMSG_FLD_STATUS, status);
    req(g, &m);
    m = mk(g, VMSG_M_SET_DEVICE_STATUS, TR, RESP, dev);
    set(&m, VMSG_FLD_STATUS, status);
    resp(g, &m);
}

static void vqueue(struct gen *g, uint16_t dev, uint32_t index, uint64_t base)
{
    /* read the limits, configure, read back to confirm (driver.init-order.3) */
    for (int pass = 0; pass < 2; pass++) {
        struct vmsg_msg m = mk(g, VMSG_M_GET_VQUEUE, TR, REQ, dev);
        set(&m, VMSG_FLD_INDEX, index);
        req(g, &m);
        m = mk(g, VMSG_M_GET_VQUEUE, TR, RESP, dev);
        set(&m, VMSG_FLD_INDEX, index);
        set(&m, VMSG_FLD_MAX_SIZE, 256);
        set(&m, VMSG_FLD_SIZE, pass ? 256 : 0);
        set(&m, VMSG_FLD_DESC_ADDR, pass ? base : 0);
        set(&m, VMSG_FLD_DRIVER_ADDR, pass ? base + 0x1000 : 0);
        set(&m, VMSG_FLD_DEVICE_ADDR, pass ? base + 0x2000 : 0);
        resp(g, &m);
        if (pass)
            break;
        m = mk(g, VMSG_M_SET_VQUEUE, TR, REQ, dev);
        set(&m, VMSG_FLD_INDEX, index);
        set(&m, VMSG_FLD_SIZE, 256);
        set(&m, VMSG_FLD_DESC_ADDR, base);
        set(&m, VMSG_FLD_DRIVER_ADDR, base + 0x1000);
        set(&m, VMSG_FLD_DEVICE_ADDR, base + 0x2000);
        req(g, &m);
        m = mk(g, VMSG_M_SET_VQUEUE, TR, RESP, dev);
        resp(g, &m);
    }
}

static void sample_v1(void)
{
    struct gen g;
    gen_open(&g, "sample-v1.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    const uint16_t dev = 1;
    struct vmsg_msg m;

    m = mk(&g, VMSG_M_GET_DEVICES, BUS, REQ, 0);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_COUNT, 8);
    req(&g, &m);
    static const uint8_t bitmap[1] = {0x0a}; /* devices 1 and 3 */
    m = mk(&g, VMSG_M_GET_DEVICES, BUS, RESP, 0);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_COUNT, 8);
    set(&m, VMSG_FLD_NEXT_OFFSET, 0);
    setb(&m, VMSG_FLD_BITMAP, bitmap, sizeof bitmap);
    resp(&g, &m);

    m = mk(&g, VMSG_M_PING, BUS, REQ, 0);
    set(&m, VMSG_FLD_DATA, 0x1234abcd);
    req(&g, &m);
    m = mk(&g, VMSG_M_PING, BUS, RESP, 0);
    set(&m, VMSG_FLD_DATA, 0x1234abcd);
    resp(&g, &m);

    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, REQ, dev);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, RESP, dev);
    set(&m, VMSG_FLD_DEVICE_ID, 1); /* network device */
    set(&m, VMSG_FLD_VENDOR_ID, 0x554d4551);
    set(&m, VMSG_FLD_NUM_FEATURE_BITS, 64);
    set(&m, VMSG_FLD_CONFIG_SIZE, 12);
    set(&m, VMSG_FLD_MAX_VIRTQUEUES, 2);
    set(&m, VMSG_FLD_ADMIN_VQ_START, 0);
    set(&m, VMSG_FLD_ADMIN_VQ_COUNT, 0);
    resp(&g, &m);

    status_pair(&g, dev, VMSG_STATUS_ACKNOWLEDGE);
    status_pair(&g, dev, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER);

    /* offered: MAC (bit 5), VERSION_1 (32), RING_RESET (40) */
    uint8_t feat[8];
    static const uint32_t offered[2] = {1u << 5, 1u << (VMSG_FEATURE_VERSION_1 - 32) | 1u << (VMSG_FEATURE_RING_RESET - 32)};
    le32s(feat, offered, 2);
    m = mk(&g, VMSG_M_GET_DEVICE_FEATURES, TR, REQ, dev);
    set(&m, VMSG_FLD_BLOCK_INDEX, 0);
    set(&m, VMSG_FLD_NUM_BLOCKS, 2);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_FEATURES, TR, RESP, dev);
    set(&m, VMSG_FLD_BLOCK_INDEX, 0);
    set(&m, VMSG_FLD_NUM_BLOCKS, 2);
    setb(&m, VMSG_FLD_FEATURES, feat, sizeof feat);
    resp(&g, &m);
    m = mk(&g, VMSG_M_SET_DRIVER_FEATURES, TR, REQ, dev);
    set(&m, VMSG_FLD_BLOCK_INDEX, 0);
    set(&m, VMSG_FLD_NUM_BLOCKS, 2);
    setb(&m, VMSG_FLD_FEATURES, feat, sizeof feat); /* the driver takes all three */
    req(&g, &m);
    m = mk(&g, VMSG_M_SET_DRIVER_FEATURES, TR, RESP, dev);
    resp(&g, &m);

    const uint32_t feat_ok = VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK;
    status_pair(&g, dev, feat_ok);
    m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, dev);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, RESP, dev);
    set(&m, VMSG_FLD_STATUS, feat_ok);
    resp(&g, &m);

    /* net config: mac, status (link up), max_virtqueue_pairs 1, mtu 1500 */
    static const uint8_t config[12] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x01, 0x00, 0x01, 0x00, 0xdc, 0x05};
    m = mk(&g, VMSG_M_GET_CONFIG, TR, REQ, dev);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, sizeof config);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_CONFIG, TR, RESP, dev);
    set(&m, VMSG_FLD_GENERATION, 5);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, sizeof config);
    setb(&m, VMSG_FLD_DATA, config, sizeof config);
    resp(&g, &m);

    vqueue(&g, dev, 0, 0x100000);
    vqueue(&g, dev, 1, 0x110000);

    m = mk(&g, VMSG_M_GET_SHM, TR, REQ, dev);
    set(&m, VMSG_FLD_INDEX, 0);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_SHM, TR, RESP, dev);
    set(&m, VMSG_FLD_INDEX, 0);
    set(&m, VMSG_FLD_LENGTH, 0); /* no such region */
    set(&m, VMSG_FLD_ADDRESS, 0);
    resp(&g, &m);

    const uint32_t running = feat_ok | VMSG_STATUS_DRIVER_OK;
    status_pair(&g, dev, running);

    m = mk(&g, VMSG_M_EVENT_AVAIL, TR, EVT, dev);
    set(&m, VMSG_FLD_INDEX, 1);
    set(&m, VMSG_FLD_NEXT_OFFSET, 0);
    emit(&g, &m, DRV);
    m = mk(&g, VMSG_M_EVENT_USED, TR, EVT, dev);
    set(&m, VMSG_FLD_INDEX, 0);
    emit(&g, &m, DEV);

    static const uint8_t link_down[2] = {0x00, 0x00};
    m = mk(&g, VMSG_M_EVENT_CONFIG, TR, EVT, dev);
    set(&m, VMSG_FLD_STATUS, running);
    set(&m, VMSG_FLD_GENERATION, 6);
    set(&m, VMSG_FLD_OFFSET, 6);
    set(&m, VMSG_FLD_LENGTH, sizeof link_down);
    setb(&m, VMSG_FLD_DATA, link_down, sizeof link_down);
    emit(&g, &m, DEV);

    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    m = mk(&g, VMSG_M_SET_CONFIG, TR, REQ, dev);
    set(&m, VMSG_FLD_GENERATION, 6); /* the generation the driver last saw */
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, sizeof mac);
    setb(&m, VMSG_FLD_DATA, mac, sizeof mac);
    req(&g, &m);
    m = mk(&g, VMSG_M_SET_CONFIG, TR, RESP, dev);
    set(&m, VMSG_FLD_GENERATION, 7);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, sizeof mac); /* all bytes applied; no data echo */
    resp(&g, &m);

    m = mk(&g, VMSG_M_RESET_VQUEUE, TR, REQ, dev);
    set(&m, VMSG_FLD_INDEX, 1);
    req(&g, &m);
    m = mk(&g, VMSG_M_RESET_VQUEUE, TR, RESP, dev);
    resp(&g, &m);

    status_pair(&g, dev, 0); /* device reset */
    gen_close(&g);
}


/* --- one short exchange per other profile -------------------------------- */

static void sample_v1_noresv(void)
{
    struct gen g;
    gen_open(&g, "sample-v1-noresv.pcap", VMSG_PROFILE_V1_NORESV, VMSG_BINDING_NONE, VMSG_BUS_SEQPACKET, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_GET_VQUEUE, TR, REQ, 2);
    set(&m, VMSG_FLD_INDEX, 0);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_VQUEUE, TR, RESP, 2); /* 44 bytes: no reserved dword */
    set(&m, VMSG_FLD_INDEX, 0);
    set(&m, VMSG_FLD_MAX_SIZE, 128);
    set(&m, VMSG_FLD_SIZE, 0);
    resp(&g, &m);
    m = mk(&g, VMSG_M_SET_VQUEUE, TR, REQ, 2); /* addresses at payload offset 12 */
    set(&m, VMSG_FLD_INDEX, 0);
    set(&m, VMSG_FLD_SIZE, 128);
    set(&m, VMSG_FLD_DESC_ADDR, 0x40000000);
    set(&m, VMSG_FLD_DRIVER_ADDR, 0x40000800);
    set(&m, VMSG_FLD_DEVICE_ADDR, 0x40000c00);
    req(&g, &m);
    m = mk(&g, VMSG_M_SET_VQUEUE, TR, RESP, 2);
    resp(&g, &m);
    gen_close(&g);
}

static void sample_rfc2(void)
{
    struct gen g;
    gen_open(&g, "sample-rfc2.pcap", VMSG_PROFILE_RFC2, VMSG_BINDING_NONE, VMSG_BUS_SHM, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, REQ, 0);
    emit(&g, &m, DRV); /* 6-byte header: no token */
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, RESP, 0);
    set(&m, VMSG_FLD_DEVICE_ID, 2); /* block device */
    set(&m, VMSG_FLD_VENDOR_ID, 0x4f50);
    set(&m, VMSG_FLD_NUM_FEATURE_BITS, 64);
    set(&m, VMSG_FLD_CONFIG_SIZE, 8);
    set(&m, VMSG_FLD_MAX_VIRTQUEUES, 1);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_GET_CONFIG, TR, REQ, 0);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, 8);
    emit(&g, &m, DRV);
    static const uint8_t capacity[8] = {0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0};
    m = mk(&g, VMSG_M_GET_CONFIG, TR, RESP, 0);
    set(&m, VMSG_FLD_GENERATION, 0);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, 8);
    setb(&m, VMSG_FLD_DATA, capacity, sizeof capacity);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_SET_DEVICE_STATUS, TR, REQ, 0);
    set(&m, VMSG_FLD_STATUS, VMSG_STATUS_ACKNOWLEDGE);
    emit(&g, &m, DRV);
    m = mk(&g, VMSG_M_SET_DEVICE_STATUS, TR, RESP, 0);
    set(&m, VMSG_FLD_STATUS, VMSG_STATUS_ACKNOWLEDGE);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_EVENT_USED, TR, EVT, 0);
    set(&m, VMSG_FLD_INDEX, 0);
    emit(&g, &m, DEV);
    gen_close(&g);
}

static void sample_v0(void)
{
    struct gen g;
    gen_open(&g, "sample-v0.pcap", VMSG_PROFILE_V0, VMSG_BINDING_NONE, VMSG_BUS_AMP, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_CONNECT, TR, REQ, 0);
    emit(&g, &m, DRV); /* every v0 message is 40 bytes */
    m = mk(&g, VMSG_M_CONNECT, TR, RESP, 0);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, REQ, 0);
    emit(&g, &m, DRV);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, RESP, 0);
    set(&m, VMSG_FLD_DEVICE_VERSION, 1);
    set(&m, VMSG_FLD_DEVICE_ID, 3); /* console */
    set(&m, VMSG_FLD_VENDOR_ID, 0x1af4);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_GET_FEATURES, TR, REQ, 0);
    set(&m, VMSG_FLD_INDEX, 0);
    emit(&g, &m, DRV);
    uint8_t fd[32] = {0};
    fd[4] = 0x01; /* VERSION_1 (bit 32) */
    m = mk(&g, VMSG_M_GET_FEATURES, TR, RESP, 0);
    set(&m, VMSG_FLD_INDEX, 0);
    setb(&m, VMSG_FLD_FEATURE_DATA, fd, sizeof fd);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_SET_DEVICE_STATUS, TR, REQ, 0);
    set(&m, VMSG_FLD_STATUS, VMSG_STATUS_ACKNOWLEDGE);
    emit(&g, &m, DRV);
    m = mk(&g, VMSG_M_SET_DEVICE_STATUS, TR, RESP, 0);
    emit(&g, &m, DEV);
    m = mk(&g, VMSG_M_EVENT_USED, TR, EVT, 0);
    set(&m, VMSG_FLD_INDEX, 0);
    emit(&g, &m, DEV);
    gen_close(&g);
}

static void sample_v2_draft(void)
{
    struct gen g;
    gen_open(&g, "sample-v2-draft.pcap", VMSG_PROFILE_V2_DRAFT, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_GET_DEVICES, BUS, REQ, 0);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_COUNT, 8);
    req(&g, &m);
    static const uint8_t bitmap[1] = {0x02};
    m = mk(&g, VMSG_M_GET_DEVICES, BUS, RESP, 0); /* next_offset before count */
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_NEXT_OFFSET, 0);
    set(&m, VMSG_FLD_COUNT, 8);
    setb(&m, VMSG_FLD_BITMAP, bitmap, sizeof bitmap);
    resp(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, REQ, 1);
    req(&g, &m);
    static const uint8_t uuid[16] = {0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98, 0x4a, 0xa1,
                                     0x9d, 0xe7, 0x77, 0xda, 0x61, 0x22, 0xab, 0xf0};
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, RESP, 1);
    set(&m, VMSG_FLD_DEVICE_ID, 4); /* entropy source */
    set(&m, VMSG_FLD_VENDOR_ID, 0x1af4);
    setb(&m, VMSG_FLD_DEVICE_UUID, uuid, sizeof uuid);
    set(&m, VMSG_FLD_NUM_FEATURE_BLOCKS, 2);
    set(&m, VMSG_FLD_CONFIG_SIZE, 0);
    set(&m, VMSG_FLD_MAX_VIRTQUEUES, 1);
    resp(&g, &m);
    m = mk(&g, VMSG_M_GET_VQUEUE, TR, REQ, 1);
    set(&m, VMSG_FLD_INDEX, 0);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_VQUEUE, TR, RESP, 1);
    set(&m, VMSG_FLD_INDEX, 0);
    set(&m, VMSG_FLD_MAX_SIZE, 64);
    set(&m, VMSG_FLD_SIZE, 64);
    set(&m, VMSG_FLD_VQ_FLAGS, 1); /* ENABLED */
    set(&m, VMSG_FLD_DESC_ADDR, 0x80000000);
    set(&m, VMSG_FLD_DRIVER_ADDR, 0x80000400);
    set(&m, VMSG_FLD_DEVICE_ADDR, 0x80000600);
    resp(&g, &m);
    m = mk(&g, VMSG_M_GET_SHM, TR, REQ, 1);
    set(&m, VMSG_FLD_INDEX, 0);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_SHM, TR, RESP, 1); /* 64-bit length and address */
    set(&m, VMSG_FLD_INDEX, 0);
    set(&m, VMSG_FLD_LENGTH, 0x200000000ull);
    set(&m, VMSG_FLD_ADDRESS, 0x1000000000ull);
    resp(&g, &m);
    gen_close(&g);
}

static void sample_ffa_e(void)
{
    struct gen g;
    gen_open(&g, "sample-ffa-e.pcap", VMSG_PROFILE_V1, VMSG_BINDING_FFA_E, VMSG_BUS_FFA, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_FFA_VERSION, BUS, REQ, 0);
    set(&m, VMSG_FLD_BUS_VERSION, 0x00010000);
    set(&m, VMSG_FLD_TRANSPORT_REVISION, 1);
    set(&m, VMSG_FLD_FFA_VERSION, 0x00010002);
    req(&g, &m);
    m = mk(&g, VMSG_M_FFA_VERSION, BUS, RESP, 0);
    set(&m, VMSG_FLD_BUS_VERSION, 0x00010000);
    set(&m, VMSG_FLD_TRANSPORT_REVISION, 1);
    set(&m, VMSG_FLD_FFA_VERSION, 0x00010002);
    set(&m, VMSG_FLD_TRANSPORT_FEATURES, 0);
    set(&m, VMSG_FLD_FFA_FEATURES, 0x33); /* DIRECT_RX|DIRECT_TX|NOTIFICATION_RX|NOTIFICATION_TX */
    set(&m, VMSG_FLD_AREA_NUM, 16);
    resp(&g, &m);
    m = mk(&g, VMSG_M_FFA_AREA_SHARE, BUS, REQ, 0);
    set(&m, VMSG_FLD_AREA_ID, 1);
    set(&m, VMSG_FLD_MEM_HANDLE, 0x8000000000000001ull);
    set(&m, VMSG_FLD_MEM_TAG, 0);
    set(&m, VMSG_FLD_PAGE_COUNT, 16);
    set(&m, VMSG_FLD_SHARE_ATTRS, 0x6f4);
    req(&g, &m);
    m = mk(&g, VMSG_M_FFA_AREA_SHARE, BUS, RESP, 0);
    set(&m, VMSG_FLD_AREA_ID, 1);
    set(&m, VMSG_FLD_RESULT, 0);
    resp(&g, &m);
    m = mk(&g, VMSG_M_FFA_EVENT_CONFIGURE, BUS, REQ, 0);
    set(&m, VMSG_FLD_EVENT_METHOD, 1); /* NOTIF */
    set(&m, VMSG_FLD_NOTIFY_ID, 5);
    req(&g, &m);
    m = mk(&g, VMSG_M_FFA_EVENT_CONFIGURE, BUS, RESP, 0);
    set(&m, VMSG_FLD_RESULT, 0);
    resp(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, REQ, 1);
    req(&g, &m);
    m = mk(&g, VMSG_M_GET_DEVICE_INFO, TR, RESP, 1);
    set(&m, VMSG_FLD_DEVICE_ID, 1);
    set(&m, VMSG_FLD_VENDOR_ID, 0x554d4551);
    set(&m, VMSG_FLD_NUM_FEATURE_BITS, 64);
    set(&m, VMSG_FLD_CONFIG_SIZE, 12);
    set(&m, VMSG_FLD_MAX_VIRTQUEUES, 2);
    resp(&g, &m);
    gen_close(&g);
}

/* --- container forms --------------------------------------------------- */

/* The same four v1 messages in each form. */
static void four_messages(struct gen *g)
{
    struct vmsg_msg m = mk(g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    req(g, &m);
    m = mk(g, VMSG_M_GET_DEVICE_STATUS, TR, RESP, 1);
    set(&m, VMSG_FLD_STATUS, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER);
    resp(g, &m);
    m = mk(g, VMSG_M_PING, BUS, REQ, 0);
    set(&m, VMSG_FLD_DATA, 0xfeedf00d);
    req(g, &m);
    m = mk(g, VMSG_M_PING, BUS, RESP, 0);
    set(&m, VMSG_FLD_DATA, 0xfeedf00d);
    resp(g, &m);
}

static void forms(void)
{
    struct gen g;
    struct vmsg_cap_wopts o = {VMSG_CAP_FORM_VIRTIO_MSG, 0, false, 0};
    gen_open(&g, "form-virtio-msg.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_UNIX, &o);
    four_messages(&g);
    gen_close(&g);
    o.form = VMSG_CAP_FORM_USER_HEADER;
    o.user = 0;
    gen_open(&g, "form-user0-header.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_TCP, &o);
    g.meta.bus_instance = 2;
    four_messages(&g);
    gen_close(&g);
    o.form = VMSG_CAP_FORM_USER_BARE;
    o.user = 1;
    gen_open(&g, "form-user1-bare.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_EXEC, &o);
    four_messages(&g);
    gen_close(&g);
}

/* Raw record builder for the tag-list variants and the bad files. */
struct rb {
    uint8_t b[1024];
    uint32_t n;
};

static void rb_bytes(struct rb *r, const void *p, size_t n)
{
    if (r->n + n > sizeof r->b)
        die("raw record too large");
    if (n)
        memcpy(r->b + r->n, p, n);
    r->n += (uint32_t)n;
}

static void rb_tag(struct rb *r, uint16_t tag, const void *v, uint16_t len)
{
    uint8_t h[4] = {(uint8_t)(tag >> 8), (uint8_t)tag, (uint8_t)(len >> 8), (uint8_t)len};
    rb_bytes(r, h, 4);
    rb_bytes(r, v, len);
}

static void rb_hdr(struct rb *r, uint8_t version, uint8_t dir, uint8_t profile, uint8_t bus, uint16_t inst,
                   uint16_t flags)
{
    uint8_t h[8] = {version, dir, profile, bus, 0, 0, 0, 0};
    vmsg_put_le(h + 4, inst, 2);
    vmsg_put_le(h + 6, flags, 2);
    rb_bytes(r, h, 8);
}

static void rb_write(struct gen *g, const struct rb *r)
{
    if (!vmsg_cap_write_raw(g->w, &g->ts, r->b, r->n, r->n))
        die("%s", vmsg_cap_writer_error(g->w));
    tick(g);
}

static size_t enc(struct vmsg_msg *m, uint8_t *buf, size_t cap)
{
    size_t n = vmsg_encode(m, buf, cap);
    if (!n)
        die("cannot encode %s", m->def->name);
    return n;
}

static void form_tags(void)
{
    struct gen g;
    gen_open(&g, "form-tags.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    uint8_t msg[64];
    struct vmsg_msg m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    static const uint8_t zero4[4] = {0}, abc[6] = "abcdef";
    struct rb r;

    /* 1: the name, an unknown tag (32, 4 bytes), the end tag */
    m.token = 1;
    size_t n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 12, "vmsgcap\0", 8);
    rb_tag(&r, 32, zero4, 4);
    rb_tag(&r, 0, NULL, 0);
    rb_hdr(&r, 1, DRV, 0, VMSG_BUS_LOOPBACK, 0, 0);
    rb_bytes(&r, msg, n);
    rb_write(&g, &r);
    /* 2: an unknown tag first, then the name without zero padding (length 7) */
    m.token = 2;
    n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 33, abc, 6);
    rb_tag(&r, 12, "vmsgcap", 7);
    rb_tag(&r, 0, NULL, 0);
    rb_hdr(&r, 1, DRV, 0, VMSG_BUS_LOOPBACK, 0, 0);
    rb_bytes(&r, msg, n);
    rb_write(&g, &r);
    /* 3: the name padded to 12 bytes */
    m.token = 3;
    n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 12, "vmsgcap\0\0\0\0\0", 12);
    rb_tag(&r, 0, NULL, 0);
    rb_hdr(&r, 1, DRV, 0, VMSG_BUS_LOOPBACK, 0, 0);
    rb_bytes(&r, msg, n);
    rb_write(&g, &r);
    /* 4: tag 14 before the name "virtio-msg" (unpadded): no capture header follows */
    m.token = 4;
    n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 14, "vmsg\0\0\0\0", 8);
    rb_tag(&r, 12, "virtio-msg", 10);
    rb_tag(&r, 0, NULL, 0);
    rb_bytes(&r, msg, n);
    rb_write(&g, &r);
    gen_close(&g);
}

/* --- odd but readable records: every mark of vmsg dump --------------------- */

static void oddities(void)
{
    struct gen g;
    gen_open(&g, "oddities-v1.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    uint8_t msg[128];
    struct rb r;
    /* 1: a PING the harness injected (flag bit 0) */
    struct vmsg_msg m = mk(&g, VMSG_M_PING, BUS, REQ, 0);
    set(&m, VMSG_FLD_DATA, 0x1);
    m.token = 1;
    emit_flags(&g, &m, DRV, VMSG_CAP_F_INJECTED, NULL);
    /* 2: a GET_CONFIG response cut by the capture: 14 of its 24 bytes kept,
     * record length says 24, truncated flag set */
    static const uint8_t data[4] = {1, 2, 3, 4};
    m = mk(&g, VMSG_M_GET_CONFIG, TR, RESP, 1);
    set(&m, VMSG_FLD_GENERATION, 1);
    set(&m, VMSG_FLD_OFFSET, 0);
    set(&m, VMSG_FLD_LENGTH, 4);
    setb(&m, VMSG_FLD_DATA, data, 4);
    m.token = 2;
    size_t n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 12, "vmsgcap\0", 8);
    rb_tag(&r, 0, NULL, 0);
    rb_hdr(&r, 1, DEV, 0, VMSG_BUS_LOOPBACK, 0, VMSG_CAP_F_TRUNCATED);
    rb_bytes(&r, msg, 14);
    if (!vmsg_cap_write_raw(g.w, &g.ts, r.b, r.n, r.n + (uint32_t)(n - 14)))
        die("%s", vmsg_cap_writer_error(g.w));
    tick(&g);
    /* 3: malformed: msg_size 4 is below the 8-byte header */
    m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    m.token = 3;
    m.msg_size = 4;
    m.msg_size_override = true;
    emit(&g, &m, DRV);
    /* 4: non-conformant: a bus message with dev_num 3 (bus messages use 0) */
    m = mk(&g, VMSG_M_PING, BUS, REQ, 3);
    set(&m, VMSG_FLD_DATA, 0x2);
    m.token = 4;
    emit(&g, &m, DRV);
    /* 5: the capture header names no profile (255): dump decodes as v1 with a note */
    m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    m.token = 5;
    n = enc(&m, msg, sizeof msg);
    struct vmsg_cap_meta meta = {VMSG_DIR_DRV_TO_DEV, VMSG_CAP_PROFILE_UNKNOWN, VMSG_BUS_SHM, 7, 0};
    if (!vmsg_cap_write(g.w, &g.ts, &meta, msg, n))
        die("%s", vmsg_cap_writer_error(g.w));
    tick(&g);
    /* 6: direction unknown (2), an unknown message id in the implementation range */
    m = mk(&g, VMSG_M_PING, BUS, REQ, 0);
    set(&m, VMSG_FLD_DATA, 0x3);
    m.token = 6;
    m.msg_id = 0x90;
    emit(&g, &m, VMSG_DIR_UNKNOWN);
    gen_close(&g);
}

/* --- files the reader must reject ---------------------------------------- */

static void bad_files(void)
{
    struct gen g;
    char path[1100];
    /* a capture whose fourth record is cut: the file ends 10 bytes early */
    gen_open(&g, "bad-cut-mid-record.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    four_messages(&g);
    gen_close(&g);
    FILE *f = fopen(g.path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        die("%s: cannot reopen", g.path);
    long size = ftell(f);
    fclose(f);
    if (size < 10 || truncate(g.path, size - 10) != 0)
        die("%s: cannot truncate", g.path);

    /* a pcap of Ethernet frames (link type 1) */
    struct vmsg_cap_wopts o = {VMSG_CAP_FORM_USER_BARE, 0, false, 1};
    gen_open(&g, "bad-foreign-ethernet.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, 0, &o);
    static const uint8_t eth[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06};
    if (!vmsg_cap_write_raw(g.w, &g.ts, eth, sizeof eth, sizeof eth))
        die("%s", vmsg_cap_writer_error(g.w));
    gen_close(&g);

    /* an empty file */
    snprintf(path, sizeof path, "%s/bad-empty.pcap", outdir);
    f = fopen(path, "wb");
    if (!f || fclose(f) != 0)
        die("%s: cannot create", path);

    /* frame 2 has capture header version 2 */
    uint8_t msg[64];
    struct rb r;
    gen_open(&g, "bad-version.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    struct vmsg_msg m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    req(&g, &m);
    m.token = 2;
    size_t n = enc(&m, msg, sizeof msg);
    r.n = 0;
    rb_tag(&r, 12, "vmsgcap\0", 8);
    rb_tag(&r, 0, NULL, 0);
    rb_hdr(&r, 2, DRV, 0, VMSG_BUS_LOOPBACK, 0, 0);
    rb_bytes(&r, msg, n);
    rb_write(&g, &r);
    gen_close(&g);

    /* frame 2 is an exported PDU for another dissector ("udp") */
    gen_open(&g, "bad-tag-name.pcap", VMSG_PROFILE_V1, VMSG_BINDING_NONE, VMSG_BUS_LOOPBACK, NULL);
    m = mk(&g, VMSG_M_GET_DEVICE_STATUS, TR, REQ, 1);
    req(&g, &m);
    r.n = 0;
    rb_tag(&r, 12, "udp\0", 4);
    rb_tag(&r, 0, NULL, 0);
    rb_bytes(&r, eth, 8);
    rb_write(&g, &r);
    gen_close(&g);
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: vmsg-samples OUTDIR\n"
                        "Write the sample captures of vectors/captures/ into OUTDIR (which must exist).\n");
        return 2;
    }
    outdir = argv[1];
    sample_v1();
    sample_v1_noresv();
    sample_rfc2();
    sample_v0();
    sample_v2_draft();
    sample_ffa_e();
    forms();
    form_tags();
    oddities();
    bad_files();
    return 0;
}
