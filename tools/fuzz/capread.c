/* Reading a whole capture as `vmsg dump` does, for the capture targets
 * (fuzz_capture.c, fuzz_caprec.c). */
#include <vmsg/capture.h>
#include <vmsg/wire.h>

#include "fuzz.h"

void vmsg__fuzz_read_capture(const char *path, unsigned flags)
{
    char err[512];
    err[0] = 0;
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(path, flags, err, sizeof err);
    if (!r) {
        if (!err[0])
            vmsg__fuzz_fail("capture", "open failed without an error text");
        return;
    }
    int lt = vmsg_cap_reader_linktype(r);
    if (lt != VMSG_LINKTYPE_UPPER_PDU && (lt < VMSG_LINKTYPE_USER0 || lt > VMSG_LINKTYPE_USER15))
        vmsg__fuzz_fail("capture", "opened a foreign link type");
    struct vmsg_cap_rec rec;
    uint64_t last = 0;
    int rc;
    while ((rc = vmsg_cap_next(r, &rec)) == 1) {
        if (rec.frame != last + 1)
            vmsg__fuzz_fail("capture", "frame numbers not consecutive");
        last = rec.frame;
        if (rec.caplen && !rec.msg)
            vmsg__fuzz_fail("capture", "message bytes missing");
        (void)vmsg_cap_dir_name(rec.meta.direction);
        (void)vmsg_cap_bus_kind_name(rec.meta.bus_kind);
        (void)vmsg_cap_profile_name(rec.meta.profile);
        (void)vmsg_cap_form_name(rec.form);
        int prof = vmsg_cap_profile_from_code(rec.meta.profile);
        struct vmsg_msg m;
        struct vmsg_diag d;
        char text[256];
        if (vmsg_decode(prof < 0 ? VMSG_PROFILE_V1 : (unsigned)prof, VMSG_BINDING_NONE, rec.msg, rec.caplen, &m,
                        &d) <= VMSG_NONCONFORMANT)
            vmsg_summary(&m, text, sizeof text);
    }
    if (rc != 0 && rc != -1)
        vmsg__fuzz_fail("capture", "vmsg_cap_next returned neither 1, 0 nor -1");
    if (rc == -1) {
        if (!vmsg_cap_reader_error(r)[0])
            vmsg__fuzz_fail("capture", "error without a text");
        if (vmsg_cap_next(r, &rec) != -1)
            vmsg__fuzz_fail("capture", "reader went on after an error");
    }
    vmsg_cap_reader_close(r);
}
