// What Proxmox VE writes on a VM's NoCloud cloud-init drive, for the config keys runnerbot sets:
// a port of qemu-server's PVE/QemuServer/Cloudinit.pm (cloudinit_userdata, nocloud_network,
// nocloud_gen_metadata), so the real cloud-init in the guest reads what it would read on PVE.
import { createHash } from 'node:crypto';

export interface NoCloudSeed {
  userData: string;
  networkConfig: string;
  metaData: string;
}

type VmConfig = Record<string, string | undefined>;

const option = (spec: string | undefined, key: string): string | undefined =>
  spec
    ?.split(',')
    .map((part) => part.split('='))
    .find(([k]) => k === key)?.[1];

function hostnameFqdn(config: VmConfig, vmid: number): [string, string] {
  const name = config.name ?? `VM${vmid}`;
  if (name.includes('.')) return [name.replace(/\..*$/, ''), name];
  return [name, config.searchdomain ? `${name}.${config.searchdomain}` : name];
}

export function userData(config: VmConfig, vmid: number): string {
  const [hostname, fqdn] = hostnameFqdn(config, vmid);
  let out = `#cloud-config\nhostname: ${hostname}\nmanage_etc_hosts: true\nfqdn: ${fqdn}\n`;
  const user = config.ciuser;
  if (user !== undefined) out += `user: ${user}\n`;
  if (user === 'root') out += 'disable_root: False\n';
  if (config.sshkeys !== undefined) {
    const keys = decodeURIComponent(config.sshkeys)
      .split('\n')
      .map((k) => k.trim())
      .filter((k) => /\S/.test(k));
    out += `ssh_authorized_keys:\n${keys.map((k) => `  - ${k}\n`).join('')}`;
  }
  out += 'chpasswd:\n  expire: False\n';
  if (user !== 'root') out += 'users:\n  - default\n';
  if (config.ciupgrade === undefined || config.ciupgrade !== '0') out += 'package_upgrade: true\n';
  return out;
}

/** Prefix length -> dotted netmask, as split_ip4 does. */
const netmask = (bits: number): string =>
  [24, 16, 8, 0].map((shift) => ((bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits)) >>> shift) & 255).join('.');

export function networkConfig(config: VmConfig): string {
  let out = 'version: 1\nconfig:\n';
  const nets = Object.keys(config)
    .filter((k) => /^net\d+$/.test(k))
    .sort();
  for (const net of nets) {
    const id = net.slice(3);
    const ipconfig = config[`ipconfig${id}`];
    if (!ipconfig) continue;
    const mac = /=([0-9a-f]{2}(:[0-9a-f]{2}){5})/i.exec(config[net] ?? '')?.[1]?.toLowerCase();
    if (!mac) throw new Error(`network interface '${net}' has no mac address`);
    out += `    - type: physical\n      name: eth${id}\n      mac_address: '${mac}'\n      subnets:\n`;
    const ip = option(ipconfig, 'ip');
    if (ip === 'dhcp') out += '      - type: dhcp4\n';
    else if (ip) {
      const [address, bits] = ip.split('/');
      out += `      - type: static\n        address: '${address}'\n        netmask: '${netmask(Number(bits ?? 32))}'\n`;
      const gw = option(ipconfig, 'gw');
      if (gw) out += `        gateway: '${gw}'\n`;
    }
    const ip6 = option(ipconfig, 'ip6');
    if (ip6 === 'dhcp') out += '      - type: dhcp6\n';
    else if (ip6 === 'auto') out += '      - type: ipv6_slaac\n';
    else if (ip6) out += `      - type: static6\n        address: '${ip6}'\n`;
  }
  const nameservers = config.nameserver?.split(/[ ,;]+/).filter(Boolean) ?? [];
  const search = config.searchdomain?.split(/[ ,;]+/).filter(Boolean) ?? [];
  if (nameservers.length || search.length) {
    out += '    - type: nameserver\n';
    if (nameservers.length) out += `      address:\n${nameservers.map((n) => `      - '${n}'\n`).join('')}`;
    if (search.length) out += `      search:\n${search.map((s) => `      - '${s}'\n`).join('')}`;
  }
  return out;
}

export function noCloudSeed(config: VmConfig, vmid: number): NoCloudSeed {
  const user = userData(config, vmid);
  const network = networkConfig(config);
  const instanceId = createHash('sha1')
    .update(user + network)
    .digest('hex');
  return { userData: user, networkConfig: network, metaData: `instance-id: ${instanceId}\n` };
}
