// Fake runner VMs for tests: a real sshd per VM in a chroot with recording stand-ins.
export { createVmFarm, type SimVm, type VmFarm, type VmFarmOptions } from './farm.ts';
export { generateSshKeyPair, type SshKeyPair } from './keys.ts';
export type { StandinCall } from './call-log.ts';
