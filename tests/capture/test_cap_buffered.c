/* The capture reader's inline step for a record already in its buffer
 * (vmsg__cap_next_buffered, capture_internal.h; the replay's window reads
 * batches with it) gives exactly what vmsg_cap_next gives: over every
 * sample and bad-input capture of vectors/captures, a reader that tries the
 * inline step first and falls back to vmsg_cap_next returns the same
 * records, fields and bytes, and the same end or error, as one that only
 * calls vmsg_cap_next. The inline step must take most records of the
 * usual captures (else it would prove nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture/capture_internal.h"

struct counts {
    unsigned records, buffered;
};

static void same_rec(const struct vmsg_cap_rec *a, const struct vmsg_cap_rec *b)
{
    assert_int_equal(a->frame, b->frame);
    assert_int_equal(a->ts.sec, b->ts.sec);
    assert_int_equal(a->ts.usec, b->ts.usec);
    assert_int_equal(a->form, b->form);
    assert_int_equal(a->has_header, b->has_header);
    assert_int_equal(a->meta.direction, b->meta.direction);
    assert_int_equal(a->meta.profile, b->meta.profile);
    assert_int_equal(a->meta.bus_kind, b->meta.bus_kind);
    assert_int_equal(a->meta.bus_instance, b->meta.bus_instance);
    assert_int_equal(a->meta.flags, b->meta.flags);
    assert_int_equal(a->caplen, b->caplen);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->msg, b->msg, a->caplen);
}

/* Both readers over one file (flags: VMSG_CAP_READ_*). */
static struct counts compare_file(const char *name, unsigned flags)
{
    char path[512], err[400];
    snprintf(path, sizeof path, "%s/vectors/captures/%s", VMSG_SOURCE_DIR, name);
    struct counts n = {0, 0};
    struct vmsg_cap_reader *plain = vmsg_cap_reader_open(path, flags, err, sizeof err);
    struct vmsg_cap_reader *fast = vmsg_cap_reader_open(path, flags, err, sizeof err);
    if (!plain || !fast) { /* a file libpcap refuses: both refuse it */
        assert_null(plain);
        assert_null(fast);
        return n;
    }
    for (;;) {
        struct vmsg_cap_rec a, b;
        int ka = vmsg_cap_next(plain, &a), kb;
        if (vmsg__cap_next_buffered(fast, &b)) {
            kb = 1;
            n.buffered++;
        } else {
            kb = vmsg_cap_next(fast, &b);
        }
        assert_int_equal(ka, kb);
        if (ka != 1) {
            if (ka < 0)
                assert_string_equal(vmsg_cap_reader_error(plain), vmsg_cap_reader_error(fast));
            break;
        }
        same_rec(&a, &b);
        n.records++;
    }
    vmsg_cap_reader_close(plain);
    vmsg_cap_reader_close(fast);
    return n;
}

static void cap_buffered_same_records(void **state)
{
    (void)state;
    static const char *usual[] = {"sample-v1.pcap",     "sample-v1-noresv.pcap", "sample-v0.pcap",
                                  "sample-rfc2.pcap",   "sample-v2-draft.pcap",  "sample-ffa-e.pcap",
                                  "oddities-v1.pcap",   "form-user0-header.pcap"};
    for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
        struct counts n = compare_file(usual[i], 0);
        assert_true(n.records > 0);
        assert_true(n.buffered * 2 > n.records); /* most records come from the inline step */
    }
    struct counts bare = compare_file("form-user1-bare.pcap", VMSG_CAP_READ_BARE);
    assert_true(bare.buffered * 2 > bare.records);
    /* the others: another tag list, foreign dissector names, other versions,
     * cut or empty files, bare messages read as if with a capture header */
    static const char *other[] = {"form-tags.pcap", "form-virtio-msg.pcap", "bad-cut-mid-record.pcap", "bad-empty.pcap",
                                  "bad-foreign-ethernet.pcap", "bad-tag-name.pcap", "bad-version.pcap",
                                  "form-user1-bare.pcap"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        compare_file(other[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cap_buffered_same_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
