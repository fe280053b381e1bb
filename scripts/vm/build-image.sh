#!/usr/bin/env bash
# Builds the Debian 12 image the QEMU tier boots, from Debian's packages only, and caches it
# by the hash of this script (which holds every input) outside the checkout:
#
#   scripts/vm/build-image.sh            -> prints the image directory (built when missing)
#
# RUNNERBOT_VM_EXTRA adds packages to the image (e.g. docker.io: installing it inside a TCG guest
# took over 12 minutes on this 2-core machine, see docs/operations.md), each set its own image.
#
# The directory holds rootfs.raw (ext4, no partition table: the kernel mounts /dev/vda),
# vmlinuz and initrd.img for QEMU's direct kernel boot. Needs root, mmdebstrap and e2fsprogs.
set -euo pipefail

CACHE=${RUNNERBOT_VM_CACHE:-/var/cache/runnerbot-vm}
MIRROR=${RUNNERBOT_VM_MIRROR:-http://deb.debian.org/debian}
SIZE=${RUNNERBOT_VM_DISK:-8G}
EXTRA=${RUNNERBOT_VM_EXTRA:-}
hash=$( { cat "$0"; echo "$MIRROR $SIZE $EXTRA"; } | sha256sum | cut -c1-16)
out="$CACHE/debian12-$hash"
if [ -f "$out/ready" ]; then
  echo "$out"
  exit 0
fi

# The packages a Debian cloud image template on Proxmox carries, nothing of ours.
packages=systemd-sysv,udev,linux-image-cloud-amd64,initramfs-tools,cloud-init,qemu-guest-agent
packages=$packages,openssh-server,sudo,ifupdown,isc-dhcp-client,iproute2,ca-certificates,curl
packages=$packages,gnupg,netbase,procps,less,kmod,iptables,locales,dbus${EXTRA:+,$EXTRA}

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
start=$(date +%s)
mmdebstrap --mode=root --variant=minbase --include="$packages" \
  --components=main bookworm "$root" \
  "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
  "deb ${MIRROR%/debian}/debian-security bookworm-security main" >&2

# What Debian's own cloud images set up: the root on the first virtio disk, cloud-init reading
# only the NoCloud seed (Proxmox's cloud-init drive is one), a serial console.
echo '/dev/vda / ext4 defaults,errors=remount-ro 0 1' >"$root/etc/fstab"
printf 'datasource_list: [NoCloud, None]\n' >"$root/etc/cloud/cloud.cfg.d/90-datasource.cfg"
printf 'auto lo\niface lo inet loopback\nsource /etc/network/interfaces.d/*\n' >"$root/etc/network/interfaces"
: >"$root/etc/machine-id"
rm -f "$root/etc/hostname" "$root/var/lib/dbus/machine-id"
# cloud-init's locale module sets LANG=en_US.UTF-8 by default; update-locale refuses a locale
# that is not generated, and cloud-init then ends in `status: error`.
sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' "$root/etc/locale.gen"
chroot "$root" locale-gen >&2
# The locale cloud-init asks for is already the system's (as on a template booted once): its
# locale module then skips `locale-gen`, a minute of a TCG guest's CPU at first boot.
printf 'LANG=en_US.UTF-8\n' >"$root/etc/default/locale"
chroot "$root" systemctl enable qemu-guest-agent ssh >&2 || true

cp -L "$root/vmlinuz" "$work/vmlinuz"
cp -L "$root/initrd.img" "$work/initrd.img"
truncate -s "$SIZE" "$work/rootfs.raw"
mkfs.ext4 -q -F -L root -d "$root" "$work/rootfs.raw" >&2
rm -rf "$root"
touch "$work/ready"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
echo "built $out in $(($(date +%s) - start)) s" >&2
echo "$out"
