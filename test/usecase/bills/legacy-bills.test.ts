// Legacy links keyed by the invoice number (shared/bills/legacy-bills.ts, `legacy.matchOn: invoiceNumber`)
// through the bill-sync use case: the older integration's Vendor Bill found by its external id's capture
// group (case-insensitively) is linked and nothing is written; a bill without an invoice number (none, or
// blank) has no legacy key, so nothing is looked up and apsync writes it; a Vendor Bill a body field finds
// that carries apsync's own external id is apsync's, not an older integration's; a stored configuration that
// is not valid (a pattern that is no regular expression or has no
// capture group, not an object) fails the bill naming why.
import { beforeEach, describe, expect, it } from 'vitest';
import { billSyncConfigName } from '../../../shared/bills/bill-sync-settings.ts';
import { syncBill } from '../../../shared/bills/sync-bill.ts';
import { BillWorld, billUuid, procurifyBill } from './world.ts';

let world: BillWorld;

beforeEach(async () => {
  world = new BillWorld();
  await world.linkVendor();
  await world.configure({ legacy: { externalIdPattern: '^OLD-(.+)$', matchOn: 'invoiceNumber' } });
});

describe('legacy bills matched on the invoice number', () => {
  it('links the older Vendor Bill whose external id captures the invoice number, in any case', async () => {
    world.procurify.putBill(procurifyBill({ invoice_number: ' INV-1001 ' }));
    world.netsuite.seed('vendorBill', { entity: { id: '101' } }, 'OLD-INV-1002');
    const id = world.netsuite.seed('vendorBill', { entity: { id: '101' } }, 'old-inv-1001');
    expect(await syncBill(world.message(), world.syncDeps())).toEqual({
      status: 'skipped',
      netsuiteId: id,
      message: `Already in NetSuite as Vendor Bill ${id} (created by an older integration, external id old-inv-1001); linked, not written again`,
    });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: id,
      origin: 'legacy',
    });
    expect(world.netsuite.writes).toEqual([]);
  });

  it("never takes apsync's own Vendor Bill for an older integration's, though the pattern captures its key", async () => {
    await world.configure({ legacy: { externalIdPattern: '-bill-(.+)$' } });
    world.procurify.putBill(procurifyBill());
    // apsync wrote this bill before (its link was lost): the write goes to the same Vendor Bill again.
    const own = world.netsuite.seed('vendorBill', { entity: { id: '101' } }, `procurify-bill-${billUuid}`);
    expect(await syncBill(world.message(), world.syncDeps())).toEqual({ status: 'synced', netsuiteId: own });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: own,
      origin: 'created',
    });
  });

  for (const [label, invoice] of [
    ['no', null],
    ['a blank', '   '],
  ] as const) {
    it(`a bill with ${label} invoice number has no legacy key: written by apsync`, async () => {
      world.procurify.putBill(procurifyBill({ invoice_number: invoice }));
      world.netsuite.seed('vendorBill', { entity: { id: '101' } }, 'OLD-');
      world.netsuite.seed('vendorBill', { entity: { id: '101' } }, 'OLD-   ');
      const outcome = await syncBill(world.message(), world.syncDeps());
      expect(outcome.status).toBe('synced');
      expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
        netsuiteId: outcome.netsuiteId,
        origin: 'created',
      });
    });
  }
});

describe('legacy bills found by a body field', () => {
  it('a Vendor Bill carrying apsync’s own external id is never taken for an older integration’s', async () => {
    await world.configure({ legacy: { field: 'custbody_procurify_bill' } });
    world.procurify.putBill(procurifyBill());
    const own = world.netsuite.seed(
      'vendorBill',
      { entity: { id: '101' }, custbody_procurify_bill: billUuid },
      `procurify-bill-${billUuid}`,
    );
    const outcome = await syncBill(world.message(), world.syncDeps());
    // Written under its external id (the write lands on that same Vendor Bill), linked as apsync's own.
    expect(outcome).toEqual({ status: 'synced', netsuiteId: own });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: own,
      origin: 'created',
    });
  });
});

describe('a stored bill-sync configuration that is not valid', () => {
  it('fails the bill naming the setting and why, and writes nothing', async () => {
    world.procurify.putBill(procurifyBill());
    await world.configure({ legacy: { externalIdPattern: '^OLD-(' } });
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow(
      /^the bill sync configuration \(bill-sync\) is invalid: legacy\.externalIdPattern: not a regular expression \(.+\)$/,
    );
    await world.configure({ legacy: { externalIdPattern: '^OLD-.+$' } });
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow(
      'the bill sync configuration (bill-sync) is invalid: legacy.externalIdPattern: needs a capture group for the Procurify key',
    );
    await world.state.putConfig(billSyncConfigName, 'manual');
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toThrow(
      /^the bill sync configuration \(bill-sync\) is invalid: \(root\): /,
    );
    expect(world.netsuite.writes).toEqual([]);
  });
});
