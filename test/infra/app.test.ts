// The CDK app entry (infra/cdk/app.ts) run the way the CDK CLI runs it: context in CDK_CONTEXT_JSON,
// output in CDK_OUTDIR. With today's tree it deploys what exists, notes what it skipped, bundles for
// real and passes the nag packs it registers; a bad setting stops it with the key's name.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/cdk/build-app.ts';
import { functionRegistry } from '../../shared/function-registry.ts';
import { type CfnTemplate, resourcesOfType } from './synthesis.ts';

const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};
const outdirs: string[] = [];

function runApp(extraContext: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'apsync-cdk-'));
  outdirs.push(outdir);
  const result = spawnSync(process.execPath, ['infra/cdk/app.ts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, ...extraContext }),
    },
  });
  return { ...result, outdir };
}

let synth: ReturnType<typeof runApp>;

beforeAll(() => {
  synth = runApp({
    'apsync.netsuite.accountId': '7654321',
    'apsync.netsuite.timeZone': 'America/Los_Angeles',
    'apsync.procurify.domain': 'acme',
  });
});

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('infra/cdk/app.ts', () => {
  it('synthesizes both stacks with the nag packs registered and nothing to report', () => {
    expect(synth.status, synth.stderr).toBe(0);
    expect(readdirSync(synth.outdir)).toEqual(
      expect.arrayContaining([
        'apsync-stateful.template.json',
        'apsync-service.template.json',
        'manifest.json',
      ]),
    );
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('deploys the functions that exist and notes each one it skipped', () => {
    const service = JSON.parse(
      readFileSync(join(synth.outdir, 'apsync-service.template.json'), 'utf8'),
    ) as CfnTemplate;
    const deployed = resourcesOfType(service, 'AWS::Lambda::Function').map(
      ([, f]) => f.Properties.FunctionName,
    );
    expect(deployed).toContain('apsync-webhook-ingest');
    for (const definition of functionRegistry) {
      if (existsSync(join(projectRoot, definition.entry))) {
        expect(deployed).toContain(`apsync-${definition.name}`);
      } else {
        expect(deployed).not.toContain(`apsync-${definition.name}`);
        expect(synth.stderr).toContain(
          `function ${definition.name} skipped: ${definition.entry} does not exist yet`,
        );
      }
    }
    // The single-key context override reached the function environment.
    expect(JSON.stringify(service)).toContain(
      '"APSYNC_NETSUITE_BASE_URL":"https://7654321.suitetalk.api.netsuite.com"',
    );
    // So did the NetSuite time zone, and the Procurify sub-domain became its host.
    expect(JSON.stringify(service)).toContain('"APSYNC_NETSUITE_TIME_ZONE":"America/Los_Angeles"');
    expect(JSON.stringify(service)).toContain('"APSYNC_PROCURIFY_BASE_URL":"https://acme.procurify.com"');
    // Real bundling: the ingest function's asset holds an ESM bundle.
    const assets = readdirSync(synth.outdir).filter((name) => name.startsWith('asset.'));
    expect(assets.some((dir) => readdirSync(join(synth.outdir, dir)).includes('index.mjs'))).toBe(true);
  });

  it('stops with the bad key named, before building anything', () => {
    const bad = runApp({ 'apsync.schedules.paidBillPullMinutes': '0' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('apsync.schedules.paidBillPullMinutes:');
    expect(readdirSync(bad.outdir).filter((name) => name.endsWith('.template.json'))).toEqual([]);
  });

  it('refuses a Procurify host for the domain and a time zone abbreviation, naming the expected forms', () => {
    const bad = runApp({
      'apsync.procurify.domain': 'acme.procurify.com',
      'apsync.netsuite.timeZone': 'PST',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      'apsync.procurify.domain: must be the sub-domain only, like "acme" (for acme.procurify.com); got "acme.procurify.com"',
    );
    expect(bad.stderr).toContain('apsync.netsuite.timeZone: must be an IANA time zone name such as');
    expect(bad.stderr).toContain('got "PST"');
  });
});
