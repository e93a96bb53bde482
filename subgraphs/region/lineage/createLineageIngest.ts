import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { externalDatasetId, type DatasetRecord, type LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import { runEventProblems, withProvenance, type OpenLineageDataset, type RunEvent } from './validateRunEvent.ts';

/** What a store must offer for ingested lineage. */
export interface LineageTarget {
  readonly region: string;
  /** Every record the store holds now (to map OpenLineage names to catalogue ids). */
  records(): Promise<DatasetRecord[]>;
  setIngestedLineage(id: string, edges: readonly LineageEdgeRecord[]): boolean | Promise<boolean>;
}

/** Where accepted events are kept so they are taken again after a restart. */
export interface LineageJournal {
  /** Keeps `events` after every event already kept; resolves once they would survive a crash. */
  append(events: readonly unknown[]): Promise<void>;
  /** Every event kept, oldest first. */
  read(): Promise<unknown[]>;
}

/** A journal in a JSON Lines file, one event per line. */
export function createFileJournal(path: string): LineageJournal {
  return {
    async append(events) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    },
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
    },
  };
}

export interface IngestOutcome {
  /** Events taken (new), and repeats of events already taken. */
  accepted: number;
  duplicates: number;
  /** Edges that now exist because of these events. */
  edges: number;
  /** Outputs that name no dataset of this region: no edge was made for them. */
  unmappedOutputs: string[];
  /** Provenance fields (`producer`, `schemaURL`, facets' `_producer`/`_schemaURL`) the events left out. */
  missingProvenance: number;
}

export class InvalidLineageEventsError extends Error {
  constructor(readonly problems: { index: number; errors: string[] }[]) {
    super(`${problems.length} event(s) are not valid OpenLineage RunEvents; nothing was stored.`);
    this.name = 'InvalidLineageEventsError';
  }
}

/** A run as the region saw it: its job and every state it reported. */
export interface RunRecord {
  job: string;
  states: { eventType: string; eventTime: string }[];
}

/**
 * Turns OpenLineage RunEvents into lineage edges of this region's datasets.
 * A batch is validated whole first against the OpenLineage JSON Schema (any
 * invalid event: nothing stored); only missing provenance fields are
 * tolerated, and counted.
 * COMPLETE events make edges from every input to every output that is one of
 * this region's datasets; other event types are recorded on the run only.
 * Datasets map to catalogue ids by the identifiers a dataset declares, by
 * `symlinks`, or by name equal to the dataset's identifier; an unmapped input
 * stays an external node `ol:<namespace>/<name>`. The same event twice is
 * taken once.
 */
export function createLineageIngest(target: LineageTarget, options: { journalPath?: string; journal?: LineageJournal } = {}) {
  const journal = options.journal ?? (options.journalPath ? createFileJournal(options.journalPath) : undefined);
  const seenEvents = new Set<string>();
  const runs = new Map<string, RunRecord>();
  /** Per downstream id: its ingested edges by upstream id. */
  const edgesByOutput = new Map<string, Map<string, LineageEdgeRecord>>();

  function nameIndex(records: DatasetRecord[]): Map<string, string> {
    const byName = new Map<string, string>();
    for (const record of records) {
      byName.set(`*/${record.identifier}`, record.id);
      for (const identifier of record.identifiers) byName.set(`${identifier.namespace}/${identifier.name}`, record.id);
    }
    return byName;
  }

  function resolve(dataset: OpenLineageDataset, byName: Map<string, string>): string | undefined {
    const candidates = [{ namespace: dataset.namespace, name: dataset.name }, ...(dataset.facets?.symlinks?.identifiers ?? [])];
    for (const candidate of candidates) {
      const id = byName.get(`${candidate.namespace}/${candidate.name}`) ?? byName.get(`*/${candidate.name}`);
      if (id) return id;
    }
    return undefined;
  }

  async function ingest(received: unknown[], replaying = false): Promise<IngestOutcome> {
    const prepared = received.map(withProvenance);
    const events = prepared.map((entry) => entry.event);
    const problems = events.map((event, index) => ({ index, errors: runEventProblems(event) })).filter((entry) => entry.errors.length > 0);
    if (problems.length > 0) throw new InvalidLineageEventsError(problems);
    const byName = nameIndex(await target.records());
    const missingProvenance = prepared.reduce((sum, entry) => sum + entry.filled, 0);
    const outcome: IngestOutcome = { accepted: 0, duplicates: 0, edges: 0, unmappedOutputs: [], missingProvenance };
    const touched = new Set<string>();
    const taken: unknown[] = [];
    for (const raw of events as RunEvent[]) {
      const eventType = raw.eventType ?? 'OTHER';
      const key = `${raw.run.runId}|${eventType}|${raw.eventTime}`;
      if (seenEvents.has(key)) {
        outcome.duplicates += 1;
        continue;
      }
      seenEvents.add(key);
      outcome.accepted += 1;
      taken.push(raw);
      const job = `${raw.job.namespace}/${raw.job.name}`;
      const run = runs.get(raw.run.runId) ?? { job, states: [] };
      run.states.push({ eventType, eventTime: raw.eventTime });
      runs.set(raw.run.runId, run);
      if (eventType !== 'COMPLETE') continue;
      for (const output of raw.outputs ?? []) {
        const downstream = resolve(output, byName);
        if (!downstream) {
          outcome.unmappedOutputs.push(`${output.namespace}/${output.name}`);
          continue;
        }
        let edges = edgesByOutput.get(downstream);
        if (!edges) edgesByOutput.set(downstream, (edges = new Map()));
        const columnFields = output.facets?.columnLineage?.fields ?? {};
        for (const input of raw.inputs ?? []) {
          const upstream = resolve(input, byName) ?? externalDatasetId(input.namespace, input.name);
          if (upstream === downstream) continue;
          const columns = Object.entries(columnFields)
            .map(([field, lineage]) => ({
              field,
              inputFields: (lineage.inputFields ?? []).filter((source) => source.namespace === input.namespace && source.name === input.name),
            }))
            .filter((column) => column.inputFields.length > 0);
          edges.set(upstream, { upstream, job: raw.job.name, runTime: raw.eventTime, ...(columns.length > 0 ? { columns } : {}) });
          touched.add(downstream);
        }
      }
    }
    // Journal first: an event is acknowledged only once it would survive a restart.
    if (journal && !replaying && taken.length > 0) await journal.append(taken);
    for (const id of touched) {
      const edges = [...edgesByOutput.get(id)!.values()].sort((a, b) => (a.upstream < b.upstream ? -1 : 1));
      await target.setIngestedLineage(id, edges);
      outcome.edges += edges.length;
    }
    return outcome;
  }

  /** Takes again every event of the journal (at start-up). */
  async function replay(): Promise<number> {
    if (!journal) return 0;
    const events = await journal.read();
    return events.length === 0 ? 0 : (await ingest(events, true)).accepted;
  }

  return { ingest: (events: unknown[]) => ingest(events), replay, runs: (): ReadonlyMap<string, RunRecord> => runs };
}
