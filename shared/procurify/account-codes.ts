// Procurify account codes (`/api/v3/account-codes/`): list with exact filters re-checked, create (looked
// up by code before a retry) and PUT.
import { createWithLookup } from './creates.ts';
import { listPages } from './paging.ts';
import type {
  AccountCodeCreate,
  AccountCodeWrite,
  ProcurifyAccountCode,
  ProcurifyAccountCodes,
} from './ports.ts';
import {
  accountCodeCreateSchema,
  accountCodeSchema,
  accountCodeWriteSchema,
  singleSchema,
} from './schemas.ts';
import type { ProcurifyTransport } from './transport.ts';

export class RestProcurifyAccountCodes implements ProcurifyAccountCodes {
  private readonly transport: ProcurifyTransport;

  constructor(transport: ProcurifyTransport) {
    this.transport = transport;
  }

  async *listAccountCodes(filter: { code?: string; active?: boolean } = {}) {
    const rows = listPages(
      this.transport,
      '/api/v3/account-codes/',
      { code: filter.code, active: filter.active === undefined ? undefined : String(filter.active) },
      accountCodeSchema,
      'account code list',
    );
    for await (const accountCode of rows) {
      if (filter.code !== undefined && accountCode.code !== filter.code) continue;
      if (filter.active !== undefined && accountCode.active !== filter.active) continue;
      yield accountCode;
    }
  }

  private async findAccountCode(code: string): Promise<ProcurifyAccountCode | undefined> {
    for await (const accountCode of this.listAccountCodes({ code })) return accountCode;
    return undefined;
  }

  async createAccountCode(input: AccountCodeCreate) {
    const t = this.transport;
    const body = t.writable(accountCodeCreateSchema, input, `account code ${input.code}`);
    return createWithLookup(
      t,
      async () => {
        const answer = await t.call('POST', t.url('/api/v3/account-codes/'), body);
        return t.parse(singleSchema(accountCodeSchema), answer, 'created account code').data;
      },
      () => this.findAccountCode(body.code),
      `account code ${body.code}`,
    );
  }

  /** PUT (AccountCodeUpdateRequest); the answer says whether the code is active (the API cannot change it). */
  async updateAccountCode(id: number, input: AccountCodeWrite) {
    const body = this.transport.writable(accountCodeWriteSchema, input, `account code ${id}`);
    return this.transport.one(
      'PUT',
      `/api/v3/account-codes/${id}/`,
      body,
      accountCodeSchema,
      'updated account code',
    );
  }
}
