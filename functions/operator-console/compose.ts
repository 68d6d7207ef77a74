// Composition root of operator-console: the state table, the queues and their dead-letter queues, the
// NetSuite and Procurify clients of the record page's preview, and the Cognito user pool it signs users
// in with, all from the environment, once per container. Settings change here as in the CLI
// (settings-change.ts), with the same clients. The clients' code (and the preview's NetSuite reads) is
// loaded when a record page or a settings change first asks for them, not at init: most requests (the
// overview, the failures, the actions) never do.
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import { stateStore } from '../../shared/config/state-store-part.ts';
import { createCognitoAuth } from '../../shared/console/cognito-auth.ts';
import { consoleEnvironmentNames } from '../../shared/console/environment.ts';
import { operatorConsoleDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import type { TransactionPreviewReads } from '../../shared/preview/ports.ts';
import { withInitialBillSettings } from '../../shared/settings/settings-store.ts';
import type { SyncClients } from '../../shared/sync-clients.ts';
import type { OperatorConsoleDependencies } from './handler.ts';
import { consoleSettingsChange } from './settings-change.ts';

/** A client source whose code is imported on its first call, then kept (a failed import is tried again). */
function loadedOnFirstUse<T>(load: () => Promise<() => Promise<T>>): () => Promise<T> {
  let source: Promise<() => Promise<T>> | undefined;
  return async () => {
    source ??= load().catch((error: unknown) => {
      source = undefined;
      throw error;
    });
    return (await source)();
  };
}

export function composeOperatorConsole(env: Environment): OperatorConsoleDependencies {
  const config = readFunctionEnvironment(env, operatorConsoleDefinition);
  const settings = readSettings(env);
  const value = (key: keyof typeof consoleEnvironmentNames): string => {
    const found = env[consoleEnvironmentNames[key]];
    if (found === undefined || found === '') {
      throw new Error(`apsync configuration: missing environment variable ${consoleEnvironmentNames[key]}`);
    }
    return found;
  };
  const basePath = env[consoleEnvironmentNames.basePath] ?? '/console/';
  const sqs = new SQSClient({});
  const consoleUrl = env[consoleEnvironmentNames.consoleUrl];
  const state = stateStore(config.stateTable, settings);
  const defaultPaymentMode = readDefaultPaymentMode(env);
  const clients = loadedOnFirstUse<SyncClients>(async () =>
    (await import('../../shared/config/runtime-parts.ts')).syncClients(config, settings),
  );
  const transactionReads = loadedOnFirstUse<TransactionPreviewReads>(async () =>
    (await import('../../shared/preview/netsuite-transaction-reads.ts')).netSuiteTransactionReads(clients),
  );
  return {
    basePath,
    settings: consoleSettingsChange({
      state,
      sqs,
      deployment: { defaultPaymentMode, settings },
      syncClients: clients,
      queueUrls: { inbound: config.inboundQueueUrl, bill: config.billQueueUrl },
      netsuiteTimeZone: settings.netsuiteTimeZone,
    }),
    data: {
      state,
      sqs,
      queues: {
        inbound: { url: config.inboundQueueUrl, deadLetterQueueUrl: value('inboundDeadLetterQueueUrl') },
        bill: { url: config.billQueueUrl, deadLetterQueueUrl: value('billDeadLetterQueueUrl') },
        payment: { url: config.paymentQueueUrl, deadLetterQueueUrl: value('paymentDeadLetterQueueUrl') },
      },
      defaultPaymentMode,
      alarms: {
        kind: 'cloudwatch',
        region: env.AWS_REGION ?? 'us-east-1',
        prefix: env.POWERTOOLS_METRICS_NAMESPACE ?? 'apsync',
      },
      // The record page's preview of the next write: the workers' own reading of both systems.
      preview: {
        // The bill settings over cdk.json's initial ones, as the bill-sync worker reads them.
        state: withInitialBillSettings(state, settings.initialSettings),
        settings: async () => settings,
        syncClients: clients,
        transactionReads,
        defaultPaymentMode,
      },
    },
    auth: createCognitoAuth({
      issuer: value('cognitoIssuer'),
      domainUrl: value('cognitoDomainUrl'),
      clientId: value('cognitoClientId'),
      basePath,
      ...(consoleUrl === undefined || consoleUrl === '' ? {} : { consoleUrl }),
    }),
    // CSRF tokens are bound to a hash of the user's ID token, which only their browser holds: the key
    // itself need not be secret, and every container must agree on it.
    csrfSecret: Buffer.from(`apsync-console:${value('cognitoClientId')}`),
    label: `stack ${env.APSYNC_STACK_LABEL ?? 'apsync'}`,
  };
}
