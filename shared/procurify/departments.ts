// Procurify departments (`/api/v3/departments/`: list, create looked up by branch and name before a
// retry, PUT) and the reference lists they are read with: locations and currencies; each answer mapped to
// its domain record (master-records.ts).
import type * as z from 'zod';
import { createWithLookup } from './creates.ts';
import { ProcurifyEndpoint } from './endpoint.ts';
import { toApCurrency, toApDepartment, toApLocation } from './master-records.ts';
import { listPages } from './paging.ts';
import type { ApCurrency, ApDepartment, ApLocation, DepartmentWrite, ProcurifyDepartments } from './ports.ts';
import { currencySchema, departmentSchema, locationSchema, singleSchema } from './schemas.ts';
import { departmentWriteSchema } from './writes.ts';

export class RestProcurifyDepartments extends ProcurifyEndpoint implements ProcurifyDepartments {
  async *listDepartments(filter: { branch?: number; search?: string } = {}): AsyncIterable<ApDepartment> {
    const rows = this.list('/api/v3/departments/', departmentSchema, 'department list', {
      branch: filter.branch === undefined ? undefined : String(filter.branch),
      search: filter.search,
    });
    for await (const department of rows) {
      if (filter.branch !== undefined && department.branch.id !== filter.branch) continue;
      yield toApDepartment(department);
    }
  }

  private async findDepartment(body: z.output<typeof departmentWriteSchema>) {
    const matches: ApDepartment[] = [];
    for await (const department of this.listDepartments({ branch: body.branch, search: body.name })) {
      if (department.name !== body.name) continue;
      if (body.external_id != null && department.externalId !== body.external_id) continue;
      matches.push(department);
    }
    return matches.length === 1 ? matches[0] : undefined;
  }

  async createDepartment(input: DepartmentWrite): Promise<ApDepartment> {
    const t = this.transport;
    const body = t.writable(departmentWriteSchema, input, `department ${input.name}`);
    return createWithLookup(
      t,
      async () => {
        const answer = await t.call('POST', t.url('/api/v3/departments/'), body);
        return toApDepartment(t.parse(singleSchema(departmentSchema), answer, 'created department').data);
      },
      () => this.findDepartment(body),
      `department ${body.name}`,
    );
  }

  async updateDepartment(id: number, input: DepartmentWrite): Promise<ApDepartment> {
    const body = this.transport.writable(departmentWriteSchema, input, `department ${id}`);
    return toApDepartment(
      await this.transport.one(
        'PUT',
        `/api/v3/departments/${id}/`,
        body,
        departmentSchema,
        'updated department',
      ),
    );
  }

  async *listLocations(filter: { active?: boolean } = {}): AsyncIterable<ApLocation> {
    const rows = this.list('/api/v2/locations/', locationSchema, 'location list', {
      active: filter.active === undefined ? undefined : String(filter.active),
    });
    for await (const location of rows) yield toApLocation(location);
  }

  async *listCurrencies(): AsyncIterable<ApCurrency> {
    const rows = listPages(this.transport, '/api/v2/currencies/', {}, currencySchema, 'currency list');
    for await (const currency of rows) yield toApCurrency(currency);
  }
}
