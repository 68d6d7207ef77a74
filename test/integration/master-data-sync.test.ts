// Notices and master-data sync on one machine: NetSuite sandbox user changes → signed notice → webhook-ingest →
// inbound queue → inbound worker → Procurify sandbox. Real HTTP, real AWS SDK against the emulators.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let sqs: SQSClient;
let currencyId = '';
let subsidiaryId = '';

/** Procurify locations of the mapping (APSYNC_DEPARTMENT_LOCATIONS), by NetSuite subsidiary id. */
const seattle = 61;
const toronto = 62;
const usSubsidiary = '71';
const canadaSubsidiary = '72';
/** Mapped to location 99, which Procurify does not have. */
const lostSubsidiary = '73';
let headOffice = 0;

beforeAll(async () => {
  stack = await startLocalStack({
    settings: {
      retryBaseSeconds: '0',
      departmentLocations: `${usSubsidiary}:${seattle},${canadaSubsidiary}:${toronto},${lostSubsidiary}:99`,
    },
  });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  headOffice = stack.procurify.store.addLocation({
    name: 'Head Office',
    headquarter: true,
    currency: 'USD',
  }).id;
  stack.procurify.store.addLocation({ id: seattle, name: 'Seattle', currency: 'USD' });
  stack.procurify.store.addLocation({ id: toronto, name: 'Toronto', currency: 'USD' });
  const currency = stack.netsuite.seed({
    records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] },
  });
  currencyId = currency.created.currency?.[0] ?? '';
  const subsidiary = stack.netsuite.seed({
    records: { subsidiary: [{ name: 'Parent Company', currency: { id: currencyId } }] },
  });
  subsidiaryId = subsidiary.created.subsidiary?.[0] ?? '';
  stack.netsuite.seed({
    records: {
      subsidiary: [
        { id: usSubsidiary, name: 'Harbor Goods US', currency: { id: currencyId } },
        { id: canadaSubsidiary, name: 'Harbor Goods Canada', currency: { id: currencyId } },
        { id: lostSubsidiary, name: 'Harbor Goods Mexico', currency: { id: currencyId } },
      ],
    },
  });
});

afterAll(async () => stack?.stop());

const procurifyVendor = (externalId: string) =>
  [...stack.procurify.store.vendors.values()].find((vendor) => vendor.external_id === externalId);

const procurifyWrites = (pathPart: string) =>
  stack.procurify.requestLog().filter((entry) => entry.method !== 'GET' && entry.path.includes(pathPart))
    .length;

/** Waits until the record's first sync ended (Procurify write, link and state all done); returns its state. */
const synced = (kind: 'vendor' | 'account' | 'department', id: string) =>
  settledState(
    stack,
    state,
    { system: 'netsuite', kind, id },
    { where: (entry) => entry.step === 'written' },
  );

/** Waits until the vendor's sync finished (Procurify write, link and state) and returns it. */
async function syncedVendor(id: string) {
  expect((await synced('vendor', id))?.status).toBe('synced');
  return procurifyVendor(id)!;
}

function createVendor(body: Record<string, unknown>): string {
  return stack.netsuite.userCreate('vendor', {
    subsidiary: { id: subsidiaryId },
    currency: { id: currencyId },
    ...body,
  }).id;
}

describe('master data NetSuite → Procurify', () => {
  it('brings a new NetSuite vendor to Procurify with its fields', async () => {
    const id = createVendor({
      entityId: 'V-1001',
      companyName: 'Northwind Paper Co',
      email: 'ap@northwind.example',
      phone: '604-555-0101',
      addressBook: {
        items: [
          {
            defaultBilling: true,
            addressBookAddress: {
              addr1: '12 Mill Road',
              city: 'Burnaby',
              state: 'BC',
              zip: 'V5C 1A1',
              country: 'CA',
            },
          },
        ],
      },
    });
    const vendor = await syncedVendor(id);
    expect(vendor).toMatchObject({
      name: 'Northwind Paper Co',
      active: true,
      email: ['ap@northwind.example'],
      addressLineOne: '12 Mill Road',
      city: 'Burnaby',
      state_province: 'BC',
      postalCode: 'V5C 1A1',
      currency: stack.procurify.store.currencyByCode('USD').id,
    });
    const link = await state.findBySource('netsuite', 'vendor', id);
    expect(link?.procurifyId).toBe(String(vendor.id));
    const trail = await state.read({ system: 'netsuite', kind: 'vendor', id });
    expect(trail.map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
  });

  it('writes once for the same notice delivered twice, and not at all for an unchanged record', async () => {
    const id = createVendor({ entityId: 'V-1002', companyName: 'Harbour Freight Ltd' });
    await syncedVendor(id);
    const writesBefore = procurifyWrites('/vendors/');
    // A second notice for the same, unchanged record: fetched, compared, not written.
    await stack.netsuite.sendNotice({ recordType: 'vendor', recordId: id, eventType: 'edit' });
    await waitFor(
      async () =>
        (await state.read({ system: 'netsuite', kind: 'vendor', id })).some(
          (entry) => entry.step === 'unchanged',
        ),
      'the unchanged outcome',
    );
    expect(procurifyWrites('/vendors/')).toBe(writesBefore);
    expect((await state.getState({ system: 'netsuite', kind: 'vendor', id }))?.status).toBe('synced');
  });

  it('ends with NetSuite’s current state when notices arrive out of order, and deactivates on delete', async () => {
    const id = createVendor({ entityId: 'V-1003', companyName: 'Old Name Inc' });
    await syncedVendor(id);
    stack.netsuite.userUpdate('vendor', id, { companyName: 'New Name Inc' });
    // A late notice for the earlier version arrives after the newer one.
    await stack.netsuite.sendNotice({
      recordType: 'vendor',
      recordId: id,
      eventType: 'create',
      lastModified: '2020-01-01T00:00:00Z',
    });
    await waitFor(() => procurifyVendor(id)?.name === 'New Name Inc' || undefined, 'the new name');
    stack.netsuite.userDelete('vendor', id);
    await waitFor(() => procurifyVendor(id)?.active === false || undefined, 'the vendor inactive');
    expect(stack.procurify.store.vendors.has(procurifyVendor(id)!.id)).toBe(true);
  });

  it('creates one Procurify vendor when several notices for a new vendor arrive at once', async () => {
    const seeded = stack.netsuite.seed({
      records: {
        vendor: [{ entityId: 'V-1006', companyName: 'Rush Hour Couriers', subsidiary: { id: subsidiaryId } }],
      },
    });
    const id = seeded.created.vendor?.[0] ?? '';
    await Promise.all(
      ['create', 'edit', 'edit', 'xedit'].map((eventType) =>
        stack.netsuite.sendNotice({ recordType: 'vendor', recordId: id, eventType: eventType as 'edit' }),
      ),
    );
    await syncedVendor(id);
    await waitFor(
      async () =>
        (await state.read({ system: 'netsuite', kind: 'vendor', id })).filter(
          (entry) => entry.step === 'unchanged',
        ).length >= 3
          ? true
          : undefined,
      'the three later notices to be processed',
    );
    expect(
      [...stack.procurify.store.vendors.values()].filter((vendor) => vendor.external_id === id),
    ).toHaveLength(1);
  });

  it('reads the records of its batches in bulk (SuiteQL), not with one GET each', async () => {
    const ids =
      stack.netsuite.seed({
        records: {
          vendor: Array.from({ length: 6 }, (_, i) => ({
            entityId: `V-12${i}`,
            companyName: `Bulk Read Supplies ${i}`,
            subsidiary: { id: subsidiaryId },
            currency: { id: currencyId },
          })),
        },
      }).created.vendor ?? [];
    await Promise.all(
      ids.map((id) => stack.netsuite.sendNotice({ recordType: 'vendor', recordId: id, eventType: 'edit' })),
    );
    for (const id of ids) await syncedVendor(id);
    // Synced with their fields, yet never read with a GET: the bulk read gave them.
    const vendorGets = stack.netsuite
      .requestLog()
      .filter((entry) => entry.method === 'GET' && ids.some((id) => entry.path.endsWith(`/vendor/${id}`)));
    expect(vendorGets).toEqual([]);
    expect(procurifyVendor(ids[5]!)?.name).toBe('Bulk Read Supplies 5');
  });

  it('parks a vendor for review when two unlinked Procurify vendors share its name', async () => {
    stack.procurify.store.addVendor({ name: 'Twin Supplies' });
    stack.procurify.store.addVendor({ name: 'Twin Supplies' });
    const id = createVendor({ entityId: 'V-1004', companyName: 'Twin Supplies' });
    const reviewed = await waitFor(
      async () =>
        (await state.getState({ system: 'netsuite', kind: 'vendor', id }))?.status === 'review'
          ? true
          : undefined,
      'the review state',
    );
    expect(reviewed).toBe(true);
    const current = await state.getState({ system: 'netsuite', kind: 'vendor', id });
    expect(current?.message).toMatch(/2 Procurify vendors are named "Twin Supplies"/);
    expect(procurifyVendor(id)).toBeUndefined();
  });

  it('skips an account without a Number, with that reason, and syncs one with a Number', async () => {
    const withoutNumber = stack.netsuite.userCreate('account', {
      acctName: 'Suspense',
      acctType: 'Expense',
    }).id;
    const withNumber = stack.netsuite.userCreate('account', {
      acctNumber: '6100',
      acctName: 'Office Supplies',
      acctType: 'Expense',
    }).id;
    expect((await synced('account', withNumber))?.status).toBe('synced');
    const skipped = await settledState(stack, state, {
      system: 'netsuite',
      kind: 'account',
      id: withoutNumber,
    });
    expect(skipped).toMatchObject({ status: 'skipped', message: expect.stringMatching(/has no Number/) });
    const code = [...stack.procurify.store.accountCodes.values()].find((c) => c.code === '6100');
    expect(code).toMatchObject({ description: 'Office Supplies', account_type: 2, active: true });
    expect((await state.findBySource('netsuite', 'account', withNumber))?.procurifyId).toBe(String(code?.id));
  });

  it('brings the terms (by name), both phones, the fax and the default billing address; a terms change follows', async () => {
    const terms = stack.netsuite.seed({
      records: {
        term: [
          { name: 'Net 30', daysUntilNetDue: 30 },
          { name: 'Net 60', daysUntilNetDue: 60 },
        ],
      },
    }).created.term!;
    const id = createVendor({
      entityId: 'V-1007',
      companyName: 'Pacific Pulp & Paper',
      phone: '604-555-0111',
      altPhone: '604-555-0112',
      fax: '604-555-0113',
      terms: { id: terms[0] },
      addressBook: {
        items: [
          { defaultShipping: true, addressBookAddress: { addr1: 'Dock 4', city: 'Delta', country: 'CA' } },
          {
            defaultBilling: true,
            addressBookAddress: {
              addr1: '400 Burrard St',
              addr2: 'Suite 900',
              city: 'Vancouver',
              state: 'BC',
              zip: 'V6C 3A6',
              country: 'CA',
            },
          },
        ],
      },
    });
    const vendor = await syncedVendor(id);
    expect(vendor).toMatchObject({
      phoneOne: '604-555-0111',
      phoneTwo: '604-555-0112',
      fax: '604-555-0113',
      addressLineOne: '400 Burrard St',
      addressLineTwo: 'Suite 900',
      city: 'Vancouver',
      state_province: 'BC',
      postalCode: 'V6C 3A6',
      country: 'CA',
    });
    const termName = (termId: number | null) =>
      termId === null ? null : stack.procurify.store.paymentTerms.get(termId)?.name;
    expect(termName(vendor.payment_term_ref)).toBe('Net 30');

    const before = (await state.read({ system: 'netsuite', kind: 'vendor', id })).length;
    stack.netsuite.userUpdate('vendor', id, { terms: { id: terms[1] }, altPhone: '' });
    await settledState(stack, state, { system: 'netsuite', kind: 'vendor', id }, { after: before });
    expect(termName(procurifyVendor(id)!.payment_term_ref)).toBe('Net 60');
    expect(procurifyVendor(id)!.phoneTwo).toBeNull();
  });

  it('sets an account code’s parent when the child syncs before its parent', async () => {
    // The parent exists in NetSuite but its notice has not come yet (seeded: no notice).
    const parent = stack.netsuite.seed({
      records: { account: [{ acctNumber: '5000', acctName: 'Operating Expenses', acctType: 'Expense' }] },
    }).created.account![0]!;
    const child = stack.netsuite.userCreate('account', {
      acctNumber: '5100',
      acctName: 'Travel',
      acctType: 'Expense',
      parent: { id: parent },
    }).id;
    const waiting = await synced('account', child);
    expect(waiting).toMatchObject({ status: 'pending', waitingFor: [`account-parent:${parent}`] });
    expect(waiting?.message).toMatch(/written without its parent/);
    const code = (number: string) =>
      [...stack.procurify.store.accountCodes.values()].find((candidate) => candidate.code === number);
    expect(code('5100')?.parent).toBeNull();

    // The parent's notice arrives: it is written, and sets itself as the waiting child's parent.
    await stack.netsuite.sendNotice({ recordType: 'account', recordId: parent, eventType: 'create' });
    expect((await synced('account', parent))?.status).toBe('synced');
    expect(code('5100')?.parent).toBe(code('5000')?.id);
    expect(await state.getState({ system: 'netsuite', kind: 'account', id: child })).toMatchObject({
      status: 'synced',
    });
    const trail = await state.read({ system: 'netsuite', kind: 'account', id: child });
    expect(trail.map((entry) => entry.message).filter(Boolean)).toContain(
      `parent account ${parent} is now in Procurify: setting it as this account code's parent`,
    );

    // The usual order still works: a grandchild whose parent is linked gets it at once.
    const grandchild = stack.netsuite.userCreate('account', {
      acctNumber: '5110',
      acctName: 'Airfare',
      acctType: 'Expense',
      parent: { id: child },
    }).id;
    expect((await synced('account', grandchild))?.status).toBe('synced');
    expect(code('5110')?.parent).toBe(code('5100')?.id);
  });

  it('places each department in the Procurify location its subsidiary maps to', async () => {
    const department = (name: string, subsidiaries: string[]) =>
      stack.netsuite.userCreate('department', {
        name,
        subsidiary: { items: subsidiaries.map((id) => ({ id })) },
      }).id;
    const branchOf = (id: string) =>
      [...stack.procurify.store.departments.values()].find((candidate) => candidate.external_id === id)
        ?.branch;
    const canada = department('Canadian Operations', [canadaSubsidiary]);
    const us = department('US Operations', [usSubsidiary]);
    const parent = department('Corporate', [subsidiaryId]);
    expect((await synced('department', canada))?.status).toBe('synced');
    expect((await synced('department', us))?.status).toBe('synced');
    expect((await synced('department', parent))?.status).toBe('synced');
    expect(branchOf(canada)).toBe(toronto);
    expect(branchOf(us)).toBe(seattle);
    // A subsidiary without a mapping: the default location (here the headquarters).
    expect(branchOf(parent)).toBe(headOffice);
  });

  it('parks a department whose subsidiaries map to two locations, or to a location Procurify lacks', async () => {
    const shared = stack.netsuite.userCreate('department', {
      name: 'Shared Services',
      subsidiary: { items: [{ id: usSubsidiary }, { id: canadaSubsidiary }] },
    }).id;
    const lost = stack.netsuite.userCreate('department', {
      name: 'Mexico Operations',
      subsidiary: { items: [{ id: lostSubsidiary }] },
    }).id;
    const review = (id: string) =>
      settledState(
        stack,
        state,
        { system: 'netsuite', kind: 'department', id },
        { where: (e) => e.step === 'review' },
      );
    expect(await review(shared)).toMatchObject({
      status: 'review',
      waitingFor: ['setting:departmentLocations'],
      message: expect.stringMatching(/mapped to different Procurify locations/),
    });
    expect(await review(lost)).toMatchObject({
      status: 'review',
      message: expect.stringMatching(
        /APSYNC_DEPARTMENT_LOCATIONS maps NetSuite subsidiary 73 to Procurify location 99/,
      ),
    });
    const written = [...stack.procurify.store.departments.values()].map((candidate) => candidate.external_id);
    expect(written).not.toContain(shared);
    expect(written).not.toContain(lost);
  });

  it('retries through a 429 storm from Procurify and writes the vendor once', async () => {
    stack.procurify.faults.set('/api/v3/vendors/', { rate429: 0.6 });
    try {
      const id = createVendor({ entityId: 'V-1005', companyName: 'Stormy Weather LLC' });
      await waitFor(() => procurifyVendor(id), 'the vendor in Procurify', 30_000);
      expect([...stack.procurify.store.vendors.values()].filter((v) => v.external_id === id)).toHaveLength(1);
    } finally {
      stack.procurify.faults.clear();
    }
  });

  it('sends a poison message to the dead-letter queue with its error recorded', async () => {
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.aws.queueUrls.inbound,
        MessageBody: JSON.stringify({ kind: 'record-event', recordId: 'x' }),
      }),
    );
    const messageId = sent.MessageId ?? '';
    const dead = await waitFor(
      async () => {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: stack.aws.deadLetterQueueUrls.inbound,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
          }),
        );
        return answer.Messages?.find((message) => message.MessageId === messageId);
      },
      'the message in the DLQ',
      30_000,
    );
    expect(dead.Body).toContain('"recordId":"x"');
    const failure = await state.getFailure('inbound', messageId);
    expect(failure?.message).toMatch(/ParsingError|origin|recordType/);
    expect(failure?.receiveCount).toBeGreaterThanOrEqual(5);
  });
});
