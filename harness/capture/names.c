/* Names of capture-header values, for vmsg dump, reports and option parsing. */
#include <string.h>

#include <vmsg/capture.h>
#include <vmsg/wire.h>

static const char *const bus_kinds[VMSG_BUS_KIND_COUNT] = {
    "unknown", "loopback", "exec", "unix", "tcp", "seqpacket", "shm", "ffa", "amp",
};

const char *vmsg_cap_dir_name(unsigned dir)
{
    switch (dir) {
    case VMSG_DIR_DRV_TO_DEV: return "drv>dev";
    case VMSG_DIR_DEV_TO_DRV: return "dev>drv";
    default: return "?";
    }
}

const char *vmsg_cap_bus_kind_name(unsigned kind)
{
    return kind < VMSG_BUS_KIND_COUNT ? bus_kinds[kind] : NULL;
}

int vmsg_cap_bus_kind_by_name(const char *name)
{
    for (unsigned i = 0; i < VMSG_BUS_KIND_COUNT; i++)
        if (!strcmp(name, bus_kinds[i]))
            return (int)i;
    return -1;
}

int vmsg_cap_profile_from_code(unsigned code)
{
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        if (vmsg_profile_defs[i].code == code)
            return (int)i;
    return -1;
}

const char *vmsg_cap_profile_name(unsigned code)
{
    if (code == VMSG_CAP_PROFILE_UNKNOWN)
        return "unknown";
    int p = vmsg_cap_profile_from_code(code);
    return p < 0 ? NULL : vmsg_profile_defs[p].name;
}

const char *vmsg_cap_form_name(unsigned form)
{
    switch (form) {
    case VMSG_CAP_FORM_VMSGCAP: return "exported-pdu vmsgcap";
    case VMSG_CAP_FORM_VIRTIO_MSG: return "exported-pdu virtio-msg";
    case VMSG_CAP_FORM_USER_HEADER: return "user link type";
    case VMSG_CAP_FORM_USER_BARE: return "user link type, bare";
    default: return "?";
    }
}
