// Procurify vendors (`/api/v3/vendors/`): list with exact filters re-checked, read, create (looked up by
// external id before a retry), PUT and PATCH; each answer mapped to the domain vendor (master-records.ts).
import { DataError } from '../errors.ts';
import { createWithLookup } from './creates.ts';
import { ProcurifyEndpoint } from './endpoint.ts';
import { source } from './errors.ts';
import { toApVendor } from './master-records.ts';
import type { ApVendor, ProcurifyVendors, VendorPatch, VendorWrite } from './ports.ts';
import { singleSchema, vendorSchema } from './schemas.ts';
import { vendorPatchSchema, vendorWriteSchema } from './writes.ts';

export class RestProcurifyVendors extends ProcurifyEndpoint implements ProcurifyVendors {
  async *listVendors(
    filter: { externalId?: string; name?: string; search?: string } = {},
  ): AsyncIterable<ApVendor> {
    const rows = this.list('/api/v3/vendors/', vendorSchema, 'vendor list', {
      external_id: filter.externalId,
      name: filter.name,
      search: filter.search,
    });
    for await (const vendor of rows) {
      // Exact filters are re-checked here: an ignored query parameter must not return the wrong vendor.
      if (filter.externalId !== undefined && vendor.external_id !== filter.externalId) continue;
      if (filter.name !== undefined && vendor.name !== filter.name) continue;
      yield toApVendor(vendor);
    }
  }

  async findVendorByExternalId(externalId: string): Promise<ApVendor | undefined> {
    const found: ApVendor[] = [];
    for await (const vendor of this.listVendors({ externalId })) found.push(vendor);
    if (found.length > 1) {
      throw new DataError(
        `procurify: ${found.length} vendors have external_id ${externalId} (ids ${found.map((v) => v.id).join(', ')})`,
        { source, code: 'duplicate_external_id', path: 'external_id' },
      );
    }
    return found[0];
  }

  async getVendor(id: number): Promise<ApVendor> {
    return toApVendor(
      await this.transport.one('GET', `/api/v3/vendors/${id}/`, undefined, vendorSchema, 'vendor'),
    );
  }

  async createVendor(input: VendorWrite): Promise<ApVendor> {
    const t = this.transport;
    const body = t.writable(vendorWriteSchema, input, `vendor ${input.name}`);
    const externalId = body.external_id ?? undefined;
    return createWithLookup(
      t,
      async () => {
        const answer = await t.call('POST', t.url('/api/v3/vendors/'), body);
        return toApVendor(t.parse(singleSchema(vendorSchema), answer, 'created vendor').data);
      },
      externalId === undefined ? undefined : () => this.findVendorByExternalId(externalId),
      `vendor ${body.name}`,
    );
  }

  async updateVendor(id: number, input: VendorWrite): Promise<ApVendor> {
    const body = this.transport.writable(vendorWriteSchema, input, `vendor ${id}`);
    return toApVendor(
      await this.transport.one('PUT', `/api/v3/vendors/${id}/`, body, vendorSchema, 'updated vendor'),
    );
  }

  async patchVendor(id: number, patch: VendorPatch): Promise<ApVendor> {
    const body = this.transport.writable(vendorPatchSchema, patch, `vendor ${id}`);
    return toApVendor(
      await this.transport.one('PATCH', `/api/v3/vendors/${id}/`, body, vendorSchema, 'updated vendor'),
    );
  }
}
