// Names of the custom metrics that alarms watch (infra/cdk/monitoring.ts) and the functions emit
// (Powertools metrics, dimension `service` = function name): one name in one place, so an alarm cannot
// watch a metric no function emits. Free of Powertools imports: the CDK app reads it.

/** Seconds a poller is behind (netsuite-poll, procurify-poll); alarmed at three missed runs. */
export const syncLagMetricName = 'SyncLagSeconds';

/** Discrepancies a reconcile run found and did not repair (reconcile); alarmed when above 0. */
export const reconcileOpenMetricName = 'ReconcileOpenDiscrepancies';

/**
 * Data failures: a record that ended in a state a person must act on (review or failed with a data
 * error), counted by the function that recorded it, one metric per kind; each is alarmed at 1 an hour.
 * Transient failures are not counted here (they retry, then reach a dead-letter queue and its alarm).
 */
export const dataFailureMetrics = {
  /** A Procurify payment the push refused or failed for good (payment-push-worker). */
  paymentsFailed: { metricName: 'PaymentsFailed', service: 'payment-push-worker' },
  /** A bill parked for review or failed with a data error (bill-sync-worker). */
  billsParked: { metricName: 'BillsParked', service: 'bill-sync-worker' },
  /** A bill the paid-bill pull could not mark paid in Procurify this run (paid-bill-pull). */
  marksFailed: { metricName: 'PaidBillMarksFailed', service: 'paid-bill-pull' },
  /** A vendor, account or department parked for review or failed with a data error (inbound-worker). */
  recordsInReview: { metricName: 'RecordsInReview', service: 'inbound-worker' },
} as const;

export type DataFailureKind = keyof typeof dataFailureMetrics;
