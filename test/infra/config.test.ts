// The deployment configuration (infra/cdk/config.ts) and the NetSuite concurrency split: defaults,
// command-line and JSON overrides, and errors that name the bad key. No synthesis.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  netSuiteBaseUrl,
  parseConfiguration,
  readConfiguration,
} from '../../infra/cdk/config.ts';
import { allocateNetSuiteConcurrency } from '../../infra/cdk/netsuite-concurrency.ts';
import { functionRegistry } from '../../shared/function-registry.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

function fromContext(context: Record<string, unknown>) {
  return readConfiguration((key) => context[key], Object.keys(context));
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('configuration', () => {
  it('accepts the cdk.json defaults as a first deploy', () => {
    expect(cdkJson.app).toBe('node infra/cdk/app.ts');
    const config = fromContext(cdkJson.context);
    expect(config).toMatchObject({
      prefix: 'apsync',
      paymentMode: 'push',
      schedules: { netsuitePollMinutes: 15, procurifyPollMinutes: 5, paidBillPullMinutes: 60 },
      retention: { logDays: 30, auditDays: 400, idempotencyDays: 7 },
      netsuite: { concurrencyShare: 4, subsidiaries: [], timeZone: 'UTC' },
    });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.netsuite.accountId).toBeUndefined();
  });

  it('applies -c apsync.some.key=value overrides (strings from the command line) over cdk.json', () => {
    const config = fromContext({
      ...cdkJson.context,
      'apsync.schedules.procurifyPollMinutes': '10',
      'apsync.netsuite.accountId': '1234567_SB1',
      'apsync.netsuite.subsidiaries': '1, 3',
      'apsync.alarmEmail': 'ops@example.com',
      'apsync.paymentMode': 'pull',
    });
    expect(config.schedules).toEqual({
      netsuitePollMinutes: 15,
      procurifyPollMinutes: 10,
      paidBillPullMinutes: 60,
      reconcileMinutes: 1440,
      reconcileEnabled: true,
      failureDigestMinutes: 1440,
    });
    expect(config.netsuite.subsidiaries).toEqual(['1', '3']);
    expect(config.paymentMode).toBe('pull');
    expect(config.alarmEmail).toBe('ops@example.com');
    expect(netSuiteBaseUrl(config)).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
  });

  it('deep-merges a JSON override (-c apsyncOverride=...) and then the single-key overrides', () => {
    const config = fromContext({
      ...cdkJson.context,
      apsyncOverride: JSON.stringify({ prefix: 'apsync-dev', retention: { logDays: 90 } }),
      'apsync.retention.auditDays': '30',
    });
    expect(config.prefix).toBe('apsync-dev');
    expect(config.retention).toEqual({ logDays: 90, auditDays: 30, idempotencyDays: 7 });
  });

  it('names the bad key in its error', () => {
    expect(
      errorOf(() => fromContext({ ...cdkJson.context, 'apsync.schedules.procurifyPollMinutes': 'soon' })),
    ).toMatch(/apsync\.schedules\.procurifyPollMinutes: /);
    expect(errorOf(() => fromContext({ ...cdkJson.context, 'apsync.retention.logDays': '31' }))).toMatch(
      /apsync\.retention\.logDays: must be one of CloudWatch's retention values/,
    );
    expect(errorOf(() => fromContext({ ...cdkJson.context, 'apsync.paymentMode': 'both' }))).toMatch(
      /apsync\.paymentMode: /,
    );
    expect(errorOf(() => parseConfiguration({ prefix: 'Apsync!' }))).toMatch(/apsync\.prefix: must be 1-20/);
    expect(
      errorOf(() => parseConfiguration({ prefix: 'apsync', netsuite: { concurrencyShare: 1 } })),
    ).toMatch(/apsync\.netsuite\.concurrencyShare: /);
    expect(errorOf(() => parseConfiguration({ prefix: 'apsync', alarmEmail: 'ops' }))).toMatch(
      /apsync\.alarmEmail: must be an e-mail address/,
    );
    expect(
      errorOf(() => parseConfiguration({ prefix: 'apsync', netsuite: { baseUrl: 'http://x.example' } })),
    ).toMatch(/apsync\.netsuite\.baseUrl: must be an https URL/);
    expect(errorOf(() => parseConfiguration({ prefix: 'apsync', schedule: {} }))).toMatch(
      /apsync: .*"schedule"/,
    );
    expect(errorOf(() => fromContext({ apsyncOverride: '{not json' }))).toMatch(
      /apsyncOverride: is not valid JSON/,
    );
  });

  it('reads the NetSuite time zone as an IANA name, and refuses abbreviations and offsets by name', () => {
    expect(parseConfiguration({ prefix: 'apsync' }).netsuite.timeZone).toBeUndefined();
    expect(
      fromContext({ ...cdkJson.context, 'apsync.netsuite.timeZone': 'America/Los_Angeles' }).netsuite
        .timeZone,
    ).toBe('America/Los_Angeles');
    for (const zone of ['UTC', 'Europe/Berlin', 'Etc/GMT+8', 'Asia/Kolkata']) {
      expect(parseConfiguration({ prefix: 'apsync', netsuite: { timeZone: zone } }).netsuite.timeZone).toBe(
        zone,
      );
    }
    for (const zone of ['PST', 'EST', '+08:00', 'UTC-8', 'Pacific Time', 'America/Vancouverx', 'GMT']) {
      expect(errorOf(() => parseConfiguration({ prefix: 'apsync', netsuite: { timeZone: zone } }))).toContain(
        `apsync.netsuite.timeZone: must be an IANA time zone name such as America/Los_Angeles, Europe/Berlin or UTC (not an abbreviation or an offset), got ${JSON.stringify(zone)}`,
      );
    }
  });

  it('reads the Procurify domain as the sub-domain only, naming the expected form for a host', () => {
    expect(parseConfiguration({ prefix: 'apsync', procurify: { domain: 'acme' } }).procurify.domain).toBe(
      'acme',
    );
    expect(
      parseConfiguration({ prefix: 'apsync', procurify: { domain: 'Acme-Corp' } }).procurify.domain,
    ).toBe('acme-corp');
    expect(
      fromContext({ ...cdkJson.context, 'apsync.procurify.domain': '' }).procurify.domain,
    ).toBeUndefined();
    for (const host of ['acme.procurify.com', 'https://acme.procurify.com', 'https://acme.procurify.com/']) {
      expect(errorOf(() => fromContext({ ...cdkJson.context, 'apsync.procurify.domain': host }))).toContain(
        `apsync.procurify.domain: must be the sub-domain only, like "acme" (for acme.procurify.com); got ${JSON.stringify(host)}`,
      );
    }
    for (const bad of ['acme.example.com', '-acme', 'acme_corp', 'ac me']) {
      expect(errorOf(() => parseConfiguration({ prefix: 'apsync', procurify: { domain: bad } }))).toContain(
        `apsync.procurify.domain: must be the sub-domain only, like "acme" (for acme.procurify.com): letters, digits and "-"; got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('prefers an explicit NetSuite base URL and drops its trailing slash', () => {
    const config = parseConfiguration({
      prefix: 'apsync',
      netsuite: { accountId: '1234567', baseUrl: 'https://1234567.suitetalk.api.netsuite.com/' },
    });
    expect(netSuiteBaseUrl(config)).toBe('https://1234567.suitetalk.api.netsuite.com');
    expect(netSuiteBaseUrl(parseConfiguration({ prefix: 'apsync' }))).toBeUndefined();
  });
});

describe('NetSuite concurrency split', () => {
  const workers = functionRegistry.filter((d) => d.netsuite !== undefined && d.trigger.startsWith('queue:'));

  it('splits the share among the NetSuite queue workers and gives every instance one permit', () => {
    const allocation = allocateNetSuiteConcurrency(12, functionRegistry);
    for (const worker of workers) {
      expect(allocation.allotments.get(worker.name)).toEqual({ maxConcurrency: 4, permitsPerInstance: 1 });
    }
    expect(allocation.plannedInstances).toBe(12);
    expect(allocation.shortfall).toBeUndefined();
    expect(allocation.allotments.get('netsuite-poll')).toEqual({
      maxConcurrency: undefined,
      permitsPerInstance: 1,
    });
    expect(allocation.allotments.has('procurify-poll')).toBe(false);
    expect(allocation.allotments.has('webhook-ingest')).toBe(false);
  });

  it('never goes below the SQS minimum of 2 and says so when the share is too small for it', () => {
    const allocation = allocateNetSuiteConcurrency(4, functionRegistry);
    for (const worker of workers) expect(allocation.allotments.get(worker.name)?.maxConcurrency).toBe(2);
    expect(allocation.shortfall).toMatch(/share 4 is below the 6 instances/);
    expect(
      allocateNetSuiteConcurrency(
        4,
        functionRegistry.filter((d) => d.name !== 'inbound-worker'),
      ).shortfall,
    ).toBeUndefined();
  });
});
