/* Fuzz target: the personality loader of the reference device
 * (vmsg_personality_load), fed YAML through a private temporary file. A
 * personality that loads is printed, queried, and given to a reference device
 * that answers one GET_DEVICE_INFO request per device number. */
#include <stdio.h>
#include <string.h>

#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "fuzz.h"

static void drop(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    (void)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = vmsg__fuzz_tmpfile(data, size);
    if (!path)
        return 0;
    static struct vmsg_personality p; /* 4 KiB of config: keep it off the stack */
    vmsg_personality_default(&p);
    char err[512];
    err[0] = 0;
    if (!vmsg_personality_load(&p, path, err, sizeof err)) {
        if (!err[0])
            vmsg__fuzz_fail("personality", "failed load without an error text");
        return 0;
    }
    if (p.config_size > VMSG_PERS_MAX_CONFIG || p.ndevs > VMSG_PERS_MAX_DEVS || p.nqueues > VMSG_PERS_MAX_QUEUES ||
        p.nshm > VMSG_PERS_MAX_SHM || p.profile >= VMSG_PROFILE_COUNT || !memchr(p.name, 0, sizeof p.name))
        vmsg__fuzz_fail("personality", "loaded personality out of its bounds");
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        vmsg_personality_print(out, &p);
        fclose(out);
    }
    for (unsigned bit = 0; bit < 32 * VMSG_PERS_FEATURE_WORDS + 8; bit++)
        (void)vmsg_personality_offers(&p, bit);
    struct vmsg_refdev *d = vmsg_refdev_new(&p, NULL);
    if (!d)
        return 0;
    struct vmsg_endpoint ep = vmsg_refdev_endpoint(d);
    for (unsigned i = 0; i < p.ndevs; i++) {
        struct vmsg_msg m;
        uint8_t buf[64];
        if (!vmsg_msg_init(&m, p.profile, VMSG_BINDING_NONE, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT,
                           VMSG_KIND_REQUEST, p.dev_nums[i]))
            break;
        size_t n = vmsg_encode(&m, buf, sizeof buf);
        if (n)
            ep.ops->receive(ep.self, buf, n, drop, NULL);
    }
    vmsg_refdev_free(d);
    return 0;
}
