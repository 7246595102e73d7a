/* stdio: this process's own stdin and stdout as a frame stream: the serving
 * end of exec:. `vmsg refdev --listen stdio:` is what a harness starts with
 * `--iut 'exec:vmsg refdev --listen stdio:'`. The fds are made non-blocking
 * while the bus is open and restored when it closes; they are never closed. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus_internal.h"

struct stdio_bus {
    struct vmsg__stream s;
    int rflags, wflags; /* fcntl flags to restore */
};

static int stdio_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct stdio_bus *sb = b->impl;
    return vmsg__stream_send(b, &sb->s, f, len);
}

static int stdio_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                      unsigned *flags)
{
    (void)flags;
    struct stdio_bus *sb = b->impl;
    return vmsg__stream_recv(b, &sb->s, buf, cap, len, deadline);
}

static int stdio_pollfds(struct vmsg_bus *b, int *fds, int max)
{
    struct stdio_bus *sb = b->impl;
    if (max < 1)
        return 0;
    fds[0] = sb->s.rfd;
    return 1;
}

static int stdio_finish(struct vmsg_bus *b, int grace_ms)
{
    (void)b;
    (void)grace_ms;
    return 0;
}

static void stdio_destroy(struct vmsg_bus *b)
{
    struct stdio_bus *sb = b->impl;
    if (!sb)
        return;
    if (sb->rflags >= 0)
        fcntl(sb->s.rfd, F_SETFL, sb->rflags);
    if (sb->wflags >= 0)
        fcntl(sb->s.wfd, F_SETFL, sb->wflags);
    vmsg__stream_free(&sb->s);
    free(sb);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_stdio_ops = {
    stdio_send, stdio_recv, NULL, stdio_pollfds, stdio_finish, stdio_destroy,
};

static bool is_socket(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

int vmsg__bus_open_stdio(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    if (u->rest[0]) {
        vmsg__bus_fail(b, "stdio: takes no address");
        return VMSG_BUS_USAGE;
    }
    struct stdio_bus *sb = calloc(1, sizeof *sb);
    if (!sb || !vmsg__stream_init(&sb->s, b->params.max_msg_size)) {
        free(sb);
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    sb->s.rfd = 0;
    sb->s.wfd = 1;
    sb->s.wsock = is_socket(1); /* exec: hands its children sockets */
    sb->rflags = fcntl(0, F_GETFL);
    sb->wflags = fcntl(1, F_GETFL);
    if (sb->rflags < 0 || sb->wflags < 0) {
        vmsg__bus_fail(b, "stdin or stdout is closed");
        vmsg__stream_free(&sb->s);
        free(sb);
        return VMSG_BUS_ERROR;
    }
    vmsg__bus_set_nonblock(0);
    vmsg__bus_set_nonblock(1);
    b->impl = sb;
    b->ops = &k_stdio_ops;
    return VMSG_BUS_OK;
}
