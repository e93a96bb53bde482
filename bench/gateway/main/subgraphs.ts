/**
 * Child process: the four ported benchmark subgraphs on one port.
 * `node --import tsx bench/gateway/main/subgraphs.ts [--port N] [--delay-ms N]`
 * prints `subgraphs at <origin>` when ready.
 */
import { parseArgs } from 'node:util';
import { serveBenchmarkSubgraphs } from '../benchmarkSubgraphs.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'delay-ms': { type: 'string', default: '0' } } });
const subgraphs = await serveBenchmarkSubgraphs({ port: Number(values.port), delayMs: Number(values['delay-ms']) });
console.log(`subgraphs at ${subgraphs.origin}`);
const stop = () => void Promise.resolve(subgraphs[Symbol.asyncDispose]()).finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
