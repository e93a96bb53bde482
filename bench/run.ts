/**
 * `npm run bench -- <name> [options]`: runs one benchmark, which prints its
 * figures as Markdown for bench/RESULTS.md.
 */
const benchmarks: Record<string, string> = {
  search: './searchIndex.ts',
  harvest: './harvest.ts',
  policies: './policies.ts',
  lineage: './lineage.ts',
  embed: './embed.ts',
  libraries: './compareSearchLibraries.ts',
  plans: './plans.ts',
  restart: './restart.ts',
  replication: './replication.ts',
  relevance: './relevance.ts',
};
const [name, ...rest] = process.argv.slice(2);
const file = name ? benchmarks[name] : undefined;
if (!file) {
  console.error(`Usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, file, ...rest];
await import(file);
