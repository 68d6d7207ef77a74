// A JSON file an operator gives a command (`bills config set --file`, `settings set --file`): an
// unreadable file is a usage error (program.ts maps ENOENT and the like), and so is text that is not JSON.
import { readFile } from 'node:fs/promises';
import { DataError } from '../../shared/errors.ts';

export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not a JSON file (${(error as Error).message})`, {
      source: 'apsync-cli',
      code: 'bad-file',
    });
  }
}
