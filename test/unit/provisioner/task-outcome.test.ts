// What a finished Proxmox task's status and log mean: WARNINGS: N is success, and each WARN:
// entry of the log (with its continuation lines) is one warning.
import { describe, expect, it } from 'vitest';
import { WARNED, warningLines } from '../../../src/provisioner/proxmox/task-outcome.ts';

describe('task outcome', () => {
  it('takes WARNINGS: N as a warned success and nothing else', () => {
    expect(['WARNINGS: 1', 'WARNINGS: 12'].every((s) => WARNED.test(s))).toBe(true);
    expect(['OK', 'WARNINGS', 'WARNINGS: x', "can't lock file", 'warnings: 1'].some((s) => WARNED.test(s))).toBe(false);
  });

  it('groups each WARN: line with the lines that continue it, and stops at the TASK line', () => {
    const log = [
      'generating cloud-init ISO',
      "WARN: EFI disk without 'ms-cert=2023k' option, suggesting that not all UEFI 2023",
      'certificates from Microsoft are enrolled yet.',
      'WARN: netdev net0: MTU 9000 is larger than the bridge MTU 1500',
      'TASK WARNINGS: 2',
      'WARN: after the end',
    ];
    expect(warningLines(log)).toEqual([
      "EFI disk without 'ms-cert=2023k' option, suggesting that not all UEFI 2023\ncertificates from Microsoft are enrolled yet.",
      'netdev net0: MTU 9000 is larger than the bridge MTU 1500',
    ]);
    expect(warningLines(['starting', 'TASK OK'])).toEqual([]);
  });
});
