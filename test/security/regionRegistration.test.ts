import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegionRegistry, RegionHostNotAllowedError } from '../../gateway/createRegionRegistry.ts';
import { ConfigError, loadConfig } from '../../gateway/loadConfig.ts';
import { readRegionFile } from '../../gateway/readRegionEntries.ts';
import { formatVersion, pinnedContract } from '../../schema/regionContract.ts';
import { startContractServer, startFixtureWharf, startHungServer, unusedLoopbackUrl, type FixtureWharf } from '../support/fixtureRegions.ts';

const adminToken = 'admin-token-for-tests-0123456789abcdef';

/** A loopback server of any kind (`net` for what is not HTTP), disposed at the end of the scope. */
async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<{ url: string } & AsyncDisposable> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
const http = (handler: (request: IncomingMessage, response: ServerResponse) => void) => listen(createHttpServer(handler));

describe('region registration as a network probe', () => {
  it('answers one CONTRACT_UNAVAILABLE message for a closed port, a hung one, a service that is not HTTP, an error status, a redirect and wrong JSON, and logs each cause', async () => {
    const { sdl } = pinnedContract();
    await using real = await startContractServer('MO', sdl);
    await using hung = await startHungServer();
    await using ssh = await listen(createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
    await using notFound = await http((_, response) => response.writeHead(404).end('no'));
    // The redirect leads to a real region: followed, it would pass, past any host allow-list.
    await using redirect = await http((_, response) => response.writeHead(302, { location: real.url.replace('/graphql', '/contract') }).end());
    await using otherRegion = await http((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: 'VN', sdl })));
    await using notJson = await http((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>router login</html>'));
    const targets = {
      closed: await unusedLoopbackUrl(),
      hung: hung.url,
      ssh: ssh.url,
      notFound: notFound.url,
      redirect: redirect.url,
      otherRegion: otherRegion.url,
      notJson: notJson.url,
    };

    const logged: { reason: string; url: string }[] = [];
    const registry = createRegionRegistry({ regions: [], contractTimeoutMs: 300, log: (entry) => void logged.push(entry) });
    const answers = [];
    for (const url of Object.values(targets)) answers.push(await registry.register({ code: 'MO', name: 'Macao', url }).catch((error: Error & { code?: string }) => [error.code, error.message]));
    const message = "Region MO's contract could not be read: /contract beside its URL must answer within 300 ms with the region's contract as JSON. The gateway's log has the reason.";
    expect(answers).toEqual(Object.values(targets).map(() => ['CONTRACT_UNAVAILABLE', message]));
    expect(logged.map((entry) => [entry.url, entry.reason])).toEqual([
      [targets.closed, 'not reachable over HTTP (ECONNREFUSED)'],
      [targets.hung, 'no answer within 300 ms'],
      [targets.ssh, expect.stringMatching(/^not reachable over HTTP \(/)],
      [targets.notFound, 'HTTP 404'],
      [targets.redirect, 'HTTP 302 (a redirect, not followed)'],
      [targets.otherRegion, 'the contract of region VN'],
      [targets.notJson, 'an answer that is not JSON'],
    ]);
    expect(registry.list()).toEqual([]);
    expect(await registry.register({ code: 'MO', name: 'Macao', url: real.url })).toMatchObject({ contractVersion: formatVersion(pinnedContract().version), replaced: false });
  });

  it('registers only at hosts WHARF_REGION_HOSTS allows, fetching nothing elsewhere', async () => {
    const { sdl } = pinnedContract();
    await using real = await startContractServer('MO', sdl);
    const fetched: string[] = [];
    const spy: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    const { WHARF_REGION_HOSTS: allowedHosts } = loadConfig({ WHARF_REGION_HOSTS: 'regions.example, *.GOV.mo' });
    expect(allowedHosts).toEqual(['regions.example', '*.gov.mo']);
    const strict = createRegionRegistry({ regions: [], allowedHosts, fetch: spy });
    const refused = strict.register({ code: 'MO', name: 'Macao', url: real.url });
    await expect(refused).rejects.toThrow(RegionHostNotAllowedError);
    await expect(refused).rejects.toThrow('url: the host 127.0.0.1 is not one this gateway may register regions at; WHARF_REGION_HOSTS allows regions.example, *.gov.mo.');
    expect(fetched).toEqual([]);

    const loopback = createRegionRegistry({ regions: [], allowedHosts: loadConfig({ WHARF_REGION_HOSTS: '0x7f.1' }).WHARF_REGION_HOSTS, fetch: spy });
    expect(await loopback.register({ code: 'MO', name: 'Macao', url: real.url })).toMatchObject({ contractVersion: formatVersion(pinnedContract().version) });
  });

  it('refuses WHARF_REGION_HOSTS entries that are not bare hosts, naming them', () => {
    expect(() => loadConfig({ WHARF_REGION_HOSTS: 'regions.example,http://x.example,10.0.0.1:4001,a/b' })).toThrow(
      new ConfigError([
        'WHARF_REGION_HOSTS="regions.example,http://x.example,10.0.0.1:4001,a/b": "http://x.example", "10.0.0.1:4001", "a/b": each entry must be a host name, an IP address or *.domain, without scheme, port or path',
      ]),
    );
  });
});

describe('admin registration input', () => {
  let wharf: FixtureWharf | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses credentials in the URL, another scheme and a secret variable outside WHARF_REGION_SECRET_, and changes nothing', async () => {
    wharf = await startFixtureWharf({ registered: ['CN-GX'], adminToken, regionHosts: ['127.0.0.1'] });
    const post = async (region: Record<string, unknown>) => {
      const response = await fetch(`${wharf!.wharf.origin}/admin/regions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify(region),
      });
      return [response.status, await response.json()];
    };
    const url = wharf.regions.get('MO')!.server.url;
    const problems = (answer: unknown[]) => [answer[0], (answer[1] as { code: string; problems: string[] }).code, (answer[1] as { problems: string[] }).problems];
    expect(problems(await post({ code: 'MO', name: 'Macao', url: url.replace('http://', 'http://admin:secret@'), webhookSecretEnv: 'WHARF_ADMIN_TOKEN' }))).toEqual([
      400,
      'BAD_USER_INPUT',
      [
        'url: must not carry a user name or password (user:password@)',
        'webhookSecretEnv: must name a variable starting with WHARF_REGION_SECRET_ (upper-case letters, digits and "_"), such as WHARF_REGION_SECRET_MO; no other variable of the gateway can be named',
      ],
    ]);
    expect(problems(await post({ code: 'MO', name: 'Macao', url: 'file:///etc/passwd', webhookSecretEnv: 'DATABASE_PASSWORD' }))).toEqual([
      400,
      'BAD_USER_INPUT',
      [
        'url: must be an http:// or https:// URL',
        'webhookSecretEnv: must name a variable starting with WHARF_REGION_SECRET_ (upper-case letters, digits and "_"), such as WHARF_REGION_SECRET_MO; no other variable of the gateway can be named',
      ],
    ]);
    expect(await post({ code: 'MO', name: 'Macao', url: url.replace('127.0.0.1', 'localhost') })).toEqual([
      400,
      {
        code: 'BAD_USER_INPUT',
        error: 'The region is not valid: url: the host localhost is not one this gateway may register regions at; WHARF_REGION_HOSTS allows 127.0.0.1.',
        problems: ['url: the host localhost is not one this gateway may register regions at; WHARF_REGION_HOSTS allows 127.0.0.1.'],
      },
    ]);
    expect((await wharf.query('{ regions { code } }')).data.regions).toEqual([{ code: 'CN-GX' }]);
    expect(await post({ code: 'MO', name: 'Macao', url, webhookSecretEnv: 'WHARF_REGION_SECRET_MO' })).toEqual([201, expect.objectContaining({ replaced: false })]);
  });

  it('refuses a registry file that names the admin token as a region secret', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-registry-'));
    const file = join(dir, 'regions.yaml');
    await writeFile(file, '- { code: MO, name: Macao, url: "http://10.1.2.3:4001/graphql", webhookSecretEnv: WHARF_ADMIN_TOKEN }\n');
    await expect(readRegionFile(file)).rejects.toThrow(/webhookSecretEnv: must name a variable starting with WHARF_REGION_SECRET_/);
  });
});
