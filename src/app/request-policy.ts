// What a request is checked against: the parts of the configuration that say who may ask for
// what, and which profiles and names exist.
import type { Profile } from '../core/spec.ts';

export interface RequestPolicy {
  profiles: Record<string, Profile>;
  defaultProfile: string;
  namePattern: string;
  nodes: string[];
  /** Where new VMIDs come from (`proxmox.vmidRange`), for what a dry run says. */
  vmidRange?: { min: number; max: number };
  operators: string[];
  approvers: string[];
  approvalTtlMinutes: number;
  provisionNeedsApproval: boolean;
  /** New runners run the validation pipeline before they take jobs (`validation` is configured). */
  validate?: boolean;
  /** New runners run the site hook as their last bootstrap phase (`provision.siteHook` is set). */
  siteHook?: boolean;
}
