# Shared by .ci/api-record and .ci/api-check (sourced, not run).
# apidiff from golang.org/x/exp, pinned: the writer and the reader of the
# records must be the same code. Run on the SDK module alone (no go.work),
# from the repository root.
APIDIFF_VERSION=v0.0.0-20261121134650-e1094eeca1b5
apidiff() { GOWORK=off GOFLAGS=-mod=mod go run "golang.org/x/exp/cmd/apidiff@$APIDIFF_VERSION" "$@"; }
api_packages() { grep -v -e '^#' -e '^$' api/packages; }
api_record_of() { echo "api/$(basename "$1").apidiff"; }
