/* bus_peer: the test peer as a program, for exec: and for serving over a URI.
 *   bus_peer raw MODE           stream peer on stdin/stdout (see peer.h)
 *   bus_peer serve URI SIDE     echo endpoint served on URI with vmsg_bus_serve
 * Exit: the peer's code; serve exits 0 when the other side closed. */
#include <stdio.h>
#include <string.h>

#include "peer.h"

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "raw") == 0)
        return test_peer_stream(0, 1, argv[2]);
    if (argc == 4 && strcmp(argv[1], "serve") == 0) {
        struct vmsg_bus_opts o;
        vmsg_bus_opts_init(&o);
        o.side = strcmp(argv[3], "device") == 0 ? VMSG_BUS_SIDE_DEVICE : VMSG_BUS_SIDE_DRIVER;
        struct vmsg_bus *b;
        char err[320];
        if (vmsg_bus_open(argv[2], &o, &b, err, sizeof err) != VMSG_BUS_OK) {
            fprintf(stderr, "bus_peer: %s\n", err);
            return 3;
        }
        struct vmsg_endpoint ep = test_echo_endpoint();
        struct vmsg_serve_opts so = {NULL, 10000, -1, 10};
        int rc = vmsg_bus_serve(b, &ep, &so);
        if (rc != VMSG_BUS_CLOSED)
            fprintf(stderr, "bus_peer: %s\n", vmsg_bus_error(b));
        vmsg_bus_close(b);
        return rc == VMSG_BUS_CLOSED ? 0 : 4;
    }
    fprintf(stderr, "usage: bus_peer raw MODE | bus_peer serve URI driver|device\n");
    return 2;
}
