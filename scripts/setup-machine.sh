#!/usr/bin/env bash
# Installs the real components the tests drive (sshd, promtool, Prometheus, Alertmanager, the
# ShellCheck linter, Chromium, QEMU and the VM tier's tools) from Debian's packages when missing, and starts Redis if none answers.
set -euo pipefail

need=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || [ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Slack's emoji in the sandbox's screenshots (docs/sandbox.png), drawn rather than as boxes.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The Ansible baseline of `npm run bench -- ssh-phase` (the old role, replayed against a fake VM).
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
command -v redis-sentinel >/dev/null 2>&1 || need+=(redis-sentinel)
# The QEMU tier (npm run test:vm, not part of npm test): only with --vm.
if [ "${1:-}" = "--vm" ]; then
  command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
  command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils)
  command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
  command -v cloud-localds >/dev/null 2>&1 || need+=(cloud-image-utils)
  command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v gpg >/dev/null 2>&1 || need+=(gpg)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "setup: starting redis-server on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
# runnerbot refuses a Redis that may evict queue data or lose it on a crash.
redis-cli -h 127.0.0.1 -p 6379 config set maxmemory-policy noeviction >/dev/null
redis-cli -h 127.0.0.1 -p 6379 config set appendonly yes >/dev/null
redis-cli -h 127.0.0.1 -p 6379 config set appendfsync everysec >/dev/null
