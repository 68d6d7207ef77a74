// apsync's attachment RESTlet (infra/netsuite-script/apsync_attach_rl.js) seen from the NetSuite client:
// store an invoice file in a File Cabinet folder and attach it to a record, once — the RESTlet re-uses a
// file of the same name in the folder, so a re-send stores nothing twice — and check a folder at
// configuration time. Requests take the client's request road (token with the `restlets` scope, governor
// permit, retries: a re-send is safe) to the account's RESTlet host. Use cases depend on the
// NetSuiteAttachments interface; createNetSuiteClient builds it when `restlets` is configured.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { BugError, DataError, SyncError } from '../errors.ts';
import type { NetSuiteRestletsConfig } from './config.ts';
import { validateAnswer } from './records.ts';
import type { NetSuiteTransport } from './transport.ts';

export const RESTLET_PATH = '/app/site/hosting/restlet.nl';
/** The version of the request/response contract this client speaks (the RESTlet refuses others). */
export const ATTACH_API_VERSION = 1;
/** RESTlets are "guaranteed up to 10MB per string for RESTlet input or output" (Oracle help: RESTlets). */
export const MAX_RESTLET_STRING = 10 * 1024 * 1024;

/**
 * SuiteScript `file.Type` names the RESTlet accepts for attachments. A copy of the script's FILE_TYPES
 * (infra/netsuite-script/apsync_attach_rl.js, which runs inside NetSuite and imports nothing) and of its
 * contract facts (infra/contracts/facts/apsync-restlet.ts, which the sandbox uses): what a Lambda bundles
 * cannot import infra/, so test/integration/contract-facts.test.ts checks the three lists are one.
 */
export const attachmentFileTypes = [
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
] as const;
export type AttachmentFileType = (typeof attachmentFileTypes)[number];

export interface AttachmentFile {
  /** The File Cabinet name; unique in the folder (the RESTlet de-duplicates on it). */
  name: string;
  fileType: AttachmentFileType;
  content: Uint8Array;
  /** Hex SHA-1 the content must have (e.g. Procurify's `sha1_hash`); checked before sending. */
  sha1?: string;
  description?: string;
}

export interface StoreAttachmentInput {
  /** The record to attach to, as SuiteScript names its type (`vendorbill`) and its internal id. */
  record: { type: string; id: string };
  /** Internal id of the File Cabinet folder. */
  folderId: string;
  file: AttachmentFile;
}

export interface StoredAttachment {
  fileId: string;
  /** False when a file of that name was already in the folder (a re-send): it was re-used. */
  created: boolean;
  attached: boolean;
}

export interface NetSuiteAttachments {
  /**
   * Stores the file (unless the folder already holds one of that name) and attaches it to the record.
   * A missing folder or record, a file over the RESTlet limit or content that does not match its SHA-1
   * are DataErrors (codes FOLDER_NOT_FOUND, RECORD_NOT_FOUND, TOO_LARGE, BAD_CONTENT).
   */
  storeAttachment(input: StoreAttachmentInput): Promise<StoredAttachment>;
  /** The folder's name; a DataError FOLDER_NOT_FOUND when the id names no folder. */
  checkFolder(folderId: string): Promise<{ folderId: string; name: string }>;
}

const answerSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }).loose(),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);
const storedSchema = z.object({
  fileId: z.union([z.string(), z.number()]).transform(String),
  created: z.boolean(),
  attached: z.boolean(),
});
const folderSchema = z.object({
  folderId: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
});

/** Where each refusal points (the field a person must fix). */
const dataCodes: Record<string, string> = {
  FOLDER_NOT_FOUND: 'folderId',
  RECORD_NOT_FOUND: 'record',
  TOO_LARGE: 'file.contentBase64',
  BAD_CONTENT: 'file',
};

const internalId = /^\d{1,18}$/;

export class RestletAttachments implements NetSuiteAttachments {
  private readonly transport: NetSuiteTransport;
  private readonly script: NetSuiteRestletsConfig['attach'];

  constructor(transport: NetSuiteTransport, script: NetSuiteRestletsConfig['attach']) {
    this.transport = transport;
    this.script = script;
  }

  async storeAttachment(input: StoreAttachmentInput): Promise<StoredAttachment> {
    const { record, folderId, file } = input;
    if (!internalId.test(record.id) || !internalId.test(folderId) || !/^[a-z]+$/.test(record.type)) {
      throw new BugError(
        `storeAttachment needs a record type, a record internal id and a folder internal id (got ${record.type} ${record.id}, folder ${folderId})`,
        { source: 'netsuite' },
      );
    }
    const sha1 = createHash('sha1').update(file.content).digest('hex');
    if (file.sha1 !== undefined && file.sha1.toLowerCase() !== sha1) {
      throw new DataError(
        `Attachment ${file.name}: its content's SHA-1 is ${sha1}, not the expected ${file.sha1} (a damaged or changed download)`,
        { source: 'netsuite', code: 'BAD_CONTENT', path: 'file' },
      );
    }
    const contentBase64 = Buffer.from(file.content).toString('base64');
    if (contentBase64.length > MAX_RESTLET_STRING) {
      throw new DataError(
        `Attachment ${file.name} is ${file.content.length} bytes: its base64 text (${contentBase64.length} characters) is over the 10 MB a RESTlet accepts; attach it in NetSuite by hand`,
        { source: 'netsuite', code: 'TOO_LARGE', path: 'file.contentBase64' },
      );
    }
    const answer = await this.call(`attach ${file.name} to ${record.type} ${record.id}`, {
      apiVersion: ATTACH_API_VERSION,
      action: 'storeAttachment',
      record: { type: record.type, id: record.id },
      folderId,
      file: {
        name: file.name,
        fileType: file.fileType,
        contentBase64,
        sha1,
        ...(file.description === undefined ? {} : { description: file.description }),
      },
    });
    return validateAnswer(storedSchema, answer, 'attachment RESTlet answer');
  }

  async checkFolder(folderId: string): Promise<{ folderId: string; name: string }> {
    if (!internalId.test(folderId)) {
      throw new DataError(`File Cabinet folder ${JSON.stringify(folderId)} is not an internal id`, {
        source: 'netsuite',
        code: 'FOLDER_NOT_FOUND',
        path: 'folderId',
      });
    }
    const answer = await this.call(`check folder ${folderId}`, {
      apiVersion: ATTACH_API_VERSION,
      action: 'checkFolder',
      folderId,
    });
    return validateAnswer(folderSchema, answer, 'attachment RESTlet answer');
  }

  /** One RESTlet call; `{ok: false}` answers become DataErrors or BugErrors. */
  private async call(what: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let bodyText: string;
    try {
      const response = await this.transport.send({
        method: 'POST',
        path: RESTLET_PATH,
        query: { script: this.script.scriptId, deploy: this.script.deployId },
        body,
        // The RESTlet finds a file it stored before by its name, so sending again stores nothing twice.
        idempotent: true,
      });
      bodyText = response.bodyText;
    } catch (error) {
      throw this.platformError(error);
    }
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      throw new BugError(`NetSuite attachment RESTlet (${what}) answered with a body that is not JSON`, {
        source: 'netsuite',
      });
    }
    const answer = validateAnswer(answerSchema, json, 'attachment RESTlet answer');
    if (answer.ok) return answer;
    const path = dataCodes[answer.code];
    if (path !== undefined) {
      throw new DataError(`NetSuite refused to ${what}: ${answer.message} (${answer.code})`, {
        source: 'netsuite',
        code: answer.code,
        detail: answer.message,
        path,
      });
    }
    throw new BugError(
      `NetSuite attachment RESTlet refused the request to ${what}: ${answer.message} (${answer.code})`,
      {
        source: 'netsuite',
        code: answer.code,
        detail: answer.message,
      },
    );
  }

  /** A RESTlet the account does not run (wrong script/deploy id, not Released) is a deployment mistake. */
  private platformError(error: unknown): unknown {
    if (error instanceof SyncError && error.code === 'SSS_INVALID_SCRIPTLET_ID') {
      return new BugError(
        `NetSuite has no released deployment ${this.script.deployId} of RESTlet ${this.script.scriptId}: install apsync_attach_rl.js (infra/netsuite-script/README.md) or fix restlets.attach (${error.detail ?? error.message})`,
        { source: 'netsuite', status: error.status, code: error.code, detail: error.detail, cause: error },
      );
    }
    return error;
  }
}
