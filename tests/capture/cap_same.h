/* For the capture tests: two readings of one record agree on every member
 * (the reader's inline steps against vmsg_cap_next). Needs cmocka.h. */
#ifndef VMSG_TEST_CAP_SAME_H
#define VMSG_TEST_CAP_SAME_H

#include <vmsg/capture.h>

static inline void cap_same_rec(const struct vmsg_cap_rec *a, const struct vmsg_cap_rec *b)
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

#endif
