// The soak run: the company set up and backfilled, then `operations` operations in push mode and,
// after a switch, in pull mode, while faults are injected (NetSuite 429/5xx/timeouts/dropped
// connections, Procurify 429s, tokens expiring, webhook notices lost or delivered twice, Procurify
// answers lost after the write, a worker dying right after its Vendor Payment write, apsync restarted
// on its data directory); then everything settles, the dead-letter queues are redriven once, drift only a
// reconcile can see is made at rest (a vendor deleted without a notice, a wrong link: operation-mix.ts
// `driftAtRest`), the final `apsync reconcile --fix` repairs what apsync owns (final-reconcile.ts), and
// the invariants are checked. Called by main.ts (`npm run soak`) and test/integration/soak-small.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { DlqListOutput } from '../../infra/cli/output-schemas.ts';
import { seededRandom } from '../../infra/sandboxes/faults.ts';
import type { ScheduleKey } from '../../shared/function-registry.ts';
import { changePaymentMode } from '../../shared/payment-mode.ts';
import { type FailureReason, readFailureReasons } from './failure-reasons.ts';
import { type FinalReconcile, finalReconcile } from './final-reconcile.ts';
import { checkInvariants, type SoakOutcomes } from './invariants.ts';
import { type NoticeDuplicateCounts, NoticeDuplicates } from './notice-duplicates.ts';
import { type OperationCounts, OperationMix, type Phase } from './operation-mix.ts';
import { describeWork, type QuiesceResult, quiesce, settleDeadLetters } from './quiesce.ts';
import { type CompanySize, setUpCompany } from './soak-company.ts';
import { type SoakEnvironment, startSoakEnvironment, type WorkerCounts } from './soak-environment.ts';

export interface SoakFaultRates {
  netsuite429: number;
  netsuite5xx: number;
  /** Requests held unanswered until the client's deadline (60 s in apsync's NetSuite client). */
  netsuiteTimeout: number;
  /** Connections closed without an answer. */
  netsuiteDrop: number;
  procurify429: number;
  lostNotice: number;
  duplicateNotice: number;
  /** Vendor Payment writes after which the worker dies before its bookkeeping. */
  crashAfterPaymentWrite: number;
  /** Procurify master-data writes whose answer is lost after the change (mark-as-paid: three times this). */
  procurifyAnswerLost: number;
}

export interface SoakOptions {
  seed: number;
  operations: number;
  /** Share of the operations run in push mode before the switch to pull. */
  pushShare: number;
  /** Pause between operations. */
  operationIntervalMs: number;
  faults: SoakFaultRates;
  tokenExpiryEveryMs: number;
  /** apsync is restarted on its data directory this many times, evenly spread. */
  restarts: number;
  company: CompanySize;
  scheduleRates: Partial<Record<ScheduleKey, number>>;
  retryBaseSeconds: number;
  workerConcurrency: number;
  settleOperations: number;
  quiesceTimeoutMs: number;
  log?: (line: string) => void;
  /** Called with the environment after the checks, before it closes (diagnostics). */
  inspect?: (env: SoakEnvironment) => Promise<void> | void;
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log' | 'inspect'>;
  wallMs: number;
  phases: { setupMs: number; operationsMs: number; settleMs: number; reconcileMs: number; checkMs: number };
  operations: OperationCounts;
  faults: {
    netsuite: {
      requests: number;
      /** Requests while the faults were on (the denominator of the rates). */
      requestsUnderFaults: number;
      /** Notices the sandbox could not deliver (apsync was down, restarting). */
      noticesNotDelivered: number;
      injected429: number;
      governance429: number;
      injected5xx: number;
      timeouts: number;
      dropped: number;
      unauthorized: number;
    };
    procurify: {
      requests: number;
      requestsUnderFaults: number;
      injected429: number;
      unauthorized: number;
      answersLost: number;
    };
    tokenExpiries: number;
    noticesLost: number;
    duplicates: NoticeDuplicateCounts;
    paymentCrashes: { writes: number; crashed: number };
    procurifyAnswersLostArmed: number;
    restarts: number;
  };
  workers: Record<string, WorkerCounts>;
  /** The failure log grouped by reason (every message that failed at least once). */
  failureReasons: FailureReason[];
  workerErrors: number;
  modeSwitch: { atOperation: number; paymentsDrained: boolean };
  settle: { first: QuiesceResult; afterRedrive: QuiesceResult };
  deadLetters: { beforeRedrive: DlqListOutput['messages']; afterRedrive: DlqListOutput['messages'] };
  /** The final reconcile: discrepancies by kind, repaired, reported, explained, unexplained. */
  reconcile: FinalReconcile;
  outcomes: SoakOutcomes;
  /** Findings that fail the run (everything but known gaps). */
  failures: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const directory = await mkdtemp(join(tmpdir(), 'apsync-soak-'));
  const env = await startSoakEnvironment({
    seed: options.seed,
    dataDir: join(directory, 'aws'),
    scheduleRates: options.scheduleRates,
    retryBaseSeconds: options.retryBaseSeconds,
    workerConcurrency: options.workerConcurrency,
    paymentCrashRate: options.faults.crashAfterPaymentWrite,
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    log(`setting up the company (seed ${options.seed})`);
    const company = await setUpCompany(env, options.company);
    const setupMs = Date.now() - started;
    log(`company ready in ${(setupMs / 1000).toFixed(1)} s: ${company.masters.size} master records linked`);

    const duplicates = new NoticeDuplicates(env.netsuite, () => {
      try {
        const stack = env.stack();
        return { url: stack.webhookUrl, secret: stack.webhookSecret };
      } catch {
        return undefined;
      }
    });
    const mix = new OperationMix(
      env,
      company,
      seededRandom(options.seed),
      duplicates,
      {
        lostNoticeRate: options.faults.lostNotice,
        duplicateNoticeRate: options.faults.duplicateNotice,
        procurifyLostAnswerRate: options.faults.procurifyAnswerLost,
        settleOperations: options.settleOperations,
      },
      // What makes bills real (currency, tax, shipping, costs, files) has its own sequence.
      seededRandom(options.seed ^ 0xb111),
    );
    let pumping = false;
    timers.push(
      setInterval(() => {
        if (pumping) return;
        pumping = true;
        void duplicates.pump().finally(() => {
          pumping = false;
        });
      }, 200),
    );
    let tokenExpiries = 0;
    timers.push(
      setInterval(() => {
        env.netsuite.expireAllTokens();
        env.procurify.expireAllTokens();
        tokenExpiries += 1;
      }, options.tokenExpiryEveryMs),
    );
    const faultsOn = () => {
      env.netsuite.faults.set('*', {
        rate429: options.faults.netsuite429,
        rate500: options.faults.netsuite5xx,
        rateTimeout: options.faults.netsuiteTimeout,
        rateDrop: options.faults.netsuiteDrop,
      });
      env.procurify.faults.set('*', { rate429: options.faults.procurify429 });
    };
    faultsOn();
    const requestsAtFaultsOn = {
      netsuite: env.netsuite.stats().requests,
      procurify: env.procurify.stats().requests,
    };

    const operationsStarted = Date.now();
    const pushOperations = Math.round(options.operations * options.pushShare);
    const restartAt = new Set(
      Array.from({ length: options.restarts }, (_, n) =>
        Math.round(((n + 1) * options.operations) / (options.restarts + 1)),
      ),
    );
    const modeSwitch = { atOperation: pushOperations, paymentsDrained: true };
    for (let index = 0; index < options.operations; index++) {
      if (index === pushOperations) {
        const paid = await mix.surelyPaid('push', Date.now() + options.quiesceTimeoutMs);
        if (paid !== undefined) log(`operation ${index}: ${paid}`);
        // Payments recorded in push mode are pushed before the switch ("switching affects only new
        // activity", shared/payment-mode.ts); a payment still queued at the switch would be skipped.
        await env.stack().scheduler.runNow('procurifyPoll');
        modeSwitch.paymentsDrained = await paymentsDrained(env, Date.now() + options.quiesceTimeoutMs);
        await changePaymentMode(env.state(), 'pull', 'soak');
        company.pullFrom = index;
        log(`operation ${index}: payment mode is now pull`);
      }
      if (restartAt.has(index)) {
        log(`operation ${index}: restarting apsync on its data directory`);
        await env.restart();
      }
      const phase: Phase = index < pushOperations ? 'push' : 'pull';
      await mix.perform(index, phase);
      if ((index + 1) % Math.max(1, Math.round(options.operations / 10)) === 0) {
        const netsuite = env.netsuite.stats();
        log(
          `${index + 1}/${options.operations} operations (${((Date.now() - operationsStarted) / 1000).toFixed(0)} s); ` +
            `NetSuite in flight ${netsuite.inFlight}, governance 429s ${netsuite.governance429}; ${await describeWork(env)}`,
        );
      }
      if (options.operationIntervalMs > 0) await sleep(options.operationIntervalMs);
    }
    const lastPhase: Phase = options.operations > pushOperations ? 'pull' : 'push';
    const paid = await mix.surelyPaid(lastPhase, Date.now() + options.quiesceTimeoutMs);
    if (paid !== undefined) log(`end of the operations: ${paid}`);
    const operationsMs = Date.now() - operationsStarted;

    // Quiet: faults off, the last duplicates posted, every flow run until nothing changes.
    for (const timer of timers.splice(0)) clearInterval(timer);
    env.netsuite.faults.clear();
    env.procurify.faults.clear();
    const requestsUnderFaults = {
      netsuite: env.netsuite.stats().requests - requestsAtFaultsOn.netsuite,
      procurify: env.procurify.stats().requests - requestsAtFaultsOn.procurify,
    };
    const settleStarted = Date.now();
    for (let waited = 0; duplicates.pending() > 0 && waited < 40_000; waited += 200) {
      await duplicates.pump();
      await sleep(200);
    }
    log('operations done; settling');
    const first = await quiesce(env, options.quiesceTimeoutMs);
    log(`settled in ${(first.ms / 1000).toFixed(1)} s (${first.rounds} rounds); dead-letter queues next`);
    const deadLetters = await settleDeadLetters(env, directory, options.quiesceTimeoutMs);
    const settleMs = Date.now() - settleStarted;

    const drift = await mix.driftAtRest();
    log(`drift at rest: ${drift.join('; ') || 'none'}`);
    const reconcileStarted = Date.now();
    log('reconciling (--fix), settling its repairs, reconciling again');
    const reconciled = await finalReconcile(env, company, directory, options.quiesceTimeoutMs);
    const reconcileMs = Date.now() - reconcileStarted;

    const checkStarted = Date.now();
    const outcomes = await checkInvariants(
      env,
      company,
      deadLetters.afterRedrive,
      new Set(reconciled.deletedFound),
    );
    const checkMs = Date.now() - checkStarted;

    const netsuiteLog = env.netsuite.requestLog();
    const netsuiteStats = env.netsuite.stats();
    const procurifyStats = env.procurify.stats();
    const report: SoakReport = {
      options: withoutLog(options),
      wallMs: Date.now() - started,
      phases: { setupMs, operationsMs, settleMs, reconcileMs, checkMs },
      operations: mix.counts,
      faults: {
        netsuite: {
          requests: netsuiteStats.requests,
          requestsUnderFaults: requestsUnderFaults.netsuite,
          noticesNotDelivered: netsuiteStats.noticesFailed,
          injected429: netsuiteStats.injected429,
          governance429: netsuiteStats.governance429,
          injected5xx: netsuiteStats.injected500,
          timeouts: netsuiteLog.filter((entry) => entry.fault === 'timeout').length,
          dropped: netsuiteLog.filter((entry) => entry.fault === 'drop').length,
          unauthorized: netsuiteLog.filter((entry) => entry.status === 401).length,
        },
        procurify: {
          requests: procurifyStats.requests,
          requestsUnderFaults: requestsUnderFaults.procurify,
          injected429: procurifyStats.faults['429'],
          unauthorized: procurifyStats.unauthorized,
          answersLost: procurifyStats.lostConnections,
        },
        tokenExpiries,
        noticesLost: mix.counts.lostNotices,
        duplicates: duplicates.counts,
        paymentCrashes: env.paymentCrashes(),
        procurifyAnswersLostArmed: mix.counts.procurifyAnswersLostArmed,
        restarts: env.restarts(),
      },
      workers: env.workerCounts(),
      failureReasons: await readFailureReasons(env),
      workerErrors: env.workerErrors().length,
      modeSwitch,
      settle: { first, afterRedrive: deadLetters.quiesce },
      deadLetters: { beforeRedrive: deadLetters.beforeRedrive, afterRedrive: deadLetters.afterRedrive },
      reconcile: reconciled,
      outcomes,
      failures:
        outcomes.findings.length +
        reconciled.unexplained.length +
        reconciled.gaps.length +
        (first.settled && deadLetters.quiesce.settled && reconciled.settle.settled ? 0 : 1) +
        duplicates.counts.acceptedAgain,
    };
    await options.inspect?.(env);
    return report;
  } finally {
    for (const timer of timers) clearInterval(timer);
    await env.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Waits until the payment queue is empty and no payment is being pushed. */
async function paymentsDrained(env: SoakEnvironment, deadline: number): Promise<boolean> {
  for (;;) {
    const stack = env.stack();
    const answer = await env.sqs().send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.aws.queueUrls.payment,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const waiting = Object.values(answer.Attributes ?? {}).reduce((sum, value) => sum + Number(value), 0);
    if (waiting + (stack.eventSources['payment-push-worker']?.stats().inFlight ?? 0) === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

function withoutLog(options: SoakOptions): Omit<SoakOptions, 'log' | 'inspect'> {
  const { log: _log, inspect: _inspect, ...rest } = options;
  return rest;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
