/* stdio: : frames on this process's stdin (received) and stdout (sent), with
 * stream framing. This is the other end of exec: -- what a standalone
 * implementation (vmsg refdev --stdio) uses when a harness spawned it.
 * stdout carries frames only: diagnostics go to stderr. The fds are not
 * closed on destroy (they belong to the process); finish() shuts the write
 * side down when it is a socket, so the peer sees the end of the stream. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus_internal.h"

struct stdio_bus {
    struct vmsg__stream s;
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
    (void)grace_ms;
    struct stdio_bus *sb = b->impl;
    if (sb && sb->s.wsock)
        shutdown(sb->s.wfd, SHUT_WR);
    return 0;
}

static void stdio_destroy(struct vmsg_bus *b)
{
    struct stdio_bus *sb = b->impl;
    if (!sb)
        return;
    vmsg__stream_free(&sb->s);
    free(sb);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_stdio_ops = {
    stdio_send, stdio_recv, NULL, stdio_pollfds, stdio_finish, stdio_destroy, NULL,
};

int vmsg__bus_open_stdio(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    if (u->rest && u->rest[0]) {
        vmsg__bus_fail(b, "expected nothing after 'stdio:', got '%s'", u->rest);
        return VMSG_BUS_USAGE;
    }
    struct stdio_bus *sb = calloc(1, sizeof *sb);
    if (!sb || !vmsg__stream_init(&sb->s, b->params.max_msg_size)) {
        free(sb);
        vmsg__bus_fail(b, "out of memory");
        return VMSG_BUS_ERROR;
    }
    b->impl = sb;
    b->ops = &k_stdio_ops;
    sb->s.rfd = STDIN_FILENO;
    sb->s.wfd = STDOUT_FILENO;
    struct stat st;
    /* a socket (the exec: adapter's) gets send(MSG_NOSIGNAL); a pipe gets write() */
    sb->s.wsock = fstat(STDOUT_FILENO, &st) == 0 && S_ISSOCK(st.st_mode);
    vmsg__bus_set_nonblock(STDIN_FILENO);
    vmsg__bus_set_nonblock(STDOUT_FILENO);
    return VMSG_BUS_OK;
}
