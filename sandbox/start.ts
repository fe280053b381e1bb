// `npm run sandbox`: the whole product on this machine, one URL to open, Ctrl-C to stop.
import { startSandbox } from './sandbox.ts';

const say = (line: string) => process.stdout.write(`sandbox: ${line}\n`);

try {
  const sandbox = await startSandbox({
    port: Number(process.env.SANDBOX_PORT ?? 0),
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    say,
  });
  for (const note of sandbox.skipped) say(`skipped: ${note}`);
  say(`Redis: ${sandbox.redis}; runnerbot's configuration and log: ${sandbox.dir}`);
  process.stdout.write(`\nSandbox ready: ${sandbox.url}\n\nOpen it in a browser. Ctrl-C stops everything.\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  say(`${signal}: stopping`);
  await sandbox.stop();
  say('stopped');
  process.exit(0);
} catch (error) {
  console.error(`sandbox: cannot start: ${(error as Error).message}`);
  process.exit(1);
}
