/* Clause catalog: the built-in table, lookups, names, coverage, the YAML
 * loader (good and broken catalogs), text normalization and hashing, and the
 * shape of spec/errata.yaml. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog_internal.h"
#include "util/yamltree.h"
#include "vmsg/catalog.h"

#define FIXTURES VMSG_SOURCE_DIR "/tests/catalog/fixtures/"

static void catalog_counts_per_role(void **state)
{
    (void)state;
    size_t blocks[VMSG_ROLE_COUNT] = {0}, prose = 0;
    for (size_t i = 0; i < vmsg_clause_count(); i++) {
        const struct vmsg_clause *c = vmsg_clause_at(i);
        assert_non_null(c);
        if (c->prose)
            prose++;
        else
            blocks[c->role]++;
    }
    assert_int_equal(blocks[VMSG_ROLE_DRIVER], 53);
    assert_int_equal(blocks[VMSG_ROLE_DEVICE], 48);
    assert_int_equal(blocks[VMSG_ROLE_BUS], 34);
    assert_int_equal(blocks[VMSG_ROLE_ANY], 0);
    assert_int_equal(prose, 10);
    assert_int_equal(vmsg_clause_count(), 145);
    assert_null(vmsg_clause_at(vmsg_clause_count()));
}

static void catalog_ids_used_elsewhere_exist(void **state)
{
    (void)state;
    static const char *const ids[] = {
        "device.get-device-info.1", "bus.get-devices.1", "bus.get-devices.2", "bus.header.1",
        "bus.header.2", "bus.header.3", "driver.header.1", "driver.header.2", "driver.header.4",
        "device.header.1", "device.header.2", "device.header.4", "common.reserved-zero.1",
        "driver.device-removed.1", "prose.token-overwrite.1", "prose.get-devices.1",
        "prose.get-devices.2", "prose.ping.1", "prose.event-device.1", "prose.event-device.2",
        "bus.ping.1", "driver.event-avail.1", "bus.event-avail.1"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const struct vmsg_clause *c = vmsg_clause_find(ids[i]);
        if (!c)
            fail_msg("%s: missing from the built-in catalog", ids[i]);
        assert_string_equal(c->id, ids[i]);
    }
}

static void catalog_find_each_and_unknown(void **state)
{
    (void)state;
    for (size_t i = 0; i < vmsg_clause_count(); i++) {
        const struct vmsg_clause *c = vmsg_clause_at(i);
        assert_ptr_equal(vmsg_clause_find(c->id), c);
    }
    assert_null(vmsg_clause_find("device.header.6"));
    assert_null(vmsg_clause_find(""));
    assert_null(vmsg_clause_find(NULL));
    assert_null(vmsg_clause_find("zzz"));
}

static void catalog_entries_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; i < vmsg_clause_count(); i++) {
        const struct vmsg_clause *c = vmsg_clause_at(i);
        assert_true(c->nlevels >= 1);
        assert_int_equal(strlen(c->hash), 16);
        assert_true(c->profiles & VMSG_CLAUSE_PROFILE_V1);
        assert_true(c->bullet >= 1);
        assert_true((c->reason != NULL) == (c->testability == VMSG_TEST_UNTESTABLE));
        assert_true(c->prose == (c->tex_line != 0));
        assert_null(strstr(c->label, "Virtio Over Messages"));
    }
    const struct vmsg_clause *c = vmsg_clause_find("driver.header.5");
    assert_non_null(c);
    assert_int_equal(c->role, VMSG_ROLE_DRIVER);
    assert_int_equal(c->nlevels, 2);
    assert_int_equal(c->levels[0], VMSG_LEVEL_MUST);
    assert_int_equal(c->levels[1], VMSG_LEVEL_MUST_NOT);
    assert_int_equal(c->bullet, 5);
    assert_string_equal(c->label, "Basic Concepts / Common Message Format / Driver");
    assert_false(c->profiles & VMSG_CLAUSE_PROFILE_RFC2); /* no token in rfc2 */
    c = vmsg_clause_find("common.reserved-zero.1");
    assert_int_equal(c->role, VMSG_ROLE_ANY);
    assert_true(c->prose);
    assert_int_equal(c->tex_line, 503);
    c = vmsg_clause_find("driver.device-removed.1");
    assert_int_equal(c->tex_line, 1637);
    assert_int_equal(c->levels[0], VMSG_LEVEL_MUST);
}

static void catalog_names_roundtrip(void **state)
{
    (void)state;
    for (int r = 0; r < VMSG_ROLE_COUNT; r++) {
        enum vmsg_role back;
        assert_true(vmsg_role_parse(vmsg_role_name((enum vmsg_role)r), &back));
        assert_int_equal(back, r);
    }
    for (int l = 0; l < VMSG_LEVEL_COUNT; l++) {
        enum vmsg_level back;
        assert_true(vmsg_level_parse(vmsg_level_name((enum vmsg_level)l), &back));
        assert_int_equal(back, l);
    }
    for (int t = 0; t < VMSG_TESTABILITY_COUNT; t++) {
        enum vmsg_testability back;
        assert_true(vmsg_testability_parse(vmsg_testability_name((enum vmsg_testability)t), &back));
        assert_int_equal(back, t);
    }
    for (unsigned p = 0; p < VMSG_CLAUSE_PROFILE_COUNT; p++) {
        unsigned back;
        assert_true(vmsg_clause_profile_parse(vmsg_clause_profile_name(p), &back));
        assert_int_equal(back, p);
    }
    enum vmsg_role r;
    enum vmsg_level l;
    assert_false(vmsg_role_parse("host", &r));
    assert_false(vmsg_level_parse("must", &l));
    assert_null(vmsg_role_name((enum vmsg_role)VMSG_ROLE_COUNT));
    assert_string_equal(vmsg_level_name(VMSG_LEVEL_MUST_NOT), "MUST NOT");
}

static void catalog_strength_folds_levels(void **state)
{
    (void)state;
    assert_int_equal(vmsg_clause_strength(vmsg_clause_find("bus.errors.2")), VMSG_LEVEL_MUST);
    assert_int_equal(vmsg_clause_strength(vmsg_clause_find("bus.msg-size.2")), VMSG_LEVEL_SHOULD);
    assert_int_equal(vmsg_clause_strength(vmsg_clause_find("bus.errors.1")), VMSG_LEVEL_MAY);
    assert_int_equal(vmsg_clause_strength(vmsg_clause_find("driver.reset.1")), VMSG_LEVEL_MAY);
    assert_true(vmsg_clause_has_level(vmsg_clause_find("bus.errors.2"), VMSG_LEVEL_MAY));
    assert_false(vmsg_clause_has_level(vmsg_clause_find("bus.errors.2"), VMSG_LEVEL_SHOULD));
}

static void coverage_counts_and_unknown_ids(void **state)
{
    (void)state;
    const struct vmsg_citation cites[] = {
        {"codec", "wire.a", "driver.header.1"},
        {"check", "chk.b", "driver.header.1"},
        {"case", "device.info.basic", "device.get-device-info.1"},
        {"codec", "wire.typo", "driver.header.99"},
        {"case", "device.x", "no.such.1"},
        {"weird", "w", "bus.ping.1"},
        {"codec", "wire.null", NULL},
    };
    size_t n;
    const struct vmsg_clause *tab = vmsg_clause_table(&n);
    struct vmsg_coverage cov;
    assert_int_equal(vmsg_coverage_compute(&cov, tab, n, cites, 7), 0);
    assert_int_equal(cov.nclauses, n);
    assert_int_equal(cov.nunknown, 2);
    assert_string_equal(cov.unknown[0]->clause, "driver.header.99");
    assert_string_equal(cov.unknown[0]->source, "wire.typo");
    assert_string_equal(cov.unknown[1]->clause, "no.such.1");
    assert_int_equal(cov.ncovered, 3);
    size_t testable = 0;
    for (size_t i = 0; i < n; i++)
        testable += vmsg_clause_testable(&tab[i]);
    assert_int_equal(cov.ntestable, testable);
    assert_int_equal(cov.nuncovered, testable - 3);
    for (size_t i = 0; i < n; i++) {
        const struct vmsg_clause_coverage *cc = &cov.clauses[i];
        assert_ptr_equal(cc->clause, &tab[i]);
        if (!strcmp(cc->clause->id, "driver.header.1")) {
            assert_int_equal(cc->ncites, 2);
            assert_ptr_equal(cc->cites[0], &cites[0]);
            assert_ptr_equal(cc->cites[1], &cites[1]);
            assert_int_equal(cc->per_kind[VMSG_CITE_CODEC], 1);
            assert_int_equal(cc->per_kind[VMSG_CITE_CHECK], 1);
            assert_false(cc->uncovered);
        } else if (!strcmp(cc->clause->id, "bus.ping.1")) {
            assert_int_equal(cc->per_kind[VMSG_CITE_OTHER], 1);
        } else if (!strcmp(cc->clause->id, "device.finalize.2")) {
            assert_int_equal(cc->ncites, 0);
            assert_false(cc->uncovered); /* untestable: never "uncovered" */
        } else if (!strcmp(cc->clause->id, "device.header.5")) {
            assert_true(cc->uncovered);
        }
    }
    vmsg_coverage_free(&cov);
    assert_int_equal(vmsg_coverage_compute(&cov, tab, n, NULL, 0), 0);
    assert_int_equal(cov.ncovered, 0);
    assert_int_equal(cov.nunknown, 0);
    vmsg_coverage_free(&cov);
}

static void coverage_library_citations_are_known(void **state)
{
    (void)state;
    size_t total = vmsg_catalog_citations(NULL, 0);
    struct vmsg_citation *v = calloc(total + 1, sizeof *v);
    assert_non_null(v);
    assert_int_equal(vmsg_catalog_citations(v, total), total);
    size_t n;
    const struct vmsg_clause *tab = vmsg_clause_table(&n);
    struct vmsg_coverage cov;
    assert_int_equal(vmsg_coverage_compute(&cov, tab, n, v, total), 0);
    for (size_t k = 0; k < cov.nunknown; k++)
        print_error("%s %s cites unknown clause %s\n", cov.unknown[k]->kind,
                    cov.unknown[k]->source, cov.unknown[k]->clause);
    assert_int_equal(cov.nunknown, 0);
    vmsg_coverage_free(&cov);
    free(v);
}

static void text_normalize_and_hash(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } v[] = {
        {"  \\item A driver MUST set \\field{dev\\_num}.\n  % comment\n", "A driver MUST set dev_num."},
        {"value $\\ge \\textbf{offset} + \\textbf{count}$", "value offset + count"},
        {"a~b\\\\c  \t\n d", "a b c d"},
        {"50\\% of \\{x\\}", "50% of {x}"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *s = vmsg__clause_normalize(v[i].in, strlen(v[i].in));
        assert_non_null(s);
        assert_string_equal(s, v[i].out);
        free(s);
    }
    /* FNV-1a 64 reference values */
    char h[17];
    vmsg__clause_hash("", h);
    assert_string_equal(h, "cbf29ce484222325");
    vmsg__clause_hash("a", h);
    assert_string_equal(h, "af63dc4c8601ec8c");
    vmsg__clause_hash("foobar", h);
    assert_string_equal(h, "85944171f73967e8");
}

static void text_keywords_in_order(void **state)
{
    (void)state;
    enum vmsg_level l[8];
    size_t n = vmsg__clause_keywords("A MUST NOT b, MUST c; SHOULD NOT d MAY e NOT RECOMMENDED", l, 8);
    assert_int_equal(n, 5);
    assert_int_equal(l[0], VMSG_LEVEL_MUST_NOT);
    assert_int_equal(l[1], VMSG_LEVEL_MUST);
    assert_int_equal(l[2], VMSG_LEVEL_SHOULD_NOT);
    assert_int_equal(l[3], VMSG_LEVEL_MAY);
    assert_int_equal(l[4], VMSG_LEVEL_NOT_RECOMMENDED);
    assert_int_equal(vmsg__clause_keywords("MUSTARD MAYBE must SHALL_X NOT", l, 8), 0);
    n = vmsg__clause_keywords("REQUIRED, SHALL NOT, OPTIONAL, RECOMMENDED, MUST,NOT", l, 8);
    assert_int_equal(n, 5);
    assert_int_equal(l[1], VMSG_LEVEL_SHALL_NOT);
    assert_int_equal(l[4], VMSG_LEVEL_MUST); /* "MUST,NOT": not separated by a space */
    assert_int_equal(vmsg__clause_keywords("MAY MAY MAY", l, 2), 3); /* counts past cap */
}

struct errs {
    char lines[16][512];
    int n;
};

static void collect(void *ctx, const char *msg)
{
    struct errs *e = ctx;
    if (e->n < 16)
        snprintf(e->lines[e->n], sizeof e->lines[0], "%s", msg);
    e->n++;
}

static void loader_source_catalog_matches_builtin(void **state)
{
    (void)state;
    struct vmsg_catalog *cat;
    struct errs e = {0};
    assert_int_equal(vmsg_catalog_load(VMSG_SOURCE_DIR "/spec/clauses.yaml", &cat, collect, &e), 0);
    assert_int_equal(e.n, 0);
    assert_int_equal(vmsg_catalog_count(cat), vmsg_clause_count());
    for (size_t i = 0; i < vmsg_clause_count(); i++) {
        const struct vmsg_clause *a = vmsg_catalog_at(cat, i), *b = vmsg_clause_at(i);
        assert_string_equal(a->id, b->id);
        assert_string_equal(a->hash, b->hash);
        assert_string_equal(a->summary, b->summary);
        assert_int_equal(a->profiles, b->profiles);
        assert_ptr_equal(vmsg_catalog_find(cat, b->id), a);
    }
    assert_null(vmsg_catalog_find(cat, "nope.1"));
    vmsg_catalog_free(cat);
}

static void loader_fixture_catalog(void **state)
{
    (void)state;
    struct vmsg_catalog *cat;
    assert_int_equal(vmsg_catalog_load(FIXTURES "catalog.yaml", &cat, collect, &(struct errs){0}), 0);
    assert_int_equal(vmsg_catalog_count(cat), 5);
    const struct vmsg_clause *c = vmsg_catalog_find(cat, "device.widget.1");
    assert_non_null(c);
    assert_int_equal(c->testability, VMSG_TEST_UNTESTABLE);
    assert_string_equal(c->reason, "rust is not visible in messages");
    assert_int_equal(c->catalog_line, 22);
    c = vmsg_catalog_find(cat, "prose.sprocket.1");
    assert_true(c->prose);
    assert_int_equal(c->tex_line, 4);
    assert_int_equal(c->role, VMSG_ROLE_ANY);
    vmsg_catalog_free(cat);
}

static void loader_broken_yaml_names_line_and_column(void **state)
{
    (void)state;
    struct vmsg_catalog *cat = (struct vmsg_catalog *)1;
    struct errs e = {0};
    assert_int_equal(vmsg_catalog_load(FIXTURES "broken-syntax.yaml", &cat, collect, &e), 2);
    assert_null(cat);
    assert_int_equal(e.n, 1);
    assert_non_null(strstr(e.lines[0], "broken-syntax.yaml:6:10: "));
    e.n = 0;
    assert_int_equal(vmsg_catalog_load(FIXTURES "no-such-file.yaml", &cat, collect, &e), 2);
    assert_int_equal(e.n, 1);
}

static void loader_reports_every_bad_entry(void **state)
{
    (void)state;
    struct vmsg_catalog *cat;
    struct errs e = {0};
    assert_int_equal(vmsg_catalog_load(FIXTURES "bad-entries.yaml", &cat, collect, &e), 2);
    assert_null(cat);
    static const char *const want[] = {
        "bad-entries.yaml:3:9: id 'driver.widget.1' does not match role 'device'",
        "bad-entries.yaml:23:14: 'MUSTN'T' is not an RFC 2119 keyword",
        "bad-entries.yaml:27:18: untestable clause needs a 'reason'",
        "bad-entries.yaml:29:11: hash 'E5C8E21B7EB8A365' is not 16 lowercase hex digits",
        "bad-entries.yaml:12:5: duplicate id 'driver.widget.1' (first at line 3)",
    };
    assert_int_equal(e.n, 5);
    for (size_t i = 0; i < 5; i++)
        if (!strstr(e.lines[i], want[i]))
            fail_msg("error %zu: expected '%s', got '%s'", i, want[i], e.lines[i]);
}

static void errata_file_is_valid(void **state)
{
    (void)state;
    struct vmsg__yaml y;
    char err[512];
    if (!vmsg__yaml_load_file(&y, VMSG_SOURCE_DIR "/spec/errata.yaml", err, sizeof err))
        fail_msg("%s", err);
    vmsg__ynode *list = vmsg__yaml_get(&y, vmsg__yaml_root(&y), "errata");
    assert_true(list && vmsg__yaml_is_seq(list));
    size_t n = vmsg__yaml_len(list), v1 = 0;
    assert_int_equal(n, 20); /* 16 for v1 (wire-formats.md 9.1), 4 for the drafts (9.2) */
    for (size_t i = 0; i < n; i++) {
        vmsg__ynode *e = vmsg__yaml_item(&y, list, i);
        char where[300];
        vmsg__yaml_where(&y, e, where, sizeof where);
        const char *id = vmsg__yaml_str(vmsg__yaml_get(&y, e, "id"));
        const char *spec = vmsg__yaml_str(vmsg__yaml_get(&y, e, "spec"));
        const char *issue = vmsg__yaml_str(vmsg__yaml_get(&y, e, "issue"));
        const char *decision = vmsg__yaml_str(vmsg__yaml_get(&y, e, "decision"));
        if (!id || strncmp(id, "errata.", 7) || !spec || !issue || !*issue || !decision ||
            !*decision)
            fail_msg("%s: entry needs id (errata.*), spec, issue and decision", where);
        v1 += !strcmp(spec, "transport-msg-v1.tex");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(id, vmsg__yaml_str(vmsg__yaml_get(&y, vmsg__yaml_item(&y, list, j), "id"))))
                fail_msg("%s: duplicate id %s", where, id);
        vmsg__ynode *lines = vmsg__yaml_get(&y, e, "lines");
        if (!lines || !vmsg__yaml_is_seq(lines) || !vmsg__yaml_len(lines))
            fail_msg("%s: %s: 'lines' must be a non-empty list", where, id);
        for (size_t k = 0; k < vmsg__yaml_len(lines); k++) {
            uint64_t ln;
            if (!vmsg__yaml_u64(vmsg__yaml_item(&y, lines, k), &ln) || ln == 0 || ln > 2000)
                fail_msg("%s: %s: bad line number", where, id);
        }
        vmsg__ynode *cl = vmsg__yaml_get(&y, e, "clauses");
        for (size_t k = 0; cl && k < vmsg__yaml_len(cl); k++) {
            const char *cid = vmsg__yaml_str(vmsg__yaml_item(&y, cl, k));
            if (!vmsg_clause_find(cid))
                fail_msg("%s: %s: unknown clause %s", where, id, cid ? cid : "?");
        }
    }
    assert_int_equal(v1, 16);
    vmsg__yaml_free(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog_counts_per_role),
        cmocka_unit_test(catalog_ids_used_elsewhere_exist),
        cmocka_unit_test(catalog_find_each_and_unknown),
        cmocka_unit_test(catalog_entries_well_formed),
        cmocka_unit_test(catalog_names_roundtrip),
        cmocka_unit_test(catalog_strength_folds_levels),
        cmocka_unit_test(coverage_counts_and_unknown_ids),
        cmocka_unit_test(coverage_library_citations_are_known),
        cmocka_unit_test(text_normalize_and_hash),
        cmocka_unit_test(text_keywords_in_order),
        cmocka_unit_test(loader_source_catalog_matches_builtin),
        cmocka_unit_test(loader_fixture_catalog),
        cmocka_unit_test(loader_broken_yaml_names_line_and_column),
        cmocka_unit_test(loader_reports_every_bad_entry),
        cmocka_unit_test(errata_file_is_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
