/* Test peers for the bus adapter tests: an echo endpoint (answers every
 * frame with the same bytes, type bit 0 set) and raw peers that misbehave on
 * purpose over plain fds (1-byte writes, silence, crashes, bad lengths). */
#ifndef VMSG_TEST_BUS_PEER_H
#define VMSG_TEST_BUS_PEER_H

#include <stddef.h>
#include <stdint.h>

#include <vmsg/bus.h>
#include <vmsg/endpoint.h>

/* builtin: registry with "echo" (and "ticker": emits one frame per poll, 3 in all) */
extern const struct vmsg_builtin test_builtins[];
struct vmsg_endpoint test_echo_endpoint(void);

/* Fill a v1 frame of len bytes (>= 8): type 0, msg_id 0x05, dev 1, token,
 * msg_size = len, payload bytes (i * 7 + token). */
void test_frame(uint8_t *buf, size_t len, uint16_t token);

/* Stream peer on fds: modes echo, dribble, silent, crash, oversize,
 * malformed, exit, stderr, stubborn (ignores stdin EOF and SIGTERM).
 * Returns the process exit code to use. */
int test_peer_stream(int in, int out, const char *mode);
/* SOCK_SEQPACKET peer: modes echo, silent, malformed, short, oversize, exit. */
int test_peer_dgram(int fd, const char *mode);

#endif
