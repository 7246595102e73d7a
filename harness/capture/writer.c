/* Capture writer: pcap through libpcap's pcap_open_dead + pcap_dump.
 * File mode is atomic (temp file in the same directory, renamed on close);
 * stream mode writes to a caller's stream as records arrive. */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>

#include "capture_internal.h"

struct vmsg_cap_writer {
    pcap_t *dead;
    pcap_dumper_t *dumper;
    struct vmsg_cap_wopts o;
    char *path;            /* final name (file mode) or the stream's name */
    char *tmp;             /* temp name, NULL in stream mode */
    uint8_t *buf;
    size_t cap;
    char err[320];
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

static int form_linktype(const struct vmsg_cap_wopts *o)
{
    if (o->linktype)
        return o->linktype;
    if (o->form == VMSG_CAP_FORM_USER_HEADER || o->form == VMSG_CAP_FORM_USER_BARE)
        return VMSG_LINKTYPE_USER0 + (o->user & 15);
    return VMSG_LINKTYPE_UPPER_PDU;
}

static struct vmsg_cap_writer *alloc_writer(const char *name, const struct vmsg_cap_wopts *opts, char *err,
                                            size_t errcap)
{
    struct vmsg_cap_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(name))) {
        free(w);
        seterr(err, errcap, "%s: out of memory", name);
        return NULL;
    }
    if (opts)
        w->o = *opts;
    if (w->o.form > VMSG_CAP_FORM_USER_BARE || w->o.user > 15) {
        seterr(err, errcap, "%s: bad writer options (form %u, user %u)", name, w->o.form, w->o.user);
        free(w->path);
        free(w);
        return NULL;
    }
    w->dead = pcap_open_dead_with_tstamp_precision(form_linktype(&w->o), (int)VMSG_CAP_SNAPLEN,
                                                   PCAP_TSTAMP_PRECISION_MICRO);
    if (!w->dead) {
        seterr(err, errcap, "%s: pcap_open_dead failed", name);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

static void free_writer(struct vmsg_cap_writer *w)
{
    if (w->dumper)
        pcap_dump_close(w->dumper);
    if (w->dead)
        pcap_close(w->dead);
    free(w->buf);
    free(w->tmp);
    free(w->path);
    free(w);
}

/* Attach a dumper to fd (the dumper owns fd from here on). */
static bool attach(struct vmsg_cap_writer *w, int fd, char *err, size_t errcap)
{
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        seterr(err, errcap, "%s: %s", w->path, strerror(errno));
        close(fd);
        return false;
    }
    w->dumper = pcap_dump_fopen(w->dead, f);
    if (!w->dumper) {
        seterr(err, errcap, "%s: %s", w->path, pcap_geterr(w->dead));
        fclose(f);
        return false;
    }
    return true;
}

struct vmsg_cap_writer *vmsg_cap_writer_open(const char *path, const struct vmsg_cap_wopts *opts, char *err,
                                             size_t errcap)
{
    struct vmsg_cap_writer *w = alloc_writer(path, opts, err, errcap);
    if (!w)
        return NULL;
    size_t n = strlen(path) + 40;
    w->tmp = malloc(n);
    if (!w->tmp) {
        seterr(err, errcap, "%s: out of memory", path);
        free_writer(w);
        return NULL;
    }
    /* O_EXCL names instead of mkstemp: the file gets the umask's mode like
     * any other output; a stale temp of a killed run is skipped, not reused. */
    int fd = -1;
    for (unsigned i = 0; i < 1000 && fd < 0; i++) {
        snprintf(w->tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(), i);
        fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        seterr(err, errcap, "%s: cannot create %s: %s", path, w->tmp, strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        free_writer(w);
        return NULL;
    }
    if (!attach(w, fd, err, errcap)) {
        unlink(w->tmp);
        free_writer(w);
        return NULL;
    }
    return w;
}

struct vmsg_cap_writer *vmsg_cap_writer_fd(int fd, const char *name, const struct vmsg_cap_wopts *opts, char *err,
                                           size_t errcap)
{
    struct vmsg_cap_writer *w = alloc_writer(name, opts, err, errcap);
    if (!w)
        return NULL;
    /* Write through a duplicate descriptor so that closing the writer leaves
     * the caller's descriptor open. */
    int dupfd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    if (dupfd < 0) {
        seterr(err, errcap, "%s: cannot write a capture to this stream: %s", name, strerror(errno));
        free_writer(w);
        return NULL;
    }
    if (!attach(w, dupfd, err, errcap)) {
        free_writer(w);
        return NULL;
    }
    return w;
}

struct vmsg_cap_writer *vmsg_cap_writer_stream(FILE *f, const char *name, const struct vmsg_cap_wopts *opts,
                                               char *err, size_t errcap)
{
    if (fflush(f) != 0 || fileno(f) < 0) {
        seterr(err, errcap, "%s: cannot write a capture to this stream: %s", name, strerror(errno));
        return NULL;
    }
    return vmsg_cap_writer_fd(fileno(f), name, opts, err, errcap);
}

static bool dump(struct vmsg_cap_writer *w, const struct vmsg_cap_ts *ts, const uint8_t *rec, uint32_t caplen,
                 uint32_t len)
{
    if (!ts || ts->sec < 0 || ts->sec > (int64_t)UINT32_MAX || ts->usec > 999999) {
        seterr(w->err, sizeof w->err, "%s: timestamp out of range", w->path);
        return false;
    }
    if (caplen > len || caplen > VMSG_CAP_SNAPLEN) {
        seterr(w->err, sizeof w->err, "%s: record length %u (of %u) out of range", w->path, caplen, len);
        return false;
    }
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)ts->sec;
    h.ts.tv_usec = (suseconds_t)ts->usec;
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *)w->dumper, &h, rec);
    FILE *f = pcap_dump_file(w->dumper);
    if ((w->o.flush && pcap_dump_flush(w->dumper) != 0) || ferror(f)) {
        seterr(w->err, sizeof w->err, "%s: write error: %s", w->path, strerror(errno));
        return false;
    }
    return true;
}

bool vmsg_cap_write_raw(struct vmsg_cap_writer *w, const struct vmsg_cap_ts *ts, const void *rec, uint32_t caplen,
                        uint32_t len)
{
    return dump(w, ts, rec, caplen, len);
}

/* Bytes of the exported-PDU tag list for NAME: tag 12, length counting the
 * zero padding to a multiple of 4 (as Wireshark reads it), then the end tag. */
static size_t put_tags(uint8_t *b, const char *name)
{
    size_t n = strlen(name), padded = (n + 1 + 3) & ~(size_t)3;
    b[0] = 0;
    b[1] = VMSG_EXP_PDU_TAG_PROTO_NAME;
    b[2] = (uint8_t)(padded >> 8);
    b[3] = (uint8_t)padded;
    memset(b + 4, 0, padded + 4);
    memcpy(b + 4, name, n);
    return 4 + padded + 4;
}

static size_t put_header(uint8_t *b, const struct vmsg_cap_meta *m)
{
    struct vmsg_cap_meta u = vmsg_cap_meta_unknown();
    if (!m)
        m = &u;
    b[0] = VMSG_CAP_VERSION;
    b[1] = m->direction;
    b[2] = m->profile;
    b[3] = m->bus_kind;
    vmsg_put_le(b + 4, m->bus_instance, 2);
    vmsg_put_le(b + 6, m->flags, 2);
    return VMSG_CAP_HDR_LEN;
}

bool vmsg_cap_write(struct vmsg_cap_writer *w, const struct vmsg_cap_ts *ts, const struct vmsg_cap_meta *meta,
                    const void *msg, size_t len)
{
    if (len > VMSG_CAP_MAX_MSG || (len && !msg)) {
        seterr(w->err, sizeof w->err, "%s: message of %zu bytes too large for a capture record", w->path, len);
        return false;
    }
    size_t need = len + 64;
    if (need > w->cap) {
        uint8_t *nb = realloc(w->buf, need);
        if (!nb) {
            seterr(w->err, sizeof w->err, "%s: out of memory", w->path);
            return false;
        }
        w->buf = nb;
        w->cap = need;
    }
    size_t at = 0;
    switch (w->o.form) {
    case VMSG_CAP_FORM_VMSGCAP:
        memcpy(w->buf, vmsg__cap_our_tags, sizeof vmsg__cap_our_tags); /* put_tags(b, VMSG_CAP_NAME) */
        at = sizeof vmsg__cap_our_tags;
        at += put_header(w->buf + at, meta);
        break;
    case VMSG_CAP_FORM_VIRTIO_MSG: at = put_tags(w->buf, VMSG_CAP_NAME_BARE); break;
    case VMSG_CAP_FORM_USER_HEADER: at = put_header(w->buf, meta); break;
    default: break;
    }
    if (len)
        memcpy(w->buf + at, msg, len);
    return dump(w, ts, w->buf, (uint32_t)(at + len), (uint32_t)(at + len));
}

const char *vmsg_cap_writer_error(const struct vmsg_cap_writer *w)
{
    return w->err;
}

bool vmsg_cap_writer_close(struct vmsg_cap_writer *w, char *err, size_t errcap)
{
    bool ok = true;
    FILE *f = pcap_dump_file(w->dumper);
    if (pcap_dump_flush(w->dumper) != 0 || ferror(f)) {
        seterr(err, errcap, "%s: write error: %s", w->path, strerror(errno));
        ok = false;
    } else if (w->tmp && fsync(fileno(f)) != 0 && errno != EINVAL) {
        /* fsync before rename: after a crash the name never points at an empty file */
        seterr(err, errcap, "%s: fsync: %s", w->path, strerror(errno));
        ok = false;
    }
    pcap_dump_close(w->dumper);
    w->dumper = NULL;
    if (w->tmp) {
        if (ok && rename(w->tmp, w->path) != 0) {
            seterr(err, errcap, "%s: cannot rename %s: %s", w->path, w->tmp, strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(w->tmp);
    }
    free_writer(w);
    return ok;
}

void vmsg_cap_writer_abort(struct vmsg_cap_writer *w)
{
    if (!w)
        return;
    pcap_dump_close(w->dumper);
    w->dumper = NULL;
    if (w->tmp)
        unlink(w->tmp);
    free_writer(w);
}
