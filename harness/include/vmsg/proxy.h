/* Live proxying: relay frames between a driver-side and a device-side bus
 * adapter, record every frame to a capture and feed it to the passive
 * checker as it passes (DESIGN.md section 2: one oracle for every mode).
 * The middle is either a plain relay (vmsg_bus_relay) or the reference bus
 * (refbus, vmsg/ref.h) with its two faces.
 *
 *   driver --- [drv: bus opened with side=device]   proxy   [dev: side=driver] --- device
 *
 * Frames are numbered in the order the proxy saw them, 1-based: that number
 * is the capture record number and the frame number of every finding. With
 * refbus, frames of the driver face are bus instance 0 and frames of the
 * device face instance 1 (the checker keeps them apart). */
#ifndef VMSG_PROXY_H
#define VMSG_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include <vmsg/bus.h>
#include <vmsg/capture.h>
#include <vmsg/check.h>
#include <vmsg/ref.h>

struct vmsg_proxy_opts {
    unsigned profile;             /* enum vmsg_profile (checker and capture header) */
    unsigned binding;             /* enum vmsg_binding, for the checker */
    uint32_t max_msg_size;        /* bus maximum for the size rules, 0 unknown */
    bool check;                   /* run the passive checker */
    bool strict, complete;        /* checker options (vmsg/check.h) */
    vmsg_check_cb on_finding;     /* each finding, as it happens */
    void *user;
    struct vmsg_cap_writer *capture; /* NULL: none; the caller opens and closes it */
    /* refbus in the middle instead of a plain relay */
    bool refbus;
    struct vmsg_refbus_opts bus;
    struct vmsg_fault_set bus_faults;
    /* bounds */
    const volatile int *stop;
    int timeout_ms;               /* total, -1 none */
    int idle_ms;                  /* -1 none */
};
void vmsg_proxy_opts_init(struct vmsg_proxy_opts *o);

struct vmsg_proxy_result {
    int status;                   /* VMSG_BUS_CLOSED (a side closed), OK (stopped), TIMEOUT, or a failure */
    int ended_by;                 /* 0 driver side, 1 device side */
    char why[400];                /* vmsg_bus_error of the side that ended it */
    uint64_t frames;              /* frames relayed (capture records) */
    uint64_t to_device, to_driver;
    bool capture_failed;          /* a capture write failed (the relay went on) */
    char capture_error[300];
    struct vmsg_check_counts counts; /* checker totals after the end-of-trace rules */
};

/* Run until a side closes, a stop, a timeout or a transport failure. Both
 * buses stay open (the caller finishes and closes them). Returns 0, or -1
 * when the proxy itself could not start (out of memory, bad options: why). */
int vmsg_proxy_run(struct vmsg_bus *drv, struct vmsg_bus *dev, const struct vmsg_proxy_opts *o,
                   struct vmsg_proxy_result *res);

/* Parse the --bus argument "ref[?fault=A,B&dev=1,3&window=N]" into o
 * (refbus on). Returns true, or false with a one-line reason in err. */
bool vmsg_proxy_parse_bus(const char *spec, struct vmsg_proxy_opts *o, char *err, size_t errcap);

#endif
