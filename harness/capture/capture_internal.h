/* Inside the capture reader: the direct classic-pcap record loop (pcapfile.c;
 * its per-record step, vmsg__pcapfile_next, is inline here). */
#ifndef VMSG_CAPTURE_INTERNAL_H
#define VMSG_CAPTURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
