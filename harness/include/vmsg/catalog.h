/* The clause catalog of virtio-msg v1: one entry per bullet of every normative
 * block of the spec, plus the RFC 2119 sentences outside blocks ("prose").
 *
 * The built-in table is generated from spec/clauses.yaml at build time
 * (build/gen/vmsg/clauses_gen.c); vmsg_clause_find/count/at read it. A catalog
 * can also be loaded from a YAML file of the same format (vmsg_catalog_load),
 * with the same validation as the generator.
 *
 * Coverage: the parts of the harness that check something (codec rules, checker
 * rules, active cases) cite clause ids; vmsg_coverage_compute() tells which
 * clause is cited by whom, which testable clauses nobody cites, and which
 * citations name an id that is not in the catalog. */
#ifndef VMSG_CATALOG_H
#define VMSG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Who a clause binds. ANY: every sender (e.g. reserved header bits). */
enum vmsg_role { VMSG_ROLE_DRIVER, VMSG_ROLE_DEVICE, VMSG_ROLE_BUS, VMSG_ROLE_ANY };
#define VMSG_ROLE_COUNT 4

/* RFC 2119 keywords, in the order they appear in a bullet. */
enum vmsg_level {
    VMSG_LEVEL_MUST,
    VMSG_LEVEL_MUST_NOT,
    VMSG_LEVEL_SHOULD,
    VMSG_LEVEL_SHOULD_NOT,
    VMSG_LEVEL_MAY,
    VMSG_LEVEL_REQUIRED,
    VMSG_LEVEL_SHALL,
    VMSG_LEVEL_SHALL_NOT,
    VMSG_LEVEL_RECOMMENDED,
    VMSG_LEVEL_NOT_RECOMMENDED,
    VMSG_LEVEL_OPTIONAL,
};
#define VMSG_LEVEL_COUNT 11

/* How a clause can be tested: by the harness playing the peer (active), by
 * watching traffic (passive), both, or not at all from the wire (untestable,
 * with a reason). */
enum vmsg_testability {
    VMSG_TEST_ACTIVE,
    VMSG_TEST_PASSIVE,
    VMSG_TEST_BOTH,
    VMSG_TEST_UNTESTABLE,
};
#define VMSG_TESTABILITY_COUNT 4

/* Profiles (wire generations) a clause applies to: bit (1u << profile code),
 * codes as in the capture header: 0 v1, 1 v1-noresv, 2 rfc2, 3 v0, 4 v2-draft. */
#define VMSG_CLAUSE_PROFILE_V1 (1u << 0)
#define VMSG_CLAUSE_PROFILE_V1_NORESV (1u << 1)
#define VMSG_CLAUSE_PROFILE_RFC2 (1u << 2)
#define VMSG_CLAUSE_PROFILE_V0 (1u << 3)
#define VMSG_CLAUSE_PROFILE_V2_DRAFT (1u << 4)
#define VMSG_CLAUSE_PROFILE_COUNT 5

#define VMSG_CLAUSE_MAX_LEVELS 6

struct vmsg_clause {
    const char *id;       /* "device.header.1": <role or group>.<block>.<bullet> */
    enum vmsg_role role;
    unsigned char nlevels;
    unsigned char levels[VMSG_CLAUSE_MAX_LEVELS]; /* enum vmsg_level, in text order */
    const char *label;    /* spec label without "Virtio Transport Options / Virtio Over Messages / " */
    unsigned bullet;      /* 1-based bullet in the block (prose: 1-based sentence number of the id) */
    const char *summary;  /* our own words, one line */
    enum vmsg_testability testability;
    const char *reason;   /* why untestable; NULL otherwise */
    unsigned profiles;    /* VMSG_CLAUSE_PROFILE_* bits */
    bool prose;           /* RFC 2119 sentence outside the normative blocks */
    unsigned tex_line;    /* prose: line of the first keyword in the .tex; 0 for bullets */
    const char *hash;     /* FNV-1a 64 of the normalized text, 16 lowercase hex digits */
    unsigned catalog_line; /* line of the entry in the catalog YAML */
};

/* The built-in catalog (generated from spec/clauses.yaml), in catalog order. */
size_t vmsg_clause_count(void);
const struct vmsg_clause *vmsg_clause_at(size_t i);   /* NULL past the end */
const struct vmsg_clause *vmsg_clause_find(const char *id); /* NULL when unknown */

/* Names: "driver", "MUST NOT", "active", "v1-noresv". NULL for out-of-range. */
const char *vmsg_role_name(enum vmsg_role r);
const char *vmsg_level_name(enum vmsg_level l);
const char *vmsg_testability_name(enum vmsg_testability t);
const char *vmsg_clause_profile_name(unsigned code);
/* Parse a name (exact, as printed above); false when unknown. */
bool vmsg_role_parse(const char *s, enum vmsg_role *out);
bool vmsg_level_parse(const char *s, enum vmsg_level *out);
bool vmsg_testability_parse(const char *s, enum vmsg_testability *out);
bool vmsg_clause_profile_parse(const char *s, unsigned *code);

/* The strongest keyword of a clause, folded to MUST, SHOULD or MAY (REQUIRED
 * and SHALL count as MUST, RECOMMENDED as SHOULD, OPTIONAL as MAY; the NOT
 * forms fold to their positive word). This decides FAIL vs WARN vs INFO. */
enum vmsg_level vmsg_clause_strength(const struct vmsg_clause *c);
bool vmsg_clause_has_level(const struct vmsg_clause *c, enum vmsg_level l);
bool vmsg_clause_testable(const struct vmsg_clause *c);

/* ---- external catalogs ------------------------------------------------- */

struct vmsg_catalog; /* opaque */

/* Problem reporter: one line "path:line:col: problem" (no newline). */
typedef void (*vmsg_catalog_error_fn)(void *ctx, const char *msg);

/* Load and validate a catalog YAML. Every problem goes to err (stderr when
 * err is NULL). Returns 0 and *out on success, 2 on bad input (*out NULL). */
int vmsg_catalog_load(const char *path, struct vmsg_catalog **out, vmsg_catalog_error_fn err,
                      void *ctx);
void vmsg_catalog_free(struct vmsg_catalog *cat);
size_t vmsg_catalog_count(const struct vmsg_catalog *cat);
const struct vmsg_clause *vmsg_catalog_at(const struct vmsg_catalog *cat, size_t i);
const struct vmsg_clause *vmsg_catalog_find(const struct vmsg_catalog *cat, const char *id);
/* The whole table (contiguous, catalog order), for vmsg_coverage_compute. */
const struct vmsg_clause *vmsg_catalog_clauses(const struct vmsg_catalog *cat, size_t *n);
/* The built-in table as a contiguous array. */
const struct vmsg_clause *vmsg_clause_table(size_t *n);

/* ---- coverage ---------------------------------------------------------- */

struct vmsg_citation {
    const char *kind;   /* "case", "check", "codec" */
    const char *source; /* case id, checker rule id, codec rule id */
    const char *clause; /* clause id */
};

enum vmsg_citation_kind { VMSG_CITE_CASE, VMSG_CITE_CHECK, VMSG_CITE_CODEC, VMSG_CITE_OTHER };
#define VMSG_CITE_KIND_COUNT 4

struct vmsg_clause_coverage {
    const struct vmsg_clause *clause;
    size_t ncites;                      /* citations naming this clause */
    const struct vmsg_citation **cites; /* pointers into the caller's citation array */
    size_t per_kind[VMSG_CITE_KIND_COUNT];
    bool uncovered;                     /* testable and cited by nobody */
};

struct vmsg_coverage {
    size_t nclauses;
    struct vmsg_clause_coverage *clauses; /* one per clause, catalog order */
    size_t ncovered;                      /* clauses cited at least once */
    size_t ntestable;
    size_t nuncovered;                    /* testable clauses cited by nobody */
    size_t nunknown;
    const struct vmsg_citation **unknown; /* citations of ids not in the catalog */
};

/* Compute coverage of clauses[0..nclauses) by cites[0..ncites). The result
 * points into both arrays (keep them alive). Returns 0, or -1 out of memory. */
int vmsg_coverage_compute(struct vmsg_coverage *cov, const struct vmsg_clause *clauses,
                          size_t nclauses, const struct vmsg_citation *cites, size_t ncites);
void vmsg_coverage_free(struct vmsg_coverage *cov);
enum vmsg_citation_kind vmsg_citation_kind_of(const struct vmsg_citation *c);

/* Every citation the library knows (codec rules, checker rules, ...). Writes up
 * to cap entries to out and returns the total number available (call with
 * cap 0 to size the array). Cases live in suites/ and are added by the caller. */
size_t vmsg_catalog_citations(struct vmsg_citation *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
