// Hand-kept contract facts for apsync's own attachment RESTlet, derived from the script NetSuite runs.
// The script infra/netsuite-script/apsync_attach_rl.js is the source of truth for this contract (its README,
// "Attachment RESTlet", documents it; the NetSuite sandbox's restlet.ts and apsync's client
// shared/netsuite/restlet.ts follow it): NetSuite's record API export knows nothing of it. One operation,
// `POST /app/site/hosting/restlet.nl?script=…&deploy=…` (the account's RESTlet host), with two actions,
// storeAttachment (the default) and checkFolder; the script has no GET, PUT or DELETE entry point, so
// NetSuite refuses those methods. Its lists (file types, record types, refusal codes, the string limit)
// are read from the script itself, so they cannot drift from it. Every schema lists all its fields and is
// closed (`additionalProperties: false`): the script reads no other field and answers no other one, so
// unknown fields are found in answers as well as in requests. `document.sha256` is the script's checksum:
// test/integration/contract-facts.test.ts fails when the script changes, until these facts are reviewed
// against it and the checksum updated. Read by the contract checker (test/support/contracts/).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { ContractFacts, JsonSchema } from '../openapi-facts.ts';

export const ATTACH_RESTLET_PATH = '/app/site/hosting/restlet.nl';

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const JSON_TYPE = 'application/json';

/** The script NetSuite runs: the lists below are read from it, so the facts accept what it accepts. */
const script = readFileSync(
  fileURLToPath(new URL('../../netsuite-script/apsync_attach_rl.js', import.meta.url)),
  'utf8',
);

/** The value of the script's `const NAME = …;` (a literal or an arithmetic expression), evaluated alone. */
function scriptConstant(name: string): unknown {
  const literal = new RegExp(`\\n {2}const ${name} = ([\\s\\S]*?);\\n`).exec(script)?.[1];
  if (literal === undefined) {
    throw new Error(
      `infra/netsuite-script/apsync_attach_rl.js has no const ${name} (apsync-restlet.ts reads it)`,
    );
  }
  return runInNewContext(`(${literal})`, {});
}

/** The script's API_VERSION: the `apiVersion` every request must carry (others: BAD_REQUEST). */
export const attachApiVersion = scriptConstant('API_VERSION') as number;

/** The script's FILE_TYPES: file.Type names it stores (others: BAD_CONTENT). */
export const attachFileTypes = scriptConstant('FILE_TYPES') as readonly string[];

/** The script's ATTACHABLE: record.Type values a file is attached to (others: RECORD_NOT_FOUND). */
export const attachRecordTypes = Object.keys(scriptConstant('ATTACHABLE') as object);

/** The codes of the script's `{ok: false, code, message}` refusals (`refusal('CODE', …)`). */
export const attachRefusalCodes = [
  ...new Set([...script.matchAll(/refusal\(\s*'([A-Z_]+)'/g)].map((match) => match[1]!)),
];

/** The script's MAX_STRING: "guaranteed up to 10MB per string for RESTlet input or output" (Oracle help). */
export const MAX_RESTLET_STRING = scriptConstant('MAX_STRING') as number;

/** `if` of a discriminated body: looks at one field and lets the rest through (the branches close it). */
const when = (field: string, value: unknown): JsonSchema => ({
  type: 'object',
  properties: { [field]: { enum: [value] } },
  required: [field],
  additionalProperties: true,
});

/** JSON Schema's `if`/`then`/`else`: one branch's errors only, where `anyOf` would report both. */
const choose = (condition: JsonSchema, whenTrue: JsonSchema, otherwise: JsonSchema): JsonSchema => ({
  if: condition,
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a thenable
  then: whenTrue,
  else: otherwise,
});

/**
 * An object of exactly these fields (the script reads and answers no other), all required but the
 * optional ones.
 */
const closed = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((field) => !optional.includes(field)),
  additionalProperties: false,
});

/** A platform error: the body NetSuite gives when the script is not run or throws (README; commonly observed, not in Oracle's text). */
const platformError = { content: { [JSON_TYPE]: ref('restletError') } };

export const apsyncRestletFacts: ContractFacts = {
  $comment:
    'Hand-kept from infra/netsuite-script/apsync_attach_rl.js (the source of truth) and its README; update both together.',
  document: {
    file: 'apsync_attach_rl.js',
    title: 'apsync attachment RESTlet (infra/netsuite-script/apsync_attach_rl.js)',
    version: '1',
    openapi: '',
    sha256: '817e622f3b9ce545ff8f2548b9e5a51bbeee052869379a83a2918b4f79adabe2',
  },
  pathPrefix: '',
  operations: {
    [`POST ${ATTACH_RESTLET_PATH}`]: {
      source:
        'apsync_attach_rl.js `post` (apiVersion 1: storeAttachment, checkFolder) and its README "Contract (apiVersion 1)"; ' +
        'platform errors: Oracle help "SuiteScript 2.x RESTlet Error Handling" (unhandled errors answer 400) and the README',
      parameters: {
        query: {
          // The script record's and the deployment's ids (numeric ids work too); apsync's defaults are
          // customscript_apsync_attach and customdeploy_apsync_attach (README "Install").
          script: {
            required: true,
            schema: { type: 'string', pattern: '^(customscript[a-z0-9_]+|[0-9]+)$' },
          },
          deploy: {
            required: true,
            schema: { type: 'string', pattern: '^(customdeploy[a-z0-9_]+|[0-9]+)$' },
          },
        },
      },
      // The script takes an object: a JSON body (Content-Type application/json; NetSuite answers in the
      // request's content type).
      request: { required: true, content: { [JSON_TYPE]: ref('attachRequest') } },
      responses: {
        // Every answer of the script, refusals included, is a 200.
        '200': { content: { [JSON_TYPE]: ref('attachAnswer') } },
        // SSS_INVALID_SCRIPTLET_ID (no such script or deployment), SYNTAX_ERROR (not JSON), an error the
        // script throws.
        '400': platformError,
        // INVALID_LOGIN_ATTEMPT: no token, or one without the `restlets` scope.
        '401': platformError,
        // SSS_INVALID_HTTP_METHOD is answered for the methods the script has no entry point for; they are
        // not operations of this RESTlet, so a request with one is found as an undocumented operation.
        // INVALID_CONTENT_TYPE: a body in another content type.
        '415': platformError,
      },
    },
  },
  $defs: {
    /** The script's idText: a positive internal id, as digits (at most 18) or a safe integer. */
    internalId: {
      anyOf: [
        { type: 'string', pattern: '^[0-9]{1,18}$' },
        { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      ],
    },
    /** `action` chooses the body: checkFolder, or storeAttachment (also when `action` is absent). */
    attachRequest: choose(
      when('action', 'checkFolder'),
      ref('checkFolderRequest'),
      ref('storeAttachmentRequest'),
    ),
    storeAttachmentRequest: closed(
      {
        apiVersion: { type: 'integer', enum: [attachApiVersion] },
        action: { type: 'string', enum: ['storeAttachment'] },
        record: ref('attachTarget'),
        folderId: ref('internalId'),
        file: ref('attachFile'),
      },
      ['action'],
    ),
    checkFolderRequest: closed({
      apiVersion: { type: 'integer', enum: [attachApiVersion] },
      action: { type: 'string', enum: ['checkFolder'] },
      folderId: ref('internalId'),
    }),
    attachTarget: closed({
      // The script lower-cases the type before looking it up; apsync sends it in lower case.
      type: { type: 'string', enum: [...attachRecordTypes] },
      id: ref('internalId'),
    }),
    attachFile: closed(
      {
        // A File Cabinet name: not blank, at most 255 characters, none of \ / : * ? " < > | (BAD_NAME).
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          pattern: '^[^\\\\/:*?"<>|]*[^\\s\\\\/:*?"<>|][^\\\\/:*?"<>|]*$',
        },
        fileType: { type: 'string', enum: [...attachFileTypes] },
        // Base64 (whitespace is dropped first; the length must then be a multiple of 4, which a schema
        // cannot say), at most MAX_STRING characters (TOO_LARGE).
        contentBase64: {
          type: 'string',
          maxLength: MAX_RESTLET_STRING,
          pattern: '^[A-Za-z0-9+/\\s]*(=\\s*){0,2}$',
        },
        // Hex SHA-1 of the content, any case; null counts as absent.
        sha1: { type: ['string', 'null'], pattern: '^[0-9A-Fa-f]{40}$' },
        description: { type: 'string' },
      },
      ['sha1', 'description'],
    ),
    /** `ok` chooses the answer: a refusal, a stored file (it has `fileId`) or a checked folder. */
    attachAnswer: choose(
      when('ok', false),
      ref('attachRefusal'),
      choose({ required: ['fileId'] }, ref('attachStored'), ref('folderChecked')),
    ),
    attachStored: closed({
      ok: { type: 'boolean', enum: [true] },
      fileId: { type: 'string', pattern: '^[0-9]+$' },
      // False when a file of that name was already in the folder and is re-used.
      created: { type: 'boolean' },
      attached: { type: 'boolean', enum: [true] },
    }),
    folderChecked: closed({
      ok: { type: 'boolean', enum: [true] },
      folderId: { type: 'string', pattern: '^[0-9]{1,18}$' },
      name: { type: 'string' },
    }),
    attachRefusal: closed({
      ok: { type: 'boolean', enum: [false] },
      code: { type: 'string', enum: [...attachRefusalCodes] },
      message: { type: 'string' },
    }),
    restletError: closed({
      error: closed({ code: { type: 'string', minLength: 1 }, message: { type: 'string' } }),
    }),
  },
};
