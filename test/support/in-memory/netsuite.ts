// NetSuite in memory, behind the ports the use cases take: the record API (NetSuiteRecords: get/find
// by internal id or `eid:`, create, upsert by external id that creates once and replaces only the
// sublists named, patch, delete, list), the bill flow's SuiteQL reads (BillLookups) answered from the
// same records and reference rows, and the attachment RESTlet's File Cabinet (store once per name in a
// folder, attach to an existing record). A missing record is the DataError (404) the REST adapter
// throws; ids are digits as NetSuite gives them.
import { createHash } from 'node:crypto';
import type {
  AccountRow,
  BillLookups,
  CurrencyRow,
  DepartmentRow,
  LegacyBillRow,
  SegmentRow,
  SubsidiaryRow,
  VendorRow,
} from '../../../shared/bills/ports.ts';
import { DataError } from '../../../shared/errors.ts';
import type {
  NetSuiteAttachments,
  NetSuiteRecords,
  RecordId,
  StoreAttachmentInput,
  StoredAttachment,
} from '../../../shared/netsuite/index.ts';
import { Faults } from './faults.ts';

type Row = Record<string, unknown>;
interface StoredRecord {
  id: string;
  externalId?: string;
  body: Row;
}

export type NetSuiteOperation = 'get' | 'upsert' | 'create' | 'patch' | 'storeAttachment' | 'lookup';

/** The reference rows the bill flow reads through SuiteQL. */
export interface NetSuiteReferenceData {
  accounts: AccountRow[];
  departments: DepartmentRow[];
  locations: SegmentRow[];
  classes: SegmentRow[];
  /** Custom segment values by segment id (`cseg_region`). */
  segmentValues: Record<string, SegmentRow[]>;
  subsidiaries: SubsidiaryRow[];
  vendors: VendorRow[];
  /** Subsidiaries each vendor is shared with, besides its own. */
  vendorSharedSubsidiaries: Record<string, string[]>;
  currencies: Array<CurrencyRow & { inactive?: boolean }>;
  terms: Array<{ id: string; name: string; inactive: boolean }>;
}

export const emptyReferenceData = (): NetSuiteReferenceData => ({
  accounts: [],
  departments: [],
  locations: [],
  classes: [],
  segmentValues: {},
  subsidiaries: [],
  vendors: [],
  vendorSharedSubsidiaries: {},
  currencies: [],
  terms: [],
});

const copy = <T>(value: T): T => structuredClone(value);

function notFound(type: string, id: string): DataError {
  return new DataError(`NetSuite ${type} ${id} does not exist`, {
    source: 'netsuite',
    status: 404,
    code: 'NONEXISTENT_ID',
  });
}

/** A decimal amount as an exact count of 1/10^8 (NetSuite amounts have at most 8 decimals here). */
function scaled(amount: unknown): bigint {
  const [whole = '0', fraction = ''] = String(amount ?? 0).split('.');
  const negative = whole.startsWith('-');
  const units =
    BigInt(whole.replace('-', '') || '0') * 10n ** 8n + BigInt(fraction.padEnd(8, '0').slice(0, 8));
  return negative ? -units : units;
}

function decimal(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const fraction = String(absolute % 10n ** 8n)
    .padStart(8, '0')
    .replace(/0+$/, '');
  return `${negative ? '-' : ''}${absolute / 10n ** 8n}${fraction === '' ? '' : `.${fraction}`}`;
}

export class InMemoryNetSuite implements NetSuiteRecords, BillLookups, NetSuiteAttachments {
  readonly faults = new Faults<NetSuiteOperation>('netsuite');
  reference: NetSuiteReferenceData;
  /** Every write, in order: what a test asserts was (or was not) sent. */
  readonly writes: Array<{
    method: string;
    type: string;
    id: string;
    body?: Row;
    replace?: readonly string[];
  }> = [];
  /** File Cabinet: files by folder and name; attachments by record. */
  readonly files = new Map<string, { fileId: string; folderId: string; name: string; content: Uint8Array }>();
  readonly attached = new Map<string, Set<string>>();
  readonly folders = new Set<string>();
  private readonly records = new Map<string, Map<string, StoredRecord>>();
  private nextId = 1000;

  constructor(reference: Partial<NetSuiteReferenceData> = {}) {
    this.reference = { ...emptyReferenceData(), ...reference };
    // The real lookups are closures (createNetSuiteBillLookups): a use case may pass one on by itself.
    for (const name of Object.getOwnPropertyNames(InMemoryNetSuite.prototype)) {
      const member = (this as unknown as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof member === 'function') {
        Object.defineProperty(this, name, { value: member.bind(this), writable: true });
      }
    }
  }

  /** Puts a record as if it had been keyed in NetSuite; returns its internal id. */
  seed(type: string, body: Row, externalId?: string): string {
    const id = String(this.nextId++);
    this.table(type).set(id, { id, ...(externalId === undefined ? {} : { externalId }), body: copy(body) });
    return id;
  }

  /** A stored record's body with its id and external id, or undefined. */
  record(type: string, id: RecordId): Row | undefined {
    const found = this.resolve(type, id);
    return found === undefined ? undefined : this.view(found);
  }

  recordsOf(type: string): Row[] {
    return [...this.table(type).values()].map((record) => this.view(record));
  }

  // --- NetSuiteRecords

  async get<T = Row>(
    type: string,
    id: RecordId,
    options: { fields?: readonly string[]; schema?: { parse(value: unknown): T } } = {},
  ): Promise<T> {
    this.faults.check('get');
    const found = this.resolve(type, id);
    if (found === undefined) throw notFound(type, id);
    let view = this.view(found);
    if (options.fields !== undefined) {
      view = Object.fromEntries(
        Object.entries(view).filter(([key]) => key === 'id' || options.fields!.includes(key)),
      );
    }
    // Without a schema T is its default, Row.
    return options.schema === undefined ? (view as T) : options.schema.parse(view);
  }

  async find<T = Row>(
    type: string,
    id: RecordId,
    options: { fields?: readonly string[]; schema?: { parse(value: unknown): T } } = {},
  ): Promise<T | undefined> {
    try {
      return await this.get(type, id, options);
    } catch (error) {
      if (error instanceof DataError && error.status === 404) return undefined;
      throw error;
    }
  }

  async create(type: string, body: Row): Promise<string> {
    this.faults.check('create');
    const id = this.seed(type, body, typeof body.externalId === 'string' ? body.externalId : undefined);
    this.writes.push({ method: 'POST', type, id, body: copy(body) });
    return id;
  }

  async upsertByExternalId(
    type: string,
    externalId: string,
    body: Row,
    options: { replaceSublists?: readonly string[] } = {},
  ): Promise<{ id: string | undefined }> {
    this.faults.check('upsert');
    const replace = options.replaceSublists ?? [];
    const existing = this.resolve(type, `eid:${externalId}`);
    if (existing === undefined) {
      const id = String(this.nextId++);
      this.table(type).set(id, { id, externalId, body: copy(body) });
      this.writes.push({ method: 'PUT', type, id, body: copy(body), replace });
      return { id };
    }
    for (const [field, value] of Object.entries(copy(body))) {
      const old = existing.body[field] as { items?: unknown[] } | undefined;
      const lines = (value as { items?: unknown[] } | null)?.items;
      // Without ?replace= NetSuite adds the body's lines to the record's own.
      existing.body[field] =
        Array.isArray(lines) && !replace.includes(field) && Array.isArray(old?.items)
          ? { ...(value as object), items: [...old.items, ...lines] }
          : value;
    }
    this.writes.push({ method: 'PUT', type, id: existing.id, body: copy(body), replace });
    return { id: undefined };
  }

  async patch(type: string, id: RecordId, body: Row): Promise<void> {
    this.faults.check('patch');
    const found = this.resolve(type, id);
    if (found === undefined) throw notFound(type, id);
    Object.assign(found.body, copy(body));
    this.writes.push({ method: 'PATCH', type, id: found.id, body: copy(body) });
  }

  async delete(type: string, id: RecordId): Promise<void> {
    const found = this.resolve(type, id);
    if (found !== undefined) this.table(type).delete(found.id);
    this.writes.push({ method: 'DELETE', type, id });
  }

  async *list(type: string): AsyncIterable<string> {
    for (const id of this.table(type).keys()) yield id;
  }

  // --- BillLookups

  async accountsByNumber(numbers: readonly string[]): Promise<AccountRow[]> {
    this.faults.check('lookup');
    return copy(this.reference.accounts.filter((row) => numbers.includes(row.acctnumber)));
  }

  async accountsById(ids: readonly string[]): Promise<AccountRow[]> {
    this.faults.check('lookup');
    return copy(this.reference.accounts.filter((row) => ids.includes(row.id)));
  }

  async departments(ids: readonly string[], names: readonly string[]): Promise<DepartmentRow[]> {
    this.faults.check('lookup');
    return copy(this.reference.departments.filter((row) => ids.includes(row.id) || names.includes(row.name)));
  }

  async locations(ids: readonly string[]): Promise<SegmentRow[]> {
    return copy(this.reference.locations.filter((row) => ids.includes(row.id)));
  }

  async classes(ids: readonly string[]): Promise<SegmentRow[]> {
    return copy(this.reference.classes.filter((row) => ids.includes(row.id)));
  }

  async segmentValues(segment: string, ids: readonly string[]): Promise<SegmentRow[]> {
    return copy((this.reference.segmentValues[segment] ?? []).filter((row) => ids.includes(row.id)));
  }

  async subsidiaries(): Promise<SubsidiaryRow[]> {
    return copy(this.reference.subsidiaries);
  }

  async vendor(id: string): Promise<VendorRow | undefined> {
    const row = this.reference.vendors.find((vendor) => vendor.id === id);
    return row === undefined ? undefined : copy(row);
  }

  async vendorSubsidiaries(id: string): Promise<string[]> {
    const own = this.reference.vendors.find((vendor) => vendor.id === id)?.subsidiary;
    return [
      ...new Set([
        ...(own === undefined ? [] : [own]),
        ...(this.reference.vendorSharedSubsidiaries[id] ?? []),
      ]),
    ];
  }

  async currencyByCode(code: string): Promise<CurrencyRow | undefined> {
    const row = this.reference.currencies.find(
      (currency) => currency.code === code && currency.inactive !== true,
    );
    return row === undefined ? undefined : { id: row.id, code: row.code, precision: row.precision };
  }

  async termByName(name: string): Promise<string | undefined> {
    return this.reference.terms.find(
      (term) => !term.inactive && term.name.toLowerCase() === name.toLowerCase(),
    )?.id;
  }

  async vendorBillsWithExternalId(vendorId: string): Promise<LegacyBillRow[]> {
    this.faults.check('lookup');
    return this.vendorBills()
      .filter((bill) => bill.vendorId === vendorId && bill.externalId !== undefined)
      .map(({ id, externalId }) => ({ id, ...(externalId === undefined ? {} : { externalId }) }));
  }

  async vendorBillsByInvoice(
    vendorId: string,
    invoiceNumber: string,
  ): Promise<Array<{ id: string; total: string; externalId?: string }>> {
    this.faults.check('lookup');
    return this.vendorBills()
      .filter((bill) => bill.vendorId === vendorId && bill.body.tranId === invoiceNumber)
      .map(({ id, total, externalId }) => ({
        id,
        total,
        ...(externalId === undefined ? {} : { externalId }),
      }));
  }

  async vendorBillsByField(field: string, value: string): Promise<LegacyBillRow[]> {
    this.faults.check('lookup');
    return this.vendorBills()
      .filter((bill) => String(bill.body[field] ?? '') === value)
      .map(({ id, externalId }) => ({ id, ...(externalId === undefined ? {} : { externalId }) }));
  }

  async vendorBillFacts(ids: readonly string[]): Promise<Map<string, { vendorId: string; total: string }>> {
    this.faults.check('lookup');
    return new Map(
      this.vendorBills()
        .filter((bill) => ids.includes(bill.id))
        .map((bill) => [bill.id, { vendorId: bill.vendorId, total: bill.total }]),
    );
  }

  async existingVendorBills(ids: readonly string[]): Promise<Set<string>> {
    this.faults.check('lookup');
    return new Set(
      this.vendorBills()
        .map((bill) => bill.id)
        .filter((id) => ids.includes(id)),
    );
  }

  // --- the attachment RESTlet (NetSuiteAttachments)

  async storeAttachment(input: StoreAttachmentInput): Promise<StoredAttachment> {
    this.faults.check('storeAttachment');
    if (!this.folders.has(input.folderId)) {
      throw new DataError(`folder ${input.folderId} does not exist`, {
        source: 'netsuite',
        code: 'FOLDER_NOT_FOUND',
      });
    }
    const type = input.record.type === 'vendorbill' ? 'vendorBill' : input.record.type;
    if (this.resolve(type, input.record.id) === undefined) {
      throw new DataError(`${input.record.type} ${input.record.id} does not exist`, {
        source: 'netsuite',
        code: 'RECORD_NOT_FOUND',
      });
    }
    // The adapter's own checks before it sends (shared/netsuite/restlet.ts), then the RESTlet's.
    const sha1 = createHash('sha1').update(input.file.content).digest('hex');
    if (input.file.sha1 !== undefined && input.file.sha1.toLowerCase() !== sha1) {
      throw new DataError(
        `Attachment ${input.file.name}: its content's SHA-1 is ${sha1}, not the expected ${input.file.sha1} (a damaged or changed download)`,
        { source: 'netsuite', code: 'BAD_CONTENT', path: 'file' },
      );
    }
    const key = `${input.folderId}/${input.file.name}`;
    let file = this.files.get(key);
    const created = file === undefined;
    if (file === undefined) {
      file = {
        fileId: String(this.nextId++),
        folderId: input.folderId,
        name: input.file.name,
        content: input.file.content,
      };
      this.files.set(key, file);
    }
    const recordKey = `${type}/${input.record.id}`;
    const attached = this.attached.get(recordKey) ?? new Set<string>();
    attached.add(file.fileId);
    this.attached.set(recordKey, attached);
    return { fileId: file.fileId, created, attached: true };
  }

  async checkFolder(folderId: string): Promise<{ folderId: string; name: string }> {
    if (!this.folders.has(folderId)) {
      throw new DataError(`folder ${folderId} does not exist`, {
        source: 'netsuite',
        code: 'FOLDER_NOT_FOUND',
      });
    }
    return { folderId, name: `Folder ${folderId}` };
  }

  private vendorBills() {
    return [...this.table('vendorBill').values()].map((record) => {
      const lines = ['expense', 'item'].flatMap(
        (sublist) =>
          (record.body[sublist] as { items?: Array<{ amount?: unknown }> } | undefined)?.items ?? [],
      );
      const total =
        record.body.total !== undefined
          ? String(record.body.total)
          : decimal(lines.reduce((sum, line) => sum + scaled(line.amount), 0n));
      return {
        id: record.id,
        externalId: record.externalId,
        vendorId: String((record.body.entity as { id?: unknown } | undefined)?.id ?? ''),
        total,
        body: record.body,
      };
    });
  }

  private table(type: string): Map<string, StoredRecord> {
    let table = this.records.get(type);
    if (table === undefined) {
      table = new Map();
      this.records.set(type, table);
    }
    return table;
  }

  private resolve(type: string, id: RecordId): StoredRecord | undefined {
    if (id.startsWith('eid:')) {
      const externalId = id.slice(4);
      return [...this.table(type).values()].find((record) => record.externalId === externalId);
    }
    if (!/^-?\d+$/.test(id))
      throw new DataError(
        `${JSON.stringify(id)} is not a NetSuite internal id (digits) nor an eid: reference`,
        { source: 'netsuite' },
      );
    return this.table(type).get(id);
  }

  private view(record: StoredRecord): Row {
    return {
      id: record.id,
      ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
      ...copy(record.body),
    };
  }
}
