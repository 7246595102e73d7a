/* vmsg refdrv: the reference driver as a standalone program: connect to a
 * device over a bus URI and run its script (--connect), list the faults. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>

#include "cli.h"
#include "commands.h"
#include "serve.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdrv --connect URI [--bus] [--fault NAME[,NAME...]]\n"
            "       vmsg refdrv --list-faults\n"
            "The reference virtio-msg v1 driver: GET_DEVICES (with a bus), GET_DEVICE_INFO,\n"
            "feature negotiation, queue setup, DRIVER_OK, I/O, runtime SET_CONFIG, reset and\n"
            "re-init. Named faults each break one driver clause.\n\n"
            "  -C, --connect URI       drive the device at URI (unix:PATH, tcp:HOST:PORT,\n"
            "                          seqpacket:PATH, shm:DIR/NAME, stdio:, exec:PROGRAM ARGS,\n"
            "                          unix-listen:PATH...) until the script ends\n"
            "  -b, --bus               enumerate with GET_DEVICES first (a bus is present)\n"
            "  -f, --fault LIST        comma-separated drv faults to inject\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every drv fault\n"
            "  -h, --help              this text\n\n"
            "examples:\n"
            "  vmsg refdrv --connect 'exec:vmsg refdev --listen stdio:'\n"
            "  vmsg refdrv --list-faults | grep features\n\n"
            "exit: 0 script completed, 1 the device did not behave as the script expects,\n"
            "      2 usage error, 3 transport error\n");
}

int vmsg_cmd_refdrv(int argc, char **argv)
{
    static const struct option lo[] = {{"connect", required_argument, 0, 'C'},
                                       {"bus", no_argument, 0, 'b'},
                                       {"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *connect = NULL;
    struct vmsg_refdrv_opts ro;
    vmsg_refdrv_opts_default(&ro);
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    char err[256];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":C:bf:lh", lo, NULL)) != -1) {
        switch (c) {
        case 'C': connect = optarg; break;
        case 'b': ro.bus = true; break;
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DRV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdrv: --fault: %s\n", err);
                return 2;
            }
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DRV); return 0;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("refdrv", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: refdrv: unexpected argument '%s' (see vmsg refdrv --help)\n", argv[optind]);
        return 2;
    }
    if (!connect) {
        fprintf(stderr, "vmsg: refdrv: give --connect URI or --list-faults (see vmsg refdrv --help)\n");
        return 2;
    }
    struct vmsg_bus *b;
    int rc = vmsg__serve_open("refdrv", connect, VMSG_BUS_SIDE_DRIVER, &b);
    if (rc)
        return rc;
    ro.max_msg_size = vmsg_bus_params(b)->max_msg_size;
    struct vmsg_refdrv *d = vmsg_refdrv_new(&ro, &fs);
    if (!d) {
        fprintf(stderr, "vmsg: refdrv: out of memory\n");
        vmsg_bus_close(b);
        return 3;
    }
    struct vmsg_endpoint ep = vmsg_refdrv_endpoint(d);
    rc = vmsg__serve_run("refdrv", b, &ep);
    const char *why = NULL;
    int res = vmsg_refdrv_result(d, &why);
    if (rc == 0 && res <= 0) {
        fprintf(stderr, "vmsg: refdrv: %s: %s\n", connect,
                res < 0 ? (why ? why : "script failed") : "the peer closed before the script ended");
        rc = 1;
    }
    vmsg_refdrv_free(d);
    return rc;
}
