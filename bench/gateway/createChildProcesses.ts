import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoIdentityEnv } from '../../gateway/demo/demoIdentity.ts';
import { benchMetricsToken } from './readCacheCounters.ts';

const exitWithParent = fileURLToPath(new URL('./exitWithParent.mjs', import.meta.url));
/** The repository root: children run from there. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let clockTicksPerS: number | undefined;
function ticksPerS(): number {
  if (clockTicksPerS === undefined) {
    try {
      clockTicksPerS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerS = 100;
    }
  }
  return clockTicksPerS;
}

/** CPU seconds (user + system) `pid` has used so far, from /proc; NaN where /proc is missing. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerS();
  } catch {
    return Number.NaN;
  }
}

/** The benchmark's environment with `overrides` applied; an undefined value removes the variable. */
function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // Every gateway and subgraph runs as deployed: `wharf` defaults to production mode, so the others do too.
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', ...process.env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** The stdout line that matched `ready`, with its match. */
  readonly ready: RegExpExecArray;
  cpuSeconds(): number;
  /** Sends a signal to this child only (SIGSTOP / SIGCONT for a hung server). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Shown in errors and tables. */
  name: string;
  command: string;
  args: readonly string[];
  /** Set or, with undefined, remove environment variables. */
  env?: Record<string, string | undefined>;
  /** A stdout line matching this means the child is ready. */
  ready: RegExp;
  /** @default 60000 */
  readyTimeoutMs?: number;
  /** A Node child gets the preload that ends it with the benchmark. @default true */
  node?: boolean;
  /** `taskset -c <cpus>` (for example `1`) when set. */
  cpus?: string;
}

/**
 * A `wharf gateway --regions` child on a free port, trusting the demo issuer
 * and registry, logging errors only; ready once it has harvested and listens
 * (its GraphQL URL is `ready[1]`).
 */
export function regionsGatewaySpawn(options: {
  name: string;
  regionListFile: string;
  signingKeyFile: string;
  env: Record<string, string | undefined>;
  cpus?: string;
}): SpawnOptions {
  return {
    name: options.name,
    command: process.execPath,
    args: ['bin/wharf.mjs', 'gateway', '--regions', options.regionListFile, '--signing-key', options.signingKeyFile, '--port', '0'],
    env: { ...demoIdentityEnv, WHARF_LOG_LEVEL: 'error', WHARF_METRICS_TOKEN: benchMetricsToken, ...options.env },
    ready: /^Wharf gateway at (\S+)/,
    readyTimeoutMs: 120_000,
    ...(options.cpus ? { cpus: options.cpus } : {}),
  };
}

export interface ChildProcesses {
  /** Starts a child and resolves once it printed its ready line; rejects with its output if it exits or times out first. */
  spawn(options: SpawnOptions): Promise<Child>;
  /** Stops every child still running, the last started first. */
  stopAll(): Promise<void>;
}

/**
 * Every process the benchmark starts, stopped together: on success, on
 * failure, and on SIGINT / SIGTERM (which then exit 130 / 143). Node
 * children also end when the benchmark's process dies (exitWithParent.mjs).
 */
export function createChildProcesses(): ChildProcesses {
  const running = new Set<{ child: ChildProcess; stop: () => Promise<void> }>();
  const stopAll = async () => {
    for (const entry of [...running].reverse()) await entry.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping every process the benchmark started…\n`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Last resort when the benchmark exits without stopping them.
  process.once('exit', () => {
    for (const { child } of running) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });

  return {
    stopAll,
    spawn(options) {
      const node = options.node ?? true;
      let command = options.command;
      let args = node ? ['--import', exitWithParent, ...options.args] : [...options.args];
      if (options.cpus) {
        args = ['-c', options.cpus, command, ...args];
        command = 'taskset';
      }
      const child = spawn(command, args, {
        cwd: repoRoot,
        env: childEnv(options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
      };
      child.stderr!.on('data', keep);
      let exited = false;
      const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
      const entry = {
        child,
        async stop() {
          running.delete(entry);
          if (exited) return;
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const killed = await Promise.race([exit.then(() => true), sleep(5000).then(() => false)]);
          if (!killed) {
            child.kill('SIGKILL');
            await exit;
          }
        },
      };
      running.add(entry);
      return new Promise<Child>((resolve, reject) => {
        let stdout = '';
        let settled = false;
        const timer = setTimeout(() => fail(`did not get ready within ${options.readyTimeoutMs ?? 60000} ms`), options.readyTimeoutMs ?? 60000);
        const fail = (why: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          void entry.stop().then(() => reject(new Error(`${options.name} ${why}. Its last output:\n${output}`)));
        };
        child.once('error', (error) => fail(`could not start (${error.message})`));
        child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
        const onData = (chunk: Buffer) => {
          keep(chunk);
          stdout += chunk.toString('utf8');
          for (const line of stdout.split('\n')) {
            const match = options.ready.exec(line);
            if (!match) continue;
            settled = true;
            clearTimeout(timer);
            child.stdout!.off('data', onData);
            child.stdout!.on('data', keep);
            resolve({
              name: options.name,
              pid: child.pid!,
              ready: match,
              cpuSeconds: () => cpuSecondsOf(child.pid!),
              signal: (signal) => void child.kill(signal),
              stop: () => entry.stop(),
            });
            return;
          }
        };
        child.stdout!.on('data', onData);
      });
    },
  };
}
