/* vmsg-gen: build-time generator. `vmsg-gen schema spec/messages.yaml OUTDIR`
 * writes the codec tables; `vmsg-gen clauses spec/clauses.yaml OUTDIR` writes the
 * clause table. Errors name file:line:column and exit 2. */
#include <stdio.h>
#include <string.h>

#include "gen.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: vmsg-gen schema|clauses INPUT.yaml OUTDIR\n");
        return 2;
    }
    if (!strcmp(argv[1], "schema"))
        return vmsg__gen_schema(argv[2], argv[3]);
    if (!strcmp(argv[1], "clauses"))
        return vmsg__gen_clauses(argv[2], argv[3]);
    fprintf(stderr, "vmsg-gen: %s: unknown generator\n", argv[1]);
    return 2;
}
