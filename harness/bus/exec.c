/* exec:PROGRAM ARGS... : a child process without a shell. Its stdin and
 * stdout are AF_UNIX stream sockets (so a send to a dead child fails with
 * EPIPE instead of raising SIGPIPE), its stderr a pipe drained into a bounded
 * ring that callers read as evidence. Close: stdin shut, a grace period,
 * SIGTERM, then SIGKILL; the child is always reaped. */
#define _GNU_SOURCE /* accept4, pipe2 (Linux) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bus_internal.h"

#define STDERR_RING 8192u

struct exec_bus {
    struct vmsg__stream s;
    pid_t pid;
    int status;           /* wait status once reaped */
    bool reaped;
    int errfd;
    char ring[STDERR_RING];
    size_t ring_len, ring_pos; /* bytes kept, next write position */
    bool ring_cut;             /* older bytes were dropped */
};

static void ring_put(struct exec_bus *e, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        e->ring[e->ring_pos] = p[i];
        e->ring_pos = (e->ring_pos + 1) % STDERR_RING;
        if (e->ring_len < STDERR_RING)
            e->ring_len++;
        else
            e->ring_cut = true;
    }
}

static void drain_stderr(struct vmsg_bus *b)
{
    struct exec_bus *e = b->impl;
    char tmp[4096];
    while (e->errfd >= 0) {
        ssize_t n = read(e->errfd, tmp, sizeof tmp);
        if (n > 0) {
            ring_put(e, tmp, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(e->errfd); /* EOF or error: stop watching it */
        e->errfd = -1;
        e->s.extra_fd = -1;
    }
}

size_t vmsg_bus_stderr(struct vmsg_bus *b, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = 0;
    if (b->kind != VMSG__KIND_EXEC || !b->impl)
        return 0;
    struct exec_bus *e = b->impl;
    drain_stderr(b);
    size_t o = 0;
    if (e->ring_cut && cap > 6) {
        memcpy(out, "[...]", 5);
        o = 5;
    }
    size_t first = (e->ring_pos + STDERR_RING - e->ring_len) % STDERR_RING;
    size_t n = e->ring_len;
    if (n > cap - 1 - o) { /* keep the newest bytes */
        first = (first + (n - (cap - 1 - o))) % STDERR_RING;
        n = cap - 1 - o;
    }
    for (size_t i = 0; i < n; i++)
        out[o++] = e->ring[(first + i) % STDERR_RING];
    out[o] = 0;
    return o;
}

static int exec_send(struct vmsg_bus *b, const uint8_t *f, size_t len)
{
    struct exec_bus *e = b->impl;
    return vmsg__stream_send(b, &e->s, f, len);
}

static int exec_recv(struct vmsg_bus *b, uint8_t *buf, size_t cap, size_t *len, int64_t deadline,
                     unsigned *flags)
{
    struct exec_bus *e = b->impl;
    return vmsg__stream_recv(b, &e->s, buf, cap, len, deadline);
}

static int exec_pollfds(struct vmsg_bus *b, int *fds, int max)
{
    struct exec_bus *e = b->impl;
    int n = 0;
    if (n < max)
        fds[n++] = e->s.rfd;
    if (n < max && e->errfd >= 0)
        fds[n++] = e->errfd;
    return n;
}

/* Wait up to ms for the child to exit, draining stderr meanwhile. */
static bool reap_within(struct vmsg_bus *b, int ms)
{
    struct exec_bus *e = b->impl;
    int64_t deadline = vmsg__bus_deadline(ms);
    for (;;) {
        pid_t r = waitpid(e->pid, &e->status, WNOHANG);
        if (r == e->pid || (r < 0 && errno == ECHILD)) {
            e->reaped = true;
            return true;
        }
        drain_stderr(b);
        if (vmsg__bus_left_ms(deadline) == 0)
            return false;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int exec_finish(struct vmsg_bus *b, int grace_ms)
{
    struct exec_bus *e = b->impl;
    if (!e || e->pid <= 0)
        return -1;
    if (!e->reaped) {
        if (e->s.wfd >= 0)
            shutdown(e->s.wfd, SHUT_WR); /* EOF on the child's stdin */
        if (!reap_within(b, grace_ms)) {
            kill(e->pid, SIGTERM);
            if (!reap_within(b, 500)) {
                kill(e->pid, SIGKILL);
                reap_within(b, -1);
            }
        }
    }
    /* the child is gone; what it wrote to stderr is in the pipe */
    int64_t deadline = vmsg__bus_deadline(200);
    while (e->errfd >= 0 && vmsg__bus_left_ms(deadline) > 0) {
        drain_stderr(b);
        if (e->errfd >= 0)
            vmsg__bus_wait_fd(e->errfd, POLLIN, deadline, NULL);
    }
    return e->status;
}

static void exec_destroy(struct vmsg_bus *b)
{
    struct exec_bus *e = b->impl;
    if (!e)
        return;
    if (e->pid > 0 && !e->reaped)
        exec_finish(b, 0);
    if (e->s.rfd >= 0)
        close(e->s.rfd);
    if (e->s.wfd >= 0 && e->s.wfd != e->s.rfd)
        close(e->s.wfd);
    if (e->errfd >= 0)
        close(e->errfd);
    vmsg__stream_free(&e->s);
    free(e);
    b->impl = NULL;
}

static const struct vmsg__bus_ops k_exec_ops = {
    exec_send, exec_recv, NULL, exec_pollfds, exec_finish, exec_destroy, NULL,
};

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_exec(char **argv, int in, int out, int err, int report)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
        int e = errno;
        (void)!write(report, &e, sizeof e);
        _exit(127);
    }
    execvp(argv[0], argv);
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
}

int vmsg__bus_open_exec(struct vmsg_bus *b, const struct vmsg__uri *u)
{
    char why[128];
    char **argv = vmsg__bus_split_args(u->rest, why, sizeof why);
    if (!argv) {
        vmsg__bus_fail(b, "%s", why);
        return VMSG_BUS_USAGE;
    }
    struct exec_bus *e = calloc(1, sizeof *e);
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, rep[2] = {-1, -1};
    int rc = VMSG_BUS_ERROR;
    if (!e || !vmsg__stream_init(&e->s, b->params.max_msg_size)) {
        vmsg__bus_fail(b, "out of memory");
        goto fail;
    }
    e->errfd = -1;
    b->impl = e;
    b->ops = &k_exec_ops;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) < 0 ||
        pipe2(err, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
        vmsg__bus_fail_errno(b, errno, "cannot create pipes");
        goto fail;
    }
    pid_t pid = fork();
    if (pid < 0) {
        vmsg__bus_fail_errno(b, errno, "fork");
        goto fail;
    }
    if (pid == 0)
        child_exec(argv, in[1], out[1], err[1], rep[1]);
    e->pid = pid;
    close(in[1]), in[1] = -1;
    close(out[1]), out[1] = -1;
    close(err[1]), err[1] = -1;
    close(rep[1]), rep[1] = -1;
    /* the report pipe closes on a successful exec (CLOEXEC) or carries errno */
    int cerr = 0;
    ssize_t n;
    do
        n = read(rep[0], &cerr, sizeof cerr);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof cerr) {
        vmsg__bus_fail_errno(b, cerr, "cannot execute '%s'", argv[0]);
        waitpid(pid, &e->status, 0);
        e->reaped = true;
        goto fail;
    }
    shutdown(in[0], SHUT_RD);
    shutdown(out[0], SHUT_WR);
    e->s.wfd = in[0], in[0] = -1;
    e->s.rfd = out[0], out[0] = -1;
    e->s.wsock = true;
    e->errfd = err[0], err[0] = -1;
    vmsg__bus_set_nonblock(e->s.rfd);
    vmsg__bus_set_nonblock(e->s.wfd);
    vmsg__bus_set_nonblock(e->errfd);
    e->s.extra_fd = e->errfd;
    e->s.drain_extra = drain_stderr;
    snprintf(b->local_addr, sizeof b->local_addr, "pid %ld", (long)pid);
    rc = VMSG_BUS_OK;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0) close(in[i]);
        if (out[i] >= 0) close(out[i]);
        if (err[i] >= 0) close(err[i]);
        if (rep[i] >= 0) close(rep[i]);
    }
    free(argv);
    if (rc != VMSG_BUS_OK && e && !b->impl) {
        vmsg__stream_free(&e->s);
        free(e);
    }
    return rc;
}
