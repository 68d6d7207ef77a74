// The NetSuite read of the initial load (push mode): which Vendor Payments already apply money to
// given Vendor Bills, and every application of those Vendor Payments, from SuiteQL's bill → payment
// links (`nexttransactionlinelink`: previousdoc the bill, nextdoc the payment, foreignamount the amount
// in the transaction currency; infra/sandboxes/netsuite/suiteql-mirror.ts plays the same table). Voided
// Vendor Payments do not count. The port it implements: VendorPaymentApplicationReads (ports.ts).
import * as z from 'zod';
import { toCents } from '../money/money.ts';
import type { SuiteQl } from '../netsuite/index.ts';
import type { VendorPaymentApplication } from './match-vendor-payment.ts';
import type { VendorPaymentApplicationReads } from './ports.ts';

/** NetSuite refuses IN lists of more than 1000 values. */
const inListLimit = 1000;

const applicationRowSchema = z.object({
  bill: z.string(),
  payment: z.string(),
  amount: z.string().optional(),
});

async function readApplications(
  suiteQl: SuiteQl,
  column: 'l.previousdoc' | 'l.nextdoc',
  ids: readonly string[],
): Promise<VendorPaymentApplication[]> {
  const applications: VendorPaymentApplication[] = [];
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += inListLimit) {
    const part = unique.slice(start, start + inListLimit);
    const rows = suiteQl.query(
      'SELECT l.previousdoc AS bill, l.nextdoc AS payment, l.foreignamount AS amount ' +
        'FROM nexttransactionlinelink l JOIN transaction p ON p.id = l.nextdoc ' +
        "WHERE p.type = 'VendPymt' AND p.voided = 'F' " +
        `AND ${column} IN (${part.map(() => '?').join(', ')})`,
      part,
      applicationRowSchema,
    );
    for await (const row of rows) {
      // The sign of a link's amount is not the point (the amount applied is): compare magnitudes.
      const cents = Math.abs(toCents(row.amount ?? '0') ?? 0);
      applications.push({ vendorPaymentId: row.payment, netsuiteBillId: row.bill, cents });
    }
  }
  return applications;
}

/**
 * Every application of every Vendor Payment that applies money to one of `billIds`, including its
 * applications to other bills (a Vendor Payment matches a Procurify payment only as a whole).
 */
export async function readVendorPaymentApplications(
  suiteQl: SuiteQl,
  billIds: readonly string[],
): Promise<VendorPaymentApplication[]> {
  if (billIds.length === 0) return [];
  const touching = await readApplications(suiteQl, 'l.previousdoc', billIds);
  const payments = [...new Set(touching.map((application) => application.vendorPaymentId))];
  if (payments.length === 0) return [];
  return readApplications(suiteQl, 'l.nextdoc', payments);
}

/** The initial load's reads of what NetSuite already applies to bills (VendorPaymentApplicationReads) through SuiteQL. */
export function createNetSuiteVendorPaymentApplications(suiteQl: SuiteQl): VendorPaymentApplicationReads {
  return { applicationsTouching: (billIds) => readVendorPaymentApplications(suiteQl, billIds) };
}
