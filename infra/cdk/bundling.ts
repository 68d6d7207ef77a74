// How every function is bundled: esbuild on this machine (never Docker), ESM with its dependencies, the
// AWS SDK included: the CDK's esbuild pass is replaced by split-bundle.ts, which builds the bundle with
// code splitting in its place (index.mjs and the files only a dynamic import loads). Used by
// apsync-function.ts; test/bench/bundles.ts measures the output of the same synthesis.
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { builtinAliases, bundleMainFields, bundleTarget, esmRequireBanner } from './esbuild-options.ts';

/**
 * A function's bundling. `entry` is its entry relative to the project root (the registry's `entry`);
 * the CDK runs the hook there.
 */
export function bundlingFor(entry: string): BundlingOptions {
  return {
    // Local esbuild (a devDependency): synth works offline and without Docker.
    forceDockerBundling: false,
    format: OutputFormat.ESM, // written as index.mjs
    target: bundleTarget,
    mainFields: bundleMainFields,
    banner: esmRequireBanner,
    minify: true,
    // Stack traces in the logs point at the TypeScript sources (shared/lambda/source-mapped-stack-traces.ts
    // reads the map when a stack is formatted); without the sources' text, the map stays small (and smaller
    // still once trimmed: split-bundle.ts).
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: false,
    // Bundle the SDK clients we use instead of the runtime's copy: the version we tested is the one that
    // runs, and tree-shaking keeps only what is imported (faster cold start than loading the full SDK).
    bundleAwsSDK: true,
    externalModules: [],
    // The CDK's own esbuild pass leaves packages out (`--packages=external`): its file is replaced by the
    // hook's build below, which bundles them; without them the pass takes a fraction of the time.
    esbuildArgs: { '--alias': builtinAliases(), '--packages': 'external' },
    // The bundle that ships: the same options with code splitting (esbuild-options.ts), in place of the
    // file written above.
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        `"${process.execPath}" "${inputDir}/infra/cdk/split-bundle.ts" "${inputDir}/${entry}" "${outputDir}"`,
      ],
    },
  };
}
