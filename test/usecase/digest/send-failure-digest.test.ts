// The daily failure digest (shared/digest/send-failure-digest.ts) over the in-memory state store and
// publishers that keep what they were given: nothing said when nothing is new, what is new since the
// last digest, a required publisher's failure fails the run (the cursor stays), an optional one's is
// reported.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FailureDigest } from '../../../shared/digest/failure-digest.ts';
import {
  type DigestPublisher,
  failureDigestConfigName,
  sendFailureDigest,
} from '../../../shared/digest/send-failure-digest.ts';
import { createReconcileReportStore } from '../../../shared/reconcile/repairs.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

class KeepingPublisher implements DigestPublisher {
  readonly sent: FailureDigest[] = [];
  failWith: Error | string | undefined;
  readonly name: string;
  readonly required: boolean;
  constructor(name: string, required: boolean) {
    this.name = name;
    this.required = required;
  }
  async publish(digest: FailureDigest): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    this.sent.push(digest);
  }
}

let clock: ManualClock;
let state: InMemoryStateStore;
let topic: KeepingPublisher;
let chat: KeepingPublisher;
const send = () =>
  sendFailureDigest({ state, publishers: [topic, chat], prefix: 'apsync-test', now: clock.now });

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  topic = new KeepingPublisher('alarm topic', true);
  chat = new KeepingPublisher('chat', false);
});

describe('sendFailureDigest', () => {
  it('says nothing when nothing is open, and remembers when it looked', async () => {
    expect(await send()).toEqual({
      sent: false,
      newFailures: 0,
      openFailures: 0,
      reconcileOpen: 0,
      publishedTo: [],
      publishFailures: [],
    });
    expect(await state.getConfig(failureDigestConfigName)).toEqual({ lastDigestAt: clock.iso() });
    expect(topic.sent).toEqual([]);
  });

  it('sends what is new since the last digest, with when the oldest failure began', async () => {
    const vendor = { system: 'netsuite', kind: 'vendor', id: '101' } as const;
    await state.append(vendor, { step: 'failed', message: 'boom' });
    await state.putState({ ref: vendor, status: 'failed', message: 'boom' });
    const began = clock.iso();
    clock.advance(3600);
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'b1' },
      status: 'review',
      message: 'waiting',
    });
    clock.advance(3600);
    chat.failWith = 'chat webhook 500';
    const summary = await send();
    expect(summary).toEqual({
      sent: true,
      newFailures: 2,
      openFailures: 2,
      reconcileOpen: 0,
      publishedTo: ['alarm topic'],
      publishFailures: [{ publisher: 'chat', message: 'chat webhook 500' }],
    });
    expect(topic.sent[0]?.oldest).toMatchObject({ record: 'vendor:101', since: began });

    clock.advance(3600);
    expect(await send()).toMatchObject({
      sent: false,
      since: expect.any(String),
      newFailures: 0,
      openFailures: 2,
    });
  });

  it('fails the run when the required publisher fails, so the retry sends the same digest', async () => {
    await state.putState({ ref: { system: 'netsuite', kind: 'account', id: '7' }, status: 'review' });
    topic.failWith = new Error('sns: throttled');
    await expect(send()).rejects.toThrow('sns: throttled');
    expect(await state.getConfig(failureDigestConfigName)).toBeUndefined();
    topic.failWith = undefined;
    chat.failWith = new Error('chat down');
    expect(await send()).toMatchObject({
      sent: true,
      publishFailures: [{ publisher: 'chat', message: 'chat down' }],
    });
  });

  it("reports the last reconcile's open discrepancies", async () => {
    await createReconcileReportStore(state).saveReport({
      reconciledAsOf: clock.iso(),
      finishedAt: clock.advance(1).toISOString(),
      areas: ['vendor'],
      fix: false,
      checked: { vendor: 1 },
      counts: {},
      discrepancies: [],
      totals: { discrepancies: 1, repaired: 0, needsFix: 1, failed: 0, open: 1 },
    });
    clock.advance(60);
    expect(await sendFailureDigest({ state, publishers: [topic], prefix: 'apsync-test' })).toMatchObject({
      sent: true,
      reconcileOpen: 1,
      openFailures: 0,
    });
  });
});
