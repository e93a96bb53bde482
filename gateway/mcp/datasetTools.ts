import { z } from 'zod';
import { defineTool } from './defineTool.ts';
import { clip, datasetIdArgument, filterList, langArgument, purposeArgument, regionCodeArgument } from './mcpSchemas.ts';
import { datasetUri } from './datasetUri.ts';
import { dataOf, datasetNotFound, notesOf, notesText, ToolFailure } from './toolFailure.ts';

const decision = z.enum(['ALLOW', 'CONDITIONAL', 'DENY']);
const notes = z.array(z.string()).describe('What went wrong beside the answer (a region that did not answer, so its fields are missing).');

export const searchDatasetsTool = defineTool({
  name: 'search_datasets',
  title: 'Search datasets',
  description:
    'Find datasets across every region of the Wharf catalogue by words (any language, typos forgiven) and filters. ' +
    'Lists only datasets your credentials may discover, each with your access decision. Page with `after`.',
  input: {
    query: z.string().max(500, 'must be at most 500 characters').optional().describe('Words to look for in titles, descriptions, keywords and publishers; leave out to list every dataset, newest first.'),
    regions: z.array(regionCodeArgument).max(20, 'must list at most 20 regions').optional().describe('Only datasets of these regions ("MO", "CN-GX", "VN", …).'),
    themes: filterList('theme', 20).describe('Only datasets with one of these EU data themes ("ECON", "HEAL", "TRAN", "ENVI", …).'),
    formats: filterList('format', 40).describe('Only datasets with a distribution in one of these formats ("CSV", "JSON", "API", …).'),
    licenses: filterList('licence', 500).describe('Only datasets under one of these licences, as the facets list them.'),
    first: z.number().int('must be a whole number from 1 to 50').min(1, 'must be from 1 to 50').max(50, 'must be from 1 to 50').default(10).describe('How many datasets to return (1–50).'),
    after: z.string().max(1000, 'must be at most 1000 characters (a nextCursor)').optional().describe('The nextCursor of a previous answer, to continue after it (same query and filters).'),
    lang: langArgument,
  },
  output: {
    totalCount: z.number().int().describe('Datasets matching, across every page.'),
    datasets: z.array(
      z.object({
        id: z.string(),
        uri: z.string().describe('The dataset as an MCP resource.'),
        title: z.string(),
        region: z.string(),
        description: z.string().describe('The start of the description.'),
        publisher: z.string().nullable(),
        themes: z.array(z.string()),
        license: z.string().nullable(),
        modified: z.string().nullable(),
        formats: z.array(z.string()),
        access: decision.nullable().describe('Your access decision for the purpose in your credentials; null when the region did not answer.'),
      }),
    ),
    nextCursor: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
    facets: z.array(z.object({ field: z.string(), values: z.array(z.object({ value: z.string(), count: z.number().int() })) })).describe('Most frequent values among all matches.'),
    notes,
  },
  async run(args, { run }) {
    const filter = {
      ...(args.regions?.length ? { regions: args.regions } : {}),
      ...(args.themes?.length ? { themes: args.themes } : {}),
      ...(args.formats?.length ? { formats: args.formats } : {}),
      ...(args.licenses?.length ? { licenses: args.licenses } : {}),
    };
    const result = await run('WharfMcpSearch', {
      query: args.query ?? null,
      filter: Object.keys(filter).length ? filter : null,
      first: args.first,
      after: args.after ?? null,
      lang: args.lang ?? null,
    });
    const { search } = dataOf(result);
    const datasets = search.edges.map(({ node }) => ({
      id: node.id,
      uri: datasetUri(node.id),
      title: node.title,
      region: node.region,
      description: clip(node.description, 280),
      publisher: node.publisher?.name ?? null,
      themes: node.themes,
      license: node.license,
      modified: node.modified,
      formats: [...new Set((node.distributions ?? []).flatMap((distribution) => (distribution.format ? [distribution.format] : [])))],
      access: node.access?.decision ?? null,
    }));
    const nextCursor = search.pageInfo.hasNextPage ? search.pageInfo.endCursor : null;
    const facets = search.facets.map((facet) => ({ field: facet.field.toLowerCase(), values: facet.values }));
    const structured = { totalCount: search.totalCount, datasets, nextCursor, facets, notes: notesOf(result) };
    const what = args.query ? `match "${clip(args.query, 80)}"` : 'are listed';
    const lines = [`${search.totalCount} dataset(s) you may see ${what}; ${datasets.length} shown.`];
    datasets.forEach((dataset, i) => {
      const about = [dataset.region, dataset.publisher, dataset.formats.join('/'), dataset.modified && `modified ${dataset.modified}`, `access ${dataset.access ?? 'unknown'}`];
      lines.push(`${i + 1}. ${dataset.id} — "${dataset.title}" [${about.filter(Boolean).join('; ')}]`);
    });
    if (nextCursor) lines.push(`More: call search_datasets again with after: "${nextCursor}".`);
    for (const facet of facets.filter((facet) => facet.field === 'region' || facet.field === 'theme')) {
      if (facet.values.length) lines.push(`By ${facet.field}: ${facet.values.map((value) => `${value.value} ${value.count}`).join(', ')}.`);
    }
    return { text: lines.join('\n') + notesText(structured.notes), structured };
  },
});

const nullableString = z.string().nullable();

export const getDatasetTool = defineTool({
  name: 'get_dataset',
  title: 'Get a dataset',
  description:
    "A dataset's metadata, its classification, your access decision, its distributions (with links only where you may open them) and its metadata quality.",
  input: { id: datasetIdArgument, purpose: purposeArgument, lang: langArgument },
  output: {
    id: z.string(),
    uri: z.string(),
    pageUrl: z.string().describe('The dataset page in the catalogue, for a person.'),
    region: z.string(),
    identifier: z.string(),
    title: z.string(),
    description: z.string(),
    language: z.string(),
    keywords: z.array(z.string()),
    themes: z.array(z.string()),
    publisher: z.object({ name: z.string(), url: nullableString }).nullable(),
    contactPoint: z.object({ name: nullableString, email: nullableString, url: nullableString }).nullable(),
    license: nullableString,
    spatial: z.array(z.string()),
    temporal: z.object({ start: nullableString, end: nullableString }).nullable(),
    accrualPeriodicity: nullableString,
    landingPage: nullableString,
    issued: nullableString,
    modified: nullableString,
    classification: z.object({ tier: z.string(), personalData: z.string(), securityLevel: z.string(), residency: z.string() }),
    access: z.object({ decision, purpose: z.string() }).nullable().describe('Your decision (check_access says why); null when the region did not answer.'),
    distributions: z
      .array(
        z.object({
          title: nullableString,
          format: nullableString,
          mediaType: nullableString,
          byteSize: z.number().nullable(),
          accessUrl: nullableString.describe('Null unless you may read the dataset.'),
          downloadUrl: nullableString,
          mayOpen: z.boolean(),
        }),
      )
      .nullable()
      .describe('Null when the region did not answer.'),
    quality: z.object({
      score: z.number().int(),
      maxScore: z.number().int(),
      band: z.string(),
      dimensions: z.array(z.object({ dimension: z.string(), score: z.number().int(), maxScore: z.number().int(), missing: z.array(z.string()) })),
    }),
    notes,
  },
  async run(args, { run, datasetPageUrl }) {
    const result = await run('WharfMcpDataset', { id: args.id, lang: args.lang ?? null, purpose: args.purpose ?? null });
    const { dataset } = dataOf(result);
    if (!dataset) throw datasetNotFound(args.id);
    const distributions =
      dataset.distributions?.map((distribution) => ({ ...distribution, mayOpen: distribution.accessUrl !== null || distribution.downloadUrl !== null })) ?? null;
    const structured = { ...dataset, uri: datasetUri(dataset.id), pageUrl: datasetPageUrl(dataset.id), distributions, notes: notesOf(result) };
    const { classification: c, access, quality } = dataset;
    const lines = [
      `${dataset.id} — "${dataset.title}"`,
      [`Region ${dataset.region}`, dataset.publisher && `publisher ${dataset.publisher.name}`, dataset.license && `licence ${dataset.license}`, dataset.modified && `modified ${dataset.modified}`, dataset.themes.length && `themes ${dataset.themes.join(', ')}`]
        .filter(Boolean)
        .join(' · '),
      `Classification: ${c.tier}, personal data ${c.personalData}, security level ${c.securityLevel}; resides in ${c.residency}.`,
      `Description: ${clip(dataset.description, 600)}`,
      access
        ? `Your access${access.purpose ? ` for purpose "${access.purpose}"` : ''}: ${access.decision}${access.decision === 'ALLOW' ? '' : ' (check_access gives the policies, what is missing and the obligations)'}.`
        : 'Your access: unknown (the region did not answer).',
    ];
    if (distributions) {
      lines.push(`Distributions (${distributions.length}):`);
      for (const distribution of distributions) {
        const name = [distribution.format ?? 'unknown format', distribution.title].filter(Boolean).join(' — ');
        lines.push(`- ${name}: ${distribution.mayOpen ? (distribution.downloadUrl ?? distribution.accessUrl) : 'link withheld (you may not read this dataset)'}`);
      }
    }
    const weakest = quality.dimensions.flatMap((dimension) => dimension.missing).slice(0, 3);
    lines.push(`Metadata quality: ${quality.score}/${quality.maxScore} (${quality.band})${weakest.length ? `; would gain most from ${weakest.join(', ')}` : ''}.`);
    lines.push(`Page: ${structured.pageUrl}`);
    return { text: lines.join('\n') + notesText(structured.notes), structured };
  },
});

export const checkAccessTool = defineTool({
  name: 'check_access',
  title: 'Check access',
  description:
    "May you read a dataset for a purpose, and on what conditions? Decided by the owning region's own policies for your credentials: " +
    'the decision, the policies that decided, what you lack (for DENY) and the obligations (for CONDITIONAL).',
  input: { id: datasetIdArgument, purpose: purposeArgument, lang: langArgument },
  output: {
    id: z.string(),
    title: z.string(),
    decision,
    purpose: z.string().describe('The purpose decided for (empty when none was stated).'),
    policies: z.array(z.string()).describe('Ids of the policies that decided.'),
    missing: z
      .array(z.object({ kind: z.string(), anyOf: z.array(z.string()), reason: z.string(), policy: nullableString }))
      .describe('For DENY: each requirement you lack; any one value of `anyOf` satisfies it.'),
    obligations: z.array(z.string()).describe('For CONDITIONAL: what you must do or refrain from.'),
  },
  async run(args, { run }) {
    const result = await run('WharfMcpAccess', { id: args.id, purpose: args.purpose ?? null, lang: args.lang ?? null });
    const { dataset } = dataOf(result);
    if (!dataset) throw datasetNotFound(args.id);
    if (!dataset.access) {
      const [note] = notesOf(result);
      throw new ToolFailure(`The access decision for "${dataset.id}" could not be made: ${note ?? 'its region did not answer.'} Try again later.`);
    }
    const { access } = dataset;
    const structured = { id: dataset.id, title: dataset.title, ...access };
    const purpose = access.purpose ? ` for purpose "${access.purpose}"` : ' (no purpose stated)';
    const lines = [`${access.decision}: ${dataset.id} "${dataset.title}"${purpose}.`];
    if (access.policies.length) lines.push(`Decided by: ${access.policies.join(', ')}.`);
    for (const requirement of access.missing) {
      lines.push(`Missing ${requirement.kind}${requirement.anyOf.length ? ` (any of: ${requirement.anyOf.join(', ')})` : ''}: ${requirement.reason}${requirement.policy ? ` [${requirement.policy}]` : ''}`);
    }
    for (const obligation of access.obligations) lines.push(`Obligation: ${obligation}`);
    return { text: lines.join('\n'), structured };
  },
});
