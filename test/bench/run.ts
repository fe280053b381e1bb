// `npm run bench [NAME…]`: runs each benchmark in its own child process, one after another (they
// share two cores; in parallel they would measure each other). Every bench prints its figures
// next to a baseline measured in the same run, so the ratios hold on a noisy machine.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .sort();
/** Benchmarks of many minutes (a real VM under TCG): run only when named. */
const ON_REQUEST = ['vm-ssh-phase.ts'];
const wanted = process.argv.slice(2);
const chosen = wanted.length
  ? all.filter((f) => wanted.some((w) => f.startsWith(w)))
  : all.filter((f) => !ON_REQUEST.includes(f));

let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file.replace(/\.ts$/, '')} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
console.log(`\n${chosen.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
