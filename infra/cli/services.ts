// The AWS clients, the state store and the NetSuite/Procurify clients the CLI's commands use, built on
// first use for the chosen target (local endpoints or the operator's AWS account). The sync clients are
// built by the functions' own wiring (shared/config/runtime-parts.ts) from the target's secrets and the
// settings its functions run with, so a setting that reaches the functions reaches the CLI too.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readSettings } from '../../shared/config/environment.ts';
import { netSuiteClient, type RuntimeAws, syncClients } from '../../shared/config/runtime-parts.ts';
import type { NetSuiteClient } from '../../shared/netsuite/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import type { SyncClients } from '../../shared/sync-clients.ts';
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

  /** The NetSuite client, built from the target's secret and settings as the functions build theirs. */
  async netsuite(): Promise<NetSuiteClient> {
    const settings = await this.settings();
    return this.once('netsuite', () => netSuiteClient(this.target.secrets.netsuite, settings, this.aws))();
  }

  /** Both clients, built as the functions build theirs (shared/config/runtime-parts.ts). */
  async syncClients(): Promise<SyncClients> {
    const settings = await this.settings();
    const secrets = {
      netsuiteSecret: this.target.secrets.netsuite,
      procurifySecret: this.target.secrets.procurify,
    };
    return this.once('syncClients', () => syncClients(secrets, settings, this.aws))();
  }

  /** Closes the SDK clients' sockets so the process can exit at once. */
  destroy(): void {
    for (const value of this.cache.values()) {
      (value as { destroy?: () => void }).destroy?.();
    }
  }

  /** The target's SDK clients, for the parts the functions are built from. */
  private readonly aws: RuntimeAws = {
    dynamodb: () => this.dynamodb,
    sqs: () => this.sqs,
    secrets: () =>
      this.once('secretsProvider', () => new SecretsProvider({ awsSdkV3Client: this.secretsManager })),
  };

  private once<T>(key: string, build: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, build());
    return this.cache.get(key) as T;
  }
}
