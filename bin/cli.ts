import { writeFileSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const usage = `Usage: wharf <command> [options]

Commands:
  demo                               Start the gateway, the catalogue and every demo region in one process.
  validate <folder> [--region CODE]  Check a folder of dataset files; prints every problem (exit 1 if any).
  quality <folder> [--region CODE] [--json]
                                     Metadata quality report (data.europa.eu MQA) of a folder: score, band, what to add first.
  compose [--check]                  Compose schema/supergraph.graphql from the contracts (--check: fail on drift).
  gateway --supergraph <file> [--port N] [--host H]
                                     Serve any Federation 2 supergraph with Wharf's engine (subgraphs over HTTP).
  gateway --regions <regions.yaml> --signing-key <private.pem> [--catalogue-url URL] [--port N] [--host H]
                                     The gateway in front of regions running elsewhere, with the catalogue in its
                                     process (durable, one replica of many, with WHARF_CATALOGUE_DATABASE_URL), or
                                     using a catalogue service at --catalogue-url (needs WHARF_CATALOGUE_DATABASE_URL).
  catalogue --harvest-key <private.pem> --gateway-key <public.pem> [--regions <regions.yaml>] [--port N] [--host H]
                                     The catalogue alone, as a service gateways reach with --catalogue-url: one
                                     replica of the durable catalogue in WHARF_CATALOGUE_DATABASE_URL (required);
                                     --harvest-key signs its harvests (regions trust it with --harvester-key);
                                     --regions seeds the stored registry on the very first start.
  subgraph --region CODE --data <folder|postgres-url> --gateway-key <public.pem> [--policies <folder>] [--schema NAME] [--port N] [--host H]
           [--name NAME] [--public-url URL] [--lineage-producers <file>] [--harvester-key <public.pem>]
                                     Run one region's subgraph from a folder of dataset files and policies,
                                     or from PostgreSQL (postgres://…; tables in --schema, default wharf);
                                     --name: publisher of its DCAT-AP catalogue; --public-url: where others reach it;
                                     --lineage-producers: YAML of the OpenLineage producers it takes events from;
                                     --harvester-key: a catalogue service's harvest key, which may read its feed.
  import --from ckan|dcat-ap|dcat-us <file|folder> --region CODE --out <folder|postgres-url> [--schema NAME] [--language en] [--strict]
                                     Import CKAN, DCAT-AP JSON-LD or DCAT-US data.json metadata as dataset files
                                     or into PostgreSQL; reports what was taken and skipped and why.
  keys --out <folder> [--name NAME]  Write a new key pair (NAME.pem, NAME.pub.pem; NAME defaults to gateway).
  mcp --endpoint <graphql-url> [--token-file F | --api-key-file F]
                                     MCP server on stdin/stdout for AI assistants, as the consumer of
                                     WHARF_MCP_TOKEN / WHARF_MCP_API_KEY or the file (anonymous without one).

Environment: every variable, its default and the command that reads it, in docs/configuration.md.`;

type Command = (args: string[]) => Promise<number>;

/**
 * Loads a folder of dataset files for `validate` and `quality`: its region
 * (from --region, else the folder's name) and records, or, after printing
 * every problem, the exit code (2 for a bad region code, 1 for bad files).
 */
async function readRegionFolder(folder: string, regionFlag: string | undefined, whatNext: string) {
  const { loadDatasetFolder, formatProblems } = await import('../subgraphs/region/store/loadDatasetFolder.ts');
  const { regionCodePattern } = await import('../schema/datasetId.ts');
  const region = regionFlag ?? basename(resolve(folder));
  if (!regionCodePattern.test(region)) {
    console.error(`"${region}" is not a region code; name the region with --region (for example --region MO).`);
    return 2;
  }
  const load = await loadDatasetFolder(folder, region);
  if (load.problems.length > 0) {
    console.error(formatProblems(load.problems));
    console.error(`\n${load.problems.length} problem(s) in ${load.files} file(s); ${whatNext}`);
    return 1;
  }
  return { region, load };
}

/** A URL fit to print: any password replaced. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const commands: Record<string, Command> = {
  async demo() {
    const { adminTokenOf, loadConfig } = await import('../gateway/loadConfig.ts');
    const { startDemo } = await import('../gateway/startDemo.ts');
    const config = loadConfig(process.env);
    const adminToken = adminTokenOf(config);
    const demo = await startDemo({ ...config, ...(adminToken ? { adminToken } : {}) });
    const lines = [
      `Wharf is running.`,
      ``,
      `  Catalogue          ${demo.wharf.origin}/   search, dataset pages, lineage`,
      `  GraphQL endpoint   ${demo.wharf.graphqlUrl}   (open it in a browser for GraphiQL)`,
      `  Search component   ${demo.wharf.origin}/embed/wharf-search.js`,
      `  MCP (assistants)   ${demo.wharf.origin}/mcp   (stdio: wharf mcp --endpoint ${demo.wharf.graphqlUrl})`,
      `  Health             ${demo.wharf.origin}/health   ready: ${demo.wharf.origin}/ready`,
      ``,
      `  Region subgraphs:`,
      ...demo.regions.map((region) => `    ${region.code.padEnd(6)} ${region.url.padEnd(32)} ${String(region.datasets).padStart(5)} datasets  ${region.name}`),
      ``,
      `  Metrics            ${demo.wharf.origin}/metrics   ${config.WHARF_METRICS_TOKEN ? '(Authorization: Bearer $WHARF_METRICS_TOKEN)' : '(off: set WHARF_METRICS_TOKEN)'}`,
      config.WHARF_CACHE === 'off'
        ? `  Caches             off (WHARF_CACHE=off)`
        : config.REDIS_CLUSTER_NODES
          ? `  Caches             Redis Cluster ${config.REDIS_CLUSTER_NODES.join(',')}`
          : config.REDIS_URL
            ? `  Caches             Redis ${redactUrl(config.REDIS_URL)}, in-process LRU in front`
            : `  Caches             in-process (set REDIS_URL to share them through Redis)`,
      ``,
      `Press Ctrl+C to stop.`,
    ];
    console.log(lines.join('\n'));
    await untilSignal();
    await demo[Symbol.asyncDispose]();
    return 0;
  },

  async validate(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { region: { type: 'string' } } });
    const folder = positionals[0];
    if (!folder) {
      console.error('Usage: wharf validate <folder> [--region CODE]');
      return 2;
    }
    const read = await readRegionFolder(folder, values.region, 'a region refuses to start on this folder.');
    if (typeof read === 'number') return read;
    const { region, load } = read;
    console.log(`${load.records.length} dataset(s) of region ${region} in ${folder}: all valid.`);
    return 0;
  },

  async quality(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { region: { type: 'string' }, json: { type: 'boolean', default: false } } });
    const folder = positionals[0];
    if (!folder) {
      console.error('Usage: wharf quality <folder> [--region CODE] [--json]');
      return 2;
    }
    const read = await readRegionFolder(folder, values.region, 'fix them (see `wharf validate`) before assessing quality.');
    if (typeof read === 'number') return read;
    const { region, load } = read;
    if (values.json) {
      const { qualityMask } = await import('../subgraphs/shared/quality/assessQuality.ts');
      const { summariseQuality } = await import('../subgraphs/shared/quality/summariseQuality.ts');
      console.log(JSON.stringify({ region, ...summariseQuality(load.records.map(qualityMask)) }, null, 2));
      return 0;
    }
    const { formatQualityReport } = await import('../subgraphs/region/quality/formatQualityReport.ts');
    console.log(formatQualityReport(region, load.records, { source: folder }));
    return 0;
  },

  async gateway(args) {
    const { values } = parseArgs({
      args,
      options: {
        supergraph: { type: 'string' },
        regions: { type: 'string' },
        'signing-key': { type: 'string' },
        'catalogue-url': { type: 'string' },
        port: { type: 'string', default: '4000' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    });
    const port = parsePort(values.port!);
    if (port === undefined) return 2;
    if (values.regions) {
      if (!values['signing-key']) {
        console.error('--signing-key <private.pem> is required: regions trust only consumers this key signs (make one with `wharf keys`).');
        return 2;
      }
      const { createPrivateKey } = await import('node:crypto');
      const { readRegionFile, resolveRegionEntry } = await import('../gateway/readRegionEntries.ts');
      const { adminTokenOf, cachesOptionsOf, identityOptionsOf, loadConfig, operationLimitsOf, requestLimitsOf } = await import('../gateway/loadConfig.ts');
      const { createAuthenticatorFromConfig } = await import('../gateway/identity/createAuthenticatorFromConfig.ts');
      const config = loadConfig(process.env);
      const catalogueUrl = values['catalogue-url'];
      if (catalogueUrl !== undefined && !/^https?:\/\/[^/]/.test(catalogueUrl)) {
        console.error(`--catalogue-url must be the catalogue service's http(s) GraphQL URL, such as http://catalogue.internal:4100/graphql; got "${catalogueUrl}".`);
        return 2;
      }
      if (catalogueUrl !== undefined && !config.WHARF_CATALOGUE_DATABASE_URL) {
        console.error('--catalogue-url needs WHARF_CATALOGUE_DATABASE_URL: the region registry and harvest pings are shared with the catalogue service through its database.');
        return 2;
      }
      const adminToken = adminTokenOf(config);
      const fileEntries = await readRegionFile(values.regions);
      const database = config.WHARF_CATALOGUE_DATABASE_URL ? await openDatabase(config) : undefined;
      const common = {
        regions: fileEntries.map((entry) => resolveRegionEntry(entry, process.env)),
        registryFile: { path: values.regions, entries: fileEntries },
        ...(adminToken ? { adminToken } : {}),
        ...(config.WHARF_REGION_HOSTS ? { regionHosts: config.WHARF_REGION_HOSTS } : {}),
        ...(config.WHARF_METRICS_TOKEN ? { metricsToken: config.WHARF_METRICS_TOKEN } : {}),
        ...(config.WHARF_PUBLIC_ORIGIN ? { publicOrigin: config.WHARF_PUBLIC_ORIGIN } : {}),
        requestLimits: requestLimitsOf(config),
        shutdownTimeoutMs: config.WHARF_SHUTDOWN_TIMEOUT_MS,
        host: values.host!,
        port,
        regionTimeoutMs: config.WHARF_REGION_TIMEOUT_MS,
        logging: config.WHARF_LOG_LEVEL,
        authenticator: await createAuthenticatorFromConfig(config),
        signingKey: createPrivateKey(readFileSync(values['signing-key'], 'utf8')),
        limits: operationLimitsOf(config),
        caches: cachesOptionsOf(config),
        clientRequestsPerMinute: config.WHARF_CLIENT_RATE_LIMIT_PER_MINUTE,
        identity: identityOptionsOf(config),
        corsOrigins: config.WHARF_CORS_ORIGINS,
      };
      let served: AsyncDisposable & { graphqlUrl: string; origin: string };
      let shape: string;
      if (catalogueUrl !== undefined) {
        const { startGateway } = await import('../gateway/startGateway.ts');
        served = await startGateway({ ...common, catalogueUrl, catalogueTimeoutMs: config.WHARF_CATALOGUE_TIMEOUT_MS, catalogueDatabase: database! });
        shape = `catalogue service at ${catalogueUrl}; registry in ${database!.url}, schema ${database!.schema}`;
      } else {
        const { startWharf } = await import('../gateway/startWharf.ts');
        served = await startWharf({
          ...common,
          harvestIntervalMs: config.WHARF_HARVEST_INTERVAL_MS,
          reconcileIntervalMs: config.WHARF_RECONCILE_INTERVAL_MS,
          ...(database ? { catalogueDatabase: database, replication: replicationOf(config) } : {}),
        });
        shape = database ? `catalogue replica of ${database.url}, schema ${database.schema}` : `catalogue in this process, for ${values.regions}`;
      }
      console.log(`Wharf gateway at ${served.graphqlUrl} (${shape})${adminToken ? ` (admin API at ${served.origin}/admin/regions)` : ''}`);
      await untilSignal();
      await served[Symbol.asyncDispose]();
      return 0;
    }
    if (!values.supergraph) {
      console.error('Usage: wharf gateway --supergraph <file> | --regions <regions.yaml> --signing-key <private.pem> [--catalogue-url URL] [--port N] [--host H]');
      return 2;
    }
    const { startSupergraphGateway } = await import('../gateway/startSupergraphGateway.ts');
    const gateway = await startSupergraphGateway({ supergraphSdl: readFileSync(values.supergraph, 'utf8'), port, host: values.host! });
    console.log(`Serving ${values.supergraph} at ${gateway.origin}/graphql`);
    await untilSignal();
    await gateway[Symbol.asyncDispose]();
    return 0;
  },

  async catalogue(args) {
    const { values } = parseArgs({
      args,
      options: {
        regions: { type: 'string' },
        'harvest-key': { type: 'string' },
        'gateway-key': { type: 'string' },
        port: { type: 'string', default: '4100' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    });
    if (!values['harvest-key'] || !values['gateway-key']) {
      console.error(
        'Usage: wharf catalogue --harvest-key <private.pem> --gateway-key <public.pem> [--regions <regions.yaml>] [--port N] [--host H]\n' +
          '  --harvest-key: signs harvests (the catalogue\'s own key, which regions trust with --harvester-key, or the gateway\'s);\n' +
          '  --gateway-key: the gateway\'s public key; only requests it signs are answered.',
      );
      return 2;
    }
    const port = parsePort(values.port!);
    if (port === undefined) return 2;
    const { createPrivateKey, createPublicKey } = await import('node:crypto');
    const { readRegionFile, resolveRegionEntry } = await import('../gateway/readRegionEntries.ts');
    const { cachesOptionsOf, loadConfig, requestLimitsOf } = await import('../gateway/loadConfig.ts');
    const config = loadConfig(process.env);
    if (!config.WHARF_CATALOGUE_DATABASE_URL) {
      console.error('WHARF_CATALOGUE_DATABASE_URL is required: a catalogue service is one replica of the durable catalogue kept there (postgres://…).');
      return 2;
    }
    // Read on another thread while the rest of the service's code loads: a restart's largest cost after decoding.
    if (config.WHARF_CATALOGUE_SNAPSHOT_DIR) void (await import('../subgraphs/catalogue/snapshot/snapshotFile.ts')).prefetchNewestSnapshot(config.WHARF_CATALOGUE_SNAPSHOT_DIR);
    const harvestKey = createPrivateKey(readFileSync(values['harvest-key'], 'utf8'));
    const gatewayPublicKey = createPublicKey(readFileSync(values['gateway-key'], 'utf8'));
    const fileEntries = values.regions ? await readRegionFile(values.regions) : [];
    const database = await openDatabase(config);
    const { startCatalogueService } = await import('../gateway/startCatalogueService.ts');
    const service = await startCatalogueService({
      regions: fileEntries.map((entry) => resolveRegionEntry(entry, process.env)),
      ...(values.regions ? { registryFile: { path: values.regions, entries: fileEntries } } : {}),
      catalogueDatabase: database,
      harvestKey,
      gatewayPublicKey,
      host: values.host!,
      port,
      harvestIntervalMs: config.WHARF_HARVEST_INTERVAL_MS,
      reconcileIntervalMs: config.WHARF_RECONCILE_INTERVAL_MS,
      regionTimeoutMs: config.WHARF_REGION_TIMEOUT_MS,
      caches: cachesOptionsOf(config),
      ...(config.WHARF_METRICS_TOKEN ? { metricsToken: config.WHARF_METRICS_TOKEN } : {}),
      maxBodyBytes: requestLimitsOf(config).maxBodyBytes,
      shutdownTimeoutMs: config.WHARF_SHUTDOWN_TIMEOUT_MS,
      replication: replicationOf(config),
      logging: config.WHARF_LOG_LEVEL !== 'error',
    });
    console.log(`Wharf catalogue at ${service.url} (replica of ${database.url}, schema ${database.schema}; ${service.registry.list().length} regions registered; ready once caught up: ${service.origin}/ready)`);
    await untilSignal();
    await service[Symbol.asyncDispose]();
    return 0;
  },

  async subgraph(args) {
    const { values } = parseArgs({
      args,
      options: {
        region: { type: 'string' },
        data: { type: 'string' },
        policies: { type: 'string' },
        schema: { type: 'string', default: 'wharf' },
        'gateway-key': { type: 'string' },
        name: { type: 'string' },
        'public-url': { type: 'string' },
        'lineage-producers': { type: 'string' },
        'harvester-key': { type: 'string' },
        port: { type: 'string', default: '4001' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    });
    if (!values.region || !values.data) {
      console.error('Usage: wharf subgraph --region CODE --data <folder|postgres-url> [--policies <folder>] [--schema NAME] --gateway-key <public.pem> [--port N] [--host H] [--lineage-producers <file>]');
      return 2;
    }
    const port = parsePort(values.port!);
    if (port === undefined) return 2;
    const operatorToken = process.env.WHARF_REGION_OPERATOR_TOKEN || undefined;
    if (operatorToken !== undefined && operatorToken.length < 24) {
      console.error('WHARF_REGION_OPERATOR_TOKEN=(hidden): must be at least 24 characters (for example `openssl rand -hex 32`).');
      return 2;
    }
    const { createPublicKey } = await import('node:crypto');
    const { join } = await import('node:path');
    const { isPostgresUrl } = await import('../subgraphs/shared/postgres/connectPostgres.ts');
    const { compileRegionPolicies, loadRegionPolicies } = await import('../subgraphs/shared/access/loadRegionPolicies.ts');
    const { serveRegion } = await import('../subgraphs/region/serveRegion.ts');
    const inPostgres = isPostgresUrl(values.data);
    // Refuse to start on invalid data or policies, or an unreachable database: each throws with the full report.
    const store = inPostgres
      ? await (await import('../subgraphs/region/store/createPostgresStore.ts')).createPostgresStore({ region: values.region, url: values.data, schema: values.schema! })
      : await (await import('../subgraphs/region/store/createFileStore.ts')).createFileStore({ region: values.region, folder: values.data });
    let server: Awaited<ReturnType<typeof serveRegion>>;
    try {
      // Policies sit in <folder>/policies beside file data; a database region names its policy folder.
      const policies = values.policies
        ? compileRegionPolicies(values.region, await readCedarFiles(values.policies))
        : inPostgres
          ? compileRegionPolicies(values.region, {})
          : await loadRegionPolicies(values.region, values.data);
      server = await serveRegion({
        store,
        policies,
        host: values.host!,
        port,
        // A database store journals lineage events in the database itself.
        ...(inPostgres ? {} : { lineageJournalPath: join(values.data, 'lineage', 'events.jsonl') }),
        ...(values.name ? { name: values.name } : {}),
        ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
        ...(values['gateway-key'] ? { gatewayPublicKey: createPublicKey(readFileSync(values['gateway-key'], 'utf8')) } : {}),
        ...(values['harvester-key'] ? { harvesterPublicKey: createPublicKey(readFileSync(values['harvester-key'], 'utf8')) } : {}),
        ...(operatorToken ? { operatorToken } : {}),
        ...(values['lineage-producers']
          ? { lineageProducers: await (await import('../subgraphs/region/lineage/lineageProducers.ts')).readLineageProducers(values['lineage-producers']) }
          : {}),
      });
      const notes = [
        inPostgres ? `PostgreSQL ${'location' in store ? String(store.location) : ''}, schema ${values.schema}` : values.data,
        ...(values['gateway-key'] ? [] : ['no --gateway-key: no gateway can route to or harvest it']),
        ...(Object.keys(policies.texts).length === 0 ? ['no policies: every dataset is denied'] : []),
        ...(values['lineage-producers'] ? [] : ['no --lineage-producers: lineage posts are refused']),
      ];
      console.log(`Region ${values.region}: ${await store.count()} datasets at ${server.url} (${notes.join('; ')})`);
    } catch (error) {
      await store[Symbol.asyncDispose]();
      throw error;
    }
    await untilSignal();
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
    return 0;
  },

  async import(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        region: { type: 'string' },
        out: { type: 'string' },
        schema: { type: 'string', default: 'wharf' },
        language: { type: 'string', default: 'en' },
        strict: { type: 'boolean', default: false },
      },
    });
    const { isImportFormat, planImport, writeImportToFolder, writeImportToStore, formatImportReport, importers } = await import('../subgraphs/region/import/runImport.ts');
    const input = positionals[0];
    if (!values.from || !input || !values.region || !values.out) {
      console.error('Usage: wharf import --from ckan|dcat-ap|dcat-us <file|folder> --region CODE --out <folder|postgres-url> [--schema NAME] [--language en] [--strict]');
      return 2;
    }
    if (!isImportFormat(values.from)) {
      console.error(`--from must be one of ${Object.keys(importers).join(', ')}; got "${values.from}".`);
      return 2;
    }
    // Everything is read, mapped and validated before anything is written.
    const plan = await planImport({ from: values.from, input, region: values.region, language: values.language! });
    if (values.strict && plan.skipped.length > 0) {
      console.error(formatImportReport(plan, undefined));
      console.error(`\n--strict: ${plan.skipped.length} dataset(s) would be skipped; nothing was written.`);
      return 1;
    }
    if (plan.taken.length === 0) {
      console.error(formatImportReport(plan, undefined));
      console.error(`\nNo dataset could be taken from ${input}; is it ${values.from}?`);
      return 1;
    }
    const { isPostgresUrl } = await import('../subgraphs/shared/postgres/connectPostgres.ts');
    let result;
    if (isPostgresUrl(values.out)) {
      const { createPostgresStore } = await import('../subgraphs/region/store/createPostgresStore.ts');
      await using store = await createPostgresStore({ region: values.region, url: values.out, schema: values.schema!, maxConnections: 2 });
      result = await writeImportToStore(plan, store);
    } else {
      result = await writeImportToFolder(plan, values.out);
    }
    console.log(formatImportReport(plan, result));
    return 0;
  },

  async keys(args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' }, name: { type: 'string', default: 'gateway' } } });
    if (!values.out) {
      console.error('Usage: wharf keys --out <folder> [--name NAME]');
      return 2;
    }
    const name = values.name!;
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name)) {
      console.error(`--name must be lower-case letters, digits and "-" (such as gateway or catalogue); got "${name}".`);
      return 2;
    }
    const { generateKeyPairSync } = await import('node:crypto');
    const { mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${name}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(values.out, `${name}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
    const uses: Record<string, [string, string]> = {
      gateway: ['keep it on the gateway', 'give it to every region (--gateway-key) and catalogue service (--gateway-key)'],
      catalogue: ['keep it on the catalogue service (--harvest-key)', 'give it to every region (--harvester-key)'],
    };
    const [privateUse, publicUse] = uses[name] ?? ['keep it secret', 'give it to whoever verifies its signatures'];
    console.log(`Wrote ${join(values.out, `${name}.pem`)} (${privateUse}) and ${join(values.out, `${name}.pub.pem`)} (${publicUse}).`);
    return 0;
  },

  async mcp(args) {
    const { values } = parseArgs({
      args,
      options: {
        endpoint: { type: 'string' },
        'token-file': { type: 'string' },
        'api-key-file': { type: 'string' },
        // Declared only to refuse them with a reason: an argument is visible to every user of the machine.
        token: { type: 'string' },
        'api-key': { type: 'string' },
      },
    });
    if (values.token !== undefined || values['api-key'] !== undefined) {
      console.error('A credential is never taken as an argument (any user of the machine can list it): set WHARF_MCP_TOKEN or WHARF_MCP_API_KEY, or name a file with --token-file or --api-key-file.');
      return 2;
    }
    if (!values.endpoint) {
      console.error('Usage: wharf mcp --endpoint <graphql-url> [--token-file F | --api-key-file F]   (or WHARF_MCP_TOKEN / WHARF_MCP_API_KEY)');
      return 2;
    }
    const given = [
      values['token-file'] !== undefined && { kind: 'bearer' as const, token: readFileSync(values['token-file'], 'utf8').trim() },
      values['api-key-file'] !== undefined && { kind: 'apiKey' as const, key: readFileSync(values['api-key-file'], 'utf8').trim() },
      process.env.WHARF_MCP_TOKEN && { kind: 'bearer' as const, token: process.env.WHARF_MCP_TOKEN.trim() },
      process.env.WHARF_MCP_API_KEY && { kind: 'apiKey' as const, key: process.env.WHARF_MCP_API_KEY.trim() },
    ].filter((credential) => credential !== false && credential !== undefined && credential !== '');
    if (given.length > 1) {
      console.error('Give one credential: --token-file, --api-key-file, WHARF_MCP_TOKEN or WHARF_MCP_API_KEY.');
      return 2;
    }
    const credential = given[0];
    if (credential && (credential.kind === 'bearer' ? credential.token : credential.key) === '') {
      console.error('The credential file is empty; leave it out to call the gateway anonymously.');
      return 2;
    }
    const { serveMcpStdio } = await import('../gateway/mcp/serveMcpStdio.ts');
    await serveMcpStdio({ endpoint: values.endpoint, ...(credential ? { credential } : {}) });
    return 0;
  },

  async compose(args) {
    const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } } });
    const { composeSupergraph, supergraphPath } = await import('../schema/composeSupergraph.ts');
    const composed = composeSupergraph();
    if (values.check) {
      const committed = readFileSync(supergraphPath, 'utf8');
      if (committed !== composed) {
        console.error(`${supergraphPath} is out of date with the contracts; run \`npm run compose\` and commit it.`);
        return 1;
      }
      console.log('The supergraph matches the contracts.');
      return 0;
    }
    writeFileSync(supergraphPath, composed);
    console.log(`Wrote ${supergraphPath}.`);
    return 0;
  },
};

/** Every `*.cedar` file of `folder`, by path; a missing folder is an error (it was named on purpose). */
async function readCedarFiles(folder: string): Promise<Record<string, string>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.cedar')).sort();
  if (names.length === 0) throw new Error(`${folder} has no *.cedar policy files.`);
  const files: Record<string, string> = {};
  for (const name of names) files[join(folder, name)] = await readFile(join(folder, name), 'utf8');
  return files;
}

/** Opens the catalogue's database from the configuration (migrating it; a newer schema is refused). */
async function openDatabase(config: import('../gateway/loadConfig.ts').WharfConfig) {
  const { openCatalogueDatabase } = await import('../subgraphs/catalogue/durable/openCatalogueDatabase.ts');
  return openCatalogueDatabase({ url: config.WHARF_CATALOGUE_DATABASE_URL!, schema: config.WHARF_CATALOGUE_DATABASE_SCHEMA });
}

/** The replica's own settings from the configuration. */
function replicationOf(config: import('../gateway/loadConfig.ts').WharfConfig) {
  return {
    ...(config.WHARF_CATALOGUE_REPLICA_NAME ? { name: config.WHARF_CATALOGUE_REPLICA_NAME } : {}),
    ...(config.WHARF_CATALOGUE_SNAPSHOT_DIR
      ? { snapshots: { folder: config.WHARF_CATALOGUE_SNAPSHOT_DIR, intervalMs: config.WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS, keep: config.WHARF_CATALOGUE_SNAPSHOT_KEEP, shutdownBudgetMs: config.WHARF_CATALOGUE_SNAPSHOT_SHUTDOWN_MS } }
      : {}),
  };
}

function parsePort(value: string): number | undefined {
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  console.error(`--port must be a port number from 0 to 65535; got "${value}".`);
  return undefined;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.once(signal, () => process.exit(1));
      console.log(`\n${signal}: stopping…`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(usage);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command(args);
  } catch (error) {
    const portHint = (error as { code?: string }).code === 'EADDRINUSE' ? busyPortHint(name!, (error as { port?: number }).port) : '';
    console.error(`${(error as Error).message}${portHint}`);
    return 1;
  }
}

/** What moves the port a command could not listen on: the variable or flag that sets it. */
export function busyPortHint(command: string, port: number | undefined): string {
  if (command === 'demo') {
    const gatewayPort = Number(process.env.WHARF_PORT ?? 4000);
    return port === gatewayPort
      ? ` Set WHARF_PORT to a free port for the gateway (WHARF_PORT=0 picks one), or stop the process that holds ${port}.`
      : ` The demo regions listen on WHARF_REGION_PORT_BASE (${process.env.WHARF_REGION_PORT_BASE ?? 4001}) and the next ports: set WHARF_REGION_PORT_BASE to a free range (0 picks free ports), or stop the process that holds ${port}.`;
  }
  return ` Start it with --port <another port> (--port 0 picks a free one), or stop the process that holds ${port}.`;
}
