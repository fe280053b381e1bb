// `--dry-run` in sentences: what the change would create or remove (node, VMID range, size, tags,
// profile) and its steps in words, for the terminal and for Slack (which escapes each line).
import { replacesFirst, type RunKind, type StepName, type SuccessorStep } from './plan.ts';
import type { FleetEntry } from './ports.ts';
import type { RunnerSpec } from './spec.ts';
import { successorName } from './successor.ts';

export interface DryRunInput {
  kind: RunKind;
  spec: RunnerSpec;
  plan: readonly StepName[];
  /** runnerbot's record of the runner, when it has one. */
  existing: Pick<FleetEntry, 'vmid' | 'node' | 'ip' | 'runnerId'> | null;
  /** The configured nodes placement chooses among. */
  nodes: readonly string[];
  vmidRange?: { min: number; max: number };
  /** Whether a second person must approve it. */
  needsApproval: boolean;
}

export interface DryRunText {
  /** What would happen, in a few sentences. */
  summary: string[];
  /** One line per step, in order: `N. step-name: what it does.` */
  steps: string[];
  closing: string[];
}

const and = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

const gib = (mib: number) => (mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`);

const where = (spec: RunnerSpec, nodes: readonly string[]) =>
  spec.node
    ? `on node ${spec.node}`
    : nodes.length > 1
      ? `on whichever of ${and(nodes)} placement chooses`
      : `on node ${nodes[0] ?? '(none configured)'}`;

const machine = (e: NonNullable<DryRunInput['existing']>) =>
  `VM ${e.vmid} on ${e.node}${e.ip ? ` (${e.ip})` : ''} and GitLab runner #${e.runnerId}`;

function builds(spec: RunnerSpec, input: DryRunInput): string[] {
  const range = input.vmidRange ? `, with the first free VMID in ${input.vmidRange.min}-${input.vmidRange.max}` : '';
  const tags = spec.tags.length ? `tagged ${and(spec.tags)} in GitLab` : 'with no GitLab tags';
  return [
    `It would create a VM named ${spec.name} ${where(spec, input.nodes)}${range}: ${spec.cores} cores, ${gib(spec.memoryMiB)} of memory and a ${spec.diskGiB} GiB disk (profile ${spec.profile}).`,
    `The runner would be ${tags}, run up to ${spec.concurrency} jobs at once, ${spec.privileged ? 'with privileged Docker (Docker-in-Docker)' : 'with unprivileged Docker'}, default image ${spec.defaultImage}.`,
  ];
}

function summary(input: DryRunInput): string[] {
  const { kind, spec, existing } = input;
  if (kind === 'provision')
    return existing
      ? [
          `${spec.name} exists already (${machine(existing)}): provision would check every step and change only what is missing.`,
          ...builds(spec, input).slice(1),
        ]
      : builds(spec, input);
  const removes = existing
    ? `It would remove ${machine(existing)}, after pausing the runner and waiting for its running jobs.`
    : `runnerbot has no record of ${spec.name}: it would look for VMs and GitLab runners of that name that are runnerbot's, and remove those.`;
  if (kind === 'deprovision') return [removes];
  if (!replacesFirst(input.plan))
    return [removes, ...builds(spec, input).map((s) => s.replace('It would create', 'Then it would create'))];
  const successor = successorName(spec.name);
  return [
    ...builds(spec, input).map((s) =>
      s.replace(`It would create a VM named ${spec.name}`, `It would first build a successor, a VM named ${successor}`),
    ),
    `Once the successor is verified: ${removes.charAt(0).toLowerCase()}${removes.slice(1)}`,
    `Then the successor would take the name ${spec.name} in Proxmox, GitLab and the Prometheus targets.`,
  ];
}

type Words = (spec: RunnerSpec, input: DryRunInput) => string;

const STEP_WORDS: Record<Exclude<StepName, SuccessorStep>, Words> = {
  'find-vm': () => "look for a VM of that name; reuse it if it is runnerbot's, refuse if not",
  'reserve-vmid': (_, i) =>
    i.vmidRange ? `reserve a free VMID in ${i.vmidRange.min}-${i.vmidRange.max}` : 'reserve a free VMID',
  clone: () => 'clone the template',
  configure: (s) =>
    `set ${s.cores} cores, ${gib(s.memoryMiB)} of memory, the network, the cloud-init user and SSH key, and the tags`,
  'resize-disk': (s) => `grow the disk to ${s.diskGiB} GiB`,
  start: () => 'start the VM',
  'wait-ip': () => 'wait for the guest agent to report its IPv4 address',
  'wait-ssh': () => 'wait for SSH and for cloud-init to finish',
  'bootstrap-docker': () => 'install Docker',
  'bootstrap-runner': () => 'install gitlab-runner',
  'bootstrap-firewall': () => 'set up the ufw firewall',
  'bootstrap-monitoring': () => 'start node_exporter and cAdvisor',
  'bootstrap-site': () => 'run the site hook (provision.siteHook), when one is configured',
  'create-runner': (s) => `register the runner in GitLab${s.tags.length ? ` with tags ${and(s.tags)}` : ''}`,
  'write-config': (s) =>
    `write config.toml (${s.concurrency} concurrent jobs, ${s.privileged ? 'privileged' : 'unprivileged'}) and restart gitlab-runner`,
  verify: () => "check gitlab-runner verify, GitLab's online status and the metrics ports",
  validate: () => "run the validation project's pipeline on the new runner and wait for its jobs",
  announce: () => 'add it to the fleet and to the Prometheus targets',
  'pause-runner': () => 'pause the GitLab runner and wait for its running jobs',
  'delete-runner': () => 'delete the GitLab runner',
  'confirm-vm': () => "confirm the VM is runnerbot's",
  'stop-vm': () => 'stop the VM',
  'delete-vm': () => 'delete the VM and its disks',
  'clear-records': () => "clear runnerbot's records of it",
  'adopt-successor': (s) => `give the successor the name ${s.name} in Proxmox and GitLab`,
  'reset-token': () => 'have GitLab issue a new runner token (the old one stops working)',
  'install-token': () => "write the new token into the VM's config.toml",
  'record-token': () => "record the token's times (never the token)",
  'rotate-fleet': () => 'rotate every runner of the fleet, one at a time',
};

function wordsFor(step: StepName): Words {
  if (!step.startsWith('successor:')) return STEP_WORDS[step as Exclude<StepName, SuccessorStep>];
  const own = STEP_WORDS[step.slice('successor:'.length) as Exclude<StepName, SuccessorStep>];
  return (spec, input) => `for the successor ${successorName(spec.name)}, ${own(spec, input)}`;
}

export function describeDryRun(input: DryRunInput): DryRunText {
  return {
    summary: summary(input),
    steps: input.plan.map((step, i) => `${i + 1}. ${step}: ${wordsFor(step)(input.spec, input)}.`),
    closing: [...(input.needsApproval ? ['A second person would have to approve it.'] : []), 'Nothing was changed.'],
  };
}
