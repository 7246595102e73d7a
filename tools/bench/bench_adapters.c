/* Bench section "adapters": request/response round trip through the exec:
 * and unix: adapters against a raw socketpair ping-pong of the same sizes
 * (16, 48, 264 bytes), printed as ratios (target <= 1.5x, DESIGN.md 9).
 *
 * The peer is the same plain byte echo in every case (`cat` for exec:, a
 * forked read/write loop for unix: and the baseline), so the ratio measures
 * what the adapter adds on the harness side: framing, poll, tap hook.
 *
 * Entry point: int vmsg__bench_adapters(int quick). Built standalone with
 * -DVMSG_BENCH_ADAPTERS_MAIN (target bench_adapters) until it joins vmsg-bench. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmsg/bus.h>

int vmsg__bench_adapters(int quick);

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void frame(uint8_t *f, size_t n)
{
    memset(f, 0xA5, n);
    f[0] = 0, f[1] = 0x05, f[2] = 1, f[3] = 0, f[4] = 7, f[5] = 0;
    f[6] = (uint8_t)n, f[7] = (uint8_t)(n >> 8);
}

/* the forked peer: echo bytes until EOF */
static void echo_loop(int fd)
{
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(0);
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w <= 0)
                _exit(1);
            off += w;
        }
    }
}

static int io_all(int fd, uint8_t *p, size_t n, bool wr)
{
    size_t off = 0;
    while (off < n) {
        ssize_t r = wr ? send(fd, p + off, n - off, MSG_NOSIGNAL) : read(fd, p + off, n - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        off += (size_t)r;
    }
    return 0;
}

/* baseline: blocking write + read on a socketpair to a forked echo */
static double raw_ns(size_t size, unsigned iters)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        echo_loop(sv[1]);
    }
    close(sv[1]);
    uint8_t f[264], in[264];
    frame(f, size);
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < iters; i++)
        if (io_all(sv[0], f, size, true) || io_all(sv[0], in, size, false))
            break;
    uint64_t t = now_ns() - t0;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return (double)t / iters;
}

static double bus_ns(struct vmsg_bus *b, size_t size, unsigned iters)
{
    uint8_t f[264], in[264];
    size_t len;
    frame(f, size);
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < iters; i++) {
        if (vmsg_bus_send(b, f, size) != VMSG_BUS_OK ||
            vmsg_bus_recv(b, in, sizeof in, &len, 5000) != VMSG_BUS_OK) {
            fprintf(stderr, "vmsg-bench: adapters: %s\n", vmsg_bus_error(b));
            return -1;
        }
    }
    return (double)(now_ns() - t0) / iters;
}

static double exec_ns(size_t size, unsigned iters)
{
    struct vmsg_bus *b;
    char err[320];
    if (vmsg_bus_open("exec:cat", NULL, &b, err, sizeof err) != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg-bench: adapters: %s\n", err);
        return -1;
    }
    double r = bus_ns(b, size, iters);
    vmsg_bus_close(b);
    return r;
}

static double unix_ns(size_t size, unsigned iters)
{
    char dir[] = "/tmp/vmsg-bench-XXXXXX", uri[96], err[320];
    if (!mkdtemp(dir))
        return -1;
    snprintf(uri, sizeof uri, "unix-listen:%s/b.sock", dir);
    struct vmsg_bus *b;
    if (vmsg_bus_open(uri, NULL, &b, err, sizeof err) != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg-bench: adapters: %s\n", err);
        rmdir(dir);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0); /* a raw peer, like the baseline */
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/b.sock", dir);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
            _exit(3);
        echo_loop(fd);
    }
    double r = -1;
    if (vmsg_bus_wait_peer(b, 5000) == VMSG_BUS_OK)
        r = bus_ns(b, size, iters);
    vmsg_bus_close(b);
    waitpid(pid, NULL, 0);
    rmdir(dir);
    return r;
}

static double best(double (*fn)(size_t, unsigned), size_t size, unsigned iters, unsigned rep)
{
    double b = -1;
    for (unsigned i = 0; i < rep; i++) {
        double t = fn(size, iters);
        if (t < 0)
            return -1;
        if (b < 0 || t < b)
            b = t;
    }
    return b;
}

int vmsg__bench_adapters(int quick)
{
    static const size_t sizes[] = {16, 48, 264};
    unsigned iters = quick ? 200 : 20000, rep = quick ? 1 : 3;
    double worst_exec = 0, worst_unix = 0;
    for (unsigned k = 0; k < 3; k++) {
        size_t s = sizes[k];
        double raw = best(raw_ns, s, iters, rep);
        double ex = best(exec_ns, s, iters, rep);
        double ux = best(unix_ns, s, iters, rep);
        if (raw <= 0 || ex < 0 || ux < 0) {
            fprintf(stderr, "vmsg-bench: adapters: a round trip failed at %zu bytes\n", s);
            return 3;
        }
        printf("adapters: %3zu bytes: raw socketpair %.2f us, exec %.2f us (%.2fx), unix %.2f us "
               "(%.2fx)\n", s, raw / 1000, ex / 1000, ex / raw, ux / 1000, ux / raw);
        if (ex / raw > worst_exec)
            worst_exec = ex / raw;
        if (ux / raw > worst_unix)
            worst_unix = ux / raw;
    }
    printf("adapters: ratio exec/raw %.2fx unix/raw %.2fx (worst size; target <= 1.5x)\n",
           worst_exec, worst_unix);
    return 0;
}

#ifdef VMSG_BENCH_ADAPTERS_MAIN
int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 1 && !quick) {
        fprintf(stderr, "usage: bench_adapters [--quick]\n");
        return 2;
    }
    return vmsg__bench_adapters(quick);
}
#endif
