/* Stream framing for exec:, unix: and tcp:. Frames are back to back; the
 * header's msg_size (v0: the fixed size) gives each length. The read buffer
 * is sized once from the configured maximum, never from the wire: a msg_size
 * above it is OVERSIZE, below the header MALFORMED, and either leaves the
 * stream without framing (every later recv is ERROR). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/wire.h>

#include "bus_internal.h"

#define READ_AHEAD 4096u

bool vmsg__stream_init(struct vmsg__stream *s, size_t max_frame)
{
    memset(s, 0, sizeof *s);
    s->rfd = s->wfd = s->extra_fd = -1;
    s->cap = max_frame + READ_AHEAD;
    s->buf = malloc(s->cap);
    return s->buf != NULL;
}

void vmsg__stream_free(struct vmsg__stream *s)
{
    free(s->buf);
    s->buf = NULL;
}

int vmsg__stream_send(struct vmsg_bus *b, struct vmsg__stream *s, const uint8_t *f, size_t len)
{
    int errnum;
    int rc = vmsg__bus_write_all(s->wfd, s->wsock, f, len, vmsg__bus_deadline(b->send_timeout_ms), &errnum);
    switch (rc) {
    case VMSG_BUS_OK: break;
    case VMSG_BUS_TIMEOUT:
        vmsg__bus_fail(b, "send: peer did not take a %zu-byte frame within %d ms", len,
                       b->send_timeout_ms);
        break;
    case VMSG_BUS_CLOSED: vmsg__bus_fail(b, "send: peer closed the connection"); break;
    default: vmsg__bus_fail_errno(b, errnum, "send"); break;
    }
    return rc;
}

/* A complete frame at s->start? Returns OK with *flen, or a status. */
static int frame_at(struct vmsg_bus *b, struct vmsg__stream *s, size_t *flen)
{
    size_t avail = s->end - s->start;
    size_t need = b->fixed_size ? b->fixed_size : b->header;
    if (avail < need)
        return VMSG_BUS_TIMEOUT; /* more bytes needed */
    size_t fl = vmsg_frame_len(b->profile, s->buf + s->start, avail);
    if (fl < b->header) {
        vmsg__bus_fail(b, "recv: malformed frame: msg_size %zu is below the %u-byte header; "
                          "stream framing lost", fl, (unsigned)b->header);
        return s->broken = VMSG_BUS_MALFORMED;
    }
    if (fl > b->params.max_msg_size) {
        vmsg__bus_fail(b, "recv: frame of %zu bytes exceeds the maximum message size %u; "
                          "stream framing lost", fl, (unsigned)b->params.max_msg_size);
        return s->broken = VMSG_BUS_OVERSIZE;
    }
    if (avail < fl)
        return VMSG_BUS_TIMEOUT;
    *flen = fl;
    return VMSG_BUS_OK;
}

int vmsg__stream_recv(struct vmsg_bus *b, struct vmsg__stream *s, uint8_t *buf, size_t cap,
                      size_t *len, int64_t deadline)
{
    if (s->broken) {
        if (s->broken != VMSG_BUS_CLOSED && s->broken != VMSG_BUS_ERROR)
            vmsg__bus_fail(b, "recv: stream unusable after an earlier %s frame",
                           vmsg_bus_status_name(s->broken));
        return s->broken == VMSG_BUS_CLOSED ? VMSG_BUS_CLOSED : VMSG_BUS_ERROR;
    }
    for (;;) {
        size_t fl = 0;
        int rc = frame_at(b, s, &fl);
        if (rc == VMSG_BUS_OK) {
            if (fl > cap) {
                vmsg__bus_fail(b, "recv: frame of %zu bytes does not fit the %zu-byte buffer", fl, cap);
                return s->broken = VMSG_BUS_OVERSIZE;
            }
            memcpy(buf, s->buf + s->start, fl);
            s->start += fl;
            *len = fl;
            return VMSG_BUS_OK;
        }
        if (rc != VMSG_BUS_TIMEOUT)
            return rc;
        if (s->eof) {
            size_t got = s->end - s->start;
            if (got == 0) {
                vmsg__bus_fail(b, "recv: peer closed the connection");
                s->broken = VMSG_BUS_CLOSED;
                return VMSG_BUS_CLOSED;
            }
            vmsg__bus_fail(b, "recv: peer closed mid-frame (%zu bytes of a frame received)", got);
            s->broken = VMSG_BUS_ERROR;
            return VMSG_BUS_ERROR;
        }
        /* make room: move the partial frame to the front */
        if (s->start > 0 && (s->start == s->end || s->cap - s->end < READ_AHEAD / 2)) {
            memmove(s->buf, s->buf + s->start, s->end - s->start);
            s->end -= s->start;
            s->start = 0;
        }
        ssize_t n = read(s->rfd, s->buf + s->end, s->cap - s->end);
        if (n > 0) {
            s->end += (size_t)n;
            continue;
        }
        if (n == 0) {
            s->eof = true;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET) {
            s->eof = true;
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            vmsg__bus_fail_errno(b, errno, "recv");
            return s->broken = VMSG_BUS_ERROR;
        }
        /* wait for data (and keep draining the child's stderr meanwhile) */
        for (;;) {
            struct pollfd p[2] = {{s->rfd, POLLIN, 0}, {s->extra_fd, POLLIN, 0}};
            int np = s->extra_fd >= 0 ? 2 : 1;
            int w = poll(p, (nfds_t)np, vmsg__bus_left_ms(deadline));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                vmsg__bus_fail_errno(b, errno, "recv: poll");
                return VMSG_BUS_ERROR;
            }
            if (w == 0) {
                vmsg__bus_fail(b, "recv: no frame within the timeout");
                return VMSG_BUS_TIMEOUT;
            }
            if (np == 2 && p[1].revents) {
                s->drain_extra(b);
                if (!p[0].revents)
                    continue;
            }
            break;
        }
    }
}
