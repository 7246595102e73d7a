/* The capture reader's inline steps for records already in its buffer
 * (vmsg__cap_next_buffered, and runs of vmsg__cap_batch_next as the
 * replay's window reads them; capture_internal.h) give exactly what
 * vmsg_cap_next gives: over every sample and bad-input capture of
 * vectors/captures, a reader that tries the inline steps first and falls
 * back to vmsg_cap_next returns the same records, fields and bytes, and the
 * same end or error, as one that only calls vmsg_cap_next. The inline steps
 * must take most records of the usual captures (else it would prove
 * nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture/capture_internal.h"

#include "cap_same.h"

struct counts {
    unsigned records, buffered;
};

/* Both readers over one file (flags: VMSG_CAP_READ_*). run 0: the fast one
 * takes a record with vmsg__cap_next_buffered; else with runs of up to run
 * records of a batch (vmsg__cap_batch_*, as the replay's window reads). */
static struct counts compare_file(const char *name, unsigned flags, unsigned run)
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
        struct vmsg_cap_rec b[16];
        unsigned got = 0;
        if (run == 0) {
            got = vmsg__cap_next_buffered(fast, &b[0]);
        } else {
            struct vmsg__cap_batch bt;
            if (vmsg__cap_batch_begin(fast, &bt)) {
                while (got < run && vmsg__cap_batch_next(&bt, &b[got]))
                    got++;
                vmsg__cap_batch_end(fast, &bt);
            }
        }
        n.buffered += got;
        for (unsigned i = 0; i < got; i++) { /* their bytes stay in the buffer until vmsg_cap_next */
            struct vmsg_cap_rec a;
            assert_int_equal(vmsg_cap_next(plain, &a), 1);
            cap_same_rec(&a, &b[i]);
            n.records++;
        }
        if (got)
            continue;
        struct vmsg_cap_rec a;
        int ka = vmsg_cap_next(plain, &a), kb = vmsg_cap_next(fast, &b[0]);
        assert_int_equal(ka, kb);
        if (ka != 1) {
            if (ka < 0)
                assert_string_equal(vmsg_cap_reader_error(plain), vmsg_cap_reader_error(fast));
            break;
        }
        cap_same_rec(&a, &b[0]);
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
    /* the others: another tag list, foreign dissector names, other versions,
     * cut or empty files, bare messages read as if with a capture header */
    static const char *other[] = {"form-tags.pcap", "form-virtio-msg.pcap", "bad-cut-mid-record.pcap", "bad-empty.pcap",
                                  "bad-foreign-ethernet.pcap", "bad-tag-name.pcap", "bad-version.pcap",
                                  "form-user1-bare.pcap"};
    static const unsigned runs[] = {0, 1, 5, 16};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
            struct counts n = compare_file(usual[i], 0, runs[r]);
            assert_true(n.records > 0);
            assert_true(n.buffered * 2 > n.records); /* most records come from the inline step */
        }
        struct counts bare = compare_file("form-user1-bare.pcap", VMSG_CAP_READ_BARE, runs[r]);
        assert_true(bare.buffered * 2 > bare.records);
        for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
            compare_file(other[i], 0, runs[r]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cap_buffered_same_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
