// The monitoring agents of a fake VM: tiny /metrics servers on the VM's address that run
// exactly while the stand-ins say the agent runs (node_exporter unit active -> :9100, cadvisor
// container running -> :8080, gitlab-runner active with listen_address in config.toml -> :9252).
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

interface Agent {
  port: number;
  body: string;
  running(root: string): Promise<boolean>;
}

const has = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const text = (path: string) => readFile(path, 'utf8').catch(() => '');

const AGENTS: Agent[] = [
  {
    port: 9100,
    body: '# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.05\n# TYPE node_filesystem_avail_bytes gauge\nnode_filesystem_avail_bytes{mountpoint="/"} 5.0e+10\n',
    running: async (root) =>
      (await has(join(root, 'var/lib/sim/units/prometheus-node-exporter.active'))) ||
      has(join(root, 'var/lib/sim/units/node_exporter.active')),
  },
  {
    port: 8080,
    body: '# HELP container_last_seen Last time a container was seen by the exporter\n# TYPE container_last_seen gauge\ncontainer_last_seen{name="cadvisor"} 1\n',
    running: async (root) => (await text(join(root, 'var/lib/sim/containers/cadvisor/running'))) === 'true',
  },
  {
    port: 9252,
    body: '# HELP gitlab_runner_version_info Runner version\n# TYPE gitlab_runner_version_info gauge\ngitlab_runner_version_info{version="17.0.0-sim"} 1\n# TYPE gitlab_runner_jobs gauge\ngitlab_runner_jobs 0\n',
    running: async (root) =>
      (await has(join(root, 'var/lib/sim/units/gitlab-runner.active'))) &&
      /^listen_address\s*=\s*":9252"/m.test(await text(join(root, 'etc/gitlab-runner/config.toml'))),
  },
];

export interface MetricsAgents {
  /** Ports answering right now. */
  listening(): number[];
  /** Brings the listeners in line with the stand-ins' state now (also done every few ms). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

function listen(ip: string, agent: Agent): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? agent.body : 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(agent.port, ip, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export function startMetricsAgents(ip: string, root: string, intervalMs = 25): MetricsAgents {
  const servers = new Map<number, Server>();
  let syncing: Promise<void> = Promise.resolve();
  let closed = false;

  async function syncOnce(): Promise<void> {
    for (const agent of AGENTS) {
      const want = !closed && (await agent.running(root));
      const server = servers.get(agent.port);
      if (want && !server) servers.set(agent.port, await listen(ip, agent));
      if (!want && server) {
        servers.delete(agent.port);
        await close(server);
      }
    }
  }
  const sync = () => (syncing = syncing.then(syncOnce, syncOnce));
  const timer = setInterval(() => void sync().catch(() => undefined), intervalMs);
  timer.unref();

  return {
    listening: () => [...servers.keys()].sort(),
    sync,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await sync().catch(() => undefined);
    },
  };
}
