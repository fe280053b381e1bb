// The layering rules of .dependency-cruiser.cjs (what `npm run lint` runs on src/), applied to
// fixture trees: one that breaks them and one that keeps them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../../../', import.meta.url).pathname;
const DEPCRUISE = join(REPO, 'node_modules/.bin/depcruise');

async function depcruise(fixture: string): Promise<{ code: number; output: string }> {
  const cwd = join(REPO, 'test/fixtures/lint', fixture);
  try {
    const { stdout } = await promisify(execFile)(
      DEPCRUISE,
      ['src', '--config', join(REPO, '.dependency-cruiser.cjs'), '--output-type', 'err'],
      { cwd },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('layering lint', () => {
  it('fails when the core imports an adapter, or one adapter imports another', async () => {
    const { code, output } = await depcruise('breaks-layering');
    expect(code).not.toBe(0);
    expect(output).toMatch(/error core-is-pure: src\/core\/plan\.ts → src\/jobs\/queue\.ts/);
    expect(output).toMatch(/error adapters-do-not-know-each-other: src\/bot\/listeners\.ts → src\/jobs\/queue\.ts/);
  });

  it('passes a tree that keeps the layering', async () => {
    const { code, output } = await depcruise('keeps-layering');
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  });
});
