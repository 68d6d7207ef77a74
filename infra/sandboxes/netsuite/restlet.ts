// The attachment RESTlet of the NetSuite sandbox: what `infra/netsuite-script/apsync_attach_rl.js` does in a
// real account, on the sandbox's File Cabinet. `POST /app/site/hosting/restlet.nl?script=
// customscript_apsync_attach&deploy=customdeploy_apsync_attach` (the account's RESTlet host) with a bearer
// token whose scope includes `restlets`. Request (apiVersion 1):
//   {apiVersion: 1, action?: 'storeAttachment', record: {type: 'vendorbill', id}, folderId,
//    file: {name, fileType, contentBase64, sha1?, description?}}
//   {apiVersion: 1, action: 'checkFolder', folderId}
// Answers 200 {ok: true, fileId, created, attached: true} (created false when a file of that name was
// already in the folder: it is re-used, so a re-send stores nothing twice), {ok: true, folderId, name} for
// checkFolder, or 200 {ok: false, code, message} with code BAD_REQUEST, FOLDER_NOT_FOUND, RECORD_NOT_FOUND,
// TOO_LARGE (a string over the 10 MB RESTlets guarantee) or BAD_CONTENT. Errors of the platform itself
// come as NetSuite answers a RESTlet call: HTTP 4xx `{"error": {"code", "message"}}` (the shape commonly
// observed; not in Oracle's text). Called by the sandbox router (server.ts).
import {
  attachFile,
  decodeBase64,
  fileTypes,
  findFileByName,
  MAX_RESTLET_STRING,
  sha1Hex,
} from './file-cabinet.ts';
import type { RecordType } from './record-types.ts';
import type { RecordStore } from './store.ts';
import { textField } from './store.ts';
import { createRecord, writeContext } from './writes.ts';

export { ATTACH_RESTLET_PATH as RESTLET_PATH } from '../../contracts/facts/apsync-restlet.ts';
export const ATTACH_SCRIPT_ID = 'customscript_apsync_attach';
export const ATTACH_DEPLOY_ID = 'customdeploy_apsync_attach';

/** A RESTlet-level failure: HTTP status and NetSuite's `{"error": {code, message}}` body. */
export class RestletError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  body(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message } };
  }
}

export const restletErrors = {
  invalidLogin: () => new RestletError(401, 'INVALID_LOGIN_ATTEMPT', 'Invalid login attempt.'),
  // The text NetSuite gives for an unknown or undeployed script/deploy id (commonly observed).
  noSuchScript: () =>
    new RestletError(
      400,
      'SSS_INVALID_SCRIPTLET_ID',
      'That Suitelet is invalid, disabled, or no longer exists.',
    ),
};

type Answer = { ok: true } & Record<string, unknown>;
type Failure = { ok: false; code: string; message: string };

const failure = (code: string, message: string): Failure => ({ ok: false, code, message });

/** SuiteScript record type ids (record.Type values) a file may be attached to here. */
const attachable: Record<string, RecordType> = {
  vendorbill: 'vendorBill',
  vendorpayment: 'vendorPayment',
  vendor: 'vendor',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idText = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{1,18}$/.test(value)
    ? value
    : typeof value === 'number' && Number.isSafeInteger(value) && value > 0
      ? String(value)
      : undefined;

function folderAnswer(store: RecordStore, folderId: unknown): { id: string; name: string } | Failure {
  const id = idText(folderId);
  if (id === undefined) return failure('BAD_REQUEST', 'folderId must be a folder internal id.');
  const folder = store.get('folder', id);
  if (folder === undefined || folder.fields.isInactive === true) {
    return failure('FOLDER_NOT_FOUND', `Invalid folder reference key ${id}.`);
  }
  return { id, name: textField(folder.fields, 'name') ?? '' };
}

/** Runs the RESTlet's POST entry point on the sandbox's records. */
export function runAttachRestlet(store: RecordStore, request: unknown): Answer | Failure {
  if (!isObject(request)) return failure('BAD_REQUEST', 'The request body must be a JSON object.');
  if (request.apiVersion !== 1) return failure('BAD_REQUEST', 'apiVersion must be 1.');
  const action = request.action ?? 'storeAttachment';
  if (action === 'checkFolder') {
    const folder = folderAnswer(store, request.folderId);
    return 'ok' in folder ? folder : { ok: true, folderId: folder.id, name: folder.name };
  }
  if (action !== 'storeAttachment') return failure('BAD_REQUEST', `Unknown action ${String(action)}.`);
  const { record, file } = request;
  if (!isObject(record) || typeof record.type !== 'string' || idText(record.id) === undefined) {
    return failure('BAD_REQUEST', 'record must be {type, id} with a record internal id.');
  }
  if (!isObject(file) || typeof file.name !== 'string' || typeof file.contentBase64 !== 'string') {
    return failure('BAD_REQUEST', 'file must carry name, fileType and contentBase64.');
  }
  if (file.contentBase64.length > MAX_RESTLET_STRING) {
    return failure(
      'TOO_LARGE',
      `contentBase64 is ${file.contentBase64.length} characters; a RESTlet string may hold ${MAX_RESTLET_STRING}.`,
    );
  }
  const folder = folderAnswer(store, request.folderId);
  if ('ok' in folder) return folder;
  const type = attachable[record.type.toLowerCase()];
  const recordId = idText(record.id)!;
  if (type === undefined || store.get(type, recordId) === undefined) {
    return failure('RECORD_NOT_FOUND', `No ${record.type} record with internal id ${recordId}.`);
  }
  const name = file.name.trim();
  if (name === '' || name.length > 255 || /[\\/:*?"<>|]/.test(name)) {
    return failure('BAD_CONTENT', `File name ${JSON.stringify(file.name)} is not a valid File Cabinet name.`);
  }
  if (typeof file.fileType !== 'string' || !(fileTypes as readonly string[]).includes(file.fileType)) {
    return failure('BAD_CONTENT', `fileType ${JSON.stringify(file.fileType)} is not a supported file.Type.`);
  }
  const bytes = decodeBase64(file.contentBase64);
  if (bytes === undefined) return failure('BAD_CONTENT', 'contentBase64 is not base64.');
  if (file.sha1 !== undefined && file.sha1 !== null) {
    if (typeof file.sha1 !== 'string' || file.sha1.toLowerCase() !== sha1Hex(bytes)) {
      return failure('BAD_CONTENT', 'The content does not match its sha1.');
    }
  }
  if (file.description !== undefined && typeof file.description !== 'string') {
    return failure('BAD_REQUEST', 'file.description must be text.');
  }
  let stored = findFileByName(store, folder.id, name);
  const created = stored === undefined;
  if (stored === undefined) {
    stored = createRecord(writeContext(store, 'admin'), 'file', {
      name,
      folder: { id: folder.id },
      fileType: file.fileType,
      content: bytes.toString('base64'),
      ...(typeof file.description === 'string' ? { description: file.description } : {}),
    }).record;
  }
  attachFile(store, stored.id, type, recordId);
  return { ok: true, fileId: stored.id, created, attached: true };
}
