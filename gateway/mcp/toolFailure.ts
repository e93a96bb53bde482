import type { GatewayError, OperationResult } from './createOperationRunner.ts';

/**
 * Why a tool could not answer, in words a model can act on; the tool
 * answers it as a tool error (`isError`), never as a protocol failure. A
 * gateway refusal keeps the gateway's registered code and its message (both
 * masked and bounded by the gateway).
 */
export class ToolFailure extends Error {
  constructor(
    message: string,
    /** The gateway's error code, when the gateway refused. */
    readonly code?: string,
    /** No dataset by the id asked for that the caller may see. */
    readonly notFound = false,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }

  /** The text the tool answers with. */
  get text(): string {
    return this.code ? `${this.code}: ${this.message}` : this.message;
  }
}

/**
 * The answer for an id the caller may not see, the same whether the dataset
 * does not exist or is hidden from the caller: nothing here tells them apart.
 */
export function datasetNotFound(id: string): ToolFailure {
  return new ToolFailure(
    `No dataset "${id}" that you may see: it does not exist, or your credentials may not discover it. search_datasets lists the datasets you may see.`,
    undefined,
    true,
  );
}

/**
 * The operation's data, or the failure that stopped the whole request (an
 * expired token, a rate limit, a refused argument): its code, message and,
 * for a rate limit, when to try again.
 */
export function dataOf<Data>(result: OperationResult<Data>): Data {
  if (result.data) return result.data;
  const error = result.errors[0];
  if (!error) throw new ToolFailure(`The Wharf gateway answered HTTP ${result.status} without data or an error.`);
  const retry = result.retryAfter ? ` Retry after ${result.retryAfter} s.` : '';
  throw new ToolFailure(`${error.message}${retry}`, error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
}

/** Field errors the tools account for themselves: a distribution URL withheld because the caller may not read. */
const expected = (error: GatewayError) => error.extensions?.code === 'FORBIDDEN';

/**
 * What went wrong beside the data (a region that did not answer, so its
 * fields are missing), each once, at most five: the answer stays short, and
 * the model can say what is missing.
 */
export function notesOf(result: OperationResult<unknown>): string[] {
  const notes = new Set<string>();
  for (const error of result.errors) {
    if (expected(error)) continue;
    notes.add(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
    if (notes.size === 5) break;
  }
  return [...notes];
}

/** Notes as trailing lines of a text answer. */
export function notesText(notes: readonly string[]): string {
  return notes.length ? `\nNote: ${notes.join('\nNote: ')}` : '';
}
