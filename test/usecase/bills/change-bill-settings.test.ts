// Changing the bill sync configuration (shared/bills/change-bill-settings.ts) over the in-memory state,
// bill queue and NetSuite lookups: every problem NetSuite would have with it named at once and nothing
// stored; a configuration NetSuite accepts stored, audited and followed by the parked bills re-sent.
import { beforeEach, describe, expect, it } from 'vitest';
import { billSyncConfigName } from '../../../shared/bills/bill-sync-settings.ts';
import {
  type ChangeBillSettingsDependencies,
  changeBillSettings,
  type FieldShape,
} from '../../../shared/bills/change-bill-settings.ts';
import { DataError } from '../../../shared/errors.ts';
import { BillWorld } from './world.ts';

let world: BillWorld;
let body: Map<string, FieldShape>;
let line: Map<string, FieldShape>;
let folders: Map<string, string> | undefined;

const deps = (): ChangeBillSettingsDependencies => ({
  lookups: world.netsuite,
  state: world.state,
  bills: world.bills,
  now: world.clock.now,
  vendorBillFields: async () => ({ body, expenseLine: line }),
  ...(folders === undefined
    ? {}
    : {
        checkFolder: async (id: string) => {
          const name = folders!.get(id);
          if (name === undefined) throw new DataError(`folder ${id} does not exist in the File Cabinet`);
          return { name };
        },
      }),
});
const refusal = async (input: unknown): Promise<string> => {
  const error = await changeBillSettings(input, deps(), 'ana').then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(error).toBeInstanceOf(DataError);
  expect(await world.state.getConfig(billSyncConfigName)).toBeUndefined();
  expect(world.bills.sent).toEqual([]);
  return error!.message.replace('the bill sync configuration was not stored: ', '');
};

beforeEach(() => {
  world = new BillWorld();
  world.netsuite.reference.accounts.push({
    id: '69',
    acctnumber: '6900',
    inactive: true,
    subsidiaries: [],
    includeChildren: false,
  });
  world.netsuite.reference.subsidiaries.push({ id: '9', name: 'Closed', inactive: true });
  world.netsuite.reference.locations = [{ id: '5', name: 'Seattle', inactive: false } as never];
  world.netsuite.reference.classes = [{ id: '8', name: 'Retail', inactive: true } as never];
  world.netsuite.reference.segmentValues = {
    cseg_region: [{ id: '3', name: 'West', inactive: false } as never],
  };
  body = new Map<string, FieldShape>([
    ['custbody_flag', { type: 'boolean', reference: false }],
    ['custbody_when', { type: 'string', format: 'date', reference: false }],
    ['custbody_count', { type: 'integer', reference: false }],
    ['custbody_ref', { reference: true }],
  ]);
  line = new Map<string, FieldShape>([
    ['custcol_note', { type: 'string', reference: false }],
    ['cseg_region', { reference: true }],
  ]);
  folders = undefined;
});

describe('changeBillSettings: refusals', () => {
  it('names unsupported tax strategies', async () => {
    expect(await refusal({ tax: { strategy: 'tax-codes' } })).toMatch(
      /^tax.strategy: tax-codes \(legacy tax codes\) cannot be written through NetSuite's REST record API/,
    );
    expect(await refusal({ tax: { strategy: 'suitetax' } })).toMatch(
      /^tax.strategy: suitetax \(taxDetails\) is not supported by apsync yet/,
    );
  });

  it('names every account, subsidiary, location, class and segment value NetSuite lacks or has inactive', async () => {
    const message = await refusal({
      tax: { strategy: 'tax-lines', accounts: { 'GST 5%': '61', PST: '99' }, defaultAccountId: '69' },
      shipping: { mode: 'account', accountId: '62' },
      costs: { mode: 'account', accountId: '98' },
      subsidiaryId: '9',
      subsidiaryByLocation: { Vancouver: '7' },
      location: { byProcurifyLocation: { Seattle: '5', Austin: '6' } },
      class: { byDepartment: { Sales: '8' }, defaultId: '4' },
      customFields: [
        { field: 'cseg_region', from: { lineField: 'Region' }, values: { West: '3', East: '4' } },
      ],
    });
    expect(message.split('; ')).toEqual([
      'tax.accounts["PST"]: account 99 does not exist in NetSuite',
      'tax.defaultAccountId: account 69 is inactive in NetSuite',
      'costs.accountId: account 98 does not exist in NetSuite',
      'subsidiaryId: subsidiary 9 is inactive in NetSuite',
      'subsidiaryByLocation["Vancouver"]: subsidiary 7 does not exist in NetSuite',
      'location.byProcurifyLocation["Austin"]: location 6 does not exist in NetSuite',
      'class.byDepartment["Sales"]: class 8 is inactive in NetSuite',
      'class.defaultId: class 4 does not exist in NetSuite',
      'customFields cseg_region values["East"]: segment value 4 does not exist in NetSuite',
    ]);
  });

  it('names custom fields the Vendor Bill lacks or that the source cannot fill', async () => {
    const message = await refusal({
      customFields: [
        { field: 'custbody_missing', from: { constant: 'x' } },
        { field: 'custcol_missing', from: { constant: 'x' } },
        { field: 'custbody_ref', from: { lineField: 'Project' } },
        { field: 'custcol_note', from: { constant: 'x' }, values: { a: '1' } },
        { field: 'custbody_flag', from: { billField: 'invoiceNumber' } },
        { field: 'custbody_count', from: { lineField: 'Count' } },
        { field: 'custbody_count', from: { billField: 'note' } },
        { field: 'custbody_when', from: { lineValue: 'quantity' } },
      ],
    });
    expect(message.split('; ')).toEqual([
      "customFields[0] (custbody_missing): NetSuite's Vendor Bill has no body field custbody_missing",
      "customFields[1] (custcol_missing): NetSuite's Vendor Bill has no expense line field custcol_missing",
      'customFields[2] (custbody_ref): a select field or segment takes a NetSuite record: give `values` (Procurify value → internal id)',
      'customFields[3] (custcol_note): not a select field (string): remove `values`',
      'customFields[4] (custbody_flag): a check box takes true/false, the source gives a string',
      'customFields[5] (custbody_count): an integer field, the source gives a text (Procurify custom field)',
      'customFields[6] (custbody_count): an integer field, the source gives a string',
      'customFields[7] (custbody_when): a date field: only a constant date or a bill value can fill it',
    ]);
  });

  it('names a constant of the wrong type and `values` on a field NetSuite gives no type for', async () => {
    body.set('custbody_rate', { type: 'number', reference: false });
    line.set('custcol_untyped', { reference: false });
    const message = await refusal({
      customFields: [
        { field: 'custbody_rate', from: { constant: 'high' } },
        { field: 'custbody_rate', from: { constant: 1.5 } },
        { field: 'custcol_untyped', from: { lineField: 'Kind' }, values: { a: '1' } },
      ],
    });
    expect(message.split('; ')).toEqual([
      'customFields[0] (custbody_rate): a number field, the source gives a string',
      'customFields[2] (custcol_untyped): not a select field (unknown type): remove `values`',
    ]);
  });

  it('attachments need the RESTlet and a folder that exists', async () => {
    expect(await refusal({ attachments: { folderId: '77' } })).toBe(
      "attachments.folderId: apsync's attachment RESTlet is not enabled (deploy infra/netsuite-script/apsync_attach_rl.js and set restlets in the NetSuite secret)",
    );
    folders = new Map([['77', 'Invoices']]);
    expect(await refusal({ attachments: { folderId: '78' } })).toBe(
      'attachments.folderId: folder 78 does not exist in the File Cabinet',
    );
  });
});

describe('changeBillSettings: stored', () => {
  it('stores what NetSuite accepts, audits who asked, and re-sends the parked bills', async () => {
    folders = new Map([['77', 'Invoices']]);
    await world.state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'b-1' },
      status: 'review',
      sourceModified: '2026-11-30T10:00:00Z',
    });
    const input = {
      tax: { strategy: 'tax-lines', accounts: { GST: '61' } },
      costs: { mode: 'account', accountId: '62' },
      subsidiaryId: '1',
      location: { byProcurifyLocation: { Seattle: '5' } },
      attachments: { folderId: '77' },
      customFields: [
        { field: 'custbody_flag', from: { lineField: 'Urgent' } },
        { field: 'custbody_count', from: { billField: 'id' } },
        { field: 'custbody_when', from: { billField: 'invoiceNumber' } },
        { field: 'custcol_note', from: { lineValue: 'unitCost' } },
        { field: 'cseg_region', from: { lineField: 'Region' }, values: { West: '3' } },
      ],
    };
    const result = await changeBillSettings(input, deps(), 'ana (cli)');
    expect(result.resent).toBe(1);
    expect(result.settings).toMatchObject({ mode: 'auto', subsidiaryId: '1' });
    expect(await world.state.getConfig(billSyncConfigName)).toEqual(input);
    expect(world.bills.bodies()).toEqual([
      {
        kind: 'bill',
        origin: 'mapping-available',
        billUuid: 'b-1',
        lastModified: '2026-11-30T10:00:00Z',
        enqueuedAt: world.clock.iso(),
      },
    ]);
    expect(await world.state.read({ system: 'procurify', kind: 'bill', id: 'settings' })).toMatchObject([
      { step: 'note', message: 'bill sync configuration changed', facts: { requestedBy: 'ana (cli)' } },
    ]);
  });

  it('with nothing parked, nothing is sent; without who asked, none is recorded', async () => {
    const result = await changeBillSettings({ mode: 'manual' }, deps());
    expect(result.resent).toBe(0);
    expect(world.bills.sent).toEqual([]);
    expect(await world.state.read({ system: 'procurify', kind: 'bill', id: 'settings' })).toMatchObject([
      { facts: {} },
    ]);
  });
});
