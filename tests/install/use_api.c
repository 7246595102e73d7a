/* Built by tests/install/install.sh against an INSTALLED libvmsg, with the
 * flags of `pkg-config --cflags --libs vmsg`: decodes one message through the
 * public API and looks one clause up in the built-in catalog. */
#include <stdio.h>
#include <string.h>

#include <vmsg/catalog.h>
#include <vmsg/version.h>
#include <vmsg/wire.h>

int main(void)
{
    /* GET_CONFIG request, device 1, token 7, offset 0, length 4 (v1) */
    static const uint8_t msg[] = {0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x10, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00};
    struct vmsg_msg m;
    struct vmsg_diag d;
    enum vmsg_outcome oc = vmsg_decode(VMSG_PROFILE_V1, 0, msg, sizeof msg, &m, &d);
    if (oc != VMSG_OK) {
        fprintf(stderr, "use_api: decode: %s\n", vmsg_outcome_name(oc));
        return 1;
    }
    char line[256];
    vmsg_summary(&m, line, sizeof line);
    const struct vmsg_clause *c = vmsg_clause_find("device.config-gen.3");
    printf("libvmsg %s: %s; clause %s\n", VMSG_VERSION_STRING, line, c ? c->id : "(missing)");
    return c ? 0 : 1;
}
