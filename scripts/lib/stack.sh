# Sourced by the scripts that plan or deploy one stack (pr-plan, drift-check, ci-deploy,
# emulator-deploy, emulator-bootstrap): the steps every plan starts with, in one place.
# Needs scripts/env.sh sourced and the working directory at the repository's root.

# stack_synth STACK LOG: synthesize STACK (smile-dev, smile-bootstrap, ...) into cdktf.out/,
# running the app as `cdktf synth` runs it (cdktf.json: go run .) without the CLI's own
# start (~8 s). SMILE_* variables of the caller's environment apply.
stack_synth() {
  local stack=$1 log=$2
  SMILE_ENVIRONMENTS=${stack#smile-} CDKTF_OUTDIR=cdktf.out go run . >>"$log" 2>&1
}

# stack_prepare STACK LOG: synthesize STACK, lock its providers from the local mirror
# (scripts/lock-providers: the lock-file trap) and terraform init its directory, every
# step's output appended to LOG. On failure it prints LOG's tail, sets STACK_FAILURE to
# the step that failed ("the synth failed", ...) and returns 1.
STACK_FAILURE=""
stack_prepare() {
  local stack=$1 log=$2 dir="cdktf.out/stacks/$1"
  STACK_FAILURE=""
  : >"$log"
  if ! stack_synth "$stack" "$log"; then
    STACK_FAILURE="the synth failed"
  elif ! scripts/lock-providers "$stack" >>"$log" 2>&1; then
    STACK_FAILURE="the providers could not be locked"
  elif ! terraform -chdir="$dir" init -input=false -no-color >>"$log" 2>&1; then
    STACK_FAILURE="terraform init failed"
  fi
  [ -z "$STACK_FAILURE" ] && return 0
  tail -n 40 "$log" >&2
  echo "$stack: $STACK_FAILURE (log: $log)" >&2
  return 1
}
