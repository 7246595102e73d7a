/* spec-lint: compare the normative text of the virtio-msg chapter with the
 * clause catalog (and the conformance chapter's lists).
 *
 *   spec-lint [--catalog spec/clauses.yaml] [--conformance conformance.tex]
 *             [--print] transport-msg.tex
 *
 * One line per problem: FILE:LINE: spec-lint: <id or label>: <problem>:
 * expected X, got Y  ("expected" is what the catalog or the other chapter
 * records, "got" what the text says now). Exit 0 clean, 1 drift, 2 bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "tex.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: spec-lint [--catalog CATALOG.yaml] [--conformance CONFORMANCE.tex] [--print]\n"
            "                 TRANSPORT.tex\n"
            "  --catalog F      compare every normative bullet and prose RFC 2119 sentence\n"
            "                   with the clause catalog F (missing, extra, changed text,\n"
            "                   changed keywords, wrong role)\n"
            "  --conformance F  check that F lists exactly the normative labels per role\n"
            "  --print          print what was extracted, one tab-separated line each:\n"
            "                   kind role label bullet levels hash line text\n"
            "exit: 0 clean, 1 drift, 2 bad input\n"
            "example: spec-lint --catalog spec/clauses.yaml \\\n"
            "           --conformance ../shared/spec/conformance-v1.tex \\\n"
            "           ../shared/spec/transport-msg-v1.tex\n");
}

static void levels_str(const enum vmsg_level *l, size_t n, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < VMSG_CLAUSE_MAX_LEVELS; i++)
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", i ? ", " : "",
                              vmsg_level_name(l[i]));
    if (!n)
        snprintf(buf, len, "none");
}

static void clause_levels(const struct vmsg_clause *c, char *buf, size_t len)
{
    enum vmsg_level l[VMSG_CLAUSE_MAX_LEVELS];
    for (unsigned i = 0; i < c->nlevels; i++)
        l[i] = (enum vmsg_level)c->levels[i];
    levels_str(l, c->nlevels, buf, len);
}

static bool same_levels(const struct vmsg_clause *c, const enum vmsg_level *l, size_t n)
{
    if (n != c->nlevels)
        return false;
    for (size_t i = 0; i < n; i++)
        if (c->levels[i] != (unsigned char)l[i])
            return false;
    return true;
}

static void print_extracted(const struct lint_tex *t)
{
    char lv[128];
    for (size_t i = 0; i < t->nblocks; i++)
        for (size_t j = 0; j < t->blocks[i].nbullets; j++) {
            const struct lint_bullet *b = &t->blocks[i].bullets[j];
            levels_str(b->levels, b->nlevels, lv, sizeof lv);
            printf("bullet\t%s\t%s\t%zu\t%s\t%s\t%u\t%s\n", vmsg_role_name(t->blocks[i].role),
                   t->blocks[i].label, j + 1, lv, b->hash, b->line, b->text);
        }
    for (size_t i = 0; i < t->nprose; i++) {
        levels_str(t->prose[i].levels, t->prose[i].nlevels, lv, sizeof lv);
        printf("prose\t-\t-\t-\t%s\t%s\t%u\t%s\n", lv, t->prose[i].hash, t->prose[i].line,
               t->prose[i].text);
    }
}

struct lint {
    const char *tex_path, *cat_path, *conf_path;
    int drift;
};

#define DRIFT(L, file, line, ...)                                                              \
    do {                                                                                       \
        printf("%s:%u: spec-lint: ", (file), (unsigned)(line));                                \
        printf(__VA_ARGS__);                                                                   \
        printf("\n");                                                                          \
        (L)->drift++;                                                                          \
    } while (0)

static void compare_catalog(struct lint *L, const struct lint_tex *t,
                            const struct vmsg_catalog *cat)
{
    size_t n;
    const struct vmsg_clause *v = vmsg_catalog_clauses(cat, &n);
    bool *used = calloc(n ? n : 1, sizeof *used);
    bool *pused = calloc(t->nprose ? t->nprose : 1, sizeof *pused);
    char a[128], b[128];
    if (!used || !pused) {
        fprintf(stderr, "spec-lint: out of memory\n");
        exit(2);
    }
    /* block bullets, matched by (label, bullet) */
    for (size_t i = 0; i < t->nblocks; i++) {
        const struct lint_block *blk = &t->blocks[i];
        size_t incat = 0;
        for (size_t k = 0; k < n; k++)
            if (!v[k].prose && !strcmp(v[k].label, blk->label))
                incat++;
        for (size_t j = 0; j < blk->nbullets; j++) {
            const struct lint_bullet *bl = &blk->bullets[j];
            const struct vmsg_clause *c = NULL;
            for (size_t k = 0; k < n && !c; k++)
                if (!v[k].prose && v[k].bullet == j + 1 && !strcmp(v[k].label, blk->label)) {
                    c = &v[k];
                    used[k] = true;
                }
            if (!c) {
                levels_str(bl->levels, bl->nlevels, b, sizeof b);
                DRIFT(L, L->tex_path, bl->line,
                      "%s bullet %zu: bullet not in catalog: expected %zu bullets, got %zu (new "
                      "bullet: %s, hash %s)",
                      blk->label, j + 1, incat, blk->nbullets, b, bl->hash);
                continue;
            }
            if (c->role != blk->role)
                DRIFT(L, L->tex_path, blk->line, "%s: wrong role: expected %s, got %s", c->id,
                      vmsg_role_name(c->role), vmsg_role_name(blk->role));
            if (!same_levels(c, bl->levels, bl->nlevels)) {
                clause_levels(c, a, sizeof a);
                levels_str(bl->levels, bl->nlevels, b, sizeof b);
                DRIFT(L, L->tex_path, bl->line, "%s: keywords changed: expected %s, got %s",
                      c->id, a, b);
            }
            if (strcmp(c->hash, bl->hash))
                DRIFT(L, L->tex_path, bl->line, "%s: text changed: expected hash %s, got %s",
                      c->id, c->hash, bl->hash);
        }
    }
    /* prose, matched by hash, else by the line of the first keyword */
    for (size_t k = 0; k < n; k++) {
        if (!v[k].prose)
            continue;
        const struct vmsg_clause *c = &v[k];
        size_t hit = t->nprose;
        for (size_t p = 0; p < t->nprose && hit == t->nprose; p++)
            if (!pused[p] && !strcmp(t->prose[p].hash, c->hash))
                hit = p;
        bool by_line = false;
        for (size_t p = 0; p < t->nprose && hit == t->nprose; p++)
            if (!pused[p] && t->prose[p].line == c->tex_line) {
                hit = p;
                by_line = true;
            }
        if (hit == t->nprose)
            continue; /* reported below as an extra catalog entry */
        used[k] = true;
        pused[hit] = true;
        const struct lint_prose *pr = &t->prose[hit];
        if (by_line)
            DRIFT(L, L->tex_path, pr->line, "%s: text changed: expected hash %s, got %s", c->id,
                  c->hash, pr->hash);
        if (!same_levels(c, pr->levels, pr->nlevels)) {
            clause_levels(c, a, sizeof a);
            levels_str(pr->levels, pr->nlevels, b, sizeof b);
            DRIFT(L, L->tex_path, pr->line, "%s: keywords changed: expected %s, got %s", c->id, a,
                  b);
        }
    }
    for (size_t p = 0; p < t->nprose; p++)
        if (!pused[p]) {
            levels_str(t->prose[p].levels, t->prose[p].nlevels, b, sizeof b);
            DRIFT(L, L->tex_path, t->prose[p].line,
                  "prose: RFC 2119 sentence not in catalog: expected no keyword outside the "
                  "catalogued sentences, got %s (hash %s)",
                  b, t->prose[p].hash);
        }
    /* catalog entries the text does not have */
    for (size_t k = 0; k < n; k++) {
        if (used[k])
            continue;
        const struct vmsg_clause *c = &v[k];
        if (c->prose) {
            DRIFT(L, L->cat_path, c->catalog_line,
                  "%s: prose sentence not in text: expected a sentence with hash %s near line "
                  "%u, got none",
                  c->id, c->hash, c->tex_line);
            continue;
        }
        size_t have = 0;
        bool block = false;
        for (size_t i = 0; i < t->nblocks; i++)
            if (!strcmp(t->blocks[i].label, c->label)) {
                block = true;
                have = t->blocks[i].nbullets;
            }
        if (block)
            DRIFT(L, L->cat_path, c->catalog_line,
                  "%s: bullet not in text: expected bullet %u of %s, got %zu bullets", c->id,
                  c->bullet, c->label, have);
        else
            DRIFT(L, L->cat_path, c->catalog_line,
                  "%s: block not in text: expected a normative block labelled %s, got none", c->id,
                  c->label);
    }
    free(used);
    free(pused);
}

static void compare_conformance(struct lint *L, const struct lint_tex *t,
                                const struct lint_tex *conf)
{
    for (size_t i = 0; i < t->nblocks; i++) {
        const struct lint_block *blk = &t->blocks[i];
        bool found = false;
        for (size_t r = 0; r < conf->nrefs && !found; r++)
            found = conf->refs[r].role == blk->role && !strcmp(conf->refs[r].label, blk->label);
        if (!found)
            DRIFT(L, L->tex_path, blk->line,
                  "%s: not in conformance chapter: expected listed under %s conformance, got "
                  "absent",
                  blk->label, vmsg_role_name(blk->role));
    }
    for (size_t r = 0; r < conf->nrefs; r++) {
        const struct lint_ref *ref = &conf->refs[r];
        const struct lint_block *same = NULL, *other = NULL;
        for (size_t i = 0; i < t->nblocks; i++) {
            if (strcmp(t->blocks[i].label, ref->label))
                continue;
            if (t->blocks[i].role == ref->role)
                same = &t->blocks[i];
            else
                other = &t->blocks[i];
        }
        for (size_t q = 0; q < r; q++)
            if (conf->refs[q].role == ref->role && !strcmp(conf->refs[q].label, ref->label))
                DRIFT(L, L->conf_path, ref->line,
                      "%s: listed twice: expected once under %s conformance, got again (first at "
                      "line %u)",
                      ref->label, vmsg_role_name(ref->role), conf->refs[q].line);
        if (same)
            continue;
        if (other)
            DRIFT(L, L->conf_path, ref->line,
                  "%s: wrong role in conformance chapter: expected %s, got %s", ref->label,
                  vmsg_role_name(other->role), vmsg_role_name(ref->role));
        else
            DRIFT(L, L->conf_path, ref->line,
                  "%s: conformance lists an unknown block: expected a %snormative block, got none",
                  ref->label, vmsg_role_name(ref->role));
    }
}

static void print_err(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
    struct lint L = {0};
    bool print = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--print")) {
            print = true;
        } else if (!strcmp(argv[i], "--catalog") && i + 1 < argc) {
            L.cat_path = argv[++i];
        } else if (!strcmp(argv[i], "--conformance") && i + 1 < argc) {
            L.conf_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "spec-lint: %s: unknown option or missing value\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!L.tex_path) {
            L.tex_path = argv[i];
        } else {
            fprintf(stderr, "spec-lint: %s: only one transport chapter\n", argv[i]);
            return 2;
        }
    }
    if (!L.tex_path) {
        usage(stderr);
        return 2;
    }
    struct lint_tex t, conf;
    if (lint_tex_parse(L.tex_path, 0, &t))
        return 2;
    if (!t.nblocks) {
        fprintf(stderr, "%s:1: spec-lint: no \\drivernormative, \\devicenormative or "
                        "\\busnormative block found\n", L.tex_path);
        lint_tex_free(&t);
        return 2;
    }
    struct vmsg_catalog *cat = NULL;
    if (L.cat_path && vmsg_catalog_load(L.cat_path, &cat, print_err, NULL)) {
        lint_tex_free(&t);
        return 2;
    }
    memset(&conf, 0, sizeof conf);
    if (L.conf_path && lint_tex_parse(L.conf_path, 1, &conf)) {
        lint_tex_free(&t);
        vmsg_catalog_free(cat);
        return 2;
    }
    if (print)
        print_extracted(&t);
    if (cat)
        compare_catalog(&L, &t, cat);
    if (L.conf_path)
        compare_conformance(&L, &t, &conf);
    lint_tex_free(&t);
    lint_tex_free(&conf);
    vmsg_catalog_free(cat);
    return L.drift ? 1 : 0;
}
