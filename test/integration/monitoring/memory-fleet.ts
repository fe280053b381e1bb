// The Fleet port kept in memory, for tests that only need a fleet to list.
import type { Fleet, FleetEntry } from '../../../src/core/ports.ts';

export class MemoryFleet implements Fleet {
  private readonly entries = new Map<string, FleetEntry>();

  async upsert(entry: FleetEntry): Promise<void> {
    this.entries.set(entry.name, entry);
  }

  async remove(name: string): Promise<void> {
    this.entries.delete(name);
  }

  async list(): Promise<FleetEntry[]> {
    return [...this.entries.values()];
  }

  async get(name: string): Promise<FleetEntry | null> {
    return this.entries.get(name) ?? null;
  }
}
