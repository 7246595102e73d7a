#!/bin/sh
# lint_v1.sh SPEC_LINT CATALOG SPEC_DIR
# spec-lint of the real v1 text against spec/clauses.yaml: zero drift expected.
# The spec text lives outside the repository (../shared/spec/ in CI); when it
# is missing the test is reported as skipped (exit 77), never as passed.
lint=$1
catalog=$2
dir=$3
if [ ! -f "$dir/transport-msg-v1.tex" ] || [ ! -f "$dir/conformance-v1.tex" ]; then
    echo "SKIP: $dir/transport-msg-v1.tex or conformance-v1.tex not found;" \
        "spec-lint against the v1 text did not run"
    exit 77
fi
"$lint" --catalog "$catalog" --conformance "$dir/conformance-v1.tex" "$dir/transport-msg-v1.tex"
rc=$?
[ $rc = 0 ] && echo "spec-lint: $dir/transport-msg-v1.tex matches $catalog"
exit $rc
