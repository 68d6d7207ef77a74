// The Procurify sandbox's account codes: seeded ones, the API's creates and PUTs (a code is unique), and
// (de)activation, which only a Procurify user can do. Part of the store (store.ts); each write is told to
// the change hook (store-records.ts) before it returns.
import { type AccountCodeInput, accountCodeInputSchema } from './inputs.ts';
import type { AccountCodeRecord } from './model.ts';
import { type ProcurifyRecords, SandboxInputError } from './store-records.ts';
import type { FieldErrors } from './validation.ts';

export function addAccountCode(store: ProcurifyRecords, input: AccountCodeInput): AccountCodeRecord {
  const value = accountCodeInputSchema.parse(input);
  if (store.accountCodeByCode(value.code) !== undefined) {
    throw new SandboxInputError(`account code ${value.code} already exists`, 409);
  }
  const record: AccountCodeRecord = { ...value, id: store.allocate('accountCode', value.id) };
  return store.put('accountCodes', record);
}

/** A DRF-style error when another account code already has this code. */
export function accountCodeConflict(
  store: ProcurifyRecords,
  code: unknown,
  selfId?: number,
): FieldErrors | undefined {
  if (typeof code !== 'string') return undefined;
  const existing = store.accountCodeByCode(code);
  return existing !== undefined && existing.id !== selfId
    ? { code: ['account code with this code already exists.'] }
    : undefined;
}

export function createAccountCodeFromApi(
  store: ProcurifyRecords,
  values: Record<string, unknown>,
): AccountCodeRecord {
  const record: AccountCodeRecord = {
    id: store.allocate('accountCode'),
    code: '',
    description: '',
    account_type: 2,
    active: true,
    parent: null,
    departments: [],
  };
  Object.assign(record, values);
  return store.put('accountCodes', record);
}

/**
 * A Procurify user (de)activates an account code in the web app: the API cannot (its account code
 * request schemas have no `active`).
 */
export function setAccountCodeActive(
  store: ProcurifyRecords,
  id: number,
  active: boolean,
): AccountCodeRecord {
  const record = store.accountCodes.get(id);
  if (record === undefined) throw new SandboxInputError(`no account code ${id}`, 404);
  record.active = active;
  store.changed({ collection: 'accountCodes', record });
  return record;
}

export function updateAccountCodeFromApi(
  store: ProcurifyRecords,
  record: AccountCodeRecord,
  values: Record<string, unknown>,
): AccountCodeRecord {
  return store.assign('accountCodes', record, values);
}
