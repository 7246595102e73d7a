/* Findings counted per clause for the "findings per clause" block that
 * vmsg check, proxy and replay print after their finding lines. */
#ifndef VMSG_TOOL_CLAUSE_COUNT_H
#define VMSG_TOOL_CLAUSE_COUNT_H

#include <stddef.h>
#include <stdio.h>

struct vmsg__clause_count {
    const char *clause; /* not copied: catalog or checker strings that outlive the count */
    unsigned long n[3]; /* FAIL WARN INFO */
};

struct vmsg__clause_counts {
    struct vmsg__clause_count *v;
    size_t n, cap;
};

/* One more finding of kind k (0 FAIL, 1 WARN, 2 INFO) against clause; an
 * allocation failure drops the count (the finding lines are still printed). */
void vmsg__clause_counts_add(struct vmsg__clause_counts *cc, const char *clause, unsigned k);
/* The block, sorted by clause id; nothing when there were no findings. */
void vmsg__clause_counts_print(FILE *out, struct vmsg__clause_counts *cc);
void vmsg__clause_counts_free(struct vmsg__clause_counts *cc);

#endif
