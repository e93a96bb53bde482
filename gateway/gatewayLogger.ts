import { Logger, type LogLevel, type LogWriter } from '@graphql-hive/logger';
import { errorCodes } from '../schema/errorCodes.ts';

type Attributes = Parameters<LogWriter['write']>[1];

const levelOrder: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/**
 * Error codes that report an outcome the API promises, not a failure: a
 * denial, a missing or bad credential, a refused or malformed request, an id
 * no region publishes. The runtime logs every GraphQL error at `error`; these
 * are logged at `info`, so `error` is left for what an operator must look at.
 */
const expectedCodes = new Set<string>([
  ...Object.entries(errorCodes)
    .filter(([, entry]) => entry.httpStatus >= 400 && entry.httpStatus < 500)
    .map(([code]) => code),
  'FORBIDDEN',
  'UNKNOWN_REGION',
  'WRONG_REGION',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
]);
/** A region that did not answer: worth a warning, not an alarm (the answer still carries the others' data). */
const degradedCodes = new Set<string>(['REGION_UNAVAILABLE', 'REGION_ERROR']);

export interface GatewayLoggerOptions {
  /** Least level written; false writes nothing. @default 'warn' */
  level?: LogLevel | false;
  /**
   * `json`: one JSON object a line (for files and log collectors);
   * `text`: one readable line per entry, coloured only on a terminal.
   * @default json unless the output is a terminal
   */
  format?: 'json' | 'text';
  /** Where lines go. @default process.stderr */
  output?: { write(line: string): unknown; isTTY?: boolean };
}

/** What an entry's attributes say about the GraphQL error they carry, if any. */
function errorFields(attrs: Attributes): Record<string, unknown> {
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) return {};
  const record = attrs as Record<string, unknown>;
  const extensions = (record.extensions && typeof record.extensions === 'object' ? record.extensions : {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  if (typeof record.message === 'string') fields.error = record.message;
  if (Array.isArray(record.path)) fields.path = record.path.join('.');
  for (const name of ['code', 'region', 'serviceName', 'datasetId', 'requestId']) if (extensions[name] !== undefined) fields[name] = extensions[name];
  for (const [name, value] of Object.entries(record)) {
    if (['message', 'path', 'extensions', 'locations', 'stack', 'originalError', 'nodes', 'source', 'positions', 'name'].includes(name) || value === undefined) continue;
    fields[name] = value;
  }
  return fields;
}

/** The level an entry is written at: an expected outcome's error is `info`, a degraded region's `warn`. */
function levelOf(level: LogLevel, fields: Record<string, unknown>): LogLevel {
  if (level !== 'error' && level !== 'warn') return level;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (code && expectedCodes.has(code)) return 'info';
  if (code && degradedCodes.has(code)) return 'warn';
  return level;
}

const colours: Record<LogLevel, string> = { trace: '\u001b[90m', debug: '\u001b[90m', info: '\u001b[36m', warn: '\u001b[33m', error: '\u001b[31m' };

/** A value in a text line: bare when it has no space or quote, else JSON-quoted. */
const textValue = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
};

/**
 * The gateway's log writer: one line per entry, never a multi-line block,
 * JSON when the output is not a terminal (never a colour code in a file),
 * and the runtime's GraphQL errors leveled by their code.
 */
export class GatewayLogWriter implements LogWriter {
  readonly #level: LogLevel | false;
  readonly #format: 'json' | 'text';
  readonly #output: { write(line: string): unknown; isTTY?: boolean };
  readonly #colour: boolean;

  constructor(options: GatewayLoggerOptions = {}) {
    this.#level = options.level ?? 'warn';
    this.#output = options.output ?? process.stderr;
    this.#format = options.format ?? (this.#output.isTTY ? 'text' : 'json');
    this.#colour = this.#format === 'text' && this.#output.isTTY === true && !process.env.NO_COLOR;
  }

  write(level: LogLevel, attrs: Attributes, msg: string | null | undefined): void {
    const fields = errorFields(attrs);
    const written = levelOf(level, fields);
    if (this.#level === false || levelOrder[written] < levelOrder[this.#level]) return;
    const message = msg ?? (typeof fields.error === 'string' ? fields.error : '');
    if (message === fields.error) delete fields.error;
    const time = new Date().toISOString();
    if (this.#format === 'json') {
      this.#output.write(`${JSON.stringify({ time, level: written, msg: message, ...fields })}\n`);
      return;
    }
    const tag = written.toUpperCase().padEnd(5);
    const pairs = Object.entries(fields).map(([name, value]) => `${name}=${textValue(value)}`);
    const line = `${time} ${this.#colour ? `${colours[written]}${tag}\u001b[0m` : tag} ${message.replace(/\s*\n\s*/g, ' ')}${pairs.length ? `  ${pairs.join(' ')}` : ''}`;
    this.#output.write(`${line}\n`);
  }
}

/**
 * The logger the gateway runtime (and Wharf's own plugins) write through:
 * see `GatewayLogWriter`. The runtime filters by the same level before the
 * writer, which then lowers expected outcomes (and drops them under `warn`).
 */
export function createGatewayLogger(options: GatewayLoggerOptions = {}): Logger {
  const level = options.level ?? 'warn';
  // The runtime must hand the writer its errors even when they will be written at `info`.
  const passLevel: LogLevel | false = level === false ? false : levelOrder[level] > levelOrder.info ? 'info' : level;
  return new Logger({ level: passLevel, writers: [new GatewayLogWriter({ ...options, level })] });
}
