// The vendor operations apsync touches, per vendor document: what extract.ts keeps from the vendors'
// OpenAPI files (and nothing else). An operation is here when apsync's clients call it
// (shared/procurify/, shared/netsuite/) or the sandboxes serve it (infra/sandboxes/); tests that
// call the sandboxes directly use the same operations. Keys are `METHOD path` as the vendor writes
// the path (NetSuite's record paths are relative to `/services/rest/record/v1`).

/** Procurify's API reference (OpenAPI 3.0.3, `procurify.openapi.yml`). */
export const procurifyOperations = [
  'POST /oauth/token', // client token provider
  'GET /api/v3/vendors/', // client listVendors, findVendorByExternalId
  'POST /api/v3/vendors/', // client createVendor
  'GET /api/v3/vendors/{id}/', // client getVendor
  'PUT /api/v3/vendors/{id}/', // client updateVendor (tests); apsync updates with PATCH
  'PATCH /api/v3/vendors/{id}/', // client patchVendor (master-data updates and deactivation)
  'GET /api/v3/account-codes/', // client listAccountCodes
  'POST /api/v3/account-codes/', // client createAccountCode
  'PUT /api/v3/account-codes/{id}/', // client updateAccountCode
  'GET /api/v3/departments/', // client listDepartments
  'POST /api/v3/departments/', // client createDepartment
  'PUT /api/v3/departments/{id}/', // client updateDepartment
  'GET /api/v2/currencies/', // client listCurrencies
  'GET /api/v2/locations/', // client listLocations
  'GET /api/v2/locations/{id}/', // sandbox only
  'GET /api/v2/ap/company-payment-methods/', // client listCompanyPaymentMethods
  'GET /api/v3/ap/bills/', // client listBills, scanBills, countBills
  'GET /api/v2/ap/bills/{id}/', // client getBill
  'POST /api/v3/ap/bills/mark-as-paid/', // client markBillsPaid
  'GET /api/public/v1/payments/', // client listPayments, scanPayments
] as const;

/** Record types of NetSuite's record API that the OpenAPI export describes and apsync or the sandbox use. */
export const netsuiteDescribedTypes = ['vendor', 'account', 'currency', 'term', 'vendorBill'] as const;

/**
 * NetSuite's record API export (`netsuite-record-api.openapi.json`): every operation of the described
 * types the sandbox serves (apsync reads vendor, account and currency, upserts and reads vendorBill),
 * and the bill-to-payment transform. Record types the export lacks (vendorPayment, department, ...) and
 * the token, SuiteQL and governance endpoints are hand-kept in facts/netsuite-reference.json.
 */
export const netsuiteOperations = [
  ...netsuiteDescribedTypes.flatMap((type) => [
    `GET /${type}`,
    `POST /${type}`,
    `GET /${type}/{id}`,
    `PUT /${type}/{id}`,
    `PATCH /${type}/{id}`,
    `DELETE /${type}/{id}`,
  ]),
  'POST /vendorBill/{id}/!transform/vendorPayment',
];

/** Where the record API's paths live below the host (the export's `servers[0].url`). */
export const netsuiteRecordRoot = '/services/rest/record/v1';
