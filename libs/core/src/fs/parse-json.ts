import { HermeticError } from '../errors';

/**
 * `text` (read from `file`) as JSON, or an InvalidInput error naming the file, JSON's own reason and
 * `hint` (which files belong there): JSON.parse alone names neither the file nor the fix.
 */
export function parseJsonFile(text: string, file: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HermeticError('InvalidInput', `${file} is not JSON (${(err as Error).message})`, { hints: [hint], cause: err });
  }
}
