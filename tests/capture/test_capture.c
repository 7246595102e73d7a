/* Capture writer and reader: round trips of every capture-header field and
 * timestamp, every container form, tag lists in any order with unknown tags
 * and unpadded names, and every error with its exact message. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include <vmsg/capture.h>

#include "capture/capture_internal.h" /* the inline step, held to vmsg_cap_next */
#include "cap_same.h"

static char tmpdir[256];

static const char *tpath(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/capture-test.XXXXXX", P_tmpdir);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(tpath(e->d_name));
    closedir(d);
    return rmdir(tmpdir);
}

static const uint8_t PING[12] = {0x02, 0x03, 0x00, 0x00, 0x07, 0x00, 0x0c, 0x00, 0xcd, 0xab, 0x34, 0x12};

static struct vmsg_cap_writer *wopen(const char *name, const struct vmsg_cap_wopts *o)
{
    char err[512];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(tpath(name), o, err, sizeof err);
    if (!w)
        fail_msg("%s", err);
    return w;
}

static void wclose(struct vmsg_cap_writer *w)
{
    char err[512];
    if (!vmsg_cap_writer_close(w, err, sizeof err))
        fail_msg("%s", err);
}

static struct vmsg_cap_reader *ropen(const char *name, unsigned flags)
{
    char err[512];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(tpath(name), flags, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    return r;
}

/* The error of opening name, with the temp dir replaced by "T". */
static void expect_open_error(const char *name, unsigned flags, const char *expected_tail)
{
    char err[512], want[600];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(tpath(name), flags, err, sizeof err);
    assert_null(r);
    snprintf(want, sizeof want, "%s/%s: %s", tmpdir, name, expected_tail);
    assert_string_equal(err, want);
}

/* Reads n good records of file name, then expects the error "FILE: tail". */
static void expect_error_after(const char *name, unsigned flags, unsigned n, const char *tail)
{
    struct vmsg_cap_reader *r = ropen(name, flags);
    struct vmsg_cap_rec rec;
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(vmsg_cap_next(r, &rec), 1);
        assert_int_equal(rec.frame, i + 1);
    }
    assert_int_equal(vmsg_cap_next(r, &rec), -1);
    char want[600];
    snprintf(want, sizeof want, "%s/%s: %s", tmpdir, name, tail);
    assert_string_equal(vmsg_cap_reader_error(r), want);
    assert_int_equal(vmsg_cap_next(r, &rec), -1); /* stays failed */
    vmsg_cap_reader_close(r);
}

/* --- round trips -------------------------------------------------------- */

static void capture_roundtrip_every_header_field(void **state)
{
    (void)state;
    static const uint8_t profiles[] = {0, 1, 2, 3, 4, 255};
    static const uint16_t instances[] = {0, 1, 0x1234, 0xffff};
    static const struct vmsg_cap_ts stamps[] = {{0, 0}, {1, 999999}, {1767225600, 123456}, {4294967295LL, 1}};
    struct vmsg_cap_writer *w = wopen("rt.pcap", NULL);
    unsigned n = 0;
    for (unsigned dir = 0; dir <= 2; dir++)
        for (unsigned p = 0; p < sizeof profiles; p++)
            for (unsigned bus = 0; bus < VMSG_BUS_KIND_COUNT; bus++) {
                struct vmsg_cap_meta m = {(uint8_t)dir, profiles[p], (uint8_t)bus, instances[n % 4],
                                          (uint16_t)(n % 4)};
                uint8_t msg[12];
                memcpy(msg, PING, sizeof msg);
                msg[8] = (uint8_t)n; /* distinct bytes per record */
                assert_true(vmsg_cap_write(w, &stamps[n % 4], &m, msg, (size_t)(n % 13)));
                n++;
            }
    wclose(w);

    struct vmsg_cap_reader *r = ropen("rt.pcap", 0);
    assert_int_equal(vmsg_cap_reader_linktype(r), VMSG_LINKTYPE_UPPER_PDU);
    struct vmsg_cap_rec rec;
    unsigned i = 0;
    for (unsigned dir = 0; dir <= 2; dir++)
        for (unsigned p = 0; p < sizeof profiles; p++)
            for (unsigned bus = 0; bus < VMSG_BUS_KIND_COUNT; bus++) {
                assert_int_equal(vmsg_cap_next(r, &rec), 1);
                assert_int_equal(rec.frame, i + 1);
                assert_int_equal(rec.ts.sec, stamps[i % 4].sec);
                assert_int_equal(rec.ts.usec, stamps[i % 4].usec);
                assert_int_equal(rec.form, VMSG_CAP_FORM_VMSGCAP);
                assert_true(rec.has_header);
                assert_int_equal(rec.meta.direction, dir);
                assert_int_equal(rec.meta.profile, profiles[p]);
                assert_int_equal(rec.meta.bus_kind, bus);
                assert_int_equal(rec.meta.bus_instance, instances[i % 4]);
                assert_int_equal(rec.meta.flags, i % 4);
                assert_int_equal(rec.caplen, i % 13);
                assert_int_equal(rec.len, i % 13);
                if (i % 13 > 8)
                    assert_int_equal(rec.msg[8], (uint8_t)i);
                if (i % 13)
                    assert_memory_equal(rec.msg, PING, i % 13 < 8 ? i % 13 : 8);
                i++;
            }
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    assert_string_equal(vmsg_cap_reader_error(r), "");
    vmsg_cap_reader_close(r);
}

static void capture_writer_default_record_bytes(void **state)
{
    (void)state;
    /* the record layout of DESIGN.md section 7, byte for byte */
    struct vmsg_cap_writer *w = wopen("bytes.pcap", NULL);
    struct vmsg_cap_meta m = {VMSG_DIR_DEV_TO_DRV, 4, VMSG_BUS_AMP, 0x0102, 0x0003};
    struct vmsg_cap_ts ts = {5, 6};
    assert_true(vmsg_cap_write(w, &ts, &m, PING, sizeof PING));
    wclose(w);
    /* the file itself: 24-byte file header, 16-byte record header, record */
    FILE *f = fopen(tpath("bytes.pcap"), "rb");
    assert_non_null(f);
    uint8_t b[200];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    assert_int_equal(n, 24 + 16 + 16 + 8 + 12);
    static const uint8_t want[] = {
        0x00, 0x0c, 0x00, 0x08, 'v', 'm', 's', 'g', 'c', 'a', 'p', 0x00, /* tag 12, len 8 */
        0x00, 0x00, 0x00, 0x00,                                           /* end tag */
        0x01, 0x01, 0x04, 0x08, 0x02, 0x01, 0x03, 0x00,                   /* capture header */
    };
    assert_int_equal(b[20], VMSG_LINKTYPE_UPPER_PDU); /* file header link type (le32 at 20) */
    assert_memory_equal(b + 24 + 16, want, sizeof want);
    assert_memory_equal(b + 24 + 16 + sizeof want, PING, sizeof PING);
}

static void capture_roundtrip_forms(void **state)
{
    (void)state;
    struct vmsg_cap_meta m = {VMSG_DIR_DRV_TO_DEV, 0, VMSG_BUS_TCP, 9, 1};
    struct vmsg_cap_ts ts = {10, 20};
    /* virtio-msg name: no capture header */
    struct vmsg_cap_wopts o = {VMSG_CAP_FORM_VIRTIO_MSG, 0, false, 0};
    struct vmsg_cap_writer *w = wopen("f-vm.pcap", &o);
    assert_true(vmsg_cap_write(w, &ts, &m, PING, sizeof PING));
    wclose(w);
    struct vmsg_cap_reader *r = ropen("f-vm.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(rec.form, VMSG_CAP_FORM_VIRTIO_MSG);
    assert_false(rec.has_header);
    assert_int_equal(rec.meta.direction, VMSG_DIR_UNKNOWN);
    assert_int_equal(rec.meta.profile, VMSG_CAP_PROFILE_UNKNOWN);
    assert_int_equal(rec.caplen, sizeof PING);
    assert_memory_equal(rec.msg, PING, sizeof PING);
    vmsg_cap_reader_close(r);

    /* USER0..USER15 with the capture header, and bare */
    for (unsigned u = 0; u < 16; u++) {
        for (unsigned bare = 0; bare < 2; bare++) {
            struct vmsg_cap_wopts uo = {(uint8_t)(bare ? VMSG_CAP_FORM_USER_BARE : VMSG_CAP_FORM_USER_HEADER),
                                        (uint8_t)u, true, 0};
            w = wopen("f-user.pcap", &uo);
            assert_true(vmsg_cap_write(w, &ts, &m, PING, sizeof PING));
            wclose(w);
            r = ropen("f-user.pcap", bare ? VMSG_CAP_READ_BARE : 0);
            assert_int_equal(vmsg_cap_reader_linktype(r), VMSG_LINKTYPE_USER0 + (int)u);
            assert_int_equal(vmsg_cap_next(r, &rec), 1);
            assert_int_equal(rec.form, bare ? VMSG_CAP_FORM_USER_BARE : VMSG_CAP_FORM_USER_HEADER);
            assert_int_equal(rec.has_header, !bare);
            assert_int_equal(rec.meta.bus_kind, bare ? VMSG_BUS_UNKNOWN : VMSG_BUS_TCP);
            assert_int_equal(rec.meta.bus_instance, bare ? 0 : 9);
            assert_int_equal(rec.meta.flags, bare ? 0 : 1);
            assert_int_equal(rec.ts.sec, 10);
            assert_int_equal(rec.ts.usec, 20);
            assert_int_equal(rec.caplen, sizeof PING);
            assert_memory_equal(rec.msg, PING, sizeof PING);
            assert_int_equal(vmsg_cap_next(r, &rec), 0);
            vmsg_cap_reader_close(r);
        }
    }
}

/* --- tag lists ---------------------------------------------------------- */

struct rb {
    uint8_t b[256];
    uint32_t n;
};

static void rb_bytes(struct rb *r, const void *p, size_t n)
{
    assert_true(r->n + n <= sizeof r->b);
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

static const uint8_t HDR[8] = {1, VMSG_DIR_DEV_TO_DRV, 2, VMSG_BUS_SHM, 0x34, 0x12, 0x02, 0x00};

/* Write the raw records into name with link type lt. */
static void write_raw(const char *name, int lt, const struct rb *recs, unsigned n)
{
    struct vmsg_cap_wopts o = {0, 0, false, lt};
    struct vmsg_cap_writer *w = wopen(name, &o);
    struct vmsg_cap_ts ts = {1, 2};
    for (unsigned i = 0; i < n; i++)
        assert_true(vmsg_cap_write_raw(w, &ts, recs[i].b, recs[i].n, recs[i].n));
    wclose(w);
}

static void capture_tags_any_order_unknown_unpadded(void **state)
{
    (void)state;
    static const uint8_t four[4] = {9, 9, 9, 9};
    /* each variant: a tag list, then the header (vmsgcap) or not (virtio-msg) */
    struct rb recs[9];
    memset(recs, 0, sizeof recs);
    bool header[9];
    unsigned n = 0;
#define NAME8 "vmsgcap\0", 8
    /* 1 the writer's own order */
    rb_tag(&recs[n], 12, NAME8);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    /* 2 unknown tag before the name */
    rb_tag(&recs[n], 33, four, 4);
    rb_tag(&recs[n], 12, NAME8);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    /* 3 unknown tags after the name */
    rb_tag(&recs[n], 12, NAME8);
    rb_tag(&recs[n], 20, four, 4);
    rb_tag(&recs[n], 65535, four, 2);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    /* 4 unpadded name */
    rb_tag(&recs[n], 12, "vmsgcap", 7);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    /* 5 name padded past a multiple of 4 */
    rb_tag(&recs[n], 12, "vmsgcap\0\0\0\0\0\0", 13);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    /* 6 end tag with a length (skipped, as Wireshark does) */
    rb_tag(&recs[n], 12, NAME8);
    rb_tag(&recs[n], 0, four, 4);
    header[n++] = true;
    /* 7 virtio-msg unpadded, after an unknown tag */
    rb_tag(&recs[n], 14, four, 4);
    rb_tag(&recs[n], 12, "virtio-msg", 10);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = false;
    /* 8 virtio-msg padded */
    rb_tag(&recs[n], 12, "virtio-msg\0\0", 12);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = false;
    /* 9 two name tags: the last one counts */
    rb_tag(&recs[n], 12, "udp\0", 4);
    rb_tag(&recs[n], 12, NAME8);
    rb_tag(&recs[n], 0, NULL, 0);
    header[n++] = true;
    for (unsigned i = 0; i < n; i++) {
        if (header[i])
            rb_bytes(&recs[i], HDR, sizeof HDR);
        rb_bytes(&recs[i], PING, sizeof PING);
    }
    write_raw("tags.pcap", VMSG_LINKTYPE_UPPER_PDU, recs, n);
    struct vmsg_cap_reader *r = ropen("tags.pcap", 0);
    struct vmsg_cap_rec rec;
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(vmsg_cap_next(r, &rec), 1);
        assert_int_equal(rec.frame, i + 1);
        assert_int_equal(rec.has_header, header[i]);
        assert_int_equal(rec.form, header[i] ? VMSG_CAP_FORM_VMSGCAP : VMSG_CAP_FORM_VIRTIO_MSG);
        if (header[i]) {
            assert_int_equal(rec.meta.direction, VMSG_DIR_DEV_TO_DRV);
            assert_int_equal(rec.meta.profile, 2);
            assert_int_equal(rec.meta.bus_kind, VMSG_BUS_SHM);
            assert_int_equal(rec.meta.bus_instance, 0x1234);
            assert_int_equal(rec.meta.flags, VMSG_CAP_F_TRUNCATED);
        }
        assert_int_equal(rec.caplen, sizeof PING);
        assert_memory_equal(rec.msg, PING, sizeof PING);
    }
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    vmsg_cap_reader_close(r);
}

static void capture_record_cut_by_snaplen(void **state)
{
    (void)state;
    struct rb rec1 = {{0}, 0};
    rb_tag(&rec1, 12, NAME8);
    rb_tag(&rec1, 0, NULL, 0);
    rb_bytes(&rec1, HDR, sizeof HDR);
    rb_bytes(&rec1, PING, 6);
    struct vmsg_cap_wopts o = {0, 0, false, 0};
    struct vmsg_cap_writer *w = wopen("snap.pcap", &o);
    struct vmsg_cap_ts ts = {0, 0};
    assert_true(vmsg_cap_write_raw(w, &ts, rec1.b, rec1.n, rec1.n + 6));
    wclose(w);
    struct vmsg_cap_reader *r = ropen("snap.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(rec.caplen, 6);
    assert_int_equal(rec.len, 12);
    assert_memory_equal(rec.msg, PING, 6);
    vmsg_cap_reader_close(r);
}

/* The reader reads classic pcap records itself (harness/capture/pcapfile.c)
 * after libpcap opened the file: it must return what libpcap returns, in
 * both byte orders, for microsecond and nanosecond files, and for a record
 * longer than the snapshot length (handed back to libpcap, which cuts it);
 * so must its inline step for a record already in its buffer. */
static void put32(FILE *f, uint32_t v, bool be)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (be ? 24 - 8 * i : 8 * i));
    assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* The next record through batches of up to 4 (vmsg__cap_batch_*, as the
 * replay's window reads), else vmsg_cap_next; q[*qi..*qn) read ahead. */
static int next_batched(struct vmsg_cap_reader *r, struct vmsg_cap_rec q[4], unsigned *qi, unsigned *qn,
                        unsigned *batched, const struct vmsg_cap_rec **out)
{
    if (*qi == *qn) {
        *qi = *qn = 0;
        struct vmsg__cap_batch b;
        if (vmsg__cap_batch_begin(r, &b)) {
            while (*qn < 4 && vmsg__cap_batch_next(&b, &q[*qn]))
                ++*qn;
            vmsg__cap_batch_end(r, &b);
        }
        *batched += *qn;
        if (*qn == 0) {
            int k = vmsg_cap_next(r, &q[0]);
            if (k != 1)
                return k;
            *qn = 1;
        }
    }
    *out = &q[(*qi)++];
    return 1;
}

static void capture_direct_read_matches_libpcap(void **state)
{
    (void)state;
    static const struct { const char *name; uint32_t magic; bool be, nano; } files[] = {
        {"le-us.pcap", 0xa1b2c3d4u, false, false},
        {"be-us.pcap", 0xa1b2c3d4u, true, false},
        {"le-ns.pcap", 0xa1b23c4du, false, true},
        {"be-ns.pcap", 0xa1b23c4du, true, true},
    };
    const uint32_t snap = 64;
    struct rb rec = {{0}, 0};
    rb_tag(&rec, 12, NAME8);
    rb_tag(&rec, 0, NULL, 0);
    rb_bytes(&rec, HDR, sizeof HDR);
    rb_bytes(&rec, PING, sizeof PING);
    uint8_t longer[80];
    memset(longer, 0, sizeof longer);
    memcpy(longer, rec.b, rec.n);
    for (unsigned k = 0; k < sizeof files / sizeof files[0]; k++) {
        FILE *f = fopen(tpath(files[k].name), "wb");
        assert_non_null(f);
        bool be = files[k].be;
        put32(f, files[k].magic, be);
        put32(f, be ? 0x00020004u : 0x00040002u, be); /* version 2.4: major then minor, u16 each */
        put32(f, 0, be);
        put32(f, 0, be);
        put32(f, snap, be);
        put32(f, VMSG_LINKTYPE_UPPER_PDU, be);
        for (uint32_t i = 0; i < 6; i++) {
            bool big = i == 3; /* longer than the snapshot length */
            uint32_t n = big ? (uint32_t)sizeof longer : (uint32_t)rec.n;
            put32(f, 1000 + i, be);
            put32(f, files[k].nano ? 123456789u + i : 123456u + i, be);
            put32(f, n, be);
            put32(f, n, be);
            assert_int_equal(fwrite(big ? longer : rec.b, 1, n, f), n);
        }
        fclose(f);

        char eb[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline_with_tstamp_precision(tpath(files[k].name), PCAP_TSTAMP_PRECISION_MICRO, eb);
        assert_non_null(p);
        struct vmsg_cap_reader *r = ropen(files[k].name, 0);
        /* the same file through the inline step for a record already in the
         * buffer (the replay reads its batches with it), else vmsg_cap_next */
        struct vmsg_cap_reader *rb = ropen(files[k].name, 0);
        struct vmsg_cap_reader *rq = ropen(files[k].name, 0); /* and in batches */
        struct vmsg_cap_rec q[4];
        const struct vmsg_cap_rec *qr;
        unsigned qi = 0, qn = 0, batched = 0;
        struct pcap_pkthdr *h;
        const u_char *d;
        struct vmsg_cap_rec got, inl;
        unsigned seen = 0, buffered = 0;
        while (pcap_next_ex(p, &h, &d) == 1) {
            assert_int_equal(vmsg_cap_next(r, &got), 1);
            assert_int_equal(got.ts.sec, (uint32_t)h->ts.tv_sec);
            assert_int_equal(got.ts.usec, (uint32_t)h->ts.tv_usec);
            assert_int_equal(got.caplen + 24, h->caplen);
            assert_int_equal(got.len + 24, h->len);
            assert_memory_equal(got.msg, d + 24, got.caplen);
            if (vmsg__cap_next_buffered(rb, &inl))
                buffered++;
            else
                assert_int_equal(vmsg_cap_next(rb, &inl), 1);
            cap_same_rec(&inl, &got);
            assert_int_equal(next_batched(rq, q, &qi, &qn, &batched, &qr), 1);
            cap_same_rec(qr, &got);
            seen++;
        }
        assert_int_equal(seen, 6);
        assert_true(buffered >= 2); /* not the first, nor the one past the snapshot length */
        assert_true(batched >= 2);
        assert_int_equal(vmsg_cap_next(r, &got), 0);
        assert_false(vmsg__cap_next_buffered(rb, &inl));
        assert_int_equal(vmsg_cap_next(rb, &inl), 0);
        assert_int_equal(next_batched(rq, q, &qi, &qn, &batched, &qr), 0);
        vmsg_cap_reader_close(r);
        vmsg_cap_reader_close(rb);
        vmsg_cap_reader_close(rq);
        pcap_close(p);
    }
}

/* --- errors -------------------------------------------------------------- */

static void capture_error_foreign_link_type(void **state)
{
    (void)state;
    struct rb rec = {{0}, 0};
    rb_bytes(&rec, PING, sizeof PING);
    write_raw("eth.pcap", 1, &rec, 1);
    expect_open_error("eth.pcap", 0, "link type 1 (EN10MB) is not a vmsg capture");
    write_raw("user16.pcap", VMSG_LINKTYPE_USER15 + 1, &rec, 1);
    expect_open_error("user16.pcap", VMSG_CAP_READ_BARE, "link type 163 (IEEE802_11_RADIO_AVS) is not a vmsg capture");
}

static void capture_error_empty_and_not_pcap(void **state)
{
    (void)state;
    FILE *f = fopen(tpath("empty.pcap"), "wb");
    assert_non_null(f);
    fclose(f);
    expect_open_error("empty.pcap", 0, "truncated dump file; tried to read 4 file header bytes, only got 0");
    f = fopen(tpath("text.pcap"), "wb");
    assert_non_null(f);
    fputs("this is not a capture file at all\n", f);
    fclose(f);
    expect_open_error("text.pcap", 0, "unknown file format");
    expect_open_error("missing.pcap", 0, "No such file or directory");
}

/* A file of 3 PING records cut at `cut` bytes from its end. */
static void cut_file(const char *name, long cut)
{
    struct vmsg_cap_writer *w = wopen(name, NULL);
    struct vmsg_cap_ts ts = {0, 0};
    for (int i = 0; i < 3; i++)
        assert_true(vmsg_cap_write(w, &ts, NULL, PING, sizeof PING));
    wclose(w);
    FILE *f = fopen(tpath(name), "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(tpath(name), size - cut), 0);
}

static void capture_error_file_cut_mid_record(void **state)
{
    (void)state;
    /* record = 16 pcap header + 16 tags + 8 header + 12 message = 52 bytes */
    cut_file("cut-data.pcap", 5);      /* inside the third record's data */
    expect_error_after("cut-data.pcap", 0, 2, "frame 3: truncated record");
    cut_file("cut-rechdr.pcap", 52 - 7); /* inside the third record's pcap header */
    expect_error_after("cut-rechdr.pcap", 0, 2, "frame 3: truncated record");
    cut_file("cut-whole.pcap", 52);     /* a clean cut between records is just a shorter file */
    struct vmsg_cap_reader *r = ropen("cut-whole.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    vmsg_cap_reader_close(r);
}

static void capture_error_bad_records(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *tail;
    } cases[] = {
        {"short", "frame 2: truncated record: ends inside the exported-PDU tag list"},
        {"taglen", "frame 2: truncated record: tag 12 of length 8 runs past the record"},
        {"noend", "frame 2: truncated record: ends inside the exported-PDU tag list"},
        {"noname", "frame 2: bad tag list: no dissector name (tag 12)"},
        {"foreign", "frame 2: bad tag list: exported PDU for 'udp', expected 'vmsgcap' or 'virtio-msg'"},
        {"shorthdr", "frame 2: truncated record: ends inside the capture header"},
        {"version", "frame 2: capture header version 2, expected 1"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rb recs[2];
        memset(recs, 0, sizeof recs);
        rb_tag(&recs[0], 12, NAME8);
        rb_tag(&recs[0], 0, NULL, 0);
        rb_bytes(&recs[0], HDR, sizeof HDR);
        rb_bytes(&recs[0], PING, sizeof PING);
        struct rb *b = &recs[1];
        const char *w = cases[i].what;
        if (!strcmp(w, "short")) {
            rb_bytes(b, "\x00\x0c\x00", 3);
        } else if (!strcmp(w, "taglen")) {
            rb_bytes(b, "\x00\x0c\x00\x08vmsg", 8);
        } else if (!strcmp(w, "noend")) {
            rb_tag(b, 12, NAME8);
        } else if (!strcmp(w, "noname")) {
            rb_tag(b, 33, "abcd", 4);
            rb_tag(b, 0, NULL, 0);
            rb_bytes(b, PING, sizeof PING);
        } else if (!strcmp(w, "foreign")) {
            rb_tag(b, 12, "udp\0", 4);
            rb_tag(b, 0, NULL, 0);
            rb_bytes(b, PING, sizeof PING);
        } else if (!strcmp(w, "shorthdr")) {
            rb_tag(b, 12, NAME8);
            rb_tag(b, 0, NULL, 0);
            rb_bytes(b, HDR, 5);
        } else {
            rb_tag(b, 12, NAME8);
            rb_tag(b, 0, NULL, 0);
            rb_bytes(b, "\x02\x00\x00\x00\x00\x00\x00\x00", 8);
            rb_bytes(b, PING, sizeof PING);
        }
        char name[64];
        snprintf(name, sizeof name, "bad-%s.pcap", w);
        write_raw(name, VMSG_LINKTYPE_UPPER_PDU, recs, 2);
        expect_error_after(name, 0, 1, cases[i].tail);
    }
}

static void capture_error_user_bare_without_option(void **state)
{
    (void)state;
    struct rb rec = {{0}, 0};
    rb_bytes(&rec, PING, sizeof PING);
    write_raw("bare.pcap", VMSG_LINKTYPE_USER0 + 1, &rec, 1);
    expect_error_after("bare.pcap", 0, 0, "frame 1: capture header version 2, expected 1 (bare messages? read with --bare)");
    struct vmsg_cap_reader *r = ropen("bare.pcap", VMSG_CAP_READ_BARE);
    struct vmsg_cap_rec out;
    assert_int_equal(vmsg_cap_next(r, &out), 1);
    assert_false(out.has_header);
    assert_memory_equal(out.msg, PING, sizeof PING);
    vmsg_cap_reader_close(r);
}

/* --- writer ------------------------------------------------------------- */

static bool exists(const char *p)
{
    return access(p, F_OK) == 0;
}

static unsigned count_temps(const char *name)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s.tmp.", name);
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void capture_writer_atomic(void **state)
{
    (void)state;
    struct vmsg_cap_ts ts = {0, 0};
    struct vmsg_cap_writer *w = wopen("atomic.pcap", NULL);
    assert_true(vmsg_cap_write(w, &ts, NULL, PING, sizeof PING));
    assert_false(exists(tpath("atomic.pcap"))); /* not published until close */
    assert_int_equal(count_temps("atomic.pcap"), 1);
    wclose(w);
    assert_true(exists(tpath("atomic.pcap")));
    assert_int_equal(count_temps("atomic.pcap"), 0);

    /* abort: nothing published, no temp left, an older file is kept */
    w = wopen("atomic.pcap", NULL);
    vmsg_cap_writer_abort(w);
    assert_int_equal(count_temps("atomic.pcap"), 0);
    struct vmsg_cap_reader *r = ropen("atomic.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    vmsg_cap_reader_close(r);

    char err[512], want[600];
    assert_null(vmsg_cap_writer_open(tpath("nodir/x.pcap"), NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s/nodir/x.pcap: cannot create %s/nodir/x.pcap.tmp.%ld.0: No such file or directory",
             tmpdir, tmpdir, (long)getpid());
    assert_string_equal(err, want);
}

static void capture_writer_rejects(void **state)
{
    (void)state;
    struct vmsg_cap_writer *w = wopen("rej.pcap", NULL);
    struct vmsg_cap_ts bad_us = {0, 1000000}, neg = {-1, 0}, big = {4294967296LL, 0}, ok = {0, 0};
    assert_false(vmsg_cap_write(w, &bad_us, NULL, PING, sizeof PING));
    assert_false(vmsg_cap_write(w, &neg, NULL, PING, sizeof PING));
    assert_false(vmsg_cap_write(w, &big, NULL, PING, sizeof PING));
    char want[600];
    snprintf(want, sizeof want, "%s/rej.pcap: timestamp out of range", tmpdir);
    assert_string_equal(vmsg_cap_writer_error(w), want);
    assert_false(vmsg_cap_write(w, &ok, NULL, PING, VMSG_CAP_MAX_MSG + 1));
    assert_false(vmsg_cap_write_raw(w, &ok, PING, 12, 11));
    wclose(w);
    struct vmsg_cap_reader *r = ropen("rej.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 0); /* nothing was written */
    vmsg_cap_reader_close(r);
    struct vmsg_cap_wopts o = {7, 0, false, 0};
    char err[512];
    assert_null(vmsg_cap_writer_open(tpath("opts.pcap"), &o, err, sizeof err));
}

static void capture_writer_stream(void **state)
{
    (void)state;
    FILE *f = fopen(tpath("stream.pcap"), "wb");
    assert_non_null(f);
    char err[512];
    struct vmsg_cap_wopts o = {0, 0, true, 0};
    struct vmsg_cap_writer *w = vmsg_cap_writer_stream(f, "live", &o, err, sizeof err);
    assert_non_null(w);
    struct vmsg_cap_ts ts = {3, 4};
    struct vmsg_cap_meta m = {VMSG_DIR_DRV_TO_DEV, 0, VMSG_BUS_UNIX, 0, 0};
    assert_true(vmsg_cap_write(w, &ts, &m, PING, sizeof PING));
    /* flushed per record: a reader sees it while the writer is still open */
    struct vmsg_cap_reader *r = ropen("stream.pcap", 0);
    struct vmsg_cap_rec rec;
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(rec.meta.bus_kind, VMSG_BUS_UNIX);
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    vmsg_cap_reader_close(r);
    assert_true(vmsg_cap_write(w, &ts, &m, PING, sizeof PING));
    assert_true(vmsg_cap_writer_close(w, err, sizeof err));
    /* the caller's stream is still open and usable */
    assert_int_equal(fflush(f), 0);
    assert_true(fileno(f) >= 0);
    fclose(f);
    r = ropen("stream.pcap", 0);
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(vmsg_cap_next(r, &rec), 1);
    assert_int_equal(vmsg_cap_next(r, &rec), 0);
    vmsg_cap_reader_close(r);
}

/* --- names -------------------------------------------------------------- */

static void capture_names(void **state)
{
    (void)state;
    assert_string_equal(vmsg_cap_dir_name(0), "drv>dev");
    assert_string_equal(vmsg_cap_dir_name(1), "dev>drv");
    assert_string_equal(vmsg_cap_dir_name(2), "?");
    assert_string_equal(vmsg_cap_dir_name(9), "?");
    static const char *const kinds[] = {"unknown", "loopback", "exec", "unix", "tcp",
                                        "seqpacket", "shm", "ffa", "amp"};
    for (unsigned i = 0; i < 9; i++) {
        assert_string_equal(vmsg_cap_bus_kind_name(i), kinds[i]);
        assert_int_equal(vmsg_cap_bus_kind_by_name(kinds[i]), i);
    }
    assert_null(vmsg_cap_bus_kind_name(9));
    assert_int_equal(vmsg_cap_bus_kind_by_name("pcie"), -1);
    static const char *const profiles[] = {"v1", "v1-noresv", "rfc2", "v0", "v2-draft"};
    for (unsigned i = 0; i < 5; i++) {
        assert_string_equal(vmsg_cap_profile_name(i), profiles[i]);
        assert_int_equal(vmsg_cap_profile_from_code(i), i);
    }
    assert_string_equal(vmsg_cap_profile_name(255), "unknown");
    assert_null(vmsg_cap_profile_name(5));
    assert_int_equal(vmsg_cap_profile_from_code(255), -1);
    assert_int_equal(vmsg_cap_profile_from_code(5), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capture_roundtrip_every_header_field),
        cmocka_unit_test(capture_writer_default_record_bytes),
        cmocka_unit_test(capture_roundtrip_forms),
        cmocka_unit_test(capture_tags_any_order_unknown_unpadded),
        cmocka_unit_test(capture_record_cut_by_snaplen),
        cmocka_unit_test(capture_direct_read_matches_libpcap),
        cmocka_unit_test(capture_error_foreign_link_type),
        cmocka_unit_test(capture_error_empty_and_not_pcap),
        cmocka_unit_test(capture_error_file_cut_mid_record),
        cmocka_unit_test(capture_error_bad_records),
        cmocka_unit_test(capture_error_user_bare_without_option),
        cmocka_unit_test(capture_writer_atomic),
        cmocka_unit_test(capture_writer_rejects),
        cmocka_unit_test(capture_writer_stream),
        cmocka_unit_test(capture_names),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
