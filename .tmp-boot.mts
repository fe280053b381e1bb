// scratch: boot timing (not committed)
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createQemuHost } from './sim/qemu/host.ts';
const t0 = Date.now();
const el = () => ((Date.now() - t0) / 1000).toFixed(0) + 's';
const host = await createQemuHost({ imageExtra: '' });
console.log('image', el());
const pub = readFileSync('/tmp/i16/key.pub', 'utf8').trim();
const config = { name: 'bt', ciuser: 'runnerbot', sshkeys: encodeURIComponent(pub), ipconfig0: 'ip=dhcp', net0: 'virtio=52:54:00:aa:bb:cc,bridge=vmbr0', ciupgrade: '0' };
const t1 = Date.now();
const { ip } = await host.boot({ vmid: 900, name: 'bt', ciuser: 'runnerbot', sshPublicKey: pub, config });
const since = () => ((Date.now() - t1) / 1000).toFixed(0) + 's';
for (;;) { try { const a = await host.agentInterfaces!(900); if (JSON.stringify(a).includes(ip)) break; } catch {} await new Promise(r => setTimeout(r, 2000)); }
console.log('agent ip', since());
const ssh = (cmd: string) => execFileSync('ssh', ['-i', '/tmp/i16/key', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10', `runnerbot@${ip}`, cmd], { encoding: 'utf8' });
for (;;) { try { ssh('true'); break; } catch {} await new Promise(r => setTimeout(r, 2000)); }
console.log('ssh', since());
console.log(ssh('cloud-init status --wait; true'));
console.log('cloud-init done', since());
console.log(ssh('systemd-analyze; systemd-analyze blame | head -25; systemd-analyze critical-chain; cloud-init analyze show 2>/dev/null | grep -E "Finished|Total|took" | sort -t"(" -k2 | tail -40; cat /proc/cmdline'));
if (process.env.KEEP) { console.log(ip); await new Promise(r => setTimeout(r, 1e9)); }
await host.close();
