// Renders the sandbox's records in the shapes of Procurify's OpenAPI document (OptimizedVendor,
// AccountCodeRead, DepartmentRead, LocationView, CompanyPaymentMethodRead, SimpleBill, BillRead with
// ItemReadSerializer_v2, BillCostRead, CostAllocationRead, CustomFieldValueRead and Attachment,
// PaymentResponse). Called by the API routes (api.ts); the admin API returns the same views.
import {
  type AccountCodeRecord,
  type AttachmentRecord,
  type BillRecord,
  billStatus,
  type CompanyPaymentMethodRecord,
  type CostAllocationRecord,
  type CurrencyRecord,
  type CustomFieldRecord,
  type CustomFieldValueRecord,
  centsAsNumber,
  customFieldLabels,
  type DepartmentRecord,
  formatCents,
  formatMicros,
  type LocationRecord,
  type PaymentRecord,
  type PaymentStatus,
  type VendorRecord,
} from './model.ts';
import type { ProcurifyStore } from './store.ts';

type Json = Record<string, unknown>;

/** PaymentStatusEnum of the older bill payment objects (integers). */
const paymentStatusNumber: Record<PaymentStatus, number> = {
  draft: 0,
  pending_approval: 1,
  approved: 2,
  denied: 3,
  paid: 5,
  processing: 7,
  failed: 8,
  scheduled: 9,
};

const demoUser = { id: 1, firstName: 'Avery', lastName: 'Approver', email: 'avery.approver@demo.example' };

const dateAsDateTime = (date: string | null): string | null => (date === null ? null : `${date}T00:00:00Z`);

export function currencyView(currency: CurrencyRecord): Json {
  return { ...currency };
}

export function locationView(store: ProcurifyStore, location: LocationRecord): Json {
  const address = {
    id: location.id,
    name: location.name,
    addressLineOne: location.addressLineOne,
    city: location.city,
    postalCode: location.postalCode,
    state_province: location.state_province,
    country: location.country,
  };
  return {
    id: location.id,
    name: location.name,
    url: null,
    logo: '',
    currency: currencyView(store.currencies.get(location.currencyId)!),
    phoneOne: location.phoneOne,
    fax: null,
    email: location.email,
    primary_billing_address: address,
    primary_shipping_address: address,
    shipping_addresses: [address],
    language: 1,
    locationTimezone: null,
    headquarter: location.headquarter,
    department_count: [...store.departments.values()].filter((d) => d.branch === location.id).length,
    active: location.active,
    external_id: location.external_id,
    legal_entity: null,
  };
}

export function departmentView(store: ProcurifyStore, department: DepartmentRecord): Json {
  const branch = store.locations.get(department.branch);
  return {
    id: department.id,
    branch: { id: department.branch, name: branch?.name ?? '', headquarter: branch?.headquarter ?? false },
    external_id: department.external_id,
    name: department.name,
    active: department.active,
    punchout_email: department.punchout_email,
    is_active_for_account_code: true,
  };
}

function departmentSummary(store: ProcurifyStore, department: DepartmentRecord): Json {
  return {
    id: department.id,
    branch: { id: department.branch, name: store.locations.get(department.branch)?.name ?? '' },
    external_id: department.external_id,
    name: department.name,
    punchout_email: department.punchout_email,
    active: department.active,
  };
}

export function accountCodeView(accountCode: AccountCodeRecord): Json {
  return {
    id: accountCode.id,
    applied_accounts_count: accountCode.departments.length,
    code: accountCode.code,
    code_length: accountCode.code.length,
    description: accountCode.description,
    account_type: accountCode.account_type,
    active: accountCode.active,
    parent: accountCode.parent,
  };
}

/**
 * A vendor as VendorDetail / OptimizedVendor (nested payment term) or, for `plain`, as Vendor (the PUT
 * answer, whose term and method references are ids). `vendor_request` (non-nullable, not required in
 * those schemas) is left out: no vendor here came from a vendor request. `overall_score` is null: the
 * sandbox computes no score.
 */
export function vendorView(
  store: ProcurifyStore,
  vendor: VendorRecord,
  shape: 'optimized' | 'plain' = 'optimized',
): Json {
  const term = vendor.payment_term_ref === null ? undefined : store.paymentTerms.get(vendor.payment_term_ref);
  const { modified, payment_term_ref, ...fields } = vendor;
  const nested = shape === 'optimized';
  return {
    ...fields,
    email: [...vendor.email],
    dateModified: formatMicros(modified),
    payment_term_ref: term === undefined ? null : nested ? { ...term } : term.id,
    shipping_term_ref: null,
    payment_method_ref: null,
    shipping_method_ref: null,
    payment_methods: [],
    creditcards: [],
    overall_score: null,
    is_auto_email_po_enabled: false,
    po_pdf_labels: '',
    email_configurations: {},
  };
}

export function paymentMethodView(store: ProcurifyStore, method: CompanyPaymentMethodRecord): Json {
  return {
    id: method.id,
    name: method.name,
    type: method.type,
    data: { ...method.data },
    currency: currencyView(store.currencies.get(method.currencyId)!),
    gl_code: method.gl_code,
  };
}

function simpleUser(): Json {
  return {
    id: demoUser.id,
    firstName: demoUser.firstName,
    lastName: demoUser.lastName,
    email: demoUser.email,
  };
}

/**
 * The demo user as BillRead's UserSummary, which requires `department` (a DepartmentSummary) and `user`
 * (the login's id) besides `email`: the user belongs to the company's first department.
 */
function userSummary(store: ProcurifyStore): Json {
  const department = [...store.departments.values()].sort((a, b) => a.id - b.id)[0];
  const branch = department === undefined ? undefined : store.locations.get(department.branch);
  return {
    ...simpleUser(),
    user: demoUser.id,
    department:
      department === undefined
        ? {
            id: 0,
            name: 'Administration',
            branch: { id: 0, name: 'Head Office' },
            external_id: null,
            active: true,
          }
        : {
            id: department.id,
            name: department.name,
            branch: { id: department.branch, name: branch?.name ?? '' },
            external_id: department.external_id,
            active: department.active,
          },
    is_active: true,
  };
}

function pastDue(store: ProcurifyStore, bill: BillRecord): boolean {
  if (bill.due_date === null || bill.status === billStatus.paid) return false;
  return bill.due_date < new Date(store.clock.nowMs()).toISOString().slice(0, 10);
}

/** SimpleBill: one row of `GET /api/v3/ap/bills/`. */
export function billSummaryView(store: ProcurifyStore, bill: BillRecord): Json {
  const currency = store.currencies.get(bill.currencyId)!;
  const vendor = store.vendors.get(bill.vendorId);
  const amounts = store.billAmounts(bill);
  return {
    id: bill.id,
    status: bill.status,
    version: bill.version,
    locked: bill.status === billStatus.paid,
    currency: { id: currency.id, name: currency.name, rate: currency.rate },
    uuid: bill.uuid,
    items: bill.items.map((item) => item.id),
    vendor: { id: bill.vendorId, name: vendor?.name ?? '' },
    due_date: dateAsDateTime(bill.due_date),
    total_cost_with_tax: centsAsNumber(amounts.totalWithTaxCents),
    invoice_date: dateAsDateTime(bill.invoice_date),
    next_approver_choices: null,
    // last_export_user and last_export_date (non-nullable, not required in SimpleBill) are left out: the
    // sandbox never exports bills.
    last_modified_datetime: formatMicros(bill.modified),
    submitted_date: bill.submitted === null ? null : formatMicros(bill.submitted),
    gl_post_date: null,
    invoice_number: bill.invoice_number,
    group: bill.group,
    type: bill.type,
    user: simpleUser(),
    approver: null,
    past_due: pastDue(store, bill),
    invoice_created: false,
    invoice_uuid: '',
    invoice_total: centsAsNumber(amounts.owedCents),
    creator: simpleUser(),
  };
}

/** The bill's latest live payment (else its latest), as BillRead's `bill_payment`. */
function billPaymentView(store: ProcurifyStore, bill: BillRecord): Json | null {
  const entries = store.applicationsOf(bill.uuid);
  const live = entries.filter((e) => e.payment.status !== 'failed' && e.payment.status !== 'denied');
  const entry = live.at(-1) ?? entries.at(-1);
  if (entry === undefined) return null;
  const { payment, app } = entry;
  const method = store.paymentMethods.get(payment.methodId)!;
  return {
    id: app.billPaymentId,
    payment: {
      id: payment.id,
      user: demoUser.id,
      approver: null,
      status: paymentStatusNumber[payment.status],
      currency: payment.currencyId,
      amount: formatCents(payment.amountCents),
      payment_method: method.id,
      payment_date: payment.paymentDate,
      memo: payment.memo,
      reference_number: payment.reference_number,
      is_processed: payment.status === 'paid',
    },
    payment_method: {
      id: method.id,
      vendor: bill.vendorId,
      name: method.name,
      type: method.type,
      data: { ...method.data },
      currency: currencyView(store.currencies.get(method.currencyId)!),
    },
    amount: formatCents(app.amountCents),
    transaction: null,
  };
}

/** CostAllocationRead (of a line, `object_id` the line's id; of a bill cost, the cost's id). */
function costAllocationView(
  store: ProcurifyStore,
  allocation: CostAllocationRecord,
  objectId: number,
  currency: Json,
): Json {
  const accountCode = store.accountCodes.get(allocation.accountCodeId)!;
  const department = store.departments.get(allocation.departmentId)!;
  return {
    id: allocation.id,
    budget: {
      id: accountCode.id * 100_000 + department.id,
      account_code: accountCodeView(accountCode),
      department: departmentSummary(store, department),
      warning_indicator: false,
      budget_used_approved: 0,
      budget_used_purchased: 0,
      start_datetime: null,
      end_datetime: null,
      budget: '0.00',
      balance_approved: '0.00',
      balance_purchased: '0.00',
      active: accountCode.active && department.active,
    },
    object_id: objectId,
    amount: formatCents(allocation.amountCents),
    currency,
    created_on: formatMicros(allocation.created),
  };
}

/** CustomFieldRead. */
export function customFieldView(field: CustomFieldRecord): Json {
  return {
    id: field.id,
    name: field.name,
    content_type: field.content_type,
    default_value: field.default_value,
    is_required: field.is_required,
    field_choices: [...field.field_choices],
    field_type: field.field_type,
    field_label: customFieldLabels[field.field_type],
    is_active: field.is_active,
  };
}

/** CustomFieldValueRead: `value` a string, or a boolean for a Boolean (`b`) field. */
function customFieldValueView(store: ProcurifyStore, value: CustomFieldValueRecord): Json {
  return { id: value.id, value: value.value, field: customFieldView(store.customFields.get(value.fieldId)!) };
}

/** Where the sandbox serves attachments (see api.ts downloadAttachment). */
export const attachmentDownloadPath = (uuid: string): string => `/api/v3/attachments/${uuid}/download/`;

/**
 * Attachment. `file` is an absolute URL, as Procurify's own links are (its OpenAPI examples show
 * absolute storage URLs): the sandbox's download route on the base URL the request came in on, or the
 * URL the attachment was given (a file on other storage).
 */
export function attachmentView(attachment: AttachmentRecord, baseUrl: string): Json {
  return {
    id: attachment.id,
    uuid: attachment.uuid,
    file: attachment.externalUrl ?? `${baseUrl}${attachmentDownloadPath(attachment.uuid)}`,
    name: attachment.name,
    user: attachment.user,
    description: attachment.description,
    mimetype: attachment.mimetype,
    length: attachment.length,
    sha1_hash: attachment.sha1,
    created_at: formatMicros(attachment.created),
  };
}

/** A number of at most 8 decimals as JSON renders it (a float field: unit_cost). */
const decimalAsNumber = (value: string): number => Number(value);

/**
 * BillRead: `GET /api/v2/ap/bills/{uuid}/`. Amounts follow model.ts billAmounts (the OpenAPI descriptions
 * of total_cost, subtotal_cost, total_cost_with_tax, tax and shipping); `baseUrl` is the base URL the
 * request came in on (attachment `file` links).
 */
export function billDetailView(store: ProcurifyStore, bill: BillRecord, baseUrl: string): Json {
  const currency = currencyView(store.currencies.get(bill.currencyId)!);
  const vendor = store.vendors.get(bill.vendorId)!;
  const amounts = store.billAmounts(bill);
  // ItemReadSerializer_v2: `orderitem`, `po` and `received_on` (non-nullable, not required) are left out:
  // sandbox bills are not matched to purchase orders or receipts. `vendor` is a VendorRead (name, type).
  // Decision: a line billed by cost shows quantity 1 and its amount as unit_cost (both are typed
  // non-nullable, and "only applicable to bill by quantity"); a line entered as an amount with a quantity
  // shows amount / quantity as its unit cost. `tax_percentage` is rendered as entered; `tax` (the id of a
  // tax record) is null: the sandbox keeps no tax records.
  const items = bill.items.map((item) => {
    const enteredCents = item.tax?.inclusive === true ? item.totalCents + item.taxCents : item.totalCents;
    const quantity = Number(item.quantity);
    const unitCost =
      item.unitCost !== null
        ? decimalAsNumber(item.unitCost)
        : item.billByCost || quantity === 0
          ? centsAsNumber(enteredCents)
          : Number((enteredCents / 100 / quantity).toFixed(8));
    return {
      id: item.id,
      expense: null,
      bill: bill.id,
      vendor: { id: vendor.id, name: vendor.name, type: vendor.type },
      sku: item.sku,
      description: item.description,
      unit: item.unit,
      quantity: item.quantity,
      currency,
      total_cost: centsAsNumber(item.totalCents),
      packing_slips: [],
      cost_allocations: item.allocations.map((allocation) =>
        costAllocationView(store, allocation, item.id, currency),
      ),
      archived: false,
      same_unit_cost: true,
      creditcard_item: null,
      is_edited: false,
      unit_cost_diff_log: null,
      tax_name: item.tax?.name ?? '',
      tax_percentage: item.tax?.percentage ?? null,
      tax_amount: centsAsNumber(item.taxCents),
      tax_is_inclusive: item.tax?.inclusive ?? false,
      tax: null,
      total_cost_with_tax: centsAsNumber(item.totalCents + item.taxCents),
      shipping_amount: item.shippingCents === null ? null : formatCents(item.shippingCents),
      unit_cost: unitCost,
      custom_fields: item.customFields.map((value) => customFieldValueView(store, value)),
      type: 'order',
      bill_by_cost: item.billByCost,
    };
  });
  // BillCostRead: `currency` is the currency's id, `cost` the cost class (null unless given).
  const costs = bill.costs.map((cost) => ({
    id: cost.id,
    cost_allocation: costAllocationView(store, cost.allocation, cost.id, currency),
    name: cost.name,
    amount: formatCents(cost.amountCents),
    bill: bill.id,
    cost: cost.costClass,
    currency: bill.currencyId,
  }));
  const rate = Number(store.currencies.get(bill.currencyId)!.rate);
  const user = userSummary(store);
  return {
    id: bill.id,
    uuid: bill.uuid,
    user,
    vendor: vendorView(store, vendor),
    approval_chain: null,
    approver: null,
    items,
    costs,
    invoice_attachments: bill.attachments.map((attachment) => attachmentView(attachment, baseUrl)),
    bill_statuses: bill.statuses.map((event) => ({
      id: event.id,
      user,
      date: formatMicros(event.at),
      status: event.status,
      bill: bill.id,
    })),
    currency,
    comments: [],
    version_choices: [],
    tax_amount: centsAsNumber(amounts.taxCents),
    inclusive_tax_amount: centsAsNumber(amounts.inclusiveTaxCents),
    exclusive_tax_amount: centsAsNumber(amounts.exclusiveTaxCents),
    subtotal_cost: centsAsNumber(amounts.subtotalCents),
    total_cost: centsAsNumber(amounts.totalCents),
    total_cost_with_tax: centsAsNumber(amounts.totalWithTaxCents),
    // "Total cost converted to base currency": total_cost (without tax and shipping) at the currency's rate.
    converted_total_cost: Math.round(amounts.totalCents * rate) / 100,
    next_approver_choices: null,
    locked: bill.status === billStatus.paid,
    bill_payment: billPaymentView(store, bill),
    // creditcard, last_export_user and last_export_date (non-nullable, not required in BillRead) are left
    // out: sandbox bills are not credit card bills and are never exported.
    creditcard_name: '',
    vendor_name: vendor.name,
    vendor_contact: vendor.contact ?? '',
    vendor_address_one: vendor.addressLineOne ?? '',
    vendor_address_two: vendor.addressLineTwo ?? '',
    vendor_postal_code: vendor.postalCode ?? '',
    vendor_city: vendor.city ?? '',
    vendor_state_province: vendor.state_province ?? '',
    vendor_country: vendor.country ?? '',
    last_modified_datetime: formatMicros(bill.modified),
    submitted_date: bill.submitted === null ? null : formatMicros(bill.submitted),
    invoice_number: bill.invoice_number,
    invoice_date: dateAsDateTime(bill.invoice_date),
    due_date: dateAsDateTime(bill.due_date),
    payment_terms: bill.payment_terms,
    version: bill.version,
    status: bill.status,
    type: bill.type,
    active: bill.active,
    note: bill.note,
    gl_post_date: null,
    group: bill.group,
    payment_method: null,
    payment_method_name: '',
    added_purchase_orders: [],
    shipping_amount: centsAsNumber(amounts.shippingCents),
    invoice_uuid: '',
    invoice_total: centsAsNumber(amounts.owedCents),
    creator: user,
  };
}

/** PaymentResponse: one row of `GET /api/public/v1/payments/`. */
export function paymentView(store: ProcurifyStore, payment: PaymentRecord): Json {
  const method = store.paymentMethods.get(payment.methodId)!;
  const currency = store.currencies.get(payment.currencyId)!;
  const vendorId = store.paymentVendorId(payment);
  return {
    id: payment.id,
    uuid: payment.uuid,
    payment_source_name: method.name,
    payment_source_type: 'external',
    external_payment_source_id: null,
    creator: { ...payment.creator },
    created_at: formatMicros(payment.created),
    updated_at: formatMicros(payment.modified),
    amount: formatCents(payment.amountCents),
    currency: { id: currency.id, name: currency.name },
    status: payment.status,
    processing_date: payment.paymentDate,
    direct_debit_bank_account_mask: null,
    vendor_name: vendorId === undefined ? null : (store.vendors.get(vendorId)?.name ?? null),
    posted_date: payment.status === 'paid' ? payment.paymentDate : null,
    gl_code: method.gl_code,
    vendor_payment_method_country_code: null,
    vendor_payment_method_rail: null,
    bill_groups: store.paymentBillGroups(payment),
  };
}
