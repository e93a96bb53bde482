import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseBoundedJson } from '../../shared/parseBoundedJson.ts';

/** An accepted event, with the producer that sent it (so replay checks that producer's grants as they are then). */
export interface JournalEntry {
  producer: string;
  event: unknown;
}

/** Where accepted events are kept so they are taken again after a restart. */
export interface LineageJournal {
  /** Keeps `entries` after every entry already kept; resolves once they would survive a crash. */
  append(entries: readonly JournalEntry[]): Promise<void>;
  /**
   * Everything kept, oldest first, as stored: replay checks each item again
   * (an older journal's bare events, or an unreadable line, are refused then).
   */
  read(): Promise<unknown[]>;
}

/** Marks a journal line that is not JSON, or nested past the bound, so replay refuses it without stopping the region. */
export const unreadableJournalLine = Symbol('unreadable journal line');

/** A journal in a JSON Lines file, one entry per line. */
export function createFileJournal(path: string, maxJsonDepth?: number): LineageJournal {
  return {
    async append(entries) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    },
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          try {
            return parseBoundedJson(line, maxJsonDepth);
          } catch {
            return unreadableJournalLine;
          }
        });
    },
  };
}

/** `item` as a journal entry, or undefined when it is not one (an event journaled without its producer, say). */
export function asJournalEntry(item: unknown): JournalEntry | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const { producer, event } = item as Record<string, unknown>;
  return typeof producer === 'string' && typeof event === 'object' && event !== null && !Array.isArray(event) ? { producer, event } : undefined;
}
