/* Capture files of virtio-msg traffic (DESIGN.md section 7): pcap written
 * and read through libpcap.
 *
 * Writer: link type 252 (LINKTYPE_WIRESHARK_UPPER_PDU). Each record is the
 * exported-PDU tag list (tag 12 = "vmsgcap" zero-padded to 8 bytes, then the
 * end tag), the 8-byte capture header below, then the message bytes as on
 * the wire. Other container forms exist for interoperability and tests.
 *
 * Reader: a record iterator that streams (memory does not grow with the
 * file). It accepts link type 252 with tags in any order, unknown tags, names
 * with or without zero padding, dissector name "vmsgcap" (with the capture
 * header) or "virtio-msg" (bare message); USER0-USER15 (147-162) carrying the
 * capture header; and, with VMSG_CAP_READ_BARE, USER link types carrying bare
 * messages. Errors name the file and the 1-based frame number.
 *
 * Capture header (8 bytes):
 *   0  u8    version (1)
 *   1  u8    direction (enum vmsg_cap_dir)
 *   2  u8    profile code (enum vmsg_profile; 255 unknown)
 *   3  u8    bus kind (enum vmsg_bus_kind)
 *   4  le16  bus instance id
 *   6  le16  flags (VMSG_CAP_F_*) */
#ifndef VMSG_CAPTURE_H
#define VMSG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VMSG_CAP_VERSION 1
#define VMSG_CAP_HDR_LEN 8
#define VMSG_CAP_PROFILE_UNKNOWN 255

#define VMSG_LINKTYPE_UPPER_PDU 252
#define VMSG_LINKTYPE_USER0 147
#define VMSG_LINKTYPE_USER15 162

/* Exported-PDU tags this code knows (big-endian u16 tag, u16 length). */
#define VMSG_EXP_PDU_TAG_END 0
#define VMSG_EXP_PDU_TAG_PROTO_NAME 12
#define VMSG_CAP_NAME "vmsgcap"       /* with capture header */
#define VMSG_CAP_NAME_BARE "virtio-msg" /* the dissector's own name: no capture header */

/* Largest message the writer accepts and the snapshot length it declares. */
#define VMSG_CAP_SNAPLEN 262144u
#define VMSG_CAP_MAX_MSG (VMSG_CAP_SNAPLEN - 64u)

enum vmsg_cap_dir {
    VMSG_DIR_DRV_TO_DEV = 0,
    VMSG_DIR_DEV_TO_DRV = 1,
    VMSG_DIR_UNKNOWN = 2
};

enum vmsg_bus_kind {
    VMSG_BUS_UNKNOWN = 0,
    VMSG_BUS_LOOPBACK = 1,
    VMSG_BUS_EXEC = 2,
    VMSG_BUS_UNIX = 3,
    VMSG_BUS_TCP = 4,
    VMSG_BUS_SEQPACKET = 5,
    VMSG_BUS_SHM = 6,
    VMSG_BUS_FFA = 7,
    VMSG_BUS_AMP = 8,
    VMSG_BUS_KIND_COUNT = 9
};

#define VMSG_CAP_F_INJECTED (1u << 0)  /* sent by the harness (fault or probe) */
#define VMSG_CAP_F_TRUNCATED (1u << 1) /* message truncated before it was recorded */

/* How a record carries its message. */
enum vmsg_cap_form {
    VMSG_CAP_FORM_VMSGCAP = 0,    /* link 252, name "vmsgcap", capture header (the default) */
    VMSG_CAP_FORM_VIRTIO_MSG = 1, /* link 252, name "virtio-msg", bare message */
    VMSG_CAP_FORM_USER_HEADER = 2,/* USERn, capture header */
    VMSG_CAP_FORM_USER_BARE = 3   /* USERn, bare message */
};

/* Per-message metadata of the capture header. */
struct vmsg_cap_meta {
    uint8_t direction;     /* enum vmsg_cap_dir */
    uint8_t profile;       /* enum vmsg_profile code, or VMSG_CAP_PROFILE_UNKNOWN */
    uint8_t bus_kind;      /* enum vmsg_bus_kind */
    uint16_t bus_instance;
    uint16_t flags;        /* VMSG_CAP_F_* */
};

/* Metadata for a record that has no capture header: everything unknown. */
static inline struct vmsg_cap_meta vmsg_cap_meta_unknown(void)
{
    struct vmsg_cap_meta m = {VMSG_DIR_UNKNOWN, VMSG_CAP_PROFILE_UNKNOWN, VMSG_BUS_UNKNOWN, 0, 0};
    return m;
}

/* Timestamps are given by the caller (deterministic output is possible). */
struct vmsg_cap_ts {
    int64_t sec;
    uint32_t usec;         /* 0..999999 */
};

/* --- names (dump, reports) ---------------------------------------------- */
/* "drv>dev", "dev>drv", "?" (also for values out of range). */
const char *vmsg_cap_dir_name(unsigned dir);
/* "loopback", "ffa", ... ; "unknown" for 0, NULL beyond the table. */
const char *vmsg_cap_bus_kind_name(unsigned kind);
int vmsg_cap_bus_kind_by_name(const char *name); /* -1 when unknown */
/* Profile name of a capture-header code ("v1", ...), "unknown" for 255, NULL otherwise. */
const char *vmsg_cap_profile_name(unsigned code);
/* enum vmsg_profile of a header code, or -1 (unknown, 255 or out of range). */
int vmsg_cap_profile_from_code(unsigned code);
const char *vmsg_cap_form_name(unsigned form);

/* --- writer -------------------------------------------------------------- */
struct vmsg_cap_writer;

struct vmsg_cap_wopts {
    uint8_t form;          /* enum vmsg_cap_form (0: the default form) */
    uint8_t user;          /* n of USERn for the USER forms (0-15) */
    bool flush;            /* flush after every record (streaming to a live reader) */
    int linktype;          /* 0: from the form; else forced (tests, foreign samples) */
};

/* Atomic file writer: records go to PATH.tmp.<pid>.<n> in the same directory,
 * renamed to PATH by vmsg_cap_writer_close. A writer that is killed leaves
 * only that temp file; PATH is never half written. opts may be NULL.
 * Returns NULL with a one-line message "PATH: ..." in err. */
struct vmsg_cap_writer *vmsg_cap_writer_open(const char *path, const struct vmsg_cap_wopts *opts, char *err,
                                             size_t errcap);
/* Streaming writer to an open stream (stdout, a pipe, a live file): records
 * are visible as they are written, with no atomicity: a reader may see the
 * last record cut, a killed writer leaves a file cut mid-record (the reader
 * reports it as "truncated record" after delivering the complete ones). name
 * is used in messages. The stream stays open after close (caller owns it). */
struct vmsg_cap_writer *vmsg_cap_writer_stream(FILE *f, const char *name, const struct vmsg_cap_wopts *opts,
                                               char *err, size_t errcap);
/* Same on a file descriptor (written through a duplicate; fd stays open). */
struct vmsg_cap_writer *vmsg_cap_writer_fd(int fd, const char *name, const struct vmsg_cap_wopts *opts, char *err,
                                           size_t errcap);
/* One message. meta may be NULL (unknown). len <= VMSG_CAP_MAX_MSG. */
bool vmsg_cap_write(struct vmsg_cap_writer *w, const struct vmsg_cap_ts *ts, const struct vmsg_cap_meta *meta,
                    const void *msg, size_t len);
/* A record given as its raw bytes (caplen captured of len original), for
 * tests and sample generators that need unusual records. */
bool vmsg_cap_write_raw(struct vmsg_cap_writer *w, const struct vmsg_cap_ts *ts, const void *rec,
                        uint32_t caplen, uint32_t len);
/* Last error of the writer ("PATH: ..."), "" when none. */
const char *vmsg_cap_writer_error(const struct vmsg_cap_writer *w);
/* Flush and (file writer) fsync and rename into place. Frees w. On failure
 * the temp file is removed and err says why. */
bool vmsg_cap_writer_close(struct vmsg_cap_writer *w, char *err, size_t errcap);
/* Drop a file writer without publishing (temp file removed). Frees w. */
void vmsg_cap_writer_abort(struct vmsg_cap_writer *w);

/* --- reader -------------------------------------------------------------- */
struct vmsg_cap_reader;

#define VMSG_CAP_READ_BARE (1u << 0) /* USER link types carry bare messages */

struct vmsg_cap_rec {
    uint64_t frame;        /* 1-based record number */
    struct vmsg_cap_ts ts;
    uint8_t form;          /* enum vmsg_cap_form */
    bool has_header;       /* false: meta is vmsg_cap_meta_unknown() */
    struct vmsg_cap_meta meta;
    const uint8_t *msg;    /* valid until the next call */
    uint32_t caplen;       /* message bytes captured */
    uint32_t len;          /* message bytes on the wire (caplen < len: cut by the capture) */
};

/* Open PATH ("-" reads stdin). NULL with "PATH: ..." in err (libpcap's
 * message for empty or non-pcap files; "link type N (NAME) is not a vmsg
 * capture" for foreign link types). flags: VMSG_CAP_READ_*. */
struct vmsg_cap_reader *vmsg_cap_reader_open(const char *path, unsigned flags, char *err, size_t errcap);
/* 1: *rec filled; 0: end of file; -1: error (vmsg_cap_reader_error). After
 * an error every further call returns -1. */
int vmsg_cap_next(struct vmsg_cap_reader *r, struct vmsg_cap_rec *rec);
/* "PATH: frame N: what", "" when none. */
const char *vmsg_cap_reader_error(const struct vmsg_cap_reader *r);
int vmsg_cap_reader_linktype(const struct vmsg_cap_reader *r);
const char *vmsg_cap_reader_name(const struct vmsg_cap_reader *r);
void vmsg_cap_reader_close(struct vmsg_cap_reader *r);

#endif
