/* vmsg refdev: the reference device as a standalone program: serve it over a
 * bus URI (--listen), check a personality file, list the faults. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>

#include "cli.h"
#include "commands.h"
#include "datadir.h"
#include "serve.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdev (--stdio | --listen URI) [--personality FILE] [--fault NAME[,NAME...]]\n"
            "       vmsg refdev --check [--personality FILE]\n"
            "       vmsg refdev --list-faults\n"
            "The reference virtio-msg v1 device. Its personality (ids, features, config,\n"
            "queues, shm regions, choices the spec leaves open) comes from a YAML file or the\n"
            "built-in default; named faults each break one clause.\n\n"
            "  -L, --listen URI        serve the device on URI until the peer closes: stdio:\n"
            "                          (for a harness's exec:), unix-listen:PATH, tcp-listen:PORT,\n"
            "                          seqpacket-listen:PATH, unix:PATH, shm:DIR/NAME\n"
            "      --stdio             the same as --listen stdio: (as vmsg refdrv --stdio)\n"
            "  -p, --personality FILE  load the personality (default: built-in); a NAME without\n"
            "                          '/' is also looked up in the installed personalities\n"
            "                          (share/vmsg/personalities/NAME.yaml)\n"
            "  -c, --check             load, validate and print the personality, then exit\n"
            "  -f, --fault LIST        comma-separated dev faults to inject\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every dev fault\n"
            "  -h, --help              this text\n\n"
            "examples:\n"
            "  vmsg run --suite device --iut 'exec:vmsg refdev --stdio'\n"
            "  vmsg refdev --listen unix-listen:/tmp/dev.sock --fault dev-ignore-generation\n"
            "  vmsg refdev --personality big-config.yaml --check\n\n"
            "exit: 0 ok (peer closed), 2 usage or personality error, 3 transport error\n");
}

int vmsg_cmd_refdev(int argc, char **argv)
{
    enum { OPT_STDIO = 256 };
    static const struct option lo[] = {{"listen", required_argument, 0, 'L'},
                                       {"stdio", no_argument, 0, OPT_STDIO},
                                       {"personality", required_argument, 0, 'p'},
                                       {"check", no_argument, 0, 'c'},
                                       {"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *pers = NULL, *listen = NULL;
    bool check = false;
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    char err[512];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":L:p:cf:lh", lo, NULL)) != -1) {
        switch (c) {
        case 'L': listen = optarg; break;
        case OPT_STDIO: listen = "stdio:"; break;
        case 'p': pers = optarg; break;
        case 'c': check = true; break;
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DEV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdev: --fault: %s\n", err);
                return 2;
            }
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DEV); return 0;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("refdev", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: refdev: unexpected argument '%s' (see vmsg refdev --help)\n", argv[optind]);
        return 2;
    }
    struct vmsg_personality p;
    if (pers) {
        char path[4096];
        vmsg__personality_path(pers, path, sizeof path);
        if (!vmsg_personality_load(&p, path, err, sizeof err)) {
            fprintf(stderr, "vmsg: %s\n", err);
            return 2;
        }
    } else {
        vmsg_personality_default(&p);
    }
    if (check) {
        vmsg_personality_print(stdout, &p);
        return 0;
    }
    if (!listen) {
        fprintf(stderr, "vmsg: refdev: give --stdio, --listen URI, --check or --list-faults (see vmsg refdev --help)\n");
        return 2;
    }
    struct vmsg_bus *b;
    int rc = vmsg__serve_open("refdev", listen, VMSG_BUS_SIDE_DEVICE, &b);
    if (rc)
        return rc;
    /* as builtin:refdev does: the bus's maximum message size is the device's */
    p.max_msg_size = vmsg_bus_params(b)->max_msg_size;
    struct vmsg_refdev *d = vmsg_refdev_new(&p, &fs);
    if (!d) {
        fprintf(stderr, "vmsg: refdev: out of memory\n");
        vmsg_bus_close(b);
        return 3;
    }
    struct vmsg_endpoint ep = vmsg_refdev_endpoint(d);
    rc = vmsg__serve_run("refdev", b, &ep);
    vmsg_refdev_free(d);
    return rc;
}
