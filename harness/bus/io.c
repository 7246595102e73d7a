/* Time and fd helpers of the adapters: deadlines, poll waits that restart on
 * EINTR without overrunning the deadline, and complete writes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bus_internal.h"

int64_t vmsg__bus_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t vmsg__bus_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t vmsg__bus_deadline(int timeout_ms)
{
    if (timeout_ms < 0)
        return INT64_MAX;
    return vmsg__bus_now_ms() + timeout_ms;
}

int vmsg__bus_left_ms(int64_t deadline)
{
    if (deadline == INT64_MAX)
        return -1;
    int64_t left = deadline - vmsg__bus_now_ms();
    if (left <= 0)
        return 0;
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

int vmsg__bus_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int vmsg__bus_wait_fd(int fd, short events, int64_t deadline, short *revents)
{
    for (;;) {
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, vmsg__bus_left_ms(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (revents)
            *revents = p.revents;
        return n > 0 ? 1 : 0;
    }
}

int vmsg__bus_write_all(int fd, bool is_socket, const uint8_t *buf, size_t len, int64_t deadline,
                    int *errnum)
{
    size_t off = 0;
    *errnum = 0;
    while (off < len) {
        ssize_t n = is_socket ? send(fd, buf + off, len - off, MSG_NOSIGNAL)
                              : write(fd, buf + off, len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            short rev = 0;
            int w = vmsg__bus_wait_fd(fd, POLLOUT, deadline, &rev);
            if (w == 0)
                return VMSG_BUS_TIMEOUT;
            if (w < 0) {
                *errnum = errno;
                return VMSG_BUS_ERROR;
            }
            continue; /* POLLERR/POLLHUP: the next write reports it */
        }
        *errnum = n < 0 ? errno : EIO;
        if (*errnum == EPIPE || *errnum == ECONNRESET)
            return VMSG_BUS_CLOSED;
        return VMSG_BUS_ERROR;
    }
    return VMSG_BUS_OK;
}
