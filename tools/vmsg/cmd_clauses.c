/* vmsg clauses: list the clause catalog with its coverage: which codec rules,
 * checker rules and cases cite each clause, and which testable clauses nobody
 * cites. Exit 0, 2 on bad options or a bad --catalog file. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/catalog.h>

#include "cli.h"
#include "commands.h"
#include "suites.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg clauses [--role R] [--level L] [--testability T] [--profile P]\n"
            "                    [--uncovered] [--catalog FILE] [--json]\n"
            "List the clauses of virtio-msg v1 (one per normative bullet, plus the RFC 2119\n"
            "sentences outside the normative blocks) and who cites each one: codec rules,\n"
            "checker rules, cases.\n\n"
            "  -r, --role R          driver, device, bus or any\n"
            "  -l, --level L         clauses using keyword L: MUST, MUST NOT (or must-not),\n"
            "                        SHOULD, SHOULD NOT, MAY, ...\n"
            "  -t, --testability T   active, passive, both, untestable\n"
            "  -p, --profile P       clauses that apply to profile P (v1, v1-noresv, rfc2, v0,\n"
            "                        v2-draft)\n"
            "  -u, --uncovered       only testable clauses that nothing cites yet\n"
            "  -c, --catalog FILE    use this catalog YAML instead of the built-in one\n"
            "  -j, --json            one JSON document instead of text\n"
            "  -h, --help            this text\n\n"
            "example:\n"
            "  vmsg clauses --role device --level MUST --uncovered\n"
            "  -> device.config-gen.3  device  MUST  active  Basic Concepts / Configuration ...\n\n"
            "exit: 0 listed, 2 bad option or catalog file\n");
}

/* "must-not", "MUST_NOT", "must not" -> "MUST NOT" */
static bool parse_level(const char *s, enum vmsg_level *out)
{
    char buf[32];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return false;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (s[i] == '-' || s[i] == '_') ? ' ' : (char)toupper((unsigned char)s[i]);
    return vmsg_level_parse(buf, out);
}

static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void levels_text(const struct vmsg_clause *c, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < c->nlevels && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
                              vmsg_level_name((enum vmsg_level)c->levels[i]));
}

struct filter {
    int role, level, testability, profile;
    bool uncovered;
};

static bool selected(const struct filter *f, const struct vmsg_clause_coverage *cc)
{
    const struct vmsg_clause *c = cc->clause;
    if (f->role >= 0 && (int)c->role != f->role)
        return false;
    if (f->level >= 0 && !vmsg_clause_has_level(c, (enum vmsg_level)f->level))
        return false;
    if (f->testability >= 0 && (int)c->testability != f->testability)
        return false;
    if (f->profile >= 0 && !(c->profiles & (1u << f->profile)))
        return false;
    if (f->uncovered && !cc->uncovered)
        return false;
    return true;
}

/* Per role (device, driver, bus): the clauses a case can judge (active or
 * both) and how many of them some case cites, over the whole catalog. */
struct case_cov {
    size_t active[VMSG_ROLE_COUNT], cited[VMSG_ROLE_COUNT];
};

static void case_coverage(const struct vmsg_coverage *cov, struct case_cov *cc)
{
    memset(cc, 0, sizeof *cc);
    for (size_t i = 0; i < cov->nclauses; i++) {
        const struct vmsg_clause *c = cov->clauses[i].clause;
        if (c->testability != VMSG_TEST_ACTIVE && c->testability != VMSG_TEST_BOTH)
            continue;
        cc->active[c->role]++;
        cc->cited[c->role] += cov->clauses[i].per_kind[VMSG_CITE_CASE] > 0;
    }
}

static const enum vmsg_role case_roles[] = {VMSG_ROLE_DEVICE, VMSG_ROLE_DRIVER, VMSG_ROLE_BUS};

static void print_text(const struct vmsg_coverage *cov, const struct filter *f)
{
    size_t shown = 0;
    char lv[96];
    for (size_t i = 0; i < cov->nclauses; i++) {
        const struct vmsg_clause_coverage *cc = &cov->clauses[i];
        if (!selected(f, cc))
            continue;
        const struct vmsg_clause *c = cc->clause;
        levels_text(c, lv, sizeof lv);
        shown++;
        if (c->prose)
            printf("%-26s %-6s %-18s %-10s %s (prose, line %u)\n", c->id, vmsg_role_name(c->role),
                   lv, vmsg_testability_name(c->testability), c->label, c->tex_line);
        else
            printf("%-26s %-6s %-18s %-10s %s #%u\n", c->id, vmsg_role_name(c->role), lv,
                   vmsg_testability_name(c->testability), c->label, c->bullet);
        printf("    %s\n", c->summary);
        if (c->reason)
            printf("    untestable: %s\n", c->reason);
        if (!cc->ncites) {
            printf("    cited by: none%s\n", cc->uncovered ? " (uncovered)" : "");
        } else {
            printf("    cited by:");
            for (size_t k = 0; k < cc->ncites; k++)
                printf("%s %s %s", k ? "," : "", cc->cites[k]->kind, cc->cites[k]->source);
            printf("\n");
        }
    }
    printf("\n%zu of %zu clauses listed; coverage: %zu of %zu testable clauses cited, %zu "
           "uncovered\n",
           shown, cov->nclauses, cov->ntestable - cov->nuncovered, cov->ntestable,
           cov->nuncovered);
    struct case_cov byrole;
    case_coverage(cov, &byrole);
    printf("cases:");
    for (unsigned i = 0; i < 3; i++) {
        enum vmsg_role r = case_roles[i];
        printf("%s %s %zu of %zu", i ? "," : "", vmsg_role_name(r), byrole.cited[r], byrole.active[r]);
    }
    printf(" actively testable clauses cited by a case\n");
    for (size_t k = 0; k < cov->nunknown; k++)
        printf("unknown clause: %s %s cites %s\n", cov->unknown[k]->kind, cov->unknown[k]->source,
               cov->unknown[k]->clause);
}

static void print_json(const struct vmsg_coverage *cov, const struct filter *f)
{
    printf("{\"schema\":\"vmsg-clauses/1\",\"clauses\":[");
    size_t shown = 0;
    for (size_t i = 0; i < cov->nclauses; i++) {
        const struct vmsg_clause_coverage *cc = &cov->clauses[i];
        if (!selected(f, cc))
            continue;
        const struct vmsg_clause *c = cc->clause;
        printf("%s\n{\"id\":", shown++ ? "," : "");
        json_str(stdout, c->id);
        printf(",\"role\":\"%s\",\"levels\":[", vmsg_role_name(c->role));
        for (unsigned k = 0; k < c->nlevels; k++)
            printf("%s\"%s\"", k ? "," : "", vmsg_level_name((enum vmsg_level)c->levels[k]));
        printf("],\"level\":\"%s\",\"label\":", vmsg_level_name(vmsg_clause_strength(c)));
        json_str(stdout, c->label);
        printf(",\"bullet\":%u,\"prose\":%s", c->bullet, c->prose ? "true" : "false");
        if (c->prose)
            printf(",\"line\":%u", c->tex_line);
        printf(",\"summary\":");
        json_str(stdout, c->summary);
        printf(",\"testability\":\"%s\"", vmsg_testability_name(c->testability));
        if (c->reason) {
            printf(",\"reason\":");
            json_str(stdout, c->reason);
        }
        printf(",\"profiles\":[");
        for (unsigned p = 0, n = 0; p < VMSG_CLAUSE_PROFILE_COUNT; p++)
            if (c->profiles & (1u << p))
                printf("%s\"%s\"", n++ ? "," : "", vmsg_clause_profile_name(p));
        printf("],\"hash\":\"%s\",\"cited_by\":[", c->hash);
        for (size_t k = 0; k < cc->ncites; k++) {
            printf("%s{\"kind\":", k ? "," : "");
            json_str(stdout, cc->cites[k]->kind);
            printf(",\"source\":");
            json_str(stdout, cc->cites[k]->source);
            printf("}");
        }
        printf("],\"uncovered\":%s}", cc->uncovered ? "true" : "false");
    }
    printf("\n],\"listed\":%zu,\"coverage\":{\"clauses\":%zu,\"testable\":%zu,\"cited\":%zu,"
           "\"uncovered\":%zu},",
           shown, cov->nclauses, cov->ntestable, cov->ncovered, cov->nuncovered);
    struct case_cov byrole;
    case_coverage(cov, &byrole);
    printf("\"cases_by_role\":{");
    for (unsigned i = 0; i < 3; i++) {
        enum vmsg_role r = case_roles[i];
        printf("%s\"%s\":{\"active\":%zu,\"cited\":%zu}", i ? "," : "", vmsg_role_name(r), byrole.active[r], byrole.cited[r]);
    }
    printf("},\"unknown_citations\":[");
    for (size_t k = 0; k < cov->nunknown; k++) {
        printf("%s{\"kind\":", k ? "," : "");
        json_str(stdout, cov->unknown[k]->kind);
        printf(",\"source\":");
        json_str(stdout, cov->unknown[k]->source);
        printf(",\"clause\":");
        json_str(stdout, cov->unknown[k]->clause);
        printf("}");
    }
    printf("]}\n");
}

/* Every citation: the library's own (codec, checker) plus the cases of the suites. */
static struct vmsg_citation *gather(size_t *n)
{
    size_t lib = vmsg_catalog_citations(NULL, 0), cases = vmsg_suites_citations(NULL, 0);
    struct vmsg_citation *v = calloc(lib + cases ? lib + cases : 1, sizeof *v);
    if (!v)
        return NULL;
    *n = vmsg_catalog_citations(v, lib);
    *n += vmsg_suites_citations(v + *n, cases);
    return v;
}

int vmsg_cmd_clauses(int argc, char **argv)
{
    static const struct option lopts[] = {{"role", required_argument, 0, 'r'},
                                          {"level", required_argument, 0, 'l'},
                                          {"testability", required_argument, 0, 't'},
                                          {"profile", required_argument, 0, 'p'},
                                          {"uncovered", no_argument, 0, 'u'},
                                          {"catalog", required_argument, 0, 'c'},
                                          {"json", no_argument, 0, 'j'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    struct filter f = {-1, -1, -1, -1, false};
    bool json = false;
    const char *catalog_path = NULL;
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":r:l:t:p:uc:jh", lopts, NULL)) != -1) {
        enum vmsg_role r;
        enum vmsg_level l;
        enum vmsg_testability t;
        unsigned p;
        switch (c) {
        case 'r':
            if (!vmsg_role_parse(optarg, &r)) {
                fprintf(stderr, "vmsg: clauses: --role: '%s': expected driver, device, bus or any\n",
                        optarg);
                return 2;
            }
            f.role = (int)r;
            break;
        case 'l':
            if (!parse_level(optarg, &l)) {
                fprintf(stderr,
                        "vmsg: clauses: --level: '%s': expected an RFC 2119 keyword (MUST, MUST NOT, "
                        "SHOULD, SHOULD NOT, MAY, ...)\n",
                        optarg);
                return 2;
            }
            f.level = (int)l;
            break;
        case 't':
            if (!vmsg_testability_parse(optarg, &t)) {
                fprintf(stderr,
                        "vmsg: clauses: --testability: '%s': expected active, passive, both or "
                        "untestable\n",
                        optarg);
                return 2;
            }
            f.testability = (int)t;
            break;
        case 'p':
            if (!vmsg_clause_profile_parse(optarg, &p)) {
                fprintf(stderr,
                        "vmsg: clauses: --profile: '%s': expected v1, v1-noresv, rfc2, v0 or "
                        "v2-draft\n",
                        optarg);
                return 2;
            }
            f.profile = (int)p;
            break;
        case 'u':
            f.uncovered = true;
            break;
        case 'c':
            catalog_path = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return vmsg__cli_bad_option("clauses", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: clauses: unexpected argument '%s' (see vmsg clauses --help)\n", argv[optind]);
        return 2;
    }
    struct vmsg_catalog *cat = NULL;
    size_t nclauses;
    const struct vmsg_clause *clauses;
    if (catalog_path) {
        if (vmsg_catalog_load(catalog_path, &cat, NULL, NULL))
            return 2;
        clauses = vmsg_catalog_clauses(cat, &nclauses);
    } else {
        clauses = vmsg_clause_table(&nclauses);
    }
    size_t ncites = 0;
    struct vmsg_citation *cites = gather(&ncites);
    struct vmsg_coverage cov;
    if (!cites || vmsg_coverage_compute(&cov, clauses, nclauses, cites, ncites)) {
        fprintf(stderr, "vmsg: clauses: out of memory\n");
        free(cites);
        vmsg_catalog_free(cat);
        return 3;
    }
    if (json)
        print_json(&cov, &f);
    else
        print_text(&cov, &f);
    vmsg_coverage_free(&cov);
    free(cites);
    vmsg_catalog_free(cat);
    return 0;
}
