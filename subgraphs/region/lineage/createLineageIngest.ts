import { externalDatasetId, type DatasetRecord, type LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import { checkRunEvent } from './checkRunEvent.ts';
import { asJournalEntry, type LineageJournal } from './lineageJournal.ts';
import { resolveLineageLimits, type LineageLimits } from './lineageLimits.ts';
import type { LineageProducer, LineageProducers } from './lineageProducers.ts';
import { InvalidLineageEventsError, LineageLimitError, NamespaceNotGrantedError } from './lineageRefusals.ts';
import { runEventProblems, withProvenance, type OpenLineageDataset, type RunEvent } from './validateRunEvent.ts';

/** The most ingested lineage one dataset keeps: what a store that merges edges of several replicas must stay within. */
export interface IngestedLineageBounds {
  maxEdges: number;
  maxColumnInputFields: number;
}

/** What a store must offer for ingested lineage. */
export interface LineageTarget {
  readonly region: string;
  /** Every record the store holds now (to map OpenLineage names to catalogue ids). */
  records(): Promise<DatasetRecord[]>;
  /** Sets (or, for a store shared by replicas, merges within `bounds`) the ingested edges of `id`. */
  setIngestedLineage(id: string, edges: readonly LineageEdgeRecord[], bounds: IngestedLineageBounds): boolean | Promise<boolean>;
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

export interface ReplayOutcome {
  /** Journal entries taken again. */
  replayed: number;
  /** Entries refused now (by today's producers, names, caps and declared datasets), so not taken. */
  skipped: number;
  /** Why, for the first few skipped entries. */
  reasons: string[];
}

/** A run as the region saw it: its job and the states it reported last. */
export interface RunRecord {
  job: string;
  states: { eventType: string; eventTime: string }[];
}

export interface LineageIngestOptions {
  journal?: LineageJournal;
  /** The producers journaled events are checked against again at replay, by the name kept with each. @default none: nothing is replayed */
  producers?: LineageProducers;
  limits?: Partial<LineageLimits>;
}

export interface LineageIngest {
  /** Takes `events` from `producer`, all or none; a refusal throws a `LineageRefusal`. */
  ingest(events: readonly unknown[], producer: LineageProducer): Promise<IngestOutcome>;
  /** Takes again every journal entry that would be accepted today (at start-up). */
  replay(): Promise<ReplayOutcome>;
  runs(): ReadonlyMap<string, RunRecord>;
}

/** Per namespace, the region's datasets by the OpenLineage name they declare. */
type DeclaredNames = Map<string, Map<string, string>>;

/** What one request would change, computed before anything is changed. */
interface Plan {
  outcome: IngestOutcome;
  taken: RunEvent[];
  /** Keys of the events taken, to remember as seen. */
  keys: string[];
  states: { runId: string; job: string; eventType: string; eventTime: string }[];
  /** Per downstream id, its ingested edges after this request. */
  staged: Map<string, Map<string, LineageEdgeRecord>>;
}

const replayReasonsKept = 5;

/** Sets `key` last in `map`, forgetting the oldest entries past `max`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}

function declaredNames(records: readonly DatasetRecord[]): DeclaredNames {
  const declared: DeclaredNames = new Map();
  for (const record of records) {
    for (const { namespace, name } of record.identifiers) {
      let names = declared.get(namespace);
      if (!names) declared.set(namespace, (names = new Map()));
      names.set(name, record.id);
    }
  }
  return declared;
}

/** The dataset's own name and its symlinks: every name it may map by. */
function namesOf(dataset: OpenLineageDataset): { namespace: string; name: string }[] {
  return [{ namespace: dataset.namespace, name: dataset.name }, ...(dataset.facets?.symlinks?.identifiers ?? [])];
}

/**
 * Turns OpenLineage RunEvents into lineage edges of this region's datasets.
 *
 * A request is checked whole before anything is stored: against the
 * OpenLineage JSON Schema (only missing provenance fields are tolerated,
 * and counted), then names (length, control characters) and per-event caps,
 * then the producer's grants, then the per-dataset caps. COMPLETE events make
 * edges from every input to every output that is one of this region's
 * datasets; other event types are recorded on the run only.
 *
 * A dataset maps to a catalogue id only by a namespace and name one of the
 * region's datasets declares in `identifiers` (directly or through the
 * event's `symlinks`); anything else stays an external node
 * `ol:<namespace>/<name>`, and can never attach to a dataset by its name
 * alone. The same event twice is taken once.
 *
 * Requests are applied one at a time, so caps and repeats are judged against
 * everything taken before.
 */
export function createLineageIngest(target: LineageTarget, options: LineageIngestOptions = {}): LineageIngest {
  const { journal, producers } = options;
  const limits = resolveLineageLimits(options.limits);
  /** Keys of events taken, oldest first (bounded: `maxRememberedEvents`). */
  const seenEvents = new Map<string, true>();
  /** Runs by id, least recently reported first (bounded: `maxRememberedRuns`). */
  const runs = new Map<string, RunRecord>();
  /** Per downstream id: its ingested edges by upstream id (bounded per dataset by the caps). */
  const edgesByOutput = new Map<string, Map<string, LineageEdgeRecord>>();
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  function resolve(dataset: OpenLineageDataset, declared: DeclaredNames): string | undefined {
    for (const { namespace, name } of namesOf(dataset)) {
      const id = declared.get(namespace)?.get(name);
      if (id) return id;
    }
    return undefined;
  }

  /** The events, checked and with provenance filled; throws the first refusal. */
  function prepare(received: readonly unknown[], producer: LineageProducer, declared: DeclaredNames): { events: RunEvent[]; missingProvenance: number } {
    const prepared = received.map(withProvenance);
    const schemaProblems = prepared.map((entry, index) => ({ index, errors: runEventProblems(entry.event) })).filter((entry) => entry.errors.length > 0);
    if (schemaProblems.length > 0) throw new InvalidLineageEventsError(schemaProblems);
    const events = prepared.map((entry) => entry.event as RunEvent);
    const problems = events.map((event, index) => ({ index, errors: checkRunEvent(event, index, limits) })).filter((entry) => entry.errors.length > 0);
    if (problems.length > 0) throw new InvalidLineageEventsError(problems);
    events.forEach((event, index) => {
      // Outputs are what the producer writes; an input matters only where it would attach one of this region's datasets.
      for (const output of event.outputs ?? []) {
        for (const { namespace } of namesOf(output)) if (!producer.namespaces.has(namespace)) throw new NamespaceNotGrantedError(producer.name, namespace, index, 'output');
      }
      for (const input of event.inputs ?? []) {
        for (const { namespace } of namesOf(input)) {
          if (declared.has(namespace) && !producer.namespaces.has(namespace)) throw new NamespaceNotGrantedError(producer.name, namespace, index, 'input');
        }
      }
    });
    return { events, missingProvenance: prepared.reduce((sum, entry) => sum + entry.filled, 0) };
  }

  function plan(events: readonly RunEvent[], declared: DeclaredNames, missingProvenance: number): Plan {
    const outcome: IngestOutcome = { accepted: 0, duplicates: 0, edges: 0, unmappedOutputs: [], missingProvenance };
    const result: Plan = { outcome, taken: [], keys: [], states: [], staged: new Map() };
    const unmapped = new Set<string>();
    const keys = new Set<string>();
    for (const event of events) {
      const eventType = event.eventType ?? 'OTHER';
      const key = `${event.run.runId}|${eventType}|${event.eventTime}`;
      if (seenEvents.has(key) || keys.has(key)) {
        outcome.duplicates += 1;
        continue;
      }
      keys.add(key);
      outcome.accepted += 1;
      result.taken.push(event);
      result.states.push({ runId: event.run.runId, job: `${event.job.namespace}/${event.job.name}`, eventType, eventTime: event.eventTime });
      if (eventType !== 'COMPLETE') continue;
      for (const output of event.outputs ?? []) {
        const downstream = resolve(output, declared);
        if (!downstream) {
          unmapped.add(`${output.namespace}/${output.name}`);
          continue;
        }
        let edges = result.staged.get(downstream);
        if (!edges) result.staged.set(downstream, (edges = new Map(edgesByOutput.get(downstream))));
        // Read as entries, never looked up by name: a column may be called "__proto__".
        const columnFields = Object.entries(output.facets?.columnLineage?.fields ?? {});
        for (const input of event.inputs ?? []) {
          const upstream = resolve(input, declared) ?? externalDatasetId(input.namespace, input.name);
          if (upstream === downstream) continue;
          const columns = columnFields
            .map(([field, lineage]) => ({
              field,
              // Only the three names are kept: what else a producer attaches is not Wharf's to store.
              inputFields: (lineage.inputFields ?? [])
                .filter((source) => source.namespace === input.namespace && source.name === input.name)
                .map((source) => ({ namespace: source.namespace, name: source.name, field: source.field })),
            }))
            .filter((column) => column.inputFields.length > 0);
          edges.set(upstream, { upstream, job: event.job.name, runTime: event.eventTime, ...(columns.length > 0 ? { columns } : {}) });
        }
      }
    }
    result.keys = [...keys];
    outcome.unmappedOutputs = [...unmapped];
    for (const [id, edges] of result.staged) {
      if (edges.size > limits.maxEdgesPerDataset) {
        throw new LineageLimitError(
          'maxEdgesPerDataset',
          limits.maxEdgesPerDataset,
          `Dataset ${id} would have ${edges.size} ingested lineage edges; a region keeps at most ${limits.maxEdgesPerDataset} per dataset (maxEdgesPerDataset).`,
          400,
          { dataset: id },
        );
      }
      let inputFields = 0;
      for (const edge of edges.values()) for (const column of edge.columns ?? []) inputFields += column.inputFields.length;
      if (inputFields > limits.maxColumnInputFieldsPerDataset) {
        throw new LineageLimitError(
          'maxColumnInputFieldsPerDataset',
          limits.maxColumnInputFieldsPerDataset,
          `Dataset ${id} would have ${inputFields} column-lineage input fields; a region keeps at most ${limits.maxColumnInputFieldsPerDataset} per dataset (maxColumnInputFieldsPerDataset).`,
          400,
          { dataset: id },
        );
      }
    }
    return result;
  }

  function commit(plan: Plan): void {
    for (const key of plan.keys) remember(seenEvents, key, true, limits.maxRememberedEvents);
    for (const { runId, job, eventType, eventTime } of plan.states) {
      const run = runs.get(runId) ?? { job, states: [] };
      run.states.push({ eventType, eventTime });
      if (run.states.length > limits.maxStatesPerRun) run.states.splice(0, run.states.length - limits.maxStatesPerRun);
      remember(runs, runId, run, limits.maxRememberedRuns);
    }
    for (const [id, edges] of plan.staged) edgesByOutput.set(id, edges);
  }

  const bounds: IngestedLineageBounds = { maxEdges: limits.maxEdgesPerDataset, maxColumnInputFields: limits.maxColumnInputFieldsPerDataset };
  async function store(ids: Iterable<string>): Promise<number> {
    let count = 0;
    for (const id of ids) {
      const edges = [...edgesByOutput.get(id)!.values()].sort((a, b) => (a.upstream < b.upstream ? -1 : 1));
      await target.setIngestedLineage(id, edges, bounds);
      count += edges.length;
    }
    return count;
  }

  async function ingest(received: readonly unknown[], producer: LineageProducer): Promise<IngestOutcome> {
    if (received.length > limits.maxEventsPerRequest) {
      throw new LineageLimitError(
        'maxEventsPerRequest',
        limits.maxEventsPerRequest,
        `The request has ${received.length} events; a region takes at most ${limits.maxEventsPerRequest} at once (maxEventsPerRequest).`,
        413,
      );
    }
    const declared = declaredNames(await target.records());
    const { events, missingProvenance } = prepare(received, producer, declared);
    const planned = plan(events, declared, missingProvenance);
    // Journal first: an event is acknowledged only once it would survive a restart.
    if (journal && planned.taken.length > 0) await journal.append(planned.taken.map((event) => ({ producer: producer.name, event })));
    commit(planned);
    planned.outcome.edges = await store(planned.staged.keys());
    return planned.outcome;
  }

  async function replay(): Promise<ReplayOutcome> {
    const outcome: ReplayOutcome = { replayed: 0, skipped: 0, reasons: [] };
    if (!journal) return outcome;
    const entries = await journal.read();
    if (entries.length === 0) return outcome;
    const declared = declaredNames(await target.records());
    const touched = new Set<string>();
    const skip = (reason: string) => {
      outcome.skipped += 1;
      if (outcome.reasons.length < replayReasonsKept) outcome.reasons.push(reason);
    };
    // Entry by entry, as the requests were: one refused today leaves the others standing.
    for (const item of entries) {
      const entry = asJournalEntry(item);
      if (!entry) {
        skip('an entry without the producer that sent it, or not JSON');
        continue;
      }
      const producer = producers?.byName(entry.producer);
      if (!producer) {
        skip(`producer "${entry.producer.slice(0, 64)}" is not configured`);
        continue;
      }
      try {
        const { events, missingProvenance } = prepare([entry.event], producer, declared);
        const planned = plan(events, declared, missingProvenance);
        commit(planned);
        outcome.replayed += planned.outcome.accepted;
        for (const id of planned.staged.keys()) touched.add(id);
      } catch (error) {
        skip(error instanceof Error ? error.message : String(error));
      }
    }
    await store(touched);
    return outcome;
  }

  return {
    ingest: (events, producer) => oneAtATime(() => ingest(events, producer)),
    replay: () => oneAtATime(replay),
    runs: () => runs,
  };
}
