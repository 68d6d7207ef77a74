// Names of the custom metrics that alarms watch (infra/cdk/monitoring.ts) and the functions emit
// (Powertools metrics, dimension `service` = function name): one name in one place, so an alarm cannot
// watch a metric no function emits. Free of Powertools imports: the CDK app reads it.

/** Seconds a poller is behind (netsuite-poll, procurify-poll); alarmed at three missed runs. */
export const syncLagMetricName = 'SyncLagSeconds';

/** Discrepancies a reconcile run found and did not repair (reconcile); alarmed when above 0. */
export const reconcileOpenMetricName = 'ReconcileOpenDiscrepancies';
