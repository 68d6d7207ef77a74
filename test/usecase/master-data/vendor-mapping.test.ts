// What the master-data sync (shared/master-data/sync-master-record.ts) writes to Procurify for NetSuite
// vendors and GL accounts that give less, or more, than Procurify takes: the vendor's name from whatever
// it has, no currency when it has none, terms by refName or read once by id, terms too long for
// Procurify cut with a note, countries as ids or references; account Numbers too long skipped, account
// types Procurify has no type for written as "other". NetSuite, Procurify and state in memory.
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { syncMasterRecord } from '../../../shared/master-data/sync-master-record.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let procurify: InMemoryProcurify;
let termNames: Map<string, string>;

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite();
  procurify = new InMemoryProcurify();
  termNames = new Map();
});

const deps = () => ({
  netsuite,
  procurify,
  state,
  scope: {},
  lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
  currencyCodes: new Map<string, string>(),
  termNames,
});

const sync = (recordType: 'vendor' | 'account', recordId: string) =>
  syncMasterRecord(
    {
      kind: 'record-event',
      origin: 'webhook',
      eventId: `evt-${recordType}-${recordId}`,
      recordType,
      recordId,
      eventType: 'edit',
      lastModified: clock.iso(),
      receivedAt: clock.iso(),
    } satisfies InboundMessage,
    deps(),
  );

/** The Procurify vendor the sync wrote for NetSuite vendor `id`. */
const written = (id: string) => [...procurify.vendors.values()].find((vendor) => vendor.external_id === id)!;

describe('vendors that give less, or more, than Procurify takes', () => {
  it('names a vendor by its company, person or entity id, else by its internal id', async () => {
    const ids = [
      netsuite.seed('vendor', { isPerson: true, companyName: 'Acme Consulting' }),
      netsuite.seed('vendor', { firstName: 'Ada', lastName: 'Lovelace' }),
      netsuite.seed('vendor', { entityId: 'NW-001' }),
      netsuite.seed('vendor', {}),
    ];
    for (const id of ids) expect(await sync('vendor', id)).toMatchObject({ status: 'synced' });
    expect(ids.map((id) => written(id).name)).toEqual([
      'Acme Consulting',
      'Ada Lovelace',
      'NW-001',
      `Vendor ${ids[3]}`,
    ]);
    // No currency in NetSuite: none is sent.
    expect(written(ids[0]!).currency).toBeNull();
  });

  it('writes terms by their name, reading a term given by id once, and cuts terms too long with a note', async () => {
    const net45 = netsuite.seed('term', { name: 'Net 45' });
    const long = 'Net 30, 2% discount within 10 days, '.repeat(4).trim();
    const named = netsuite.seed('vendor', { companyName: 'Named', terms: { id: '9', refName: long } });
    const first = netsuite.seed('vendor', { companyName: 'First', terms: { id: net45 } });
    const second = netsuite.seed('vendor', { companyName: 'Second', terms: { id: net45 } });

    expect(await sync('vendor', named)).toEqual({
      status: 'synced',
      procurifyId: String(written(named).id),
      message: `terms "${long}" are longer than Procurify's 100 characters; cut`,
    });
    expect(written(named).payment_term_ref).toMatchObject({ name: long.slice(0, 100) });

    await sync('vendor', first);
    // The term's name is remembered: the second vendor gets it though the term is no longer readable.
    await netsuite.delete('term', net45);
    await sync('vendor', second);
    expect([written(first).payment_term_ref, written(second).payment_term_ref]).toMatchObject([
      { name: 'Net 45' },
      { name: 'Net 45' },
    ]);
  });

  it('writes the country of the billing address as NetSuite gives it, an id or a reference', async () => {
    const address = (country: unknown) => ({
      addressBook: { items: [{ defaultBilling: true, addressBookAddress: { city: 'Seattle', country } }] },
    });
    const byId = netsuite.seed('vendor', { companyName: 'By id', ...address('US') });
    const byReference = netsuite.seed('vendor', { companyName: 'By reference', ...address({ id: 'CA' }) });
    const none = netsuite.seed('vendor', { companyName: 'No country', ...address(undefined) });
    for (const id of [byId, byReference, none]) await sync('vendor', id);
    expect([byId, byReference, none].map((id) => [written(id).city, written(id).country])).toEqual([
      ['Seattle', 'US'],
      ['Seattle', 'CA'],
      ['Seattle', null],
    ]);
  });
});

describe('GL accounts that give more than Procurify takes', () => {
  it('skips an account whose Number is longer than 50 characters', async () => {
    const id = netsuite.seed('account', { acctNumber: '6'.repeat(51), acctName: 'Too long' });
    expect(await sync('account', id)).toMatchObject({
      status: 'skipped',
      message: `account Number "${'6'.repeat(51)}" is longer than Procurify's 50 characters`,
    });
    expect(procurify.accountCodes.size).toBe(0);
  });

  it('writes an account type Procurify has no type for as "other", and a type given by its id', async () => {
    const odd = netsuite.seed('account', {
      acctNumber: '9100',
      acctName: 'Statistical',
      acctType: { id: 'Stat' },
    });
    const bank = netsuite.seed('account', { acctNumber: '1000', acctName: 'Checking', acctType: 'Bank' });
    const untyped = netsuite.seed('account', { acctNumber: '9200' });
    for (const id of [odd, bank, untyped])
      expect(await sync('account', id)).toMatchObject({ status: 'synced' });
    const codes = [...procurify.accountCodes.values()];
    expect(codes.map((code) => [code.code, code.description, code.account_type])).toEqual([
      ['9100', 'Statistical', 5],
      ['1000', 'Checking', 0],
      ['9200', '9200', 5],
    ]);
  });
});
