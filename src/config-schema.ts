// The shape of runnerbot.yaml. Every key is documented in runnerbot.example.yaml.
import { isIP } from 'node:net';
import { z } from 'zod';
import { redisSchema } from './redis-config-schema.ts';
import { parseMatcher } from './core/alerts/matcher.ts';
import { compileNamePattern } from './core/runner-name.ts';

const userOrGroupId = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'a Slack user id (U…/W…) or user-group id (S…)');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id (C…, G… or D…)');
const duration = z.number().int().positive();
/** An IPv4 or IPv6 address, a slash and a prefix length the address can have (ufw refuses the rest on the VM). */
function isCidr(value: string): boolean {
  const [address = '', prefix = '', ...rest] = value.split('/');
  const version = isIP(address);
  return rest.length === 0 && version !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
const cidr = z
  .string()
  .refine(isCidr, 'a network such as 10.0.0.0/8 or fd00::/8 (prefix length at most 32 for IPv4, 128 for IPv6)');
// Values that reach the VM's shell and apt's sources.list: nothing that could become an option,
// a second word or a second line there (bootstrap.sh checks them again on the VM).
const aptUrl = z
  .string()
  .regex(
    /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$/,
    'an http(s) URL without spaces, quotes or control characters',
  );
const debianPackage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]{1,62}$/, 'a Debian package name (lower-case letters, digits, + . -)');
const imageReference = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/, 'a container image such as gcr.io/cadvisor/cadvisor:v0.49.1');
/** Checked when the config is loaded, so `config check` refuses what would fail every route or request. */
const compiles =
  <T>(check: (value: string) => { ok: true; value: T } | { ok: false; error: { message: string } }) =>
  (value: string, ctx: z.RefinementCtx) => {
    const result = check(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error.message });
  };
const debianVersion = z
  .string()
  .regex(/^([0-9][A-Za-z0-9.+~:-]*)?$/, "an apt package version such as 5:27.5.1-1~debian.12~bookworm, or ''");

export const profileSchema = z.strictObject({
  cores: z.number().int().min(1).max(128),
  memoryMiB: z.number().int().min(512).max(1048576),
  diskGiB: z.number().int().min(8).max(4096),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'a lower-case GitLab runner tag')).default([]),
  concurrency: z.number().int().min(1).max(64).default(2),
  privileged: z.boolean().default(false),
  defaultImage: z.string().min(1).default('alpine:3.20'),
  allowedImages: z.array(z.string().min(1)).default([]),
  allowedServices: z.array(z.string().min(1)).default([]),
  allowedPullPolicies: z.array(z.enum(['always', 'if-not-present', 'never'])).default(['if-not-present']),
  volumes: z.array(z.string().min(1)).default(['/cache']),
});

export const configSchema = z
  .strictObject({
    http: z
      .strictObject({ host: z.string().default('0.0.0.0'), port: z.number().int().min(0).max(65535).default(3000) })
      .default({ host: '0.0.0.0', port: 3000 }),
    redis: redisSchema,
    slack: z.strictObject({
      mode: z.enum(['socket', 'http']).default('socket'),
      /** Only for tests and the sandbox: where the Web API lives. */
      apiUrl: z.url().optional(),
      channel: channelId,
      operators: z.array(userOrGroupId).min(1),
      approvers: z.array(userOrGroupId).min(1),
      approvalTtlMinutes: duration.default(60),
      provisionNeedsApproval: z.boolean().default(false),
    }),
    proxmox: z.strictObject({
      url: z.url(),
      caFile: z.string().optional(),
      insecure: z.boolean().default(false),
      tokenId: z.string().regex(/^[^@\s]+@[^!\s]+![A-Za-z0-9._-]+$/, 'user@realm!tokenname'),
      nodes: z.array(z.string().min(1)).min(1),
      templateVmid: z.number().int().min(100),
      /** A template per node, when storage is not shared: node -> VMID. */
      templates: z.record(z.string(), z.number().int().min(100)).default({}),
      templateNode: z.string().min(1),
      pool: z.string().min(1),
      vmidRange: z
        .strictObject({ min: z.number().int().min(100), max: z.number().int().max(999999999) })
        .refine((r) => r.min <= r.max, { message: 'max must not be below min', path: ['max'] }),
      storage: z.string().min(1).optional(),
      bridge: z.string().min(1).default('vmbr0'),
      disk: z
        .string()
        .regex(/^(scsi|virtio|sata|ide)\d+$/, 'a disk such as scsi0')
        .default('scsi0'),
      ipconfig: z.string().min(1).default('ip=dhcp'),
      fullClone: z.boolean().default(true),
    }),
    gitlab: z
      .strictObject({
        url: z.url(),
        runnerType: z.enum(['instance_type', 'group_type', 'project_type']).default('instance_type'),
        groupId: z.number().int().positive().optional(),
        projectId: z.number().int().positive().optional(),
        maximumTimeout: z.number().int().min(600).optional(),
      })
      .refine((g) => g.runnerType !== 'group_type' || g.groupId !== undefined, {
        message: 'runnerType group_type needs groupId',
        path: ['groupId'],
      })
      .refine((g) => g.runnerType !== 'project_type' || g.projectId !== undefined, {
        message: 'runnerType project_type needs projectId',
        path: ['projectId'],
      }),
    ssh: z
      .strictObject({
        user: z
          .string()
          .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a POSIX user name')
          .default('runnerbot'),
        keyPath: z.string().min(1),
        publicKeyPath: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).default(22),
        knownHosts: z.enum(['accept-new', 'strict', 'off']).default('accept-new'),
        knownHostsFile: z.string().optional(),
      })
      .refine((ssh) => ssh.knownHosts === 'off' || ssh.knownHostsFile !== undefined, {
        message:
          'knownHosts accept-new and strict keep host keys in a file: set ssh.knownHostsFile (or knownHosts: off)',
        path: ['knownHostsFile'],
      }),
    provision: z
      .strictObject({
        onFailure: z.enum(['keep', 'destroy']).default('keep'),
        managementNetworks: z.array(cidr).default(['10.0.0.0/8']),
        prometheusNetworks: z.array(cidr).default(['10.0.0.0/8']),
        aptMirror: z.union([z.literal(''), aptUrl]).default(''),
        aptSecurityMirror: aptUrl.default('http://security.debian.org/debian-security'),
        dockerSource: z.enum(['docker', 'debian']).default('docker'),
        dockerAptRepo: aptUrl.default('https://download.docker.com/linux/debian'),
        dockerVersion: debianVersion.default(''),
        runnerAptRepo: aptUrl.default('https://packages.gitlab.com/runner/gitlab-runner/debian/'),
        runnerVersion: debianVersion.default(''),
        registryMirror: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
        nodeExporterPackage: debianPackage.default('prometheus-node-exporter'),
        cadvisorImage: imageReference.default('gcr.io/cadvisor/cadvisor:v0.49.1'),
        /** A script of the site's own, run on each VM as the last bootstrap phase (`check`, then `apply`). */
        siteHook: z.string().min(1).optional(),
        timeouts: z
          .strictObject({
            taskSeconds: duration.default(600),
            lockSeconds: duration.default(300),
            agentSeconds: duration.default(300),
            sshSeconds: duration.default(300),
            cloudInitSeconds: duration.default(900),
            phaseSeconds: duration.default(900),
            drainJobsSeconds: duration.default(1800),
          })
          .default({
            taskSeconds: 600,
            lockSeconds: 300,
            agentSeconds: 300,
            sshSeconds: 300,
            cloudInitSeconds: 900,
            phaseSeconds: 900,
            drainJobsSeconds: 1800,
          }),
        pollMs: z.number().int().min(1).default(2000),
      })
      .prefault({}),
    worker: z
      .strictObject({
        concurrency: z.number().int().min(1).max(100).default(4),
        clonesPerNode: z.number().int().min(1).max(20).default(2),
        attempts: z.number().int().min(1).max(100).default(8),
        backoffMs: z.number().int().min(1).default(5000),
        maxBackoffMs: z.number().int().min(1).default(300000),
        drainSeconds: duration.default(60),
        /** A job whose worker stops renewing its lock this long (a crash) is handed to another worker. */
        jobLockSeconds: duration.default(30),
        /** How often workers look for such stalled jobs. */
        stalledIntervalSeconds: duration.default(15),
        /** A `queued` run this old with no job (its requester crashed in between) is enqueued by a worker. */
        strandedAfterSeconds: duration.default(30),
      })
      .prefault({}),
    profiles: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'a lower-case profile name'), profileSchema)
      .refine((p) => Object.keys(p).length > 0, 'at least one profile'),
    defaultProfile: z.string().min(1).default('default'),
    runners: z
      .strictObject({
        namePattern: z.string().superRefine(compiles(compileNamePattern)).default('^gitlab-runner-[a-z0-9-]+$'),
      })
      .prefault({}),
    pools: z
      .strictObject({
        /** Pool members are named PREFIX-PROFILE-NN; the names must match runners.namePattern. */
        namePrefix: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes')
          .default('gitlab-runner'),
        reconcileSeconds: duration.default(15),
        retryBaseSeconds: duration.default(60),
        retryMaxSeconds: duration.default(3600),
      })
      .prefault({}),
    /** Token rotation on a schedule; absent: only `rotate-token` rotates. */
    rotation: z
      .strictObject({
        everyDays: z.number().int().positive().optional(),
        marginDays: z.number().int().min(0).default(7),
        checkMinutes: duration.default(60),
      })
      .optional(),
    /** New runners must pass the validation project's pipeline before they take jobs. */
    validation: z
      .strictObject({
        projectId: z.number().int().positive(),
        ref: z.string().min(1).default('main'),
        /** A runner under validation carries the one tag PREFIX + its name. */
        tagPrefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]{0,30}$/, 'lower-case letters, digits, dots, dashes, underscores')
          .default('runnerbot-'),
        timeoutSeconds: duration.default(1800),
      })
      .optional(),
    alerts: z
      .strictObject({
        defaultChannel: channelId.optional(),
        alertmanagerUrl: z.url().optional(),
        maxBodyBytes: z.number().int().min(1024).default(1048576),
        /** Serve POST /alerts on this port (on `http.host`), from a thread of its own, instead of on `http.port`. */
        port: z.number().int().min(1).max(65535).optional(),
        routes: z
          .array(
            z.strictObject({
              matchers: z.array(z.string().min(1).superRefine(compiles(parseMatcher))).default([]),
              channel: channelId,
              continue: z.boolean().default(false),
            }),
          )
          .default([]),
        digestThreshold: z.number().int().min(2).default(5),
        /** How often a group silenced from Slack is checked in Alertmanager (which sends nothing about it). */
        silenceCheckSeconds: duration.default(30),
      })
      .prefault({}),
    log: z
      .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .prefault({}),
  })
  .refine((c) => c.defaultProfile in c.profiles, {
    message: 'must name one of the profiles',
    path: ['defaultProfile'],
  })
  .refine((c) => c.alerts?.port === undefined || c.alerts.port !== c.http.port, {
    message: 'must differ from http.port (POST /alerts gets a listener of its own)',
    path: ['alerts', 'port'],
  });

export type Config = z.infer<typeof configSchema>;
export type ProfileConfig = z.infer<typeof profileSchema>;
