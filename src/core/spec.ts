// RunnerSpec: what one runner VM should be. Built from a profile plus the request's overrides.

export interface Profile {
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  tags: string[];
  concurrency: number;
  privileged: boolean;
  defaultImage: string;
  allowedImages: string[];
  allowedServices: string[];
  allowedPullPolicies: string[];
  volumes: string[];
}

export interface RunnerSpec extends Profile {
  name: string;
  profile: string;
  /** A Proxmox node the requester pinned; otherwise placement chooses. */
  node?: string;
}
