// How the Proxmox simulator boots and halts the fake machine behind a simulated VM.
// test/sim/vm/ implements it with a real sshd per VM; a simulator without a host keeps its VMs
// imaginary (the agent then reports no eth0 address).

export interface BootRequest {
  vmid: number;
  name: string;
  /** cloud-init user and decoded authorized key, exactly as configured on the VM. */
  ciuser: string;
  sshPublicKey: string;
}

export interface VmHost {
  /** Starts the VM's machine; resolves with the IPv4 address it answers on (127.0.0.N). */
  boot(req: BootRequest): Promise<{ ip: string }>;
  /** Stops it; its disk (the chroot) stays until destroy. */
  halt(vmid: number): Promise<void>;
  /** Removes everything the VM had. */
  destroy(vmid: number): Promise<void>;
}
