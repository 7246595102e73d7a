/* See serve.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "serve.h"

static volatile int g_stop; /* set by SIGINT/SIGTERM only (CLI process state, not the library's) */

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int vmsg__serve_open(const char *cmd, const char *uri, enum vmsg_bus_side side, struct vmsg_bus **out)
{
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.side = side;
    char err[512];
    int rc = vmsg_bus_open(uri, &o, out, err, sizeof err);
    if (rc != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg: %s: %s\n", cmd, err);
        return rc == VMSG_BUS_USAGE ? 2 : 3;
    }
    return 0;
}

int vmsg__serve_run(const char *cmd, struct vmsg_bus *b, struct vmsg_endpoint *ep)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a vanished peer is a CLOSED status, not a signal */
    struct vmsg_serve_opts so = {&g_stop, -1, -1, 10};
    int rc = vmsg_bus_serve(b, ep, &so);
    int code = 0;
    if (rc != VMSG_BUS_OK && rc != VMSG_BUS_CLOSED) {
        fprintf(stderr, "vmsg: %s: %s\n", cmd, vmsg_bus_error(b));
        code = 3;
    }
    vmsg_bus_close(b);
    return code;
}
