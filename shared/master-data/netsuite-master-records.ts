// NetSuite vendor, account and department records as the record API returns them (GET with
// expandSubResources=true), validated at the boundary before any mapping.
import * as z from 'zod';
import type { NetSuiteRecords } from '../netsuite/index.ts';

const text = z.string().optional();
const flag = z.boolean().optional();
const reference = z.object({ id: z.string(), refName: text }).passthrough();
const enumValue = z.object({ id: z.string(), refName: text }).passthrough();

const address = z
  .object({
    addressee: text,
    addr1: text,
    addr2: text,
    city: text,
    state: text,
    zip: text,
    country: z.union([z.string(), z.object({ id: z.string() }).passthrough()]).optional(),
  })
  .passthrough();

export const netSuiteVendorSchema = z
  .object({
    id: z.string(),
    entityId: text,
    companyName: text,
    firstName: text,
    lastName: text,
    isPerson: flag,
    email: text,
    phone: text,
    altPhone: text,
    mobilePhone: text,
    fax: text,
    url: text,
    isInactive: flag,
    currency: reference.optional(),
    subsidiary: reference.optional(),
    terms: reference.optional(),
    lastModifiedDate: text,
    addressBook: z
      .object({
        items: z
          .array(
            z
              .object({
                defaultBilling: flag,
                defaultShipping: flag,
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

/** What accounts and departments (segments) both carry. */
const segmentFields = {
  id: z.string(),
  isInactive: flag,
  parent: reference.optional(),
  subsidiary: z.unknown().optional(),
  lastModifiedDate: text,
};

export const netSuiteAccountSchema = z
  .object({
    ...segmentFields,
    acctNumber: text,
    acctName: text,
    acctType: z.union([enumValue, z.string()]).optional(),
    isSummary: flag,
  })
  .passthrough();
export type NetSuiteAccount = z.infer<typeof netSuiteAccountSchema>;

export const netSuiteDepartmentSchema = z.object({ ...segmentFields, name: z.string() }).passthrough();
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
