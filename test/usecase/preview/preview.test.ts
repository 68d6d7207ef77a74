// The preview of a record's next write (shared/preview/*) over in-memory NetSuite, Procurify and state:
// what it shows is the decision the worker then applies — the body previewed is the body the worker
// sends (master data, bills and payments through previewRecord itself, the bills' and payments' NetSuite
// reads being the workers' own ports in memory) — and whatever cannot be previewed is refused by name.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApPayment } from '../../../shared/ap/payment.ts';
import { decideBill } from '../../../shared/bills/decide-bill.ts';
import { syncBill } from '../../../shared/bills/sync-bill.ts';
import type { FunctionSettings } from '../../../shared/config/environment.ts';
import { DataError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { createProcurifyLookups } from '../../../shared/master-data/procurify-lookups.ts';
import { syncMasterRecord } from '../../../shared/master-data/sync-master-record.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import { decidePayment } from '../../../shared/payments/decide-payment.ts';
import { pushPayment } from '../../../shared/payments/push-payment.ts';
import type { PreviewSources } from '../../../shared/preview/ports.ts';
import { renderMasterDecision } from '../../../shared/preview/preview-master-data.ts';
import { previewable, previewRecord } from '../../../shared/preview/preview-record.ts';
import { renderBillDecision, renderPaymentDecision } from '../../../shared/preview/preview-transactions.ts';
import { toApPayment } from '../../../shared/procurify/ap-records.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/schemas.ts';
import { vendorPatchSchema, vendorWriteSchema } from '../../../shared/procurify/writes.ts';
import { settingsConfigName } from '../../../shared/settings/settings-store.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import type { SyncClients } from '../../../shared/sync-clients.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { paidProcurifyPayment } from '../../support/procurify-payment.ts';
import { BillWorld, billItem, billUuid, pdf, procurifyBill } from '../bills/world.ts';

describe('previewRecord: what can be previewed', () => {
  it('previews vendors, accounts, departments, bills and payments; refuses the rest by name', async () => {
    const refs: RecordRef[] = [
      { system: 'netsuite', kind: 'vendor', id: '1' },
      { system: 'netsuite', kind: 'account', id: '1' },
      { system: 'netsuite', kind: 'department', id: '1' },
      { system: 'netsuite', kind: 'bill', id: '1' },
      { system: 'procurify', kind: 'bill', id: 'u' },
      { system: 'procurify', kind: 'payment', id: '5' },
      { system: 'procurify', kind: 'payment', id: 'mode' },
      { system: 'procurify', kind: 'vendor', id: '7' },
    ];
    expect(refs.map(previewable)).toEqual([true, true, true, false, true, true, false, false]);
    const sources = { state: new InMemoryStateStore() } as unknown as PreviewSources;
    const error = await previewRecord(
      sources,
      { system: 'procurify', kind: 'payment', id: 'mode' },
      'payment:mode',
    ).then(
      () => undefined,
      (caught: unknown) => caught as DataError,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error?.message).toBe(
      'payment:mode is not a record apsync writes anywhere; preview vendors, accounts, departments, bills or payments',
    );
  });
});

describe('previewRecord: master data shows what the inbound worker then writes', () => {
  let clock: ManualClock;
  let state: InMemoryStateStore;
  let netsuite: InMemoryNetSuite;
  let procurify: InMemoryProcurify;
  let deployed: Partial<FunctionSettings>;

  const sources = (): PreviewSources => ({
    state,
    settings: async () => deployed as FunctionSettings,
    // Only the parts master data reads: NetSuite's records and Procurify's master-data ports.
    syncClients: async () => ({ netsuite: { records: netsuite }, procurify }) as unknown as SyncClients,
    transactionReads: async () => {
      throw new Error('master data is previewed without the bill and payment reads');
    },
    defaultPaymentMode: 'push',
  });
  const preview = (kind: 'vendor' | 'account' | 'department', id: string) =>
    previewRecord(sources(), { system: 'netsuite', kind, id }, `${kind}:${id}`);
  const sync = (
    kind: InboundMessage['recordType'],
    id: string,
    eventType: InboundMessage['eventType'] = 'edit',
  ) =>
    syncMasterRecord(
      {
        kind: 'record-event',
        origin: 'webhook',
        eventId: `evt-${kind}-${id}-${clock.iso()}`,
        recordType: kind,
        recordId: id,
        eventType,
        lastModified: clock.iso(),
        receivedAt: clock.iso(),
      },
      {
        netsuite,
        procurify,
        state,
        scope: {},
        lookups: createProcurifyLookups(async () => procurify, deployed.departmentLocationId),
        currencyCodes: new Map<string, string>(),
        termNames: new Map<string, string>(),
      },
    );

  beforeEach(() => {
    clock = new ManualClock();
    state = new InMemoryStateStore(clock.now);
    netsuite = new InMemoryNetSuite();
    procurify = new InMemoryProcurify();
    procurify.currencies = [
      { id: 1, name: 'usd', description: 'US Dollar', active: true },
      { id: 2, name: 'XXX', description: 'Old', active: false },
    ];
    procurify.locations = [
      { id: 6, name: 'Closed', active: false, headquarter: false },
      { id: 7, name: 'Branch', active: true, headquarter: false },
      { id: 8, name: 'HQ', active: true, headquarter: true },
    ] as never;
    deployed = {};
    netsuite.seed('currency', { symbol: 'USD' });
  });

  it('a vendor: create previewed is the body written; then unchanged; an edit previewed as the update sent', async () => {
    const id = netsuite.seed('vendor', {
      companyName: 'Northwind Paper Co',
      email: 'ap@northwind.example',
      currency: { id: '1000', refName: 'US Dollar' },
      lastModifiedDate: '2026-11-01T10:00:00Z',
    });
    const planned = await preview('vendor', id);
    expect(planned).toMatchObject({
      outcome: 'create',
      target: { system: 'procurify', kind: 'vendor', id: null, method: 'POST' },
      validation: { valid: true, issues: [] },
    });
    expect(planned.payload).toMatchObject({ name: 'Northwind Paper Co', external_id: id, currency: 1 });
    expect(procurify.writes).toEqual([]);

    await sync('vendor', id);
    expect(procurify.writes).toHaveLength(1);
    // The body the adapter sends is the write as vendorWriteSchema reads it (shared/procurify/vendors.ts).
    expect(vendorWriteSchema.parse(procurify.writes[0]!.body)).toEqual(planned.payload);

    const after = await preview('vendor', id);
    expect(after).toMatchObject({
      outcome: 'unchanged',
      reason: 'the mapped content equals what was last written; nothing would be sent',
      notes: [],
    });

    await netsuite.patch('vendor', id, { companyName: 'Northwind Paper Ltd' } as never);
    const update = await preview('vendor', id);
    expect(update).toMatchObject({ outcome: 'update', target: { id: String(procurify.writes[0]!.id) } });
    await sync('vendor', id);
    // An update goes as a PATCH (vendorPatchSchema: no score, which a PUT would replace).
    expect(update.target).toMatchObject({ method: 'PATCH' });
    expect(procurify.writes.at(-1)).toMatchObject({ method: 'PATCH' });
    expect(vendorPatchSchema.parse(procurify.writes.at(-1)!.body)).toEqual(update.payload);
  });

  it('a vendor out of scope is skipped, and a sync flag the operator set that vendors lack is invalid', async () => {
    const id = netsuite.seed('vendor', { companyName: 'Elsewhere', subsidiary: { id: '3' } });
    deployed = { subsidiaryIds: ['1'] };
    expect(await preview('vendor', id)).toMatchObject({
      outcome: 'skipped',
      reason: 'subsidiary 3 is outside the configured scope',
      target: null,
      validation: { valid: true, issues: [] },
    });
    await state.putConfig(settingsConfigName, {
      'netsuite.syncFlagField': { value: 'custentity_sync', changedAt: clock.iso(), changedBy: 'ana' },
    });
    expect(await preview('vendor', id)).toMatchObject({
      outcome: 'invalid',
      validation: {
        valid: false,
        issues: [
          `the sync-flag field "custentity_sync" does not exist on NetSuite vendor ${id}; check the field id`,
        ],
      },
    });
  });

  it('a department goes to the headquarter, else the location set; a mapped location Procurify lacks parks it', async () => {
    const id = netsuite.seed('department', { name: 'Marketing', subsidiary: { id: '2' } });
    expect(await preview('department', id)).toMatchObject({
      outcome: 'create',
      payload: { name: 'Marketing', branch: 8 },
    });
    deployed = { departmentLocationId: 7 };
    const planned = await preview('department', id);
    expect(planned.payload).toMatchObject({ branch: 7 });
    await state.putConfig(settingsConfigName, {
      'procurify.departmentLocations': { value: { '2': 6 }, changedAt: clock.iso(), changedBy: 'ana' },
    });
    expect(await preview('department', id)).toMatchObject({
      outcome: 'review',
      reason: expect.stringContaining(
        'maps NetSuite subsidiary 2 to Procurify location 6, which does not exist or is inactive',
      ),
    });
  });

  it('a deleted linked record previews its deactivation, the patch the worker then sends', async () => {
    const id = netsuite.seed('department', { name: 'Marketing' });
    deployed = { departmentLocationId: 7 };
    await sync('department', id);
    const procurifyId = String([...procurify.departments.values()][0]!.id);
    await netsuite.delete('department', id);
    const planned = await preview('department', id);
    expect(planned).toMatchObject({
      outcome: 'deactivate',
      reason: `not found in NetSuite: the linked Procurify department ${procurifyId} would be made inactive`,
      target: { system: 'procurify', kind: 'department', id: procurifyId },
      notes: [],
    });
    await sync('department', id, 'delete');
    expect(procurify.writes.at(-1)!.body).toEqual(planned.payload);
    expect(procurify.departments.get(Number(procurifyId))?.active).toBe(false);
    procurify.departments.delete(Number(procurifyId));
    expect(await preview('department', id)).toMatchObject({
      outcome: 'deactivate',
      target: null,
      notes: [`Procurify record ${procurifyId} is inactive or gone already: nothing to send`],
    });
  });

  it('a vendor Procurify has by the same name previews the first-time link the worker then makes', async () => {
    const twin = procurify.putVendor({ name: 'Northwind Paper Co' });
    const id = netsuite.seed('vendor', { companyName: 'Northwind Paper Co', currency: { id: '1000' } });
    const planned = await preview('vendor', id);
    expect(planned).toMatchObject({
      outcome: 'update',
      reason: `first-time link by name with Procurify vendor ${twin.id}`,
      target: { kind: 'vendor', id: String(twin.id) },
    });
    await sync('vendor', id);
    expect(await state.findBySource('netsuite', 'vendor', id)).toMatchObject({
      procurifyId: String(twin.id),
      origin: 'name-match',
    });
  });

  it('an account code whose active flag differs previews the review a person must then do', async () => {
    procurify.putAccountCode({ code: '6100', active: true });
    const id = netsuite.seed('account', {
      acctNumber: '6100',
      acctName: 'Office supplies',
      acctType: { id: 'Expense' },
      isInactive: true,
    });
    const planned = await preview('account', id);
    expect(planned.outcome).toBe('update');
    expect(planned.notes).toEqual([expect.stringContaining('account code 6100')]);
    await sync('account', id);
    expect(await state.getState({ system: 'netsuite', kind: 'account', id })).toMatchObject({
      status: 'review',
      message: planned.notes[0],
    });
  });

  it('a vendor with fields longer than Procurify takes is previewed as the write, naming each field refused', async () => {
    const id = netsuite.seed('vendor', {
      companyName: 'Far Away Supplies',
      url: `https://example.com/${'x'.repeat(200)}`,
      addressBook: {
        items: [{ defaultBilling: true, addressBookAddress: { addr1: '1 Main St', city: 'C'.repeat(60) } }],
      },
      lastModifiedDate: '2026-11-01T10:00:00Z',
    });
    const planned = await preview('vendor', id);
    expect(planned.outcome).toBe('create');
    expect(planned.validation.valid).toBe(false);
    expect(planned.validation.issues).toEqual([
      expect.stringMatching(/^city: Too big: expected string to have <=50 characters/),
      expect.stringMatching(/^url: Too big: expected string to have <=200 characters/),
    ]);
    // Not a body the schema made: the payload shown is the write as mapped.
    expect(planned.payload).toMatchObject({ city: 'C'.repeat(60) });
  });

  it('a body with a field its request schema does not take is refused as a whole ("(body)")', () => {
    // Account codes are written with a strict schema (AccountCodeUpdateRequest has no `active`).
    const planned = renderMasterDecision({
      kind: 'write',
      target: { kind: 'account code', id: 7, method: 'PUT', path: '/api/v3/account-codes/7/' },
      payload: { code: '6100', description: 'Office supplies', account_type: 4, active: false } as never,
      hash: 'h',
      origin: 'created',
      notes: [],
    });
    expect(planned.validation).toEqual({ valid: false, issues: ['(body): Unrecognized key: "active"'] });
  });

  it('no active Procurify location: a department cannot be previewed, naming the setting', async () => {
    procurify.locations = [];
    const id = netsuite.seed('department', { name: 'Marketing' });
    await expect(preview('department', id)).rejects.toThrow(
      /^Procurify has no active location to create departments under; set /,
    );
  });
});

describe('bills: the preview renders the decision the bill-sync worker applies', () => {
  let world: BillWorld;
  beforeEach(async () => {
    world = new BillWorld();
    await world.linkVendor();
    world.procurify.putBill(procurifyBill());
  });
  const sources = (): PreviewSources => ({
    state: world.state,
    settings: async () => ({}) as FunctionSettings,
    syncClients: async () => {
      throw new Error('a bill is previewed through its reads, not the clients');
    },
    transactionReads: async () => ({
      procurify: world.procurify,
      billLookups: world.netsuite,
      paymentFacts: new InMemoryPaymentFacts(world.netsuite),
    }),
    defaultPaymentMode: 'push',
  });
  /** `apsync preview bill:<uuid>`; with `match`, the initial load's decision (it matches bills keyed in by hand). */
  const planned = async (options: { match?: boolean } = {}, uuid = billUuid) =>
    options.match === true
      ? renderBillDecision(
          await decideBill(
            await world.procurify.getBill(uuid),
            { state: world.state, lookups: world.netsuite },
            options,
          ),
        )
      : previewRecord(sources(), { system: 'procurify', kind: 'bill', id: uuid }, `bill:${uuid}`);

  it('create: the body and target previewed are what the worker writes; then unchanged', async () => {
    await world.configure({ attachments: { folderId: '77' } });
    world.procurify.putBill(procurifyBill({ invoice_attachments: [pdf('f-1')] }));
    world.procurify.files.set('f-1', {
      content: new Uint8Array([1, 2, 3, 4]),
      contentType: 'application/pdf',
    });
    const create = await planned();
    expect(create).toMatchObject({
      outcome: 'create',
      target: { system: 'netsuite', kind: 'vendorBill', id: null, method: 'PUT' },
      validation: { valid: true, issues: [] },
    });
    expect(create.notes.slice(0, 2)).toEqual([
      '1 line(s); lines 100.50, tax 0.00, shipping 0.00, costs 0.00; total USD 100.50',
      'invoice file to store in folder 77 and attach: invoice.pdf (application/pdf)',
    ]);
    await syncBill(world.message(), world.syncDeps());
    expect(world.netsuite.writes[0]!.body).toEqual(create.payload);
    expect(world.netsuite.writes[0]).toMatchObject({ method: create.target!.method });

    const unchanged = await planned();
    expect(unchanged).toMatchObject({
      outcome: 'unchanged',
      reason: 'the Vendor Bill equals what was last written; only a replay would send it again',
      target: { id: (await world.state.findBySource('procurify', 'bill', billUuid))!.netsuiteId },
    });
    expect(unchanged.notes.some((note) => note.startsWith('invoice file to store'))).toBe(false);
  });

  it('parked, skipped and noted bills are previewed with the worker’s words', async () => {
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
    expect(await planned()).toEqual({
      outcome: 'review',
      reason: 'Waiting for: account code 9999: no NetSuite account has this Number',
      target: null,
      payload: null,
      validation: { valid: false, issues: ['account-code:9999'] },
      notes: [],
    });
    const outcome = await syncBill(world.message(), world.syncDeps());
    expect(outcome).toMatchObject({
      status: 'review',
      message: 'Waiting for: account code 9999: no NetSuite account has this Number',
    });

    world.procurify.putBill(procurifyBill({ status: 0 } as never));
    const skipped = await planned();
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      target: null,
      validation: { valid: true, issues: [] },
    });
    expect((await syncBill(world.message(), world.syncDeps())).message).toBe(skipped.reason);
  });

  it('an older integration’s Vendor Bill and an initial-load match are previewed as links, nothing written', async () => {
    await world.configure({ legacy: { externalIdPattern: '^PROC-(.+)$' } });
    const legacy = world.netsuite.seed('vendorBill', { entity: { id: '101' } }, `PROC-${billUuid}`);
    expect(await planned()).toMatchObject({
      outcome: 'skipped',
      reason: `Already in NetSuite as Vendor Bill ${legacy} (created by an older integration, external id PROC-${billUuid}); it would be linked, not written`,
    });
    await world.configure({});
    const bill = await world.procurify.getBill(billUuid);
    const matched = world.netsuite.seed('vendorBill', {
      entity: { id: '101' },
      tranId: bill.invoiceNumber,
      total: 100.5,
    });
    const match = await planned({ match: true });
    expect(match.outcome).toBe('skipped');
    expect(match.reason).toContain(matched);
    expect(match.reason).toContain('it would be linked, not written');
  });

  it('a bill Procurify refuses is previewed as invalid with its words; an outage is thrown, not previewed', async () => {
    expect(await planned({}, 'not a uuid!')).toEqual({
      outcome: 'invalid',
      reason: 'procurify: "not a uuid!" is not a bill UUID',
      target: null,
      payload: null,
      validation: { valid: false, issues: ['procurify: "not a uuid!" is not a bill UUID'] },
      notes: [],
    });
    world.procurify.faults.failNext('getBill');
    await expect(planned()).rejects.toThrow('procurify: getBill unavailable');
    expect(world.netsuite.writes).toEqual([]);
  });

  it('a linked bill with a later status is noted as the worker would leave it', async () => {
    await syncBill(world.message(), world.syncDeps());
    world.procurify.putBill(procurifyBill({ status: 5 } as never));
    const note = await planned();
    expect(note.outcome).toBe('skipped');
    expect(note.reason).toContain('would be left as it is');
  });
});

describe('payments: the preview renders the decision the payment-push worker applies', () => {
  let clock: ManualClock;
  let state: InMemoryStateStore;
  let procurify: InMemoryProcurify;
  let netsuite: InMemoryNetSuite;
  let facts: InMemoryPaymentFacts;
  /** How many times the preview asked for the workers' reads. */
  let transactionReads: number;

  const payment = (overrides: Partial<ProcurifyPayment> = {}): ApPayment =>
    toApPayment(procurify.putPayment(paidProcurifyPayment(overrides)));
  const sources = (): PreviewSources => ({
    state,
    settings: async () => ({}) as FunctionSettings,
    syncClients: async () => {
      throw new Error('a payment is previewed through its reads, not the clients');
    },
    transactionReads: async () => {
      transactionReads += 1;
      return { procurify, billLookups: netsuite, paymentFacts: facts };
    },
    defaultPaymentMode: 'push',
  });
  const preview = (id = '55') =>
    previewRecord(sources(), { system: 'procurify', kind: 'payment', id }, `payment:${id}`);
  /** The preview of a payment (previewRecord), checked against the renderer of the worker's own decision. */
  const decide = async (current: ApPayment) => {
    const before = facts.reads;
    const previewed = await preview(String(current.id));
    const previewReads = facts.reads - before;
    const rendered = renderPaymentDecision(
      await decidePayment(current, await procurify.getPaymentApplications(current), {
        facts,
        procurify,
        state,
      }),
      current.currency,
    );
    expect(previewed).toEqual(rendered);
    // The preview read the payment's NetSuite facts through the worker's port, as the decision does.
    expect(previewReads).toBe(facts.reads - before - previewReads);
    return previewed;
  };

  beforeEach(async () => {
    clock = new ManualClock();
    state = new InMemoryStateStore(clock.now);
    procurify = new InMemoryProcurify();
    netsuite = new InMemoryNetSuite();
    facts = new InMemoryPaymentFacts(netsuite);
    transactionReads = 0;
    facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
    await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
    facts.bills.set('501', {
      id: '501',
      entity: '300',
      currency: '1',
      currencySymbol: 'USD',
      subsidiary: '2',
      status: 'A',
      unpaidCents: 20_000,
    });
    await state.link({ kind: 'bill', procurifyId: 'b-1', netsuiteId: '501', origin: 'created' });
    procurify.applications.set(55, {
      applications: [{ billUuid: 'b-1', billId: 1, vendorId: 7, currency: 'USD', amount: '150.25' }],
      appliedTotal: '150.25',
      complete: true,
    });
  });

  it('create: the Vendor Payment previewed is what the worker writes; then unchanged', async () => {
    const current = payment();
    const create = await decide(current);
    expect(create).toMatchObject({
      outcome: 'create',
      target: { system: 'netsuite', kind: 'vendorPayment', id: null },
      notes: ['applies USD 150.25 to 1 bill(s)'],
    });
    const pushed = await pushPayment(current, { netsuite: { records: netsuite }, procurify, state, facts });
    expect(netsuite.writes).toHaveLength(1);
    expect(netsuite.writes[0]!.body).toEqual(create.payload);
    expect(await decide(current)).toMatchObject({
      outcome: 'unchanged',
      reason: `Vendor Payment ${pushed.vendorPaymentId} already says all this; nothing would be written`,
      target: { id: pushed.vendorPaymentId },
    });
  });

  it('a payment the worker refuses is previewed with its refusal', async () => {
    procurify.applications.set(55, {
      applications: [{ billUuid: 'b-9', billId: 9, vendorId: 7, currency: 'USD', amount: '150.25' }],
      appliedTotal: '150.25',
      complete: true,
    });
    const current = payment();
    const refused = await decide(current);
    expect(refused).toMatchObject({
      outcome: 'invalid',
      reason:
        'Bill not synced: Procurify bill 9 (b-9) has no NetSuite Vendor Bill; sync the bill, then re-sync the payment',
      validation: { valid: false },
    });
    await expect(
      pushPayment(current, { netsuite: { records: netsuite }, procurify, state, facts }),
    ).rejects.toThrow(refused.reason!);
    expect(netsuite.writes).toEqual([]);
  });

  it('a payment the worker puts on the review list is previewed for review, naming what to check', async () => {
    procurify.applications.set(55, {
      applications: [{ billUuid: 'b-1', billId: 1, vendorId: 7, currency: 'USD', amount: '100.00' }],
      appliedTotal: '100.00',
      complete: false,
    });
    const reviewed = await decide(payment());
    expect(reviewed).toMatchObject({ outcome: 'review', target: null, payload: null });
    expect(reviewed.reason).toContain(
      "Procurify shows where only 100.00 of payment 55's 150.25 USD went (1 bill(s))",
    );
    expect(netsuite.writes).toEqual([]);
  });

  it('a payment linked by the initial load is previewed as skipped', async () => {
    await state.link({ kind: 'payment', procurifyId: '55', netsuiteId: '900', origin: 'matched' });
    const skipped = await decide(payment());
    expect(skipped).toMatchObject({ outcome: 'skipped', target: null, payload: null });
  });

  it('previewRecord: a payment id not written as Procurify writes it is not taken for that payment', async () => {
    payment();
    expect(await preview('055')).toMatchObject({
      outcome: 'invalid',
      reason: 'Procurify payment 055 was not found',
    });
    expect(facts.reads).toBe(0);
    expect((await preview('55')).outcome).toBe('create');
  });

  it('previewRecord: pull mode, a payment Procurify lacks, and one not paid are answered before NetSuite', async () => {
    payment({ status: 'failed' } as never);
    expect(await preview('56')).toMatchObject({
      outcome: 'invalid',
      reason: 'Procurify payment 56 was not found',
      validation: { valid: false, issues: ['Procurify payment 56 was not found'] },
    });
    expect((await preview()).outcome).toBe('skipped');
    await state.putState({ ref: { system: 'procurify', kind: 'payment', id: '55' }, status: 'synced' });
    expect(await preview()).toMatchObject({
      outcome: 'review',
      reason:
        'payment 55 was pushed to NetSuite but is now failed in Procurify; void the Vendor Payment procurify-pay-55 in NetSuite',
    });
    expect(facts.reads).toBe(0);
    const asked = transactionReads;
    await changePaymentMode(state, 'pull', 'ana');
    expect(await preview()).toMatchObject({
      outcome: 'skipped',
      reason: 'payment mode is pull: payments are not pushed to NetSuite',
    });
    // Pull mode is answered from the state alone: neither system is read.
    expect(transactionReads).toBe(asked);
  });
});
