/* Bus adapters: move whole virtio-msg frames between the harness and an
 * implementation under test, over the transports named by a URI
 * (DESIGN.md section 6):
 *
 *   builtin:NAME[?query]      in-process endpoint made by a caller-supplied factory
 *   exec:PROGRAM ARGS...      child process, frames on its stdin/stdout (no shell)
 *   unix:PATH  unix-listen:PATH           AF_UNIX stream, connect / accept one peer
 *   tcp:HOST:PORT  tcp-listen:[HOST:]PORT  TCP (listen binds 127.0.0.1 by default)
 *   seqpacket:PATH  seqpacket-listen:PATH AF_UNIX SOCK_SEQPACKET, one frame per datagram
 *   shm:DIR/NAME              SPSC queue files + notification socket (wire-formats 8.2)
 *   stdio:                    this process's stdin/stdout, stream framing (the child end of exec:)
 *
 * Every URI except exec: takes a query: `?max=N` (largest message, default
 * 264), `&side=driver|device`, and for shm `&create=0|1`.
 *
 * Streams carry frames back to back; the length of each comes from the
 * header's msg_size (v0: fixed 40 bytes). A msg_size above the maximum is
 * OVERSIZE, below the header MALFORMED; after either the stream has lost its
 * framing and every later recv returns ERROR. Datagram and queue transports
 * deliver one frame per unit and stay usable after a bad unit.
 *
 * Every frame sent or received through an adapter is passed to the optional
 * tap (the passive checker and the capture writer hang off it). Nothing here
 * blocks past the timeout it was given. */
#ifndef VMSG_BUS_H
#define VMSG_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmsg/endpoint.h>

struct vmsg_bus;

enum vmsg_bus_status {
    VMSG_BUS_OK = 0,
    VMSG_BUS_TIMEOUT = 1,   /* nothing arrived (or could be sent) in time */
    VMSG_BUS_CLOSED = 2,    /* the peer closed at a frame boundary */
    VMSG_BUS_ERROR = 3,     /* transport fault: unreachable, reset, closed mid-frame */
    VMSG_BUS_OVERSIZE = 4,  /* a frame longer than the maximum (or the slot, or buf) */
    VMSG_BUS_MALFORMED = 5, /* msg_size below the header, or datagram length != msg_size */
    VMSG_BUS_USAGE = 6      /* bad URI or option: the CLI maps this to exit 2 */
};
const char *vmsg_bus_status_name(int status);

/* The role this side of the bus plays; decides tap directions and which shm
 * queue it produces into. */
enum vmsg_bus_side {
    VMSG_BUS_SIDE_DRIVER = 0,
    VMSG_BUS_SIDE_DEVICE = 1,
    VMSG_BUS_SIDE_UNKNOWN = 2
};

#define VMSG_BUS_DEFAULT_MAX 264u
#define VMSG_BUS_TAP_SENT 0x1u      /* this side sent the frame (else received it) */
#define VMSG_BUS_TAP_MALFORMED 0x2u /* a datagram/slot whose length is not its msg_size */

/* One frame seen by an adapter. */
struct vmsg_bus_tap_rec {
    const char *uri;
    const uint8_t *frame;
    size_t len;
    uint64_t ts_ns;      /* CLOCK_REALTIME, nanoseconds */
    unsigned flags;      /* VMSG_BUS_TAP_* */
    uint8_t direction;   /* capture code: 0 driver-to-device, 1 device-to-driver, 2 unknown */
    uint8_t profile;     /* enum vmsg_profile */
    uint8_t bus_kind;    /* capture-header bus kind code (DESIGN.md section 7) */
    uint16_t instance;   /* opts.instance */
};
typedef void (*vmsg_bus_tap_fn)(void *ctx, const struct vmsg_bus_tap_rec *rec);

/* The builtin: registry, supplied by the caller (the library knows no
 * endpoints). create() builds endpoint NAME with the URI query (NULL when
 * none) and the bus parameters; returns 0, or -1 with a reason in err. */
struct vmsg_builtin {
    const char *name;
    int (*create)(const char *query, const struct vmsg_bus_params *params,
                  struct vmsg_endpoint *out, char *err, size_t errcap);
};

struct vmsg_bus_opts {
    unsigned profile;               /* enum vmsg_profile: framing (default v1) */
    enum vmsg_bus_side side;        /* default driver; URI `side=` overrides */
    struct vmsg_bus_params params;  /* revision 1, max 264, features 0 by default */
    uint16_t instance;              /* bus instance id for the tap */
    vmsg_bus_tap_fn tap;
    void *tap_ctx;
    const struct vmsg_builtin *builtins; /* table ended by a NULL name */
    int send_timeout_ms;            /* bound on a blocked send (default 5000) */
    int connect_timeout_ms;         /* tcp connect (default 5000) */
    /* Listening sockets (unix-, tcp-, seqpacket-listen) keep listening after
     * the first peer: vmsg_bus_next_peer() then serves one peer after another
     * (a server such as `vmsg refdev --listen`). Off: exactly one peer. */
    bool many_peers;
};
void vmsg_bus_opts_init(struct vmsg_bus_opts *o);

/* Open URI. Returns VMSG_BUS_OK and *out, or a status with one line in err
 * naming the URI ("unix:/x: connect: No such file or directory"). Listening
 * URIs bind at open and accept their one peer at the first send/recv (or
 * vmsg_bus_wait_peer). */
int vmsg_bus_open(const char *uri, const struct vmsg_bus_opts *opts, struct vmsg_bus **out,
                  char *err, size_t errcap);

/* Send one frame (len <= the maximum). */
int vmsg_bus_send(struct vmsg_bus *b, const uint8_t *frame, size_t len);
/* Receive one frame into buf (cap should be at least the maximum).
 * timeout_ms: 0 = do not wait, -1 = wait forever. On MALFORMED from a datagram
 * transport, buf/len hold the datagram (up to cap). */
int vmsg_bus_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int timeout_ms);
/* Listening URIs: accept the peer now. */
int vmsg_bus_wait_peer(struct vmsg_bus *b, int timeout_ms);
/* Listening URIs opened with many_peers: close the current connection; the
 * next send/recv (or wait_peer) accepts the next peer, who may already be
 * waiting in the backlog. VMSG_BUS_USAGE for every other bus (reopen it). */
int vmsg_bus_next_peer(struct vmsg_bus *b);

/* Last error or condition, one line naming the URI. */
const char *vmsg_bus_error(const struct vmsg_bus *b);
const char *vmsg_bus_uri(const struct vmsg_bus *b);
/* The parameters in force: max_msg_size is capped by the transport (shm: 64). */
const struct vmsg_bus_params *vmsg_bus_params(const struct vmsg_bus *b);
unsigned vmsg_bus_profile(const struct vmsg_bus *b);
/* Bound address of a listening socket ("127.0.0.1:40123", a path); "" otherwise. */
const char *vmsg_bus_local_addr(const struct vmsg_bus *b);

/* exec: the last bytes the child wrote to stderr (bounded ring, oldest bytes
 * dropped first, "[...]" marks the cut), NUL-terminated; "" for other URIs. */
size_t vmsg_bus_stderr(struct vmsg_bus *b, char *out, size_t cap);
/* exec: stop the child (close its stdin, wait grace_ms, SIGTERM, then SIGKILL),
 * reap it and collect the rest of stderr. Returns the wait status, or -1.
 * Other URIs: shuts the connection down and returns 0. */
int vmsg_bus_finish(struct vmsg_bus *b, int grace_ms);
void vmsg_bus_close(struct vmsg_bus *b);

/* Fds to poll for readability (for loops over several buses); returns how
 * many were written (0 for builtin: its frames are always ready to try). */
int vmsg_bus_pollfds(struct vmsg_bus *b, int *fds, int max);

/* --- serve and relay ------------------------------------------------------ */

struct vmsg_serve_opts {
    const volatile int *stop;   /* stop when *stop != 0 (may be set by a signal handler) */
    int timeout_ms;             /* total bound, -1 none */
    int idle_ms;                /* stop after this long without a frame, -1 none */
    int tick_ms;                /* endpoint poll() period (default 10) */
};

/* Run EP on B: frames from B go to ep->receive, frames it emits go to B, its
 * poll() is called between. Returns VMSG_BUS_CLOSED when the peer closed,
 * VMSG_BUS_OK when stopped (flag, endpoint finished), VMSG_BUS_TIMEOUT
 * (timeout or idle), or the failing status (vmsg_bus_error tells). */
int vmsg_bus_serve(struct vmsg_bus *b, struct vmsg_endpoint *ep, const struct vmsg_serve_opts *o);

struct vmsg_relay_opts {
    const volatile int *stop;
    int timeout_ms;             /* total bound, -1 none */
    int idle_ms;
    /* Called once per forwarded frame, described as received by the bus it came
     * from (uri, direction from that bus's side). Set this (and no bus tap) to
     * see every relayed frame exactly once. */
    vmsg_bus_tap_fn tap;
    void *tap_ctx;
};

/* Move frames both ways between A and B until one side closes, a stop, a
 * timeout or an error. *which (if not NULL) is set to the side that ended it
 * (0 = A, 1 = B). Returns a status as vmsg_bus_serve. */
int vmsg_bus_relay(struct vmsg_bus *a, struct vmsg_bus *b, const struct vmsg_relay_opts *o,
                   int *which);

#endif
