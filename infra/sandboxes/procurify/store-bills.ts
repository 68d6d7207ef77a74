// The Procurify sandbox's bills, written only as a Procurify user would (the API cannot create bills):
// create (lines taxed and allocated, costs, attachments), edit, approve, and the API's mark-as-paid.
// Part of the store (store.ts); each write is told to the change hook (store-records.ts) before it
// returns.
import {
  type BillCostValues,
  type BillInput,
  type BillItemValues,
  type BillPatch,
  billInputSchema,
  billPatchSchema,
} from './inputs.ts';
import {
  type AttachmentRecord,
  type BillCostRecord,
  type BillItemRecord,
  type BillRecord,
  billStatus,
  type CostAllocationRecord,
  type CustomFieldValueRecord,
  extendedCents,
  isCalendarDate,
  lineTaxSplit,
  parseCents,
} from './model.ts';
import { buildAttachments } from './store-attachments.ts';
import { type ProcurifyRecords, SandboxInputError } from './store-records.ts';
import { addCustomField } from './store-settings.ts';
import type { FieldErrors } from './validation.ts';

export interface MarkAsPaidResult {
  bill_uuids: string[];
  bill_group_ids: number[];
  payment_date: string;
}

/** An allocation of `amountCents` to the account code and department the input names. */
function costAllocation(
  store: ProcurifyRecords,
  where: string,
  coding: { account_code: number; department: number },
  amountCents: number,
  created: number,
): CostAllocationRecord {
  if (!store.accountCodes.has(coding.account_code))
    throw new SandboxInputError(`${where}: no account code ${coding.account_code}`);
  if (!store.departments.has(coding.department))
    throw new SandboxInputError(`${where}: no department ${coding.department}`);
  return {
    id: store.allocate('costAllocation'),
    accountCodeId: coding.account_code,
    departmentId: coding.department,
    amountCents,
    created,
  };
}

/** A line's custom field values; a field named for the first time is created (boolean values: a `b` field). */
function customFieldValues(
  store: ProcurifyRecords,
  where: string,
  values: Array<{ field: string; value: string | boolean }>,
): CustomFieldValueRecord[] {
  return values.map(({ field: name, value }) => {
    const field =
      store.customFieldByName(name) ??
      addCustomField(store, { name, field_type: typeof value === 'boolean' ? 'b' : 't' });
    if ((field.field_type === 'b') !== (typeof value === 'boolean')) {
      throw new SandboxInputError(
        `${where}: custom field ${name} (type ${field.field_type}) takes ${field.field_type === 'b' ? 'a boolean' : 'a string'}`,
      );
    }
    if (field.field_type === 'm' && !field.field_choices.includes(value as string)) {
      throw new SandboxInputError(
        `${where}: ${JSON.stringify(value)} is not a choice of custom field ${name}`,
      );
    }
    return { id: store.allocate('customFieldValue'), fieldId: field.id, value };
  });
}

/**
 * Bill lines from the user's input: the entered amount (amount, or quantity × unit_cost) is the net, or
 * the gross for an inclusive tax; net and tax follow model.ts lineTaxSplit; allocations add up to the net.
 */
function buildItems(store: ProcurifyRecords, items: BillItemValues[], created: number): BillItemRecord[] {
  return items.map((item, index) => {
    const where = `items[${index}]`;
    const enteredCents =
      item.unit_cost !== undefined
        ? extendedCents(item.quantity, item.unit_cost)!
        : parseCents(item.amount!)!;
    const tax =
      item.tax_percentage === undefined
        ? null
        : { name: item.tax_name ?? '', percentage: item.tax_percentage, inclusive: item.tax_is_inclusive };
    const { netCents, taxCents } = lineTaxSplit(enteredCents, tax);
    const requested =
      item.cost_allocations ??
      (item.account_code !== undefined && item.department !== undefined
        ? [{ account_code: item.account_code, department: item.department, amount: undefined }]
        : undefined);
    if (requested === undefined) {
      throw new SandboxInputError(
        `${where}: give account_code and department, or cost_allocations (may be empty)`,
      );
    }
    let remaining = netCents;
    const allocations = requested.map((allocation, n) => {
      let amountCents: number;
      if (allocation.amount !== undefined) amountCents = parseCents(allocation.amount)!;
      else if (n === requested.length - 1) amountCents = remaining;
      else throw new SandboxInputError(`${where}: only the last allocation may omit its amount`);
      remaining -= amountCents;
      return costAllocation(store, where, allocation, amountCents, created);
    });
    if (allocations.length > 0 && remaining !== 0) {
      throw new SandboxInputError(
        `${where}: cost allocations do not add up to the line amount net of tax (${(netCents / 100).toFixed(2)})`,
      );
    }
    return {
      id: store.allocate('billItem'),
      description: item.description,
      sku: item.sku,
      unit: item.unit,
      quantity: item.bill_by_cost ? '1' : item.quantity,
      unitCost: item.bill_by_cost ? null : (item.unit_cost ?? null),
      billByCost: item.bill_by_cost,
      totalCents: netCents,
      taxCents,
      tax,
      shippingCents: item.shipping_amount === undefined ? null : parseCents(item.shipping_amount)!,
      customFields: customFieldValues(store, where, item.custom_fields),
      allocations,
    };
  });
}

function buildCosts(store: ProcurifyRecords, costs: BillCostValues[], created: number): BillCostRecord[] {
  return costs.map((cost, index) => {
    const amountCents = parseCents(cost.amount)!;
    return {
      id: store.allocate('billCost'),
      name: cost.name,
      amountCents,
      costClass: cost.cost,
      allocation: costAllocation(store, `costs[${index}]`, cost, amountCents, created),
    };
  });
}

function checkDates(value: { invoice_date?: string | null; due_date?: string | null }): void {
  for (const field of ['invoice_date', 'due_date'] as const) {
    const date = value[field];
    if (typeof date === 'string' && !isCalendarDate(date))
      throw new SandboxInputError(`${field}: no such date`);
  }
}

export function createBill(store: ProcurifyRecords, input: BillInput): BillRecord {
  const value = billInputSchema.parse(input);
  const vendor = store.vendors.get(value.vendor);
  if (vendor === undefined) throw new SandboxInputError(`no vendor ${value.vendor}`);
  checkDates(value);
  let uuid = value.uuid ?? store.uuid();
  if (store.bills.has(uuid)) {
    if (value.uuid !== undefined) throw new SandboxInputError(`bill ${uuid} already exists`, 409);
    // A drawn UUID that a seeded bill (demo data draws its own) already has: draw again.
    while (store.bills.has(uuid)) uuid = store.uuid();
  }
  const currencyId =
    value.currency !== undefined
      ? store.currencyByCode(value.currency).id
      : (vendor.currency ?? store.baseCurrency().id);
  const created = store.clock.tick();
  const bill: BillRecord = {
    id: store.allocate('bill'),
    uuid,
    vendorId: vendor.id,
    currencyId,
    invoice_number: value.invoice_number,
    invoice_date: value.invoice_date,
    due_date: value.due_date,
    payment_terms: value.payment_terms,
    status: value.status,
    type: value.type,
    active: true,
    note: value.note,
    group: null,
    submitted: value.status >= billStatus.confirmed ? created : null,
    created,
    modified: created,
    version: 1,
    items: buildItems(store, value.items, created),
    costs: buildCosts(store, value.costs, created),
    attachments: buildAttachments(store, value.invoice_attachments, created),
    statuses: [{ id: store.allocate('billStatus'), status: value.status, at: created }],
    paidDate: null,
  };
  store.bills.set(uuid, bill);
  store.changed({ collection: 'bills', record: bill });
  return bill;
}

/** Edits a bill as a Procurify user would (items, when given, replace the bill's items). */
export function editBill(store: ProcurifyRecords, uuid: string, patch: BillPatch): BillRecord {
  const bill = store.bill(uuid);
  const value = billPatchSchema.parse(patch);
  checkDates(value);
  const at = store.clock.tick();
  // Everything is built before the bill changes: a refused edit leaves it as it was.
  if (value.vendor !== undefined && !store.vendors.has(value.vendor))
    throw new SandboxInputError(`no vendor ${value.vendor}`);
  const currencyId = value.currency === undefined ? undefined : store.currencyByCode(value.currency).id;
  const items = value.items === undefined ? undefined : buildItems(store, value.items, at);
  const costs = value.costs === undefined ? undefined : buildCosts(store, value.costs, at);
  let attachments: AttachmentRecord[] | undefined;
  if (value.invoice_attachments !== undefined) {
    // The bill's own attachments may be given again (same UUIDs): they are replaced.
    const kept = bill.attachments;
    bill.attachments = [];
    try {
      attachments = buildAttachments(store, value.invoice_attachments, at);
    } finally {
      bill.attachments = kept;
    }
  }
  if (value.vendor !== undefined) bill.vendorId = value.vendor;
  if (currencyId !== undefined) bill.currencyId = currencyId;
  if (items !== undefined) bill.items = items;
  if (costs !== undefined) bill.costs = costs;
  if (attachments !== undefined) bill.attachments = attachments;
  for (const field of [
    'invoice_number',
    'invoice_date',
    'due_date',
    'payment_terms',
    'type',
    'note',
  ] as const) {
    if (value[field] !== undefined) (bill as unknown as Record<string, unknown>)[field] = value[field];
  }
  if (value.status !== undefined) setBillStatus(store, bill, value.status, at);
  bill.version += 1;
  bill.modified = at;
  store.changed({ collection: 'bills', record: bill });
  return bill;
}

export function setBillStatus(store: ProcurifyRecords, bill: BillRecord, status: number, at: number): void {
  if (bill.status === status) return;
  bill.status = status;
  bill.statuses.push({ id: store.allocate('billStatus'), status, at });
  if (status >= billStatus.confirmed && bill.submitted === null) bill.submitted = at;
  bill.modified = at;
}

/** The approver approves the bill: status 2 (Approved). Approving an approved bill changes nothing. */
export function approveBill(store: ProcurifyRecords, uuid: string): BillRecord {
  const bill = store.bill(uuid);
  if (bill.status === billStatus.approved) return bill;
  if (
    !([billStatus.draft, billStatus.confirmed, billStatus.denied, billStatus.withdrawn] as number[]).includes(
      bill.status,
    )
  ) {
    throw new SandboxInputError(
      `bill ${uuid} has status ${bill.status}; only unpaid bills can be approved`,
      409,
    );
  }
  setBillStatus(store, bill, billStatus.approved, store.clock.tick());
  store.changed({ collection: 'bills', record: bill });
  return bill;
}

/**
 * `POST /api/v3/ap/bills/mark-as-paid/`: "set approved bills without payments to paid status".
 * Sandbox decision (Procurify documents no errors): all or nothing; unknown UUIDs and bills that are
 * not Approved (2) or already have a payment are refused with a 400 naming them under `bill_uuids`
 * (so marking an already-paid bill again is refused, not ignored).
 */
export function markBillsPaid(
  store: ProcurifyRecords,
  uuids: string[],
  groupIds: number[],
  paymentDate: string,
): { ok: true; value: MarkAsPaidResult } | { ok: false; errors: FieldErrors } {
  if (!isCalendarDate(paymentDate)) {
    return {
      ok: false,
      errors: { payment_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    };
  }
  const unknown = uuids.filter((uuid) => !store.bills.has(uuid));
  if (unknown.length > 0)
    return { ok: false, errors: { bill_uuids: [`Bills not found: ${unknown.join(', ')}.`] } };
  const targets = new Map<string, BillRecord>();
  for (const uuid of uuids) targets.set(uuid, store.bills.get(uuid)!);
  if (groupIds.length > 0) {
    for (const bill of store.bills.values())
      if (bill.group !== null && groupIds.includes(bill.group)) targets.set(bill.uuid, bill);
  }
  if (targets.size === 0) return { ok: false, errors: { bill_uuids: ['This list may not be empty.'] } };
  const refused = [...targets.values()].filter(
    (bill) => bill.status !== billStatus.approved || store.applicationsOf(bill.uuid).length > 0,
  );
  if (refused.length > 0) {
    return {
      ok: false,
      errors: {
        bill_uuids: [
          `Only approved bills without payments can be marked as paid: ${refused
            .map((bill) => `${bill.uuid} (status ${bill.status})`)
            .join(', ')}.`,
        ],
      },
    };
  }
  for (const bill of targets.values()) {
    const at = store.clock.tick();
    setBillStatus(store, bill, billStatus.paid, at);
    bill.paidDate = paymentDate;
    bill.version += 1;
  }
  store.changed(...[...targets.values()].map((bill) => ({ collection: 'bills' as const, record: bill })));
  return { ok: true, value: { bill_uuids: uuids, bill_group_ids: groupIds, payment_date: paymentDate } };
}
