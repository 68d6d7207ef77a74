// The adapter boundary for AP records: Procurify's wire answers (bills, payments), as the zod schemas of
// schemas.ts parse them (snake_case, nested references), mapped to the domain records the use cases take
// (shared/ap/).
// Amounts pass through unchanged: the schemas already made each one an exact decimal string.
import type {
  ApBill,
  ApBillLine,
  ApBillSummary,
  BillCost,
  CostAllocation,
  InvoiceFile,
  LineFieldValue,
} from '../ap/bill.ts';
import type { ApPayment, PaymentMethod } from '../ap/payment.ts';
import type {
  ProcurifyAttachment,
  ProcurifyBill,
  ProcurifyBillCost,
  ProcurifyBillItem,
  ProcurifyBillSummary,
  ProcurifyCompanyPaymentMethod,
  ProcurifyCostAllocation,
  ProcurifyCustomFieldValue,
  ProcurifyPayment,
} from './schemas.ts';

export function toCostAllocation(allocation: ProcurifyCostAllocation): CostAllocation {
  const { account_code: accountCode, department } = allocation.budget;
  return {
    id: allocation.id,
    amount: allocation.amount,
    accountCode: accountCode.code,
    department: { id: department.id, name: department.name, location: department.branch?.name ?? null },
  };
}

const toLineFieldValue = (value: ProcurifyCustomFieldValue): LineFieldValue => ({
  name: value.field.name,
  value: value.value,
});

export function toApBillLine(item: ProcurifyBillItem): ApBillLine {
  return {
    id: item.id,
    description: item.description,
    quantity: item.quantity,
    unitCost: item.unit_cost,
    billByCost: item.bill_by_cost === true,
    net: item.total_cost,
    taxName: item.tax_name,
    taxPercentage: item.tax_percentage,
    tax: item.tax_amount,
    taxIncluded: item.tax_is_inclusive === true,
    netWithTax: item.total_cost_with_tax,
    shipping: item.shipping_amount,
    fields: item.custom_fields.map(toLineFieldValue),
    allocations: item.cost_allocations.map(toCostAllocation),
  };
}

const toBillCost = (cost: ProcurifyBillCost): BillCost => ({
  id: cost.id,
  name: cost.name,
  amount: cost.amount,
  allocation: toCostAllocation(cost.cost_allocation),
});

export const toInvoiceFile = (attachment: ProcurifyAttachment): InvoiceFile => ({
  uuid: attachment.uuid,
  url: attachment.file,
  name: attachment.name,
  mimetype: attachment.mimetype,
  length: attachment.length,
  sha1: attachment.sha1_hash,
});

/** BillRead → the AP bill the bill planners take. */
export function toApBill(bill: ProcurifyBill): ApBill {
  return {
    id: bill.id,
    uuid: bill.uuid,
    status: bill.status,
    lastModified: bill.last_modified_datetime,
    vendor: { id: bill.vendor.id, name: bill.vendor.name },
    currency: bill.currency.name,
    invoiceNumber: bill.invoice_number,
    invoiceDate: bill.invoice_date,
    dueDate: bill.due_date,
    paymentTerms: bill.payment_terms,
    note: bill.note,
    totalCost: bill.total_cost,
    lines: bill.items.map(toApBillLine),
    costs: bill.costs.map(toBillCost),
    invoiceFiles: bill.invoice_attachments.map(toInvoiceFile),
  };
}

/** SimpleBill (a row of the bill list) → the bill summary the polls, loads and reconciliation take. */
export function toApBillSummary(bill: ProcurifyBillSummary): ApBillSummary {
  return {
    id: bill.id,
    uuid: bill.uuid,
    status: bill.status,
    lastModified: bill.last_modified_datetime,
    invoiceNumber: bill.invoice_number,
    group: bill.group,
    total: bill.invoice_total ?? bill.total_cost_with_tax ?? null,
  };
}

/** PaymentResponse → the payment the payment planners take. */
export function toApPayment(payment: ProcurifyPayment): ApPayment {
  return {
    id: payment.id,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency.name,
    glCode: payment.gl_code,
    billGroups: payment.bill_groups,
    vendorName: payment.vendor_name,
    paymentSourceName: payment.payment_source_name,
    processingDate: payment.processing_date,
    postedDate: payment.posted_date,
    updatedAt: payment.updated_at,
  };
}

/** CompanyPaymentMethod → the payment method the payment planners match a payment's source with. */
export const toPaymentMethod = (method: ProcurifyCompanyPaymentMethod): PaymentMethod => ({
  id: method.id,
  name: method.name,
  glCode: method.gl_code,
});
