/* Test links: open one adapter kind with a real peer process behind it. */
#ifndef VMSG_TEST_BUS_LINKS_H
#define VMSG_TEST_BUS_LINKS_H

#include <stdbool.h>
#include <sys/types.h>

#include <vmsg/bus.h>

enum link_kind {
    LINK_EXEC,
    LINK_UNIX,          /* we connect, the peer listens */
    LINK_UNIX_LISTEN,   /* we listen, the peer connects */
    LINK_TCP,
    LINK_TCP_LISTEN,
    LINK_SEQPACKET,
    LINK_SEQPACKET_LISTEN,
};

struct link {
    enum link_kind kind;
    struct vmsg_bus *bus;
    pid_t pid;          /* forked peer, 0 for exec (the bus owns the child) */
    char dir[64];
    char uri[256];
};

extern const char *g_peer_prog; /* path of bus_peer, from argv[1] */

/* Open KIND with a peer running MODE (see peer.h); query is appended to
 * socket URIs ("" for none). Fails the test on error. */
void link_open(struct link *l, enum link_kind kind, const char *mode, const char *query,
               const struct vmsg_bus_opts *opts);
/* Close the bus, reap the peer; returns the peer's wait status (exec: from finish). */
int link_close(struct link *l);
const char *link_name(enum link_kind k);
bool link_is_dgram(enum link_kind k);
/* A fresh temporary directory (removed by rm_dir). */
void make_dir(char *out, size_t cap);
void rm_dir(const char *dir);

#endif
