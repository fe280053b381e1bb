import { describe, expect, it } from 'vitest';
import { net0OnBridge } from '../../../src/app/steps/vm-configure.ts';

describe('net0OnBridge', () => {
  it.each([
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'vmbr0', null],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'vmbr1', 'virtio=BC:24:11:00:00:01,bridge=vmbr1'],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1', 'vmbr2', 'virtio=BC:24:11:00:00:01,bridge=vmbr2,firewall=1'],
    ['virtio=BC:24:11:00:00:01', 'vmbr0', 'virtio=BC:24:11:00:00:01,bridge=vmbr0'],
    [undefined, 'vmbr0', 'virtio,bridge=vmbr0'],
  ])('%s on %s -> %s', (net0, bridge, expected) => {
    expect(net0OnBridge(net0, bridge)).toBe(expected);
  });
});
