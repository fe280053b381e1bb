// Picks the guest's address from the agent's `network-get-interfaces` answer: the first IPv4 on
// an interface that is not loopback (`lo`) or a container bridge, and not link-local. Loopback is
// recognised by the interface, not the address: simulated guests answer on 127.0.0.N.

interface AgentInterface {
  name?: string;
  'ip-addresses'?: Array<{ 'ip-address'?: string; 'ip-address-type'?: string }>;
}

const SKIPPED_INTERFACE = /^(lo$|docker|br-|veth|virbr|cni|flannel|cali)/;
const LINK_LOCAL = /^169\.254\./;

export function routableIpv4(answer: unknown): string | null {
  const list = (answer as { result?: unknown } | null)?.result;
  if (!Array.isArray(list)) return null;
  for (const iface of list as AgentInterface[]) {
    if (!iface.name || SKIPPED_INTERFACE.test(iface.name)) continue;
    for (const entry of iface['ip-addresses'] ?? []) {
      const address = entry['ip-address'];
      if (entry['ip-address-type'] === 'ipv4' && address && !LINK_LOCAL.test(address)) return address;
    }
  }
  return null;
}
