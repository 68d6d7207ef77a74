// The operator console over HTTP against an in-process local stack: an unauthenticated request is
// refused, a bill parked for an inactive GL account is on the failures page with its message, a POST
// without the CSRF token does nothing, and a confirmed replay once the account is active again writes
// the Vendor Bill once.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalConsole, startLocalConsole } from '../../infra/local/console.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { RecordRef } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let consoleApp: LocalConsole;
let state: DynamoStateStore;
let cookie = '';

beforeAll(async () => {
  stack = await startLocalStack({ demo: true, settings: { retryBaseSeconds: '0' } });
  consoleApp = await startLocalConsole(stack, { user: 'tester (apsync console)' });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
});

afterAll(async () => {
  await consoleApp?.close();
  await stack?.stop();
});

const request = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, consoleApp.url), {
    redirect: 'manual',
    ...init,
    headers: { ...(cookie === '' ? {} : { cookie }), ...(init.headers as Record<string, string>) },
  });

const post = (path: string, form: Record<string, string>) =>
  request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

/** The record page's "Next write" section. */
const nextWriteOf = (page: string): string =>
  /<h2>Next write<\/h2>([\s\S]*?)<h2>Audit trail<\/h2>/.exec(page)?.[1] ?? '(no Next write section)';

const unescapeHtml = (text: string): string =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

const admin = (url: string, method: string, body?: unknown) =>
  fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('operator console', () => {
  it('refuses requests without the access token', async () => {
    const page = await request('failures');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    const action = await post('actions/replay', { system: 'netsuite', kind: 'vendor', id: '101' });
    expect(action.status).toBe(401);
    const wrong = await post('login', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    const login = await post('login', { token: consoleApp.token });
    expect(login.status).toBe(303);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^apsync_console=/);
    expect(cookie).not.toContain(consoleApp.token);
    const overview = await request('');
    expect(overview.status).toBe(200);
    const text = await overview.text();
    expect(text).toContain('Payment mode');
    expect(text).toContain('procurifyPoll');
    // A vendor the demo synced: its next write is to the linked Procurify vendor, here with nothing new.
    const vendor = nextWriteOf(await (await request('record?system=netsuite&kind=vendor&id=101')).text());
    const link = await state.findBySource('netsuite', 'vendor', '101');
    expect(vendor).toContain(
      `Procurify vendor ${link?.procurifyId}</strong> nothing would be written: unchanged`,
    );
    expect(vendor).toContain(`PATCH /api/v3/vendors/${link?.procurifyId}/`);
    const mode = await (await request('record?system=procurify&kind=payment&id=mode')).text();
    expect(nextWriteOf(mode)).toContain('there is no next write');
  });

  it('shows a parked bill with its message and replays it once fixed, only with the CSRF token', async () => {
    const ns = stack.netsuite.adminUrl;
    const pf = stack.procurify.adminUrl;
    const bill = stack.demo?.billsAwaitingApproval[1];
    expect(bill).toBeDefined();
    const ref: RecordRef = { system: 'procurify', kind: 'bill', id: bill! };
    expect((await admin(`${ns}/records/account/13`, 'PATCH', { isInactive: true })).status).toBeLessThan(300);
    expect((await admin(`${pf}/bills/${bill}/approve`, 'POST')).status).toBeLessThan(300);
    await stack.scheduler.runNow('procurifyPoll');
    const parked = await waitFor(async () => {
      const current = await state.getState(ref);
      return current?.status === 'review' ? current : undefined;
    }, 'the bill parked for review');
    expect(parked.message).toMatch(/inactive/);

    const failures = await (await request('failures?kind=bill')).text();
    expect(failures).toContain(`bill:${bill}`);
    expect(failures).toContain('inactive');
    const filtered = await (await request('failures?q=no-such-words')).text();
    expect(filtered).not.toContain(`bill:${bill}`);
    const byText = await (await request('failures?q=6100')).text();
    expect(byText).toContain(`bill:${bill}`);
    const olderThanAWeek = await (await request('failures?kind=bill&age=7d')).text();
    expect(olderThanAWeek).not.toContain(`bill:${bill}`);
    const record = await (await request(`record?system=procurify&kind=bill&id=${bill}`)).text();
    expect(record).toContain('Replay…');
    expect(record).toContain('review');
    // The next write, as `apsync preview` decides it: none while the account is inactive, and why.
    const parkedPreview = nextWriteOf(record);
    expect(parkedPreview).toContain('nothing would be written: it would be parked for review');
    expect(parkedPreview).toMatch(/6100[^<]*inactive/);
    expect(parkedPreview).not.toContain('Body that would be sent');

    expect((await admin(`${ns}/records/account/13`, 'PATCH', { isInactive: false })).status).toBeLessThan(
      300,
    );
    // Fixed: the page shows the Vendor Bill the replay will write — target, body, lines and amounts.
    const fixedPreview = nextWriteOf(
      await (await request(`record?system=procurify&kind=bill&id=${bill}`)).text(),
    );
    expect(fixedPreview).toContain('NetSuite vendorBill</strong> would be created');
    expect(fixedPreview).toContain(`PUT /services/rest/record/v1/vendorBill/eid:procurify-bill-${bill}`);
    const shownBody = JSON.parse(
      unescapeHtml(/<pre>([\s\S]*?)<\/pre>/.exec(fixedPreview)?.[1] ?? 'null'),
    ) as { externalId: string; expense: { items: Array<{ account: { id: string } }> } };
    expect(shownBody.externalId).toBe(`procurify-bill-${bill}`);
    expect(shownBody.expense.items.map((line) => line.account.id)).toContain('13');
    const totalNote =
      /line\(s\); lines [\d.]+, tax [\d.]+, shipping [\d.]+, costs [\d.]+; total [A-Z]{3} ([\d.]+)/.exec(
        fixedPreview,
      );
    expect(totalNote).not.toBeNull();
    expect(fixedPreview).toContain('Validation: passes');
    const form = { system: 'procurify', kind: 'bill', id: bill! };
    const refused = await post('actions/replay', form);
    expect(refused.status).toBe(403);
    expect((await state.read(ref)).filter((entry) => entry.step === 'replayed')).toHaveLength(0);

    const confirm = await (
      await request(`confirm?action=replay&system=procurify&kind=bill&id=${bill}`)
    ).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirm)?.[1];
    expect(csrf).toBeDefined();
    const replayed = await post('actions/replay', { ...form, csrf: csrf! });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toContain('notice=');
    const written = await waitFor(async () => {
      const current = await state.getState(ref);
      return current?.status === 'synced' ? current : undefined;
    }, 'the replayed bill written');
    expect(written.status).toBe('synced');
    const entries = await state.read(ref);
    expect(entries.filter((entry) => entry.step === 'replayed')[0]?.facts?.requestedBy).toBe(
      'tester (apsync console)',
    );
    expect(entries.filter((entry) => entry.step === 'written')).toHaveLength(1);
    const vendorBill = await fetch(`${ns}/records/vendorBill/eid:procurify-bill-${bill}`);
    expect(vendorBill.status).toBe(200);
    // What was written is what the page showed: the same total; the next write is now "unchanged".
    const stored = (await vendorBill.json()) as { total?: number; userTotal?: number };
    expect((stored.total ?? stored.userTotal)?.toFixed(2)).toBe(totalNote?.[1]);
    const after = nextWriteOf(await (await request(`record?system=procurify&kind=bill&id=${bill}`)).text());
    expect(after).toContain('nothing would be written: unchanged');
    // The overview: the Procurify poll's lag since its last complete run; no alarms evaluated locally.
    const overview = await (await request('')).text();
    expect(overview).toMatch(/caught-up \d{4}-\d{2}-\d{2}T[^<]* \(lag \d+ (s|min)\)<br>/);
    expect(overview).toContain('Alarms are not evaluated in local mode');
    const settings = await (await request('settings')).text();
    expect(settings).toContain(`bill:${bill}`);
  });

  it('lists a dead-lettered message with its last error and redrives its queue', async () => {
    const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.aws.deadLetterQueueUrls.inbound,
        MessageBody: JSON.stringify({
          kind: 'record-event',
          origin: 'webhook',
          eventId: 'evt-console-dlq',
          recordType: 'vendor',
          recordId: '102',
          eventType: 'edit',
          lastModified: new Date().toISOString(),
          receivedAt: new Date().toISOString(),
        }),
      }),
    );
    await state.recordFailure({
      queue: 'inbound',
      messageId: sent.MessageId ?? '',
      receiveCount: 5,
      errorClass: 'transient',
      message: 'NetSuite answered 500 to GET vendor 102',
    });
    const page = await (await request('failures?state=dead-lettered&kind=vendor')).text();
    expect(page).toContain('vendor:102');
    expect(page).toContain('NetSuite answered 500 to GET vendor 102');
    const overview = await (await request('')).text();
    expect(overview).toContain('confirm?action=redrive&amp;queue=inbound');
    const confirm = await (await request('confirm?action=redrive&queue=inbound')).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirm)?.[1];
    const redriven = await post('actions/redrive', { queue: 'inbound', csrf: csrf! });
    expect(redriven.status).toBe(303);
    await waitFor(async () => {
      const answer = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack.aws.deadLetterQueueUrls.inbound,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const left =
        Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      return left === 0 || undefined;
    }, 'the inbound dead-letter queue empty');
    const settings = await (await request('settings')).text();
    expect(settings).toContain('inbound dead-letter queue');
    sqs.destroy();
  });
});
