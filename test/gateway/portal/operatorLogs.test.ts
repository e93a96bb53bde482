import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { busyPortHint } from '../../../bin/cli.ts';
import { GatewayLogWriter } from '../../../gateway/gatewayLogger.ts';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';
import { runWharf } from '../../support/runWharf.ts';

/** An output that keeps what is written to it, as a file would (not a terminal). */
function fileOutput() {
  const lines: string[] = [];
  return { lines, output: { write: (line: string) => lines.push(line), isTTY: false } };
}

describe('gateway logs', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ logging: 'info' });
    // Hanoi's air quality becomes internal: an anonymous page view is a documented denial.
    const { readFile, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const path = join(wharf.regions.get('VN')!.folder, 'hanoi-air-quality.yaml');
    await writeFile(path, `${await readFile(path, 'utf8')}access: { tier: internal }\n`);
    await wharf.wharf.catalogue.harvester.harvest('VN');
  });
  afterAll(() => wharf?.[Symbol.asyncDispose]());

  it('writes an expected denial at info, as one JSON line with no colour code, when the output is a file', async () => {
    // The test runner's stderr is a pipe, as a file or a log collector would be.
    expect(process.stderr.isTTY).toBeFalsy();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    try {
      expect((await fetch(`${wharf.wharf.origin}/datasets/VN%3Ahanoi-air-quality`)).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1 && !line.includes('\u001b'))).toBe(true);
    expect(entries.filter((entry) => entry.code === 'FORBIDDEN').map(({ time: _time, ...entry }) => entry)).toEqual(
      ['accessUrl', 'downloadUrl'].map((field) => ({
        level: 'info',
        msg: 'You may not read VN:hanoi-air-quality; ask Dataset.access for what is missing.',
        path: `dataset.distributions.0.${field}`,
        code: 'FORBIDDEN',
        region: 'VN',
        serviceName: 'regions',
        datasetId: 'VN:hanoi-air-quality',
      })),
    );
    expect(entries.some((entry) => entry.level === 'error')).toBe(false);
  });

  it('leaves expected outcomes out under warn, and writes a failure at error', () => {
    const quiet = fileOutput();
    const writer = new GatewayLogWriter({ level: 'warn', output: quiet.output });
    writer.write('error', { message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }, null);
    writer.write('error', { message: 'Bad id.', extensions: { code: 'BAD_USER_INPUT' } }, null);
    writer.write('error', { message: 'Region VN did not answer within 5000 ms.', extensions: { code: 'REGION_UNAVAILABLE', region: 'VN' } }, null);
    writer.write('error', { message: 'Cannot read properties of undefined', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' } }, null);
    expect(quiet.lines.map((line) => { const { time: _time, ...entry } = JSON.parse(line) as Record<string, unknown>; return entry; })).toEqual([
      { level: 'warn', msg: 'Region VN did not answer within 5000 ms.', code: 'REGION_UNAVAILABLE', region: 'VN' },
      { level: 'error', msg: 'Cannot read properties of undefined', code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' },
    ]);
  });

  it('writes one readable line per entry on a terminal', () => {
    const lines: string[] = [];
    const writer = new GatewayLogWriter({ level: 'info', format: 'text', output: { write: (line: string) => lines.push(line), isTTY: false } });
    writer.write('error', { message: 'You may not read VN:x;\nask Dataset.access.', path: ['dataset', 'distributions', 0, 'accessUrl'], extensions: { code: 'FORBIDDEN', region: 'VN' } }, null);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z INFO  You may not read VN:x; ask Dataset\.access\.  path=dataset\.distributions\.0\.accessUrl code=FORBIDDEN region=VN\n$/);
  });
});

describe('a busy port', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => holder.close(resolve)));

  it('names the flag that moves a region subgraph, and exits 1', async () => {
    const region = fileURLToPath(new URL('../../fixtures/regions/MO', import.meta.url));
    const result = await runWharf('subgraph', '--region', 'MO', '--data', region, '--port', String(port), '--host', '127.0.0.1');
    expect([result.code, result.stderr.trim()]).toEqual([1, `Port ${port} on 127.0.0.1 is already in use by another process. Start it with --port <another port> (--port 0 picks a free one), or stop the process that holds ${port}.`]);
  });

  it('names WHARF_PORT or WHARF_REGION_PORT_BASE for the demo, whichever holds the port', () => {
    const saved = { port: process.env.WHARF_PORT, base: process.env.WHARF_REGION_PORT_BASE };
    try {
      process.env.WHARF_PORT = '4100';
      process.env.WHARF_REGION_PORT_BASE = '4101';
      expect(busyPortHint('demo', 4100)).toBe(' Set WHARF_PORT to a free port for the gateway (WHARF_PORT=0 picks one), or stop the process that holds 4100.');
      expect(busyPortHint('demo', 4103)).toBe(' The demo regions listen on WHARF_REGION_PORT_BASE (4101) and the next ports: set WHARF_REGION_PORT_BASE to a free range (0 picks free ports), or stop the process that holds 4103.');
    } finally {
      for (const [name, value] of [['WHARF_PORT', saved.port], ['WHARF_REGION_PORT_BASE', saved.base]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
