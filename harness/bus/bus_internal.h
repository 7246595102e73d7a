/* Inside the bus adapters: the common bus object, the per-transport
 * operations, and the fd and time helpers they share. */
#ifndef VMSG_BUS_INTERNAL_H
#define VMSG_BUS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/un.h>

#include <vmsg/bus.h>

/* Capture-header bus kind codes (DESIGN.md section 7). */
enum {
    VMSG__KIND_UNKNOWN = 0,
    VMSG__KIND_LOOPBACK = 1,
    VMSG__KIND_EXEC = 2,
    VMSG__KIND_UNIX = 3,
    VMSG__KIND_TCP = 4,
    VMSG__KIND_SEQPACKET = 5,
    VMSG__KIND_SHM = 6
};

struct vmsg__bus_ops {
    int (*send)(struct vmsg_bus *b, const uint8_t *frame, size_t len);
    /* Returns a status; on OK or MALFORMED, *len is set (flags may get
     * VMSG_BUS_TAP_MALFORMED). */
    int (*recv)(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                unsigned *flags);
    int (*wait_peer)(struct vmsg_bus *b, int64_t deadline);
    int (*pollfds)(struct vmsg_bus *b, int *fds, int max);
    int (*finish)(struct vmsg_bus *b, int grace_ms);
    void (*destroy)(struct vmsg_bus *b);
    /* Listening transports with many_peers: drop the current peer, accept the
     * next at the next send/recv. NULL: not supported. */
    int (*next_peer)(struct vmsg_bus *b);
};

/* Parsed URI: scheme, the rest (path / host:port / argv text), query. */
struct vmsg__uri {
    char scheme[24];
    char *rest;      /* malloc'd, query removed (except exec:) */
    char *query;     /* malloc'd or NULL */
};

struct vmsg_bus {
    const struct vmsg__bus_ops *ops;
    void *impl;
    char *uri;
    unsigned profile;
    enum vmsg_bus_side side;
    uint8_t kind;
    struct vmsg_bus_params params;
    uint16_t instance;
    vmsg_bus_tap_fn tap;
    void *tap_ctx;
    int send_timeout_ms;
    int connect_timeout_ms;
    bool many_peers;      /* listening sockets stay open after the first accept */
    const struct vmsg_builtin *builtins;
    uint16_t header;      /* header bytes of the profile */
    uint16_t fixed_size;  /* v0: every frame this size */
    char local_addr[128];
    char err[320];
};

/* err = "URI: text" */
void vmsg__bus_fail(struct vmsg_bus *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same with ": strerror(errno)" appended. */
void vmsg__bus_fail_errno(struct vmsg_bus *b, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- time ------------------------------------------------------------- */
int64_t vmsg__bus_now_ms(void);            /* CLOCK_MONOTONIC */
uint64_t vmsg__bus_wall_ns(void);          /* CLOCK_REALTIME */
/* Absolute deadline from a timeout (-1 = forever -> INT64_MAX). */
int64_t vmsg__bus_deadline(int timeout_ms);
/* Milliseconds left until deadline for poll(): -1 when forever, >= 0. */
int vmsg__bus_left_ms(int64_t deadline);

/* --- fds -------------------------------------------------------------- */
int vmsg__bus_set_nonblock(int fd);
/* poll one fd for events until deadline (EINTR restarted): 1 ready, 0 timeout, -1 error */
int vmsg__bus_wait_fd(int fd, short events, int64_t deadline, short *revents);
/* Write all of buf to a socket (MSG_NOSIGNAL) or, when is_socket is false, a
 * pipe/file; waits with poll on EAGAIN until deadline. Returns OK, TIMEOUT,
 * CLOSED (EPIPE/ECONNRESET) or ERROR (errno in *errnum). */
int vmsg__bus_write_all(int fd, bool is_socket, const uint8_t *buf, size_t len, int64_t deadline,
                    int *errnum);

/* --- URIs ------------------------------------------------------------- */
/* Split "scheme:rest?query". exec: keeps its '?' characters. */
bool vmsg__uri_parse(const char *uri, struct vmsg__uri *u, char *err, size_t errcap);
void vmsg__uri_free(struct vmsg__uri *u);
/* Value of KEY in a "k=v&k2=v2" query copied into out; false when absent. */
bool vmsg__bus_query_get(const char *query, const char *key, char *out, size_t cap);
/* Reject keys not in the NULL-terminated list; false with the key in err. */
bool vmsg__bus_query_check(const char *query, const char *const *allowed, char *bad, size_t cap);
/* Split exec: text into argv (whitespace, '...' and "..." quoting, backslash
 * escapes outside single quotes). Returns a malloc'd NULL-terminated vector
 * whose strings live in one block (free argv only), or NULL with err. */
char **vmsg__bus_split_args(const char *text, char *err, size_t errcap);
/* "host:port", "[v6]:port" or ":port" / "port" (host empty). */
bool vmsg__bus_split_hostport(const char *text, char *host, size_t hcap, char *port, size_t pcap);

/* --- stream framing over an fd (exec, unix, tcp) ---------------------- */
struct vmsg__stream {
    int rfd, wfd;
    bool wsock;           /* wfd is a socket: send() with MSG_NOSIGNAL */
    uint8_t *buf;         /* cap = max frame + read-ahead */
    size_t cap, start, end;
    bool eof;
    int broken;           /* sticky status after OVERSIZE / MALFORMED / mid-frame EOF */
    int extra_fd;         /* also drained while waiting (exec stderr), or -1 */
    void (*drain_extra)(struct vmsg_bus *b);
};
bool vmsg__stream_init(struct vmsg__stream *s, size_t max_frame);
void vmsg__stream_free(struct vmsg__stream *s);
int vmsg__stream_send(struct vmsg_bus *b, struct vmsg__stream *s, const uint8_t *f, size_t len);
int vmsg__stream_recv(struct vmsg_bus *b, struct vmsg__stream *s, uint8_t *buf, size_t cap,
                      size_t *len, int64_t deadline);

/* Remove a socket file nobody listens on; refuse anything else (sock.c). */
int vmsg__unix_clear_stale(struct vmsg_bus *b, const struct sockaddr_un *sa, int type);

/* --- constructors: fill b->ops/b->impl, or return a status with b->err -- */
int vmsg__bus_open_builtin(struct vmsg_bus *b, const struct vmsg__uri *u);
int vmsg__bus_open_exec(struct vmsg_bus *b, const struct vmsg__uri *u);
int vmsg__bus_open_unix(struct vmsg_bus *b, const struct vmsg__uri *u, bool listen, int type);
int vmsg__bus_open_tcp(struct vmsg_bus *b, const struct vmsg__uri *u, bool listen);
int vmsg__bus_open_shm(struct vmsg_bus *b, const struct vmsg__uri *u);
int vmsg__bus_open_pcap(struct vmsg_bus *b, const struct vmsg__uri *u);
int vmsg__bus_open_stdio(struct vmsg_bus *b, const struct vmsg__uri *u);

#endif
