// The bill-sync use case (shared/bills/sync-bill.ts) and its decision (decide-bill.ts) over in-memory
// Procurify, NetSuite and state: every outcome — note, skip, legacy and initial-load links, park, write
// (create, update, unchanged, re-link after a crash), invoice files — and every failure path.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { decideBill } from '../../../shared/bills/decide-bill.ts';
import { invoiceFileName, netsuiteFileType, syncBill } from '../../../shared/bills/sync-bill.ts';
import { BugError, DataError, TransientError } from '../../../shared/errors.ts';
import { apBill, BillWorld, billItem, billUuid, otherUuid, pdf, procurifyBill } from './world.ts';

const ref = { system: 'procurify', kind: 'bill', id: billUuid } as const;
const externalId = `procurify-bill-${billUuid}`;
let world: BillWorld;

beforeEach(async () => {
  world = new BillWorld();
  await world.linkVendor();
  world.procurify.putBill(procurifyBill());
});

describe('syncBill: writing', () => {
  it('creates the Vendor Bill, links it and records the outcome', async () => {
    const outcome = await syncBill(
      { ...world.message(), lastModified: '2026-11-01T10:00:00Z' },
      world.syncDeps(),
    );
    const created = world.netsuite.record('vendorBill', `eid:${externalId}`)!;
    expect(outcome).toEqual({ status: 'synced', netsuiteId: created.id });
    expect(created).toMatchObject({
      entity: { id: '101' },
      subsidiary: { id: '1' },
      currency: { id: '1' },
      terms: { id: '4' },
      tranId: 'INV-1001',
      tranDate: '2026-10-27',
      expense: { items: [{ account: { id: '61' }, amount: 100.5, department: { id: '30' } }] },
    });
    expect(world.netsuite.writes.map((write) => [write.method, write.replace])).toEqual([
      ['PUT', ['expense', 'item']],
    ]);
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: created.id,
      origin: 'created',
    });
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'synced',
      sourceModified: '2026-11-01T10:00:00.123456Z',
      contentHash: expect.any(String),
    });
    const trail = await world.state.read(ref);
    expect(trail.map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
    expect(trail[0]?.facts).toEqual({ origin: 'poll', lastModified: '2026-11-01T10:00:00Z' });
    expect(trail[2]?.facts).toMatchObject({ action: 'created', total: '100.50', currency: 'USD', lines: 1 });
  });

  it('writes nothing the second time when nothing changed, and rewrites on a replay', async () => {
    await syncBill(world.message(), world.syncDeps());
    const again = await syncBill(world.message(), world.syncDeps());
    expect(again.status).toBe('synced');
    expect(world.netsuite.writes).toHaveLength(1);
    expect((await world.steps()).slice(-1)).toEqual(['unchanged']);

    const replayed = await syncBill(world.message('replay'), world.syncDeps());
    expect(replayed.status).toBe('synced');
    expect(world.netsuite.writes).toHaveLength(2);
    expect((await world.state.read(ref)).at(-1)).toMatchObject({
      step: 'written',
      facts: { action: 'updated' },
    });
    // The replaced sublist holds the bill's one line, not two.
    expect(
      (world.netsuite.record('vendorBill', `eid:${externalId}`)!.expense as { items: unknown[] }).items,
    ).toHaveLength(1);
  });

  it('updates an approved bill that changed, keeping its link', async () => {
    await syncBill(world.message(), world.syncDeps());
    const linked = await world.state.findBySource('procurify', 'bill', billUuid);
    world.procurify.putBill(
      procurifyBill({ note: 'corrected', last_modified_datetime: '2026-11-02T08:00:00Z' }),
    );
    world.clock.advance(60);
    expect(await syncBill(world.message(), world.syncDeps())).toMatchObject({ status: 'synced' });
    expect(world.netsuite.record('vendorBill', linked!.netsuiteId)).toMatchObject({ memo: 'corrected' });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toEqual(linked);
  });

  it('after a crash between the write and the link, asks NetSuite for the id and links it', async () => {
    const id = world.netsuite.seed('vendorBill', { entity: { id: '101' } }, externalId);
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome).toMatchObject({ status: 'synced', netsuiteId: id });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({ netsuiteId: id });
    expect((await world.state.read(ref)).at(-1)?.facts).toMatchObject({ action: 'updated' });
  });

  it('re-links a bill whose link names another Vendor Bill than the one its external id finds', async () => {
    await world.state.link({ kind: 'bill', netsuiteId: '5', procurifyId: billUuid, origin: 'created' });
    const outcome = await syncBill(world.message('replay'), world.syncDeps());
    const created = world.netsuite.record('vendorBill', `eid:${externalId}`)!;
    expect(outcome.netsuiteId).toBe(created.id);
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: created.id,
      origin: 'created',
    });
  });

  it("keeps the operator's selection on the state it writes", async () => {
    await world.state.putState({
      ref,
      status: 'pending',
      selected: { at: '2026-11-01T00:00:00.000Z', by: 'ana' },
    });
    await syncBill(world.message(), world.syncDeps());
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'synced',
      selected: { at: '2026-11-01T00:00:00.000Z', by: 'ana' },
    });
  });
});

describe('syncBill: invoice files', () => {
  beforeEach(async () => {
    await world.configure({ attachments: { folderId: '77' } });
    world.procurify.putBill(
      procurifyBill({
        invoice_attachments: [pdf('aaaa1111-0000'), pdf('bbbb2222-0000', 'scan.heic', 'image/heic')],
      }),
    );
    world.procurify.files.set('aaaa1111-0000', {
      content: new Uint8Array([1, 2, 3, 4]),
      contentType: 'application/pdf',
    });
  });

  it('stores and attaches each file once, noting a file NetSuite has no type for', async () => {
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome.status).toBe('synced');
    expect(outcome.message).toBe(
      'invoice file scan.heic not stored: NetSuite has no file type for image/heic',
    );
    const netsuiteId = outcome.netsuiteId!;
    expect([...world.netsuite.files.keys()]).toEqual([
      `77/${invoiceFileName(billUuid, { name: 'invoice.pdf', uuid: 'aaaa1111-0000' } as never)}`,
    ]);
    expect(world.netsuite.attached.get(`vendorBill/${netsuiteId}`)?.size).toBe(1);
    expect((await world.state.getState(ref))?.attachments).toEqual(['aaaa1111-0000']);

    // A replay does not store the stored file again, and re-uses the name if it must.
    await syncBill(world.message('replay'), world.syncDeps());
    expect(world.netsuite.files.size).toBe(1);
    const notes = (await world.state.read(ref))
      .filter((entry) => entry.step === 'note')
      .map((entry) => entry.message);
    expect(notes.filter((note) => note?.includes('stored and attached'))).toHaveLength(1);
  });

  it('re-uses a file of the same name already in the folder (a re-send after a crash)', async () => {
    await syncBill(world.message(), world.syncDeps());
    const state = (await world.state.getState(ref))!;
    const { updatedAt: _at, ...rest } = state;
    await world.state.putState({ ...rest, attachments: [] });
    await syncBill(world.message(), world.syncDeps());
    const notes = (await world.state.read(ref))
      .filter((entry) => entry.step === 'note')
      .map((entry) => entry.message);
    expect(notes).toContain('invoice file invoice.pdf re-used and attached');
  });

  it('leaves the bill synced when storing a file fails, and stores only that file on the retry', async () => {
    world.netsuite.faults.failNext('storeAttachment');
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toBeInstanceOf(TransientError);
    const failed = await world.state.getState(ref);
    expect(failed).toMatchObject({
      status: 'failed',
      errorClass: 'transient',
      contentHash: expect.any(String),
    });
    expect(failed?.attachments).toBeUndefined();
    expect(world.netsuite.writes).toHaveLength(1);

    await syncBill(world.message(), world.syncDeps());
    expect(world.netsuite.writes).toHaveLength(1);
    expect((await world.state.getState(ref))?.attachments).toEqual(['aaaa1111-0000']);
  });

  it('remembers each stored file in the state it wrote, reading none back (a replica behind the write would give the state before)', async () => {
    world.procurify.putBill(
      procurifyBill({ invoice_attachments: [pdf('aaaa1111-0000'), pdf('cccc3333-0000', 'other.pdf')] }),
    );
    world.procurify.files.set('cccc3333-0000', {
      content: new Uint8Array([5]),
      contentType: 'application/pdf',
    });
    // The bill failed before; DynamoDB's GetItem is eventually consistent: a read after a file may give
    // the state as it was before this sync.
    await world.state.putState({ ref, status: 'failed', message: 'boom', contentHash: 'before' });
    const before = await world.state.getState(ref);
    const readState = world.state.getState.bind(world.state);
    let behind = false;
    world.state.getState = async (record) => (behind ? before : readState(record));
    const written: string[][] = [];
    const putState = world.state.putState.bind(world.state);
    world.state.putState = async (state) => {
      written.push([state.status, state.contentHash ?? '', ...(state.attachments ?? [])]);
      return putState(state);
    };
    const outcome = await syncBill(world.message(), {
      ...world.syncDeps(),
      fileCabinet: {
        storeAttachment: async (input) => {
          const stored = await world.netsuite.storeAttachment(input);
          behind = true;
          return stored;
        },
      },
    });
    expect(outcome.status).toBe('synced');
    expect(world.netsuite.files.size).toBe(2);
    // Synced with this sync's hash from the first write on, each file remembered as it was stored.
    const hash = (await readState(ref))!.contentHash!;
    expect(hash).not.toBe('before');
    expect(written).toEqual([
      ['synced', hash],
      ['synced', hash, 'aaaa1111-0000'],
      ['synced', hash, 'aaaa1111-0000', 'cccc3333-0000'],
      ['synced', hash, 'aaaa1111-0000', 'cccc3333-0000'],
    ]);
    expect(await readState(ref)).toMatchObject({
      status: 'synced',
      attachments: ['aaaa1111-0000', 'cccc3333-0000'],
    });
  });

  it("checks a file against Procurify's SHA-1 before storing it", async () => {
    const content = new Uint8Array([1, 2, 3, 4]);
    const sha1 = createHash('sha1').update(content).digest('hex');
    world.procurify.putBill(
      procurifyBill({ invoice_attachments: [{ ...pdf('aaaa1111-0000'), sha1_hash: sha1 }] }),
    );
    expect((await syncBill(world.message(), world.syncDeps())).status).toBe('synced');
    expect(world.netsuite.files.size).toBe(1);

    world.procurify.putBill(
      procurifyBill({ invoice_attachments: [{ ...pdf('cccc3333-0000', 'other.pdf'), sha1_hash: sha1 }] }),
    );
    world.procurify.files.set('cccc3333-0000', {
      content: new Uint8Array([9]),
      contentType: 'application/pdf',
    });
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toMatchObject({ code: 'BAD_CONTENT' });
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'failed',
      errorClass: 'data',
      attachments: ['aaaa1111-0000'],
    });
  });

  it("notes files it cannot store without apsync's attachment RESTlet", async () => {
    const outcome = await syncBill(world.message(), world.syncDeps({ fileCabinet: false }));
    expect(outcome.message).toMatch(
      /^2 invoice file\(s\) not stored: apsync's attachment RESTlet is not enabled/,
    );
    expect(world.netsuite.files.size).toBe(0);
  });

  it('notes files when no folder is configured', async () => {
    await world.configure({});
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome.message).toBe(
      '2 invoice file(s) not stored: no File Cabinet folder configured (bills config: attachments.folderId)',
    );
    expect((await world.state.read(ref)).filter((entry) => entry.step === 'note')).toHaveLength(1);
  });

  it('gives files NetSuite types by MIME type and names them per attachment', () => {
    expect(netsuiteFileType('Application/PDF; charset=binary')).toBe('PDF');
    expect(netsuiteFileType('image/heic')).toBeUndefined();
    expect(invoiceFileName('ABCDEF12-0000', { name: 'a/b:c.pdf', uuid: 'DEADBEEF-1' } as never)).toBe(
      'procurify-abcdef12-deadbeef-a_b_c.pdf',
    );
  });
});

describe('syncBill: decisions that write nothing', () => {
  it('notes a later status on a linked bill and keeps its state', async () => {
    await syncBill(world.message(), world.syncDeps());
    world.procurify.putBill(procurifyBill({ status: 4 }));
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome).toMatchObject({ status: 'synced', message: expect.stringMatching(/now Paid \(4\)/) });
    expect((await world.steps()).at(-1)).toBe('note');
  });

  it('answers synced for a linked bill without a state (an imported link)', async () => {
    await world.state.link({ kind: 'bill', netsuiteId: '900', procurifyId: billUuid, origin: 'import' });
    world.procurify.putBill(procurifyBill({ status: 6 }));
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome).toEqual({
      status: 'synced',
      netsuiteId: '900',
      message: 'Procurify status is now Payment Confirmed (6); NetSuite Vendor Bill 900 left as it is',
    });
  });

  it('skips a bill that is not approved, naming an unknown status too', async () => {
    world.procurify.putBill(procurifyBill({ status: 0 }));
    expect(await syncBill(world.message(), world.syncDeps())).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/^Bill status is Draft \(0\)/),
    });
    world.procurify.putBill(procurifyBill({ status: 99 }));
    expect((await syncBill(world.message(), world.syncDeps())).message).toMatch(
      /^Bill status is Unknown \(99\)/,
    );
    expect(world.netsuite.writes).toEqual([]);
    expect((await world.state.getState(ref))?.status).toBe('skipped');
  });

  it.each([
    ['legacy', 'created by an older integration'],
    ['matched', 'matched at the initial load'],
    ['import', 'link imported'],
  ] as const)('skips a bill linked by a %s link', async (origin, why) => {
    await world.state.link({ kind: 'bill', netsuiteId: '900', procurifyId: billUuid, origin });
    expect(await syncBill(world.message(), world.syncDeps())).toEqual({
      status: 'skipped',
      netsuiteId: '900',
      message: `Already in NetSuite as Vendor Bill 900 (${why}); apsync does not write it`,
    });
    expect(world.netsuite.writes).toEqual([]);
  });

  it('skips an excluded bill, naming who excluded it when known', async () => {
    await world.state.putState({
      ref,
      status: 'skipped',
      excluded: { reason: 'paid by card', by: 'ana', at: '2026-10-30T12:00:00Z' },
    });
    expect((await syncBill(world.message(), world.syncDeps())).message).toBe(
      'Excluded from the sync by ana on 2026-10-30: paid by card (apsync bills include to undo)',
    );
    await world.state.putState({
      ref,
      status: 'skipped',
      excluded: { reason: 'card', at: '2026-10-30T12:00:00Z' },
    });
    expect((await syncBill(world.message(), world.syncDeps())).message).toBe(
      'Excluded from the sync on 2026-10-30: card (apsync bills include to undo)',
    );
    expect(await world.state.getState(ref)).toMatchObject({ excluded: { reason: 'card' } });
  });

  it('in manual mode skips a bill nobody selected, and writes a selected or flagged one', async () => {
    await world.configure({ mode: 'manual' });
    expect((await syncBill(world.message(), world.syncDeps())).message).toBe(
      `Bill sync mode is manual: select the bill with apsync bills sync ${billUuid}`,
    );
    await world.configure({ mode: 'manual', manualField: 'Sync to NetSuite' });
    const flag = (value: string | boolean, name = 'Sync to NetSuite') => [
      billItem({ custom_fields: [{ id: 1, value, field: { id: 9, name } }] }),
    ];
    for (const items of [flag('no'), flag(' False '), flag(''), flag(true, 'Other')]) {
      world.procurify.putBill(procurifyBill({ items }));
      expect((await syncBill(world.message(), world.syncDeps())).message).toBe(
        `Bill sync mode is manual: select the bill with apsync bills sync ${billUuid} or set its Sync to NetSuite field in Procurify`,
      );
    }
    world.procurify.putBill(procurifyBill({ items: flag('yes') }));
    expect((await syncBill(world.message(), world.syncDeps())).status).toBe('synced');

    world.procurify.putBill(
      procurifyBill({ uuid: '11111111-2222-4333-8444-555555555555', items: flag(true) }),
    );
    expect(
      (await syncBill(world.message('poll', '11111111-2222-4333-8444-555555555555'), world.syncDeps()))
        .status,
    ).toBe('synced');
  });

  it('in manual mode writes a bill an operator selected', async () => {
    await world.configure({ mode: 'manual' });
    await world.state.putState({ ref, status: 'pending', selected: { at: '2026-11-01T00:00:00Z' } });
    expect((await syncBill(world.message(), world.syncDeps())).status).toBe('synced');
  });

  it('parks a bill naming what it waits for', async () => {
    world.procurify.putBill(
      procurifyBill({
        items: [
          billItem({
            cost_allocations: [
              {
                ...billItem().cost_allocations[0]!,
                budget: {
                  ...billItem().cost_allocations[0]!.budget,
                  account_code: { id: 1, code: '9999', description: 'x' },
                },
              },
            ],
          }),
        ],
      }),
    );
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome).toEqual({
      status: 'review',
      message: 'Waiting for: account code 9999: no NetSuite account has this Number',
      waitingFor: ['account-code:9999'],
    });
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'review',
      waitingFor: ['account-code:9999'],
    });
    expect((await world.state.read(ref)).at(-1)).toMatchObject({
      step: 'review',
      facts: { waitingFor: 'account-code:9999' },
    });
  });
});

describe('syncBill: legacy bills and the initial load', () => {
  it('links the one Vendor Bill of an older integration and writes nothing', async () => {
    await world.configure({ legacy: { externalIdPattern: '^PROC-(.+)$' } });
    const id = world.netsuite.seed('vendorBill', { entity: { id: '101' } }, `PROC-${billUuid}`);
    world.netsuite.seed('vendorBill', { entity: { id: '101' } }, 'PROC-someone-else');
    expect(await syncBill(world.message(), world.syncDeps())).toEqual({
      status: 'skipped',
      netsuiteId: id,
      message: `Already in NetSuite as Vendor Bill ${id} (created by an older integration, external id PROC-${billUuid}); linked, not written again`,
    });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: id,
      origin: 'legacy',
    });
    expect(world.netsuite.writes).toEqual([]);
  });

  it('finds an older bill by a body field, which has no external id to name', async () => {
    await world.configure({ legacy: { field: 'custbody_procurify_bill' } });
    const id = world.netsuite.seed('vendorBill', {
      entity: { id: '101' },
      custbody_procurify_bill: billUuid,
    });
    expect((await syncBill(world.message(), world.syncDeps())).message).toBe(
      `Already in NetSuite as Vendor Bill ${id} (created by an older integration); linked, not written again`,
    );
  });

  it('fails a bill two older bills match, and writes it when none does', async () => {
    await world.configure({ legacy: { field: 'custbody_procurify_bill' } });
    const ids = [1, 2].map(() => world.netsuite.seed('vendorBill', { custbody_procurify_bill: billUuid }));
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow(
      `2 NetSuite Vendor Bills of an older integration match this bill (ids ${ids.join(', ')})`,
    );
    await world.configure({ legacy: { field: 'custbody_other_key' } });
    expect((await syncBill(world.message(), world.syncDeps())).status).toBe('synced');
  });

  it('at the initial load links the one Vendor Bill of the same vendor, invoice and total', async () => {
    const id = world.netsuite.seed('vendorBill', {
      entity: { id: '101' },
      tranId: 'INV-1001',
      total: '100.5',
    });
    world.netsuite.seed('vendorBill', { entity: { id: '101' }, tranId: 'INV-1001', total: '99.00' });
    expect(await syncBill(world.message('backfill'), world.syncDeps())).toEqual({
      status: 'skipped',
      netsuiteId: id,
      message: `Already in NetSuite as Vendor Bill ${id} (same vendor, invoice INV-1001 and total USD 100.50); linked, not written`,
    });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      origin: 'matched',
    });
  });

  it('at the initial load parks a bill two Vendor Bills match, and writes one none matches', async () => {
    const ids = [1, 2].map(() =>
      world.netsuite.seed('vendorBill', { entity: { id: '101' }, tranId: 'INV-1001', total: '100.50' }),
    );
    expect(await syncBill(world.message('backfill'), world.syncDeps())).toEqual({
      status: 'review',
      waitingFor: ['match:INV-1001'],
      message: `2 NetSuite Vendor Bills have this vendor, invoice INV-1001 and total (ids ${ids.join(', ')}); link the right one with apsync bills import-links`,
    });
    world.procurify.putBill(procurifyBill({ invoice_number: 'INV-2002' }));
    expect((await syncBill(world.message('backfill'), world.syncDeps())).status).toBe('synced');
  });

  it('at the initial load writes a bill without an invoice number without looking for a match', async () => {
    // A Vendor Bill with an empty invoice number would match the bill if it were looked for.
    world.netsuite.seed('vendorBill', { entity: { id: '101' }, tranId: '', total: '100.50' });
    for (const [invoice_number, uuid] of [
      [null, billUuid],
      ['', otherUuid],
    ] as const) {
      world.procurify.putBill(procurifyBill({ invoice_number, uuid }));
      expect((await syncBill(world.message('backfill', uuid), world.syncDeps())).status).toBe('synced');
    }
    expect(world.netsuite.writes.map((write) => write.method)).toEqual(['PUT', 'PUT']);
  });
});

describe('syncBill: failures', () => {
  it('fails visibly when the vendor is not linked, keeping what the last write recorded', async () => {
    await syncBill(world.message(), world.syncDeps());
    const before = await world.state.getState(ref);
    await world.state.unlink({ kind: 'vendor', netsuiteId: '101', procurifyId: '7' });
    world.clock.advance(1);
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toBeInstanceOf(DataError);
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'failed',
      errorClass: 'data',
      message: 'Vendor Northwind Paper Co (Procurify 7) is not linked to a NetSuite vendor',
      contentHash: before?.contentHash,
      sourceModified: '2026-11-01T10:00:00.123456Z',
    });
    expect((await world.state.read(ref)).at(-1)).toMatchObject({
      step: 'failed',
      facts: { errorClass: 'data' },
    });
  });

  it('records an unclassified error as a bug, without a source time when the bill was never read', async () => {
    world.procurify.faults.failNext('getBill', new Error('socket hang up'));
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow('socket hang up');
    const failed = await world.state.getState(ref);
    expect(failed).toEqual({
      ref,
      status: 'failed',
      errorClass: 'bug',
      message: 'socket hang up',
      updatedAt: world.clock.iso(),
    });
  });

  it('records a thrown value that is not an Error by its text', async () => {
    world.procurify.faults.failNext('getBill', 'connection reset');
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toBe('connection reset');
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'failed',
      errorClass: 'bug',
      message: 'connection reset',
    });
  });

  it('keeps stored files and marks on a failure', async () => {
    await world.state.putState({
      ref,
      status: 'synced',
      attachments: ['f1'],
      excluded: undefined,
      selected: { at: '2026-11-01T00:00:00Z' },
    });
    world.procurify.faults.failNext('getBill');
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toBeInstanceOf(TransientError);
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'failed',
      attachments: ['f1'],
      selected: { at: '2026-11-01T00:00:00Z' },
    });
  });

  it('retries later while another worker holds the bill', async () => {
    await world.state.acquireLease(`record:procurify#bill#${billUuid}`, 'other-worker', 120);
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow(
      /another worker is syncing procurify bill/,
    );
    expect(await world.state.getState(ref)).toBeUndefined();
    expect(world.netsuite.writes).toEqual([]);
  });
});

describe('decideBill for preview', () => {
  it('decides with the settings given, without reading them', async () => {
    world.state.faults.failNext('getConfig', new BugError('settings must not be read'));
    const decision = await decideBill(apBill(), world.syncDeps(), {
      settings: { mode: 'auto', costs: { mode: 'coded' }, customFields: [] },
    });
    expect(decision).toMatchObject({
      kind: 'write',
      action: 'create',
      storedFiles: [],
      target: {
        method: 'PUT',
        path: `/services/rest/record/v1/vendorBill/eid:${externalId}?replace=expense,item`,
      },
    });
  });
});
