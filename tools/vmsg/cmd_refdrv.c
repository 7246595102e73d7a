/* vmsg refdrv: the reference driver. Here: --list-faults and --help
 * (connecting over a bus adapter comes with the adapters). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>

#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdrv [--fault NAME[,NAME...]] [--list-faults]\n"
            "The reference virtio-msg v1 driver: GET_DEVICES (with a bus), GET_DEVICE_INFO,\n"
            "feature negotiation, queue setup, DRIVER_OK, I/O, runtime SET_CONFIG, reset and\n"
            "re-init. Named faults each break one driver clause.\n\n"
            "  -f, --fault LIST        comma-separated drv faults to inject\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every drv fault\n"
            "  -h, --help              this text\n\n"
            "example:\n"
            "  vmsg refdrv --list-faults | grep features\n\n"
            "exit: 0 ok, 2 usage error\n");
}

int vmsg_cmd_refdrv(int argc, char **argv)
{
    static const struct option lo[] = {{"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    char err[256];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:lh", lo, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DRV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdrv: --fault: %s\n", err);
                return 2;
            }
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DRV); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    fprintf(stderr, "vmsg: refdrv: running needs --connect URI (bus adapters not built in yet)\n");
    return 2;
}
