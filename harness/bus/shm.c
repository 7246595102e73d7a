/* shm:DIR/NAME : the SPSC queue files of QEMU's linux-user bus
 * (wire-formats.md 8.2). DIR/queue-NAME-driver carries driver-to-device
 * frames, DIR/queue-NAME-device the other way; each has the producer index at
 * 0x00, the consumer index at 0x40 and 64-byte slots from 0x80. A frame is one
 * slot, so no message may exceed 64 bytes here. Notification is one byte 0xED
 * on the unix socket DIR/NAME.sock; any byte means "look at the queue".
 *
 * The creating side (default: the device, as QEMU does; `create=0|1`
 * overrides) makes both files of 4096 slots and listens on the socket; the
 * other side connects, then maps the files and takes the capacity from their
 * size. The indices are shared with another process, so they are C11 atomics
 * (acquire loads, release stores); the peer's index is checked against the
 * capacity before use. */
#define _GNU_SOURCE /* accept4, pipe2 (Linux) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vmsg/wire.h>

#include "bus_internal.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "shm: the queue indices are le32; this adapter needs a little-endian host"
#endif
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "shm: cross-process indices need lock-free atomics");

#define SLOT 64u
#define OFF_HEAD 0x00u
#define OFF_TAIL 0x40u
#define OFF_SLOTS 0x80u
#define CREATE_SLOTS 4096u
#define MAX_REGION (64u * 1024 * 1024)
#define NOTIFY_BYTE 0xEDu

struct shm_queue {
    uint8_t *base;
    size_t size;
    uint32_t cap;
    _Atomic uint32_t *head, *tail;
    char path[512];
};

struct shm_bus {
    struct shm_queue tx, rx;
    uint32_t tx_head;   /* our copy of the index we own */
    uint32_t rx_tail;
    int lfd, cfd;
    bool eof;
    bool creator;
    char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    dev_t sdev;
    ino_t sino;
};

static size_t region_size(uint32_t slots) { return 192u + (size_t)SLOT * (slots - 1); }

static int map_queue(struct vmsg_bus *b, struct shm_queue *q, bool create)
{
    int fd = open(q->path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0600);
    if (fd < 0) {
        vmsg__bus_fail_errno(b, errno, "open %s", q->path);
        return VMSG_BUS_ERROR;
    }
    struct stat st;
    if (create && ftruncate(fd, (off_t)region_size(CREATE_SLOTS)) < 0) {
        vmsg__bus_fail_errno(b, errno, "ftruncate %s", q->path);
        close(fd);
        return VMSG_BUS_ERROR;
    }
    if (fstat(fd, &st) < 0) {
        vmsg__bus_fail_errno(b, errno, "stat %s", q->path);
        close(fd);
        return VMSG_BUS_ERROR;
    }
    if (st.st_size < (off_t)region_size(2) || st.st_size > (off_t)MAX_REGION) {
        vmsg__bus_fail(b, "%s: queue file of %lld bytes, expected %zu..%u", q->path,
                       (long long)st.st_size, region_size(2), MAX_REGION);
        close(fd);
        return VMSG_BUS_ERROR;
    }
    q->size = (size_t)st.st_size;
    q->cap = (uint32_t)((q->size - 192u) / SLOT + 1u);
    void *m = mmap(NULL, q->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        vmsg__bus_fail_errno(b, errno, "mmap %s", q->path);
        return VMSG_BUS_ERROR;
    }
    q->base = m;
    q->head = (_Atomic uint32_t *)(void *)(q->base + OFF_HEAD);
    q->tail = (_Atomic uint32_t *)(void *)(q->base + OFF_TAIL);
    return VMSG_BUS_OK;
}

static int shm_wait_peer(struct vmsg_bus *b, int64_t deadline)
{
    struct shm_bus *s = b->impl;
    while (s->cfd < 0) {
        int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            s->cfd = fd;
            close(s->lfd);
            s->lfd = -1;
            break;
        }
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            vmsg__bus_fail_errno(b, errno, "accept");
            return VMSG_BUS_ERROR;
        }
        int w = vmsg__bus_wait_fd(s->lfd, POLLIN, deadline, NULL);
        if (w == 0) {
            vmsg__bus_fail(b, "no peer connected to %s within the timeout", s->sock);
            return VMSG_BUS_TIMEOUT;
        }
        if (w < 0) {
            vmsg__bus_fail_errno(b, errno, "accept: poll");
            return VMSG_BUS_ERROR;
        }
    }
    return VMSG_BUS_OK;
}

static bool index_ok(struct vmsg_bus *b, const struct shm_queue *q, uint32_t v, const char *what)
{
    if (v < q->cap)
        return true;
    vmsg__bus_fail(b, "%s: %s index %u is beyond the capacity %u", q->path, what, v, q->cap);
    return false;
}

static int shm_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct shm_bus *s = b->impl;
    if (len > SLOT) {
        vmsg__bus_fail(b, "send: frame of %zu bytes does not fit a %u-byte queue slot "
                          "(shm messages are limited to %u bytes)", len, SLOT, SLOT);
        return VMSG_BUS_OVERSIZE;
    }
    int64_t deadline = vmsg__bus_deadline(b->send_timeout_ms);
    int rc = shm_wait_peer(b, deadline);
    if (rc != VMSG_BUS_OK)
        return rc;
    struct shm_queue *q = &s->tx;
    uint32_t next = (s->tx_head + 1) % q->cap;
    for (;;) {
        uint32_t t = atomic_load_explicit(q->tail, memory_order_acquire);
        if (!index_ok(b, q, t, "consumer"))
            return VMSG_BUS_ERROR;
        if (next != t)
            break;
        if (vmsg__bus_left_ms(deadline) == 0) {
            vmsg__bus_fail(b, "send: queue %s stayed full for %d ms", q->path, b->send_timeout_ms);
            return VMSG_BUS_TIMEOUT;
        }
        struct timespec ts = {0, 200 * 1000};
        nanosleep(&ts, NULL); /* the consumer does not notify when it frees a slot */
    }
    uint8_t *slot = q->base + OFF_SLOTS + (size_t)s->tx_head * SLOT;
    memcpy(slot, f, len);
    memset(slot + len, 0, SLOT - len);
    atomic_store_explicit(q->head, next, memory_order_release);
    s->tx_head = next;
    uint8_t bell = NOTIFY_BYTE;
    ssize_t n;
    do
        n = send(s->cfd, &bell, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        /* EAGAIN: the peer has unread notifications already, one more adds nothing */
        vmsg__bus_fail_errno(b, errno, "send: notification");
        return errno == EPIPE || errno == ECONNRESET ? VMSG_BUS_CLOSED : VMSG_BUS_ERROR;
    }
    return VMSG_BUS_OK;
}

/* Take the frame in the next slot, if any. TIMEOUT when the queue is empty. */
static int take_slot(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, unsigned *flags)
{
    struct shm_bus *s = b->impl;
    struct shm_queue *q = &s->rx;
    uint32_t h = atomic_load_explicit(q->head, memory_order_acquire);
    if (!index_ok(b, q, h, "producer"))
        return VMSG_BUS_ERROR;
    if (h == s->rx_tail)
        return VMSG_BUS_TIMEOUT;
    uint8_t slot[SLOT];
    memcpy(slot, q->base + OFF_SLOTS + (size_t)s->rx_tail * SLOT, SLOT);
    s->rx_tail = (s->rx_tail + 1) % q->cap;
    atomic_store_explicit(q->tail, s->rx_tail, memory_order_release);
    size_t fl = vmsg_frame_len(b->profile, slot, SLOT);
    if (fl < b->header || fl > SLOT) {
        size_t n = cap < SLOT ? cap : SLOT;
        memcpy(buf, slot, n);
        *len = n;
        *flags |= VMSG_BUS_TAP_MALFORMED;
        vmsg__bus_fail(b, "recv: malformed frame: msg_size %zu in a %u-byte slot (header %u)", fl,
                       SLOT, (unsigned)b->header);
        return VMSG_BUS_MALFORMED;
    }
    if (fl > b->params.max_msg_size || fl > cap) {
        vmsg__bus_fail(b, "recv: frame of %zu bytes exceeds the maximum %u (dropped)", fl,
                       (unsigned)(cap < b->params.max_msg_size ? cap : b->params.max_msg_size));
        return VMSG_BUS_OVERSIZE;
    }
    memcpy(buf, slot, fl);
    *len = fl;
    return VMSG_BUS_OK;
}

static int shm_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                    unsigned *flags)
{
    struct shm_bus *s = b->impl;
    int rc = shm_wait_peer(b, deadline);
    if (rc != VMSG_BUS_OK)
        return rc;
    for (;;) {
        rc = take_slot(b, buf, cap, len, flags);
        if (rc != VMSG_BUS_TIMEOUT)
            return rc;
        if (s->eof) {
            vmsg__bus_fail(b, "recv: peer closed the notification socket");
            return VMSG_BUS_CLOSED;
        }
        short rev = 0;
        int w = vmsg__bus_wait_fd(s->cfd, POLLIN, deadline, &rev);
        if (w == 0) {
            vmsg__bus_fail(b, "recv: no frame within the timeout");
            return VMSG_BUS_TIMEOUT;
        }
        if (w < 0) {
            vmsg__bus_fail_errno(b, errno, "recv: poll");
            return VMSG_BUS_ERROR;
        }
        uint8_t drain[256];
        for (;;) {
            ssize_t n = recv(s->cfd, drain, sizeof drain, MSG_DONTWAIT);
            if (n > 0)
                continue;
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
                s->eof = true; /* the queue is still drained before CLOSED */
            break;
        }
    }
}

static int shm_pollfds(struct vmsg_bus *b, int *fds, int max)
{
    struct shm_bus *s = b->impl;
    if (max < 1)
        return 0;
    fds[0] = s->cfd >= 0 ? s->cfd : s->lfd;
    return fds[0] >= 0 ? 1 : 0;
}

static int shm_finish(struct vmsg_bus *b, int grace_ms)
{
    struct shm_bus *s = b->impl;
    if (s && s->cfd >= 0)
        shutdown(s->cfd, SHUT_WR);
    return 0;
}

static void shm_destroy(struct vmsg_bus *b)
{
    struct shm_bus *s = b->impl;
    if (!s)
        return;
    if (s->tx.base)
        munmap(s->tx.base, s->tx.size);
    if (s->rx.base)
        munmap(s->rx.base, s->rx.size);
    if (s->cfd >= 0)
        close(s->cfd);
    if (s->lfd >= 0) {
        close(s->lfd);
    }
    if (s->creator) {
        struct stat st;
        if (lstat(s->sock, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == s->sdev &&
            st.st_ino == s->sino)
            unlink(s->sock);
    }
    free(s);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_shm_ops = {
    shm_send, shm_recv, shm_wait_peer, shm_pollfds, shm_finish, shm_destroy, NULL,
};

static int notify_socket(struct vmsg_bus *b, struct shm_bus *s)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, s->sock, strlen(s->sock));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vmsg__bus_fail_errno(b, errno, "socket");
        return VMSG_BUS_ERROR;
    }
    if (!s->creator) {
        /* The creator may be between two peers (re-creating the files, not
         * yet listening): missing or refused is retried until the connect
         * timeout, like a TCP connect waiting for its answer. */
        int64_t deadline = vmsg__bus_deadline(b->connect_timeout_ms);
        int r;
        for (;;) {
            do
                r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
            while (r < 0 && errno == EINTR);
            if (r == 0 || (errno != ENOENT && errno != ECONNREFUSED) || vmsg__bus_left_ms(deadline) == 0)
                break;
            int saved = errno;
            close(fd);
            nanosleep(&(struct timespec){0, 5000000}, NULL);
            fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                vmsg__bus_fail_errno(b, errno, "socket");
                return VMSG_BUS_ERROR;
            }
            errno = saved;
        }
        if (r < 0) {
            vmsg__bus_fail_errno(b, errno, "connect %s", s->sock);
            close(fd);
            return VMSG_BUS_ERROR;
        }
        vmsg__bus_set_nonblock(fd);
        s->cfd = fd;
        return VMSG_BUS_OK;
    }
    int rc = vmsg__unix_clear_stale(b, &sa, SOCK_STREAM);
    struct stat st;
    if (rc == VMSG_BUS_OK && (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
                              listen(fd, 1) < 0 || lstat(s->sock, &st) < 0)) {
        vmsg__bus_fail_errno(b, errno, "bind %s", s->sock);
        rc = VMSG_BUS_ERROR;
    }
    if (rc != VMSG_BUS_OK) {
        close(fd);
        return rc;
    }
    s->sdev = st.st_dev;
    s->sino = st.st_ino;
    vmsg__bus_set_nonblock(fd);
    s->lfd = fd;
    return VMSG_BUS_OK;
}

int vmsg__bus_open_shm(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    if (b->side == VMSG_BUS_SIDE_UNKNOWN) {
        vmsg__bus_fail(b, "shm needs side=driver or side=device");
        return VMSG_BUS_USAGE;
    }
    const char *slash = strrchr(u->rest, '/');
    const char *name = slash ? slash + 1 : u->rest;
    int dl = slash ? (int)(slash - u->rest) : 1;
    const char *dir = slash ? u->rest : ".";
    if (slash == u->rest)
        dl = 1; /* "/NAME": the root directory */
    if (!*name) {
        vmsg__bus_fail(b, "expected DIR/NAME");
        return VMSG_BUS_USAGE;
    }
    struct shm_bus *s = calloc(1, sizeof *s);
    if (!s) {
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    s->lfd = s->cfd = -1;
    b->impl = s;
    b->ops = &k_shm_ops;
    char v[8];
    s->creator = b->side == VMSG_BUS_SIDE_DEVICE;
    if (vmsg__bus_query_get(u->query, "create", v, sizeof v)) {
        if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
            vmsg__bus_fail(b, "create: expected 0 or 1, got '%s'", v);
            return VMSG_BUS_USAGE;
        }
        s->creator = v[0] == '1';
    }
    struct shm_queue *drv = b->side == VMSG_BUS_SIDE_DRIVER ? &s->tx : &s->rx;
    struct shm_queue *dev = b->side == VMSG_BUS_SIDE_DRIVER ? &s->rx : &s->tx;
    int n1 = snprintf(drv->path, sizeof drv->path, "%.*s/queue-%s-driver", dl, dir, name);
    int n2 = snprintf(dev->path, sizeof dev->path, "%.*s/queue-%s-device", dl, dir, name);
    int n3 = snprintf(s->sock, sizeof s->sock, "%.*s/%s.sock", dl, dir, name);
    if (n1 >= (int)sizeof drv->path || n2 >= (int)sizeof dev->path || n3 >= (int)sizeof s->sock) {
        vmsg__bus_fail(b, "path too long (the socket path must fit %zu bytes)", sizeof s->sock - 1);
        return VMSG_BUS_USAGE;
    }
    int rc;
    /* the creator makes the files before it listens, so a connected peer finds them */
    if (s->creator) {
        if ((rc = map_queue(b, &s->tx, true)) != VMSG_BUS_OK ||
            (rc = map_queue(b, &s->rx, true)) != VMSG_BUS_OK)
            return rc;
        if ((rc = notify_socket(b, s)) != VMSG_BUS_OK)
            return rc;
        snprintf(b->local_addr, sizeof b->local_addr, "%s", s->sock);
    } else {
        if ((rc = notify_socket(b, s)) != VMSG_BUS_OK)
            return rc;
        if ((rc = map_queue(b, &s->tx, false)) != VMSG_BUS_OK ||
            (rc = map_queue(b, &s->rx, false)) != VMSG_BUS_OK)
            return rc;
    }
    /* start from the indices as found (fresh files: 0) */
    s->tx_head = atomic_load_explicit(s->tx.head, memory_order_acquire);
    s->rx_tail = atomic_load_explicit(s->rx.tail, memory_order_acquire);
    if (!index_ok(b, &s->tx, s->tx_head, "producer") || !index_ok(b, &s->rx, s->rx_tail, "consumer"))
        return VMSG_BUS_ERROR;
    if (b->params.max_msg_size > SLOT)
        b->params.max_msg_size = SLOT; /* a frame is one slot */
    return VMSG_BUS_OK;
}
