/* URI text: scheme and query splitting, query lookups, exec: argument
 * splitting (no shell: whitespace and simple quoting only), host:port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"

bool vmsg__uri_parse(const char *uri, struct vmsg__uri *u, char *err, size_t errcap)
{
    memset(u, 0, sizeof *u);
    const char *colon = strchr(uri, ':');
    size_t slen = colon ? (size_t)(colon - uri) : 0;
    if (!colon || slen == 0 || slen >= sizeof u->scheme) {
        snprintf(err, errcap, "%s: expected SCHEME:ADDRESS (e.g. unix:/tmp/dev.sock)", uri);
        return false;
    }
    for (size_t i = 0; i < slen; i++) {
        char c = uri[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            snprintf(err, errcap, "%s: bad character in URI scheme", uri);
            return false;
        }
    }
    memcpy(u->scheme, uri, slen);
    const char *rest = colon + 1;
    const char *q = strcmp(u->scheme, "exec") == 0 ? NULL : strchr(rest, '?');
    size_t rlen = q ? (size_t)(q - rest) : strlen(rest);
    u->rest = strndup(rest, rlen);
    u->query = q ? strdup(q + 1) : NULL;
    if (!u->rest || (q && !u->query)) {
        vmsg__uri_free(u);
        snprintf(err, errcap, "%s: out of memory", uri);
        return false;
    }
    if (u->rest[0] == 0 && strcmp(u->scheme, "builtin") != 0 && strcmp(u->scheme, "stdio") != 0) {
        snprintf(err, errcap, "%s: empty address after '%s:'", uri, u->scheme);
        vmsg__uri_free(u);
        return false;
    }
    return true;
}

void vmsg__uri_free(struct vmsg__uri *u)
{
    free(u->rest);
    free(u->query);
    u->rest = u->query = NULL;
}

/* Calls fn for each k=v item; stops when fn returns false. */
static bool query_each(const char *query, bool (*fn)(const char *k, size_t kl, const char *v,
                                                     size_t vl, void *ctx),
                       void *ctx)
{
    const char *p = query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kl = eq ? (size_t)(eq - p) : n;
        const char *v = eq ? eq + 1 : p + n;
        size_t vl = eq ? n - kl - 1 : 0;
        if (n > 0 && !fn(p, kl, v, vl, ctx))
            return false;
        p = amp ? amp + 1 : NULL;
    }
    return true;
}

struct get_ctx {
    const char *key;
    char *out;
    size_t cap;
    bool found;
};

static bool get_fn(const char *k, size_t kl, const char *v, size_t vl, void *ctx)
{
    struct get_ctx *g = ctx;
    if (strlen(g->key) != kl || memcmp(k, g->key, kl) != 0)
        return true;
    if (g->cap == 0)
        return false;
    size_t n = vl < g->cap - 1 ? vl : g->cap - 1;
    memcpy(g->out, v, n);
    g->out[n] = 0;
    g->found = true;
    return false;
}

bool vmsg__bus_query_get(const char *query, const char *key, char *out, size_t cap)
{
    struct get_ctx g = {key, out, cap, false};
    query_each(query, get_fn, &g);
    return g.found;
}

struct check_ctx {
    const char *const *allowed;
    char *bad;
    size_t cap;
};

static bool check_fn(const char *k, size_t kl, const char *v, size_t vl, void *ctx)
{
    struct check_ctx *c = ctx;
    for (const char *const *a = c->allowed; *a; a++)
        if (strlen(*a) == kl && memcmp(*a, k, kl) == 0)
            return true;
    snprintf(c->bad, c->cap, "%.*s", (int)(kl < 60 ? kl : 60), k);
    return false;
}

bool vmsg__bus_query_check(const char *query, const char *const *allowed, char *bad, size_t cap)
{
    struct check_ctx c = {allowed, bad, cap};
    return query_each(query, check_fn, &c);
}

char **vmsg__bus_split_args(const char *text, char *err, size_t errcap)
{
    size_t tl = strlen(text);
    /* at most tl/2+1 words; the strings need at most tl + (words) bytes */
    size_t maxw = tl / 2 + 2;
    size_t vec = maxw * sizeof(char *);
    char **argv = malloc(vec + tl + maxw + 1);
    if (!argv) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    char *out = (char *)argv + vec;
    size_t nw = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        argv[nw++] = out;
        char quote = 0;
        while (*p && (quote || (*p != ' ' && *p != '\t' && *p != '\n'))) {
            char c = *p++;
            /* NOLINTBEGIN(bugprone-branch-clone): equal bodies on purpose, the order encodes the quoting rules */
            if (quote == '\'' && c == '\'') {
                quote = 0;
            } else if (quote == '\'') {
                *out++ = c;
            } else if (c == '\\' && *p) {
                *out++ = *p++;
            } else if (quote == '"' && c == '"') {
                quote = 0;
            } else if (!quote && (c == '\'' || c == '"')) {
                quote = c;
            } else {
                *out++ = c;
            }
            /* NOLINTEND(bugprone-branch-clone) */
        }
        if (quote) {
            snprintf(err, errcap, "unterminated %c quote", quote);
            free(argv);
            return NULL;
        }
        *out++ = 0;
    }
    argv[nw] = NULL;
    if (nw == 0) {
        snprintf(err, errcap, "no program to run");
        free(argv);
        return NULL;
    }
    return argv;
}

bool vmsg__bus_split_hostport(const char *text, char *host, size_t hcap, char *port, size_t pcap)
{
    const char *colon;
    host[0] = 0;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || (close[1] != ':' && close[1] != 0))
            return false;
        size_t hl = (size_t)(close - text - 1);
        if (hl >= hcap)
            return false;
        memcpy(host, text + 1, hl);
        host[hl] = 0;
        colon = close[1] ? close + 1 : NULL;
    } else {
        colon = strrchr(text, ':');
        if (colon && memchr(text, ':', (size_t)(colon - text)))
            return false; /* bare IPv6 needs brackets */
        size_t hl = colon ? (size_t)(colon - text) : 0;
        if (hl >= hcap)
            return false;
        memcpy(host, text, hl);
        host[hl] = 0;
    }
    const char *pt = colon ? colon + 1 : text;
    if (!*pt || strlen(pt) >= pcap || strspn(pt, "0123456789") != strlen(pt))
        return false;
    snprintf(port, pcap, "%s", pt);
    return true;
}
