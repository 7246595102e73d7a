/* placeholder: replaced when the capture reader lands */
#include <stdio.h>
#include "commands.h"
int vmsg_cmd_dump(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "vmsg: dump: not built yet\n"); return 2; }
