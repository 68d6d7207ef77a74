// Hand-kept contract facts for the Procurify request apsync makes that Procurify's OpenAPI document
// (facts/procurify.json) does not describe: downloading an invoice file. These are apsync's assumption,
// not the vendor's word: Attachment (procurify.openapi.yml) gives only `file`, a URL, `mimetype`,
// `length` and `sha1_hash`, and no operation serves the bytes; the document's examples show absolute
// storage URLs. apsync GETs `file` with its bearer token when the URL is on the Procurify host (and with
// no credentials elsewhere: a pre-signed storage link is not checked, it is not Procurify's API), and the
// Procurify sandbox serves its attachments at the path below. Same shape as the extracted facts; read by
// the contract checker (test/support/contracts/). Keep it in step with the sandbox (api.ts
// downloadAttachment) and the client (shared/procurify/attachments.ts) by hand.
import type { ContractFacts, JsonSchema } from '../openapi-facts.ts';

/**
 * Media types of invoice files the assumption covers (Attachment.mimetype is a free string of at most
 * 100 characters): PDFs, images, office documents and plain files. The bytes are not a JSON body: the
 * checker checks the content type only.
 */
export const invoiceFileMediaTypes = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/tiff',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/xml',
  'text/xml',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/zip',
  'application/octet-stream',
] as const;

const binary: JsonSchema = { type: 'string' };
const detail: JsonSchema = {
  type: 'object',
  required: ['detail'],
  properties: { detail: { type: 'string' } },
};

export const procurifyReferenceFacts: ContractFacts = {
  $comment:
    "Hand-kept: apsync's assumption about downloading Procurify attachments, which Procurify's OpenAPI document does not describe.",
  document: {
    file: 'procurify-reference.ts',
    title: "apsync's assumptions about Procurify beyond its OpenAPI document",
    version: '',
    openapi: '',
    sha256: '',
  },
  pathPrefix: '',
  operations: {
    'GET /api/v3/attachments/{uuid}/download/': {
      source:
        'assumption: Attachment.file (procurify.openapi.yml) is the URL of the bytes; on the Procurify host it takes the usual bearer token and X-Procurify-Client header (procurify.md "Hosts, versions, headers"); the answer is the file with its mimetype and Content-Length',
      parameters: {
        path: { uuid: { required: true, schema: { type: 'string', format: 'uuid' } } },
      },
      responses: {
        '200': {
          content: Object.fromEntries(invoiceFileMediaTypes.map((type) => [type, binary])),
        },
        '401': { content: { 'application/json': detail } },
        '404': { content: { 'application/json': detail } },
      },
    },
  },
  $defs: {},
};
