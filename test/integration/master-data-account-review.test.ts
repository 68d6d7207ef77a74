// A GL account made inactive (or deleted) in NetSuite, on one machine: Procurify's API cannot change an
// account code's `active` (neither of its account code request schemas has it), so apsync writes the
// code without it and puts "deactivate account code X in Procurify" on the review list (what `apsync
// review list` reads); once a Procurify user has done it, the next sync of the account is clean again.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let state: DynamoStateStore;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  stack.procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
});

afterAll(async () => stack?.stop());

const accountRef = (id: string) => ({ system: 'netsuite', kind: 'account', id }) as const;
const accountCode = (code: string) =>
  [...stack.procurify.store.accountCodes.values()].find((candidate) => candidate.code === code);
/** Account-code writes apsync sent, with their bodies' field names. */
const accountCodeWrites = () =>
  stack.procurify
    .requestLog()
    .filter((entry) => entry.method !== 'GET' && entry.path.includes('account-codes'));

/** The account's outcomes so far, to wait for the next one. */
const outcomes = async (id: string) => (await state.read(accountRef(id))).length;

describe('an account code Procurify cannot deactivate', () => {
  it('puts "deactivate account code X in Procurify" on the review list, and clears once a user did it', async () => {
    const id = stack.netsuite.userCreate('account', {
      acctNumber: '6300',
      acctName: 'Travel',
      acctType: 'Expense',
    }).id;
    expect(await settledState(stack, state, accountRef(id))).toMatchObject({ status: 'synced' });
    expect(accountCode('6300')).toMatchObject({ active: true });

    let before = await outcomes(id);
    stack.netsuite.userUpdate('account', id, { isInactive: true });
    const parked = await settledState(stack, state, accountRef(id), {
      after: before,
      where: (entry) => entry.step === 'review',
    });
    expect(parked).toMatchObject({
      status: 'review',
      message: expect.stringMatching(
        new RegExp(`^deactivate account code 6300 in Procurify: NetSuite account ${id} is inactive`),
      ),
    });
    expect(accountCode('6300')?.active).toBe(true);
    expect((await state.listByStatus('account', 'review')).map((entry) => entry.ref.id)).toContain(id);

    // A Procurify user deactivates it in the web app; the next look at the account is clean.
    stack.procurify.setAccountCodeActive(accountCode('6300')!.id, false);
    before = await outcomes(id);
    stack.netsuite.userUpdate('account', id, { acctName: 'Travel and Meals' });
    const clean = await settledState(stack, state, accountRef(id), { after: before });
    expect(clean).toMatchObject({ status: 'synced' });
    expect(accountCode('6300')).toMatchObject({ active: false, description: 'Travel and Meals' });
    expect((await state.listByStatus('account', 'review')).map((entry) => entry.ref.id)).not.toContain(id);
    expect(accountCodeWrites().length).toBeGreaterThan(0);
  });

  it('asks for the deactivation by hand when the account is deleted in NetSuite', async () => {
    const id = stack.netsuite.userCreate('account', {
      acctNumber: '6310',
      acctName: 'Conferences',
      acctType: 'Expense',
    }).id;
    expect(await settledState(stack, state, accountRef(id))).toMatchObject({ status: 'synced' });
    const before = await outcomes(id);
    stack.netsuite.userDelete('account', id);
    const parked = await settledState(stack, state, accountRef(id), {
      after: before,
      where: (entry) => entry.step === 'review',
    });
    expect(parked).toMatchObject({
      status: 'review',
      message: expect.stringMatching(
        /^deactivate account code 6310 in Procurify: NetSuite account \d+ was deleted/,
      ),
    });
    expect(accountCode('6310')?.active).toBe(true);
  });

  it('does not create an account code for an account that is inactive and new to Procurify', async () => {
    const id = stack.netsuite.userCreate('account', {
      acctNumber: '6320',
      acctName: 'Old Expense',
      acctType: 'Expense',
      isInactive: true,
    }).id;
    expect(await settledState(stack, state, accountRef(id))).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/inactive in NetSuite and has no account code in Procurify/),
    });
    expect(accountCode('6320')).toBeUndefined();
  });
});
