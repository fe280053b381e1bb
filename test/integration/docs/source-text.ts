// What the product's sources say: every file under src/ (for quoted error messages) and the
// environment variables runnerbot and the sandbox read.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ENV_OVERRIDES } from '../../../src/config.ts';
import { SECRET_VARIABLES } from '../../../src/secrets.ts';

export const REPO = new URL('../../../', import.meta.url).pathname;

function filesUnder(dir: string, suffix: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffix);
    return suffix.test(entry.name) ? [path] : [];
  });
}

export function sourceFiles(under: string): { path: string; text: string }[] {
  return filesUnder(join(REPO, under), /\.(ts|sh)$/).map((path) => ({ path: relative(REPO, path), text: readFileSync(path, 'utf8') }));
}

/**
 * Where a quoted message occurs: the file holding its fixed parts (those between `…`), in order.
 * Parts shorter than three characters say nothing and are not looked for.
 */
export function findMessage(message: string, files: { path: string; text: string }[]): string | undefined {
  const parts = message.split('…').map((p) => p.trim()).filter((p) => p.length >= 3);
  if (parts.length === 0) return undefined;
  return files.find(({ text }) => {
    let from = 0;
    for (const part of parts) {
      const at = text.indexOf(part, from);
      if (at < 0) return false;
      from = at + part.length;
    }
    return true;
  })?.path;
}

/** Variables runnerbot reads: the secrets (NAME and NAME_FILE), the overrides, and those config.ts reads itself. */
export function runnerbotVariables(): Set<string> {
  const secrets = Object.values(SECRET_VARIABLES).flatMap((name) => [name, `${name}_FILE`]);
  const overrides = ENV_OVERRIDES.map((o) => o.variable);
  const configTs = readFileSync(join(REPO, 'src/config.ts'), 'utf8');
  const direct = [...configTs.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
  const proxyTs = readFileSync(join(REPO, 'src/outbound-proxy.ts'), 'utf8');
  const proxy = [...proxyTs.matchAll(/variable\(env, '([A-Z_]+)'\)/g)].map((m) => m[1]!);
  return new Set([...secrets, ...overrides, ...direct, ...proxy]);
}

/** Variables of the other things the guides document: Node.js itself, the VM tier's image builder and the validation jobs. */
export function toolVariables(): Set<string> {
  const builder = readFileSync(join(REPO, 'scripts/vm/build-image.sh'), 'utf8');
  const jobs = readdirSync(join(REPO, 'validation')).map((f) => readFileSync(join(REPO, 'validation', f), 'utf8'));
  return new Set([
    'NODE_EXTRA_CA_CERTS',
    ...[builder, ...jobs].flatMap((text) => [...text.matchAll(/\$\{?(RUNNERBOT_[A-Z0-9_]+)/g)].map((m) => m[1]!)),
  ]);
}

/** Variables the sandbox reads (the README documents them next to `npm run sandbox`). */
export function sandboxVariables(): Set<string> {
  const texts = sourceFiles('sandbox').map((f) => f.text);
  return new Set(texts.flatMap((text) => [...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)));
}
