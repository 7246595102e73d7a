/* Bus adapters: URI errors, exec: specifics (stderr evidence, killing a
 * stubborn child), listening defaults, builtin:, serve and relay. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <vmsg/capture.h>
#include <vmsg/wire.h>

#include "links.h"
#include "peer.h"

static int open_err(const char *uri, char *err, size_t cap)
{
    struct vmsg_bus *b = NULL;
    int rc = vmsg_bus_open(uri, NULL, &b, err, cap);
    if (rc == VMSG_BUS_OK)
        vmsg_bus_close(b);
    return rc;
}

static void expect_open(const char *uri, int status, const char *text)
{
    char err[320] = "";
    int rc = open_err(uri, err, sizeof err);
    if (rc != status || !strstr(err, text))
        fail_msg("%s: expected %s '%s', got %s '%s'", uri, vmsg_bus_status_name(status), text,
                 vmsg_bus_status_name(rc), err);
    assert_memory_equal(err, uri, strcspn(uri, "?")); /* the message names the URI */
}

/* usage errors (exit 2) and unreachable transports (exit 3) */
static void bus_uri_errors(void **state)
{
    expect_open("bogus:x", VMSG_BUS_USAGE, "unknown URI scheme 'bogus'");
    expect_open("nocolon", VMSG_BUS_USAGE, "expected SCHEME:ADDRESS");
    expect_open("unix:", VMSG_BUS_USAGE, "empty address");
    expect_open("unix:/tmp/x.sock?max=2", VMSG_BUS_USAGE, "max: expected 8..");
    expect_open("unix:/tmp/x.sock?max=abc", VMSG_BUS_USAGE, "max: expected");
    expect_open("unix:/tmp/x.sock?colour=red", VMSG_BUS_USAGE, "unknown query option 'colour'");
    expect_open("unix:/tmp/x.sock?side=bus", VMSG_BUS_USAGE, "side: expected driver or device");
    expect_open("tcp:nohostport", VMSG_BUS_USAGE, "expected HOST:PORT");
    expect_open("tcp::80", VMSG_BUS_USAGE, "expected HOST:PORT");
    expect_open("tcp-listen:1.2.3.4:x", VMSG_BUS_USAGE, "expected [HOST:]PORT");
    expect_open("exec:'unterminated", VMSG_BUS_USAGE, "unterminated ' quote");
    expect_open("exec:   ", VMSG_BUS_USAGE, "no program to run");
    expect_open("pcap:/nonexistent/x.pcap", VMSG_BUS_USAGE, "No such file or directory");
    expect_open("pcap:/tmp/x.pcap?dir=up", VMSG_BUS_USAGE, "dir: expected to-driver");
    expect_open("builtin:refdev", VMSG_BUS_USAGE, "unknown builtin endpoint 'refdev'");
    /* unreachable */
    expect_open("unix:/nonexistent-dir/x.sock", VMSG_BUS_ERROR, "connect: No such file or directory");
    expect_open("seqpacket:/nonexistent-dir/x.sock", VMSG_BUS_ERROR, "connect:");
    expect_open("exec:/nonexistent/program --flag", VMSG_BUS_ERROR,
                "cannot execute '/nonexistent/program': No such file or directory");
    expect_open("shm:/nonexistent-dir/q?side=driver", VMSG_BUS_ERROR, "connect");
}

static void bus_tcp_unreachable(void **state)
{
    /* a port we bound and closed: nobody listens there */
    struct vmsg_bus *b;
    char err[320];
    assert_int_equal(vmsg_bus_open("tcp-listen:0", NULL, &b, err, sizeof err), VMSG_BUS_OK);
    char uri[160];
    snprintf(uri, sizeof uri, "tcp:%s", vmsg_bus_local_addr(b));
    vmsg_bus_close(b);
    expect_open(uri, VMSG_BUS_ERROR, "connect: Connection refused");
}

static void bus_tcp_listen_defaults_to_loopback(void **state)
{
    struct vmsg_bus *b;
    char err[320];
    assert_int_equal(vmsg_bus_open("tcp-listen:0", NULL, &b, err, sizeof err), VMSG_BUS_OK);
    assert_memory_equal(vmsg_bus_local_addr(b), "127.0.0.1:", 10);
    vmsg_bus_close(b);
    /* an explicit address is honoured */
    assert_int_equal(vmsg_bus_open("tcp-listen:0.0.0.0:0", NULL, &b, err, sizeof err), VMSG_BUS_OK);
    assert_memory_equal(vmsg_bus_local_addr(b), "0.0.0.0:", 8);
    /* nobody connects: recv and send time out */
    uint8_t buf[16];
    size_t len;
    assert_int_equal(vmsg_bus_recv(b, buf, sizeof buf, &len, 50), VMSG_BUS_TIMEOUT);
    assert_non_null(strstr(vmsg_bus_error(b), "no peer connected"));
    vmsg_bus_close(b);
}

/* a stale socket file is replaced; a regular file is never removed */
static void bus_unix_listen_stale_and_foreign_files(void **state)
{
    char dir[64], path[100], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd); /* leaves a socket file nobody listens on */
    snprintf(uri, sizeof uri, "unix-listen:%s", path);
    struct vmsg_bus *b, *b2;
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK);
    /* a second listener on a live socket is refused */
    assert_int_equal(vmsg_bus_open(uri, NULL, &b2, err, sizeof err), VMSG_BUS_ERROR);
    assert_non_null(strstr(err, "in use"));
    vmsg_bus_close(b);
    struct stat st;
    assert_int_equal(lstat(path, &st), -1); /* removed on close */
    FILE *f = fopen(path, "w");
    fputs("precious", f);
    fclose(f);
    expect_open(uri, VMSG_BUS_ERROR, "exists and is not a socket");
    assert_int_equal(lstat(path, &st), 0);
    rm_dir(dir);
}

/* exec: stderr is kept as evidence, bounded, newest bytes last */
static void bus_exec_stderr_captured(void **state)
{
    struct link l;
    link_open(&l, LINK_EXEC, "stderr", "", NULL);
    uint8_t f[16], in[16];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_OK);
    int st = vmsg_bus_finish(l.bus, 2000);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    char text[16384];
    size_t n = vmsg_bus_stderr(l.bus, text, sizeof text);
    assert_true(n > 1000 && n < 8200);
    assert_memory_equal(text, "[...]", 5);
    assert_non_null(strstr(text, "peer: last line\n"));
    assert_null(strstr(text, "filler line 0\n"));
    char small[32];
    vmsg_bus_stderr(l.bus, small, sizeof small);
    assert_string_equal(small + strlen(small) - 5, "line\n");
    link_close(&l);
}

/* exec: a child that ignores EOF and SIGTERM is killed and reaped */
static void bus_exec_stubborn_child_killed(void **state)
{
    struct link l;
    link_open(&l, LINK_EXEC, "stubborn", "", NULL);
    uint8_t f[16], in[16];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK); /* it is up */
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_OK);
    int st = vmsg_bus_finish(l.bus, 50);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGKILL);
    link_close(&l);
}

/* exec: arguments are split without a shell; quotes group words */
static void bus_exec_no_shell(void **state)
{
    char uri[512], err[320];
    struct vmsg_bus *b;
    /* quoted words are single arguments: bus_peer sees "raw" "echo" */
    snprintf(uri, sizeof uri, "exec:%s 'raw' \"echo\"", g_peer_prog);
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK);
    uint8_t f[24], in[24];
    size_t len;
    test_frame(f, sizeof f, 7);
    assert_int_equal(vmsg_bus_send(b, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 5000), VMSG_BUS_OK);
    vmsg_bus_close(b);
    /* shell syntax is not interpreted: "raw echo | cat" is 4 arguments -> usage, exit 2 */
    snprintf(uri, sizeof uri, "exec:%s raw echo '|' cat", g_peer_prog);
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 5000), VMSG_BUS_CLOSED);
    int st = vmsg_bus_finish(b, 1000);
    assert_int_equal(WEXITSTATUS(st), 2);
    char text[256];
    vmsg_bus_stderr(b, text, sizeof text);
    assert_string_equal(text, "usage: bus_peer raw MODE | bus_peer serve URI driver|device\n");
    vmsg_bus_close(b);
}

static void bus_builtin_endpoints(void **state)
{
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.builtins = test_builtins;
    struct vmsg_bus *b;
    char err[320];
    assert_int_equal(vmsg_bus_open("builtin:nope", &o, &b, err, sizeof err), VMSG_BUS_USAGE);
    assert_non_null(strstr(err, "known: echo, ticker"));
    assert_int_equal(vmsg_bus_open("builtin:ticker?fail", &o, &b, err, sizeof err), VMSG_BUS_USAGE);
    assert_non_null(strstr(err, "ticker: refused query 'fail'"));
    assert_int_equal(vmsg_bus_open("builtin:echo", &o, &b, err, sizeof err), VMSG_BUS_OK);
    uint8_t f[40], in[300];
    size_t len;
    test_frame(f, sizeof f, 3);
    assert_int_equal(vmsg_bus_send(b, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 1000), VMSG_BUS_OK);
    assert_int_equal(len, 40);
    assert_int_equal(in[0], 1);
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 20), VMSG_BUS_TIMEOUT);
    vmsg_bus_close(b);
    /* an endpoint acting on its own: 3 frames, then finished -> CLOSED */
    assert_int_equal(vmsg_bus_open("builtin:ticker?max=100", &o, &b, err, sizeof err), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_params(b)->max_msg_size, 100);
    for (int i = 3; i > 0; i--) {
        assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 1000), VMSG_BUS_OK);
        assert_int_equal(in[4], i);
    }
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 1000), VMSG_BUS_CLOSED);
    vmsg_bus_close(b);
}

/* serve: bus_peer serves the echo endpoint over unix: (library on both ends) */
static void bus_serve_over_unix(void **state)
{
    char dir[64], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(uri, sizeof uri, "unix-listen:%s/d.sock", dir);
    struct vmsg_bus *b;
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK);
    pid_t pid = fork();
    if (pid == 0) {
        char curi[160];
        snprintf(curi, sizeof curi, "unix:%s/d.sock", dir);
        execl(g_peer_prog, "bus_peer", "serve", curi, "device", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        uint8_t f[264], in[264];
        size_t len, sz = 8 + (size_t)(i * 37) % 257;
        test_frame(f, sz, (uint16_t)i);
        assert_int_equal(vmsg_bus_send(b, f, sz), VMSG_BUS_OK);
        assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 5000), VMSG_BUS_OK);
        assert_int_equal(len, sz);
    }
    vmsg_bus_close(b);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0); /* serve returned CLOSED */
    rm_dir(dir);
}

/* serve stops on the stop flag and on the idle timeout */
static void bus_serve_stops(void **state)
{
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.builtins = test_builtins;
    struct vmsg_bus *b;
    char err[320];
    assert_int_equal(vmsg_bus_open("builtin:echo", &o, &b, err, sizeof err), VMSG_BUS_OK);
    struct vmsg_endpoint ep = test_echo_endpoint();
    volatile int stop = 1;
    struct vmsg_serve_opts so = {&stop, -1, -1, 5};
    assert_int_equal(vmsg_bus_serve(b, &ep, &so), VMSG_BUS_OK);
    stop = 0;
    so.idle_ms = 30;
    assert_int_equal(vmsg_bus_serve(b, &ep, &so), VMSG_BUS_TIMEOUT);
    assert_non_null(strstr(vmsg_bus_error(b), "idle timeout"));
    vmsg_bus_close(b);
}

/* v0 frames are 40 bytes whatever their header says; two in one write, one in pieces */
static void bus_v0_fixed_frames(void **state)
{
    char dir[64], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(uri, sizeof uri, "unix-listen:%s/v0.sock", dir);
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.profile = VMSG_PROFILE_V0;
    struct vmsg_bus *b;
    assert_int_equal(vmsg_bus_open(uri, &o, &b, err, sizeof err), VMSG_BUS_OK);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/v0.sock", dir);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
            _exit(3);
        uint8_t f[120];
        for (int i = 0; i < 120; i++)
            f[i] = (uint8_t)(i / 40 + 1);
        if (write(fd, f, 80) != 80)
            _exit(4);
        for (int i = 80; i < 120; i++)
            if (write(fd, f + i, 1) != 1)
                _exit(5);
        _exit(0);
    }
    uint8_t in[300];
    size_t len;
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 5000), VMSG_BUS_OK);
        assert_int_equal(len, 40);
        assert_int_equal(in[0], i);
        assert_int_equal(in[39], i);
    }
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 5000), VMSG_BUS_CLOSED);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    vmsg_bus_close(b);
    rm_dir(dir);
}

/* pcap: a capture as a frame source: frames towards us, then CLOSED; compare=1 checks sends */
static void bus_pcap_source(void **state)
{
    char dir[64], path[100], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.pcap", dir);
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    assert_non_null(w);
    for (int i = 0; i < 6; i++) {
        uint8_t f[32];
        test_frame(f, 16 + (size_t)i, (uint16_t)i);
        struct vmsg_cap_meta m = vmsg_cap_meta_unknown();
        m.direction = (uint8_t)(i % 2); /* even: driver-to-device */
        struct vmsg_cap_ts ts = {1000 + i, 0};
        assert_true(vmsg_cap_write(w, &ts, &m, f, 16 + (size_t)i));
    }
    assert_true(vmsg_cap_writer_close(w, err, sizeof err));
    snprintf(uri, sizeof uri, "pcap:%s?compare=1", path);
    struct vmsg_bus *b;
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK); /* driver */
    uint8_t in[300], f[32];
    size_t len;
    for (int i = 1; i < 6; i += 2) {
        assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 100), VMSG_BUS_OK);
        assert_int_equal(len, 16 + i);
        assert_int_equal(in[4], i);
    }
    assert_int_equal(vmsg_bus_recv(b, in, sizeof in, &len, 100), VMSG_BUS_CLOSED);
    test_frame(f, 16, 0);
    assert_int_equal(vmsg_bus_send(b, f, 16), VMSG_BUS_OK); /* same as capture frame 1 */
    test_frame(f, 18, 2);
    f[10] ^= 0xff;
    assert_int_equal(vmsg_bus_send(b, f, 18), VMSG_BUS_ERROR);
    assert_non_null(strstr(vmsg_bus_error(b), "differs from capture frame 3 at byte 10"));
    vmsg_bus_close(b);
    rm_dir(dir);
}

static void relay_tap(void *ctx, const struct vmsg_bus_tap_rec *r)
{
    int *n = ctx;
    n[r->direction]++;
}

/* relay: a driver on unix: <-> relay <-> builtin:echo (the proxy shape) */
static void bus_relay_unix_to_builtin(void **state)
{
    char dir[64], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(uri, sizeof uri, "unix-listen:%s/r.sock", dir);
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.side = VMSG_BUS_SIDE_DEVICE; /* faces the driver */
    struct vmsg_bus *a, *b;
    assert_int_equal(vmsg_bus_open(uri, &o, &a, err, sizeof err), VMSG_BUS_OK);
    o.side = VMSG_BUS_SIDE_DRIVER; /* faces the device */
    o.builtins = test_builtins;
    assert_int_equal(vmsg_bus_open("builtin:echo", &o, &b, err, sizeof err), VMSG_BUS_OK);
    pid_t pid = fork();
    if (pid == 0) {
        struct vmsg_bus *c;
        char cerr[320], curi[160];
        snprintf(curi, sizeof curi, "unix:%s/r.sock", dir);
        if (vmsg_bus_open(curi, NULL, &c, cerr, sizeof cerr) != VMSG_BUS_OK)
            _exit(3);
        for (int i = 0; i < 5; i++) {
            uint8_t f[32], in[32];
            size_t len;
            test_frame(f, sizeof f, (uint16_t)i);
            if (vmsg_bus_send(c, f, sizeof f) != VMSG_BUS_OK ||
                vmsg_bus_recv(c, in, sizeof in, &len, 5000) != VMSG_BUS_OK || in[0] != 1 ||
                in[4] != i)
                _exit(4);
        }
        vmsg_bus_close(c);
        _exit(0);
    }
    int dirs[3] = {0, 0, 0}, which = -1;
    struct vmsg_relay_opts ro = {NULL, 10000, -1, relay_tap, dirs};
    assert_int_equal(vmsg_bus_relay(a, b, &ro, &which), VMSG_BUS_CLOSED);
    assert_int_equal(which, 0);
    assert_int_equal(dirs[0], 5); /* driver-to-device */
    assert_int_equal(dirs[1], 5);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    vmsg_bus_close(a);
    vmsg_bus_close(b);
    rm_dir(dir);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-bus_peer\n", argv[0]);
        return 2;
    }
    g_peer_prog = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bus_uri_errors),
        cmocka_unit_test(bus_tcp_unreachable),
        cmocka_unit_test(bus_tcp_listen_defaults_to_loopback),
        cmocka_unit_test(bus_unix_listen_stale_and_foreign_files),
        cmocka_unit_test(bus_exec_stderr_captured),
        cmocka_unit_test(bus_exec_stubborn_child_killed),
        cmocka_unit_test(bus_exec_no_shell),
        cmocka_unit_test(bus_builtin_endpoints),
        cmocka_unit_test(bus_serve_over_unix),
        cmocka_unit_test(bus_serve_stops),
        cmocka_unit_test(bus_relay_unix_to_builtin),
        cmocka_unit_test(bus_pcap_source),
        cmocka_unit_test(bus_v0_fixed_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
