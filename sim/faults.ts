// Fault injection shared by the simulators: per endpoint, an error rate, added latency and
// dropped connections. A simulator calls `faults.apply(key, res)` before handling a request.
import type { ServerResponse } from 'node:http';

export interface FaultRule {
  /** Fraction of requests answered with `status` (default 503). */
  errorRate?: number;
  status?: number;
  body?: unknown;
  /** Milliseconds added before the request is handled. */
  latencyMs?: number;
  /** Fraction of requests whose connection is destroyed without an answer. */
  dropRate?: number;
  /**
   * Fraction of requests that are carried out in full and whose answer is then lost (the
   * connection destroyed): the client cannot tell whether it happened. Such a rule applies only
   * after the request was handled (`answerLost`), never before it.
   */
  lostAnswerRate?: number;
  /** Only the next N matching requests are affected (then the rule is removed). */
  times?: number;
}

export class Faults {
  private readonly rules = new Map<string, FaultRule>();
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** `key` is matched as a prefix of "METHOD /path" ("" matches every request). */
  set(key: string, rule: FaultRule): void {
    this.rules.set(key, { ...rule });
  }

  clear(key?: string): void {
    if (key === undefined) this.rules.clear();
    else this.rules.delete(key);
  }

  /** Returns true when the fault answered (or dropped) the request and the handler must stop. */
  async apply(request: string, res: ServerResponse): Promise<boolean> {
    for (const [key, rule] of this.rules) {
      if (!request.startsWith(key) || rule.lostAnswerRate !== undefined) continue;
      if (rule.times !== undefined && --rule.times <= 0) this.rules.delete(key);
      if (rule.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs));
      if (rule.dropRate && this.random() < rule.dropRate) {
        res.socket?.destroy();
        return true;
      }
      if (rule.errorRate && this.random() < rule.errorRate) {
        res.writeHead(rule.status ?? 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rule.body ?? { errors: 'injected fault' }));
        return true;
      }
    }
    return false;
  }

  /** After the request was handled: true when its answer must be lost (the caller destroys the connection). */
  answerLost(request: string): boolean {
    for (const [key, rule] of this.rules) {
      if (!request.startsWith(key) || rule.lostAnswerRate === undefined) continue;
      if (rule.times !== undefined && --rule.times <= 0) this.rules.delete(key);
      if (this.random() < rule.lostAnswerRate) return true;
    }
    return false;
  }
}
