// `npm run soak` (npx node test/soak/main.ts [--operations 3000] [--seed N] [--small] [--json FILE]
// [--verbose]): the full soak with faults on local mode; prints the report and exits 1 when an invariant
// fails. `--small` runs the preset of the small version inside `npm test` (200 operations by default).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    operations: { type: 'string' },
    seed: { type: 'string' },
    small: { type: 'boolean', default: false },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const operations = Number(values.operations ?? (values.small ? 200 : 3000));
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(operations) || operations < 1 || !Number.isInteger(seed)) {
  console.error(
    'usage: npx node test/soak/main.ts [--operations N] [--seed N] [--small] [--json FILE] [--verbose]',
  );
  process.exit(2);
}

// The handlers log every retry and print metrics: the report is the output here. Set before they load.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = values.verbose ? 'WARN' : 'SILENT';

const { fullSoak, smallSoak } = await import('./presets.ts');
const { runSoak } = await import('./run-soak.ts');
const { renderSoakReport } = await import('./soak-report.ts');
const { logger } = await import('../../shared/observability.ts');
logger.setLogLevel(values.verbose ? 'WARN' : 'SILENT');

const options = values.small ? smallSoak(seed, operations) : fullSoak(seed, operations);
console.log(`apsync soak: seed ${seed}, ${operations} operations (rerun with --seed ${seed})`);
const report = await runSoak({
  ...options,
  log: (line) => console.log(`  [${new Date().toISOString().slice(11, 19)}] ${line}`),
});
process.stdout.write(renderSoakReport(report));
if (values.json !== undefined) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
}
process.exit(report.failures === 0 ? 0 : 1);
