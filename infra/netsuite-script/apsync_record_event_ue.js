/**
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
// apsync record-event notifier. NetSuite runs afterSubmit after a vendor, account, department,
// vendor bill or vendor payment is saved; it POSTs a small notice signed by the Standard Webhooks scheme to
// apsync's `<API URL>/netsuite/events`. Install: infra/netsuite-script/README.md. Tests load this file
// with fakes of the N/* modules (test/unit/netsuite-script.test.ts).
//
// The user's save has already committed when afterSubmit runs, so nothing here may throw: every failure
// is logged and dropped, and apsync's SuiteQL poll picks up whatever a lost notice would have announced.
define(['N/https', 'N/crypto', 'N/crypto/random', 'N/encode', 'N/runtime', 'N/log'], (
  https,
  crypto,
  random,
  encode,
  runtime,
  log,
) => {
  // NetSuite record type ids (lower case, as `record.type` gives them) apsync listens to.
  const RECORD_TYPES = ['vendor', 'account', 'department', 'vendorbill', 'vendorpayment'];

  // context.type values sent as they are.
  const SENT_AS_IS = ['create', 'edit', 'xedit', 'delete', 'paybills'];
  // Workflow actions that change the record (status, approval): the worker refetches the record, so an
  // "edit" notice is the right message. Every other type (ship, pack, dropship, ...) does not apply to
  // these records and is ignored; the SuiteQL poll still covers it.
  const SENT_AS_EDIT = ['approve', 'reject', 'cancel'];

  const PARAMETERS = {
    url: 'custscript_apsync_url',
    secretId: 'custscript_apsync_secret_id',
    secretEncoding: 'custscript_apsync_secret_encoding',
    integrationRole: 'custscript_apsync_integration_role',
    integrationUser: 'custscript_apsync_integration_user',
  };
  const DEFAULT_SECRET_ID = 'custsecret_apsync_webhook';

  const LOG_TITLE = 'apsync notice';

  function parameter(script, name) {
    const value = script.getParameter({ name });
    if (value === null || value === undefined) return '';
    return String(value).trim();
  }

  function noticeEventType(contextType) {
    const type = String(contextType || '').toLowerCase();
    if (SENT_AS_IS.includes(type)) return type;
    if (SENT_AS_EDIT.includes(type)) return 'edit';
    return null;
  }

  // A change made by apsync itself (through REST web services as its integration role or user) would
  // only echo back what apsync just wrote.
  function isEcho(script) {
    if (runtime.executionContext !== runtime.ContextType.REST_WEBSERVICES) return false;
    const user = runtime.getCurrentUser();
    const role = parameter(script, PARAMETERS.integrationRole);
    const userId = parameter(script, PARAMETERS.integrationUser);
    if (role !== '' && String(user.role) === role) return true;
    if (userId !== '' && String(user.id) === userId) return true;
    return false;
  }

  // Works for a Date from any realm (NetSuite returns datetime fields as Date objects).
  function isValidDate(value) {
    return Object.prototype.toString.call(value) === '[object Date]' && !Number.isNaN(value.getTime());
  }

  function lastModified(record, eventType, now) {
    // A delete happens now; the old record's date is its previous edit.
    if (eventType === 'delete') return now.toISOString();
    let value = null;
    try {
      value = record.getValue({ fieldId: 'lastmodifieddate' });
    } catch (_e) {
      value = null;
    }
    return isValidDate(value) ? value.toISOString() : now.toISOString();
  }

  // evt_<unix ms>_<v4 UUID hex>: unique (cryptographic UUID) and sortable by creation time when read in a log.
  function newEventId(now) {
    return `evt_${now.getTime()}_${random.generateUUID().replace(/-/g, '').toLowerCase()}`;
  }

  function secretKeyEncoding(script) {
    // The API Secret holds the base64 text after `whsec_`; BASE_64 makes the HMAC key its decoded bytes,
    // which is the Standard Webhooks key. UTF_8 is the fallback documented in the README.
    return parameter(script, PARAMETERS.secretEncoding).toUpperCase() === 'UTF_8'
      ? encode.Encoding.UTF_8
      : encode.Encoding.BASE_64;
  }

  function sign(script, id, timestamp, body) {
    const key = crypto.createSecretKey({
      secret: parameter(script, PARAMETERS.secretId) || DEFAULT_SECRET_ID,
      encoding: secretKeyEncoding(script),
    });
    const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key });
    hmac.update({ input: `${id}.${timestamp}.${body}`, inputEncoding: encode.Encoding.UTF_8 });
    return `v1,${hmac.digest({ outputEncoding: encode.Encoding.BASE_64 })}`;
  }

  function post(script, url, notice, body) {
    // A fresh timestamp and signature per attempt; the id stays the same so apsync de-duplicates.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = https.post({
      url,
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': notice.eventId,
        'webhook-timestamp': timestamp,
        'webhook-signature': sign(script, notice.eventId, timestamp, body),
      },
    });
    return Number(response?.code);
  }

  function describeNotice(notice) {
    return `${notice.eventType} ${notice.recordType} ${notice.recordId} (${notice.eventId})`;
  }

  function deliver(script, url, notice) {
    const body = JSON.stringify(notice);
    let code = post(script, url, notice, body);
    // apsync answers 429/5xx when it could not queue the notice and asks the sender to retry: one retry
    // keeps the user's save from waiting long; the poll covers the rest.
    if (code === 429 || code >= 500) {
      log.audit({ title: LOG_TITLE, details: `HTTP ${code} for ${describeNotice(notice)}; retrying once` });
      code = post(script, url, notice, body);
    }
    if (code >= 200 && code < 300) {
      log.debug({ title: LOG_TITLE, details: `sent ${describeNotice(notice)}: HTTP ${code}` });
    } else {
      log.error({ title: LOG_TITLE, details: `not accepted: HTTP ${code} for ${describeNotice(notice)}` });
    }
  }

  function afterSubmit(context) {
    try {
      const eventType = noticeEventType(context.type);
      if (eventType === null) {
        log.debug({ title: LOG_TITLE, details: `ignored event type ${context.type}` });
        return;
      }
      const record = eventType === 'delete' ? context.oldRecord || context.newRecord : context.newRecord;
      const recordType = record ? String(record.type || '').toLowerCase() : '';
      if (!RECORD_TYPES.includes(recordType)) {
        log.debug({ title: LOG_TITLE, details: `ignored record type ${recordType || '(none)'}` });
        return;
      }
      if (record.id === null || record.id === undefined || String(record.id) === '') {
        log.error({ title: LOG_TITLE, details: `no internal id on ${eventType} ${recordType}` });
        return;
      }
      const script = runtime.getCurrentScript();
      if (isEcho(script)) {
        log.debug({ title: LOG_TITLE, details: `skipped apsync's own change to ${recordType} ${record.id}` });
        return;
      }
      const url = parameter(script, PARAMETERS.url);
      if (url === '') {
        log.error({ title: LOG_TITLE, details: `parameter ${PARAMETERS.url} is empty: nothing sent` });
        return;
      }
      const now = new Date();
      // Exactly the notice schema apsync validates, in a fixed key order.
      const notice = {
        eventId: newEventId(now),
        accountId: String(runtime.accountId),
        recordType,
        recordId: String(record.id),
        eventType,
        lastModified: lastModified(record, eventType, now),
      };
      deliver(script, url, notice);
    } catch (e) {
      try {
        const name = e?.name ? e.name : 'Error';
        const message = e?.message ? e.message : String(e);
        log.error({ title: LOG_TITLE, details: `failed, nothing sent: ${name}: ${message}` });
      } catch (_ignored) {
        // Logging itself failed: still never throw into the user's save.
      }
    }
  }

  return { afterSubmit };
});
