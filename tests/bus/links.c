/* Test links: see links.h. Peers are forked children on raw sockets (so a
 * library bug on one side cannot hide behind the same bug on the other), or
 * bus_peer executed through exec:. */
#include "links.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "peer.h"

const char *g_peer_prog;

const char *link_name(enum link_kind k)
{
    static const char *const names[] = {"exec", "unix", "unix-listen", "tcp", "tcp-listen",
                                        "seqpacket", "seqpacket-listen"};
    return names[k];
}

bool link_is_dgram(enum link_kind k) { return k == LINK_SEQPACKET || k == LINK_SEQPACKET_LISTEN; }

void make_dir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/vmsg-bus-XXXXXX");
    assert_non_null(mkdtemp(out));
}

void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

static void run_peer(int fd, bool dgram, const char *mode)
{
    int rc = dgram ? test_peer_dgram(fd, mode) : test_peer_stream(fd, fd, mode);
    _exit(rc);
}

/* Child listens on a socket, tells the parent (port or "ok") through a pipe. */
static pid_t peer_listening(struct link *l, int domain, int type, const char *mode, int *port)
{
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        int fd = socket(domain, type, 0);
        if (domain == AF_UNIX) {
            struct sockaddr_un sa = {.sun_family = AF_UNIX};
            snprintf(sa.sun_path, sizeof sa.sun_path, "%s/peer.sock", l->dir);
            if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                _exit(10);
        } else {
            struct sockaddr_in sa = {.sin_family = AF_INET};
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                _exit(10);
        }
        listen(fd, 1);
        struct sockaddr_in got;
        socklen_t gl = sizeof got;
        getsockname(fd, (struct sockaddr *)&got, &gl);
        int p = domain == AF_INET ? ntohs(got.sin_port) : 0;
        if (write(pfd[1], &p, sizeof p) != sizeof p)
            _exit(11);
        int c = accept(fd, NULL, NULL);
        close(fd);
        run_peer(c, type == SOCK_SEQPACKET, mode);
    }
    close(pfd[1]);
    assert_int_equal(read(pfd[0], port, sizeof *port), (int)sizeof *port);
    close(pfd[0]);
    return pid;
}

static pid_t peer_connecting(int domain, int type, const char *addr, const char *mode)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = socket(domain, type, 0);
        int r;
        if (domain == AF_UNIX) {
            struct sockaddr_un sa = {.sun_family = AF_UNIX};
            snprintf(sa.sun_path, sizeof sa.sun_path, "%s", addr);
            r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        } else {
            struct sockaddr_in sa = {.sin_family = AF_INET};
            const char *colon = strrchr(addr, ':');
            sa.sin_port = htons((uint16_t)atoi(colon + 1));
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        }
        if (r < 0)
            _exit(12);
        run_peer(fd, type == SOCK_SEQPACKET, mode);
    }
    return pid;
}

void link_open(struct link *l, enum link_kind kind, const char *mode, const char *query,
               const struct vmsg_bus_opts *opts)
{
    memset(l, 0, sizeof *l);
    l->kind = kind;
    make_dir(l->dir, sizeof l->dir);
    const char *q = query && *query ? query : NULL;
    int port = 0;
    switch (kind) {
    case LINK_EXEC:
        snprintf(l->uri, sizeof l->uri, "exec:%s raw %s", g_peer_prog, mode);
        break;
    case LINK_UNIX:
    case LINK_SEQPACKET: {
        int type = kind == LINK_UNIX ? SOCK_STREAM : SOCK_SEQPACKET;
        l->pid = peer_listening(l, AF_UNIX, type, mode, &port);
        snprintf(l->uri, sizeof l->uri, "%s:%s/peer.sock%s%s", link_name(kind), l->dir,
                 q ? "?" : "", q ? q : "");
        break;
    }
    case LINK_TCP:
        l->pid = peer_listening(l, AF_INET, SOCK_STREAM, mode, &port);
        snprintf(l->uri, sizeof l->uri, "tcp:127.0.0.1:%d%s%s", port, q ? "?" : "", q ? q : "");
        break;
    case LINK_UNIX_LISTEN:
    case LINK_SEQPACKET_LISTEN:
        snprintf(l->uri, sizeof l->uri, "%s:%s/bus.sock%s%s", link_name(kind), l->dir,
                 q ? "?" : "", q ? q : "");
        break;
    case LINK_TCP_LISTEN:
        snprintf(l->uri, sizeof l->uri, "tcp-listen:0%s%s", q ? "?" : "", q ? q : "");
        break;
    }
    char err[320];
    int rc = vmsg_bus_open(l->uri, opts, &l->bus, err, sizeof err);
    if (rc != VMSG_BUS_OK)
        fail_msg("%s", err);
    if (kind == LINK_UNIX_LISTEN || kind == LINK_SEQPACKET_LISTEN || kind == LINK_TCP_LISTEN) {
        int type = kind == LINK_SEQPACKET_LISTEN ? SOCK_SEQPACKET : SOCK_STREAM;
        l->pid = peer_connecting(kind == LINK_TCP_LISTEN ? AF_INET : AF_UNIX, type,
                                 vmsg_bus_local_addr(l->bus), mode);
        assert_int_equal(vmsg_bus_wait_peer(l->bus, 5000), VMSG_BUS_OK);
    }
}

int link_close(struct link *l)
{
    int status = 0;
    if (l->kind == LINK_EXEC)
        status = vmsg_bus_finish(l->bus, 500);
    vmsg_bus_close(l->bus);
    l->bus = NULL;
    if (l->pid > 0) {
        int64_t tries = 0;
        while (waitpid(l->pid, &status, WNOHANG) == 0) {
            if (++tries > 500) { /* 5 s: the peer hangs, which is a test failure */
                kill(l->pid, SIGKILL);
                waitpid(l->pid, &status, 0);
                break;
            }
            usleep(10000);
        }
    }
    rm_dir(l->dir);
    return status;
}
