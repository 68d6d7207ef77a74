// The NetSuite master-data poll (shared/netsuite-poll/poll-master-data.ts) over in-memory NetSuite
// changes, state and queue: the first run starts one overlap before now, each version of a record is
// queued once however often the overlap re-reads it, a failed read or send leaves the watermark where it
// was while the other types still run, a held lease skips the run, a stop request ends it, and the time
// zone check stops a run on a mismatch and lets it go on when it cannot tell.
import { beforeEach, describe, expect, it } from 'vitest';
import { BugError, DataError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import {
  type PollMasterDataDependencies,
  pollMasterData,
  syncLagSeconds,
} from '../../../shared/netsuite-poll/index.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryMasterRecords } from '../../support/in-memory/master-record-changes.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let records: InMemoryMasterRecords;
let queue: InMemoryQueue<InboundMessage>;

const minutesAgo = (minutes: number) => new Date(clock.now().getTime() - minutes * 60_000);
const deps = (extra: Partial<PollMasterDataDependencies> = {}): PollMasterDataDependencies => ({
  changes: records,
  queue,
  state,
  now: clock.now,
  ...extra,
});
const queued = () => queue.bodies().map((message) => `${message.recordType}:${message.recordId}`);

beforeEach(() => {
  clock = new ManualClock('2026-11-02T09:00:00.000Z');
  state = new InMemoryStateStore(clock.now);
  records = new InMemoryMasterRecords();
  queue = new InMemoryQueue();
});

describe('pollMasterData', () => {
  it('queues the records changed since one overlap before now, moves each watermark, is caught up', async () => {
    records.put('vendor', '1', minutesAgo(5));
    records.put('vendor', '2', minutesAgo(20));
    records.put('account', '7', minutesAgo(1));
    const { summary, errors } = await pollMasterData(deps());
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({
      skippedBecauseLeaseHeld: false,
      complete: true,
      caughtUpTo: '2026-11-02T09:00:00Z',
      recordTypes: {
        vendor: { enqueued: 1, alreadyEnqueued: 0, watermarkAfter: '2026-11-02 08:55:00' },
        account: { enqueued: 1, alreadyEnqueued: 0, watermarkAfter: '2026-11-02 08:59:00' },
        // Nothing read: the watermark keeps the starting point, so a later run does not start later.
        department: { enqueued: 0, alreadyEnqueued: 0, watermarkAfter: '2026-11-02 08:50:00' },
      },
    });
    expect(summary.recordTypes.vendor?.watermarkBefore).toBeUndefined();
    expect(queue.bodies()).toEqual([
      {
        kind: 'record-event',
        origin: 'poll',
        eventId: 'poll:vendor:1:2026-11-02T08:55:00Z',
        recordType: 'vendor',
        recordId: '1',
        eventType: 'edit',
        lastModified: '2026-11-02T08:55:00Z',
        receivedAt: '2026-11-02T09:00:00.000Z',
      },
      expect.objectContaining({ recordType: 'account', recordId: '7', lastModified: '2026-11-02T08:59:00Z' }),
    ]);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe('2026-11-02 08:55:00');
    expect(await state.getWatermark('netsuite-poll:caught-up')).toBe('2026-11-02T09:00:00Z');
    expect(syncLagSeconds(summary, clock.advance(90))).toBe(90);
  });

  it('queues each version once: the overlap re-reads it, a later save is queued again', async () => {
    records.put('department', '3', minutesAgo(2));
    await pollMasterData(deps());
    clock.advance(120);
    const again = await pollMasterData(deps());
    expect(again.summary.recordTypes.department).toMatchObject({
      enqueued: 0,
      alreadyEnqueued: 1,
      watermarkBefore: '2026-11-02 08:58:00',
      watermarkAfter: '2026-11-02 08:58:00',
    });
    records.put('department', '3', clock.now());
    const saved = await pollMasterData(deps());
    expect(saved.summary.recordTypes.department).toMatchObject({
      enqueued: 1,
      alreadyEnqueued: 0,
      watermarkAfter: '2026-11-02 09:02:00',
    });
    expect(queue.bodies().map((message) => message.lastModified)).toEqual([
      '2026-11-02T08:58:00Z',
      '2026-11-02T09:02:00Z',
    ]);
  });

  it('skips the run while another holds the lease', async () => {
    records.put('vendor', '1', minutesAgo(1));
    expect(await state.acquireLease('netsuite-poll', 'another run', 360)).toBe(true);
    const { summary, errors } = await pollMasterData(deps());
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ skippedBecauseLeaseHeld: true, complete: false, recordTypes: {} });
    expect(syncLagSeconds(summary, clock.now())).toBeUndefined();
    expect(queue.sent).toEqual([]);
  });

  it('stops after a batch when asked, and the next run resumes at its watermark', async () => {
    for (const [id, minutes] of [
      ['11', 4],
      ['12', 3],
      ['13', 2],
    ] as const) {
      records.put('vendor', id, minutesAgo(minutes));
    }
    const cut = await pollMasterData(deps(), { batchSize: 2, shouldStop: () => true });
    expect(cut.errors).toEqual([]);
    expect(cut.summary.complete).toBe(false);
    expect(cut.summary.caughtUpTo).toBeUndefined();
    expect(cut.summary.recordTypes).toEqual({
      vendor: { enqueued: 2, alreadyEnqueued: 0, watermarkAfter: '2026-11-02 08:57:00' },
    });
    const rest = await pollMasterData(deps(), { batchSize: 2 });
    expect(rest.summary.recordTypes.vendor).toMatchObject({ enqueued: 1, alreadyEnqueued: 2 });
    expect(queued()).toEqual(['vendor:11', 'vendor:12', 'vendor:13']);
  });

  it('without a stop request, reads every batch to the end', async () => {
    for (const [id, minutes] of [
      ['11', 4],
      ['12', 3],
      ['13', 2],
    ] as const) {
      records.put('vendor', id, minutesAgo(minutes));
    }
    const { summary } = await pollMasterData(deps(), { batchSize: 1, recordTypes: ['vendor'] });
    expect(summary.complete).toBe(true);
    expect(summary.recordTypes.vendor).toMatchObject({ enqueued: 3, watermarkAfter: '2026-11-02 08:58:00' });
    expect(queued()).toEqual(['vendor:11', 'vendor:12', 'vendor:13']);
  });

  it('after a run that queued a batch but failed to move its watermark, moves it without queuing again', async () => {
    records.put('vendor', '1', minutesAgo(3));
    state.faults.failNext('advanceWatermark');
    const failed = await pollMasterData(deps(), { recordTypes: ['vendor'] });
    expect(failed.summary.recordTypes.vendor?.error?.errorClass).toBe('transient');
    expect(await state.getWatermark('netsuite-poll:vendor')).toBeUndefined();
    expect(queued()).toEqual(['vendor:1']);

    clock.advance(60);
    const sends: number[] = [];
    const sendAll = queue.sendAll.bind(queue);
    queue.sendAll = async (messages) => {
      sends.push(messages.length);
      return sendAll(messages);
    };
    const again = await pollMasterData(deps(), { recordTypes: ['vendor'] });
    expect(again.summary.recordTypes.vendor).toEqual({
      enqueued: 0,
      alreadyEnqueued: 1,
      watermarkAfter: '2026-11-02 08:57:00',
    });
    expect(sends).toEqual([]);
    expect(queued()).toEqual(['vendor:1']);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe('2026-11-02 08:57:00');
  });

  it('keeps a failed read or send from moving the watermark while the other types still run', async () => {
    records.put('vendor', '1', minutesAgo(3));
    records.put('account', '2', minutesAgo(3));
    records.faults.failNext('changedSince');
    queue.faults.failNext('sendBatch');
    const failed = await pollMasterData(deps());
    expect(failed.errors.map((error) => error.errorClass)).toEqual(['transient', 'transient']);
    expect(failed.summary.recordTypes.vendor?.error).toEqual({
      errorClass: 'transient',
      message: 'netsuite: changedSince unavailable',
    });
    expect(failed.summary.recordTypes.account?.error?.message).toBe('sqs: sendBatch unavailable');
    expect(failed.summary.recordTypes.department).toMatchObject({ enqueued: 0 });
    expect(failed.summary.complete).toBe(false);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBeUndefined();
    expect(await state.getWatermark('netsuite-poll:account')).toBeUndefined();
    expect(queue.sent).toEqual([]);

    clock.advance(60);
    const next = await pollMasterData(deps());
    expect(next.errors).toEqual([]);
    expect(queued()).toEqual(['vendor:1', 'account:2']);
    // The last complete run is the first caught-up point.
    expect(failed.summary.caughtUpTo).toBeUndefined();
    expect(next.summary.caughtUpTo).toBe('2026-11-02T09:01:00Z');
  });

  it('records a read failing with an unclassified error as a bug, naming the record type', async () => {
    records.put('vendor', '1', minutesAgo(3));
    records.faults.failNext('changedSince', new Error('socket hang up'));
    const { errors, summary } = await pollMasterData(deps());
    expect(errors.map((error) => [error.errorClass, error.message])).toEqual([
      ['bug', expect.stringContaining('socket hang up')],
    ]);
    expect(errors[0]).toBeInstanceOf(BugError);
    expect(summary.recordTypes.vendor?.error?.errorClass).toBe('bug');
    expect(await state.getWatermark('netsuite-poll:vendor')).toBeUndefined();
  });

  it('refuses to poll from a stored watermark that is not one, naming it, and leaves it as it is', async () => {
    records.put('vendor', '1', minutesAgo(3));
    await state.advanceWatermark('netsuite-poll:vendor', 'yesterday');
    const { errors } = await pollMasterData(deps());
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('watermark netsuite-poll:vendor is "yesterday", not'),
    ]);
    expect(queued()).toEqual([]);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe('yesterday');
  });

  it('without a clock of its own, polls up to the time it runs', async () => {
    const before = new Date();
    records.put('vendor', '1', new Date(before.getTime() - 60_000));
    const { now: _clock, ...withoutClock } = deps();
    const { summary } = await pollMasterData(withoutClock);
    const after = new Date().toISOString();
    const receivedAt = queue.bodies()[0]?.receivedAt ?? '';
    expect(receivedAt >= before.toISOString() && receivedAt <= after).toBe(true);
    expect(summary.caughtUpTo !== undefined && summary.caughtUpTo >= before.toISOString().slice(0, 19)).toBe(
      true,
    );
  });

  it('reports the last complete run as caught up when a later one fails', async () => {
    await pollMasterData(deps());
    clock.advance(60);
    records.faults.failNext('changedSince');
    const { summary } = await pollMasterData(deps());
    expect(summary.complete).toBe(false);
    expect(summary.caughtUpTo).toBe('2026-11-02T09:00:00Z');
  });

  it('keeps watermarks in the account wall time and messages in UTC', async () => {
    records = new InMemoryMasterRecords('Etc/GMT-5');
    records.put('department', '4', minutesAgo(1));
    const { summary } = await pollMasterData(deps(), { accountTimeZone: 'Etc/GMT-5', name: 'zoned' });
    expect(summary.recordTypes.department?.watermarkAfter).toBe('2026-11-02 13:59:00');
    expect(queue.bodies()[0]).toMatchObject({ recordId: '4', lastModified: '2026-11-02T08:59:00Z' });
    expect(await state.getWatermark('zoned:department')).toBe('2026-11-02 13:59:00');
  });

  it('refuses options it cannot run with, naming them', async () => {
    await expect(pollMasterData(deps(), { overlapMinutes: -1 })).rejects.toThrow(DataError);
    await expect(pollMasterData(deps(), { batchSize: 0 })).rejects.toThrow(BugError);
    await expect(pollMasterData(deps(), { leaseSeconds: 0 })).rejects.toThrow(
      'the poll lease must be a positive number of seconds, got 0',
    );
    await expect(pollMasterData(deps(), { accountTimeZone: 'PST' })).rejects.toThrow(/PST/);
  });
});

describe('pollMasterData: the time zone check', () => {
  it('polls when the account shows times in the configured zone', async () => {
    records.put('vendor', '5', minutesAgo(1));
    const { summary, errors } = await pollMasterData(deps({ clock: records }));
    expect(errors).toEqual([]);
    expect(summary.timeZoneCheck).toEqual({
      timeZone: 'UTC',
      outcome: 'matches',
      sample: {
        recordType: 'vendor',
        id: '5',
        wallTime: '2026-11-02 08:59:00',
        instant: '2026-11-02T08:59:00Z',
      },
      accountOffset: 'UTC+00:00',
    });
    expect(queued()).toEqual(['vendor:5']);
  });

  it('reads nothing when the account shows another zone, naming the offset and the setting', async () => {
    records = new InMemoryMasterRecords('America/Los_Angeles');
    records.put('vendor', '5', minutesAgo(1));
    const { summary, errors } = await pollMasterData(deps({ clock: records }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DataError);
    expect(errors[0]).toMatchObject({ code: 'ACCOUNT_TIME_ZONE_MISMATCH' });
    expect(errors[0]?.message).toMatch(/UTC-08:00.*America\/Los_Angeles/);
    expect(summary).toMatchObject({ complete: false, recordTypes: {} });
    expect(summary.timeZoneCheck?.outcome).toBe('mismatch');
    expect(queue.sent).toEqual([]);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBeUndefined();
  });

  it('names at most six zones that fit the offset the account shows, common ones first', async () => {
    records = new InMemoryMasterRecords('America/New_York');
    records.put('vendor', '5', minutesAgo(1));
    const { errors } = await pollMasterData(deps({ clock: records }));
    const candidates = /\(at UTC-05:00 then: ([^)]*)\)/.exec(errors[0]?.message ?? '')?.[1]?.split(', ');
    expect(candidates).toHaveLength(6);
    expect(candidates?.slice(0, 2)).toEqual(['America/New_York', 'America/Toronto']);
  });

  it('names no zone when none fits the offset the account shows', async () => {
    // SuiteQL shows the vendor 7 minutes after the record API's instant: no time zone is 7 minutes off UTC.
    const sample = {
      recordType: 'vendor',
      id: '5',
      wallTime: '2026-11-02 09:07:00',
      instant: '2026-11-02T09:00:00Z',
    } as const;
    const clockSevenMinutesOff = {
      newestVendorSample: async () => sample,
      vendorWallTime: async () => sample.wallTime,
    };
    const { summary, errors } = await pollMasterData(deps({ clock: clockSevenMinutesOff }));
    expect(summary.timeZoneCheck).toMatchObject({ outcome: 'mismatch', accountOffset: 'UTC+00:07' });
    expect(errors[0]?.message).toContain(
      "to the time zone of the NetSuite user apsync's integration runs as. The poll does not run until they agree",
    );
    expect(errors[0]?.message).not.toContain('then:');
  });

  it('goes on when it cannot tell: no vendor, a failed read, a vendor saved between the reads', async () => {
    const none = await pollMasterData(deps({ clock: records }));
    expect(none.summary.timeZoneCheck).toMatchObject({
      outcome: 'inconclusive',
      reason: 'no vendor to compare',
    });
    expect(none.summary.complete).toBe(true);

    records.put('account', '8', minutesAgo(1));
    records.put('vendor', '5', minutesAgo(1));
    records.faults.failNext('newestVendorSample');
    const failed = await pollMasterData(deps({ clock: records }));
    expect(failed.summary.timeZoneCheck?.reason).toMatch(/^reading a vendor failed: /);
    expect(failed.errors).toEqual([]);

    records.accountTimeZone = 'America/Los_Angeles';
    records.betweenReads = () => records.put('vendor', '5', clock.now());
    const saved = await pollMasterData(deps({ clock: records }));
    expect(saved.summary.timeZoneCheck).toMatchObject({
      outcome: 'inconclusive',
      reason: 'vendor 5 changed during the check',
    });

    records.betweenReads = undefined;
    records.faults.failNext('vendorWallTime');
    const reread = await pollMasterData(deps({ clock: records }));
    expect(reread.summary.timeZoneCheck?.reason).toMatch(/^re-reading failed: /);
    expect(reread.errors).toEqual([]);
    expect(queued()).toContain('account:8');
  });
});
