/* Generators of vmsg-gen; each returns 0 on success, 2 on bad input. */
#ifndef VMSG_TOOLS_GEN_H
#define VMSG_TOOLS_GEN_H
int vmsg__gen_schema(const char *yaml_path, const char *outdir);
int vmsg__gen_clauses(const char *yaml_path, const char *outdir);
#endif
