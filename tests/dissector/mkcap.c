/* mkcap: writes the dissector test captures, following DESIGN.md section 7
 * byte for byte (link type 252 records: tag 12 "vmsgcap" padded to 8, end
 * tag, 8-byte capture header, message).
 *
 *   mkcap OUTDIR            one capture per profile with a request and its
 *                           response (or the event) for every message the
 *                           schema defines for it; one per FF-A generation;
 *                           errors.pcap (one frame per expert item, each with
 *                           its positive twin in v1.pcap); bare.pcap (PROTO
 *                           name virtio-msg, no capture header); user0.pcap;
 *                           tcp.pcap (msg_size reassembly), udp.pcap (heuristic).
 *   mkcap --bench N FILE    N messages (request/response pairs) for
 *                           throughput measurements.
 *
 * Messages are built with the project's encoder from the generated schema
 * (vmsg_msgdefs), never from a hand-written list. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#define LINKTYPE_UPPER_PDU 252
#define LINKTYPE_USER0 147

struct cap {
    pcap_t *pd;
    pcap_dumper_t *d;
    unsigned frame;
    long long usec;  /* timestamp of the next record */
    const char *path;
    int linktype;
};

static int cap_open(struct cap *c, const char *dir, const char *name, int linktype)
{
    static char path[4096];
    if (dir)
        snprintf(path, sizeof path, "%s/%s", dir, name);
    else
        snprintf(path, sizeof path, "%s", name);
    c->pd = pcap_open_dead(linktype, 65535);
    c->d = c->pd ? pcap_dump_open(c->pd, path) : NULL;
    if (!c->d) {
        fprintf(stderr, "mkcap: %s: %s\n", path, c->pd ? pcap_geterr(c->pd) : "pcap_open_dead failed");
        return -1;
    }
    c->frame = 0;
    c->usec = 1700000000LL * 1000000;
    c->path = path;
    c->linktype = linktype;
    return 0;
}

static void cap_close(struct cap *c)
{
    pcap_dump_close(c->d);
    pcap_close(c->pd);
}

/* Options of one record beyond the message itself. */
struct rec {
    unsigned direction;   /* capture header direction */
    unsigned profile_code;
    unsigned bus_kind, bus_instance, flags;
    unsigned version;     /* capture header version (1) */
    int hdr_len;          /* capture header bytes written (8, or fewer to cut it) */
    const char *proto;    /* exported-PDU dissector name */
    unsigned gap_us;      /* time since the previous record */
};

static void put_be16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void cap_write(struct cap *c, const struct rec *r, const uint8_t *msg, size_t len)
{
    static uint8_t buf[70000];
    size_t at = 0;
    if (c->linktype == LINKTYPE_UPPER_PDU) {
        const char *name = r->proto ? r->proto : "vmsgcap";
        size_t nlen = strlen(name), padded = (nlen + 1 + 3) / 4 * 4;
        put_be16(buf, 12);
        put_be16(buf + 2, (unsigned)padded);
        memset(buf + 4, 0, padded);
        memcpy(buf + 4, name, nlen);
        at = 4 + padded;
        put_be16(buf + at, 0);
        put_be16(buf + at + 2, 0);
        at += 4;
    }
    if (!r->proto || strcmp(r->proto, "virtio-msg")) {
        uint8_t h[8];
        h[0] = (uint8_t)r->version;
        h[1] = (uint8_t)r->direction;
        h[2] = (uint8_t)r->profile_code;
        h[3] = (uint8_t)r->bus_kind;
        vmsg_put_le(h + 4, r->bus_instance, 2);
        vmsg_put_le(h + 6, r->flags, 2);
        memcpy(buf + at, h, (size_t)r->hdr_len);
        at += (size_t)r->hdr_len;
    }
    if (len > sizeof buf - at)
        len = sizeof buf - at;
    memcpy(buf + at, msg, len);
    at += len;
    c->usec += r->gap_us ? r->gap_us : 1000;
    struct pcap_pkthdr ph;
    ph.ts.tv_sec = (time_t)(c->usec / 1000000);
    ph.ts.tv_usec = (suseconds_t)(c->usec % 1000000);
    ph.caplen = ph.len = (bpf_u_int32)at;
    pcap_dump((u_char *)c->d, &ph, buf);
    c->frame++;
}

static struct rec rec_default(unsigned profile)
{
    struct rec r = {0, vmsg_profile_defs[profile].code, 1, 0, 0, 1, 8, NULL, 0};
    return r;
}

/* ---- message contents, from the layout ---------------------------------- */

static const uint8_t feature_words[8] = {0x00, 0x00, 0x00, 0x30,  /* word 0: bits 28, 29 */
                                         0x41, 0x01, 0x00, 0x00}; /* word 1: VERSION_1, NOTIFICATION_DATA, RING_RESET */
static const uint8_t bitmap[2] = {0x05, 0x80};                    /* devices 0, 2, 15 */
static const uint8_t bytes32[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                    13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef,
                                 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};

/* Count to put in len field L so that var field f gets a sensible size. */
static uint64_t count_for(const struct vmsg_fielddef *f)
{
    if (f->type == VMSG_FT_LE32_ARRAY)
        return 2;                          /* two feature words */
    if (f->len_div == 8)
        return 16;                         /* two bitmap bytes */
    return 4;                              /* four data bytes */
}

static void fill(struct vmsg_msg *m, unsigned seed)
{
    const struct vmsg_msgdef *d = m->def;
    for (unsigned i = 0; i < d->nfields; i++) {
        const struct vmsg_fielddef *f = &d->fields[i];
        if (f->flags & VMSG_FF_VAR) {
            if (f->flags & VMSG_FF_REST) {
                vmsg_set_bytes(m, f->fld, bytes32, 3);
                continue;
            }
            const struct vmsg_fielddef *lf = &d->fields[f->len_field];
            uint64_t cnt = count_for(f);
            vmsg_set(m, lf->fld, cnt);
            const uint8_t *src = f->type == VMSG_FT_LE32_ARRAY ? feature_words : f->len_div == 8 ? bitmap : bytes32;
            vmsg_set_bytes(m, f->fld, src, (uint32_t)((cnt + f->len_div - 1) / f->len_div * (f->type == VMSG_FT_LE32_ARRAY ? 4 : 1)));
            continue;
        }
        if (f->type == VMSG_FT_UUID) {
            vmsg_set_bytes(m, f->fld, uuid, 16);
            continue;
        }
        if (f->type == VMSG_FT_BYTES) {
            vmsg_set_bytes(m, f->fld, bytes32, f->size);
            continue;
        }
        if (vmsg_has(m, f->fld))
            continue; /* already set as a count */
        uint64_t v = 0x10u * (i + 1) + seed % 16;
        if (f->flags & VMSG_FF_MBZ)
            v = 0;
        else if (f->fld == VMSG_FLD_BLOCK_INDEX)
            v = 0;
        else if (f->fld == VMSG_FLD_NEXT_OFFSET)
            v = 0;
        else if (f->enum_id && (f->flags & VMSG_FF_BITS))
            v = f->enum_id == VMSG_ENUM_STATUS ? 0x0f : 0x03;
        else if (f->enum_id)
            v = vmsg_enum_defs[f->enum_id].vals[1 % vmsg_enum_defs[f->enum_id].nvals].value;
        else if (f->fld == VMSG_FLD_OFFSET && d->cls == VMSG_CLASS_BUS)
            v = 0;
        if (f->multiple_of)
            v = (v + f->multiple_of - 1) / f->multiple_of * f->multiple_of;
        if (f->size < 8)
            v &= (1ull << (8 * f->size)) - 1;
        vmsg_set(m, f->fld, v);
    }
}

static size_t build(struct vmsg_msg *m, const struct vmsg_msgdef *d, unsigned profile, unsigned binding, uint16_t dev,
                    uint16_t token, unsigned seed, uint8_t *out, size_t cap)
{
    if (!vmsg_msg_init(m, profile, binding, d->mname, d->cls, d->kind, dev))
        return 0;
    m->token = token;
    fill(m, seed);
    return vmsg_encode(m, out, cap);
}

static unsigned dir_of(unsigned sender, unsigned kind)
{
    unsigned req_dir = sender == VMSG_SENDER_DEVICE || sender == VMSG_SENDER_BUS ? 1 : 0;
    return kind == VMSG_KIND_RESPONSE ? 1 - req_dir : req_dir;
}

/* Every request (then its response) and every event of PROFILE, or of the
 * FF-A generation BINDING when it is not 0. */
static int write_all(struct cap *c, unsigned profile, unsigned binding)
{
    uint8_t buf[1024];
    struct vmsg_msg m;
    uint16_t token = 1;
    int n = 0;
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
        if (binding ? d->binding != binding : (d->binding || !(d->profiles & (1u << profile))))
            continue;
        if (d->kind == VMSG_KIND_RESPONSE)
            continue;
        uint16_t dev = d->cls == VMSG_CLASS_BUS ? 0 : 1;
        struct rec r = rec_default(profile);
        r.bus_kind = binding ? 7 : 1;
        r.direction = dir_of(d->sender, d->kind);
        size_t len = build(&m, d, profile, binding, dev, token, i, buf, sizeof buf);
        if (!len) {
            fprintf(stderr, "mkcap: %s: cannot encode %s\n", c->path, d->name);
            return -1;
        }
        cap_write(c, &r, buf, len);
        n++;
        if (d->kind == VMSG_KIND_EVENT)
            continue;
        const struct vmsg_msgdef *rd = vmsg_msgdef_find(profile, binding, d->mname, d->cls, VMSG_KIND_RESPONSE);
        if (!rd) {
            fprintf(stderr, "mkcap: %s: %s has no response layout\n", c->path, d->name);
            return -1;
        }
        r.direction = dir_of(d->sender, VMSG_KIND_RESPONSE);
        r.gap_us = 250 + 50 * (i % 4);
        len = build(&m, rd, profile, binding, dev, token, i, buf, sizeof buf);
        cap_write(c, &r, buf, len);
        n++;
        token++;
    }
    return n;
}

/* ---- negative vectors: one per expert item ------------------------------- */

static size_t mk(unsigned mname, unsigned cls, unsigned kind, uint16_t dev, uint16_t token, uint8_t *buf, size_t cap)
{
    struct vmsg_msg m;
    const struct vmsg_msgdef *d = vmsg_msgdef_find(VMSG_PROFILE_V1, 0, mname, cls, kind);
    return d ? build(&m, d, VMSG_PROFILE_V1, 0, dev, token, 0, buf, cap) : 0;
}

static void set_size(uint8_t *buf, unsigned v) { vmsg_put_le(buf + 6, v, 2); }

static int write_errors(struct cap *c)
{
    uint8_t b[256];
    size_t n;
    struct rec r = rec_default(VMSG_PROFILE_V1);
    struct rec rr = r;
    rr.direction = 1;
    rr.gap_us = 300;

    /* 1: reserved type bits in a driver request (driver.header.1) */
    n = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 1, b, sizeof b);
    b[0] |= 0x04;
    cap_write(c, &r, b, n);
    /* 2: msg_size covers 4 bytes beyond the layout (driver.header.2) */
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 2, b, sizeof b);
    memset(b + n, 0, 4);
    n += 4;
    set_size(b, (unsigned)n);
    cap_write(c, &r, b, n);
    /* 3: unknown transport msg_id 0x30 (bus.errors.2) */
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 3, b, sizeof b);
    b[1] = 0x30;
    cap_write(c, &r, b, n);
    /* 4: bus message with dev_num 3 (bus.header.1) */
    n = mk(VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 3, 4, b, sizeof b);
    cap_write(c, &r, b, n);
    /* 5: response to an event (bus.errors.3) */
    n = mk(VMSG_M_EVENT_USED, VMSG_CLASS_TRANSPORT, VMSG_KIND_EVENT, 1, 5, b, sizeof b);
    b[0] |= 0x01;
    cap_write(c, &rr, b, n);
    /* 6: response without request (bus.ordering.2) */
    n = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 5, 99, b, sizeof b);
    cap_write(c, &rr, b, n);
    /* 7: message shorter than its msg_size (device.header.2, truncated) */
    n = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 6, 7, b, sizeof b);
    cap_write(c, &rr, b, 12);
    /* 8: the same, but the capture writer says it cut the record */
    struct rec rt = rr;
    rt.flags = 0x2;
    cap_write(c, &rt, b, 12);
    /* 9: msg_size below the header (malformed) */
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 7, 9, b, sizeof b);
    set_size(b, 4);
    cap_write(c, &r, b, n);
    /* 10: reserved field non-zero (common.reserved-zero.1) */
    n = mk(VMSG_M_SET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 8, 10, b, sizeof b);
    b[8 + 4] = 1;
    cap_write(c, &r, b, n);
    /* 11: GET_DEVICES request, offset not a multiple of 8 (bus.get-devices.1) */
    n = mk(VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0, 11, b, sizeof b);
    b[8] = 3;
    cap_write(c, &r, b, n);
    /* 12: GET_DEVICES response, next_offset inside the window (bus.get-devices.2) */
    n = mk(VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0, 11, b, sizeof b);
    vmsg_put_le(b + 8 + 4, 8, 2);
    cap_write(c, &rr, b, n);
    /* 13: non-zero padding after msg_size (driver.header.4) */
    n = mk(VMSG_M_RESET_VQUEUE, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 9, 12, b, sizeof b);
    b[n] = 0xaa;
    b[n + 1] = 0;
    cap_write(c, &r, b, n + 2);
    /* 14: two requests of dev 2, answered in reverse order (bus.ordering.1) */
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 2, 21, b, sizeof b);
    cap_write(c, &r, b, n);
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 2, 22, b, sizeof b);
    cap_write(c, &r, b, n);
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 2, 22, b, sizeof b);
    cap_write(c, &rr, b, n);
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 2, 21, b, sizeof b);
    cap_write(c, &rr, b, n);
    /* 18: same request on two bus instances; only instance 1 answers */
    n = mk(VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 4, 30, b, sizeof b);
    struct rec r2 = r;
    r2.bus_instance = 1;
    cap_write(c, &r, b, n);
    cap_write(c, &r2, b, n);
    n = mk(VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 4, 30, b, sizeof b);
    struct rec rr2 = rr;
    rr2.bus_instance = 1;
    cap_write(c, &rr2, b, n);
    /* 21: capture header cut to 4 bytes */
    struct rec rs = r;
    rs.hdr_len = 4;
    cap_write(c, &rs, b, 0);
    /* 22: full capture header, no message bytes at all */
    cap_write(c, &r, b, 0);
    /* 23: unknown capture header version, harness-injected message */
    struct rec rv = r;
    rv.version = 2;
    rv.flags = 0x1;
    n = mk(VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0, 40, b, sizeof b);
    cap_write(c, &rv, b, n);
    return 0;
}

/* PROTO name `virtio-msg`, no capture header: profile from the preference. */
static int write_bare(struct cap *c)
{
    uint8_t b[256];
    struct rec r = rec_default(VMSG_PROFILE_V1);
    r.proto = "virtio-msg";
    size_t n = mk(VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0, 1, b, sizeof b);
    cap_write(c, &r, b, n);
    n = mk(VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0, 1, b, sizeof b);
    cap_write(c, &r, b, n);
    return 0;
}

static int write_user0(struct cap *c)
{
    uint8_t b[256];
    struct rec r = rec_default(VMSG_PROFILE_V1);
    size_t n = mk(VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0, 1, b, sizeof b);
    cap_write(c, &r, b, n);
    r.direction = 1;
    n = mk(VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_RESPONSE, 0, 1, b, sizeof b);
    cap_write(c, &r, b, n);
    return 0;
}

/* ---- messages over TCP and UDP (Ethernet, IPv4; checksums left 0) ------ */

static void put_be32(uint8_t *b, uint32_t v)
{
    put_be16(b, v >> 16);
    put_be16(b + 2, v & 0xffff);
}

/* One Ethernet/IPv4/TCP-or-UDP frame from host a (10.0.0.a) port pa to host
 * b port pb; seq is the TCP sequence number (ignored for UDP). */
static void ip_frame(struct cap *c, int tcp, unsigned a, unsigned pa, unsigned b, unsigned pb, uint32_t seq,
                     const uint8_t *data, size_t len)
{
    uint8_t f[2048];
    size_t l4 = tcp ? 20 : 8, at = 0;
    memset(f, 0, 14 + 20 + l4);
    f[5] = (uint8_t)b;
    f[11] = (uint8_t)a;
    put_be16(f + 12, 0x0800);
    at = 14;
    f[at] = 0x45;
    put_be16(f + at + 2, (unsigned)(20 + l4 + len));
    put_be16(f + at + 6, 0x4000);
    f[at + 8] = 64;
    f[at + 9] = tcp ? 6 : 17;
    f[at + 12] = 10, f[at + 15] = (uint8_t)a;
    f[at + 16] = 10, f[at + 19] = (uint8_t)b;
    at += 20;
    put_be16(f + at, pa);
    put_be16(f + at + 2, pb);
    if (tcp) {
        put_be32(f + at + 4, seq);
        put_be32(f + at + 8, 1);
        f[at + 12] = 0x50;
        f[at + 13] = 0x18; /* PSH ACK */
        put_be16(f + at + 14, 65535);
    } else {
        put_be16(f + at + 4, (unsigned)(8 + len));
    }
    at += l4;
    memcpy(f + at, data, len);
    at += len;
    struct pcap_pkthdr ph;
    c->usec += 1000;
    ph.ts.tv_sec = (time_t)(c->usec / 1000000);
    ph.ts.tv_usec = (suseconds_t)(c->usec % 1000000);
    ph.caplen = ph.len = (bpf_u_int32)at;
    pcap_dump((u_char *)c->d, &ph, f);
    c->frame++;
}

/* TCP port 5555 (no default port: tests set -o virtio-msg.tcp.port:5555):
 * two requests split across segments, both responses in one segment. */
static int write_tcp(struct cap *c)
{
    uint8_t req[256], resp[256];
    size_t n1 = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 1, req, sizeof req);
    size_t n2 = mk(VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 2, req + n1, sizeof req - n1);
    size_t m1 = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1, 1, resp, sizeof resp);
    size_t m2 = mk(VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1, 2, resp + m1, sizeof resp - m1);
    size_t cut = n1 + 5;
    ip_frame(c, 1, 1, 40000, 2, 5555, 1, req, cut);
    ip_frame(c, 1, 1, 40000, 2, 5555, (uint32_t)(1 + cut), req + cut, n1 + n2 - cut);
    ip_frame(c, 1, 2, 5555, 1, 40000, 1, resp, m1 + m2);
    return 0;
}

/* UDP on ports nobody claims: the heuristic must take the two messages and
 * leave the datagram that only looks similar (type byte 0x55). */
static int write_udp(struct cap *c)
{
    uint8_t b[256];
    size_t n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 3, 7, b, sizeof b);
    ip_frame(c, 0, 1, 40001, 2, 40002, 0, b, n);
    n = mk(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 3, 7, b, sizeof b);
    ip_frame(c, 0, 2, 40002, 1, 40001, 0, b, n);
    b[0] = 0x55;
    ip_frame(c, 0, 1, 40001, 2, 40002, 0, b, n);
    return 0;
}

/* N messages of a typical mix: GET_CONFIG / SET_DEVICE_STATUS pairs and
 * EVENT_USED, over 4 devices. */
static int write_bench(struct cap *c, unsigned long n)
{
    uint8_t b[4][256];
    size_t len[4];
    len[0] = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 0, b[0], sizeof b[0]);
    len[1] = mk(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1, 0, b[1], sizeof b[1]);
    len[2] = mk(VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1, 0, b[2], sizeof b[2]);
    len[3] = mk(VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, VMSG_KIND_RESPONSE, 1, 0, b[3], sizeof b[3]);
    struct rec r = rec_default(VMSG_PROFILE_V1);
    for (unsigned long i = 0; i < n; i++) {
        unsigned k = (unsigned)(i % 4);
        uint8_t *m = b[k];
        vmsg_put_le(m + 2, 1 + (i / 4) % 4, 2);  /* dev_num */
        vmsg_put_le(m + 4, (i / 2) & 0xffff, 2); /* token */
        r.direction = k & 1;
        cap_write(c, &r, m, len[k]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cap c;
    if (argc == 4 && !strcmp(argv[1], "--bench")) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(argv[2], &end, 10);
        if (errno || *end || !n) {
            fprintf(stderr, "mkcap: --bench: expected a message count, got '%s'\n", argv[2]);
            return 2;
        }
        if (cap_open(&c, NULL, argv[3], LINKTYPE_UPPER_PDU))
            return 3;
        write_bench(&c, n);
        cap_close(&c);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: mkcap OUTDIR | mkcap --bench N FILE\n"
                        "example: mkcap build/tests/dissector/caps\n");
        return 2;
    }
    const char *dir = argv[1];
    char name[64];
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        snprintf(name, sizeof name, "%s.pcap", vmsg_profile_defs[p].name);
        if (cap_open(&c, dir, name, LINKTYPE_UPPER_PDU))
            return 3;
        int rc = write_all(&c, p, 0);
        cap_close(&c);
        if (rc < 0)
            return 3;
    }
    for (unsigned b = 1; b < VMSG_BINDING_COUNT; b++) {
        snprintf(name, sizeof name, "%s.pcap", vmsg_binding_defs[b].name);
        if (cap_open(&c, dir, name, LINKTYPE_UPPER_PDU))
            return 3;
        int rc = write_all(&c, VMSG_PROFILE_V1, b);
        cap_close(&c);
        if (rc < 0)
            return 3;
    }
    if (cap_open(&c, dir, "errors.pcap", LINKTYPE_UPPER_PDU))
        return 3;
    write_errors(&c);
    cap_close(&c);
    if (cap_open(&c, dir, "bare.pcap", LINKTYPE_UPPER_PDU))
        return 3;
    write_bare(&c);
    cap_close(&c);
    if (cap_open(&c, dir, "tcp.pcap", 1))
        return 3;
    write_tcp(&c);
    cap_close(&c);
    if (cap_open(&c, dir, "udp.pcap", 1))
        return 3;
    write_udp(&c);
    cap_close(&c);
    if (cap_open(&c, dir, "user0.pcap", LINKTYPE_USER0))
        return 3;
    write_user0(&c);
    cap_close(&c);
    return 0;
}
