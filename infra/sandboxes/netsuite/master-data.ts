// NetSuite's rules for the master records the sandbox serves (subsidiary, currency, term, account,
// department, class, location, vendor): required fields, defaults, unique account numbers, parent
// cycles, subsidiary availability. Used by the write pipeline (writes.ts) and by the bill and payment rules.
import { problems } from './problem.ts';
import type { RecordType } from './record-types.ts';
import type { FieldBag, RecordStore, StoredRecord } from './store.ts';
import { booleanField, idList, linesOf, textField } from './store.ts';
import type { RuleContext, TypeRules } from './type-rules.ts';

export function isActive(record: StoredRecord | undefined): boolean {
  return record !== undefined && record.fields.isInactive !== true;
}

/** The subsidiary at the top of the tree (the parent company); undefined when none exists yet. */
export function rootSubsidiary(store: RecordStore): StoredRecord | undefined {
  const all = store.list('subsidiary');
  return all.find((subsidiary) => textField(subsidiary.fields, 'parent') === undefined) ?? all[0];
}

export function baseCurrency(store: RecordStore): StoredRecord | undefined {
  const all = store.list('currency');
  return all.find((currency) => booleanField(currency.fields, 'isBaseCurrency')) ?? all[0];
}

function ancestors(store: RecordStore, type: RecordType, id: string): string[] {
  const chain: string[] = [];
  let current = store.get(type, id);
  while (current !== undefined && chain.length < 50) {
    const parent = textField(current.fields, 'parent');
    if (parent === undefined || chain.includes(parent)) break;
    chain.push(parent);
    current = store.get(type, parent);
  }
  return chain;
}

/**
 * Is an account/department/class/location (restricted by its `subsidiary` list, optionally with
 * children) usable in this subsidiary? No list means every subsidiary.
 */
export function availableInSubsidiary(store: RecordStore, fields: FieldBag, subsidiaryId: string): boolean {
  const listed = idList(fields, 'subsidiary');
  if (listed.length === 0 || listed.includes(subsidiaryId)) return true;
  if (!booleanField(fields, 'includeChildren')) return false;
  return ancestors(store, 'subsidiary', subsidiaryId).some((ancestor) => listed.includes(ancestor));
}

/**
 * A transaction's account when the request names none: the first active account of this type available in
 * its subsidiary (and fitting `fits`, e.g. the payment's currency); none is NetSuite's missing Account.
 */
export function defaultAccountId(
  store: RecordStore,
  subsidiary: string,
  acctType: string,
  fits: (fields: FieldBag) => boolean = () => true,
): string {
  const account = store
    .list('account')
    .find(
      (candidate) =>
        candidate.fields.acctType === acctType &&
        isActive(candidate) &&
        fits(candidate.fields) &&
        availableInSubsidiary(store, candidate.fields, subsidiary),
    );
  if (account === undefined) throw problems.missingValue('Account', 'account');
  return account.id;
}

/**
 * The currencies a vendor may be billed and paid in: its primary currency and those of its currency
 * list (record API vendor-currencyListElement; a bill may use any of them).
 */
export function vendorCurrencies(vendor: StoredRecord): string[] {
  const primary = textField(vendor.fields, 'currency');
  const listed = linesOf(vendor.fields, 'currencyList')
    .map((line) => textField(line, 'currency'))
    .filter((id): id is string => id !== undefined);
  return [...new Set([...(primary === undefined ? [] : [primary]), ...listed])];
}

/** The subsidiaries a vendor may transact in: its primary one and those of its relationships. */
export function vendorSubsidiaries(store: RecordStore, vendor: StoredRecord): string[] {
  const primary = textField(vendor.fields, 'subsidiary');
  const shared = store
    .list('vendorSubsidiaryRelationship')
    .filter((relationship) => textField(relationship.fields, 'entity') === vendor.id)
    .map((relationship) => textField(relationship.fields, 'subsidiary'))
    .filter((id): id is string => id !== undefined);
  return [...new Set([...(primary === undefined ? [] : [primary]), ...shared])];
}

export const vendorSubsidiaryRules: TypeRules = {
  complete(draft, context) {
    requireField(draft, 'entity', 'Vendor');
    requireField(draft, 'subsidiary', 'Subsidiary');
    const entity = textField(draft, 'entity')!;
    const subsidiary = textField(draft, 'subsidiary')!;
    if (context.existing !== undefined && textField(context.existing.fields, 'entity') !== entity) {
      throw problems.userError('A relationship cannot move to another vendor.', 'entity');
    }
    const vendor = context.store.get('vendor', entity);
    if (vendor === undefined) throw problems.invalidValue('entity', entity, 'entity');
    if (context.changed.has('subsidiary') && !isActive(context.store.get('subsidiary', subsidiary))) {
      throw problems.invalidValue('subsidiary', subsidiary, 'subsidiary');
    }
    const taken =
      textField(vendor.fields, 'subsidiary') === subsidiary ||
      context.store
        .list('vendorSubsidiaryRelationship')
        .some(
          (other) =>
            other.id !== context.existing?.id &&
            textField(other.fields, 'entity') === entity &&
            textField(other.fields, 'subsidiary') === subsidiary,
        );
    if (taken)
      throw problems.userError(`Vendor ${entity} is already in subsidiary ${subsidiary}.`, 'subsidiary');
    draft.isPrimarySub = false;
  },
};

/**
 * A transaction's default exchange rate to its subsidiary's base currency, from the currencies' default
 * rates "to root subsidiary currency" (record API currency.exchangeRate): 1 in the base currency.
 */
export function defaultExchangeRate(
  store: RecordStore,
  currency: string,
  subsidiaryCurrency: string | undefined,
): number {
  if (subsidiaryCurrency === undefined || subsidiaryCurrency === currency) return 1;
  const toRoot = (id: string) => {
    const rate = store.get('currency', id)?.fields.exchangeRate;
    return typeof rate === 'number' && rate > 0 ? rate : 1;
  };
  return Number((toRoot(currency) / toRoot(subsidiaryCurrency)).toFixed(6));
}

/** `Parent : Child` names, as NetSuite shows hierarchical records. */
export function hierarchyName(store: RecordStore, record: StoredRecord, nameField: string): string {
  const names = [textField(record.fields, nameField) ?? ''];
  for (const id of ancestors(store, record.type, record.id)) {
    const parent = store.get(record.type, id);
    if (parent !== undefined) names.unshift(textField(parent.fields, nameField) ?? '');
  }
  return names.join(' : ');
}

function requireField(draft: FieldBag, field: string, label: string): void {
  const value = draft[field];
  if (value === undefined || value === null || value === '') throw problems.missingValue(label, field);
}

function refuseParentCycle(draft: FieldBag, context: RuleContext, type: RecordType): void {
  const parent = textField(draft, 'parent');
  const self = context.existing?.id;
  if (parent === undefined || self === undefined) return;
  if (parent === self || ancestors(context.store, type, parent).includes(self)) {
    throw problems.invalidValue('parent', parent, 'parent');
  }
}

function defaultSubsidiaries(draft: FieldBag, store: RecordStore): void {
  if (draft.subsidiary !== undefined) return;
  const root = rootSubsidiary(store);
  if (root === undefined) return;
  draft.subsidiary = [root.id];
  if (draft.includeChildren === undefined) draft.includeChildren = true;
}

function withDefaults(draft: FieldBag, defaults: FieldBag): void {
  for (const [key, value] of Object.entries(defaults)) if (draft[key] === undefined) draft[key] = value;
}

const segmentRules = (type: RecordType): TypeRules => ({
  complete(draft, context) {
    requireField(draft, 'name', 'Name');
    withDefaults(draft, { isInactive: false });
    defaultSubsidiaries(draft, context.store);
    refuseParentCycle(draft, context, type);
  },
});

export const masterDataRules: Record<
  Exclude<
    RecordType,
    'vendorBill' | 'vendorPayment' | 'customSegmentValue' | 'folder' | 'file' | 'vendorSubsidiaryRelationship'
  >,
  TypeRules
> = {
  subsidiary: {
    complete(draft, context) {
      requireField(draft, 'name', 'Name');
      withDefaults(draft, { isInactive: false });
      if (draft.currency === undefined) {
        const base = baseCurrency(context.store);
        if (base !== undefined) draft.currency = base.id;
      }
      requireField(draft, 'currency', 'Currency');
      refuseParentCycle(draft, context, 'subsidiary');
    },
  },
  currency: {
    complete(draft) {
      requireField(draft, 'name', 'Name');
      requireField(draft, 'symbol', 'ISO Code');
      withDefaults(draft, {
        isBaseCurrency: false,
        exchangeRate: 1,
        currencyPrecision: 2,
        isInactive: false,
      });
      if (draft.displaySymbol === undefined) draft.displaySymbol = textField(draft, 'symbol') ?? '';
    },
  },
  term: {
    complete(draft) {
      requireField(draft, 'name', 'Terms');
      withDefaults(draft, { daysUntilNetDue: 0, isInactive: false });
    },
  },
  account: {
    complete(draft, context) {
      requireField(draft, 'acctName', 'Name');
      requireField(draft, 'acctType', 'Type');
      withDefaults(draft, { isInactive: false, isSummary: false });
      defaultSubsidiaries(draft, context.store);
      refuseParentCycle(draft, context, 'account');
      const number = textField(draft, 'acctNumber');
      if (number !== undefined && number !== '') {
        const clash = context.store
          .list('account')
          .find(
            (other) => other.id !== context.existing?.id && textField(other.fields, 'acctNumber') === number,
          );
        if (clash !== undefined) {
          throw problems.userError(
            `The account number ${number} is already used by another account.`,
            'acctNumber',
          );
        }
      }
      if (draft.acctType === 'Bank' && draft.currency === undefined) {
        const subsidiary = context.store.get('subsidiary', idList(draft, 'subsidiary')[0] ?? '');
        const currency =
          subsidiary === undefined
            ? baseCurrency(context.store)?.id
            : textField(subsidiary.fields, 'currency');
        if (currency !== undefined) draft.currency = currency;
      }
    },
  },
  department: segmentRules('department'),
  classification: segmentRules('classification'),
  location: segmentRules('location'),
  salesTaxItem: {
    complete(draft, context) {
      requireField(draft, 'itemId', 'Tax Name');
      requireField(draft, 'rate', 'Rate');
      withDefaults(draft, { isInactive: false });
      defaultSubsidiaries(draft, context.store);
      const rate = draft.rate;
      if (typeof rate === 'number' && (rate < 0 || rate > 100))
        throw problems.invalidValue('rate', String(rate), 'rate');
    },
  },
  vendor: {
    complete(draft, context) {
      const person = draft.isPerson === true;
      if (draft.entityId === undefined) {
        const name = person
          ? [textField(draft, 'firstName'), textField(draft, 'lastName')].filter(Boolean).join(' ')
          : textField(draft, 'companyName');
        if (name !== undefined && name !== '') draft.entityId = name;
      }
      requireField(draft, 'entityId', person ? 'Name' : 'Company Name');
      withDefaults(draft, { isPerson: false, isInactive: false });
      if (draft.subsidiary === undefined) {
        const root = rootSubsidiary(context.store);
        if (root !== undefined) draft.subsidiary = root.id;
      }
      requireField(draft, 'subsidiary', 'Primary Subsidiary');
      if (draft.currency === undefined) {
        const subsidiary = context.store.get('subsidiary', textField(draft, 'subsidiary') ?? '');
        const currency = textField(subsidiary?.fields ?? {}, 'currency') ?? baseCurrency(context.store)?.id;
        if (currency !== undefined) draft.currency = currency;
      }
      requireField(draft, 'currency', 'Currency');
      if (
        context.changed.has('subsidiary') &&
        !isActive(context.store.get('subsidiary', textField(draft, 'subsidiary')!))
      ) {
        throw problems.invalidValue('subsidiary', textField(draft, 'subsidiary')!, 'subsidiary');
      }
    },
  },
};
