/* Capture reader: libpcap opens and validates the file; classic pcap files
 * are then read record by record directly (pcapfile.c: libpcap's per-record
 * path was the bulk of a replay's cost), others with pcap_next_ex. Memory
 * does not depend on the file's length. Everything inside a record is read
 * with the cursor. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>

#include "capture_internal.h"

__attribute__((format(printf, 3, 4)))
static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static bool is_user(int lt)
{
    return vmsg__cap_is_user(lt);
}

struct vmsg_cap_reader *vmsg_cap_reader_open(const char *path, unsigned flags, char *err, size_t errcap)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    /* our own FILE: its descriptor serves the direct record loop */
    bool in = !strcmp(path, "-");
    FILE *fp = in ? stdin : fopen(path, "rb");
    if (!fp) {
        seterr(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (!p && !in)
        fclose(fp);
    if (!p) {
        size_t n = strlen(path);
        /* libpcap names the file itself in some messages (open failures) */
        if (!strncmp(ebuf, path, n) && ebuf[n] == ':')
            seterr(err, errcap, "%s", ebuf);
        else
            seterr(err, errcap, "%s: %s", path, ebuf);
        return NULL;
    }
    int lt = pcap_datalink(p);
    if (lt != VMSG_LINKTYPE_UPPER_PDU && !is_user(lt)) {
        const char *nm = pcap_datalink_val_to_name(lt);
        seterr(err, errcap, "%s: link type %d (%s) is not a vmsg capture", path, lt, nm ? nm : "unknown");
        pcap_close(p);
        return NULL;
    }
    struct vmsg_cap_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(path))) {
        free(r);
        pcap_close(p);
        seterr(err, errcap, "%s: out of memory", path);
        return NULL;
    }
    r->p = p;
    r->linktype = lt;
    long pos = in ? -1 : ftell(fp);
    if (pos > 0 && pcap_major_version(p) == 2)
        vmsg__pcapfile_open(&r->fast, fileno(fp), (uint64_t)pos, (uint32_t)pcap_snapshot(p));
    r->flags = flags;
    return r;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct vmsg_cap_reader *r, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    seterr(r->err, sizeof r->err, "%s: frame %llu: %s", r->name, (unsigned long long)r->frame, what);
    r->failed = true;
    return -1;
}

/* The capture header. Inlined into its callers: as a call it kept the
 * record's cursor in memory and cost a quarter of vmsg_cap_next. */
__attribute__((always_inline))
static inline int parse_header(struct vmsg_cap_reader *r, struct vmsg_cur *c, struct vmsg_cap_rec *rec)
{
    struct vmsg_cur h = vmsg_cur_sub(c, VMSG_CAP_HDR_LEN); /* one check for the 8 bytes */
    if (h.bad)
        return fail(r, "truncated record: ends inside the capture header");
    uint8_t version = vmsg__cap_header_fields(&h, rec);
    if (version != VMSG_CAP_VERSION)
        return fail(r, "capture header version %u, expected %u%s", version, VMSG_CAP_VERSION,
                    is_user(r->linktype) ? " (bare messages? read with --bare)" : "");
    return 1;
}

/* A record without a capture header: nothing known of it. */
static void no_header(struct vmsg_cap_rec *rec)
{
    rec->has_header = false;
    rec->meta = vmsg_cap_meta_unknown();
}

/* The exported-PDU tag list: any order, unknown tags skipped, the name read
 * up to its first zero byte (padding optional). Like Wireshark, the end tag's
 * own length is skipped too. The last name tag wins. */
static int parse_tags(struct vmsg_cap_reader *r, struct vmsg_cur *c, struct vmsg_cap_rec *rec)
{
    /* the list our writer makes (name tag with vmsgcap padded to 8, end tag):
     * one comparison instead of the walk */
    struct vmsg_cur t = *c;
    const uint8_t *head = vmsg_cur_take(&t, sizeof vmsg__cap_our_tags);
    if (head && !memcmp(head, vmsg__cap_our_tags, sizeof vmsg__cap_our_tags)) {
        *c = t;
        rec->form = VMSG_CAP_FORM_VMSGCAP;
        return parse_header(r, c, rec);
    }
    const uint8_t *name = NULL;
    size_t name_len = 0;
    for (;;) {
        if (vmsg_cur_left(c) < 4)
            return fail(r, "truncated record: ends inside the exported-PDU tag list");
        uint16_t tag = vmsg_cur_be16(c);
        uint16_t len = vmsg_cur_be16(c);
        const uint8_t *val = vmsg_cur_take(c, len);
        if (!val)
            return fail(r, "truncated record: tag %u of length %u runs past the record", tag, len);
        if (tag == VMSG_EXP_PDU_TAG_END)
            break;
        if (tag == VMSG_EXP_PDU_TAG_PROTO_NAME) {
            name = val;
            const uint8_t *z = memchr(val, 0, len);
            name_len = z ? (size_t)(z - val) : len;
        }
    }
    if (!name)
        return fail(r, "bad tag list: no dissector name (tag %u)", VMSG_EXP_PDU_TAG_PROTO_NAME);
    if (name_len == strlen(VMSG_CAP_NAME) && !memcmp(name, VMSG_CAP_NAME, name_len)) {
        rec->form = VMSG_CAP_FORM_VMSGCAP;
        return parse_header(r, c, rec);
    }
    if (name_len == strlen(VMSG_CAP_NAME_BARE) && !memcmp(name, VMSG_CAP_NAME_BARE, name_len)) {
        rec->form = VMSG_CAP_FORM_VIRTIO_MSG;
        no_header(rec);
        return 1;
    }
    char shown[40];
    size_t n = name_len < sizeof shown - 1 ? name_len : sizeof shown - 1;
    for (size_t i = 0; i < n; i++)
        shown[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? (char)name[i] : '?';
    shown[n] = 0;
    return fail(r, "bad tag list: exported PDU for '%s', expected '%s' or '%s'", shown, VMSG_CAP_NAME,
                VMSG_CAP_NAME_BARE);
}

/* Everything but a record from the direct loop (k is its answer): the end
 * of the file, records libpcap reads, errors. 1 with *pr filled, 0 at the
 * end, -1 after fail() (spelt out: the analyzer does not follow fail's
 * varargs). Out of line: the common path stays short. */
__attribute__((noinline))
static int other(struct vmsg_cap_reader *r, int k, struct vmsg__pcaprec *pr)
{
    if (k == VMSG__PCAP_END)
        return 0;
    if (k == VMSG__PCAP_LIBPCAP) {
        FILE *fp = pcap_file(r->p);
        if (r->fast.on && fseek(fp, (long)pr->offset, SEEK_SET) != 0) {
            r->frame++;
            fail(r, "seek: %s", strerror(errno));
            return -1;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(r->p, &h, &data);
        if (r->fast.on && rc != PCAP_ERROR_BREAK)
            vmsg__pcapfile_resume(&r->fast, (uint64_t)ftell(fp));
        if (rc == PCAP_ERROR_BREAK)
            return 0; /* end of file */
        r->frame++;
        if (rc != 1) {
            const char *e = pcap_geterr(r->p);
            if (!strncmp(e, "truncated dump file", 19))
                fail(r, "truncated record");
            else
                fail(r, "%s", e);
            return -1;
        }
        pr->ts_sec = (uint32_t)h->ts.tv_sec; /* libpcap sign-extends the file's u32 */
        pr->ts_usec = (uint32_t)h->ts.tv_usec;
        pr->caplen = h->caplen;
        pr->len = h->len;
        pr->data = data;
        return 1;
    }
    r->frame++;
    if (k == VMSG__PCAP_TRUNCATED)
        fail(r, "truncated record");
    else
        fail(r, "read error: %s", strerror(errno)); /* VMSG__PCAP_IO */
    return -1;
}

int vmsg_cap_next(struct vmsg_cap_reader *r, struct vmsg_cap_rec *rec)
{
    if (r->failed)
        return -1;
    struct vmsg__pcaprec pr;
    int k = r->fast.on ? vmsg__pcapfile_next(&r->fast, &pr) : VMSG__PCAP_LIBPCAP;
    if (k == VMSG__PCAP_RECORD) {
        r->frame++;
    } else {
        /* a record of its own: pr, never passed on, stays in registers */
        struct vmsg__pcaprec o = {.offset = k == VMSG__PCAP_LIBPCAP && r->fast.on ? pr.offset : 0};
        if ((k = other(r, k, &o)) != 1)
            return k;
        pr = o;
    }
    if (pr.caplen > pr.len)
        return fail(r, "captured length %u exceeds the original length %u", pr.caplen, pr.len);
    /* every member is assigned below, the header's by parse_header or
     * no_header (no memset of the whole record) */
    rec->frame = r->frame;
    rec->ts.sec = pr.ts_sec;
    rec->ts.usec = pr.ts_usec;
    struct vmsg_cur c = vmsg_cur_make(pr.data, pr.caplen);
    int ok = 1;
    if (r->linktype == VMSG_LINKTYPE_UPPER_PDU) {
        ok = parse_tags(r, &c, rec);
    } else if (r->flags & VMSG_CAP_READ_BARE) {
        rec->form = VMSG_CAP_FORM_USER_BARE;
        no_header(rec);
    } else {
        rec->form = VMSG_CAP_FORM_USER_HEADER;
        ok = parse_header(r, &c, rec);
    }
    if (ok < 0)
        return -1;
    size_t prefix = c.pos;
    rec->caplen = (uint32_t)vmsg_cur_left(&c);
    rec->msg = vmsg_cur_take(&c, rec->caplen);
    rec->len = pr.len - (uint32_t)prefix;
    return 1;
}

const char *vmsg_cap_reader_error(const struct vmsg_cap_reader *r)
{
    return r->err;
}

int vmsg_cap_reader_linktype(const struct vmsg_cap_reader *r)
{
    return r->linktype;
}

const char *vmsg_cap_reader_name(const struct vmsg_cap_reader *r)
{
    return r->name;
}

void vmsg_cap_reader_close(struct vmsg_cap_reader *r)
{
    if (!r)
        return;
    vmsg__pcapfile_close(&r->fast);
    pcap_close(r->p);
    free(r->name);
    free(r);
}
