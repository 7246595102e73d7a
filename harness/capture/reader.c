/* Capture reader: pcap_open_offline + pcap_next_ex, one record at a time
 * (memory does not depend on the file's length). Everything inside a record
 * is read with the cursor. */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>

struct vmsg_cap_reader {
    pcap_t *p;
    char *name;
    int linktype;
    unsigned flags;
    uint64_t frame;        /* records returned or attempted so far */
    bool failed;
    char err[400];
};

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
    return lt >= VMSG_LINKTYPE_USER0 && lt <= VMSG_LINKTYPE_USER15;
}

struct vmsg_cap_reader *vmsg_cap_reader_open(const char *path, unsigned flags, char *err, size_t errcap)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
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

static int parse_header(struct vmsg_cap_reader *r, struct vmsg_cur *c, struct vmsg_cap_rec *rec)
{
    if (vmsg_cur_left(c) < VMSG_CAP_HDR_LEN)
        return fail(r, "truncated record: ends inside the capture header");
    uint8_t version = vmsg_cur_u8(c);
    if (version != VMSG_CAP_VERSION)
        return fail(r, "capture header version %u, expected %u%s", version, VMSG_CAP_VERSION,
                    is_user(r->linktype) ? " (bare messages? read with --bare)" : "");
    rec->meta.direction = vmsg_cur_u8(c);
    rec->meta.profile = vmsg_cur_u8(c);
    rec->meta.bus_kind = vmsg_cur_u8(c);
    rec->meta.bus_instance = vmsg_cur_le16(c);
    rec->meta.flags = vmsg_cur_le16(c);
    rec->has_header = true;
    return 1;
}

/* The exported-PDU tag list: any order, unknown tags skipped, the name read
 * up to its first zero byte (padding optional). Like Wireshark, the end tag's
 * own length is skipped too. The last name tag wins. */
static int parse_tags(struct vmsg_cap_reader *r, struct vmsg_cur *c, struct vmsg_cap_rec *rec)
{
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

int vmsg_cap_next(struct vmsg_cap_reader *r, struct vmsg_cap_rec *rec)
{
    if (r->failed)
        return -1;
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(r->p, &h, &data);
    if (rc == PCAP_ERROR_BREAK)
        return 0; /* end of file */
    r->frame++;
    if (rc != 1) {
        const char *e = pcap_geterr(r->p);
        if (!strncmp(e, "truncated dump file", 19))
            return fail(r, "truncated record");
        return fail(r, "%s", e);
    }
    if (h->caplen > h->len)
        return fail(r, "captured length %u exceeds the original length %u", h->caplen, h->len);
    memset(rec, 0, sizeof *rec);
    rec->frame = r->frame;
    rec->ts.sec = (int64_t)(uint32_t)h->ts.tv_sec; /* libpcap sign-extends the file's u32 */
    rec->ts.usec = (uint32_t)h->ts.tv_usec;
    rec->meta = vmsg_cap_meta_unknown();
    struct vmsg_cur c = vmsg_cur_make(data, h->caplen);
    int ok = 1;
    if (r->linktype == VMSG_LINKTYPE_UPPER_PDU) {
        ok = parse_tags(r, &c, rec);
    } else if (r->flags & VMSG_CAP_READ_BARE) {
        rec->form = VMSG_CAP_FORM_USER_BARE;
    } else {
        rec->form = VMSG_CAP_FORM_USER_HEADER;
        ok = parse_header(r, &c, rec);
    }
    if (ok < 0)
        return -1;
    size_t prefix = c.pos;
    rec->caplen = (uint32_t)vmsg_cur_left(&c);
    rec->msg = vmsg_cur_take(&c, rec->caplen);
    rec->len = h->len - (uint32_t)prefix;
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
    pcap_close(r->p);
    free(r->name);
    free(r);
}
