/* vmsg refdev: the reference device. Here: --list-faults, --personality FILE
 * --check, --help (serving over a bus adapter comes with the adapters). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>

#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdev [--personality FILE] [--check] [--fault NAME[,NAME...]] [--list-faults]\n"
            "The reference virtio-msg v1 device. Its personality (ids, features, config,\n"
            "queues, shm regions, choices the spec leaves open) comes from a YAML file or the\n"
            "built-in default; named faults each break one clause.\n\n"
            "  -p, --personality FILE  load the personality (default: built-in)\n"
            "  -c, --check             load, validate and print the personality, then exit\n"
            "  -f, --fault LIST        comma-separated dev faults to inject\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every dev fault\n"
            "  -h, --help              this text\n\n"
            "example:\n"
            "  vmsg refdev --personality harness/ref/personalities/big-config.yaml --check\n\n"
            "exit: 0 ok, 2 usage or personality error\n");
}

int vmsg_cmd_refdev(int argc, char **argv)
{
    static const struct option lo[] = {{"personality", required_argument, 0, 'p'},
                                       {"check", no_argument, 0, 'c'},
                                       {"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *pers = NULL;
    bool check = false;
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    char err[512];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:cf:lh", lo, NULL)) != -1) {
        switch (c) {
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
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: refdev: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    struct vmsg_personality p;
    if (pers) {
        if (!vmsg_personality_load(&p, pers, err, sizeof err)) {
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
    fprintf(stderr, "vmsg: refdev: serving needs --listen URI (bus adapters not built in yet); use --check\n");
    return 2;
}
