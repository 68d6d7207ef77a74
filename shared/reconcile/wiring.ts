// Builds reconciliation's dependencies from the parts every runner has (the NetSuite and Procurify
// clients, the state store and its DynamoDB client, the queues, the settings): shared by `apsync
// reconcile` and the reconcile function's composition root, so both run the same adapters.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { CurrencyCache, createNetSuiteBillLookups } from '../bills/index.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import type { MasterDataScope } from '../master-data/map-master-data.ts';
import { createProcurifyLookups } from '../master-data/procurify-lookups.ts';
import type { NetSuiteClient } from '../netsuite/index.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import { createNetSuitePaidBillReads } from '../payments/netsuite-payment-facts.ts';
import type { ProcurifyClient } from '../procurify/ports.ts';
import type { AuditTrail, ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import { createBillPlans } from './bill-plans.ts';
import { createNetSuiteBulkReads } from './netsuite-reads.ts';
import { createProcurifyBulkReads } from './procurify-reads.ts';
import type { ReconcileDependencies } from './reconcile.ts';
import { createReconcileRepairs, createReconcileReportStore } from './repairs.ts';
import { DynamoStateSnapshot } from './state-reads.ts';

export interface ReconcileParts {
  netsuite: NetSuiteClient;
  procurify: ProcurifyClient;
  state: LinkStore & SyncStateStore & AuditTrail & ConfigStore;
  dynamodb: DynamoDBClient;
  stateTable: string;
  queues: {
    inbound: QueuePublisher<InboundMessage>;
    bills: QueuePublisher<BillMessage>;
    payments: QueuePublisher<PaymentMessage>;
  };
  settings: {
    netsuiteTimeZone: string;
    subsidiaryIds?: readonly string[] | undefined;
    vendorSyncFlagField?: string | undefined;
    departmentLocationId?: number | undefined;
    /** NetSuite subsidiary id → Procurify location of its departments (as the inbound worker maps them). */
    departmentLocations?: Readonly<Record<string, number>> | undefined;
  };
  defaultPaymentMode: PaymentMode;
}

export function reconcileDependencies(parts: ReconcileParts): ReconcileDependencies {
  const { netsuite, procurify, state, settings } = parts;
  const scope: MasterDataScope = {
    ...(settings.subsidiaryIds === undefined ? {} : { subsidiaryIds: settings.subsidiaryIds }),
    ...(settings.vendorSyncFlagField === undefined
      ? {}
      : { vendorSyncFlagField: settings.vendorSyncFlagField }),
  };
  return {
    netsuite: createNetSuiteBulkReads(netsuite.suiteQl, {
      timeZone: settings.netsuiteTimeZone,
      ...(settings.vendorSyncFlagField === undefined
        ? {}
        : { vendorSyncFlagField: settings.vendorSyncFlagField }),
    }),
    procurify: createProcurifyBulkReads(procurify),
    state: new DynamoStateSnapshot(parts.dynamodb, parts.stateTable),
    plans: createBillPlans({
      procurify,
      state,
      lookups: createNetSuiteBillLookups(netsuite.suiteQl, new CurrencyCache()),
    }),
    repairs: createReconcileRepairs({
      ...parts.queues,
      state,
      paidBills: async () => createNetSuitePaidBillReads(netsuite.suiteQl),
      procurify: async () => procurify,
    }),
    reports: createReconcileReportStore(state),
    paymentMode: async () => (await readPaymentMode(state, parts.defaultPaymentMode)).mode,
    scope,
    lookups: createProcurifyLookups(async () => procurify, {
      defaultId: settings.departmentLocationId,
      ...(settings.departmentLocations === undefined ? {} : { bySubsidiary: settings.departmentLocations }),
    }),
    requestCounts: () => ({ netsuite: netsuite.stats().requests }),
  };
}
