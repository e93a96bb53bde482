import type { z } from 'zod';
import type { RunOperation } from './createOperationRunner.ts';

/** What every tool runs with: the caller's way to the gateway, and nothing else. */
export interface ToolContext {
  /** Runs one of the fixed operations as the caller. */
  run: RunOperation;
  /** The catalogue page of a dataset, for a person to open. */
  datasetPageUrl(id: string): string;
}

/** A tool's answer: a short text for the model, and the same as structured content. */
export interface ToolAnswer<Structured> {
  text: string;
  structured: Structured;
}

/**
 * One MCP tool: its input and output schemas (published to clients, and
 * checked by the SDK: input before `run`, output after), and what it does.
 * `run` throws `ToolFailure` for anything the caller should read; anything
 * else it throws is masked.
 */
export interface ToolDefinition<Input extends z.ZodRawShape = z.ZodRawShape, Output extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output: Output;
  run(args: z.infer<z.ZodObject<Input>>, context: ToolContext): Promise<ToolAnswer<z.infer<z.ZodObject<Output>>>>;
}

/** Checks a tool's types once, where it is written: `run` must answer what `output` declares. */
export function defineTool<Input extends z.ZodRawShape, Output extends z.ZodRawShape>(tool: ToolDefinition<Input, Output>): ToolDefinition<Input, Output> {
  return tool;
}
