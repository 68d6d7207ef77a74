// The NetSuite sandbox's File Cabinet: folders, files (base64 content with its size and SHA-1) and the
// files attached to records. Written by the attachment RESTlet (restlet.ts, through suitescript.ts), seeds
// and the admin API; `attachedFiles` lets tests see what a record carries. Facts from Oracle help: N/file (file.create,
// File.save, file.Type; "Content held in memory is limited to 10MB"), N/record record.attach; the file
// types from the RESTlet's contract facts (infra/contracts/facts/apsync-restlet.ts).
import { createHash } from 'node:crypto';
import { attachFileTypes } from '../../contracts/facts/apsync-restlet.ts';
import { problems } from './problem.ts';
import type { RecordType } from './record-types.ts';
import type { RecordStore, StoredRecord } from './store.ts';
import { textField } from './store.ts';
import type { TypeRules } from './type-rules.ts';

// A character class and a length check, not a repeated group: a group repeated over megabytes of text
// overflows the regular expression engine's stack.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 text (whitespace ignored), or undefined when it is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The hidden field of a file listing the records it is attached to, as `type:id`. */
const ATTACHED_TO = 'attachedTo';

export const folderRules: TypeRules = {
  complete(draft, context) {
    const name = textField(draft, 'name');
    if (name === undefined || name.trim() === '') throw problems.missingValue('Name', 'name');
    if (draft.isInactive === undefined) draft.isInactive = false;
    const parent = textField(draft, 'parent');
    if (parent !== undefined && parent === context.existing?.id)
      throw problems.invalidValue('parent', parent, 'parent');
  },
};

export const fileRules: TypeRules = {
  complete(draft, context) {
    const name = textField(draft, 'name');
    if (name === undefined || name.trim() === '') throw problems.missingValue('Name', 'name');
    const folder = textField(draft, 'folder');
    if (folder === undefined) throw problems.missingValue('Folder', 'folder');
    const fileType = textField(draft, 'fileType');
    if (fileType === undefined) throw problems.missingValue('Type', 'fileType');
    if (!(attachFileTypes as readonly string[]).includes(fileType))
      throw problems.invalidValue('fileType', fileType, 'fileType');
    const content = textField(draft, 'content') ?? '';
    const bytes = decodeBase64(content);
    if (bytes === undefined) throw problems.invalidValue('content', '(not base64)', 'content');
    draft.content = bytes.toString('base64');
    draft.size = bytes.length;
    draft.sha1 = sha1Hex(bytes);
    const clash = findFileByName(context.store, folder, name);
    if (clash !== undefined && clash.id !== context.existing?.id) {
      throw problems.userError(`A file named ${name} already exists in folder ${folder}.`, 'name');
    }
  },
};

/** The file with exactly this name in the folder (File Cabinet names are unique per folder). */
export function findFileByName(store: RecordStore, folderId: string, name: string): StoredRecord | undefined {
  return store
    .list('file')
    .find((file) => textField(file.fields, 'folder') === folderId && textField(file.fields, 'name') === name);
}

const attachmentKey = (type: RecordType, id: string): string => `${type}:${id}`;

function attachmentsOf(file: StoredRecord): string[] {
  const value = file.fields[ATTACHED_TO];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Attaches a file to a record (N/record.attach); attaching it again changes nothing. */
export function attachFile(store: RecordStore, fileId: string, type: RecordType, id: string): void {
  const file = store.get('file', fileId);
  if (file === undefined) throw problems.nonexistentId('file', fileId);
  const key = attachmentKey(type, id);
  const current = attachmentsOf(file);
  if (current.includes(key)) return;
  // Attaching is not an edit of the file's content: its lastModifiedDate stays.
  store.save({ ...file, fields: { ...file.fields, [ATTACHED_TO]: [...current, key] } });
}

/** The files attached to a record, by ascending id. */
export function attachedFiles(store: RecordStore, type: RecordType, id: string): StoredRecord[] {
  const key = attachmentKey(type, id);
  return store.list('file').filter((file) => attachmentsOf(file).includes(key));
}

/** What tests and the admin API see of an attached file (its content as base64). */
export interface AttachedFile {
  id: string;
  name: string;
  folder: string;
  fileType: string;
  description?: string;
  size: number;
  sha1: string;
  contentBase64: string;
}

export function attachedFileView(file: StoredRecord): AttachedFile {
  const description = textField(file.fields, 'description');
  return {
    id: file.id,
    name: textField(file.fields, 'name') ?? '',
    folder: textField(file.fields, 'folder') ?? '',
    fileType: textField(file.fields, 'fileType') ?? '',
    ...(description === undefined ? {} : { description }),
    size: typeof file.fields.size === 'number' ? file.fields.size : 0,
    sha1: textField(file.fields, 'sha1') ?? '',
    contentBase64: textField(file.fields, 'content') ?? '',
  };
}
