/* Plugin entry points for Wireshark 4.0 (the four exported symbols). */
#include <ws_symbol_export.h>
#include <ws_version.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <vmsg/version.h>

#include "vmsgd.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = VMSG_VERSION_STRING;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = vmsgd_register;
    plug.register_handoff = vmsgd_handoff;
    proto_register_plugin(&plug);
}
