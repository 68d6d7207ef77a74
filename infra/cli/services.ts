// The AWS clients, the state store and the NetSuite/Procurify clients the CLI's commands use, built on
// first use for the chosen target (local endpoints or the operator's AWS account). The sync clients read
// their credentials from the target's Secrets Manager exactly as the functions do.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readSettings } from '../../shared/config/environment.ts';
import type { NetSuiteClient } from '../../shared/netsuite/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import {
  createNetSuiteClientSource,
  createSyncClientSource,
  type SyncClients,
} from '../../shared/sync-clients.ts';
import type { Target } from './target.ts';

export class CliServices {
  readonly target: Target;
  private cache = new Map<string, unknown>();

  constructor(target: Target) {
    this.target = target;
  }

  get dynamodb(): DynamoDBClient {
    return this.once('dynamodb', () => new DynamoDBClient(this.target.clientConfig('dynamodb')));
  }

  get sqs(): SQSClient {
    return this.once('sqs', () => new SQSClient(this.target.clientConfig('sqs')));
  }

  get secretsManager(): SecretsManagerClient {
    return this.once(
      'secretsManager',
      () => new SecretsManagerClient(this.target.clientConfig('secretsManager')),
    );
  }

  get lambda(): LambdaClient {
    return this.once('lambda', () => new LambdaClient(this.target.clientConfig('lambda')));
  }

  get state(): DynamoStateStore {
    return this.once('state', () => new DynamoStateStore(this.dynamodb, this.target.stateTable));
  }

  /** The functions' settings (readSettings), from the target's configuration. */
  async settings() {
    return readSettings(await this.target.settings());
  }

  async netsuite(): Promise<NetSuiteClient> {
    const settings = await this.settings();
    const source = this.once('netsuite', () =>
      createNetSuiteClientSource(this.secretsProvider(), {
        netsuiteSecret: this.target.secrets.netsuite,
        netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
        ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
      }),
    );
    return source();
  }

  async syncClients(): Promise<SyncClients> {
    const settings = await this.settings();
    const source = this.once('syncClients', () =>
      createSyncClientSource(this.secretsProvider(), {
        netsuiteSecret: this.target.secrets.netsuite,
        procurifySecret: this.target.secrets.procurify,
        netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
        ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
        ...(settings.procurifyBaseUrl === undefined ? {} : { procurifyBaseUrl: settings.procurifyBaseUrl }),
      }),
    );
    return source();
  }

  /** Closes the SDK clients' sockets so the process can exit at once. */
  destroy(): void {
    for (const value of this.cache.values()) {
      (value as { destroy?: () => void }).destroy?.();
    }
  }

  private secretsProvider(): SecretsProvider {
    return this.once('secretsProvider', () => new SecretsProvider({ awsSdkV3Client: this.secretsManager }));
  }

  private once<T>(key: string, build: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, build());
    return this.cache.get(key) as T;
  }
}
