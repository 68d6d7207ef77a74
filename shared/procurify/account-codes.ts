// Procurify account codes (`/api/v3/account-codes/`): list with exact filters re-checked, create (looked
// up by code before a retry) and PUT; each answer mapped to the domain account code (master-records.ts).
import { createWithLookup } from './creates.ts';
import { ProcurifyEndpoint } from './endpoint.ts';
import { toApAccountCode } from './master-records.ts';
import type { AccountCodeCreate, AccountCodeWrite, ApAccountCode, ProcurifyAccountCodes } from './ports.ts';
import { accountCodeSchema, singleSchema } from './schemas.ts';
import { accountCodeCreateSchema, accountCodeWriteSchema } from './writes.ts';

export class RestProcurifyAccountCodes extends ProcurifyEndpoint implements ProcurifyAccountCodes {
  async *listAccountCodes(filter: { code?: string; active?: boolean } = {}): AsyncIterable<ApAccountCode> {
    const rows = this.list('/api/v3/account-codes/', accountCodeSchema, 'account code list', {
      code: filter.code,
      active: filter.active === undefined ? undefined : String(filter.active),
    });
    for await (const accountCode of rows) {
      if (filter.code !== undefined && accountCode.code !== filter.code) continue;
      if (filter.active !== undefined && accountCode.active !== filter.active) continue;
      yield toApAccountCode(accountCode);
    }
  }

  private async findAccountCode(code: string): Promise<ApAccountCode | undefined> {
    for await (const accountCode of this.listAccountCodes({ code })) return accountCode;
    return undefined;
  }

  async createAccountCode(input: AccountCodeCreate): Promise<ApAccountCode> {
    const t = this.transport;
    const body = t.writable(accountCodeCreateSchema, input, `account code ${input.code}`);
    return createWithLookup(
      t,
      async () => {
        const answer = await t.call('POST', t.url('/api/v3/account-codes/'), body);
        return toApAccountCode(t.parse(singleSchema(accountCodeSchema), answer, 'created account code').data);
      },
      () => this.findAccountCode(body.code),
      `account code ${body.code}`,
    );
  }

  /** PUT (AccountCodeUpdateRequest); the answer says whether the code is active (the API cannot change it). */
  async updateAccountCode(id: number, input: AccountCodeWrite): Promise<ApAccountCode> {
    const body = this.transport.writable(accountCodeWriteSchema, input, `account code ${id}`);
    return toApAccountCode(
      await this.transport.one(
        'PUT',
        `/api/v3/account-codes/${id}/`,
        body,
        accountCodeSchema,
        'updated account code',
      ),
    );
  }
}
