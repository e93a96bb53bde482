import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The `wharf` command as a user runs it. */
export const wharfBin = fileURLToPath(new URL('../../bin/wharf.mjs', import.meta.url));

/** Runs `wharf <args>` to completion; a non-zero exit is a result, not a throw. */
export async function runWharf(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [wharfBin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
