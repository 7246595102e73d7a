/* Golden message vectors (vectors/<name>.tsv): every vector decoded, its outcome,
 * rule, clause and every expected field checked one by one; valid vectors
 * re-encoded from their fields and compared byte for byte. One cmocka test
 * per vector, named by its id. Failures read `file:line: id: what: expected X, got Y`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/wire.h>

#include "vecindex.h"

static struct vx_index ix;

struct ck {
    const struct vx *v;
    int failures;
};

static void bad(struct ck *c, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad(struct ck *c, const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: %s: ", c->v->where, c->v->col[VX_ID], what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    c->failures++;
}

static void hexstr(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && k + 3 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%02x", p[i]);
}

/* "[a1b2]" -> bytes */
static size_t parse_bracket(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (s++; s[0] && s[0] != ']' && s[1] && n < cap; s += 2) {
        char two[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(two, NULL, 16);
    }
    return n;
}

static void check_header(struct ck *c, const struct vmsg_msg *m, const char *name, uint64_t want)
{
    uint64_t got = !strcmp(name, "type") ? m->type
                 : !strcmp(name, "msg_id") ? m->msg_id
                 : !strcmp(name, "dev_num") ? m->dev_num
                 : !strcmp(name, "token") ? m->token
                 : m->msg_size;
    if (got != want)
        bad(c, name, "expected %" PRIu64 ", got %" PRIu64, want, got);
}

static bool is_header(const char *n)
{
    return !strcmp(n, "type") || !strcmp(n, "msg_id") || !strcmp(n, "dev_num") || !strcmp(n, "token") ||
           !strcmp(n, "msg_size");
}

/* Every name=value of the fields column against the decoded message. */
static void check_fields(struct ck *c, const struct vmsg_msg *m)
{
    char *list = strdup(c->v->col[VX_FIELDS]);
    unsigned seen = 0;
    for (char *save = NULL, *tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            bad(c, tok, "expected name=value in the fields column");
            continue;
        }
        *eq = 0;
        const char *name = tok, *val = eq + 1;
        if (is_header(name)) {
            check_header(c, m, name, strtoull(val, NULL, 0));
            continue;
        }
        if (!strcmp(name, "payload")) { /* implementation-defined: raw bytes */
            uint8_t want[512];
            size_t n = parse_bracket(val, want, sizeof want);
            char a[1100], b[1100];
            hexstr(want, n, a, sizeof a);
            hexstr(m->payload, m->payload_len, b, sizeof b);
            if (!m->impl_defined)
                bad(c, "payload", "expected an implementation-defined message, got a layout");
            if (n != m->payload_len || memcmp(want, m->payload, n))
                bad(c, "payload", "expected [%s], got [%s]", a, b);
            continue;
        }
        int i = m->def ? -1 : -2;
        for (unsigned k = 0; m->def && k < m->def->nfields; k++)
            if (!strcmp(m->def->fields[k].name, name))
                i = (int)k;
        if (i < 0) {
            bad(c, name, "expected a field of the layout, got none (%s)", m->def ? m->def->name : "no layout");
            continue;
        }
        seen++;
        const struct vmsg_fielddef *f = &m->def->fields[i];
        const struct vmsg_val *v = &m->v[i];
        if (!strcmp(val, "absent")) {
            if (v->present || vmsg_has(m, f->fld))
                bad(c, name, "expected absent, got present");
            continue;
        }
        if (!v->present || !vmsg_has(m, f->fld)) {
            bad(c, name, "expected %s, got absent", val);
            continue;
        }
        if (val[0] == '[') {
            uint8_t want[512];
            size_t n = parse_bracket(val, want, sizeof want);
            uint32_t glen;
            const uint8_t *got = vmsg_get_bytes(m, f->fld, &glen);
            char a[1100], b[1100];
            hexstr(want, n, a, sizeof a);
            hexstr(got, glen, b, sizeof b);
            if (n != glen || (n && memcmp(want, got, n)))
                bad(c, name, "expected [%s], got [%s]", a, b);
            if (f->type == VMSG_FT_LE32_ARRAY && n >= 4) {
                uint32_t w0 = (uint32_t)want[0] | (uint32_t)want[1] << 8 | (uint32_t)want[2] << 16 |
                              (uint32_t)want[3] << 24;
                if (vmsg_get_word(m, f->fld, 0) != w0)
                    bad(c, name, "word 0: expected 0x%08x, got 0x%08x", w0, vmsg_get_word(m, f->fld, 0));
            }
            continue;
        }
        uint64_t want = strtoull(val, NULL, 0);
        if (v->u != want || vmsg_get(m, f->fld) != want)
            bad(c, name, "expected %" PRIu64 ", got %" PRIu64, want, v->u);
    }
    if (m->def && seen != m->def->nfields)
        bad(c, "fields", "expected all %u fields of %s listed, got %u", m->def->nfields, m->def->name, seen);
    free(list);
}

/* "t.GET_CONFIG.req": class, layout name (IMPL for none), kind. */
static void check_message(struct ck *c, const struct vmsg_msg *m)
{
    char want[96], got[96];
    snprintf(want, sizeof want, "%s", c->v->col[VX_MESSAGE]);
    snprintf(got, sizeof got, "%c.%s.%s", m->cls ? 'b' : 't', m->def ? m->def->name : "IMPL", vmsg_kind_name(m->kind));
    if (strcmp(want, got))
        bad(c, "message", "expected %s, got %s", want, got);
}

/* Build the message again from the decoded fields and compare the bytes. */
static void check_reencode(struct ck *c, const struct vmsg_msg *m, unsigned profile, unsigned binding)
{
    struct vmsg_msg e;
    uint8_t out[1024];
    if (m->def) {
        if (!vmsg_msg_init(&e, profile, binding, m->def->mname, m->cls, m->kind, m->dev_num)) {
            bad(c, "encode", "expected vmsg_msg_init to know %s, got false", m->def->name);
            return;
        }
        if (e.def != m->def)
            bad(c, "encode", "expected layout %p, got %p", (const void *)m->def, (const void *)e.def);
        for (unsigned i = 0; i < m->def->nfields; i++) {
            const struct vmsg_fielddef *f = &m->def->fields[i];
            if (!m->v[i].present)
                continue;
            bool ok = (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID || f->type == VMSG_FT_LE32_ARRAY)
                          ? vmsg_set_bytes(&e, f->fld, m->v[i].p, m->v[i].len)
                          : vmsg_set(&e, f->fld, m->v[i].u);
            if (!ok)
                bad(c, f->name, "expected the setter to accept the field, got false");
        }
    } else {
        memset(&e, 0, sizeof e);
        e.profile = (uint8_t)profile;
        e.msg_id = m->msg_id;
        e.dev_num = m->dev_num;
        e.payload = m->payload;
        e.payload_len = m->payload_len;
    }
    e.type = m->type;
    e.token = m->token;
    size_t n = vmsg_encode(&e, out, sizeof out);
    if (n != m->frame_len || vmsg_encoded_len(&e) != n) {
        bad(c, "encode", "expected %u bytes, got %zu", m->frame_len, n);
        return;
    }
    if (memcmp(out, c->v->bytes, n)) {
        char a[2100], b[2100];
        hexstr(c->v->bytes, n, a, sizeof a);
        hexstr(out, n, b, sizeof b);
        bad(c, "encode", "expected %s, got %s", a, b);
    }
}

/* vmsg_decode_header agrees with the full decode on everything the header
 * decides: the members, class, kind, layout and frame length, and the
 * outcome when the header alone makes the frame truncated or malformed. */
static void check_header_only(struct ck *c, const struct vmsg_msg *m, enum vmsg_outcome full, unsigned profile,
                              unsigned binding)
{
    struct vmsg_msg h;
    enum vmsg_outcome o = vmsg_decode_header(profile, binding, c->v->bytes, c->v->len, &h);
    if (o != VMSG_OK) {
        if (o != full)
            bad(c, "header outcome", "expected %s (the full decode's), got %s", vmsg_outcome_name(full),
                vmsg_outcome_name(o));
        return;
    }
    if (full == VMSG_TRUNCATED)
        bad(c, "header outcome", "expected truncated (the full decode's), got ok");
    if (full == VMSG_MALFORMED && !m->def)
        bad(c, "header outcome", "expected malformed (no layout), got ok");
    if (h.type != m->type || h.msg_id != m->msg_id || h.dev_num != m->dev_num || h.token != m->token ||
        h.msg_size != m->msg_size || h.frame_len != m->frame_len)
        bad(c, "header", "expected the full decode's members, got type 0x%02x id 0x%02x dev %u tok %u size %u",
            h.type, h.msg_id, h.dev_num, h.token, h.msg_size);
    if (h.cls != m->cls || h.kind != m->kind || h.def != m->def || h.impl_defined != m->impl_defined)
        bad(c, "header message", "expected %s %s, got %s %s", m->def ? m->def->name : "IMPL",
            vmsg_kind_name(m->kind), h.def ? h.def->name : "IMPL", vmsg_kind_name(h.kind));
}

static void one_vector(void **state)
{
    const struct vx *v = *state;
    struct ck c = {v, 0};
    int profile = vmsg_profile_by_name(v->col[VX_PROFILE]);
    int binding = strcmp(v->col[VX_BINDING], "none") ? vmsg_binding_by_name(v->col[VX_BINDING]) : 0;
    if (profile < 0 || binding < 0) {
        bad(&c, "profile", "expected a known profile and binding, got %s %s", v->col[VX_PROFILE], v->col[VX_BINDING]);
        fail();
    }
    struct vmsg_msg m;
    struct vmsg_diag d;
    enum vmsg_outcome o = vmsg_decode((unsigned)profile, (unsigned)binding, v->bytes, v->len, &m, &d);
    if (strcmp(vmsg_outcome_name(o), v->col[VX_OUTCOME]) || d.outcome != o)
        bad(&c, "outcome", "expected %s, got %s (%s)", v->col[VX_OUTCOME], vmsg_outcome_name(o),
            d.problem[0] ? d.problem : d.nissues ? d.issues[0].text : "-");
    /* the outcome does not depend on asking for diagnostics */
    struct vmsg_msg m2;
    if (vmsg_decode((unsigned)profile, (unsigned)binding, v->bytes, v->len, &m2, NULL) != o)
        bad(&c, "outcome", "expected the same outcome without a diag");
    if (o == VMSG_NONCONFORMANT) {
        if (d.nissues != 1)
            bad(&c, "issues", "expected 1 issue, got %u", d.nissues);
        for (unsigned i = 0; i < d.nissues && i < 1; i++) {
            if (strcmp(d.issues[i].rule, v->col[VX_RULE]))
                bad(&c, "rule", "expected %s, got %s", v->col[VX_RULE], d.issues[i].rule);
            if (strcmp(d.issues[i].clause, v->col[VX_CLAUSE]))
                bad(&c, "clause", "expected %s, got %s", v->col[VX_CLAUSE], d.issues[i].clause);
            if (strcmp(d.issues[i].field ? d.issues[i].field : "-", v->col[VX_FIELD]))
                bad(&c, "field", "expected %s, got %s", v->col[VX_FIELD], d.issues[i].field);
            if (!strstr(d.issues[i].text, "expected") && !strstr(d.issues[i].text, "must be zero"))
                bad(&c, "text", "expected 'expected X, got Y' wording, got '%s'", d.issues[i].text);
        }
    } else if (o == VMSG_OK && d.nissues) {
        bad(&c, "issues", "expected none, got %u (%s)", d.nissues, d.issues[0].text);
    }
    if (o == VMSG_TRUNCATED || o == VMSG_MALFORMED) {
        if (!d.problem[0])
            bad(&c, "problem", "expected a reason, got an empty string");
    } else {
        check_message(&c, &m);
        check_fields(&c, &m);
    }
    if (o == VMSG_OK)
        check_reencode(&c, &m, (unsigned)profile, (unsigned)binding);
    check_header_only(&c, &m, o, (unsigned)profile, (unsigned)binding);
    assert_int_equal(c.failures, 0);
}

/* Index-level checks: twins, coverage of every layout and every codec rule. */
static void index_twins(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < ix.n; i++) {
        const struct vx *v = &ix.v[i];
        bool neg = strcmp(v->col[VX_OUTCOME], "ok") != 0;
        if (!neg) {
            if (strcmp(v->col[VX_TWIN], "-")) {
                fprintf(stderr, "%s: %s: twin: expected -, got %s\n", v->where, v->col[VX_ID], v->col[VX_TWIN]);
                failures++;
            }
            continue;
        }
        const struct vx *t = vx_find(&ix, v->col[VX_TWIN]);
        if (!t || strcmp(t->col[VX_OUTCOME], "ok") || strcmp(t->col[VX_PROFILE], v->col[VX_PROFILE]) ||
            strcmp(t->col[VX_BINDING], v->col[VX_BINDING])) {
            fprintf(stderr, "%s: %s: twin: expected a valid vector of the same profile, got %s\n", v->where,
                    v->col[VX_ID], v->col[VX_TWIN]);
            failures++;
        } else if (t->len == v->len && !memcmp(t->bytes, v->bytes, v->len)) {
            fprintf(stderr, "%s: %s: twin: expected different bytes, got the same\n", v->where, v->col[VX_ID]);
            failures++;
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(ix.v[k].col[VX_ID], v->col[VX_ID])) {
                fprintf(stderr, "%s: %s: id: expected unique, got a repeat of %s\n", v->where, v->col[VX_ID],
                        ix.v[k].where);
                failures++;
            }
    }
    assert_int_equal(failures, 0);
}

static void index_covers_layouts(void **state)
{
    (void)state;
    int failures = 0;
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
        for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
            if (d->binding ? p != VMSG_PROFILE_V1 : !(d->profiles & (1u << p)))
                continue;
            char msg[96];
            snprintf(msg, sizeof msg, "%c.%s.%s", d->cls ? 'b' : 't', d->name, vmsg_kind_name(d->kind));
            const char *bname = d->binding ? vmsg_binding_defs[d->binding].name : "none";
            bool found = false;
            for (size_t k = 0; k < ix.n && !found; k++)
                found = !strcmp(ix.v[k].col[VX_OUTCOME], "ok") && !strcmp(ix.v[k].col[VX_MESSAGE], msg) &&
                        !strcmp(ix.v[k].col[VX_PROFILE], vmsg_profile(p)->name) &&
                        !strcmp(ix.v[k].col[VX_BINDING], bname);
            if (!found) {
                fprintf(stderr, "vectors: %s %s %s: expected a valid vector, got none\n", vmsg_profile(p)->name,
                        bname, msg);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

static void index_covers_rules(void **state)
{
    (void)state;
    size_t n;
    const struct vmsg_wire_rule *r = vmsg_wire_rules(&n);
    int failures = 0;
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < ix.n && !found; k++)
            found = !strcmp(ix.v[k].col[VX_RULE], r[i].id) && !strcmp(ix.v[k].col[VX_CLAUSE], r[i].clause);
        if (!found) {
            fprintf(stderr, "vectors: rule %s (%s): expected a negative vector, got none\n", r[i].id, r[i].clause);
            failures++;
        }
    }
    static const char *outcomes[] = {"truncated", "malformed"};
    for (size_t i = 0; i < 2; i++) {
        bool found = false;
        for (size_t k = 0; k < ix.n && !found; k++)
            found = !strcmp(ix.v[k].col[VX_OUTCOME], outcomes[i]);
        if (!found) {
            fprintf(stderr, "vectors: expected %s vectors, got none\n", outcomes[i]);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    static const char *files[] = {VMSG_SOURCE_DIR "/vectors/messages.tsv", VMSG_SOURCE_DIR "/vectors/spec-examples.tsv"};
    char err[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (vx_load(&ix, files[i], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    if (ix.n == 0) {
        fprintf(stderr, "vectors: no vectors loaded\n");
        return 1;
    }
    size_t nt = ix.n + 3;
    struct CMUnitTest *t = calloc(nt, sizeof *t);
    for (size_t i = 0; i < ix.n; i++) {
        t[i].name = ix.v[i].col[VX_ID];
        t[i].test_func = one_vector;
        t[i].initial_state = &ix.v[i];
    }
    t[ix.n] = (struct CMUnitTest)cmocka_unit_test(index_twins);
    t[ix.n + 1] = (struct CMUnitTest)cmocka_unit_test(index_covers_layouts);
    t[ix.n + 2] = (struct CMUnitTest)cmocka_unit_test(index_covers_rules);
    int rc = _cmocka_run_group_tests("wire_vectors", t, nt, NULL, NULL);
    free(t);
    vx_free(&ix);
    return rc;
}
