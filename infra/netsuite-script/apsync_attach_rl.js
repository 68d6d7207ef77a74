/**
 * @NApiVersion 2.1
 * @NScriptType Restlet
 * @NModuleScope SameAccount
 */
// apsync attachment RESTlet (issue 11): stores an invoice file in a File Cabinet folder and attaches it to
// a vendor bill, once. apsync POSTs one file per request to
// https://<account>.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=customscript_apsync_attach&deploy=customdeploy_apsync_attach
// with an OAuth 2.0 bearer token whose scope includes `restlets`. Install: infra/netsuite-script/README.md.
// Tests load this file with fakes of the N/* modules (test/unit/netsuite-attach-restlet.test.ts); the
// NetSuite sandbox serves the same contract (infra/sandboxes/netsuite/restlet.ts).
//
// Request (apiVersion 1):
//   {apiVersion: 1, action?: 'storeAttachment', record: {type: 'vendorbill', id}, folderId,
//    file: {name, fileType, contentBase64, sha1?, description?}}
//   {apiVersion: 1, action: 'checkFolder', folderId}
// Answer: {ok: true, fileId, created, attached: true}  (created false: a file of that name was already in
// the folder and is re-used, so a re-send stores nothing twice), {ok: true, folderId, name} for
// checkFolder, or {ok: false, code, message} with code BAD_REQUEST, FOLDER_NOT_FOUND, RECORD_NOT_FOUND,
// TOO_LARGE or BAD_CONTENT. Anything else is thrown: NetSuite answers it as an HTTP error.
//
// Governance (5,000 units per RESTlet call): folder load 5 + record check 10 + file search 10 + save 20 +
// attach 10 = about 55 units.
define(['N/file', 'N/search', 'N/query', 'N/record', 'N/crypto', 'N/encode', 'N/log'], (
  file,
  search,
  query,
  record,
  crypto,
  encode,
  log,
) => {
  const API_VERSION = 1;
  // "guaranteed up to 10MB per string for RESTlet input or output" (Oracle help: RESTlets); N/file holds
  // at most 10 MB of content in memory.
  const MAX_STRING = 10 * 1024 * 1024;
  const LOG_TITLE = 'apsync attach';

  // SuiteScript record types (record.Type values) a file may be attached to, and how their existence is
  // checked with SuiteQL.
  const ATTACHABLE = {
    vendorbill: { sql: 'SELECT id FROM transaction WHERE id = ? AND recordtype = ?', withType: true },
    vendorpayment: { sql: 'SELECT id FROM transaction WHERE id = ? AND recordtype = ?', withType: true },
    vendor: { sql: 'SELECT id FROM vendor WHERE id = ?', withType: false },
  };

  // file.Type names accepted; text types take their content as text, the others as base64 (N/file:
  // binary content "must be base64 encoded").
  const FILE_TYPES = [
    'PDF',
    'PNGIMAGE',
    'JPGIMAGE',
    'GIFIMAGE',
    'TIFFIMAGE',
    'BMPIMAGE',
    'WEBPIMAGE',
    'WORD',
    'EXCEL',
    'CSV',
    'PLAINTEXT',
    'XMLDOC',
    'JSON',
    'ZIP',
  ];
  const TEXT_TYPES = ['CSV', 'PLAINTEXT', 'XMLDOC', 'JSON'];

  const INTERNAL_ID = /^\d{1,18}$/;
  // A character class and a length check: a group repeated over megabytes of text overflows the stack.
  const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
  const BAD_NAME = /[\\/:*?"<>|]/;

  function refusal(code, message) {
    return { ok: false, code, message };
  }

  function idText(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
    if (typeof value === 'string' && INTERNAL_ID.test(value)) return value;
    return null;
  }

  function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  // The folder's name, or a refusal. record.load throws for an id that is not a folder.
  function loadFolder(folderValue) {
    const folderId = idText(folderValue);
    if (folderId === null) return refusal('BAD_REQUEST', 'folderId must be a folder internal id.');
    try {
      const folder = record.load({ type: record.Type.FOLDER, id: Number(folderId) });
      return { id: folderId, name: String(folder.getValue({ fieldId: 'name' }) || '') };
    } catch (error) {
      return refusal('FOLDER_NOT_FOUND', `Invalid folder reference key ${folderId}. (${errorText(error)})`);
    }
  }

  function recordExists(type, id) {
    const check = ATTACHABLE[type];
    const params = check.withType ? [Number(id), type] : [Number(id)];
    return query.runSuiteQL({ query: check.sql, params }).asMappedResults().length > 0;
  }

  // The internal id of the file named `name` in the folder, or null.
  function findFile(folderId, name) {
    const results = search
      .create({
        type: 'file',
        filters: [['folder', 'anyof', folderId], 'AND', ['name', 'is', name]],
        columns: ['internalid'],
      })
      .run()
      .getRange({ start: 0, end: 2 });
    return results.length > 0 ? String(results[0].id) : null;
  }

  function sha1Of(contentBase64) {
    const hash = crypto.createHash({ algorithm: crypto.HashAlg.SHA1 });
    hash.update({ input: contentBase64, inputEncoding: encode.Encoding.BASE_64 });
    return String(hash.digest({ outputEncoding: encode.Encoding.HEX })).toLowerCase();
  }

  function errorText(error) {
    if (error && typeof error === 'object') return `${error.name || 'Error'}: ${error.message || ''}`;
    return String(error);
  }

  function checkFolder(request) {
    const folder = loadFolder(request.folderId);
    if (folder.ok === false) return folder;
    return { ok: true, folderId: folder.id, name: folder.name };
  }

  function storeAttachment(request) {
    const target = request.record;
    const input = request.file;
    if (!isObject(target) || typeof target.type !== 'string' || idText(target.id) === null) {
      return refusal('BAD_REQUEST', 'record must be {type, id} with a record internal id.');
    }
    if (!isObject(input) || typeof input.name !== 'string' || typeof input.contentBase64 !== 'string') {
      return refusal('BAD_REQUEST', 'file must carry name, fileType and contentBase64.');
    }
    if (input.contentBase64.length > MAX_STRING) {
      return refusal(
        'TOO_LARGE',
        `contentBase64 is ${input.contentBase64.length} characters; a RESTlet string may hold ${MAX_STRING}.`,
      );
    }
    const folder = loadFolder(request.folderId);
    if (folder.ok === false) return folder;
    const type = target.type.toLowerCase();
    const recordId = idText(target.id);
    if (!(type in ATTACHABLE) || !recordExists(type, recordId)) {
      return refusal('RECORD_NOT_FOUND', `No ${target.type} record with internal id ${recordId}.`);
    }
    const name = input.name.trim();
    if (name === '' || name.length > 255 || BAD_NAME.test(name)) {
      return refusal(
        'BAD_CONTENT',
        `File name ${JSON.stringify(input.name)} is not a valid File Cabinet name.`,
      );
    }
    if (typeof input.fileType !== 'string' || !FILE_TYPES.includes(input.fileType)) {
      return refusal(
        'BAD_CONTENT',
        `fileType ${JSON.stringify(input.fileType)} is not a supported file.Type.`,
      );
    }
    const content = input.contentBase64.replace(/\s+/g, '');
    if (content.length % 4 !== 0 || !BASE64.test(content)) {
      return refusal('BAD_CONTENT', 'contentBase64 is not base64.');
    }
    if (input.sha1 !== undefined && input.sha1 !== null) {
      if (typeof input.sha1 !== 'string' || input.sha1.toLowerCase() !== sha1Of(content)) {
        return refusal('BAD_CONTENT', 'The content does not match its sha1.');
      }
    }
    if (input.description !== undefined && typeof input.description !== 'string') {
      return refusal('BAD_REQUEST', 'file.description must be text.');
    }

    // File Cabinet names are unique per folder, and what save() does with a taken name is not
    // documented: look first, and re-use the file (apsync names files after the bill and the attachment).
    let fileId = findFile(folder.id, name);
    const created = fileId === null;
    if (fileId === null) {
      const contents = TEXT_TYPES.includes(input.fileType)
        ? encode.convert({
            string: content,
            inputEncoding: encode.Encoding.BASE_64,
            outputEncoding: encode.Encoding.UTF_8,
          })
        : content;
      const options = { name, fileType: file.Type[input.fileType], contents, folder: Number(folder.id) };
      if (typeof input.description === 'string') options.description = input.description;
      try {
        fileId = String(file.create(options).save());
      } catch (error) {
        if (error && error.name === 'INVALID_KEY_OR_REF') {
          return refusal(
            'FOLDER_NOT_FOUND',
            `Invalid folder reference key ${folder.id}. (${errorText(error)})`,
          );
        }
        throw error;
      }
    }
    // Attaching a file that is already attached changes nothing, so a re-send attaches again.
    record.attach({ record: { type: 'file', id: Number(fileId) }, to: { type, id: Number(recordId) } });
    log.debug({
      title: LOG_TITLE,
      details: `${created ? 'stored' : 're-used'} file ${fileId} on ${type} ${recordId}`,
    });
    return { ok: true, fileId, created, attached: true };
  }

  function post(request) {
    if (!isObject(request)) return refusal('BAD_REQUEST', 'The request body must be a JSON object.');
    if (request.apiVersion !== API_VERSION)
      return refusal('BAD_REQUEST', `apiVersion must be ${API_VERSION}.`);
    const action = request.action === undefined ? 'storeAttachment' : request.action;
    try {
      if (action === 'checkFolder') return checkFolder(request);
      if (action === 'storeAttachment') return storeAttachment(request);
      return refusal('BAD_REQUEST', `Unknown action ${String(action)}.`);
    } catch (error) {
      log.error({ title: LOG_TITLE, details: errorText(error) });
      throw error;
    }
  }

  return { post };
});
