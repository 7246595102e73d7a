/* Socket adapters: unix:/unix-listen: and tcp:/tcp-listen: (stream framing),
 * seqpacket:/seqpacket-listen: (one frame per datagram, as the Linux
 * /dev/virtio-msg-N character device delivers them). Listening URIs bind at
 * open and accept exactly one peer at the first send/recv. */
#define _GNU_SOURCE /* accept4, pipe2 (Linux) */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <vmsg/wire.h>

#include "bus_internal.h"

struct sock_bus {
    struct vmsg__stream s;  /* s.rfd == s.wfd == the connection, or -1 */
    int lfd;                /* listening socket, or -1 */
    int type;               /* SOCK_STREAM or SOCK_SEQPACKET */
    bool tcp;
    bool unlink_path;       /* we created the socket file */
    dev_t dev;
    ino_t ino;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void set_conn(struct sock_bus *sb, int fd)
{
    sb->s.rfd = sb->s.wfd = fd;
    sb->s.wsock = true;
    vmsg__bus_set_nonblock(fd);
    if (sb->tcp) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

static int sock_wait_peer(struct vmsg_bus *b, int64_t deadline)
{
    struct sock_bus *sb = b->impl;
    if (sb->s.rfd >= 0)
        return VMSG_BUS_OK;
    if (sb->lfd < 0) {
        vmsg__bus_fail(b, "not connected");
        return VMSG_BUS_ERROR;
    }
    for (;;) {
        int fd = accept4(sb->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            set_conn(sb, fd);
            if (!b->many_peers) {
                close(sb->lfd); /* one peer only */
                sb->lfd = -1;
            }
            return VMSG_BUS_OK;
        }
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            vmsg__bus_fail_errno(b, errno, "accept");
            return VMSG_BUS_ERROR;
        }
        int w = vmsg__bus_wait_fd(sb->lfd, POLLIN, deadline, NULL);
        if (w == 0) {
            vmsg__bus_fail(b, "no peer connected within the timeout");
            return VMSG_BUS_TIMEOUT;
        }
        if (w < 0) {
            vmsg__bus_fail_errno(b, errno, "accept: poll");
            return VMSG_BUS_ERROR;
        }
    }
}

static int sock_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct sock_bus *sb = b->impl;
    int rc = sock_wait_peer(b, vmsg__bus_deadline(b->send_timeout_ms));
    if (rc != VMSG_BUS_OK)
        return rc;
    return vmsg__stream_send(b, &sb->s, f, len);
}

static int stream_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                       unsigned *flags)
{
    struct sock_bus *sb = b->impl;
    int rc = sock_wait_peer(b, deadline);
    if (rc != VMSG_BUS_OK)
        return rc;
    return vmsg__stream_recv(b, &sb->s, buf, cap, len, deadline);
}

/* One datagram = one frame. The datagram is read into the stream buffer (sized
 * from the maximum); MSG_TRUNC reports its real length when it was longer. */
static int dgram_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                      unsigned *flags)
{
    struct sock_bus *sb = b->impl;
    int rc = sock_wait_peer(b, deadline);
    if (rc != VMSG_BUS_OK)
        return rc;
    if (sb->s.eof) {
        vmsg__bus_fail(b, "recv: peer closed the connection");
        return VMSG_BUS_CLOSED;
    }
    for (;;) {
        ssize_t n = recv(sb->s.rfd, sb->s.buf, sb->s.cap, MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = vmsg__bus_wait_fd(sb->s.rfd, POLLIN, deadline, NULL);
            if (w == 0) {
                vmsg__bus_fail(b, "recv: no frame within the timeout");
                return VMSG_BUS_TIMEOUT;
            }
            if (w < 0) {
                vmsg__bus_fail_errno(b, errno, "recv: poll");
                return VMSG_BUS_ERROR;
            }
            continue;
        }
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            sb->s.eof = true;
            vmsg__bus_fail(b, "recv: peer closed the connection");
            return VMSG_BUS_CLOSED;
        }
        if (n < 0) {
            vmsg__bus_fail_errno(b, errno, "recv");
            return VMSG_BUS_ERROR;
        }
        size_t dl = (size_t)n;
        if (dl > b->params.max_msg_size || dl > sb->s.cap) {
            vmsg__bus_fail(b, "recv: datagram of %zu bytes exceeds the maximum message size %u "
                              "(dropped)", dl, (unsigned)b->params.max_msg_size);
            return VMSG_BUS_OVERSIZE;
        }
        if (dl > cap) {
            vmsg__bus_fail(b, "recv: datagram of %zu bytes does not fit the %zu-byte buffer", dl, cap);
            return VMSG_BUS_OVERSIZE;
        }
        memcpy(buf, sb->s.buf, dl);
        *len = dl;
        size_t fl = dl >= b->header ? vmsg_frame_len(b->profile, buf, dl) : 0;
        if (dl < b->header || fl != dl) {
            *flags |= VMSG_BUS_TAP_MALFORMED;
            if (dl < b->header)
                vmsg__bus_fail(b, "recv: malformed frame: datagram of %zu bytes is shorter than "
                                  "the %u-byte header", dl, (unsigned)b->header);
            else
                vmsg__bus_fail(b, "recv: malformed frame: datagram of %zu bytes, msg_size says %zu",
                               dl, fl);
            return VMSG_BUS_MALFORMED;
        }
        return VMSG_BUS_OK;
    }
}

static int sock_pollfds(struct vmsg_bus *b, int *fds, int max)
{
    struct sock_bus *sb = b->impl;
    if (max < 1)
        return 0;
    fds[0] = sb->s.rfd >= 0 ? sb->s.rfd : sb->lfd;
    return fds[0] >= 0 ? 1 : 0;
}

static int sock_finish(struct vmsg_bus *b, int grace_ms)
{
    struct sock_bus *sb = b->impl;
    if (sb && sb->s.wfd >= 0)
        shutdown(sb->s.wfd, SHUT_WR);
    return 0;
}

static void sock_destroy(struct vmsg_bus *b)
{
    struct sock_bus *sb = b->impl;
    if (!sb)
        return;
    if (sb->s.rfd >= 0)
        close(sb->s.rfd);
    if (sb->lfd >= 0)
        close(sb->lfd);
    if (sb->unlink_path) {
        /* remove our socket file, not one somebody put there since */
        struct stat st;
        if (lstat(sb->path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == sb->dev &&
            st.st_ino == sb->ino)
            unlink(sb->path);
    }
    vmsg__stream_free(&sb->s);
    free(sb);
    b->impl = NULL;
}

/* many_peers: forget the current connection (and any bytes of it still
 * buffered); the listening socket accepts the next peer. */
static int sock_next_peer(struct vmsg_bus *b)
{
    struct sock_bus *sb = b->impl;
    if (sb->lfd < 0) {
        vmsg__bus_fail(b, "next peer: not listening");
        return VMSG_BUS_USAGE;
    }
    if (sb->s.rfd >= 0)
        close(sb->s.rfd);
    sb->s.rfd = sb->s.wfd = -1;
    sb->s.start = sb->s.end = 0;
    sb->s.eof = false;
    sb->s.broken = 0;
    return VMSG_BUS_OK;
}

static const struct vmsg__bus_ops k_stream_ops = {
    sock_send, stream_recv, sock_wait_peer, sock_pollfds, sock_finish, sock_destroy, sock_next_peer,
};

static int dgram_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct sock_bus *sb = b->impl;
    int rc = sock_wait_peer(b, vmsg__bus_deadline(b->send_timeout_ms));
    if (rc != VMSG_BUS_OK)
        return rc;
    return vmsg__stream_send(b, &sb->s, f, len); /* one send() = one datagram */
}

static const struct vmsg__bus_ops k_dgram_ops = {
    dgram_send, dgram_recv, sock_wait_peer, sock_pollfds, sock_finish, sock_destroy, sock_next_peer,
};

static struct sock_bus *sock_new(struct vmsg_bus *b, int type, bool tcp)
{
    struct sock_bus *sb = calloc(1, sizeof *sb);
    if (!sb || !vmsg__stream_init(&sb->s, b->params.max_msg_size)) {
        free(sb);
        vmsg__bus_fail(b, "out of memory");
        return NULL;
    }
    sb->lfd = -1;
    sb->type = type;
    sb->tcp = tcp;
    b->impl = sb;
    b->ops = type == SOCK_SEQPACKET ? &k_dgram_ops : &k_stream_ops;
    return sb;
}

/* A socket file at path: remove it only when it is a socket nobody listens on. */
int vmsg__unix_clear_stale(struct vmsg_bus *b, const struct sockaddr_un *sa, int type)
{
    struct stat st;
    if (lstat(sa->sun_path, &st) < 0)
        return errno == ENOENT ? VMSG_BUS_OK : (vmsg__bus_fail_errno(b, errno, "stat"), VMSG_BUS_ERROR);
    if (!S_ISSOCK(st.st_mode)) {
        vmsg__bus_fail(b, "bind: %s exists and is not a socket (not removed)", sa->sun_path);
        return VMSG_BUS_ERROR;
    }
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vmsg__bus_fail_errno(b, errno, "socket");
        return VMSG_BUS_ERROR;
    }
    int r = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
    int e = errno;
    close(fd);
    if (r == 0) {
        vmsg__bus_fail(b, "bind: %s is in use by a listening process", sa->sun_path);
        return VMSG_BUS_ERROR;
    }
    if (e != ECONNREFUSED) {
        vmsg__bus_fail_errno(b, e, "bind: cannot tell whether %s is stale", sa->sun_path);
        return VMSG_BUS_ERROR;
    }
    unlink(sa->sun_path);
    return VMSG_BUS_OK;
}

int vmsg__bus_open_unix(struct vmsg_bus *b, const struct vmsg__uri *u, bool listen_, int type)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(u->rest) >= sizeof sa.sun_path) {
        vmsg__bus_fail(b, "socket path longer than %zu bytes", sizeof sa.sun_path - 1);
        return VMSG_BUS_USAGE;
    }
    memcpy(sa.sun_path, u->rest, strlen(u->rest));
    struct sock_bus *sb = sock_new(b, type, false);
    if (!sb)
        return VMSG_BUS_ERROR;
    snprintf(sb->path, sizeof sb->path, "%s", u->rest);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vmsg__bus_fail_errno(b, errno, "socket");
        return VMSG_BUS_ERROR;
    }
    if (!listen_) {
        int r;
        do
            r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            vmsg__bus_fail_errno(b, errno, "connect");
            close(fd);
            return VMSG_BUS_ERROR;
        }
        set_conn(sb, fd);
        return VMSG_BUS_OK;
    }
    int rc = vmsg__unix_clear_stale(b, &sa, type);
    if (rc != VMSG_BUS_OK) {
        close(fd);
        return rc;
    }
    struct stat st;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0 ||
        lstat(sa.sun_path, &st) < 0) {
        vmsg__bus_fail_errno(b, errno, "bind");
        close(fd);
        return VMSG_BUS_ERROR;
    }
    sb->unlink_path = true;
    sb->dev = st.st_dev;
    sb->ino = st.st_ino;
    vmsg__bus_set_nonblock(fd);
    sb->lfd = fd;
    snprintf(b->local_addr, sizeof b->local_addr, "%s", sa.sun_path);
    return VMSG_BUS_OK;
}

static int tcp_connect(struct vmsg_bus *b, struct sock_bus *sb, const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        vmsg__bus_fail(b, "resolve %s: %s", host, gai_strerror(g));
        return VMSG_BUS_ERROR;
    }
    int last = ECONNREFUSED;
    int64_t deadline = vmsg__bus_deadline(b->connect_timeout_ms);
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r < 0 && errno == EINPROGRESS) {
            if (vmsg__bus_wait_fd(fd, POLLOUT, deadline, NULL) == 1) {
                int soerr = 0;
                socklen_t sl = sizeof soerr;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
                r = soerr ? -1 : 0;
                errno = soerr;
            } else {
                errno = ETIMEDOUT;
            }
        }
        if (r == 0) {
            freeaddrinfo(res);
            set_conn(sb, fd);
            return VMSG_BUS_OK;
        }
        last = errno;
        close(fd);
    }
    freeaddrinfo(res);
    vmsg__bus_fail_errno(b, last, "connect");
    return VMSG_BUS_ERROR;
}

static int tcp_listen(struct vmsg_bus *b, struct sock_bus *sb, const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    /* no host: loopback only, never the wildcard address */
    int g = getaddrinfo(host[0] ? host : "127.0.0.1", port, &hints, &res);
    if (g != 0) {
        vmsg__bus_fail(b, "resolve %s: %s", host, gai_strerror(g));
        return VMSG_BUS_ERROR;
    }
    int last = EADDRNOTAVAIL;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
            struct sockaddr_storage ss = {0}; /* zeroed: clang-analyzer does not see getsockname fill it */
            socklen_t sl = sizeof ss;
            char h[NI_MAXHOST], p[NI_MAXSERV];
            if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
                getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
                            NI_NUMERICHOST | NI_NUMERICSERV) == 0)
                snprintf(b->local_addr, sizeof b->local_addr,
                         ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
            sb->lfd = fd;
            freeaddrinfo(res);
            return VMSG_BUS_OK;
        }
        last = errno;
        close(fd);
    }
    freeaddrinfo(res);
    vmsg__bus_fail_errno(b, last, "bind");
    return VMSG_BUS_ERROR;
}

int vmsg__bus_open_tcp(struct vmsg_bus *b, const struct vmsg__uri *u, bool listen_)
{
    char host[256], port[16];
    if (!vmsg__bus_split_hostport(u->rest, host, sizeof host, port, sizeof port) ||
        (!listen_ && !host[0])) {
        vmsg__bus_fail(b, "expected %s", listen_ ? "[HOST:]PORT" : "HOST:PORT");
        return VMSG_BUS_USAGE;
    }
    struct sock_bus *sb = sock_new(b, SOCK_STREAM, true);
    if (!sb)
        return VMSG_BUS_ERROR;
    return listen_ ? tcp_listen(b, sb, host, port) : tcp_connect(b, sb, host, port);
}
