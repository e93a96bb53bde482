import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const auditScript = fileURLToPath(new URL('../../bench/audit.sh', import.meta.url));

/** Runs bench/audit.sh as `npm run audit` does, with only the given audit settings in its environment. */
function runAudit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('WHARF_AUDIT_')));
  return new Promise((resolve) => {
    execFile('bash', [auditScript, ...args], { env: { ...inherited, ...env } }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stderr });
    });
  });
}

/** A port nothing listens on as it returns. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function expectWhereToGetTheSuite(stderr: string): void {
  expect(stderr).toContain('git clone https://github.com/graphql-hive/federation-gateway-audit');
  expect(stderr).toContain('checkout f59c05e');
  expect(stderr).toContain('npm run audit -- /path/to/federation-gateway-audit');
  expect(stderr).toContain('WHARF_AUDIT_SUITE=/path/to/federation-gateway-audit npm run audit');
}

describe('npm run audit without the audit suite', () => {
  it('says where to get the suite and how to run it, and exits 2, when none is given', async () => {
    const result = await runAudit([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no audit suite given');
    expectWhereToGetTheSuite(result.stderr);
  });

  it('names a folder that does not exist, from the argument or WHARF_AUDIT_SUITE', async () => {
    const missing = join(tmpdir(), 'wharf-no-such-audit-suite');
    for (const result of [await runAudit([missing]), await runAudit([], { WHARF_AUDIT_SUITE: missing })]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`the audit suite folder '${missing}' does not exist`);
      expectWhereToGetTheSuite(result.stderr);
    }
  });

  it('refuses a folder that is not the suite', async () => {
    const result = await runAudit([fileURLToPath(new URL('../fixtures', import.meta.url))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a checkout of federation-gateway-audit');
    expectWhereToGetTheSuite(result.stderr);
  });
});

describe('npm run audit with a suite', () => {
  it('refuses to start while the gateway port is taken, since the audit kills whatever listens there', async () => {
    const suite = await mkdtemp(join(tmpdir(), 'wharf-audit-suite-'));
    onTestFinished(() => rm(suite, { recursive: true, force: true }));
    await mkdir(join(suite, 'src'));
    await writeFile(join(suite, 'package.json'), '{\n  "name": "@graphql-hive/federation-gateway-audit"\n}\n');
    await writeFile(join(suite, 'src', 'cli.ts'), '');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const result = await runAudit([suite], {
      WHARF_AUDIT_PORT: String(await freePort()),
      WHARF_AUDIT_GATEWAY_PORT: String(port),
      WHARF_AUDIT_WORK_DIR: join(suite, 'work'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} is in use`);
  });
});
