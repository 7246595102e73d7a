/* Serving a reference endpoint over a bus URI, for `vmsg refdev --listen`
 * and `vmsg refdrv --connect`: open, serve until the peer closes, the
 * endpoint finishes or SIGINT/SIGTERM arrives. */
#ifndef VMSG_TOOL_SERVE_H
#define VMSG_TOOL_SERVE_H

#include <vmsg/bus.h>
#include <vmsg/endpoint.h>

/* Opens URI for SIDE; returns 0 and *out, or prints the one-line error and
 * returns the exit code (2 bad URI, 3 transport). */
int vmsg__serve_open(const char *cmd, const char *uri, enum vmsg_bus_side side, struct vmsg_bus **out);
/* Serves EP on B (closes B). Returns 0 when the peer closed or the endpoint
 * finished or a signal stopped it, 3 on a transport error (one line printed). */
int vmsg__serve_run(const char *cmd, struct vmsg_bus *b, struct vmsg_endpoint *ep);

#endif
