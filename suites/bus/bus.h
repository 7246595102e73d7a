/* Helpers of the bus suite: the harness holds both ends of the bus under
 * test, the driver on VMSG_SIDE_DRIVER and the devices on VMSG_SIDE_DEVICE. */
#ifndef VMSG_SUITE_BUS_H
#define VMSG_SUITE_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include <vmsg/engine.h>

#define BUS_FRAME_MAX 65600
#define BUS_MAX_DEVS 8

/* A received frame with its own buffer (m points into buf: never copy). */
struct bus_frame {
    size_t len;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t buf[BUS_FRAME_MAX];
};

/* The device numbers the harness serves behind the bus: ICS "bus.devices"
 * (comma-separated), default the link's dev_num and dev_num + 1 (the default
 * of builtin:refbus). Returns how many (at least 1). */
unsigned bus_devices(struct vmsg_case *c, uint16_t out[BUS_MAX_DEVS]);
bool bus_is_device(struct vmsg_case *c, uint16_t dev_num);
/* A non-zero device number the bus has never seen. */
uint16_t bus_unknown_dev(struct vmsg_case *c);

/* NA unless the run holds both sides of a bus. */
void bus_need_two_sides(struct vmsg_case *c);

/* Start a message of the link's profile; NA when the profile lacks it. */
void bus_msg(struct vmsg_case *c, struct vmsg_msg *m, unsigned mname, unsigned cls, unsigned kind,
             uint16_t dev_num);
/* GET_CONFIG request (offset, length 4) or SET_CONFIG request with data. */
void bus_get_config(struct vmsg_case *c, struct vmsg_msg *m, uint16_t dev_num, uint32_t offset);
void bus_set_config(struct vmsg_case *c, struct vmsg_msg *m, uint16_t dev_num, uint32_t offset, const uint8_t *data,
                    uint32_t len);
void bus_send(struct vmsg_case *c, unsigned side, struct vmsg_msg *m);

/* The next frame on SIDE within the reply timeout; false when none came.
 * Every frame is checked on the way: size within the link maximum
 * (bus.advertise.2), zero padding after msg_size (bus.header.3), and for bus
 * messages dev_num 0 (bus.header.1) and reserved type bits 0 (bus.header.2).
 * Traffic the bus may originate on its own is handled and skipped: on the
 * device side PING, GET_DEVICES and GET_DEVICE_INFO are answered as a device
 * side would; on the driver side EVENT_DEVICE is skipped (a READY for a
 * number the harness does not serve fails bus.discovery.1) unless bus_events
 * is set. */
bool bus_recv(struct vmsg_case *c, unsigned side, struct bus_frame *f, bool bus_events);
/* Nothing (but the skipped traffic above) arrives on SIDE within the reply
 * timeout; anything else is a FAIL against clause. */
bool bus_silence(struct vmsg_case *c, unsigned side, const char *clause, const char *why);

/* The harness device answers request REQ (received on the device side) with
 * the token it carries: GET_CONFIG with bus_pattern data, SET_CONFIG with
 * the data echoed, generation 7. */
void bus_answer(struct vmsg_case *c, const struct bus_frame *req);
/* Config bytes the harness devices hold: a function of device and offset. */
uint8_t bus_pattern(uint16_t dev_num, uint32_t offset);

/* A GET_DEVICES window as the bus answered it (bitmap points into the frame). */
struct bus_window {
    uint32_t off, cnt, next, blen;
    const uint8_t *bitmap;
};
/* GET_DEVICES (off, cnt) from the driver side; false when unanswered. A
 * payload too short for offset, count and next_offset fails
 * bus.get-devices.1 and ends the case. Raw payload bytes are read through
 * the cursor: a faulty response may not fit its own layout. */
bool bus_get_devices(struct vmsg_case *c, uint32_t off, uint32_t cnt, struct bus_frame *f, struct bus_window *w);

/* Same message id, class, kind, msg_size and payload (the header's token and
 * reserved type bits aside). */
bool bus_same_message(struct vmsg_case *c, const struct bus_frame *got, const struct vmsg_msg *sent);
/* Bytes of the payload of frame f (within msg_size and the bytes there). */
const uint8_t *bus_payload(struct vmsg_case *c, const struct bus_frame *f, uint32_t *len);

#endif
