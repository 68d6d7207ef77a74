// How every function is bundled: esbuild on this machine (never Docker), one ESM file per function with
// its dependencies, the AWS SDK included. Used by apsync-function.ts; test/bench/bundles.ts measures
// the output of the same synthesis.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * CommonJS dependencies bundled into an ES module still call `require` for Node built-ins; esbuild's
 * shim needs a real `require` in scope.
 */
export const esmRequireBanner =
  "import { createRequire as __apsyncCreateRequire } from 'node:module';" +
  'const require = __apsyncCreateRequire(import.meta.url);';

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

export const bundlingOptions: BundlingOptions = {
  // Local esbuild (a devDependency): synth works offline and without Docker.
  forceDockerBundling: false,
  format: OutputFormat.ESM, // written as index.mjs
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  minify: true,
  // Stack traces in the logs point at the TypeScript sources (NODE_OPTIONS=--enable-source-maps);
  // without the sources' text, the map stays small (and smaller still once trimmed, below).
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // Bundle the SDK clients we use instead of the runtime's copy: the version we tested is the one that
  // runs, and tree-shaking keeps only what is imported (faster cold start than loading the full SDK).
  bundleAwsSDK: true,
  externalModules: [],
  esbuildArgs: { '--alias': builtinAliases() },
  // The map keeps apsync's own sources only (trim-source-map.ts): Node parses the whole map at every cold
  // start, and a dependency's frame pointed at its dist file, not at TypeScript anyway.
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      `"${process.execPath}" "${inputDir}/infra/cdk/trim-source-map.ts" "${outputDir}/index.mjs.map"`,
    ],
  },
};
