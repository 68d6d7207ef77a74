// Bundle benchmark (`npx node test/bench/bundles.ts`): synthesizes the service stack as `cdk synth` does
// (same registry filter, same NodejsFunction bundling by local esbuild), then for every deployed
// function prints the bundle size and its module initialisation time: the bundle is imported in a fresh
// `node` process with the environment the stack gives it and the variables Lambda's runtime adds
// (AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT, the X-Ray daemon's address: with them Powertools' Tracer loads
// the X-Ray SDK, as it does on Lambda with active tracing),
// every AWS endpoint pointing at nothing; the import runs the composition root and builds the handler
// (index.ts), as Lambda's init phase does.
// Init is timed on the wall clock and as the process's CPU time (user + system) over the import: on a
// machine shared with other work the wall time grows with the load, the CPU time much less.
// A bundle is index.mjs and the files esbuild split off at dynamic imports (infra/cdk/split-bundle.ts):
// its size counts them all; "static" counts index.mjs and the files it imports statically, which Node
// reads and compiles before the handler exists (so does the Tracer's file where tracing is on: it is
// loaded by shared/observability.ts's dynamic import, and not counted there).
// Goals: bundle < 1 MB, init < 150 ms.
// APSYNC_BENCH_RUNS sets the imports per function (default 7); APSYNC_BENCH_ONLY=<name>[,<name>…] measures
// those functions only (the synthesis still bundles them all).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp, projectRoot } from '../../infra/cdk/build-app.ts';
import { readConfiguration } from '../../infra/cdk/config.ts';
import { operatorConsoleDefinition } from '../../shared/function-registry.ts';

const goals = { bundleBytes: 1024 * 1024, initMs: 150 };
const runs = Number(process.env.APSYNC_BENCH_RUNS ?? 7);
const only = process.env.APSYNC_BENCH_ONLY?.split(',').map((name) => name.trim());

/** Stand-ins for the pseudo parameters CloudFormation fills in at deploy time. */
const pseudoParameters: Record<string, string> = {
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::Partition': 'aws',
};

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(toText).join(separator);
    }
    if ('Ref' in record) return pseudoParameters[String(record.Ref)] ?? 'unresolved';
  }
  return String(value);
}

/** Runs in the child: wall and CPU time from before `import()` to a loaded module with a `handler`. */
const probe = `
const cpu = process.cpuUsage();
const started = performance.now();
const module = await import(process.argv[1]);
const elapsed = performance.now() - started;
const used = process.cpuUsage(cpu);
if (typeof module.handler !== 'function') { console.error('no handler export'); process.exit(2); }
process.stdout.write(JSON.stringify({ ms: elapsed, cpuMs: (used.user + used.system) / 1000 }));
`;

interface InitTiming {
  ms: number;
  cpuMs: number;
}

/** One import of the bundle in a fresh node process. */
function measureInit(bundle: string, environment: Record<string, string>, memoryMb: number): InitTiming {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', probe, pathToFileURL(bundle).href],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        ...environment,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
        AWS_SECRET_ACCESS_KEY: 'benchmark',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_LAMBDA_FUNCTION_NAME: environment.POWERTOOLS_SERVICE_NAME ?? 'bench',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
        LAMBDA_TASK_ROOT: dirname(bundle),
        AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:9',
        AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      },
    },
  );
  if (child.status !== 0) throw new Error(`importing ${bundle} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as InitTiming;
}

/** index.mjs and the files it imports statically, theirs and so on (esbuild's chunks: `from"./x.mjs"`). */
function loadedAtInit(directory: string): string[] {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    const source = readFileSync(join(directory, file), 'utf8');
    for (const [, chunk] of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.mjs)"/g)) visit(chunk!);
  };
  visit('index.mjs');
  return [...loaded];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const outdir = mkdtempSync(join(tmpdir(), 'apsync-bundles-'));
try {
  const app = new App({ outdir });
  const context = app.node.getAllContext() as Record<string, unknown>;
  // cdk.json's context, as the CDK CLI would pass it, under anything given in CDK_CONTEXT_JSON.
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const merged = { ...cdkJson.context, ...context };
  const config = readConfiguration((key) => merged[key], Object.keys(merged));
  const built = buildApp(app, { config });
  for (const note of built.notes.filter((n) => n.includes('skipped'))) process.stderr.write(`${note}\n`);

  // Every deployed function: the registry's, and the operator console where the stack has one.
  const operatorConsole = built.service.operatorConsole;
  const deployed = [
    ...built.service.functions.values(),
    ...(operatorConsole === undefined
      ? []
      : [{ definition: operatorConsoleDefinition, construct: operatorConsole.function }]),
  ].filter(({ definition }) => only === undefined || only.includes(definition.name));
  const unknown = only?.filter((name) => !deployed.some(({ definition }) => definition.name === name));
  if (unknown !== undefined && unknown.length > 0) {
    throw new Error(`APSYNC_BENCH_ONLY names no deployed function: ${unknown.join(', ')}`);
  }
  const bundles = deployed.map(({ definition, construct }) => {
    const cfn = construct.function.node.defaultChild as CfnFunction;
    const variables = (
      Stack.of(construct).resolve(cfn.environment) as { variables?: Record<string, unknown> }
    ).variables;
    const environment = Object.fromEntries(Object.entries(variables ?? {}).map(([k, v]) => [k, toText(v)]));
    const bundle = join(construct.bundleDirectory, 'index.mjs');
    const sizeOf = (files: string[]) =>
      files.reduce((sum, file) => sum + statSync(join(construct.bundleDirectory, file)).size, 0);
    const bytes = sizeOf(readdirSync(construct.bundleDirectory).filter((file) => file.endsWith('.mjs')));
    const atInit = loadedAtInit(construct.bundleDirectory);
    const initBytes = sizeOf(atInit);
    const mapBytes = sizeOf(atInit.map((file) => `${file}.map`));
    return { definition, bundle, environment, bytes, initBytes, mapBytes };
  });
  // The imports run in rounds, one of each function per round, so a spell of load on the machine (another
  // process, a flush to disk) lands on every function's runs alike rather than on one function's run of
  // consecutive imports.
  const timings = bundles.map((): InitTiming[] => []);
  for (let round = 0; round < runs; round += 1) {
    bundles.forEach(({ definition, bundle, environment }, index) => {
      timings[index]!.push(measureInit(bundle, environment, definition.memoryMb));
    });
  }
  const rows = bundles.map(({ definition, bytes, initBytes, mapBytes }, index) => {
    const wall = timings[index]!.map((timing) => timing.ms);
    return {
      name: definition.name,
      bytes,
      initBytes,
      mapBytes,
      median: median(wall),
      min: Math.min(...wall),
      max: Math.max(...wall),
      cpuMedian: median(timings[index]!.map((timing) => timing.cpuMs)),
    };
  });

  const header = [
    'function',
    'bundle KiB',
    'static KiB',
    'their maps KiB',
    'init ms (median)',
    'min',
    'max',
    'init CPU ms (median)',
    `goal <1 MiB, <${goals.initMs} ms`,
  ];
  const lines = rows.map((row) => [
    row.name,
    (row.bytes / 1024).toFixed(1),
    (row.initBytes / 1024).toFixed(1),
    (row.mapBytes / 1024).toFixed(1),
    row.median.toFixed(1),
    row.min.toFixed(1),
    row.max.toFixed(1),
    row.cpuMedian.toFixed(1),
    row.bytes < goals.bundleBytes && row.median < goals.initMs ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(
    `Bundles as \`cdk synth\` builds them; init = import() in a fresh node ${process.version}, ${runs} runs; ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(', ')} (${cpus().length} CPUs)`,
  );
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
  if (process.env.APSYNC_BENCH_FIGURES === '1') {
    const figures = { runs, goals, loadAverage: loadavg(), functions: rows };
    console.log(`@@figures ${JSON.stringify(figures)}`);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
