#!/bin/sh
# runnerbot bootstrap: makes a Debian VM a GitLab Runner host, one idempotent phase at a time.
#
#   sh bootstrap.sh PHASE ENV_FILE [check]
#
# PHASE is docker, runner, firewall, monitoring or verify. Values come only from ENV_FILE
# (KEY='value' lines written by runnerbot, mode 0600). With `check`, nothing is changed and the
# phase reports whether it would change something. Stdout carries exactly one line:
#
#   RUNNERBOT phase=PHASE result=applied|unchanged|pending|ok|failed detail=TEXT
#
# Everything the tools print goes to stderr.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DEBIAN_FRONTEND=noninteractive
export PATH DEBIAN_FRONTEND
umask 022
set -f

PHASE=${1:-none}
ENV_FILE=${2:-}
MODE=${3:-apply}
CHANGES=

result() {
  printf 'RUNNERBOT phase=%s result=%s detail=%s\n' "$PHASE" "$1" "$(printf '%s' "$2" | tr '\n\r' '  ')"
}

fail() {
  result failed "$1"
  exit 1
}

# todo DESCRIPTION: records a change; succeeds only when the change should be made now.
todo() {
  CHANGES="${CHANGES:+$CHANGES; }$1"
  [ "$MODE" = apply ]
}

# run DESCRIPTION COMMAND...: runs a command (output to stderr); a failure ends the phase.
run() {
  run_desc=$1
  shift
  "$@" >&2 || fail "$run_desc failed (exit $?)"
}

finish() {
  if [ -z "$CHANGES" ]; then
    result unchanged "$1"
  elif [ "$MODE" = check ]; then
    result pending "$CHANGES"
  else
    result applied "$CHANGES"
  fi
}

# installed PACKAGE[=VERSION]: installed (at exactly that version when one is pinned).
installed() {
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell expansion
  inst_status=$(dpkg-query -W -f='${Status} ${Version}' "${1%%=*}" 2>/dev/null) || return 1
  case $1 in
    *=*) [ "$inst_status" = "install ok installed ${1#*=}" ] ;;
    *) case $inst_status in 'install ok installed '*) return 0 ;; *) return 1 ;; esac ;;
  esac
}

# pinned PACKAGE VERSION: PACKAGE=VERSION, or PACKAGE when no version is pinned.
pinned() {
  printf '%s%s' "$1" "${2:+=$2}"
}

# Waits for another apt's lock (unattended-upgrades at first boot); retries a failing mirror;
# fetches no translated descriptions (bookworm's English ones alone are 32 MB to fetch and parse).
apt() {
  apt-get -o DPkg::Lock::Timeout="$DPKG_LOCK_TIMEOUT" -o Acquire::Retries=3 -o Acquire::Languages=none -y -q "$@"
}

# repair_dpkg: finishes what a killed dpkg left half done (apt refuses to install until then),
# waiting for the lock as apt does: dpkg itself gives up at once when another apt holds it.
repair_dpkg() {
  [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ] || return 0
  todo 'dpkg --configure -a (dpkg was interrupted)' || return 0
  repair_waited=0
  until dpkg --configure -a >&2; do
    [ "$repair_waited" -lt "$DPKG_LOCK_TIMEOUT" ] || fail 'dpkg --configure -a failed'
    sleep 5
    repair_waited=$((repair_waited + 5))
  done
}

APT_UPDATED=/etc/runnerbot/apt-updated

# apt_update: `apt-get update`, unless this bootstrap ran one in the last hour and no apt source
# or key changed since: the phases would otherwise each fetch the same lists (minutes on a slow VM).
apt_update() {
  if [ -n "$(find "$APT_UPDATED" -mmin -60 2>/dev/null)" ] &&
    [ -z "$(find /etc/apt/sources.list /etc/apt/sources.list.d /etc/apt/keyrings -newer "$APT_UPDATED" 2>/dev/null)" ]; then
    return 0
  fi
  run 'apt-get update' apt update
  touch "$APT_UPDATED" || fail "touch $APT_UPDATED failed"
}

# half_installed PACKAGE: a killed dpkg left it half unpacked. `apt-get install` then calls it
# "already the newest version", exits 0 and leaves it broken (its unit file still .dpkg-new).
half_installed() {
  case $(dpkg-query -W -f='${Status}' "${1%%=*}" 2>/dev/null) in
    *reinstreq* | *half-installed*) return 0 ;;
    *) return 1 ;;
  esac
}

# ensure_packages PACKAGE...: installs the missing ones, the lists updated first (see apt_update),
# and fails unless dpkg then says each is installed: apt's exit status alone does not say so.
ensure_packages() {
  missing=
  reinstall=
  for pkg in "$@"; do
    installed "$pkg" && continue
    missing="$missing $pkg"
    if half_installed "$pkg"; then reinstall=--reinstall; fi
  done
  [ -n "$missing" ] || return 0
  todo "install$missing" || return 0
  repair_dpkg
  apt_update
  # shellcheck disable=SC2086 # package names and the optional flag, split on purpose
  apt install --no-install-recommends --allow-downgrades $reinstall $missing >&2 || {
    install_rc=$?
    # Lists older than the mirror may be why: the next attempt updates them first.
    rm -f "$APT_UPDATED"
    fail "apt-get install$missing failed (exit $install_rc)"
  }
  for pkg in $missing; do
    installed "$pkg" ||
      fail "$pkg is not installed after apt-get install (dpkg: $(dpkg-query -W -f='${Status}' "${pkg%%=*}" 2>&1))"
  done
}

ensure_service() {
  if ! systemctl is-enabled --quiet "$1" 2>/dev/null; then
    todo "enable $1" && run "systemctl enable $1" systemctl enable "$1"
  fi
  if ! systemctl is-active --quiet "$1" 2>/dev/null; then
    todo "start $1" && run "systemctl start $1" systemctl start "$1"
  fi
}

# ensure_file PATH MODE CONTENT: (re)writes the file atomically when its content differs.
ensure_file() {
  if [ -f "$1" ] && [ "$(cat "$1")" = "$3" ]; then
    return 0
  fi
  todo "write $1" || return 0
  mkdir -p "$(dirname "$1")" || fail "mkdir for $1 failed"
  ef_tmp=$(mktemp "$1.XXXXXX") || fail "mktemp for $1 failed"
  if ! { printf '%s\n' "$3" >"$ef_tmp" && chmod "$2" "$ef_tmp" && mv -f "$ef_tmp" "$1"; }; then
    fail "write $1 failed"
  fi
}

# ensure_download URL PATH: fetches a key once; an existing file is kept.
ensure_download() {
  [ -s "$2" ] && return 0
  todo "download $2" || return 0
  mkdir -p "$(dirname "$2")" || fail "mkdir for $2 failed"
  run "download $1" curl -fsSL --retry 3 -o "$2" "$1"
  chmod 0644 "$2" || fail "chmod $2 failed"
}

codename() {
  sed -n 's/^VERSION_CODENAME=//p' /etc/os-release | tr -d '"'
}

phase_docker() {
  if [ -n "$APT_MIRROR" ]; then
    # The template's sources go, security updates with them: keep those from APT_SECURITY_MIRROR.
    ensure_file /etc/apt/sources.list 0644 "deb $APT_MIRROR $(codename) main
deb $APT_MIRROR $(codename)-updates main
deb $APT_SECURITY_MIRROR $(codename)-security main"
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      todo 'disable debian.sources' && run 'disable debian.sources' \
        mv -f /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/debian.sources.disabled
    fi
  fi
  if [ "$DOCKER_SOURCE" = debian ]; then
    ensure_packages "$(pinned docker.io "$DOCKER_VERSION")"
  else
    ensure_download "$DOCKER_APT_KEY_URL" /etc/apt/keyrings/docker.asc
    ensure_file /etc/apt/sources.list.d/docker.list 0644 \
      "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] $DOCKER_APT_REPO $(codename) stable"
    ensure_packages "$(pinned docker-ce "$DOCKER_VERSION")" "$(pinned docker-ce-cli "$DOCKER_VERSION")" containerd.io
  fi
  if [ -n "$REGISTRY_MIRROR" ]; then
    daemon_before=$CHANGES
    ensure_file /etc/docker/daemon.json 0644 "{\"registry-mirrors\": [\"$REGISTRY_MIRROR\"]}"
    if [ "$CHANGES" != "$daemon_before" ] && systemctl is-active --quiet docker 2>/dev/null; then
      run 'systemctl restart docker' systemctl restart docker
    fi
  fi
  ensure_service docker
  finish 'docker installed and running'
}

phase_runner() {
  ensure_download "$RUNNER_APT_KEY_URL" /etc/apt/keyrings/gitlab-runner.asc
  ensure_file /etc/apt/sources.list.d/gitlab-runner.list 0644 \
    "deb [signed-by=/etc/apt/keyrings/gitlab-runner.asc] $RUNNER_APT_REPO $(codename) main"
  ensure_packages "$(pinned gitlab-runner "$RUNNER_VERSION")"
  if [ ! -d /etc/gitlab-runner ]; then
    todo 'create /etc/gitlab-runner' && run 'create /etc/gitlab-runner' install -d -m 0700 /etc/gitlab-runner
  fi
  ensure_service gitlab-runner
  finish 'gitlab-runner installed and running'
}

# ufw_has NET PORT: ufw itself says whether it holds the rule. It prints rules normalized
# (10.0.2.2/32 as 10.0.2.2, IPv6 compressed, host bits cleared), so a text match against
# `ufw show added` never matched such a network and every provision re-added its rules.
ufw_has() {
  ufw --dry-run allow from "$1" to any port "$2" proto tcp 2>/dev/null | grep -qx 'Skipping adding existing rule'
}

ensure_ufw_rule() {
  ufw_has "$1" "$2" && return 0
  todo "allow $2/tcp from $1" && run "ufw allow $2/tcp from $1" ufw allow from "$1" to any port "$2" proto tcp
}

phase_firewall() {
  ensure_packages ufw
  for net in $MANAGEMENT_NETWORKS; do
    ensure_ufw_rule "$net" "$SSH_PORT"
  done
  for net in $PROMETHEUS_NETWORKS; do
    for port in $METRICS_PORTS; do
      ensure_ufw_rule "$net" "$port"
    done
  done
  if ! grep -qx 'DEFAULT_INPUT_POLICY="DROP"' /etc/default/ufw 2>/dev/null; then
    todo 'deny incoming by default' && run 'ufw default deny incoming' ufw default deny incoming
  fi
  if ! ufw status 2>/dev/null | grep -qx 'Status: active'; then
    todo 'enable ufw' && run 'ufw enable' ufw --force enable
  fi
  finish 'ufw active: ssh from management networks, metrics from prometheus networks'
}

cadvisor_state() {
  docker inspect --format '{{.Config.Image}} {{.State.Running}}' cadvisor 2>/dev/null
}

phase_monitoring() {
  ensure_packages "$NODE_EXPORTER_PACKAGE"
  ensure_service "$NODE_EXPORTER_PACKAGE"
  if [ "$(cadvisor_state)" != "$CADVISOR_IMAGE true" ]; then
    if todo 'run cadvisor'; then
      if docker inspect cadvisor >/dev/null 2>&1; then
        run 'remove old cadvisor' docker rm --force cadvisor
      fi
      # Host networking, so that ufw (not Docker's own iptables rules) guards :8080.
      run 'docker run cadvisor' docker run --detach --name=cadvisor --restart=unless-stopped \
        --network=host --privileged --device=/dev/kmsg \
        --volume=/:/rootfs:ro --volume=/var/run:/var/run:ro --volume=/sys:/sys:ro \
        --volume=/var/lib/docker/:/var/lib/docker:ro --volume=/dev/disk/:/dev/disk:ro \
        "$CADVISOR_IMAGE"
    fi
  fi
  finish 'node_exporter and cadvisor running'
}

phase_verify() {
  problems=
  for unit in docker gitlab-runner "$NODE_EXPORTER_PACKAGE"; do
    systemctl is-active --quiet "$unit" 2>/dev/null || problems="$problems $unit-inactive"
  done
  [ "$(cadvisor_state)" = "$CADVISOR_IMAGE true" ] || problems="$problems cadvisor-not-running"
  ufw status 2>/dev/null | grep -qx 'Status: active' || problems="$problems ufw-inactive"
  if [ -f /etc/gitlab-runner/config.toml ]; then
    # Its output is kept to this shell: gitlab-runner prints a prefix of the token.
    verify_out=$(timeout 120 gitlab-runner verify 2>&1)
    verify_rc=$?
    if [ "$verify_rc" -ne 0 ] || ! printf '%s' "$verify_out" | grep -qE 'is (valid|alive)'; then
      problems="$problems runner-token-not-valid"
    fi
  else
    problems="$problems config.toml-missing"
  fi
  [ -z "$problems" ] || fail "${problems# }"
  result ok 'services active, runner token valid'
}

case $PHASE in
  docker | runner | firewall | monitoring | verify) ;;
  *) fail 'unknown phase (docker, runner, firewall, monitoring or verify)' ;;
esac
case $MODE in
  apply | check) ;;
  *) fail 'unknown mode (apply or check)' ;;
esac
if [ ! -f "$ENV_FILE" ] || [ ! -r "$ENV_FILE" ]; then
  fail "env file $ENV_FILE not readable"
fi
# shellcheck source=/dev/null
. "$ENV_FILE" || fail "env file $ENV_FILE not valid"
for required in "${DOCKER_APT_REPO:-}" "${DOCKER_APT_KEY_URL:-}" "${RUNNER_APT_REPO:-}" "${RUNNER_APT_KEY_URL:-}" \
  "${NODE_EXPORTER_PACKAGE:-}" "${CADVISOR_IMAGE:-}" "${MANAGEMENT_NETWORKS:-}" "${SSH_PORT:-}" \
  "${METRICS_PORTS:-}" "${DPKG_LOCK_TIMEOUT:-}"; do
  [ -n "$required" ] || fail "env file $ENV_FILE lacks a required value"
done
APT_MIRROR=${APT_MIRROR:-}
APT_SECURITY_MIRROR=${APT_SECURITY_MIRROR:-http://security.debian.org/debian-security}
DOCKER_SOURCE=${DOCKER_SOURCE:-docker}
DOCKER_VERSION=${DOCKER_VERSION:-}
RUNNER_VERSION=${RUNNER_VERSION:-}
REGISTRY_MIRROR=${REGISTRY_MIRROR:-}
PROMETHEUS_NETWORKS=${PROMETHEUS_NETWORKS:-}
# These reach apt's command line and sources.list unquoted: refuse anything that could become an
# option, a second word or a second line there (`config check` refuses them first).
case "$NODE_EXPORTER_PACKAGE" in
  -* | *[!a-z0-9+.-]*) fail "NODE_EXPORTER_PACKAGE is not a Debian package name" ;;
esac
for url in "$APT_MIRROR" "$APT_SECURITY_MIRROR" "$DOCKER_APT_REPO" "$RUNNER_APT_REPO"; do
  case "$url" in
    *[!A-Za-z0-9._~:/?#@!\$\&\'\(\)*+,\;=%-]*) fail "apt source URL has a character apt cannot take: $(printf %s "$url" | tr -c 'A-Za-z0-9._:/-' '?')" ;;
  esac
done

"phase_$PHASE"
