# Sourced by the scripts that plan or deploy one stack (pr-plan, drift-check, ci-deploy,
# emulator-deploy, emulator-bootstrap): the steps every plan starts with, in one place.
# Needs scripts/env.sh sourced and the working directory at the repository's root.
# SMILE_OUTDIR (default cdktf.out) is where the stacks are synthesized: the bootstrap drill
# uses its own, so that it runs beside the environment's round trip.
SMILE_OUTDIR=${SMILE_OUTDIR:-cdktf.out}

# stack_synth STACK LOG: synthesize STACK (smile-dev, smile-bootstrap, ...) into $SMILE_OUTDIR,
# running the app as `cdktf synth` runs it (cdktf.json: go run .) without the CLI's own
# start (~8 s). SMILE_* variables of the caller's environment apply.
stack_synth() {
  local stack=$1 log=$2
  SMILE_ENVIRONMENTS=${stack#smile-} CDKTF_OUTDIR="$SMILE_OUTDIR" go run . >>"$log" 2>&1
}

# stack_prepare STACK LOG: synthesize STACK, lock its providers from the local mirror
# (scripts/lock-providers: the lock-file trap) and terraform init its directory, every
# step's output appended to LOG. On failure it prints LOG's tail, sets STACK_FAILURE to
# the step that failed ("the synth failed", ...) and returns 1.
STACK_FAILURE=""
stack_prepare() {
  local stack=$1 log=$2 dir="$SMILE_OUTDIR/stacks/$1"
  STACK_FAILURE=""
  : >"$log"
  if ! stack_synth "$stack" "$log"; then
    STACK_FAILURE="the synth failed"
  elif ! SMILE_OUTDIR="$SMILE_OUTDIR" scripts/lock-providers "$stack" >>"$log" 2>&1; then
    STACK_FAILURE="the providers could not be locked"
  elif ! terraform -chdir="$dir" init -input=false -no-color >>"$log" 2>&1; then
    STACK_FAILURE="terraform init failed"
  fi
  [ -z "$STACK_FAILURE" ] && return 0
  tail -n 40 "$log" >&2
  echo "$stack: $STACK_FAILURE (log: $log)" >&2
  return 1
}
