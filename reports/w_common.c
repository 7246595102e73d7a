/* Helpers shared by the JUnit, TAP and Markdown writers. */
#include <string.h>

#include "w_common.h"

size_t vmsg__suites(const struct vmsg_report *rep, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->ncases; i++) {
        size_t k = 0;
        while (k < n && strcmp(out[k], rep->cases[i].suite))
            k++;
        if (k == n && n < cap)
            out[n++] = rep->cases[i].suite;
    }
    return n;
}

bool vmsg__clause_failed(enum vmsg_verdict v)
{
    return v == VMSG_FAIL || v == VMSG_XPASS || v == VMSG_ERROR;
}

void vmsg__frames_text(FILE *out, const struct vmsg_rep_case *c,
                       void (*esc)(FILE *, const char *, size_t))
{
    for (size_t i = 0; i < c->nfindings; i++) {
        const struct vmsg_rep_finding *f = &c->findings[i];
        fprintf(out, "passive checker, frame %llu: %s: ", f->frame, vmsg_verdict_name(f->verdict));
        esc(out, f->clause, 256);
        fputs(" (", out);
        esc(out, f->rule, 128);
        fputs("): ", out);
        esc(out, f->message, 2048);
        fputs("\n", out);
    }
    for (size_t i = 0; i < c->nframes; i++) {
        const struct vmsg_rep_frame *f = &c->frames[i];
        fprintf(out, "%lu ", f->n);
        esc(out, f->from, 32);
        fputs("->", out);
        esc(out, f->to, 32);
        fputs(" ", out);
        esc(out, f->summary, 512);
        fprintf(out, "%s\n  ", f->failing ? "  [failing message]" : "");
        esc(out, f->hex, 4096);
        fputs("\n", out);
    }
}
