// How the master-data sync (shared/master-data/sync-master-record.ts) finds a record's Procurify twin and
// what it leaves to a person, over in-memory NetSuite, Procurify and state: an account code or
// department whose name only contains the NetSuite one is not adopted; an account active in NetSuite
// whose account code is inactive asks a person to activate it; a child account synced again while its
// parent is missing stays pending it; a state store that reads state and link apart works the same.
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { syncMasterRecord } from '../../../shared/master-data/sync-master-record.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let procurify: InMemoryProcurify;

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite();
  procurify = new InMemoryProcurify();
});

const deps = (store: InMemoryStateStore = state) => ({
  netsuite,
  procurify,
  state: store,
  scope: {},
  lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
  currencyCodes: new Map<string, string>(),
  termNames: new Map<string, string>(),
});

const sync = (recordType: 'account' | 'department', recordId: string, store?: InMemoryStateStore) => {
  clock.advance(1);
  const message: InboundMessage = {
    kind: 'record-event',
    origin: 'webhook',
    eventId: `evt-${recordType}-${recordId}-${clock.iso()}`,
    recordType,
    recordId,
    eventType: 'edit',
    lastModified: clock.iso(),
    receivedAt: clock.iso(),
  };
  return syncMasterRecord(message, deps(store));
};

const account = (number: string, extra: Record<string, unknown> = {}) =>
  netsuite.seed('account', {
    acctNumber: number,
    acctName: `Account ${number}`,
    acctType: { id: 'Expense' },
    ...extra,
  });
const ref = (kind: RecordRef['kind'], id: string): RecordRef => ({ system: 'netsuite', kind, id });

describe('finding the Procurify twin', () => {
  it('creates an account code rather than adopt one whose code only contains the Number', async () => {
    const longer = procurify.putAccountCode({ code: '61000' });
    const id = account('6100');
    expect(await sync('account', id)).toMatchObject({ status: 'synced' });
    const codes = [...procurify.accountCodes.values()];
    expect(codes.map((code) => code.code)).toEqual(['61000', '6100']);
    expect(await state.findBySource('netsuite', 'account', id)).not.toMatchObject({
      procurifyId: String(longer.id),
    });
  });

  it('creates a department rather than adopt one whose name only contains the NetSuite name', async () => {
    procurify.locations = [{ id: 7, name: 'Branch', active: true, headquarter: true }] as never;
    procurify.putDepartment({ name: 'Marketing Operations', branch: { id: 7 } });
    const id = netsuite.seed('department', { name: 'Marketing' });
    expect(await sync('department', id)).toMatchObject({ status: 'synced' });
    expect([...procurify.departments.values()].map((department) => department.name).sort()).toEqual([
      'Marketing',
      'Marketing Operations',
    ]);
  });

  it('asks a person to activate an account code that is inactive while its account is active', async () => {
    procurify.putAccountCode({ code: '6100', active: false });
    const id = account('6100');
    expect(await sync('account', id)).toMatchObject({
      status: 'review',
      message: `activate account code 6100 in Procurify: NetSuite account ${id} is active again (Procurify's API cannot change an account code's active flag)`,
    });
  });
});

describe('what the sync records', () => {
  it('keeps a child synced again while its parent is missing pending the parent', async () => {
    const parent = account('6000');
    const child = account('6100', { parent: { id: parent } });
    expect(await sync('account', child)).toMatchObject({ status: 'pending' });
    expect(await sync('account', child)).toMatchObject({ status: 'pending' });
    expect(await state.getState(ref('account', child))).toMatchObject({
      status: 'pending',
      waitingFor: [`account-parent:${parent}`],
    });
    // The wait is noted once in the child's audit trail, not again by each sync that finds it waiting.
    const notes = (await state.read(ref('account', child))).filter(
      (entry) => entry.step === 'note' && entry.facts?.waitingFor === `account-parent:${parent}`,
    );
    expect(notes).toHaveLength(1);
  });

  it('works the same over a state store that reads the state and the link apart', async () => {
    // The store's own methods and data, without the combined read.
    const apart = Object.create(state, {
      stateAndLink: { value: undefined },
      takeRecordLease: { value: undefined },
    }) as InMemoryStateStore;
    const id = account('6100');
    expect(await sync('account', id, apart)).toMatchObject({ status: 'synced' });
    expect(await sync('account', id, apart)).toMatchObject({ status: 'unchanged' });
    expect(await state.findBySource('netsuite', 'account', id)).toBeDefined();
  });
});
