// Proxmox's named parameter formats (pve-common PVE/JSONSchema.pm, qemu-server, AccessControl),
// with their error texts. A validator returns the error, or null when the value is fine. Formats
// not listed here are accepted: the simulator only needs to be as strict as PVE where runnerbot
// sends values.
import { isIP } from 'node:net';

type Check = (value: string) => string | null;

const rule =
  (re: RegExp, message: (v: string) => string): Check =>
  (v) =>
    re.test(v) ? null : `${message(v)}\n`;

const cidr = (version: 4 | 6, value: string): boolean => {
  const [ip, bits, extra] = value.split('/');
  if (ip === undefined || bits === undefined || extra !== undefined || !/^\d+$/.test(bits)) return false;
  const n = Number(bits);
  return isIP(ip) === version && n > 7 && n <= (version === 4 ? 32 : 128);
};

const NAMED: Record<string, Check> = {
  urlencoded: rule(/^[-%a-zA-Z0-9_.!~*'()]*$/, (v) => `invalid urlencoded string: ${v}`),
  'pve-configid': rule(/^[a-z][a-z0-9_-]+$/i, (v) => `invalid configuration ID '${v}'`),
  'pve-storage-id': rule(/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i, (v) => `storage ID '${v}' contains illegal characters`),
  'pve-bridge-id': rule(/^[-_.\w\d]+$/, (v) => `invalid bridge ID '${v}'`),
  'pve-vmid': rule(/^[1-9][0-9]{2,8}$/, () => 'value does not look like a valid VM ID'),
  'pve-node': rule(/^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/, () => 'value does not look like a valid node name'),
  'dns-name': rule(
    /^(([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/,
    () => 'value does not look like a valid DNS name',
  ),
  'pve-tag': rule(/^[a-z0-9_][a-z0-9_\-+.]*$/i, () => 'invalid characters in tag'),
  'pve-poolid': rule(/^[A-Za-z0-9.\-_/]+$/, (v) => `pool name '${v}' contains invalid characters`),
  'mac-addr': rule(
    /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i,
    () => 'value does not look like a valid unicast MAC address',
  ),
  'disk-size': rule(/^(\d+(\.\d+)?)([KMGT])?$/, (v) => `value does not look like a valid disk size: ${v}`),
  ipv4: (v) => (isIP(v) === 4 ? null : 'value does not look like a valid IPv4 address\n'),
  ipv6: (v) => (isIP(v) === 6 ? null : 'value does not look like a valid IPv6 address\n'),
  ip: (v) => (isIP(v) !== 0 ? null : 'value does not look like a valid IP address\n'),
  CIDR: (v) => (cidr(4, v) || cidr(6, v) ? null : 'value does not look like a valid CIDR network\n'),
  'pve-ipv4-config': (v) =>
    /^(dhcp|manual)$/.test(v) || cidr(4, v) ? null : 'value does not look like a valid ipv4 network configuration\n',
  'pve-ipv6-config': (v) =>
    /^(auto|dhcp|manual)$/.test(v) || cidr(6, v)
      ? null
      : 'value does not look like a valid ipv6 network configuration\n',
};

/** `split_list` of PVE::Tools: `,` `;` and whitespace separate list entries. */
export const splitList = (value: string): string[] => value.replace(/[,;]/g, ' ').trim().split(/\s+/).filter(Boolean);

/** Checks a named format, including the `-list` and `-opt` variants; null when valid or unknown. */
export function checkNamedFormat(format: string, value: string): string | null {
  const [, name = format, variant] = /^(.*?)(?:-(list|opt))?$/.exec(format) ?? [];
  const check = NAMED[name];
  if (!check) return null;
  if (variant === 'list') {
    for (const entry of splitList(value)) {
      const error = check(entry);
      if (error) return error;
    }
    return null;
  }
  if (variant === 'opt' && value === '') return null;
  return check(value);
}
