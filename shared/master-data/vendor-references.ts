// The two names a vendor's Procurify body needs that its NetSuite record may give only by id: the
// currency's ISO code (NetSuite `symbol`) and the terms' name, each read once and cached. One reading for
// the inbound worker (sync-master-record.ts) and the preview (shared/preview/preview-master-data.ts), so
// both map the same body.
import type { NetSuiteRecords } from '../netsuite/index.ts';
import type { NetSuiteVendor } from './netsuite-master-records.ts';

/** The ISO code (NetSuite `symbol`) of a vendor's currency reference, else its refName; cached by id. */
export async function vendorCurrencyCode(
  netsuite: Pick<NetSuiteRecords, 'find'>,
  reference: NonNullable<NetSuiteVendor['currency']>,
  cache?: Map<string, string>,
): Promise<string | undefined> {
  const { id } = reference;
  const cached = cache?.get(id);
  if (cached !== undefined) return cached;
  const currency = await netsuite.find('currency', id);
  const code = typeof currency?.symbol === 'string' ? currency.symbol : reference.refName;
  if (code !== undefined) cache?.set(id, code);
  return code;
}

/** The name of the vendor's terms: the reference's refName, else the term record's name (cached). */
export async function vendorTermsName(
  netsuite: Pick<NetSuiteRecords, 'find'>,
  vendor: NetSuiteVendor,
  cache?: Map<string, string>,
): Promise<string | undefined> {
  const terms = vendor.terms;
  if (terms === undefined) return undefined;
  if (terms.refName !== undefined && terms.refName !== '') return terms.refName;
  const cached = cache?.get(terms.id);
  if (cached !== undefined) return cached;
  const term = await netsuite.find('term', terms.id);
  const name = typeof term?.name === 'string' ? term.name : undefined;
  if (name !== undefined) cache?.set(terms.id, name);
  return name;
}
