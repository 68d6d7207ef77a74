// The inbound worker's bulk read (one SuiteQL query per record type per batch) against the record API's
// GET: for generated vendors, GL accounts and departments entered in the NetSuite sandbox, syncMasterRecord
// makes the same Procurify writes, with the same outcome, whichever way the record was read — and the bulk
// path reads none of them with a GET. Real NetSuite client over HTTP; Procurify and the state store are
// recording fakes (the writes are what is compared).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { readBatchMasterRecords } from '../../shared/master-data/batch-master-records.ts';
import type { MasterDataScope, ProcurifyLookups } from '../../shared/master-data/map-master-data.ts';
import { createNetSuiteMasterReads } from '../../shared/master-data/netsuite-master-reads.ts';
import type { BatchMasterRecords, MasterRecordKind } from '../../shared/master-data/ports.ts';
import {
  type SyncMasterRecordDependencies,
  syncMasterRecord,
} from '../../shared/master-data/sync-master-record.ts';
import {
  createNetSuiteClient,
  type NetSuiteClient,
  type NetSuiteRecords,
} from '../../shared/netsuite/index.ts';
import type { AuditEntry, RecordLink, RecordRef, RecordState } from '../../shared/state/model.ts';
import { masterRecordDrafts } from '../support/arbitraries.ts';

let sandbox: NetSuiteSandbox;
let client: NetSuiteClient;
const refs = { currencies: [] as string[], subsidiaries: [] as string[], terms: [] as string[] };

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  client = createNetSuiteClient({ baseUrl: sandbox.url, ...sandbox.credentials, concurrencyShare: 2 });
  refs.currencies =
    sandbox.seed({
      records: {
        currency: [
          { name: 'US Dollar', symbol: 'USD', isBaseCurrency: true },
          { name: 'Canadian Dollar', symbol: 'CAD' },
          // No Procurify currency of this code: the vendor's currency is not sent, with a note.
          { name: 'Swiss Franc', symbol: 'CHF' },
        ],
      },
    }).created.currency ?? [];
  refs.subsidiaries =
    sandbox.seed({
      records: {
        subsidiary: [
          { name: 'Harbor Goods US', currency: { id: refs.currencies[0] } },
          { name: 'Harbor Goods Canada', currency: { id: refs.currencies[1] } },
          { name: 'Harbor Goods UK', currency: { id: refs.currencies[0] } },
        ],
      },
    }).created.subsidiary ?? [];
  refs.terms =
    sandbox.seed({
      records: {
        term: [
          { name: 'Net 30', daysUntilNetDue: 30 },
          { name: 'Due on receipt', daysUntilNetDue: 0 },
        ],
      },
    }).created.term ?? [];
});

afterAll(async () => sandbox?.close());

/** The state store in memory: links, states and audit trails as the sync leaves them. */
function memoryState() {
  const links = new Map<string, RecordLink>();
  const states = new Map<string, RecordState>();
  const audit = new Map<string, AuditEntry[]>();
  const key = (ref: RecordRef) => `${ref.system}:${ref.kind}:${ref.id}`;
  return {
    audit,
    async link(link: Omit<RecordLink, 'linkedAt'>) {
      links.set(`netsuite:${link.kind}:${link.netsuiteId}`, { ...link, linkedAt: 'now' });
      links.set(`procurify:${link.kind}:${link.procurifyId}`, { ...link, linkedAt: 'now' });
    },
    async unlink() {},
    async findBySource(system: string, kind: string, id: string) {
      return links.get(`${system}:${kind}:${id}`);
    },
    async getState(ref: RecordRef) {
      return states.get(key(ref));
    },
    async putState(state: Omit<RecordState, 'updatedAt'>) {
      const stored = { ...state, updatedAt: 'now' };
      states.set(key(state.ref), stored);
      return stored;
    },
    async listByStatus(kind: string, status: string) {
      return [...states.values()].filter((state) => state.ref.kind === kind && state.status === status);
    },
    async append(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }) {
      audit.set(key(ref), [...(audit.get(key(ref)) ?? []), { at: 'now', ...entry } as AuditEntry]);
    },
    async read(ref: RecordRef) {
      return audit.get(key(ref)) ?? [];
    },
    async acquireLease() {
      return true;
    },
    async releaseLease() {},
  };
}

/** Procurify with nothing in it, recording every write (the vendor/account code/department bodies). */
function recordingProcurify() {
  const writes: Array<{ call: string; body: unknown }> = [];
  let nextId = 500;
  const write =
    (call: string, extra: Record<string, unknown> = {}) =>
    async (...args: unknown[]) => {
      const body = args.at(-1) as Record<string, unknown>;
      writes.push({ call, body });
      return { id: typeof args[0] === 'number' ? args[0] : nextId++, ...body, ...extra };
    };
  const none = async function* () {};
  const procurify = {
    listVendors: none,
    findVendorByExternalId: async () => undefined,
    getVendor: async () => {
      throw new Error('no vendor in this Procurify');
    },
    createVendor: write('createVendor'),
    updateVendor: write('updateVendor'),
    patchVendor: write('patchVendor'),
    listAccountCodes: none,
    createAccountCode: write('createAccountCode', { active: true }),
    updateAccountCode: write('updateAccountCode', { active: true }),
    listDepartments: none,
    createDepartment: write('createDepartment'),
    updateDepartment: write('updateDepartment'),
    listLocations: none,
    listCurrencies: none,
  };
  return { writes, procurify: procurify as unknown as SyncMasterRecordDependencies['procurify'] };
}

const lookups: ProcurifyLookups = {
  currencyIds: new Map([
    ['USD', 1],
    ['CAD', 2],
  ]),
  departmentLocationId: 10,
};

/** The record API, counting the GETs of master records (the bulk path must make none). */
function countingRecords(records: NetSuiteRecords) {
  const gets: string[] = [];
  const counting: NetSuiteRecords = Object.create(records);
  counting.find = ((type: string, id: string, options?: never) => {
    if (type === 'vendor' || type === 'account' || type === 'department') gets.push(`${type}/${id}`);
    return records.find(type, id, options);
  }) as NetSuiteRecords['find'];
  return { gets, records: counting };
}

const notice = (kind: MasterRecordKind, id: string): InboundMessage => ({
  kind: 'record-event',
  origin: 'webhook',
  eventId: `bulk-${kind}-${id}`,
  recordType: kind,
  recordId: id,
  eventType: 'edit',
  lastModified: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
});

async function syncOnce(
  kind: MasterRecordKind,
  id: string,
  scope: MasterDataScope,
  batch?: BatchMasterRecords,
) {
  const state = memoryState();
  const { writes, procurify } = recordingProcurify();
  const netsuite = countingRecords(client.records);
  const outcome = await syncMasterRecord(notice(kind, id), {
    netsuite: netsuite.records,
    procurify,
    state,
    scope,
    lookups: async () => lookups,
    currencyCodes: new Map(),
    ...(batch === undefined ? {} : { batch }),
  });
  const fetched = [...state.audit.values()].flat().find((entry) => entry.step === 'fetched');
  return { outcome, writes, fetched: fetched?.facts, gets: netsuite.gets };
}

let run = 0;

describe('bulk read of master records (SuiteQL) vs one GET each', () => {
  it('makes the same Procurify writes with the same outcome, for every mapped field', async () => {
    const scope = fc.option(fc.subarray(refs.subsidiaries, { minLength: 1 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(masterRecordDrafts(refs), scope, async (drafts, subsidiaryIds) => {
        // Entity ids and account Numbers are unique in a NetSuite account: each run's get a suffix.
        run += 1;
        const unique = <T extends Record<string, unknown>>(items: T[], field: string) =>
          items.map((item, index) =>
            typeof item[field] === 'string' ? { ...item, [field]: `${item[field]}-${run}x${index}` } : item,
          );
        const created = sandbox.seed({
          records: {
            vendor: unique(drafts.vendors, 'entityId'),
            account: unique(drafts.accounts, 'acctNumber'),
            department: drafts.departments,
          },
        }).created;
        const records = [
          ...(created.vendor ?? []).map((id) => ({ kind: 'vendor' as const, id })),
          ...(created.account ?? []).map((id) => ({ kind: 'account' as const, id })),
          ...(created.department ?? []).map((id) => ({ kind: 'department' as const, id })),
        ];
        expect(records).toHaveLength(
          drafts.vendors.length + drafts.accounts.length + drafts.departments.length,
        );
        const batch = await readBatchMasterRecords(createNetSuiteMasterReads(client.suiteQl), records);
        const masterScope: MasterDataScope = subsidiaryIds === undefined ? {} : { subsidiaryIds };
        for (const { kind, id } of records) {
          expect(batch.get(kind, id), `${kind} ${id} read in bulk`).toMatchObject({ found: true });
          const rest = await syncOnce(kind, id, masterScope);
          const bulk = await syncOnce(kind, id, masterScope, batch);
          expect(bulk.gets, `${kind} ${id}: no GET on the bulk path`).toEqual([]);
          expect(rest.gets).toEqual([`${kind}/${id}`]);
          expect(bulk.writes, `${kind} ${id}: Procurify writes`).toEqual(rest.writes);
          expect(bulk.outcome, `${kind} ${id}: outcome`).toEqual(rest.outcome);
          expect(bulk.fetched, `${kind} ${id}: last modified`).toEqual(rest.fetched);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('says which records do not exist, and reads nothing it cannot read in bulk', async () => {
    const vendor = sandbox.seed({ records: { vendor: [{ companyName: 'Gone Soon Ltd' }] } }).created
      .vendor![0]!;
    sandbox.userDelete('vendor', vendor);
    const reads = createNetSuiteMasterReads(client.suiteQl);
    const batch = await readBatchMasterRecords(reads, [
      { kind: 'vendor', id: vendor },
      { kind: 'account', id: '987654' },
      // An external-id reference is no internal id: left to the record API.
      { kind: 'department', id: 'eid:dept-1' },
    ]);
    expect(batch.get('vendor', vendor)).toEqual({ found: false });
    expect(batch.get('account', '987654')).toEqual({ found: false });
    expect(batch.get('department', 'eid:dept-1')).toBeUndefined();
    expect(batch.get('vendor', '1')).toBeUndefined();
  });
});
