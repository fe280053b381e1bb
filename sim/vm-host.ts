// How the Proxmox simulator boots and halts the fake machine behind a simulated VM.
// sim/vm/ implements it with a real sshd per VM; a simulator without a host keeps its VMs
// imaginary (the agent then reports no eth0 address).

export interface BootRequest {
  vmid: number;
  name: string;
  /** cloud-init user and decoded authorized key, exactly as configured on the VM. */
  ciuser: string;
  sshPublicKey: string;
  /** The VM's whole config (net0's MAC, ipconfig0, ciupgrade, ...), for a host that writes a cloud-init seed. */
  config?: Record<string, string>;
}

export interface VmHost {
  /** Starts the VM's machine; resolves with the IPv4 address it answers on (127.0.0.N). */
  boot(req: BootRequest): Promise<{ ip: string }>;
  /** Stops it; its disk (the chroot) stays until destroy. */
  halt(vmid: number): Promise<void>;
  /** Removes everything the VM had. */
  destroy(vmid: number): Promise<void>;
  /** Restarts the machine (`qm reboot`); a host without it keeps the VM running as it is. */
  reboot?(req: BootRequest): Promise<void>;
  /** Asks the machine's real guest agent for its interfaces; without it the simulator makes them up. */
  agentInterfaces?(vmid: number): Promise<unknown[]>;
}
