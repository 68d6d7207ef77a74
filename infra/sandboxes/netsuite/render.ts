// Stored records as the record API shows them: references as `{links, id, refName}`, enums as
// `{id, refName}`, sublists and multi-selects as links unless `expandSubResources=true`, amounts as
// numbers, empty fields left out. Used by the REST handlers and the admin API.
import { billState } from './bills.ts';
import { renderCustomFields } from './custom-fields.ts';
import { hierarchyName } from './master-data.ts';
import { applyLinesForDisplay } from './payments.ts';
import { type FieldSpec, type RecordType, recordSpecs } from './record-types.ts';
import type { FieldValue, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { linesOf, textField } from './store.ts';

export type Json = Record<string, unknown>;

export interface RenderOptions {
  baseUrl: string;
  expandSubResources: boolean;
  /** `fields=a,b`: only these body fields and sublists. */
  fields?: ReadonlySet<string>;
}

export const recordApiPath = '/services/rest/record/v1';

export function recordUrl(baseUrl: string, type: RecordType, id: string, store?: RecordStore): string {
  // Custom segment values live under their segment's record type, `customrecord_cseg_<id>`.
  const segment = type === 'customSegmentValue' ? store?.get(type, id)?.fields.segment : undefined;
  const name = typeof segment === 'string' ? `customrecord_${segment}` : type;
  return `${baseUrl}${recordApiPath}/${name}/${id}`;
}

const selfLink = (href: string) => [{ rel: 'self', href }];

/** The display name NetSuite gives a record in references (`refName`) and in SuiteQL's BUILTIN.DF. */
export function refName(store: RecordStore, type: RecordType, id: string): string | undefined {
  const record = store.get(type, id);
  if (record === undefined) return undefined;
  const fields = record.fields;
  switch (type) {
    case 'account': {
      const number = textField(fields, 'acctNumber');
      const name = hierarchyName(store, record, 'acctName');
      return number !== undefined && number !== '' ? `${number} ${name}` : name;
    }
    case 'subsidiary':
    case 'department':
    case 'classification':
    case 'location':
    case 'customSegmentValue':
    case 'folder':
      return hierarchyName(store, record, 'name');
    case 'salesTaxItem':
      return textField(fields, 'itemId');
    case 'file':
      return textField(fields, 'name');
    case 'currency':
    case 'term':
      return textField(fields, 'name');
    case 'vendor':
      return textField(fields, 'entityId');
    case 'vendorBill':
      return `Bill #${textField(fields, 'tranId') ?? id}`;
    case 'vendorPayment':
      return `Bill Payment #${textField(fields, 'tranId') ?? id}`;
  }
}

function reference(store: RecordStore, baseUrl: string, type: RecordType, id: string): Json {
  const name = refName(store, type, id);
  return {
    links: selfLink(recordUrl(baseUrl, type, id, store)),
    id,
    ...(name === undefined ? {} : { refName: name }),
  };
}

function renderValue(
  store: RecordStore,
  options: RenderOptions,
  spec: FieldSpec,
  value: FieldValue | undefined,
  subUrl: string,
): unknown {
  if (value === undefined || value === null) return undefined;
  switch (spec.kind) {
    case 'text':
    case 'boolean':
    case 'number':
    case 'date':
    case 'datetime':
      return value;
    case 'money':
      return typeof value === 'number' ? value / 100 : undefined;
    case 'ref':
      return typeof value === 'string' ? reference(store, options.baseUrl, spec.target, value) : undefined;
    case 'looseRef':
      return typeof value === 'string' ? { id: value } : undefined;
    case 'enum':
      return typeof value === 'string' ? { id: value, refName: spec.values[value] ?? value } : undefined;
    case 'multiref': {
      if (!options.expandSubResources) return { links: selfLink(subUrl) };
      const ids = Array.isArray(value)
        ? value.filter((item): item is string => typeof item === 'string')
        : [];
      return collection(
        subUrl,
        ids.map((id) => reference(store, options.baseUrl, spec.target, id)),
      );
    }
    case 'address': {
      if (!options.expandSubResources) return { links: selfLink(subUrl) };
      const address = value as Record<string, string>;
      const rendered: Json = { links: selfLink(subUrl) };
      for (const [key, part] of Object.entries(address))
        rendered[key] = key === 'country' ? { id: part } : part;
      rendered.addrText = addressText(address);
      return rendered;
    }
    case 'sublist':
      return undefined;
  }
}

function addressText(address: Record<string, string>): string {
  const cityLine = [address.city, address.state, address.zip].filter(Boolean).join(' ');
  return [
    address.addressee,
    address.attention,
    address.addr1,
    address.addr2,
    address.addr3,
    cityLine,
    address.country,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join('\n');
}

function collection(url: string, items: unknown[]): Json {
  return {
    links: selfLink(url),
    items,
    totalResults: items.length,
    count: items.length,
    hasMore: false,
    offset: 0,
  };
}

export function renderLine(
  store: RecordStore,
  options: RenderOptions,
  record: StoredRecord,
  sublist: string,
  line: StoredLine,
): Json {
  const spec = recordSpecs[record.type].fields[sublist];
  const url = `${recordUrl(options.baseUrl, record.type, record.id)}/${sublist}/${String(line.line)}`;
  const out: Json = { links: selfLink(url) };
  if (spec?.kind !== 'sublist') return out;
  const lineOptions = { ...options, expandSubResources: true };
  for (const [name, fieldSpec] of Object.entries(spec.line)) {
    const value = renderValue(store, lineOptions, fieldSpec, line[name], `${url}/${name}`);
    if (value !== undefined) out[name] = value;
  }
  renderCustomFields(store, record.type, 'line', line, out, (type, id) =>
    reference(store, options.baseUrl, type, id),
  );
  return out;
}

/** The lines of a sublist as stored, or for a payment's `apply` as NetSuite lists them. */
export function displayLines(store: RecordStore, record: StoredRecord, sublist: string): StoredLine[] {
  if (record.type === 'vendorPayment' && sublist === 'apply') {
    const currency = textField(record.fields, 'currency');
    const symbol =
      currency === undefined ? undefined : textField(store.get('currency', currency)?.fields ?? {}, 'name');
    return applyLinesForDisplay(store, record).map((entry, index) => {
      const line: StoredLine = {
        line: index + 1,
        doc: entry.bill.id,
        apply: entry.apply,
        due: entry.dueCents,
        total: billState(store, entry.bill).totalCents,
        type: 'Bill',
      };
      if (entry.amountCents !== undefined) line.amount = entry.amountCents;
      const tranDate = textField(entry.bill.fields, 'tranDate');
      if (tranDate !== undefined) line.applyDate = tranDate;
      const tranId = textField(entry.bill.fields, 'tranId');
      if (tranId !== undefined) line.refNum = tranId;
      if (symbol !== undefined) line.currency = symbol;
      return line;
    });
  }
  return linesOf(record.fields, sublist);
}

export function renderSublist(
  store: RecordStore,
  options: RenderOptions,
  record: StoredRecord,
  sublist: string,
): Json {
  const url = `${recordUrl(options.baseUrl, record.type, record.id)}/${sublist}`;
  const lines = displayLines(store, record, sublist);
  const items = options.expandSubResources
    ? lines.map((line) => renderLine(store, options, record, sublist, line))
    : lines.map((line) => ({ links: selfLink(`${url}/${String(line.line)}`) }));
  return collection(url, items);
}

/** Computed fields stored nowhere: a bill's status and balance, a record's dates. */
function computedFields(store: RecordStore, record: StoredRecord): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (record.type === 'vendorBill') {
    const state = billState(store, record);
    out.status = state.status;
    out.balance = state.unpaidCents;
  }
  if (record.type === 'vendorPayment' && record.fields.status === undefined) out.status = null;
  if (record.type === 'account') out.fullName = hierarchyName(store, record, 'acctName');
  if (record.type === 'vendor') out.dateCreated = record.createdDate;
  else out.createdDate = record.createdDate;
  // ISO 8601 in UTC whatever the account's or user's time zone, as the real record API writes datetimes
  // (Oracle NetSuite Help, "Using Datetime Fields", section_157305090645); SuiteQL shows the same value as
  // wall time in the sandbox's `timeZone` (suiteql-mirror.ts). apsync's time zone check compares the two.
  out.lastModifiedDate = record.lastModifiedDate;
  return out;
}

export function renderRecord(store: RecordStore, options: RenderOptions, record: StoredRecord): Json {
  const url = recordUrl(options.baseUrl, record.type, record.id, store);
  const spec = recordSpecs[record.type];
  const wanted = options.fields;
  const out: Json = { links: selfLink(url) };
  const computed = computedFields(store, record);
  const values: Record<string, FieldValue | undefined> = { ...record.fields, ...computed };
  for (const [name, fieldSpec] of Object.entries(spec.fields)) {
    if (wanted !== undefined && !wanted.has(name)) continue;
    if (fieldSpec.kind === 'sublist') {
      const sublist = renderSublist(store, options, record, name);
      out[name] = options.expandSubResources ? sublist : { links: sublist.links };
      continue;
    }
    const value = renderValue(store, options, fieldSpec, values[name], `${url}/${name}`);
    if (value !== undefined) out[name] = value;
  }
  renderCustomFields(
    store,
    record.type,
    'body',
    record.fields,
    out,
    (type, id) => reference(store, options.baseUrl, type, id),
    wanted,
  );
  if (wanted === undefined || wanted.has('id')) out.id = record.id;
  return out;
}

/** Names `fields=` may list for a type: body fields, sublists, custom fields. */
export function knownFieldNames(store: RecordStore, type: RecordType): Set<string> {
  return new Set([...Object.keys(recordSpecs[type].fields), ...store.customFields(type).keys(), 'id']);
}
