// The state store contract (test/support/in-memory/state-store-contract.ts) against the DynamoDB adapter
// over the DynamoDB emulator: the same assertions the in-memory store passes in the usecase project.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { ManualClock } from '../support/in-memory/clock.ts';
import { stateStoreContract } from '../support/in-memory/state-store-contract.ts';

let aws: AwsEmulators;
let store: DynamoStateStore;
const clock = new ManualClock();

beforeAll(async () => {
  aws = await startAwsEmulators();
  store = new DynamoStateStore(
    new DynamoDBClient(aws.clientConfig('dynamodb')),
    aws.names.tables.state,
    clock.now,
  );
});
afterAll(async () => aws?.stop());

stateStoreContract('DynamoDB', () => ({ store, clock }));
