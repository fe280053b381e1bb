// Configuration keys (`proxmox.vmidRange`, `slack.mode: http`) and environment variables
// (`SLACK_BOT_TOKEN`, `GITLAB_TOKEN_FILE`, `PORT=3000`) that a guide names in code.
import { didYouMean } from '../../../src/core/did-you-mean.ts';
import type { CodeItem } from './markdown.ts';

export interface KeyReference {
  path: string;
  /** The value after `key: `, as written. */
  value?: string;
  item: CodeItem;
}

export interface EnvReference {
  name: string;
  item: CodeItem;
}

const DOTTED = /^([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9<>_-]+(?:\[\d*\])?)+)(?::\s+(.+))?$/;
const FILE_SUFFIX = /\.(ya?ml|md|ts|js|json|sh|toml|pem|pub|env|conf|log|qcow2|service|sources|list|asc)$/;

/** Dotted paths whose first word is a top-level key, or a near miss of one (a typo to report). */
export function keyReferences(items: CodeItem[], topLevelKeys: string[]): KeyReference[] {
  return items.flatMap((item) => {
    if (item.kind !== 'span') return [];
    const match = DOTTED.exec(item.text);
    if (!match) return [];
    const path = match[1]!;
    const first = path.split('.')[0]!;
    const isKey = topLevelKeys.includes(first) || (didYouMean(first, topLevelKeys) !== undefined && !FILE_SUFFIX.test(path));
    return isKey ? [{ path, ...(match[2] !== undefined ? { value: match[2] } : {}), item }] : [];
  });
}

/** The placeholders a guide uses when it speaks of every secret at once. */
const GENERIC = new Set(['NAME', 'NAME_FILE']);
const ENV_SPAN = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|PORT)(?:=\S*)?$/;
const ENV_ASSIGNMENT = /(?:^|\s|export\s)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=/g;

export function envReferences(items: CodeItem[]): EnvReference[] {
  return items.flatMap((item) => {
    const names = item.kind === 'span' ? [ENV_SPAN.exec(item.text)?.[1]] : [...item.text.matchAll(ENV_ASSIGNMENT)].map((m) => m[1]);
    return names.filter((name): name is string => name !== undefined && !GENERIC.has(name)).map((name) => ({ name, item }));
  });
}
