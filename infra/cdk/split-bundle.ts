// Builds a function's bundle again with esbuild's code splitting (run by the bundling's afterBundling hook,
// infra/cdk/bundling.ts, as `node infra/cdk/split-bundle.ts <entry> <output directory>`), in place of the
// single file the CDK's esbuild command wrote (its command line has `--outfile`, which esbuild does not
// take with `--splitting`). What only a dynamic `import()` loads — the AWS SDK's other credential
// providers and their STS/SSO clients, never asked for where Lambda gives the role's keys in the
// environment — is left out of index.mjs, so a cold start no longer compiles it. Beside them, the module
// index.mjs imports first, which maps stack traces (esbuild-options.ts, stackTracesFile); each file keeps
// only the banner lines it needs (withoutUnneededBanner). Then each
// source map keeps apsync's own sources only (trim-source-map.ts).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv } from 'node:process';
import { build } from 'esbuild';
import { splitBuildOptions, stackTracesBuildOptions, withoutUnneededBanner } from './esbuild-options.ts';
import { trimSourceMap } from './trim-source-map.ts';

const [entry, outdir] = argv.slice(2);
if (entry === undefined || outdir === undefined) {
  throw new Error('usage: node infra/cdk/split-bundle.ts <entry.ts> <output directory>');
}
for (const file of readdirSync(outdir)) rmSync(join(outdir, file), { recursive: true, force: true });
await build(stackTracesBuildOptions(outdir));
await build(splitBuildOptions(entry, outdir));
for (const file of readdirSync(outdir).filter((name) => name.endsWith('.mjs'))) {
  const path = join(outdir, file);
  const source = readFileSync(path, 'utf8');
  const kept = withoutUnneededBanner(file, source);
  if (kept !== source) writeFileSync(path, kept);
}
for (const file of readdirSync(outdir).filter((name) => name.endsWith('.mjs.map'))) {
  const path = join(outdir, file);
  writeFileSync(path, JSON.stringify(trimSourceMap(JSON.parse(readFileSync(path, 'utf8')))));
}
