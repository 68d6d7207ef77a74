// The two soak sizes: the full run of `npm run soak` (thousands of operations, the fault rates of
// issue 7 §1, minutes) and the small one inside `npm test` (the same fault kinds, under a minute).
// Where a rate differs from the issue's, the comment says why.
import type { SoakOptions } from './run-soak.ts';

export function fullSoak(seed: number, operations: number): SoakOptions {
  return {
    seed,
    operations,
    pushShare: 0.6,
    operationIntervalMs: 60,
    faults: {
      netsuite429: 0.15,
      netsuite5xx: 0.05,
      // The issue asks 2%. A timed-out request is held until apsync's NetSuite client gives up, after
      // its fixed 60 s request timeout (no setting changes it): at 2% of ~20,000 requests that is hours
      // of held requests. 0.1% keeps real 60 s timeouts in the run; dropped connections (the same
      // outcome-unknown failure for the client, without the wait) make up the rest of the 2%.
      netsuiteTimeout: 0.001,
      netsuiteDrop: 0.019,
      procurify429: 0.1,
      lostNotice: 0.05,
      duplicateNotice: 0.2,
      crashAfterPaymentWrite: 0.01,
      procurifyAnswerLost: 0.01,
    },
    tokenExpiryEveryMs: 120_000,
    restarts: 3,
    company: { tradingVendors: 30, codingAccounts: 10, codingDepartments: 8 },
    scheduleRates: { netsuitePoll: 10, procurifyPoll: 3, paidBillPull: 5 },
    retryBaseSeconds: 1,
    workerConcurrency: 3,
    settleOperations: 40,
    quiesceTimeoutMs: 240_000,
  };
}

export function smallSoak(seed: number, operations = 200): SoakOptions {
  return {
    ...fullSoak(seed, operations),
    operationIntervalMs: 20,
    faults: {
      ...fullSoak(seed, operations).faults,
      // A held request costs the client's 60 s timeout, more than this whole test may take: the small
      // run has no timeouts; dropped connections stand for them (2%).
      netsuiteTimeout: 0,
      netsuiteDrop: 0.02,
      // A handful of payments: a higher share (the first write always crashes: soak-environment.ts).
      crashAfterPaymentWrite: 0.1,
      procurifyAnswerLost: 0.05,
    },
    tokenExpiryEveryMs: 4_000,
    restarts: 1,
    company: { tradingVendors: 6, codingAccounts: 4, codingDepartments: 3 },
    scheduleRates: { netsuitePoll: 3, procurifyPoll: 1, paidBillPull: 2 },
    settleOperations: 15,
    quiesceTimeoutMs: 150_000, // a drain deadline, not a wait: quiesce returns as soon as every queue and state settled
  };
}
