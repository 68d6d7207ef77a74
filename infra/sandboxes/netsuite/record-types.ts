// The NetSuite record types the sandbox serves and their fields, as the record API spells them (checked
// against NetSuite's record API description: infra/contracts/facts/netsuite-record-api.json). The write pipeline parses bodies with
// these specs, the renderer writes them back, and the SuiteQL mirror reads them. Some types are not
// served by the record API (`restType`): tax codes, File Cabinet folders and files, and custom segment
// values, which the API serves under their own `customrecord_cseg_<id>` names (custom-segments.ts).

export const recordTypes = [
  'subsidiary',
  'currency',
  'term',
  'account',
  'department',
  'classification',
  'location',
  'customSegmentValue',
  'salesTaxItem',
  'vendor',
  'vendorSubsidiaryRelationship',
  'vendorBill',
  'vendorPayment',
  'folder',
  'file',
] as const;
export type RecordType = (typeof recordTypes)[number];

export function isRecordType(value: string): value is RecordType {
  return (recordTypes as readonly string[]).includes(value);
}

/**
 * External ids are unique per record group, case-insensitively: every transaction shares one space,
 * every entity another, and each other type has its own.
 */
export function recordGroup(type: RecordType): string {
  if (type === 'vendor') return 'entity';
  if (type === 'vendorBill' || type === 'vendorPayment') return 'transaction';
  return type;
}

/** Account types (`acctType` ids) with their display text. */
export const accountTypes: Record<string, string> = {
  Bank: 'Bank',
  AcctRec: 'Accounts Receivable',
  OthCurrAsset: 'Other Current Asset',
  FixedAsset: 'Fixed Asset',
  OthAsset: 'Other Asset',
  AcctPay: 'Accounts Payable',
  CredCard: 'Credit Card',
  OthCurrLiab: 'Other Current Liability',
  LongTermLiab: 'Long Term Liability',
  Equity: 'Equity',
  Income: 'Income',
  COGS: 'Cost of Goods Sold',
  Expense: 'Expense',
  OthIncome: 'Other Income',
  OthExpense: 'Other Expense',
  DeferExpense: 'Deferred Expense',
  DeferRevenue: 'Deferred Revenue',
  UnbilledRec: 'Unbilled Receivable',
  NonPosting: 'Non Posting',
  Stat: 'Statistical',
};

export const approvalStatuses: Record<string, string> = {
  '1': 'Pending Approval',
  '2': 'Approved',
  '3': 'Rejected',
};

/**
 * Vendor bill statuses: the letter SuiteQL shows, the refName REST shows. apsync keeps its own copy
 * (shared/payments/vendor-payment-plan.ts): the sandbox shares no code with apsync
 * (.dependency-cruiser.ts, sandboxes-play-the-services), so a wrong name on either side shows up in tests.
 */
export const billStatuses: Record<string, string> = {
  A: 'Open',
  B: 'Paid In Full',
  C: 'Cancelled',
  D: 'Pending Approval',
  E: 'Rejected',
  F: 'Payment In Transit',
};

export const paymentStatuses: Record<string, string> = {
  V: 'Voided',
  Z: 'Online Bill Pay Pending Accounting Approval',
};

export type FieldSpec =
  | { kind: 'text'; readOnly?: boolean; maxLength?: number }
  | { kind: 'boolean'; readOnly?: boolean }
  | { kind: 'number'; readOnly?: boolean }
  /** Amounts: numbers on the wire, integer cents in the store (currency precision 2). */
  | { kind: 'money'; readOnly?: boolean }
  /** `YYYY-MM-DD`. */
  | { kind: 'date'; readOnly?: boolean }
  /** ISO 8601 timestamps set by the system. */
  | { kind: 'datetime'; readOnly: true }
  | { kind: 'ref'; target: RecordType; readOnly?: boolean }
  /** A reference the sandbox cannot check (no such record type here), e.g. an item. */
  | { kind: 'looseRef'; readOnly?: boolean }
  | { kind: 'multiref'; target: RecordType }
  | { kind: 'enum'; values: Record<string, string>; readOnly?: boolean }
  | { kind: 'sublist'; line: Record<string, FieldSpec> }
  | { kind: 'address' };

export interface RecordTypeSpec {
  type: RecordType;
  /** Shown in errors ("Please enter value(s) for: ..."). */
  label: string;
  fields: Record<string, FieldSpec>;
  /** Prefix of the custom fields this type may carry (`custentity_`, `custbody_`, ...). */
  customPrefix: string;
  /** SuiteQL `transaction.type` for transactions. */
  transactionType?: string;
  /**
   * Whether the record API serves the type under its own name (default true). False for legacy tax codes
   * (REST needs SuiteTax), the File Cabinet (RESTlet / SuiteScript only here) and custom segment values
   * (served as `customrecord_cseg_<id>`).
   */
  restType?: boolean;
  /** Prefixes of the custom line fields (`custcol_`) and segment fields (`cseg_`) its sublists carry. */
  customLinePrefixes?: readonly string[];
}

/** Custom segment fields (`cseg_<id>`) on transaction bodies and lines (Oracle help: Custom Segments). */
export const SEGMENT_PREFIX = 'cseg_';

const text = { kind: 'text' } as const;
const bool = { kind: 'boolean' } as const;
const date = { kind: 'date' } as const;
const money = { kind: 'money' } as const;
const readOnlyMoney = { kind: 'money', readOnly: true } as const;
const stamp = { kind: 'datetime', readOnly: true } as const;
const ref = (target: RecordType) => ({ kind: 'ref', target }) as const;

const addressFields = [
  'addressee',
  'attention',
  'addr1',
  'addr2',
  'addr3',
  'city',
  'state',
  'zip',
  'country',
  'addrPhone',
];
export const addressFieldNames: ReadonlySet<string> = new Set(addressFields);

const segmentFields = (type: RecordType): Record<string, FieldSpec> => ({
  name: text,
  parent: ref(type),
  subsidiary: { kind: 'multiref', target: 'subsidiary' },
  includeChildren: bool,
  isInactive: bool,
  externalId: text,
  lastModifiedDate: stamp,
});

export const recordSpecs: Record<RecordType, RecordTypeSpec> = {
  subsidiary: {
    type: 'subsidiary',
    label: 'Subsidiary',
    customPrefix: 'custrecord_',
    fields: {
      name: text,
      parent: ref('subsidiary'),
      currency: ref('currency'),
      country: text,
      legalName: text,
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  currency: {
    type: 'currency',
    label: 'Currency',
    customPrefix: 'custrecord_',
    fields: {
      name: text,
      symbol: text,
      displaySymbol: text,
      isBaseCurrency: bool,
      exchangeRate: { kind: 'number' },
      currencyPrecision: { kind: 'number' },
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  term: {
    type: 'term',
    label: 'Terms',
    customPrefix: 'custrecord_',
    fields: {
      name: text,
      daysUntilNetDue: { kind: 'number' },
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  account: {
    type: 'account',
    label: 'Account',
    customPrefix: 'custrecord_',
    fields: {
      acctNumber: text,
      acctName: text,
      acctType: { kind: 'enum', values: accountTypes },
      description: text,
      parent: ref('account'),
      currency: ref('currency'),
      subsidiary: { kind: 'multiref', target: 'subsidiary' },
      includeChildren: bool,
      isSummary: bool,
      isInactive: bool,
      fullName: { kind: 'text', readOnly: true },
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  department: {
    type: 'department',
    label: 'Department',
    customPrefix: 'custrecord_',
    fields: segmentFields('department'),
  },
  classification: {
    type: 'classification',
    label: 'Class',
    customPrefix: 'custrecord_',
    fields: segmentFields('classification'),
  },
  location: {
    type: 'location',
    label: 'Location',
    customPrefix: 'custrecord_',
    fields: segmentFields('location'),
  },
  // A value of a custom segment: NetSuite keeps each segment's values as a custom record type
  // `customrecord_cseg_<id>` whose subsidiary filter is the field `cseg_<id>_filterby_subsidiary`
  // (Oracle help: Using SuiteScript to Create Values for Existing Custom Segments). The sandbox keeps
  // them all in one type, `segment` naming the segment; custom-segments.ts renames at the API edge.
  customSegmentValue: {
    type: 'customSegmentValue',
    label: 'Custom Segment Value',
    customPrefix: 'custrecord_',
    restType: false,
    fields: {
      segment: text,
      name: text,
      parent: ref('customSegmentValue'),
      subsidiary: { kind: 'multiref', target: 'subsidiary' },
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  // A legacy tax code (SOAP SalesTaxItem: itemId, rate, purchaseAccount, isInactive, subsidiaryList,
  // includeChildren). Not in the record API: "REST web services don't support legacy tax features"
  // (Oracle help: Limitations of REST Web Services); read it with SuiteQL (`salestaxitem`).
  salesTaxItem: {
    type: 'salesTaxItem',
    label: 'Tax Code',
    customPrefix: 'custrecord_',
    restType: false,
    fields: {
      itemId: text,
      description: text,
      /** Percent, e.g. 13 for 13%. */
      rate: { kind: 'number' },
      purchaseAccount: ref('account'),
      saleAccount: ref('account'),
      subsidiary: { kind: 'multiref', target: 'subsidiary' },
      includeChildren: bool,
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  vendor: {
    type: 'vendor',
    label: 'Vendor',
    customPrefix: 'custentity_',
    fields: {
      entityId: text,
      companyName: text,
      firstName: text,
      lastName: text,
      legalName: text,
      isPerson: bool,
      email: text,
      phone: text,
      altPhone: text,
      // In the record API export's vendor (infra/contracts/facts/netsuite-record-api.json).
      mobilePhone: text,
      fax: text,
      url: text,
      accountNumber: text,
      printOnCheckAs: text,
      comments: text,
      isInactive: bool,
      currency: ref('currency'),
      subsidiary: ref('subsidiary'),
      terms: ref('term'),
      externalId: text,
      dateCreated: stamp,
      lastModifiedDate: stamp,
      // The currencies the vendor may be billed and paid in besides its primary one (record API
      // vendor-currencyListElement: currency, balance, unbilledOrders).
      currencyList: {
        kind: 'sublist',
        line: {
          currency: ref('currency'),
          balance: readOnlyMoney,
          unbilledOrders: readOnlyMoney,
        },
      },
      addressBook: {
        kind: 'sublist',
        line: {
          label: text,
          defaultBilling: bool,
          defaultShipping: bool,
          addressBookAddress: { kind: 'address' },
        },
      },
    },
  },
  // A vendor's secondary subsidiary (OneWorld: a vendor may be shared with several subsidiaries; record
  // API vendorSubsidiaryRelationship, SuiteQL vendorsubsidiaryrelationship). The primary one is the
  // vendor's own `subsidiary`.
  vendorSubsidiaryRelationship: {
    type: 'vendorSubsidiaryRelationship',
    label: 'Vendor-Subsidiary Relationship',
    customPrefix: 'custrecord_',
    fields: {
      entity: ref('vendor'),
      subsidiary: ref('subsidiary'),
      isPrimarySub: { kind: 'boolean', readOnly: true },
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  vendorBill: {
    type: 'vendorBill',
    label: 'Bill',
    customPrefix: 'custbody_',
    customLinePrefixes: ['custcol_', SEGMENT_PREFIX],
    transactionType: 'VendBill',
    // No tax field, on the body or the lines: "REST web services don't support legacy tax features"
    // (Oracle help: Limitations of REST Web Services), and the record API's vendorBill and
    // vendorBill-expenseElement schemas carry no taxCode, taxRate1, tax1Amt, grossAmt or taxDetails
    // (NetSuite record API OpenAPI, a legacy-tax account). The sandbox is such an account: those names are
    // unknown fields, handled by X-NetSuite-PropertyNameValidation like any other (record-input.ts).
    fields: {
      entity: ref('vendor'),
      subsidiary: ref('subsidiary'),
      currency: ref('currency'),
      exchangeRate: { kind: 'number' },
      tranDate: date,
      dueDate: date,
      tranId: text,
      externalId: text,
      memo: text,
      account: ref('account'),
      terms: ref('term'),
      department: ref('department'),
      class: ref('classification'),
      location: ref('location'),
      approvalStatus: { kind: 'enum', values: approvalStatuses },
      paymentHold: bool,
      status: { kind: 'enum', values: billStatuses, readOnly: true },
      total: readOnlyMoney,
      userTotal: money,
      balance: readOnlyMoney,
      createdDate: stamp,
      lastModifiedDate: stamp,
      expense: {
        kind: 'sublist',
        line: {
          line: { kind: 'number', readOnly: true },
          account: ref('account'),
          amount: money,
          department: ref('department'),
          class: ref('classification'),
          location: ref('location'),
          memo: text,
          isBillable: bool,
        },
      },
      item: {
        kind: 'sublist',
        line: {
          line: { kind: 'number', readOnly: true },
          item: { kind: 'looseRef' },
          description: text,
          quantity: { kind: 'number' },
          rate: { kind: 'number' },
          amount: money,
          department: ref('department'),
          class: ref('classification'),
          location: ref('location'),
        },
      },
    },
  },
  vendorPayment: {
    type: 'vendorPayment',
    label: 'Bill Payment',
    customPrefix: 'custbody_',
    customLinePrefixes: ['custcol_'],
    transactionType: 'VendPymt',
    fields: {
      entity: ref('vendor'),
      account: ref('account'),
      apAcct: ref('account'),
      subsidiary: ref('subsidiary'),
      currency: ref('currency'),
      exchangeRate: { kind: 'number' },
      tranDate: date,
      tranId: text,
      externalId: text,
      memo: text,
      department: ref('department'),
      class: ref('classification'),
      location: ref('location'),
      toBePrinted: bool,
      status: { kind: 'enum', values: paymentStatuses, readOnly: true },
      total: readOnlyMoney,
      unapplied: readOnlyMoney,
      balance: readOnlyMoney,
      createdDate: stamp,
      lastModifiedDate: stamp,
      apply: {
        kind: 'sublist',
        line: {
          doc: ref('vendorBill'),
          apply: bool,
          amount: money,
          line: { kind: 'number', readOnly: true },
          due: readOnlyMoney,
          total: readOnlyMoney,
          applyDate: { kind: 'date', readOnly: true },
          refNum: { kind: 'text', readOnly: true },
          type: { kind: 'text', readOnly: true },
          currency: { kind: 'text', readOnly: true },
        },
      },
    },
  },
  // File Cabinet folders and files (N/file: a file has a name, a type, a folder, content; SOAP Folder and
  // File records). Reached through the attachment RESTlet (restlet.ts) and the admin API, not REST.
  folder: {
    type: 'folder',
    label: 'Folder',
    customPrefix: 'custrecord_',
    restType: false,
    fields: {
      name: text,
      parent: ref('folder'),
      description: text,
      isInactive: bool,
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
  file: {
    type: 'file',
    label: 'File',
    customPrefix: 'custrecord_',
    restType: false,
    fields: {
      name: text,
      folder: ref('folder'),
      /** A `file.Type` name: PDF, PNGIMAGE, PLAINTEXT, ... */
      fileType: text,
      description: text,
      /** The bytes, base64. */
      content: text,
      size: { kind: 'number', readOnly: true },
      sha1: { kind: 'text', readOnly: true },
      externalId: text,
      lastModifiedDate: stamp,
    },
  },
};

/** Is the type served by the record API under its own name? */
export function isRestType(type: RecordType): boolean {
  return recordSpecs[type].restType !== false;
}

/** The entity type a SuiteQL `entity` column refers to (only vendors exist here). */
export const entityType: RecordType = 'vendor';
