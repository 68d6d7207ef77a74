// Checks the NetSuite user-event script (infra/netsuite-script/apsync_record_event_ue.js): what it
// would POST verifies with the standardwebhooks library against apsync's secret, carries exactly the notice
// schema, and the script never throws. The real file is loaded in a VM with fakes of the N/* modules.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordEventNoticeSchema } from '../../shared/events/record-event-notice.ts';
import { acceptRecordEvent } from '../../shared/ingest/accept-record-event.ts';
import { type ApiSecrets, createFakeCrypto, createFakeRandom } from '../support/netsuite-modules/crypto.ts';
import { createFakeEncode } from '../support/netsuite-modules/encode.ts';
import { createFakeHttps, type PostedRequest, type Responder } from '../support/netsuite-modules/https.ts';
import { loadSuiteScript } from '../support/netsuite-modules/loader.ts';
import { createFakeLog } from '../support/netsuite-modules/log.ts';
import { fakeRecord } from '../support/netsuite-modules/record.ts';
import { ContextType, createFakeRuntime, type RuntimeState } from '../support/netsuite-modules/runtime.ts';

const scriptPath = fileURLToPath(
  new URL('../../infra/netsuite-script/apsync_record_event_ue.js', import.meta.url),
);

const recordTypes = ['vendor', 'account', 'department', 'vendorbill', 'vendorpayment'] as const;
const eventTypes = ['create', 'edit', 'xedit', 'delete', 'paybills'] as const;
const noticeFields = ['eventId', 'accountId', 'recordType', 'recordId', 'eventType', 'lastModified'];
const eventsUrl = 'https://abc123.execute-api.us-east-1.amazonaws.com/netsuite/events';
const apsyncRole = 1042;
const apsyncUser = 77;

type FakeRecord = ReturnType<typeof fakeRecord>;
interface UserEventContext {
  type: string | undefined;
  newRecord: FakeRecord | null;
  oldRecord: FakeRecord | null;
}
interface EntryPoints {
  afterSubmit(context: UserEventContext): unknown;
}

/** A Standard Webhooks secret as apsync stores it: `whsec_` + base64 of the key bytes. */
function newApsyncSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** What the install notes tell the engineer to paste into the NetSuite API Secret: the part after `whsec_`. */
function netsuiteSecretValue(apsyncSecret: string): string {
  return apsyncSecret.slice('whsec_'.length);
}

function account(options: { apsyncSecret?: string; netsuiteValue?: string; responder?: Responder } = {}) {
  const apsyncSecret = options.apsyncSecret ?? newApsyncSecret();
  const apiSecrets: ApiSecrets = new Map([
    ['custsecret_apsync_webhook', options.netsuiteValue ?? netsuiteSecretValue(apsyncSecret)],
  ]);
  const state: RuntimeState = {
    accountId: '1234567_SB1',
    executionContext: ContextType.USER_INTERFACE,
    user: { id: 5, role: 3 },
    parameters: {
      custscript_apsync_url: eventsUrl,
      custscript_apsync_secret_id: 'custsecret_apsync_webhook',
      custscript_apsync_integration_role: String(apsyncRole),
      custscript_apsync_integration_user: null,
    },
  };
  const https = createFakeHttps(options.responder);
  const log = createFakeLog();
  const script = loadSuiteScript<EntryPoints>(scriptPath, {
    'N/https': https.module,
    'N/crypto': createFakeCrypto(apiSecrets),
    'N/crypto/random': createFakeRandom(),
    'N/encode': createFakeEncode(),
    'N/runtime': createFakeRuntime(state),
    'N/log': log.module,
  });
  return { apsyncSecret, apiSecrets, state, https, log, script, afterSubmit: script.entryPoints.afterSubmit };
}

function contextFor(type: string | undefined, record: FakeRecord): UserEventContext {
  // afterSubmit of a delete carries the deleted record as oldRecord.
  return type === 'delete'
    ? { type, newRecord: null, oldRecord: record }
    : { type, newRecord: record, oldRecord: null };
}

/** Verifies a request as the ingest Lambda will, with the standardwebhooks library; returns the parsed notice. */
function verified(apsyncSecret: string, request: PostedRequest): Record<string, unknown> {
  return new Webhook(apsyncSecret).verify(request.body, request.headers) as Record<string, unknown>;
}

function onlyRequest(requests: PostedRequest[]): PostedRequest {
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

describe('apsync_record_event_ue.js: the file NetSuite runs', () => {
  const source = readFileSync(scriptPath, 'utf8');

  it('declares a SuiteScript 2.1 user-event script with its modules', () => {
    expect(source).toMatch(/@NApiVersion 2\.1\b/);
    expect(source).toMatch(/@NScriptType UserEventScript\b/);
    expect(source).toMatch(/@NModuleScope SameAccount\b/);
    const { script } = account();
    expect(script.dependencies).toEqual([
      'N/https',
      'N/crypto',
      'N/crypto/random',
      'N/encode',
      'N/runtime',
      'N/log',
    ]);
    expect(Object.keys(script.entryPoints)).toEqual(['afterSubmit']);
  });
});

describe('notices for every record type and event type', () => {
  for (const recordType of recordTypes) {
    for (const eventType of eventTypes) {
      it(`${eventType} on ${recordType}: signed, verifiable, exactly the notice schema`, () => {
        const { apsyncSecret, https, afterSubmit } = account();
        const modified = new Date('2026-01-31T10:15:00.000Z');
        const record = fakeRecord({ type: recordType, id: 4321, values: { lastmodifieddate: modified } });
        const before = Date.now();

        expect(afterSubmit(contextFor(eventType, record))).toBeUndefined();

        const request = onlyRequest(https.requests);
        expect(request.url).toBe(eventsUrl);
        expect(request.headers['content-type']).toBe('application/json');
        const notice = verified(apsyncSecret, request);
        expect(Object.keys(notice)).toEqual(noticeFields);
        expect(notice).toMatchObject({ accountId: '1234567_SB1', recordType, recordId: '4321', eventType });
        expect(notice.eventId).toBe(request.headers['webhook-id']);
        expect(notice.eventId).toMatch(/^evt_\d{13}_[0-9a-f]{32}$/);
        const timestamp = Number(request.headers['webhook-timestamp']);
        expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000));
        expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
        expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
        if (eventType === 'delete') {
          // A delete happens now, not at the deleted record's last edit.
          const at = Date.parse(String(notice.lastModified));
          expect(at).toBeGreaterThanOrEqual(before);
          expect(at).toBeLessThanOrEqual(Date.now());
        } else {
          expect(notice.lastModified).toBe('2026-01-31T10:15:00.000Z');
        }
      });
    }
  }

  it('refuses verification with any other secret, or when the body is altered', () => {
    const { https, apsyncSecret, afterSubmit } = account();
    afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 9 })));
    const request = onlyRequest(https.requests);
    expect(() => verified(newApsyncSecret(), request)).toThrow(/signature/i);
    expect(() => verified(apsyncSecret, { ...request, body: request.body.replace('"9"', '"10"') })).toThrow(
      /signature/i,
    );
  });

  it('sends lastModified as now when the record has no lastmodifieddate (inline edit)', () => {
    const { apsyncSecret, https, afterSubmit } = account();
    const before = Date.now();
    afterSubmit(contextFor('xedit', fakeRecord({ type: 'vendorbill', id: '88', values: { memo: 'x' } })));
    const notice = verified(apsyncSecret, onlyRequest(https.requests));
    expect(notice.lastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(String(notice.lastModified))).toBeGreaterThanOrEqual(before);
  });

  it('gives every notice its own event id', () => {
    const { https, afterSubmit } = account();
    for (let i = 0; i < 20; i++) afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 1 })));
    expect(new Set(https.requests.map((r) => r.headers['webhook-id'])).size).toBe(20);
  });

  it('uses the secret id and URL from the deployment parameters', () => {
    const apsyncSecret = newApsyncSecret();
    const env = account({ apsyncSecret, netsuiteValue: 'not the key' });
    env.apiSecrets.set('custsecret_apsync_webhook_2026', netsuiteSecretValue(apsyncSecret));
    env.state.parameters.custscript_apsync_secret_id = 'custsecret_apsync_webhook_2026';
    env.state.parameters.custscript_apsync_url = 'https://apsync.example.com/netsuite/events';
    env.afterSubmit(contextFor('create', fakeRecord({ type: 'department', id: 3 })));
    const request = onlyRequest(env.https.requests);
    expect(request.url).toBe('https://apsync.example.com/netsuite/events');
    expect(verified(apsyncSecret, request)).toMatchObject({ recordType: 'department', recordId: '3' });
  });
});

describe("apsync's ingest accepts what the script sends", () => {
  it('every record type and event type passes the notice schema and acceptRecordEvent, mid-rotation', async () => {
    const { apsyncSecret, https, afterSubmit } = account();
    for (const recordType of recordTypes) {
      for (const eventType of eventTypes) {
        afterSubmit(contextFor(eventType, fakeRecord({ type: recordType, id: 700 })));
      }
    }
    expect(https.requests).toHaveLength(recordTypes.length * eventTypes.length);
    const queued: string[] = [];
    // apsync already holds a newer current secret; the one NetSuite signs with is now "previous".
    const signingSecrets = async () => [newApsyncSecret(), apsyncSecret];
    for (const request of https.requests) {
      expect(recordEventNoticeSchema.safeParse(JSON.parse(request.body)).success).toBe(true);
      const outcome = await acceptRecordEvent(
        { rawBody: Buffer.from(request.body, 'utf8'), headers: request.headers },
        {
          signingSecrets,
          enqueueOnce: async (message) => {
            queued.push(message.eventId);
            return { duplicate: false };
          },
          now: () => new Date(),
        },
      );
      expect(outcome).toMatchObject({ kind: 'accepted', duplicate: false });
    }
    expect(queued).toEqual(https.requests.map((r) => r.headers['webhook-id']));
  });
});

describe('secret encoding', () => {
  it('BASE_64 (default): the API Secret holds the text after whsec_, the HMAC key is its decoded bytes', () => {
    // Key bytes that are not valid UTF-8 prove the key is decoded, not used as text.
    const apsyncSecret = `whsec_${Buffer.from([0xff, 0xfe, 0x00, 0x80, ...randomBytes(28)]).toString('base64')}`;
    const { https, afterSubmit } = account({ apsyncSecret });
    afterSubmit(contextFor('edit', fakeRecord({ type: 'account', id: 12 })));
    expect(verified(apsyncSecret, onlyRequest(https.requests))).toMatchObject({ recordType: 'account' });
  });

  it('UTF_8 (fallback parameter): the API Secret holds text whose UTF-8 bytes are the key', () => {
    const text = randomBytes(24).toString('base64url');
    const apsyncSecret = `whsec_${Buffer.from(text, 'utf8').toString('base64')}`;
    const env = account({ apsyncSecret, netsuiteValue: text });
    env.state.parameters.custscript_apsync_secret_encoding = 'UTF_8';
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'account', id: 12 })));
    expect(verified(apsyncSecret, onlyRequest(env.https.requests))).toMatchObject({ recordId: '12' });
  });

  it('a value pasted with its whsec_ prefix cannot be read as base64: nothing sent, logged, no throw', () => {
    const apsyncSecret = newApsyncSecret();
    const { https, log, afterSubmit } = account({ apsyncSecret, netsuiteValue: apsyncSecret });
    expect(() => afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 1 })))).not.toThrow();
    expect(https.requests).toHaveLength(0);
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.details)).toEqual([
      expect.stringMatching(/failed, nothing sent: INVALID_STRING_ENCODING/),
    ]);
    expect(JSON.stringify(log.entries)).not.toContain(netsuiteSecretValue(apsyncSecret));
  });
});

describe('never throws', () => {
  let env: ReturnType<typeof account>;
  beforeEach(() => {
    env = account();
  });

  it('when https.post throws (timeout, refused connection)', () => {
    env.https.answerWith(() => {
      throw Object.assign(new Error('The host you are trying to connect to is not responding.'), {
        name: 'SSS_REQUEST_TIME_EXCEEDED',
      });
    });
    expect(env.afterSubmit(contextFor('create', fakeRecord({ type: 'vendor', id: 5 })))).toBeUndefined();
    expect(env.https.requests).toHaveLength(1);
    const errors = env.log.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.details).toContain('SSS_REQUEST_TIME_EXCEEDED');
  });

  it('when apsync answers 500 twice: retries once with the same id, then logs', () => {
    env.https.answerWith(() => ({ code: 500, body: '{"message":"queue unavailable"}', headers: {} }));
    expect(env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendorbill', id: 61 })))).toBeUndefined();
    expect(env.https.requests).toHaveLength(2);
    const [first, second] = env.https.requests;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(verified(env.apsyncSecret, second!)).toMatchObject({ recordId: '61' });
    const errors = env.log.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.details).toMatch(/HTTP 500 for edit vendorbill 61 \(evt_/);
  });

  it('when apsync answers 429 then 202: the retry is delivered and nothing is logged as an error', () => {
    env.https.answerWith((_request, attempt) => ({ code: attempt === 1 ? 429 : 202, body: '', headers: {} }));
    env.afterSubmit(contextFor('paybills', fakeRecord({ type: 'vendorpayment', id: 70 })));
    expect(env.https.requests).toHaveLength(2);
    expect(env.log.entries.filter((e) => e.level === 'error')).toHaveLength(0);
    expect(env.log.entries.filter((e) => e.level === 'audit')).toHaveLength(1);
  });

  it('when apsync refuses the notice (401): no retry, logged', () => {
    env.https.answerWith(() => ({ code: 401, body: '', headers: {} }));
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 5 })));
    expect(env.https.requests).toHaveLength(1);
    expect(env.log.entries.filter((e) => e.level === 'error').map((e) => e.details)).toEqual([
      expect.stringContaining('HTTP 401'),
    ]);
  });

  it('when the record object itself throws, or the context is empty', () => {
    const broken = {
      type: 'vendor',
      id: 1,
      getValue: () => {
        throw new Error('boom');
      },
    };
    expect(() => env.afterSubmit({ type: 'edit', newRecord: broken, oldRecord: null })).not.toThrow();
    expect(() => env.afterSubmit({ type: 'edit', newRecord: null, oldRecord: null })).not.toThrow();
    expect(() => env.afterSubmit(undefined as unknown as UserEventContext)).not.toThrow();
    // The throwing getValue only costs the last-modified hint: the notice still goes out.
    expect(env.https.requests).toHaveLength(1);
  });

  it('logs neither the secret nor the body', () => {
    env.https.answerWith(() => ({ code: 503, body: '', headers: {} }));
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 5 })));
    const logged = JSON.stringify(env.log.entries);
    expect(logged).not.toContain(netsuiteSecretValue(env.apsyncSecret));
    expect(logged).not.toContain(env.https.requests[0]!.body);
    expect(logged).not.toContain(env.https.requests[0]!.headers['webhook-signature']);
  });
});

describe('echo suppression', () => {
  it("skips changes made through REST web services by apsync's integration role", () => {
    const env = account();
    env.state.executionContext = ContextType.REST_WEBSERVICES;
    env.state.user = { id: 900, role: apsyncRole };
    env.afterSubmit(contextFor('create', fakeRecord({ type: 'vendorpayment', id: 3 })));
    expect(env.https.requests).toHaveLength(0);
    expect(env.log.entries.some((e) => e.details.includes("skipped apsync's own change"))).toBe(true);
  });

  it("skips changes made through REST web services by apsync's integration user", () => {
    const env = account();
    env.state.parameters.custscript_apsync_integration_role = null;
    env.state.parameters.custscript_apsync_integration_user = apsyncUser;
    env.state.executionContext = ContextType.REST_WEBSERVICES;
    env.state.user = { id: apsyncUser, role: 3 };
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendorbill', id: 3 })));
    expect(env.https.requests).toHaveLength(0);
  });

  it('sends changes by other REST integrations, and by the apsync role in the UI', () => {
    const env = account();
    env.state.executionContext = ContextType.REST_WEBSERVICES;
    env.state.user = { id: 901, role: 1043 };
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 3 })));
    env.state.executionContext = ContextType.USER_INTERFACE;
    env.state.user = { id: 900, role: apsyncRole };
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 4 })));
    expect(env.https.requests.map((r) => verified(env.apsyncSecret, r).recordId)).toEqual(['3', '4']);
  });

  it('suppresses nothing when neither role nor user is configured', () => {
    const env = account();
    env.state.parameters.custscript_apsync_integration_role = null;
    env.state.executionContext = ContextType.REST_WEBSERVICES;
    env.state.user = { id: 900, role: apsyncRole };
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'vendor', id: 3 })));
    expect(env.https.requests).toHaveLength(1);
  });
});

describe('other event types and records', () => {
  for (const type of ['approve', 'reject', 'cancel']) {
    it(`${type} changes the record: sent as edit`, () => {
      const env = account();
      env.afterSubmit(contextFor(type, fakeRecord({ type: 'vendorbill', id: 15 })));
      expect(verified(env.apsyncSecret, onlyRequest(env.https.requests)).eventType).toBe('edit');
    });
  }

  for (const type of ['view', 'copy', 'ship', 'pack', 'dropship', 'markcomplete', '', undefined]) {
    it(`${type === undefined ? 'no' : `"${type}"`} event type: ignored`, () => {
      const env = account();
      expect(env.afterSubmit(contextFor(type, fakeRecord({ type: 'vendor', id: 15 })))).toBeUndefined();
      expect(env.https.requests).toHaveLength(0);
    });
  }

  it('a record type apsync does not listen to (deployed by mistake): ignored', () => {
    const env = account();
    env.afterSubmit(contextFor('edit', fakeRecord({ type: 'customer', id: 15 })));
    expect(env.https.requests).toHaveLength(0);
  });

  it('a record without an internal id: logged, nothing sent', () => {
    const env = account();
    env.afterSubmit(contextFor('create', fakeRecord({ type: 'vendor', id: null })));
    expect(env.https.requests).toHaveLength(0);
    expect(env.log.entries.filter((e) => e.level === 'error')).toHaveLength(1);
  });

  it('no URL configured: logged, nothing sent', () => {
    const env = account();
    env.state.parameters.custscript_apsync_url = null;
    env.afterSubmit(contextFor('create', fakeRecord({ type: 'vendor', id: 2 })));
    expect(env.https.requests).toHaveLength(0);
    expect(env.log.entries.map((e) => e.details)).toContain(
      'parameter custscript_apsync_url is empty: nothing sent',
    );
  });
});
