// The esbuild options every function is bundled with, in one place and without the CDK: bundling.ts gives
// them to the CDK's NodejsFunction (its esbuild command line), split-bundle.ts to esbuild's API when it
// builds the same bundle again with code splitting.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * CommonJS dependencies bundled into an ES module still call `require` for Node built-ins; esbuild's
 * shim needs a real `require` in scope.
 */
export const esmRequireBanner =
  "import { createRequire as __apsyncCreateRequire } from 'node:module';" +
  'const require = __apsyncCreateRequire(import.meta.url);';

/**
 * A bundle's index.mjs first imports shared/lambda/source-mapped-stack-traces.ts, built on its own
 * (stackTracesBuildOptions): ES modules evaluate their imports in order, so it runs before any other code
 * of the bundle, and even an error of the init phase has its stack mapped to our sources — without
 * NODE_OPTIONS=--enable-source-maps, whose reading of every map and counting of every loaded file's lines
 * cost 10.7–19.7 % of a cold start's instructions (callgrind, four functions, commit ce15e02).
 */
export const stackTracesFile = 'source-mapped-stack-traces.mjs';
const stackTracesImport = `import "./${stackTracesFile}";`;
const splitBanner = `${esmRequireBanner}\n${stackTracesImport}`;

/**
 * A file of a split bundle without the banner lines it does not need (split-bundle.ts, after the build):
 * the stack traces' import outside index.mjs (index.mjs imports it first, so it has run before any other
 * file of the bundle is evaluated or imported), and the createRequire line where nothing in the file names
 * `require`. Each line is blanked, not removed, so the file's source map still fits it. Each costs a file
 * ~0.2 M instructions at load (callgrind; a bundle loads 15–30 files at init).
 */
export function withoutUnneededBanner(file: string, source: string): string {
  const [requireLine, importLine, ...rest] = source.split('\n');
  if (requireLine !== esmRequireBanner || importLine !== stackTracesImport) return source;
  const body = rest.join('\n');
  return [/\brequire\b/.test(body) ? requireLine : '', file === 'index.mjs' ? importLine : '', body].join(
    '\n',
  );
}

export const bundleTarget = 'node24';
export const bundleMainFields = ['module', 'main'];

/**
 * Node built-ins reach the bundle through node-builtins/<name>.cjs (`process.getBuiltinModule`), not as
 * `import … from 'node:http'`: importing a built-in as an ES module builds its facade, which reads every
 * export, and node:http's lazy `WebSocket`/`CloseEvent`/`MessageEvent` getters then load undici — about
 * 45 ms of init for a module the SDK's HTTP handler never uses (node:process, node:fs and node:util
 * facades cost a few ms more). Both spellings, `node:http` and `http`, are aliased. esbuild resolves an
 * alias's path in its working directory, the project root.
 */
export function builtinAliases(): string[] {
  const directory = join(dirname(fileURLToPath(import.meta.url)), 'node-builtins');
  return readdirSync(directory)
    .filter((file) => file.endsWith('.cjs'))
    .flatMap((file) => {
      const name = file.slice(0, -'.cjs'.length).replace('-', '/'); // fs-promises.cjs is node:fs/promises
      const shim = `./infra/cdk/node-builtins/${file}`;
      return [`node:${name}=${shim}`, `${name}=${shim}`];
    });
}

/**
 * The X-Ray SDK's `semver` is a shim with the one function it calls (bundle-shims/semver-gte.cjs): the
 * package's ~40 modules cost each traced cold start ~25 M instructions for a call apsync never makes.
 * Only the X-Ray SDK's import is replaced; any other package's `semver` is the package.
 */
const xraySemverShim: Plugin = {
  name: 'apsync-xray-semver',
  setup(build) {
    const shim = join(dirname(fileURLToPath(import.meta.url)), 'bundle-shims', 'semver-gte.cjs');
    build.onResolve({ filter: /^semver$/ }, (args) =>
      /[\\/]node_modules[\\/]aws-xray-sdk-core[\\/]/.test(args.importer) ? { path: shim } : undefined,
    );
  },
};

/**
 * The bundle of one function as esbuild's API options, the CDK's command line (bundling.ts) plus code
 * splitting: the entry is `index.mjs` in `outdir`, and each module only ever loaded by a dynamic
 * `import()` becomes a file of its own that Node reads, compiles and runs only if that import runs.
 */
export function splitBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundleTarget,
    mainFields: bundleMainFields,
    banner: { js: splitBanner },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    alias: Object.fromEntries(builtinAliases().map((alias) => alias.split('=') as [string, string])),
    plugins: [xraySemverShim],
    logLevel: 'warning',
  };
}

/** The module a bundle's index.mjs imports first (`stackTracesFile`), with its map, into `outdir`. */
export function stackTracesBuildOptions(outdir: string): BuildOptions {
  const source = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'shared',
    'lambda',
    'source-mapped-stack-traces.ts',
  );
  return {
    entryPoints: { [stackTracesFile.slice(0, -'.mjs'.length)]: source },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundleTarget,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  };
}
