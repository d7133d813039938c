# Sourced by the emulator scripts (emulator-deploy, emulator-bootstrap): the checks, the
# start of moto_server and its stop, in one place. The Go tests start theirs with
# internal/moto, the same way. Needs scripts/env.sh sourced and the working directory at
# the repository's root; the caller defines die().

# emulator_require: the tools the emulator scripts need, each missing one named with its
# install command.
emulator_require() {
  command -v moto_server >/dev/null || die "moto_server is not on PATH: install it with: pip install 'moto[server]==5.2.1'"
  command -v python3 >/dev/null || die "python3 is not on PATH (the emulator helpers use it): install it with: apt-get install python3"
  python3 -c 'import boto3' 2>/dev/null || die "python3 cannot import boto3 (the emulator helpers use it): install it with: pip install boto3"
  command -v curl >/dev/null || die "curl is not on PATH: install it with: apt-get install curl"
  [ -x node_modules/.bin/cdktf ] && [ -f .tools/terraform.rc ] || die "tools are not set up: run scripts/setup (or make setup) first"
}

# emulator_start_moto LOG: start moto_server on a free loopback port, with AWS's managed IAM
# policies loaded (every attachment of an arn:aws:iam::aws:policy needs them) and ACM
# issuing a requested certificate at once, and wait until it answers. Sets MOTO_PID and
# EMULATOR_ENDPOINT; emulator_stop_moto (call it from the EXIT trap) stops it.
MOTO_PID=""
EMULATOR_ENDPOINT=""
emulator_start_moto() {
  local log=$1 port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  EMULATOR_ENDPOINT="http://127.0.0.1:$port"
  MOTO_ACM_VALIDATION_WAIT=0 MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$EMULATOR_ENDPOINT/moto-api/" >/dev/null 2>&1 && return 0
    kill -0 "$MOTO_PID" 2>/dev/null || die "moto_server exited at start: see $log"
    sleep 0.2
  done
  die "moto_server did not answer on $EMULATOR_ENDPOINT within 20 s (log: $log)"
}

# emulator_stop_moto: stop the moto_server emulator_start_moto started, if it runs.
emulator_stop_moto() {
  if [ -n "$MOTO_PID" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  MOTO_PID=""
}

# emulator_aws ARGS...: the aws CLI against the emulator, in Jakarta, with its dummy
# credentials.
emulator_aws() {
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url "$EMULATOR_ENDPOINT" --region ap-southeast-3 --output text "$@"
}
