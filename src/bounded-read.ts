// Reading a file named by the operator (the config, a *_FILE secret, the SSH key) without trusting
// it to be small or a file: /dev/zero or a FIFO would grow or hang the process, a 300 MB file would
// be kept whole. Only regular files up to a limit are read; anything else is refused with a code.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Far above any config file, token or SSH key. */
export const MAX_READ_BYTES = 1024 * 1024;

const refused = (path: string, code: string) => Object.assign(new Error(`${path}: ${code}`), { code });

export function readBoundedFile(path: string, maxBytes = MAX_READ_BYTES): string {
  // O_NONBLOCK: opening a FIFO nobody writes to would otherwise wait forever.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refused(path, 'not a regular file');
    if (stat.size > maxBytes) throw refused(path, `larger than ${maxBytes} bytes`);
    const buffer = Buffer.alloc(maxBytes + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > maxBytes) throw refused(path, `larger than ${maxBytes} bytes`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
