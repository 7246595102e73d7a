/* The subcommands of `vmsg`: one line each, expanded into the dispatcher's
 * table and the declarations. Add a command here and in cmd_<name>.c. */
#ifndef VMSG_TOOL_COMMANDS_H
#define VMSG_TOOL_COMMANDS_H

/*   X(name,    function,          one-line summary) */
#define VMSG_COMMANDS(X)                                                                   \
    X(decode, vmsg_cmd_decode, "decode hex messages into fields (text or JSON)")            \
    X(dump, vmsg_cmd_dump, "print a capture, one line per message (tcpdump style)")         \
    X(clauses, vmsg_cmd_clauses, "list the clause catalog and its coverage")                \
    X(run, vmsg_cmd_run, "run the conformance suites against an implementation under test")     \
    X(report, vmsg_cmd_report, "render results as JSON, JUnit, TAP, Markdown or HTML; compare runs") \
    X(refdev, vmsg_cmd_refdev, "reference device: serve on a URI or stdin/stdout; personality check, faults") \
    X(refdrv, vmsg_cmd_refdrv, "reference driver: run its script over a URI or stdin/stdout; faults") \
    X(check, vmsg_cmd_check, "passive checker: judge the traffic of a capture against the clauses") \
    X(proxy, vmsg_cmd_proxy, "relay between a driver and a device: capture and check live") \
    X(replay, vmsg_cmd_replay, "play one side of a capture against a live implementation, compare") \
    /* end of list */

#define X(name, fn, summary) int fn(int argc, char **argv);
VMSG_COMMANDS(X)
#undef X

#endif
