/* shm: adapter: two processes exchange 10k frames through the SPSC queue
 * files (wrapping the 4095-frame queues twice), plus slot-size limits,
 * malformed slots and corrupt indices injected straight into the files. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "links.h"
#include "peer.h"

/* child: the device side creates the queues, then serves the echo endpoint */
static pid_t spawn_device(const char *uri)
{
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        struct vmsg_bus_opts o;
        vmsg_bus_opts_init(&o);
        o.side = VMSG_BUS_SIDE_DEVICE;
        struct vmsg_bus *b;
        char err[320];
        int rc = vmsg_bus_open(uri, &o, &b, err, sizeof err);
        char ok = rc == VMSG_BUS_OK ? 'y' : 'n';
        if (write(pfd[1], &ok, 1) != 1 || rc != VMSG_BUS_OK)
            _exit(3);
        struct vmsg_endpoint ep = test_echo_endpoint();
        struct vmsg_serve_opts so = {NULL, 15000, -1, 10};
        rc = vmsg_bus_serve(b, &ep, &so);
        vmsg_bus_close(b);
        _exit(rc == VMSG_BUS_CLOSED ? 0 : 4);
    }
    close(pfd[1]);
    char ok = 0;
    assert_int_equal(read(pfd[0], &ok, 1), 1);
    close(pfd[0]);
    assert_int_equal(ok, 'y');
    return pid;
}

static void bus_shm_10k_frames_wrap(void **state)
{
    char dir[64], uri[160], err[320];
    make_dir(dir, sizeof dir);
    snprintf(uri, sizeof uri, "shm:%s/vq", dir);
    pid_t pid = spawn_device(uri);
    struct vmsg_bus *b;
    assert_int_equal(vmsg_bus_open(uri, NULL, &b, err, sizeof err), VMSG_BUS_OK); /* driver */
    assert_int_equal(vmsg_bus_params(b)->max_msg_size, 64);
    uint16_t tok = 0, want = 0;
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 1000; i++, tok++) { /* a burst: many frames queued at once */
            uint8_t f[64];
            size_t sz = 8 + tok % 57;
            test_frame(f, sz, tok);
            assert_int_equal(vmsg_bus_send(b, f, sz), VMSG_BUS_OK);
        }
        for (int i = 0; i < 1000; i++, want++) {
            uint8_t in[64], f[64];
            size_t len, sz = 8 + want % 57;
            int rc = vmsg_bus_recv(b, in, sizeof in, &len, 5000);
            if (rc != VMSG_BUS_OK)
                fail_msg("frame %u: %s", want, vmsg_bus_error(b));
            test_frame(f, sz, want);
            f[0] |= 1;
            assert_int_equal(len, sz);
            assert_memory_equal(in, f, sz);
        }
    }
    vmsg_bus_close(b);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    rm_dir(dir);
}

/* both sides in one process, with the queue files also mapped by the test */
struct pair {
    char dir[64];
    struct vmsg_bus *dev, *drv;
    uint8_t *q_dev; /* queue-vq-device: device -> driver */
    size_t size;
};

static void pair_open(struct pair *p)
{
    char uri[160], err[320], path[200];
    make_dir(p->dir, sizeof p->dir);
    snprintf(uri, sizeof uri, "shm:%s/vq", p->dir);
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.side = VMSG_BUS_SIDE_DEVICE;
    assert_int_equal(vmsg_bus_open(uri, &o, &p->dev, err, sizeof err), VMSG_BUS_OK);
    o.side = VMSG_BUS_SIDE_DRIVER;
    assert_int_equal(vmsg_bus_open(uri, &o, &p->drv, err, sizeof err), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_wait_peer(p->dev, 1000), VMSG_BUS_OK);
    snprintf(path, sizeof path, "%s/queue-vq-device", p->dir);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    p->size = (size_t)lseek(fd, 0, SEEK_END);
    assert_int_equal(p->size, 262272); /* 4096 slots, as QEMU makes them */
    p->q_dev = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    assert_true(p->q_dev != MAP_FAILED);
}

static void pair_close(struct pair *p)
{
    munmap(p->q_dev, p->size);
    vmsg_bus_close(p->drv);
    vmsg_bus_close(p->dev);
    rm_dir(p->dir);
}

static void bus_shm_slot_limits(void **state)
{
    struct pair p;
    pair_open(&p);
    uint8_t f[65], in[64];
    size_t len;
    test_frame(f, 65, 1);
    assert_int_equal(vmsg_bus_send(p.dev, f, 65), VMSG_BUS_OVERSIZE);
    assert_non_null(strstr(vmsg_bus_error(p.dev), "64-byte queue slot"));
    test_frame(f, 64, 2);
    assert_int_equal(vmsg_bus_send(p.dev, f, 64), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 1000), VMSG_BUS_OK);
    assert_int_equal(len, 64);
    assert_memory_equal(in, f, 64);
    /* the frame sits in slot 0 of the device queue, head moved to 1 */
    assert_memory_equal(p.q_dev + 0x80, f, 64);
    assert_int_equal(p.q_dev[0], 1);
    assert_int_equal(p.q_dev[0x40], 1);
    pair_close(&p);
}

/* a slot whose msg_size is below the header or beyond the slot: MALFORMED, usable after */
static void bus_shm_malformed_slot(void **state)
{
    struct pair p;
    pair_open(&p);
    uint8_t f[16], in[64];
    size_t len;
    test_frame(f, 16, 1);
    f[6] = 3; /* msg_size 3 */
    memcpy(p.q_dev + 0x80, f, 16);
    f[6] = 200; /* msg_size 200 in a 64-byte slot */
    memcpy(p.q_dev + 0x80 + 64, f, 16);
    __atomic_store_n((uint32_t *)(void *)p.q_dev, 2u, __ATOMIC_RELEASE);
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 1000), VMSG_BUS_MALFORMED);
    assert_non_null(strstr(vmsg_bus_error(p.drv), "msg_size 3"));
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 1000), VMSG_BUS_MALFORMED);
    assert_non_null(strstr(vmsg_bus_error(p.drv), "msg_size 200"));
    /* the producer side continues from its own index (2 is where the test wrote) */
    __atomic_store_n((uint32_t *)(void *)p.q_dev, 0u, __ATOMIC_RELEASE);
    pair_close(&p);
}

static void bus_shm_corrupt_index(void **state)
{
    struct pair p;
    pair_open(&p);
    uint8_t in[64];
    size_t len;
    __atomic_store_n((uint32_t *)(void *)p.q_dev, 99999u, __ATOMIC_RELEASE);
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 100), VMSG_BUS_ERROR);
    assert_non_null(strstr(vmsg_bus_error(p.drv), "producer index 99999 is beyond the capacity 4096"));
    pair_close(&p);
}

/* the peer goes away: recv drains what is queued, then CLOSED */
static void bus_shm_peer_close(void **state)
{
    struct pair p;
    pair_open(&p);
    uint8_t f[20], in[64];
    size_t len;
    test_frame(f, 20, 5);
    assert_int_equal(vmsg_bus_send(p.dev, f, 20), VMSG_BUS_OK);
    vmsg_bus_close(p.dev);
    p.dev = NULL;
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 1000), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(p.drv, in, sizeof in, &len, 1000), VMSG_BUS_CLOSED);
    munmap(p.q_dev, p.size);
    vmsg_bus_close(p.drv);
    rm_dir(p.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bus_shm_10k_frames_wrap),
        cmocka_unit_test(bus_shm_slot_limits),
        cmocka_unit_test(bus_shm_malformed_slot),
        cmocka_unit_test(bus_shm_corrupt_index),
        cmocka_unit_test(bus_shm_peer_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
