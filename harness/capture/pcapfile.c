/* Classic pcap records straight from the file, for the capture reader.
 *
 * libpcap's pcap_next_ex costs about as much per record as a whole
 * in-process request/response round trip (two fread calls through a locked
 * FILE, plus its own copies), which made reading the capture the largest
 * part of a replay. For a regular file in the classic format (the one our
 * writer makes) the reader lets libpcap open and validate the file, then
 * reads the records here: large pread(2) chunks into one buffer, the 16-byte
 * record header parsed with the cursor, the record data returned in place
 * (that per-record step is inline in capture_internal.h).
 * Anything unusual (a record longer than the snapshot length, which libpcap
 * cuts or rejects, or longer than the 256 KiB buffer) is handed back to
 * libpcap at that record's offset, so results and messages stay libpcap's. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmsg/cursor.h>

#include "capture_internal.h"

#define CHUNK (256u * 1024u)

bool vmsg__pcapfile_open(struct vmsg__pcapfile *f, int fd, uint64_t pos, uint32_t snap)
{
    memset(f, 0, sizeof *f);
    struct stat sb;
    uint8_t magic[4];
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || pread(fd, magic, 4, 0) != 4)
        return false;
    struct vmsg_cur c = vmsg_cur_make(magic, 4);
    uint32_t m = vmsg_cur_le32(&c);
    switch (m) {
    case 0xa1b2c3d4u: break;
    case 0xd4c3b2a1u: f->big_endian = true; break;
    case 0xa1b23c4du: f->nano = true; break;
    case 0x4d3cb2a1u: f->big_endian = f->nano = true; break;
    default: return false; /* pcapng and the rest: libpcap reads them */
    }
    f->snap = snap;
    f->cap = CHUNK; /* not sized by the snapshot length: the file header may claim up to 4 GiB */
    f->buf = malloc(f->cap);
    if (!f->buf)
        return false;
    f->fd = fd;
    f->off = pos;
    f->on = true;
    return true;
}

void vmsg__pcapfile_close(struct vmsg__pcapfile *f)
{
    free(f->buf);
    f->buf = NULL;
    f->on = false;
}

/* The refill behind vmsg__pcapfile_fill (capture_internal.h): out of line,
 * once per 256 KiB chunk. */
int vmsg__pcapfile_refill(struct vmsg__pcapfile *f, size_t want)
{
    memmove(f->buf, f->buf + f->start, f->end - f->start);
    f->end -= f->start;
    f->start = 0;
    while (f->end < want) {
        ssize_t n = pread(f->fd, f->buf + f->end, f->cap - f->end, (off_t)f->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        f->end += (size_t)n;
        f->off += (uint64_t)n;
    }
    return 0;
}

void vmsg__pcapfile_resume(struct vmsg__pcapfile *f, uint64_t pos)
{
    f->start = f->end = 0;
    f->off = pos;
}
