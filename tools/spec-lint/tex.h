/* A small reader for the virtio spec's LaTeX: normative blocks and their
 * bullets, RFC 2119 sentences outside blocks, and conformance references. */
#ifndef VMSG_SPEC_LINT_TEX_H
#define VMSG_SPEC_LINT_TEX_H

#include <stddef.h>

#include "vmsg/catalog.h"

struct lint_bullet {
    unsigned line;          /* line of \item */
    char *text;             /* normalized */
    char hash[17];
    enum vmsg_level levels[VMSG_CLAUSE_MAX_LEVELS];
    size_t nlevels;         /* may exceed VMSG_CLAUSE_MAX_LEVELS (then truncated) */
};

struct lint_block {
    enum vmsg_role role;
    unsigned line;          /* line of the \...normative macro */
    char *label;            /* without the common prefix */
    struct lint_bullet *bullets;
    size_t nbullets;
};

struct lint_prose {
    unsigned line;          /* line of the first keyword */
    char *text;             /* normalized sentence */
    char hash[17];
    enum vmsg_level levels[VMSG_CLAUSE_MAX_LEVELS];
    size_t nlevels;
};

struct lint_ref {           /* \ref{<role>normative:<label>} in the conformance chapter */
    enum vmsg_role role;
    unsigned line;
    char *label;            /* without the common prefix */
};

struct lint_tex {
    struct lint_block *blocks;
    size_t nblocks;
    struct lint_prose *prose;
    size_t nprose;
    struct lint_ref *refs;
    size_t nrefs;
};

/* Parse a transport chapter (blocks and prose) or, with conformance set, a
 * conformance chapter (refs only). Returns 0, or 2 after printing
 * "file:line: spec-lint: problem" to stderr. */
int lint_tex_parse(const char *path, int conformance, struct lint_tex *out);
void lint_tex_free(struct lint_tex *t);

#endif
