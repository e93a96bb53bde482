import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { freeLoopbackPort } from '../../subgraphs/shared/listen.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `redis-server` and `redis-cli` can be run here. */
export const redisBinariesPresent = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RedisCluster extends AsyncDisposable {
  /** `host:port` of every master. */
  nodes: string[];
  /** Kills one master's process (SIGKILL). */
  kill(node: string): void;
}

/**
 * A real Redis Cluster of `masters` masters and no replicas, each a
 * `redis-server` on a free loopback port with its files in a temporary
 * folder; disposing stops them and removes the folder.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-redis-cluster-'));
  const processes = new Map<string, ChildProcess>();
  const dispose = async () => {
    for (const child of processes.values()) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      const port = await freeLoopbackPort();
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '1000', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      processes.set(`127.0.0.1:${port}`, child);
    }
    const nodes = [...processes.keys()];
    for (const node of nodes) {
      const [, port] = node.split(':');
      for (let attempt = 0; spawnSync('redis-cli', ['-p', port!, 'ping']).stdout?.toString().trim() !== 'PONG'; attempt += 1) {
        if (attempt > 50) throw new Error(`redis-server on ${node} did not start`);
        await sleep(100);
      }
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr.toString() || create.stdout.toString()}`);
    const [, firstPort] = nodes[0]!.split(':');
    for (let attempt = 0; !spawnSync('redis-cli', ['-p', firstPort!, 'cluster', 'info']).stdout.toString().includes('cluster_state:ok'); attempt += 1) {
      if (attempt > 100) throw new Error('the Redis Cluster did not reach cluster_state:ok');
      await sleep(100);
    }
    return {
      nodes,
      kill(node) {
        processes.get(node)?.kill('SIGKILL');
      },
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
