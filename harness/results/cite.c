/* Record a clause the run cites, with its metadata from the built-in catalog
 * (an id the catalog does not know is recorded with role "any"). */
#include <stdio.h>
#include <string.h>

#include <vmsg/catalog.h>
#include <vmsg/results.h>

int vmsg_results_cite(struct vmsg_results *res, const char *id)
{
    const struct vmsg_clause *cl = vmsg_clause_find(id);
    char levels[96] = "";
    if (cl)
        for (unsigned i = 0; i < cl->nlevels; i++) {
            size_t l = strlen(levels);
            snprintf(levels + l, sizeof levels - l, "%s%s", i ? ", " : "", vmsg_level_name(cl->levels[i]));
        }
    struct vmsg_results_clause rc = {id, cl ? vmsg_role_name(cl->role) : "any", cl ? levels : "",
                                     cl ? cl->label : "", cl ? cl->bullet : 0, cl ? cl->summary : ""};
    return vmsg_results_add_clause(res, &rc);
}
