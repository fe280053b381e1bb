import { describe, expect, it } from 'vitest';
import { parseReplication } from '../../../src/redis-facts.ts';

const INFO = [
  '# Replication',
  'role:master',
  'connected_slaves:2',
  'slave0:ip=10.0.0.2,port=6379,state=online,offset=5000,lag=0',
  'slave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0,lag=7',
  'master_failover_state:no-failover',
  'master_replid:8e2c',
  'master_repl_offset:5120',
  '',
].join('\r\n');

describe('parseReplication', () => {
  it('reads each replica, how far behind it is and whether it is in sync', () => {
    expect(parseReplication(INFO)).toEqual({
      role: 'master',
      offset: 5120,
      replicas: [
        { address: '10.0.0.2:6379', state: 'online', lagBytes: 120, lastAckSeconds: 0, inSync: true },
        { address: '10.0.0.3:6379', state: 'wait_bgsave', lagBytes: 5120, lastAckSeconds: 7, inSync: false },
      ],
    });
  });

  it('a primary without replicas has none in sync', () => {
    expect(parseReplication('role:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n').replicas).toEqual([]);
  });
});
