// Fakes of SuiteScript's N/file, N/search (file searches), N/query (record existence) and N/record (folder
// load, attach) over one in-memory account, for tests that load apsync's attachment RESTlet
// (test/unit/netsuite-attach-restlet.test.ts). They hold the documented behaviour the RESTlet relies on:
// file.create + File.save returning the new id, INVALID_KEY_OR_REF for a folder that does not exist,
// record.load throwing for a missing record, record.attach, and the governance each call costs.
import { Buffer } from 'node:buffer';
import { SuiteScriptError } from './crypto.ts';

export interface FakeFile {
  id: number;
  name: string;
  folder: number;
  fileType: string;
  description?: string;
  bytes: Buffer;
}

const TEXT_TYPES = new Set(['CSV', 'PLAINTEXT', 'XMLDOC', 'JSON', 'HTMLDOC', 'STYLESHEET', 'JAVASCRIPT']);

export const FileType = Object.freeze({
  PDF: 'PDF',
  PNGIMAGE: 'PNGIMAGE',
  JPGIMAGE: 'JPGIMAGE',
  GIFIMAGE: 'GIFIMAGE',
  TIFFIMAGE: 'TIFFIMAGE',
  BMPIMAGE: 'BMPIMAGE',
  WEBPIMAGE: 'WEBPIMAGE',
  WORD: 'WORD',
  EXCEL: 'EXCEL',
  CSV: 'CSV',
  PLAINTEXT: 'PLAINTEXT',
  XMLDOC: 'XMLDOC',
  JSON: 'JSON',
  ZIP: 'ZIP',
});

/** Governance units of the calls the RESTlet makes (Oracle help: each method's governance). */
const UNITS = { recordLoad: 5, runSuiteQL: 10, searchRun: 10, fileSave: 20, attach: 10 };

export function createFakeFileCabinet() {
  const folders = new Map<number, string>();
  const files = new Map<number, FakeFile>();
  /** `type:id` of the records that exist. */
  const records = new Set<string>();
  const attachments = new Map<number, Set<string>>();
  const usage = { units: 0 };
  let nextFileId = 5000;

  const account = {
    folders,
    files,
    records,
    attachments,
    usage,
    addFolder(id: number, name: string): void {
      folders.set(id, name);
    },
    addRecord(type: string, id: number): void {
      records.add(`${type}:${id}`);
    },
    attachedTo(type: string, id: number): FakeFile[] {
      return [...files.values()].filter((file) => attachments.get(file.id)?.has(`${type}:${id}`));
    },
  };

  const fileModule = {
    Type: FileType,
    create(options: {
      name: string;
      fileType: string;
      contents: string;
      folder?: number;
      description?: string;
    }) {
      if (!options?.name)
        throw new SuiteScriptError('SSS_MISSING_REQD_ARGUMENT', 'Missing a required argument: name');
      if (!Object.values(FileType).includes(options.fileType as never))
        throw new SuiteScriptError('INVALID_FILE_TYPE', `Invalid file type ${options.fileType}`);
      if (typeof options.contents !== 'string')
        throw new SuiteScriptError('SSS_INVALID_TYPE_ARG', 'contents');
      if (options.contents.length > 10 * 1024 * 1024)
        throw new SuiteScriptError(
          'SSS_FILE_CONTENT_SIZE_EXCEEDED',
          'Content held in memory is limited to 10MB',
        );
      const bytes = TEXT_TYPES.has(options.fileType)
        ? Buffer.from(options.contents, 'utf8')
        : Buffer.from(options.contents, 'base64');
      return {
        save(): number {
          usage.units += UNITS.fileSave;
          if (options.folder === undefined)
            throw new SuiteScriptError('SSS_MISSING_REQD_ARGUMENT', 'Please enter value(s) for: Folder');
          if (!folders.has(Number(options.folder)))
            throw new SuiteScriptError(
              'INVALID_KEY_OR_REF',
              `Invalid folder reference key ${options.folder}.`,
            );
          nextFileId += 1;
          files.set(nextFileId, {
            id: nextFileId,
            name: options.name,
            folder: Number(options.folder),
            fileType: options.fileType,
            ...(options.description === undefined ? {} : { description: options.description }),
            bytes,
          });
          return nextFileId;
        },
      };
    },
  };

  type Filter = [string, string, string | number];
  const searchModule = {
    create(options: { type: string; filters: Array<Filter | string>; columns?: string[] }) {
      if (options.type !== 'file') throw new Error(`this fake searches files only, not ${options.type}`);
      const conditions = options.filters.filter((entry): entry is Filter => Array.isArray(entry));
      const joins = options.filters.filter((entry) => !Array.isArray(entry));
      if (joins.some((join) => join !== 'AND')) throw new Error('this fake joins filters with AND only');
      const matches = (file: FakeFile) =>
        conditions.every(([field, operator, value]) => {
          if (field === 'folder' && operator === 'anyof') return file.folder === Number(value);
          if (field === 'name' && operator === 'is') return file.name === value;
          throw new Error(`this fake does not know the filter ${field} ${operator}`);
        });
      return {
        run() {
          return {
            getRange(range: { start: number; end: number }) {
              usage.units += UNITS.searchRun;
              return [...files.values()]
                .filter(matches)
                .slice(range.start, range.end)
                .map((file) => ({ id: String(file.id), getValue: () => String(file.id) }));
            },
          };
        },
      };
    },
  };

  const queryModule = {
    runSuiteQL(options: { query: string; params?: Array<string | number> }) {
      usage.units += UNITS.runSuiteQL;
      const sql = options.query.replace(/\s+/g, ' ').trim();
      const [id, type] = options.params ?? [];
      let found: boolean;
      if (sql === 'SELECT id FROM transaction WHERE id = ? AND recordtype = ?')
        found = records.has(`${type}:${id}`);
      else if (sql === 'SELECT id FROM vendor WHERE id = ?') found = records.has(`vendor:${id}`);
      else throw new Error(`this fake does not answer ${sql}`);
      return { asMappedResults: () => (found ? [{ id: Number(id) }] : []) };
    },
  };

  const recordModule = {
    Type: Object.freeze({
      FOLDER: 'folder',
      VENDOR_BILL: 'vendorbill',
      VENDOR_PAYMENT: 'vendorpayment',
      VENDOR: 'vendor',
    }),
    load(options: { type: string; id: number }) {
      usage.units += UNITS.recordLoad;
      if (options.type !== 'folder') throw new Error(`this fake loads folders only, not ${options.type}`);
      const name = folders.get(Number(options.id));
      if (name === undefined) throw new SuiteScriptError('RCRD_DSNT_EXIST', 'That record does not exist.');
      return { getValue: (field: { fieldId: string }) => (field.fieldId === 'name' ? name : null) };
    },
    attach(options: { record: { type: string; id: number }; to: { type: string; id: number } }) {
      usage.units += UNITS.attach;
      if (options.record.type !== 'file' || !files.has(Number(options.record.id)))
        throw new SuiteScriptError('RCRD_DSNT_EXIST', 'That record does not exist.');
      if (!records.has(`${options.to.type}:${options.to.id}`))
        throw new SuiteScriptError('RCRD_DSNT_EXIST', 'That record does not exist.');
      const set = attachments.get(Number(options.record.id)) ?? new Set<string>();
      set.add(`${options.to.type}:${options.to.id}`);
      attachments.set(Number(options.record.id), set);
    },
  };

  return {
    account,
    modules: {
      'N/file': fileModule,
      'N/search': searchModule,
      'N/query': queryModule,
      'N/record': recordModule,
    },
  };
}
