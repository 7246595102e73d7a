/* Bench section capture-check: `vmsg check` on a large capture, the library
 * path (capture reader + passive checker), against
 *   - a bare libpcap pcap_next_ex loop over the same file (DESIGN 9: >= 0.5x);
 *   - its own peak memory at two capture lengths, each measured in a child
 *     process (getrusage maxrss): independent of length, < 64 MB;
 *   - tshark with the project's plugin, -T fields -e virtio-msg.msg_id, on a
 *     1M-message capture (>= 50x faster), run as an unprivileged user with
 *     WIRESHARK_PLUGIN_DIR as tests/dissector/run.sh does; skipped with a
 *     note when tshark or the plugin is missing.
 * Captures: 10M v1 messages (--quick: 100k) written to a temp dir first
 * (not measured): 16 devices initialized, then I/O rounds. Prints; asserts
 * nothing but "no findings on conforming traffic". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <vmsg/capture.h>
#include <vmsg/check.h>
#include <vmsg/wire.h>

#include "bench.h"

#define NDEV 16
#define NINIT 16
#define NIO 8

struct frame {
    uint8_t b[64];
    uint8_t len, dir;
};

struct frames {
    struct frame init[NDEV][NINIT], io[NDEV][NIO];
    unsigned n;
    struct frame *cur;
};

static int put(struct frame *f, unsigned mname, unsigned kind, unsigned dev, ...)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mname, VMSG_CLASS_TRANSPORT, kind, (uint16_t)dev))
        return -1;
    va_list ap;
    va_start(ap, dev);
    for (int k = va_arg(ap, int); k >= 0; k = va_arg(ap, int))
        vmsg_set(&m, (unsigned)k, va_arg(ap, unsigned long long));
    va_end(ap);
    size_t len = vmsg_encode(&m, f->b, sizeof f->b);
    if (!len)
        return -1;
    bool from_driver = (m.def->sender == VMSG_SENDER_DRIVER) != (kind == VMSG_KIND_RESPONSE);
    f->len = (uint8_t)len;
    f->dir = from_driver ? VMSG_DIR_DRV_TO_DEV : VMSG_DIR_DEV_TO_DRV;
    return 0;
}

enum { REQ = VMSG_KIND_REQUEST, RSP = VMSG_KIND_RESPONSE, EVT = VMSG_KIND_EVENT };
#define V(f, v) VMSG_FLD_##f, 0ULL + (v)
#define P(arr, name, kind, d, ...)                                      \
    do {                                                                \
        if (put(&(arr)[k++], VMSG_M_##name, kind, d, __VA_ARGS__ - 1))  \
            return -1;                                                  \
    } while (0)

static int build(struct frames *fr)
{
    for (uint16_t d = 1; d <= NDEV; d++) {
        struct frame *a = fr->init[d - 1];
        unsigned k = 0;
        P(a, GET_DEVICE_INFO, REQ, d, );
        P(a, GET_DEVICE_INFO, RSP, d, V(NUM_FEATURE_BITS, 64), V(CONFIG_SIZE, 64), V(MAX_VIRTQUEUES, 2), );
        P(a, SET_DEVICE_STATUS, REQ, d, V(STATUS, 0), );
        P(a, SET_DEVICE_STATUS, RSP, d, V(STATUS, 0), );
        P(a, GET_DEVICE_FEATURES, REQ, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
        P(a, GET_DEVICE_FEATURES, RSP, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
        P(a, SET_DRIVER_FEATURES, REQ, d, V(BLOCK_INDEX, 0), V(NUM_BLOCKS, 0), );
        P(a, SET_DRIVER_FEATURES, RSP, d, );
        P(a, SET_DEVICE_STATUS, REQ, d, V(STATUS, 11), );
        P(a, SET_DEVICE_STATUS, RSP, d, V(STATUS, 11), );
        P(a, GET_VQUEUE, REQ, d, V(INDEX, 0), );
        P(a, GET_VQUEUE, RSP, d, V(MAX_SIZE, 256), );
        P(a, SET_VQUEUE, REQ, d, V(SIZE, 256), V(DESC_ADDR, 0x1000), V(DRIVER_ADDR, 0x2000), V(DEVICE_ADDR, 0x3000), );
        P(a, SET_VQUEUE, RSP, d, );
        P(a, SET_DEVICE_STATUS, REQ, d, V(STATUS, 15), );
        P(a, SET_DEVICE_STATUS, RSP, d, V(STATUS, 15), );
        struct frame *io = fr->io[d - 1];
        k = 0;
        P(io, EVENT_AVAIL, EVT, d, V(INDEX, 0), );
        P(io, EVENT_USED, EVT, d, V(INDEX, 0), );
        P(io, GET_CONFIG, REQ, d, V(OFFSET, 0), V(LENGTH, 0), );
        P(io, GET_CONFIG, RSP, d, V(GENERATION, 1), );
        P(io, GET_DEVICE_STATUS, REQ, d, );
        P(io, GET_DEVICE_STATUS, RSP, d, V(STATUS, 15), );
        P(io, EVENT_AVAIL, EVT, d, V(INDEX, 0), );
        P(io, EVENT_USED, EVT, d, V(INDEX, 0), );
    }
    return 0;
}

/* Frame i of the stream: every device's init, then rounds over the devices. */
static const struct frame *nth(const struct frames *fr, size_t i)
{
    if (i < NDEV * NINIT)
        return &fr->init[i / NINIT][i % NINIT];
    i -= NDEV * NINIT;
    size_t round = i / NIO;
    return &fr->io[round % NDEV][i % NIO];
}

static int write_capture(const struct frames *fr, const char *path, size_t n)
{
    char err[512];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w) {
        fprintf(stderr, "vmsg-bench: capture-check: %s\n", err);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct frame *f = nth(fr, i);
        struct vmsg_cap_ts ts = {1700000000 + (int64_t)(i / 1000000), (uint32_t)(i % 1000000)};
        struct vmsg_cap_meta meta = {f->dir, 0, VMSG_BUS_LOOPBACK, 0, 0};
        if (!vmsg_cap_write(w, &ts, &meta, f->b, f->len)) {
            fprintf(stderr, "vmsg-bench: capture-check: %s\n", vmsg_cap_writer_error(w));
            vmsg_cap_writer_abort(w);
            return -1;
        }
    }
    if (!vmsg_cap_writer_close(w, err, sizeof err)) {
        fprintf(stderr, "vmsg-bench: capture-check: %s\n", err);
        return -1;
    }
    return 0;
}

static void count(void *user, const struct vmsg_finding *f)
{
    if (f->clause)
        ++*(uint64_t *)user;
}

/* What `vmsg check FILE` does, minus printing: reader + checker. Returns
 * the messages judged, -1 on error; findings in *findings. */
static long long check_file(const char *path, uint64_t *findings)
{
    char err[512];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(path, 0, err, sizeof err);
    if (!r)
        return -1;
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.on_finding = count;
    o.user = findings;
    struct vmsg_check *c = vmsg_check_new(&o);
    long long n = 0;
    struct vmsg_cap_rec rec;
    while (c && vmsg_cap_next(r, &rec) == 1) {
        vmsg_check_feed(c, rec.frame, rec.meta.direction, 0, rec.msg, rec.caplen, rec.meta.bus_instance);
        n++;
    }
    if (c) {
        vmsg_check_finish(c);
        vmsg_check_free(c);
    } else {
        n = -1;
    }
    vmsg_cap_reader_close(r);
    return n;
}

static long long pcap_loop_file(const char *path)
{
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, perr);
    if (!pc)
        return -1;
    long long n = 0;
    struct pcap_pkthdr *ph;
    const u_char *pd;
    size_t bytes = 0;
    while (pcap_next_ex(pc, &ph, &pd) == 1) {
        n++;
        bytes += ph->caplen + pd[0]; /* touch the data, as the checker does */
    }
    pcap_close(pc);
    return bytes || !n ? n : -1;
}

/* Peak RSS (KiB) of a child process that only checks PATH. */
static long child_maxrss(const char *path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        uint64_t f = 0;
        _exit(check_file(path, &f) < 0 ? 3 : 0);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        return -1;
    return ru.ru_maxrss;
}

/* --- tshark --------------------------------------------------------------- */

#ifndef VMSG_BENCH_PLUGIN
#define VMSG_BENCH_PLUGIN ""
#endif

/* "4.0" from the first line of `tshark -v` (run without a shell). */
static bool have_tshark(char *ver, size_t cap)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
        execlp("tshark", "tshark", "-v", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[256];
    ssize_t n = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return false;
    line[n] = 0;
    static const char tag[] = "TShark (Wireshark) ";
    const char *p = strstr(line, tag);
    if (!p)
        return false;
    p += sizeof tag - 1;
    char *end;
    unsigned long major = strtoul(p, &end, 10);
    if (end == p || *end != '.')
        return false;
    const char *q = end + 1;
    unsigned long minor = strtoul(q, &end, 10);
    if (end == q)
        return false;
    snprintf(ver, cap, "%lu.%lu", major, minor);
    return true;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            rc = -1;
    close(in);
    close(out);
    return n < 0 ? -1 : rc;
}

/* Run tshark on path with the plugin; returns the output lines carrying a
 * msg_id, or -1. As root it runs as nobody (tshark refuses user plugin
 * folders as root). */
static long long run_tshark(const char *dir, const char *ver, const char *path)
{
    char base[600], epan[700], so[800];
    snprintf(base, sizeof base, "%s/plugins", dir);
    snprintf(epan, sizeof epan, "%s/%s", base, ver);
    mkdir(base, 0755);
    mkdir(epan, 0755);
    snprintf(epan, sizeof epan, "%s/%s/epan", base, ver);
    mkdir(epan, 0755);
    snprintf(so, sizeof so, "%s/virtio_msg.so", epan);
    if (copy_file(VMSG_BENCH_PLUGIN, so) != 0)
        return -1;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
        char env_plugin[700];
        snprintf(env_plugin, sizeof env_plugin, "WIRESHARK_PLUGIN_DIR=%s", base);
        if (getuid() == 0)
            execlp("setpriv", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                   "HOME=/nonexistent", "LC_ALL=C", env_plugin, "tshark", "-r", path, "-T", "fields", "-e",
                   "virtio-msg.msg_id", (char *)NULL);
        else
            execlp("env", "env", "LC_ALL=C", env_plugin, "tshark", "-r", path, "-T", "fields", "-e",
                   "virtio-msg.msg_id", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    long long lines = 0;
    char line[128];
    while (in && fgets(line, sizeof line, in))
        if (line[0] != '\n')
            lines++;
    if (in)
        fclose(in);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? lines : -1;
}

static double secs(void) { return (double)bench_now_ns() / 1e9; }

int vmsg_bench_capture_check(const struct bench_opts *bo)
{
    size_t big = bo->quick ? 100000 : 10000000, small = bo->quick ? 10000 : 1000000;
    struct frames *fr = calloc(1, sizeof *fr);
    if (!fr || build(fr) != 0) {
        fprintf(stderr, "vmsg-bench: capture-check: cannot encode the stream\n");
        free(fr);
        return 3;
    }
    const char *td = getenv("TMPDIR");
    char dir[256], pbig[320], psmall[320];
    snprintf(dir, sizeof dir, "%s/vmsg-bench-capture-XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "vmsg-bench: capture-check: %s: %s\n", dir, strerror(errno));
        free(fr);
        return 3;
    }
    chmod(dir, 0755); /* tshark runs as nobody */
    snprintf(pbig, sizeof pbig, "%s/big.pcap", dir);
    snprintf(psmall, sizeof psmall, "%s/small.pcap", dir);
    int rc = 3;
    if (write_capture(fr, pbig, big) || write_capture(fr, psmall, small))
        goto out;
    chmod(pbig, 0644);
    chmod(psmall, 0644);
    struct stat st;
    stat(pbig, &st);
    printf("capture-check: %zu v1 messages, %d devices, %lld bytes (generation not measured)\n", big, NDEV,
           (long long)st.st_size);

    double t0 = secs();
    long long np = pcap_loop_file(pbig);
    double t_pcap = secs() - t0;
    uint64_t findings = 0;
    t0 = secs();
    long long nc = check_file(pbig, &findings);
    double t_chk = secs() - t0;
    if (np != (long long)big || nc != (long long)big) {
        fprintf(stderr, "vmsg-bench: capture-check: read %lld (libpcap) and %lld (checker) of %zu records\n", np, nc,
                big);
        goto out;
    }
    printf("capture-check: libpcap pcap_next_ex loop %.0f rec/s\n", (double)np / t_pcap);
    printf("capture-check: reader + checker        %.0f msg/s, %llu findings\n", (double)nc / t_chk,
           (unsigned long long)findings);
    printf("capture-check: ratio check/libpcap-read %.2fx (target >= 0.50x)\n", t_pcap / t_chk);

    long m_small = child_maxrss(psmall), m_big = child_maxrss(pbig);
    printf("capture-check: peak RSS of a check process: %ld KiB at %zu messages, %ld KiB at %zu messages "
           "(target < 65536 KiB, independent of length)\n",
           m_small, small, m_big, big);

    char ver[32];
    if (!VMSG_BENCH_PLUGIN[0] || access(VMSG_BENCH_PLUGIN, R_OK) != 0) {
        printf("capture-check: tshark comparison skipped: the plugin is not built (VMSG_BUILD_DISSECTOR)\n");
    } else if (!have_tshark(ver, sizeof ver)) {
        printf("capture-check: tshark comparison skipped: tshark not installed\n");
    } else {
        uint64_t f2 = 0;
        t0 = secs();
        long long n2 = check_file(psmall, &f2);
        double t_c2 = secs() - t0;
        t0 = secs();
        long long nt = run_tshark(dir, ver, psmall);
        double t_ts = secs() - t0;
        if (nt != (long long)small)
            printf("capture-check: tshark comparison skipped: tshark printed %lld msg_id lines of %zu "
                   "(plugin not loaded?)\n", nt, small);
        else
            printf("capture-check: tshark -T fields -e virtio-msg.msg_id %.0f msg/s, check %.0f msg/s on %zu "
                   "messages\ncapture-check: ratio check/tshark %.1fx faster (target >= 50x)\n",
                   (double)nt / t_ts, (double)n2 / t_c2, small, t_ts / t_c2);
    }
    rc = findings ? 1 : 0;
out:
    unlink(pbig);
    unlink(psmall);
    free(fr);
    /* the plugin copy tree and the directory */
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return rc;
}
