/* Inside the capture reader: the direct classic-pcap record loop (pcapfile.c). */
#ifndef VMSG_CAPTURE_INTERNAL_H
#define VMSG_CAPTURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
int vmsg__pcapfile_next(struct vmsg__pcapfile *f, struct vmsg__pcaprec *r);
/* Go on at file offset pos (after libpcap read a record). */
void vmsg__pcapfile_resume(struct vmsg__pcapfile *f, uint64_t pos);

#endif
