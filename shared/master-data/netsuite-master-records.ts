// NetSuite vendor, account and department records as the record API returns them (GET with
// expandSubResources=true), validated at the boundary before any mapping.
import * as z from 'zod';
import type { NetSuiteRecords } from '../netsuite/index.ts';

const reference = z.object({ id: z.string(), refName: z.string().optional() }).passthrough();
const enumValue = z.object({ id: z.string(), refName: z.string().optional() }).passthrough();

const address = z
  .object({
    addressee: z.string().optional(),
    addr1: z.string().optional(),
    addr2: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    zip: z.string().optional(),
    country: z.union([z.string(), z.object({ id: z.string() }).passthrough()]).optional(),
  })
  .passthrough();

export const netSuiteVendorSchema = z
  .object({
    id: z.string(),
    entityId: z.string().optional(),
    companyName: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    isPerson: z.boolean().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    altPhone: z.string().optional(),
    mobilePhone: z.string().optional(),
    fax: z.string().optional(),
    url: z.string().optional(),
    isInactive: z.boolean().optional(),
    currency: reference.optional(),
    subsidiary: reference.optional(),
    terms: reference.optional(),
    lastModifiedDate: z.string().optional(),
    addressBook: z
      .object({
        items: z
          .array(
            z
              .object({
                defaultBilling: z.boolean().optional(),
                defaultShipping: z.boolean().optional(),
                addressBookAddress: address.optional(),
              })
              .passthrough(),
          )
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type NetSuiteVendor = z.infer<typeof netSuiteVendorSchema>;

export const netSuiteAccountSchema = z
  .object({
    id: z.string(),
    acctNumber: z.string().optional(),
    acctName: z.string().optional(),
    acctType: z.union([enumValue, z.string()]).optional(),
    isInactive: z.boolean().optional(),
    isSummary: z.boolean().optional(),
    parent: reference.optional(),
    subsidiary: z.unknown().optional(),
    lastModifiedDate: z.string().optional(),
  })
  .passthrough();
export type NetSuiteAccount = z.infer<typeof netSuiteAccountSchema>;

export const netSuiteDepartmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isInactive: z.boolean().optional(),
    parent: reference.optional(),
    subsidiary: z.unknown().optional(),
    lastModifiedDate: z.string().optional(),
  })
  .passthrough();
export type NetSuiteDepartment = z.infer<typeof netSuiteDepartmentSchema>;

/** The subsidiary ids of a multi-select as rendered with expandSubResources (`{items: [{id}]}`). */
export function subsidiaryIds(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if ('id' in value && typeof value.id === 'string') return [value.id];
  const items = (value as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) =>
    item !== null && typeof item === 'object' && typeof item.id === 'string' ? [item.id] : [],
  );
}

export type NetSuiteMasterRecord = NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment;

/** One master record read with the record API (undefined when NetSuite has no such record). */
export function findMasterRecord(
  records: Pick<NetSuiteRecords, 'find'>,
  kind: 'vendor' | 'account' | 'department',
  id: string,
): Promise<NetSuiteMasterRecord | undefined> {
  const options = { expandSubResources: true } as const;
  switch (kind) {
    case 'vendor':
      return records.find(kind, id, { ...options, schema: netSuiteVendorSchema });
    case 'account':
      return records.find(kind, id, { ...options, schema: netSuiteAccountSchema });
    case 'department':
      return records.find(kind, id, { ...options, schema: netSuiteDepartmentSchema });
  }
}
