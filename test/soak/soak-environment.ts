// Where the soak runs: the NetSuite and Procurify sandboxes (owned here, so they outlive apsync's
// restarts, as real services would) and apsync's local stack on a data directory, started with those
// sandboxes as its "real services" and restarted on the same directory mid-run (a process crash and
// restart). The payment-push worker runs with its own `afterNetSuiteWrite` seam, which kills the
// invocation right after a Vendor Payment write in a seeded share of writes. Used by run-soak.ts.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composePaymentPushWorker } from '../../functions/payment-push-worker/compose.ts';
import { createPaymentPushWorkerHandler } from '../../functions/payment-push-worker/handler.ts';
import type { LocalFunctions } from '../../infra/local/functions.ts';
import {
  storeNetSuiteSandboxSecret,
  storeProcurifySandboxSecret,
} from '../../infra/local/sandbox-secrets.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { seededRandom } from '../../infra/sandboxes/faults.ts';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import { type ProcurifySandbox, startProcurifySandbox } from '../../infra/sandboxes/procurify/index.ts';
import { BugError } from '../../shared/errors.ts';
import type { ScheduleKey } from '../../shared/function-registry.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

export interface SoakEnvironmentOptions {
  seed: number;
  /** apsync's data directory (the AWS emulators' files); restarts reopen it. */
  dataDir: string;
  scheduleRates: Partial<Record<ScheduleKey, number>>;
  /** First retry delay of a failed message (APSYNC_RETRY_BASE_SECONDS). */
  retryBaseSeconds: number;
  workerConcurrency: number;
  /** Share of Vendor Payment writes after which the worker dies before its bookkeeping. */
  paymentCrashRate: number;
}

export interface WorkerCounts {
  invocations: number;
  records: number;
  failures: number;
}

export interface SoakEnvironment {
  readonly netsuite: NetSuiteSandbox;
  readonly procurify: ProcurifySandbox;
  /** The running stack (a new one after each restart). */
  stack(): LocalStack;
  /** The state table of the running stack (its endpoint changes on restart). */
  state(): DynamoStateStore;
  sqs(): SQSClient;
  /** Stops apsync (in-flight invocations end, queued work stays) and starts it again on the same data. */
  restart(): Promise<void>;
  restarts(): number;
  /** Invocations, records and failed records per worker, summed over every start. */
  workerCounts(): Record<string, WorkerCounts>;
  /** Errors the workers and schedules reported (thrown handlers, failed runs, SQS trouble). */
  workerErrors(): string[];
  paymentCrashes(): { writes: number; crashed: number };
  /** Stops apsync, then the sandboxes. */
  close(): Promise<void>;
}

export async function startSoakEnvironment(options: SoakEnvironmentOptions): Promise<SoakEnvironment> {
  const [netsuite, procurify] = await Promise.all([
    startNetSuiteSandbox({ seed: options.seed, concurrencyLimit: 5 }),
    startProcurifySandbox({ seed: options.seed, demo: false }),
  ]);
  const counts: Record<string, WorkerCounts> = {};
  const errors: string[] = [];
  const crashRandom = seededRandom(options.seed ^ 0x5eed);
  const crashes = { writes: 0, crashed: 0 };
  let restarts = 0;
  let current: Running | undefined;

  interface Running {
    stack: LocalStack;
    state: DynamoStateStore;
    sqs: SQSClient;
  }

  const onWorkerError = (error: unknown) => {
    if (errors.length < 200)
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };

  // The payment-push worker with the same handler factory and composition root as local mode's, plus
  // the worker's own crash seam. It must be in place when the stack starts its event sources: stopping
  // the stack's source afterwards could cut off a receive the emulator already answered, leaving those
  // messages invisible for the queue's whole visibility timeout (6 minutes).
  const crashingPaymentWorker: LocalFunctions['payment-push-worker'] = {
    kind: 'queue',
    create: (env) => {
      const base = composePaymentPushWorker(env);
      return createPaymentPushWorkerHandler({
        ...base,
        push: async () => ({
          ...(await base.push()),
          afterNetSuiteWrite: (vendorPaymentId: string) => {
            crashes.writes += 1;
            // The first write always dies (when crashes are on at all), then the seeded share: how many
            // payments a run makes depends on timing (a bill is paid only once synced), and a busy
            // machine may make only one or two, so a share alone could leave a run without the fault.
            const draw = crashRandom();
            const dies =
              options.paymentCrashRate > 0 && (crashes.crashed === 0 || draw < options.paymentCrashRate);
            if (dies) {
              crashes.crashed += 1;
              throw new BugError(
                `soak: the worker died right after writing Vendor Payment ${vendorPaymentId} (before its bookkeeping)`,
              );
            }
          },
        }),
      });
    },
  };

  const start = async (): Promise<Running> => {
    // The crashing payment worker runs in place of the registry's.
    const stack = await startLocalStack({
      dataDir: options.dataDir,
      realServices: { netsuite: true, procurify: true },
      settings: { retryBaseSeconds: String(options.retryBaseSeconds) },
      scheduleRates: options.scheduleRates,
      workerConcurrency: options.workerConcurrency,
      pollWaitSeconds: 1,
      onWorkerError,
      functions: { 'payment-push-worker': crashingPaymentWorker },
    });
    const secrets = new SecretsManagerClient(stack.aws.clientConfig('secretsManager'));
    await storeNetSuiteSandboxSecret(secrets, stack.aws.names.secrets.netsuite, netsuite);
    await storeProcurifySandboxSecret(secrets, stack.aws.names.secrets.procurify, procurify);
    secrets.destroy();
    netsuite.setConfig({ webhook: { url: stack.webhookUrl, secret: stack.webhookSecret } });
    const state = new DynamoStateStore(
      new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
      stack.aws.names.tables.state,
    );
    return { stack, state, sqs: new SQSClient(stack.aws.clientConfig('sqs')) };
  };

  const stopCurrent = async () => {
    const running = current;
    if (running === undefined) return;
    current = undefined;
    addWorkerCounts(counts, running.stack);
    await running.stack.stop();
    running.sqs.destroy();
  };

  current = await start();
  const running = (): Running => {
    if (current === undefined) throw new Error('soak: apsync is not running');
    return current;
  };

  return {
    netsuite,
    procurify,
    stack: () => running().stack,
    state: () => running().state,
    sqs: () => running().sqs,
    restart: async () => {
      await stopCurrent();
      restarts += 1;
      current = await start();
    },
    restarts: () => restarts,
    workerCounts: () => {
      const result: Record<string, WorkerCounts> = structuredClone(counts);
      if (current !== undefined) addWorkerCounts(result, current.stack);
      return result;
    },
    workerErrors: () => [...errors],
    paymentCrashes: () => ({ ...crashes }),
    close: async () => {
      await stopCurrent();
      await Promise.allSettled([netsuite.close(), procurify.close()]);
    },
  };
}

/** Adds a stack's event-source counters to the totals. */
function addWorkerCounts(into: Record<string, WorkerCounts>, stack: LocalStack): void {
  for (const [name, source] of Object.entries(stack.eventSources)) {
    const stats = source.stats();
    const total = into[name] ?? { invocations: 0, records: 0, failures: 0 };
    total.invocations += stats.invocations;
    total.records += stats.records;
    total.failures += stats.failures;
    into[name] = total;
  }
}
