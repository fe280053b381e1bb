// The part of runnerbot.yaml that says who may ask for what (the request and approval policy).
import type { RequestPolicy } from '../app/request-policy.ts';
import type { Config } from '../config.ts';

export function toRequestPolicy(config: Config): RequestPolicy {
  return {
    profiles: config.profiles,
    defaultProfile: config.defaultProfile,
    namePattern: config.runners.namePattern,
    nodes: config.proxmox.nodes,
    vmidRange: config.proxmox.vmidRange,
    operators: config.slack.operators,
    approvers: config.slack.approvers,
    approvalTtlMinutes: config.slack.approvalTtlMinutes,
    provisionNeedsApproval: config.slack.provisionNeedsApproval,
    validate: config.validation !== undefined,
    siteHook: config.provision.siteHook !== undefined,
  };
}
