// The DynamoDB state store against the DynamoDB emulator: links both ways, state listing by status,
// audit order, queries over several pages, watermarks that only move forward, leases that exclude
// (a record's on its state item, given back by its state write), configuration.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { openSince } from '../../shared/digest/send-failure-digest.ts';
import type { AuditEntry, RecordRef } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

let aws: AwsEmulators;
let store: DynamoStateStore;
let clock = new Date('2026-11-01T10:00:00Z');

beforeAll(async () => {
  aws = await startAwsEmulators();
  store = new DynamoStateStore(
    new DynamoDBClient(aws.clientConfig('dynamodb')),
    aws.names.tables.state,
    () => clock,
  );
});
afterAll(async () => aws?.stop());

const vendor: RecordRef = { system: 'netsuite', kind: 'vendor', id: '101' };

/** A record's audit items as stored, oldest first. */
async function auditItems(ref: RecordRef): Promise<Array<Record<string, unknown>>> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig('dynamodb')));
  const answer = await doc.send(
    new QueryCommand({
      TableName: aws.names.tables.state,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `REC#${ref.system}#${ref.kind}#${ref.id}`, ':audit': 'AUDIT#' },
    }),
  );
  return answer.Items ?? [];
}

/** DynamoStateStore.read before entries shared an item (`git show dfdf975^:shared/state/state-store.ts`): one entry an item. */
function readAsBeforeGroups(items: ReadonlyArray<Record<string, unknown>>): AuditEntry[] {
  return items.map((item) => {
    const { at, step, message, facts } = item as unknown as AuditEntry;
    return {
      at,
      step,
      ...(message === undefined ? {} : { message }),
      ...(facts === undefined ? {} : { facts }),
    };
  });
}

describe('DynamoStateStore', () => {
  it('finds a link from either side', async () => {
    await store.link({ kind: 'vendor', netsuiteId: '101', procurifyId: '9001', origin: 'created' });
    expect(await store.findBySource('netsuite', 'vendor', '101')).toMatchObject({
      procurifyId: '9001',
      origin: 'created',
    });
    expect(await store.findBySource('procurify', 'vendor', '9001')).toMatchObject({ netsuiteId: '101' });
    expect(await store.findBySource('netsuite', 'vendor', '102')).toBeUndefined();
  });

  it("reads several records' states and links at once: 50 records a strongly consistent BatchGetItem, each as stateAndLink reads it, saying which were leased", async () => {
    const requests: string[] = [];
    const consistent: unknown[] = [];
    const client = new DynamoDBClient(aws.clientConfig('dynamodb'));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(String(context.commandName));
        const asked = (args.input as { RequestItems?: Record<string, { ConsistentRead?: boolean }> })
          .RequestItems;
        consistent.push(...Object.values(asked ?? {}).map((table) => table.ConsistentRead));
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const counted = new DynamoStateStore(client, aws.names.tables.state, () => clock);
    const refs: RecordRef[] = Array.from({ length: 60 }, (_, i) => ({
      system: 'netsuite',
      kind: 'department',
      id: String(7000 + i),
    }));
    await store.link({ kind: 'department', netsuiteId: '7000', procurifyId: '97000', origin: 'created' });
    await store.putState({ ref: refs[0]!, status: 'synced', contentHash: 'h' });
    await store.putState({ ref: refs[1]!, status: 'review', message: 'look' });
    // A lease alone is no state.
    expect(await store.acquireLease('record:netsuite#department#7059', 'worker-a', 120)).toBe(true);
    const found = await counted.statesAndLinks([...refs, refs[0]!]);
    expect(requests).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    expect(consistent).toEqual([true, true]);
    expect([...found.keys()]).toEqual(refs.map((ref) => `netsuite#department#${ref.id}`));
    for (const ref of refs) {
      const { leased: _leased, ...read } = found.get(`netsuite#department#${ref.id}`)!;
      expect(read).toEqual(await store.stateAndLink(ref));
    }
    expect(found.get('netsuite#department#7000')).toMatchObject({
      state: { status: 'synced', contentHash: 'h' },
      link: { procurifyId: '97000', kind: 'department' },
    });
    expect(found.get('netsuite#department#7001')).toMatchObject({
      state: { status: 'review' },
      link: undefined,
    });
    expect(found.get('netsuite#department#7000')?.leased).toBe(false);
    expect(found.get('netsuite#department#7059')).toEqual({
      state: undefined,
      link: undefined,
      leased: true,
    });
  });

  it("writes a link's two directions, several audit entries of a record, or both, in one request each", async () => {
    const client = new DynamoDBClient(aws.clientConfig('dynamodb'));
    const requests: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        requests.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const counted = new DynamoStateStore(client, aws.names.tables.state, () => clock);
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '301' };
    await counted.link({ kind: 'vendor', netsuiteId: '301', procurifyId: '9301', origin: 'created' });
    await counted.appendAll(ref, [
      { step: 'received' },
      { step: 'fetched' },
      { step: 'written', facts: { procurifyId: '9301' } },
    ]);
    await counted.linkAndAppend(
      { kind: 'vendor', netsuiteId: '303', procurifyId: '9303', origin: 'created' },
      { ...ref, id: '303' },
      [{ step: 'received' }, { step: 'written' }],
    );
    expect(requests).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand']);
    expect(await store.findBySource('procurify', 'vendor', '9303')).toMatchObject({ netsuiteId: '303' });
    expect(await store.findBySource('netsuite', 'vendor', '303')).toMatchObject({ procurifyId: '9303' });
    expect((await store.read({ ...ref, id: '303' })).map((entry) => entry.step)).toEqual([
      'received',
      'written',
    ]);
    expect(await store.findBySource('procurify', 'vendor', '9301')).toMatchObject({ netsuiteId: '301' });
    expect(await store.findBySource('netsuite', 'vendor', '301')).toMatchObject({ procurifyId: '9301' });
    expect((await store.read(ref)).map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
    // More than one BatchWriteItem can take (25 items; entries of 10 kB, one item each): sent in
    // several, every entry kept, in order.
    const many = Array.from({ length: 30 }, (_, n) => ({
      step: 'note' as const,
      message: `note ${n} ${'x'.repeat(10_000)}`,
    }));
    requests.length = 0;
    await counted.appendAll({ ...ref, id: '302' }, many);
    expect(requests).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand']);
    const trail = await store.read({ ...ref, id: '302' });
    expect(trail.map((entry) => entry.message)).toEqual(many.map((entry) => entry.message));
    client.destroy();
  });

  it("writes a sync's small entries as one item: one write unit, each entry as given", async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '306' };
    const received = '2026-11-01T09:59:59.000Z';
    await store.appendAll(ref, [
      { step: 'received', at: received, facts: { origin: 'webhook', eventId: 'e-306' } },
      { step: 'fetched', facts: { lastModified: '2026-11-01T09:59:00Z' } },
      { step: 'written', message: 'note', facts: { procurifyId: '9306', action: 'updated' } },
    ]);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig('dynamodb')));
    const items = await doc.send(
      new QueryCommand({
        TableName: aws.names.tables.state,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'REC#netsuite#vendor#306' },
      }),
    );
    expect(items.Items).toHaveLength(1);
    expect(JSON.stringify(items.Items![0]).length).toBeLessThan(1024);
    expect(await store.read(ref)).toEqual([
      { at: received, step: 'received', facts: { origin: 'webhook', eventId: 'e-306' } },
      { at: clock.toISOString(), step: 'fetched', facts: { lastModified: '2026-11-01T09:59:00Z' } },
      {
        at: clock.toISOString(),
        step: 'written',
        message: 'note',
        facts: { procurifyId: '9306', action: 'updated' },
      },
    ]);
  });

  it('shows an entry once when a retry writes it again, with the same entries or more after it', async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '307' };
    const stamped = (step: 'received' | 'fetched' | 'review' | 'failed') => ({
      step,
      at: clock.toISOString(),
    });
    const [received, fetched] = [stamped('received'), stamped('fetched')];
    // A journal's outcome whose answer was lost, sent again, then its failure with the same entries.
    await store.appendAll(ref, [received, fetched, stamped('review')]);
    await store.appendAll(ref, [received, fetched]);
    await store.appendAll(ref, [received, fetched, stamped('failed')]);
    await store.append(ref, received);
    expect((await store.read(ref)).map((entry) => entry.step)).toEqual([
      'received',
      'fetched',
      'review',
      'failed',
    ]);
  });

  it("gives a release from before the groups a group's last entry, with its time and step; read() shows each entry once", async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '308' };
    const received = '2026-11-01T09:59:58.000Z';
    await store.appendAll(ref, [
      { step: 'received', at: received, facts: { origin: 'webhook' } },
      { step: 'fetched', facts: { lastModified: '2026-11-01T09:59:00Z' } },
      { step: 'review', message: 'account 6100 missing', facts: { waitingFor: 'account-code:6100' } },
    ]);
    await store.append(ref, { step: 'note', message: 'alone' });
    const items = await auditItems(ref);
    expect(items).toHaveLength(2);
    const review = {
      at: clock.toISOString(),
      step: 'review',
      message: 'account 6100 missing',
      facts: { waitingFor: 'account-code:6100' },
    };
    // As such a release reads the table: one entry an item, from its top-level attributes.
    const seenBefore = readAsBeforeGroups(items);
    expect(seenBefore).toEqual([review, { at: clock.toISOString(), step: 'note', message: 'alone' }]);
    // Its failure digest sorts a trail by time: each entry has one (it threw on a group without).
    expect(openSince(seenBefore)).toBe(review.at);
    expect(await store.read(ref)).toEqual([
      { at: received, step: 'received', facts: { origin: 'webhook' } },
      { at: clock.toISOString(), step: 'fetched', facts: { lastModified: '2026-11-01T09:59:00Z' } },
      review,
      { at: clock.toISOString(), step: 'note', message: 'alone' },
    ]);
  });

  it("counts a group's top-level copy of its last entry in the group's 16 kB", async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '309' };
    // Three entries of 5 kB: 15 kB, but with the last one's copy 20 kB — so two items (2 + 1 entries).
    const entries = ['a', 'b', 'c'].map((n) => ({ step: 'note' as const, message: n.repeat(5_000) }));
    await store.appendAll(ref, entries);
    const items = await auditItems(ref);
    expect(items.map((item) => (Array.isArray(item.entries) ? item.entries.length : 1))).toEqual([2, 1]);
    for (const item of items) expect(JSON.stringify(item).length).toBeLessThan(16 * 1024);
    expect((await store.read(ref)).map((entry) => entry.message)).toEqual(
      entries.map((entry) => entry.message),
    );
  });

  it("shows a retried group's entries once even when DynamoDB gives their facts' keys in another order", async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '310' };
    await store.appendAll(ref, [
      { step: 'received', facts: { origin: 'webhook', eventId: 'e-310' } },
      { step: 'review', facts: { netsuiteId: '310', waitingFor: 'account-code:6100' } },
    ]);
    const [group] = await auditItems(ref);
    const stored = group!.entries as Array<{ sk: string; facts: Record<string, unknown> }>;
    // The retry's item (the same entries and a failure after them), its maps' keys reversed.
    const reversed = stored.map((entry) => ({
      ...entry,
      facts: Object.fromEntries(Object.entries(entry.facts).reverse()),
    }));
    const failed = { sk: `${stored.at(-1)!.sk}z`, at: clock.toISOString(), step: 'failed', message: 'boom' };
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig('dynamodb')));
    await doc.send(
      new PutCommand({
        TableName: aws.names.tables.state,
        Item: { ...failed, pk: group!.pk, entries: [...reversed, failed], expiresAt: group!.expiresAt },
      }),
    );
    const [, retried] = await auditItems(ref);
    expect(Object.keys((retried!.entries as typeof reversed)[0]!.facts)).toEqual(['eventId', 'origin']);
    expect((await store.read(ref)).map((entry) => entry.step)).toEqual(['received', 'review', 'failed']);
  });

  it('keeps apart the entries two store instances stamp in the same millisecond', async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '311' };
    // Two functions' instances, each counting its sequence from 0, noting the same record at once.
    const [one, two] = [1, 2].map(
      () =>
        new DynamoStateStore(
          new DynamoDBClient(aws.clientConfig('dynamodb')),
          aws.names.tables.state,
          () => clock,
        ),
    );
    await one!.appendAll(ref, [
      { step: 'received', message: 'one' },
      { step: 'review', message: 'one' },
    ]);
    await two!.appendAll(ref, [
      { step: 'received', message: 'two' },
      { step: 'failed', message: 'two' },
    ]);
    await two!.append(ref, { step: 'note', message: 'two' });
    expect(new Set((await auditItems(ref)).map((item) => item.sk)).size).toBe(3);
    expect((await store.read(ref)).map((entry) => `${entry.step} ${entry.message}`).sort()).toEqual([
      'failed two',
      'note two',
      'received one',
      'received two',
      'review one',
    ]);
  });

  it('sends again what DynamoDB leaves unprocessed in a BatchWriteItem or a BatchGetItem', async () => {
    const client = new DynamoDBClient(aws.clientConfig('dynamodb'));
    const requests: string[] = [];
    const heldBackOnce = new Set<string>();
    // Holds back the request's last item (key) once per operation and answers it as DynamoDB does under
    // throttling: unprocessed, in the answer's UnprocessedItems (UnprocessedKeys).
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName);
        requests.push(operation);
        if (!/^Batch(Write|Get)ItemCommand$/.test(operation) || heldBackOnce.has(operation))
          return next(args);
        heldBackOnce.add(operation);
        const writes = operation === 'BatchWriteItemCommand';
        const input = args.input as { RequestItems: Record<string, unknown> };
        const [table] = Object.keys(input.RequestItems) as [string];
        const asked = (
          writes ? input.RequestItems[table] : (input.RequestItems[table] as { Keys: unknown[] }).Keys
        ) as unknown[];
        const held = asked.slice(-1);
        const sent = asked.slice(0, -1);
        args.input = { ...input, RequestItems: { [table]: writes ? sent : { Keys: sent } } };
        const result = await next(args);
        Object.assign(result.output as object, {
          [writes ? 'UnprocessedItems' : 'UnprocessedKeys']: { [table]: writes ? held : { Keys: held } },
        });
        return result;
      },
      { step: 'initialize' },
    );
    const throttled = new DynamoStateStore(client, aws.names.tables.state, () => clock);
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '305' };
    await throttled.linkAndAppend(
      { kind: 'vendor', netsuiteId: '305', procurifyId: '9305', origin: 'created' },
      ref,
      [{ step: 'received' }, { step: 'fetched' }, { step: 'written' }],
    );
    expect((await store.read(ref)).map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
    await throttled.putState({ ref, status: 'synced', contentHash: 'h305' });
    const read = await throttled.stateAndLink(ref);
    expect(read.state).toMatchObject({ status: 'synced', contentHash: 'h305' });
    expect(read.link).toMatchObject({ procurifyId: '9305' });
    expect(requests.filter((name) => name.startsWith('Batch'))).toEqual([
      'BatchWriteItemCommand',
      'BatchWriteItemCommand',
      'BatchGetItemCommand',
      'BatchGetItemCommand',
    ]);
    client.destroy();
  });

  it('stores a stamped entry once when a batch that failed partway is sent again (a journal retry)', async () => {
    const client = new DynamoDBClient(aws.clientConfig('dynamodb'));
    let batches = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        // The second BatchWriteItem of the first call fails: its first 25 items are stored by then.
        if (context.commandName === 'BatchWriteItemCommand' && ++batches === 2) {
          throw Object.assign(new Error('Service unavailable'), {
            name: 'ServiceUnavailable',
            $fault: 'server',
          });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const flaky = new DynamoStateStore(client, aws.names.tables.state, () => clock);
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '304' };
    // Entries of 10 kB: one item each (a group holds up to 16 kB), so 32 items in two requests.
    const entries = Array.from({ length: 30 }, (_, n) => ({
      step: 'note' as const,
      message: `note ${n} ${'x'.repeat(10_000)}`,
      at: '2026-11-01T10:00:00.000Z',
    }));
    const link = {
      kind: 'vendor' as const,
      netsuiteId: '304',
      procurifyId: '9304',
      origin: 'created' as const,
    };
    await expect(flaky.linkAndAppend(link, ref, entries)).rejects.toThrow();
    expect((await store.read(ref)).length).toBe(23); // the link's two items and 23 entries went first
    await flaky.linkAndAppend(link, ref, entries);
    expect((await store.read(ref)).map((entry) => entry.message)).toEqual(
      entries.map((entry) => entry.message),
    );
    client.destroy();
  });

  it('keeps one state per record and lists records by status', async () => {
    await store.putState({ ref: vendor, status: 'failed', message: 'boom', errorClass: 'data' });
    await store.putState({
      ref: { ...vendor, id: '102' },
      status: 'review',
      message: 'two vendors named Acme',
    });
    await store.putState({ ref: vendor, status: 'synced', contentHash: 'abc' });
    expect(await store.getState(vendor)).toMatchObject({ status: 'synced', contentHash: 'abc' });
    expect(await store.listByStatus('vendor', 'failed')).toEqual([]);
    const review = await store.listByStatus('vendor', 'review');
    expect(review.map((state) => state.ref.id)).toEqual(['102']);
  });

  it('returns the audit trail oldest first', async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'account', id: '7' };
    await store.append(ref, { step: 'received', facts: { origin: 'webhook' } });
    await store.append(ref, { step: 'fetched' });
    clock = new Date('2026-11-01T10:00:01Z');
    await store.append(ref, { step: 'skipped', message: 'account has no Number' });
    const trail = await store.read(ref);
    expect(trail.map((entry) => entry.step)).toEqual(['received', 'fetched', 'skipped']);
    expect(trail[0]?.facts).toEqual({ origin: 'webhook' });
  });

  it('reads queries past their first page: states by status (500 a page) and a trail over 1 MB', async () => {
    const refs = Array.from(
      { length: 520 },
      (_, n): RecordRef => ({
        system: 'netsuite',
        kind: 'department',
        id: String(n),
      }),
    );
    for (let start = 0; start < refs.length; start += 130) {
      await Promise.all(
        refs.slice(start, start + 130).map((ref) => store.putState({ ref, status: 'failed' })),
      );
    }
    expect(await store.listByStatus('department', 'failed')).toHaveLength(520);
    expect(await store.listByStatus('department', 'failed', 510)).toHaveLength(510);
    expect(await store.countByStatus('department', 'failed')).toBe(520);

    // DynamoDB answers at most 1 MB a page: twelve entries of 100 kB take two.
    const ref: RecordRef = { system: 'procurify', kind: 'bill', id: 'large-trail' };
    for (let n = 0; n < 12; n += 1) {
      await store.append(ref, {
        step: 'note',
        message: `${String(n).padStart(2, '0')} ${'x'.repeat(100_000)}`,
      });
    }
    const trail = await store.read(ref);
    expect(trail.map((entry) => entry.message?.slice(0, 2))).toEqual(
      Array.from({ length: 12 }, (_, n) => String(n).padStart(2, '0')),
    );
  });

  it('moves a watermark forward only', async () => {
    await store.advanceWatermark('netsuite-poll:vendor', '2026-11-01T10:00:00Z');
    await store.advanceWatermark('netsuite-poll:vendor', '2026-10-01T00:00:00Z');
    expect(await store.getWatermark('netsuite-poll:vendor')).toBe('2026-11-01T10:00:00Z');
    await store.advanceWatermark('netsuite-poll:vendor', '2026-11-02T00:00:00Z');
    expect(await store.getWatermark('netsuite-poll:vendor')).toBe('2026-11-02T00:00:00Z');
  });

  it('gives a lease to one holder until it is released or expires', async () => {
    expect(await store.acquireLease('netsuite-poll', 'run-a', 60)).toBe(true);
    expect(await store.acquireLease('netsuite-poll', 'run-b', 60)).toBe(false);
    await store.releaseLease('netsuite-poll', 'run-b'); // not the holder: no effect
    expect(await store.acquireLease('netsuite-poll', 'run-b', 60)).toBe(false);
    await store.releaseLease('netsuite-poll', 'run-a');
    expect(await store.acquireLease('netsuite-poll', 'run-b', 60)).toBe(true);
    clock = new Date(clock.getTime() + 61_000);
    expect(await store.acquireLease('netsuite-poll', 'run-c', 60)).toBe(true);
  });

  it("keeps a record's lease on its state item: state writes keep it, the outcome's write gives it back", async () => {
    const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: '501' };
    const lease = 'record:netsuite#vendor#501';
    expect(await store.acquireLease(lease, 'worker-a', 120)).toBe(true);
    // A lease alone is no state.
    expect(await store.getState(ref)).toBeUndefined();
    expect((await store.stateAndLink(ref)).state).toBeUndefined();
    expect(await store.listByStatus('vendor', 'synced')).not.toContainEqual(expect.objectContaining({ ref }));
    expect(await store.acquireLease(lease, 'worker-b', 120)).toBe(false);
    expect(await store.leaseWaitSeconds(lease)).toBe(121);
    // A state written meanwhile (an operator's, another flow's) keeps the lease; its fields are replaced.
    await store.putState({ ref, status: 'review', message: 'needs a look', waitingFor: ['x'] });
    expect(await store.acquireLease(lease, 'worker-b', 120)).toBe(false);
    expect(await store.getState(ref)).toEqual({
      ref,
      status: 'review',
      message: 'needs a look',
      waitingFor: ['x'],
      updatedAt: clock.toISOString(),
    });
    // Not the holder: the state is written, the lease stays with worker-a.
    expect(
      (
        await store.putStateReleasing(
          { ref, status: 'failed', message: 'late' },
          { name: lease, holder: 'worker-b' },
        )
      ).released,
    ).toBe(false);
    expect(await store.getState(ref)).toMatchObject({ status: 'failed', message: 'late' });
    expect(await store.acquireLease(lease, 'worker-b', 120)).toBe(false);
    const written = await store.putStateReleasing(
      { ref, status: 'synced', contentHash: 'h1' },
      { name: lease, holder: 'worker-a' },
    );
    expect(written.released).toBe(true);
    // The fields the new state lacks are gone; the lease is free.
    expect(await store.getState(ref)).toEqual({
      ref,
      status: 'synced',
      contentHash: 'h1',
      updatedAt: clock.toISOString(),
    });
    expect(await store.listByStatus('vendor', 'synced')).toContainEqual(expect.objectContaining({ ref }));
    expect(await store.listByStatus('vendor', 'failed')).not.toContainEqual(expect.objectContaining({ ref }));
    expect(await store.leaseWaitSeconds(lease)).toBe(0);
    expect(await store.acquireLease(lease, 'worker-b', 120)).toBe(true);
    // Taking the lease leaves the state as it was; releasing it too.
    expect(await store.getState(ref)).toMatchObject({ status: 'synced', contentHash: 'h1' });
    await store.releaseLease(lease, 'worker-a'); // not the holder: no effect
    expect(await store.acquireLease(lease, 'worker-c', 120)).toBe(false);
    await store.releaseLease(lease, 'worker-b');
    expect(await store.getState(ref)).toMatchObject({ status: 'synced', contentHash: 'h1' });
    // An expired lease is taken by another holder.
    expect(await store.acquireLease(lease, 'worker-c', 60)).toBe(true);
    clock = new Date(clock.getTime() + 61_000);
    expect(await store.acquireLease(lease, 'worker-d', 60)).toBe(true);
    await expect(
      store.putStateReleasing(
        { ref: { ...ref, id: '502' }, status: 'synced' },
        { name: lease, holder: 'worker-d' },
      ),
    ).rejects.toThrow(/is not the lease of/);
  });

  it('stores configuration values', async () => {
    expect(await store.getConfig('payment-mode')).toBeUndefined();
    await store.putConfig('payment-mode', { mode: 'pull' });
    expect(await store.getConfig('payment-mode')).toEqual({ mode: 'pull' });
  });
});
