#!/usr/bin/env node
// The `wharf` command. Wharf is written in TypeScript and runs from source:
// tsx registers the loader here so the same files run on Node 20, 22 and 24.
// A service runs in production mode unless told otherwise: graphql-js then skips its development-time
// checks (a sixth of the time of a large answer) and Apollo Server its development defaults.
process.env.NODE_ENV ??= 'production';
const { register } = await import('tsx/esm/api');

register();
const { main } = await import('./cli.ts');
// Exit explicitly: after shutdown nothing may keep the process alive (the runtime's own signal
// handler disposes only the runtime).
process.exit(await main(process.argv.slice(2)));
