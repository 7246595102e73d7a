/* Fuzz target: the capture reader on whole files (pcap global header,
 * record headers, link types, exported-PDU tags, capture header), through a
 * private temporary file (libpcap opens a path). Every record is read with
 * and without VMSG_CAP_READ_BARE, and its message decoded as `vmsg dump`
 * would (its profile from the capture header, v1 when unknown).
 * Seeds: vectors/captures/ (every form the reader accepts or refuses). */
#include <vmsg/capture.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = vmsg__fuzz_tmpfile(data, size);
    if (!path)
        return 0;
    vmsg__fuzz_read_capture(path, 0);
    vmsg__fuzz_read_capture(path, VMSG_CAP_READ_BARE);
    return 0;
}
