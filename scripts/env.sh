# Sourced by the scripts and the Makefile: the environment every command of this repository
# runs in. Safe to source from an interactive shell too (`. scripts/env.sh`).
SMILE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SMILE_ROOT
# Node 22 from package.json first: the jsii runtime warns that Node 20 is end-of-life.
export PATH="$SMILE_ROOT/node_modules/.bin:$PATH"
# The CLI config written by scripts/setup (offline provider mirror when the machine has one).
export TF_CLI_CONFIG_FILE="$SMILE_ROOT/.tools/terraform.rc"
export CHECKPOINT_DISABLE=1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV=1
export DISABLE_VERSION_CHECK=1
# The jsii runtime calls util.isArray, deprecated in Node 22: silence that one warning only.
# (jsii keeps its own --max-old-space-size only when NODE_OPTIONS is unset, so keep it here.)
export NODE_OPTIONS="--max-old-space-size=4096 --disable-warning=DEP0044"
