// The Directory port over Slack: which of the configured user groups (operators and approvers
// lists) a user belongs to, from `usergroups.users.list`, cached in Redis for at most 5 minutes
// so every bot replica shares one answer and a removal from a group counts within 5 minutes.
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Directory } from '../core/ports.ts';

export interface SlackDirectoryOptions {
  client: WebClient;
  redis: Redis;
  prefix: string;
  /** Every user-group id (S…) named in `slack.operators` and `slack.approvers`. */
  groups: readonly string[];
  ttlSeconds?: number;
}

export const MAX_GROUP_CACHE_SECONDS = 300;

export function createSlackDirectory({
  client,
  redis,
  prefix,
  groups,
  ttlSeconds = MAX_GROUP_CACHE_SECONDS,
}: SlackDirectoryOptions): Directory {
  const ttl = Math.min(ttlSeconds, MAX_GROUP_CACHE_SECONDS);
  const key = (group: string) => `${prefix}:slack:group-members:${group}`;

  async function membersOf(group: string): Promise<string[]> {
    const cached = await redis.get(key(group));
    if (cached !== null) return JSON.parse(cached) as string[];
    const answer = await client.usergroups.users
      .list({ usergroup: group })
      .catch((error: { data?: { error?: string } }) => {
        // A group that was deleted has no members; anything else (Slack down, missing scope) is a failure.
        if (error.data?.error === 'no_such_subteam') return { users: [] as string[] };
        throw error;
      });
    const users = answer.users ?? [];
    await redis.set(key(group), JSON.stringify(users), 'EX', ttl);
    return users;
  }

  return {
    async groupsOf(userId) {
      const wanted = [...new Set(groups.filter((id) => id.startsWith('S')))];
      const members = await Promise.all(wanted.map(membersOf));
      return wanted.filter((_, i) => members[i]!.includes(userId));
    },
  };
}
