// The deep check of one bill whose NetSuite total differs from Procurify's: the bill's current detail (one
// GET) and the decision the bill-sync worker would take now (decide-bill.ts, the same one `apsync preview`
// renders), reduced to its total and content hash. Reads only; nothing is written.
import { type BillDecision, type BillLookups, decideBill } from '../bills/index.ts';
import { classOf } from '../errors.ts';
import type { ProcurifyBills } from '../procurify/ports.ts';
import type { ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import type { BillPlanCheck, BillPlans } from './ports.ts';

export interface BillPlanDependencies {
  procurify: Pick<ProcurifyBills, 'getBill'>;
  state: Pick<LinkStore, 'findBySource'> & Pick<SyncStateStore, 'getState'> & Pick<ConfigStore, 'getConfig'>;
  lookups: BillLookups;
}

export function createBillPlans(deps: BillPlanDependencies): BillPlans {
  return {
    async planOf(billUuid: string): Promise<BillPlanCheck> {
      let decision: BillDecision;
      try {
        const bill = await deps.procurify.getBill(billUuid);
        decision = await decideBill(bill, { state: deps.state, lookups: deps.lookups });
      } catch (error) {
        // A data error (an unlinked vendor, amounts that do not add up) means no plan, said as is.
        if (classOf(error) === 'data') return { kind: 'no-plan', reason: (error as Error).message };
        throw error;
      }
      if (decision.kind !== 'write') return { kind: 'no-plan', reason: decision.message };
      return {
        kind: 'plan',
        total: decision.plan.totals.total,
        currency: decision.plan.totals.currency,
        hash: decision.plan.hash,
      };
    },
  };
}
