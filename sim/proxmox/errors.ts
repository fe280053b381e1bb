// Errors the simulated API answers with, shaped as pveproxy shapes them: the status line carries
// the message, the JSON body `{"data":null,"message":…}` (plus `errors` for parameter problems).

export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

export const parameterError = (errors: Record<string, string>): PveError =>
  new PveError(400, 'Parameter verification failed.\n', errors);

export const configMissing = (node: string, vmid: number): PveError =>
  new PveError(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist\n`);

export const vmLocked = (lock: string): PveError => new PveError(500, `VM is locked (${lock})\n`);
