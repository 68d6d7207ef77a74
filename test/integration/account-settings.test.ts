// Issue 10 §3 on one machine: local mode with APSYNC_NETSUITE_TIME_ZONE set (the NetSuite sandbox then
// plays a Pacific-time account): the scheduled NetSuite poll checks the zone against the account and
// polls in it, a poll configured with another zone fails naming the fix and leaves its watermarks, the
// backfill's `--since` day is the account's; `apsync secrets set procurify` takes the sub-domain only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOutputSchema } from '../../infra/cli/output-schemas.ts';
import { localFunctions, type ScheduledHandler } from '../../infra/local/functions.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { type PublishedLocalStack, publishLocalStack } from '../../infra/local/publish.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { formatUtcOffset, offsetMinutesAt } from '../../shared/netsuite-poll/account-time.ts';
import { instantToWallTime, type PollMasterDataSummary } from '../../shared/netsuite-poll/index.ts';
import { settingNames } from '../../shared/resources.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { runCliCaptured } from '../support/cli-in-process.ts';

const pacific = 'America/Los_Angeles';

let stack: LocalStack;
let published: PublishedLocalStack;
let dataDir: string;
let state: DynamoStateStore;
let secrets: SecretsManagerClient;
let currencyId = '';
let subsidiaryId = '';

beforeAll(async () => {
  stack = await startLocalStack({ settings: { netsuiteTimeZone: pacific, retryBaseSeconds: '0' } });
  // Every notice is lost: only the poll brings changes.
  stack.netsuite.setConfig({ webhook: null });
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-account-settings-'));
  published = await publishLocalStack(stack, {
    dataDir,
    ephemeral: false,
    demo: false,
    scheduleRates: {},
    settings: { [settingNames.netsuiteTimeZone]: pacific, [settingNames.retryBaseSeconds]: '0' },
  });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  secrets = new SecretsManagerClient(stack.aws.clientConfig('secretsManager'));
  stack.procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
  currencyId =
    stack.netsuite.seed({ records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] } })
      .created.currency?.[0] ?? '';
  subsidiaryId =
    stack.netsuite.seed({
      records: { subsidiary: [{ name: 'Parent Company', currency: { id: currencyId } }] },
    }).created.subsidiary?.[0] ?? '';
});

afterAll(async () => {
  secrets?.destroy();
  await published?.unpublish();
  await stack?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

function createVendor(companyName: string): string {
  return stack.netsuite.userCreate('vendor', {
    subsidiary: { id: subsidiaryId },
    currency: { id: currencyId },
    companyName,
  }).id;
}

/** The sandbox's record-API instant of a vendor, as SuiteQL shows it in the Pacific account. */
const pacificWallTimeOf = (id: string) =>
  instantToWallTime(new Date(stack.netsuite.store.get('vendor', id)?.lastModifiedDate ?? ''), pacific);

async function runScheduledPoll(): Promise<PollMasterDataSummary> {
  const run = await stack.scheduler.runNow('netsuitePoll');
  if (run.outcome !== 'succeeded') throw new Error(`poll failed: ${run.error}`);
  return run.result as PollMasterDataSummary;
}

async function cli(argv: readonly string[], stdin?: string) {
  return runCliCaptured(['--data-dir', dataDir, ...argv], {
    cwd: dataDir,
    ...(stdin === undefined ? {} : { stdin }),
  });
}

describe('NetSuite time zone', () => {
  it('reaches the poll function, which checks it against the account and polls in it', async () => {
    expect(stack.env[settingNames.netsuiteTimeZone]).toBe(pacific);
    const id = createVendor('Pacific Supplies');
    // The first run starts one overlap before "now" in the account's zone: in UTC it would start
    // seven or eight hours after the vendor's wall time and see nothing.
    const summary = await runScheduledPoll();
    const sampleInstant = new Date(summary.timeZoneCheck?.sample?.instant ?? '');
    expect(summary.timeZoneCheck).toEqual({
      timeZone: pacific,
      outcome: 'matches',
      sample: {
        recordType: 'vendor',
        id,
        wallTime: pacificWallTimeOf(id),
        instant: stack.netsuite.store.get('vendor', id)?.lastModifiedDate,
      },
      accountOffset: formatUtcOffset(offsetMinutesAt(sampleInstant, pacific)),
    });
    expect(summary.complete).toBe(true);
    expect(summary.recordTypes.vendor).toMatchObject({ enqueued: 1, watermarkAfter: pacificWallTimeOf(id) });
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe(pacificWallTimeOf(id));
  });

  it('fails a poll set to another zone with the fix named, and leaves its watermarks', async () => {
    const watermark = await state.getWatermark('netsuite-poll:vendor');
    const utcPoll = localFunctions['netsuite-poll']!.create({
      ...stack.env,
      [settingNames.netsuiteTimeZone]: 'UTC',
    }) as ScheduledHandler;
    const run = utcPoll(
      { scheduledTime: new Date().toISOString(), schedule: 'netsuitePoll' },
      createLambdaContext('netsuite-poll', 300_000),
    );
    await expect(run).rejects.toThrow(
      /^NetSuite shows times in another time zone than apsync is set to: vendor \d+ .* the configured NetSuite time zone "UTC" was UTC\+00:00 then\. Set apsync\.netsuite\.timeZone in cdk\.json \(APSYNC_NETSUITE_TIME_ZONE in local mode\) .*America\/Los_Angeles.*The poll does not run until they agree/,
    );
    await expect(run).rejects.toMatchObject({ errorClass: 'data', code: 'ACCOUNT_TIME_ZONE_MISMATCH' });
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe(watermark);

    // The configured (Pacific) function goes on from the same watermark.
    const id = createVendor('After The Mismatch');
    const summary = await runScheduledPoll();
    expect(summary.timeZoneCheck?.outcome).toBe('matches');
    expect(summary.recordTypes.vendor).toMatchObject({ enqueued: 1, watermarkBefore: watermark });
    expect(summary.recordTypes.vendor?.watermarkAfter).toBe(pacificWallTimeOf(id));
  });

  it("reads the backfill's --since day as midnight in the account's zone", async () => {
    // 05:00 UTC on 10 March 2024 is still the 9th in Los Angeles (21:00 PST); 09:00 UTC is 01:00 PST.
    const seeded = stack.netsuite.seed({
      records: {
        vendor: ['2024-03-10T05:00:00Z', '2024-03-10T09:00:00Z'].map((lastModifiedDate, index) => ({
          companyName: `Backfill ${index}`,
          subsidiary: { id: subsidiaryId },
          lastModifiedDate,
        })),
      },
    });
    expect(seeded.created.vendor).toHaveLength(2);
    const run = await cli(['backfill', '--since', '2024-03-10', '--json']);
    expect(run.code, run.err).toBe(0);
    const output = backfillOutputSchema.parse(JSON.parse(run.out));
    const sincePacificMidnight = stack.netsuite.store
      .list('vendor')
      .filter((vendor) => vendor.lastModifiedDate >= '2024-03-10T08:00:00Z');
    expect(sincePacificMidnight).toHaveLength(stack.netsuite.store.list('vendor').length - 1);
    expect(output.enqueued.vendor).toBe(sincePacificMidnight.length);
  });

  it('refuses an abbreviation in local mode before anything runs, naming the variable', async () => {
    await expect(startLocalStack({ settings: { netsuiteTimeZone: 'PST' } })).rejects.toThrow(
      'APSYNC_NETSUITE_TIME_ZONE: must be an IANA time zone name such as America/Los_Angeles, Europe/Berlin or UTC (not an abbreviation or an offset), got "PST"',
    );
  });
});

describe('Procurify domain', () => {
  it('is stored by apsync secrets set as the sub-domain, and a host is refused with the form expected', async () => {
    const name = stack.aws.names.secrets.procurify;
    const original = (await secrets.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? '';
    const sandboxSecret = JSON.parse(original) as Record<string, unknown>;
    try {
      const host = await cli(
        ['secrets', 'set', 'procurify'],
        JSON.stringify({ ...sandboxSecret, domain: 'demo.procurify.com' }),
      );
      expect(host.code).toBe(1);
      expect(host.err).toBe(
        'error: the Procurify credentials are not valid: domain: must be the sub-domain only, like "demo" (for demo.procurify.com); got "demo.procurify.com"\n',
      );
      const stored = await cli(
        ['secrets', 'set', 'procurify'],
        JSON.stringify({ ...sandboxSecret, domain: 'Demo' }),
      );
      expect(stored.code, stored.err).toBe(0);
      const value = (await secrets.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? '';
      expect(JSON.parse(value)).toEqual({ ...sandboxSecret, domain: 'demo' });
    } finally {
      await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: original }));
    }
  });
});
