/* A hostile device for the robustness tests: the reference device on
 * stdin/stdout with one bad habit chosen by argv[1]:
 *   crash     abort() on the 6th message it receives
 *   hang      answer the first 3 messages, then read and never answer
 *   flood     send 200 EVENT_USED frames after every answer
 *   garbage   answer the 4th message with 64 random bytes
 *   oversize  answer the 4th message with a frame claiming 4000 bytes
 *   close     exit after reading the 2nd message
 *   wrongdev  every answer carries dev_num + 1
 *   twice     every answer is sent twice
 * Frames are msg_size-delimited (v1). Reads go through the bus adapter
 * library's framing rules by hand: header first, then the rest. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/cursor.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

static const char *mode;
static unsigned received;

static void write_all(const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            exit(0);
        p += w;
        n -= (size_t)w;
    }
}

static void emit(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx;
    uint8_t buf[4096];
    if (len > sizeof buf)
        return;
    memcpy(buf, f, len);
    if (!strcmp(mode, "wrongdev"))
        vmsg_put_le(buf + 2, (uint16_t)(vmsg__le(buf + 2, 2) + 1), 2);
    if (!strcmp(mode, "garbage") && received == 4) {
        for (unsigned i = 0; i < 64; i++)
            buf[i] = (uint8_t)(i * 37 + 11);
        write_all(buf, 64);
        return;
    }
    if (!strcmp(mode, "oversize") && received == 4) {
        vmsg_put_le(buf + 6, 4000, 2);
        write_all(buf, len);
        return;
    }
    write_all(buf, len);
    if (!strcmp(mode, "twice"))
        write_all(buf, len);
    if (!strcmp(mode, "flood")) {
        static const uint8_t used[12] = {0x00, 0x42, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00};
        for (unsigned i = 0; i < 200; i++)
            write_all(used, sizeof used);
    }
}

static bool read_all(uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = read(0, p, n);
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hostile_iut MODE\n");
        return 2;
    }
    mode = argv[1];
    signal(SIGPIPE, SIG_DFL);
    struct vmsg_personality p;
    vmsg_personality_default(&p);
    struct vmsg_refdev *d = vmsg_refdev_new(&p, NULL);
    struct vmsg_endpoint ep = vmsg_refdev_endpoint(d);
    uint8_t f[65536];
    for (;;) {
        if (!read_all(f, 8))
            break;
        size_t len = vmsg_frame_len(VMSG_PROFILE_V1, f, 8);
        if (len < 8 || !read_all(f + 8, len - 8))
            break;
        received++;
        fprintf(stderr, "hostile(%s): message %u\n", mode, received);
        if (!strcmp(mode, "crash") && received == 6)
            abort();
        if (!strcmp(mode, "close") && received == 2)
            return 0;
        if (!strcmp(mode, "hang") && received > 3)
            continue;
        ep.ops->receive(ep.self, f, len, emit, NULL);
    }
    vmsg_refdev_free(d);
    return 0;
}
