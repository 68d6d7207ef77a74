// SuiteScript 2.x as the NetSuite sandbox runs apsync's attachment RESTlet: the script file itself
// (infra/netsuite-script/apsync_attach_rl.js) evaluated the way NetSuite loads it — an AMD `define` whose
// factory gets the N/* modules it names — with those modules working on the sandbox's account: N/record
// (folder load, attach), N/query (SuiteQL through the sandbox's engine), N/search (a file by folder and
// name), N/file (create, save into the File Cabinet), N/crypto (createHash), N/encode (convert) and N/log.
// Only what the script calls is there; facts from Oracle help: N/file ("binary content must be base64
// encoded", text types take text), N/record record.load/record.attach, N/query runSuiteQL.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { NetSuiteSandboxCore } from './core.ts';
import { attachFile, findFileByName } from './file-cabinet.ts';
import { NetSuiteProblem } from './problem.ts';
import type { RecordType } from './record-types.ts';
import { textField } from './store.ts';
import { createRecord, writeContext } from './writes.ts';

const scriptPath = fileURLToPath(new URL('../../netsuite-script/apsync_attach_rl.js', import.meta.url));
const script = new Script(readFileSync(scriptPath, 'utf8'), { filename: scriptPath });

/** An error as SuiteScript throws it: its name is NetSuite's error code. */
export class SuiteScriptError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** record.Type values (lower case) of the records the sandbox keeps. */
const recordTypeOf: Record<string, RecordType> = {
  folder: 'folder',
  file: 'file',
  vendorbill: 'vendorBill',
  vendorpayment: 'vendorPayment',
  vendor: 'vendor',
};

/** file.Type names whose `contents` are text; the others take base64 (N/file). */
const textFileTypes = new Set(['CSV', 'PLAINTEXT', 'XMLDOC', 'JSON', 'HTMLDOC', 'STYLESHEET', 'JAVASCRIPT']);

const Encoding = Object.freeze({ UTF_8: 'UTF_8', BASE_64: 'BASE_64', HEX: 'HEX' });
const bufferEncodings: Record<string, BufferEncoding> = { UTF_8: 'utf8', BASE_64: 'base64', HEX: 'hex' };

function bufferEncoding(encoding: string): BufferEncoding {
  const known = bufferEncodings[encoding];
  if (known === undefined) throw new SuiteScriptError('INVALID_ENCODING', `Unknown encoding ${encoding}.`);
  return known;
}

/** The N/* modules the script names, on one sandbox account. */
function modulesOf(core: NetSuiteSandboxCore): Record<string, unknown> {
  const store = core.store;
  const notFound = () => new SuiteScriptError('RCRD_DSNT_EXIST', 'That record does not exist.');
  const record = {
    Type: Object.freeze({ FOLDER: 'folder', VENDOR_BILL: 'vendorbill', VENDOR_PAYMENT: 'vendorpayment' }),
    load(options: { type: string; id: number }) {
      const folder = options.type === 'folder' ? store.get('folder', String(options.id)) : undefined;
      if (folder === undefined || folder.fields.isInactive === true) throw notFound();
      return { getValue: (field: { fieldId: string }) => textField(folder.fields, field.fieldId) ?? null };
    },
    attach(options: { record: { type: string; id: number }; to: { type: string; id: number } }) {
      const type = recordTypeOf[options.to.type];
      const fileId = String(options.record.id);
      if (options.record.type !== 'file' || store.get('file', fileId) === undefined) throw notFound();
      if (type === undefined || store.get(type, String(options.to.id)) === undefined) throw notFound();
      attachFile(store, fileId, type, String(options.to.id));
    },
  };
  const query = {
    runSuiteQL(options: { query: string; params?: unknown[] }) {
      const rows = core.suiteql.execute(options.query, options.params ?? []).rows;
      return { asMappedResults: () => rows };
    },
  };
  const search = {
    create(options: { type: string; filters: unknown[] }) {
      const [folder, , name] = options.filters as [
        [string, string, unknown],
        string,
        [string, string, string],
      ];
      if (options.type !== 'file' || folder[0] !== 'folder' || name[0] !== 'name') {
        throw new SuiteScriptError(
          'SSS_INVALID_SRCH_FILTER',
          'The sandbox searches files by folder and name.',
        );
      }
      const found = findFileByName(store, String(folder[2]), name[2]);
      return { run: () => ({ getRange: () => (found === undefined ? [] : [{ id: found.id }]) }) };
    },
  };
  const file = {
    Type: new Proxy({}, { get: (_target, name) => name }),
    create(options: {
      name: string;
      fileType: string;
      contents: string;
      folder: number;
      description?: string;
    }) {
      return {
        save(): number {
          const folder = String(options.folder);
          if (store.get('folder', folder) === undefined) {
            throw new SuiteScriptError('INVALID_KEY_OR_REF', `Invalid folder reference key ${folder}.`);
          }
          const content = textFileTypes.has(options.fileType)
            ? Buffer.from(options.contents, 'utf8').toString('base64')
            : options.contents;
          try {
            const saved = createRecord(writeContext(store, 'admin'), 'file', {
              name: options.name,
              folder: { id: folder },
              fileType: options.fileType,
              content,
              ...(options.description === undefined ? {} : { description: options.description }),
            });
            return Number(saved.record.id);
          } catch (error) {
            if (error instanceof NetSuiteProblem)
              throw new SuiteScriptError('SSS_FILE_SAVE_FAILED', error.message);
            throw error;
          }
        },
      };
    },
  };
  const crypto = {
    HashAlg: Object.freeze({ SHA1: 'sha1', SHA256: 'sha256' }),
    createHash(options: { algorithm: string }) {
      const hash = createHash(options.algorithm);
      return {
        update: (update: { input: string; inputEncoding: string }) =>
          hash.update(Buffer.from(update.input, bufferEncoding(update.inputEncoding))),
        digest: (digest: { outputEncoding: string }) =>
          hash.digest(bufferEncoding(digest.outputEncoding) as 'hex' | 'base64'),
      };
    },
  };
  const encode = {
    Encoding,
    convert: (options: { string: string; inputEncoding: string; outputEncoding: string }) =>
      Buffer.from(options.string, bufferEncoding(options.inputEncoding)).toString(
        bufferEncoding(options.outputEncoding),
      ),
  };
  const log = { debug: () => {}, audit: () => {}, error: () => {}, emergency: () => {} };
  return {
    'N/record': record,
    'N/query': query,
    'N/search': search,
    'N/file': file,
    'N/crypto': crypto,
    'N/encode': encode,
    'N/log': log,
  };
}

/** Each account's entry points: the script keeps no state between calls, so its factory runs once. */
const entryPointsOf = new WeakMap<NetSuiteSandboxCore, { post(request: unknown): unknown }>();

/** The RESTlet's entry points, its factory called with the modules working on this account. */
export function attachRestletOn(core: NetSuiteSandboxCore): { post(request: unknown): unknown } {
  const known = entryPointsOf.get(core);
  if (known !== undefined) return known;
  let entryPoints: { post(request: unknown): unknown } | undefined;
  const define = (
    names: string[],
    factory: (...modules: unknown[]) => { post(request: unknown): unknown },
  ) => {
    const modules = modulesOf(core);
    entryPoints = factory(
      ...names.map((name) => {
        if (!(name in modules))
          throw new Error(`${scriptPath} needs ${name}, which the sandbox does not provide`);
        return modules[name];
      }),
    );
  };
  script.runInNewContext({ define });
  if (entryPoints === undefined) throw new Error(`${scriptPath} does not call define`);
  entryPointsOf.set(core, entryPoints);
  return entryPoints;
}
