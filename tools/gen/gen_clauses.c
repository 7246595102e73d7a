/* placeholder until the clause catalog generator lands (issue 3) */
#include <stdio.h>
#include "gen.h"
int vmsg__gen_clauses(const char *yaml_path, const char *outdir)
{
    (void)outdir;
    fprintf(stderr, "vmsg-gen: %s: clause generator not built yet\n", yaml_path);
    return 2;
}
