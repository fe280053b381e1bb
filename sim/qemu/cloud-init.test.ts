// The NoCloud seed the QEMU host writes must be what qemu-server's Cloudinit.pm writes for the
// same VM config (expected texts transcribed from cloudinit_userdata and nocloud_network).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { networkConfig, noCloudSeed, userData } from './cloud-init.ts';

const config = {
  name: 'gitlab-runner-02',
  ciuser: 'runnerbot',
  sshkeys: encodeURIComponent('ssh-ed25519 AAAAC3Nza runnerbot@example\n\nssh-ed25519 AAAAC3Nzb second\n'),
  ciupgrade: '0',
  ipconfig0: 'ip=dhcp',
  net0: 'virtio=BC:24:11:00:13:89,bridge=vmbr0',
};

describe('Proxmox cloud-init drive content', () => {
  it('user-data: hostname, fqdn, user, every key once, default user kept, no upgrade with ciupgrade=0', () => {
    expect(userData(config, 5001)).toBe(
      '#cloud-config\nhostname: gitlab-runner-02\nmanage_etc_hosts: true\nfqdn: gitlab-runner-02\nuser: runnerbot\n' +
        'ssh_authorized_keys:\n  - ssh-ed25519 AAAAC3Nza runnerbot@example\n  - ssh-ed25519 AAAAC3Nzb second\n' +
        'chpasswd:\n  expire: False\nusers:\n  - default\n',
    );
  });

  it('user-data: package_upgrade unless ciupgrade=0, root keeps disable_root False, searchdomain makes the fqdn', () => {
    const text = userData({ name: 'r1', ciuser: 'root', searchdomain: 'ci.example' }, 7);
    expect(text).toContain('fqdn: r1.ci.example\n');
    expect(text).toContain('disable_root: False\n');
    expect(text).not.toContain('users:');
    expect(text).toContain('package_upgrade: true\n');
    expect(userData({}, 7)).toContain('hostname: VM7\n');
  });

  it('network-config v1: the NIC by its lower-case MAC, dhcp4 or static with a dotted netmask', () => {
    expect(networkConfig(config)).toBe(
      "version: 1\nconfig:\n    - type: physical\n      name: eth0\n      mac_address: 'bc:24:11:00:13:89'\n      subnets:\n      - type: dhcp4\n",
    );
    const fixed = networkConfig({ ...config, ipconfig0: 'ip=192.0.2.10/26,gw=192.0.2.1', nameserver: '192.0.2.53' });
    expect(fixed).toContain(
      "      - type: static\n        address: '192.0.2.10'\n        netmask: '255.255.255.192'\n        gateway: '192.0.2.1'\n",
    );
    expect(fixed).toContain("    - type: nameserver\n      address:\n      - '192.0.2.53'\n");
  });

  it('a NIC without ipconfig is left out; one without a MAC is an error, as in PVE', () => {
    expect(networkConfig({ net0: config.net0 })).toBe('version: 1\nconfig:\n');
    expect(() => networkConfig({ net0: 'virtio,bridge=vmbr0', ipconfig0: 'ip=dhcp' })).toThrow(
      "network interface 'net0' has no mac address",
    );
  });

  it('meta-data: instance-id is the sha1 of user-data and network-config', () => {
    const seed = noCloudSeed(config, 5001);
    expect(seed.metaData).toBe(
      `instance-id: ${createHash('sha1')
        .update(seed.userData + seed.networkConfig)
        .digest('hex')}\n`,
    );
  });
});
