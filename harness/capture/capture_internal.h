/* Inside the capture reader: the direct classic-pcap record loop (pcapfile.c;
 * its per-record step, vmsg__pcapfile_next, is inline here), the reader
 * itself (reader.c) and its steps for records already in the buffer
 * (vmsg__cap_batch_*, inline in the replay's batch read, and
 * vmsg__cap_next_buffered for one record). */
#ifndef VMSG_CAPTURE_INTERNAL_H
#define VMSG_CAPTURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include <pcap/pcap.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>

struct vmsg__pcapfile {
    bool on;               /* the file is read here, not by libpcap */
    bool big_endian, nano;
    uint32_t snap;         /* libpcap's snapshot length for the file */
    int fd;
    uint8_t *buf;
    size_t cap, start, end; /* unread bytes: buf[start..end) */
    uint64_t off;          /* file offset of buf[end] */
};

struct vmsg__pcaprec {
    uint32_t ts_sec, ts_usec, caplen, len;
    const uint8_t *data;   /* valid until the next call */
    uint64_t offset;       /* of the record header in the file (set with VMSG__PCAP_LIBPCAP) */
};

enum { VMSG__PCAP_RECORD = 1, VMSG__PCAP_END = 0, VMSG__PCAP_TRUNCATED = -1, VMSG__PCAP_IO = -2,
       VMSG__PCAP_LIBPCAP = 2 /* let libpcap read the record at offset */ };

/* False (and nothing to close) unless fd is a regular file in the classic
 * pcap format; pos: offset of the first record. */
bool vmsg__pcapfile_open(struct vmsg__pcapfile *f, int fd, uint64_t pos, uint32_t snap);
void vmsg__pcapfile_close(struct vmsg__pcapfile *f);
/* At least want bytes unread in the buffer, unless the file ends first:
 * memmove and the pread loop (once per 256 KiB chunk). 0, or -1 (errno). */
int vmsg__pcapfile_refill(struct vmsg__pcapfile *f, size_t want);
/* At least want bytes unread: the common case (they are there) inline. */
static inline int vmsg__pcapfile_fill(struct vmsg__pcapfile *f, size_t want)
{
    return f->end - f->start >= want ? 0 : vmsg__pcapfile_refill(f, want);
}

/* The next record: VMSG__PCAP_*. Inline in the reader's vmsg_cap_next (as
 * a call it cost it a tenth); the record header is read with the cursor. */
static inline int vmsg__pcapfile_next(struct vmsg__pcapfile *f, struct vmsg__pcaprec *r)
{
    if (vmsg__pcapfile_fill(f, 16) != 0)
        return VMSG__PCAP_IO;
    size_t left = f->end - f->start;
    if (left == 0)
        return VMSG__PCAP_END;
    if (left < 16)
        return VMSG__PCAP_TRUNCATED;
    /* one byte order per file: the four fields read from a 16-byte cursor
     * whose checks the compiler folds */
    struct vmsg_cur c = vmsg_cur_make(f->buf + f->start, 16);
    uint32_t sub;
    if (f->big_endian) {
        r->ts_sec = vmsg_cur_be32(&c);
        sub = vmsg_cur_be32(&c);
        r->caplen = vmsg_cur_be32(&c);
        r->len = vmsg_cur_be32(&c);
    } else {
        r->ts_sec = vmsg_cur_le32(&c);
        sub = vmsg_cur_le32(&c);
        r->caplen = vmsg_cur_le32(&c);
        r->len = vmsg_cur_le32(&c);
    }
    r->ts_usec = f->nano ? sub / 1000u : sub;
    if (r->caplen > f->snap || (size_t)r->caplen > f->cap - 16) {
        r->offset = f->off - left; /* of the record header in the file */
        return VMSG__PCAP_LIBPCAP; /* libpcap cuts, rejects or reads it */
    }
    if (vmsg__pcapfile_fill(f, 16 + (size_t)r->caplen) != 0)
        return VMSG__PCAP_IO;
    if (f->end - f->start < 16 + (size_t)r->caplen)
        return VMSG__PCAP_TRUNCATED;
    r->data = f->buf + f->start + 16;
    f->start += 16 + (size_t)r->caplen;
    return VMSG__PCAP_RECORD;
}

/* Go on at file offset pos (after libpcap read a record). */
void vmsg__pcapfile_resume(struct vmsg__pcapfile *f, uint64_t pos);

struct vmsg_cap_reader {
    pcap_t *p;
    struct vmsg__pcapfile fast; /* classic pcap files: records read directly */
    char *name;
    int linktype;
    unsigned flags;
    uint64_t frame;        /* records returned or attempted so far */
    bool failed;
    char err[400];
};

static inline bool vmsg__cap_is_user(int lt)
{
    return lt >= VMSG_LINKTYPE_USER0 && lt <= VMSG_LINKTYPE_USER15;
}

/* The exported-PDU tag list before every vmsgcap record: the name tag with
 * VMSG_CAP_NAME padded to 8, then the end tag. Defined once here: the writer
 * puts these bytes, and the reader compares a record with them in one go
 * instead of walking its tags. */
_Static_assert(sizeof VMSG_CAP_NAME == 8, "vmsg__cap_our_tags spells VMSG_CAP_NAME in 8 bytes");
static const uint8_t vmsg__cap_our_tags[16] = {0, VMSG_EXP_PDU_TAG_PROTO_NAME, 0, 8, 'v', 'm', 's', 'g',
                                               'c', 'a', 'p', 0, 0, VMSG_EXP_PDU_TAG_END, 0, 0};

/* The capture header's members from h (its 8 bytes): its version byte,
 * checked by the caller. */
static inline uint8_t vmsg__cap_header_fields(struct vmsg_cur *h, struct vmsg_cap_rec *rec)
{
    uint8_t version = vmsg_cur_u8(h);
    rec->meta.direction = vmsg_cur_u8(h);
    rec->meta.profile = vmsg_cur_u8(h);
    rec->meta.bus_kind = vmsg_cur_u8(h);
    rec->meta.bus_instance = vmsg_cur_le16(h);
    rec->meta.flags = vmsg_cur_le16(h);
    rec->has_header = true;
    return version;
}

/* Records read straight from the direct loop's buffer, a run at a time:
 * between vmsg__cap_batch_begin and vmsg__cap_batch_end the reader's place
 * and frame count live here (a local the compiler keeps in registers), and
 * nothing else may read from the reader. */
struct vmsg__cap_batch {
    const uint8_t *p, *end; /* unread bytes of the buffer, no more than a record of snap bytes needs */
    uint64_t frame;
    uint8_t prefix;         /* bytes before the message: tag list and capture header, the header, or none */
    bool tags, big_endian, nano;
};

/* False: no record is to be had from the buffer (not a direct loop, or the
 * reader failed); else b is ready for vmsg__cap_batch_next. */
static inline bool vmsg__cap_batch_begin(struct vmsg_cap_reader *r, struct vmsg__cap_batch *b)
{
    const struct vmsg__pcapfile *f = &r->fast;
    if (!f->on || r->failed)
        return false;
    size_t left = f->end - f->start, most = 16 + (size_t)f->snap;
    b->p = f->buf + f->start;
    b->end = b->p + (left < most ? left : most); /* a record longer than snap does not fit */
    b->frame = r->frame;
    b->big_endian = f->big_endian;
    b->nano = f->nano;
    b->tags = r->linktype == VMSG_LINKTYPE_UPPER_PDU;
    b->prefix = b->tags ? sizeof vmsg__cap_our_tags + VMSG_CAP_HDR_LEN
              : (r->flags & VMSG_CAP_READ_BARE) ? 0
                                                : VMSG_CAP_HDR_LEN;
    return true;
}

/* The reader goes on after the records b took. */
static inline void vmsg__cap_batch_end(struct vmsg_cap_reader *r, const struct vmsg__cap_batch *b)
{
    r->fast.start = (size_t)(b->p - r->fast.buf);
    r->frame = b->frame;
}

/* The next record as vmsg_cap_next gives it, when it lies whole in the
 * buffer and is of the usual kind (our tag list or a user link type, a
 * capture header of our version, caplen <= len): true with *rec filled.
 * false: nothing taken; the record (or the end, or an error) is
 * vmsg_cap_next's to give, after vmsg__cap_batch_end. */
static inline __attribute__((always_inline)) bool vmsg__cap_batch_next(struct vmsg__cap_batch *b,
                                                                     struct vmsg_cap_rec *rec)
{
    size_t left = (size_t)(b->end - b->p);
    if (left < 16)
        return false;
    /* cursors of a length known here: the compiler folds their checks */
    struct vmsg_cur c = vmsg_cur_make(b->p, 16); /* the pcap record header */
    uint32_t ts_sec, sub, caplen, len;
    if (b->big_endian) {
        ts_sec = vmsg_cur_be32(&c);
        sub = vmsg_cur_be32(&c);
        caplen = vmsg_cur_be32(&c);
        len = vmsg_cur_be32(&c);
    } else {
        ts_sec = vmsg_cur_le32(&c);
        sub = vmsg_cur_le32(&c);
        caplen = vmsg_cur_le32(&c);
        len = vmsg_cur_le32(&c);
    }
    size_t prefix = b->prefix;
    if (caplen > len || caplen > left - 16 || caplen < prefix)
        return false;
    const uint8_t *data = b->p + 16;
    if (prefix) {
        if (b->tags) {
            struct vmsg_cur t = vmsg_cur_make(data, sizeof vmsg__cap_our_tags);
            if (memcmp(vmsg_cur_take(&t, sizeof vmsg__cap_our_tags), vmsg__cap_our_tags, sizeof vmsg__cap_our_tags))
                return false;
            rec->form = VMSG_CAP_FORM_VMSGCAP;
        } else {
            rec->form = VMSG_CAP_FORM_USER_HEADER;
        }
        struct vmsg_cur h = vmsg_cur_make(data + prefix - VMSG_CAP_HDR_LEN, VMSG_CAP_HDR_LEN);
        if (vmsg__cap_header_fields(&h, rec) != VMSG_CAP_VERSION)
            return false;
    } else {
        rec->form = VMSG_CAP_FORM_USER_BARE;
        rec->has_header = false;
        rec->meta = vmsg_cap_meta_unknown();
    }
    b->p = data + caplen;
    rec->frame = ++b->frame;
    rec->ts.sec = ts_sec;
    rec->ts.usec = b->nano ? sub / 1000u : sub;
    struct vmsg_cur m = vmsg_cur_make(data + prefix, caplen - prefix);
    rec->caplen = caplen - (uint32_t)prefix;
    rec->msg = vmsg_cur_take(&m, rec->caplen);
    rec->len = len - (uint32_t)prefix;
    return true;
}

/* One record as vmsg__cap_batch_next takes it, a batch of one (the tests
 * hold the steps to vmsg_cap_next with it). */
static inline bool vmsg__cap_next_buffered(struct vmsg_cap_reader *r, struct vmsg_cap_rec *rec)
{
    struct vmsg__cap_batch b;
    if (!vmsg__cap_batch_begin(r, &b) || !vmsg__cap_batch_next(&b, rec))
        return false;
    vmsg__cap_batch_end(r, &b);
    return true;
}

#endif
