/* tex.c: see tex.h. Works on a copy of the file whose comments are blanked
 * (offsets and line breaks kept), so commented-out text never counts. */
#include "tex.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"

struct src {
    const char *path;
    char *s;          /* comment-blanked text */
    size_t n;
    size_t *lines;    /* offset of each line start */
    size_t nlines;
};

static unsigned line_of(const struct src *S, size_t off)
{
    size_t lo = 0, hi = S->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (S->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

static int bad(const struct src *S, size_t off, const char *what)
{
    fprintf(stderr, "%s:%u: spec-lint: %s\n", S->path, line_of(S, off), what);
    return 2;
}

static int load(struct src *S, const char *path)
{
    memset(S, 0, sizeof *S);
    S->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: spec-lint: cannot open: %s\n", path, strerror(errno));
        return 2;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: spec-lint: out of memory\n", path);
        return 2;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        fprintf(stderr, "%s:1: spec-lint: not a text file (NUL byte)\n", path);
        return 2;
    }
    for (size_t i = 0; i < n; i++) { /* blank comments, keep newlines */
        if (buf[i] == '\\' && i + 1 < n && buf[i + 1] != '\n') {
            i++;
        } else if (buf[i] == '%') {
            while (i < n && buf[i] != '\n')
                buf[i++] = ' ';
        }
    }
    S->s = buf;
    S->n = n;
    size_t nl = 1;
    for (size_t i = 0; i < n; i++)
        nl += buf[i] == '\n';
    S->lines = malloc(nl * sizeof *S->lines);
    if (!S->lines) {
        fprintf(stderr, "%s: spec-lint: out of memory\n", path);
        return 2;
    }
    S->lines[0] = 0;
    S->nlines = 1;
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            S->lines[S->nlines++] = i + 1;
    return 0;
}

/* Does a control word `\name` start at off (and end there: no letter follows)? */
static bool cmd_at(const struct src *S, size_t off, const char *name)
{
    size_t k = strlen(name);
    if (S->s[off] != '\\' || off + 1 + k > S->n || strncmp(S->s + off + 1, name, k))
        return false;
    return !isalpha((unsigned char)S->s[off + 1 + k]);
}

/* Parse {...} at *pos (after optional whitespace): returns the content span. */
static bool brace_arg(const struct src *S, size_t *pos, size_t *b, size_t *e)
{
    size_t i = *pos;
    while (i < S->n && isspace((unsigned char)S->s[i]))
        i++;
    if (i >= S->n || S->s[i] != '{')
        return false;
    int depth = 0;
    for (size_t j = i; j < S->n; j++) {
        if (S->s[j] == '\\') {
            j++;
            continue;
        }
        if (S->s[j] == '{')
            depth++;
        else if (S->s[j] == '}' && --depth == 0) {
            *b = i + 1;
            *e = j;
            *pos = j + 1;
            return true;
        }
    }
    return false;
}

/* Label text: whitespace collapsed, common prefix removed. */
static char *label_of(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool sp = false;
    for (size_t i = 0; i < len; i++) {
        if (isspace((unsigned char)s[i])) {
            sp = o > 0;
            continue;
        }
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == '_')
            continue; /* \_ reads as _ */
        if (sp)
            out[o++] = ' ';
        sp = false;
        out[o++] = s[i];
    }
    out[o] = '\0';
    size_t pl = strlen(VMSG__LABEL_PREFIX);
    if (!strncmp(out, VMSG__LABEL_PREFIX, pl))
        memmove(out, out + pl, o - pl + 1);
    return out;
}

static bool grow(void **v, size_t n, size_t size)
{
    size_t cap;
    if (n == 0)
        cap = 8;
    else if (n >= 8 && (n & (n - 1)) == 0)
        cap = n * 2;
    else
        return true; /* capacity: 8, then the next power of two */
    void *nv = realloc(*v, cap * size);
    if (!nv)
        return false;
    *v = nv;
    return true;
}

static const char *const role_macro[3] = {"drivernormative", "devicenormative", "busnormative"};

static bool is_kw_word(const char *w, size_t n)
{
    static const char *const kw[] = {"MUST",        "SHOULD",   "SHALL", "MAY", "REQUIRED",
                                     "RECOMMENDED", "OPTIONAL", NULL};
    for (size_t i = 0; kw[i]; i++)
        if (strlen(kw[i]) == n && !memcmp(kw[i], w, n))
            return true;
    return false;
}

static int add_text(const struct src *S, size_t b, size_t e, char **text, char hash[17],
                    enum vmsg_level *levels, size_t *nlevels)
{
    *text = vmsg__clause_normalize(S->s + b, e - b);
    if (!*text)
        return bad(S, b, "out of memory");
    vmsg__clause_hash(*text, hash);
    *nlevels = vmsg__clause_keywords(*text, levels, VMSG_CLAUSE_MAX_LEVELS);
    return 0;
}

static int add_bullet(const struct src *S, struct lint_block *blk, size_t b, size_t e)
{
    if (!grow((void **)&blk->bullets, blk->nbullets, sizeof *blk->bullets))
        return bad(S, b, "out of memory");
    struct lint_bullet *bl = &blk->bullets[blk->nbullets++];
    memset(bl, 0, sizeof *bl);
    bl->line = line_of(S, b);
    return add_text(S, b, e, &bl->text, bl->hash, bl->levels, &bl->nlevels);
}

/* Parse the block whose macro starts at off; *end gets the offset after it. */
static int parse_block(const struct src *S, size_t off, int role, struct lint_tex *t, size_t *end)
{
    size_t pos = off + 1 + strlen(role_macro[role]), b = 0, e = 0;
    for (int a = 0; a < 3; a++)
        if (!brace_arg(S, &pos, &b, &e))
            return bad(S, off, "normative macro without its three {} arguments");
    if (!grow((void **)&t->blocks, t->nblocks, sizeof *t->blocks))
        return bad(S, off, "out of memory");
    struct lint_block *blk = &t->blocks[t->nblocks++];
    memset(blk, 0, sizeof *blk);
    blk->role = (enum vmsg_role)role;
    blk->line = line_of(S, off);
    blk->label = label_of(S->s + b, e - b);
    if (!blk->label)
        return bad(S, off, "out of memory");
    while (pos < S->n && isspace((unsigned char)S->s[pos]))
        pos++;
    if (!cmd_at(S, pos, "begin") || strncmp(S->s + pos, "\\begin{itemize}", 15))
        return bad(S, pos, "normative block does not start with \\begin{itemize}");
    pos += 15;
    int depth = 1;
    size_t item = 0; /* start of the current bullet, 0 = none yet */
    for (; pos < S->n; pos++) {
        if (S->s[pos] != '\\')
            continue;
        if (!strncmp(S->s + pos, "\\begin{itemize}", 15) ||
            !strncmp(S->s + pos, "\\begin{enumerate}", 17)) {
            depth++;
        } else if (!strncmp(S->s + pos, "\\end{itemize}", 13) ||
                   !strncmp(S->s + pos, "\\end{enumerate}", 15)) {
            if (--depth == 0) {
                if (item && add_bullet(S, blk, item, pos))
                    return 2;
                if (!blk->nbullets)
                    return bad(S, off, "normative block without \\item bullets");
                *end = pos + 13;
                return 0;
            }
        } else if (depth == 1 && cmd_at(S, pos, "item")) {
            if (item && add_bullet(S, blk, item, pos))
                return 2;
            item = pos;
        }
        if (S->s[pos] == '\\')
            pos++; /* skip the escaped character / first letter */
    }
    return bad(S, off, "normative block: \\begin{itemize} without \\end{itemize}");
}

static int flush_sentence(const struct src *S, size_t b, size_t e, struct lint_tex *t)
{
    while (b < e && isspace((unsigned char)S->s[b]))
        b++;
    if (b >= e)
        return 0;
    /* cheap filter: any keyword word in the raw text? remember the first */
    size_t first = 0;
    bool any = false;
    for (size_t i = b; i < e && !any; i++) {
        if (!isupper((unsigned char)S->s[i]) || (i > b && (isalnum((unsigned char)S->s[i - 1]) ||
                                                           S->s[i - 1] == '_' ||
                                                           S->s[i - 1] == '\\')))
            continue;
        size_t j = i;
        while (j < e && (isalnum((unsigned char)S->s[j]) || S->s[j] == '_'))
            j++;
        if (is_kw_word(S->s + i, j - i)) {
            any = true;
            first = i;
        }
        i = j;
    }
    if (!any)
        return 0;
    struct lint_prose p;
    memset(&p, 0, sizeof p);
    if (add_text(S, b, e, &p.text, p.hash, p.levels, &p.nlevels))
        return 2;
    if (!p.nlevels) {
        free(p.text);
        return 0;
    }
    p.line = line_of(S, first);
    if (!grow((void **)&t->prose, t->nprose, sizeof *t->prose)) {
        free(p.text);
        return bad(S, b, "out of memory");
    }
    t->prose[t->nprose++] = p;
    return 0;
}

/* Control words that start a new sentence (structure, not running text). */
static bool breaks_sentence(const struct src *S, size_t i)
{
    static const char *const br[] = {"item",    "begin",         "end",     "paragraph",
                                     "section", "subsection",    "subsubsection",
                                     "chapter", "label",         "hline",   "busdef",
                                     "msgdef",  "caption",       NULL};
    for (size_t k = 0; br[k]; k++)
        if (cmd_at(S, i, br[k]))
            return true;
    return false;
}

static int parse_chapter(const struct src *S, struct lint_tex *t)
{
    size_t st = 0;
    for (size_t i = 0; i < S->n; i++) {
        char c = S->s[i];
        if (c == '\\') {
            int role = -1;
            for (int r = 0; r < 3; r++)
                if (cmd_at(S, i, role_macro[r]))
                    role = r;
            if (role >= 0) {
                if (flush_sentence(S, st, i, t))
                    return 2;
                size_t end = 0;
                if (parse_block(S, i, role, t, &end))
                    return 2;
                i = end - 1;
                st = end;
                continue;
            }
            if (breaks_sentence(S, i)) { /* the command and its {} arguments end a sentence */
                if (flush_sentence(S, st, i, t))
                    return 2;
                size_t pos = i + 1, b = 0, e = 0;
                while (pos < S->n && isalpha((unsigned char)S->s[pos]))
                    pos++;
                while (brace_arg(S, &pos, &b, &e))
                    ;
                st = pos;
                i = pos - 1;
                continue;
            }
            i++; /* escaped char or first letter of a control word */
            continue;
        }
        if ((c == '.' || c == '!' || c == '?') &&
            (i + 1 >= S->n || isspace((unsigned char)S->s[i + 1]))) {
            if (flush_sentence(S, st, i + 1, t))
                return 2;
            st = i + 1;
        } else if (c == '\n') { /* blank line: paragraph break */
            size_t j = i + 1;
            while (j < S->n && S->s[j] != '\n' && isspace((unsigned char)S->s[j]))
                j++;
            if (j < S->n && S->s[j] == '\n') {
                if (flush_sentence(S, st, i, t))
                    return 2;
                st = i;
            }
        }
    }
    return flush_sentence(S, st, S->n, t);
}

static int parse_refs(const struct src *S, struct lint_tex *t)
{
    for (size_t i = 0; i < S->n; i++) {
        if (!cmd_at(S, i, "ref"))
            continue;
        size_t pos = i + 4, b = 0, e = 0;
        if (!brace_arg(S, &pos, &b, &e))
            return bad(S, i, "\\ref without {} argument");
        for (int r = 0; r < 3; r++) {
            size_t k = strlen(role_macro[r]);
            if (e - b > k && !strncmp(S->s + b, role_macro[r], k) && S->s[b + k] == ':') {
                char *full = label_of(S->s + b + k + 1, e - b - k - 1);
                if (!full)
                    return bad(S, i, "out of memory");
                /* label_of strips the prefix; keep only refs that had it */
                size_t pl = strlen(VMSG__LABEL_PREFIX);
                bool ours = (size_t)(e - b - k - 1) > pl &&
                            !strncmp(S->s + b + k + 1, VMSG__LABEL_PREFIX, pl);
                if (!ours) {
                    free(full);
                    break;
                }
                if (!grow((void **)&t->refs, t->nrefs, sizeof *t->refs)) {
                    free(full);
                    return bad(S, i, "out of memory");
                }
                t->refs[t->nrefs++] =
                    (struct lint_ref){(enum vmsg_role)r, line_of(S, i), full};
            }
        }
        i = pos - 1;
    }
    return 0;
}

int lint_tex_parse(const char *path, int conformance, struct lint_tex *out)
{
    memset(out, 0, sizeof *out);
    struct src S;
    int rc = load(&S, path);
    if (!rc)
        rc = conformance ? parse_refs(&S, out) : parse_chapter(&S, out);
    free(S.s);
    free(S.lines);
    if (rc)
        lint_tex_free(out);
    return rc;
}

void lint_tex_free(struct lint_tex *t)
{
    for (size_t i = 0; i < t->nblocks; i++) {
        for (size_t j = 0; j < t->blocks[i].nbullets; j++)
            free(t->blocks[i].bullets[j].text);
        free(t->blocks[i].bullets);
        free(t->blocks[i].label);
    }
    free(t->blocks);
    for (size_t i = 0; i < t->nprose; i++)
        free(t->prose[i].text);
    free(t->prose);
    for (size_t i = 0; i < t->nrefs; i++)
        free(t->refs[i].label);
    free(t->refs);
    memset(t, 0, sizeof *t);
}
