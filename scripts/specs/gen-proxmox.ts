// Writes sim/proxmox/pve-schema.json: the Proxmox VE API methods runnerbot uses, trimmed from
// the PVE API schema in ../shared/specs (descriptions dropped; every parameter rule kept: type,
// format, optional, enum, pattern, minimum, maximum, maxLength, property-string sub-keys).
// Run: node --import tsx scripts/specs/gen-proxmox.ts
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specsRoot = process.env.SPECS_DIR ?? path.resolve(repoRoot, '../shared/specs');
const SOURCE = 'proxmox/pve-api-schema-qemu-tasks-cluster.json';
// Endpoints outside that subset (storage, network, permissions, task logs) come from the full schema.
const FULL_SOURCE = 'proxmox/pve-api-schema-full.json';
const OUTPUT = path.join(repoRoot, 'sim/proxmox/pve-schema.json');

const USED: Record<string, string[]> = {
  '/nodes/{node}/qemu': ['GET'],
  '/nodes/{node}/qemu/{vmid}': ['DELETE'],
  '/nodes/{node}/qemu/{vmid}/clone': ['POST'],
  '/nodes/{node}/qemu/{vmid}/config': ['GET', 'POST', 'PUT'],
  '/nodes/{node}/qemu/{vmid}/resize': ['PUT'],
  '/nodes/{node}/qemu/{vmid}/status/current': ['GET'],
  '/nodes/{node}/qemu/{vmid}/status/start': ['POST'],
  '/nodes/{node}/qemu/{vmid}/status/stop': ['POST'],
  '/nodes/{node}/qemu/{vmid}/status/shutdown': ['POST'],
  '/nodes/{node}/qemu/{vmid}/status/reboot': ['POST'],
  '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': ['GET'],
  '/nodes/{node}/tasks/{upid}/status': ['GET'],
  '/cluster/nextid': ['GET'],
  '/cluster/resources': ['GET'],
  '/nodes/{node}/tasks/{upid}/log': ['GET'],
};

const USED_FROM_FULL: Record<string, string[]> = {
  '/storage': ['GET'],
  '/nodes/{node}/storage': ['GET'],
  '/nodes/{node}/network': ['GET'],
  '/access/permissions': ['GET'],
  '/pools': ['GET'],
};

const DROPPED_KEYS = new Set(['description', 'verbose_description', 'format_description', 'completion', 'print_width']);

type Json = Record<string, unknown>;
interface PathNode {
  path: string;
  info?: Record<string, Json>;
  children?: PathNode[];
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  // documentation is a string; a parameter that happens to be named `description` is an object
  for (const [k, v] of Object.entries(node)) if (!(DROPPED_KEYS.has(k) && typeof v === 'string')) out[k] = strip(v);
  return out;
}

function collect(node: PathNode, found: Map<string, PathNode>): void {
  found.set(node.path, node);
  for (const child of node.children ?? []) collect(child, found);
}

const raw = readFileSync(path.join(specsRoot, SOURCE));
const source = JSON.parse(raw.toString('utf8')) as { _source: Json; paths: Record<string, PathNode> };
const nodes = new Map<string, PathNode>();
for (const root of Object.values(source.paths)) collect(root, nodes);

const fullRaw = readFileSync(path.join(specsRoot, FULL_SOURCE));
const fullNodes = new Map<string, PathNode>();
for (const root of JSON.parse(fullRaw.toString('utf8')) as PathNode[]) collect(root, fullNodes);

const endpoints: Record<string, Json> = {};
for (const [used, found, file] of [
  [USED, nodes, SOURCE],
  [USED_FROM_FULL, fullNodes, FULL_SOURCE],
] as const)
  for (const [apiPath, methods] of Object.entries(used)) {
    const node = found.get(apiPath);
    if (!node?.info) throw new Error(`${apiPath} is missing from ${file}`);
    for (const method of methods) {
      const info = node.info[method];
      if (!info) throw new Error(`${method} ${apiPath} is missing from ${file}`);
      endpoints[`${method} ${apiPath}`] = {
        name: info.name,
        allowtoken: info.allowtoken,
        parameters: strip(info.parameters),
        permissions: strip(info.permissions),
        returnsType: (info.returns as Json | undefined)?.type,
      };
    }
  }

const fixture = {
  source: {
    file: `../shared/specs/${SOURCE}`,
    sha256: createHash('sha256').update(raw).digest('hex'),
    full: { file: `../shared/specs/${FULL_SOURCE}`, sha256: createHash('sha256').update(fullRaw).digest('hex') },
    upstream: source._source,
    generatedBy: 'scripts/specs/gen-proxmox.ts',
  },
  endpoints,
};
writeFileSync(OUTPUT, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${path.relative(repoRoot, OUTPUT)}: ${Object.keys(endpoints).length} endpoints`);
