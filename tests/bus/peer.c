/* Test peers: see peer.h. */
#include "peer.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vmsg/wire.h>

void test_frame(uint8_t *buf, size_t len, uint16_t token)
{
    memset(buf, 0, len);
    buf[0] = 0x00;
    buf[1] = 0x05;
    buf[2] = 1;
    buf[4] = (uint8_t)token;
    buf[5] = (uint8_t)(token >> 8);
    buf[6] = (uint8_t)len;
    buf[7] = (uint8_t)(len >> 8);
    for (size_t i = 8; i < len; i++)
        buf[i] = (uint8_t)(i * 7 + token);
}

/* --- echo endpoint ------------------------------------------------------ */

static void echo_receive(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    uint8_t out[65536];
    if (len > sizeof out || len == 0)
        return;
    memcpy(out, f, len);
    out[0] |= 1; /* response */
    emit(ctx, out, len);
}

static const struct vmsg_endpoint_ops k_echo_ops = {"echo", echo_receive, NULL, NULL};

struct vmsg_endpoint test_echo_endpoint(void)
{
    struct vmsg_endpoint ep = {&k_echo_ops, NULL};
    return ep;
}

static int echo_create(const char *query, const struct vmsg_bus_params *params,
                       struct vmsg_endpoint *out, char *err, size_t errcap)
{
    *out = test_echo_endpoint();
    return 0;
}

struct ticker {
    int left;
};

static int ticker_poll(void *self, uint64_t now_ms, vmsg_emit_fn emit, void *ctx)
{
    struct ticker *t = self;
    if (t->left == 0)
        return -1;
    uint8_t f[16];
    test_frame(f, sizeof f, (uint16_t)t->left--);
    emit(ctx, f, sizeof f);
    return 1;
}

static void ticker_destroy(void *self) { free(self); }

static const struct vmsg_endpoint_ops k_ticker_ops = {"ticker", echo_receive, ticker_poll,
                                                      ticker_destroy};

static int ticker_create(const char *query, const struct vmsg_bus_params *params,
                         struct vmsg_endpoint *out, char *err, size_t errcap)
{
    if (query && strstr(query, "fail")) {
        snprintf(err, errcap, "ticker: refused query '%s'", query);
        return -1;
    }
    struct ticker *t = malloc(sizeof *t);
    if (!t)
        return -1;
    t->left = 3;
    out->ops = &k_ticker_ops;
    out->self = t;
    return 0;
}

const struct vmsg_builtin test_builtins[] = {
    {"echo", echo_create},
    {"ticker", ticker_create},
    {NULL, NULL},
};

/* --- raw peers ---------------------------------------------------------- */

static int read_exact(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static void write_exact(int fd, const uint8_t *p, size_t n, bool dribble)
{
    size_t off = 0;
    while (off < n) {
        size_t chunk = dribble ? 1 : n - off;
        ssize_t w = write(fd, p + off, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(9);
        off += (size_t)w;
        if (dribble) {
            struct timespec ts = {0, 30 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

/* One v1 frame from fd into buf (cap 65536); 0 at EOF. */
static size_t read_frame(int fd, uint8_t *buf)
{
    if (read_exact(fd, buf, 8) != 1)
        return 0;
    size_t fl = vmsg_frame_len(VMSG_PROFILE_V1, buf, 8);
    if (fl < 8)
        _exit(8);
    if (read_exact(fd, buf + 8, fl - 8) != 1)
        return 0;
    return fl;
}

int test_peer_stream(int in, int out, const char *mode)
{
    static uint8_t buf[65536];
    if (strcmp(mode, "exit") == 0)
        return 3;
    if (strcmp(mode, "stderr") == 0) {
        for (int i = 0; i < 2000; i++)
            fprintf(stderr, "peer: filler line %d\n", i);
        fprintf(stderr, "peer: last line\n");
        fflush(stderr);
        mode = "echo";
    }
    bool stubborn = strcmp(mode, "stubborn") == 0;
    if (stubborn) /* answers, but ignores SIGTERM and outlives its stdin */
        signal(SIGTERM, SIG_IGN);
    for (;;) {
        size_t n = read_frame(in, buf);
        while (n == 0 && stubborn)
            pause();
        if (n == 0)
            return 0;
        if (strcmp(mode, "silent") == 0)
            continue;
        buf[0] |= 1;
        if (strcmp(mode, "crash") == 0) {
            write_exact(out, buf, n / 2, false);
            raise(SIGKILL);
        }
        if (strcmp(mode, "oversize") == 0) {
            buf[6] = 0x60, buf[7] = 0xea; /* 60000 */
            write_exact(out, buf, 8, false);
            continue;
        }
        if (strcmp(mode, "malformed") == 0) {
            buf[6] = 3, buf[7] = 0;
            write_exact(out, buf, 8, false);
            continue;
        }
        write_exact(out, buf, n, strcmp(mode, "dribble") == 0);
    }
}

int test_peer_dgram(int fd, const char *mode)
{
    static uint8_t buf[65536];
    if (strcmp(mode, "exit") == 0)
        return 3;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (strcmp(mode, "silent") == 0)
            continue;
        buf[0] |= 1;
        size_t len = (size_t)n;
        if (strcmp(mode, "malformed") == 0 && buf[4] == 0x66) {
            buf[6] = (uint8_t)(len + 4); /* msg_size says 4 more bytes than sent */
        } else if (strcmp(mode, "short") == 0 && buf[4] == 0x66) {
            len = 3;
        } else if (strcmp(mode, "oversize") == 0 && buf[4] == 0x66) {
            memset(buf + len, 0, 1000);
            len = 1000;
            buf[6] = (uint8_t)(1000 & 0xff), buf[7] = (uint8_t)(1000 >> 8);
        }
        if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
            return 9;
    }
}
