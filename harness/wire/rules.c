/* The codec's own checks, with the clauses they judge (for traceability:
 * `vmsg clauses` lists these as citations). Keep in step with decode.c. */
#include <vmsg/wire.h>

static const struct vmsg_wire_rule rules[] = {
    {"wire.type-reserved", "driver.header.1", "driver-sent type byte has reserved bits 2-7 set"},
    {"wire.type-reserved", "device.header.1", "device-sent type byte has reserved bits 2-7 set"},
    {"wire.type-reserved", "bus.header.2", "bus-generated type byte has reserved bits 2-7 set"},
    {"wire.type-reserved", "common.reserved-zero.1", "reserved header bits transmitted non-zero"},
    {"wire.msg-size", "driver.header.2", "driver-sent msg_size larger than header + payload layout"},
    {"wire.msg-size", "device.header.2", "device-sent msg_size larger than header + payload layout"},
    {"wire.msg-size", "bus.bus-messages.1", "bus-generated message does not follow the standard layout"},
    {"wire.padding", "driver.header.4", "driver-added padding after msg_size is not zero"},
    {"wire.padding", "device.header.4", "device-added padding after msg_size is not zero"},
    {"wire.padding", "bus.header.3", "bus framing or padding is not zero"},
    {"wire.mbz-field", "common.reserved-zero.1", "reserved payload field is not zero"},
    {"wire.bus-dev-num", "bus.header.1", "bus message with dev_num other than 0"},
    {"wire.multiple-of", "device.get-device-info.1", "num_feature_bits not a multiple of 32"},
    {"wire.multiple-of", "bus.get-devices.1", "GET_DEVICES offset or count not a multiple of 8"},
    {"wire.multiple-of", "bus.get-devices.2", "GET_DEVICES next_offset not a multiple of 8"},
    {"wire.get-devices-next", "bus.get-devices.2", "GET_DEVICES next_offset neither 0 nor past the window"},
};

const struct vmsg_wire_rule *vmsg_wire_rules(size_t *n)
{
    *n = sizeof rules / sizeof rules[0];
    return rules;
}
